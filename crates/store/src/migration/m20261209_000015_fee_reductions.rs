//! Fee reductions (減免): each town's categories (町主催 100 %, 学校・PTA
//! 100 %, 高齢者団体 50 % …) with what an applicant must give, and on a
//! booking the category asked for, the share and the applicant's note,
//! and the staff's decision (`requested`, `approved`, `refused`). The
//! share is kept on the booking, so a category changed later does not
//! change bookings already made. A separate table, so the busy and feed
//! queries never read it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261209_000015_fee_reductions"
    }
}

#[derive(DeriveIden)]
enum Municipality {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Booking {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum FeeReduction {
    Table,
    Id,
    MunicipalityId,
    NameJa,
    NameEn,
    Percent,
    ProofJa,
    ProofEn,
    Offered,
}

#[derive(DeriveIden)]
enum BookingReduction {
    Table,
    BookingId,
    ReductionId,
    Percent,
    Note,
    State,
    DecidedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(FeeReduction::Table)
                .col(big_pk_auto(FeeReduction::Id))
                .col(big_integer(FeeReduction::MunicipalityId))
                .col(string(FeeReduction::NameJa))
                .col(string(FeeReduction::NameEn))
                .col(integer(FeeReduction::Percent))
                .col(text(FeeReduction::ProofJa))
                .col(text(FeeReduction::ProofEn))
                .col(boolean(FeeReduction::Offered).default(true))
                .foreign_key(
                    ForeignKey::create()
                        .from(FeeReduction::Table, FeeReduction::MunicipalityId)
                        .to(Municipality::Table, Municipality::Id),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(BookingReduction::Table)
                .col(big_integer(BookingReduction::BookingId).primary_key())
                .col(big_integer(BookingReduction::ReductionId))
                .col(integer(BookingReduction::Percent))
                .col(text(BookingReduction::Note))
                .col(string(BookingReduction::State))
                .col(timestamp_with_time_zone_null(BookingReduction::DecidedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(BookingReduction::Table, BookingReduction::BookingId)
                        .to(Booking::Table, Booking::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(BookingReduction::Table, BookingReduction::ReductionId)
                        .to(FeeReduction::Table, FeeReduction::Id),
                )
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(BookingReduction::Table).take())
            .await?;
        m.drop_table(Table::drop().table(FeeReduction::Table).take())
            .await
    }
}
