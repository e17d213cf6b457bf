//! What every error says, in the reader's language: what went wrong and
//! what to fix. Domain refusals (fields, rules, conflicts, things not
//! found), sign-in refusals and the service's own failures.

use domain::applicant::{BookingField, FieldProblem, Problem};
use domain::error::RuleViolation;
use domain::error::{Conflict, DomainError, Field, InvalidReason, Missing};
use domain::text::Lang;

use crate::core::error::{AppError, AuthError};
use crate::core::i18n::date_time;

/// The booking can no longer be cancelled online: whom to call.
pub fn cancel_closed(lang: Lang, phone: &str) -> String {
    match lang {
        Lang::Ja => format!(
            "キャンセル期限を過ぎたため、ここでは取り消せません。施設（電話 {phone}）へご連絡ください。"
        ),
        Lang::En => format!(
            "The cancellation deadline has passed, so it cannot be cancelled here. Please call the facility on {phone}."
        ),
    }
}

/// A message that says what went wrong and what to do.
pub fn error_message(lang: Lang, error: &AppError) -> String {
    match (lang, error) {
        (Lang::Ja, AppError::Domain(DomainError::NotFound(Missing::Facility))) => {
            "その施設は見つかりません。施設一覧から選び直してください。".into()
        }
        (Lang::En, AppError::Domain(DomainError::NotFound(Missing::Facility))) => {
            "That facility does not exist. Please choose one from the facility list.".into()
        }
        (_, AppError::Domain(DomainError::Invalid { field, reason })) => {
            invalid_message(lang, *field, *reason)
        }
        (_, AppError::Domain(DomainError::NotFound(missing))) => {
            missing_message(lang, *missing).into()
        }
        (_, AppError::Domain(DomainError::Fields(problems))) => fields_summary(lang, problems),
        (_, AppError::Domain(DomainError::Rule(rule))) => rule_message(lang, rule),
        (_, AppError::Domain(DomainError::Conflict(c))) => conflict_message(lang, c),
        (Lang::Ja, AppError::Unavailable) => {
            "ただいまシステムに問題が起きています。しばらくしてからもう一度お試しください。".into()
        }
        (Lang::En, AppError::Unavailable) => {
            "The system is having a problem right now. Please try again in a little while.".into()
        }
        (Lang::Ja, AppError::Transport) => {
            "通信に失敗しました。電波の状態を確かめて、もう一度お試しください。".into()
        }
        (Lang::En, AppError::Transport) => {
            "The connection failed. Please check your signal and try again.".into()
        }
        (_, AppError::Auth(a)) => auth_message(lang, *a).into(),
        (Lang::Ja, AppError::RateLimited(s)) => format!(
            "短い間に操作が続いたため、受け付けを一時止めています。{}ほどたってから、もう一度お試しください。お急ぎの方は施設や窓口へお電話ください。",
            wait_text(Lang::Ja, *s)
        ),
        (Lang::En, AppError::RateLimited(s)) => format!(
            "There have been too many attempts in a short time, so we have paused them. Please try again in {}. If it is urgent, please call the facility or the counter.",
            wait_text(Lang::En, *s)
        ),
        (Lang::Ja, AppError::Busy(s)) => format!(
            "ただいま混み合っているため、自動更新を止めています。{}ほどたってから、ページを読み込み直してください。",
            wait_text(Lang::Ja, *s)
        ),
        (Lang::En, AppError::Busy(s)) => format!(
            "We are busy right now, so automatic updates are paused. Please reload the page in {}.",
            wait_text(Lang::En, *s)
        ),
    }
}

/// "about 3 minutes" / "約3分" for a wait in seconds.
fn wait_text(lang: Lang, seconds: u32) -> String {
    let minutes = seconds.div_ceil(60);
    match (lang, seconds) {
        (Lang::Ja, ..=59) => format!("{seconds}秒"),
        (Lang::Ja, _) => format!("約{minutes}分"),
        (Lang::En, 1) => "1 second".into(),
        (Lang::En, ..=59) => format!("{seconds} seconds"),
        (Lang::En, _) if minutes == 1 => "about a minute".into(),
        (Lang::En, _) => format!("about {minutes} minutes"),
    }
}

