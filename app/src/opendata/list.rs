//! The Digital Agency's recommended open data set 「公共施設一覧」 (public
//! facility list) as CSV: reading a town's file (UTF-8 with or without a
//! byte-order mark, or Shift_JIS) into checked rows, and writing the list
//! the town publishes. Columns are found by their header, in any order;
//! the ones this product keeps are listed in [`Record`], the others are
//! read and named in the preview as not kept.

use serde::{Deserialize, Serialize};

use crate::opendata::types::{Problem, ProblemKind};

/// The data set's columns, in the definition's order (what the published
/// CSV carries).
pub const COLUMNS: [&str; 23] = [
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "名称",
    "名称_カナ",
    "名称_英字",
    "POIコード",
    "住所",
    "方書",
    "緯度",
    "経度",
    "電話番号",
    "内線番号",
    "法人番号",
    "団体名",
    "利用可能曜日",
    "開始時間",
    "終了時間",
    "利用可能日時特記事項",
    "説明",
    "バリアフリー情報",
    "URL",
    "備考",
];

/// Older lists name the English name `名称_英語`.
const ALIASES: [(&str, &str); 1] = [("名称_英語", "名称_英字")];

/// The most rows one file may hold (a town has tens to a few hundred).
pub const MAX_ROWS: usize = 2_000;
/// The longest text a field may hold, in characters.
const MAX_FIELD: usize = 2_000;

/// One facility as the list gives it, checked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The line of the file the row starts on (the header is line 1).
    pub line: usize,
    pub code: String,
    pub id: String,
    pub name: String,
    pub kana: String,
    pub name_en: String,
    /// 住所 and 方書 together.
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// 電話番号, with 内線番号 after it when there is one.
    pub phone: String,
    /// Open weekdays, Monday = 0; empty when the list does not say.
    pub days: Vec<u8>,
    /// Opening and closing minute of the day, when the list gives both.
    pub hours: Option<(u16, u16)>,
    pub description: String,
    pub accessibility: String,
    pub url: String,
}

/// What a file holds: its rows, what is wrong with it, and the columns it
/// has that are read but not kept.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Read {
    pub encoding: String,
    pub records: Vec<Record>,
    pub problems: Vec<Problem>,
    pub not_kept: Vec<String>,
}

/// Columns this product keeps; the rest of [`COLUMNS`] are read only.
const KEPT: [&str; 17] = [
    "全国地方公共団体コード",
    "ID",
    "名称",
    "名称_カナ",
    "名称_英字",
    "住所",
    "方書",
    "緯度",
    "経度",
    "電話番号",
    "内線番号",
    "利用可能曜日",
    "開始時間",
    "終了時間",
    "説明",
    "バリアフリー情報",
    "URL",
];

/// Whether `code` is a 全国地方公共団体コード: five digits and the check
/// digit the Ministry of Internal Affairs defines (11 minus the remainder
/// of the weighted sum 6-5-4-3-2 by 11, its last digit).
pub fn valid_code(code: &str) -> bool {
    let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 6 || code.len() != 6 {
        return false;
    }
    let sum: u32 = digits[..5]
        .iter()
        .zip([6, 5, 4, 3, 2])
        .map(|(d, w)| d * w)
        .sum();
    (11 - sum % 11) % 10 == digits[5]
}

/// The file's text: UTF-8 (a byte-order mark is dropped) or, when it is
/// not UTF-8, Shift_JIS (as Excel on Japanese Windows saves CSV).
pub fn decode(bytes: &[u8]) -> Option<(String, &'static str)> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec())
            .ok()
            .map(|t| (t, "UTF-8 (BOM)"));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some((text.to_owned(), "UTF-8"));
    }
    let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
    (!had_errors).then(|| (text.into_owned(), "Shift_JIS"))
}

fn problem(line: usize, column: &str, kind: ProblemKind) -> Problem {
    Problem {
        line,
        column: column.to_owned(),
        kind,
    }
}

/// Weekdays from 利用可能曜日: `月火水木金`, `月,火,水`, `月～金`, `月曜日、水曜日`,
/// `平日`, `土日祝`. 祝 (holidays) is allowed and not kept: holiday rules are
/// set per facility in the console.
fn days(text: &str) -> Option<Vec<u8>> {
    const NAMES: [char; 7] = ['月', '火', '水', '木', '金', '土', '日'];
    let mut out: Vec<u8> = Vec::new();
    let mut range_from: Option<u8> = None;
    let mut last: Option<u8> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // The 日 of 曜日, 祝日 and 平日 is not Sunday.
        if matches!(c, '曜' | '祝' | '平') && chars.peek() == Some(&'日') {
            chars.next();
            if c == '平' {
                out.extend(0..5);
            }
            continue;
        }
        if let Some(d) = NAMES.iter().position(|n| *n == c) {
            let d = u8::try_from(d).unwrap_or(0);
            if let Some(from) = range_from.take() {
                let mut x = from;
                while x != d {
                    x = (x + 1) % 7;
                    out.push(x);
                }
            } else {
                out.push(d);
            }
            last = Some(d);
        } else if matches!(c, '～' | '〜' | '~' | '-' | 'ー' | '－') {
            range_from = Some(last?);
        } else if !matches!(
            c,
            '曜' | '祝' | '・' | '、' | ',' | '，' | ' ' | '　' | '/' | '／'
        ) {
            return None;
        }
    }
    if range_from.is_some() {
        return None;
    }
    out.sort_unstable();
    out.dedup();
    Some(out)
}

