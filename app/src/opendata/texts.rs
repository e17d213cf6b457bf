//! Strings of the facility-list import page, the open data page and their
//! messages.

use domain::text::Lang;

#[cfg(feature = "ssr")]
use crate::opendata::types::ProblemKind;

pub struct ListTexts {
    pub new_facility_link: &'static str,
    pub title: &'static str,
    pub lead: &'static str,
    pub file_label: &'static str,
    pub file_hint: &'static str,
    pub check: &'static str,
    pub preview_heading: &'static str,
    pub problems_heading: fn(usize) -> String,
    pub problems_lead: &'static str,
    pub col_line: &'static str,
    pub col_id: &'static str,
    pub col_name: &'static str,
    pub col_change: &'static str,
    pub col_fields: &'static str,
    pub new_hint: &'static str,
    pub apply: &'static str,
    pub discard: &'static str,
    pub published_heading: &'static str,
    pub published_lead: &'static str,
    pub csv_link: &'static str,
    pub json_link: &'static str,
    /// The open data page.
    pub open_title: &'static str,
    pub open_lead: fn(&str) -> String,
    pub open_list: fn(usize) -> String,
    pub open_licence: fn(&str) -> String,
    pub open_format: &'static str,
    pub settings_heading: &'static str,
    pub settings_lead: &'static str,
    pub code_label: &'static str,
    pub code_hint: &'static str,
    pub licence_label: &'static str,
    pub licence_hint: &'static str,
    pub save: &'static str,
}

/// Messages only the server writes (kept out of the browser's WASM).
#[cfg(feature = "ssr")]
pub struct ListMessages {
    pub summary: fn(&str, &str, usize, usize, usize) -> String,
    pub problem: fn(usize, &str, &str) -> String,
    pub not_kept: fn(&str) -> String,
    pub change_create: &'static str,
    pub change_update: &'static str,
    pub change_same: &'static str,
    pub discarded: &'static str,
    pub applied: fn(usize, usize) -> String,
    pub nothing: &'static str,
    pub changed_meanwhile: &'static str,
    pub no_file: &'static str,
    pub too_large: &'static str,
    pub not_text: &'static str,
    pub field_names: [(&'static str, &'static str); 9],
    pub saved: &'static str,
    pub bad_code: &'static str,
    pub bad_licence: &'static str,
}

#[cfg(feature = "ssr")]
fn kind_ja(k: &ProblemKind) -> String {
    match k {
        ProblemKind::NotCsv => {
            "CSV として読めません。引用符（\"）が閉じているか確かめてください。".into()
        }
        ProblemKind::MissingColumn => {
            "この列が見出し（1 行目）にありません。データセットの列名のまま入れてください。".into()
        }
        ProblemKind::FieldCount { found, expected } => format!(
            "項目が {found} 個あります。見出しと同じ {expected} 個にしてください（値の中のカンマは \" で囲みます）。"
        ),
        ProblemKind::Required => "空欄です。入力してください。".into(),
        ProblemKind::DuplicateId(first) => {
            format!("{first} 行目と同じ ID です。施設ごとに別の ID にしてください。")
        }
        ProblemKind::OtherTown => "この町の全国地方公共団体コードではありません。".into(),
        ProblemKind::NotANumber => {
            "数値ではありません。35.6812 のように半角の数字で入れてください。".into()
        }
        ProblemKind::OutOfRange => "範囲外です。緯度は -90〜90、経度は -180〜180 です。".into(),
        ProblemKind::BadDays => {
            "曜日が読めません。「月火水木金」「月～金」「土日祝」のように入れてください。".into()
        }
        ProblemKind::BadTime => "時刻が読めません。09:00 のように入れてください。".into(),
        ProblemKind::ClosesBeforeOpening => "終了時間が開始時間より前か同じです。".into(),
        ProblemKind::BadUrl => "https:// で始まるアドレスにしてください。".into(),
        ProblemKind::TooLong => "長すぎます。2,000 文字までにしてください。".into(),
        ProblemKind::TooManyRows => {
            "行が多すぎます。一度に取り込めるのは 2,000 施設までです。ファイルを分けてください。"
                .into()
        }
    }
}

