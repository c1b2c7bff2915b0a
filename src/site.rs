//! Stage 4 of the pipeline: events → one immutable [`Snapshot`] of every output.
//!
//! [`Site`] is the mutable model the daemon keeps between rebuilds: for each
//! post file, its last good event and that event's rendered outputs. A change
//! to one post re-renders only that post's calendars; the shared outputs (the
//! all-talks calendar, feeds, page) are reassembled from cached pieces. A
//! [`Snapshot`] is what one build produced, with every [`Asset`]'s bytes, gzip
//! variant, content type and ETag computed once, so serving is a lookup.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use bytes::Bytes;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::event::{self, Event, FileOutcome};
use crate::history::{self, History, Record};
use crate::post::{self, Post};
use crate::render::feed::{self, FeedItem};
use crate::render::html;
use crate::render::ics::{self, CalendarMeta, IcsEvent, Revision, ZoneCache};
use chrono::{DateTime, Utc};

/// One output file, ready to serve.
#[derive(Debug)]
pub struct Asset {
    pub bytes: Bytes,
    /// gzip of `bytes`, when it is smaller.
    pub gzip: Option<Bytes>,
    pub content_type: &'static str,
    /// Strong validator: a hash of the bytes, quoted.
    pub etag: String,
    /// When these bytes were first published (Unix seconds; 0: not yet).
    /// Set once by `publish`; it is the file's modification time, so it
    /// survives a restart when the bytes did not change.
    published: AtomicI64,
}

impl Asset {
    /// Compresses and hashes once, at build time.
    pub fn new(path: &str, bytes: Bytes) -> Asset {
        let digest = Sha256::digest(&bytes);
        let etag = format!(
            "\"{}\"",
            digest
                .iter()
                .take(16)
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        let gzip = gzip(&bytes)
            .filter(|g| g.len() < bytes.len())
            .map(Bytes::from);
        Asset {
            content_type: content_type(path),
            bytes,
            gzip,
            etag,
            published: AtomicI64::new(0),
        }
    }

    /// Unix seconds when first published, if it has been.
    pub fn published(&self) -> Option<i64> {
        match self.published.load(Ordering::Relaxed) {
            0 => None,
            t => Some(t),
        }
    }

    /// Records the publication time (the first one wins).
    pub fn set_published(&self, unix_seconds: i64) {
        let _ = self.published.compare_exchange(
            0,
            unix_seconds.max(1),
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }
}

/// Deterministic gzip (RFC 1952; no file name, no timestamp in the header).
///
/// One deflate state per thread, reset between files: setting a new one up
/// costs more than compressing a small calendar, and a build compresses
/// hundreds of thousands of them.
pub fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    thread_local! {
        static DEFLATE: std::cell::RefCell<flate2::Compress> =
            std::cell::RefCell::new(flate2::Compress::new(flate2::Compression::new(6), false));
    }
    let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
    // Magic, deflate, no flags, mtime 0, no extra flags, OS unknown.
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    DEFLATE.with(|d| {
        let mut d = d.borrow_mut();
        d.reset();
        loop {
            let consumed = d.total_in() as usize;
            if out.capacity() - out.len() < 64 {
                out.reserve(out.len().max(1024));
            }
            let status = d
                .compress_vec(&bytes[consumed..], &mut out, flate2::FlushCompress::Finish)
                .ok()?;
            if status == flate2::Status::StreamEnd {
                return Some(());
            }
        }
    })?;
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    Some(out)
}

/// The one content-type table.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("ics") => "text/calendar; charset=utf-8",
        Some("xml") if path.ends_with("atom.xml") => "application/atom+xml; charset=utf-8",
        Some("xml") => "application/rss+xml; charset=utf-8",
        Some("json") => "application/feed+json",
        Some("html") => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A hash of an output's inputs (each part length-prefixed, so no two
/// different input lists hash alike by concatenation).
fn inputs_key<'a>(parts: impl Iterator<Item = &'a str>) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    h.finalize().into()
}

/// Merges two sorted lists into one sorted list.
fn merge_sorted<T: Ord>(a: Vec<T>, b: Vec<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => x <= y,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return out,
        };
        out.extend(if take_a { a.next() } else { b.next() });
    }
}

/// The sorted problems of a snapshot, with the slug collisions they included.
type ProblemCache = (Arc<Vec<Diagnostic>>, Vec<Diagnostic>);

