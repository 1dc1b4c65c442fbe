//! drift: catch API contract drift before your users do.
//!
//! The pipeline, one module per stage: [`spec`] (load contracts) → plan → replay → check →
//! snapshot → report. [`lint`] checks a contract against itself. [`cli`] is the only module that
//! knows about flags, files chosen by the user and the terminal.

pub mod check;
pub mod cli;
pub mod config;
pub mod diff;
pub mod docs;
pub mod fsutil;
pub mod history;
pub mod limits;
pub mod lint;
pub mod memo;
pub mod mock;
pub mod model;
pub mod paging;
pub mod plan;
pub mod replay;
pub mod report;
pub mod rules;
pub mod run;
pub mod snapshot;
pub mod spec;
pub mod text;
