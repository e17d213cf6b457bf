//! Calendars residents take home without an account, and visits in a
//! resident's own feed.
//!
//! - `appointment.account_id`: the resident account that booked the visit,
//!   if signed in (as `booking.account_id`), so their feed shows it.
//! - `calendar_feed.owner_id` may be empty: a feed made from a booking's or
//!   a visit's page, after the reference + contact proof, belongs to no
//!   account; its scope (`booking` or `visit`) is that one booking or visit.
//!   SQLite cannot drop a NOT NULL, so there the table is rebuilt (nothing
//!   refers to it), in one transaction.

use sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000010_resident_feeds"
    }
}

#[derive(DeriveIden)]
enum Appointment {
    Table,
    AccountId,
}

const COLUMNS: &str = "id, municipality_id, owner_id, name, scope, scope_id, detail, lang, \
                       token_hash, created_at, renewed_at, revoked_at";

/// `calendar_feed` as migration 009 made it, with `owner_id` as given.
fn feed_table(name: &str, owner_null: bool) -> TableCreateStatement {
    let owner = Alias::new("owner_id");
    Table::create()
        .table(Alias::new(name))
        .col(big_pk_auto(Alias::new("id")))
        .col(big_integer(Alias::new("municipality_id")))
        .col(if owner_null {
            big_integer_null(owner.clone())
        } else {
            big_integer(owner.clone())
        })
        .col(string(Alias::new("name")))
        .col(string(Alias::new("scope")))
        .col(big_integer(Alias::new("scope_id")))
        .col(string(Alias::new("detail")))
        .col(string(Alias::new("lang")))
        .col(string_uniq(Alias::new("token_hash")))
        .col(timestamp_with_time_zone(Alias::new("created_at")))
        .col(timestamp_with_time_zone(Alias::new("renewed_at")))
        .col(timestamp_with_time_zone_null(Alias::new("revoked_at")))
        .foreign_key(
            ForeignKey::create()
                .from(Alias::new(name), Alias::new("municipality_id"))
                .to(Alias::new("municipality"), Alias::new("id")),
        )
        .foreign_key(
            ForeignKey::create()
                .from(Alias::new(name), owner)
                .to(Alias::new("account"), Alias::new("id")),
        )
        .take()
}

/// Sets whether `owner_id` may be empty: one statement on PostgreSQL, a
/// rebuilt table on SQLite.
async fn owner_nullable(m: &SchemaManager<'_>, nullable: bool) -> Result<(), DbErr> {
    let db = m.get_connection();
    if m.get_database_backend() == DatabaseBackend::Postgres {
        let change = if nullable { "DROP" } else { "SET" };
        db.execute_unprepared(&format!(
            "ALTER TABLE calendar_feed ALTER COLUMN owner_id {change} NOT NULL"
        ))
        .await?;
        return Ok(());
    }
    m.create_table(feed_table("calendar_feed_new", nullable))
        .await?;
    let keep = if nullable {
        ""
    } else {
        " WHERE owner_id IS NOT NULL"
    };
    for sql in [
        format!(
            "INSERT INTO calendar_feed_new ({COLUMNS}) SELECT {COLUMNS} FROM calendar_feed{keep}"
        ),
        "DROP TABLE calendar_feed".to_owned(),
        "ALTER TABLE calendar_feed_new RENAME TO calendar_feed".to_owned(),
        "CREATE INDEX idx_calendar_feed_owner ON calendar_feed (owner_id)".to_owned(),
    ] {
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// One transaction on SQLite too: the rebuild is all or nothing, and
    /// runs on one connection (another pool connection with the schema from
    /// before the DROP would refuse the RENAME).
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Appointment::Table)
                .add_column(big_integer_null(Appointment::AccountId))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_appointment_account")
                .table(Appointment::Table)
                .col(Appointment::AccountId)
                .take(),
        )
        .await?;
        // After the rebuild, which drops the old table's indexes.
        owner_nullable(m, true).await?;
        m.create_index(
            Index::create()
                .name("idx_calendar_feed_scope")
                .table(Alias::new("calendar_feed"))
                .col(Alias::new("scope"))
                .col(Alias::new("scope_id"))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Feeds of no account (a booking's or a visit's) cannot stay.
        m.get_connection()
            .execute_unprepared("DELETE FROM calendar_feed WHERE owner_id IS NULL")
            .await?;
        m.drop_index(Index::drop().name("idx_calendar_feed_scope").to_owned())
            .await?;
        owner_nullable(m, false).await?;
        m.drop_index(Index::drop().name("idx_appointment_account").to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Appointment::Table)
                .drop_column(Appointment::AccountId)
                .take(),
        )
        .await?;
        Ok(())
    }
}
