//! Configuration from the environment. Variables: `DATABASE_URL` (default
//! SQLite under `./data/`), `TOWN_SEED_DEMO` (`false` to skip the demo town on
//! first start), `TOWN_PUBLIC_ORIGIN` (the `https://…` address residents
//! use; unset only for plain HTTP on loopback, where the session cookie
//! cannot be `Secure`), `TOWN_TRUSTED_PROXIES` (comma-separated addresses of
//! reverse proxies whose `X-Forwarded-For` names the client),
//! `TOWN_IMPORT_ALLOW_HOSTS` (comma-separated internal hosts calendars may
//! be imported from by URL; other internal addresses are refused), the mail
//! settings `TOWN_SMTP_HOST`,
//! `TOWN_SMTP_PORT` (default 587), `TOWN_SMTP_TLS` (`starttls`, `tls` or
//! `none`; default `starttls`), `TOWN_SMTP_USER`, `TOWN_SMTP_PASSWORD` and
//! `TOWN_MAIL_FROM` (without `TOWN_SMTP_HOST`, mail stays in the outbox),
//! plus cargo-leptos' own `LEPTOS_*` (site address and paths).

use std::fmt;

use app::core::mail::{SmtpConfig, TlsMode};

pub struct Config {
    pub database_url: String,
    pub seed_demo: bool,
    pub public_origin: Option<String>,
    pub import_hosts: Vec<String>,
    pub trusted_proxies: Vec<std::net::IpAddr>,
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
            public_origin: var("TOWN_PUBLIC_ORIGIN")
                .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase()),
            trusted_proxies: var("TOWN_TRUSTED_PROXIES")
                .map(|v| v.split(',').filter_map(|a| a.trim().parse().ok()).collect())
                .unwrap_or_default(),
            import_hosts: var("TOWN_IMPORT_ALLOW_HOSTS")
                .map(|v| {
                    v.split(',')
                        .map(|h| h.trim().to_ascii_lowercase())
                        .filter(|h| !h.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            smtp: smtp_from_env(),
        }
    }
}

/// Whether a host (of an origin, or a bind address) is this machine only.
fn loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[');
    let host = host.split(']').next().unwrap_or(host);
    let bare = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !h.contains(':') => h,
        _ => host,
    };
    bare == "localhost"
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Config {
    /// How the site is reached, and whether its session cookie is
    /// `Secure`: always, unless the site is plain HTTP on loopback (the
    /// demo, development). Plain HTTP anywhere else is refused.
    ///
    /// Unset on loopback, the origin is `http://` and whatever host the
    /// browser used (`127.0.0.1` or `localhost`); set, it must be a bare
    /// origin (`scheme://host[:port]`, no path), as browsers send it.
    pub fn web(
        &self,
        site_addr: std::net::SocketAddr,
    ) -> Result<(app::core::state::WebConfig, bool), String> {
        let origin = match self.public_origin.as_deref() {
            Some(o) => Some(bare_origin(o).ok_or(format!(
                "TOWN_PUBLIC_ORIGIN={o}: give scheme://host[:port] only (no path), as residents type it"
            ))?),
            None => None,
        };
        let secure = match origin.as_deref() {
            Some(o) if o.starts_with("https://") => true,
            Some(o) if loopback(&o["http://".len()..]) && site_addr.ip().is_loopback() => false,
            Some(o) => {
                return Err(format!(
                    "TOWN_PUBLIC_ORIGIN={o}: residents must reach the site over https:// (plain http only on loopback, served on loopback)"
                ));
            }
            None if site_addr.ip().is_loopback() => false,
            None => {
                return Err(
                    "set TOWN_PUBLIC_ORIGIN=https://… (the address residents use) when serving beyond loopback"
                        .into(),
                );
            }
        };
        Ok((
            app::core::state::WebConfig {
                public_origin: origin,
                trusted_proxies: self.trusted_proxies.clone(),
                import_hosts: self.import_hosts.clone(),
            },
            secure,
        ))
    }
}

/// `scheme://host[:port]` as a browser's `Origin` header gives it (the
/// default port left out), or `None` for anything else.
fn bare_origin(o: &str) -> Option<String> {
    let (scheme, rest) = o.split_once("://")?;
    if !matches!(scheme, "http" | "https")
        || rest.is_empty()
        || rest.contains(['/', '?', '#', '@', ' '])
    {
        return None;
    }
    let default = if scheme == "https" { ":443" } else { ":80" };
    Some(format!(
        "{scheme}://{}",
        rest.strip_suffix(default).unwrap_or(rest)
    ))
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
            .field("public_origin", &self.public_origin)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("import_hosts", &self.import_hosts)
            .field("smtp", &self.smtp)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::{Config, loopback, redact};

    fn config(origin: Option<&str>) -> Config {
        Config {
            database_url: String::new(),
            seed_demo: false,
            public_origin: origin.map(str::to_owned),
            import_hosts: Vec::new(),
            trusted_proxies: Vec::new(),
            smtp: None,
        }
    }

    #[test]
    fn cookies_are_secure_except_for_plain_http_on_loopback() {
        let local: std::net::SocketAddr = "127.0.0.1:3000".parse().unwrap();
        let open: std::net::SocketAddr = "0.0.0.0:3000".parse().unwrap();
        let (web, secure) = config(None).web(local).unwrap();
        assert!(!secure);
        assert_eq!(
            web.public_origin, None,
            "the browser's own host on loopback"
        );
        assert!(
            config(None).web(open).is_err(),
            "beyond loopback needs an origin"
        );
        let (web, secure) = config(Some("https://yoyaku.town.example"))
            .web(open)
            .unwrap();
        assert!(secure && web.https());
        assert!(
            config(Some("http://yoyaku.town.example"))
                .web(open)
                .is_err()
        );
        let (web, _) = config(Some("https://yoyaku.town.example:443"))
            .web(open)
            .unwrap();
        assert_eq!(
            web.public_origin.as_deref(),
            Some("https://yoyaku.town.example")
        );
        assert!(
            config(Some("https://yoyaku.town.example/booking"))
                .web(open)
                .is_err()
        );
        assert!(!config(Some("http://localhost:3000")).web(local).unwrap().1);
        assert!(
            config(Some("http://localhost:3000")).web(open).is_err(),
            "plain HTTP served beyond loopback"
        );
        assert!(loopback("[::1]:3000") && loopback("127.0.0.2") && !loopback("10.0.0.1:80"));
    }

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