fn invalid_message(lang: Lang, field: Field, reason: InvalidReason) -> String {
    let name = field_name(lang, field);
    match (lang, reason) {
        (Lang::Ja, InvalidReason::NotOffered) if field == Field::Mode => {
            "オンラインで受け付けていない手続きが含まれています。「来庁」を選ぶか、その手続きを外してください。".into()
        }
        (Lang::En, InvalidReason::NotOffered) if field == Field::Mode => {
            "Some of the procedures are not done online. Please choose to come in person, or leave those out.".into()
        }
        (Lang::Ja, InvalidReason::NotOffered) if field == Field::Parent => {
            "その区画の一部にはできません（その区画自身、その中の区画、受付を終えた区画は選べません）。一覧から選び直してください。".into()
        }
        (Lang::En, InvalidReason::NotOffered) if field == Field::Parent => {
            "It cannot be part of that space (not of itself, of a unit inside it, or of a unit no longer taking bookings). Choose again from the list.".into()
        }
        (Lang::Ja, InvalidReason::NotOffered) => {
            format!("その{name}では予約できません。空き時間の一覧にある時刻から選んでください。")
        }
        (Lang::En, InvalidReason::NotOffered) => {
            format!("Appointments cannot start at {name} given. Please choose one of the times listed as free.")
        }
        (Lang::Ja, InvalidReason::TooMany { max }) if field == Field::FeedScope => {
            format!("配信は1つのアカウントで{max}件までです。使っていない配信を停止してから作ってください。")
        }
        (Lang::En, InvalidReason::TooMany { max }) if field == Field::FeedScope => {
            format!("One account may hold at most {max} feeds. Please stop one you no longer use first.")
        }
        (Lang::Ja, InvalidReason::Malformed) if field == Field::FeedName => {
            "配信の名前は60文字以内で、改行などを含めずに書いてください。".into()
        }
        (Lang::En, InvalidReason::Malformed) if field == Field::FeedName => {
            "Please keep the feed's name to 60 characters, on one line.".into()
        }
        (Lang::Ja, InvalidReason::Malformed) if field == Field::FeedScope => {
            "表示する範囲を一覧から選んでください。".into()
        }
        (Lang::En, InvalidReason::Malformed) if field == Field::FeedScope => {
            "Please choose what the feed shows from the list.".into()
        }
        (Lang::Ja, InvalidReason::TooMany { max }) => {
            format!("{name}は一度に{max}件までです。分けて予約してください。")
        }
        (Lang::En, InvalidReason::TooMany { max }) => {
            format!("At most {max} of {name} at once. Please book the rest separately.")
        }
        (Lang::Ja, InvalidReason::Missing) => format!("{name}を指定してください。"),
        (Lang::En, InvalidReason::Missing) => format!("Please give {name}."),
        (Lang::Ja, InvalidReason::DateFormat) => {
            format!("{name}は 2026-12-07 のように「年-月-日」の形で指定してください。")
        }
        (Lang::En, InvalidReason::DateFormat) => {
            format!("Please write {name} as year-month-day, for example 2026-12-07.")
        }
        (Lang::Ja, InvalidReason::MonthFormat) => {
            format!("{name}は 2026-12 のように「年-月」の形で指定してください。")
        }
        (Lang::En, InvalidReason::MonthFormat) => {
            format!("Please write {name} as year-month, for example 2026-12.")
        }
        (Lang::Ja, InvalidReason::IdFormat) => format!("{name}は 1 以上の整数で指定してください。"),
        (Lang::En, InvalidReason::IdFormat) => {
            format!("Please give {name} as a whole number of 1 or more.")
        }
        (Lang::Ja, InvalidReason::OutOfSupportedYears) => {
            format!("{name}は 2000年から2099年までの日付にしてください。")
        }
        (Lang::En, InvalidReason::OutOfSupportedYears) => {
            format!("Please choose {name} between the years 2000 and 2099.")
        }
        (Lang::Ja, InvalidReason::Malformed) if field == Field::IdempotencyKey => {
            "Idempotency-Key ヘッダーは16〜100文字の英数字・記号（空白なし）にしてください。".into()
        }
        (Lang::En, InvalidReason::Malformed) if field == Field::IdempotencyKey => {
            "The Idempotency-Key header must be 16 to 100 visible ASCII characters (no spaces)."
                .into()
        }
        (Lang::Ja, InvalidReason::Malformed) if field == Field::Body => {
            "送信内容を読み取れませんでした。Content-Type: application/json の JSON オブジェクトで送ってください。".into()
        }
        (Lang::En, InvalidReason::Malformed) if field == Field::Body => {
            "Could not read the request body. Please send a JSON object with Content-Type: application/json.".into()
        }
        (Lang::Ja, InvalidReason::Malformed) => {
            format!("{name}を読み取れませんでした。同じ項目を2回指定していないか確かめてください。")
        }
        (Lang::En, InvalidReason::Malformed) => {
            format!("Could not read {name}. Please check that no parameter is given twice.")
        }
        (Lang::Ja, InvalidReason::EndBeforeStart) => {
            "終了日 (to) は開始日 (from) と同じか、それより後の日にしてください。".into()
        }
        (Lang::En, InvalidReason::EndBeforeStart) => {
            "The end date (to) must be the same as or after the start date (from).".into()
        }
        (Lang::Ja, InvalidReason::RangeTooLong { max_days }) => {
            format!(
                "期間が長すぎます。開始日 (from) から終了日 (to) までを {max_days}日以内にしてください。"
            )
        }
        (Lang::En, InvalidReason::RangeTooLong { max_days }) => {
            format!(
                "The range is too long. Please keep from and to within {max_days} days of each other."
            )
        }
    }
}

