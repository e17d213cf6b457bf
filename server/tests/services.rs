//! Rules stated against the services themselves, with no HTTP in between:
//! the state every server shares (`app::core::state::AppState`) over a
//! fresh database with the demo town, on a clock the test moves. Who may
//! use a console service; the cancellation deadline; a pending hold that
//! lapses; one slot booked twice at once. The same rules as seen through
//! the router are in `bookings.rs`, `bookings_rules.rs` and
//! `console_authz.rs`.

use crate::common;
use crate::common::fixtures::request;
use crate::common::{Services, services};
use app::booking::input::BookingInput;
use app::core::access::{Actor, Staff};
use app::core::error::{AppError, AuthError};
use chrono::NaiveDate;
use domain::availability::SlotStatus;
use domain::calendar::DateRange;
use domain::error::{Conflict, DomainError};
use domain::ids::{FacilityId, UnitId};
use domain::status::{BookingStatus, Role};
use domain::text::Lang;
use domain::view::FacilitySummary;
use store::testing::TestDb;

/// The facility holding the unit called `name`, and that unit's id.
async fn unit(s: &Services, name: &str) -> (FacilitySummary, UnitId) {
    let facilities = s.state.facilities(Lang::Ja).await.unwrap();
    for f in facilities {
        if let Some(u) = f.units.iter().find(|u| u.name == name) {
            let id = u.id;
            return (f, id);
        }
    }
    panic!("no unit {name}");
}

fn date(d: &str) -> NaiveDate {
    d.parse().unwrap()
}

/// The status of each slot of a unit between two local dates, as the
/// availability service reports it: (start, end, status), times in RFC 3339.
async fn slots(
    s: &Services,
    facility: FacilityId,
    unit: UnitId,
    from: &str,
    to: &str,
) -> Vec<(String, String, SlotStatus)> {
    let range = DateRange::new(date(from), date(to)).unwrap();
    let a = s
        .state
        .availability(facility, range, Lang::Ja)
        .await
        .unwrap();
    a.units
        .into_iter()
        .find(|u| u.id == unit)
        .unwrap()
        .slots
        .into_iter()
        .map(|v| (v.start.to_rfc3339(), v.end.to_rfc3339(), v.status))
        .collect()
}

/// The first free slot of a unit between two local dates.
async fn first_free(
    s: &Services,
    facility: FacilityId,
    unit: UnitId,
    from: &str,
    to: &str,
) -> (String, String) {
    slots(s, facility, unit, from, to)
        .await
        .into_iter()
        .find(|(_, _, status)| *status == SlotStatus::Free)
        .map(|(start, end, _)| (start, end))
        .expect("a free slot")
}

/// The status the availability service gives the slot starting at `start`.
async fn status_at(s: &Services, facility: FacilityId, unit: UnitId, start: &str) -> SlotStatus {
    let day = &start[..10];
    slots(s, facility, unit, day, day)
        .await
        .into_iter()
        .find(|(st, _, _)| st == start)
        .map(|(_, _, status)| status)
        .unwrap()
}

/// The booking request of resident `n` for one slot, as the API reads it.
fn input(unit: UnitId, start: &str, end: &str, n: usize) -> BookingInput {
    BookingInput::from_json(&request(unit.0, start, end, n)).unwrap()
}

/// A staff member as a signed-in session carries them.
fn staff(id: i64, municipality: i64, role: Role, facilities: Vec<i64>) -> Actor {
    Actor::Staff(Staff {
        id,
        municipality,
        email: format!("staff{id}@town.example"),
        name: format!("staff {id}"),
        role,
        facilities,
        departments: vec![],
        has_totp: role == Role::Admin,
        installation_admin: false,
    })
}

fn conflict(e: &AppError) -> Option<&Conflict> {
    match e {
        AppError::Domain(DomainError::Conflict(c)) => Some(c),
        _ => None,
    }
}

