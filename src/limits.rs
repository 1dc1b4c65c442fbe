//! The documented bounds of every numeric setting, shared by the flags and `drift.yaml`, so a
//! value out of range is a clear error (never a panic, never a run that cannot end).
//!
//! | setting | bounds |
//! |---|---|
//! | `timeout` / `--timeout` | 0.1 – 3600 seconds |
//! | `rate_limit` / `--rate-limit` | 0.1 – 10000 requests per second |
//! | `concurrency` / `--concurrency` | 1 – 256 |
//! | `--retries` | 0 – 10 |
//! | `--max-body-bytes` | 1024 – 1073741824 (1 GiB) |
//! | `--max-spec-bytes` | 1024 – 4294967296 (4 GiB); default 128 MiB |
//! | `pagination.max_pages` | 1 – 1000 pages per walk |
//! | `pagination.max_items` | 1 – 1000000 items per walk |
//! | `pagination.page_size` | 1 – 10000 items |

/// One bounded numeric setting.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub min: f64,
    pub max: f64,
    pub unit: &'static str,
}

pub const TIMEOUT: Limit = Limit {
    name: "timeout",
    min: 0.1,
    max: 3600.0,
    unit: "seconds",
};
pub const RATE_LIMIT: Limit = Limit {
    name: "rate_limit",
    min: 0.1,
    max: 10_000.0,
    unit: "requests per second",
};
pub const CONCURRENCY: Limit = Limit {
    name: "concurrency",
    min: 1.0,
    max: 256.0,
    unit: "requests in flight",
};
pub const RETRIES: Limit = Limit {
    name: "retries",
    min: 0.0,
    max: 10.0,
    unit: "retries",
};
pub const MAX_BODY_BYTES: Limit = Limit {
    name: "max_body_bytes",
    min: 1024.0,
    max: 1_073_741_824.0,
    unit: "bytes",
};
pub const MAX_SPEC_BYTES: Limit = Limit {
    name: "max_spec_bytes",
    min: 1024.0,
    max: 4_294_967_296.0,
    unit: "bytes",
};
/// The default cap of a contract fetched by URL (the largest public contracts are near 50 MB).
pub const DEFAULT_MAX_SPEC_BYTES: usize = 128 * 1024 * 1024;
/// The largest JSON report drift reads back (a shard to merge, a run kept in the history, once
/// decompressed).
pub const MAX_REPORT_BYTES: u64 = 256 * 1024 * 1024;
/// The longest line of a history's `runs.jsonl` (one run of one API); longer lines are skipped
/// with a warning.
pub const MAX_HISTORY_LINE_BYTES: usize = 16 * 1024 * 1024;

pub const MAX_PAGES: Limit = Limit {
    name: "max_pages",
    min: 1.0,
    max: 1000.0,
    unit: "pages per walk",
};
pub const MAX_ITEMS: Limit = Limit {
    name: "max_items",
    min: 1.0,
    max: 1_000_000.0,
    unit: "items per walk",
};
pub const PAGE_SIZE: Limit = Limit {
    name: "page_size",
    min: 1.0,
    max: 10_000.0,
    unit: "items",
};

impl Limit {
    /// `value` when it is a finite number within the bounds.
    pub fn check(&self, value: f64) -> Result<f64, String> {
        if value.is_finite() && value >= self.min && value <= self.max {
            Ok(value)
        } else {
            Err(format!(
                "{} must be a number from {} to {} {} (got {value})",
                self.name, self.min, self.max, self.unit
            ))
        }
    }

    /// A whole-number setting, parsed from text (flags).
    pub fn parse_whole(&self, text: &str) -> Result<u64, String> {
        let value: f64 = text
            .trim()
            .parse::<u64>()
            .map(|v| v as f64)
            .map_err(|_| format!("{} must be a whole number, not {text:?}", self.name))?;
        self.check(value).map(|v| v as u64)
    }

