//! A town's fee reductions (減免区分) kept by its administrators: added,
//! renamed, their share and what applicants give changed, offered or no
//! longer offered on the booking form. Bookings keep the share they were
//! given; nothing is deleted.

use domain::status::AuditAction;
use domain::text::Lang;
use store::reductions::NewReduction;

use crate::core::access::{Actor, entry};
use crate::core::error::AppError;
use crate::core::i18n::pick;
use crate::core::state::AppState;
use crate::setup::equipment::{clean_line, names, number};
use crate::setup::texts::messages;
use crate::setup::types::{FormMessage, ReductionForm, ReductionLine, ReductionsPage};

const NAME_MAX: usize = 60;
const PROOF_MAX: usize = 300;

/// The form checked: the category to save, or every field's problem.
pub fn check_reduction(form: &ReductionForm, lang: Lang) -> Result<NewReduction, Vec<FormMessage>> {
    let t = messages(lang);
    let mut errors = Vec::new();
    let (name_ja, name_en) = names(&form.name_ja, &form.name_en, NAME_MAX, lang, &mut errors);
    let mut flag = |key: &str, message: String| {
        errors.push(FormMessage {
            key: key.to_owned(),
            message,
        });
    };
    let percent = number(form.percent.trim_end_matches(['%', '％']))
        .and_then(|p| i32::try_from(p).ok())
        .filter(|p| (1..=100).contains(p));
    if percent.is_none() {
        flag("percent", t.bad_percent.to_owned());
    }
    let (proof_ja, proof_en) = (clean_line(&form.proof_ja), clean_line(&form.proof_en));
    for (key, value) in [("proof_ja", &proof_ja), ("proof_en", &proof_en)] {
        if value.chars().count() > PROOF_MAX {
            flag(key, (t.too_long)(PROOF_MAX));
        }
    }
    match percent {
        Some(percent) if errors.is_empty() => Ok(NewReduction {
            name_en: if name_en.is_empty() {
                name_ja.clone()
            } else {
                name_en
            },
            name_ja,
            percent,
            proof_en: if proof_en.is_empty() {
                proof_ja.clone()
            } else {
                proof_en
            },
            proof_ja,
            offered: form.offered.is_some(),
        }),
        _ => Err(errors),
    }
}

impl AppState {
    /// The town's fee reductions page (its administrators only); `editing`
    /// the category whose form is shown, `draft` the form as it came back.
    pub async fn reductions_page(
        &self,
        actor: &Actor,
        lang: Lang,
        editing: Option<i64>,
        draft: Option<(ReductionForm, Vec<FormMessage>)>,
    ) -> Result<ReductionsPage, AppError> {
        let admin = actor.admin()?;
        let rows = self.store.reductions(admin.municipality).await?;
        let editing = match editing {
            Some(id) if rows.iter().any(|r| r.id == id) => Some(id),
            Some(_) => return Err(missing()),
            None => None,
        };
        let (values, errors) = draft.unwrap_or_else(|| {
            let values = rows
                .iter()
                .find(|r| Some(r.id) == editing)
                .map(|r| ReductionForm {
                    name_ja: r.name_ja.clone(),
                    name_en: r.name_en.clone(),
                    percent: r.percent.to_string(),
                    proof_ja: r.proof_ja.clone(),
                    proof_en: r.proof_en.clone(),
                    offered: r.offered.then(|| "on".to_owned()),
                })
                .unwrap_or_else(|| ReductionForm {
                    offered: Some("on".into()),
                    ..ReductionForm::default()
                });
            (values, Vec::new())
        });
        let editing_name = rows
            .iter()
            .find(|r| Some(r.id) == editing)
            .map(|r| pick(lang, &r.name_ja, &r.name_en));
        Ok(ReductionsPage {
            me: crate::console::service::me(&admin, lang),
            t: crate::setup::texts::reduction_labels(lang, editing_name.as_deref()),
            lines: rows
                .iter()
                .map(|r| {
                    let name = pick(lang, &r.name_ja, &r.name_en);
                    ReductionLine {
                        id: r.id,
                        edit: crate::setup::texts::reduction_edit(lang, &name),
                        name,
                        percent: crate::booking::service::percent_of(r),
                        proof: pick(lang, &r.proof_ja, &r.proof_en),
                        offered: r.offered,
                    }
                })
                .collect(),
            editing,
            values,
            errors,
            flash: None,
        })
    }

    /// Adds a category (`id` empty) or changes the town's category `id`:
    /// what to say, or the form's problems.
    pub async fn save_reduction(
        &self,
        actor: &Actor,
        lang: Lang,
        id: &str,
        form: &ReductionForm,
    ) -> Result<Result<String, Vec<FormMessage>>, AppError> {
        let admin = actor.admin()?;
        let id = match id.trim() {
            "" => None,
            raw => Some(raw.parse::<i64>().map_err(|_| missing())?),
        };
        let new = match check_reduction(form, lang) {
            Ok(n) => n,
            Err(errors) => return Ok(Err(errors)),
        };
        let t = messages(lang);
        let name = pick(lang, &new.name_ja, &new.name_en);
        let now = self.now();
        let town = admin.municipality;
        match id {
            None => {
                let e = entry(&admin, AuditAction::ReductionCreate, String::new(), now);
                let id = self.store.create_reduction(town, &new, &e).await?;
                tracing::info!(reduction = id, "fee reduction added");
                Ok(Ok((t.equipment_added)(&name)))
            }
            Some(id) => {
                let e = entry(&admin, AuditAction::ReductionUpdate, String::new(), now);
                if !self.store.update_reduction(town, id, &new, &e).await? {
                    return Err(missing());
                }
                tracing::info!(reduction = id, "fee reduction changed");
                Ok(Ok((t.equipment_saved)(&name)))
            }
        }
    }
}

fn missing() -> AppError {
    AppError::Domain(domain::error::DomainError::NotFound(
        domain::error::Missing::Reduction,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, percent: &str) -> ReductionForm {
        ReductionForm {
            name_ja: name.into(),
            percent: percent.into(),
            proof_ja: "団体名を書いてください。".into(),
            offered: Some("on".into()),
            ..ReductionForm::default()
        }
    }

    #[test]
    fn the_form_is_read_as_people_type_it() {
        let r = check_reduction(&form(" 高齢者団体 ", "５０％"), Lang::Ja).unwrap();
        assert_eq!(r.name_ja, "高齢者団体");
        assert_eq!(r.name_en, "高齢者団体", "English name falls back");
        assert_eq!(r.proof_en, "団体名を書いてください。");
        assert_eq!((r.percent, r.offered), (50, true));
        let mut off = form("町主催", "100");
        off.offered = None;
        assert!(!check_reduction(&off, Lang::En).unwrap().offered);
    }

    #[test]
    fn each_problem_is_next_to_its_field() {
        for bad in ["0", "101", "-5", "half", ""] {
            let errors = check_reduction(&form("学校", bad), Lang::Ja).unwrap_err();
            let keys: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
            assert_eq!(keys, ["percent"], "{bad}");
        }
        let mut long = form("", "50");
        long.proof_en = "x".repeat(PROOF_MAX + 1);
        let errors = check_reduction(&long, Lang::En).unwrap_err();
        let keys: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["name_ja", "proof_en"]);
    }
}