/// A facility manager may export the bookings of their own facility and
/// no other; an administrator of another town none of this town's; counter
/// staff none; without a sign-in, nobody. Refusals are 403 (401 without a
/// sign-in) and leave no trace in the audit log; each export allowed
/// leaves one.
#[tokio::test]
async fn console_services_refuse_facilities_outside_the_actors_scope() {
    let s = services(TestDb::sqlite().await).await;
    let town: Vec<_> = s
        .store
        .facilities()
        .await
        .unwrap()
        .into_iter()
        .filter(|f| f.municipality.0 == 1)
        .collect();
    assert!(town.len() >= 2, "the demo town has several facilities");
    let (own, other) = (town[0].id, town[1].id);
    let manager = staff(901, 1, Role::FacilityManager, vec![own.0]);
    let admin = staff(902, 1, Role::Admin, vec![]);
    let foreign_admin = staff(903, 2, Role::Admin, vec![]);
    let counter = staff(904, 1, Role::CounterStaff, vec![]);
    let (from, to) = (date("2026-12-01"), date("2026-12-31"));
    let export = |actor: &Actor, facility: FacilityId| {
        let (state, actor) = (s.state.clone(), actor.clone());
        async move { state.export_csv(&actor, facility, from, to, Lang::Ja).await }
    };
    let forbidden = AppError::Auth(AuthError::Forbidden);

    let csv = export(&manager, own).await.expect("their own facility");
    assert!(csv.starts_with('\u{feff}'), "a CSV for Excel");
    assert_eq!(export(&manager, other).await, Err(forbidden.clone()));
    assert_eq!(
        s.state
            .usage_report(&manager, other, None, Lang::Ja)
            .await
            .err(),
        Some(forbidden.clone()),
        "the usage report checks the same scope"
    );
    assert!(
        s.state
            .usage_report(&manager, own, None, Lang::Ja)
            .await
            .is_ok()
    );
    assert!(
        export(&admin, other).await.is_ok(),
        "any facility of the town"
    );
    for actor in [&foreign_admin, &counter] {
        let refused = export(actor, own).await.unwrap_err();
        assert_eq!(refused, forbidden, "{actor:?}");
        assert_eq!(refused.status(), 403);
    }
    let anonymous = export(&Actor::Anonymous, own).await.unwrap_err();
    assert_eq!(anonymous, AppError::Auth(AuthError::SignInRequired));
    assert_eq!(anonymous.status(), 401);

    let mut exports: Vec<(String, String)> = s
        .store
        .audit_entries(1, &store::AuditFilter::default(), 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "booking.export")
        .map(|e| (e.actor, e.target))
        .collect();
    exports.sort();
    assert_eq!(
        exports,
        [
            (
                "account:901 staff901@town.example".to_owned(),
                format!("facility:{}", own.0)
            ),
            (
                "account:902 staff902@town.example".to_owned(),
                format!("facility:{}", other.0)
            ),
        ],
        "one entry per export allowed, none for a refusal"
    );
    s.finish().await;
}

/// Online cancellation is open up to the deadline the booking states, to
/// the minute: a minute after it the service refuses with the facility's
/// phone and changes nothing; at the deadline itself it cancels, and the
/// slot is free for someone else.
#[tokio::test]
async fn cancel_is_refused_after_the_deadline_and_frees_the_slot_before_it() {
    let s = services(TestDb::sqlite().await).await;
    let (facility, room) = unit(&s, "和室").await;
    let (start, end) = first_free(&s, facility.id, room, "2026-11-26", "2026-12-20").await;
    let record = s
        .state
        .create_booking(&input(room, &start, &end, 1), None)
        .await
        .unwrap();
    assert_eq!(record.status(s.now()), BookingStatus::Confirmed);
    let deadline = s
        .state
        .booking_body(&record, Lang::Ja)
        .await
        .unwrap()
        .cancel_deadline;
    assert!(deadline < record.row.start_at, "the deadline comes first");
    let at_deadline = (deadline.to_utc() - common::now()).num_minutes();

    s.set_minutes(at_deadline + 1);
    let refused = s.state.cancel(&record).await.unwrap_err();
    assert_eq!(
        conflict(&refused),
        Some(&Conflict::CancelDeadlinePassed {
            phone: facility.phone.clone()
        }),
        "{refused:?}"
    );
    assert_eq!(refused.code(), "cancel_deadline_passed");
    let kept = s
        .store
        .booking(&record.row.reference)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.row.status, BookingStatus::Confirmed, "nothing changed");
    assert_eq!(
        status_at(&s, facility.id, room, &start).await,
        SlotStatus::Booked
    );

    s.set_minutes(at_deadline);
    s.state.cancel(&record).await.expect("at the deadline");
    let cancelled = s
        .store
        .booking(&record.row.reference)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cancelled.row.status, BookingStatus::Cancelled);
    assert_eq!(
        status_at(&s, facility.id, room, &start).await,
        SlotStatus::Free
    );
    let next = s
        .state
        .create_booking(&input(room, &start, &end, 2), None)
        .await
        .expect("the freed slot can be booked again");
    assert_eq!(next.row.start_at, record.row.start_at);
    s.finish().await;
}

