//! What the managers' console pages show, already in the reader's language.
//! Built on the server (`console.rs`), sent to the browser by the server
//! functions in `console_api.rs`.

use serde::{Deserialize, Serialize};

use crate::core::types::{Choice, Flash};

/// The signed-in member, for the console's header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub role: String,
    pub is_admin: bool,
    /// Admins and counter staff: the visit-appointment pages.
    pub counters: bool,
    /// The installation's super-administrator: the towns page.
    pub towns: bool,
}

/// `/console/account`: one's own password and second factor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountData {
    pub me: Me,
    pub totp: TotpState,
    pub flash: Option<Flash>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TotpState {
    On,
    Off,
    /// Being set up: the new secret, its `otpauth://` address drawn as a QR
    /// code (SVG), until a code from it is typed.
    Setup {
        secret: String,
        qr_svg: String,
    },
}

/// `/console`: facilities in scope and the requests waiting for a decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleHome {
    pub me: Me,
    pub facilities: Vec<Choice>,
    pub pending: Vec<BookingLine>,
    pub flash: Option<Flash>,
}

/// A booking in a list (no contact details).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingLine {
    pub id: i64,
    pub reference: String,
    pub facility: String,
    pub unit: String,
    pub when: String,
    pub status: String,
    pub status_label: String,
    /// For pending requests: until when the hold lasts.
    pub expires: Option<String>,
    pub purpose: String,
    pub attendees: u32,
}

/// `/console/facilities/{id}`: units × hours (a day) or units × days (a week).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub me: Me,
    pub facility_id: i64,
    pub facility: String,
    pub title: String,
    pub week: bool,
    pub date: String,
    pub prev: String,
    pub next: String,
    pub columns: Vec<String>,
    pub rows: Vec<TimelineRow>,
    pub flash: Option<Flash>,
    /// The last date shown (the week's seventh day, or `date`).
    pub last: String,
    /// The newest change the data includes (the live stream resumes after it).
    pub version: i64,
    /// The facility's public page in its town (booking on a resident's
    /// behalf starts there).
    pub public_href: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineRow {
    pub unit_id: i64,
    pub unit: String,
    pub cells: Vec<TimelineCell>,
}

/// A cell of the timeline: one day of the week view, or in the day view
/// the hours that one booking (or bookings that touch each other) covers,
/// as one cell spanning those columns, or one empty hour.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineCell {
    /// How many columns the cell spans.
    pub span: u32,
    pub entries: Vec<TimelineEntry>,
}

/// One booking, request, block or closure shown in a cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// `confirmed`, `pending`, `block` or `closed` (for styling; the label
    /// says the same in words).
    pub kind: String,
    pub label: String,
    pub href: Option<String>,
}

/// `/console/bookings/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffBooking {
    pub me: Me,
    pub line: BookingLine,
    pub facility_id: i64,
    pub block: bool,
    pub resident_label: String,
    pub fee: String,
    pub paid: Option<String>,
    pub usage: Option<String>,
    pub proxy_by: Option<String>,
    pub override_reason: Option<String>,
    pub status_reason: Option<String>,
    pub no_shows: u64,
    /// Present only when asked for (and then written to the audit log).
    pub contact: Option<ContactDetails>,
    pub can_approve: bool,
    pub can_cancel: bool,
    pub can_mark: bool,
    /// The fee reduction (減免) the booking asked for.
    pub reduction: Option<StaffReduction>,
    /// The waiting list (キャンセル待ち), label and words: an offer awaiting
    /// the resident, or how many wait for this time.
    pub waitlist: Option<(String, String)>,
    /// The series (定期利用) it is one date of, label and words.
    pub series: Option<(String, String)>,
    pub flash: Option<Flash>,
}

/// A booking's fee reduction as staff decide on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffReduction {
    /// `高齢者団体（50%）`.
    pub name: String,
    /// What the applicant wrote (the group, the documents).
    pub note: String,
    /// Where the decision stands, in words (none for a request never
    /// decided because the booking ended first).
    pub state: Option<String>,
    /// While it awaits the decision and the booking can be approved: the
    /// two approvals, each with the fee it leaves (with, without).
    pub approve: Option<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDetails {
    pub name: String,
    pub name_kana: String,
    pub phone: String,
    pub email: String,
}

/// `/console/facilities/{id}/block`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockPage {
    pub me: Option<Me>,
    pub facility_id: i64,
    pub facility: String,
    pub units: Vec<Choice>,
    pub values: BlockValues,
    /// Bookings the block would collide with, each needing a decision.
    pub collisions: Vec<BookingLine>,
    pub flash: Option<Flash>,
}

