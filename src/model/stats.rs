//! What a run did to the snapshot files.

/// What happened to snapshot files during a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SnapshotStats {
    pub recorded: usize,
    pub unchanged: usize,
    pub pending: usize,
    pub accepted: usize,
    /// Stored snapshots that learned from this run (their evidence grew).
    pub learned: usize,
}
