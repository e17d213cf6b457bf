//! The facility list: read a town's file into a draft, preview it against
//! the facilities the town has, write it, and publish the list.

use domain::status::AuditAction;
use domain::text::Lang;
use serde::{Deserialize, Serialize};
use store::entity::{facility, municipality};
use store::facility_list::{ListFacility, TownFacility, apply_list};

use crate::core::access::{Actor, entry};
use crate::core::error::AppError;
use crate::core::state::AppState;
use crate::opendata::list::{self, Published, Read, Record, Town};
use crate::opendata::texts::{field_name, messages, problem_text, texts};
use crate::opendata::types::{ListImportPage, ListLine, ListPreview, OpenDataPage};

/// Where the town publishes its list.
pub const CSV_PATH: &str = "/opendata/facilities.csv";
pub const JSON_PATH: &str = "/opendata/facilities.json";

/// A file read and not yet written (kept in the session).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListDraft {
    pub source: String,
    pub read: Read,
}

fn to_store(r: &Record) -> ListFacility {
    ListFacility {
        id: r.id.clone(),
        name: r.name.clone(),
        kana: r.kana.clone(),
        name_en: r.name_en.clone(),
        address: r.address.clone(),
        latitude: r.latitude,
        longitude: r.longitude,
        phone: r.phone.clone(),
        days: r.days.clone(),
        hours: r.hours,
        description: r.description.clone(),
        accessibility: r.accessibility.clone(),
        url: r.url.clone(),
    }
}

/// The fields an update would change (keys of `texts::field_names`).
fn changed(old: &facility::Model, new: &facility::Model) -> Vec<&'static str> {
    let mut out = Vec::new();
    let pairs: [(&'static str, bool); 9] = [
        ("name", old.name_ja != new.name_ja),
        ("kana", old.name_kana != new.name_kana),
        ("name_en", old.name_en != new.name_en),
        ("address", old.address_ja != new.address_ja),
        (
            "location",
            old.latitude != new.latitude || old.longitude != new.longitude,
        ),
        ("phone", old.phone != new.phone),
        ("description", old.description_ja != new.description_ja),
        (
            "accessibility",
            old.accessibility_ja != new.accessibility_ja,
        ),
        ("url", old.url != new.url),
    ];
    for (key, differs) in pairs {
        if differs {
            out.push(key);
        }
    }
    out
}

/// The list as published: open days are the weekdays not closed each
/// week; the hours are given when every open day has the same.
fn published(f: &TownFacility) -> Published {
    const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let closed: Vec<&str> = f.row.closed_weekdays.split(',').collect();
    let days: Vec<u8> = (0u8..7)
        .filter(|d| !closed.contains(&WEEKDAYS[usize::from(*d)]))
        .filter(|d| f.hours.iter().any(|(w, _, _)| *w == i32::from(*d)))
        .collect();
    let open: Vec<(i32, i32)> = f
        .hours
        .iter()
        .filter(|(w, _, _)| days.iter().any(|d| i32::from(*d) == *w))
        .map(|(_, o, c)| (*o, *c))
        .collect();
    let hours = match open.first() {
        Some(first) if open.iter().all(|h| h == first) => {
            match (u16::try_from(first.0), u16::try_from(first.1)) {
                (Ok(o), Ok(c)) => Some((o, c)),
                _ => None,
            }
        }
        _ => None,
    };
    Published {
        id: f
            .row
            .open_data_id
            .clone()
            .unwrap_or_else(|| f.row.id.to_string()),
        name: f.row.name_ja.clone(),
        kana: f.row.name_kana.clone(),
        name_en: f.row.name_en.clone(),
        address: f.row.address_ja.clone(),
        latitude: f.row.latitude,
        longitude: f.row.longitude,
        phone: f.row.phone.clone(),
        days,
        hours,
        description: f.row.description_ja.clone(),
        accessibility: f.row.accessibility_ja.clone(),
        url: f.row.url.clone(),
    }
}

impl AppState {
    /// The request's town, read now: a changed licence is published at
    /// once.
    async fn list_town(&self) -> Result<municipality::Model, AppError> {
        let (id, _) = self.town().await?;
        self.staff_town(id).await
    }

    async fn staff_town(&self, municipality: i64) -> Result<municipality::Model, AppError> {
        self.store
            .municipalities()
            .await?
            .into_iter()
            .find(|m| m.id == municipality)
            .ok_or(AppError::Unavailable)
    }

    /// Reads an uploaded list for the admin's town: the draft, or what to
    /// fix with the file as a whole (its encoding).
    pub async fn read_facility_list(
        &self,
        actor: &Actor,
        lang: Lang,
        source: &str,
        bytes: &[u8],
    ) -> Result<Result<ListDraft, String>, AppError> {
        let admin = actor.admin()?;
        let town = self.staff_town(admin.municipality).await?;
        let Some((text, encoding)) = list::decode(bytes) else {
            return Ok(Err(messages(lang).not_text.to_owned()));
        };
        let mut read = list::read(&text, &town.code);
        encoding.clone_into(&mut read.encoding);
        Ok(Ok(ListDraft {
            source: source.to_owned(),
            read,
        }))
    }

    /// `/console/facility-list`, with the draft's preview.
    pub async fn facility_list_page(
        &self,
        actor: &Actor,
        lang: Lang,
        draft: Option<&ListDraft>,
    ) -> Result<ListImportPage, AppError> {
        let admin = actor.admin()?;
        let me = Some(crate::console::service::me(&admin, lang));
        let preview = match draft {
            None => None,
            Some(d) => Some(self.list_preview(admin.municipality, lang, d).await?),
        };
        let town = self.staff_town(admin.municipality).await?;
        Ok(ListImportPage {
            me,
            flash: None,
            preview,
            csv_url: self.at(CSV_PATH),
            json_url: self.at(JSON_PATH),
            code: town.code,
            licence: town.open_data_licence,
        })
    }

