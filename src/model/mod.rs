//! The model: the data that crosses stages — findings and their kinds, the check report, snapshot
//! statistics, the history's entries and drift events, the timeline and its trust score, the
//! evidence a run stands on. `run` produces it, `history` stores it, `report` renders it; the model
//! depends on no stage (only on `text`'s leaf helpers), and none of the three imports another.

pub mod events;
pub mod exit;
pub mod finding;
pub mod history;
pub mod kind;
pub mod outcome;
pub mod report;
pub mod stats;
pub mod suppress;
pub mod timeline;

pub use exit::ExitStatus;
pub use finding::{
    generalize_pointer, sort, Finding, FindingKind, OperationRef, SpecLocation, Summary,
    MAX_MESSAGE_BYTES, MAX_VALUE_BYTES,
};
pub use kind::{Kind, Severity};
pub use outcome::Outcome;
pub use report::{ApiFindings, ApiSummary, CheckReport, OperationResult, Tool, REPORT_VERSION};
pub use stats::SnapshotStats;
