//! A booking as a series (定期利用): the form's series fields, every date
//! checked as a single booking would be (the review says which dates fail
//! and why), booking all of them or only the free ones in one transaction
//! (`store::series`), a series on a booking's page, cancelling a date and
//! the later ones, and the one mail about several dates. Its words are
//! written here, on the server, and reach pages with their data.

use chrono::{DateTime, NaiveDate, Utc};
use domain::error::{Conflict, DomainError};
use domain::ids::UnitId;
use domain::series::{Pattern, Repeat};
use domain::text::Lang;
use store::entity::{booking, booking_series};
use store::series::SeriesRecord;
use store::{BookingRecord, FacilityRecord, NewMail};

use crate::booking::input::{BookingInput, SeriesInput, parse_id, parse_instant};
use crate::booking::service::{Prepared, create_error, deadline_passed, new_booking};
use crate::booking::texts::status_text;
use crate::booking::types::{FieldMessage, SeriesDate, SeriesForm, SeriesPart, SeriesReview};
use crate::core::error::AppError;
use crate::core::i18n::{format_date, weekday_long, yen};
use crate::core::state::AppState;
use crate::core::time::when_text;

fn ja(lang: Lang) -> bool {
    lang == Lang::Ja
}

/// The form's series fields, as typed so far (the first date's weekday
/// ticked when none is).
pub(crate) fn series_form(lang: Lang, first: NaiveDate, input: &SeriesInput) -> SeriesForm {
    let j = ja(lang);
    let pick = |a: &str, b: &str| if j { a.to_owned() } else { b.to_owned() };
    let repeats = [
        ("", "くり返さない（この日だけ）", "Once (this date only)"),
        ("1", "毎週", "Every week"),
        ("2", "隔週（2週ごと）", "Every other week"),
        ("4", "4週ごと", "Every 4 weeks"),
        (
            "m",
            "毎月の決まった週（第2・第4火曜日など）",
            "Set weeks of the month (e.g. 2nd and 4th Tuesday)",
        ),
    ]
    .into_iter()
    .map(|(v, a, b)| (v.to_owned(), pick(a, b), input.repeat.trim() == v))
    .collect();
    let first_day = chrono::Datelike::weekday(&first)
        .number_from_monday()
        .to_string();
    let days = (1..=7u8)
        .map(|n| {
            let v = n.to_string();
            let day = chrono::Weekday::try_from(n - 1).unwrap_or(chrono::Weekday::Mon);
            let checked = if input.days.is_empty() {
                v == first_day
            } else {
                input.days.contains(&v)
            };
            (v, weekday_long(lang, day).to_owned(), checked)
        })
        .collect();
    let first_week = domain::series::month_week(first).to_string();
    let weeks = (1..=5u8)
        .map(|n| {
            let v = n.to_string();
            let checked = if input.weeks.is_empty() {
                v == first_week
            } else {
                input.weeks.contains(&v)
            };
            let words = if j {
                format!("第{n}週")
            } else {
                ["1st week", "2nd week", "3rd week", "4th week", "5th week"][usize::from(n - 1)]
                    .to_owned()
            };
            (v, words, checked)
        })
        .collect();
    SeriesForm {
        legend: pick("くり返し予約（定期利用）", "Repeat booking (regular use)"),
        hint: if j {
            format!(
                "サークルや教室などで同じ時間に続けて使うときは、くり返し方と最終日を選んでください（最大{}回）。各回は1回ずつの予約と同じ規則で確かめ、予約できない日とその理由を確認画面でお知らせします。予約件数の上限では、1件の定期利用を1件と数えます。",
                domain::series::MAX_OCCURRENCES
            )
        } else {
            format!(
                "For a club or class that uses the same time regularly, choose how it repeats and the last date (at most {} dates). Each date is checked like a single booking; the review shows which dates cannot be booked and why. A series counts as one booking towards the limit per person.",
                domain::series::MAX_OCCURRENCES
            )
        },
        repeat_label: pick("くり返し", "Repeat"),
        repeats,
        days_legend: pick("曜日", "Weekdays"),
        days,
        weeks_legend: pick("毎月の週", "Weeks of the month"),
        weeks_hint: pick(
            "「毎月の決まった週」のときだけ使います。月の1日〜7日が第1週、8日〜14日が第2週です。",
            "Only for \"set weeks of the month\". Days 1–7 of a month are its 1st week, days 8–14 its 2nd …",
        ),
        weeks,
        until_label: pick("最終日", "Last date"),
        until_hint: pick(
            "この日までの各回を予約します。例：2027-03-31",
            "Dates up to this day are booked, e.g. 2027-03-31.",
        ),
        until: input.until.clone(),
        repeat_error: None,
        until_error: None,
    }
}

