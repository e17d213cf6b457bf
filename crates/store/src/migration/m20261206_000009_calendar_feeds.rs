//! Calendar feeds (iCal subscriptions) and what calendars need to follow a
//! booking or visit as it changes.
//!
//! - `booking.sequence` / `appointment.sequence`: the iCalendar SEQUENCE,
//!   raised by triggers on every change to time, unit, staff or status, on
//!   every write path (a subscribed calendar only takes an edit whose
//!   SEQUENCE went up). `modified_s` (Unix seconds) is when that last
//!   happened, for LAST-MODIFIED. A visit's time and staff live on its
//!   items: moving it replaces them (each removed item raises it), and an
//!   item's time or staff changed in place raises it too.
//! - `reminder`: the day-before reminders sent, one row per booking or
//!   visit, written with the mail in one transaction (its key makes a second
//!   one impossible, across restarts and processes).
//! - `calendar_feed`: one secret feed URL. Only the SHA-256 of its token is
//!   kept; `owner_id` is the account that made it, whose role and scope are
//!   checked again on every fetch.

use sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000009_calendar_feeds"
    }
}

#[derive(DeriveIden)]
enum CalendarFeed {
    Table,
    Id,
    MunicipalityId,
    OwnerId,
    Name,
    Scope,
    ScopeId,
    Detail,
    Lang,
    TokenHash,
    CreatedAt,
    RenewedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Reminder {
    Table,
    Kind,
    SubjectId,
    SentS,
}

#[derive(DeriveIden)]
enum Municipality {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

/// `(table, trigger, SQL condition on OLD/NEW, which appointment to raise)`.
/// `None` raises the row itself (bookings and appointments).
const RAISES: [(&str, &str, &str, Option<&str>); 4] = [
    ("booking", "UPDATE", "status|start_at|end_at|unit_id", None),
    ("appointment", "UPDATE", "status", None),
    (
        "appointment_item",
        "UPDATE",
        "start_s|end_s|staff_id",
        Some("NEW.appointment_id"),
    ),
    ("appointment_item", "DELETE", "", Some("OLD.appointment_id")),
];

fn name(table: &str, event: &str) -> String {
    format!("sequence_{table}_{}", event.to_lowercase())
}

fn statements(backend: DatabaseBackend) -> Vec<String> {
    let pg = backend == DatabaseBackend::Postgres;
    let now = if pg {
        "CAST(floor(extract(epoch FROM now())) AS BIGINT)"
    } else {
        "CAST(strftime('%s', 'now') AS INTEGER)"
    };
    let mut out = Vec::new();
    for (table, event, cols, parent) in RAISES {
        let n = name(table, event);
        let when = cols
            .split('|')
            .filter(|c| !c.is_empty())
            .map(|c| {
                if pg {
                    format!("OLD.{c} IS DISTINCT FROM NEW.{c}")
                } else {
                    format!("OLD.{c} IS NOT NEW.{c}")
                }
            })
            .collect::<Vec<_>>()
            .join(" OR ");
        let when = if when.is_empty() {
            String::new()
        } else if pg {
            format!("WHEN ({when}) ")
        } else {
            format!("WHEN {when} ")
        };
        let raise = |target: &str, id: &str| {
            format!(
                "UPDATE {target} SET sequence = sequence + 1, modified_s = {now} WHERE id = {id}"
            )
        };
        match (pg, parent) {
            // PostgreSQL raises the row being written before it is stored.
            (true, None) => {
                out.push(format!(
                    "CREATE FUNCTION {n}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                     NEW.sequence := OLD.sequence + 1; NEW.modified_s := {now}; RETURN NEW; END $$"
                ));
                out.push(format!(
                    "CREATE TRIGGER {n} BEFORE {event} ON {table} FOR EACH ROW {when}\
                     EXECUTE FUNCTION {n}()"
                ));
            }
            (true, Some(id)) => {
                out.push(format!(
                    "CREATE FUNCTION {n}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {}; \
                     RETURN NULL; END $$",
                    raise("appointment", id)
                ));
                out.push(format!(
                    "CREATE TRIGGER {n} AFTER {event} ON {table} FOR EACH ROW {when}\
                     EXECUTE FUNCTION {n}()"
                ));
            }
            // SQLite cannot change NEW: it updates the stored row after (its
            // triggers do not recurse, and the change-log triggers ignore a
            // change to these two columns).
            (false, parent) => {
                let body = match parent {
                    None => raise(table, "NEW.id"),
                    Some(id) => raise("appointment", id),
                };
                out.push(format!(
                    "CREATE TRIGGER {n} AFTER {event} ON {table} FOR EACH ROW {when}BEGIN {body}; END"
                ));
            }
        }
    }
    out
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["booking", "appointment"] {
            for col in [
                big_integer(Alias::new("sequence")).default(0).take(),
                big_integer_null(Alias::new("modified_s")).take(),
            ] {
                m.alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(col)
                        .take(),
                )
                .await?;
            }
        }
        m.create_table(
            Table::create()
                .table(CalendarFeed::Table)
                .col(big_pk_auto(CalendarFeed::Id))
                .col(big_integer(CalendarFeed::MunicipalityId))
                .col(big_integer(CalendarFeed::OwnerId))
                .col(string(CalendarFeed::Name))
                .col(string(CalendarFeed::Scope))
                .col(big_integer(CalendarFeed::ScopeId))
                .col(string(CalendarFeed::Detail))
                .col(string(CalendarFeed::Lang))
                .col(string_uniq(CalendarFeed::TokenHash))
                .col(timestamp_with_time_zone(CalendarFeed::CreatedAt))
                .col(timestamp_with_time_zone(CalendarFeed::RenewedAt))
                .col(timestamp_with_time_zone_null(CalendarFeed::RevokedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(CalendarFeed::Table, CalendarFeed::MunicipalityId)
                        .to(Municipality::Table, Municipality::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(CalendarFeed::Table, CalendarFeed::OwnerId)
                        .to(Account::Table, Account::Id),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_calendar_feed_owner")
                .table(CalendarFeed::Table)
                .col(CalendarFeed::OwnerId)
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Reminder::Table)
                .col(string(Reminder::Kind))
                .col(big_integer(Reminder::SubjectId))
                .col(big_integer(Reminder::SentS))
                .primary_key(Index::create().col(Reminder::Kind).col(Reminder::SubjectId))
                .take(),
        )
        .await?;
        let db = m.get_connection();
        for sql in statements(m.get_database_backend()) {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let pg = m.get_database_backend() == DatabaseBackend::Postgres;
        let db = m.get_connection();
        for (table, event, _, _) in RAISES {
            let n = name(table, event);
            if pg {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {n} ON {table}"))
                    .await?;
                db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS {n}()"))
                    .await?;
            } else {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {n}"))
                    .await?;
            }
        }
        m.drop_table(Table::drop().table(CalendarFeed::Table).take())
            .await?;
        m.drop_table(Table::drop().table(Reminder::Table).take())
            .await?;
        for table in ["booking", "appointment"] {
            for col in ["sequence", "modified_s"] {
                m.alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .drop_column(Alias::new(col))
                        .take(),
                )
                .await?;
            }
        }
        Ok(())
    }
}
