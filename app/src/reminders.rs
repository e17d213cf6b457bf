//! Day-before reminders for bookings and visits (server only): a mail in
//! Japanese and English with the event's calendar file, sent once between
//! 9:00 and 21:00 of the town's day before. Bookings made in the last 12
//! hours get none (their confirmation is fresh). Exactly once: each is
//! recorded with its mail in one transaction (`store::reminders`).

use chrono::{Duration, Timelike};
use domain::ids::UnitId;
use store::Remind;

use crate::booking::mail::MailEvent;
use crate::core::error::AppError;
use crate::core::state::AppState;
use crate::visits::mail::VisitMail;

/// The town's hours in which reminders go out: [from, until).
const HOURS: std::ops::Range<u32> = 9..21;
/// Bookings and visits younger than this get no reminder.
const FRESH: Duration = Duration::hours(12);

impl AppState {
    /// Sends the reminders due now; returns how many went to the outbox.
    pub async fn send_reminders(&self) -> Result<usize, AppError> {
        let now = self.now();
        let mut sent = 0;
        for town in self.store.municipalities().await? {
            let tz: chrono_tz::Tz = town.time_zone.parse().unwrap_or(chrono_tz::Asia::Tokyo);
            let local = now.with_timezone(&tz);
            if !HOURS.contains(&local.hour()) {
                continue;
            }
            let tomorrow = local.date_naive() + Duration::days(1);
            let day = |d| crate::core::time::local_instant(tz, d, "00:00");
            let (Some(from), Some(to)) = (day(tomorrow), day(tomorrow + Duration::days(1))) else {
                continue;
            };
            let made_before = now - FRESH;
            // Each unit's facility read once, however many bookings it has.
            let mut facilities = std::collections::HashMap::new();
            for b in self
                .store
                .due_booking_reminders(from, to, made_before, now)
                .await?
            {
                let (f, i) = match facilities.get(&b.unit_id) {
                    Some(known) => known,
                    None => {
                        let found = self.unit_facility(UnitId(b.unit_id)).await?;
                        facilities.entry(b.unit_id).or_insert(found)
                    }
                };
                if f.municipality.0 != town.id {
                    continue;
                }
                if let Some(mail) = self.mail_for(&b, f, *i, MailEvent::Reminder)
                    && self
                        .store
                        .send_reminder(Remind::Booking(b.id), mail, now)
                        .await?
                {
                    sent += 1;
                }
            }
            let facts = self.visit_facts(town.id).await?;
            for v in self
                .store
                .due_visit_reminders(town.id, from, to, made_before)
                .await?
            {
                if let Some(mail) = facts.mail(VisitMail::Reminder, &v, now)
                    && self
                        .store
                        .send_reminder(Remind::Visit(v.row.id), mail, now)
                        .await?
                {
                    sent += 1;
                }
            }
        }
        if sent > 0 {
            self.mailer.wake();
        }
        Ok(sent)
    }
}