#[cfg(feature = "ssr")]
fn kind_en(k: &ProblemKind) -> String {
    match k {
        ProblemKind::NotCsv => {
            "This cannot be read as CSV. Check that every quotation mark (\") is closed.".into()
        }
        ProblemKind::MissingColumn => {
            "The header (line 1) lacks this column. Use the data set's column names as they are."
                .into()
        }
        ProblemKind::FieldCount { found, expected } => format!(
            "This row has {found} fields. Give it {expected}, as the header has (put a value with a comma in \"quotes\")."
        ),
        ProblemKind::Required => "This is empty. Fill it in.".into(),
        ProblemKind::DuplicateId(first) => {
            format!("The same ID as line {first}. Give each facility its own ID.")
        }
        ProblemKind::OtherTown => "This is not this town's local government code.".into(),
        ProblemKind::NotANumber => "Not a number. Write it like 35.6812.".into(),
        ProblemKind::OutOfRange => {
            "Out of range: latitude is -90 to 90, longitude -180 to 180.".into()
        }
        ProblemKind::BadDays => {
            "The weekdays cannot be read. Write them like 月火水木金, 月～金 or 土日祝.".into()
        }
        ProblemKind::BadTime => "The time cannot be read. Write it like 09:00.".into(),
        ProblemKind::ClosesBeforeOpening => {
            "The closing time is not after the opening time.".into()
        }
        ProblemKind::BadUrl => "Give an address starting with https://.".into(),
        ProblemKind::TooLong => "Too long: at most 2,000 characters.".into(),
        ProblemKind::TooManyRows => {
            "Too many rows: one import takes at most 2,000 facilities. Split the file.".into()
        }
    }
}

/// A problem as a sentence in the reader's language.
#[cfg(feature = "ssr")]
pub fn problem_text(lang: Lang, k: &ProblemKind) -> String {
    match lang {
        Lang::Ja => kind_ja(k),
        Lang::En => kind_en(k),
    }
}

static JA: ListTexts = ListTexts {
    new_facility_link: "一覧にない施設を 1 つ追加する",
    title: "施設一覧を取り込む",
    lead: "デジタル庁の自治体標準オープンデータセット「公共施設一覧」の CSV から施設を作成・更新します。ID が同じ施設は更新し、二重には作りません。書き込む前に内容を確認できます。",
    file_label: "公共施設一覧の CSV ファイル",
    file_hint: "UTF-8（BOM 付きでも可）か Shift_JIS。1 MB まで。1 行目は列名（全国地方公共団体コード, ID, 名称, 名称_カナ, 住所, 緯度, 経度 など）。",
    check: "内容を確認する",
    preview_heading: "取り込む内容の確認",
    problems_heading: |n| format!("直すところ（{n} 件）"),
    problems_lead: "ファイルを直してから、もう一度選んでください。問題が一つでもあると、何も書き込みません。",
    col_line: "行",
    col_id: "ID",
    col_name: "名称",
    col_change: "取り込み",
    col_fields: "変わる項目",
    new_hint: "新しい施設には部屋・区画がありません。予約を受け付けるには、施設の設定で部屋・区画を追加してください。開館日と時間は一覧のとおりに作成し、更新では変えません（予約に関わるため、施設の設定で変更します）。",
    apply: "取り込む",
    discard: "取り込まずに戻る",
    published_heading: "公開している施設一覧",
    published_lead: "この町の施設一覧は、同じ形式でオープンデータとして公開しています。",
    csv_link: "CSV（公共施設一覧の形式）",
    json_link: "JSON",
    open_title: "オープンデータ",
    open_lead: |town| {
        format!(
            "{town}の公共施設の一覧を、デジタル庁の自治体標準オープンデータセット「公共施設一覧」の形式で公開しています。"
        )
    },
    open_list: |n| format!("公共施設一覧（{n} 施設）"),
    open_licence: |licence| format!("ライセンス: {licence}"),
    open_format: "CSV は UTF-8（BOM 付き）、改行は CRLF です。URL は変わりません。",
    settings_heading: "町の情報とライセンス",
    settings_lead: "取り込むファイルの全国地方公共団体コードはこの町のものか確かめ、公開する一覧にも書きます。",
    code_label: "全国地方公共団体コード",
    code_hint: "6 桁の半角数字（検査数字を含む。例: 131016）。空欄にすると確かめません。",
    licence_label: "公開する一覧のライセンス",
    licence_hint: "例: CC BY 4.0。100 文字まで。",
    save: "保存する",
};

#[cfg(feature = "ssr")]
static JA_MESSAGES: ListMessages = ListMessages {
    summary: |source, encoding, create, update, same| {
        format!(
            "{source}（{encoding}）: 新規 {create} 件、更新 {update} 件、変更なし {same} 件。まだ何も書き込んでいません。"
        )
    },
    problem: |line, column, text| {
        if column.is_empty() {
            format!("{line} 行目: {text}")
        } else {
            format!("{line} 行目「{column}」: {text}")
        }
    },
    not_kept: |cols| format!("次の列は読みましたが、この仕組みでは保存しません: {cols}"),
    change_create: "新規",
    change_update: "更新",
    change_same: "変更なし",
    discarded: "取り込みをやめました。何も書き込んでいません。",
    applied: |created, updated| format!("{created} 施設を作成し、{updated} 施設を更新しました。"),
    nothing: "変わる施設はありませんでした。何も書き込んでいません。",
    changed_meanwhile: "確認のあいだに別の取り込みがありました。もう一度ファイルを選んで確認してください。",
    no_file: "ファイルを選んでください。",
    too_large: "ファイルが大きすぎます。1 MB までです。",
    not_text: "文字コードが読めません。UTF-8 か Shift_JIS の CSV で保存してください。",
    field_names: [
        ("name", "名称"),
        ("kana", "名称_カナ"),
        ("name_en", "名称_英字"),
        ("address", "住所"),
        ("location", "緯度・経度"),
        ("phone", "電話番号"),
        ("description", "説明"),
        ("accessibility", "バリアフリー情報"),
        ("url", "URL"),
    ],
    saved: "町の情報を保存しました。",
    bad_code: "全国地方公共団体コードは、検査数字を含む 6 桁の半角数字で入れてください（例: 131016）。",
    bad_licence: "ライセンスを 100 文字までで入れてください（例: CC BY 4.0）。",
};

