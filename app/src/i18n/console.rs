//! Strings of sign-in, the managers' console and the e-mails to residents.
//! One typed table per language, as everywhere in `i18n`.

use domain::view::Lang;

use crate::console_view::Role;
use crate::error::AuthError;

pub struct ConsoleTexts {
    pub nav_console: &'static str,
    pub console_title: &'static str,
    pub signed_in_as: fn(&str, &str) -> String,
    pub sign_out: &'static str,
    pub login_title: &'static str,
    pub login_lead: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub login_button: &'static str,
    pub signed_out: &'static str,
    pub password_changed: &'static str,
    pub code_title: &'static str,
    pub code_lead: &'static str,
    pub code_label: &'static str,
    pub code_button: &'static str,
    pub sign_in_link: &'static str,
    pub facilities_heading: &'static str,
    pub pending_heading: &'static str,
    pub no_pending: &'static str,
    pub expires: &'static str,
    pub open: &'static str,
    pub reference: &'static str,
    pub facility: &'static str,
    pub unit: &'static str,
    pub when: &'static str,
    pub status: &'static str,
    pub purpose: &'static str,
    pub attendees: &'static str,
    pub timeline_title: fn(&str, &str, bool) -> String,
    pub day_view: &'static str,
    pub week_view: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub go: &'static str,
    pub date: &'static str,
    pub print: &'static str,
    pub block_link: &'static str,
    pub proxy_link: &'static str,
    pub report_link: &'static str,
    pub rules_title: fn(&str, &str) -> String,
    pub rules_link: &'static str,
    pub rules_units_heading: &'static str,
    pub rules_lead: &'static str,
    pub rules_basics: &'static str,
    pub rules_window: &'static str,
    pub rules_periods: &'static str,
    pub rules_periods_hint: &'static str,
    pub rules_grid: &'static str,
    pub rules_hours: &'static str,
    pub rules_hours_hint: &'static str,
    pub f_capacity: &'static str,
    pub f_min_slots: &'static str,
    pub f_max_slots: &'static str,
    pub f_requires_approval: &'static str,
    pub f_pending_hold_hours: &'static str,
    pub f_open_months_before: &'static str,
    pub f_open_months_before_nonresident: &'static str,
    pub f_open_day: &'static str,
    pub f_open_time: &'static str,
    pub f_close_days_before: &'static str,
    pub f_close_time: &'static str,
    pub f_cancel_days_before: &'static str,
    pub f_cancel_time: &'static str,
    pub f_grid_step: &'static str,
    pub f_grid_fee_resident: &'static str,
    pub f_grid_fee_nonresident: &'static str,
    pub f_label_ja: &'static str,
    pub f_label_en: &'static str,
    pub f_start: &'static str,
    pub f_end: &'static str,
    pub f_fee_resident: &'static str,
    pub f_fee_nonresident: &'static str,
    pub f_holiday_resident: &'static str,
    pub f_holiday_nonresident: &'static str,
    pub f_opens: &'static str,
    pub f_closes: &'static str,
    pub period_row: fn(usize) -> String,
    pub preview_button: &'static str,
    pub save_rules_button: &'static str,
    pub rules_saved: &'static str,
    pub preview_heading: fn(&str) -> String,
    pub preview_totals: fn(u32, u32) -> String,
    pub preview_no_change: &'static str,
    pub preview_day_caption: &'static str,
    pub preview_before: &'static str,
    pub preview_after: &'static str,
    pub preview_opens: fn(&str, &str) -> String,
    pub preview_misfits: &'static str,
    pub rules_fix: &'static str,
    pub date_label: &'static str,
    pub back_to_timeline: &'static str,
    pub report_title: fn(&str) -> String,
    pub report_lead: &'static str,
    pub occupancy_heading: &'static str,
    pub occupancy_caption: &'static str,
    pub usage_hours: fn(&str, &str) -> String,
    pub fees_heading: &'static str,
    pub fees_caption: &'static str,
    pub month: &'static str,
    pub fee_charged: &'static str,
    pub fee_received: &'static str,
    pub earlier: &'static str,
    pub later: &'static str,
    pub export_heading: &'static str,
    pub export_button: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub timeline_caption: &'static str,
    pub booking_title: fn(&str) -> String,
    pub resident: &'static str,
    pub fee: &'static str,
    pub paid: &'static str,
    pub not_paid: &'static str,
    pub usage: &'static str,
    pub proxy_by: &'static str,
    pub override_reason: &'static str,
    pub status_reason: &'static str,
    pub no_shows: &'static str,
    pub contact_heading: &'static str,
    pub show_contact: &'static str,
    pub contact_logged: &'static str,
    pub name: &'static str,
    pub name_kana: &'static str,
    pub phone: &'static str,
    pub approve: &'static str,
    pub reject: &'static str,
    pub cancel: &'static str,
    pub reason: &'static str,
    pub reason_hint: &'static str,
    pub mark_used: &'static str,
    pub mark_no_show: &'static str,
    pub clear_usage: &'static str,
    pub mark_paid: &'static str,
    pub clear_paid: &'static str,
    pub decide_heading: &'static str,
    pub record_heading: &'static str,
    pub saved: &'static str,
    pub block_title: &'static str,
    pub block_lead: &'static str,
    pub start_time: &'static str,
    pub end_time: &'static str,
    pub check_button: &'static str,
    pub collisions_heading: fn(usize) -> String,
    pub collisions_lead: &'static str,
    pub decision_cancel: &'static str,
    pub decision_keep: &'static str,
    pub save_block: &'static str,
    pub block_saved: fn(&str) -> String,
    pub closure_saved: fn(&str, &str) -> String,
    pub kind_legend: &'static str,
    pub kind_block: &'static str,
    pub kind_closure: &'static str,
    pub until_label: &'static str,
    pub whole_facility: &'static str,
    pub block_times_hint: &'static str,
    pub block_changed: &'static str,
    pub staff_title: &'static str,
    pub staff_list: &'static str,
    pub role: &'static str,
    pub scope: &'static str,
    pub active: &'static str,
    pub inactive: &'static str,
    pub second_factor: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub deactivate: &'static str,
    pub reactivate: &'static str,
    pub new_account: &'static str,
    pub display_name: &'static str,
    pub password_hint: &'static str,
    pub new_account_lead: &'static str,
    pub scope_facilities: &'static str,
    pub scope_departments: &'static str,
    pub create_button: &'static str,
    pub account_created: fn(&str) -> String,
    pub totp_secret: &'static str,
    pub reset_totp: &'static str,
    pub totp_reset_done: &'static str,
    pub enrol_title: &'static str,
    pub enrol_lead: &'static str,
    pub enrol_code: &'static str,
    pub enrol_code_hint: &'static str,
    pub enrol_password: &'static str,
    pub enrol_password_confirm: &'static str,
    pub enrol_button: &'static str,
    pub enrol_mail_subject: &'static str,
    pub enrol_mail_body: fn(&str, &str, &str) -> String,
    pub whole_town: &'static str,
    pub audit_title: &'static str,
    pub audit_actor: &'static str,
    pub audit_action: &'static str,
    pub audit_target: &'static str,
    pub audit_at: &'static str,
    pub audit_before: &'static str,
    pub audit_after: &'static str,
    pub filter_button: &'static str,
    pub no_entries: &'static str,
    pub outbox_title: &'static str,
    pub outbox_lead: &'static str,
    pub mail_to: &'static str,
    pub mail_subject: &'static str,
    pub mail_created: &'static str,
    pub mail_sent: &'static str,
    pub mail_waiting: &'static str,
    pub account_title: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub change_password: &'static str,
    pub change_password_note: &'static str,
    pub bookings_table: &'static str,
    pub town: &'static str,
    pub staff_updated: &'static str,
    pub edit_self_note: &'static str,
    pub edit_staff_note: &'static str,
    pub edit_staff_cancel: &'static str,
    pub edit_staff_save: &'static str,
    pub edit_staff_title: &'static str,
    pub edit_staff: &'static str,
    pub totp_enabled: &'static str,
    pub totp_confirm: &'static str,
    pub totp_confirm_hint: &'static str,
    pub totp_qr_label: &'static str,
    pub totp_scan: &'static str,
    pub totp_start: &'static str,
    pub totp_off: &'static str,
    pub totp_on: &'static str,
    pub totp_heading: &'static str,
    pub password_heading: &'static str,
    pub console_nav: &'static str,
    pub nav_home: &'static str,
    pub nav_staff: &'static str,
    pub nav_audit: &'static str,
    pub nav_outbox: &'static str,
    pub nav_account: &'static str,
}

