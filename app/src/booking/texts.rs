//! Strings of the booking flow (form, review, confirmation, find, cancel) and
//! the messages for booking errors. Same rule as the rest of `i18n`: one
//! typed table per language, so a missing English string does not compile.

use domain::booking::Rate;
use domain::status::BookingStatus;
use domain::text::Lang;

pub struct BookingTexts {
    pub form_title: &'static str,
    pub steps_label: &'static str,
    pub steps: [&'static str; 3],
    pub step_current: &'static str,
    pub form_lead: &'static str,
    pub required: &'static str,
    pub unit_label: &'static str,
    pub when_label: &'static str,
    pub end_label: &'static str,
    pub name_hint: &'static str,
    pub kana_hint: &'static str,
    pub phone_hint: &'static str,
    pub email_hint: &'static str,
    pub purpose_hint: &'static str,
    pub proxy_legend: &'static str,
    pub override_hint: &'static str,
    pub optional: &'static str,
    pub attendees_hint: fn(u32) -> String,
    pub resident_legend: &'static str,
    pub resident_yes: &'static str,
    pub resident_no: &'static str,
    pub equipment_legend: &'static str,
    pub no_equipment: &'static str,
    pub submit_review: &'static str,
    pub errors_heading: fn(usize) -> String,
    pub back_to_day: &'static str,
    pub alternatives_heading: &'static str,
    pub choose_this: &'static str,
    pub no_alternatives: &'static str,
    pub rules_heading: &'static str,
    pub rule_slots: fn(u32, u32) -> String,
    pub rule_capacity: fn(u32) -> String,
    pub rule_approval: &'static str,
    pub nothing_to_book: &'static str,

    pub review_title: &'static str,
    pub review_lead: &'static str,
    pub fee_heading: &'static str,
    pub fee_caption: &'static str,
    pub fee_item: &'static str,
    pub fee_amount: &'static str,
    pub fee_total: &'static str,
    pub fee_note: &'static str,
    pub cancel_deadline_label: &'static str,
    pub pending_note: fn(u32) -> String,
    pub confirm_button: &'static str,
    pub edit_button: &'static str,
    pub none: &'static str,
    pub people: fn(u32) -> String,
    pub missing_draft_title: &'static str,

    pub done_title: &'static str,
    pub done_title_pending: &'static str,
    pub reference_label: &'static str,
    pub reference_note: &'static str,
    pub print_button: &'static str,
    pub print_hint: &'static str,
    pub ics_link: &'static str,
    pub see_day: &'static str,

    pub find_title: &'static str,
    pub find_lead: &'static str,
    pub reference_hint: &'static str,
    pub contact_hint: &'static str,
    pub find_button: &'static str,

    pub detail_title: &'static str,
    pub status_label: &'static str,
    pub facility_label: &'static str,
    pub pending_until_label: &'static str,
    pub cancel_link: &'static str,
    pub cancel_title: &'static str,
    pub cancel_lead: &'static str,
    pub cancel_button: &'static str,
    pub keep_button: &'static str,
    pub cancelled_notice: &'static str,
    pub phone_line: fn(&str) -> String,
    /// An end choice: time, and the period it ends (`17:00（午後まで）`).
    pub until_period: fn(&str, &str) -> String,
    /// The form's start: date and time (`2026年12月8日(火) 13:00から`).
    pub from_time: fn(&str, &str) -> String,
    pub per_period: fn(&str) -> String,

    pub reduction_legend: &'static str,
    pub reduction_none: &'static str,
    pub reduction_hint: &'static str,
    pub reduction_state_label: &'static str,
}

/// What the server alone writes about fee reductions (kept out of the
/// front end's WASM: every string literal it holds lands in its one data
/// section).
#[cfg(feature = "ssr")]
pub struct ReductionTexts {
    /// A category on the form: name and share (`学校・PTA（使用料の100%を減額）`).
    pub choice: fn(&str, u8) -> String,
    /// A reduction on the review and booking pages (`学校・PTA（100%）`).
    pub named: fn(&str, u8) -> String,
    pub pending_note: fn(u32) -> String,
    pub requested: &'static str,
    pub approved: &'static str,
    pub refused: &'static str,
    /// The fee breakdown's line for a reduction (`減免 50%`).
    pub detail: fn(u8) -> String,
}

#[cfg(feature = "ssr")]
static REDUCTION_JA: ReductionTexts = ReductionTexts {
    choice: |name, p| format!("{name}（使用料の{p}%を減額）"),
    named: |name, p| format!("{name}（{p}%）"),
    pending_note: |h| {
        format!(
            "減免の申請があるため仮予約になります。施設が確認して確定します（{h}時間以内に確認がないと取り消されます）。減免が認められないときは通常の使用料で確定し、メールでお知らせします。"
        )
    },
    requested: "確認中",
    approved: "認められました",
    refused: "認められませんでした（通常の使用料）",
    detail: |p| format!("減免 {p}%"),
};

#[cfg(feature = "ssr")]
static REDUCTION_EN: ReductionTexts = ReductionTexts {
    choice: |name, p| format!("{name} ({p}% off the fee)"),
    named: |name, p| format!("{name} ({p}%)"),
    pending_note: |h| {
        format!(
            "Because you ask for a fee reduction, the booking is provisional until the facility checks it (it lapses if not checked within {h} hours). If the reduction is not granted, the booking is confirmed at the normal fee and you are told by e-mail."
        )
    },
    requested: "being checked",
    approved: "granted",
    refused: "not granted (normal fee)",
    detail: |p| format!("reduction {p}%"),
};

#[cfg(feature = "ssr")]
pub fn reduction_texts(lang: Lang) -> &'static ReductionTexts {
    match lang {
        Lang::Ja => &REDUCTION_JA,
        Lang::En => &REDUCTION_EN,
    }
}

