//! sea-orm entities for the tables the code reads and writes today. The
//! migration creates the whole schema; entities are added with the features
//! that use them.

pub mod account;
pub mod account_department;
pub mod account_facility;
pub mod appointment;
pub mod appointment_item;
pub mod audit_log;
pub mod booking;
pub mod booking_equipment;
pub mod booking_hold;
pub mod booking_reduction;
pub mod booking_series;
pub mod calendar_feed;
pub mod change_event;
pub mod closure;
pub mod counter;
pub mod department;
pub mod equipment;
pub mod facility;
pub mod facility_photo;
pub mod fee_reduction;
pub mod municipality;
pub mod opening_hours;
pub mod outbox;
pub mod procedure;
pub mod reminder;
pub mod slot_template;
pub mod staff;
pub mod staff_absence;
pub mod staff_duty_hours;
pub mod staff_qualification;
pub mod unit;
pub mod waitlist_entry;
pub mod web_session;