pub static JA: ConsoleTexts = ConsoleTexts {
    nav_console: "職員用",
    console_title: "管理画面",
    signed_in_as: |name, role| format!("{name}（{role}）としてログイン中"),
    sign_out: "ログアウト",
    login_title: "職員ログイン",
    login_lead: "町から発行されたメールアドレスとパスワードを入力してください。",
    email: "メールアドレス",
    password: "パスワード",
    login_button: "ログイン",
    signed_out: "ログアウトしました。",
    password_changed: "パスワードを変更しました。すべての端末でログアウトしたので、新しいパスワードでログインしてください。",
    code_title: "確認コードの入力",
    code_lead: "認証アプリに表示されている6桁の確認コードを入力してください。",
    code_label: "確認コード（6桁）",
    code_button: "確認",
    sign_in_link: "ログイン画面へ",
    facilities_heading: "担当施設",
    pending_heading: "承認待ちの仮予約",
    no_pending: "承認待ちの仮予約はありません。",
    expires: "仮押さえの期限",
    open: "詳細",
    reference: "受付番号",
    facility: "施設",
    unit: "部屋・区画",
    when: "日時",
    status: "状態",
    purpose: "利用目的",
    attendees: "人数",
    timeline_title: |facility, date, week| {
        if week {
            format!("{facility} {date}からの1週間")
        } else {
            format!("{facility} {date}")
        }
    },
    day_view: "日表示",
    week_view: "週表示",
    previous: "前へ",
    next: "次へ",
    go: "表示",
    date: "日付",
    print: "印刷",
    block_link: "使用停止・行政利用を登録",
    proxy_link: "代行予約（電話・窓口）",
    report_link: "利用状況レポート（稼働率・使用料）",
    rules_title: |f, u| format!("{f} {u} の予約ルールと料金"),
    rules_link: "予約ルール・料金の設定",
    rules_units_heading: "部屋・区画の設定",
    rules_lead: "変更はまず「変更内容を確認する」で来月の空き状況への影響を確かめてから保存します。既にある予約は、時間も料金も予約したときのまま残ります。",
    rules_basics: "定員と予約の単位",
    rules_window: "受付期間と取消期限",
    rules_periods: "時間区分と使用料（円）",
    rules_periods_hint: "区分を削除するには、その行を空にします。最後の空の行に書くと区分を追加できます。休日料金が空欄なら平日と同じ料金です。",
    rules_grid: "時間単位の予約と使用料（円）",
    rules_hours: "開館時間（この施設の全ての部屋・区画に適用）",
    rules_hours_hint: "休館の曜日は両方を空欄にします。例: 9:00 と 21:30",
    f_capacity: "定員（人）",
    f_min_slots: "1回の予約の最小区分数",
    f_max_slots: "1回の予約の最大区分数",
    f_requires_approval: "施設の承認が必要（仮予約）",
    f_pending_hold_hours: "仮予約を保留する時間（時間）",
    f_open_months_before: "町内の方の受付開始: 利用月の何か月前",
    f_open_months_before_nonresident: "町外の方の受付開始: 利用月の何か月前",
    f_open_day: "受付開始日（その月の何日）",
    f_open_time: "受付開始時刻",
    f_close_days_before: "受付締切: 利用日の何日前",
    f_close_time: "受付締切時刻",
    f_cancel_days_before: "取消期限: 利用日の何日前",
    f_cancel_time: "取消期限の時刻",
    f_grid_step: "予約の単位（分）",
    f_grid_fee_resident: "1単位の使用料（町内）",
    f_grid_fee_nonresident: "1単位の使用料（町外）",
    f_label_ja: "区分名（日本語）",
    f_label_en: "区分名（英語）",
    f_start: "開始",
    f_end: "終了",
    f_fee_resident: "町内",
    f_fee_nonresident: "町外",
    f_holiday_resident: "休日・町内",
    f_holiday_nonresident: "休日・町外",
    f_opens: "開館",
    f_closes: "閉館",
    period_row: |i| format!("区分{}", i + 1),
    preview_button: "変更内容を確認する",
    save_rules_button: "この内容で保存する",
    rules_saved: "予約ルールと料金を保存しました。",
    preview_heading: |m| format!("{m}の空き状況への影響"),
    preview_totals: |b, a| format!("予約できる区分: 変更前 {b} → 変更後 {a}"),
    preview_no_change: "日ごとの予約できる区分の数は変わりません。",
    preview_day_caption: "予約できる区分の数が変わる日",
    preview_before: "変更前",
    preview_after: "変更後",
    preview_opens: |b, a| format!("来月1日分の受付開始: {b} → {a}"),
    preview_misfits: "新しい区分に合わない既存の予約（予約はそのまま残ります。必要なら利用者に連絡してください）",
    rules_fix: "入力内容に問題があります。各項目の説明に従って直してください。",
    date_label: "日付",
    back_to_timeline: "タイムラインに戻る",
    report_title: |f| format!("{f} 利用状況レポート"),
    report_lead: "稼働率は、休館日を除いて予約を受け付けた時間のうち、確定した予約（利用済・不来場を含む）で使われた時間の割合です。管理のための使用（ブロック）、仮予約、取消しは含みません。",
    occupancy_heading: "部屋・区画ごとの稼働率",
    occupancy_caption: "部屋・区画ごと、月ごとの稼働率（棒の長さと数値）",
    usage_hours: |used, offered| format!("{used}時間 / {offered}時間"),
    fees_heading: "使用料の合計",
    fees_caption: "月ごとの使用料（確定した予約）と収納済の額",
    month: "月",
    fee_charged: "使用料（確定分）",
    fee_received: "うち収納済",
    earlier: "前の6か月",
    later: "次の6か月",
    export_heading: "予約一覧のダウンロード（CSV）",
    export_button: "CSVをダウンロード",
    from: "開始日",
    to: "終了日",
    timeline_caption: "部屋・区画ごとの予約状況。各欄に状態を文字で示します。",
    booking_title: |r| format!("予約 {r}"),
    resident: "町内・町外",
    fee: "使用料",
    paid: "収納",
    not_paid: "未収納",
    usage: "利用状況",
    proxy_by: "代行予約した職員",
    override_reason: "受付期間外とした理由",
    status_reason: "取消・不承認の理由",
    no_shows: "この利用者の不来場回数",
    contact_heading: "連絡先",
    show_contact: "連絡先を表示（閲覧は記録されます）",
    contact_logged: "この閲覧は監査ログに記録されました。",
    name: "氏名",
    name_kana: "ふりがな",
    phone: "電話番号",
    approve: "承認する（本予約）",
    reject: "不承認にする",
    cancel: "取り消す",
    reason: "理由",
    reason_hint: "利用者へのメールに記載されます（500字以内）。",
    mark_used: "利用済にする",
    mark_no_show: "不来場にする",
    clear_usage: "利用状況を消す",
    mark_paid: "収納済にする",
    clear_paid: "収納を取り消す",
    decide_heading: "承認・取消",
    record_heading: "利用と収納の記録",
    saved: "保存しました。",
    block_title: "使用停止・行政利用・休館の登録",
    block_lead: "点検や町の行事で使う時間を押さえたり、休館日を登録したりします。重なる予約があれば、保存の前に1件ずつ扱いを決めます。",
    start_time: "開始時刻",
    end_time: "終了時刻",
    check_button: "重なる予約を確認",
    collisions_heading: |n| format!("重なる予約が{n}件あります"),
    collisions_lead: "それぞれ「取り消して利用者に知らせる」か「残す」かを選んでください。残した予約の時間は停止に含めません。",
    decision_cancel: "取り消して利用者に知らせる",
    decision_keep: "残す",
    save_block: "登録する",
    block_saved: |r| format!("登録しました（受付番号 {r}）。"),
    closure_saved: |a, b| format!("休館を登録しました（{a}〜{b}）。"),
    kind_legend: "登録の種類",
    kind_block: "時間帯のブロック（点検・行政利用。1日のうちの時間）",
    kind_closure: "休館（日単位。開始日から終了日まで）",
    until_label: "終了日（休館のとき）",
    whole_facility: "施設全体（休館のとき）",
    block_times_hint: "時間帯のブロックでは開始・終了時刻を、休館では終了日を入力します。",
    block_changed: "確認の後に新しい予約が入りました。もう一度それぞれの扱いを選んでください。",
    staff_title: "職員アカウント",
    staff_list: "登録済みの職員",
    role: "役割",
    scope: "担当",
    active: "有効",
    inactive: "停止中",
    second_factor: "2段階認証",
    yes: "あり",
    no: "なし",
    deactivate: "停止する",
    reactivate: "再開する",
    new_account: "職員アカウントの作成",
    display_name: "表示名",
    password_hint: "10文字以上128文字以内。",
    new_account_lead: "パスワードは本人が決めます。作成すると、本人のメールアドレスに登録用の確認コード（72時間有効）を送ります。本人は「職員の登録」画面でパスワードを決め、続けて2段階認証を設定します。管理者にするには、2段階認証を設定した職員の役割を変更してください。",
    scope_facilities: "担当施設（施設管理者）",
    scope_departments: "担当課（窓口職員）",
    create_button: "作成する",
    account_created: |e| format!("{e} のアカウントを作成し、登録用のメールを送りました。"),
    totp_secret: "秘密鍵",
    reset_totp: "2段階認証をリセット",
    totp_reset_done: "2段階認証をリセットしました。本人はパスワードでログインし、新しく設定します。",
    enrol_title: "職員の登録",
    enrol_lead: "メールで届いた確認コードと、これから使うパスワードを入力してください。登録が終わると、続けて2段階認証の設定に進みます。",
    enrol_code: "確認コード（8文字）",
    enrol_code_hint: "登録の案内メールに書かれています（72時間有効）。",
    enrol_password: "新しいパスワード",
    enrol_password_confirm: "新しいパスワード（確認）",
    enrol_button: "登録する",
    enrol_mail_subject: "【施設予約・来庁予約】職員アカウントの登録 / Staff account enrolment",
    enrol_mail_body: |name, origin, code| {
        format!(
            "{name} 様\n\n職員アカウントが作成されました。次の画面で、確認コードとご自分で決めたパスワードを入力して登録してください（72時間有効）。\n{origin}/console/enrol\n確認コード: {code}\n\nこのメールに心当たりがない場合は、管理者にお知らせください。"
        )
    },
    whole_town: "町全体",
    audit_title: "監査ログ",
    audit_actor: "操作した人",
    audit_action: "操作",
    audit_target: "対象",
    audit_at: "日時",
    audit_before: "変更前",
    audit_after: "変更後",
    filter_button: "絞り込む",
    no_entries: "該当する記録はありません。",
    outbox_title: "送信メール",
    outbox_lead: "送信済みのメールと、メールサーバー未設定などで送信待ちのメールです。",
    mail_to: "宛先",
    mail_subject: "件名",
    mail_created: "作成日時",
    mail_sent: "送信",
    mail_waiting: "送信待ち",
    account_title: "自分のアカウント",
    current_password: "現在のパスワード",
    new_password: "新しいパスワード",
    change_password: "パスワードを変更",
    change_password_note: "変更すると、すべての端末でログアウトします。",
    bookings_table: "予約の一覧",
    town: "自治体",
    edit_staff: "役割・担当を変更",
    edit_staff_title: "役割・担当の変更",
    edit_staff_save: "変更を保存",
    edit_staff_cancel: "変更せずに戻る",
    edit_staff_note: "変更は本人の次の操作から有効になります。",
    edit_self_note: "自分の役割は変更できません。別の管理者に依頼してください。",
    staff_updated: "役割・担当を変更しました。",
    password_heading: "パスワード",
    totp_heading: "2段階認証（確認コード）",
    totp_on: "設定済み：ログインのたびに認証アプリの確認コードを入力します。",
    totp_off: "未設定：ログインはパスワードだけです。スマートフォンの認証アプリを使うと、パスワードが漏れても他人はログインできません。",
    totp_start: "2段階認証を設定する",
    totp_scan: "認証アプリ（Google Authenticator、Microsoft Authenticator など）でこのQRコードを読み取ってください。読み取れないときは、下の秘密鍵を入力してください。",
    totp_qr_label: "認証アプリに登録するQRコード",
    totp_confirm_hint: "登録できたら、アプリに表示された6桁のコードを入力して設定を完了してください。",
    totp_confirm: "設定を完了する",
    totp_enabled: "2段階認証を設定しました。次回のログインから確認コードを入力します。",
    console_nav: "管理メニュー",
    nav_home: "管理トップ",
    nav_staff: "職員",
    nav_audit: "監査ログ",
    nav_outbox: "送信メール",
    nav_account: "アカウント",
};

