//! The live streams' unit tests: scopes, batches, the gap, resyncs and the
//! heartbeat (the HTTP ones are in `server/tests/live.rs`).

use super::hub::{COALESCE, Changes, Encoded, relay};
use super::*;
use store::Change;
use store::testing::TestDb;

fn change(id: i64, facility: i64) -> Change {
    Change {
        id,
        municipality_id: Some(1),
        kind: "booking".into(),
        facility_id: Some(facility),
        unit_id: Some(2),
        department_id: None,
        procedure_id: None,
        staff_id: None,
        subject_id: Some(99),
        status: "confirmed".into(),
        start_s: Some(1_000),
        end_s: Some(2_000),
        from_day: None,
        to_day: None,
        at_s: 0,
    }
}

/// Changes that reach the streams together.
fn batch(changes: &[Change]) -> Batch {
    Arc::new(Ok(Changes::new(changes.iter().map(Encoded::new).collect())))
}

fn booking(id: i64, facility: i64) -> Batch {
    batch(&[change(id, facility)])
}

/// What two streams write next, both changes.
async fn both(a: &mut Live, b: &mut Live) -> (Bytes, Bytes) {
    match (a.next().await, b.next().await) {
        (Some(Out::Changes(x)), Some(Out::Changes(y))) => (x, y),
        other => panic!("both streams show facility 1: {other:?}"),
    }
}

fn live(rx: broadcast::Receiver<Batch>, store: &store::Store, ticket: Ticket) -> Live {
    Live {
        rx,
        first: VecDeque::new(),
        replayed: HashSet::new(),
        scope: Scope::Facility {
            id: 1,
            from: 0,
            to: 10_000,
            days: (NaiveDate::MIN, NaiveDate::MAX),
        },
        staff: false,
        closing: false,
        store: store.clone(),
        heartbeat: Box::pin(tokio::time::sleep(HEARTBEAT)),
        _ticket: ticket,
    }
}

/// The text of what a stream writes next.
async fn next_text(l: &mut Live) -> String {
    let out = l.next().await.expect("something to write");
    String::from_utf8(out.bytes().to_vec()).unwrap()
}

/// The change ids in written text.
fn ids(text: &str) -> Vec<i64> {
    text.lines()
        .filter_map(|l| l.strip_prefix("id: "))
        .map(|v| v.parse().unwrap())
        .collect()
}

#[tokio::test]
async fn a_stream_sends_its_scope_only_and_no_booking_id() {
    let db = TestDb::sqlite().await;
    let streams = Streams::start(&db.store, 4, 4);
    let (tx, rx) = broadcast::channel(8);
    let mut l = live(rx, &db.store, streams.enter(None).unwrap());
    tx.send(booking(1, 2)).unwrap();
    tx.send(booking(2, 1)).unwrap();
    let data = next_text(&mut l).await;
    assert_eq!(ids(&data), [2], "facility 2 is not this stream's");
    assert!(data.starts_with("event: change\nid: 2\ndata: {"), "{data}");
    assert!(data.ends_with("}\n\n"), "{data}");
    assert!(data.contains("\"status\":\"taken\""), "{data}");
    assert!(!data.contains("subject") && !data.contains("99"), "{data}");
    db.drop_db().await;
}

#[tokio::test]
async fn a_batch_goes_out_as_one_write_in_order_and_only_what_is_in_scope() {
    let db = TestDb::sqlite().await;
    let streams = Streams::start(&db.store, 4, 4);
    let (tx, rx) = broadcast::channel(8);
    let mut l = live(rx, &db.store, streams.enter(None).unwrap());
    tx.send(batch(&[change(3, 1), change(4, 2), change(5, 1)]))
        .unwrap();
    tx.send(booking(6, 1)).unwrap();
    assert_eq!(
        ids(&next_text(&mut l).await),
        [3, 5],
        "one write for the batch; facility 2 is not this stream's"
    );
    assert_eq!(ids(&next_text(&mut l).await), [6]);
    db.drop_db().await;
}

#[tokio::test]
async fn streams_that_show_a_whole_batch_share_one_copy_of_it() {
    let db = TestDb::sqlite().await;
    let streams = Streams::start(&db.store, 4, 4);
    let (tx, rx) = broadcast::channel(8);
    let mut a = live(rx, &db.store, streams.enter(None).unwrap());
    let mut b = live(tx.subscribe(), &db.store, streams.enter(None).unwrap());
    let mut other = live(tx.subscribe(), &db.store, streams.enter(None).unwrap());
    other.scope = Scope::Facility {
        id: 2,
        from: 0,
        to: 10_000,
        days: (NaiveDate::MIN, NaiveDate::MAX),
    };
    tx.send(batch(&[change(3, 1), change(4, 1), change(5, 2)]))
        .unwrap();
    let (x, y) = both(&mut a, &mut b).await;
    assert_eq!(ids(&String::from_utf8_lossy(&x)), [3, 4]);
    assert_ne!(
        x.as_ptr(),
        y.as_ptr(),
        "a part of the batch is joined per stream"
    );
    tx.send(batch(&[change(6, 1), change(7, 1)])).unwrap();
    let (x, y) = both(&mut a, &mut b).await;
    assert_eq!(ids(&String::from_utf8_lossy(&x)), [6, 7]);
    assert_eq!(x, y);
    assert_eq!(x.as_ptr(), y.as_ptr(), "the whole batch is joined once");
    let Some(Out::Changes(z)) = other.next().await else {
        panic!("facility 2's change");
    };
    assert_eq!(
        ids(&String::from_utf8_lossy(&z)),
        [5],
        "then nothing of 6 and 7"
    );
    db.drop_db().await;
}

