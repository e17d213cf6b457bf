//! Checking the unit form and adding the unit.

use domain::ids::FacilityId;
use domain::status::AuditAction;
use domain::text::Lang;
use store::facility_list::{FacilityDetails, ListFacility};
use store::units::NewUnit;

use crate::core::access::{Actor, entry};
use crate::core::error::AppError;
use crate::core::state::AppState;
use crate::setup::texts::messages;
use crate::setup::types::{
    DetailsForm, DetailsPage, FormMessage, NewFacilityForm, NewFacilityPage, NewUnitPage,
    PhotoForm, UnitForm,
};

const NAME_MAX: usize = 60;
const NOTES_MAX: usize = 500;

/// The form checked: the unit to add, or every field's problem. `units`
/// are the facility's units it may be part of.
pub fn check_unit(form: &UnitForm, units: &[i64], lang: Lang) -> Result<NewUnit, Vec<FormMessage>> {
    let t = messages(lang);
    let mut errors = Vec::new();
    let mut flag = |key: &str, message: String| {
        errors.push(FormMessage {
            key: key.to_owned(),
            message,
        });
    };
    let text = |v: &str| clean(v, true);
    let (name_ja, name_en) = (text(&form.name_ja), text(&form.name_en));
    let (notes_ja, notes_en) = (text(&form.notes_ja), text(&form.notes_en));
    if name_ja.is_empty() {
        flag("name_ja", t.name_required.to_owned());
    }
    for (key, value, max) in [
        ("name_ja", &name_ja, NAME_MAX),
        ("name_en", &name_en, NAME_MAX),
        ("notes_ja", &notes_ja, NOTES_MAX),
        ("notes_en", &notes_en, NOTES_MAX),
    ] {
        if value.chars().count() > max {
            flag(key, (t.too_long)(max));
        }
    }
    let capacity = form
        .capacity
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|c| (1..=10_000).contains(c));
    if capacity.is_none() {
        flag("capacity", t.bad_capacity.to_owned());
    }
    let grid = match form.kind.as_str() {
        "fixed" => Some(false),
        "grid" => Some(true),
        _ => None,
    };
    if grid.is_none() {
        flag("kind", t.bad_kind.to_owned());
    }
    let parent = match form.parent.trim() {
        "" => Ok(None),
        p => p
            .parse::<i64>()
            .ok()
            .filter(|p| units.contains(p))
            .map(Some)
            .ok_or(()),
    };
    if parent.is_err() {
        flag("parent", t.bad_parent.to_owned());
    }
    match (capacity, grid, parent) {
        (Some(capacity), Some(grid), Ok(parent)) if errors.is_empty() => Ok(NewUnit {
            name_en: if name_en.is_empty() {
                name_ja.clone()
            } else {
                name_en
            },
            name_ja,
            notes_ja,
            notes_en,
            capacity,
            grid,
            parent,
        }),
        _ => Err(errors),
    }
}

/// A text field: trimmed, without control characters (new lines kept
/// where `lines`).
fn clean(v: &str, lines: bool) -> String {
    v.trim()
        .chars()
        .filter(|c| !c.is_control() || (lines && *c == '\n'))
        .collect()
}

/// A coordinate: `None` when empty, `Err` when not a number within `limit`.
fn coordinate(v: &str, limit: f64) -> Result<Option<f64>, ()> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && x.abs() <= limit)
        .map(Some)
        .ok_or(())
}

