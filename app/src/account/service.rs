//! Residents' accounts: registration, and "my bookings" in one place.
//! Registration proves the address: the account is made only with the
//! code mailed to it, and the answer is the same whether or not the address
//! already has an account (its owner gets a mail saying so instead), so the
//! form reveals nobody's address.
//! Booking stays possible without an account. A booking is listed in an
//! account when it was made while signed in, or when its owner adds it with
//! the reference and the e-mail or phone it was made with (the same proof as
//! the booking lookup). Nothing is matched by e-mail alone: addresses are
//! not verified, so that would show strangers' bookings.

use chrono::{DateTime, Utc};
use domain::error::{DomainError, Field, InvalidReason};
use domain::text::Lang;

use crate::account::types::{MyBookingLine, MyPage};
use crate::core::access::Actor;
use crate::core::auth;
use crate::core::error::{AppError, AuthError};
use crate::core::session::Ctx;
use crate::core::state::AppState;
use crate::core::types::Flash;

const NAME_MAX: usize = 100;

/// How long a mailed registration code lasts.
const CODE_SECONDS: i64 = 30 * 60;

/// Wrong codes before a registration must start again.
const CODE_TRIES: u32 = 5;

/// A registration waiting for its mailed code, kept in the session.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct PendingRegistration {
    municipality: i64,
    pub email: String,
    name: String,
    password_hash: String,
    /// SHA-256 of the code and the address; the code itself is only mailed.
    code_digest: String,
    expires_s: i64,
    tries: u32,
}

use crate::core::session::Key;

const PENDING: Key<PendingRegistration> = Key::new("registration");

