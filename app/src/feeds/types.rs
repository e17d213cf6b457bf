//! What the feed pages show, already in the reader's language.

use serde::{Deserialize, Serialize};

use crate::core::types::Flash;

/// One working feed of the signed-in account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedLine {
    pub id: i64,
    pub name: String,
    /// What it shows ("ひだまり町民センター（全室）").
    pub scope: String,
    /// Busy or full, in words.
    pub detail: String,
    /// When its current URL was made.
    pub renewed: String,
}

/// Something a new feed may show: `value` is `kind:id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedChoice {
    pub value: String,
    pub label: String,
}

/// A feed's URL, shown once (after creating or renewing it), with the ways
/// to add it to a calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreshUrl {
    pub name: String,
    pub https: String,
    pub webcal: String,
    pub google: String,
    pub outlook: String,
}

/// The calendar section of a booking's or visit's page: whether it has its
/// own feed, the URL just made (once), the last form's outcome.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowView {
    /// Still to come (not cancelled, not over): a URL may be made.
    pub active: bool,
    pub following: bool,
    pub fresh: Option<FreshUrl>,
    pub flash: Option<Flash>,
}

/// `/console/feeds` and `/my/feeds`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedsPage {
    /// Staff (the console's frame) or a resident.
    pub staff: Option<crate::console::types::Me>,
    pub feeds: Vec<FeedLine>,
    pub choices: Vec<FeedChoice>,
    pub flash: Option<Flash>,
    pub fresh: Option<FreshUrl>,
}
