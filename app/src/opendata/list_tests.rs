use super::list::{self, COLUMNS, Published, Town, decode, read};
use super::types::{Problem, ProblemKind};

const HEADER: &str = "全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,名称_英字,POIコード,住所,方書,緯度,経度,電話番号,内線番号,法人番号,団体名,利用可能曜日,開始時間,終了時間,利用可能日時特記事項,説明,バリアフリー情報,URL,備考";

fn file(rows: &[&str]) -> String {
    let mut out = String::from(HEADER);
    for r in rows {
        out.push_str("\r\n");
        out.push_str(r);
    }
    out.push_str("\r\n");
    out
}

const HALL: &str = "012345,F001,こもれび町,こもれび町民ホール,コモレビチョウミンホール,Komorebi Hall,,こもれび町1-2,2階,43.0621,141.3544,0123-45-6789,201,,,月～金,9:00,21:30,,\"集会室と和室, 調理室\",車いす用トイレ,https://example.jp/hall,";

#[test]
fn a_row_reads_into_a_facility() {
    let r = read(&file(&[HALL]), "012345");
    assert_eq!(r.problems, vec![]);
    let f = &r.records[0];
    assert_eq!(f.line, 2);
    assert_eq!(
        (f.id.as_str(), f.name.as_str()),
        ("F001", "こもれび町民ホール")
    );
    assert_eq!(f.kana, "コモレビチョウミンホール");
    assert_eq!(f.name_en, "Komorebi Hall");
    assert_eq!(f.address, "こもれび町1-2 2階");
    assert_eq!((f.latitude, f.longitude), (Some(43.0621), Some(141.3544)));
    assert_eq!(f.phone, "0123-45-6789 内線201");
    assert_eq!(f.days, vec![0, 1, 2, 3, 4]);
    assert_eq!(f.hours, Some((540, 1290)));
    assert_eq!(f.description, "集会室と和室, 調理室");
    assert_eq!(f.url, "https://example.jp/hall");
    assert_eq!(
        r.not_kept,
        [
            "地方公共団体名",
            "POIコード",
            "法人番号",
            "団体名",
            "利用可能日時特記事項",
            "備考"
        ]
    );
}

#[test]
fn utf8_with_and_without_bom_and_shift_jis_read_the_same() {
    // Shift_JIS has no FULLWIDTH TILDE to write 月～金 with.
    let text = file(&[&HALL.replace("月～金", "月火水木金")]);
    let plain = decode(text.as_bytes()).unwrap();
    assert_eq!(plain, (text.clone(), "UTF-8"));
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    assert_eq!(decode(&bom).unwrap(), (text.clone(), "UTF-8 (BOM)"));
    let (sjis, _, lossy) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!lossy);
    assert!(std::str::from_utf8(&sjis).is_err(), "really not UTF-8");
    assert_eq!(decode(&sjis).unwrap(), (text.clone(), "Shift_JIS"));
    assert_eq!(read(&text, ""), read(&decode(&sjis).unwrap().0, ""));
    // Neither UTF-8 nor Shift_JIS.
    assert_eq!(decode(&[0x82, 0xA0, 0xFF, 0xFE, 0x80]), None);
}

fn kinds(r: &list::Read) -> Vec<(usize, &str, &ProblemKind)> {
    r.problems
        .iter()
        .map(|p: &Problem| (p.line, p.column.as_str(), &p.kind))
        .collect()
}

#[test]
fn every_problem_is_named_with_its_line_and_column_and_nothing_is_kept_of_a_bad_row() {
    let rows = [
        HALL,
        // Line 3: no name, latitude not a number.
        "012345,F002,,,,,,,,北緯43,141.3,,,,,,,,,,,,",
        // Line 4: the same ID as line 2, closing before opening.
        "012345,F001,,別の施設,,,,,,,,,,,,,18:00,09:00,,,,,",
        // Line 5: another town, latitude out of range, weekdays unreadable.
        "999999,F003,,よその施設,,,,,,95,141,,,,,毎週,,,,,,,",
        // Line 6: a field short.
        "012345,F004,,短い行",
        // Lines 7-8: a description over two lines, then a bad URL.
        "012345,F005,,二行の施設,,,,,,,,,,,,,,,,\"一行目\n二行目\",,ftp://example.jp,",
        // Line 9: only a latitude.
        "012345,F006,,緯度だけ,,,,,,43.1,,,,,,,,,,,,,",
    ];
    let r = read(&file(&rows), "012345");
    assert_eq!(
        kinds(&r),
        vec![
            (3, "名称", &ProblemKind::Required),
            (3, "緯度", &ProblemKind::NotANumber),
            (4, "ID", &ProblemKind::DuplicateId(2)),
            (4, "終了時間", &ProblemKind::ClosesBeforeOpening),
            (5, "全国地方公共団体コード", &ProblemKind::OtherTown),
            (5, "緯度", &ProblemKind::OutOfRange),
            (5, "利用可能曜日", &ProblemKind::BadDays),
            (
                6,
                "",
                &ProblemKind::FieldCount {
                    found: 4,
                    expected: 23
                }
            ),
            (7, "URL", &ProblemKind::BadUrl),
            (9, "経度", &ProblemKind::Required),
        ]
    );
    let ids: Vec<&str> = r.records.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["F001"], "only the good row");
}