fn field_name(lang: Lang, field: Field) -> &'static str {
    match (lang, field) {
        (Lang::Ja, Field::From) => "開始日 (from)",
        (Lang::Ja, Field::To) => "終了日 (to)",
        (Lang::Ja, Field::Month) => "月 (month)",
        (Lang::Ja, Field::Date) => "日付",
        (Lang::Ja, Field::FacilityId) => "施設番号",
        (Lang::Ja, Field::Query) => "検索条件",
        (Lang::Ja, Field::Body) => "送信内容",
        (Lang::En, Field::From) => "the start date (from)",
        (Lang::En, Field::To) => "the end date (to)",
        (Lang::En, Field::Month) => "the month (month)",
        (Lang::En, Field::Date) => "the date",
        (Lang::En, Field::FacilityId) => "the facility number",
        (Lang::En, Field::Query) => "the query",
        (Lang::En, Field::Body) => "the request body",
        (Lang::Ja, Field::Reason) => "理由",
        (Lang::Ja, Field::Action) => "操作",
        (Lang::Ja, Field::StartTime) => "開始時刻",
        (Lang::Ja, Field::EndTime) => "終了時刻",
        (Lang::Ja, Field::Email) => "メールアドレス",
        (Lang::Ja, Field::Name) => "氏名",
        (Lang::Ja, Field::Role) => "役割",
        (Lang::Ja, Field::Scope) => "担当範囲",
        (Lang::En, Field::Reason) => "the reason",
        (Lang::En, Field::Action) => "the action",
        (Lang::En, Field::StartTime) => "the start time",
        (Lang::En, Field::EndTime) => "the end time",
        (Lang::En, Field::Email) => "the e-mail address",
        (Lang::En, Field::Name) => "the name",
        (Lang::En, Field::Role) => "the role",
        (Lang::En, Field::Scope) => "the scope",
        (Lang::Ja, Field::ProcedureIds) => "手続き",
        (Lang::Ja, Field::Start) => "開始日時",
        (Lang::Ja, Field::Mode) => "相談の方法",
        (Lang::En, Field::ProcedureIds) => "the procedures",
        (Lang::En, Field::Start) => "the start time",
        (Lang::En, Field::Mode) => "the way of attending",
        (Lang::Ja, Field::IdempotencyKey) => "Idempotency-Key ヘッダー",
        (Lang::En, Field::IdempotencyKey) => "the Idempotency-Key header",
        (Lang::Ja, Field::FeedName) => "配信の名前",
        (Lang::En, Field::FeedName) => "the feed's name",
        (Lang::Ja, Field::FeedScope) => "表示する範囲",
        (Lang::En, Field::FeedScope) => "what the feed shows",
        (Lang::Ja, Field::FeedDetail) => "表示する内容",
        (Lang::En, Field::FeedDetail) => "how much the feed shows",
        (Lang::Ja, Field::Parent) => "含まれる区画",
        (Lang::En, Field::Parent) => "the space it is part of",
    }
}

/// The label of a form field.
pub fn field_label(lang: Lang, field: BookingField) -> &'static str {
    use BookingField::*;
    match (lang, field) {
        (Lang::Ja, UnitId) => "部屋・区画",
        (Lang::Ja, Start) => "開始時刻",
        (Lang::Ja, End) => "終了時刻",
        (Lang::Ja, Name) => "氏名",
        (Lang::Ja, NameKana) => "ふりがな",
        (Lang::Ja, Phone) => "電話番号",
        (Lang::Ja, Email) => "メールアドレス",
        (Lang::Ja, Purpose) => "利用目的",
        (Lang::Ja, Attendees) => "利用人数",
        (Lang::Ja, Resident) => "お住まい・お勤め（町内・町外）",
        (Lang::Ja, Equipment) => "付帯設備",
        (Lang::Ja, Reference) => "受付番号",
        (Lang::Ja, Contact) => "メールアドレスまたは電話番号",
        (Lang::Ja, OverrideReason) => "受付期間外に予約する理由",
        (Lang::Ja, Reduction) => "使用料の減免",
        (Lang::Ja, ReductionNote) => "減免を受ける理由・提出する書類",
        (Lang::En, UnitId) => "Room or area",
        (Lang::En, Start) => "Start",
        (Lang::En, End) => "End",
        (Lang::En, Name) => "Name",
        (Lang::En, NameKana) => "Reading (furigana)",
        (Lang::En, Phone) => "Phone number",
        (Lang::En, Email) => "E-mail address",
        (Lang::En, Purpose) => "Purpose",
        (Lang::En, Attendees) => "Number of people",
        (Lang::En, Resident) => "In town or outside",
        (Lang::En, Equipment) => "Equipment",
        (Lang::En, Reference) => "Reference",
        (Lang::En, Contact) => "E-mail address or phone number",
        (Lang::En, OverrideReason) => "Why book outside the booking window",
        (Lang::En, Reduction) => "Fee reduction",
        (Lang::En, ReductionNote) => "Why the reduction applies (group, documents)",
        (Lang::Ja, Repeat) => "くり返し",
        (Lang::Ja, Until) => "最終日",
        (Lang::En, Repeat) => "Repeat",
        (Lang::En, Until) => "Last date",
    }
}

