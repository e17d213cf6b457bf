//! A facility's equipment (備品) kept by its staff: added, renamed,
//! its fee and number of copies changed. Fewer copies move the bookings
//! to come onto the copies left; those that would have none are listed
//! for a decision (move or cancel) first. Zero copies ends lending.

use domain::booking::Yen;
use domain::ids::FacilityId;
use domain::status::AuditAction;
use domain::text::Lang;
use store::equipment::{EquipmentOutcome, MAX_COPIES, NewEquipment};

use crate::core::access::{Actor, entry};
use crate::core::error::AppError;
use crate::core::i18n::yen;
use crate::core::state::AppState;
use crate::setup::archive::held_lines;
use crate::setup::texts::messages;
use crate::setup::types::{EquipmentForm, EquipmentLine, EquipmentPage, FormMessage, HeldLine};

const NAME_MAX: usize = 60;
/// The highest fee per slot (a grand piano's is a few thousand yen).
const FEE_MAX: i64 = 1_000_000;

/// Why a change was not saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The form's problems, each next to its field.
    Form(Vec<FormMessage>),
    /// The bookings to come that would have no copy.
    Held(Vec<HeldLine>),
}

/// A whole number of yen or copies as typed: full-width digits and
/// thousands separators are read too.
pub(crate) fn number(v: &str) -> Option<i64> {
    let digits: String = v
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | '円' | '¥' | '￥'))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// One line as typed: trimmed, without control characters.
pub(crate) fn clean_line(v: &str) -> String {
    v.trim().chars().filter(|c| !c.is_control()).collect()
}

/// A name in both languages as typed (`name_ja`, `name_en`): cleaned; the
/// Japanese one required, each at most `max` characters; problems added
/// to `errors` next to their fields.
pub(crate) fn names(
    ja: &str,
    en: &str,
    max: usize,
    lang: Lang,
    errors: &mut Vec<FormMessage>,
) -> (String, String) {
    let t = messages(lang);
    let (ja, en) = (clean_line(ja), clean_line(en));
    if ja.is_empty() {
        errors.push(FormMessage {
            key: "name_ja".into(),
            message: t.name_required.to_owned(),
        });
    }
    for (key, value) in [("name_ja", &ja), ("name_en", &en)] {
        if value.chars().count() > max {
            errors.push(FormMessage {
                key: key.into(),
                message: (t.too_long)(max),
            });
        }
    }
    (ja, en)
}

/// The form checked: the equipment to save, or every field's problem.
pub fn check_equipment(form: &EquipmentForm, lang: Lang) -> Result<NewEquipment, Vec<FormMessage>> {
    let t = messages(lang);
    let mut errors = Vec::new();
    let (name_ja, name_en) = names(&form.name_ja, &form.name_en, NAME_MAX, lang, &mut errors);
    let mut flag = |key: &str, message: String| {
        errors.push(FormMessage {
            key: key.to_owned(),
            message,
        });
    };
    let fee = number(&form.fee).filter(|f| *f <= FEE_MAX);
    if fee.is_none() {
        flag("fee", t.bad_equipment_fee.to_owned());
    }
    let quantity = number(&form.quantity)
        .and_then(|q| i32::try_from(q).ok())
        .filter(|q| *q <= MAX_COPIES);
    if quantity.is_none() {
        flag("quantity", t.bad_copies.to_owned());
    }
    match (fee, quantity) {
        (Some(fee_yen), Some(quantity)) if errors.is_empty() => Ok(NewEquipment {
            name_en: if name_en.is_empty() {
                name_ja.clone()
            } else {
                name_en
            },
            name_ja,
            fee_yen,
            quantity,
        }),
        _ => Err(errors),
    }
}