/// Puts the problems with the series fields next to them.
pub(crate) fn show_errors(form: &mut SeriesForm, errors: &[FieldMessage]) {
    use domain::applicant::BookingField;
    let of = |field| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    };
    form.repeat_error = of(BookingField::Repeat);
    form.until_error = of(BookingField::Until);
}

/// How a series repeats, in words: `毎週 火曜日（2027年3月30日まで）`.
fn pattern_text(lang: Lang, p: &Pattern) -> String {
    let j = ja(lang);
    let sep = if j { "・" } else { ", " };
    let days: Vec<&str> = p.weekdays.iter().map(|d| weekday_long(lang, *d)).collect();
    let days = days.join(sep);
    let how = match &p.repeat {
        Repeat::Weeks(1) => (if j { "毎週" } else { "every week" }).to_owned(),
        Repeat::Weeks(n) if j => format!("{n}週ごと"),
        Repeat::Weeks(n) => format!("every {n} weeks"),
        Repeat::MonthWeeks(w) if j => {
            let w: Vec<String> = w.iter().map(|n| format!("第{n}")).collect();
            format!("毎月{}", w.join("・"))
        }
        Repeat::MonthWeeks(w) => {
            let w: Vec<String> = w.iter().map(|n| n.to_string()).collect();
            format!("weeks {} of each month", w.join(", "))
        }
    };
    let until = format_date(lang, p.until);
    if j {
        format!("{how} {days}（{until}まで）")
    } else {
        format!("{days}, {how}, until {until}")
    }
}

/// One date of a series: its start and end, and its check.
type Checked = (DateTime<Utc>, DateTime<Utc>, Result<Prepared, AppError>);

/// Every date of a series, checked.
pub(crate) struct SeriesPlan {
    pattern: Pattern,
    tz: chrono_tz::Tz,
    dates: Vec<Checked>,
}

impl AppState {
    /// The dates of the series the answers ask for, each checked against
    /// the rules as a single booking (`None`: not a series). Problems with
    /// the series fields come back as field problems.
    pub(crate) async fn prepare_series(
        &self,
        input: &BookingInput,
        staff: bool,
    ) -> Result<Option<SeriesPlan>, AppError> {
        if !input.series.is_series() {
            return Ok(None);
        }
        let (Ok(unit), Ok(start), Ok(end)) = (
            parse_id(&input.unit_id),
            parse_instant(&input.start),
            parse_instant(&input.end),
        ) else {
            // The first date's own check names these fields.
            return self.prepare(input, staff).await.map(|_| None);
        };
        let (f, _) = self.unit_facility(UnitId(unit)).await?;
        let tz = f.plan.tz;
        let (s, e) = (
            start.with_timezone(&tz).naive_local(),
            end.with_timezone(&tz).naive_local(),
        );
        let first = s.date();
        let si = &input.series;
        let Some(pattern) =
            domain::series::parse(first, &si.repeat, &si.days, &si.weeks, &si.until)
                .map_err(|p| AppError::Domain(DomainError::Fields(p)))?
        else {
            // A repeat was chosen, so `parse` gives a pattern or problems.
            return Ok(None);
        };
        let days = pattern
            .dates(first)
            .map_err(|p| AppError::Domain(DomainError::Fields(vec![p])))?;
        let mut dates = Vec::with_capacity(days.len());
        for day in days {
            let shift = day - first;
            let (Some(a), Some(b)) = (
                domain::availability::to_utc(tz, s + shift),
                domain::availability::to_utc(tz, e + shift),
            ) else {
                // A wall-clock time the zone skips (none in Japan): no date.
                continue;
            };
            let mut one = input.clone();
            one.start = a.with_timezone(&tz).to_rfc3339();
            one.end = b.with_timezone(&tz).to_rfc3339();
            one.series = SeriesInput::default();
            let checked = match self.prepare(&one, staff).await {
                Err(e @ AppError::Domain(_)) => Err(e),
                Err(e) => return Err(e),
                Ok(p) => Ok(p),
            };
            dates.push((a, b, checked));
        }
        Ok(Some(SeriesPlan { pattern, tz, dates }))
    }