#[test]
fn a_file_without_the_needed_columns_or_not_csv_says_so() {
    let r = read("名前,住所\r\nホール,町\r\n", "");
    assert_eq!(
        kinds(&r),
        vec![
            (1, "ID", &ProblemKind::MissingColumn),
            (1, "名称", &ProblemKind::MissingColumn)
        ]
    );
    let r = read(&file(&["012345,F001,,\"閉じない引用符"]), "");
    assert!(
        r.problems
            .iter()
            .any(|p| p.kind == ProblemKind::NotCsv
                || matches!(p.kind, ProblemKind::FieldCount { .. })),
        "{:?}",
        r.problems
    );
    assert!(r.records.is_empty());
    // Columns in another order, an older name for the English name, and
    // no code check when the town has none.
    let r = read(
        "名称,ID,名称_英語\r\n小さな集会所,S1,Small Hall\r\n",
        "012345",
    );
    assert_eq!(r.problems, vec![]);
    assert_eq!(r.records[0].name_en, "Small Hall");
}

#[test]
fn weekdays_are_read_as_towns_write_them() {
    let days = |text: &str| {
        let row = format!("F1,施設,{text}");
        let r = read(&format!("ID,名称,利用可能曜日\r\n{row}\r\n"), "");
        r.records.first().map(|f| f.days.clone())
    };
    assert_eq!(days("月火水木金"), Some(vec![0, 1, 2, 3, 4]));
    assert_eq!(days("\"月,水,金\""), Some(vec![0, 2, 4]));
    assert_eq!(days("月曜日、水曜日"), Some(vec![0, 2]));
    assert_eq!(days("日曜日"), Some(vec![6]));
    assert_eq!(days("平日"), Some(vec![0, 1, 2, 3, 4]));
    assert_eq!(days("土日祝"), Some(vec![5, 6]));
    assert_eq!(days("祝日"), Some(vec![]));
    assert_eq!(days("金～月"), Some(vec![0, 4, 5, 6]));
    assert_eq!(days(""), Some(vec![]));
    assert_eq!(days("毎日"), None);
    assert_eq!(days("月～"), None);
}

#[test]
fn what_the_town_publishes_reads_back_as_the_same_facilities() {
    let hall = Published {
        id: "F001".into(),
        name: "こもれび町民ホール".into(),
        kana: "コモレビチョウミンホール".into(),
        name_en: "Komorebi \"Hall\"".into(),
        address: "こもれび町1-2".into(),
        latitude: Some(43.0621),
        longitude: Some(-141.3544),
        phone: "0123-45-6789".into(),
        days: vec![1, 2, 3, 4, 5, 6],
        hours: Some((540, 1290)),
        description: "集会室,和室\n調理室".into(),
        accessibility: "=車いす".into(),
        url: "https://example.jp/hall".into(),
    };
    let town = Town {
        code: "012345",
        name: "こもれび町",
    };
    let csv = list::write(&town, std::slice::from_ref(&hall));
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.contains("\r\n"));
    assert!(csv.lines().next().unwrap().ends_with(&COLUMNS.join(",")));
    let (text, _) = decode(csv.as_bytes()).unwrap();
    let r = read(&text, "012345");
    assert_eq!(r.problems, vec![]);
    assert_eq!(
        r.records,
        vec![list::Record {
            line: 2,
            code: "012345".into(),
            id: hall.id.clone(),
            name: hall.name.clone(),
            kana: hall.kana.clone(),
            name_en: hall.name_en.clone(),
            address: hall.address.clone(),
            latitude: hall.latitude,
            longitude: hall.longitude,
            phone: hall.phone.clone(),
            days: hall.days.clone(),
            hours: hall.hours,
            description: hall.description.clone(),
            accessibility: hall.accessibility.clone(),
            url: hall.url.clone(),
        }]
    );
    let json = list::json(&town, "CC BY 4.0", &[hall]);
    assert_eq!(json["licence"], "CC BY 4.0");
    assert_eq!(json["facilities"][0]["利用可能曜日"], "火,水,木,金,土,日");
    assert_eq!(json["facilities"][0]["開始時間"], "09:00");
    assert_eq!(json["facilities"][0]["経度"], -141.3544);
}

#[test]
fn too_many_rows_stop_the_read() {
    let rows: Vec<String> = (0..=list::MAX_ROWS)
        .map(|i| format!("F{i},施設{i}"))
        .collect();
    let text = format!("ID,名称\r\n{}\r\n", rows.join("\r\n"));
    let r = read(&text, "");
    assert_eq!(r.records.len(), list::MAX_ROWS);
    assert_eq!(
        kinds(&r),
        vec![(list::MAX_ROWS + 2, "", &ProblemKind::TooManyRows)]
    );
}

#[test]
fn local_government_codes_carry_their_check_digit() {
    // Sapporo, Chiyoda (Tokyo), Naha.
    for code in ["011002", "131016", "472018"] {
        assert!(list::valid_code(code), "{code}");
    }
    for code in ["011003", "13101", "1310166", "13101a", "１３１０１６", ""] {
        assert!(!list::valid_code(code), "{code}");
    }
}
