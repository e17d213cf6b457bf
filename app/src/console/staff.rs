//! Staff members: the list, creating, roles and scopes, deactivation, second-factor resets, one's own password.

use domain::error::Field;
use domain::text::Lang;
use store::{AuditEntry, NewAccount, NewMail};

use super::service::*;
use crate::console::texts as ct;
use crate::console::types::*;
use crate::core::access::{Actor, Admin, Staff, entry};
use crate::core::auth;
use crate::core::error::{AppError, AuthError};
use crate::core::state::AppState;
use crate::core::types::Choice;
use domain::status::Role;

impl AppState {
    pub async fn staff_page(&self, actor: &Actor, lang: Lang) -> Result<StaffPage, AppError> {
        let s = actor.admin()?;
        let accounts = self.store.staff_accounts(s.municipality).await?;
        let facilities = self.facilities_of(s.into()).await?;
        let departments = self.store.departments(s.municipality).await?;
        let name_of = |list: &[(i64, String)], id: i64| {
            list.iter()
                .find(|(i, _)| *i == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        };
        let fnames: Vec<(i64, String)> = facilities
            .iter()
            .map(|f| (f.id.0, f.name.get(lang).to_owned()))
            .collect();
        let dnames: Vec<(i64, String)> = departments
            .iter()
            .map(|d| {
                (
                    d.id,
                    if lang == Lang::Ja {
                        d.name_ja.clone()
                    } else {
                        d.name_en.clone()
                    },
                )
            })
            .collect();
        Ok(StaffPage {
            me: me(&s, lang),
            accounts: accounts
                .iter()
                .map(|a| {
                    let role = a.row.role;
                    let scope: Vec<String> = match role {
                        Some(Role::FacilityManager) => {
                            a.facilities.iter().map(|f| name_of(&fnames, *f)).collect()
                        }
                        Some(Role::CounterStaff) => {
                            a.departments.iter().map(|d| name_of(&dnames, *d)).collect()
                        }
                        _ => vec![ct::texts(lang).whole_town.to_owned()],
                    };
                    StaffRow {
                        id: a.row.id,
                        email: a.row.email.clone(),
                        name: a.row.display_name.clone(),
                        role: role
                            .map(|r| ct::role_label(lang, r))
                            .unwrap_or_default()
                            .to_owned(),
                        role_code: a.row.role.map(|r| r.code().to_owned()).unwrap_or_default(),
                        scope: scope.join(crate::core::i18n::texts(lang).list_separator),
                        active: a.row.active,
                        totp: a.row.totp_secret.is_some(),
                    }
                })
                .collect(),
            facilities: fnames
                .into_iter()
                .map(|(id, name)| Choice { id, name })
                .collect(),
            departments: dnames
                .into_iter()
                .map(|(id, name)| Choice { id, name })
                .collect(),
            editing: None,
            flash: None,
        })
    }

    /// Creates a staff account without a password: the member gets a mail
    /// with a one-time enrolment code (72 hours) and sets their own password
    /// at `/console/enrol`, then their own second factor. The admin sees
    /// neither. An administrator is made by changing the role of a member
    /// who has set up a second factor.
    pub async fn create_staff(
        &self,
        actor: &Actor,
        email: &str,
        name: &str,
        role: &str,
        facilities: &[String],
        departments: &[String],
    ) -> Result<String, AppError> {
        let s = actor.admin()?;
        let email = domain::applicant::normalize_email(email).map_err(|_| invalid(Field::Email))?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(invalid(Field::Name));
        }
        let (role, facilities, departments) =
            self.checked_scope(s, role, facilities, departments).await?;
        if role == Role::Admin {
            return Err(AppError::Auth(AuthError::AdminNeedsTotp));
        }
        // Nobody knows this password: the account opens with the code only.
        let unusable = store::random_key()?;
        let hash = tokio::task::spawn_blocking(move || auth::hash_password(&unusable))
            .await
            .map_err(|_| AppError::Unavailable)??;
        let code = store::random_code()?;
        let now = self.now();
        let mut e = entry(
            &s,
            domain::status::AuditAction::AccountCreate,
            String::new(),
            now,
        );
        e.after = Some(serde_json::json!({
            "email": email, "name": name, "role": role.code(),
            "facilities": facilities, "departments": departments, "enrolment": "mailed",
        }));
        let origin = self.origin();
        let (ja, en) = (ct::texts(Lang::Ja), ct::texts(Lang::En));
        let enrolment = store::Enrolment {
            digest: auth::enrolment_digest(&code, s.municipality, &email),
            expires_s: now.timestamp() + auth::ENROL_SECONDS,
            mail: NewMail {
                municipality_id: s.municipality,
                to: email.clone(),
                subject: ja.enrol_mail_subject.to_owned(),
                body: format!(
                    "{}\n\n----\n\n{}",
                    (ja.enrol_mail_body)(name, &origin, &code),
                    (en.enrol_mail_body)(name, &origin, &code)
                ),
                ics: None,
            },
        };
        self.store
            .create_account(
                &NewAccount {
                    municipality_id: s.municipality,
                    email: email.clone(),
                    display_name: name.to_owned(),
                    password_hash: hash,
                    role: Some(role),
                    totp_secret: None,
                    facilities,
                    departments,
                    enrolment: Some(enrolment),
                    installation_admin: false,
                },
                now,
                Some(&e),
            )
            .await
            .map_err(|e| match e {
                store::AccountError::EmailTaken => AppError::Auth(AuthError::EmailTaken),
                store::AccountError::NotFound => AppError::Auth(AuthError::Forbidden),
                store::AccountError::Store(e) => e.into(),
            })?;
        self.mailer.wake();
        Ok(email)
    }

