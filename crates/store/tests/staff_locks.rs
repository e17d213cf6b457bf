//! On PostgreSQL a visit being booked holds its town's appointment lock
//! while it reads the staff and assigns a member. A change of the staff
//! that visits depend on (an absence, a member's qualifications, duty hours
//! or activity) takes the same lock, so it either sees that visit (and asks
//! for a decision on it) or is seen by it: without the lock, both could
//! read before the other commits, leaving a visit with a member who can no
//! longer serve it. (SQLite's single writer already runs them one by one.)

use chrono::{DateTime, Duration, TimeZone, Utc};
use store::accounts::AuditEntry;
use store::counters::NewAbsence;
use store::divisions::StaffInput;
use store::testing::{TestDb, hold_appointment_lock};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

fn audit(action: domain::status::AuditAction) -> AuditEntry {
    store::testing::audit_entry(action, now())
}

/// Whether `task` is still waiting after half a second (it finishes at
/// once when nothing holds it back).
async fn still_waiting<T>(task: &tokio::task::JoinHandle<T>) -> bool {
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    !task.is_finished()
}

#[tokio::test]
async fn staff_changes_wait_for_a_visit_being_booked_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let store = db.store.clone();
    store.seed_demo(now()).await.unwrap();
    let member = store.staff_members(1).await.unwrap()[0].clone();

    // An absence waits while a visit holds the lock, then is written.
    let visit = hold_appointment_lock(&store, 1).await;
    let s = store.clone();
    let absence = tokio::spawn(async move {
        let start = now() + Duration::days(30);
        s.add_absence(
            &NewAbsence {
                staff: member.id,
                start,
                end: start + Duration::hours(1),
                reason: "研修".into(),
            },
            &[],
            &audit(domain::status::AuditAction::StaffAbsenceCreate),
        )
        .await
    });
    assert!(
        still_waiting(&absence).await,
        "the absence waits for the visit"
    );
    visit.commit().await.unwrap();
    assert!(absence.await.unwrap().is_ok());

    // So does a change of the member's qualifications.
    let visit = hold_appointment_lock(&store, 1).await;
    let s = store.clone();
    let department = member.department_id.unwrap();
    let change = tokio::spawn(async move {
        s.save_staff_member(
            1,
            department,
            Some(member.id),
            &StaffInput {
                display_name: member.display_name.clone(),
                active: true,
                qualified: vec![],
                duty: vec![],
            },
            &[],
            chrono_tz::Asia::Tokyo,
            now(),
            &audit(domain::status::AuditAction::StaffUpdate),
        )
        .await
    });
    assert!(
        still_waiting(&change).await,
        "the change waits for the visit"
    );
    visit.commit().await.unwrap();
    assert!(change.await.unwrap().is_ok());
    db.drop_db().await;
}
