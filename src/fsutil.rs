//! Filesystem helpers: atomic writes (temp file in the same folder, fsync, rename).

use std::io::{self, Write};
use std::path::Path;

/// Write `bytes` to `path` so that readers see either the old file or the complete new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("sub/a.json");
        super::write_atomic(&path, b"one").unwrap_or_else(|e| panic!("{e}"));
        super::write_atomic(&path, b"two").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), "two");
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap_or(dir.path()))
                .map(|d| d.count())
                .unwrap_or(0),
            1
        );
    }
}