    /// Clears a member's lost second factor (audited) and ends their
    /// sessions: they sign in with their password and set up a new one. An
    /// administrator's is not cleared (administrators always have one):
    /// change their role first.
    pub async fn reset_staff_totp(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let s = actor.admin()?;
        let target = self.own_staff(&s, id).await?;
        if target.row.id == s.id || target.row.role == Some(Role::Admin) {
            return Err(AppError::Auth(AuthError::AdminNeedsTotp));
        }
        if target.row.totp_secret.is_none() {
            // Nothing to reset; sessions stay as they are.
            return Ok(());
        }
        let mut e = entry(
            &s,
            domain::status::AuditAction::AccountTotpReset,
            format!("account:{id}"),
            self.now(),
        );
        e.before = Some(serde_json::json!({ "totp": target.row.totp_secret.is_some() }));
        e.after = Some(serde_json::json!({ "totp": false }));
        Ok(self.store.reset_totp(id, &e).await?)
    }

    /// A role and its scope as the admin's form sent them: facilities and
    /// departments of the admin's own town only, and only those the role
    /// uses (an admin's scope is the whole town).
    async fn checked_scope(
        &self,
        s: Admin<'_>,
        role: &str,
        facilities: &[String],
        departments: &[String],
    ) -> Result<(Role, Vec<i64>, Vec<i64>), AppError> {
        let role: Role = role.parse().map_err(|_| invalid(Field::Role))?;
        let ids = |raw: &[String]| -> Result<Vec<i64>, AppError> {
            raw.iter()
                .map(|x| x.trim().parse::<i64>().map_err(|_| invalid(Field::Scope)))
                .collect()
        };
        let (mut facilities, mut departments) = (ids(facilities)?, ids(departments)?);
        facilities.sort_unstable();
        facilities.dedup();
        departments.sort_unstable();
        departments.dedup();
        let own: Vec<i64> = self
            .facilities_of(s.into())
            .await?
            .iter()
            .map(|f| f.id.0)
            .collect();
        let own_departments: Vec<i64> = self
            .store
            .departments(s.municipality)
            .await?
            .iter()
            .map(|d| d.id)
            .collect();
        if facilities.iter().any(|f| !own.contains(f))
            || departments.iter().any(|d| !own_departments.contains(d))
        {
            return Err(AppError::Auth(AuthError::Forbidden));
        }
        match role {
            Role::Admin => {
                facilities.clear();
                departments.clear();
            }
            Role::FacilityManager => departments.clear(),
            Role::CounterStaff => facilities.clear(),
        }
        Ok((role, facilities, departments))
    }

    /// A staff account of the admin's town, or 403 (never another town's).
    async fn own_staff(&self, s: &Staff, id: i64) -> Result<store::AccountRecord, AppError> {
        self.store
            .account(id)
            .await?
            .filter(|a| {
                a.row.municipality_id == s.municipality
                    && a.row.kind == domain::status::AccountKind::Staff
            })
            .ok_or(AppError::Auth(AuthError::Forbidden))
    }

