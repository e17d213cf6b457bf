//! Editing a unit's rules in the managers' console: the form's answers as
//! typed, and their validation into the types availability and booking use.
//! Every problem names its field so the form can show it in place.

use chrono::Weekday;
use serde::{Deserialize, Serialize};

use crate::booking::{SlotFee, UnitRules, Yen};
use crate::schedule::{BookingWindow, Minute, OpeningHours, SlotPlan, SlotTemplate};
use crate::text::Text;

/// One fixed period (時間区分) as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TemplateInput {
    pub label_ja: String,
    pub label_en: String,
    pub start: String,
    pub end: String,
    pub fee_resident: String,
    pub fee_nonresident: String,
    /// Empty: the weekday rate applies on holidays too.
    pub holiday_resident: String,
    pub holiday_nonresident: String,
}

impl TemplateInput {
    fn is_blank(&self) -> bool {
        [
            &self.label_ja,
            &self.label_en,
            &self.start,
            &self.end,
            &self.fee_resident,
            &self.fee_nonresident,
            &self.holiday_resident,
            &self.holiday_nonresident,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }
}

/// A weekday's opening hours as typed; both empty means closed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HoursInput {
    pub opens: String,
    pub closes: String,
}

/// The rules form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RulesInput {
    pub capacity: String,
    pub min_slots: String,
    pub max_slots: String,
    pub requires_approval: bool,
    pub pending_hold_hours: String,
    pub open_months_before: String,
    pub open_months_before_nonresident: String,
    pub open_day: String,
    pub open_time: String,
    pub close_days_before: String,
    pub close_time: String,
    pub cancel_days_before: String,
    pub cancel_time: String,
    /// Grid units only.
    pub grid_step: String,
    pub grid_fee_resident: String,
    pub grid_fee_nonresident: String,
    /// Fixed units only; a row left blank is dropped.
    pub templates: Vec<TemplateInput>,
    /// Monday first; the facility's hours (every unit shares them).
    pub hours: Vec<HoursInput>,
    /// The facility's regular closed weekdays (定休日), as `0` (Monday) to
    /// `6`, one per ticked box.
    pub closed_days: Vec<String>,
    /// A closed weekday that is a holiday opens, and the next weekday that
    /// is not a holiday closes instead (祝日なら翌平日).
    pub shift_when_holiday: bool,
    /// Closed on every public holiday.
    pub closed_on_holidays: bool,
    /// Closed 12/29–1/3 (年末年始).
    pub year_end: bool,
}

/// A facility's regular closed days, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClosedDays {
    pub weekly: Vec<Weekday>,
    pub shift_when_holiday: bool,
    pub closed_on_holidays: bool,
    pub year_end: bool,
}

/// A field of the rules form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "field", content = "row", rename_all = "snake_case")]
pub enum RulesField {
    Capacity,
    MinSlots,
    MaxSlots,
    PendingHoldHours,
    OpenMonthsBefore,
    OpenMonthsBeforeNonresident,
    OpenDay,
    OpenTime,
    CloseDaysBefore,
    CloseTime,
    CancelDaysBefore,
    CancelTime,
    GridStep,
    GridFeeResident,
    GridFeeNonresident,
    /// A period row (0-based).
    Template(usize),
    /// A weekday (0 = Monday).
    Hours(usize),
    /// The regular closed days.
    ClosedDays,
}

/// What is wrong with a rules field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RulesProblem {
    Required,
    /// A whole number was expected.
    NotANumber,
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// `9:00` or `21:30` was expected.
    TimeFormat,
    /// The end is not after the start.
    EndBeforeStart,
    /// Two periods share time.
    Overlap,
    /// The minimum is above the maximum.
    MinAboveMax,
    /// Non-residents would book earlier than residents.
    NonresidentEarlier,
    /// A fixed unit needs at least one period.
    NoPeriods,
    /// A period label longer than this many characters.
    TooLong {
        max: u32,
    },
}

/// One problem with one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesIssue {
    pub field: RulesField,
    pub problem: RulesProblem,
}

/// Validated rules, ready to store and to preview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedRules {
    pub rules: UnitRules,
    pub window: BookingWindow,
    pub slots: SlotPlan,
    pub hours: OpeningHours,
    /// The facility's regular closed days (every unit shares them).
    pub closed: ClosedDays,
    /// The grid fee when the unit books on a grid.
    pub grid_fee: Option<SlotFee>,
}

pub const LABEL_MAX: u32 = 20;
pub const FEE_MAX: i64 = 10_000_000;