/// `9:00`, `09:00` or `09:00:00` as minutes of the day (24:00 allowed).
fn minute(text: &str) -> Option<u16> {
    let mut parts = text.split(':');
    let h: u16 = parts.next()?.parse().ok()?;
    let m: u16 = parts.next()?.parse().ok()?;
    if parts.next().is_some_and(|s| s != "00") {
        return None;
    }
    if parts.next().is_some() || m > 59 || h * 60 + m > 24 * 60 {
        return None;
    }
    Some(h * 60 + m)
}

fn coordinate(text: &str, limit: f64) -> Result<Option<f64>, ProblemKind> {
    if text.is_empty() {
        return Ok(None);
    }
    let v: f64 = text.parse().map_err(|_| ProblemKind::NotANumber)?;
    if !v.is_finite() || v.abs() > limit {
        return Err(ProblemKind::OutOfRange);
    }
    Ok(Some(v))
}

/// Reads a list for the town whose code is `town_code` (empty: any code).
/// Every problem is collected with its line and column; a file with
/// problems is never written in part.
pub fn read(text: &str, town_code: &str) -> Read {
    let mut out = Read::default();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| {
                let c = c.trim_start_matches('\u{feff}');
                ALIASES
                    .iter()
                    .find(|(old, _)| *old == c)
                    .map_or(c, |(_, new)| new)
                    .to_owned()
            })
            .collect(),
        Err(_) => {
            out.problems.push(problem(1, "", ProblemKind::NotCsv));
            return out;
        }
    };
    for required in ["ID", "名称"] {
        if !header.iter().any(|c| c == required) {
            out.problems
                .push(problem(1, required, ProblemKind::MissingColumn));
        }
    }
    if !out.problems.is_empty() {
        return out;
    }
    out.not_kept = header
        .iter()
        .filter(|c| !c.is_empty() && !KEPT.contains(&c.as_str()))
        .cloned()
        .collect();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for row in reader.records() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0) + 1);
                out.problems.push(problem(line, "", ProblemKind::NotCsv));
                break;
            }
        };
        // The reader counts the lines before a record; people count from 1.
        let line = row
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0) + 1);
        if row.iter().all(str::is_empty) {
            continue;
        }
        if out.records.len() + out.problems.len() >= MAX_ROWS {
            out.problems
                .push(problem(line, "", ProblemKind::TooManyRows));
            break;
        }
        if row.len() != header.len() {
            out.problems.push(problem(
                line,
                "",
                ProblemKind::FieldCount {
                    found: row.len(),
                    expected: header.len(),
                },
            ));
            continue;
        }
        let get = |name: &str| -> &str {
            header
                .iter()
                .position(|c| c == name)
                .and_then(|i| row.get(i))
                .unwrap_or("")
        };
        let before = out.problems.len();
        let mut flag = |column: &str, kind: ProblemKind| {
            out.problems.push(problem(line, column, kind));
        };
        for column in header.iter() {
            if get(column).chars().count() > MAX_FIELD {
                flag(column, ProblemKind::TooLong);
            }
        }
        let id = get("ID").to_owned();
        if id.is_empty() {
            flag("ID", ProblemKind::Required);
        } else if let Some((_, first)) = seen.iter().find(|(s, _)| *s == id) {
            flag("ID", ProblemKind::DuplicateId(*first));
        } else {
            seen.push((id.clone(), line));
        }
        let name = get("名称").to_owned();
        if name.is_empty() {
            flag("名称", ProblemKind::Required);
        }
        let code = get("全国地方公共団体コード").to_owned();
        if !code.is_empty() && !town_code.is_empty() && code != town_code {
            flag("全国地方公共団体コード", ProblemKind::OtherTown);
        }
        let (latitude, longitude) = match (
            coordinate(get("緯度"), 90.0),
            coordinate(get("経度"), 180.0),
        ) {
            (Ok(lat), Ok(lon)) => {
                // Both or neither.
                if lat.is_some() != lon.is_some() {
                    flag(
                        if lat.is_none() { "緯度" } else { "経度" },
                        ProblemKind::Required,
                    );
                }
                (lat, lon)
            }
            (lat, lon) => {
                if let Err(k) = lat {
                    flag("緯度", k);
                }
                if let Err(k) = lon {
                    flag("経度", k);
                }
                (None, None)
            }
        };
        let days = days(get("利用可能曜日")).unwrap_or_else(|| {
            flag("利用可能曜日", ProblemKind::BadDays);
            Vec::new()
        });
        let (opens, closes) = (get("開始時間"), get("終了時間"));
        let time = |text: &str| -> Result<Option<u16>, ProblemKind> {
            if text.is_empty() {
                Ok(None)
            } else {
                minute(text).map(Some).ok_or(ProblemKind::BadTime)
            }
        };
        let opens = time(opens).unwrap_or_else(|k| {
            flag("開始時間", k);
            None
        });
        let closes = time(closes).unwrap_or_else(|k| {
            flag("終了時間", k);
            None
        });
        let hours = match (opens, closes) {
            (Some(o), Some(c)) if o < c => Some((o, c)),
            (Some(_), Some(_)) => {
                flag("終了時間", ProblemKind::ClosesBeforeOpening);
                None
            }
            (None, None) => None,
            (None, Some(_)) => {
                flag("開始時間", ProblemKind::Required);
                None
            }
            (Some(_), None) => {
                flag("終了時間", ProblemKind::Required);
                None
            }
        };
        let url = get("URL").to_owned();
        if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
            flag("URL", ProblemKind::BadUrl);
        }
        if out.problems.len() > before {
            continue;
        }
        let joined = |a: &str, b: &str, sep: &str| {
            if b.is_empty() {
                a.to_owned()
            } else {
                format!("{a}{sep}{b}")
            }
        };
        out.records.push(Record {
            line,
            code,
            id,
            name,
            kana: get("名称_カナ").to_owned(),
            name_en: get("名称_英字").to_owned(),
            address: joined(get("住所"), get("方書"), " "),
            latitude,
            longitude,
            phone: joined(get("電話番号"), get("内線番号"), " 内線"),
            days,
            hours,
            description: get("説明").to_owned(),
            accessibility: get("バリアフリー情報").to_owned(),
            url,
        });
    }
    out
}