pub static EN: ConsoleTexts = ConsoleTexts {
    nav_console: "Staff",
    console_title: "Console",
    signed_in_as: |name, role| format!("Signed in as {name} ({role})"),
    sign_out: "Sign out",
    login_title: "Staff sign-in",
    login_lead: "Enter the e-mail address and password the town gave you.",
    email: "E-mail address",
    password: "Password",
    login_button: "Sign in",
    signed_out: "You have signed out.",
    password_changed: "Your password was changed and every device was signed out. Please sign in with the new password.",
    code_title: "Enter your code",
    code_lead: "Enter the 6-digit code shown in your authenticator app.",
    code_label: "Code (6 digits)",
    code_button: "Confirm",
    sign_in_link: "Go to sign-in",
    facilities_heading: "Your facilities",
    pending_heading: "Requests waiting for approval",
    no_pending: "No requests are waiting.",
    expires: "Held until",
    open: "Details",
    reference: "Reference",
    facility: "Facility",
    unit: "Room or area",
    when: "Date and time",
    status: "Status",
    purpose: "Purpose",
    attendees: "People",
    timeline_title: |facility, date, week| {
        if week {
            format!("{facility}: week from {date}")
        } else {
            format!("{facility}: {date}")
        }
    },
    day_view: "Day",
    week_view: "Week",
    previous: "Previous",
    next: "Next",
    go: "Show",
    date: "Date",
    print: "Print",
    block_link: "Block time (maintenance, town use)",
    proxy_link: "Book for a resident (phone, counter)",
    report_link: "Usage report (occupancy and fees)",
    rules_title: |f, u| format!("{f}, {u}: booking rules and fees"),
    rules_link: "Booking rules and fees",
    rules_units_heading: "Settings of each room or area",
    rules_lead: "First check the effect on next month's availability, then save. Existing bookings keep the times and fees they were booked with.",
    rules_basics: "Capacity and booking length",
    rules_window: "Booking window and cancellation deadline",
    rules_periods: "Periods and fees (yen)",
    rules_periods_hint: "Empty a row to remove that period; fill the last blank row to add one. An empty holiday rate means the weekday rate applies.",
    rules_grid: "Booking on a time grid, and fees (yen)",
    rules_hours: "Opening hours (for every room and area of this facility)",
    rules_hours_hint: "Leave both empty on a closed weekday. E.g. 9:00 and 21:30",
    f_capacity: "Capacity (people)",
    f_min_slots: "Fewest periods per booking",
    f_max_slots: "Most periods per booking",
    f_requires_approval: "Bookings need the facility's approval (pending request)",
    f_pending_hold_hours: "How long a pending request holds the time (hours)",
    f_open_months_before: "Residents may book: months before the month of use",
    f_open_months_before_nonresident: "Non-residents may book: months before the month of use",
    f_open_day: "Booking opens on this day of that month",
    f_open_time: "Booking opens at",
    f_close_days_before: "Booking closes: days before the day of use",
    f_close_time: "Booking closes at",
    f_cancel_days_before: "Cancellation deadline: days before the day of use",
    f_cancel_time: "Cancellation deadline time",
    f_grid_step: "Booking step (minutes)",
    f_grid_fee_resident: "Fee per step (residents)",
    f_grid_fee_nonresident: "Fee per step (non-residents)",
    f_label_ja: "Period name (Japanese)",
    f_label_en: "Period name (English)",
    f_start: "Starts",
    f_end: "Ends",
    f_fee_resident: "Residents",
    f_fee_nonresident: "Non-residents",
    f_holiday_resident: "Holiday, residents",
    f_holiday_nonresident: "Holiday, non-residents",
    f_opens: "Opens",
    f_closes: "Closes",
    period_row: |i| format!("Period {}", i + 1),
    preview_button: "Check the changes",
    save_rules_button: "Save these rules",
    rules_saved: "The booking rules and fees are saved.",
    preview_heading: |m| format!("Effect on availability in {m}"),
    preview_totals: |b, a| format!("Bookable periods: {b} before, {a} after"),
    preview_no_change: "No day changes its number of bookable periods.",
    preview_day_caption: "Days whose number of bookable periods changes",
    preview_before: "Before",
    preview_after: "After",
    preview_opens: |b, a| format!("Booking for the 1st of next month opens: {b} before, {a} after"),
    preview_misfits: "Existing bookings that no longer match a period (they stay booked; contact the residents if needed)",
    rules_fix: "Some answers need fixing; see the message at each field.",
    date_label: "Date",
    back_to_timeline: "Back to the timeline",
    report_title: |f| format!("{f}: usage report"),
    report_lead: "Occupancy is the share of the bookable time (closed days left out) used by confirmed bookings, used or no-show. Blocks for the town's own use, pending requests and cancellations are not counted.",
    occupancy_heading: "Occupancy by room or area",
    occupancy_caption: "Occupancy per room or area and month (bar length and figure)",
    usage_hours: |used, offered| format!("{used} h of {offered} h"),
    fees_heading: "Fee totals",
    fees_caption: "Fees per month (confirmed bookings) and the amount received",
    month: "Month",
    fee_charged: "Fees (confirmed)",
    fee_received: "Received",
    earlier: "Previous 6 months",
    later: "Next 6 months",
    export_heading: "Download bookings (CSV)",
    export_button: "Download CSV",
    from: "From",
    to: "To",
    timeline_caption: "Bookings per room or area. Each cell says its status in words.",
    booking_title: |r| format!("Booking {r}"),
    resident: "Resident or not",
    fee: "Fee",
    paid: "Payment",
    not_paid: "Not received",
    usage: "Use",
    proxy_by: "Booked on the resident's behalf by",
    override_reason: "Why outside the booking window",
    status_reason: "Reason for cancelling or rejecting",
    no_shows: "No-shows by this resident",
    contact_heading: "Contact details",
    show_contact: "Show contact details (this is logged)",
    contact_logged: "This look was written to the audit log.",
    name: "Name",
    name_kana: "Furigana",
    phone: "Phone",
    approve: "Approve",
    reject: "Reject",
    cancel: "Cancel booking",
    reason: "Reason",
    reason_hint: "The resident's e-mail includes it (up to 500 characters).",
    mark_used: "Mark used",
    mark_no_show: "Mark no-show",
    clear_usage: "Clear use",
    mark_paid: "Mark fee received",
    clear_paid: "Undo fee received",
    decide_heading: "Approve or cancel",
    record_heading: "Use and payment",
    saved: "Saved.",
    block_title: "Block time or close days",
    block_lead: "Keep time for maintenance or the town's own events, or close whole days. Any bookings in that time are listed first, and you decide on each before saving.",
    start_time: "Start time",
    end_time: "End time",
    check_button: "Check for bookings",
    collisions_heading: |n| {
        if n == 1 {
            "1 booking is in that time".to_owned()
        } else {
            format!("{n} bookings are in that time")
        }
    },
    collisions_lead: "For each, choose to cancel it (the resident is told) or keep it. Kept bookings keep their time; the block takes the rest.",
    decision_cancel: "Cancel and tell the resident",
    decision_keep: "Keep",
    save_block: "Save the block",
    block_saved: |r| format!("Saved (reference {r})."),
    closure_saved: |a, b| format!("The closure is saved ({a} to {b})."),
    kind_legend: "What to register",
    kind_block: "Block hours (maintenance, town use; within one day)",
    kind_closure: "Closure (whole days, from the start date to the end date)",
    until_label: "Last day (closures)",
    whole_facility: "The whole facility (closures)",
    block_times_hint: "For blocked hours give the start and end times; for a closure give the last day.",
    block_changed: "New bookings arrived after the check. Please decide on each again.",
    staff_title: "Staff accounts",
    staff_list: "Staff",
    role: "Role",
    scope: "Scope",
    active: "Active",
    inactive: "Deactivated",
    second_factor: "Second factor",
    yes: "Yes",
    no: "No",
    deactivate: "Deactivate",
    reactivate: "Reactivate",
    new_account: "Create a staff account",
    display_name: "Display name",
    password_hint: "10 to 128 characters.",
    new_account_lead: "The member chooses their own password. On creating the account we mail them an enrolment code (valid 72 hours); on the \"Staff enrolment\" page they set their password and then their second factor. To make an administrator, change the role of a member who has set up a second factor.",
    scope_facilities: "Facilities (facility managers)",
    scope_departments: "Departments (counter staff)",
    create_button: "Create",
    account_created: |e| format!("Account {e} created; the enrolment mail is on its way."),
    totp_secret: "Secret",
    reset_totp: "Reset second factor",
    totp_reset_done: "The second factor was reset. The member signs in with their password and sets up a new one.",
    enrol_title: "Staff enrolment",
    enrol_lead: "Enter the code from the enrolment mail and the password you want to use. After that you set up your second factor.",
    enrol_code: "Enrolment code (8 characters)",
    enrol_code_hint: "It is in the enrolment mail (valid 72 hours).",
    enrol_password: "New password",
    enrol_password_confirm: "New password (again)",
    enrol_button: "Enrol",
    enrol_mail_subject: "【施設予約・来庁予約】職員アカウントの登録 / Staff account enrolment",
    enrol_mail_body: |name, origin, code| {
        format!(
            "Dear {name},\n\nA staff account has been created for you. Enrol on this page with the code below and a password you choose (valid 72 hours):\n{origin}/console/enrol\nEnrolment code: {code}\n\nIf you did not expect this mail, please tell the administrator."
        )
    },
    whole_town: "Whole town",
    audit_title: "Audit log",
    audit_actor: "Who",
    audit_action: "Action",
    audit_target: "Target",
    audit_at: "When",
    audit_before: "Before",
    audit_after: "After",
    filter_button: "Filter",
    no_entries: "No entries match.",
    outbox_title: "Outgoing mail",
    outbox_lead: "Mail sent, and mail waiting because no mail server is set up or it refused.",
    mail_to: "To",
    mail_subject: "Subject",
    mail_created: "Created",
    mail_sent: "Sent",
    mail_waiting: "Waiting",
    account_title: "Your account",
    current_password: "Current password",
    new_password: "New password",
    change_password: "Change password",
    change_password_note: "Changing it signs you out on every device.",
    bookings_table: "Bookings",
    town: "Town",
    edit_staff: "Change role and scope",
    edit_staff_title: "Change role and scope",
    edit_staff_save: "Save the change",
    edit_staff_cancel: "Back without changing",
    edit_staff_note: "The change applies from the person's next request.",
    edit_self_note: "You cannot change your own role. Please ask another administrator.",
    staff_updated: "The role and scope were changed.",
    password_heading: "Password",
    totp_heading: "Second factor (sign-in codes)",
    totp_on: "On: each sign-in asks for the code from your authenticator app.",
    totp_off: "Off: signing in needs only your password. With an authenticator app on your phone, a leaked password is not enough to sign in.",
    totp_start: "Set up a second factor",
    totp_scan: "Scan this QR code with an authenticator app (Google Authenticator, Microsoft Authenticator, …). If it cannot scan, type in the secret below.",
    totp_qr_label: "QR code to add to the authenticator app",
    totp_confirm_hint: "Once added, type the 6-digit code the app shows to finish.",
    totp_confirm: "Finish set-up",
    totp_enabled: "The second factor is on. From your next sign-in you will be asked for a code.",
    console_nav: "Console menu",
    nav_home: "Console home",
    nav_staff: "Staff",
    nav_audit: "Audit log",
    nav_outbox: "Mail",
    nav_account: "Account",
};

