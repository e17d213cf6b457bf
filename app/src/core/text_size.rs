//! The text size a reader chose (標準 / 大 / 特大), remembered in a cookie
//! by the header's links, which are plain server routes and so work without
//! JavaScript. The server writes it into `<html data-text-size>`, where the
//! style sheet scales every `rem` from it and the browser reads it back.

/// The name of the cookie that remembers the chosen size.
pub const COOKIE: &str = "text_size";

/// A root font size: every length in the style sheet follows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TextSize {
    #[default]
    Standard,
    /// 1.25 times the standard size.
    Large,
    /// Twice the standard size (WCAG 1.4.4's 200 %).
    Largest,
}

impl TextSize {
    pub const ALL: [TextSize; 3] = [TextSize::Standard, TextSize::Large, TextSize::Largest];

    pub fn code(self) -> &'static str {
        match self {
            TextSize::Standard => "standard",
            TextSize::Large => "large",
            TextSize::Largest => "largest",
        }
    }

    pub fn from_code(code: &str) -> Option<TextSize> {
        TextSize::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// The size chosen in request headers (the cookie), else the standard.
#[cfg(feature = "ssr")]
pub fn from_headers(headers: &http::HeaderMap) -> TextSize {
    super::lang::cookie(headers, COOKIE)
        .and_then(TextSize::from_code)
        .unwrap_or_default()
}

/// The size of the page being rendered: from the request on the server,
/// from `<html data-text-size>` in the browser.
pub fn detect() -> TextSize {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<http::request::Parts>()
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
                .and_then(|e| e.get_attribute("data-text-size"))
                .and_then(|code| TextSize::from_code(&code))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            TextSize::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_is_refused() {
        for s in TextSize::ALL {
            assert_eq!(TextSize::from_code(s.code()), Some(s));
        }
        assert_eq!(TextSize::from_code("huge"), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn cookie_chooses_the_size() {
        let mut h = http::HeaderMap::new();
        assert_eq!(from_headers(&h), TextSize::Standard);
        h.insert(
            http::header::COOKIE,
            "lang=ja; text_size=largest".parse().unwrap(),
        );
        assert_eq!(from_headers(&h), TextSize::Largest);
        h.insert(http::header::COOKIE, "text_size=huge".parse().unwrap());
        assert_eq!(from_headers(&h), TextSize::Standard);
    }
}
