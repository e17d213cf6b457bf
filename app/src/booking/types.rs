//! View types of the booking flow and the booking API, shared by the server
//! and the WASM front end. Strings are already in the reader's language.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use domain::applicant::{ApplicantInput, BookingField};
use domain::booking::Rate;
use domain::ids::{EquipmentId, FacilityId, UnitId};

/// A time the booking may end at (the form's select).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndChoice {
    /// RFC 3339, posted back as `end`.
    pub value: String,
    /// `17:00（午後まで）`.
    pub text: String,
}

/// A piece of equipment on the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EquipmentChoice {
    pub id: EquipmentId,
    pub name: String,
    /// `1区分 500円`.
    pub fee: String,
    pub checked: bool,
}

/// A fee reduction (減免) category on the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReductionChoice {
    pub id: i64,
    /// `高齢者団体（使用料の50%を減額）`.
    pub name: String,
    /// What the applicant must give.
    pub proof: String,
    pub selected: bool,
}

/// A fee reduction category in the API (`GET /api/v1/reductions`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReductionSummary {
    pub id: i64,
    pub name: String,
    pub percent: u8,
    /// What the applicant must give (say it in `reduction_note`).
    pub proof: String,
}

/// The reduction a booking asks for, for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReductionText {
    /// `高齢者団体（50%）`.
    pub name: String,
    /// What the applicant wrote.
    pub note: String,
    /// Where the decision stands (`確認中` …); none before booking.
    pub state: Option<String>,
}

/// A problem shown next to its field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMessage {
    pub field: BookingField,
    pub message: String,
}

/// A free alternative offered when the chosen time is taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlternativeChoice {
    /// `2026年12月8日(火) 13:00–17:00 会議室2`.
    pub text: String,
    /// The booking form for it (the answers so far are kept).
    pub href: String,
}

/// The booking form for one unit and start time, with the person's answers
/// and what to fix if they came back from a failed check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingForm {
    pub facility_id: FacilityId,
    pub facility_name: String,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub capacity: u32,
    pub date: NaiveDate,
    /// `2026年12月8日(火) 13:00から`.
    pub when_text: String,
    /// RFC 3339 of the start, posted back as `start`.
    pub start: String,
    pub ends: Vec<EndChoice>,
    /// The chosen end (RFC 3339).
    pub end: String,
    pub equipment: Vec<EquipmentChoice>,
    pub values: ApplicantInput,
    pub errors: Vec<FieldMessage>,
    /// A problem with the request as a whole (taken, window closed …).
    pub notice: Option<String>,
    pub alternatives: Vec<AlternativeChoice>,
    /// The unit's rules in plain words (up to 3 periods, cancel by …).
    pub rules: Vec<String>,
    /// The day view this slot was chosen from.
    pub day_href: String,
    /// This form again, for the review's "change" link.
    pub edit_href: String,
    /// `Some` for staff booking on a resident's behalf (代行予約): the
    /// written reason for booking outside the window, as typed so far.
    pub override_reason: Option<String>,
    /// The town's fee reductions offered (none: the form does not ask).
    pub reductions: Vec<ReductionChoice>,
    /// The note typed so far for the reduction chosen.
    pub reduction_note: String,
    /// Set when the form is for a taken time's waiting list (キャンセル待ち).
    pub wait: Option<WaitJoin>,
    /// The series part (定期利用): how the booking repeats (none while
    /// waiting, which takes one time alone).
    pub series: Option<SeriesForm>,
}

/// A choice among several (value, words, chosen).
pub type Option3 = (String, String, bool);

/// The form's series fields (定期利用), words written by the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesForm {
    pub legend: String,
    pub hint: String,
    pub repeat_label: String,
    /// `""` (once), `1`, `2`, `4` (weeks), `m` (weeks of the month).
    pub repeats: Vec<Option3>,
    pub days_legend: String,
    /// `1` (Monday) … `7`, the first date's ticked when none is.
    pub days: Vec<Option3>,
    pub weeks_legend: String,
    pub weeks_hint: String,
    /// `1` … `5` (第1週 …).
    pub weeks: Vec<Option3>,
    pub until_label: String,
    pub until_hint: String,
    pub until: String,
    /// What to fix in the repeat choices and in the last date.
    pub repeat_error: Option<String>,
    pub until_error: Option<String>,
}

/// One date of a series on the review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesDate {
    pub when: String,
    pub fee: String,
    /// `予約できます`, or why not.
    pub outcome: String,
    pub ok: bool,
}

/// A series on the review: every date, which can be booked and why not,
/// and the buttons (all of them, or only those free).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesReview {
    pub heading: String,
    pub lead: String,
    /// The table's caption and column headings (the date with whether it
    /// can be booked under it, the fee).
    pub caption: String,
    pub columns: [String; 2],
    pub dates: Vec<SeriesDate>,
    /// `予約できる10回の使用料 合計 16,000円`.
    pub total: String,
    /// The buttons: (`all` or `free`, words).
    pub buttons: Vec<(String, String)>,
}