/// What to fix in one field.
pub fn problem_message(lang: Lang, field: BookingField, problem: Problem) -> String {
    let name = field_label(lang, field);
    match (lang, problem) {
        (Lang::Ja, Problem::Required) if field == BookingField::Resident => {
            format!("{name}を選んでください。")
        }
        (Lang::Ja, Problem::Required) => format!("{name}を入力してください。"),
        (Lang::En, Problem::Required) if field == BookingField::Resident => {
            "Please choose in town or outside.".into()
        }
        (Lang::En, Problem::Required) => format!("Please enter the {}.", name.to_lowercase()),
        (Lang::Ja, Problem::TooLong { max }) => format!("{name}は{max}文字以内で入力してください。"),
        (Lang::En, Problem::TooLong { max }) => {
            format!("Please keep the {} to {max} characters or fewer.", name.to_lowercase())
        }
        (Lang::Ja, Problem::NameCharacters) => {
            "氏名に使えない文字（絵文字・記号・数字など）が含まれています。漢字・かな、またはローマ字で入力してください。".into()
        }
        (Lang::En, Problem::NameCharacters) => {
            "The name contains characters that cannot be used (emoji, symbols, digits…). Please use Japanese script or Latin letters.".into()
        }
        (Lang::Ja, Problem::MixedScripts) => {
            "氏名は、漢字・かなか、ローマ字のどちらか一方で入力してください。".into()
        }
        (Lang::En, Problem::MixedScripts) => {
            "Please write the name either in Japanese script or in Latin letters, not a mix of both.".into()
        }
        (Lang::Ja, Problem::KanaOnly) => {
            "ふりがなは、ひらがな または カタカナで入力してください。".into()
        }
        (Lang::En, Problem::KanaOnly) => {
            "Please write the reading in hiragana or katakana.".into()
        }
        (Lang::Ja, Problem::PhoneFormat) => {
            "電話番号は 090-1234-5678 のように、市外局番から入力してください。".into()
        }
        (Lang::En, Problem::PhoneFormat) => {
            "Please enter the phone number with its area code, e.g. 090-1234-5678 or +81 90 1234 5678.".into()
        }
        (Lang::Ja, Problem::EmailFormat) => {
            "メールアドレスは hanako@example.jp のような形で入力してください。".into()
        }
        (Lang::En, Problem::EmailFormat) => {
            "Please enter an e-mail address like hanako@example.jp.".into()
        }
        (Lang::Ja, Problem::ControlCharacters) => {
            format!("{name}に使えない見えない文字（制御文字など）が含まれています。入力し直してください。")
        }
        (Lang::En, Problem::ControlCharacters) => format!(
            "The {} contains invisible control characters. Please type it again.",
            name.to_lowercase()
        ),
        (Lang::Ja, Problem::NotANumber) => format!("{name}は数字で入力してください（例: 12）。"),
        (Lang::En, Problem::NotANumber) => {
            format!("Please give the {} as a whole number, e.g. 12.", name.to_lowercase())
        }
        (Lang::Ja, Problem::DateTimeFormat) => format!(
            "{name}は 2026-12-08T13:00:00+09:00 の形で、2000年から2099年までの日時を指定してください。"
        ),
        (Lang::En, Problem::DateTimeFormat) => format!(
            "Please give the {} like 2026-12-08T13:00:00+09:00, between the years 2000 and 2099.",
            name.to_lowercase()
        ),
        (Lang::Ja, Problem::NotAChoice) => format!("{name}は選択肢から選んでください。"),
        (Lang::En, Problem::NotAChoice) => {
            format!("Please choose the {} from the options.", name.to_lowercase())
        }
        (Lang::Ja, Problem::OutOfRange { min, max }) => {
            format!("{name}は{min}から{max}までの数で入力してください。")
        }
        (Lang::En, Problem::OutOfRange { min, max }) => format!(
            "Please give the {} as a number from {min} to {max}.",
            name.to_lowercase()
        ),
        (Lang::Ja, Problem::UnknownChoice) if field == BookingField::Repeat => {
            "くり返しは、選択肢から選んでください。".into()
        }
        (Lang::En, Problem::UnknownChoice) if field == BookingField::Repeat => {
            "Please choose how it repeats from the options.".into()
        }
        (Lang::Ja, Problem::UnknownChoice) if field == BookingField::Reduction => {
            format!("{name}は、一覧にある区分から選んでください（受け付けを終えた区分は選べません）。")
        }
        (Lang::En, Problem::UnknownChoice) if field == BookingField::Reduction => {
            "Please choose the fee reduction from the list (categories no longer offered cannot be chosen).".into()
        }
        (Lang::Ja, Problem::UnknownChoice) => {
            format!("{name}は、この施設のものから選んでください。")
        }
        (Lang::En, Problem::UnknownChoice) => format!(
            "Please choose the {} from those of this facility.",
            name.to_lowercase()
        ),
        (Lang::Ja, Problem::NotText) => format!("{name}は文字列で指定してください。"),
        (Lang::En, Problem::NotText) => {
            format!("Please give the {} as text.", name.to_lowercase())
        }
        (Lang::Ja, Problem::DateFormat) => {
            format!("{name}は 2027-03-31 のような日付で入力してください。")
        }
        (Lang::En, Problem::DateFormat) => format!(
            "Please give the {} as a date like 2027-03-31.",
            name.to_lowercase()
        ),
        (Lang::Ja, Problem::SeriesEndBefore) => {
            "最終日は、1回目の日より後の日にしてください。".into()
        }
        (Lang::En, Problem::SeriesEndBefore) => {
            "Please choose a last date after the first date.".into()
        }
        (Lang::Ja, Problem::SeriesTooLong { max }) => format!(
            "くり返し予約は{max}回までです。最終日を早めるか、曜日を減らしてください。"
        ),
        (Lang::En, Problem::SeriesTooLong { max }) => format!(
            "A series holds at most {max} dates. Please choose an earlier last date or fewer weekdays."
        ),
    }
}

