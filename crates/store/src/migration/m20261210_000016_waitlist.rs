//! The waiting list (キャンセル待ち): a resident's request for a time that
//! is taken, kept in line (by id) until the time frees up. Then the first
//! in line whose whole time is free is offered it: a pending booking held
//! for them (`booking_id`), which they confirm or let lapse, and the next
//! is offered. A separate table, so the busy, feed and report queries never
//! read the line.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261210_000016_waitlist"
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
    Id,
}

#[derive(DeriveIden)]
enum WaitlistEntry {
    Table,
    Id,
    Reference,
    MunicipalityId,
    FacilityId,
    UnitId,
    StartAt,
    EndAt,
    Name,
    NameKana,
    Phone,
    Email,
    Purpose,
    Attendees,
    Resident,
    FeeTotalYen,
    FeeLines,
    AccountId,
    State,
    BookingId,
    OfferMailed,
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
                .table(WaitlistEntry::Table)
                .col(big_pk_auto(WaitlistEntry::Id))
                .col(string(WaitlistEntry::Reference).unique_key())
                .col(big_integer(WaitlistEntry::MunicipalityId))
                .col(big_integer(WaitlistEntry::FacilityId))
                .col(big_integer(WaitlistEntry::UnitId))
                .col(timestamp_with_time_zone(WaitlistEntry::StartAt))
                .col(timestamp_with_time_zone(WaitlistEntry::EndAt))
                .col(string(WaitlistEntry::Name))
                .col(string(WaitlistEntry::NameKana))
                .col(string(WaitlistEntry::Phone))
                .col(string(WaitlistEntry::Email))
                .col(text(WaitlistEntry::Purpose))
                .col(integer(WaitlistEntry::Attendees))
                .col(boolean(WaitlistEntry::Resident))
                .col(big_integer(WaitlistEntry::FeeTotalYen))
                .col(text(WaitlistEntry::FeeLines))
                .col(big_integer_null(WaitlistEntry::AccountId))
                .col(string(WaitlistEntry::State))
                .col(big_integer_null(WaitlistEntry::BookingId))
                .col(boolean(WaitlistEntry::OfferMailed).default(false))
                .col(timestamp_with_time_zone(WaitlistEntry::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(WaitlistEntry::Table, WaitlistEntry::UnitId)
                        .to(Unit::Table, Unit::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(WaitlistEntry::Table, WaitlistEntry::BookingId)
                        .to(Booking::Table, Booking::Id),
                )
                .take(),
        )
        .await?;
        // The line of a facility's times, in the order it is served.
        m.create_index(
            Index::create()
                .name("waitlist_line")
                .table(WaitlistEntry::Table)
                .col(WaitlistEntry::FacilityId)
                .col(WaitlistEntry::State)
                .col(WaitlistEntry::StartAt)
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("waitlist_booking")
                .table(WaitlistEntry::Table)
                .col(WaitlistEntry::BookingId)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(WaitlistEntry::Table).take())
            .await
    }
}
