//! Configuration from the environment. Variables: `DATABASE_URL` (default
//! SQLite under `./data/`), `TOWN_SEED_DEMO` (`false` to skip the demo town on
//! first start), `TOWN_SECURE_COOKIES` (`true` behind HTTPS: the session
//! cookie gets `Secure`), the mail settings `TOWN_SMTP_HOST`,
//! `TOWN_SMTP_PORT` (default 587), `TOWN_SMTP_TLS` (`starttls`, `tls` or
//! `none`; default `starttls`), `TOWN_SMTP_USER`, `TOWN_SMTP_PASSWORD` and
//! `TOWN_MAIL_FROM` (without `TOWN_SMTP_HOST`, mail stays in the outbox),
//! plus cargo-leptos' own `LEPTOS_*` (site address and paths).

use std::fmt;

use app::mail::{SmtpConfig, TlsMode};

pub struct Config {
    pub database_url: String,
    pub seed_demo: bool,
    pub secure_cookies: bool,
    pub smtp: Option<SmtpConfig>,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn smtp_from_env() -> Option<SmtpConfig> {
    let host = var("TOWN_SMTP_HOST")?;
    let tls = match var("TOWN_SMTP_TLS").as_deref() {
        Some("none") => TlsMode::None,
        Some("tls") => TlsMode::Wrapper,
        _ => TlsMode::StartTls,
    };
    Some(SmtpConfig {
        port: var("TOWN_SMTP_PORT")
            .and_then(|p| p.parse().ok())
            .unwrap_or(if tls == TlsMode::Wrapper { 465 } else { 587 }),
        host,
        tls,
        user: var("TOWN_SMTP_USER"),
        password: var("TOWN_SMTP_PASSWORD"),
        from: var("TOWN_MAIL_FROM").unwrap_or_else(|| "no-reply@localhost".to_owned()),
    })
}

impl Config {
    pub fn from_env() -> Config {
        Config {
            database_url: std::env::var("DATABASE_URL")
                .ok()
                .filter(|u| !u.trim().is_empty())
                .unwrap_or_else(|| store::DEFAULT_DATABASE_URL.to_owned()),
            seed_demo: std::env::var("TOWN_SEED_DEMO")
                .map(|v| v != "false")
                .unwrap_or(true),
            secure_cookies: std::env::var("TOWN_SECURE_COOKIES").is_ok_and(|v| v == "true"),
            smtp: smtp_from_env(),
        }
    }
}

/// Hides a database password if the URL carries one.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact(&self.database_url))
            .field("seed_demo", &self.seed_demo)
            .field("secure_cookies", &self.secure_cookies)
            .field("smtp", &self.smtp)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_the_log() {
        assert_eq!(
            redact("postgres://town:s3cret@db/town"),
            "postgres://town:***@db/town"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(redact("sqlite://data/town.db"), "sqlite://data/town.db");
    }
}
