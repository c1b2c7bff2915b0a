//! Stage 5 of the pipeline: a [`Snapshot`] → files in the output folder.
//!
//! Each file (and its `.gz` sibling, for static hosts) is written to a
//! temporary file, flushed to disk and renamed over the old one, so a reader
//! or a crash never sees half a file; the folder is synced after the renames.
//! Only files whose bytes changed are written, and files no longer in the
//! snapshot are removed (leftover temporary files included). Everything under
//! `.almanac/` (almanac's own state) and `.gitkeep` is left alone.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::site::Snapshot;

/// Folder inside the output folder that holds almanac's own state.
pub const STATE_DIR: &str = ".almanac";

/// What a publish did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    pub bytes_written: u64,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `bytes` to `path` atomically: temporary file, fsync, rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io(dir))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp).map_err(io(&tmp))?;
        f.write_all(bytes).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
        fs::rename(&tmp, path).map_err(io(path))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Is the file at `path` already exactly `bytes`? (Size first, then content.)
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|b| b == bytes)
        }
        _ => false,
    }
}

/// Publishes `snapshot` into `out`.
///
/// # Errors
/// The first file that cannot be written or removed; files written before
/// it stay (each is complete), and the next publish retries the rest.
pub fn publish(out: &Path, snapshot: &Snapshot) -> Result<Report, Error> {
    fs::create_dir_all(out).map_err(io(out))?;
    let mut report = Report::default();
    let mut expected: HashSet<PathBuf> = HashSet::with_capacity(snapshot.files.len() * 2);
    let mut touched_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for (rel, asset) in &snapshot.files {
        let target = out.join(rel);
        let variants = [
            (target.clone(), Some(&asset.bytes)),
            (gz_path(&target), asset.gzip.as_ref()),
        ];
        for (path, bytes) in variants {
            let Some(bytes) = bytes else { continue };
            expected.insert(path.clone());
            if same_bytes(&path, bytes) {
                report.unchanged += 1;
                continue;
            }
            write_atomic(&path, bytes)?;
            report.written += 1;
            report.bytes_written += bytes.len() as u64;
            if let Some(d) = path.parent() {
                touched_dirs.insert(d.to_path_buf());
            }
        }
    }
    report.removed = remove_stale(out, &expected, &mut touched_dirs)?;
    for d in touched_dirs {
        sync_dir(&d);
    }
    Ok(report)
}

/// `x.ics` → `x.ics.gz`.
pub fn gz_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".gz");
    PathBuf::from(s)
}

fn remove_stale(
    out: &Path,
    expected: &HashSet<PathBuf>,
    touched: &mut BTreeSet<PathBuf>,
) -> Result<usize, Error> {
    let mut removed = 0;
    let mut dirs = Vec::new();
    let walker = walkdir::WalkDir::new(out)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !(e.depth() == 1 && e.file_name() == STATE_DIR));
    for entry in walker.flatten() {
        let path = entry.path();
        if entry.file_type().is_dir() {
            dirs.push(path.to_path_buf());
            continue;
        }
        if entry.depth() == 1 && entry.file_name() == ".gitkeep" {
            continue;
        }
        if !expected.contains(path) {
            fs::remove_file(path).map_err(io(path))?;
            removed += 1;
            if let Some(d) = path.parent() {
                touched.insert(d.to_path_buf());
            }
        }
    }
    // Deepest first, so emptied folders go too.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        if fs::read_dir(&d).is_ok_and(|mut r| r.next().is_none()) {
            let _ = fs::remove_dir(&d);
        }
    }
    Ok(removed)
}

/// Makes the renames in a folder durable (a no-op where not supported).
fn sync_dir(dir: &Path) {
    if let Ok(f) = fs::File::open(dir) {
        let _ = f.sync_all();
    }
}
