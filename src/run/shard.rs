//! `--shard I/N`: a deterministic split of the APIs of a run for a CI matrix. An API's shard
//! depends on its name only (FNV-1a), so adding or removing one API moves no other.

use std::fmt;

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// `2/5` → shard 2 of 5.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("--shard takes I/N with 1 ≤ I ≤ N ≤ 1000, like 2/5 (got {text:?})");
        let (i, n) = text.trim().split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count || count > 1000 {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Whether the API named `name` belongs to this shard.
    pub fn holds(&self, name: &str) -> bool {
        fnv1a(name.as_bytes()) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Read the JSON report of a shard (`drift check --shard I/N --format json=FILE`) for a merge:
/// one written by drift in this report version, at most [`crate::limits::MAX_REPORT_BYTES`]
/// (a larger file is refused before it is read).
pub fn read_report(file: &std::path::Path) -> anyhow::Result<crate::model::CheckReport> {
    use anyhow::Context;
    let cap = crate::limits::MAX_REPORT_BYTES;
    let size = std::fs::metadata(file)
        .with_context(|| format!("{}: cannot read", file.display()))?
        .len();
    if size > cap {
        anyhow::bail!(
            "{}: {size} bytes, larger than {cap} bytes, the most drift reads of a report",
            file.display()
        );
    }
    let reader =
        std::fs::File::open(file).with_context(|| format!("{}: cannot read", file.display()))?;
    let reader = crate::fsutil::Capped::new(reader, cap, file.display().to_string());
    crate::model::report::read_check_report_from(reader).with_context(|| {
        format!(
            "{}: not a drift JSON report (write one with `drift check --format json=FILE`)",
            file.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every API lands in exactly one shard, for every N from 1 to 7; adding an API moves none.
    #[test]
    fn shards_cover_every_api_exactly_once() {
        let names: Vec<String> = (0..500).map(|i| format!("api-{i}.example.com")).collect();
        for n in 1..=7 {
            let shards: Vec<Shard> = (1..=n).map(|i| Shard { index: i, count: n }).collect();
            for name in &names {
                let holders = shards.iter().filter(|s| s.holds(name)).count();
                assert_eq!(holders, 1, "{name} in {holders} of {n} shards");
            }
            let sizes: Vec<usize> = shards
                .iter()
                .map(|s| names.iter().filter(|a| s.holds(a)).count())
                .collect();
            // Roughly even: no shard holds more than twice its share.
            assert!(
                sizes.iter().all(|k| *k <= 2 * 500 / n as usize + 5),
                "{sizes:?}"
            );
        }
    }

    #[test]
    fn shard_syntax() {
        assert_eq!(Shard::parse("2/5"), Ok(Shard { index: 2, count: 5 }));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "1/1001"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }
}
