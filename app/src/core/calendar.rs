//! Bookings and visit appointments as calendar events: the one place their
//! UID, SEQUENCE, status and wording are decided, used by the feeds, the
//! single `.ics` downloads and the mails' attachments, so a downloaded
//! event and a subscribed one are the same event.

use chrono::{DateTime, Utc};
use domain::status::{AppointmentStatus, BookingKind, BookingStatus};
use domain::text::Lang;
use store::feeds::FeedBooking;
use store::{AppointmentRecord, FacilityRecord};

use crate::core::ics::{EventStatus, IcsEvent};

struct EventTexts {
    pub booked: &'static str,
    pub pending: &'static str,
    pub blocked: &'static str,
    pub cancelled: &'static str,
    pub visit: &'static str,
    pub reference: &'static str,
    pub status: &'static str,
    pub user: &'static str,
    pub purpose: &'static str,
    pub attendees: &'static str,
    pub phone: &'static str,
    pub email: &'static str,
    pub procedure: &'static str,
    pub staff: &'static str,
    pub online: &'static str,
    pub status_confirmed: &'static str,
    pub status_pending: &'static str,
    pub status_cancelled: &'static str,
}

static JA: EventTexts = EventTexts {
    booked: "予約あり",
    pending: "仮予約",
    blocked: "使用不可",
    cancelled: "取消し",
    visit: "来庁予約",
    reference: "受付番号",
    status: "状態",
    user: "利用者",
    purpose: "利用目的",
    attendees: "人数",
    phone: "電話",
    email: "メール",
    procedure: "手続き",
    staff: "担当",
    online: "オンライン相談",
    status_confirmed: "確定",
    status_pending: "仮予約（承認・支払い待ち）",
    status_cancelled: "取消し",
};

static EN: EventTexts = EventTexts {
    booked: "Booked",
    pending: "Provisional",
    blocked: "Not available",
    cancelled: "Cancelled",
    visit: "Town hall visit",
    reference: "Reference",
    status: "Status",
    user: "Booked by",
    purpose: "Purpose",
    attendees: "People",
    phone: "Phone",
    email: "E-mail",
    procedure: "Procedure",
    staff: "Staff",
    online: "Online consultation",
    status_confirmed: "Confirmed",
    status_pending: "Provisional (waiting for approval or payment)",
    status_cancelled: "Cancelled",
};

fn texts(lang: Lang) -> &'static EventTexts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// The domain part of every UID (stable whatever host serves the feed).
const UID_HOST: &str = "town-booking";

/// A booking's UID: the same in every feed and in its `.ics` file. Made of
/// its row id, never its reference (which, with a contact, opens it).
pub fn booking_uid(id: i64) -> String {
    format!("booking-{id}@{UID_HOST}")
}

/// A visit appointment's UID (its row id, as for bookings).
pub fn visit_uid(id: i64) -> String {
    format!("visit-{id}@{UID_HOST}")
}

/// How much of a booking an event tells.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Unit, time and status only.
    Busy,
    /// The booking's owner: facility, reference, status.
    Owner,
    /// Staff: purpose, group, reference, attendees and contact.
    Staff,
}

/// The SEQUENCE and state of a booking as calendars see it now: a pending
/// booking that lapsed counts as one more change (it is cancelled).
fn booking_state(r: &FeedBooking, now: DateTime<Utc>) -> (i64, EventStatus) {
    let status = r.status.at(r.expires_at, now);
    let lapsed = status == BookingStatus::Expired && r.status == BookingStatus::Pending;
    let sequence = r.sequence + i64::from(lapsed);
    let ev = match status {
        BookingStatus::Pending => EventStatus::Tentative,
        BookingStatus::Confirmed => EventStatus::Confirmed,
        BookingStatus::Cancelled | BookingStatus::Expired => EventStatus::Cancelled,
    };
    (sequence, ev)
}

/// A cancelled event's summary says so in words (calendars show the status
/// differently, some not at all).
fn cancelled(lang: Lang, summary: &str) -> String {
    let t = texts(lang);
    match lang {
        Lang::Ja => format!("{summary}（{}）", t.cancelled),
        Lang::En => format!("{summary} ({})", t.cancelled),
    }
}

fn status_text(t: &EventTexts, s: EventStatus) -> &'static str {
    match s {
        EventStatus::Confirmed => t.status_confirmed,
        EventStatus::Tentative => t.status_pending,
        EventStatus::Cancelled => t.status_cancelled,
    }
}

