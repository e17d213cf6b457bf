//! Strings of the unit form and its messages.

use domain::text::Lang;

pub struct SetupTexts {
    pub new_facility_title: &'static str,
    pub new_facility_lead: &'static str,
    pub f_id: &'static str,
    pub f_id_hint: &'static str,
    pub f_create: &'static str,
    pub details_title: fn(&str) -> String,
    pub details_lead: &'static str,
    pub d_name_kana: &'static str,
    pub d_name_kana_hint: &'static str,
    pub d_address_ja: &'static str,
    pub d_address_en: &'static str,
    pub d_phone: &'static str,
    pub d_latitude: &'static str,
    pub d_longitude: &'static str,
    pub d_location_hint: &'static str,
    pub d_url: &'static str,
    pub d_description_ja: &'static str,
    pub d_description_en: &'static str,
    pub d_accessibility_ja: &'static str,
    pub d_accessibility_en: &'static str,
    pub d_save: &'static str,
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
    pub facility_created: fn(&str) -> String,
    pub bad_id: &'static str,
    pub id_taken: &'static str,
    pub details_saved: &'static str,
    pub details_unchanged: &'static str,
    pub bad_kana: &'static str,
    pub bad_phone: &'static str,
    pub bad_latitude: &'static str,
    pub bad_longitude: &'static str,
    pub bad_url: &'static str,
    pub created: fn(&str) -> String,
    pub name_required: &'static str,
    pub too_long: fn(usize) -> String,
    pub bad_capacity: &'static str,
    pub bad_kind: &'static str,
}

static JA: SetupTexts = SetupTexts {
    new_facility_title: "施設を追加する",
    new_facility_lead: "一覧にない施設を 1 つ追加します。開館は毎日 9:00〜17:00 で始まります（部屋・区画を追加したあと、予約ルールの画面で変えられます）。多くの施設をまとめて追加するときは、施設一覧を取り込んでください。",
    f_id: "ID（公共施設一覧の ID）",
    f_id_hint: "町の中で施設ごとに別の値。半角英数字とハイフン、50 文字まで（例: F012）。",
    f_create: "追加する",
    details_title: |facility| format!("施設の情報（{facility}）"),
    details_lead: "住民の画面、施設一覧のオープンデータ、カレンダー配信に出る施設の情報です。保存するとすぐに反映されます。",
    d_name_kana: "名前のよみ（カタカナ）",
    d_name_kana_hint: "例: ヒダマリチョウミンセンター",
    d_address_ja: "所在地",
    d_address_en: "英語の所在地",
    d_phone: "電話番号",
    d_latitude: "緯度",
    d_longitude: "経度",
    d_location_hint: "地図の位置（世界測地系の 10 進数、例: 35.6812 と 139.7671）。両方入れるか、両方空欄にします。",
    d_url: "町のホームページの施設のページ",
    d_description_ja: "説明",
    d_description_en: "英語の説明",
    d_accessibility_ja: "バリアフリー情報",
    d_accessibility_en: "英語のバリアフリー情報",
    d_save: "保存する",
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
    facility_created: |name| {
        format!("{name} を追加しました。部屋・区画を追加すると予約を受け付けられます。")
    },
    bad_id: "ID は半角英数字とハイフンで、50 文字までにしてください。",
    id_taken: "この ID の施設はもうあります。別の ID にしてください。",
    details_saved: "施設の情報を保存しました。",
    details_unchanged: "変わったところはありませんでした。",
    bad_kana: "よみはカタカナ（ひらがなも可）で入れてください。",
    bad_phone: "電話番号は半角の数字とハイフンで、20 文字までにしてください（例: 0123-45-6789）。",
    bad_latitude: "緯度は -90〜90 の数値で、経度と一緒に入れてください（例: 35.6812）。",
    bad_longitude: "経度は -180〜180 の数値で、緯度と一緒に入れてください（例: 139.7671）。",
    bad_url: "https:// で始まるアドレスにしてください。",
    created: |name| format!("{name} を追加しました。時間帯と料金を確かめて保存してください。"),
    name_required: "名前を入れてください。",
    too_long: |n| format!("{n} 文字までにしてください。"),
    bad_capacity: "定員は 1〜10000 の半角数字で入れてください。",
    bad_kind: "予約の単位を選んでください。",
};

static EN: SetupTexts = SetupTexts {
    new_facility_title: "Add a facility",
    new_facility_lead: "Adds one facility the list does not have. It opens every day 9:00–17:00 to start with (change that on the rules page once it has rooms). To add many at once, import the facility list.",
    f_id: "ID (as in the public facility list)",
    f_id_hint: "Unique in the town: letters, digits and hyphens, up to 50 (e.g. F012).",
    f_create: "Add",
    details_title: |facility| format!("Facility details ({facility})"),
    details_lead: "What residents' pages, the open data list and the calendar feeds say about the facility. Saved details show at once.",
    d_name_kana: "Reading of the name (katakana)",
    d_name_kana_hint: "For example ヒダマリチョウミンセンター",
    d_address_ja: "Address (Japanese)",
    d_address_en: "Address in English",
    d_phone: "Phone",
    d_latitude: "Latitude",
    d_longitude: "Longitude",
    d_location_hint: "Its place on a map, in decimal degrees (e.g. 35.6812 and 139.7671). Give both or neither.",
    d_url: "The facility's page on the town's website",
    d_description_ja: "Description (Japanese)",
    d_description_en: "Description in English",
    d_accessibility_ja: "Accessibility (Japanese)",
    d_accessibility_en: "Accessibility in English",
    d_save: "Save",
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
    facility_created: |name| format!("{name} was added. Add its rooms or areas to take bookings."),
    bad_id: "Give an ID of letters, digits and hyphens, up to 50 characters.",
    id_taken: "A facility with this ID exists already. Choose another ID.",
    details_saved: "The facility's details are saved.",
    details_unchanged: "Nothing had changed.",
    bad_kana: "Write the reading in katakana (or hiragana).",
    bad_phone: "Give the phone number in digits and hyphens, up to 20 characters (e.g. 0123-45-6789).",
    bad_latitude: "Give the latitude as a number from -90 to 90, with the longitude (e.g. 35.6812).",
    bad_longitude: "Give the longitude as a number from -180 to 180, with the latitude (e.g. 139.7671).",
    bad_url: "Give an address starting with https://.",
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