/// All field problems in one sentence (for API clients and summaries).
pub fn fields_summary(lang: Lang, problems: &[FieldProblem]) -> String {
    let parts: Vec<String> = problems
        .iter()
        .map(|p| problem_message(lang, p.field, p.problem))
        .collect();
    match lang {
        Lang::Ja => format!("入力内容を確認してください。{}", parts.join("")),
        Lang::En => format!("Please check the details. {}", parts.join(" ")),
    }
}

pub fn rule_message(lang: Lang, rule: &RuleViolation) -> String {
    use RuleViolation::*;
    match (lang, rule) {
        (Lang::Ja, SlotMismatch) => {
            "選んだ時間がこの部屋の予約区分と合いません。空き状況の表から選び直してください。".into()
        }
        (Lang::En, SlotMismatch) => {
            "The times do not match this room's booking periods. Please choose again from the availability table.".into()
        }
        (Lang::Ja, TooFewSlots { min }) => format!("この部屋は{min}区分以上続けて予約してください。"),
        (Lang::En, TooFewSlots { min }) => {
            format!("This room must be booked for at least {min} periods in a row.")
        }
        (Lang::Ja, TooManySlots { max }) => {
            format!("1回に予約できるのは{max}区分までです。終了時刻を早めてください。")
        }
        (Lang::En, TooManySlots { max }) => {
            format!("You can book up to {max} periods at a time. Please choose an earlier end.")
        }
        (Lang::Ja, ClosedDay { reason }) => format!(
            "その日は休館（{}）のため予約できません。別の日を選んでください。",
            crate::core::i18n::closure_reason(lang, reason)
        ),
        (Lang::En, ClosedDay { reason }) => format!(
            "The facility is closed that day ({}). Please choose another day.",
            crate::core::i18n::closure_reason(lang, reason)
        ),
        (Lang::Ja, InPast) => {
            "過ぎた時間は予約できません。これから先の日時を選んでください。".into()
        }
        (Lang::En, InPast) => "That time has passed. Please choose a time in the future.".into(),
        (Lang::Ja, WindowNotOpen { opens, nonresident }) => {
            let who = if *nonresident { "町外の方の" } else { "" };
            format!(
                "この日の{who}予約受付は {} から始まります。その時刻より後にお申し込みください。",
                date_time(lang, *opens)
            )
        }
        (Lang::En, WindowNotOpen { opens, nonresident }) => {
            let who = if *nonresident {
                " for people from outside the town"
            } else {
                ""
            };
            format!(
                "Booking for this day{who} opens at {}. Please apply after then.",
                date_time(lang, *opens)
            )
        }
        (Lang::Ja, WindowClosed { closed }) => format!(
            "この日時の予約受付は {} に締め切りました。施設に電話でご相談ください。",
            date_time(lang, *closed)
        ),
        (Lang::En, WindowClosed { closed }) => format!(
            "Booking for this time closed at {}. Please call the facility.",
            date_time(lang, *closed)
        ),
        (Lang::Ja, OverCapacity { capacity }) => format!(
            "利用人数が定員（{capacity}人）を超えています。人数を減らすか、広い部屋を選んでください。"
        ),
        (Lang::En, OverCapacity { capacity }) => format!(
            "That is more people than the room holds ({capacity}). Please reduce the number or choose a larger room."
        ),
        (Lang::Ja, LimitReached { max }) => format!(
            "同じメールアドレスまたは電話番号でお持ちの予約が上限（{max}件）に達しています。利用が終わるか取り消すと、新しく予約できます。"
        ),
        (Lang::En, LimitReached { max }) => format!(
            "This e-mail address or phone number already holds the maximum of {max} active bookings here. You can book again once one is used or cancelled."
        ),
        (Lang::Ja, TownLimitReached { max }) => format!(
            "同じメールアドレスまたは電話番号でお持ちの予約（施設予約と来庁予約の合計）が、町全体での上限（{max}件）に達しています。利用が終わるか取り消すと、新しく予約できます。"
        ),
        (Lang::En, TownLimitReached { max }) => format!(
            "This e-mail address or phone number already holds the town's maximum of {max} active facility bookings and visit appointments together. You can book again once one is used or cancelled."
        ),
    }
}