pub fn texts(lang: Lang) -> &'static ConsoleTexts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
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

pub fn role_label(lang: Lang, role: Role) -> &'static str {
    match (lang, role) {
        (Lang::Ja, Role::Admin) => "管理者",
        (Lang::Ja, Role::FacilityManager) => "施設管理者",
        (Lang::Ja, Role::CounterStaff) => "窓口職員",
        (Lang::En, Role::Admin) => "Administrator",
        (Lang::En, Role::FacilityManager) => "Facility manager",
        (Lang::En, Role::CounterStaff) => "Counter staff",
    }
}

/// Booking states and marks as staff see them, in words.
pub fn status_label(lang: Lang, status: &str) -> &'static str {
    match (lang, status) {
        (Lang::Ja, "pending") => "仮予約",
        (Lang::Ja, "confirmed") => "予約",
        (Lang::Ja, "cancelled") => "取消",
        (Lang::Ja, "rejected") => "不承認",
        (Lang::Ja, "expired") => "期限切れ",
        (Lang::Ja, "block") => "使用停止",
        (Lang::Ja, "closed") => "休館",
        (Lang::Ja, "used") => "利用済",
        (Lang::Ja, "no_show") => "不来場",
        (Lang::En, "pending") => "Request",
        (Lang::En, "confirmed") => "Booked",
        (Lang::En, "cancelled") => "Cancelled",
        (Lang::En, "rejected") => "Rejected",
        (Lang::En, "expired") => "Expired",
        (Lang::En, "block") => "Blocked",
        (Lang::En, "closed") => "Closed",
        (Lang::En, "used") => "Used",
        (Lang::En, "no_show") => "No-show",
        _ => "—",
    }
}