    /// Changes a member's role and scope (audited, before and after). The
    /// change applies from their next request. An admin cannot change their
    /// own role, and only a member with a second factor can become admin.
    pub async fn update_staff_role(
        &self,
        actor: &Actor,
        id: i64,
        role: &str,
        facilities: &[String],
        departments: &[String],
    ) -> Result<(), AppError> {
        let s = actor.admin()?;
        let target = self.own_staff(&s, id).await?;
        if target.row.id == s.id {
            return Err(AppError::Auth(AuthError::Forbidden));
        }
        let (role, facilities, departments) =
            self.checked_scope(s, role, facilities, departments).await?;
        if role == Role::Admin && target.row.totp_secret.is_none() {
            return Err(AppError::Auth(AuthError::AdminNeedsTotp));
        }
        let mut e = entry(
            &s,
            domain::status::AuditAction::AccountRole,
            format!("account:{id}"),
            self.now(),
        );
        e.before = Some(serde_json::json!({
            "role": target.row.role, "facilities": target.facilities, "departments": target.departments,
        }));
        e.after = Some(serde_json::json!({
            "role": role.code(), "facilities": facilities, "departments": departments,
        }));
        self.store
            .update_staff(
                id,
                role.code(),
                target.row.active,
                &facilities,
                &departments,
                &e,
            )
            .await
            .map_err(|e| match e {
                store::AccountError::Store(e) => e.into(),
                _ => AppError::Auth(AuthError::Forbidden),
            })
    }

    /// The form to change one member's role and scope, filled in.
    pub async fn staff_edit(&self, actor: &Actor, id: i64) -> Result<StaffEdit, AppError> {
        let s = actor.admin()?;
        let target = self.own_staff(&s, id).await?;
        Ok(StaffEdit {
            id,
            email: target.row.email.clone(),
            name: target.row.display_name.clone(),
            role: target
                .row
                .role
                .map(|r| r.code().to_owned())
                .unwrap_or_default(),
            facilities: target.facilities.clone(),
            departments: target.departments.clone(),
            is_self: target.row.id == s.id,
        })
    }

    /// Turns a staff account off (its sessions end) or on again.
    pub async fn set_staff_active(
        &self,
        actor: &Actor,
        id: i64,
        active: bool,
    ) -> Result<(), AppError> {
        let s = actor.admin()?;
        let target = self.own_staff(&s, id).await?;
        if target.row.id == s.id {
            // An admin cannot lock themselves out.
            return Err(AppError::Auth(AuthError::Forbidden));
        }
        let mut e = entry(
            &s,
            domain::status::AuditAction::AccountUpdate,
            format!("account:{id}"),
            self.now(),
        );
        e.before = Some(serde_json::json!({ "active": target.row.active }));
        e.after = Some(serde_json::json!({ "active": active }));
        self.store
            .update_staff(
                id,
                target.row.role.unwrap_or(Role::CounterStaff).code(),
                active,
                &target.facilities,
                &target.departments,
                &e,
            )
            .await
            .map_err(|e| match e {
                store::AccountError::Store(e) => e.into(),
                _ => AppError::Auth(AuthError::Forbidden),
            })
    }

    /// Changes the signed-in member's own password; every session of the
    /// account ends (this one too).
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
    ) -> Result<(), AppError> {
        let (id, municipality, email) = match actor {
            Actor::Staff(s) => (s.id, s.municipality, s.email.clone()),
            Actor::Resident {
                id,
                municipality,
                email,
                ..
            } => (*id, *municipality, email.clone()),
            Actor::Anonymous => return Err(AppError::Auth(AuthError::SignInRequired)),
        };
        auth::check_new_password(new)?;
        let account = self
            .store
            .account(id)
            .await?
            .ok_or(AppError::Auth(AuthError::SignInRequired))?;
        let (hash, current) = (account.row.password_hash.clone(), current.to_owned());
        let ok = tokio::task::spawn_blocking(move || auth::verify_password(&hash, &current))
            .await
            .unwrap_or(false);
        if !ok {
            return Err(AppError::Auth(AuthError::WrongCurrentPassword));
        }
        let new = new.to_owned();
        let hash = tokio::task::spawn_blocking(move || auth::hash_password(&new))
            .await
            .map_err(|_| AppError::Unavailable)??;
        let now = self.now();
        let e = AuditEntry {
            municipality_id: municipality,
            actor: format!("account:{id} {email}"),
            action: domain::status::AuditAction::AccountPassword,
            target: format!("account:{id}"),
            before: None,
            after: Some(serde_json::json!({ "sessions": "ended" })),
            at: now,
        };
        self.store
            .set_password(id, &hash, now, Some(&e))
            .await
            .map_err(|e| match e {
                store::AccountError::Store(e) => e.into(),
                _ => AppError::Auth(AuthError::SignInRequired),
            })
    }
}