/// The block or closure form's answers, kept while decisions are made.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BlockValues {
    /// `block` (hours of one day) or `closure` (whole days, 休館).
    pub kind: String,
    /// A unit id; empty for a closure of the whole facility.
    pub unit: String,
    pub date: String,
    /// A closure's last day.
    pub until: String,
    pub from: String,
    pub to: String,
    pub reason: String,
}

impl BlockValues {
    pub fn is_closure(&self) -> bool {
        self.kind == "closure"
    }
}

/// `/console/staff` (admins).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffPage {
    pub me: Me,
    pub accounts: Vec<StaffRow>,
    pub facilities: Vec<Choice>,
    pub departments: Vec<Choice>,
    /// The member whose role and scope are being changed (`?edit=ID`).
    pub editing: Option<StaffEdit>,
    pub flash: Option<Flash>,
}

/// One member's role and scope, as the change form starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffEdit {
    pub id: i64,
    pub email: String,
    pub name: String,
    /// `admin`, `facility_manager` or `counter_staff`.
    pub role: String,
    pub facilities: Vec<i64>,
    pub departments: Vec<i64>,
    /// The admin's own account (its role cannot be changed here).
    pub is_self: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    /// `admin`, `facility_manager` or `counter_staff`.
    pub role_code: String,
    pub scope: String,
    pub active: bool,
    pub totp: bool,
}

/// `/console/audit` (admins).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub me: Me,
    pub entries: Vec<AuditLine>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub before: String,
    pub after: String,
}

/// `/console/outbox` (admins).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxPage {
    pub me: Me,
    pub mails: Vec<OutboxLine>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxLine {
    pub created: String,
    pub to: String,
    pub subject: String,
    pub sent: Option<String>,
    pub error: Option<String>,
}

/// The sign-in pages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginPage {
    pub email: String,
    pub error: Option<String>,
    pub signed_out: bool,
    /// The towns to choose from when the installation serves several
    /// (empty otherwise), and the one chosen last.
    pub towns: Vec<Choice>,
    pub town: Option<i64>,
}

/// One unit's share of offered time used in one month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageCell {
    /// 0–1000, for the bar's length.
    pub per_mille: i64,
    /// `42.5%`.
    pub rate: String,
    /// `12時間 / 28時間`.
    pub hours: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageRow {
    pub unit: String,
    pub cells: Vec<UsageCell>,
}

/// A month's fees: charged on confirmed bookings, and received (収納済).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeMonth {
    pub month: String,
    pub charged_yen: i64,
    pub charged: String,
    /// Taken off by fee reductions (減免) granted.
    pub reduced: String,
    pub received_yen: i64,
    pub received: String,
}

/// `/console/facilities/{id}/report`: occupancy (稼働率) per unit per
/// month and fee totals, for six months.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageReport {
    pub me: Me,
    pub facility_id: i64,
    pub title: String,
    pub months: Vec<String>,
    pub rows: Vec<UsageRow>,
    pub fees: Vec<FeeMonth>,
    /// `YYYY-MM` of the last month shown, and of the six before and after.
    pub month: String,
    pub prev: String,
    pub next: String,
}

/// A problem shown next to its field on the rules form (`key` names the
/// input: `capacity`, `template-1`, `hours-0` …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesMessage {
    pub key: String,
    pub message: String,
}

/// One day of next month whose bookable slots change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewDay {
    pub date: String,
    pub before: u32,
    pub after: u32,
}

/// How next month's availability of the unit changes with the new rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesPreview {
    pub month: String,
    pub before_total: u32,
    pub after_total: u32,
    pub days: Vec<PreviewDay>,
    /// When booking for next month's first day opens, before and after.
    pub opens_before: String,
    pub opens_after: String,
    /// Bookings to come that would no longer fit (each needs a decision).
    pub misfits: Vec<BookingLine>,
}

/// `/console/facilities/{id}/units/{unit}/rules`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesPage {
    pub me: Me,
    pub facility_id: i64,
    pub unit_id: i64,
    pub title: String,
    pub grid: bool,
    pub values: domain::rules_edit::RulesInput,
    pub errors: Vec<RulesMessage>,
    pub preview: Option<RulesPreview>,
    pub weekdays: Vec<String>,
    pub units: Vec<Choice>,
    pub flash: Option<Flash>,
}
