//! A procedure as the visit pages and mails show it, in one language.

use domain::text::Lang;
use store::entity::{department, procedure};

use crate::visits::types::ProcedureSummary;

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn summary(lang: Lang, p: &procedure::Model, d: &department::Model) -> ProcedureSummary {
    let ja = lang == Lang::Ja;
    ProcedureSummary {
        id: p.id,
        name: if ja { &p.name_ja } else { &p.name_en }.clone(),
        department: if ja { &d.name_ja } else { &d.name_en }.clone(),
        duration_minutes: u32::try_from(p.duration_minutes).unwrap_or(0),
        documents: lines(if ja { &p.documents_ja } else { &p.documents_en }),
        notes: if ja { &p.notes_ja } else { &p.notes_en }.clone(),
        online_possible: p.online_possible,
        life_events: p
            .life_events
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect(),
    }
}
