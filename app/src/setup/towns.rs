//! The installation's towns (共同利用), set up by its super-administrator
//! at `/console/towns`: each town with its residents' address and host
//! name; a town added; a host name set or cleared. The command line's
//! `add-town` checks a town with the same [`check_town`].

use domain::status::AuditAction;
use domain::text::Lang;
use store::divisions::NewTown;

use crate::console::service::me;
use crate::core::access::{Actor, entry};
use crate::core::error::AppError;
use crate::core::state::AppState;
use crate::core::types::Flash;
use crate::setup::counters::{Problems, or_ja};
use crate::setup::texts::messages;
use crate::setup::types::{FormMessage, TownForm, TownLine, TownsPage};

/// Whether `slug` can name a town in addresses (`/t/{slug}/`): 2 to 40
/// lower-case letters, digits and hyphens, not starting with a hyphen.
pub fn slug_ok(slug: &str) -> bool {
    (2..=40).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
}

/// A host name that is not one.
#[derive(Debug, PartialEq, Eq)]
pub struct BadHost;

/// A host name as typed, lower-cased: labels of letters, digits and
/// hyphens joined by dots (no scheme, port or path); empty is none.
pub fn host(raw: &str) -> Result<Option<String>, BadHost> {
    let h = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    if h.is_empty() {
        return Ok(None);
    }
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if h.len() <= 253 && h.split('.').all(label_ok) {
        Ok(Some(h))
    } else {
        Err(BadHost)
    }
}

/// A new town, checked field by field (`existing`: the towns already
/// there, whose slugs and hosts it may not take).
pub fn check_town(
    form: &TownForm,
    existing: &[store::entity::municipality::Model],
    lang: Lang,
) -> Result<NewTown, Vec<FormMessage>> {
    let m = messages(lang);
    let mut p = Problems::default();
    let slug = form.slug.trim().to_owned();
    if !slug_ok(&slug) {
        p.flag("slug", m.bad_slug.to_owned());
    } else if existing.iter().any(|t| t.slug == slug) {
        p.flag("slug", m.slug_taken.to_owned());
    }
    let name_ja = p.line("name_ja", &form.name_ja, 40, lang);
    let name_en = p.line("name_en", &form.name_en, 60, lang);
    if name_ja.is_empty() {
        p.flag("name_ja", m.name_required.to_owned());
    }
    let zone = match form.zone.trim() {
        "" => "Asia/Tokyo".to_owned(),
        z => z.to_owned(),
    };
    if zone.parse::<chrono_tz::Tz>().is_err() {
        p.flag("zone", m.bad_zone.to_owned());
    }
    let host = match host(&form.host) {
        Ok(Some(h))
            if existing
                .iter()
                .any(|t| t.host.as_deref() == Some(h.as_str())) =>
        {
            p.flag("host", m.host_taken.to_owned());
            None
        }
        Ok(h) => h,
        Err(BadHost) => {
            p.flag("host", m.bad_host.to_owned());
            None
        }
    };
    p.done(NewTown {
        name_en: or_ja(name_en, &name_ja),
        slug,
        name_ja,
        time_zone: zone,
        host,
    })
}

impl AppState {
    /// `/console/towns` (the installation's super-administrator).
    pub async fn towns_page(
        &self,
        actor: &Actor,
        lang: Lang,
        draft: Option<(TownForm, Vec<FormMessage>)>,
        flash: Option<Flash>,
    ) -> Result<TownsPage, AppError> {
        let s = actor.installation_admin()?;
        let (values, errors) = draft.unwrap_or_default();
        let towns = self.store.municipalities().await?;
        Ok(TownsPage {
            me: me(&s, lang),
            t: crate::setup::texts::town_labels(lang),
            towns: towns
                .iter()
                .map(|t| {
                    let name = match lang {
                        Lang::Ja => t.name_ja.clone(),
                        Lang::En => t.name_en.clone(),
                    };
                    TownLine {
                        id: t.id,
                        host_label: crate::setup::texts::town_host_of(lang, &name),
                        name,
                        address: format!("/t/{}/", t.slug),
                        code: t.code.clone(),
                        host: t.host.clone().unwrap_or_default(),
                    }
                })
                .collect(),
            values,
            errors,
            flash,
        })
    }

    /// Adds a town: its name, or the form's problems.
    pub async fn add_town(
        &self,
        actor: &Actor,
        lang: Lang,
        form: &TownForm,
    ) -> Result<Result<String, Vec<FormMessage>>, AppError> {
        let s = actor.installation_admin()?;
        let towns = self.store.municipalities().await?;
        let town = match check_town(form, &towns, lang) {
            Ok(t) => t,
            Err(e) => return Ok(Err(e)),
        };
        let e = entry(&s, AuditAction::TownCreate, String::new(), self.now());
        match self.store.create_town(&town, Some(&e)).await? {
            Some(id) => {
                tracing::info!(town = id, "town added");
                Ok(Ok(match lang {
                    Lang::Ja => town.name_ja,
                    Lang::En => town.name_en,
                }))
            }
            // Taken meanwhile (the unique indexes decide).
            None => Ok(Err(vec![FormMessage {
                key: "slug".into(),
                message: messages(lang).slug_taken.to_owned(),
            }])),
        }
    }

    /// Sets or clears a town's host name: the message to show (saved, or
    /// why not).
    pub async fn set_host(
        &self,
        actor: &Actor,
        lang: Lang,
        town: &str,
        raw: &str,
    ) -> Result<Result<String, String>, AppError> {
        let s = actor.installation_admin()?;
        let m = messages(lang);
        let not_found =
            AppError::Domain(domain::DomainError::NotFound(domain::error::Missing::Town));
        let id = town.trim().parse::<i64>().map_err(|_| not_found.clone())?;
        let towns = self.store.municipalities().await?;
        let t = towns.iter().find(|t| t.id == id).ok_or(not_found)?;
        let Ok(h) = host(raw) else {
            return Ok(Err(m.bad_host.to_owned()));
        };
        let e = entry(&s, AuditAction::TownHost, String::new(), self.now());
        if !self.store.set_town_host(id, h.as_deref(), &e).await? {
            return Ok(Err(m.host_taken.to_owned()));
        }
        let name = match lang {
            Lang::Ja => &t.name_ja,
            Lang::En => &t.name_en,
        };
        Ok(Ok((m.host_saved)(name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_are_checked_and_lower_cased() {
        assert_eq!(
            host(" Yoyaku.Kita.example.JP. "),
            Ok(Some("yoyaku.kita.example.jp".into()))
        );
        assert_eq!(host(""), Ok(None));
        for bad in [
            "https://a.example",
            "a.example:8080",
            "-a.example",
            "a..example",
            "a b",
        ] {
            assert_eq!(host(bad), Err(BadHost), "{bad}");
        }
    }

    #[test]
    fn slugs_are_lower_case_letters_digits_and_hyphens() {
        assert!(slug_ok("kita-town") && slug_ok("k2"));
        for bad in ["k", "-kita", "Kita", "kita_town", "北町"] {
            assert!(!slug_ok(bad), "{bad}");
        }
    }
}