impl AppState {
    /// The equipment page of a facility the actor manages; `editing` the
    /// equipment whose form is shown, `draft` the form as it came back.
    pub async fn equipment_page(
        &self,
        actor: &Actor,
        lang: Lang,
        facility: FacilityId,
        editing: Option<i64>,
        draft: Option<(EquipmentForm, Vec<FormMessage>, Vec<HeldLine>)>,
    ) -> Result<EquipmentPage, AppError> {
        let (f, grant) = self.managed(actor, facility).await?;
        let rows = self.store.equipment_of(f.id.0).await?;
        let editing = match editing {
            Some(id) if rows.iter().any(|r| r.id == id) => Some(id),
            Some(_) => {
                return Err(AppError::Domain(domain::error::DomainError::NotFound(
                    domain::error::Missing::Equipment,
                )));
            }
            None => None,
        };
        let (values, errors, held) = match draft {
            Some(d) => d,
            None => {
                let values = rows
                    .iter()
                    .find(|r| Some(r.id) == editing)
                    .map(|r| EquipmentForm {
                        name_ja: r.name_ja.clone(),
                        name_en: r.name_en.clone(),
                        fee: r.fee_yen.to_string(),
                        quantity: r.quantity.to_string(),
                    })
                    .unwrap_or_else(|| EquipmentForm {
                        quantity: "1".into(),
                        fee: "0".into(),
                        ..EquipmentForm::default()
                    });
                (values, Vec::new(), Vec::new())
            }
        };
        let name_of = |r: &store::entity::equipment::Model| match lang {
            Lang::Ja => r.name_ja.clone(),
            Lang::En => r.name_en.clone(),
        };
        let editing_name = rows.iter().find(|r| Some(r.id) == editing).map(name_of);
        Ok(EquipmentPage {
            me: crate::console::service::me(&grant, lang),
            t: crate::setup::texts::equipment_labels(
                lang,
                f.name.get(lang),
                editing_name.as_deref(),
            ),
            facility_id: f.id.0,
            facility: f.name.get(lang).to_owned(),
            lines: rows
                .iter()
                .map(|r| EquipmentLine {
                    id: r.id,
                    name: name_of(r),
                    edit: crate::setup::texts::equipment_edit(lang, &name_of(r)),
                    fee: yen(lang, Yen(r.fee_yen)),
                    quantity: u32::try_from(r.quantity).unwrap_or(0),
                })
                .collect(),
            editing,
            values,
            errors,
            held,
            flash: None,
        })
    }

    /// Adds equipment (`id` empty) or changes the facility's equipment
    /// `id`: what to say, or why not.
    pub async fn save_equipment(
        &self,
        actor: &Actor,
        lang: Lang,
        facility: FacilityId,
        id: &str,
        form: &EquipmentForm,
    ) -> Result<Result<String, Refused>, AppError> {
        let (f, grant) = self.managed(actor, facility).await?;
        let missing = || {
            AppError::Domain(domain::error::DomainError::NotFound(
                domain::error::Missing::Equipment,
            ))
        };
        let id = match id.trim() {
            "" => None,
            raw => Some(raw.parse::<i64>().map_err(|_| missing())?),
        };
        let new = match check_equipment(form, lang) {
            Ok(n) => n,
            Err(errors) => return Ok(Err(Refused::Form(errors))),
        };
        let t = messages(lang);
        let name = match lang {
            Lang::Ja => new.name_ja.clone(),
            Lang::En => new.name_en.clone(),
        };
        let now = self.now();
        let town = f.municipality.0;
        match id {
            None => {
                let e = entry(&grant, AuditAction::EquipmentCreate, String::new(), now);
                let id = self.store.create_equipment(town, f.id.0, &new, &e).await?;
                tracing::info!(equipment = id, facility = f.id.0, "equipment added");
                Ok(Ok((t.equipment_added)(&name)))
            }
            Some(id) => {
                let e = entry(&grant, AuditAction::EquipmentUpdate, String::new(), now);
                match self
                    .store
                    .update_equipment(town, f.id.0, id, &new, now, &e)
                    .await?
                {
                    EquipmentOutcome::Saved => {
                        tracing::info!(equipment = id, facility = f.id.0, "equipment changed");
                        Ok(Ok((t.equipment_saved)(&name)))
                    }
                    EquipmentOutcome::NotFound => Err(missing()),
                    EquipmentOutcome::Held(bookings) => {
                        Ok(Err(Refused::Held(held_lines(&f, bookings, lang))))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, fee: &str, quantity: &str) -> EquipmentForm {
        EquipmentForm {
            name_ja: name.into(),
            name_en: String::new(),
            fee: fee.into(),
            quantity: quantity.into(),
        }
    }

    #[test]
    fn the_form_is_read_as_people_type_it() {
        let e = check_equipment(&form(" プロジェクター ", "１，０００円", "２"), Lang::Ja).unwrap();
        assert_eq!(e.name_ja, "プロジェクター");
        assert_eq!(e.name_en, "プロジェクター", "English name falls back");
        assert_eq!((e.fee_yen, e.quantity), (1000, 2));
        assert_eq!(
            check_equipment(&form("机", "0", "0"), Lang::Ja)
                .unwrap()
                .quantity,
            0
        );
    }

    #[test]
    fn each_problem_is_next_to_its_field() {
        let errors = check_equipment(&form("", "-5", "1001"), Lang::En).unwrap_err();
        let keys: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["name_ja", "fee", "quantity"]);
        let errors = check_equipment(&form("机", "1.5", "x"), Lang::Ja).unwrap_err();
        let keys: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["fee", "quantity"]);
    }
}
