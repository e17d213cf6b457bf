//! Small types every feature shares: a one-time message after a form post,
//! a choice in a list.

use serde::{Deserialize, Serialize};

/// A one-time message after a form post.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub ok: bool,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub name: String,
}
