//! The database rule against double booking, and what residents' bookings
//! need besides: per-facility limits, contact indexes, and web sessions.
//!
//! Every active (pending or confirmed) booking owns one `booking_hold` row per
//! space it occupies: each leaf unit under the booked unit (the gym's whole
//! floor holds both halves) and one copy of each piece of equipment. Holds of
//! the same resource may not overlap in time, enforced by the database itself:
//! - PostgreSQL: an exclusion constraint (`btree_gist`, a trusted contrib
//!   extension) on `(resource, int8range(start_s, end_s))`;
//! - SQLite: a trigger that aborts the insert. SQLite runs one write
//!   transaction at a time (bookings use `BEGIN IMMEDIATE`), so the trigger
//!   sees every committed hold.
//!
//! Times are Unix seconds: the same integers on both databases, compared
//! exactly, with half-open ranges (a 12:00 end meets a 12:00 start).

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000002_booking_holds"
    }
}

#[derive(DeriveIden)]
enum Facility {
    Table,
    MaxActiveBookings,
}

#[derive(DeriveIden)]
enum Booking {
    Table,
    Id,
    Email,
    Phone,
}

#[derive(DeriveIden)]
enum BookingHold {
    Table,
    Id,
    BookingId,
    Resource,
    StartS,
    EndS,
}

#[derive(DeriveIden)]
enum WebSession {
    Table,
    Id,
    Data,
    ExpiresS,
}

/// The name both databases report when a hold would overlap another.
pub const NO_OVERLAP: &str = "booking_hold_no_overlap";

/// The longest a hold may last (bookings stay within one day).
pub const MAX_HOLD_SECONDS: i64 = 24 * 60 * 60;

