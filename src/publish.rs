//! Stage 5 of the pipeline: a [`Snapshot`] → files in the output folder.
//!
//! Each file (and its `.gz` sibling, for static hosts) is written to a
//! temporary file, flushed to disk and renamed over the old one, so a reader
//! or a crash never sees half a file; the folder is synced after the renames.
//! A folder that is new (a new event's talk calendars) is written whole
//! under a temporary name and renamed into place, one rename for all of it.
//! Only files whose bytes changed are written, and files no longer in the
//! snapshot are removed (leftover temporary files included). Everything under
//! `.almanac/` (almanac's own state) and `.gitkeep` is left alone.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::Error;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::output::Output;
use crate::site::{Asset, EventAssets, Snapshot};
use crate::snapshot::track_slugs;
use crate::subscribe::{self, schedule};

pub use crate::state::{STATE_DIR, write_atomic};
use crate::state::{commit_temporaries, io, tmp_path};

/// What a publish did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    pub bytes_written: u64,
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

/// What staging a file found: it already held the bytes, or they were
/// written to its temporary; with that file's modification time.
enum Staged {
    Same(i64),
    Written(i64),
}

/// A folder files are staged in, as this publish found or made it.
#[derive(Debug, Clone)]
enum Folder {
    /// It was there: its files are compared with what is staged, and
    /// replaced through temporaries.
    Existing,
    /// Made by this publish under a temporary name (this path), renamed
    /// into place whole at commit: its files are written as they are, with
    /// no temporary and no rename each (a new event's folder of talk
    /// calendars: 21,000 files at 1,000 posts).
    Staged(PathBuf),
}

/// Files written but not yet in place: the durable-rename protocol, batched.
///
/// Each file goes to a temporary sibling first, or into a new folder made
/// under a temporary name; [`Batch::commit`] flushes all of them to disk
/// with one `syncfs`, renames each file and new folder over its target, and
/// flushes again so the renames are durable. A crash at any point leaves
/// every target either old or new, never partial; leftover temporaries are
/// removed by the next full publish. One flush for the batch instead of one
/// per file is what makes a 400,000-file build take seconds, not minutes.
#[derive(Default)]
struct Batch<'a> {
    /// Files written to their temporaries, relative to the output folder
    /// (a build stages hundreds of thousands: kept short).
    pending: Vec<String>,
    /// New folders written under temporary names: (temporary, target).
    pending_folders: Vec<(PathBuf, PathBuf)>,
    /// Assets written in this batch, with their temporary file's
    /// modification time: stamped with it once renamed into place (a rename
    /// keeps it, so it is what a warm start later reads back from the file).
    fresh: Vec<(&'a Asset, i64)>,
    report: Report,
    /// The folders files were staged in.
    dirs: BTreeMap<PathBuf, Folder>,
}

impl<'a> Batch<'a> {
    /// Stages `bytes` for `path` unless the file already holds them;
    /// returns the file's modification time: the existing one's, or the
    /// new temporary's.
    fn stage(&mut self, out: &Path, rel: String, bytes: &[u8]) -> Result<Staged, Error> {
        let path = out.join(&rel);
        let dir = path.parent().unwrap_or(Path::new("."));
        // Only a folder that was there can hold the file already (a build
        // into a new folder looked up 25,000 missing files at 1,000 posts).
        let (into, renamed) = match self.folder(dir)? {
            Folder::Existing => {
                if let Some(mtime) = same_bytes(&path, bytes) {
                    self.report.unchanged += 1;
                    return Ok(Staged::Same(mtime));
                }
                (tmp_path(&path), true)
            }
            Folder::Staged(tmp) => (tmp.join(path.file_name().unwrap_or_default()), false),
        };
        // The open file's own status: no second lookup of its path.
        let mtime = fs::File::create(&into)
            .and_then(|mut f| {
                f.write_all(bytes)?;
                f.metadata()?.modified()
            })
            .map_err(io(&into))?;
        if renamed {
            self.pending.push(rel);
        }
        self.report.written += 1;
        self.report.bytes_written += bytes.len() as u64;
        Ok(Staged::Written(unix_seconds(mtime)))
    }

