//! Filesystem helpers: atomic writes (temp file in the same folder, fsync when replacing, rename),
//! output files that may be devices, pipes or symlinks, and the clean-up of temp files a killed
//! run left.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Suffix of the temp files [`write_atomic`] writes before renaming.
const TMP_SUFFIX: &str = ".tmp";

/// Write `bytes` to `path` so that readers see either the old file or the complete new one.
///
/// A file that replaces another is flushed to the disk before the rename, so that a system crash
/// cannot leave an empty file where a good one was. A new file is not: a system crash can lose
/// only that new file (a snapshot the next run records again; a truncated one is reported as
/// unreadable), and the first recording of thousands of snapshots does not wait for the disk
/// thousands of times. A killed process loses nothing either way.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".{name}.{}{TMP_SUFFIX}", std::process::id()));
    let replacing = std::fs::symlink_metadata(path).is_ok();
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        if replacing {
            file.sync_all()?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Write a user-named output (`--output PATH`, `--format F=PATH`). A regular file (or a new path)
/// is replaced atomically; anything else — `/dev/null`, a symlink, a FIFO, `/dev/fd/N` from
/// process substitution — is written through, never replaced by a regular file.
pub fn write_output(path: &Path, bytes: &[u8]) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_file() => write_atomic(path, bytes),
        Ok(_) => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(path)?;
            file.write_all(bytes)?;
            file.flush()
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => write_atomic(path, bytes),
        Err(e) => Err(e),
    }
}

/// Remove the temp files of [`write_atomic`] in `dir` that a killed run left behind (their writer
/// process is gone). Returns how many were removed.
pub fn remove_stale_temp_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(pid) = temp_file_writer(name) else {
            continue;
        };
        if pid != std::process::id()
            && !process_alive(pid, &entry.path())
            && std::fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// The writer's process id of a temp file name `.<name>.<pid>.tmp`.
fn temp_file_writer(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(TMP_SUFFIX)?;
    let (_, pid) = rest.rsplit_once('.')?;
    pid.parse().ok()
}

/// Whether the process that writes `path` may still be running. Where `/proc` is not available,
/// a temp file older than ten minutes counts as abandoned (a write takes milliseconds).
fn process_alive(pid: u32, path: &Path) -> bool {
    let proc = PathBuf::from("/proc");
    if proc.join("self").exists() {
        return proc.join(pid.to_string()).exists();
    }
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() < 600)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir() -> tempfile::TempDir {
        tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn writes_and_replaces() {
        let dir = tempdir();
        let path = dir.path().join("sub/a.json");
        write_atomic(&path, b"one").unwrap_or_else(|e| panic!("{e}"));
        write_atomic(&path, b"two").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), "two");
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap_or(dir.path()))
                .map(|d| d.count())
                .unwrap_or(0),
            1
        );
    }

    // `--output` onto a symlink replaced the link with a regular file.
    #[cfg(unix)]
    #[test]
    fn output_through_a_symlink_keeps_the_link() {
        let dir = tempdir();
        let target = dir.path().join("real.json");
        let link = dir.path().join("link.json");
        std::fs::write(&target, "old").unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink(&target, &link).unwrap_or_else(|e| panic!("{e}"));
        write_output(&link, b"new").unwrap_or_else(|e| panic!("{e}"));
        assert!(std::fs::symlink_metadata(&link)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false));
        assert_eq!(std::fs::read_to_string(&target).unwrap_or_default(), "new");
    }

    #[test]
    fn stale_temp_files_of_dead_writers_are_removed() {
        let dir = tempdir();
        // Process ids are below 2^22 on Linux: this writer cannot be alive.
        let stale = dir.path().join(".a.json.4294967294.tmp");
        let mine = dir
            .path()
            .join(format!(".b.json.{}.tmp", std::process::id()));
        let other = dir.path().join("c.json");
        for p in [&stale, &mine, &other] {
            std::fs::write(p, "x").unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(remove_stale_temp_files(dir.path()), 1);
        assert!(!stale.exists() && mine.exists() && other.exists());
        assert_eq!(temp_file_writer(".x.json.new.77.tmp"), Some(77));
        assert_eq!(temp_file_writer("x.json"), None);
    }
}
