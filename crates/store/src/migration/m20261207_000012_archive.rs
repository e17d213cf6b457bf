//! Archiving (受付の終了): a facility or a unit that no longer takes
//! bookings keeps its rows and its bookings' history; `archived_at` says
//! since when (NULL: takes bookings).
//!
//! SQLite adds one column per statement, so each is its own `ALTER`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000012_archive"
    }
}

#[derive(DeriveIden)]
enum Facility {
    Table,
    ArchivedAt,
}

#[derive(DeriveIden)]
enum Unit {
    Table,
    ArchivedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Facility::Table)
                .add_column(timestamp_with_time_zone_null(Facility::ArchivedAt))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Unit::Table)
                .add_column(timestamp_with_time_zone_null(Unit::ArchivedAt))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Unit::Table)
                .drop_column(Unit::ArchivedAt)
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Facility::Table)
                .drop_column(Facility::ArchivedAt)
                .take(),
        )
        .await
    }
}
