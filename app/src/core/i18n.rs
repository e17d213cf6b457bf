//! The one i18n mechanism: every user-facing string is a field of [`Texts`],
//! with a Japanese and an English table. Adding a field without filling both
//! tables does not compile, so English stays complete.
//!
//! Strings that depend on values are plain functions (`fn(..) -> String`).

use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};
use domain::availability::{DayStatus, SlotReason, SlotStatus};
use domain::booking::Yen;
use domain::closure::ClosureReason;
use domain::holidays::Holiday;
use domain::text::Lang;

pub struct Texts {
    pub site_name: &'static str,
    pub skip_to_content: &'static str,
    /// The page shown when a form posted without JavaScript is refused.
    pub refused_title: &'static str,
    pub refused_back: &'static str,
    pub nav_label: &'static str,
    pub nav_home: &'static str,
    pub nav_facilities: &'static str,
    /// The link that switches to the *other* language, written in that language.
    pub switch_language: &'static str,
    pub switch_language_hint: &'static str,
    /// The header's text-size links: the group's name, then 標準 / 大 / 特大.
    pub text_size_label: &'static str,
    pub text_sizes: [&'static str; 3],
    pub footer_fictional: &'static str,
    pub loading: &'static str,

    pub home_title: &'static str,
    pub home_lead: &'static str,
    pub choose_town_title: &'static str,
    pub choose_town_lead: &'static str,
    pub home_how_heading: &'static str,
    pub home_steps: [&'static str; 4],
    pub home_cta: &'static str,
    pub home_help_heading: &'static str,
    pub home_help: &'static str,

    pub facilities_title: &'static str,
    pub facilities_lead: &'static str,
    pub no_facilities: &'static str,
    pub units_heading: &'static str,
    pub accessibility_heading: &'static str,
    pub hours_heading: &'static str,
    pub address_label: &'static str,
    pub phone_label: &'static str,
    pub see_availability: fn(&str) -> String,
    /// A facility with no rooms or areas yet.
    pub not_bookable: &'static str,
    pub open_data_link: &'static str,
    pub capacity: fn(u32) -> String,
    pub shares_space_with: fn(&str) -> String,
    pub booking_kind_fixed: &'static str,
    pub booking_kind_grid: &'static str,
    pub hours_line: fn(&str, &str) -> String,
    pub closed_days_line: fn(&str) -> String,
    pub weekday_closed_shift: &'static str,
    pub year_end_days: &'static str,
    pub holidays_closed: &'static str,
    pub list_separator: &'static str,

    pub calendar_heading: &'static str,
    pub month_nav_label: &'static str,
    pub day_nav_label: &'static str,
    pub month_title: fn(i32, u32) -> String,
    pub prev_month: &'static str,
    pub next_month: &'static str,
    pub this_month: &'static str,
    pub legend_heading: &'static str,
    /// Above the month's holidays and closed days, listed under the calendar.
    pub month_notes_heading: &'static str,
    /// Between a name and what follows it (「休館日：7日」, "Closed: 7").
    pub list_colon: &'static str,
    pub today: &'static str,
    pub calendar_hint: &'static str,

    pub day_title: fn(&str) -> String,
    pub day_table_caption: fn(&str) -> String,
    pub unit_column: &'static str,
    pub back_to_month: &'static str,
    pub prev_day: &'static str,
    pub next_day: &'static str,
    pub not_offered: &'static str,
    pub closed_all_day: fn(&str) -> String,
    pub no_slots_today: &'static str,

    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub error_title: &'static str,
    pub back_to_facilities: &'static str,
    pub nav_visits: &'static str,
    pub nav_my_booking: &'static str,
    pub nav_my: &'static str,
    pub sign_in_link: &'static str,
    pub book_cell: &'static str,
    pub book_cell_label: fn(&str, &str) -> String,
    /// On a taken cell: the link to its waiting list (キャンセル待ち).
    pub wait_cell: &'static str,
    pub wait_cell_label: fn(&str, &str) -> String,

    /// Said (politely) after a live update changed `n` places on the page.
    pub live_changed: fn(usize) -> String,
    /// Shown when updates come by polling (no live stream): the time of the last.
    pub live_polled: fn(&str) -> String,
    /// The booking form, when the chosen time was taken by someone else.
    pub live_taken: &'static str,
}

pub static JA: Texts = Texts {
    site_name: "公共施設予約",
    skip_to_content: "本文へ移動",
    refused_title: "受け付けできませんでした",
    refused_back: "前のページに戻る",
    nav_label: "メインメニュー",
    nav_home: "ホーム",
    nav_facilities: "施設一覧",
    switch_language: "English",
    switch_language_hint: "Show this page in English",
    text_size_label: "文字の大きさ",
    text_sizes: ["標準", "大", "特大"],
    footer_fictional: "このサイトは架空のデモ町「ひだまり町」のものです。実在の施設・人物とは関係ありません。",
    loading: "読み込み中…",

    home_title: "町の施設の空き状況",
    home_lead: "町民センター・体育館・グラウンドの空き状況をいつでも確かめて、そのまま予約できます。",
    choose_town_title: "町を選んでください",
    choose_town_lead: "このサイトは複数の町が共同で使っています。お住まいの町、または施設のある町を選んでください。",
    home_how_heading: "使い方",
    home_steps: [
        "「施設の空き状況を見る」を押します。",
        "使いたい施設を選ぶと、月ごとの空き状況が出ます。",
        "日付を選ぶと、部屋・区画ごとの空き状況が出ます。",
        "空いている時間の「予約する」を押して申し込みます。受付番号が出たら予約完了です。",
    ],
    home_cta: "施設の空き状況を見る",
    home_help_heading: "お困りのときは",
    home_help: "操作がわからないときは、各施設の窓口にお電話ください。職員が代わりにお調べします。",

    facilities_title: "施設一覧",
    facilities_lead: "予約できる施設と、部屋・区画の一覧です。",
    no_facilities: "予約できる施設はまだありません。",
    units_heading: "予約できる部屋・区画",
    accessibility_heading: "バリアフリー情報",
    hours_heading: "開館時間",
    address_label: "所在地",
    phone_label: "電話",
    see_availability: |name| format!("{name}の空き状況を見る"),
    not_bookable: "この施設はまだオンラインで予約できません。電話でお問い合わせください。",
    open_data_link: "施設一覧のオープンデータ（CSV・JSON）",
    capacity: |n| format!("定員 {n}人"),
    shares_space_with: |name| {
        format!("{name}と同じ場所です（どちらかが予約されると、もう一方は使えません）")
    },
    booking_kind_fixed: "午前・午後・夜間の区分で予約",
    booking_kind_grid: "1時間単位で予約",
    hours_line: |open, close| format!("{open}〜{close}"),
    closed_days_line: |days| format!("休館日: {days}"),
    weekday_closed_shift: "（祝日の場合は翌平日）",
    year_end_days: "年末年始（12月29日〜1月3日）",
    holidays_closed: "祝日",
    list_separator: "、",

    calendar_heading: "月ごとの空き状況",
    month_nav_label: "表示する月を変える",
    day_nav_label: "表示する日を変える",
    month_title: |y, m| format!("{y}年{m}月"),
    prev_month: "前の月",
    next_month: "次の月",
    this_month: "今月",
    legend_heading: "表示の見方",
    month_notes_heading: "この月の祝日・休館日",
    list_colon: "：",
    today: "今日",
    calendar_hint: "日付を選ぶと、その日の部屋・区画ごとの空き状況が見られます。",

    live_changed: |n| format!("最新の状況に更新しました（{n}か所が変わりました）。"),
    live_polled: |t| format!("{t} 時点の空き状況です（自動で更新します）。"),
    live_taken: "お選びの時間は、たった今ほかの方の予約が入りました。申し込むことはできません。別の時間を選んでください。",
    day_title: |date| format!("{date}の空き状況"),
    day_table_caption: |date| format!("{date} 部屋・区画ごとの空き状況"),
    unit_column: "部屋・区画",
    back_to_month: "月の表示に戻る",
    prev_day: "前の日",
    next_day: "次の日",
    not_offered: "設定なし",
    closed_all_day: |reason| format!("この日は休館です（{reason}）。"),
    no_slots_today: "この日は予約できる枠がありません。",

    not_found_title: "ページが見つかりません",
    not_found_body: "アドレスが変わったか、ページが削除された可能性があります。",
    error_title: "表示できませんでした",
    back_to_facilities: "施設一覧に戻る",
    nav_visits: "来庁予約",
    nav_my_booking: "予約の確認・取消",
    nav_my: "マイページ",
    sign_in_link: "ログイン画面へ",
    book_cell: "予約する",
    book_cell_label: |unit, period| format!("{unit} {period} を予約する"),
    wait_cell: "キャンセル待ち",
    wait_cell_label: |unit, period| format!("{unit} {period} のキャンセル待ちに登録する"),
};

pub static EN: Texts = Texts {
    site_name: "Public facility booking",
    skip_to_content: "Skip to main content",
    refused_title: "Your request was not accepted",
    refused_back: "Back to the previous page",
    nav_label: "Main menu",
    nav_home: "Home",
    nav_facilities: "Facilities",
    switch_language: "日本語",
    switch_language_hint: "このページを日本語で表示",
    text_size_label: "Text size",
    text_sizes: ["Standard", "Large", "Largest"],
    footer_fictional: "This site belongs to Hidamari, a fictional demo town. Facilities and people are made up.",
    loading: "Loading…",

    home_title: "Town facility availability",
    home_lead: "Check at any time when the community centre, gymnasium and sports ground are free, and book them online.",
    choose_town_title: "Choose your town",
    choose_town_lead: "Several towns share this site. Please choose the town you live in, or the town of the facility you want.",
    home_how_heading: "How it works",
    home_steps: [
        "Press \"See facility availability\".",
        "Choose a facility to see its availability month by month.",
        "Choose a date to see each room or area for that day.",
        "Press \"Book\" on a free time and fill in the request. Once you have a reference, it is booked.",
    ],
    home_cta: "See facility availability",
    home_help_heading: "Need help?",
    home_help: "If you get stuck, phone the facility. Staff will look it up for you.",

    facilities_title: "Facilities",
    facilities_lead: "The facilities you can book, with their rooms and areas.",
    no_facilities: "There are no facilities to book yet.",
    units_heading: "Rooms and areas you can book",
    accessibility_heading: "Accessibility",
    hours_heading: "Opening hours",
    address_label: "Address",
    phone_label: "Phone",
    see_availability: |name| format!("See availability of {name}"),
    not_bookable: "This facility cannot be booked online yet. Please call.",
    open_data_link: "The facility list as open data (CSV, JSON)",
    capacity: |n| format!("Up to {n} people"),
    shares_space_with: |name| {
        format!("Same space as {name} (when one is booked, the other cannot be used)")
    },
    booking_kind_fixed: "Booked by period: morning, afternoon, evening",
    booking_kind_grid: "Booked by the hour",
    hours_line: |open, close| format!("{open} to {close}"),
    closed_days_line: |days| format!("Closed: {days}"),
    weekday_closed_shift: " (the next weekday when that is a public holiday)",
    year_end_days: "New Year holidays (29 December to 3 January)",
    holidays_closed: "public holidays",
    list_separator: "; ",

    calendar_heading: "Availability by month",
    month_nav_label: "Change the month shown",
    day_nav_label: "Change the day shown",
    month_title: |y, m| format!("{} {y}", MONTHS_EN[(m as usize).saturating_sub(1) % 12]),
    prev_month: "Previous month",
    next_month: "Next month",
    this_month: "This month",
    legend_heading: "Key",
    month_notes_heading: "Holidays and closed days this month",
    list_colon: ": ",
    today: "Today",
    calendar_hint: "Choose a date to see each room or area for that day.",

    live_changed: |n| format!("Updated to the latest: {n} place(s) changed."),
    live_polled: |t| format!("Availability as of {t} (updates automatically)."),
    live_taken: "Someone else has just booked the time you chose, so it can no longer be booked. Please choose another time.",
    day_title: |date| format!("Availability on {date}"),
    day_table_caption: |date| format!("{date}: availability by room or area"),
    unit_column: "Room or area",
    back_to_month: "Back to the month",
    prev_day: "Previous day",
    next_day: "Next day",
    not_offered: "Not offered",
    closed_all_day: |reason| format!("Closed on this day ({reason})."),
    no_slots_today: "Nothing can be booked on this day.",

    not_found_title: "Page not found",
    not_found_body: "The address may have changed or the page may have been removed.",
    error_title: "This could not be shown",
    back_to_facilities: "Back to the facilities",
    nav_visits: "Town hall visits",
    nav_my_booking: "Find or cancel a booking",
    nav_my: "My page",
    sign_in_link: "Go to sign-in",
    book_cell: "Book",
    book_cell_label: |unit, period| format!("Book {unit}, {period}"),
    wait_cell: "Join waiting list",
    wait_cell_label: |unit, period| format!("Join the waiting list for {unit}, {period}"),
};

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The table of a language.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

pub fn weekday_short(lang: Lang, day: Weekday) -> &'static str {
    let i = day.num_days_from_monday() as usize;
    match lang {
        Lang::Ja => ["月", "火", "水", "木", "金", "土", "日"][i],
        Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i],
    }
}