/// The details form checked: the details to save, or every field's problem.
pub fn check_details(form: &DetailsForm, lang: Lang) -> Result<FacilityDetails, Vec<FormMessage>> {
    let t = messages(lang);
    let mut errors = Vec::new();
    let mut flag = |key: &str, message: String| {
        errors.push(FormMessage {
            key: key.to_owned(),
            message,
        });
    };
    let line = |v: &str| clean(v, false);
    let text = |v: &str| clean(v, true);
    let mut d = FacilityDetails {
        name_ja: line(&form.name_ja),
        name_en: line(&form.name_en),
        name_kana: line(&form.name_kana),
        address_ja: line(&form.address_ja),
        address_en: line(&form.address_en),
        phone: line(&form.phone),
        latitude: None,
        longitude: None,
        url: line(&form.url),
        description_ja: text(&form.description_ja),
        description_en: text(&form.description_en),
        accessibility_ja: text(&form.accessibility_ja),
        accessibility_en: text(&form.accessibility_en),
    };
    if d.name_ja.is_empty() {
        flag("name_ja", t.name_required.to_owned());
    }
    for (key, value, max) in [
        ("name_ja", &d.name_ja, 100),
        ("name_en", &d.name_en, 100),
        ("name_kana", &d.name_kana, 100),
        ("address_ja", &d.address_ja, 200),
        ("address_en", &d.address_en, 200),
        ("url", &d.url, 500),
        ("description_ja", &d.description_ja, 2_000),
        ("description_en", &d.description_en, 2_000),
        ("accessibility_ja", &d.accessibility_ja, 2_000),
        ("accessibility_en", &d.accessibility_en, 2_000),
    ] {
        if value.chars().count() > max {
            flag(key, (t.too_long)(max));
        }
    }
    let kana = |c: char| matches!(c, 'ァ'..='ヶ' | 'ぁ'..='ゖ' | 'ー' | '・' | ' ' | '　');
    if !d.name_kana.chars().all(kana) {
        flag("name_kana", t.bad_kana.to_owned());
    }
    let phone = |c: char| c.is_ascii_digit() || matches!(c, '-' | '(' | ')' | ' ');
    if d.phone.chars().count() > 20 || !d.phone.chars().all(phone) {
        flag("phone", t.bad_phone.to_owned());
    }
    match (
        coordinate(&form.latitude, 90.0),
        coordinate(&form.longitude, 180.0),
    ) {
        (Ok(lat), Ok(lon)) if lat.is_some() == lon.is_some() => {
            d.latitude = lat;
            d.longitude = lon;
        }
        // A bad one, or one without the other: say so at each that needs it.
        (lat, lon) => {
            if lat.is_err() || lat == Ok(None) {
                flag("latitude", t.bad_latitude.to_owned());
            }
            if lon.is_err() || lon == Ok(None) {
                flag("longitude", t.bad_longitude.to_owned());
            }
        }
    }
    if !(d.url.is_empty() || d.url.starts_with("https://") || d.url.starts_with("http://")) {
        flag("url", t.bad_url.to_owned());
    }
    if errors.is_empty() {
        Ok(d)
    } else {
        Err(errors)
    }
}

impl AppState {
    /// The form for a facility the actor manages, with what was typed and
    /// its problems when it comes back.
    pub async fn new_unit_page(
        &self,
        actor: &Actor,
        lang: Lang,
        facility: FacilityId,
        draft: Option<(UnitForm, Vec<FormMessage>)>,
    ) -> Result<NewUnitPage, AppError> {
        let (f, grant) = self.managed(actor, facility).await?;
        let (values, errors) = draft.unwrap_or_else(|| {
            (
                UnitForm {
                    kind: "fixed".into(),
                    ..UnitForm::default()
                },
                Vec::new(),
            )
        });
        Ok(NewUnitPage {
            me: crate::console::service::me(&grant, lang),
            facility_id: f.id.0,
            facility: f.name.get(lang).to_owned(),
            parents: f
                .units
                .iter()
                .filter(|u| !u.archived)
                .map(|u| crate::core::types::Choice {
                    id: u.id.0,
                    name: u.name.get(lang).to_owned(),
                })
                .collect(),
            values,
            errors,
            flash: None,
        })
    }

    /// Adds the unit: its id, or the form's problems.
    pub async fn add_unit(
        &self,
        actor: &Actor,
        lang: Lang,
        facility: FacilityId,
        form: &UnitForm,
    ) -> Result<Result<(i64, String), Vec<FormMessage>>, AppError> {
        let (f, grant) = self.managed(actor, facility).await?;
        let units: Vec<i64> = f
            .units
            .iter()
            .filter(|u| !u.archived)
            .map(|u| u.id.0)
            .collect();
        let new = match check_unit(form, &units, lang) {
            Ok(n) => n,
            Err(errors) => return Ok(Err(errors)),
        };
        let e = entry(&grant, AuditAction::UnitCreate, String::new(), self.now());
        let id = self.store.create_unit(f.id.0, &new, &e).await?;
        tracing::info!(unit = id, facility = f.id.0, "unit added");
        let name = match lang {
            Lang::Ja => new.name_ja,
            Lang::En => new.name_en,
        };
        Ok(Ok((id, name)))
    }

