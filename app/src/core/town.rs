//! Which town a page is for (共同利用: several towns on one installation).
//!
//! A request names its town by host name (a town's own, set by the
//! installation's super-administrator) or by path: `/t/{slug}/…` (or the
//! town's 全国地方公共団体コード instead of the slug). The server strips the
//! prefix before routing, so every route is written once, and keeps it as
//! the page's [`TownBase`]: links and redirects put it back with [`at`] (in
//! components) or `AppState::at` (on the server). An installation with one
//! town needs no prefix: its short URLs stay as they were.
//!
//! The browser learns the base from `<html data-town-base>` (never by
//! parsing the address itself, so a page the server refused as an unknown
//! town hydrates as the same "not found" page), and sends its server
//! functions under it.

use leptos::prelude::*;

/// The page's town as links and the header need it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TownBase {
    /// The path prefix (`/t/kita`), empty when the host name or the
    /// installation's only town decides.
    pub base: String,
    /// The town's name in the reader's language, shown in the header when
    /// the installation has several towns (else empty).
    pub name: String,
}

/// `path` (absolute, local) under `base`: `/facilities` → `/t/kita/facilities`.
pub fn join(base: &str, path: &str) -> String {
    if base.is_empty() || !path.starts_with('/') || path.starts_with("//") {
        path.to_owned()
    } else {
        format!("{base}{path}")
    }
}

/// A local path of the reader's town, for links and form targets.
pub fn at(path: &str) -> String {
    let town = use_context::<TownBase>().unwrap_or_default();
    join(&town.base, path)
}

/// The town named by a path (`/t/{key}` or `/t/{key}/…`): the key, the
/// prefix and the rest of the path (at least `/`).
pub fn split(path: &str) -> Option<(&str, &str, &str)> {
    let after = path.strip_prefix("/t/")?;
    let end = after.find('/').unwrap_or(after.len());
    let key = &after[..end];
    if key.is_empty() {
        return None;
    }
    let base = &path[..3 + end];
    let rest = if end == after.len() {
        "/"
    } else {
        &after[end..]
    };
    Some((key, base, rest))
}

/// The town the server wrote on `<html data-town-base data-town-name>`
/// (browser only).
#[cfg(feature = "hydrate")]
pub fn page_base() -> TownBase {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    let attr = |name: &str| {
        root.as_ref()
            .and_then(|e| e.get_attribute(name))
            .unwrap_or_default()
    };
    TownBase {
        base: attr("data-town-base"),
        name: attr("data-town-name"),
    }
}

/// The request's town as the server resolved it (before routing).
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestTown {
    /// None: an installation of several towns and nothing named one.
    pub id: Option<i64>,
    pub base: String,
    /// The town's names (Japanese, English) when the installation has
    /// several towns, for the header; else none.
    pub names: Option<(String, String)>,
}

/// What a request's host, path and (for server functions and event
/// streams) same-origin `Referer` path say about its town.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// The town, with the path to route (the prefix stripped) when the
    /// path named it.
    Town {
        id: i64,
        base: String,
        path: Option<String>,
    },
    /// A `/t/…` prefix that names no town (of this host): not found.
    Unknown,
    /// Several towns and nothing says which.
    Unnamed,
}