pub fn weekday_long(lang: Lang, day: Weekday) -> &'static str {
    let i = day.num_days_from_monday() as usize;
    match lang {
        Lang::Ja => [
            "月曜日",
            "火曜日",
            "水曜日",
            "木曜日",
            "金曜日",
            "土曜日",
            "日曜日",
        ][i],
        Lang::En => [
            "Mondays",
            "Tuesdays",
            "Wednesdays",
            "Thursdays",
            "Fridays",
            "Saturdays",
            "Sundays",
        ][i],
    }
}

/// A date as people here read it: `2026年12月7日(月)` / `Mon 7 December 2026`.
pub fn format_date(lang: Lang, date: NaiveDate) -> String {
    let wd = weekday_short(lang, date.weekday());
    match lang {
        Lang::Ja => format!("{}年{}月{}日({wd})", date.year(), date.month(), date.day()),
        Lang::En => format!(
            "{wd} {} {} {}",
            date.day(),
            MONTHS_EN[date.month0() as usize],
            date.year()
        ),
    }
}

/// A date in a week's column heading, the year left to the page's title:
/// `12月7日(月)` / `Mon 7 Dec`.
pub fn format_day_short(lang: Lang, date: NaiveDate) -> String {
    let wd = weekday_short(lang, date.weekday());
    match lang {
        Lang::Ja => format!("{}月{}日({wd})", date.month(), date.day()),
        Lang::En => format!(
            "{wd} {} {}",
            date.day(),
            &MONTHS_EN[date.month0() as usize][..3]
        ),
    }
}

