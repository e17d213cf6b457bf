//! Japanese national holidays (国民の祝日), substitute holidays (振替休日) and
//! citizens' holidays (国民の休日), computed by rule for 2000–2099.
//!
//! Source of the rules: 国民の祝日に関する法律 with its amendments (2000 Happy
//! Monday, 2003 海の日/敬老の日, 2007 昭和の日 and the new 振替 rule, 2016 山の日,
//! 2019 enthronement days, 2020 天皇誕生日 move, 2020/2021 Olympic moves).
//! The equinox days are fixed by the cabinet each February from astronomical
//! tables; the widely used approximation below matches every announced date
//! from 2000 to 2027 and the astronomical predictions to 2099.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holiday {
    NewYearsDay,
    ComingOfAgeDay,
    NationalFoundationDay,
    EmperorsBirthday,
    VernalEquinoxDay,
    ShowaDay,
    ConstitutionDay,
    GreeneryDay,
    ChildrensDay,
    MarineDay,
    MountainDay,
    RespectForTheAgedDay,
    AutumnalEquinoxDay,
    /// 体育の日 (until 2019).
    HealthSportsDay,
    /// スポーツの日 (from 2020).
    SportsDay,
    CultureDay,
    LaborThanksgivingDay,
    /// 天皇の即位の日 (2019-05-01).
    EnthronementDay,
    /// 即位礼正殿の儀の行われる日 (2019-10-22).
    EnthronementCeremonyDay,
    /// 振替休日.
    SubstituteHoliday,
    /// 国民の休日.
    CitizensHoliday,
}

impl Holiday {
    /// The name as the cabinet office lists it.
    pub fn name_ja(self) -> &'static str {
        match self {
            Holiday::NewYearsDay => "元日",
            Holiday::ComingOfAgeDay => "成人の日",
            Holiday::NationalFoundationDay => "建国記念の日",
            Holiday::EmperorsBirthday => "天皇誕生日",
            Holiday::VernalEquinoxDay => "春分の日",
            Holiday::ShowaDay => "昭和の日",
            Holiday::ConstitutionDay => "憲法記念日",
            Holiday::GreeneryDay => "みどりの日",
            Holiday::ChildrensDay => "こどもの日",
            Holiday::MarineDay => "海の日",
            Holiday::MountainDay => "山の日",
            Holiday::RespectForTheAgedDay => "敬老の日",
            Holiday::AutumnalEquinoxDay => "秋分の日",
            Holiday::HealthSportsDay => "体育の日",
            Holiday::SportsDay => "スポーツの日",
            Holiday::CultureDay => "文化の日",
            Holiday::LaborThanksgivingDay => "勤労感謝の日",
            Holiday::EnthronementDay => "即位の日",
            Holiday::EnthronementCeremonyDay => "即位礼正殿の儀",
            Holiday::SubstituteHoliday => "振替休日",
            Holiday::CitizensHoliday => "国民の休日",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Holiday::NewYearsDay => "New Year's Day",
            Holiday::ComingOfAgeDay => "Coming of Age Day",
            Holiday::NationalFoundationDay => "National Foundation Day",
            Holiday::EmperorsBirthday => "Emperor's Birthday",
            Holiday::VernalEquinoxDay => "Vernal Equinox Day",
            Holiday::ShowaDay => "Showa Day",
            Holiday::ConstitutionDay => "Constitution Memorial Day",
            Holiday::GreeneryDay => "Greenery Day",
            Holiday::ChildrensDay => "Children's Day",
            Holiday::MarineDay => "Marine Day",
            Holiday::MountainDay => "Mountain Day",
            Holiday::RespectForTheAgedDay => "Respect for the Aged Day",
            Holiday::AutumnalEquinoxDay => "Autumnal Equinox Day",
            Holiday::HealthSportsDay => "Health and Sports Day",
            Holiday::SportsDay => "Sports Day",
            Holiday::CultureDay => "Culture Day",
            Holiday::LaborThanksgivingDay => "Labor Thanksgiving Day",
            Holiday::EnthronementDay => "Enthronement Day",
            Holiday::EnthronementCeremonyDay => "Enthronement Ceremony Day",
            Holiday::SubstituteHoliday => "Substitute holiday",
            Holiday::CitizensHoliday => "Citizens' holiday",
        }
    }
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("fixed holiday date is valid")
}