#[tokio::test]
async fn a_reader_that_falls_behind_is_told_to_reload_and_dropped() {
    let db = TestDb::sqlite().await;
    let streams = Streams::start(&db.store, 4, 4);
    let (tx, rx) = broadcast::channel(2);
    let mut l = live(rx, &db.store, streams.enter(None).unwrap());
    assert_eq!(streams.count(), 1);
    for id in 1..=5 {
        tx.send(booking(id, 1)).unwrap();
    }
    assert_eq!(l.next().await, Some(Out::Resync(0)));
    assert_eq!(l.next().await, None, "then the stream ends");
    drop(l);
    assert_eq!(streams.count(), 0, "its place is given back");
    db.drop_db().await;
}

#[tokio::test]
async fn changes_that_keep_coming_go_out_together_at_most_every_gap() {
    tokio::time::pause();
    let (feed, rx) = broadcast::channel(16);
    let (hub, mut out) = broadcast::channel(16);
    tokio::spawn(relay(rx, hub));
    let ids_of = |b: &Batch| match b.as_ref() {
        Ok(v) => v.each.iter().map(|e| e.change.id).collect::<Vec<_>>(),
        Err(Missed) => panic!("nothing was missed"),
    };
    let start = tokio::time::Instant::now();
    feed.send(Arc::new(change(1, 1))).unwrap();
    assert_eq!(ids_of(&out.recv().await.unwrap()), [1]);
    assert_eq!(
        start.elapsed(),
        Duration::ZERO,
        "a lone change goes at once"
    );
    feed.send(Arc::new(change(2, 1))).unwrap();
    feed.send(Arc::new(change(3, 1))).unwrap();
    tokio::time::sleep(Duration::from_millis(10)).await;
    feed.send(Arc::new(change(4, 1))).unwrap();
    assert_eq!(ids_of(&out.recv().await.unwrap()), [2, 3, 4]);
    let waited = start.elapsed();
    // (Tokio's timers have a 1 ms grain.)
    assert!(
        waited >= COALESCE && waited <= COALESCE + Duration::from_millis(2),
        "the next waits out the gap: {waited:?}"
    );
    tokio::time::sleep(COALESCE * 3).await;
    let quiet = tokio::time::Instant::now();
    feed.send(Arc::new(change(5, 1))).unwrap();
    assert_eq!(ids_of(&out.recv().await.unwrap()), [5]);
    assert_eq!(
        quiet.elapsed(),
        Duration::ZERO,
        "after a quiet spell, at once"
    );
}

#[tokio::test]
async fn changes_the_process_missed_make_every_stream_reload() {
    let db = TestDb::sqlite().await;
    let streams = Streams::start(&db.store, 4, 4);
    let (feed, rx) = broadcast::channel(2);
    let (hub, mut out) = broadcast::channel(16);
    for id in 1..=5 {
        feed.send(Arc::new(change(id, 1))).unwrap();
    }
    tokio::spawn(relay(rx, hub.clone()));
    let batch = out.recv().await.unwrap();
    assert!(batch.is_err(), "changes 1 to 3 were lost: {batch:?}");
    let mut l = live(hub.subscribe(), &db.store, streams.enter(None).unwrap());
    hub.send(batch).unwrap();
    assert_eq!(l.next().await, Some(Out::Resync(0)));
    assert_eq!(l.next().await, None, "then the stream ends");
    db.drop_db().await;
}

#[tokio::test]
async fn an_idle_stream_sends_a_comment_every_heartbeat() {
    let db = TestDb::sqlite().await;
    let streams = Streams::start(&db.store, 4, 4);
    let (_tx, rx) = broadcast::channel::<Batch>(8);
    tokio::time::pause();
    let mut l = live(rx, &db.store, streams.enter(None).unwrap());
    let start = tokio::time::Instant::now();
    // (Tokio's timers have a 1 ms grain.)
    let about = |n: u32| {
        let t = start.elapsed();
        t >= HEARTBEAT * n && t <= HEARTBEAT * n + Duration::from_millis(2 * n as u64)
    };
    assert_eq!(next_text(&mut l).await, ":\n\n");
    assert!(about(1), "{:?}", start.elapsed());
    assert_eq!(next_text(&mut l).await, ":\n\n");
    assert!(about(2), "{:?}", start.elapsed());
    db.drop_db().await;
}
