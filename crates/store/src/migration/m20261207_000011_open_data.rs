//! A town's facility list as the Digital Agency's recommended open data
//! set 「公共施設一覧」 describes it, so a town can import its list and
//! publish it again.
//!
//! - `municipality.code`: the town's 全国地方公共団体コード (six digits;
//!   empty until set), and `open_data_licence`, the licence its published
//!   data carries (CC BY 4.0 unless the town says otherwise).
//! - `facility.open_data_id`: the list's `ID`, unique within a town, which
//!   a second import updates instead of adding the facility again (the
//!   facilities there already get their own number, so the list the town
//!   publishes and imports back matches them); `name_kana`, `latitude`,
//!   `longitude` and `url` from the same list.
//!
//! SQLite adds one column per statement, so each is its own `ALTER`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000011_open_data"
    }
}

#[derive(DeriveIden)]
enum Municipality {
    Table,
    Code,
    OpenDataLicence,
}

#[derive(DeriveIden)]
enum Facility {
    Table,
    MunicipalityId,
    OpenDataId,
    NameKana,
    Latitude,
    Longitude,
    Url,
}

const INDEX: &str = "idx_facility_open_data_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// One transaction on SQLite too: all of it on one connection, and all
    /// of it or nothing.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            string(Municipality::Code).default("").take(),
            string(Municipality::OpenDataLicence)
                .default("CC BY 4.0")
                .take(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Municipality::Table)
                    .add_column(column)
                    .take(),
            )
            .await?;
        }
        for column in [
            string_null(Facility::OpenDataId),
            string(Facility::NameKana).default("").take(),
            double_null(Facility::Latitude),
            double_null(Facility::Longitude),
            string(Facility::Url).default("").take(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Facility::Table)
                    .add_column(column)
                    .take(),
            )
            .await?;
        }
        m.get_connection()
            .execute_unprepared(
                "UPDATE facility SET open_data_id = CAST(id AS TEXT) WHERE open_data_id IS NULL",
            )
            .await?;
        // A facility the list does not hold has NULL, which a unique index
        // lets repeat on both databases.
        m.create_index(
            Index::create()
                .name(INDEX)
                .table(Facility::Table)
                .col(Facility::MunicipalityId)
                .col(Facility::OpenDataId)
                .unique()
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(INDEX).table(Facility::Table).to_owned())
            .await?;
        for column in [
            Facility::Url,
            Facility::Longitude,
            Facility::Latitude,
            Facility::NameKana,
            Facility::OpenDataId,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Facility::Table)
                    .drop_column(column)
                    .take(),
            )
            .await?;
        }
        for column in [Municipality::OpenDataLicence, Municipality::Code] {
            m.alter_table(
                Table::alter()
                    .table(Municipality::Table)
                    .drop_column(column)
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}