/// Where a reduction's decision stands, in words.
#[cfg(feature = "ssr")]
pub fn reduction_state(lang: Lang, state: domain::status::ReductionState) -> &'static str {
    use domain::status::ReductionState::*;
    let t = reduction_texts(lang);
    match state {
        Requested => t.requested,
        Approved => t.approved,
        Refused => t.refused,
    }
}

pub static JA: BookingTexts = BookingTexts {
    reduction_legend: "使用料の減免",
    reduction_none: "減免を申請しない",
    reduction_hint: "町の減免に当たる団体・行事のときだけ選んでください。選ぶと仮予約になり、施設が確認してから確定します。認められないときは通常の使用料になり、メールでお知らせします。",
    reduction_state_label: "減免の確認",
    form_title: "予約の申込み",
    steps_label: "申込みの手順",
    steps: ["1. 入力", "2. 確認", "3. 完了"],
    step_current: "（いまの手順）",
    form_lead: "すべての項目を入力して「入力内容を確認する」を押してください。まだ予約は確定しません。",
    required: "必須",
    unit_label: "部屋・区画",
    when_label: "日時",
    end_label: "終了時刻（続けて次の区分も予約できます）",
    name_hint: "例: 山田 花子（漢字・かな、またはローマ字のどちらかで）",
    kana_hint: "例: やまだ はなこ",
    phone_hint: "例: 090-1234-5678（日中に連絡がつく番号）",
    email_hint: "例: hanako@example.jp（予約の確認と取消に使います）",
    purpose_hint: "例: 町内会の会議、体操教室",
    proxy_legend: "代行予約（職員用）",
    override_hint: "受付期間の前後の枠を予約するときだけ、その理由を書いてください（監査ログに残ります）。例: 電話での申込み、前日に窓口で申請書を受理",
    optional: "任意",
    attendees_hint: |cap| format!("定員は{cap}人です。"),
    resident_legend: "お住まい・お勤め",
    resident_yes: "町内（町内に住んでいる、または町内に勤務・通学している）",
    resident_no: "町外",
    equipment_legend: "付帯設備（使うものにチェック）",
    no_equipment: "この施設で貸し出す付帯設備はありません。",
    submit_review: "入力内容を確認する",
    errors_heading: |n| {
        format!("入力内容に{n}件の問題があります。各項目の説明に沿って直してください。")
    },
    back_to_day: "空き状況に戻る",
    alternatives_heading: "近い日時の空き",
    choose_this: "この日時にする",
    no_alternatives: "近い日時に空きが見つかりませんでした。空き状況の表から選び直してください。",
    rules_heading: "この部屋・区画の決まり",
    rule_slots: |min, max| {
        if min <= 1 {
            format!("1回に{max}区分まで続けて予約できます。")
        } else {
            format!("1回に{min}〜{max}区分を続けて予約してください。")
        }
    },
    rule_capacity: |cap| format!("定員は{cap}人です。"),
    rule_approval: "施設の承認が必要です。申込みは仮予約になり、承認されると確定します。",
    nothing_to_book: "この時間からは予約できません。",

    review_title: "内容の確認",
    review_lead: "まだ予約は確定していません。内容を確かめて「予約を確定する」を押してください。",
    fee_heading: "使用料",
    fee_caption: "使用料の内訳",
    fee_item: "項目（単価 × 数）",
    fee_amount: "金額",
    fee_total: "合計",
    fee_note: "使用料は申込み時点の料金で計算しています。お支払い方法は施設からご案内します。",
    cancel_deadline_label: "キャンセル期限",
    pending_note: |h| {
        format!(
            "この部屋は施設の承認が必要です。申込み後は仮予約となり、{h}時間以内に承認されないと取り消されます。"
        )
    },
    confirm_button: "予約を確定する",
    edit_button: "入力内容を修正する",
    none: "なし",
    people: |n| format!("{n}人"),
    missing_draft_title: "入力内容が見つかりません",

    done_title: "予約を受け付けました",
    done_title_pending: "仮予約を受け付けました（承認待ち）",
    reference_label: "受付番号",
    reference_note: "受付番号と、メールアドレスまたは電話番号で、予約の確認と取消ができます。控えておいてください。",
    print_button: "このページを印刷する",
    print_hint: "印刷するには、ブラウザのメニューから「印刷」を選んでください。",
    ics_link: "カレンダーに追加する（.ics ファイル）",
    see_day: "その日の空き状況を見る",

    find_title: "予約の確認・取消",
    find_lead: "受付番号と、予約したときのメールアドレスまたは電話番号を入力してください。",
    reference_hint: "8文字の英数字（例: 7KQ2M9XA）",
    contact_hint: "予約したときに入力したもの",
    find_button: "予約を表示する",

    detail_title: "予約内容",
    status_label: "状態",
    facility_label: "施設",
    pending_until_label: "仮予約の期限",
    cancel_link: "この予約を取り消す",
    cancel_title: "予約の取消",
    cancel_lead: "次の予約を取り消します。取り消した予約は元に戻せません。",
    cancel_button: "取り消す",
    keep_button: "取り消さずに戻る",
    cancelled_notice: "予約を取り消しました。",
    phone_line: |p| format!("電話 {p}"),
    until_period: |time, period| format!("{time}（{period}まで）"),
    from_time: |date, time| format!("{date} {time}から"),
    per_period: |fee| format!("1区分 {fee}"),
};