pub fn csv_header(lang: Lang) -> [&'static str; 16] {
    match lang {
        Lang::Ja => [
            "受付番号",
            "部屋・区画",
            "開始",
            "終了",
            "状態",
            "氏名",
            "ふりがな",
            "電話番号",
            "メールアドレス",
            "利用目的",
            "人数",
            "町内・町外",
            "使用料（円）",
            "収納日時",
            "利用状況",
            "代行予約",
        ],
        Lang::En => [
            "Reference",
            "Room or area",
            "Start",
            "End",
            "Status",
            "Name",
            "Furigana",
            "Phone",
            "E-mail",
            "Purpose",
            "People",
            "Resident",
            "Fee (yen)",
            "Fee received",
            "Use",
            "Booked by staff",
        ],
    }
}

/// Why a resident gets a mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailEvent {
    Confirmed,
    Requested,
    Approved,
    Rejected,
    CancelledByStaff,
    Cancelled,
}

/// The booking as a mail describes it, in one language.
pub struct MailPart {
    pub facility: String,
    pub unit: String,
    pub when: String,
    pub status: String,
    pub phone: String,
}

fn event_text(lang: Lang, e: MailEvent) -> (&'static str, &'static str) {
    match (lang, e) {
        (Lang::Ja, MailEvent::Confirmed) => ("予約を受け付けました", "次の予約を受け付けました。"),
        (Lang::Ja, MailEvent::Requested) => (
            "仮予約を受け付けました",
            "次の仮予約を受け付けました。施設の承認をお待ちください。",
        ),
        (Lang::Ja, MailEvent::Approved) => (
            "予約が承認されました",
            "次の仮予約が承認され、本予約になりました。",
        ),
        (Lang::Ja, MailEvent::Rejected) => (
            "仮予約は承認されませんでした",
            "申し訳ありません。次の仮予約は承認されませんでした。",
        ),
        (Lang::Ja, MailEvent::CancelledByStaff) => (
            "予約を取り消しました（施設より）",
            "施設の都合により、次の予約を取り消しました。",
        ),
        (Lang::Ja, MailEvent::Cancelled) => {
            ("予約を取り消しました", "次の予約の取消を受け付けました。")
        }
        (Lang::En, MailEvent::Confirmed) => {
            ("Booking confirmed", "Your booking below is confirmed.")
        }
        (Lang::En, MailEvent::Requested) => (
            "Request received",
            "We received your request below. The facility will approve it or not.",
        ),
        (Lang::En, MailEvent::Approved) => (
            "Booking approved",
            "Your request below was approved and is now a confirmed booking.",
        ),
        (Lang::En, MailEvent::Rejected) => (
            "Request not approved",
            "We are sorry: your request below was not approved.",
        ),
        (Lang::En, MailEvent::CancelledByStaff) => (
            "Booking cancelled by the facility",
            "The facility had to cancel your booking below.",
        ),
        (Lang::En, MailEvent::Cancelled) => (
            "Booking cancelled",
            "Your booking below is cancelled as you asked.",
        ),
    }
}