    /// The details form of a facility the actor manages, as saved or as
    /// typed with its problems when it comes back.
    pub async fn details_page(
        &self,
        actor: &Actor,
        lang: Lang,
        facility: FacilityId,
        draft: Option<(DetailsForm, Vec<FormMessage>)>,
        photo_draft: Option<(PhotoForm, Vec<FormMessage>)>,
    ) -> Result<DetailsPage, AppError> {
        let (f, grant) = self.managed(actor, facility).await?;
        // The console has no town prefix: the photo is asked for at the
        // facility's town's address.
        let prefix = self.town_prefix(f.municipality.0).await?;
        let photo = f.photo.as_ref().map(|p| domain::view::Photo {
            url: format!("{prefix}/facilities/{}/photo?v={}", f.id.0, p.version),
            alt: p.alt.get(lang).to_owned(),
        });
        let (photo_values, photo_errors) = photo_draft.unwrap_or_else(|| {
            let values = f
                .photo
                .as_ref()
                .map(|p| PhotoForm {
                    alt_ja: p.alt.ja.clone(),
                    alt_en: p.alt.en.clone(),
                    remove: false,
                })
                .unwrap_or_default();
            (values, Vec::new())
        });
        let (values, errors) = match draft {
            Some(d) => d,
            None => {
                let row = self
                    .store
                    .facility_row(f.id.0)
                    .await?
                    .ok_or(AppError::Unavailable)?;
                let number = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
                (
                    DetailsForm {
                        name_ja: row.name_ja,
                        name_en: row.name_en,
                        name_kana: row.name_kana,
                        address_ja: row.address_ja,
                        address_en: row.address_en,
                        phone: row.phone,
                        latitude: number(row.latitude),
                        longitude: number(row.longitude),
                        url: row.url,
                        description_ja: row.description_ja,
                        description_en: row.description_en,
                        accessibility_ja: row.accessibility_ja,
                        accessibility_en: row.accessibility_en,
                    },
                    Vec::new(),
                )
            }
        };
        Ok(DetailsPage {
            me: crate::console::service::me(&grant, lang),
            facility_id: f.id.0,
            title: (crate::setup::texts::texts(lang).details_title)(f.name.get(lang)),
            values,
            errors,
            photo,
            photo_values,
            photo_errors,
            flash: None,
        })
    }

    /// Saves the details: what to say, or the form's problems.
    pub async fn save_details(
        &self,
        actor: &Actor,
        lang: Lang,
        facility: FacilityId,
        form: &DetailsForm,
    ) -> Result<Result<String, Vec<FormMessage>>, AppError> {
        let (f, grant) = self.managed(actor, facility).await?;
        let details = match check_details(form, lang) {
            Ok(d) => d,
            Err(errors) => return Ok(Err(errors)),
        };
        let e = entry(
            &grant,
            AuditAction::FacilityUpdate,
            format!("facility:{}", f.id.0),
            self.now(),
        );
        let changed = self
            .store
            .save_facility_details(f.id.0, &details, &e)
            .await?;
        let t = messages(lang);
        Ok(Ok(if changed {
            tracing::info!(facility = f.id.0, "facility details changed");
            t.details_saved
        } else {
            t.details_unchanged
        }
        .to_owned()))
    }

    /// The new-facility form (admins).
    pub async fn new_facility_page(
        &self,
        actor: &Actor,
        lang: Lang,
        draft: Option<(NewFacilityForm, Vec<FormMessage>)>,
    ) -> Result<NewFacilityPage, AppError> {
        let admin = actor.admin()?;
        let (values, errors) = draft.unwrap_or_default();
        Ok(NewFacilityPage {
            me: crate::console::service::me(&admin, lang),
            values,
            errors,
            flash: None,
        })
    }