/// Parses `9:00`, `09:00` or `24:00` (full-width digits accepted) into minutes.
pub fn parse_time(raw: &str) -> Option<Minute> {
    let s: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '：' => ':',
            c => c,
        })
        .collect();
    let (h, m) = s.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// `540` → `9:00`.
pub fn format_time(m: Minute) -> String {
    format!("{}:{:02}", m / 60, m % 60)
}

struct Checker {
    issues: Vec<RulesIssue>,
}

impl Checker {
    fn fail(&mut self, field: RulesField, problem: RulesProblem) {
        self.issues.push(RulesIssue { field, problem });
    }

    fn number(&mut self, field: RulesField, raw: &str, min: i64, max: i64) -> Option<u32> {
        let raw = raw.trim();
        if raw.is_empty() {
            self.fail(field, RulesProblem::Required);
            return None;
        }
        let Ok(n) = crate::applicant::half_width(raw).parse::<i64>() else {
            self.fail(field, RulesProblem::NotANumber);
            return None;
        };
        if !(min..=max).contains(&n) {
            self.fail(field, RulesProblem::OutOfRange { min, max });
            return None;
        }
        u32::try_from(n).ok()
    }

    fn yen(&mut self, field: RulesField, raw: &str) -> Option<Yen> {
        self.number(field, raw, 0, FEE_MAX)
            .map(|v| Yen(i64::from(v)))
    }

    fn optional_yen(&mut self, field: RulesField, raw: &str) -> Option<Option<Yen>> {
        if raw.trim().is_empty() {
            Some(None)
        } else {
            self.yen(field, raw).map(Some)
        }
    }

    fn time(&mut self, field: RulesField, raw: &str) -> Option<Minute> {
        if raw.trim().is_empty() {
            self.fail(field, RulesProblem::Required);
            return None;
        }
        let t = parse_time(raw);
        if t.is_none() {
            self.fail(field, RulesProblem::TimeFormat);
        }
        t
    }
}

