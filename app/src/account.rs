//! Residents' accounts: registration, and "my bookings" in one place.
//! Booking stays possible without an account. A booking is listed in an
//! account when it was made while signed in, or when its owner adds it with
//! the reference and the e-mail or phone it was made with (the same proof as
//! the booking lookup). Nothing is matched by e-mail alone: addresses are
//! not verified, so that would show strangers' bookings.

use domain::error::{DomainError, Field, InvalidReason};
use domain::view::Lang;

use crate::account_view::{MyBookingLine, MyPage};
use crate::auth::{self, Actor};
use crate::console_view::Flash;
use crate::error::{AppError, AuthError};
use crate::service::AppState;
use crate::session::Ctx;

const NAME_MAX: usize = 100;

fn invalid(field: Field) -> AppError {
    AppError::Domain(DomainError::invalid(field, InvalidReason::Malformed))
}

/// What registration was given.
pub struct Registration<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub password: &'a str,
    pub password_confirm: &'a str,
}

impl AppState {
    /// Creates a resident account and signs it in (throttled like sign-in).
    pub async fn register_resident(
        &self,
        c: &Ctx,
        r: &Registration<'_>,
        address: Option<std::net::IpAddr>,
    ) -> Result<(), AppError> {
        let name = r.name.trim();
        if name.is_empty() || name.chars().count() > NAME_MAX {
            return Err(invalid(Field::Name));
        }
        let email =
            domain::applicant::normalize_email(r.email).map_err(|_| invalid(Field::Email))?;
        auth::check_new_password(r.password)?;
        if r.password != r.password_confirm {
            return Err(AppError::Auth(AuthError::PasswordMismatch));
        }
        auth::throttle(self, &format!("register:{email}"), address).await?;
        let password = r.password.to_owned();
        let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
            .await
            .map_err(|_| AppError::Unavailable)??;
        let municipality = self.default_municipality().await?;
        let new = store::NewAccount {
            municipality_id: municipality,
            email,
            display_name: name.to_owned(),
            password_hash: hash,
            role: None,
            totp_secret: None,
            facilities: Vec::new(),
            departments: Vec::new(),
        };
        let account = self
            .store
            .create_account(&new, self.now(), None)
            .await
            .map_err(|e| match e {
                store::AccountError::EmailTaken => AppError::Auth(AuthError::EmailTaken),
                store::AccountError::NotFound => AppError::Auth(AuthError::Forbidden),
                store::AccountError::Store(e) => e.into(),
            })?;
        tracing::info!(account = account.row.id, "resident registered");
        auth::sign_in_new(self, c, &account).await
    }

    /// The signed-in resident's bookings, upcoming and past.
    pub async fn my_page(
        &self,
        actor: &Actor,
        lang: Lang,
        flash: Option<Flash>,
        reference: String,
    ) -> Result<MyPage, AppError> {
        let id = actor.resident()?;
        let Actor::Resident { name, email, .. } = actor else {
            return Err(AppError::Auth(AuthError::Forbidden));
        };
        let now = self.now();
        let mut upcoming = Vec::new();
        let mut past = Vec::new();
        for row in self.store.account_bookings(id).await? {
            let Some(fid) = self
                .store
                .unit_facility(domain::ids::UnitId(row.unit_id))
                .await?
            else {
                continue;
            };
            let Some(f) = self.store.facility(fid).await? else {
                continue;
            };
            let Some(i) = f.units.iter().position(|u| u.id.0 == row.unit_id) else {
                continue;
            };
            let l = self.line(&row, &f, i, lang);
            let line = MyBookingLine {
                href: format!("/bookings/{}", l.reference),
                reference: l.reference,
                facility: l.facility,
                unit: l.unit,
                when: l.when,
                status_label: l.status_label,
            };
            if row.end_at > now {
                upcoming.push(line);
            } else {
                past.push(line);
            }
        }
        past.reverse();
        Ok(MyPage {
            name: name.clone(),
            email: email.clone(),
            upcoming,
            past,
            flash,
            reference,
        })
    }

    /// Adds a booking to the signed-in resident's account, given the proof
    /// the booking lookup asks for.
    pub async fn link_my_booking(
        &self,
        actor: &Actor,
        reference: &str,
        contact: &str,
    ) -> Result<String, AppError> {
        let id = actor.resident()?;
        let record = self.find_booking(reference, contact).await?;
        if !self.store.link_booking(record.row.id, id).await? {
            // Another account has it: say no more than for a wrong reference.
            return Err(AppError::Domain(DomainError::NotFound(
                domain::error::Missing::Booking,
            )));
        }
        Ok(record.row.reference)
    }

    /// Whether the signed-in resident's account lists this booking.
    pub fn owns(actor: &Actor, account_id: Option<i64>) -> bool {
        matches!(actor, Actor::Resident { id, .. } if Some(*id) == account_id)
    }
}