    /// A decimal setting, parsed from text (flags).
    pub fn parse(&self, text: &str) -> Result<f64, String> {
        let value: f64 = text
            .trim()
            .parse()
            .map_err(|_| format!("{} must be a number, not {text:?}", self.name))?;
        self.check(value)
    }
}

/// clap value parsers.
pub fn timeout_flag(text: &str) -> Result<f64, String> {
    TIMEOUT.parse(text)
}
pub fn rate_limit_flag(text: &str) -> Result<f64, String> {
    RATE_LIMIT.parse(text)
}
pub fn concurrency_flag(text: &str) -> Result<usize, String> {
    CONCURRENCY.parse_whole(text).map(|v| v as usize)
}
pub fn retries_flag(text: &str) -> Result<u32, String> {
    RETRIES.parse_whole(text).map(|v| v as u32)
}
pub fn max_body_bytes_flag(text: &str) -> Result<usize, String> {
    MAX_BODY_BYTES.parse_whole(text).map(|v| v as usize)
}

pub fn max_spec_bytes_flag(text: &str) -> Result<usize, String> {
    MAX_SPEC_BYTES.parse_whole(text).map(|v| v as usize)
}

/// serde `deserialize_with` helpers for `drift.yaml` (the YAML reader adds file and line).
pub mod de {
    use super::{Limit, CONCURRENCY, MAX_ITEMS, MAX_PAGES, PAGE_SIZE, RATE_LIMIT, TIMEOUT};
    use serde::{de::Error, Deserialize, Deserializer};

    fn bounded<'de, D: Deserializer<'de>>(d: D, limit: Limit) -> Result<Option<f64>, D::Error> {
        let value = Option::<f64>::deserialize(d)?;
        value
            .map(|v| limit.check(v).map_err(D::Error::custom))
            .transpose()
    }

    pub fn timeout<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        bounded(d, TIMEOUT)
    }

    pub fn rate_limit<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        bounded(d, RATE_LIMIT)
    }

    fn whole<'de, D: Deserializer<'de>>(d: D, limit: Limit) -> Result<Option<u64>, D::Error> {
        let value = Option::<f64>::deserialize(d)?;
        value
            .map(|v| {
                if v.fract() != 0.0 {
                    let msg = format!("{} must be a whole number", limit.name);
                    return Err(D::Error::custom(msg));
                }
                limit.check(v).map(|v| v as u64).map_err(D::Error::custom)
            })
            .transpose()
    }

    pub fn concurrency<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
        Ok(whole(d, CONCURRENCY)?.map(|v| v as usize))
    }

    pub fn max_pages<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
        Ok(whole(d, MAX_PAGES)?.map(|v| v as usize))
    }

    pub fn max_items<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
        Ok(whole(d, MAX_ITEMS)?.map(|v| v as usize))
    }

    pub fn page_size<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        whole(d, PAGE_SIZE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // `--timeout inf`, `1e300`, `--concurrency 18446744073709551615`, `rate_limit: 1e-300`
    // panicked; `rate_limit: 0.001` made a run that could not end.
    #[test]
    fn out_of_range_values_are_errors() {
        for bad in ["inf", "NaN", "1e300", "-1", "0", "0.01", "abc"] {
            assert!(timeout_flag(bad).is_err(), "timeout {bad}");
        }
        for bad in ["1e-300", "0.001", "inf", "1e9"] {
            assert!(rate_limit_flag(bad).is_err(), "rate {bad}");
        }
        for bad in ["18446744073709551615", "0", "257", "1.5", "-3"] {
            assert!(concurrency_flag(bad).is_err(), "concurrency {bad}");
        }
        assert!(retries_flag("4294967295").is_err());
        assert!(max_body_bytes_flag("0").is_err());
        assert_eq!(timeout_flag("2.5"), Ok(2.5));
        assert_eq!(concurrency_flag("16"), Ok(16));
        assert_eq!(rate_limit_flag("0.5"), Ok(0.5));
        assert!(TIMEOUT
            .check(f64::INFINITY)
            .is_err_and(|e| e.contains("0.1 to 3600 seconds")));
    }
}
