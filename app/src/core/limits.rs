//! Rate limits: which requests are limited, by what, and how much. The
//! counting is `store::limits` (shared by every process on one database).
//!
//! - By client address (IPv6 by /64), for everything anonymous that writes
//!   or proves: booking and visit creation, lookups by reference plus
//!   contact, cancel and move, linking to an account, registration and
//!   sign-in. The server's middleware applies these before the request
//!   runs, so nothing is written beyond a limit. The numbers leave room for
//!   a carrier's shared NAT or the town hall's public PCs during the
//!   month-start rush (about a hundred residents a minute behind one
//!   address), while a script hammering from one address is stopped.
//! - By reference: a few wrong contacts lock the reference for the rest of
//!   the hour (a phone number is a small search space, and visit
//!   references are shown on the public waiting display).
//! - By account: sign-in and second-factor guesses.
//! - By contact across the whole town: a cap on active bookings and visits
//!   (`domain::booking::TOWN_ACTIVE_LIMIT`, counted in the write
//!   transaction by the store).

use std::net::IpAddr;

use store::Limit;

use crate::core::error::AppError;
use crate::core::state::AppState;

/// The client's address as the server determined it (the peer, or the
/// configured proxy's `X-Forwarded-For`), put in the request's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// What an anonymous request does, for its per-address limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Creating a booking or a visit appointment.
    Create,
    /// Proving a reference with a contact, or changing what was proved.
    Prove,
    /// Registration and sign-in.
    Account,
}

const CREATE: [Limit; 2] = [
    Limit {
        name: "addr:create:minute",
        window_s: 60,
        max: 120,
    },
    Limit {
        name: "addr:create:day",
        window_s: 86_400,
        max: 1_000,
    },
];

const PROVE: [Limit; 1] = [Limit {
    name: "addr:prove",
    window_s: 600,
    max: 60,
}];

const ACCOUNT: [Limit; 1] = [Limit {
    name: "addr:account",
    window_s: 600,
    max: 30,
}];

/// Wrong contacts for one reference before it is locked for the hour.
pub const REFERENCE_FAILURES: Limit = Limit {
    name: "reference:failures",
    window_s: 3_600,
    max: 5,
};

/// Sign-in (or second-factor) attempts for one account.
pub const SIGN_IN: Limit = Limit {
    name: "account:sign-in",
    window_s: 300,
    max: 5,
};

/// The limits of an action.
pub fn address_limits(action: Action) -> &'static [Limit] {
    match action {
        Action::Create => &CREATE,
        Action::Prove => &PROVE,
        Action::Account => &ACCOUNT,
    }
}

/// The key of an address: IPv4 whole, IPv6 by its /64 (one household or
/// phone gets a whole /64; limiting single IPv6 addresses limits nothing).
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// The client's address of this server-function call (set by the server's
/// middleware; the peer's address when no middleware ran).
pub async fn client_address() -> Option<IpAddr> {
    if let Ok(axum::Extension(ClientAddr(ip))) =
        leptos_axum::extract::<axum::Extension<ClientAddr>>().await
    {
        return Some(ip);
    }
    leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .ok()
        .map(|c| c.0.ip())
}

impl AppState {
    /// Counts one request of `action` from `ip`, or refuses it.
    pub async fn limit_address(&self, action: Action, ip: IpAddr) -> Result<(), AppError> {
        let key = address_key(ip);
        let hits: Vec<(&store::Limit, &str)> = address_limits(action)
            .iter()
            .map(|l| (l, key.as_str()))
            .collect();
        Ok(self.store.rate_hits(&hits, self.now()).await??)
    }

    /// Counts one attempt of `limit` for `key`, or refuses it.
    pub async fn limit_key(&self, limit: &Limit, key: &str) -> Result<(), AppError> {
        Ok(self.store.rate_hit(limit, key, self.now()).await??)
    }

    /// Counts an attempt to prove `reference`, or refuses it: the reference
    /// is locked once it has met `REFERENCE_FAILURES.max` wrong contacts
    /// this hour. Every attempt is counted before it is checked (one atomic
    /// statement), so parallel guesses cannot slip past the lock; one that
    /// proves right is given back with [`AppState::reference_passed`].
    pub async fn reference_attempt(&self, reference: &str) -> Result<(), AppError> {
        self.limit_key(&REFERENCE_FAILURES, reference).await
    }

    /// The attempt proved right: it does not count towards the lock.
    pub async fn reference_passed(&self, reference: &str) -> Result<(), AppError> {
        Ok(self
            .store
            .rate_refund(&REFERENCE_FAILURES, reference, self.now())
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::address_key;

    #[test]
    fn ipv6_is_limited_by_its_64_and_mapped_ipv4_as_ipv4() {
        let a = address_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = address_key("2001:db8:1:2:bbbb::9".parse().unwrap());
        let c = address_key("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(
            address_key("::ffff:192.0.2.7".parse().unwrap()),
            "192.0.2.7"
        );
        assert_eq!(address_key("192.0.2.7".parse().unwrap()), "192.0.2.7");
    }
}
