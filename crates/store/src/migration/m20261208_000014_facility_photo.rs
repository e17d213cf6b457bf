//! A facility's photo for residents' pages: one per facility, its bytes
//! (JPEG or PNG, metadata removed on upload) and the text that describes
//! it to those who cannot see it (alt text) in both languages;
//! `updated_at` is when the image was last replaced (its address names
//! that version, so browsers may keep it). A separate table, so reading
//! facilities never reads the bytes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261208_000014_facility_photo"
    }
}

#[derive(DeriveIden)]
enum Facility {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum FacilityPhoto {
    Table,
    FacilityId,
    ContentType,
    Bytes,
    AltJa,
    AltEn,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(FacilityPhoto::Table)
                .col(big_integer(FacilityPhoto::FacilityId).primary_key())
                .col(string(FacilityPhoto::ContentType))
                .col(blob(FacilityPhoto::Bytes))
                .col(string(FacilityPhoto::AltJa))
                .col(string(FacilityPhoto::AltEn))
                .col(timestamp_with_time_zone(FacilityPhoto::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(FacilityPhoto::Table, FacilityPhoto::FacilityId)
                        .to(Facility::Table, Facility::Id),
                )
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(FacilityPhoto::Table).take())
            .await
    }
}