pub fn conflict_message(lang: Lang, conflict: &Conflict) -> String {
    match (lang, conflict) {
        (Lang::Ja, Conflict::SlotTaken) => {
            "申し訳ありません。この時間は、ほかの方が先に予約されました。近い日時の空きから選び直せます。".into()
        }
        (Lang::En, Conflict::SlotTaken) => {
            "Sorry: someone else has just booked this time. You can choose one of the free times nearby.".into()
        }
        (Lang::Ja, Conflict::EquipmentUnavailable) => {
            "選んだ付帯設備は、その時間すべて貸し出し中です。設備を外すか、別の時間を選んでください。".into()
        }
        (Lang::En, Conflict::EquipmentUnavailable) => {
            "All of the chosen equipment is lent out at that time. Please untick it or choose another time.".into()
        }
        (Lang::Ja, Conflict::AlreadyCancelled) => {
            "この予約はすでに取り消されているか、仮予約の期限が過ぎています。".into()
        }
        (Lang::En, Conflict::AlreadyCancelled) => {
            "This booking is already cancelled, or its provisional hold has lapsed.".into()
        }
        (Lang::Ja, Conflict::NoCapacity) => {
            "申し訳ありません。この時刻は、担当できる職員の予定が埋まりました（または不在です）。別の時刻を選んでください。".into()
        }
        (Lang::En, Conflict::NoCapacity) => {
            "Sorry: no staff member who handles this is free at that time any more (booked or away). Please choose another time.".into()
        }
        (Lang::Ja, Conflict::AbsenceUndecided) => {
            "重なる予約それぞれについて、対応を選んでください。".into()
        }
        (Lang::En, Conflict::AbsenceUndecided) => {
            "Please choose what to do with each appointment in the absence.".into()
        }
        (_, Conflict::CancelDeadlinePassed { phone }) => cancel_closed(lang, phone),
        (
            _,
            wait @ (Conflict::WaitFree
            | Conflict::AlreadyWaiting
            | Conflict::WaitLimit { .. }
            | Conflict::WaitExtras),
        ) => wait_message(lang, wait),
    }
}

/// The waiting list's refusals. Only the server writes them (into the
/// form's notice), so the browser's WASM does not carry their words.
#[cfg(feature = "ssr")]
fn wait_message(lang: Lang, conflict: &Conflict) -> String {
    match (lang, conflict) {
        (Lang::Ja, Conflict::WaitFree) => {
            "この時間は空いています。キャンセル待ちではなく、このまま予約できます。".into()
        }
        (Lang::En, Conflict::WaitFree) => {
            "This time is free now: you can book it instead of joining the waiting list.".into()
        }
        (Lang::Ja, Conflict::AlreadyWaiting) => {
            "この時間のキャンセル待ちには、同じメールアドレスまたは電話番号ですでに登録されています。".into()
        }
        (Lang::En, Conflict::AlreadyWaiting) => {
            "This e-mail address or phone number is already on the waiting list for this time.".into()
        }
        (Lang::Ja, Conflict::WaitLimit { max }) => format!(
            "この施設でキャンセル待ちに登録できるのは、同じメールアドレスまたは電話番号で{max}件までです。"
        ),
        (Lang::En, Conflict::WaitLimit { max }) => format!(
            "One e-mail address or phone number can be on at most {max} waiting lists at this facility."
        ),
        (Lang::Ja, Conflict::WaitExtras) => {
            "キャンセル待ちは、付帯設備と減免の申請なしで登録できます。入力内容を修正して、それらを外してください。".into()
        }
        (Lang::En, Conflict::WaitExtras) => {
            "The waiting list takes the time alone: change your answers to untick the equipment and the fee reduction.".into()
        }
        _ => conflict.code().into(),
    }
}

/// In the browser a waiting-list refusal is never shown (see above).
#[cfg(not(feature = "ssr"))]
fn wait_message(_: Lang, conflict: &Conflict) -> String {
    conflict.code().into()
}

