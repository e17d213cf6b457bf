//! A town's facility list as open data (「公共施設一覧」): the facilities
//! with their hours as the list shows them, and an import that creates or
//! updates facilities by the list's `ID` in one transaction; and a
//! facility's details as staff edit them in the console.

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
};

use domain::ids::FacilityId;

use crate::accounts::{AuditEntry, append_audit};
use crate::entity::{change_event, facility, municipality, opening_hours};
use crate::{Store, StoreError};

/// One facility as a list gives it (already checked).
#[derive(Clone, Debug, PartialEq)]
pub struct ListFacility {
    pub id: String,
    pub name: String,
    pub kana: String,
    pub name_en: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub phone: String,
    /// Open weekdays, Monday = 0 (used only for a new facility).
    pub days: Vec<u8>,
    /// Opening and closing minute (used only for a new facility).
    pub hours: Option<(u16, u16)>,
    pub description: String,
    pub accessibility: String,
    pub url: String,
}

/// Logs a change of a facility's details (name, address …), which the
/// triggers do not watch (they log rules), so that every process drops its
/// cached copy as for a change of rules.
pub(crate) async fn log_facility_change(
    txn: &DatabaseTransaction,
    municipality: i64,
    facility: i64,
    at_s: i64,
) -> Result<(), DbErr> {
    change_event::ActiveModel {
        municipality_id: Set(Some(municipality)),
        kind: Set("rules".into()),
        facility_id: Set(Some(facility)),
        status: Set(String::new()),
        at_s: Set(at_s),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map(drop)
}

/// Inserts a facility of the list with its open days and hours (every day,
/// 9:00–17:00, when the list gives none) and no units: its id, or `None`
/// when the town already has a facility with that list ID.
async fn insert_facility(
    txn: &DatabaseTransaction,
    municipality: i64,
    sort_order: i32,
    l: &ListFacility,
) -> Result<Option<i64>, StoreError> {
    let open: Vec<u8> = if l.days.is_empty() {
        (0..7).collect()
    } else {
        l.days.clone()
    };
    let closed: Vec<&str> = (0u8..7)
        .filter(|d| !open.contains(d))
        .filter_map(|d| WEEKDAYS.get(usize::from(d)).copied())
        .collect();
    let blank = facility::Model {
        id: 0,
        municipality_id: municipality,
        name_ja: String::new(),
        name_en: String::new(),
        address_ja: String::new(),
        address_en: String::new(),
        phone: String::new(),
        description_ja: String::new(),
        description_en: String::new(),
        accessibility_ja: String::new(),
        accessibility_en: String::new(),
        closed_weekdays: closed.join(","),
        shift_when_holiday: true,
        year_end_closure: true,
        closed_on_holidays: false,
        sort_order,
        max_active_bookings: 4,
        open_data_id: Some(l.id.clone()),
        name_kana: String::new(),
        latitude: None,
        longitude: None,
        url: String::new(),
        archived_at: None,
    };
    let mut row = apply_list(&blank, l).into_active_model();
    row.id = NotSet;
    let id = match row.insert(txn).await {
        Ok(r) => r.id,
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    let (opens, closes) = l.hours.unwrap_or((9 * 60, 17 * 60));
    let hours: Vec<opening_hours::ActiveModel> = open
        .iter()
        .map(|d| opening_hours::ActiveModel {
            id: NotSet,
            facility_id: Set(id),
            weekday: Set(i32::from(*d)),
            opens_minute: Set(i32::from(opens)),
            closes_minute: Set(i32::from(closes)),
        })
        .collect();
    opening_hours::Entity::insert_many(hours)
        .exec_without_returning(txn)
        .await?;
    Ok(Some(id))
}

/// The sort order after the town's last facility.
async fn next_sort_order(txn: &DatabaseTransaction, municipality: i64) -> Result<i32, DbErr> {
    Ok(facility::Entity::find()
        .filter(facility::Column::MunicipalityId.eq(municipality))
        .select_only()
        .column_as(facility::Column::SortOrder.max(), "m")
        .into_tuple::<Option<i32>>()
        .one(txn)
        .await?
        .flatten()
        .map_or(0, |m| m + 1))
}

/// A facility of the town with its opening hours (weekday, opens, closes).
#[derive(Clone, Debug, PartialEq)]
pub struct TownFacility {
    pub row: facility::Model,
    pub hours: Vec<(i32, i32, i32)>,
}

/// What an import wrote: the ids of the facilities created and updated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListWritten {
    pub created: Vec<i64>,
    pub updated: Vec<i64>,
}

pub(crate) const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The fields an import sets on an existing facility, and their values
/// now, as JSON (the audit log's before and after).
fn kept_fields(f: &facility::Model) -> serde_json::Value {
    serde_json::json!({
        "name_ja": f.name_ja,
        "name_kana": f.name_kana,
        "name_en": f.name_en,
        "address_ja": f.address_ja,
        "latitude": f.latitude,
        "longitude": f.longitude,
        "phone": f.phone,
        "description_ja": f.description_ja,
        "accessibility_ja": f.accessibility_ja,
        "url": f.url,
    })
}

/// `f` with the list's values (the English name only when the list has
/// one, so a name typed in the console is not emptied; without one, English
/// pages show the Japanese name).
pub fn apply_list(f: &facility::Model, l: &ListFacility) -> facility::Model {
    facility::Model {
        name_ja: l.name.clone(),
        name_kana: l.kana.clone(),
        name_en: if l.name_en.is_empty() {
            f.name_en.clone()
        } else {
            l.name_en.clone()
        },
        address_ja: l.address.clone(),
        latitude: l.latitude,
        longitude: l.longitude,
        phone: l.phone.clone(),
        description_ja: l.description.clone(),
        accessibility_ja: l.accessibility.clone(),
        url: l.url.clone(),
        ..f.clone()
    }
}

impl Store {
    /// Creates one facility from the console (an admin gives its list ID and
    /// names), with the audit entry: its id, or `None` when the town already
    /// has a facility with that ID.
    pub async fn create_facility(
        &self,
        municipality: i64,
        l: &ListFacility,
        audit: &AuditEntry,
    ) -> Result<Option<i64>, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let order = next_sort_order(&txn, municipality).await?;
        let Some(id) = insert_facility(&txn, municipality, order, l).await? else {
            return Ok(None);
        };
        let mut e = audit.clone();
        e.target = format!("facility:{id}");
        e.after = Some(serde_json::json!({ "id": l.id, "name_ja": l.name, "name_en": l.name_en }));
        append_audit(&txn, &e).await?;
        txn.commit().await?;
        Ok(Some(id))
    }

    /// Sets the town's 全国地方公共団体コード and the licence of its open
    /// data, with the audit entry (before and after), in one transaction.
    pub async fn save_town_open_data(
        &self,
        municipality: i64,
        code: &str,
        licence: &str,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let Some(town) = municipality::Entity::find_by_id(municipality)
            .one(&txn)
            .await?
        else {
            return Err(StoreError::Corrupt(format!("no town {municipality}")));
        };
        let mut e = audit.clone();
        e.before =
            Some(serde_json::json!({ "code": town.code, "licence": town.open_data_licence }));
        e.after = Some(serde_json::json!({ "code": code, "licence": licence }));
        let mut row = town.into_active_model();
        row.code = Set(code.to_owned());
        row.open_data_licence = Set(licence.to_owned());
        row.update(&txn).await?;
        append_audit(&txn, &e).await?;
        txn.commit().await?;
        Ok(())
    }

    /// One facility's row as stored (its details, as the console edits them).
    pub async fn facility_row(&self, id: i64) -> Result<Option<facility::Model>, StoreError> {
        Ok(facility::Entity::find_by_id(id).one(&self.db).await?)
    }

    /// The town's facilities in their order, with their opening hours.
    pub async fn town_facilities(
        &self,
        municipality: i64,
    ) -> Result<Vec<TownFacility>, StoreError> {
        let rows = facility::Entity::find()
            .filter(facility::Column::MunicipalityId.eq(municipality))
            .order_by_asc(facility::Column::SortOrder)
            .order_by_asc(facility::Column::Id)
            .all(&self.db)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|f| f.id).collect();
        let mut hours: HashMap<i64, Vec<(i32, i32, i32)>> = HashMap::new();
        for h in opening_hours::Entity::find()
            .filter(opening_hours::Column::FacilityId.is_in(ids))
            .order_by_asc(opening_hours::Column::Weekday)
            .all(&self.db)
            .await?
        {
            hours.entry(h.facility_id).or_default().push((
                h.weekday,
                h.opens_minute,
                h.closes_minute,
            ));
        }
        Ok(rows
            .into_iter()
            .map(|row| TownFacility {
                hours: hours.remove(&row.id).unwrap_or_default(),
                row,
            })
            .collect())
    }

    /// Creates the list's facilities the town lacks and updates those it
    /// has (by the list's `ID`), with one audit entry, in one transaction:
    /// all of it or nothing. A new facility gets the list's open days and
    /// hours (every day, 9:00–17:00, when the list gives none) and no
    /// units: it is not bookable until units are added. Two imports at
    /// once cannot both create a facility: the database refuses a second
    /// row with the same town and `ID`, and that import writes nothing
    /// (`None`).
    pub async fn import_facility_list(
        &self,
        municipality: i64,
        list: &[ListFacility],
        audit: &AuditEntry,
    ) -> Result<Option<ListWritten>, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let existing: HashMap<String, facility::Model> = facility::Entity::find()
            .filter(facility::Column::MunicipalityId.eq(municipality))
            .filter(facility::Column::OpenDataId.is_not_null())
            .all(&txn)
            .await?
            .into_iter()
            .filter_map(|f| f.open_data_id.clone().map(|id| (id, f)))
            .collect();
        let mut next_order = next_sort_order(&txn, municipality).await?;
        let mut written = ListWritten::default();
        let mut before = serde_json::Map::new();
        let mut after = serde_json::Map::new();
        for l in list {
            if let Some(f) = existing.get(&l.id) {
                let new = apply_list(f, l);
                if new == *f {
                    continue;
                }
                before.insert(l.id.clone(), kept_fields(f));
                after.insert(l.id.clone(), kept_fields(&new));
                new.into_active_model().reset_all().update(&txn).await?;
                log_facility_change(&txn, municipality, f.id, audit.at.timestamp()).await?;
                written.updated.push(f.id);
                continue;
            }
            let Some(id) = insert_facility(&txn, municipality, next_order, l).await? else {
                return Ok(None);
            };
            next_order += 1;
            after.insert(l.id.clone(), serde_json::json!({ "created": id }));
            written.created.push(id);
        }
        if written.created.is_empty() && written.updated.is_empty() {
            txn.rollback().await?;
            return Ok(Some(written));
        }
        let mut e = audit.clone();
        e.before = Some(serde_json::Value::Object(before));
        e.after = Some(serde_json::Value::Object(after));
        append_audit(&txn, &e).await?;
        txn.commit().await?;
        // This process at once; others when the change events reach them.
        for id in &written.updated {
            self.rules.forget(FacilityId(*id));
        }
        Ok(Some(written))
    }
}

