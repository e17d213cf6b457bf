//! The usage report (稼働率, fees per month) and the CSV export of bookings.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::error::Field;
use domain::ids::{FacilityId, UnitId};
use domain::text::Lang;
use store::entity::booking;

use super::service::*;
use crate::booking::service::stored_fee;
use crate::console::texts as ct;
use crate::console::types::*;
use crate::core::access::{Actor, entry};
use crate::core::error::AppError;
use crate::core::state::AppState;

impl AppState {
    /// Occupancy (稼働率) of each unit and fee totals for the six months
    /// ending with `last` (this month when not given). Used time counts
    /// confirmed residents' bookings (used or not), not blocks, pending
    /// requests or cancellations.
    pub async fn usage_report(
        &self,
        actor: &Actor,
        facility: FacilityId,
        last: Option<domain::calendar::YearMonth>,
        lang: Lang,
    ) -> Result<UsageReport, AppError> {
        use domain::calendar::YearMonth;
        const MONTHS: i32 = 6;
        let (f, s) = self.managed(actor, facility).await?;
        let tz = f.plan.tz;
        let last =
            last.unwrap_or_else(|| YearMonth::of(self.now().with_timezone(&tz).date_naive()));
        let first = last.add_months(1 - MONTHS);
        let edge = |m: YearMonth| crate::core::time::local_instant(tz, m.first_day(), "00:00");
        let (Some(from), Some(to)) = (edge(first), edge(last.next())) else {
            return Err(invalid(Field::Month));
        };
        let ids: Vec<i64> = f.units.iter().map(|u| u.id.0).collect();
        let rows = self.store.bookings_between(&ids, from, to).await?;
        let counted: Vec<&booking::Model> = rows
            .iter()
            .filter(|r| {
                r.kind == domain::status::BookingKind::Resident
                    && r.status == domain::status::BookingStatus::Confirmed
            })
            .collect();
        let busy: Vec<domain::availability::Busy> = counted
            .iter()
            .map(|r| domain::availability::Busy {
                unit: UnitId(r.unit_id),
                start: r.start_at,
                end: r.end_at,
            })
            .collect();
        let t = ct::texts(lang);
        let months: Vec<YearMonth> = (0..MONTHS).map(|i| first.add_months(i)).collect();
        let usage: Vec<Vec<domain::report::UnitUsage>> = months
            .iter()
            .map(|m| domain::report::monthly_usage(&f.plan, *m, &busy))
            .collect();
        let hours = |minutes: i64| format!("{}", minutes as f64 / 60.0);
        let table = f
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| UsageRow {
                unit: u.name.get(lang).to_owned(),
                cells: usage
                    .iter()
                    .map(|month| {
                        let x = month[i];
                        UsageCell {
                            per_mille: x.per_mille(),
                            rate: format!("{}.{}%", x.per_mille() / 10, x.per_mille() % 10),
                            hours: (t.usage_hours)(
                                &hours(x.used_minutes),
                                &hours(x.offered_minutes),
                            ),
                        }
                    })
                    .collect(),
            })
            .collect();
        let label = |m: YearMonth| (crate::core::i18n::texts(lang).month_title)(m.year, m.month);
        let fees = months
            .iter()
            .map(|m| {
                let in_month: Vec<&&booking::Model> = counted
                    .iter()
                    .filter(|r| YearMonth::of(r.start_at.with_timezone(&tz).date_naive()) == *m)
                    .collect();
                let charged_yen: i64 = in_month.iter().map(|r| r.fee_total_yen).sum();
                let reduced_yen: i64 = in_month
                    .iter()
                    .map(|r| stored_fee(r).reduction_yen().0)
                    .sum();
                let received_yen: i64 = in_month
                    .iter()
                    .filter(|r| r.paid_at.is_some())
                    .map(|r| r.fee_total_yen)
                    .sum();
                FeeMonth {
                    month: label(*m),
                    charged: crate::core::i18n::yen(lang, domain::booking::Yen(charged_yen)),
                    charged_yen,
                    reduced: crate::core::i18n::yen(lang, domain::booking::Yen(reduced_yen)),
                    received: crate::core::i18n::yen(lang, domain::booking::Yen(received_yen)),
                    received_yen,
                }
            })
            .collect();
        Ok(UsageReport {
            me: me(&s, lang),
            facility_id: f.id.0,
            title: (t.report_title)(f.name.get(lang)),
            months: months.iter().map(|m| label(*m)).collect(),
            rows: table,
            fees,
            month: last.to_string(),
            prev: last.add_months(-MONTHS).to_string(),
            next: last.add_months(MONTHS).to_string(),
        })
    }

    /// Bookings of a facility for `[from, to]` (local dates) as CSV, UTF-8
    /// with a byte-order mark so that Excel reads the Japanese correctly.
    /// The export holds personal data, so it is audited.
    pub async fn export_csv(
        &self,
        actor: &Actor,
        facility: FacilityId,
        from: NaiveDate,
        to: NaiveDate,
        lang: Lang,
    ) -> Result<String, AppError> {
        let (f, s) = self.managed(actor, facility).await?;
        if to < from || (to - from).num_days() > 366 {
            return Err(invalid(Field::To));
        }
        let tz = f.plan.tz;
        let start =
            crate::core::time::local_instant(tz, from, "00:00").ok_or(invalid(Field::From))?;
        let end = crate::core::time::local_instant(tz, to, "00:00").ok_or(invalid(Field::To))?
            + Duration::days(1);
        let ids: Vec<i64> = f.units.iter().map(|u| u.id.0).collect();
        let rows = self.store.bookings_between(&ids, start, end).await?;
        let now = self.now();
        let mut e = entry(
            &s,
            domain::status::AuditAction::BookingExport,
            format!("facility:{}", f.id.0),
            now,
        );
        e.after = Some(serde_json::json!({ "from": from, "to": to, "rows": rows.len() }));
        self.store.audit(&e).await?;
        let mut out = String::from("\u{feff}");
        out.push_str(&ct::csv_header(lang).join(","));
        out.push_str("\r\n");
        for r in &rows {
            let Some(i) = f.units.iter().position(|u| u.id.0 == r.unit_id) else {
                continue;
            };
            let l = self.line(r, &f, i, lang);
            let local =
                |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
            let fields = [
                r.reference.clone(),
                l.unit,
                local(r.start_at),
                local(r.end_at),
                l.status_label,
                r.name.clone(),
                r.name_kana.clone(),
                r.phone.clone(),
                r.email.clone(),
                r.purpose.clone(),
                r.attendees.to_string(),
                crate::booking::texts::resident_text(lang, r.resident).to_owned(),
                r.fee_total_yen.to_string(),
                stored_fee(r).reduction_yen().0.to_string(),
                r.paid_at.map(local).unwrap_or_default(),
                r.usage
                    .map(|u| ct::status_label(lang, u.code()).to_owned())
                    .unwrap_or_default(),
                r.created_by_staff_id
                    .map(|_| "✓".to_owned())
                    .unwrap_or_default(),
            ];
            let line: Vec<String> = fields.iter().map(|x| csv_field(x)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        Ok(out)
    }
}

/// One CSV field, quoted when needed; a leading `=`, `+`, `-` or `@` is
/// defused so a spreadsheet never runs it as a formula.
fn csv_field(x: &str) -> String {
    let x = if x.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{x}")
    } else {
        x.to_owned()
    };
    if x.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", x.replace('"', "\"\""))
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("山田"), "山田");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("-1"), "'-1");
    }
}