static EN: ListTexts = ListTexts {
    new_facility_link: "Add one facility by hand",
    title: "Import the facility list",
    lead: "Creates and updates facilities from a CSV in the Digital Agency's recommended open data format for public facilities (公共施設一覧). A facility with the same ID is updated, never created twice. You see what will change before anything is written.",
    file_label: "Public facility list (CSV)",
    file_hint: "UTF-8 (with or without BOM) or Shift_JIS, up to 1 MB. Line 1 holds the column names (全国地方公共団体コード, ID, 名称, 名称_カナ, 住所, 緯度, 経度 …).",
    check: "Check the file",
    preview_heading: "What the import will write",
    problems_heading: |n| format!("To fix ({n})"),
    problems_lead: "Fix the file and choose it again. Nothing is written while any problem remains.",
    col_line: "Line",
    col_id: "ID",
    col_name: "Name",
    col_change: "Import",
    col_fields: "Fields that change",
    new_hint: "A new facility has no rooms or areas yet: add them in the facility's settings before it takes bookings. Its open days and hours are created from the list; an update does not change them (they affect bookings, so change them in the facility's settings).",
    apply: "Import",
    discard: "Back without importing",
    published_heading: "The published facility list",
    published_lead: "The town publishes its facility list as open data in the same format.",
    csv_link: "CSV (公共施設一覧 format)",
    json_link: "JSON",
    open_title: "Open data",
    open_lead: |town| {
        format!(
            "{town} publishes its public facilities in the Digital Agency's recommended open data format (公共施設一覧)."
        )
    },
    open_list: |n| format!("Public facility list ({n} facilities)"),
    open_licence: |licence| format!("Licence: {licence}"),
    open_format: "The CSV is UTF-8 with a byte-order mark and CRLF line ends. The addresses do not change.",
    settings_heading: "The town's code and licence",
    settings_lead: "An imported file's local government code is checked against this town's, and the published list carries it.",
    code_label: "Local government code (全国地方公共団体コード)",
    code_hint: "Six digits including the check digit (e.g. 131016). Leave empty not to check.",
    licence_label: "Licence of the published list",
    licence_hint: "For example CC BY 4.0; up to 100 characters.",
    save: "Save",
};

#[cfg(feature = "ssr")]
static EN_MESSAGES: ListMessages = ListMessages {
    summary: |source, encoding, create, update, same| {
        format!(
            "{source} ({encoding}): {create} new, {update} updated, {same} unchanged. Nothing has been written yet."
        )
    },
    problem: |line, column, text| {
        if column.is_empty() {
            format!("Line {line}: {text}")
        } else {
            format!("Line {line}, “{column}”: {text}")
        }
    },
    not_kept: |cols| format!("These columns were read but are not kept here: {cols}"),
    change_create: "New",
    change_update: "Update",
    change_same: "Unchanged",
    discarded: "Import cancelled. Nothing was written.",
    applied: |created, updated| format!("Created {created} and updated {updated} facilities."),
    nothing: "No facility changes. Nothing was written.",
    changed_meanwhile: "Another import ran meanwhile. Choose the file again and check it.",
    no_file: "Choose a file.",
    too_large: "The file is too large: at most 1 MB.",
    not_text: "The character encoding cannot be read. Save the CSV as UTF-8 or Shift_JIS.",
    field_names: [
        ("name", "name"),
        ("kana", "kana"),
        ("name_en", "English name"),
        ("address", "address"),
        ("location", "location"),
        ("phone", "phone"),
        ("description", "description"),
        ("accessibility", "accessibility"),
        ("url", "URL"),
    ],
    saved: "The town's details are saved.",
    bad_code: "Give the local government code as six digits including its check digit (e.g. 131016).",
    bad_licence: "Give a licence of up to 100 characters (e.g. CC BY 4.0).",
};

pub fn texts(lang: Lang) -> &'static ListTexts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// The server's messages in the reader's language.
#[cfg(feature = "ssr")]
pub fn messages(lang: Lang) -> &'static ListMessages {
    match lang {
        Lang::Ja => &JA_MESSAGES,
        Lang::En => &EN_MESSAGES,
    }
}

/// A field's name (`name`, `kana` …) in the reader's language.
#[cfg(feature = "ssr")]
pub fn field_name(lang: Lang, key: &str) -> &'static str {
    messages(lang)
        .field_names
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, v)| v)
}
