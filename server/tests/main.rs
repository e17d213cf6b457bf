//! The server's HTTP and service tests, one binary: each file below is a
//! feature's tests (one binary links the app once, not once per file).

mod appointments;
mod appointments_manage;
mod archive;
mod bookings;
mod bookings_rules;
mod common;
mod console_authz;
mod console_counters;
mod console_rules;
mod console_signin;
mod console_staff;
mod console_timeline;
mod durability;
mod equipment;
mod feeds;
mod hardening;
mod hardening_limits;
mod http;
mod imports;
mod live;
mod opendata;
mod photos;
mod reductions;
mod reminders;
mod series;
mod services;
mod setup;
mod setup_counters;
mod smtp;
mod towns;
mod waitlist;
