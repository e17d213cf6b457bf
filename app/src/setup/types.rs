//! What the unit form shows.

use serde::{Deserialize, Serialize};

use crate::console::types::Me;
use crate::core::types::Flash;

/// The unit form as typed (kept to show again with its messages).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitForm {
    pub name_ja: String,
    pub name_en: String,
    pub notes_ja: String,
    pub notes_en: String,
    pub capacity: String,
    /// `fixed` or `grid` (none ticked: empty).
    #[serde(default)]
    pub kind: String,
    /// The id of the unit whose space it is part of (empty: its own).
    #[serde(default)]
    pub parent: String,
}

/// A problem shown next to its field (`key` names the input).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormMessage {
    pub key: String,
    pub message: String,
}

/// `/console/facilities/{id}/units/new`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUnitPage {
    pub me: Me,
    pub facility_id: i64,
    pub facility: String,
    /// The units it may be part of.
    pub parents: Vec<crate::core::types::Choice>,
    pub values: UnitForm,
    pub errors: Vec<FormMessage>,
    pub flash: Option<Flash>,
}

/// The facility details form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailsForm {
    pub name_ja: String,
    pub name_en: String,
    pub name_kana: String,
    pub address_ja: String,
    pub address_en: String,
    pub phone: String,
    pub latitude: String,
    pub longitude: String,
    pub url: String,
    pub description_ja: String,
    pub description_en: String,
    pub accessibility_ja: String,
    pub accessibility_en: String,
}

/// `/console/facilities/{id}/details`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailsPage {
    pub me: Me,
    pub facility_id: i64,
    pub title: String,
    pub values: DetailsForm,
    pub errors: Vec<FormMessage>,
    /// The photo residents see, if there is one.
    pub photo: Option<domain::view::Photo>,
    /// The photo form, as saved or as typed with its problems.
    pub photo_values: PhotoForm,
    pub photo_errors: Vec<FormMessage>,
    pub flash: Option<Flash>,
}

/// The photo form's fields other than the file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PhotoForm {
    pub alt_ja: String,
    pub alt_en: String,
    /// Take the photo away.
    pub remove: bool,
}

/// A new facility as typed: its list ID and what the details form starts
/// with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFacilityForm {
    pub id: String,
    pub name_ja: String,
    pub name_kana: String,
    pub name_en: String,
    pub address_ja: String,
    pub phone: String,
}

/// `/console/new-facility`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFacilityPage {
    pub me: Me,
    pub values: NewFacilityForm,
    pub errors: Vec<FormMessage>,
    pub flash: Option<Flash>,
}

/// A division as the list of divisions shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DivisionLine {
    pub id: i64,
    pub name: String,
    pub counters: usize,
    pub procedures: usize,
    pub staff: usize,
}

/// A new division as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DivisionForm {
    pub name_ja: String,
    pub name_en: String,
}

/// `/console/divisions`: the divisions in the member's scope; admins add
/// one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DivisionsPage {
    pub me: Me,
    pub divisions: Vec<DivisionLine>,
    pub can_add: bool,
    pub values: DivisionForm,
    pub errors: Vec<FormMessage>,
    pub flash: Option<Flash>,
}

/// A counter of a division.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterLine {
    pub id: i64,
    pub name: String,
    pub location: String,
}

/// A new counter as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterForm {
    pub name_ja: String,
    pub name_en: String,
    pub location_ja: String,
    pub location_en: String,
}

/// A procedure of a division and whether residents can book it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureLine {
    pub id: i64,
    pub name: String,
    pub minutes: i32,
    pub online: bool,
    /// Active members qualified for it with duty hours.
    pub staff: usize,
}

/// A staff member of a division, as the division's page lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberLine {
    pub id: i64,
    pub name: String,
    pub active: bool,
    pub procedures: Vec<String>,
    /// 「月 9:00–17:00」 per weekday on duty.
    pub duty: Vec<String>,
}

