//! Access control, written once. Each check takes the request's [`Actor`]
//! and either refuses (401 without a sign-in, 403 outside the role or scope)
//! or returns a capability: a value that proves what was checked ("this
//! member manages facility F of town T"). Capabilities have private fields,
//! so only these checks make them; the console's helpers that read scoped
//! data (a member's facilities, a managed facility or booking, a staff
//! scope) take one as a parameter, so they cannot be called unchecked.
//! This module uses nothing of the app but the error and the role.

use std::ops::Deref;

use chrono::{DateTime, Utc};
use domain::status::AuditAction;
use store::AuditEntry;

use crate::core::error::{AppError, AuthError};
use domain::status::Role;

/// Proof that a staff member signed in (any role, any scope).
#[derive(Clone, Copy, Debug)]
pub struct Member<'a>(&'a Staff);

/// Proof that a staff member is an administrator of their town.
#[derive(Clone, Copy, Debug)]
pub struct Admin<'a>(&'a Staff);

/// Proof that a staff member manages this facility: an administrator of its
/// town, or a facility manager it is listed for.
#[derive(Clone, Copy, Debug)]
pub struct FacilityGrant<'a>(&'a Staff);

/// Proof that a staff member serves the town's counters (an administrator,
/// or counter staff of the department asked for).
#[derive(Clone, Copy, Debug)]
pub struct CounterGrant<'a>(&'a Staff);

/// Proof that a resident signed in: their account.
#[derive(Clone, Copy, Debug)]
pub struct ResidentGrant(i64);

impl<'a> From<Admin<'a>> for Member<'a> {
    /// An administrator is a member.
    fn from(a: Admin<'a>) -> Self {
        Member(a.0)
    }
}

impl ResidentGrant {
    pub fn account(&self) -> i64 {
        self.0
    }
}

impl Deref for Member<'_> {
    type Target = Staff;
    fn deref(&self) -> &Staff {
        self.0
    }
}

impl Deref for Admin<'_> {
    type Target = Staff;
    fn deref(&self) -> &Staff {
        self.0
    }
}

impl Deref for FacilityGrant<'_> {
    type Target = Staff;
    fn deref(&self) -> &Staff {
        self.0
    }
}

impl Deref for CounterGrant<'_> {
    type Target = Staff;
    fn deref(&self) -> &Staff {
        self.0
    }
}

/// A signed-in staff member, with the scope of their role.
#[derive(Clone, Debug)]
pub struct Staff {
    pub id: i64,
    pub municipality: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub facilities: Vec<i64>,
    pub departments: Vec<i64>,
    pub has_totp: bool,
    /// The installation's super-administrator (adds towns, sets hosts).
    pub installation_admin: bool,
}

/// Who sent the request.
#[derive(Clone, Debug)]
pub enum Actor {
    Anonymous,
    Resident {
        id: i64,
        municipality: i64,
        email: String,
        name: String,
    },
    Staff(Staff),
}

impl Actor {
    /// Any staff member, or 401/403.
    pub fn staff(&self) -> Result<Member<'_>, AppError> {
        match self {
            Actor::Staff(s) => Ok(Member(s)),
            Actor::Anonymous => Err(AppError::Auth(AuthError::SignInRequired)),
            Actor::Resident { .. } => Err(AppError::Auth(AuthError::Forbidden)),
        }
    }

    /// An administrator, or 401/403.
    pub fn admin(&self) -> Result<Admin<'_>, AppError> {
        let Member(s) = self.staff()?;
        if s.role == Role::Admin {
            Ok(Admin(s))
        } else {
            Err(AppError::Auth(AuthError::Forbidden))
        }
    }

    /// The installation's super-administrator, or 401/403.
    pub fn installation_admin(&self) -> Result<Member<'_>, AppError> {
        let Member(s) = self.staff()?;
        if s.installation_admin {
            Ok(Member(s))
        } else {
            Err(AppError::Auth(AuthError::Forbidden))
        }
    }

    /// Staff who may manage this facility of this municipality: its
    /// municipality's admins and the managers it is listed for.
    pub fn facility_staff(
        &self,
        facility: i64,
        municipality: i64,
    ) -> Result<FacilityGrant<'_>, AppError> {
        let Member(s) = self.staff()?;
        let allowed = s.municipality == municipality
            && match s.role {
                Role::Admin => true,
                Role::FacilityManager => s.facilities.contains(&facility),
                Role::CounterStaff => false,
            };
        if allowed {
            Ok(FacilityGrant(s))
        } else {
            Err(AppError::Auth(AuthError::Forbidden))
        }
    }

    /// Staff of the town's counters: its admins, and counter staff of the
    /// listed departments. `None` asks for any department in scope.
    pub fn counter_staff(
        &self,
        department: Option<i64>,
        municipality: i64,
    ) -> Result<CounterGrant<'_>, AppError> {
        let Member(s) = self.staff()?;
        let allowed = s.municipality == municipality
            && match s.role {
                Role::Admin => true,
                Role::CounterStaff => department.is_none_or(|d| s.departments.contains(&d)),
                Role::FacilityManager => false,
            };
        if allowed {
            Ok(CounterGrant(s))
        } else {
            Err(AppError::Auth(AuthError::Forbidden))
        }
    }

    /// A signed-in resident, or 401/403.
    pub fn resident(&self) -> Result<ResidentGrant, AppError> {
        match self {
            Actor::Resident { id, .. } => Ok(ResidentGrant(*id)),
            Actor::Anonymous => Err(AppError::Auth(AuthError::SignInRequired)),
            Actor::Staff(_) => Err(AppError::Auth(AuthError::Forbidden)),
        }
    }
}

impl Staff {
    /// How this member appears in the audit log.
    pub fn audit_name(&self) -> String {
        format!("account:{} {}", self.id, self.email)
    }
}

/// An audit entry by this member, at `now`; the caller fills in before/after.
pub fn entry(s: &Staff, action: AuditAction, target: String, now: DateTime<Utc>) -> AuditEntry {
    AuditEntry {
        municipality_id: s.municipality,
        actor: s.audit_name(),
        action,
        target,
        before: None,
        after: None,
        at: now,
    }
}
