//! Strings of the import page and of its messages.

use domain::text::Lang;

use crate::imports::types::SourceProblem;

pub struct ImportTexts {
    pub title: &'static str,
    pub lead: &'static str,
    pub target_label: &'static str,
    pub file_label: &'static str,
    pub file_hint: &'static str,
    pub url_label: &'static str,
    pub url_hint: &'static str,
    pub check: &'static str,
    pub preview_heading: &'static str,
    pub preview_lead: fn(&str, &str, usize, usize) -> String,
    pub col_when: &'static str,
    pub col_summary: &'static str,
    pub col_kind: &'static str,
    pub kind_closure: &'static str,
    pub kind_block: &'static str,
    pub kind_absence: &'static str,
    pub met_bookings: fn(usize) -> String,
    pub met_visits: fn(usize) -> String,
    pub met_none: &'static str,
    pub decision_cancel: &'static str,
    pub decision_keep: &'static str,
    pub decision_contact: &'static str,
    pub move_to: fn(&str) -> String,
    pub apply: &'static str,
    pub discard: &'static str,
    pub discarded: &'static str,
    pub applied: fn(usize, usize) -> String,
    pub whole_facility: fn(&str) -> String,
    pub absences_of: fn(&str) -> String,
    pub untitled: &'static str,
    pub undecided: &'static str,
}

static JA: ImportTexts = ImportTexts {
    title: "カレンダーから取り込む",
    lead: "休館日や部屋の使用停止、職員の不在を、カレンダーのファイル（.ics）かカレンダーのURLから取り込みます。書き込む前に、取り込む内容と、重なる予約・来庁予約を確認できます。",
    target_label: "取り込み先",
    file_label: "カレンダーのファイル（.ics）",
    file_hint: "Google カレンダーや Outlook から書き出したファイル。1 MB まで。",
    url_label: "またはカレンダーのURL",
    url_hint: "https:// か webcal:// で始まる公開カレンダーのアドレス。ファイルを選んだときは使いません。",
    check: "内容を確認する",
    preview_heading: "取り込む内容の確認",
    preview_lead: |target, source, n, skipped| {
        format!(
            "{source} から {target} に {n} 件を取り込みます（今日から1年の外、取り消し済み、長さのない {skipped} 件は除きます）。まだ何も書き込んでいません。"
        )
    },
    col_when: "日時",
    col_summary: "内容",
    col_kind: "種類",
    kind_closure: "休館日",
    kind_block: "使用停止",
    kind_absence: "不在",
    met_bookings: |n| format!("重なる予約（{n} 件）: それぞれ決めてください"),
    met_visits: |n| format!("重なる来庁予約（{n} 件）: それぞれ決めてください"),
    met_none: "重なる予約はありません。",
    decision_cancel: "予約を取り消す（利用者にメールでお知らせします）",
    decision_keep: "予約を残す（その時間は取り込みません）",
    decision_contact: "担当のままにして、来庁者に連絡する",
    move_to: |name| format!("{name} に引き継ぐ"),
    apply: "取り込む",
    discard: "取り込まずに戻る",
    discarded: "取り込みをやめました。何も書き込んでいません。",
    applied: |n, already| {
        if already == 0 {
            format!("{n} 件を取り込みました。")
        } else {
            format!("{n} 件を取り込みました（同じものが既にある {already} 件は除きました）。")
        }
    },
    whole_facility: |name| format!("{name}（全館の休館日・使用停止）"),
    absences_of: |name| format!("{name}（不在）"),
    untitled: "カレンダーから取り込み",
    undecided: "確認のあとで新しい予約が重なりました。下の一覧で決めてから、もう一度取り込んでください。何も書き込んでいません。",
};

static EN: ImportTexts = ImportTexts {
    title: "Import from a calendar",
    lead: "Import closures, times a room is out of use, or staff absences from a calendar file (.ics) or a calendar's URL. Before anything is written you see what will be imported and every booking or visit it meets.",
    target_label: "Import into",
    file_label: "Calendar file (.ics)",
    file_hint: "A file exported from Google Calendar, Outlook and the like. Up to 1 MB.",
    url_label: "Or the calendar's URL",
    url_hint: "The address of a published calendar, starting with https:// or webcal://. Not used when a file is chosen.",
    check: "Check the contents",
    preview_heading: "What will be imported",
    preview_lead: |target, source, n, skipped| {
        format!(
            "{n} items from {source} into {target} (leaving out {skipped} outside the coming year, cancelled or without length). Nothing has been written yet."
        )
    },
    col_when: "When",
    col_summary: "What",
    col_kind: "Kind",
    kind_closure: "Closed",
    kind_block: "Out of use",
    kind_absence: "Absent",
    met_bookings: |n| format!("Bookings it meets ({n}): decide each"),
    met_visits: |n| format!("Visits it meets ({n}): decide each"),
    met_none: "It meets no booking.",
    decision_cancel: "Cancel the booking (the resident is told by e-mail)",
    decision_keep: "Keep the booking (that time is not imported)",
    decision_contact: "Keep the assignment and contact the visitor",
    move_to: |name| format!("Hand over to {name}"),
    apply: "Import",
    discard: "Go back without importing",
    discarded: "The import was dropped. Nothing was written.",
    applied: |n, already| {
        if already == 0 {
            format!("{n} items imported.")
        } else {
            format!("{n} items imported ({already} already there were left out).")
        }
    },
    whole_facility: |name| format!("{name} (closures of the whole facility)"),
    absences_of: |name| format!("{name} (absences)"),
    untitled: "Imported from a calendar",
    undecided: "A booking or visit met the import after the check. Decide on it below and import again. Nothing was written.",
};