    /// Finds or makes the folder `dir`: a missing folder is made under a
    /// temporary name, or inside its parent's when that is new too.
    /// Two batches must not make the same folder: see [`publish`].
    fn folder(&mut self, dir: &Path) -> Result<Folder, Error> {
        if let Some(f) = self.dirs.get(dir) {
            return Ok(f.clone());
        }
        let folder = if dir.is_dir() {
            Folder::Existing
        } else {
            // Ends at the output folder, which is there.
            let parent = dir.parent().unwrap_or(Path::new("."));
            let name = dir.file_name().unwrap_or_default();
            match self.folder(parent)? {
                Folder::Staged(tmp) => {
                    let inner = tmp.join(name);
                    fs::create_dir(&inner).map_err(io(&inner))?;
                    Folder::Staged(inner)
                }
                Folder::Existing => {
                    let tmp = tmp_path(dir);
                    // A leftover of a process with this one's ID.
                    if tmp.exists() {
                        fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
                    }
                    fs::create_dir(&tmp).map_err(io(&tmp))?;
                    self.pending_folders.push((tmp.clone(), dir.to_path_buf()));
                    Folder::Staged(tmp)
                }
            }
        };
        self.dirs.insert(dir.to_path_buf(), folder.clone());
        Ok(folder)
    }

    /// Stages an asset and its `.gz` sibling. `was` is the asset it replaces
    /// on disk, when known: a `.gz` that one had and this one has not is
    /// removed (a full publish removes every stale file beforehand).
    fn stage_asset(
        &mut self,
        out: &Path,
        rel: String,
        asset: &'a Asset,
        was: Option<&Asset>,
    ) -> Result<(), Error> {
        let gz_rel = format!("{rel}.gz");
        let existing = self.stage(out, rel, &asset.to_bytes())?;
        match asset.gzip() {
            Some(g) => {
                self.stage(out, gz_rel, g)?;
            }
            None if was.is_some_and(|w| w.gzip().is_some()) => {
                self.report.removed += remove_if_present(&out.join(gz_rel))?;
            }
            None => {}
        }
        match existing {
            Staged::Same(mtime) => asset.set_published(mtime),
            Staged::Written(mtime) => self.fresh.push((asset, mtime)),
        }
        Ok(())
    }

    fn commit(mut self, out: &Path) -> Result<Report, Error> {
        commit_temporaries(
            out,
            &self.pending,
            |rel| out.join(rel).into(),
            &self.pending_folders,
        )?;
        for (a, mtime) in self.fresh.drain(..) {
            a.set_published(mtime);
        }
        Ok(self.report)
    }

    /// Takes over another batch's staged files.
    fn absorb(&mut self, other: Batch<'a>) {
        self.pending.extend(other.pending);
        self.pending_folders.extend(other.pending_folders);
        self.fresh.extend(other.fresh);
        self.report.written += other.report.written;
        self.report.unchanged += other.report.unchanged;
        self.report.removed += other.report.removed;
        self.report.bytes_written += other.report.bytes_written;
        self.dirs.extend(other.dirs);
    }

    /// Removes the temporaries of a batch that failed half-way.
    fn abandon(&self, out: &Path) {
        for (tmp, _) in &self.pending_folders {
            let _ = fs::remove_dir_all(tmp);
        }
        for rel in &self.pending {
            let _ = fs::remove_file(tmp_path(&out.join(rel)));
        }
    }

    /// Stages an event's schedules (made here, not kept: see
    /// [`crate::subscribe::schedule`]), written as they are, without `.gz`.
    fn stage_schedules(
        &mut self,
        out: &Path,
        ev: &EventAssets,
        config: &Config,
    ) -> Result<(), Error> {
        if ev.calendar.is_none() {
            return Ok(());
        }
        let (xml, json) = schedule::schedules(ev, config);
        for (text, is_json) in [(xml, false), (json, true)] {
            let rel = Output::Schedule {
                event: &ev.slug,
                json: is_json,
            }
            .path();
            self.stage(out, rel, text.as_bytes())?;
        }
        Ok(())
    }

    /// Stages the calendars of these tracks (made here, not kept: see
    /// [`crate::subscribe`]), and removes those of tracks no talk has now.
    fn stage_tracks(
        &mut self,
        out: &Path,
        snapshot: &Snapshot,
        slugs: &BTreeSet<String>,
    ) -> Result<(), Error> {
        // No `.gz`: compressing every changed track's calendar on each edit
        // would compete with the rebuild for the cores.
        let mut made = BTreeSet::new();
        subscribe::each_track_calendar(snapshot, Some(slugs), |slug, bytes| {
            made.insert(slug.to_string());
            self.stage(out, Output::Track(slug).path(), &bytes)
                .map(|_| ())
        })?;
        for slug in slugs.difference(&made) {
            self.report.removed += remove_file_and_gz(&out.join(Output::Track(slug).path()))?;
        }
        Ok(())
    }