/// A request on a unit that needs approval holds its slot while pending.
/// Once its expiry has come it reads as `expired` (though the row still
/// says pending: nothing has written that down), it can no longer be
/// cancelled, and the slot takes a new booking.
async fn lapsed_pending_hold(s: &Services) {
    let (facility, hall) = unit(s, "大ホール").await;
    let (start, end) = first_free(s, facility.id, hall, "2026-12-01", "2026-12-31").await;
    let held = s
        .state
        .create_booking(&input(hall, &start, &end, 1), None)
        .await
        .unwrap();
    assert_eq!(held.status(s.now()), BookingStatus::Pending);
    let expires = held.row.expires_at.expect("a pending hold lapses");
    assert!(expires > s.now());
    let to_expiry = (expires - common::now()).num_minutes();

    // A minute before its expiry the hold still blocks the slot.
    s.set_minutes(to_expiry - 1);
    let taken = s
        .state
        .create_booking(&input(hall, &start, &end, 2), None)
        .await
        .unwrap_err();
    assert_eq!(conflict(&taken), Some(&Conflict::SlotTaken), "{taken:?}");
    assert_eq!(
        status_at(s, facility.id, hall, &start).await,
        SlotStatus::Booked
    );

    // At its expiry it has lapsed.
    s.set_minutes(to_expiry);
    let now = s.now();
    let lapsed = s.store.booking(&held.row.reference).await.unwrap().unwrap();
    assert_eq!(lapsed.row.status, BookingStatus::Pending, "as stored");
    assert_eq!(lapsed.status(now), BookingStatus::Expired);
    assert_eq!(
        BookingStatus::Pending.at(lapsed.row.expires_at, now),
        BookingStatus::Expired
    );
    let e = s.state.cancel(&lapsed).await.unwrap_err();
    assert_eq!(conflict(&e), Some(&Conflict::AlreadyCancelled), "{e:?}");
    assert_eq!(
        status_at(s, facility.id, hall, &start).await,
        SlotStatus::Free
    );
    let next = s
        .state
        .create_booking(&input(hall, &start, &end, 3), None)
        .await
        .expect("the lapsed hold no longer blocks the slot");
    assert_ne!(next.row.reference, held.row.reference);
    assert_eq!(next.status(now), BookingStatus::Pending);
}

#[tokio::test]
async fn a_lapsed_pending_booking_reads_expired_and_frees_its_slot_on_sqlite() {
    let s = services(TestDb::sqlite().await).await;
    lapsed_pending_hold(&s).await;
    s.finish().await;
}

#[tokio::test]
async fn a_lapsed_pending_booking_reads_expired_and_frees_its_slot_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let s = services(db).await;
    lapsed_pending_hold(&s).await;
    s.finish().await;
}

/// Two residents ask `create_booking` for the same slot at the same time:
/// one booking is made, the other gets the `slot_taken` conflict (409).
async fn same_slot_twice(s: &Services) {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let (facility, room) = unit(s, "会議室2").await;
    let (start, end) = first_free(s, facility.id, room, "2026-12-01", "2026-12-20").await;
    let tasks: Vec<_> = [1, 2]
        .into_iter()
        .map(|n| {
            let (state, request) = (s.state.clone(), input(room, &start, &end, n));
            tokio::spawn(async move { state.create_booking(&request, None).await })
        })
        .collect();
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap());
    }
    let made: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(made.len(), 1, "exactly one booking: {results:?}");
    let refused: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(refused.len(), 1);
    assert_eq!(conflict(refused[0]), Some(&Conflict::SlotTaken));
    assert_eq!(
        (refused[0].status(), refused[0].code()),
        (409, "slot_taken")
    );
    let rows = store::entity::booking::Entity::find()
        .filter(store::entity::booking::Column::UnitId.eq(room.0))
        .filter(store::entity::booking::Column::StartAt.eq(made[0].row.start_at))
        .count(s.store.connection())
        .await
        .unwrap();
    assert_eq!(rows, 1, "one row for the slot");
    assert_eq!(
        status_at(s, facility.id, room, &start).await,
        SlotStatus::Booked
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_slot_booked_twice_gives_one_booking_and_one_conflict_on_sqlite() {
    let s = services(TestDb::sqlite().await).await;
    same_slot_twice(&s).await;
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_slot_booked_twice_gives_one_booking_and_one_conflict_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let s = services(db).await;
    same_slot_twice(&s).await;
    s.finish().await;
}