    async fn list_preview(
        &self,
        municipality: i64,
        lang: Lang,
        d: &ListDraft,
    ) -> Result<ListPreview, AppError> {
        let m = messages(lang);
        let facilities = self.store.town_facilities(municipality).await?;
        let mut lines = Vec::new();
        let (mut create, mut update, mut same) = (0, 0, 0);
        for r in &d.read.records {
            let existing = facilities
                .iter()
                .find(|f| f.row.open_data_id.as_deref() == Some(r.id.as_str()));
            let (change, fields) = match existing {
                None => {
                    create += 1;
                    (m.change_create, String::new())
                }
                Some(f) => {
                    let new = apply_list(&f.row, &to_store(r));
                    let keys = changed(&f.row, &new);
                    if keys.is_empty() {
                        same += 1;
                        (m.change_same, String::new())
                    } else {
                        update += 1;
                        let names: Vec<&str> = keys.iter().map(|k| field_name(lang, k)).collect();
                        (m.change_update, names.join(", "))
                    }
                }
            };
            lines.push(ListLine {
                line: r.line,
                id: r.id.clone(),
                name: r.name.clone(),
                change: change.to_owned(),
                fields,
            });
        }
        let problems: Vec<String> = d
            .read
            .problems
            .iter()
            .map(|p| (m.problem)(p.line, &p.column, &problem_text(lang, &p.kind)))
            .collect();
        let not_kept =
            (!d.read.not_kept.is_empty()).then(|| (m.not_kept)(&d.read.not_kept.join(", ")));
        Ok(ListPreview {
            source: d.source.clone(),
            summary: (m.summary)(&d.source, &d.read.encoding, create, update, same),
            lines,
            can_apply: problems.is_empty() && create + update > 0,
            problems,
            not_kept,
        })
    }

    /// Writes a draft without problems: what was written, or (`Err`) why
    /// nothing was and the draft must be checked again.
    pub async fn apply_facility_list(
        &self,
        actor: &Actor,
        lang: Lang,
        d: &ListDraft,
    ) -> Result<Result<String, String>, AppError> {
        let admin = actor.admin()?;
        let t = texts(lang);
        let m = messages(lang);
        if !d.read.problems.is_empty() {
            return Ok(Err(t.problems_lead.to_owned()));
        }
        let list: Vec<ListFacility> = d.read.records.iter().map(to_store).collect();
        let e = entry(
            &admin,
            AuditAction::FacilityImport,
            format!("municipality:{}", admin.municipality),
            self.now(),
        );
        let Some(written) = self
            .store
            .import_facility_list(admin.municipality, &list, &e)
            .await?
        else {
            // Another import created one of these IDs first.
            return Ok(Err(m.changed_meanwhile.to_owned()));
        };
        tracing::info!(
            created = written.created.len(),
            updated = written.updated.len(),
            "facility list imported"
        );
        if written.created.is_empty() && written.updated.is_empty() {
            return Ok(Ok(m.nothing.to_owned()));
        }
        Ok(Ok((m.applied)(
            written.created.len(),
            written.updated.len(),
        )))
    }

    /// Saves the town's code and licence: what was saved, or (`Err`) what
    /// to fix.
    pub async fn save_open_data_settings(
        &self,
        actor: &Actor,
        lang: Lang,
        code: &str,
        licence: &str,
    ) -> Result<Result<String, String>, AppError> {
        let admin = actor.admin()?;
        let m = messages(lang);
        let code = code.trim();
        if !(code.is_empty() || list::valid_code(code)) {
            return Ok(Err(m.bad_code.to_owned()));
        }
        let licence = licence.trim();
        if licence.is_empty()
            || licence.chars().count() > 100
            || licence.chars().any(char::is_control)
        {
            return Ok(Err(m.bad_licence.to_owned()));
        }
        let e = entry(
            &admin,
            AuditAction::TownOpenData,
            format!("municipality:{}", admin.municipality),
            self.now(),
        );
        self.store
            .save_town_open_data(admin.municipality, code, licence, &e)
            .await?;
        Ok(Ok(m.saved.to_owned()))
    }

    /// The town's list as published: the town and its facilities.
    async fn published_list(&self) -> Result<(municipality::Model, Vec<Published>), AppError> {
        let town = self.list_town().await?;
        let facilities = self.store.town_facilities(town.id).await?;
        Ok((town, facilities.iter().map(published).collect()))
    }

    /// `/opendata/facilities.csv`.
    pub async fn facility_list_csv(&self) -> Result<String, AppError> {
        let (town, facilities) = self.published_list().await?;
        let t = Town {
            code: &town.code,
            name: &town.name_ja,
        };
        Ok(list::write(&t, &facilities))
    }

    /// `/opendata/facilities.json`.
    pub async fn facility_list_json(&self) -> Result<serde_json::Value, AppError> {
        let (town, facilities) = self.published_list().await?;
        let t = Town {
            code: &town.code,
            name: &town.name_ja,
        };
        Ok(list::json(&t, &town.open_data_licence, &facilities))
    }

    /// `/opendata`.
    pub async fn open_data_page(&self, lang: Lang) -> Result<OpenDataPage, AppError> {
        let (town, facilities) = self.published_list().await?;
        Ok(OpenDataPage {
            town: match lang {
                Lang::Ja => town.name_ja,
                Lang::En => town.name_en,
            },
            licence: town.open_data_licence,
            facilities: facilities.len(),
            csv_url: self.at(CSV_PATH),
            json_url: self.at(JSON_PATH),
        })
    }
}