pub fn holiday_name(lang: Lang, holiday: Holiday) -> &'static str {
    match lang {
        Lang::Ja => holiday.name_ja(),
        Lang::En => holiday.name_en(),
    }
}

pub fn closure_reason(lang: Lang, reason: &ClosureReason) -> String {
    match (lang, reason) {
        (Lang::Ja, ClosureReason::Weekly) => "休館日".into(),
        (Lang::En, ClosureReason::Weekly) => "regular closing day".into(),
        (Lang::Ja, ClosureReason::ShiftedFromHoliday) => "休館日（祝日の翌平日）".into(),
        (Lang::En, ClosureReason::ShiftedFromHoliday) => {
            "closing day moved from a public holiday".into()
        }
        (Lang::Ja, ClosureReason::YearEnd) => "年末年始".into(),
        (Lang::En, ClosureReason::YearEnd) => "New Year holidays".into(),
        (_, ClosureReason::Holiday { holiday }) => holiday_name(lang, *holiday).into(),
        (_, ClosureReason::Dated { reason }) => reason.get(lang).into(),
    }
}

pub fn slot_reason(lang: Lang, reason: &SlotReason) -> String {
    match reason {
        SlotReason::Closure { closure } => closure_reason(lang, closure),
        SlotReason::WindowClosed => match lang {
            Lang::Ja => "受付終了".into(),
            Lang::En => "booking closed".into(),
        },
    }
}