/// A booking's series (定期利用) on its page: every date with its state,
/// and the button that cancels this date and the later ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesPart {
    pub heading: String,
    pub lead: String,
    /// (reference, when, state, this booking?).
    pub dates: Vec<(String, String, String, bool)>,
    /// The button's words, while any of them may still be cancelled.
    pub cancel_rest: Option<String>,
}

/// The booking form filled in to wait for a taken time: what it says, and
/// once the answers are checked, the button that joins the line. Its words
/// come with the data (the server writes them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitJoin {
    pub heading: String,
    pub lead: String,
    /// The button's words and the draft's version it joins with.
    pub join: Option<(String, u32)>,
}

/// The booking page's offer of a time someone waited for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferText {
    pub notice: String,
    pub button: String,
}

/// A place on a waiting list as its owner sees it, words included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitPage {
    pub reference: String,
    pub title: String,
    /// What just happened here (joined, left the line), once.
    pub flash: Option<String>,
    /// Where it stands: its place in line, or the offer.
    pub lead: String,
    /// The facility, unit, time, fee and name, labelled.
    pub rows: Vec<(String, String)>,
    /// The booking held for them once offered: words and address.
    pub offer: Option<(String, String)>,
    /// While still waiting: the button that leaves the line.
    pub withdraw: Option<String>,
}

/// One line of a fee breakdown, for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeLineText {
    pub label: String,
    /// `町内料金 800円 × 2`.
    pub detail: String,
    /// `1,600円`.
    pub amount: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeText {
    pub total: String,
    pub lines: Vec<FeeLineText>,
}

/// The review step: everything as it will be booked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingReview {
    pub form: BookingForm,
    /// `2026年12月8日(火) 13:00–17:00`.
    pub when_text: String,
    pub resident_text: String,
    pub equipment: Vec<String>,
    pub fee: FeeText,
    /// `2026年12月5日(土) 17:00`.
    pub cancel_deadline: String,
    /// Set when the unit needs approval (仮予約): how long it is held.
    pub pending_note: Option<String>,
    /// Why staff book outside the booking window, when they do.
    pub override_reason: Option<String>,
    /// The fee reduction asked for.
    pub reduction: Option<ReductionText>,
    /// Posted back on confirm so a stale tab cannot confirm other answers.
    pub version: u32,
    /// For a series: every date, and what may be booked.
    pub series: Option<SeriesReview>,
}

/// What `/book/review` shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewPage {
    /// No answers in this browser session (expired, or never started).
    Missing,
    /// Both boxed: the form is large, and the review holds it too.
    Form(Box<BookingForm>),
    Review(Box<BookingReview>),
}

/// A booking as its owner sees it (confirmation, find, cancel).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingDetail {
    pub reference: String,
    /// `pending`, `confirmed`, `cancelled` or `expired`.
    pub status: String,
    pub status_text: String,
    pub facility_id: FacilityId,
    pub facility_name: String,
    pub facility_phone: String,
    pub facility_address: String,
    pub unit_name: String,
    pub date: NaiveDate,
    pub when_text: String,
    pub name: String,
    pub name_kana: String,
    pub phone: String,
    pub email: String,
    pub purpose: String,
    pub attendees: u32,
    pub resident_text: String,
    pub equipment: Vec<String>,
    pub fee: FeeText,
    pub cancel_deadline: String,
    /// Whether the resident may still cancel online.
    pub can_cancel: bool,
    /// For a pending booking: until when it is held.
    pub pending_until: Option<String>,
    /// The fee reduction asked for, and where its decision stands.
    pub reduction: Option<ReductionText>,
    /// A time offered from the waiting list, still to be confirmed.
    pub offer: Option<OfferText>,
    /// The series (定期利用) it is one date of.
    pub series: Option<SeriesPart>,
}

/// The find-your-booking page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindPage {
    pub reference: String,
    pub error: Option<String>,
}

/// A fee line in the API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeLineBody {
    pub label: String,
    pub rate: Rate,
    pub quantity: u32,
    pub unit_yen: i64,
    pub amount_yen: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeBody {
    pub total_yen: i64,
    pub lines: Vec<FeeLineBody>,
}

/// A booking in the API (`POST /api/v1/bookings`, `GET …/{reference}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingBody {
    pub reference: String,
    pub status: String,
    pub facility_id: FacilityId,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    pub name: String,
    pub name_kana: String,
    pub phone: String,
    pub email: String,
    pub purpose: String,
    pub attendees: u32,
    pub resident: bool,
    pub equipment: Vec<EquipmentId>,
    pub fee: FeeBody,
    /// Until when the resident may cancel online.
    pub cancel_deadline: DateTime<FixedOffset>,
    /// For a pending booking: when it lapses unless approved.
    pub expires_at: Option<DateTime<FixedOffset>>,
    /// The fee reduction asked for, if any.
    pub reduction: Option<ReductionBody>,
}

/// A booking's fee reduction in the API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReductionBody {
    pub id: i64,
    pub name: String,
    pub percent: u8,
    /// `requested`, `approved` or `refused`.
    pub state: String,
}