    /// Adds a facility: its id and name, or the form's problems.
    pub async fn create_facility(
        &self,
        actor: &Actor,
        lang: Lang,
        form: &NewFacilityForm,
    ) -> Result<Result<(i64, String), Vec<FormMessage>>, AppError> {
        let admin = actor.admin()?;
        let t = messages(lang);
        let id = clean(&form.id, false);
        let details = DetailsForm {
            name_ja: form.name_ja.clone(),
            name_kana: form.name_kana.clone(),
            name_en: form.name_en.clone(),
            address_ja: form.address_ja.clone(),
            phone: form.phone.clone(),
            ..DetailsForm::default()
        };
        let mut errors = Vec::new();
        if id.is_empty()
            || id.chars().count() > 50
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            errors.push(FormMessage {
                key: "id".into(),
                message: t.bad_id.to_owned(),
            });
        }
        let d = match check_details(&details, lang) {
            Ok(d) if errors.is_empty() => d,
            Ok(_) => return Ok(Err(errors)),
            Err(more) => {
                errors.extend(more);
                return Ok(Err(errors));
            }
        };
        let list = ListFacility {
            id,
            name: d.name_ja.clone(),
            kana: d.name_kana,
            name_en: d.name_en,
            address: d.address_ja,
            latitude: None,
            longitude: None,
            phone: d.phone,
            days: Vec::new(),
            hours: None,
            description: String::new(),
            accessibility: String::new(),
            url: String::new(),
        };
        let e = entry(
            &admin,
            AuditAction::FacilityCreate,
            String::new(),
            self.now(),
        );
        match self
            .store
            .create_facility(admin.municipality, &list, &e)
            .await?
        {
            Some(id) => Ok(Ok((id, d.name_ja))),
            None => Ok(Err(vec![FormMessage {
                key: "id".into(),
                message: t.id_taken.to_owned(),
            }])),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, capacity: &str, kind: &str) -> UnitForm {
        UnitForm {
            name_ja: name.into(),
            capacity: capacity.into(),
            kind: kind.into(),
            ..UnitForm::default()
        }
    }

    fn keys(r: Result<NewUnit, Vec<FormMessage>>) -> Vec<String> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|m| m.key)
            .collect()
    }

    #[test]
    fn facility_details_are_checked_field_by_field() {
        let good = DetailsForm {
            name_ja: "町民センター".into(),
            name_kana: "チョウミンセンター".into(),
            phone: "0123-45-6789".into(),
            latitude: " 35.6812 ".into(),
            longitude: "139.7671".into(),
            url: "https://example.jp/".into(),
            ..DetailsForm::default()
        };
        let d = check_details(&good, Lang::Ja).unwrap();
        assert_eq!((d.latitude, d.longitude), (Some(35.6812), Some(139.7671)));
        let keys = |f: DetailsForm| -> Vec<String> {
            check_details(&f, Lang::En)
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|m| m.key)
                .collect()
        };
        let bad = DetailsForm {
            name_ja: " ".into(),
            name_kana: "chomin".into(),
            phone: "tel 0123".into(),
            latitude: "35.6812".into(),
            longitude: String::new(),
            url: "javascript:alert(1)".into(),
            ..good.clone()
        };
        assert_eq!(
            keys(bad),
            ["name_ja", "name_kana", "phone", "longitude", "url"]
        );
        let out_of_range = DetailsForm {
            latitude: "95".into(),
            longitude: "north".into(),
            ..good.clone()
        };
        assert_eq!(keys(out_of_range), ["latitude", "longitude"]);
        let neither = DetailsForm {
            latitude: String::new(),
            longitude: String::new(),
            ..good
        };
        assert_eq!(check_details(&neither, Lang::Ja).unwrap().latitude, None);
    }

    #[test]
    fn a_unit_needs_a_name_a_capacity_and_how_it_is_booked() {
        let ok = check_unit(&form(" 会議室A ", "20", "fixed"), &[], Lang::Ja).unwrap();
        assert_eq!(
            (ok.name_ja.as_str(), ok.name_en.as_str()),
            ("会議室A", "会議室A")
        );
        assert_eq!((ok.capacity, ok.grid), (20, false));
        assert!(
            check_unit(&form("体育館", "200", "grid"), &[], Lang::Ja)
                .unwrap()
                .grid
        );
        assert_eq!(
            keys(check_unit(&form("", "abc", "hourly"), &[], Lang::Ja)),
            ["name_ja", "capacity", "kind"]
        );
        assert_eq!(
            keys(check_unit(&form("室", "0", "fixed"), &[], Lang::En)),
            ["capacity"]
        );
        assert_eq!(
            keys(check_unit(&form("室", "10001", "fixed"), &[], Lang::En)),
            ["capacity"]
        );
        // Part of another unit's space: one of the facility's, by id.
        let half = UnitForm {
            parent: "7".into(),
            ..form("体育館 半面A", "100", "grid")
        };
        assert_eq!(
            check_unit(&half, &[6, 7], Lang::Ja).unwrap().parent,
            Some(7)
        );
        assert_eq!(keys(check_unit(&half, &[6], Lang::Ja)), ["parent"]);
        let long = "あ".repeat(61);
        assert_eq!(
            keys(check_unit(&form(&long, "5", "fixed"), &[], Lang::Ja)),
            ["name_ja"]
        );
    }
}