/// Active bookings made before this migration get their holds, so the rule
/// covers them too. Leaf units are found from the unit tree as it is now.
async fn backfill_holds(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    use chrono::{DateTime, Utc};
    use std::collections::HashMap;
    let db = m.get_connection();
    let backend = m.get_database_backend();
    let units = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id, parent_id FROM unit",
        ))
        .await?;
    let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
    for u in &units {
        let id: i64 = u.try_get("", "id")?;
        if let Some(parent) = u.try_get::<Option<i64>>("", "parent_id")? {
            children.entry(parent).or_default().push(id);
        }
    }
    let leaves = |unit: i64| {
        let (mut out, mut stack, mut seen) = (Vec::new(), vec![unit], Vec::new());
        while let Some(id) = stack.pop() {
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            match children.get(&id) {
                Some(kids) if !kids.is_empty() => stack.extend(kids),
                _ => out.push(id),
            }
        }
        out
    };
    let now = Utc::now();
    let bookings = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id, unit_id, start_at, end_at, status, expires_at FROM booking \
             WHERE status IN ('confirmed', 'pending')",
        ))
        .await?;
    let mut rows = Vec::new();
    for b in &bookings {
        let status: String = b.try_get("", "status")?;
        let expires: Option<DateTime<Utc>> = b.try_get("", "expires_at")?;
        if status == "pending" && expires.is_some_and(|e| e <= now) {
            continue;
        }
        let id: i64 = b.try_get("", "id")?;
        let start: DateTime<Utc> = b.try_get("", "start_at")?;
        let end: DateTime<Utc> = b.try_get("", "end_at")?;
        for leaf in leaves(b.try_get("", "unit_id")?) {
            rows.push((id, format!("u:{leaf}"), start.timestamp(), end.timestamp()));
        }
    }
    for chunk in rows.chunks(500) {
        let mut insert = Query::insert();
        insert.into_table(BookingHold::Table).columns([
            BookingHold::BookingId,
            BookingHold::Resource,
            BookingHold::StartS,
            BookingHold::EndS,
        ]);
        for (id, resource, start, end) in chunk {
            insert
                .values([
                    (*id).into(),
                    resource.clone().into(),
                    (*start).into(),
                    (*end).into(),
                ])
                .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        m.exec_stmt(insert).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Facility::Table)
                .add_column(integer(Facility::MaxActiveBookings).default(4))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(BookingHold::Table)
                .col(big_pk_auto(BookingHold::Id))
                .col(big_integer(BookingHold::BookingId))
                .col(string(BookingHold::Resource))
                .col(big_integer(BookingHold::StartS))
                .col(big_integer(BookingHold::EndS))
                .foreign_key(
                    ForeignKey::create()
                        .from(BookingHold::Table, BookingHold::BookingId)
                        .to(Booking::Table, Booking::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .check(Expr::col(BookingHold::StartS).lt(Expr::col(BookingHold::EndS)))
                // No hold is longer than a day, so overlap checks can look
                // at one day's worth of the index instead of all history.
                .check(
                    Expr::col(BookingHold::EndS)
                        .sub(Expr::col(BookingHold::StartS))
                        .lte(MAX_HOLD_SECONDS),
                )
                .take(),
        )
        .await?;
        for (name, table, cols) in [
            (
                "idx_booking_hold_resource",
                BookingHold::Table.into_iden(),
                vec![
                    BookingHold::Resource.into_iden(),
                    BookingHold::StartS.into_iden(),
                ],
            ),
            (
                "idx_booking_hold_booking",
                BookingHold::Table.into_iden(),
                vec![BookingHold::BookingId.into_iden()],
            ),
            (
                "idx_booking_email",
                Booking::Table.into_iden(),
                vec![Booking::Email.into_iden()],
            ),
            (
                "idx_booking_phone",
                Booking::Table.into_iden(),
                vec![Booking::Phone.into_iden()],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(table);
            for c in cols {
                index.col(c);
            }
            m.create_index(index.take()).await?;
        }
        let db = m.get_connection();
        match m.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS btree_gist")
                    .await?;
                db.execute_unprepared(&format!(
                    "ALTER TABLE booking_hold ADD CONSTRAINT {NO_OVERLAP} \
                     EXCLUDE USING gist (resource WITH =, int8range(start_s, end_s) WITH &&)"
                ))
                .await?;
            }
            _ => {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {NO_OVERLAP} BEFORE INSERT ON booking_hold \
                     WHEN EXISTS (SELECT 1 FROM booking_hold h \
                       WHERE h.resource = NEW.resource \
                       AND h.start_s > NEW.start_s - {MAX_HOLD_SECONDS} \
                       AND h.start_s < NEW.end_s AND h.end_s > NEW.start_s) \
                     BEGIN SELECT RAISE(ABORT, '{NO_OVERLAP}'); END"
                ))
                .await?;
                // Holds are only ever inserted and deleted; an update could
                // move one onto another unseen.
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {NO_OVERLAP}_update BEFORE UPDATE ON booking_hold \
                     BEGIN SELECT RAISE(ABORT, '{NO_OVERLAP}'); END"
                ))
                .await?;
            }
        }
        backfill_holds(m).await?;
        m.create_table(
            Table::create()
                .table(WebSession::Table)
                .col(string(WebSession::Id).primary_key())
                .col(text(WebSession::Data))
                .col(big_integer(WebSession::ExpiresS))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_web_session_expires")
                .table(WebSession::Table)
                .col(WebSession::ExpiresS)
                .take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(WebSession::Table).take())
            .await?;
        m.drop_table(Table::drop().table(BookingHold::Table).take())
            .await?;
        for name in ["idx_booking_email", "idx_booking_phone"] {
            m.drop_index(Index::drop().name(name).table(Booking::Table).to_owned())
                .await?;
        }
        // Written out: sea-query's SQLite builder skips DROP COLUMN, which
        // SQLite has supported since 3.35.
        m.get_connection()
            .execute_unprepared("ALTER TABLE facility DROP COLUMN max_active_bookings")
            .await?;
        Ok(())
    }
}