    /// Books the series: every date (`all`, refused when any cannot be
    /// booked) or only those that can. One transaction: all or none.
    pub(crate) async fn create_series_as(
        &self,
        input: &BookingInput,
        staff: Option<&crate::core::access::Staff>,
        account: Option<i64>,
        request_key: Option<String>,
        all: bool,
    ) -> Result<SeriesRecord, AppError> {
        match self
            .create_series_checked(input, staff, account, request_key.clone(), all)
            .await
        {
            // Sent twice, and the first send has booked meanwhile (its
            // dates are taken now, by itself): that series.
            Err(refused @ AppError::Domain(_)) => match request_key.as_deref() {
                Some(key) => self.store.series_by_key(key).await?.ok_or(refused),
                None => Err(refused),
            },
            other => other,
        }
    }

    async fn create_series_checked(
        &self,
        input: &BookingInput,
        staff: Option<&crate::core::access::Staff>,
        account: Option<i64>,
        request_key: Option<String>,
        all: bool,
    ) -> Result<SeriesRecord, AppError> {
        let Some(plan) = self.prepare_series(input, staff.is_some()).await? else {
            return Err(AppError::Domain(DomainError::Conflict(Conflict::SlotTaken)));
        };
        let now = self.now();
        let mut chosen = Vec::new();
        for (_, _, checked) in &plan.dates {
            match checked {
                Ok(p) => chosen.push(p),
                Err(e) if all => return Err(e.clone()),
                Err(_) => {}
            }
        }
        let Some(first) = chosen.first() else {
            return Err(AppError::Domain(DomainError::Conflict(Conflict::SlotTaken)));
        };
        let (f, i) = (&first.facility, first.unit_index);
        let mut items = Vec::with_capacity(chosen.len());
        for (n, p) in chosen.iter().enumerate() {
            let key = if n == 0 { request_key.clone() } else { None };
            let mut b = new_booking(p, staff, account, key, now);
            if n > 0 {
                // One audit entry for the series (the first date's).
                b.audit = None;
            }
            items.push(b);
        }
        let pattern = serde_json::to_string(&plan.pattern).map_err(|e| {
            tracing::error!(error = %e, "series pattern not written");
            AppError::Unavailable
        })?;
        let mail = |series: &booking_series::Model, rows: &[booking::Model]| {
            self.series_mail(series, rows, f, i, false)
        };
        let record = self
            .store
            .create_series(&items, &pattern, now, &mail)
            .await
            .map_err(create_error)?;
        tracing::info!(
            series = record.series.id,
            bookings = record.bookings.len(),
            "series booked"
        );
        self.mailer.wake();
        Ok(record)
    }