/// Subject and body: Japanese first, then English.
pub fn mail(
    event: MailEvent,
    reference: &str,
    name: &str,
    reason: Option<&str>,
    ja: &MailPart,
    en: &MailPart,
) -> (String, String) {
    let (ja_subject, ja_lead) = event_text(Lang::Ja, event);
    let (en_subject, en_lead) = event_text(Lang::En, event);
    let subject = format!("{ja_subject} / {en_subject} ({reference})");
    let show_reason = matches!(event, MailEvent::Rejected | MailEvent::CancelledByStaff);
    let reason_ja = reason
        .filter(|_| show_reason)
        .map(|r| format!("理由：{r}\n"))
        .unwrap_or_default();
    let reason_en = reason
        .filter(|_| show_reason)
        .map(|r| format!("Reason: {r}\n"))
        .unwrap_or_default();
    let body = format!(
        "{name} 様\n\n{ja_lead}\n\n受付番号：{reference}\n施設：{}\n部屋・区画：{}\n日時：{}\n状態：{}\n{reason_ja}\n予約の確認・取消は「予約の確認」から、受付番号とメールアドレスで行えます。\nお問い合わせ：{}\n\n----- English -----\n\nDear {name},\n\n{en_lead}\n\nReference: {reference}\nFacility: {}\nRoom or area: {}\nDate and time: {}\nStatus: {}\n{reason_en}\nYou can see or cancel it under \"My booking\" with the reference and your e-mail address.\nQuestions: {}\n",
        ja.facility,
        ja.unit,
        ja.when,
        ja.status,
        ja.phone,
        en.facility,
        en.unit,
        en.when,
        en.status,
        en.phone,
    );
    (subject, body)
}

