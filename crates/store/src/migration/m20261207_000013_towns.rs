//! Several towns on one installation (共同利用):
//! - `municipality.host`: a host name that serves only this town (e.g.
//!   `yoyaku.kita.example.jp`), NULL when the town is reached by path
//!   (`/t/{slug}/…`); unique, so one host names one town;
//! - `account.installation_admin`: the installation's super-administrator,
//!   who adds towns and sets their host names (an admin of their own town
//!   too).
//!
//! SQLite adds one column per statement, so each is its own `ALTER`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000013_towns"
    }
}

#[derive(DeriveIden)]
enum Municipality {
    Table,
    Host,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    InstallationAdmin,
}

const INDEX: &str = "municipality_host_unique";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Municipality::Table)
                .add_column(string_null(Municipality::Host))
                .take(),
        )
        .await?;
        // NULLs repeat freely under a unique index on both databases.
        m.create_index(
            Index::create()
                .name(INDEX)
                .table(Municipality::Table)
                .col(Municipality::Host)
                .unique()
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Account::Table)
                .add_column(boolean(Account::InstallationAdmin).default(false))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Account::Table)
                .drop_column(Account::InstallationAdmin)
                .take(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name(INDEX)
                .table(Municipality::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Municipality::Table)
                .drop_column(Municipality::Host)
                .take(),
        )
        .await
    }
}