/// `/console/divisions/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DivisionPage {
    pub me: Me,
    pub id: i64,
    pub name: String,
    pub counters: Vec<CounterLine>,
    pub procedures: Vec<ProcedureLine>,
    pub staff: Vec<MemberLine>,
    /// The counter being changed (`?counter=`), or none: a new one.
    pub editing: Option<CounterLine>,
    /// The counter form: the new or changed counter as saved or typed.
    pub values: CounterForm,
    pub errors: Vec<FormMessage>,
    /// Admins rename the division.
    pub can_rename: bool,
    pub rename: DivisionForm,
    pub rename_errors: Vec<FormMessage>,
    pub flash: Option<Flash>,
}

/// A new procedure as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureForm {
    pub name_ja: String,
    pub name_en: String,
    pub reading: String,
    pub minutes: String,
    pub documents_ja: String,
    pub documents_en: String,
    pub notes_ja: String,
    pub notes_en: String,
    /// Present (any value) when online consultation is possible.
    pub online: Option<String>,
    /// Life-event codes ticked.
    pub events: Option<Vec<String>>,
}

/// `/console/divisions/{id}/new-procedure` and
/// `/console/divisions/{id}/procedures/{procedure}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedurePage {
    pub me: Me,
    pub division_id: i64,
    pub division: String,
    /// The procedure changed (none: a new one).
    pub procedure: Option<i64>,
    pub values: ProcedureForm,
    pub errors: Vec<FormMessage>,
    pub flash: Option<Flash>,
}

/// A staff member as typed: qualifications as procedure ids, and for each
/// weekday (Monday first) the start and end of duty (both empty: off).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberForm {
    pub name: String,
    /// Present when the member serves visits (unticked: on leave, left).
    pub active: Option<String>,
    pub qualified: Option<Vec<String>>,
    #[serde(default)]
    pub starts: Vec<String>,
    #[serde(default)]
    pub ends: Vec<String>,
    /// A decision for each visit the change would strand:
    /// `ITEM:move:STAFF` or `ITEM:contact`.
    pub decisions: Option<Vec<String>>,
}

/// A booked visit the change would leave without its member, and who
/// could take it over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrandedLine {
    pub item: i64,
    pub reference: String,
    pub when: String,
    pub procedure: String,
    pub candidates: Vec<crate::core::types::Choice>,
}

/// `/console/divisions/{id}/new-member` and `/console/divisions/{id}/staff/{member}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberPage {
    pub me: Me,
    pub division_id: i64,
    pub division: String,
    /// The member changed (none: a new one).
    pub member: Option<i64>,
    /// The division's procedures (id, name).
    pub procedures: Vec<crate::core::types::Choice>,
    pub values: MemberForm,
    pub errors: Vec<FormMessage>,
    pub stranded: Vec<StrandedLine>,
    pub flash: Option<Flash>,
}

/// A unit on the archive page: since when it takes no bookings (none: it
/// takes them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveUnit {
    pub id: i64,
    pub name: String,
    pub archived: Option<String>,
    /// The unit whose space it is part of.
    pub parent: Option<i64>,
    /// The units it may be made part of (not itself, nor one inside it).
    pub parents: Vec<crate::core::types::Choice>,
}

/// A booking that keeps something from being archived.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldLine {
    pub id: i64,
    pub reference: String,
    pub when: String,
    pub unit: String,
}

/// `/console/facilities/{id}/archive`: ending (or resuming) bookings of the
/// facility or one of its units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivePage {
    pub me: Me,
    pub facility_id: i64,
    pub facility: String,
    pub archived: Option<String>,
    pub units: Vec<ArchiveUnit>,
    /// The bookings that stopped the last request.
    pub held: Vec<HeldLine>,
    pub flash: Option<Flash>,
}

/// A town to add (the installation's super-administrator); a field left
/// out of the post is empty (and said so by the checks).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TownForm {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub zone: String,
    pub host: String,
}

/// A town of the installation, as the towns page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TownLine {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub code: String,
    pub host: String,
    /// The label of its host name field (`北町 のホスト名`).
    pub host_label: String,
}

