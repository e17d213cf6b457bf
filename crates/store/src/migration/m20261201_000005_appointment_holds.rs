//! The database rule for visit appointments (来庁予約): one staff member
//! serves one appointment item at a time.
//!
//! `appointment.needs_contact`: staff marked it to call the visitor (an
//! absence met it and nobody else could take it over).
//!
//! `appointment_item` gets `start_s` / `end_s` (Unix seconds, half-open, as
//! booking holds use) and `active` (false once its appointment is cancelled
//! or moved away). Active items of one staff member may not overlap:
//! - PostgreSQL: an exclusion constraint (`btree_gist`, created by 002);
//! - SQLite: triggers that abort the insert or update (appointment writes
//!   run in `BEGIN IMMEDIATE` transactions, so they see every commit).
//!
//! Together with the check, in the same transaction, that the member is
//! qualified, on duty and not absent, this keeps the appointments for a
//! procedure at any instant within the qualified staff on duty then.

use sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000005_appointment_holds"
    }
}

#[derive(DeriveIden)]
enum AppointmentItem {
    Table,
    AppointmentId,
    StaffId,
    StartS,
    EndS,
    Active,
}

#[derive(DeriveIden)]
enum Appointment {
    Table,
    Email,
    Phone,
    NeedsContact,
}

/// The name both databases report when an item would overlap another.
pub const NO_OVERLAP: &str = "appointment_item_no_overlap";

/// No item is longer than this (a visit stays within one day).
pub const MAX_ITEM_SECONDS: i64 = 24 * 60 * 60;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            big_integer(AppointmentItem::StartS).default(0).take(),
            big_integer(AppointmentItem::EndS).default(0).take(),
            boolean(AppointmentItem::Active).default(true).take(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(AppointmentItem::Table)
                    .add_column(col)
                    .take(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(Appointment::Table)
                .add_column(boolean(Appointment::NeedsContact).default(false))
                .take(),
        )
        .await?;
        for (name, table, cols) in [
            (
                "idx_appointment_item_staff_s",
                AppointmentItem::Table.into_iden(),
                vec![
                    AppointmentItem::StaffId.into_iden(),
                    AppointmentItem::StartS.into_iden(),
                ],
            ),
            (
                "idx_appointment_item_appointment",
                AppointmentItem::Table.into_iden(),
                vec![AppointmentItem::AppointmentId.into_iden()],
            ),
            (
                "idx_appointment_email",
                Appointment::Table.into_iden(),
                vec![Appointment::Email.into_iden()],
            ),
            (
                "idx_appointment_phone",
                Appointment::Table.into_iden(),
                vec![Appointment::Phone.into_iden()],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(table);
            for c in cols {
                index.col(c);
            }
            m.create_index(index.take()).await?;
        }
        let db = m.get_connection();
        match m.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "ALTER TABLE appointment_item ADD CONSTRAINT {NO_OVERLAP} \
                     EXCLUDE USING gist (staff_id WITH =, int8range(start_s, end_s) WITH &&) \
                     WHERE (active)"
                ))
                .await?;
            }
            _ => {
                let overlap = |event: &str, not_self: &str| {
                    format!(
                        "CREATE TRIGGER {NO_OVERLAP}_{event} BEFORE {event} ON appointment_item \
                         WHEN NEW.active AND EXISTS (SELECT 1 FROM appointment_item i \
                           WHERE i.active AND i.staff_id = NEW.staff_id {not_self} \
                           AND i.start_s > NEW.start_s - {MAX_ITEM_SECONDS} \
                           AND i.start_s < NEW.end_s AND i.end_s > NEW.start_s) \
                         BEGIN SELECT RAISE(ABORT, '{NO_OVERLAP}'); END"
                    )
                };
                db.execute_unprepared(&overlap("insert", "")).await?;
                db.execute_unprepared(&overlap("update", "AND i.id <> NEW.id"))
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "ALTER TABLE appointment_item DROP CONSTRAINT {NO_OVERLAP}"
                ))
                .await?;
            }
            _ => {
                for event in ["insert", "update"] {
                    db.execute_unprepared(&format!("DROP TRIGGER {NO_OVERLAP}_{event}"))
                        .await?;
                }
            }
        }
        for (name, table) in [
            ("idx_appointment_item_staff_s", "appointment_item"),
            ("idx_appointment_item_appointment", "appointment_item"),
            ("idx_appointment_email", "appointment"),
            ("idx_appointment_phone", "appointment"),
        ] {
            m.drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        // Written out: sea-query's SQLite builder skips DROP COLUMN.
        for col in ["start_s", "end_s", "active"] {
            db.execute_unprepared(&format!("ALTER TABLE appointment_item DROP COLUMN {col}"))
                .await?;
        }
        db.execute_unprepared("ALTER TABLE appointment DROP COLUMN needs_contact")
            .await?;
        Ok(())
    }
}
