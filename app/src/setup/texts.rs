//! Strings of the unit form and its messages.

use domain::text::Lang;

pub struct SetupTexts {
    pub title: fn(&str) -> String,
    pub lead: &'static str,
    pub fix: &'static str,
    pub name_ja: &'static str,
    pub name_en: &'static str,
    pub name_en_hint: &'static str,
    pub notes_ja: &'static str,
    pub notes_en: &'static str,
    pub capacity: &'static str,
    pub capacity_hint: &'static str,
    pub kind: &'static str,
    pub kind_fixed: &'static str,
    pub kind_grid: &'static str,
    pub create: &'static str,
}

/// Messages only the server writes (kept out of the browser's WASM).
#[cfg(feature = "ssr")]
pub struct SetupMessages {
    pub created: fn(&str) -> String,
    pub name_required: &'static str,
    pub too_long: fn(usize) -> String,
    pub bad_capacity: &'static str,
    pub bad_kind: &'static str,
}

static JA: SetupTexts = SetupTexts {
    title: |facility| format!("部屋・区画の追加（{facility}）"),
    lead: "予約を受け付ける部屋や区画を追加します。追加したあと、時間帯・料金・受付期間を設定する画面に進みます（始めは 午前 9:00–12:00・午後 13:00–17:00・夜間 18:00–21:00、料金 0 円、3 か月前の 1 日 9:00 から受付）。",
    fix: "入力を確認してください。",
    name_ja: "名前",
    name_en: "英語の名前",
    name_en_hint: "空欄なら日本語の名前を使います。",
    notes_ja: "説明（設備・広さなど）",
    notes_en: "英語の説明",
    capacity: "定員（人）",
    capacity_hint: "1〜10000 の半角数字。",
    kind: "予約の単位",
    kind_fixed: "時間帯（午前・午後・夜間）で予約する",
    kind_grid: "1 時間ごとに予約する",
    create: "追加する",
};

#[cfg(feature = "ssr")]
static JA_MESSAGES: SetupMessages = SetupMessages {
    created: |name| format!("{name} を追加しました。時間帯と料金を確かめて保存してください。"),
    name_required: "名前を入れてください。",
    too_long: |n| format!("{n} 文字までにしてください。"),
    bad_capacity: "定員は 1〜10000 の半角数字で入れてください。",
    bad_kind: "予約の単位を選んでください。",
};

static EN: SetupTexts = SetupTexts {
    title: |facility| format!("Add a room or area ({facility})"),
    lead: "Adds a room or area that takes bookings. You then set its periods, fees and booking window (it starts with morning 9:00–12:00, afternoon 13:00–17:00 and evening 18:00–21:00 at no fee, bookable from 9:00 on the 1st three months ahead).",
    fix: "Please check what you entered.",
    name_ja: "Name (Japanese)",
    name_en: "Name in English",
    name_en_hint: "Left empty, the Japanese name is used.",
    notes_ja: "Description (Japanese: equipment, size …)",
    notes_en: "Description in English",
    capacity: "Capacity (people)",
    capacity_hint: "A number from 1 to 10000.",
    kind: "Booked by",
    kind_fixed: "Periods (morning, afternoon, evening)",
    kind_grid: "The hour",
    create: "Add",
};

#[cfg(feature = "ssr")]
static EN_MESSAGES: SetupMessages = SetupMessages {
    created: |name| format!("{name} was added. Check its periods and fees, then save."),
    name_required: "Enter a name.",
    too_long: |n| format!("At most {n} characters."),
    bad_capacity: "Give the capacity as a number from 1 to 10000.",
    bad_kind: "Choose how it is booked.",
};

pub fn texts(lang: Lang) -> &'static SetupTexts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// The server's messages in the reader's language.
#[cfg(feature = "ssr")]
pub fn messages(lang: Lang) -> &'static SetupMessages {
    match lang {
        Lang::Ja => &JA_MESSAGES,
        Lang::En => &EN_MESSAGES,
    }
}
