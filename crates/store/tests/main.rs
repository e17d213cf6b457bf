//! The store's tests against real SQLite and PostgreSQL, one binary: each
//! file below is a part of the store.

mod archive;
mod changes;
mod equipment;
mod facility_list;
mod hardening;
mod series;
mod staff_locks;
mod store;
mod units;
mod waitlist;
