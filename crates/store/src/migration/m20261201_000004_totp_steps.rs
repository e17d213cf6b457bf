//! `account.totp_last_step`: the 30-second TOTP step of the last code an
//! account signed in with. A code of that step or an earlier one is refused,
//! so a code seen over someone's shoulder cannot be used again while it is
//! still current (RFC 6238 §5.2).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000004_totp_steps"
    }
}

#[derive(DeriveIden)]
enum Account {
    Table,
    TotpLastStep,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Account::Table)
                .add_column(big_integer_null(Account::TotpLastStep))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Written out: sea-query's SQLite builder skips DROP COLUMN.
        m.get_connection()
            .execute_unprepared("ALTER TABLE account DROP COLUMN totp_last_step")
            .await
            .map(|_| ())
    }
}