pub fn missing_message(lang: Lang, missing: Missing) -> &'static str {
    match (lang, missing) {
        (Lang::Ja, Missing::Facility) => {
            "その施設は見つかりません。施設一覧から選び直してください。"
        }
        (Lang::En, Missing::Facility) => {
            "That facility does not exist. Please choose one from the facility list."
        }
        (Lang::Ja, Missing::Unit) => {
            "その部屋・区画は見つかりません。空き状況の表から選び直してください。"
        }
        (Lang::En, Missing::Unit) => {
            "That room or area does not exist. Please choose again from the availability table."
        }
        (Lang::Ja, Missing::Booking) => {
            "受付番号と連絡先に一致する予約が見つかりません。受付番号（8文字）と、予約したときのメールアドレスまたは電話番号を確かめてください。"
        }
        (Lang::En, Missing::Booking) => {
            "No booking matches that reference and contact. Please check the 8-character reference and the e-mail address or phone number you gave."
        }
        (Lang::Ja, Missing::Draft) => {
            "入力内容が見つかりません（時間がたって消えた可能性があります）。空き状況から選び直してください。"
        }
        (Lang::En, Missing::Draft) => {
            "Your answers were not found (they may have expired). Please choose again from the availability table."
        }
        (Lang::Ja, Missing::Procedure) => {
            "その手続きは見つかりません。手続きの一覧から選び直してください。"
        }
        (Lang::En, Missing::Procedure) => {
            "That procedure does not exist. Please choose one from the list of procedures."
        }
        (Lang::Ja, Missing::Department) => "その課は見つかりません。",
        (Lang::En, Missing::Department) => "That division does not exist.",
        (Lang::Ja, Missing::StaffMember) => "その職員は見つかりません。",
        (Lang::En, Missing::StaffMember) => "That staff member does not exist.",
        (Lang::Ja, Missing::Counter) => "その窓口は見つかりません。",
        (Lang::En, Missing::Counter) => "That counter does not exist.",
        (Lang::Ja, Missing::Equipment) => {
            "その備品は見つかりません。施設の備品の一覧から選び直してください。"
        }
        (Lang::En, Missing::Equipment) => {
            "That equipment does not exist. Choose it again from the facility's list of equipment."
        }
        (Lang::Ja, Missing::Reduction) => {
            "その減免区分は見つかりません。減免区分の一覧から選び直してください。"
        }
        (Lang::En, Missing::Reduction) => {
            "That fee reduction category does not exist. Choose it again from the list."
        }
        (Lang::Ja, Missing::Appointment) => {
            "受付番号と連絡先に一致する来庁予約が見つかりません。受付番号（8文字）と、予約したときのメールアドレスまたは電話番号を確かめてください。"
        }
        (Lang::En, Missing::Appointment) => {
            "No appointment matches that reference and contact. Please check the 8-character reference and the e-mail address or phone number you gave."
        }
        (Lang::Ja, Missing::Feed) => {
            "このカレンダー配信は見つかりません。停止されたか、URL が作り直された可能性があります。配信を作った人に新しい URL を確かめてください。"
        }
        (Lang::En, Missing::Feed) => {
            "This calendar feed was not found. It may have been stopped, or given a new URL. Please ask whoever made it for the current URL."
        }
        (Lang::Ja, Missing::Town) => {
            "どの町のページかが分かりません。トップページの町の一覧から選んでください。"
        }
        (Lang::En, Missing::Town) => {
            "We cannot tell which town this page is for. Please choose your town from the list on the home page."
        }
    }
}