/// The request's town from `towns` (id, slug, code, host), the `Host`
/// header's name (lower-case, no port), the path, and the path of a
/// same-origin `Referer` (only for requests a page makes: server functions
/// and event streams).
#[cfg(feature = "ssr")]
pub fn resolve(
    towns: &[store::entity::municipality::Model],
    host: Option<&str>,
    path: &str,
    referer: Option<&str>,
) -> Resolved {
    let by_key = |key: &str| {
        towns
            .iter()
            .find(|t| t.slug == key || (!t.code.is_empty() && t.code == key))
    };
    let by_host = host.and_then(|h| {
        towns
            .iter()
            .find(|t| t.host.as_deref().is_some_and(|th| th == h))
    });
    if let Some((key, base, rest)) = split(path) {
        return match (by_key(key), by_host) {
            (Some(t), Some(h)) if t.id != h.id => Resolved::Unknown,
            (Some(t), _) => Resolved::Town {
                id: t.id,
                base: base.to_owned(),
                path: Some(rest.to_owned()),
            },
            (None, _) => Resolved::Unknown,
        };
    }
    if let Some(h) = by_host {
        return Resolved::Town {
            id: h.id,
            base: String::new(),
            path: None,
        };
    }
    if let Some((key, base, _)) = referer.and_then(split)
        && let Some(t) = by_key(key)
    {
        return Resolved::Town {
            id: t.id,
            base: base.to_owned(),
            path: None,
        };
    }
    match towns {
        [only] => Resolved::Town {
            id: only.id,
            base: String::new(),
            path: None,
        },
        _ => Resolved::Unnamed,
    }
}

/// The request's town, as the server's first layer put it on the request
/// (server functions and pages).
#[cfg(feature = "ssr")]
pub fn request_town() -> RequestTown {
    use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<RequestTown>().cloned())
        .unwrap_or_default()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn town(
        id: i64,
        slug: &str,
        code: &str,
        host: Option<&str>,
    ) -> store::entity::municipality::Model {
        store::entity::municipality::Model {
            id,
            slug: slug.into(),
            name_ja: slug.into(),
            name_en: slug.into(),
            time_zone: "Asia/Tokyo".into(),
            phone: String::new(),
            code: code.into(),
            open_data_licence: String::new(),
            host: host.map(str::to_owned),
        }
    }

    fn named(id: i64, base: &str, path: Option<&str>) -> Resolved {
        Resolved::Town {
            id,
            base: base.into(),
            path: path.map(str::to_owned),
        }
    }

    #[test]
    fn a_prefix_names_a_town_by_slug_or_code_and_is_stripped() {
        assert_eq!(split("/t/kita"), Some(("kita", "/t/kita", "/")));
        assert_eq!(
            split("/t/kita/facilities/3"),
            Some(("kita", "/t/kita", "/facilities/3"))
        );
        assert_eq!(split("/t/"), None);
        assert_eq!(split("/towns"), None);
        let towns = [town(1, "demo", "", None), town(2, "kita", "011002", None)];
        assert_eq!(
            resolve(&towns, None, "/t/kita/visits", None),
            named(2, "/t/kita", Some("/visits"))
        );
        assert_eq!(
            resolve(&towns, None, "/t/011002/", None),
            named(2, "/t/011002", Some("/"))
        );
        assert_eq!(
            resolve(&towns, None, "/t/nowhere/", None),
            Resolved::Unknown
        );
    }

    #[test]
    fn host_names_then_the_calling_page_then_the_only_town() {
        let towns = [
            town(1, "demo", "", None),
            town(2, "kita", "", Some("kita.example")),
        ];
        assert_eq!(
            resolve(&towns, Some("kita.example"), "/facilities", None),
            named(2, "", None)
        );
        // Another town's prefix under a town's own host is not found.
        assert_eq!(
            resolve(&towns, Some("kita.example"), "/t/demo/", None),
            Resolved::Unknown
        );
        assert_eq!(
            resolve(
                &towns,
                None,
                "/sfn/get_facilities",
                Some("/t/demo/facilities")
            ),
            named(1, "/t/demo", None)
        );
        assert_eq!(
            resolve(&towns, None, "/facilities", None),
            Resolved::Unnamed
        );
        assert_eq!(
            resolve(&towns[..1], None, "/facilities", None),
            named(1, "", None)
        );
    }

    #[test]
    fn joined_paths_keep_other_addresses_as_they_are() {
        assert_eq!(join("/t/kita", "/facilities"), "/t/kita/facilities");
        assert_eq!(join("", "/facilities"), "/facilities");
        assert_eq!(join("/t/kita", "#main"), "#main");
        assert_eq!(
            join("/t/kita", "//elsewhere.example/"),
            "//elsewhere.example/"
        );
    }
}