/// Equinox day of month: `floor(base + 0.242194 (y − 1980) − floor((y − 1980) / 4))`,
/// computed in millionths to stay exact.
fn equinox_day(year: i32, base_millionths: i64) -> u32 {
    let n = i64::from(year - 1980);
    ((base_millionths + 242_194 * n) / 1_000_000 - n.div_euclid(4)) as u32
}

/// The days named by the holiday law itself (without 振替休日 / 国民の休日).
fn statutory(year: i32) -> Vec<(NaiveDate, Holiday)> {
    use Holiday::*;
    let mut days = vec![
        (ymd(year, 1, 1), NewYearsDay),
        (nth_weekday(year, 1, Weekday::Mon, 2), ComingOfAgeDay),
        (ymd(year, 2, 11), NationalFoundationDay),
        (
            ymd(year, 3, equinox_day(year, 20_843_100)),
            VernalEquinoxDay,
        ),
        (
            ymd(year, 4, 29),
            if year >= 2007 { ShowaDay } else { GreeneryDay },
        ),
        (ymd(year, 5, 3), ConstitutionDay),
        (ymd(year, 5, 5), ChildrensDay),
        (
            ymd(year, 9, equinox_day(year, 23_248_800)),
            AutumnalEquinoxDay,
        ),
        (ymd(year, 11, 3), CultureDay),
        (ymd(year, 11, 23), LaborThanksgivingDay),
    ];
    match year {
        ..=2018 => days.push((ymd(year, 12, 23), EmperorsBirthday)),
        2019 => {
            days.push((ymd(year, 5, 1), EnthronementDay));
            days.push((ymd(year, 10, 22), EnthronementCeremonyDay));
        }
        _ => days.push((ymd(year, 2, 23), EmperorsBirthday)),
    }
    if year >= 2007 {
        days.push((ymd(year, 5, 4), GreeneryDay));
    }
    days.push(match year {
        ..=2002 => (ymd(year, 7, 20), MarineDay),
        2020 => (ymd(year, 7, 23), MarineDay),
        2021 => (ymd(year, 7, 22), MarineDay),
        _ => (nth_weekday(year, 7, Weekday::Mon, 3), MarineDay),
    });
    match year {
        ..=2015 => {}
        2020 => days.push((ymd(year, 8, 10), MountainDay)),
        2021 => days.push((ymd(year, 8, 8), MountainDay)),
        _ => days.push((ymd(year, 8, 11), MountainDay)),
    }
    days.push(if year <= 2002 {
        (ymd(year, 9, 15), RespectForTheAgedDay)
    } else {
        (nth_weekday(year, 9, Weekday::Mon, 3), RespectForTheAgedDay)
    });
    days.push(match year {
        ..=2019 => (nth_weekday(year, 10, Weekday::Mon, 2), HealthSportsDay),
        2020 => (ymd(year, 7, 24), SportsDay),
        2021 => (ymd(year, 7, 23), SportsDay),
        _ => (nth_weekday(year, 10, Weekday::Mon, 2), SportsDay),
    });
    days
}

/// Every holiday of a year, in date order.
pub fn holidays_in_year(year: i32) -> BTreeMap<NaiveDate, Holiday> {
    let statutory: BTreeMap<NaiveDate, Holiday> = statutory(year).into_iter().collect();
    let mut all = statutory.clone();
    // 振替休日: a statutory holiday on a Sunday moves the rest to the next day
    // that is not itself a statutory holiday (from 2007); before 2007 only to
    // the very next day, and only if that day was not a holiday already.
    for day in statutory.keys().filter(|d| d.weekday() == Weekday::Sun) {
        let mut next = *day + Duration::days(1);
        if year >= 2007 {
            while statutory.contains_key(&next) {
                next += Duration::days(1);
            }
        }
        if !statutory.contains_key(&next) {
            all.insert(next, Holiday::SubstituteHoliday);
        }
    }
    // 国民の休日: a day between two statutory holidays that is neither a
    // holiday nor a Sunday (nor, before 2007, a substitute holiday).
    for day in statutory.keys() {
        let between = *day + Duration::days(1);
        let after = *day + Duration::days(2);
        if statutory.contains_key(&after)
            && !all.contains_key(&between)
            && between.weekday() != Weekday::Sun
        {
            all.insert(between, Holiday::CitizensHoliday);
        }
    }
    // Keep only this year's days (a substitute for 12/23 never crosses the year,
    // but be explicit).
    all.retain(|d, _| d.year() == year);
    all
}