/// The calendars of one event.
#[derive(Debug)]
pub struct EventAssets {
    pub slug: String,
    /// `events/<slug>.ics`
    pub calendar: Arc<Asset>,
    /// `events/<slug>/<talk-slug>.ics`, by talk slug.
    pub talks: BTreeMap<String, Arc<Asset>>,
}

/// Every output of one build. Immutable: the daemon swaps it whole.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// `index.html`, `calendar.ics`, `rss.xml`, `atom.xml`, `feed.json`.
    pub shared: BTreeMap<String, Arc<Asset>>,
    /// By post slug.
    pub events: HashMap<String, Arc<EventAssets>>,
    pub posts: usize,
    pub talks: usize,
    /// Problems of the posts this snapshot was built from.
    pub diagnostics: Arc<Vec<Diagnostic>>,
}

impl Snapshot {
    /// The asset at a URL path (`/` is the index page). The path is only
    /// ever looked up, never joined to a file system path.
    pub fn get(&self, path: &str) -> Option<&Arc<Asset>> {
        let p = path.strip_prefix('/').unwrap_or(path);
        let p = if p.is_empty() { "index.html" } else { p };
        if let Some(rest) = p.strip_prefix("events/") {
            return match rest.split_once('/') {
                None => self
                    .events
                    .get(rest.strip_suffix(".ics")?)
                    .map(|e| &e.calendar),
                Some((slug, talk)) => self.events.get(slug)?.talks.get(talk.strip_suffix(".ics")?),
            };
        }
        self.shared.get(p)
    }

    /// Every file with its path, in no particular order.
    pub fn files(&self) -> impl Iterator<Item = (String, &Arc<Asset>)> {
        let shared = self.shared.iter().map(|(p, a)| (p.clone(), a));
        let events = self.events.values().flat_map(|e| {
            std::iter::once((format!("events/{}.ics", e.slug), &e.calendar)).chain(
                e.talks
                    .iter()
                    .map(move |(t, a)| (format!("events/{}/{t}.ics", e.slug), a)),
            )
        });
        shared.chain(events)
    }

    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// Without history: sequence 0, stamped with the post's date.
pub fn first_revision(post: &Post) -> Revision {
    Revision {
        sequence: 0,
        last_modified: post.date,
        cancelled: false,
    }
}

/// What one event needs from the history to render.
#[derive(Debug, Default)]
struct Revisions {
    by_uid: HashMap<String, Revision>,
    cancelled: Vec<(String, Record)>,
}

/// One post file's last good event, and its rendered pieces once rendered.
#[derive(Debug)]
struct Entry {
    /// The event as parsed, with the slug its post asks for.
    event: Event,
    /// The version had errors (a later good version replaces it; a later
    /// broken version does not replace a good one).
    had_errors: bool,
    /// `None` until rendered (parsing and rendering are separate steps, so
    /// rendering can run in parallel and after slugs are settled).
    rendered: Option<Rendered>,
}

/// An event rendered under its settled slug.
#[derive(Debug)]
struct Rendered {
    /// The event as published: its post's slug may differ from the parsed
    /// one when two posts' paths end alike (see [`Site::settle_slugs`]).
    event: Event,
    assets: Arc<EventAssets>,
    vevents: Vec<IcsEvent>,
    item: FeedItem,
}

/// The daemon's model of the posts folder, updated file by file.
#[derive(Debug)]
pub struct Site {
    config: Config,
    zones: ZoneCache,
    entries: BTreeMap<PathBuf, Entry>,
    /// Latest problems per file (also for files that keep an older version).
    file_diags: BTreeMap<PathBuf, Vec<Diagnostic>>,
    scan_diags: Vec<Diagnostic>,
    /// Size and modification time of each file when last read.
    fingerprints: HashMap<PathBuf, (Option<std::time::SystemTime>, u64)>,
    /// Renderings of replaced versions, kept until the new version is
    /// rendered so unchanged assets keep their publication time.
    previous: HashMap<PathBuf, Option<Rendered>>,
    /// What subscribers have seen (SEQUENCE, LAST-MODIFIED, cancellations).
    history: History,
    /// Slugs of posts removed since the last snapshot: their talks are cancelled.
    removed_slugs: BTreeSet<String>,
    /// Calendars of posts that are gone but whose cancelled talks are still
    /// announced, by slug.
    ghosts: BTreeMap<String, (Arc<EventAssets>, Vec<IcsEvent>)>,
    /// The time of the snapshot being built (stamps revisions that change).
    now: DateTime<Utc>,
    /// The sorted problems of the last snapshot and the collisions they
    /// included; dropped whenever a file's problems change.
    diag_cache: std::sync::Mutex<Option<ProblemCache>>,
    /// Hash of the inputs each shared output was last rendered from.
    shared_keys: HashMap<&'static str, [u8; 32]>,
}

impl Site {
    pub fn new(config: Config) -> Site {
        Site {
            config,
            zones: ZoneCache::default(),
            entries: BTreeMap::new(),
            file_diags: BTreeMap::new(),
            scan_diags: Vec::new(),
            fingerprints: HashMap::new(),
            previous: HashMap::new(),
            history: History::in_memory(),
            removed_slugs: BTreeSet::new(),
            ghosts: BTreeMap::new(),
            now: DateTime::<Utc>::UNIX_EPOCH,
            diag_cache: std::sync::Mutex::new(None),
            shared_keys: HashMap::new(),
        }
    }