/// Checks the whole form; `grid` says how the unit books.
pub fn check_rules_input(input: &RulesInput, grid: bool) -> Result<CheckedRules, Vec<RulesIssue>> {
    use RulesField as F;
    let mut c = Checker { issues: Vec::new() };
    let capacity = c.number(F::Capacity, &input.capacity, 1, 100_000);
    let min_slots = c.number(F::MinSlots, &input.min_slots, 1, 96);
    let max_slots = c.number(F::MaxSlots, &input.max_slots, 1, 96);
    if let (Some(a), Some(b)) = (min_slots, max_slots)
        && a > b
    {
        c.fail(F::MaxSlots, RulesProblem::MinAboveMax);
    }
    let hold = c.number(F::PendingHoldHours, &input.pending_hold_hours, 1, 24 * 14);
    let open_months = c.number(F::OpenMonthsBefore, &input.open_months_before, 0, 24);
    let open_months_nr = c.number(
        F::OpenMonthsBeforeNonresident,
        &input.open_months_before_nonresident,
        0,
        24,
    );
    if let (Some(r), Some(n)) = (open_months, open_months_nr)
        && n > r
    {
        c.fail(
            F::OpenMonthsBeforeNonresident,
            RulesProblem::NonresidentEarlier,
        );
    }
    let open_day = c.number(F::OpenDay, &input.open_day, 1, 31);
    let open_time = c.time(F::OpenTime, &input.open_time);
    let close_days = c.number(F::CloseDaysBefore, &input.close_days_before, 0, 365);
    let close_time = c.time(F::CloseTime, &input.close_time);
    let cancel_days = c.number(F::CancelDaysBefore, &input.cancel_days_before, 0, 365);
    let cancel_time = c.time(F::CancelTime, &input.cancel_time);

    let mut hours = [None; 7];
    for (i, h) in input.hours.iter().take(7).enumerate() {
        if h.opens.trim().is_empty() && h.closes.trim().is_empty() {
            continue;
        }
        let (Some(a), Some(b)) = (parse_time(&h.opens), parse_time(&h.closes)) else {
            c.fail(F::Hours(i), RulesProblem::TimeFormat);
            continue;
        };
        if b <= a {
            c.fail(F::Hours(i), RulesProblem::EndBeforeStart);
            continue;
        }
        hours[i] = Some((a, b));
    }

    let mut weekly = Vec::new();
    for d in &input.closed_days {
        match d
            .trim()
            .parse::<u8>()
            .ok()
            .and_then(|n| Weekday::try_from(n).ok())
        {
            Some(day) if !weekly.contains(&day) => weekly.push(day),
            Some(_) => {}
            None => c.fail(F::ClosedDays, RulesProblem::OutOfRange { min: 0, max: 6 }),
        }
    }
    weekly.sort_by_key(|d| d.num_days_from_monday());
    let closed = ClosedDays {
        weekly,
        shift_when_holiday: input.shift_when_holiday,
        closed_on_holidays: input.closed_on_holidays,
        year_end: input.year_end,
    };

    let (slots, fees, grid_fee) = if grid {
        let step = c.number(F::GridStep, &input.grid_step, 15, 240);
        if let Some(s) = step
            && 24 * 60 % s != 0
        {
            c.fail(F::GridStep, RulesProblem::OutOfRange { min: 15, max: 240 });
        }
        let fee = SlotFee {
            resident: c
                .yen(F::GridFeeResident, &input.grid_fee_resident)
                .unwrap_or(Yen(0)),
            nonresident: c
                .yen(F::GridFeeNonresident, &input.grid_fee_nonresident)
                .unwrap_or(Yen(0)),
            holiday_resident: None,
            holiday_nonresident: None,
        };
        (
            SlotPlan::Grid {
                step: step.unwrap_or(60),
            },
            vec![fee],
            Some(fee),
        )
    } else {
        let mut templates: Vec<(usize, SlotTemplate, SlotFee)> = Vec::new();
        for (i, t) in input.templates.iter().enumerate() {
            if t.is_blank() {
                continue;
            }
            let f = F::Template(i);
            let before = c.issues.len();
            let label_ja = t.label_ja.trim();
            let label_en = t.label_en.trim();
            if label_ja.is_empty() || label_en.is_empty() {
                c.fail(f, RulesProblem::Required);
            } else if label_ja.chars().count() > LABEL_MAX as usize
                || label_en.chars().count() > LABEL_MAX as usize
            {
                c.fail(f, RulesProblem::TooLong { max: LABEL_MAX });
            }
            let start = c.time(f, &t.start);
            let end = c.time(f, &t.end);
            let fee = SlotFee {
                resident: c.yen(f, &t.fee_resident).unwrap_or(Yen(0)),
                nonresident: c.yen(f, &t.fee_nonresident).unwrap_or(Yen(0)),
                holiday_resident: c.optional_yen(f, &t.holiday_resident).flatten(),
                holiday_nonresident: c.optional_yen(f, &t.holiday_nonresident).flatten(),
            };
            if let (Some(s), Some(e)) = (start, end)
                && e <= s
            {
                c.fail(f, RulesProblem::EndBeforeStart);
            }
            if c.issues.len() == before
                && let (Some(start), Some(end)) = (start, end)
            {
                templates.push((
                    i,
                    SlotTemplate {
                        label: Text::new(label_ja, label_en),
                        start,
                        end,
                    },
                    fee,
                ));
            }
        }
        templates.sort_by_key(|(_, t, _)| t.start);
        for pair in templates.windows(2) {
            if pair[1].1.start < pair[0].1.end {
                c.fail(F::Template(pair[1].0), RulesProblem::Overlap);
            }
        }
        if templates.is_empty() && !c.issues.iter().any(|i| matches!(i.field, F::Template(_))) {
            c.fail(F::Template(0), RulesProblem::NoPeriods);
        }
        let fees = templates.iter().map(|(_, _, f)| *f).collect();
        (
            SlotPlan::Fixed(templates.into_iter().map(|(_, t, _)| t).collect()),
            fees,
            None,
        )
    };

    match (
        capacity,
        min_slots,
        max_slots,
        hold,
        open_months,
        open_months_nr,
        open_day,
        open_time,
        close_days,
        close_time,
        cancel_days,
        cancel_time,
    ) {
        (
            Some(capacity),
            Some(min_slots),
            Some(max_slots),
            Some(hold),
            Some(open_months),
            Some(open_months_nr),
            Some(open_day),
            Some(open_time),
            Some(close_days),
            Some(close_time),
            Some(cancel_days),
            Some(cancel_time),
        ) if c.issues.is_empty() => Ok(CheckedRules {
            rules: UnitRules {
                capacity,
                min_slots,
                max_slots,
                requires_approval: input.requires_approval,
                pending_hold_hours: hold,
                open_months_before_nonresident: open_months_nr,
                cancel_days_before: cancel_days,
                cancel_minute: cancel_time,
                fees,
            },
            window: BookingWindow {
                open_months_before: open_months,
                open_day,
                open_minute: open_time,
                close_days_before: close_days,
                close_minute: close_time,
            },
            slots,
            hours: OpeningHours(hours),
            closed,
            grid_fee,
        }),
        _ => Err(c.issues),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> RulesInput {
        RulesInput {
            capacity: "30".into(),
            min_slots: "1".into(),
            max_slots: "2".into(),
            requires_approval: false,
            pending_hold_hours: "72".into(),
            open_months_before: "3".into(),
            open_months_before_nonresident: "2".into(),
            open_day: "1".into(),
            open_time: "9:00".into(),
            close_days_before: "1".into(),
            close_time: "17:00".into(),
            cancel_days_before: "3".into(),
            cancel_time: "17:00".into(),
            templates: vec![
                TemplateInput {
                    label_ja: "午前".into(),
                    label_en: "Morning".into(),
                    start: "9:00".into(),
                    end: "12:00".into(),
                    fee_resident: "600".into(),
                    fee_nonresident: "1200".into(),
                    ..TemplateInput::default()
                },
                TemplateInput {
                    label_ja: "午後".into(),
                    label_en: "Afternoon".into(),
                    start: "１３：００".into(),
                    end: "17:00".into(),
                    fee_resident: "800".into(),
                    fee_nonresident: "1600".into(),
                    holiday_resident: "900".into(),
                    ..TemplateInput::default()
                },
                TemplateInput::default(),
            ],
            hours: vec![
                HoursInput::default(),
                HoursInput {
                    opens: "9:00".into(),
                    closes: "21:30".into(),
                },
            ],
            ..RulesInput::default()
        }
    }

    #[test]
    fn a_good_form_becomes_rules() {
        let c = check_rules_input(&input(), false).unwrap();
        assert_eq!(c.rules.capacity, 30);
        assert_eq!(c.window.close_minute, 17 * 60);
        let SlotPlan::Fixed(t) = &c.slots else {
            panic!("fixed")
        };
        assert_eq!(t.len(), 2, "the blank row is dropped");
        assert_eq!(t[1].start, 13 * 60);
        assert_eq!(c.rules.fees[1].holiday_resident, Some(Yen(900)));
        assert_eq!(c.hours.0[0], None);
        assert_eq!(c.hours.0[1], Some((540, 1290)));
    }

    #[test]
    fn each_problem_names_its_field() {
        let mut i = input();
        i.capacity = "0".into();
        i.min_slots = "3".into();
        i.open_months_before_nonresident = "4".into();
        i.close_time = "17時".into();
        i.templates[1].start = "11:00".into();
        i.hours[1].closes = "8:00".into();
        let issues = check_rules_input(&i, false).unwrap_err();
        let has = |field, problem| issues.contains(&RulesIssue { field, problem });
        assert!(has(
            RulesField::Capacity,
            RulesProblem::OutOfRange {
                min: 1,
                max: 100_000
            }
        ));
        assert!(has(RulesField::MaxSlots, RulesProblem::MinAboveMax));
        assert!(has(
            RulesField::OpenMonthsBeforeNonresident,
            RulesProblem::NonresidentEarlier
        ));
        assert!(has(RulesField::CloseTime, RulesProblem::TimeFormat));
        assert!(has(RulesField::Template(1), RulesProblem::Overlap));
        assert!(has(RulesField::Hours(1), RulesProblem::EndBeforeStart));
        assert_eq!(issues.len(), 6, "{issues:?}");
    }

    #[test]
    fn a_fixed_unit_needs_a_period_and_a_grid_a_step_that_divides_the_day() {
        let mut i = input();
        i.templates = vec![TemplateInput::default()];
        assert_eq!(
            check_rules_input(&i, false).unwrap_err(),
            vec![RulesIssue {
                field: RulesField::Template(0),
                problem: RulesProblem::NoPeriods
            }]
        );
        i.grid_step = "70".into();
        i.grid_fee_resident = "100".into();
        i.grid_fee_nonresident = "200".into();
        assert_eq!(
            check_rules_input(&i, true).unwrap_err()[0].field,
            RulesField::GridStep
        );
        i.grid_step = "30".into();
        let c = check_rules_input(&i, true).unwrap();
        assert_eq!(c.slots, SlotPlan::Grid { step: 30 });
        assert_eq!(c.grid_fee.unwrap().nonresident, Yen(200));
    }

    #[test]
    fn times_parse_strictly() {
        assert_eq!(parse_time("9:00"), Some(540));
        assert_eq!(parse_time("２１：３０"), Some(1290));
        assert_eq!(parse_time("24:00"), Some(1440));
        for bad in ["24:30", "9", "9:0", "25:00", "-1:00", "9:60", ""] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(format_time(1290), "21:30");
    }
}
