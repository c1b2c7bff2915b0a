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
use std::sync::Arc;

use crate::site::{Asset, Snapshot};

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

/// Is the file at `path` already exactly `bytes`? Its modification time if so.
fn same_bytes(path: &Path, bytes: &[u8]) -> Option<i64> {
    match fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            if fs::read(path).is_ok_and(|b| b == bytes) {
                Some(unix_seconds(m.modified().ok()?))
            } else {
                None
            }
        }
        _ => None,
    }
}

fn unix_seconds(t: std::time::SystemTime) -> i64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Writes one asset (and its `.gz` sibling) unless the file already holds
/// its bytes, and records when its bytes were first published.
fn publish_asset(
    out: &Path,
    rel: &str,
    asset: &Asset,
    report: &mut Report,
    dirs: &mut BTreeSet<PathBuf>,
) -> Result<(), Error> {
    let target = out.join(rel);
    let gz = gz_path(&target);
    let mut first_published = None;
    for (path, bytes) in [(&target, Some(&asset.bytes)), (&gz, asset.gzip.as_ref())] {
        let Some(bytes) = bytes else {
            if path.exists() {
                fs::remove_file(path).map_err(io(path))?;
                report.removed += 1;
            }
            continue;
        };
        if let Some(mtime) = same_bytes(path, bytes) {
            report.unchanged += 1;
            if path == &target {
                first_published = Some(mtime);
            }
            continue;
        }
        write_atomic(path, bytes)?;
        report.written += 1;
        report.bytes_written += bytes.len() as u64;
        if let Some(d) = path.parent() {
            dirs.insert(d.to_path_buf());
        }
    }
    asset.set_published(
        first_published.unwrap_or_else(|| unix_seconds(std::time::SystemTime::now())),
    );
    Ok(())
}

/// Publishes every file of `snapshot` into `out`, comparing with what is on
/// disk, and removes what the snapshot no longer has.
///
/// # Errors
/// The first file that cannot be written or removed; files written before
/// it stay (each is complete), and the next publish retries the rest.
pub fn publish(out: &Path, snapshot: &Snapshot) -> Result<Report, Error> {
    fs::create_dir_all(out).map_err(io(out))?;
    let mut report = Report::default();
    let mut expected: HashSet<PathBuf> = HashSet::new();
    let mut touched_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for (rel, asset) in snapshot.files() {
        let target = out.join(&rel);
        if asset.gzip.is_some() {
            expected.insert(gz_path(&target));
        }
        expected.insert(target);
        publish_asset(out, &rel, asset, &mut report, &mut touched_dirs)?;
    }
    report.removed += remove_stale(out, &expected, &mut touched_dirs)?;
    for d in touched_dirs {
        sync_dir(&d);
    }
    Ok(report)
}

/// Publishes what changed between two snapshots: assets that are not the
/// same `Arc` as before are written, files of talks and events that are gone
/// are removed. Work is proportional to the change, not to the site.
///
/// # Errors
/// As [`publish`]; a failed publish is retried in full by the caller.
pub fn publish_changes(out: &Path, old: &Snapshot, new: &Snapshot) -> Result<Report, Error> {
    fs::create_dir_all(out).map_err(io(out))?;
    let mut report = Report::default();
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for (rel, asset) in &new.shared {
        if !old.shared.get(rel).is_some_and(|a| Arc::ptr_eq(a, asset)) {
            publish_asset(out, rel, asset, &mut report, &mut dirs)?;
        }
    }
    for (slug, ev) in &new.events {
        let before = old.events.get(slug);
        if before.is_some_and(|b| Arc::ptr_eq(b, ev)) {
            continue;
        }
        if !before.is_some_and(|b| Arc::ptr_eq(&b.calendar, &ev.calendar)) {
            publish_asset(
                out,
                &format!("events/{slug}.ics"),
                &ev.calendar,
                &mut report,
                &mut dirs,
            )?;
        }
        for (t, a) in &ev.talks {
            if !before
                .and_then(|b| b.talks.get(t))
                .is_some_and(|b| Arc::ptr_eq(b, a))
            {
                publish_asset(
                    out,
                    &format!("events/{slug}/{t}.ics"),
                    a,
                    &mut report,
                    &mut dirs,
                )?;
            }
        }
        if let Some(b) = before {
            for t in b.talks.keys().filter(|t| !ev.talks.contains_key(*t)) {
                report.removed +=
                    remove_file_and_gz(&out.join(format!("events/{slug}/{t}.ics")), &mut dirs)?;
            }
        }
    }
    for slug in old.events.keys().filter(|s| !new.events.contains_key(*s)) {
        report.removed += remove_file_and_gz(&out.join(format!("events/{slug}.ics")), &mut dirs)?;
        let folder = out.join("events").join(slug);
        if folder.is_dir() {
            fs::remove_dir_all(&folder).map_err(io(&folder))?;
            report.removed += 1;
            dirs.insert(out.join("events"));
        }
    }
    for d in dirs {
        sync_dir(&d);
    }
    Ok(report)
}

fn remove_file_and_gz(path: &Path, dirs: &mut BTreeSet<PathBuf>) -> Result<usize, Error> {
    let mut n = 0;
    for p in [path.to_path_buf(), gz_path(path)] {
        match fs::remove_file(&p) {
            Ok(()) => n += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::Io { path: p, source: e }),
        }
    }
    if let Some(d) = path.parent() {
        dirs.insert(d.to_path_buf());
    }
    Ok(n)
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