    /// A site that remembers revisions in `history` (see [`crate::history`]).
    pub fn with_history(config: Config, history: History) -> Site {
        Site {
            history,
            ..Site::new(config)
        }
    }

    /// Hands the history over (to the site that replaces this one on SIGHUP).
    pub fn into_history(self) -> History {
        self.history
    }

    /// Writes the revision history of the posts that changed.
    ///
    /// # Errors
    /// The state folder cannot be written; the next save retries.
    pub fn save_history(&mut self) -> Result<(), crate::Error> {
        self.history.save()
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Reads every post under `dir`. Files that vanished are dropped; files
    /// whose size and modification time are unchanged are not read again;
    /// a file that is now broken keeps its last good version.
    ///
    /// # Errors
    /// The folder itself cannot be read: nothing is dropped, so the last
    /// good outputs stay published until it is back.
    pub fn load_all(&mut self, dir: &Path) -> Result<(), String> {
        if let Err(e) = std::fs::read_dir(dir) {
            return Err(format!(
                "{}: cannot read the posts folder: {e}",
                dir.display()
            ));
        }
        let (files, scan_diags) = post::discover(dir);
        self.scan_diags = scan_diags;
        self.forget_problems();
        let keep: std::collections::HashSet<&PathBuf> = files.iter().collect();
        let gone: Vec<PathBuf> = self
            .entries
            .keys()
            .chain(self.file_diags.keys())
            .filter(|p| !keep.contains(p))
            .cloned()
            .collect();
        for p in gone {
            self.remove(&p);
        }
        // Read and parse the files that changed on all cores; apply in order.
        let changed: Vec<&PathBuf> = files.iter().filter(|f| self.needs_reading(f)).collect();
        let config = &self.config;
        let outcomes: Vec<FileOutcome> = changed
            .par_iter()
            .map(|f| event::load_file(f, config))
            .collect();
        for o in outcomes {
            self.apply(o);
        }
        Ok(())
    }

    /// Whether a file must be read: it is new, or its size or modification
    /// time changed since it was read (records the new fingerprint).
    fn needs_reading(&mut self, path: &Path) -> bool {
        let Ok(m) = std::fs::metadata(path) else {
            return true;
        };
        let print = (m.modified().ok(), m.len());
        if self.fingerprints.get(path) == Some(&print) && self.file_diags.contains_key(path) {
            return false;
        }
        self.fingerprints.insert(path.to_path_buf(), print);
        true
    }

    /// Re-reads one path: loads it if it is a post file, forgets it if it is
    /// gone. Unchanged files (same size and modification time) are skipped.
    pub fn reload_file(&mut self, path: &Path) {
        let meta = std::fs::metadata(path);
        match meta {
            Ok(m) if m.is_file() => {
                if !self.needs_reading(path) {
                    return;
                }
                let outcome = event::load_file(path, &self.config);
                self.apply(outcome);
            }
            Ok(_) => {
                // A post replaced by a folder (or something else).
                self.remove(path);
                if post::is_post_path(path) {
                    self.file_diags.insert(
                        path.to_path_buf(),
                        vec![Diagnostic::error(path, 0, "not a regular file; skipped")],
                    );
                }
            }
            Err(_) => self.remove(path),
        }
    }

    /// Re-reads a folder below the posts folder (created, removed, renamed).
    pub fn reload_dir(&mut self, dir: &Path) {
        if dir.is_dir() {
            let (files, diags) = post::discover(dir);
            let keep: std::collections::HashSet<&PathBuf> = files.iter().collect();
            for p in self.known_under(dir) {
                if !keep.contains(&p) {
                    self.remove(&p);
                }
            }
            self.scan_diags.retain(|d| !d.path.starts_with(dir));
            self.scan_diags.extend(diags);
            self.forget_problems();
            for f in &files {
                self.reload_file(f);
            }
        } else {
            self.remove(dir);
        }
    }

    /// Takes in a freshly read file (rendering waits for [`Site::snapshot`]).
    pub fn apply(&mut self, outcome: FileOutcome) {
        let FileOutcome {
            path,
            event,
            diagnostics,
        } = outcome;
        let has_errors = diagnostics.iter().any(Diagnostic::is_error);
        self.forget_problems();
        self.file_diags.insert(path.clone(), diagnostics);
        let Some(event) = event else { return };
        let mut previous = None;
        if let Some(old) = self.entries.get_mut(&path) {
            if has_errors && !old.had_errors {
                // Keep the last good version published until this is fixed.
                return;
            }
            if old.event == event {
                old.had_errors = has_errors;
                return;
            }
            previous = old.rendered.take();
            if let Some(r) = previous
                .as_ref()
                .filter(|r| r.event.post.slug != event.post.slug)
            {
                // The post moved to another slug: its old talks are cancelled.
                self.removed_slugs.insert(r.event.post.slug.clone());
            }
        }
        self.previous.insert(path.clone(), previous);
        self.entries.insert(
            path,
            Entry {
                event,
                had_errors: has_errors,
                rendered: None,
            },
        );
    }

    /// Forgets a file (deleted, or moved out of the folder), or every file
    /// below a folder that went away.
    pub fn remove(&mut self, path: &Path) {
        for (p, e) in &self.entries {
            if let Some(r) = e.rendered.as_ref().filter(|_| p.starts_with(path)) {
                self.removed_slugs.insert(r.event.post.slug.clone());
            }
        }
        self.entries.retain(|p, _| !p.starts_with(path));
        self.previous.retain(|p, _| !p.starts_with(path));
        self.file_diags.retain(|p, _| !p.starts_with(path));
        self.forget_problems();
        self.fingerprints.retain(|p, _| !p.starts_with(path));
    }

    /// Files currently known under `path` (for a removed folder).
    pub fn known_under(&self, path: &Path) -> Vec<PathBuf> {
        self.entries
            .keys()
            .filter(|p| p.starts_with(path))
            .cloned()
            .collect()
    }

    /// Renders an event's calendars; assets whose bytes equal those of the
    /// `old` version are reused (they keep their publication time).
    fn render(&self, event: Event, old: Option<&Rendered>, revisions: &Revisions) -> Rendered {
        let reuse = |old: Option<&Arc<Asset>>, path: &str, text: String| -> Arc<Asset> {
            match old {
                Some(a) if a.bytes.as_ref() == text.as_bytes() => a.clone(),
                _ => Arc::new(Asset::new(path, Bytes::from(text))),
            }
        };
        let slug = event.post.slug.clone();
        let mut vevents: Vec<IcsEvent> = event
            .talks
            .iter()
            .map(|t| {
                let r = revisions
                    .by_uid
                    .get(&t.uid)
                    .copied()
                    .unwrap_or_else(|| first_revision(&event.post));
                ics::vevent(t, r)
            })
            .collect();
        let cancelled: Vec<(String, IcsEvent)> = revisions
            .cancelled
            .iter()
            .map(|(uid, r)| (r.talk_slug.clone(), ics::cancelled_vevent(uid, r)))
            .collect();
        vevents.extend(cancelled.iter().map(|(_, v)| v.clone()));
        let mut sorted: Vec<&IcsEvent> = vevents.iter().collect();
        sorted.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid)));
        let c = &self.config;
        let meta = CalendarMeta {
            name: event.post.title.clone(),
            description: event
                .post
                .summary
                .clone()
                .unwrap_or_else(|| format!("Talks from \"{}\"", event.post.title)),
            source: format!("{}/events/{slug}.ics", c.public_url),
            refresh: c.refresh_interval,
        };
        let path = format!("events/{slug}.ics");
        let calendar = reuse(
            old.map(|o| &o.assets.calendar),
            &path,
            ics::calendar(&meta, &sorted, &self.zones),
        );
        let mut talks = BTreeMap::new();
        for (t, v) in event.talks.iter().zip(&vevents) {
            let path = format!("events/{slug}/{}.ics", t.slug);
            let meta = CalendarMeta {
                name: t.title.clone(),
                description: format!("{} — {}", t.title, event.post.title),
                source: format!("{}/{path}", c.public_url),
                refresh: c.refresh_interval,
            };
            let text = ics::calendar(&meta, &[v], &self.zones);
            let previous = old.and_then(|o| o.assets.talks.get(&t.slug));
            talks.insert(t.slug.clone(), reuse(previous, &path, text));
        }
        // A cancelled talk's own file keeps answering, saying it is cancelled.
        for (talk_slug, v) in &cancelled {
            if talks.contains_key(talk_slug) {
                continue;
            }
            let path = format!("events/{slug}/{talk_slug}.ics");
            let meta = CalendarMeta {
                name: format!("Cancelled — {}", event.post.title),
                description: format!("This talk of \"{}\" was cancelled.", event.post.title),
                source: format!("{}/{path}", c.public_url),
                refresh: c.refresh_interval,
            };
            let text = ics::calendar(&meta, &[v], &self.zones);
            let previous = old.and_then(|o| o.assets.talks.get(talk_slug));
            talks.insert(talk_slug.clone(), reuse(previous, &path, text));
        }
        let item = feed::item(&event, c);
        Rendered {
            assets: Arc::new(EventAssets {
                slug,
                calendar,
                talks,
            }),
            vevents,
            item,
            event,
        }
    }

    /// Settles every post's slug: the last segment of its `path` (or its
    /// file name), as the post asks; when several posts with *different*
    /// paths ask for the same slug, the oldest (by date, then file) keeps it
    /// and the others are published under their whole path
    /// (`blog-2023-10-30-x` for `/blog/2023/10/30/x`), with a warning. Posts
    /// with the very same path keep the slug they ask for; the collision is
    /// an error reported by [`Site::snapshot`].
    fn settle_slugs(&self) -> (HashMap<PathBuf, String>, Vec<Diagnostic>) {
        let mut groups: HashMap<&str, Vec<(&PathBuf, &Entry)>> = HashMap::new();
        for (p, e) in &self.entries {
            groups
                .entry(e.event.post.slug.as_str())
                .or_default()
                .push((p, e));
        }
        let taken: std::collections::HashSet<&str> = groups.keys().copied().collect();
        let mut settled = HashMap::new();
        let mut diags = Vec::new();
        for (slug, mut group) in groups {
            if group.len() == 1 {
                continue;
            }
            group.sort_by(|a, b| {
                a.1.event
                    .post
                    .date
                    .cmp(&b.1.event.post.date)
                    .then_with(|| a.0.cmp(b.0))
            });
            let (first_path, first) = group[0];
            for &(p, e) in &group[1..] {
                if e.event.post.url_path == first.event.post.url_path {
                    continue;
                }
                let mut long = post::slugify(&e.event.post.url_path.replace('/', "-"));
                if long.is_empty() || taken.contains(long.as_str()) {
                    long = format!("{long}-{slug}");
                }
                diags.push(Diagnostic::warning(
                    p,
                    0,
                    format!(
                        "slug \"{slug}\" is taken by the older post {}; this post is published as \"{long}\" (give it a `path:` of its own to choose)",
                        first_path.display()
                    ),
                ));
                settled.insert(p.clone(), long);
            }
        }
        (settled, diags)
    }

    /// Observes an event's talks in the history (sequence bumps for what
    /// changed) and cancels those that left it.
    fn revisions(
        &mut self,
        event: &Event,
        now: DateTime<Utc>,
        retention: chrono::Duration,
    ) -> Revisions {
        let slug = &event.post.slug;
        let mut by_uid = HashMap::with_capacity(event.talks.len());
        for t in &event.talks {
            let hash = history::seen_hash(t, &ics::description(t));
            by_uid.insert(
                t.uid.clone(),
                self.history.observe(slug, t, hash, event.post.date, now),
            );
        }
        let present: BTreeSet<&str> = event.talks.iter().map(|t| t.uid.as_str()).collect();
        self.history.settle_post(slug, &present, now, retention);
        Revisions {
            by_uid,
            cancelled: self.history.cancelled(slug),
        }
    }

    /// The calendars of a post that is gone: only its cancelled talks.
    fn render_ghost(
        &self,
        slug: &str,
        cancelled: &[(String, Record)],
    ) -> (Arc<EventAssets>, Vec<IcsEvent>) {
        let c = &self.config;
        let vevents: Vec<IcsEvent> = cancelled
            .iter()
            .map(|(uid, r)| ics::cancelled_vevent(uid, r))
            .collect();
        let refs: Vec<&IcsEvent> = vevents.iter().collect();
        let meta = |name: String, path: &str| CalendarMeta {
            name,
            description: "These talks were cancelled.".to_string(),
            source: format!("{}/{path}", c.public_url),
            refresh: c.refresh_interval,
        };
        let path = format!("events/{slug}.ics");
        let calendar = Arc::new(Asset::new(
            &path,
            Bytes::from(ics::calendar(
                &meta("Cancelled talks".into(), &path),
                &refs,
                &self.zones,
            )),
        ));
        let mut talks = BTreeMap::new();
        for ((_, r), v) in cancelled.iter().zip(&vevents) {
            let path = format!("events/{slug}/{}.ics", r.talk_slug);
            let text = ics::calendar(
                &meta(format!("Cancelled: {}", r.title), &path),
                &[v],
                &self.zones,
            );
            talks.insert(
                r.talk_slug.clone(),
                Arc::new(Asset::new(&path, Bytes::from(text))),
            );
        }
        (
            Arc::new(EventAssets {
                slug: slug.to_string(),
                calendar,
                talks,
            }),
            vevents,
        )
    }

    /// Renders every entry not rendered under its settled slug, in parallel.
    fn render_pending(&mut self) -> Vec<Diagnostic> {
        let (settled, diags) = self.settle_slugs();
        let now = self.now;
        let retention = self.config.cancelled_retention;
        // Cancellations that expired: the posts they belong to render again.
        // Only needed when some post has cancellations or was removed: most
        // rebuilds skip building it.
        let cancelled_slugs = self.history.slugs_with_cancellations();
        let slug_of_entry: HashMap<String, PathBuf> =
            if cancelled_slugs.is_empty() && self.removed_slugs.is_empty() {
                HashMap::new()
            } else {
                self.entries
                    .iter()
                    .map(|(p, e)| {
                        (
                            settled
                                .get(p)
                                .cloned()
                                .unwrap_or_else(|| e.event.post.slug.clone()),
                            p.clone(),
                        )
                    })
                    .collect()
            };
        let mut ghost_slugs: BTreeSet<String> = std::mem::take(&mut self.removed_slugs);
        for slug in cancelled_slugs {
            match slug_of_entry.get(&slug) {
                Some(p) => {
                    // Entries not rendered yet are settled when they render.
                    let Some(rendered) = self.entries[p].rendered.as_ref() else {
                        continue;
                    };
                    let uids: Vec<String> =
                        rendered.event.talks.iter().map(|t| t.uid.clone()).collect();
                    let present: BTreeSet<&str> = uids.iter().map(String::as_str).collect();
                    let expired = self.history.settle_post(&slug, &present, now, retention);
                    if let Some(e) = self.entries.get_mut(p).filter(|_| expired) {
                        self.previous.insert(p.clone(), e.rendered.take());
                    }
                }
                None => {
                    ghost_slugs.insert(slug);
                }
            }
        }
        let work: Vec<(PathBuf, Event, Option<Rendered>)> = {
            let mut work = Vec::new();
            let paths: Vec<PathBuf> = self
                .entries
                .iter()
                .filter(|(p, e)| {
                    let want = settled
                        .get(*p)
                        .map_or(e.event.post.slug.as_str(), String::as_str);
                    e.rendered
                        .as_ref()
                        .is_none_or(|r| r.event.post.slug != want)
                })
                .map(|(p, _)| p.clone())
                .collect();
            for p in paths {
                let want = settled.get(&p).cloned();
                let Some(e) = self.entries.get_mut(&p) else {
                    continue;
                };
                let mut event = e.event.clone();
                if let Some(slug) = want {
                    // The UIDs and talk files derive from the slug: find the talks again under it.
                    event.post.slug = slug;
                    let (talks, _) = crate::talk::extract(&event.post, &self.config);
                    event.talks = talks;
                }
                let mut old = e.rendered.take();
                if old.is_none() {
                    old = self.previous.remove(&p).flatten();
                }
                work.push((p, event, old));
            }
            work
        };
        self.previous.clear();
        let work: Vec<(PathBuf, Event, Option<Rendered>, Revisions)> = work
            .into_iter()
            .map(|(p, event, old)| {
                let revisions = self.revisions(&event, now, retention);
                (p, event, old, revisions)
            })
            .collect();
        // Posts that are gone: their talks are announced as cancelled, in a
        // calendar of their own, until the retention runs out.
        for slug in ghost_slugs {
            if slug_of_entry.contains_key(&slug) {
                continue;
            }
            self.history
                .settle_post(&slug, &BTreeSet::new(), now, retention);
            let cancelled = self.history.cancelled(&slug);
            if cancelled.is_empty() {
                self.ghosts.remove(&slug);
            } else {
                let ghost = self.render_ghost(&slug, &cancelled);
                self.ghosts.insert(slug, ghost);
            }
        }
        let done: Vec<(PathBuf, Rendered)> = work
            .into_par_iter()
            .map(|(p, event, old, revisions)| {
                let r = self.render(event, old.as_ref(), &revisions);
                (p, r)
            })
            .collect();
        for (p, r) in done {
            if let Some(e) = self.entries.get_mut(&p) {
                e.rendered = Some(r);
            }
        }
        diags
    }

    /// Every problem: scan problems, each file's latest problems, slug
    /// collisions. Reused from the last snapshot while none of them changed
    /// (a big site has tens of thousands of warnings to sort).
    fn diagnostics(&self, collisions: Vec<Diagnostic>) -> Arc<Vec<Diagnostic>> {
        let mut cache = self
            .diag_cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((cached, _)) = cache.as_ref().filter(|(_, seen)| *seen == collisions) {
            return cached.clone();
        }
        // Each file's problems are in line order and the files in path order,
        // so only the few scan problems and collisions need sorting in.
        let per_file: Vec<Diagnostic> = self.file_diags.values().flatten().cloned().collect();
        let mut extra: Vec<Diagnostic> =
            self.scan_diags.iter().chain(&collisions).cloned().collect();
        extra.sort();
        let all = if per_file.is_sorted() {
            merge_sorted(per_file, extra)
        } else {
            let mut all = per_file;
            all.extend(extra);
            all.sort();
            all
        };
        let all = Arc::new(all);
        *cache = Some((all.clone(), collisions));
        all
    }

    /// Drops the cached problem list (a file's problems changed).
    fn forget_problems(&mut self) {
        *self
            .diag_cache
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// The rendered events that publish (one per slug), and the collisions.
    fn chosen(&self) -> (Vec<&Rendered>, Vec<Diagnostic>) {
        let entries: Vec<(&PathBuf, &Rendered)> = self
            .entries
            .iter()
            .filter_map(|(p, e)| e.rendered.as_ref().map(|r| (p, r)))
            .collect();
        let (kept, collisions) = event::unique_slugs(
            entries
                .iter()
                .map(|(p, e)| (p.as_path(), e.event.post.slug.as_str())),
        );
        (kept.into_iter().map(|i| entries[i].1).collect(), collisions)
    }

    /// The events of the last snapshot, as published (settled slugs).
    pub fn published(&self) -> Vec<&Event> {
        self.chosen().0.into_iter().map(|r| &r.event).collect()
    }

    /// Assembles a snapshot. Assets whose bytes equal those in `previous`
    /// are taken from it, so they keep their publication time and gzip.
    pub fn snapshot(&mut self, previous: Option<&Snapshot>, now: DateTime<Utc>) -> Snapshot {
        self.now = now;
        let slug_warnings = self.render_pending();
        let (chosen, mut collisions) = self.chosen();
        collisions.extend(slug_warnings);
        let diagnostics = self.diagnostics(collisions);
        let events: Vec<&Event> = chosen.iter().map(|e| &e.event).collect();
        let c = &self.config;

        let mut all: Vec<&IcsEvent> = chosen
            .iter()
            .flat_map(|e| e.vevents.iter())
            .chain(self.ghosts.values().flat_map(|(_, v)| v.iter()))
            .collect();
        let order =
            |a: &&IcsEvent, b: &&IcsEvent| a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid));
        if let Some(limit) = c.all_talks_limit.filter(|l| *l < all.len()) {
            // Only the newest `limit` are kept: select them in linear time,
            // then sort just those.
            let cut = all.len() - limit;
            all.select_nth_unstable_by(cut, order);
            all.drain(..cut);
        }
        all.sort_unstable_by(order);
        let meta = CalendarMeta {
            name: c.title.clone(),
            description: c.description.clone(),
            source: format!("{}/calendar.ics", c.public_url),
            refresh: c.refresh_interval,
        };
        let items = feed::newest(chosen.iter().map(|e| &e.item).collect(), c.feed_limit);
        // The calendar and the feeds change only when the talks or posts they
        // show change: most edits touch neither, so they are keyed by a hash
        // of their inputs and reused from the previous snapshot.
        let calendar_key = inputs_key(all.iter().map(|e| e.text.as_str()));
        let dates: Vec<String> = items
            .iter()
            .map(|i| i.date.timestamp().to_string())
            .collect();
        let feeds_key = inputs_key(items.iter().zip(&dates).flat_map(|(i, date)| {
            [
                i.id.as_str(),
                date.as_str(),
                i.title.as_str(),
                i.summary.as_deref().unwrap_or(""),
                i.content_html.as_str(),
                i.image.as_deref().unwrap_or(""),
            ]
            .into_iter()
            .chain(i.authors.iter().map(String::as_str))
            .chain(std::iter::once("\u{1}"))
            .chain(i.categories.iter().map(String::as_str))
            .chain(std::iter::once("\u{2}"))
        }));
        let unchanged = |path: &str, key: &[u8; 32]| -> Option<Arc<Asset>> {
            (self.shared_keys.get(path) == Some(key))
                .then(|| previous?.shared.get(path).cloned())
                .flatten()
        };
        let keep_calendar = unchanged("calendar.ics", &calendar_key);
        let keep_feeds = ["rss.xml", "atom.xml", "feed.json"].map(|p| unchanged(p, &feeds_key));
        let render_if =
            |keep: bool, f: &(dyn Fn() -> String + Sync)| if keep { None } else { Some(f()) };
        // The shared outputs are independent: render what changed on both cores.
        let ((calendar, rss), (atom, (json, index))) = rayon::join(
            || {
                rayon::join(
                    || {
                        render_if(keep_calendar.is_some(), &|| {
                            ics::calendar(&meta, &all, &self.zones)
                        })
                    },
                    || render_if(keep_feeds[0].is_some(), &|| feed::rss(&items, c)),
                )
            },
            || {
                rayon::join(
                    || render_if(keep_feeds[1].is_some(), &|| feed::atom(&items, c)),
                    || {
                        rayon::join(
                            || render_if(keep_feeds[2].is_some(), &|| feed::json(&items, c)),
                            || html::index(&events, c),
                        )
                    },
                )
            },
        );
        let texts = [
            ("calendar.ics", calendar, keep_calendar),
            ("rss.xml", rss, keep_feeds[0].clone()),
            ("atom.xml", atom, keep_feeds[1].clone()),
            ("feed.json", json, keep_feeds[2].clone()),
            ("index.html", Some(index), None),
        ];
        let shared: BTreeMap<String, Arc<Asset>> = texts
            .into_par_iter()
            .map(|(path, text, kept)| {
                let asset = match (kept, text) {
                    (Some(a), _) => a,
                    (None, Some(text)) => previous
                        .and_then(|p| p.shared.get(path))
                        .filter(|a| a.bytes.as_ref() == text.as_bytes())
                        .cloned()
                        .unwrap_or_else(|| Arc::new(Asset::new(path, Bytes::from(text)))),
                    (None, None) => unreachable!("an output is either kept or rendered"),
                };
                (path.to_string(), asset)
            })
            .collect();
        let mut events_map: HashMap<String, Arc<EventAssets>> = self
            .ghosts
            .iter()
            .map(|(slug, (assets, _))| (slug.clone(), assets.clone()))
            .collect();
        events_map.extend(
            chosen
                .iter()
                .map(|e| (e.assets.slug.clone(), e.assets.clone())),
        );
        let posts = chosen.len();
        let talks = chosen.iter().map(|e| e.event.talks.len()).sum();
        self.shared_keys.insert("calendar.ics", calendar_key);
        for p in ["rss.xml", "atom.xml", "feed.json"] {
            self.shared_keys.insert(p, feeds_key);
        }
        Snapshot {
            shared,
            events: events_map,
            posts,
            talks,
            diagnostics,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_sorted_lists() {
        assert_eq!(
            merge_sorted(vec![1, 3, 5, 7], vec![2, 3, 8]),
            vec![1, 2, 3, 3, 5, 7, 8]
        );
        assert_eq!(merge_sorted(Vec::<u8>::new(), vec![1]), vec![1]);
        assert_eq!(merge_sorted(vec![1], Vec::new()), vec![1]);
    }

    #[test]
    fn gzip_is_deterministic_and_decodes() {
        use std::io::Read;
        for input in [&b""[..], b"BEGIN:VCALENDAR\r\n", &b"x".repeat(300_000)] {
            let a = gzip(input).unwrap();
            assert_eq!(a, gzip(input).unwrap(), "same bytes every time");
            let mut back = Vec::new();
            flate2::read::GzDecoder::new(&a[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, input);
        }
    }
}