/// One booking as an event: the same UID and SEQUENCE in every feed and in
/// the booking's own `.ics` file.
pub fn booking_event(
    f: &FacilityRecord,
    r: &FeedBooking,
    detail: Detail,
    lang: Lang,
    now: DateTime<Utc>,
) -> IcsEvent {
    let t = texts(lang);
    let unit = f
        .units
        .iter()
        .find(|u| u.id.0 == r.unit_id)
        .map(|u| u.name.get(lang))
        .unwrap_or_default();
    let facility = f.name.get(lang);
    let (sequence, status) = booking_state(r, now);
    let block = r.kind == BookingKind::Block;
    let what = if block {
        t.blocked
    } else if status == EventStatus::Tentative {
        t.pending
    } else {
        t.booked
    };
    let mut summary = match detail {
        Detail::Busy => format!("{facility} {unit} {what}"),
        Detail::Owner => format!("{facility} {unit}"),
        Detail::Staff if block => format!("{unit} {what}"),
        Detail::Staff => format!("{unit} {}", r.name),
    };
    if status == EventStatus::Cancelled {
        summary = cancelled(lang, &summary);
    }
    let mut lines = Vec::new();
    if detail != Detail::Busy && !block {
        lines.push(format!("{}: {}", t.reference, r.reference));
    }
    lines.push(format!("{}: {}", t.status, status_text(t, status)));
    if detail == Detail::Staff && !block {
        lines.push(format!("{}: {}", t.user, r.name));
        if !r.purpose.is_empty() {
            lines.push(format!("{}: {}", t.purpose, r.purpose));
        }
        lines.push(format!("{}: {}", t.attendees, r.attendees));
        lines.push(format!("{}: {}", t.phone, r.phone));
        lines.push(format!("{}: {}", t.email, r.email));
    }
    let modified = r
        .modified_s
        .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
        .unwrap_or(r.created_at);
    IcsEvent {
        uid: booking_uid(r.id),
        sequence,
        created: r.created_at,
        modified,
        start: r.start_at,
        end: r.end_at,
        summary,
        location: if detail == Detail::Busy {
            String::new()
        } else {
            format!("{facility} {unit} {}", f.address.get(lang))
        },
        description: lines.join("\n"),
        status,
    }
}

/// One visit appointment as an event (its items in the feed's scope, first
/// to last); `None` without items. Busy: "a visit", nothing more (the
/// procedure could say something personal).
pub fn visit_event(
    v: &AppointmentRecord,
    detail: Detail,
    lang: Lang,
    procedure: &dyn Fn(i64) -> String,
    staff: &dyn Fn(i64) -> String,
) -> Option<IcsEvent> {
    let t = texts(lang);
    let start = v.items.iter().map(|i| i.start_at).min()?;
    let end = v.items.iter().map(|i| i.end_at).max()?;
    let status = if v.row.status == AppointmentStatus::Cancelled {
        EventStatus::Cancelled
    } else {
        EventStatus::Confirmed
    };
    let procedures: Vec<String> = v.items.iter().map(|i| procedure(i.procedure_id)).collect();
    let mut summary = if detail != Detail::Busy {
        format!("{} {}", t.visit, procedures.join("・"))
    } else {
        t.visit.to_owned()
    };
    if status == EventStatus::Cancelled {
        summary = cancelled(lang, &summary);
    }
    let mut lines = Vec::new();
    if detail != Detail::Busy {
        lines.push(format!("{}: {}", t.reference, v.row.reference));
        for i in &v.items {
            lines.push(format!(
                "{}: {} / {}: {}",
                t.procedure,
                procedure(i.procedure_id),
                t.staff,
                staff(i.staff_id)
            ));
        }
        if v.row.mode == "online" {
            lines.push(t.online.to_owned());
        }
    }
    lines.push(format!("{}: {}", t.status, status_text(t, status)));
    if detail == Detail::Staff {
        lines.push(format!("{}: {}", t.user, v.row.name));
        lines.push(format!("{}: {}", t.phone, v.row.phone));
        lines.push(format!("{}: {}", t.email, v.row.email));
    }
    let modified = v
        .row
        .modified_s
        .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
        .unwrap_or(v.row.created_at);
    Some(IcsEvent {
        uid: visit_uid(v.row.id),
        sequence: v.row.sequence,
        created: v.row.created_at,
        modified,
        start,
        end,
        summary,
        location: String::new(),
        description: lines.join("\n"),
        status,
    })
}