    /// A booking's series on its page: every date with its state, and
    /// whether this date and the later ones may still be cancelled.
    pub(crate) async fn series_part(
        &self,
        f: &FacilityRecord,
        i: usize,
        record: &BookingRecord,
        lang: Lang,
    ) -> Result<Option<SeriesPart>, AppError> {
        let Some(id) = record.row.series_id else {
            return Ok(None);
        };
        let Some(s) = self.store.series(id).await? else {
            return Ok(None);
        };
        let now = self.now();
        let tz = f.plan.tz;
        let j = ja(lang);
        let pattern: Option<Pattern> = serde_json::from_str(&s.series.pattern).ok();
        let how = pattern.map(|p| pattern_text(lang, &p)).unwrap_or_default();
        let dates = s
            .bookings
            .iter()
            .map(|b| {
                (
                    b.reference.clone(),
                    when_text(lang, b.start_at, b.end_at, tz),
                    status_text(lang, b.status.at(b.expires_at, now)).to_owned(),
                    b.id == record.row.id,
                )
            })
            .collect();
        let rest = cancellable_rest(f, i, &s, &record.row, now);
        Ok(Some(SeriesPart {
            heading: (if j {
                "くり返し予約（定期利用）"
            } else {
                "Repeat booking (regular use)"
            })
            .to_owned(),
            lead: if j {
                format!(
                    "この予約は、定期利用（受付番号 {}、{how}）の1回です。",
                    s.series.reference
                )
            } else {
                format!(
                    "This booking is one date of a series (reference {}: {how}).",
                    s.series.reference
                )
            },
            dates,
            cancel_rest: (!rest.is_empty()).then(|| {
                if j {
                    format!("この回以降の{}回をまとめて取り消す", rest.len())
                } else {
                    format!("Cancel this and the later dates ({})", rest.len())
                }
            }),
        }))
    }

    /// A date of a series on the staff's booking page: the series'
    /// reference and pattern, which date this is, how many still stand.
    pub(crate) async fn series_staff_line(
        &self,
        row: &booking::Model,
        lang: Lang,
    ) -> Result<Option<(String, String)>, AppError> {
        let Some(id) = row.series_id else {
            return Ok(None);
        };
        let Some(s) = self.store.series(id).await? else {
            return Ok(None);
        };
        let now = self.now();
        let n = s.bookings.len();
        let k = s.bookings.iter().position(|b| b.id == row.id).unwrap_or(0) + 1;
        let standing = s
            .bookings
            .iter()
            .filter(|b| b.status.at(b.expires_at, now).is_active())
            .count();
        let how = serde_json::from_str::<Pattern>(&s.series.pattern)
            .map(|p| pattern_text(lang, &p))
            .unwrap_or_default();
        Ok(Some(if ja(lang) {
            (
                "定期利用".to_owned(),
                format!(
                    "受付番号 {}：{how}。全{n}回のうち{k}回目（有効な予約 {standing}回）。",
                    s.series.reference
                ),
            )
        } else {
            (
                "Series".to_owned(),
                format!(
                    "Reference {}: {how}. Date {k} of {n} ({standing} still booked).",
                    s.series.reference
                ),
            )
        }))
    }

    /// Cancels this date of its series and every later one still active
    /// and before its cancellation deadline, with one mail.
    pub(crate) async fn cancel_series_rest(&self, record: &BookingRecord) -> Result<(), AppError> {
        let refused = AppError::Domain(DomainError::Conflict(Conflict::AlreadyCancelled));
        let Some(id) = record.row.series_id else {
            return Err(refused);
        };
        let (f, i) = self.unit_facility(UnitId(record.row.unit_id)).await?;
        let Some(s) = self.store.series(id).await? else {
            return Err(refused);
        };
        let now = self.now();
        let ids = cancellable_rest(&f, i, &s, &record.row, now);
        if ids.is_empty() {
            return Err(refused);
        }
        let mail = |series: &booking_series::Model, rows: &[booking::Model]| {
            self.series_mail(series, rows, &f, i, true)
        };
        self.store
            .cancel_series_bookings(&s.series, &ids, now, &mail)
            .await
            .map_err(|e| match e {
                store::ChangeError::Store(e) => e.into(),
                _ => refused.clone(),
            })?;
        tracing::info!(series = id, bookings = ids.len(), "series dates cancelled");
        self.mailer.wake();
        Ok(())
    }