pub fn texts(lang: Lang) -> &'static ImportTexts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// Why the calendar could not be read, and what to do.
pub fn source_problem(lang: Lang, p: SourceProblem) -> String {
    let ja = lang == Lang::Ja;
    match p {
        SourceProblem::Missing => if ja {
            "ファイルを選ぶか、カレンダーのURLを入力してください。"
        } else {
            "Choose a file or enter the calendar's URL."
        }
        .to_owned(),
        SourceProblem::BadUrl => if ja {
            "URL は https://、http:// か webcal:// で始まるアドレスを入力してください。"
        } else {
            "Enter a URL starting with https://, http:// or webcal://."
        }
        .to_owned(),
        SourceProblem::NotAllowed => if ja {
            "このアドレスからは取り込めません（庁内やこのサーバーのアドレス）。ファイルに書き出して取り込んでください。"
        } else {
            "This address cannot be imported from (it is inside the network or this server). Export the calendar to a file and import that."
        }
        .to_owned(),
        SourceProblem::Unreachable => if ja {
            "カレンダーのURLに接続できませんでした。アドレスを確かめるか、ファイルに書き出して取り込んでください。"
        } else {
            "The calendar's URL could not be reached. Check the address, or export the calendar to a file and import that."
        }
        .to_owned(),
        SourceProblem::Refused(code) => if ja {
            format!("カレンダーのURLが読めませんでした（HTTP {code}）。公開されたカレンダーのアドレスか確かめてください。")
        } else {
            format!("The calendar's URL answered HTTP {code}. Check that it is the address of a published calendar.")
        },
        SourceProblem::TooLarge => if ja {
            "カレンダーが大きすぎます（1 MB まで）。期間を区切って書き出してください。"
        } else {
            "The calendar is too large (1 MB at most). Export a shorter period."
        }
        .to_owned(),
        SourceProblem::NotText => if ja {
            "カレンダーのファイル（.ics、UTF-8 の文字）ではありません。ファイルを確かめてください。"
        } else {
            "This is not a calendar file (.ics, UTF-8 text). Check the file."
        }
        .to_owned(),
    }
}

/// Why a file cannot be imported, naming the line.
#[cfg(feature = "ssr")]
pub fn fault(lang: Lang, f: &crate::imports::parse::Fault) -> String {
    use crate::imports::parse::{MAX_OCCURRENCES, Problem};
    let line = f.line;
    let ja = lang == Lang::Ja;
    let what = match &f.problem {
        Problem::NotCalendar if ja => {
            "カレンダーのファイルではありません（BEGIN:VCALENDAR で始まっていません）。".to_owned()
        }
        Problem::NotCalendar => {
            "this is not a calendar file (it does not start with BEGIN:VCALENDAR).".to_owned()
        }
        Problem::Syntax if ja => "「名前:値」の形になっていません。".to_owned(),
        Problem::Syntax => "the line is not of the form NAME:VALUE.".to_owned(),
        Problem::Unbalanced(k) if ja => {
            format!("{k} の始まり（BEGIN）と終わり（END）が合っていません。")
        }
        Problem::Unbalanced(k) => format!("the BEGIN and END of {k} do not match."),
        Problem::BadDate(p) if ja => {
            format!("{p} の日付か時刻が読めません（例: 20270105 や 20270105T090000）。")
        }
        Problem::BadDate(p) => {
            format!("the date or time of {p} cannot be read (e.g. 20270105 or 20270105T090000).")
        }
        Problem::UnknownZone(z) if ja => {
            format!("時間帯「{z}」が分かりません。Asia/Tokyo のような名前で書き出してください。")
        }
        Problem::UnknownZone(z) => {
            format!("the time zone “{z}” is unknown. Export with names such as Asia/Tokyo.")
        }
        Problem::BadRule(r) if ja => {
            format!("繰り返しの規則（RRULE）「{r}」が読めないか、開始日と合いません。")
        }
        Problem::BadRule(r) => {
            format!("the repeat rule (RRULE) “{r}” cannot be read or does not fit the start.")
        }
        Problem::BadDuration if ja => "長さ（DURATION）が読めません（例: PT1H30M）。".to_owned(),
        Problem::BadDuration => "the length (DURATION) cannot be read (e.g. PT1H30M).".to_owned(),
        Problem::NoStart if ja => "予定に開始（DTSTART）がありません。".to_owned(),
        Problem::NoStart => "the event has no start (DTSTART).".to_owned(),
        Problem::EndBeforeStart if ja => "終わりが始まりより前です。".to_owned(),
        Problem::EndBeforeStart => "the end is before the start.".to_owned(),
        Problem::TooMany if ja => {
            format!("予定が多すぎます（1年で {MAX_OCCURRENCES} 件まで）。期間を区切ってください。")
        }
        Problem::TooMany => format!(
            "there are too many events ({MAX_OCCURRENCES} in a year at most). Export a shorter period."
        ),
        Problem::NoEvents if ja => "予定（VEVENT）が1件もありません。".to_owned(),
        Problem::NoEvents => "the file holds no event (VEVENT).".to_owned(),
    };
    if ja {
        format!("取り込めません。{line} 行目: {what}何も書き込んでいません。")
    } else {
        format!("Cannot import. Line {line}: {what} Nothing was written.")
    }
}
