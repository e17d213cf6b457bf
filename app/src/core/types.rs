//! Small types every feature shares: a one-time message after a form post,
//! a choice in a list, a staff role.

use serde::{Deserialize, Serialize};

/// A one-time message after a form post.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub ok: bool,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub name: String,
}

/// A staff role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Admin,
    FacilityManager,
    CounterStaff,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "facility_manager" => Some(Role::FacilityManager),
            "counter_staff" => Some(Role::CounterStaff),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::FacilityManager => "facility_manager",
            Role::CounterStaff => "counter_staff",
        }
    }
}