pub static EN: BookingTexts = BookingTexts {
    reduction_legend: "Fee reduction",
    reduction_none: "No reduction",
    reduction_hint: "Choose one only for a group or event the town reduces fees for. The booking is then provisional until the facility checks it; if the reduction is not granted, the normal fee applies and you are told by e-mail.",
    reduction_state_label: "Fee reduction",
    form_title: "Booking request",
    steps_label: "Steps of the request",
    steps: ["1. Details", "2. Check", "3. Done"],
    step_current: " (current step)",
    form_lead: "Fill in every field and press “Check the details”. Nothing is booked yet.",
    required: "required",
    unit_label: "Room or area",
    when_label: "Date and time",
    end_label: "Until (you can book the following periods too)",
    name_hint: "e.g. Hanako Yamada (in Japanese script or in Latin letters, not mixed)",
    kana_hint: "Reading in kana, e.g. やまだ はなこ",
    phone_hint: "e.g. 090-1234-5678 (a number we can reach during the day)",
    email_hint: "e.g. hanako@example.jp (used to find and cancel the booking)",
    purpose_hint: "e.g. neighbourhood association meeting, exercise class",
    proxy_legend: "Booking on a resident's behalf (staff)",
    override_hint: "Only when booking a slot before or after the booking window: write why (it is kept in the audit log). E.g. applied by phone, form received at the counter the day before",
    optional: "optional",
    attendees_hint: |cap| format!("Up to {cap} people."),
    resident_legend: "Where you live or work",
    resident_yes: "In town (you live, work or study in the town)",
    resident_no: "Outside the town",
    equipment_legend: "Equipment (tick what you need)",
    no_equipment: "This facility lends no equipment.",
    submit_review: "Check the details",
    errors_heading: |n| {
        if n == 1 {
            "There is 1 problem with the form. Please fix it as described next to the field.".into()
        } else {
            format!(
                "There are {n} problems with the form. Please fix them as described next to each field."
            )
        }
    },
    back_to_day: "Back to availability",
    alternatives_heading: "Free times nearby",
    choose_this: "Choose this time",
    no_alternatives: "No free time was found nearby. Please choose again from the availability table.",
    rules_heading: "Rules for this room or area",
    rule_slots: |min, max| {
        if min <= 1 {
            format!("You can book up to {max} periods in a row.")
        } else {
            format!("Please book between {min} and {max} periods in a row.")
        }
    },
    rule_capacity: |cap| format!("Up to {cap} people."),
    rule_approval: "The facility must approve bookings: your request is held as provisional until approved.",
    nothing_to_book: "This time cannot be booked.",

    review_title: "Check the details",
    review_lead: "Nothing is booked yet. Please check the details and press “Confirm the booking”.",
    fee_heading: "Fee",
    fee_caption: "Fee breakdown",
    fee_item: "Item (price × count)",
    fee_amount: "Amount",
    fee_total: "Total",
    fee_note: "The fee is calculated at today's rates. The facility will tell you how to pay.",
    cancel_deadline_label: "Cancel by",
    pending_note: |h| {
        format!(
            "This room needs the facility's approval. Your request is held as provisional and lapses if not approved within {h} hours."
        )
    },
    confirm_button: "Confirm the booking",
    edit_button: "Change the details",
    none: "None",
    people: |n| {
        if n == 1 {
            "1 person".into()
        } else {
            format!("{n} people")
        }
    },
    missing_draft_title: "Your answers were not found",

    done_title: "Your booking is confirmed",
    done_title_pending: "Your provisional booking is received (awaiting approval)",
    reference_label: "Reference",
    reference_note: "With the reference and your e-mail address or phone number you can look up and cancel the booking. Please keep it.",
    print_button: "Print this page",
    print_hint: "To print, choose “Print” in your browser's menu.",
    ics_link: "Add to your calendar (.ics file)",
    see_day: "See availability on that day",

    find_title: "Find or cancel a booking",
    find_lead: "Enter the reference and the e-mail address or phone number you gave when booking.",
    reference_hint: "8 letters and digits, e.g. 7KQ2M9XA",
    contact_hint: "The one you gave when booking",
    find_button: "Show the booking",

    detail_title: "Booking details",
    status_label: "Status",
    facility_label: "Facility",
    pending_until_label: "Provisional until",
    cancel_link: "Cancel this booking",
    cancel_title: "Cancel the booking",
    cancel_lead: "This cancels the booking below. A cancelled booking cannot be restored.",
    cancel_button: "Cancel it",
    keep_button: "Keep it and go back",
    cancelled_notice: "The booking is cancelled.",
    phone_line: |p| format!("Phone {p}"),
    until_period: |time, period| format!("{time} (to the end of {period})"),
    from_time: |date, time| format!("{date}, from {time}"),
    per_period: |fee| format!("{fee} per period"),
};

