//! Stage 6, `report`: render findings. Reporters read immutable data and write to `&mut dyn Write`;
//! they never re-run checks.

pub mod json;
pub mod terminal;
