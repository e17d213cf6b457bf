//! Server functions of sign-in and the managers' console. Like the booking
//! flow, forms post here with or without JavaScript; each stores a one-time
//! message in the session and redirects back (POST/redirect/GET). Every
//! function loads the actor from the session and the service checks role
//! and scope before anything is read (`console.rs`).

mod account;
mod audit;
mod blocks;
mod bookings;
mod rules;
mod signin;
#[cfg(feature = "ssr")]
pub(crate) mod ssr;
mod staff;
mod timeline;

pub use account::*;
pub use audit::*;
pub use blocks::*;
pub use bookings::*;
pub use rules::*;
pub use signin::*;
pub use staff::*;
pub use timeline::*;