pub fn auth_message(lang: Lang, e: AuthError) -> &'static str {
    match (lang, e) {
        (Lang::Ja, AuthError::SignInRequired) => {
            "ログインが必要です。一定時間操作がなかった場合もログアウトします。もう一度ログインしてください。"
        }
        (Lang::En, AuthError::SignInRequired) => {
            "Please sign in. Sessions also end after a period without activity."
        }
        (Lang::Ja, AuthError::Forbidden) => {
            "この操作や情報は、あなたの役割・担当範囲では使えません。担当の職員か管理者に相談してください。"
        }
        (Lang::En, AuthError::Forbidden) => {
            "Your role and scope do not allow this. Please ask the responsible staff member or an administrator."
        }
        (Lang::Ja, AuthError::BadCredentials) => {
            "メールアドレスかパスワードが違います。確かめてもう一度入力してください。"
        }
        (Lang::En, AuthError::BadCredentials) => {
            "The e-mail address or password is wrong. Please check both and try again."
        }
        (Lang::Ja, AuthError::BadCode) => {
            "確認コードが違うか、期限が切れています。認証アプリの最新のコードを入力してください。"
        }
        (Lang::En, AuthError::BadCode) => {
            "The code is wrong or has expired. Please enter the current code from your authenticator app."
        }
        (Lang::Ja, AuthError::CodeUsed) => {
            "この確認コードは使用済みです。認証アプリに次のコードが出てから入力してください（30秒ごとに変わります）。"
        }
        (Lang::En, AuthError::CodeUsed) => {
            "This code has already been used. Please wait for the next code in your authenticator app (it changes every 30 seconds)."
        }
        (Lang::Ja, AuthError::BadMailedCode) => {
            "メールに書かれた確認コードと違うか、期限が切れています。届いたメールのコード（8文字）をそのまま入力してください。"
        }
        (Lang::En, AuthError::BadMailedCode) => {
            "That is not the code in the mail, or it has expired. Please enter the 8-character code exactly as the mail gives it."
        }
        (Lang::Ja, AuthError::RegistrationLapsed) => {
            "確認コードの有効期限（30分）が切れたか、登録の手続きが見つかりません。「アカウントの作成」からやり直してください。"
        }
        (Lang::En, AuthError::RegistrationLapsed) => {
            "The confirmation code has expired (it lasts 30 minutes), or no registration is waiting here. Please start again from \"Create an account\"."
        }
        (Lang::Ja, AuthError::SetupLapsed) => {
            "2段階認証の設定が中断されました。「2段階認証を設定する」からやり直してください。"
        }
        (Lang::En, AuthError::SetupLapsed) => {
            "The second-factor set-up was interrupted. Please start again with \"Set up a second factor\"."
        }
        (Lang::Ja, AuthError::AdminNeedsTotp) => {
            "管理者には2段階認証が必要です。本人が「アカウント」画面で2段階認証を設定してから、もう一度変更してください。"
        }
        (Lang::En, AuthError::AdminNeedsTotp) => {
            "Administrators need a second factor. Ask the person to set one up on their Account page, then change the role again."
        }
        (Lang::Ja, AuthError::Throttled) => {
            "試行回数が多すぎます。数分待ってからもう一度お試しください。"
        }
        (Lang::En, AuthError::Throttled) => {
            "Too many attempts. Please wait a few minutes and try again."
        }
        (Lang::Ja, AuthError::WeakPassword) => "パスワードは10文字以上128文字以内にしてください。",
        (Lang::En, AuthError::WeakPassword) => "The password must be 10 to 128 characters long.",
        (Lang::Ja, AuthError::EmailTaken) => {
            "このメールアドレスのアカウントは既にあります。別のアドレスを使ってください。"
        }
        (Lang::En, AuthError::EmailTaken) => {
            "An account with this e-mail address exists. Please use another address."
        }
        (Lang::Ja, AuthError::PasswordMismatch) => {
            "確認用のパスワードが一致しません。同じパスワードを2回入力してください。"
        }
        (Lang::En, AuthError::PasswordMismatch) => {
            "The two passwords differ. Please type the same password twice."
        }
        (Lang::Ja, AuthError::WrongCurrentPassword) => {
            "現在のパスワードが違います。確かめてもう一度入力してください。"
        }
        (Lang::En, AuthError::WrongCurrentPassword) => {
            "The current password is wrong. Please check it and try again."
        }
        (Lang::Ja, AuthError::CrossSite) => {
            "別のサイトから送られた操作は受け付けません。このサイトのページを開き直して、もう一度操作してください。"
        }
        (Lang::En, AuthError::CrossSite) => {
            "Requests sent from another site are refused. Please open this site's page again and retry."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_say_what_to_fix() {
        let e = AppError::Domain(DomainError::invalid(
            Field::To,
            InvalidReason::RangeTooLong { max_days: 92 },
        ));
        assert!(error_message(Lang::Ja, &e).contains("92日以内"));
        assert!(error_message(Lang::En, &e).contains("within 92 days"));
        let e = AppError::Domain(DomainError::invalid(Field::From, InvalidReason::DateFormat));
        assert!(error_message(Lang::Ja, &e).contains("2026-12-07"));
    }

    #[test]
    fn every_problem_names_what_to_fix_in_both_languages() {
        let problems = [
            Problem::Required,
            Problem::TooLong { max: 50 },
            Problem::NameCharacters,
            Problem::MixedScripts,
            Problem::KanaOnly,
            Problem::PhoneFormat,
            Problem::EmailFormat,
            Problem::ControlCharacters,
            Problem::NotANumber,
            Problem::DateTimeFormat,
            Problem::NotAChoice,
            Problem::OutOfRange { min: 1, max: 30 },
            Problem::UnknownChoice,
            Problem::NotText,
        ];
        for p in problems {
            let ja = problem_message(Lang::Ja, BookingField::Phone, p);
            let en = problem_message(Lang::En, BookingField::Phone, p);
            assert!(ja.ends_with('。'), "{ja}");
            assert!(en.is_ascii() || en.contains('…'), "{en}");
            assert_ne!(ja, en);
        }
    }
}
