//! A booking as a series (定期利用): the series (its reference, unit and
//! pattern) and, on each booking of it, the series it belongs to. The
//! bookings stay ordinary bookings (holds, fees, feeds, reports); the
//! column only groups them (a contact's limits count a series once).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261211_000017_booking_series"
    }
}

#[derive(DeriveIden)]
enum Unit {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Booking {
    Table,
    SeriesId,
}

#[derive(DeriveIden)]
enum BookingSeries {
    Table,
    Id,
    Reference,
    UnitId,
    Pattern,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(BookingSeries::Table)
                .col(big_pk_auto(BookingSeries::Id))
                .col(string(BookingSeries::Reference).unique_key())
                .col(big_integer(BookingSeries::UnitId))
                .col(text(BookingSeries::Pattern))
                .col(timestamp_with_time_zone(BookingSeries::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(BookingSeries::Table, BookingSeries::UnitId)
                        .to(Unit::Table, Unit::Id),
                )
                .take(),
        )
        .await?;
        // SQLite cannot add a column with a foreign key to an existing
        // table; the series is only ever written with its bookings, in one
        // transaction (`store::series`).
        m.alter_table(
            Table::alter()
                .table(Booking::Table)
                .add_column(big_integer_null(Booking::SeriesId))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("booking_series_id")
                .table(Booking::Table)
                .col(Booking::SeriesId)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("booking_series_id")
                .table(Booking::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Booking::Table)
                .drop_column(Booking::SeriesId)
                .take(),
        )
        .await?;
        m.drop_table(Table::drop().table(BookingSeries::Table).take())
            .await
    }
}