/// The word for a slot's status, and a symbol that repeats it (never alone).
pub fn slot_status(lang: Lang, status: SlotStatus) -> (&'static str, &'static str) {
    use SlotStatus::*;
    let word = match (lang, status) {
        (Lang::Ja, Free) => "空き",
        (Lang::Ja, Booked) => "予約済",
        (Lang::Ja, Closed) => "休館",
        (Lang::Ja, NotYetOpen) => "受付前",
        (Lang::Ja, Past) => "終了",
        (Lang::En, Free) => "Free",
        (Lang::En, Booked) => "Booked",
        (Lang::En, Closed) => "Closed",
        (Lang::En, NotYetOpen) => "Not yet open",
        (Lang::En, Past) => "Past",
    };
    let symbol = match status {
        Free => "○",
        Booked => "×",
        Closed => "休",
        NotYetOpen => "－",
        Past => "－",
    };
    (word, symbol)
}

/// Word and symbol for a day of the month calendar.
/// Days of one month by their number: 「7日、14日」, "7, 14".
pub fn day_list(lang: Lang, days: &[NaiveDate]) -> String {
    let numbers = days.iter().map(|d| match lang {
        Lang::Ja => format!("{}日", d.day()),
        Lang::En => d.day().to_string(),
    });
    numbers
        .collect::<Vec<_>>()
        .join(if lang == Lang::Ja { "、" } else { ", " })
}