    /// The one mail about several dates of a series: booked (or asked
    /// for) or cancelled. Japanese first, then English.
    fn series_mail(
        &self,
        series: &booking_series::Model,
        rows: &[booking::Model],
        f: &FacilityRecord,
        i: usize,
        cancelled: bool,
    ) -> Option<NewMail> {
        let first = rows.first()?;
        if first.email.is_empty() {
            return None;
        }
        let tz = f.plan.tz;
        let now = self.now();
        let pending = rows
            .iter()
            .any(|r| r.status == domain::status::BookingStatus::Pending);
        let list = |lang: Lang| -> String {
            rows.iter()
                .map(|r| {
                    let state = if cancelled {
                        status_text(lang, domain::status::BookingStatus::Cancelled)
                    } else {
                        status_text(lang, r.status.at(r.expires_at, now))
                    };
                    format!(
                        "・{}　{}　{}　{}\n",
                        when_text(lang, r.start_at, r.end_at, tz),
                        r.reference,
                        yen(lang, domain::booking::Yen(r.fee_total_yen)),
                        state
                    )
                })
                .collect()
        };
        let total = domain::booking::Yen(rows.iter().map(|r| r.fee_total_yen).sum());
        let n = rows.len();
        let (subject_ja, lead_ja, subject_en, lead_en) = match (cancelled, pending) {
            (true, _) => (
                "定期利用の予約を取り消しました",
                format!("定期利用の次の{n}回の取消を受け付けました。"),
                "Dates of your series cancelled",
                format!("The {n} dates of your series below are cancelled as you asked."),
            ),
            (false, true) => (
                "定期利用の仮予約を受け付けました",
                format!(
                    "定期利用の次の{n}回の仮予約を受け付けました。施設の承認をお待ちください。"
                ),
                "Series request received",
                format!(
                    "We received your request for the {n} dates below. The facility will approve them or not."
                ),
            ),
            (false, false) => (
                "定期利用の予約を受け付けました",
                format!("定期利用の次の{n}回の予約を受け付けました。"),
                "Series booked",
                format!("The {n} dates of your series below are booked."),
            ),
        };
        let reference = &series.reference;
        let subject = format!("{subject_ja} / {subject_en} ({reference})");
        let body = format!(
            "{name} 様\n\n{lead_ja}\n\n定期利用の受付番号：{reference}\n施設：{}\n部屋・区画：{}\n{}使用料の合計：{}\n\n各回の確認・取消は「予約の確認」から、各回の受付番号とメールアドレスで行えます。\nお問い合わせ：{phone}\n\n----- English -----\n\nDear {name},\n\n{lead_en}\n\nSeries reference: {reference}\nFacility: {}\nRoom or area: {}\n{}Total fee: {}\n\nYou can see or cancel each date under \"My booking\" with its reference and your e-mail address.\nQuestions: {phone}\n",
            f.name.get(Lang::Ja),
            f.units[i].name.get(Lang::Ja),
            list(Lang::Ja),
            yen(Lang::Ja, total),
            f.name.get(Lang::En),
            f.units[i].name.get(Lang::En),
            list(Lang::En),
            yen(Lang::En, total),
            name = first.name,
            phone = f.phone,
        );
        Some(NewMail {
            municipality_id: f.municipality.0,
            to: first.email.clone(),
            subject,
            body,
            ics: None,
        })
    }
}