fn code_digest(code: &str, email: &str) -> String {
    let code: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    store::digest(&["registration", &code, email])
}

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
    /// Starts a registration (throttled like sign-in): mails a code to the
    /// address, or, when it already has an account, a note to its owner.
    /// Either way the browser is asked for the code.
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
        let municipality = self.town_id().await?;
        let now = self.now();
        let exists = self
            .store
            .account_by_email(municipality, &email)
            .await?
            .is_some();
        let code = store::random_code()?;
        let (ja, en) = (
            crate::account::texts::texts(Lang::Ja),
            crate::account::texts::texts(Lang::En),
        );
        let body = if exists {
            format!("{}\n\n----\n\n{}", ja.mail_exists, en.mail_exists)
        } else {
            format!(
                "{}\n\n----\n\n{}",
                (ja.mail_code)(&code),
                (en.mail_code)(&code)
            )
        };
        self.store
            .outbox_add(
                store::NewMail {
                    municipality_id: municipality,
                    to: email.clone(),
                    subject: ja.mail_subject.to_owned(),
                    body,
                    ics: None,
                },
                now,
            )
            .await?;
        self.mailer.wake();
        let pending = PendingRegistration {
            municipality,
            // When the address has an account no code was mailed: a
            // random digest that no code matches keeps the flow the same.
            code_digest: if exists {
                store::random_key()?
            } else {
                code_digest(&code, &email)
            },
            email,
            name: name.to_owned(),
            password_hash: hash,
            expires_s: now.timestamp() + CODE_SECONDS,
            tries: 0,
        };
        c.cycle().await?;
        c.set(PENDING, &pending).await
    }

    /// The address a registration in this session waits on, if any.
    pub async fn pending_registration(&self, c: &Ctx) -> Result<Option<String>, AppError> {
        Ok(c.get(PENDING).await?.map(|p| p.email))
    }

    /// Finishes the registration with the mailed code: creates the account
    /// and signs it in.
    pub async fn confirm_registration(&self, c: &Ctx, code: &str) -> Result<(), AppError> {
        let Some(mut p) = c.get(PENDING).await? else {
            return Err(AppError::Auth(AuthError::RegistrationLapsed));
        };
        if self.now().timestamp() > p.expires_s || p.tries >= CODE_TRIES {
            c.take(PENDING).await?;
            return Err(AppError::Auth(AuthError::RegistrationLapsed));
        }
        if code_digest(code, &p.email) != p.code_digest {
            p.tries += 1;
            c.set(PENDING, &p).await?;
            return Err(AppError::Auth(AuthError::BadMailedCode));
        }
        c.take(PENDING).await?;
        let new = store::NewAccount {
            municipality_id: p.municipality,
            email: p.email,
            display_name: p.name,
            password_hash: p.password_hash,
            role: None,
            totp_secret: None,
            facilities: Vec::new(),
            departments: Vec::new(),
            enrolment: None,
            installation_admin: false,
        };
        let account = self
            .store
            .create_account(&new, self.now(), None)
            .await
            .map_err(|e| match e {
                // Registered meanwhile (another browser with the same code).
                store::AccountError::EmailTaken => AppError::Auth(AuthError::RegistrationLapsed),
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
        // (start, end, line) of bookings and visits, sorted below.
        let mut lines = Vec::new();
        for row in self.store.account_bookings(id.account()).await? {
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
                href: self.at(&format!("/bookings/{}", l.reference)),
                reference: l.reference,
                facility: l.facility,
                unit: l.unit,
                when: l.when,
                status_label: l.status_label,
            };
            lines.push((row.start_at, row.end_at, line));
        }
        lines.extend(self.my_visit_lines(actor, lang).await?);
        lines.sort_by_key(|(start, _, _)| *start);
        let (upcoming, mut past): (Vec<_>, Vec<_>) =
            lines.into_iter().partition(|(_, end, _)| *end > now);
        past.reverse();
        let strip = |v: Vec<(_, _, MyBookingLine)>| v.into_iter().map(|(_, _, l)| l).collect();
        let (upcoming, past) = (strip(upcoming), strip(past));
        Ok(MyPage {
            name: name.clone(),
            email: email.clone(),
            upcoming,
            past,
            flash,
            reference,
        })
    }

    /// The visits the resident booked while signed in: (start, end, line).
    async fn my_visit_lines(
        &self,
        actor: &Actor,
        lang: Lang,
    ) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>, MyBookingLine)>, AppError> {
        let Actor::Resident {
            id, municipality, ..
        } = actor
        else {
            return Ok(Vec::new());
        };
        let visits = self
            .store
            .own_visits(Some(*id), None, DateTime::<Utc>::UNIX_EPOCH)
            .await?;
        if visits.is_empty() {
            return Ok(Vec::new());
        }
        let (_, tz) = self.town().await?;
        let procedures = self.store.procedures(*municipality).await?;
        let name = |pid: i64| {
            procedures
                .iter()
                .find(|(p, _)| p.id == pid)
                .map(|(p, _)| match lang {
                    Lang::Ja => p.name_ja.clone(),
                    Lang::En => p.name_en.clone(),
                })
                .unwrap_or_default()
        };
        let t = crate::account::texts::texts(lang);
        Ok(visits
            .iter()
            .filter(|v| v.row.municipality_id == *municipality)
            .filter_map(|v| {
                let start = v.items.iter().map(|i| i.start_at).min()?;
                let end = v.items.iter().map(|i| i.end_at).max()?;
                let line = MyBookingLine {
                    reference: v.row.reference.clone(),
                    facility: t.visit.to_owned(),
                    unit: v
                        .items
                        .iter()
                        .map(|i| name(i.procedure_id))
                        .collect::<Vec<_>>()
                        .join("・"),
                    when: crate::core::time::when_text(lang, start, end, tz),
                    status_label: crate::visits::texts::status_text(lang, v.row.status).to_owned(),
                    href: self.at(&format!("/visits/appointments/{}", v.row.reference)),
                };
                Some((start, end, line))
            })
            .collect())
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
        if !self.store.link_booking(record.row.id, id.account()).await? {
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
