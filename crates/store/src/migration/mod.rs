//! Schema migrations, shared by SQLite and PostgreSQL. Files are named
//! `mYYYYMMDD_NNNNNN_what.rs` as sea-orm's tooling expects.

use sea_orm_migration::prelude::*;

mod m20261122_000001_schema;
pub mod m20261122_000002_booking_holds;
pub mod m20261122_000003_accounts;
mod m20261201_000004_totp_steps;
pub mod m20261201_000005_appointment_holds;
mod m20261203_000006_hardening;
mod m20261204_000007_rate_limit_storage;
pub mod m20261206_000008_change_events;
mod m20261206_000009_calendar_feeds;
mod m20261206_000010_resident_feeds;
mod m20261207_000011_open_data;
mod m20261207_000012_archive;
mod m20261207_000013_towns;
mod m20261208_000014_facility_photo;
mod m20261209_000015_fee_reductions;
mod m20261210_000016_waitlist;
mod m20261211_000017_booking_series;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_schema::Migration),
            Box::new(m20261122_000002_booking_holds::Migration),
            Box::new(m20261122_000003_accounts::Migration),
            Box::new(m20261201_000004_totp_steps::Migration),
            Box::new(m20261201_000005_appointment_holds::Migration),
            Box::new(m20261203_000006_hardening::Migration),
            Box::new(m20261204_000007_rate_limit_storage::Migration),
            Box::new(m20261206_000008_change_events::Migration),
            Box::new(m20261206_000009_calendar_feeds::Migration),
            Box::new(m20261206_000010_resident_feeds::Migration),
            Box::new(m20261207_000011_open_data::Migration),
            Box::new(m20261207_000012_archive::Migration),
            Box::new(m20261207_000013_towns::Migration),
            Box::new(m20261208_000014_facility_photo::Migration),
            Box::new(m20261209_000015_fee_reductions::Migration),
            Box::new(m20261210_000016_waitlist::Migration),
            Box::new(m20261211_000017_booking_series::Migration),
        ]
    }
}