/// `/console/towns`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TownsPage {
    pub me: Me,
    pub t: TownLabels,
    pub towns: Vec<TownLine>,
    pub values: TownForm,
    pub errors: Vec<FormMessage>,
    pub flash: Option<Flash>,
}

/// The towns page's words, sent with its data (`setup::texts::town_labels`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TownLabels {
    pub title: String,
    pub lead: String,
    pub col_town: String,
    pub col_address: String,
    pub col_code: String,
    pub col_host: String,
    pub add_town: String,
    pub slug: String,
    pub slug_hint: String,
    pub zone: String,
    pub zone_hint: String,
    pub host: String,
    pub host_hint: String,
    pub save_host: String,
}

/// Equipment as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EquipmentForm {
    pub name_ja: String,
    pub name_en: String,
    /// Yen per slot booked.
    pub fee: String,
    /// Copies lent (0 ends lending).
    pub quantity: String,
}

/// One piece of equipment as the list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EquipmentLine {
    pub id: i64,
    pub name: String,
    pub fee: String,
    pub quantity: u32,
    /// The link's words (`譜面台 を変える`).
    pub edit: String,
}

/// The equipment page's words, sent with its data
/// (`setup::texts::equipment_labels`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EquipmentLabels {
    /// `備品（ひだまり町民センター）`.
    pub title: String,
    pub lead: String,
    pub list: String,
    pub none: String,
    pub col_name: String,
    pub col_fee: String,
    pub col_quantity: String,
    pub not_lent: String,
    /// Adding one, or changing the one named.
    pub form_title: String,
    pub name_ja: String,
    pub name_en: String,
    pub name_en_hint: String,
    pub fee: String,
    pub fee_hint: String,
    pub quantity: String,
    pub quantity_hint: String,
    /// 追加する or 保存する.
    pub submit: String,
    pub cancel_edit: String,
    pub held: String,
}

/// `/console/facilities/{id}/equipment`: the facility's equipment, and the
/// form to add one or (`editing`) change one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EquipmentPage {
    pub me: Me,
    pub t: EquipmentLabels,
    pub facility_id: i64,
    pub facility: String,
    pub lines: Vec<EquipmentLine>,
    pub editing: Option<i64>,
    pub values: EquipmentForm,
    pub errors: Vec<FormMessage>,
    /// The bookings that would have no copy after the last change tried.
    pub held: Vec<HeldLine>,
    pub flash: Option<Flash>,
}

/// A fee reduction category (減免区分) as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReductionForm {
    pub name_ja: String,
    pub name_en: String,
    /// The share taken off, 1–100.
    pub percent: String,
    /// What the applicant must give.
    pub proof_ja: String,
    pub proof_en: String,
    /// `Some` (a ticked box): offered on the booking form.
    pub offered: Option<String>,
}

/// One category as the list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReductionLine {
    pub id: i64,
    pub name: String,
    pub percent: u8,
    pub proof: String,
    pub offered: bool,
    /// The link's words (`高齢者団体を変更`).
    pub edit: String,
}

/// The reductions page's words, sent with its data
/// (`setup::texts::reduction_labels`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReductionLabels {
    pub title: String,
    pub lead: String,
    pub list: String,
    pub none: String,
    pub col_name: String,
    pub col_percent: String,
    pub col_proof: String,
    pub col_offered: String,
    pub offered_yes: String,
    pub offered_no: String,
    /// Adding one, or changing the one named.
    pub form_title: String,
    pub name_ja: String,
    pub name_en: String,
    pub percent: String,
    pub percent_hint: String,
    pub proof_ja: String,
    pub proof_hint: String,
    pub proof_en: String,
    pub offered: String,
    pub offered_hint: String,
    /// 追加する or 保存する.
    pub submit: String,
    pub cancel_edit: String,
}

/// `/console/reductions`: the town's fee reductions, and the form to add
/// one or (`editing`) change one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReductionsPage {
    pub me: Me,
    pub t: ReductionLabels,
    pub lines: Vec<ReductionLine>,
    pub editing: Option<i64>,
    pub values: ReductionForm,
    pub errors: Vec<FormMessage>,
    pub flash: Option<Flash>,
}
