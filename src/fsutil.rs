//! Filesystem helpers: atomic writes (temp file in the same folder, flushed when replacing, rename),
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
    write_atomic_by(path, |w| w.write_all(bytes))
}

/// [`write_atomic`], the bytes made by `write` as it goes (through a buffer).
pub fn write_atomic_by(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let (tmp, _) = written_by(path, true, write)?;
    let result = commit_staged(&tmp, path);
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The first half of [`write_atomic`]: `bytes` written for `path` into its temp file
/// (`.<name>.<pid>.tmp` beside it, flushed to the disk when it will replace a file), not yet in
/// place. [`commit_staged`] renames it over `path`; a run that stops before then leaves only the
/// temp file, which [`remove_stale_temp_files`] removes.
pub fn stage(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    written(path, bytes, true).map(|(tmp, _)| tmp)
}

/// [`stage`] without the flush: the temp file, and whether it will replace a file (and so must
/// reach the disk before it does, by [`flush_staged`]). For a run that stages thousands of
/// files, where one flush of them all costs what one file's did.
pub fn stage_unflushed(path: &Path, bytes: &[u8]) -> io::Result<(PathBuf, bool)> {
    written(path, bytes, false)
}

/// [`stage_unflushed`], the bytes made by `write` as it goes (through a buffer).
pub fn stage_unflushed_by(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<(PathBuf, bool)> {
    written_by(path, false, write)
}

/// `bytes` written to `path`'s temp file, flushed through the same handle when `flush` and it
/// will replace a file; and whether it will.
fn written(path: &Path, bytes: &[u8], flush: bool) -> io::Result<(PathBuf, bool)> {
    written_by(path, flush, |w| w.write_all(bytes))
}

/// [`written`], the bytes made by `write` as it goes (through a buffer).
fn written_by(
    path: &Path,
    flush: bool,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<(PathBuf, bool)> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".{name}.{}{TMP_SUFFIX}", std::process::id()));
    let replacing = std::fs::symlink_metadata(path).is_ok();
    // A link planted under the temp file's name is removed, never written through.
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        let mut out = io::BufWriter::with_capacity(64 * 1024, file);
        write(&mut out)?;
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        if flush && replacing {
            file.sync_all()?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => Ok((tmp, replacing)),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Flush staged files to the disk before they replace others: on Linux one `syncfs` of the
/// filesystem that holds them (a night's thousands of snapshots wait for the disk once, not once
/// each), elsewhere each file in turn.
pub fn flush_staged(files: &[PathBuf]) -> io::Result<()> {
    let Some(first) = files.first() else {
        return Ok(());
    };
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let file = std::fs::File::open(first)?;
        // SAFETY: `syncfs` reads only the descriptor, which `file` keeps open for the call.
        if unsafe { libc::syncfs(file.as_raw_fd()) } == 0 {
            return Ok(());
        }
    }
    let _ = first;
    for f in files {
        std::fs::File::open(f)?.sync_all()?;
    }
    Ok(())
}

/// The second half of [`write_atomic`]: a file [`stage`]d for `path` put in place.
pub fn commit_staged(tmp: &Path, path: &Path) -> io::Result<()> {
    std::fs::rename(tmp, path)
}

/// Refuse a path under `root` that goes through a symbolic link (a folder or the file itself):
/// the history and snapshot folders may come from a git clone, where a link can point anywhere,
/// and drift only ever writes inside them. `root` itself may be a link (the user chose it).
pub fn refuse_links_below(root: &Path, path: &Path) -> io::Result<()> {
    let Ok(rest) = path.strip_prefix(root) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not inside {}", path.display(), root.display()),
        ));
    };
    let mut at = root.to_path_buf();
    for part in rest.components() {
        match part {
            std::path::Component::Normal(name) => at.push(name),
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{} leaves {}", path.display(), root.display()),
                ))
            }
        }
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                    "{} is a symbolic link: drift writes only inside {} and never through a link",
                    at.display(),
                    root.display()
                ),
                ))
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A reader that fails once more than `cap` bytes were read through it, with an error naming
/// what was read and the cap: a document parsed from it costs no more than the cap, however
/// large (sparse, endless, or a small gzip expanding to gigabytes) its source is.
pub struct Capped<R> {
    inner: R,
    left: u64,
    cap: u64,
    what: String,
}