/// A facility's details as staff edit them in the console (already
/// checked).
#[derive(Clone, Debug, PartialEq)]
pub struct FacilityDetails {
    pub name_ja: String,
    pub name_en: String,
    pub name_kana: String,
    pub address_ja: String,
    pub address_en: String,
    pub phone: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub url: String,
    pub description_ja: String,
    pub description_en: String,
    pub accessibility_ja: String,
    pub accessibility_en: String,
}

/// What the details form changes of a facility, as JSON (the audit log's
/// before and after).
fn detail_fields(f: &facility::Model) -> serde_json::Value {
    serde_json::json!({
        "name_ja": f.name_ja,
        "name_en": f.name_en,
        "name_kana": f.name_kana,
        "address_ja": f.address_ja,
        "address_en": f.address_en,
        "phone": f.phone,
        "latitude": f.latitude,
        "longitude": f.longitude,
        "url": f.url,
        "description_ja": f.description_ja,
        "description_en": f.description_en,
        "accessibility_ja": f.accessibility_ja,
        "accessibility_en": f.accessibility_en,
    })
}

impl Store {
    /// Saves a facility's details with the audit entry (the fields that
    /// changed, before and after) and a change event, so every process
    /// shows them at once: whether anything changed.
    pub async fn save_facility_details(
        &self,
        facility_id: i64,
        d: &FacilityDetails,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let Some(old) = facility::Entity::find_by_id(facility_id).one(&txn).await? else {
            return Err(StoreError::Corrupt(format!("no facility {facility_id}")));
        };
        let new = facility::Model {
            name_ja: d.name_ja.clone(),
            name_en: d.name_en.clone(),
            name_kana: d.name_kana.clone(),
            address_ja: d.address_ja.clone(),
            address_en: d.address_en.clone(),
            phone: d.phone.clone(),
            latitude: d.latitude,
            longitude: d.longitude,
            url: d.url.clone(),
            description_ja: d.description_ja.clone(),
            description_en: d.description_en.clone(),
            accessibility_ja: d.accessibility_ja.clone(),
            accessibility_en: d.accessibility_en.clone(),
            ..old.clone()
        };
        if new == old {
            txn.rollback().await?;
            return Ok(false);
        }
        let (before, after) = (detail_fields(&old), detail_fields(&new));
        let changed = |v: &serde_json::Value| -> serde_json::Value {
            let mut out = serde_json::Map::new();
            if let (Some(o), Some(b), Some(a)) =
                (v.as_object(), before.as_object(), after.as_object())
            {
                for (k, x) in o {
                    if b.get(k) != a.get(k) {
                        out.insert(k.clone(), x.clone());
                    }
                }
            }
            serde_json::Value::Object(out)
        };
        let mut e = audit.clone();
        e.before = Some(changed(&before));
        e.after = Some(changed(&after));
        new.into_active_model().reset_all().update(&txn).await?;
        log_facility_change(&txn, old.municipality_id, facility_id, audit.at.timestamp()).await?;
        append_audit(&txn, &e).await?;
        txn.commit().await?;
        self.rules.forget(FacilityId(facility_id));
        Ok(true)
    }
}
