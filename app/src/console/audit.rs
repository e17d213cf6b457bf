//! The audit log and the outbox, for administrators.

use chrono::{DateTime, NaiveDate, Utc};
use domain::text::Lang;
use store::AuditFilter;

use super::service::*;
use crate::console::types::*;
use crate::core::access::Actor;
use crate::core::error::AppError;
use crate::core::state::AppState;

impl AppState {
    /// The audit log, filtered; `days` are the first and last local dates
    /// to show, in the town's zone.
    pub async fn audit_page(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        days: (Option<NaiveDate>, Option<NaiveDate>),
        lang: Lang,
    ) -> Result<AuditPage, AppError> {
        let s = actor.admin()?;
        let tz = self.town_zone(s.municipality).await?;
        let midnight = |d: NaiveDate| crate::core::time::local_instant(tz, d, "00:00");
        let filter = AuditFilter {
            from: days.0.and_then(midnight),
            to: days.1.and_then(|d| midnight(d.succ_opt()?)),
            ..filter.clone()
        };
        let entries = self
            .store
            .audit_entries(s.municipality, &filter, 500)
            .await?;
        Ok(AuditPage {
            me: me(&s, lang),
            entries: entries
                .into_iter()
                .map(|e| AuditLine {
                    at: e
                        .at
                        .with_timezone(&tz)
                        .format("%Y-%m-%d %H:%M:%S")
                        .to_string(),
                    actor: e.actor,
                    action: e.action,
                    target: e.target,
                    before: e.before.unwrap_or_default(),
                    after: e.after.unwrap_or_default(),
                })
                .collect(),
        })
    }

    pub async fn outbox_page(&self, actor: &Actor, lang: Lang) -> Result<OutboxPage, AppError> {
        let s = actor.admin()?;
        let tz = self.town_zone(s.municipality).await?;
        let mails = self.store.outbox(s.municipality, 200).await?;
        let fmt = |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
        Ok(OutboxPage {
            me: me(&s, lang),
            mails: mails
                .into_iter()
                .map(|m| OutboxLine {
                    created: fmt(m.created_at),
                    to: m.to_addr,
                    subject: m.subject,
                    sent: m.sent_at.map(fmt),
                    error: m.last_error,
                })
                .collect(),
        })
    }
}
