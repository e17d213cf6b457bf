//! Outbound e-mail (lettre over SMTP). Every mail is written to the
//! `outbox` table: with its send time when the SMTP server took it, or
//! unsent (with the reason) when no server is configured or it refused.
//! Admins read the outbox in the console; the log says only that a mail
//! waits there, never to whom or what.
//!
//! Sending happens after the change is committed, on a background task,
//! so a slow mail server never holds up a booking.

use std::sync::Arc;

use chrono::Utc;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use store::Store;
use store::entity::outbox;

/// How to reach the SMTP server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsMode {
    /// STARTTLS on the submission port (the default).
    StartTls,
    /// TLS from the first byte (port 465).
    Wrapper,
    /// Plain text: only for a server on this machine (tests, a local relay).
    None,
}

/// SMTP settings (from `TOWN_SMTP_*`).
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub user: Option<String>,
    pub password: Option<String>,
    pub from: String,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .finish()
    }
}

/// One mail to send.
#[derive(Clone, Debug)]
pub struct Mail {
    pub municipality_id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// A calendar file to attach (`booking.ics`).
    pub ics: Option<String>,
}

#[derive(Clone)]
pub struct Mailer {
    transport: Option<Arc<AsyncSmtpTransport<Tokio1Executor>>>,
    from: Option<Mailbox>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.transport.is_some() {
            "Mailer(smtp)"
        } else {
            "Mailer(outbox only)"
        })
    }
}

impl Mailer {
    /// No SMTP server: mails wait in the outbox.
    pub fn outbox_only() -> Mailer {
        Mailer {
            transport: None,
            from: None,
        }
    }

    /// Sends through the configured server.
    pub fn smtp(c: &SmtpConfig) -> Result<Mailer, String> {
        let from: Mailbox = c
            .from
            .parse()
            .map_err(|e| format!("TOWN_MAIL_FROM is not an address: {e}"))?;
        let tls = || TlsParameters::new(c.host.clone()).map_err(|e| e.to_string());
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&c.host)
            .port(c.port)
            .tls(match c.tls {
                TlsMode::StartTls => Tls::Required(tls()?),
                TlsMode::Wrapper => Tls::Wrapper(tls()?),
                TlsMode::None => Tls::None,
            })
            .timeout(Some(std::time::Duration::from_secs(20)));
        if let (Some(u), Some(p)) = (&c.user, &c.password) {
            builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
        }
        Ok(Mailer {
            transport: Some(Arc::new(builder.build())),
            from: Some(from),
        })
    }

    /// Sends in the background; the outcome lands in the outbox.
    pub fn send_later(&self, store: &Store, mail: Mail) {
        let (mailer, store) = (self.clone(), store.clone());
        tokio::spawn(async move { mailer.send(&store, mail).await });
    }

    /// Sends now and records the mail in the outbox.
    pub async fn send(&self, store: &Store, mail: Mail) {
        let outcome = match (&self.transport, &self.from) {
            (Some(t), Some(from)) => match build(from, &mail) {
                Ok(message) => t
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| smtp_error(&e)),
                Err(e) => Err(e),
            },
            _ => Err("no SMTP server configured".to_owned()),
        };
        let row = outbox::Model {
            id: 0,
            municipality_id: mail.municipality_id,
            to_addr: mail.to,
            subject: mail.subject,
            body: mail.body,
            ics: mail.ics,
            created_at: Utc::now(),
            sent_at: outcome.is_ok().then(Utc::now),
            last_error: outcome.as_ref().err().cloned(),
        };
        match (store.outbox_insert(&row).await, outcome) {
            (Ok(_), Ok(())) => {}
            (Ok(id), Err(why)) => {
                tracing::warn!(outbox_id = id, reason = %why, "mail kept in the outbox")
            }
            (Err(e), _) => tracing::error!(error = %e, "could not record a mail in the outbox"),
        }
    }
}

/// An SMTP failure without the addresses it may quote.
fn smtp_error(e: &lettre::transport::smtp::Error) -> String {
    if e.is_permanent() {
        "the SMTP server refused the mail".into()
    } else if e.is_transient() {
        "the SMTP server asked to try later".into()
    } else {
        "could not reach the SMTP server".into()
    }
}

fn build(from: &Mailbox, mail: &Mail) -> Result<Message, String> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|_| "the recipient address is not valid".to_owned())?;
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone());
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone());
    let message = match &mail.ics {
        Some(ics) => builder.multipart(MultiPart::mixed().singlepart(text).singlepart(
            Attachment::new("booking.ics".to_owned()).body(
                ics.clone(),
                ContentType::parse("text/calendar; charset=utf-8").map_err(|e| e.to_string())?,
            ),
        )),
        None => builder.singlepart(text),
    };
    message.map_err(|e| e.to_string())
}