    /// Stages an event's calendar, its talks' calendars and its schedules.
    fn stage_event(
        &mut self,
        out: &Path,
        ev: &'a EventAssets,
        config: &Config,
    ) -> Result<(), Error> {
        let slug = &ev.slug;
        if let Some(calendar) = &ev.calendar {
            self.stage_asset(out, Output::Event(slug).path(), calendar, None)?;
        }
        self.stage_schedules(out, ev, config)?;
        for (t, a) in &ev.talks {
            self.stage_asset(
                out,
                Output::Talk {
                    event: slug,
                    talk: t,
                }
                .path(),
                a,
                None,
            )?;
        }
        Ok(())
    }
}

/// Publishes every file of `snapshot` into `out`, comparing with what is on
/// disk, and removes what the snapshot no longer has.
///
/// # Errors
/// The first file that cannot be written or removed; nothing half-written
/// stays, and the next publish retries.
pub fn publish(out: &Path, snapshot: &Snapshot) -> Result<Report, Error> {
    fs::create_dir_all(out).map_err(io(out))?;
    // The event calendars' gzip, deferred while the snapshot was made
    // (`Asset::deferred`), made on all cores now: the stale-file walk
    // below asks for it file by file, on one.
    snapshot.events.par_iter().for_each(|(_, ev)| {
        if let Some(c) = &ev.calendar {
            c.gzip();
        }
    });
    // Stale files first, while no temporary of this publish exists: whatever
    // the snapshot does not name goes.
    let removed = remove_stale(out, snapshot)?;
    // Made now, not by the batches below: each would make it under a
    // temporary name of its own. Each event's folder is one batch's.
    let events = out.join(Output::EVENTS);
    if !snapshot.events.is_empty() {
        fs::create_dir_all(&events).map_err(io(&events))?;
    }
    // Compare and stage on all cores, event by event; commit once.
    let staged: Vec<(Batch, Option<Error>)> = snapshot
        .events
        .par_iter()
        .fold(
            || (Batch::default(), None),
            |(mut b, failed), (_, ev)| {
                let failed = failed.or_else(|| b.stage_event(out, ev, &snapshot.config).err());
                (b, failed)
            },
        )
        .collect();
    let mut batch = Batch::default();
    let mut failure = None;
    if let Err(e) = subscribe::each_track_calendar(snapshot, None, |slug, bytes| {
        batch
            .stage(out, Output::Track(slug).path(), &bytes)
            .map(|_| ())
    }) {
        failure = Some(e);
    }
    for (rel, asset) in &snapshot.shared {
        if let Err(e) = batch.stage_asset(out, rel.clone(), asset, None) {
            failure = Some(e);
            break;
        }
    }
    for (b, e) in staged {
        if let Some(e) = e {
            failure.get_or_insert(e);
        }
        batch.absorb(b);
    }
    if let Some(e) = failure {
        batch.abandon(out);
        return Err(e);
    }
    let mut report = batch.commit(out)?;
    report.removed += removed;
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
    let mut batch = Batch::default();
    let result = stage_changes(&mut batch, out, old, new);
    if let Err(e) = result {
        batch.abandon(out);
        return Err(e);
    }
    let removed = remove_gone(out, old, new)?;
    let mut report = batch.commit(out)?;
    report.removed += removed;
    Ok(report)
}