pub fn texts(lang: Lang) -> &'static BookingTexts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

pub fn rate_name(lang: Lang, rate: Rate) -> &'static str {
    match (lang, rate) {
        (Lang::Ja, Rate::Resident) => "町内料金",
        (Lang::Ja, Rate::Nonresident) => "町外料金",
        (Lang::Ja, Rate::HolidayResident) => "土日祝・町内料金",
        (Lang::Ja, Rate::HolidayNonresident) => "土日祝・町外料金",
        (Lang::Ja, Rate::Equipment) => "付帯設備（1区分ごと）",
        (Lang::En, Rate::Resident) => "in-town rate",
        (Lang::En, Rate::Nonresident) => "out-of-town rate",
        (Lang::En, Rate::HolidayResident) => "weekend/holiday in-town rate",
        (Lang::En, Rate::HolidayNonresident) => "weekend/holiday out-of-town rate",
        (Lang::En, Rate::Equipment) => "equipment, per period",
        (Lang::Ja, Rate::Reduction) => "減免",
        (Lang::En, Rate::Reduction) => "reduction",
    }
}

/// The status of a booking in words (never by colour alone).
pub fn status_text(lang: Lang, status: BookingStatus) -> &'static str {
    match (lang, status.code()) {
        (Lang::Ja, "pending") => "仮予約（施設の承認待ち）",
        (Lang::Ja, "confirmed") => "予約確定",
        (Lang::Ja, "cancelled") => "取消済",
        (Lang::Ja, _) => "期限切れ（承認されないまま仮予約の期限が過ぎました）",
        (Lang::En, "pending") => "Provisional (awaiting the facility's approval)",
        (Lang::En, "confirmed") => "Confirmed",
        (Lang::En, "cancelled") => "Cancelled",
        (Lang::En, _) => "Lapsed (the provisional hold ended without approval)",
    }
}

pub fn resident_text(lang: Lang, resident: bool) -> &'static str {
    let t = texts(lang);
    if resident {
        t.resident_yes
    } else {
        t.resident_no
    }
}

/// A booking held from the waiting list, not yet confirmed (the server's
/// words for the booking's page and the offer's mail).
#[cfg(feature = "ssr")]
pub fn offer_status(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "お取り置き中（キャンセル待ちからのご案内・確定待ち）",
        Lang::En => "Held for you (from the waiting list, to confirm)",
    }
}
