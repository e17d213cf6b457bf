//! Checking the unit form and adding the unit.

use domain::ids::FacilityId;
use domain::status::AuditAction;
use domain::text::Lang;
use store::units::NewUnit;

use crate::core::access::{Actor, entry};
use crate::core::error::AppError;
use crate::core::state::AppState;
use crate::setup::texts::messages;
use crate::setup::types::{FormMessage, NewUnitPage, UnitForm};

const NAME_MAX: usize = 60;
const NOTES_MAX: usize = 500;

/// The form checked: the unit to add, or every field's problem.
pub fn check_unit(form: &UnitForm, lang: Lang) -> Result<NewUnit, Vec<FormMessage>> {
    let t = messages(lang);
    let mut errors = Vec::new();
    let mut flag = |key: &str, message: String| {
        errors.push(FormMessage {
            key: key.to_owned(),
            message,
        });
    };
    let text = |v: &str| {
        v.trim()
            .chars()
            .filter(|c| !c.is_control() || *c == '\n')
            .collect::<String>()
    };
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
    match (capacity, grid) {
        (Some(capacity), Some(grid)) if errors.is_empty() => Ok(NewUnit {
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
        }),
        _ => Err(errors),
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
        let new = match check_unit(form, lang) {
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
    fn a_unit_needs_a_name_a_capacity_and_how_it_is_booked() {
        let ok = check_unit(&form(" 会議室A ", "20", "fixed"), Lang::Ja).unwrap();
        assert_eq!(
            (ok.name_ja.as_str(), ok.name_en.as_str()),
            ("会議室A", "会議室A")
        );
        assert_eq!((ok.capacity, ok.grid), (20, false));
        assert!(
            check_unit(&form("体育館", "200", "grid"), Lang::Ja)
                .unwrap()
                .grid
        );
        assert_eq!(
            keys(check_unit(&form("", "abc", "hourly"), Lang::Ja)),
            ["name_ja", "capacity", "kind"]
        );
        assert_eq!(
            keys(check_unit(&form("室", "0", "fixed"), Lang::En)),
            ["capacity"]
        );
        assert_eq!(
            keys(check_unit(&form("室", "10001", "fixed"), Lang::En)),
            ["capacity"]
        );
        let long = "あ".repeat(61);
        assert_eq!(
            keys(check_unit(&form(&long, "5", "fixed"), Lang::Ja)),
            ["name_ja"]
        );
    }
}
