use super::*;
use chrono::NaiveDate;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| (*x).to_owned()).collect()
}

#[test]
fn no_repeat_is_a_single_booking() {
    assert_eq!(parse(d(2027, 1, 5), "", &[], &[], ""), Ok(None));
}

#[test]
fn weekly_on_the_first_dates_weekday_until_the_last_date() {
    // 2027-01-05 is a Tuesday.
    let p = parse(d(2027, 1, 5), "1", &[], &[], "2027-01-26")
        .unwrap()
        .unwrap();
    assert_eq!(
        p.dates(d(2027, 1, 5)).unwrap(),
        vec![
            d(2027, 1, 5),
            d(2027, 1, 12),
            d(2027, 1, 19),
            d(2027, 1, 26)
        ]
    );
}

#[test]
fn every_second_week_on_two_weekdays() {
    // Tuesdays and Thursdays of every other week, from Tue 5 Jan.
    let p = parse(d(2027, 1, 5), "2", &s(&["2", "4"]), &[], "2027-01-31")
        .unwrap()
        .unwrap();
    assert_eq!(
        p.dates(d(2027, 1, 5)).unwrap(),
        vec![d(2027, 1, 5), d(2027, 1, 7), d(2027, 1, 19), d(2027, 1, 21)]
    );
}

#[test]
fn every_fourth_week() {
    let p = parse(d(2027, 1, 5), "4", &[], &[], "2027-03-31")
        .unwrap()
        .unwrap();
    assert_eq!(
        p.dates(d(2027, 1, 5)).unwrap(),
        vec![d(2027, 1, 5), d(2027, 2, 2), d(2027, 3, 2), d(2027, 3, 30)]
    );
}

#[test]
fn second_and_fourth_tuesdays_of_the_month() {
    // 2027-01-12 is the 2nd Tuesday of January.
    let p = parse(
        d(2027, 1, 12),
        "m",
        &s(&["2"]),
        &s(&["2", "4"]),
        "2027-03-31",
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        p.dates(d(2027, 1, 12)).unwrap(),
        vec![
            d(2027, 1, 12),
            d(2027, 1, 26),
            d(2027, 2, 9),
            d(2027, 2, 23),
            d(2027, 3, 9),
            d(2027, 3, 23)
        ]
    );
    // No week ticked: the first date's week of the month.
    let p = parse(d(2027, 1, 12), "m", &[], &[], "2027-02-28")
        .unwrap()
        .unwrap();
    assert_eq!(
        p.dates(d(2027, 1, 12)).unwrap(),
        vec![d(2027, 1, 12), d(2027, 2, 9)]
    );
}

#[test]
fn the_last_date_must_come_after_the_first_and_the_series_stay_bounded() {
    let p = parse(d(2027, 1, 5), "1", &[], &[], "2027-01-05")
        .unwrap()
        .unwrap();
    assert_eq!(
        p.dates(d(2027, 1, 5)).unwrap_err().problem,
        Problem::SeriesEndBefore
    );
    let p = parse(d(2027, 1, 5), "1", &s(&["1", "2", "3"]), &[], "2027-12-31")
        .unwrap()
        .unwrap();
    let e = p.dates(d(2027, 1, 5)).unwrap_err();
    assert_eq!(e.field, BookingField::Until);
    assert_eq!(e.problem, Problem::SeriesTooLong { max: 52 });
    // Exactly 52 weekly dates is allowed.
    let p = parse(d(2027, 1, 5), "1", &[], &[], "2027-12-28")
        .unwrap()
        .unwrap();
    assert_eq!(p.dates(d(2027, 1, 5)).unwrap().len(), 52);
}

#[test]
fn bad_fields_are_named() {
    let e = parse(d(2027, 1, 5), "3", &s(&["9"]), &s(&["6"]), "2027/02/01").unwrap_err();
    let got: Vec<(BookingField, Problem)> = e.iter().map(|p| (p.field, p.problem)).collect();
    assert_eq!(
        got,
        vec![
            (BookingField::Repeat, Problem::UnknownChoice),
            (BookingField::Repeat, Problem::UnknownChoice),
            (BookingField::Repeat, Problem::UnknownChoice),
            (BookingField::Until, Problem::DateFormat),
        ]
    );
    let e = parse(d(2027, 1, 5), "1", &[], &[], " ").unwrap_err();
    assert_eq!(e[0].problem, Problem::Required);
}
