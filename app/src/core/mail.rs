//! Outbound e-mail (lettre over SMTP) from the `outbox` table.
//!
//! A mail is written into the outbox in the same transaction as the change
//! it reports (see `store::outbox`), so nothing committed goes unreported.
//! One worker per process sends what is due: it claims a mail for a lease,
//! sends it, and records the outcome; a failure is tried again with backoff
//! (5 s, 30 s, 2 min, 10 min, then hourly, twelve times in all; a refusal
//! for good is not retried), across restarts, since the outbox is in the
//! database. A process that dies holding a claim leaves the mail to the
//! others (or to itself, restarted) once the one-minute lease runs out. A claim is conditional, so
//! two processes never send the same mail; a process killed between the
//! SMTP server's answer and recording it would send that one mail again
//! after the lease, with the same `Message-ID`, which mail servers use to
//! drop the copy. Shutdown waits for the send in flight.
//!
//! Without an SMTP server (`TOWN_SMTP_HOST` unset) no worker runs: mail
//! waits in the outbox, which admins read in the console, and goes out once
//! a server is configured. The log says only that a mail waits or failed,
//! never to whom or what.

use std::sync::Arc;

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

#[derive(Clone)]
pub struct Mailer {
    transport: Option<Arc<AsyncSmtpTransport<Tokio1Executor>>>,
    from: Option<Mailbox>,
    /// Wakes the worker when a change has committed new mail.
    wake: Arc<tokio::sync::Notify>,
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

/// How long a claimed mail stays with the process sending it. A send is
/// cut off well within it (`SEND_TIMEOUT`), so no live process still holds
/// a mail whose lease ran out; a mail claimed by a process that died waits
/// this long before another takes it.
const LEASE_SECONDS: i64 = 60;

/// The whole of one send, every SMTP command included.
const SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(40);

/// How often the worker looks for due mail without being woken (retries,
/// and mail another process wrote).
const POLL: std::time::Duration = std::time::Duration::from_secs(5);

impl Mailer {
    /// No SMTP server: mails wait in the outbox.
    pub fn outbox_only() -> Mailer {
        Mailer {
            transport: None,
            from: None,
            wake: Default::default(),
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
            wake: Default::default(),
        })
    }

    /// Tells the worker that a committed change left mail in the outbox.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Starts the worker (when an SMTP server is configured). It stops once
    /// `stop` turns true, after the mail it is sending.
    pub fn spawn_worker(
        &self,
        store: Store,
        clock: crate::core::time::Clock,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> Option<tokio::task::JoinHandle<()>> {
        let (transport, from) = (self.transport.clone()?, self.from.clone()?);
        let wake = self.wake.clone();
        Some(tokio::spawn(async move {
            loop {
                loop {
                    if *stop.borrow() {
                        return;
                    }
                    match store.outbox_claim(clock(), LEASE_SECONDS).await {
                        Ok(Some(row)) => deliver(&store, &transport, &from, row, &clock).await,
                        Ok(None) => break,
                        Err(e) => {
                            tracing::error!(error = %e, "outbox: could not claim mail");
                            break;
                        }
                    }
                }
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(POLL) => {}
                    changed = stop.changed() => if changed.is_err() {
                        return;
                    }
                }
            }
        }))
    }
}

/// Sends one claimed mail and records the outcome.
async fn deliver(
    store: &Store,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    row: outbox::Model,
    clock: &crate::core::time::Clock,
) {
    let outcome = match build(from, &row) {
        Ok(message) => match tokio::time::timeout(SEND_TIMEOUT, transport.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            // A refusal for good (a bad address, say) is not tried again.
            Ok(Err(e)) if e.is_permanent() => Err((smtp_error(&e), store::outbox::MAX_ATTEMPTS)),
            Ok(Err(e)) => Err((smtp_error(&e), row.attempts)),
            Err(_) => Err(("the SMTP server took too long".to_owned(), row.attempts)),
        },
        Err(e) => Err((e, store::outbox::MAX_ATTEMPTS)),
    };
    let now = clock();
    let recorded = match &outcome {
        Ok(()) => store.outbox_sent(row.id, now).await,
        Err((why, attempts)) => {
            tracing::warn!(outbox_id = row.id, attempt = row.attempts, reason = %why, "mail not sent");
            store.outbox_failed(row.id, why, *attempts, now).await
        }
    };
    if let Err(e) = recorded {
        tracing::error!(outbox_id = row.id, error = %e, "outbox: could not record a send");
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

fn build(from: &Mailbox, mail: &outbox::Model) -> Result<Message, String> {
    let to: Mailbox = mail
        .to_addr
        .parse()
        .map_err(|_| "the recipient address is not valid".to_owned())?;
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone());
    // The same id on every attempt: a copy sent twice is recognisable.
    let domain = from.email.domain().to_owned();
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .message_id(Some(format!(
            "<outbox-{}-{}@{domain}>",
            mail.id,
            mail.created_at.timestamp()
        )))
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