/// Holidays of every year touched by `from..=to`, for repeated look-ups.
pub fn holidays_between(from: NaiveDate, to: NaiveDate) -> BTreeMap<NaiveDate, Holiday> {
    (from.year()..=to.year())
        .flat_map(holidays_in_year)
        .filter(|(d, _)| (from..=to).contains(d))
        .collect()
}

/// The `n`th (1-based) given weekday of a month, e.g. the second Monday.
pub fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u8) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n).expect("n is 1..=4")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cabinet office's published lists (内閣府「国民の祝日について」).
    fn official(year: i32) -> Vec<(&'static str, &'static str)> {
        match year {
            2024 => vec![
                ("2024-01-01", "元日"),
                ("2024-01-08", "成人の日"),
                ("2024-02-11", "建国記念の日"),
                ("2024-02-12", "振替休日"),
                ("2024-02-23", "天皇誕生日"),
                ("2024-03-20", "春分の日"),
                ("2024-04-29", "昭和の日"),
                ("2024-05-03", "憲法記念日"),
                ("2024-05-04", "みどりの日"),
                ("2024-05-05", "こどもの日"),
                ("2024-05-06", "振替休日"),
                ("2024-07-15", "海の日"),
                ("2024-08-11", "山の日"),
                ("2024-08-12", "振替休日"),
                ("2024-09-16", "敬老の日"),
                ("2024-09-22", "秋分の日"),
                ("2024-09-23", "振替休日"),
                ("2024-10-14", "スポーツの日"),
                ("2024-11-03", "文化の日"),
                ("2024-11-04", "振替休日"),
                ("2024-11-23", "勤労感謝の日"),
            ],
            2025 => vec![
                ("2025-01-01", "元日"),
                ("2025-01-13", "成人の日"),
                ("2025-02-11", "建国記念の日"),
                ("2025-02-23", "天皇誕生日"),
                ("2025-02-24", "振替休日"),
                ("2025-03-20", "春分の日"),
                ("2025-04-29", "昭和の日"),
                ("2025-05-03", "憲法記念日"),
                ("2025-05-04", "みどりの日"),
                ("2025-05-05", "こどもの日"),
                ("2025-05-06", "振替休日"),
                ("2025-07-21", "海の日"),
                ("2025-08-11", "山の日"),
                ("2025-09-15", "敬老の日"),
                ("2025-09-23", "秋分の日"),
                ("2025-10-13", "スポーツの日"),
                ("2025-11-03", "文化の日"),
                ("2025-11-23", "勤労感謝の日"),
                ("2025-11-24", "振替休日"),
            ],
            2026 => vec![
                ("2026-01-01", "元日"),
                ("2026-01-12", "成人の日"),
                ("2026-02-11", "建国記念の日"),
                ("2026-02-23", "天皇誕生日"),
                ("2026-03-20", "春分の日"),
                ("2026-04-29", "昭和の日"),
                ("2026-05-03", "憲法記念日"),
                ("2026-05-04", "みどりの日"),
                ("2026-05-05", "こどもの日"),
                ("2026-05-06", "振替休日"),
                ("2026-07-20", "海の日"),
                ("2026-08-11", "山の日"),
                ("2026-09-21", "敬老の日"),
                ("2026-09-22", "国民の休日"),
                ("2026-09-23", "秋分の日"),
                ("2026-10-12", "スポーツの日"),
                ("2026-11-03", "文化の日"),
                ("2026-11-23", "勤労感謝の日"),
            ],
            2027 => vec![
                ("2027-01-01", "元日"),
                ("2027-01-11", "成人の日"),
                ("2027-02-11", "建国記念の日"),
                ("2027-02-23", "天皇誕生日"),
                ("2027-03-21", "春分の日"),
                ("2027-03-22", "振替休日"),
                ("2027-04-29", "昭和の日"),
                ("2027-05-03", "憲法記念日"),
                ("2027-05-04", "みどりの日"),
                ("2027-05-05", "こどもの日"),
                ("2027-07-19", "海の日"),
                ("2027-08-11", "山の日"),
                ("2027-09-20", "敬老の日"),
                ("2027-09-23", "秋分の日"),
                ("2027-10-11", "スポーツの日"),
                ("2027-11-03", "文化の日"),
                ("2027-11-23", "勤労感謝の日"),
            ],
            _ => unreachable!(),
        }
    }

    fn holiday_on(date: NaiveDate) -> Option<Holiday> {
        holidays_in_year(date.year()).get(&date).copied()
    }

    fn listed(year: i32) -> Vec<(String, &'static str)> {
        holidays_in_year(year)
            .into_iter()
            .map(|(d, h)| (d.format("%Y-%m-%d").to_string(), h.name_ja()))
            .collect()
    }

    #[test]
    fn matches_the_official_lists_2024_to_2027() {
        for year in 2024..=2027 {
            let expected: Vec<(String, &str)> = official(year)
                .into_iter()
                .map(|(d, n)| (d.to_string(), n))
                .collect();
            assert_eq!(listed(year), expected, "year {year}");
        }
    }

    #[test]
    fn special_years_and_old_rules() {
        let h = |s: &str| holiday_on(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap());
        // 2019: enthronement, with 国民の休日 on both sides of 5/1.
        assert_eq!(h("2019-04-30"), Some(Holiday::CitizensHoliday));
        assert_eq!(h("2019-05-01"), Some(Holiday::EnthronementDay));
        assert_eq!(h("2019-05-02"), Some(Holiday::CitizensHoliday));
        assert_eq!(h("2019-10-22"), Some(Holiday::EnthronementCeremonyDay));
        assert_eq!(h("2019-12-23"), None);
        assert_eq!(h("2018-12-23"), Some(Holiday::EmperorsBirthday));
        // Olympic years.
        assert_eq!(h("2020-07-24"), Some(Holiday::SportsDay));
        assert_eq!(h("2021-08-08"), Some(Holiday::MountainDay));
        assert_eq!(h("2021-08-09"), Some(Holiday::SubstituteHoliday));
        assert_eq!(h("2021-10-11"), None);
        // Before 2007 a Sunday 5/4 was nothing and a Sunday holiday moved to Monday only.
        assert_eq!(h("2003-05-04"), None);
        assert_eq!(h("2006-05-04"), Some(Holiday::CitizensHoliday));
        assert_eq!(h("2005-04-29"), Some(Holiday::GreeneryDay));
        // From 2007 the substitute skips over following holidays.
        assert_eq!(h("2008-05-06"), Some(Holiday::SubstituteHoliday));
        assert_eq!(h("2009-09-22"), Some(Holiday::CitizensHoliday));
        // Fixed Marine Day before 2003, Happy Monday after.
        assert_eq!(h("2002-07-20"), Some(Holiday::MarineDay));
        assert_eq!(h("2003-07-21"), Some(Holiday::MarineDay));
    }

    #[test]
    fn every_supported_year_is_sane() {
        for year in crate::calendar::FIRST_YEAR..=crate::calendar::LAST_YEAR {
            let all = holidays_in_year(year);
            assert!((15..=24).contains(&all.len()), "{year}: {}", all.len());
            let spring = all
                .iter()
                .find(|(_, h)| **h == Holiday::VernalEquinoxDay)
                .unwrap()
                .0;
            let autumn = all
                .iter()
                .find(|(_, h)| **h == Holiday::AutumnalEquinoxDay)
                .unwrap()
                .0;
            assert!((19..=21).contains(&spring.day()), "{year} {spring}");
            assert!((22..=24).contains(&autumn.day()), "{year} {autumn}");
            // No substitute holiday on a Sunday, none outside the year.
            for (d, h) in &all {
                assert_eq!(d.year(), year);
                if *h == Holiday::SubstituteHoliday {
                    assert_ne!(d.weekday(), Weekday::Sun);
                }
            }
        }
    }

    #[test]
    fn between_spans_years() {
        let from = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        let to = NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
        let names: Vec<_> = holidays_between(from, to)
            .values()
            .map(|h| h.name_en())
            .collect();
        assert_eq!(names, vec!["New Year's Day", "Coming of Age Day"]);
    }
}