pub fn day_status(lang: Lang, status: DayStatus) -> (&'static str, &'static str) {
    use DayStatus::*;
    let word = match (lang, status) {
        (Lang::Ja, Available) => "空き",
        (Lang::Ja, Few) => "残りわずか",
        (Lang::Ja, Full) => "満",
        (Lang::Ja, Closed) => "休館",
        (Lang::Ja, NotYetOpen) => "受付前",
        (Lang::Ja, BookingClosed) => "受付終了",
        (Lang::Ja, Past) => "終了",
        (Lang::Ja, NoSlots) => "枠なし",
        (Lang::En, Available) => "Available",
        (Lang::En, Few) => "Few left",
        (Lang::En, Full) => "Full",
        (Lang::En, Closed) => "Closed",
        (Lang::En, NotYetOpen) => "Not yet open",
        (Lang::En, BookingClosed) => "Booking closed",
        (Lang::En, Past) => "Past",
        (Lang::En, NoSlots) => "No slots",
    };
    let symbol = match status {
        Available => "○",
        Few => "△",
        Full => "×",
        Closed => "休",
        NotYetOpen | BookingClosed | Past | NoSlots => "－",
    };
    (word, symbol)
}

/// A local date and time as people read it.
pub fn date_time(lang: Lang, at: NaiveDateTime) -> String {
    format!("{} {}", format_date(lang, at.date()), at.format("%-H:%M"))
}

/// `1,200円` / `¥1,200`.
/// A name kept in both languages, in the reader's.
pub fn pick(lang: Lang, ja: &str, en: &str) -> String {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
    .to_owned()
}

pub fn yen(lang: Lang, amount: Yen) -> String {
    match lang {
        Lang::Ja => format!("{}円", amount.grouped()),
        Lang::En => format!("¥{}", amount.grouped()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yen_are_grouped() {
        assert_eq!(yen(Lang::Ja, Yen(12000)), "12,000円");
        assert_eq!(yen(Lang::En, Yen(12000)), "¥12,000");
    }

    #[test]
    fn dates_read_naturally() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(format_date(Lang::Ja, d), "2026年12月7日(月)");
        assert_eq!(format_date(Lang::En, d), "Mon 7 December 2026");
        assert_eq!(format_day_short(Lang::Ja, d), "12月7日(月)");
        assert_eq!(format_day_short(Lang::En, d), "Mon 7 Dec");
        assert_eq!((JA.month_title)(2026, 12), "2026年12月");
        assert_eq!((EN.month_title)(2026, 12), "December 2026");
    }

    #[test]
    fn statuses_have_words_not_only_symbols() {
        for s in [
            SlotStatus::Free,
            SlotStatus::Booked,
            SlotStatus::Closed,
            SlotStatus::NotYetOpen,
            SlotStatus::Past,
        ] {
            for lang in [Lang::Ja, Lang::En] {
                let (word, symbol) = slot_status(lang, s);
                assert!(word.chars().count() >= 2 && word != symbol);
            }
        }
    }
}
