//! Unit tests of `applicant`.

use super::*;

#[test]
fn override_reason_is_optional_bounded_visible_text() {
    assert_eq!(check_override_reason("  "), Ok(None));
    assert_eq!(
        check_override_reason(" 電話で申込み、窓口で確認済み "),
        Ok(Some("電話で申込み、窓口で確認済み".to_owned()))
    );
    assert_eq!(
        check_override_reason(&"あ".repeat(501)),
        Err(Problem::TooLong { max: 500 })
    );
    assert_eq!(
        check_override_reason("理由\u{200b}"),
        Err(Problem::ControlCharacters)
    );
}

fn input() -> ApplicantInput {
    ApplicantInput {
        name: "山田 花子".into(),
        name_kana: "ヤマダ ハナコ".into(),
        phone: "090-1234-5678".into(),
        email: " Hanako@Example.JP ".into(),
        purpose: "町内会の会議".into(),
        attendees: "12".into(),
        resident: "true".into(),
    }
}

fn problems(i: ApplicantInput) -> Vec<(BookingField, Problem)> {
    i.parse()
        .unwrap_err()
        .into_iter()
        .map(|p| (p.field, p.problem))
        .collect()
}

#[test]
fn a_good_form_parses_and_normalises() {
    let a = input().parse().unwrap();
    assert_eq!(a.phone, "09012345678");
    assert_eq!(a.email, "hanako@example.jp");
    assert_eq!(a.attendees, 12);
    assert!(a.resident);
    let full_width = ApplicantInput {
        phone: "０９０－１２３４－５６７８".into(),
        attendees: "１２".into(),
        name: "Maria Suárez-O'Neil".into(),
        name_kana: "まりあ すあれす".into(),
        ..input()
    };
    let a = full_width.parse().unwrap();
    assert_eq!(a.phone, "09012345678");
    assert_eq!(a.attendees, 12);
    assert_eq!(
        normalize_phone("+81 90 1234 5678").as_deref(),
        Ok("+819012345678")
    );
    assert!(
        ApplicantInput {
            name: "髙橋 𠮷子".into(),
            ..input()
        }
        .parse()
        .is_ok()
    );
}

#[test]
fn names_refuse_emoji_symbols_and_mixed_scripts() {
    for (name, want) in [
        ("山田😀", Problem::NameCharacters),
        ("Taro 山田", Problem::MixedScripts),
        ("Аdmin", Problem::NameCharacters), // Cyrillic А
        ("山田\u{202e}花子", Problem::ControlCharacters),
        ("12345", Problem::NameCharacters),
        ("  ", Problem::Required),
        ("・・", Problem::NameCharacters),
    ] {
        let got = problems(ApplicantInput {
            name: name.into(),
            ..input()
        });
        assert_eq!(got, vec![(BookingField::Name, want)], "{name}");
    }
    let long = "あ".repeat(51);
    assert_eq!(
        problems(ApplicantInput {
            name: long,
            ..input()
        }),
        vec![(BookingField::Name, Problem::TooLong { max: 50 })]
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let bad = ApplicantInput {
        name: String::new(),
        name_kana: "山田".into(),
        phone: "12345".into(),
        email: "hanako@".into(),
        purpose: "\u{0007}".into(),
        attendees: "十".into(),
        resident: "maybe".into(),
    };
    assert_eq!(
        problems(bad),
        vec![
            (BookingField::Name, Problem::Required),
            (BookingField::NameKana, Problem::KanaOnly),
            (BookingField::Phone, Problem::PhoneFormat),
            (BookingField::Email, Problem::EmailFormat),
            (BookingField::Purpose, Problem::ControlCharacters),
            (BookingField::Attendees, Problem::NotANumber),
            (BookingField::Resident, Problem::NotAChoice),
        ]
    );
    assert_eq!(
        problems(ApplicantInput {
            attendees: "0".into(),
            ..input()
        }),
        vec![(
            BookingField::Attendees,
            Problem::OutOfRange {
                min: 1,
                max: ATTENDEES_MAX
            }
        )]
    );
}

#[test]
fn emails_and_phones() {
    for bad in [
        "a@b",
        "a b@c.jp",
        "@c.jp",
        "a@.jp",
        "a@c..jp",
        "a@-c.jp",
        "山田@c.jp",
    ] {
        assert_eq!(normalize_email(bad), Err(Problem::EmailFormat), "{bad}");
    }
    for bad in [
        "0901234",
        "9012345678",
        "090-1234-5678x",
        "+81",
        "03-1234-56789-0",
    ] {
        assert_eq!(normalize_phone(bad), Err(Problem::PhoneFormat), "{bad}");
    }
    assert_eq!(
        Contact::parse("Hanako@example.jp"),
        Ok(Contact::Email("hanako@example.jp".into()))
    );
    assert_eq!(
        Contact::parse("03-1234-5678"),
        Ok(Contact::Phone("0312345678".into()))
    );
    assert_eq!(Contact::parse(""), Err(Problem::Required));
}

#[test]
fn visitor_details_are_checked_like_a_booking_s() {
    let ok = VisitorDetails::parse(
        " 山田 花子 ",
        "やまだ はなこ",
        "090-1234-5678",
        "Hanako@Example.JP",
    )
    .unwrap();
    assert_eq!(ok.name, "山田 花子");
    assert_eq!(ok.phone, "09012345678");
    assert_eq!(ok.email, "hanako@example.jp");
    let bad = VisitorDetails::parse("", "yamada", "12", "not an address").unwrap_err();
    let fields: Vec<BookingField> = bad.iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        vec![
            BookingField::Name,
            BookingField::NameKana,
            BookingField::Phone,
            BookingField::Email
        ]
    );
}
