//! A facility's photo (one per facility): its bytes, kept apart from the
//! facility so lists never read them, and its alt text in both languages.
//! Each change is one transaction with its audit entry (the alt texts,
//! type and size before and after; never the bytes) and a change event,
//! so every process shows the new photo at once.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};

use domain::ids::FacilityId;

use crate::accounts::{AuditEntry, append_audit};
use crate::entity::facility_photo;
use crate::{Store, StoreError};

/// A photo already checked (type read from its bytes, metadata removed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPhoto {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What staff change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhotoChange {
    /// A new photo (or the first) with its alt texts.
    Replace {
        photo: NewPhoto,
        alt_ja: String,
        alt_en: String,
    },
    /// The alt texts of the photo there is.
    Alt { alt_ja: String, alt_en: String },
    /// No photo any more.
    Remove,
}

fn json(row: &facility_photo::Model) -> serde_json::Value {
    serde_json::json!({
        "content_type": row.content_type, "size": row.bytes.len(),
        "alt_ja": row.alt_ja, "alt_en": row.alt_en,
    })
}

impl Store {
    /// The facility's photo with its bytes, if it has one.
    pub async fn facility_photo(
        &self,
        facility: i64,
    ) -> Result<Option<facility_photo::Model>, StoreError> {
        Ok(facility_photo::Entity::find_by_id(facility)
            .one(&self.db)
            .await?)
    }

    /// Changes the facility's photo at `now`: false when there is no photo
    /// whose alt texts could change.
    pub async fn set_facility_photo(
        &self,
        municipality: i64,
        facility: i64,
        change: &PhotoChange,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let _writer = self.writer().await;
        let txn = self.begin_write().await?;
        let old = facility_photo::Entity::find_by_id(facility)
            .one(&txn)
            .await?;
        let mut e = audit.clone();
        e.target = format!("facility:{facility}");
        e.before = Some(old.as_ref().map_or(serde_json::Value::Null, json));
        let after = match (change, old) {
            (PhotoChange::Remove, None) => None,
            (PhotoChange::Remove, Some(row)) => {
                facility_photo::Entity::delete_by_id(row.facility_id)
                    .exec(&txn)
                    .await?;
                None
            }
            (PhotoChange::Alt { .. }, None) => return Ok(false),
            (PhotoChange::Alt { alt_ja, alt_en }, Some(row)) => {
                let mut a = row.into_active_model();
                a.alt_ja = Set(alt_ja.clone());
                a.alt_en = Set(alt_en.clone());
                Some(a.update(&txn).await?)
            }
            (
                PhotoChange::Replace {
                    photo,
                    alt_ja,
                    alt_en,
                },
                old,
            ) => {
                let row = facility_photo::Model {
                    facility_id: facility,
                    content_type: photo.content_type.clone(),
                    bytes: photo.bytes.clone(),
                    alt_ja: alt_ja.clone(),
                    alt_en: alt_en.clone(),
                    updated_at: now,
                };
                Some(match old {
                    Some(_) => row.into_active_model().reset_all().update(&txn).await?,
                    None => row.into_active_model().insert(&txn).await?,
                })
            }
        };
        e.after = Some(after.as_ref().map_or(serde_json::Value::Null, json));
        append_audit(&txn, &e).await?;
        crate::facility_list::log_facility_change(&txn, municipality, facility, now.timestamp())
            .await?;
        txn.commit().await?;
        self.rules.forget(FacilityId(facility));
        Ok(true)
    }
}