/// The label of a rules field, for its message.
fn rules_field_label(lang: Lang, field: domain::rules_edit::RulesField) -> String {
    use domain::rules_edit::RulesField as F;
    let t = texts(lang);
    match field {
        F::Capacity => t.f_capacity.into(),
        F::MinSlots => t.f_min_slots.into(),
        F::MaxSlots => t.f_max_slots.into(),
        F::PendingHoldHours => t.f_pending_hold_hours.into(),
        F::OpenMonthsBefore => t.f_open_months_before.into(),
        F::OpenMonthsBeforeNonresident => t.f_open_months_before_nonresident.into(),
        F::OpenDay => t.f_open_day.into(),
        F::OpenTime => t.f_open_time.into(),
        F::CloseDaysBefore => t.f_close_days_before.into(),
        F::CloseTime => t.f_close_time.into(),
        F::CancelDaysBefore => t.f_cancel_days_before.into(),
        F::CancelTime => t.f_cancel_time.into(),
        F::GridStep => t.f_grid_step.into(),
        F::GridFeeResident => t.f_grid_fee_resident.into(),
        F::GridFeeNonresident => t.f_grid_fee_nonresident.into(),
        F::Template(i) => (t.period_row)(i),
        F::Hours(d) => {
            let day = chrono::Weekday::try_from(u8::try_from(d).unwrap_or(0))
                .unwrap_or(chrono::Weekday::Mon);
            crate::i18n::weekday_long(lang, day).to_owned()
        }
    }
}