/// The ids of this date and the later ones of a series that are active
/// and may still be cancelled online.
fn cancellable_rest(
    f: &FacilityRecord,
    i: usize,
    s: &SeriesRecord,
    from: &booking::Model,
    now: DateTime<Utc>,
) -> Vec<i64> {
    s.bookings
        .iter()
        .filter(|b| b.start_at >= from.start_at)
        .filter(|b| b.status.at(b.expires_at, now).is_active() && !deadline_passed(f, i, b, now))
        .map(|b| b.id)
        .collect()
}

/// The review's series part: every date, whether it can be booked (or
/// why not), the fee of those that can, and the buttons.
pub(crate) fn series_review(lang: Lang, plan: &SeriesPlan) -> SeriesReview {
    let j = ja(lang);
    let total_n = plan.dates.len();
    let ok_n = plan.dates.iter().filter(|d| d.2.is_ok()).count();
    let sum = domain::booking::Yen(
        plan.dates
            .iter()
            .filter_map(|d| d.2.as_ref().ok())
            .map(|p| p.fee.total_yen.0)
            .sum(),
    );
    let dates = plan
        .dates
        .iter()
        .map(|(a, b, checked)| SeriesDate {
            when: when_text(lang, *a, *b, plan.tz),
            fee: checked
                .as_ref()
                .map(|p| yen(lang, p.fee.total_yen))
                .unwrap_or_else(|_| "—".to_owned()),
            outcome: match checked {
                Ok(_) => (if j {
                    "予約できます"
                } else {
                    "Can be booked"
                })
                .to_owned(),
                Err(e) => format!(
                    "{}{}",
                    if j {
                        "予約できません："
                    } else {
                        "Cannot be booked: "
                    },
                    crate::core::messages::error_message(lang, e)
                ),
            },
            ok: checked.is_ok(),
        })
        .collect();
    let how = pattern_text(lang, &plan.pattern);
    let lead = match (j, ok_n) {
        (true, 0) => {
            format!("{how}：全{total_n}回とも予約できません。最終日や曜日を変えてください。")
        }
        (true, n) if n == total_n => format!("{how}：全{total_n}回を予約できます。"),
        (true, n) => format!(
            "{how}：全{total_n}回のうち{n}回を予約できます。予約できない日とその理由を確かめてください。"
        ),
        (false, 0) => format!(
            "{how}: none of the {total_n} dates can be booked. Please change the last date or the weekdays."
        ),
        (false, n) if n == total_n => format!("{how}: all {total_n} dates can be booked."),
        (false, n) => format!(
            "{how}: {n} of the {total_n} dates can be booked. Please check the dates that cannot, and why."
        ),
    };
    let mut buttons = Vec::new();
    if ok_n == total_n && total_n > 0 {
        buttons.push((
            "all".to_owned(),
            if j {
                format!("全{total_n}回を予約する")
            } else {
                format!("Book all {total_n} dates")
            },
        ));
    } else if ok_n > 0 {
        buttons.push((
            "free".to_owned(),
            if j {
                format!("予約できる{ok_n}回だけ予約する")
            } else {
                format!("Book only the {ok_n} free dates")
            },
        ));
    }
    SeriesReview {
        heading: (if j {
            "くり返し予約（定期利用）"
        } else {
            "Repeat booking (regular use)"
        })
        .to_owned(),
        lead,
        caption: (if j {
            "各回の日時と予約できるか"
        } else {
            "Each date, and whether it can be booked"
        })
        .to_owned(),
        columns: if j {
            ["日時・予約できるか".into(), "使用料".into()]
        } else {
            [
                "Date and time, and whether it can be booked".into(),
                "Fee".into(),
            ]
        },
        dates,
        total: if j {
            format!("予約できる{ok_n}回の使用料の合計：{}", yen(lang, sum))
        } else {
            format!(
                "Total fee of the {ok_n} dates that can be booked: {}",
                yen(lang, sum)
            )
        },
        buttons,
    }
}
