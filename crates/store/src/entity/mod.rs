//! sea-orm entities for the tables the code reads and writes today. The
//! migration creates the whole schema; entities are added with the features
//! that use them.

pub mod booking;
pub mod booking_equipment;
pub mod booking_hold;
pub mod closure;
pub mod equipment;
pub mod facility;
pub mod municipality;
pub mod opening_hours;
pub mod slot_template;
pub mod unit;
pub mod web_session;