fn stage_changes<'a>(
    batch: &mut Batch<'a>,
    out: &Path,
    old: &Snapshot,
    new: &'a Snapshot,
) -> Result<(), Error> {
    for (rel, asset) in &new.shared {
        let was = old.shared.get(rel);
        if !was.is_some_and(|a| Arc::ptr_eq(a, asset)) {
            batch.stage_asset(out, rel.clone(), asset, was.map(|a| &**a))?;
        }
    }
    // The tracks of the events that changed, before and after.
    let changed = new.events.iter().filter_map(|(slug, ev)| {
        let before = old.events.get(slug);
        (!before.is_some_and(|b| Arc::ptr_eq(b, ev))).then_some((ev, before))
    });
    let gone = old
        .events
        .iter()
        .filter(|(slug, _)| !new.events.contains_key(*slug))
        .map(|(_, ev)| &**ev);
    let tracks = track_slugs(
        changed
            .flat_map(|(ev, before)| std::iter::once(&**ev).chain(before.map(|b| &**b)))
            .chain(gone),
    );
    batch.stage_tracks(out, new, &tracks)?;
    for (slug, ev) in &new.events {
        let before = old.events.get(slug);
        if before.is_some_and(|b| Arc::ptr_eq(b, ev)) {
            continue;
        }
        let was = before.and_then(|b| b.calendar.as_ref());
        if let Some(calendar) = &ev.calendar
            && !was.is_some_and(|b| Arc::ptr_eq(b, calendar))
        {
            let rel = Output::Event(slug).path();
            batch.stage_asset(out, rel, calendar, was.map(|a| &**a))?;
            // The schedules say what the calendar says.
            batch.stage_schedules(out, ev, &new.config)?;
        }
        for (t, a) in &ev.talks {
            let was = before.and_then(|b| b.talks.get(t));
            if !was.is_some_and(|b| Arc::ptr_eq(b, a)) {
                let rel = Output::Talk {
                    event: slug,
                    talk: t,
                }
                .path();
                batch.stage_asset(out, rel, a, was.map(|a| &**a))?;
            }
        }
    }
    Ok(())
}

/// Removes the files of talks and events that `new` no longer has.
fn remove_gone(out: &Path, old: &Snapshot, new: &Snapshot) -> Result<usize, Error> {
    let mut removed = 0;
    // A track no talk has any more.
    for rel in old.shared.keys().filter(|r| !new.shared.contains_key(*r)) {
        removed += remove_file_and_gz(&out.join(rel))?;
    }
    for (slug, before) in &old.events {
        match new.events.get(slug) {
            Some(ev) if Arc::ptr_eq(ev, before) => {}
            Some(ev) => {
                if ev.calendar.is_none() && before.calendar.is_some() {
                    removed += remove_file_and_gz(&out.join(Output::Event(slug).path()))?;
                    for json in [false, true] {
                        let schedule = Output::Schedule { event: slug, json };
                        removed += remove_if_present(&out.join(schedule.path()))?;
                    }
                }
                for t in before.talks.keys().filter(|t| !ev.talks.contains_key(*t)) {
                    removed += remove_file_and_gz(
                        &out.join(
                            Output::Talk {
                                event: slug,
                                talk: t,
                            }
                            .path(),
                        ),
                    )?;
                }
            }
            None => {
                removed += remove_file_and_gz(&out.join(Output::Event(slug).path()))?;
                let folder = out.join(Output::talks_folder(slug));
                if folder.is_dir() {
                    fs::remove_dir_all(&folder).map_err(io(&folder))?;
                    removed += 1;
                }
            }
        }
    }
    Ok(removed)
}

fn remove_file_and_gz(path: &Path) -> Result<usize, Error> {
    Ok(remove_if_present(path)? + remove_if_present(&gz_path(path))?)
}

/// Removes a file; 1 if it was there, 0 if not.
fn remove_if_present(path: &Path) -> Result<usize, Error> {
    match fs::remove_file(path) {
        Ok(()) => Ok(1),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(Error::Io {
            path: path.to_path_buf(),
            source: e,
        }),
    }
}

/// `x.ics` → `x.ics.gz`.
pub fn gz_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".gz");
    PathBuf::from(s)
}

/// Removes every file under `out` that `snapshot` does not serve (a `.gz`
/// sibling counts when its asset is compressed), and folders left empty.
fn remove_stale(out: &Path, snapshot: &Snapshot) -> Result<usize, Error> {
    let tracks = snapshot.track_slugs();
    let is_track = |rel: &str| matches!(Output::parse(rel), Some(Output::Track(slug)) if tracks.contains(slug));
    let expected = |path: &Path| -> bool {
        let Some(rel) = path.strip_prefix(out).ok().and_then(Path::to_str) else {
            return false;
        };
        match rel.strip_suffix(".gz") {
            Some(plain) => snapshot.get(plain).is_some_and(|a| a.gzip().is_some()),
            None => snapshot.get(rel).is_some() || snapshot.has_schedule(rel) || is_track(rel),
        }
    };
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
        if !expected(path) {
            fs::remove_file(path).map_err(io(path))?;
            removed += 1;
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
