//! Which language to show. The server decides (a `lang` cookie set by the
//! language link, else `Accept-Language`, else Japanese) and writes it into
//! `<html lang>`; the browser reads it back from there when it hydrates, so
//! both render the same text.

use domain::text::Lang;
use leptos::prelude::*;

/// The name of the cookie that remembers the chosen language.
pub const COOKIE: &str = "lang";

/// The language chosen from request headers.
#[cfg(feature = "ssr")]
pub fn from_headers(headers: &http::HeaderMap) -> Lang {
    let cookie = cookie(headers, COOKIE).and_then(Lang::from_code);
    cookie.unwrap_or_else(|| {
        headers
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Lang::from_accept_language)
            .unwrap_or_default()
    })
}

/// The value of the cookie `name` in request headers.
#[cfg(feature = "ssr")]
pub fn cookie<'h>(headers: &'h http::HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
}

/// The language of the page being rendered.
pub fn detect() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| from_headers(&parts.headers))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        #[cfg(feature = "hydrate")]
        {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
                .and_then(|e| e.get_attribute("lang"))
                .and_then(|code| Lang::from_code(&code))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            Lang::default()
        }
    }
}

/// The current language from context (provided once by `App`).
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// Percent-encodes a path or a query value (the language link's `next`,
/// a date, a feed URL given to a calendar service); `/` is kept.
pub fn encode_next(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_encoded() {
        assert_eq!(
            encode_next("/facilities/1?month=2026-12"),
            "/facilities/1%3Fmonth%3D2026-12"
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn cookie_beats_accept_language() {
        let mut h = http::HeaderMap::new();
        h.insert(
            http::header::ACCEPT_LANGUAGE,
            "en-US,en;q=0.9".parse().unwrap(),
        );
        assert_eq!(from_headers(&h), Lang::En);
        h.insert(http::header::COOKIE, "a=b; lang=ja".parse().unwrap());
        assert_eq!(from_headers(&h), Lang::Ja);
        h.insert(http::header::COOKIE, "lang=xx".parse().unwrap());
        assert_eq!(from_headers(&h), Lang::En);
    }
}