impl<R: io::Read> Capped<R> {
    pub fn new(inner: R, cap: u64, what: impl Into<String>) -> Capped<R> {
        Capped {
            inner,
            left: cap,
            cap,
            what: what.into(),
        }
    }
}

impl<R: io::Read> io::Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // One byte more tells a file of exactly `cap` bytes from a longer one.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{} is larger than {} bytes, the most drift reads of it",
                        self.what, self.cap
                    ),
                )),
            };
        }
        let room = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..room])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Write a user-named output (`--output PATH`, `--format F=PATH`). A regular file (or a new path)
/// is replaced atomically; anything else — `/dev/null`, a symlink, a FIFO, `/dev/fd/N` from
/// process substitution — is written through, never replaced by a regular file.
pub fn write_output(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_output_by(path, |w| w.write_all(bytes))
}

/// [`write_output`], the bytes made by `write` as it goes: a report of tens of megabytes is
/// never held whole.
pub fn write_output_by(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if !meta.file_type().is_file() => {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(path)?;
            let mut out = io::BufWriter::with_capacity(64 * 1024, file);
            write(&mut out)?;
            out.flush()
        }
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => write_atomic_by(path, write),
    }
}

/// [`write_output`] for many small files at once (a report's badges, one per API): a file that
/// already holds its bytes is left alone, and those replaced reach the disk with one flush.
pub fn write_outputs(files: &[(PathBuf, Vec<u8>)]) -> io::Result<()> {
    let mut staged: Vec<(PathBuf, bool, &Path)> = Vec::new();
    let result = (|| {
        for (path, bytes) in files {
            match std::fs::symlink_metadata(path) {
                Ok(meta) if meta.file_type().is_file() => {
                    let same = meta.len() == bytes.len() as u64
                        && std::fs::read(path).is_ok_and(|old| old == *bytes);
                    if !same {
                        let (tmp, replacing) = stage_unflushed(path, bytes)?;
                        staged.push((tmp, replacing, path));
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    let (tmp, replacing) = stage_unflushed(path, bytes)?;
                    staged.push((tmp, replacing, path));
                }
                _ => write_output(path, bytes)?,
            }
        }
        let replacing: Vec<PathBuf> = (staged.iter())
            .filter(|(_, replacing, _)| *replacing)
            .map(|(tmp, _, _)| tmp.clone())
            .collect();
        flush_staged(&replacing)?;
        while let Some((tmp, _, path)) = staged.pop() {
            commit_staged(&tmp, path)?;
        }
        Ok(())
    })();
    for (tmp, _, _) in staged {
        let _ = std::fs::remove_file(tmp);
    }
    result
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
    // A nightly report's badges: those unchanged are not rewritten, the others are replaced and
    // the new ones created, and no temp file stays.
    #[test]
    fn many_outputs_leave_unchanged_files_alone() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempdir();
        let (same, changed, new) = (
            dir.path().join("same.svg"),
            dir.path().join("changed.svg"),
            dir.path().join("new.svg"),
        );
        for path in [&same, &changed] {
            write_atomic(path, b"old").unwrap_or_else(|e| panic!("{e}"));
        }
        let inode = |p: &Path| std::fs::metadata(p).map(|m| m.ino()).unwrap_or(0);
        let (same_before, changed_before) = (inode(&same), inode(&changed));
        let files = vec![
            (same.clone(), b"old".to_vec()),
            (changed.clone(), b"new".to_vec()),
            (new.clone(), b"fresh".to_vec()),
        ];
        write_outputs(&files).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(inode(&same), same_before, "left alone");
        assert_ne!(inode(&changed), changed_before, "replaced");
        assert_eq!(std::fs::read(&changed).ok().as_deref(), Some(&b"new"[..]));
        assert_eq!(std::fs::read(&new).ok().as_deref(), Some(&b"fresh"[..]));
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(names.len(), 3, "{names:?}");
    }

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