/// One facility as the town publishes it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Published {
    pub id: String,
    pub name: String,
    pub kana: String,
    pub name_en: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub phone: String,
    /// Open weekdays, Monday = 0.
    pub days: Vec<u8>,
    /// Opening and closing minutes when every open day has the same.
    pub hours: Option<(u16, u16)>,
    pub description: String,
    pub accessibility: String,
    pub url: String,
}

/// The town the list belongs to.
pub struct Town<'a> {
    pub code: &'a str,
    pub name: &'a str,
}

fn day_names(days: &[u8]) -> String {
    const NAMES: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];
    days.iter()
        .filter_map(|d| NAMES.get(usize::from(*d)))
        .copied()
        .collect::<Vec<_>>()
        .join(",")
}

fn clock(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// The list as CSV: UTF-8 with a byte-order mark (so Excel reads the
/// Japanese), CRLF, every column of the definition.
pub fn write(town: &Town, facilities: &[Published]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing into memory fails only if a row had the wrong length, which
    // the fixed arrays below rule out.
    let _ = w.write_record(COLUMNS);
    for f in facilities {
        let coordinate = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        let (opens, closes) = f
            .hours
            .map(|(o, c)| (clock(o), clock(c)))
            .unwrap_or_default();
        let row: [&str; 23] = [
            town.code,
            &f.id,
            town.name,
            &f.name,
            &f.kana,
            &f.name_en,
            "",
            &f.address,
            "",
            &coordinate(f.latitude),
            &coordinate(f.longitude),
            &f.phone,
            "",
            "",
            "",
            &day_names(&f.days),
            &opens,
            &closes,
            "",
            &f.description,
            &f.accessibility,
            &f.url,
            "",
        ];
        let _ = w.write_record(row);
    }
    let bytes = w.into_inner().unwrap_or_default();
    let mut out = String::from("\u{feff}");
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}

/// The list as JSON: the same fields under the definition's names, with
/// the licence.
pub fn json(town: &Town, licence: &str, facilities: &[Published]) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = facilities
        .iter()
        .map(|f| {
            serde_json::json!({
                "全国地方公共団体コード": town.code,
                "ID": f.id,
                "地方公共団体名": town.name,
                "名称": f.name,
                "名称_カナ": f.kana,
                "名称_英字": f.name_en,
                "住所": f.address,
                "緯度": f.latitude,
                "経度": f.longitude,
                "電話番号": f.phone,
                "利用可能曜日": day_names(&f.days),
                "開始時間": f.hours.map(|(o, _)| clock(o)),
                "終了時間": f.hours.map(|(_, c)| clock(c)),
                "説明": f.description,
                "バリアフリー情報": f.accessibility,
                "URL": f.url,
            })
        })
        .collect();
    serde_json::json!({
        "dataset": "公共施設一覧",
        "municipality": town.name,
        "code": town.code,
        "licence": licence,
        "facilities": rows,
    })
}
