//! What the facility-list import page shows, and what is wrong with a row.

use serde::{Deserialize, Serialize};

use crate::console::types::Me;
use crate::core::types::Flash;

/// What is wrong with a field of the list (or the whole file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProblemKind {
    /// Not CSV text that can be read (an unclosed quote, say).
    NotCsv,
    /// The header lacks a column the import needs.
    MissingColumn,
    /// A row with more or fewer fields than the header.
    FieldCount {
        found: usize,
        expected: usize,
    },
    Required,
    /// The same ID as the row on this line.
    DuplicateId(usize),
    /// A 全国地方公共団体コード other than this town's.
    OtherTown,
    NotANumber,
    OutOfRange,
    BadDays,
    BadTime,
    ClosesBeforeOpening,
    BadUrl,
    TooLong,
    TooManyRows,
}

/// A problem at a line (the header is line 1) and column (its header name;
/// empty for the whole row).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub line: usize,
    pub column: String,
    pub kind: ProblemKind,
}

/// One facility of the file as the import would write it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListLine {
    pub line: usize,
    pub id: String,
    pub name: String,
    /// 新規, 更新 or 変更なし, in words.
    pub change: String,
    /// The fields an update changes, in words; empty for the others.
    pub fields: String,
}

/// A file read and not yet written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPreview {
    pub source: String,
    pub summary: String,
    pub lines: Vec<ListLine>,
    /// What to fix, one sentence each, with its line and column.
    pub problems: Vec<String>,
    /// Columns of the file that are read but not kept, in one sentence.
    pub not_kept: Option<String>,
    /// Whether it can be written (no problems, something to write).
    pub can_apply: bool,
}

/// `/console/facility-list`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListImportPage {
    pub me: Option<Me>,
    pub flash: Option<Flash>,
    pub preview: Option<ListPreview>,
    /// The town's published list (CSV and JSON).
    pub csv_url: String,
    pub json_url: String,
    /// The town's 全国地方公共団体コード (empty until set) and the licence
    /// of its open data.
    pub code: String,
    pub licence: String,
}

/// `/opendata`: what the town publishes and under which licence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenDataPage {
    pub town: String,
    pub licence: String,
    pub facilities: usize,
    pub csv_url: String,
    pub json_url: String,
}
