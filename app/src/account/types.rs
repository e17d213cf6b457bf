//! What the residents' account pages show, already in the reader's
//! language. Built on the server (`account.rs`), sent to the browser by the
//! server functions in `account_api.rs`.

use serde::{Deserialize, Serialize};

use crate::core::types::Flash;

/// The registration or sign-in form, with the last attempt's answers
/// (never the password) and what to fix.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountForm {
    pub email: String,
    pub name: String,
    pub error: Option<String>,
}

/// One of the resident's bookings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyBookingLine {
    pub reference: String,
    pub facility: String,
    pub unit: String,
    pub when: String,
    pub status_label: String,
    /// The booking's own page (details, `.ics`, cancel).
    pub href: String,
}

/// `/my`: the signed-in resident's bookings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyPage {
    pub name: String,
    pub email: String,
    pub upcoming: Vec<MyBookingLine>,
    pub past: Vec<MyBookingLine>,
    pub flash: Option<Flash>,
    /// The reference typed in the last failed "add a booking".
    pub reference: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MyPageView {
    /// Nobody is signed in: offer sign-in and registration.
    SignedOut {
        signed_out: bool,
    },
    Page(MyPage),
}