/// What to fix in a rules field, in the reader's language.
pub fn rules_problem(
    lang: Lang,
    field: domain::rules_edit::RulesField,
    problem: domain::rules_edit::RulesProblem,
) -> String {
    use domain::rules_edit::RulesProblem as P;
    let label = rules_field_label(lang, field);
    match (lang, problem) {
        (Lang::Ja, P::Required) => format!("{label}: 入力してください。"),
        (Lang::En, P::Required) => format!("{label}: please fill this in."),
        (Lang::Ja, P::NotANumber) => format!("{label}: 半角の整数で入力してください。"),
        (Lang::En, P::NotANumber) => format!("{label}: please enter a whole number."),
        (Lang::Ja, P::OutOfRange { min, max }) => {
            format!("{label}: {min}から{max}までの数で入力してください。")
        }
        (Lang::En, P::OutOfRange { min, max }) => {
            format!("{label}: please enter a number from {min} to {max}.")
        }
        (Lang::Ja, P::TimeFormat) => {
            format!("{label}: 時刻は 9:00 や 21:30 の形で入力してください。")
        }
        (Lang::En, P::TimeFormat) => format!("{label}: please write times like 9:00 or 21:30."),
        (Lang::Ja, P::EndBeforeStart) => {
            format!("{label}: 終わりの時刻を始まりより後にしてください。")
        }
        (Lang::En, P::EndBeforeStart) => format!("{label}: the end must be after the start."),
        (Lang::Ja, P::Overlap) => format!("{label}: ほかの区分と時間が重なっています。"),
        (Lang::En, P::Overlap) => format!("{label}: it overlaps another period."),
        (Lang::Ja, P::MinAboveMax) => format!("{label}: 最小区分数以上にしてください。"),
        (Lang::En, P::MinAboveMax) => format!("{label}: it must be at least the fewest periods."),
        (Lang::Ja, P::NonresidentEarlier) => {
            format!("{label}: 町内の方より早く受付を始めることはできません。")
        }
        (Lang::En, P::NonresidentEarlier) => {
            format!("{label}: it cannot open earlier than for residents.")
        }
        (Lang::Ja, P::NoPeriods) => format!("{label}: 区分を少なくとも1つ入力してください。"),
        (Lang::En, P::NoPeriods) => format!("{label}: please keep at least one period."),
        (Lang::Ja, P::TooLong { max }) => format!("{label}: 区分名は{max}文字以内にしてください。"),
        (Lang::En, P::TooLong { max }) => {
            format!("{label}: period names may have up to {max} characters.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mails_are_japanese_first_then_english() {
        let part = |f: &str| MailPart {
            facility: f.into(),
            unit: "会議室1".into(),
            when: "12月7日 13:00–17:00".into(),
            status: "予約".into(),
            phone: "0123-45-6789".into(),
        };
        let (subject, body) = mail(
            MailEvent::Rejected,
            "K7MQ2XAB",
            "山田 花子",
            Some("点検のため"),
            &part("町民センター"),
            &part("Community Centre"),
        );
        assert_eq!(
            subject,
            "仮予約は承認されませんでした / Request not approved (K7MQ2XAB)"
        );
        let ja = body.find("受付番号：K7MQ2XAB").unwrap();
        let en = body.find("Reference: K7MQ2XAB").unwrap();
        assert!(ja < en);
        assert!(body.contains("理由：点検のため") && body.contains("Reason: 点検のため"));
        // Reasons are only for refusals and cancellations by the facility.
        let (_, body) = mail(
            MailEvent::Approved,
            "K7MQ2XAB",
            "山田 花子",
            Some("x"),
            &part("a"),
            &part("b"),
        );
        assert!(!body.contains("理由"));
    }
}
