//! Stage 4 of the pipeline: events → one immutable [`Snapshot`] of every output.
//!
//! [`Site`] is the mutable model the daemon keeps between rebuilds: for each
//! post file, its last good event and that event's rendered outputs. A change
//! to one post re-renders only that post's calendars; the shared outputs (the
//! all-talks calendar, feeds, page) are reassembled from cached pieces. A
//! [`Snapshot`] is what one build produced, with every [`Asset`]'s bytes, gzip
//! variant, content type and ETag computed once, so serving is a lookup.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

pub use crate::asset::{Asset, content_type, gzip};
use crate::config::Config;
use crate::diag::{self, Diagnostic, FileProblems, Problems};
use crate::event::{self, Event, FileOutcome, Kept};
use crate::history::{History, Record};
use crate::post::{self, Post};
use crate::render::feed::{self, FeedItem};
use crate::render::ics::{self, CalendarMeta, IcsEvent, Revision, ZoneCache};
use crate::render::{self, html};
pub use crate::snapshot::{EventAssets, Snapshot};
use crate::undated::Undated;
use chrono::{DateTime, Utc};

/// A hash of an output's inputs (each part length-prefixed, so no two
/// different input lists hash alike by concatenation).
fn inputs_key<'a>(parts: impl Iterator<Item = &'a [u8]>) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().into()
}

/// The key of an output made from these renderings (in this order): a
/// rendering's generation stands for its content, so nothing is hashed but
/// eight bytes per rendering, and `extra` (a count the output shows).
fn generations_key<'a>(renderings: impl Iterator<Item = &'a Rendered>, extra: u64) -> [u8; 32] {
    let bytes: Vec<[u8; 8]> = renderings
        .map(|r| r.generation)
        .chain([extra])
        .map(u64::to_le_bytes)
        .collect();
    inputs_key(bytes.iter().map(|b| &b[..]))
}

/// Observes an event's talks in the history (sequence bumps for what
/// changed) and cancels those that left it.
fn revisions(
    history: &mut History,
    event: &Event,
    now: DateTime<Utc>,
    retention: chrono::Duration,
) -> Revisions {
    let slug = &event.post.slug;
    let mut by_uid = HashMap::with_capacity(event.talks.len());
    for t in &event.talks {
        let description = ics::description(t);
        let revision = history.observe(slug, t, &description, event.post.date, now);
        by_uid.insert(t.uid.clone(), (revision, description));
    }
    let present: BTreeSet<&str> = event.talks.iter().map(|t| t.uid.as_str()).collect();
    history.settle_post(slug, &present, now, retention);
    Revisions {
        by_uid,
        cancelled: history.cancelled(slug),
    }
}

/// Whether two versions of a post say the same, apart from the slug (the
/// stored one carries the slug it is published under). Equal front matter
/// and bodies give equal talks.
fn same_event(a: &Kept, b: &Kept) -> bool {
    same_post(&a.post, &b.post) && a.same_body(b)
}

fn same_post(a: &Post, b: &Post) -> bool {
    let Post {
        path,
        slug: _,
        title,
        date,
        dated,
        summary,
        categories,
        tags,
        authors,
        image,
        url_path,
        timezone,
        location,
        body,
        body_line,
        listed_talks,
    } = a;
    (path, title, date, dated, summary, categories, tags)
        == (
            &b.path,
            &b.title,
            &b.date,
            &b.dated,
            &b.summary,
            &b.categories,
            &b.tags,
        )
        && (
            authors, image, url_path, timezone, location, body, body_line,
        ) == (
            &b.authors,
            &b.image,
            &b.url_path,
            &b.timezone,
            &b.location,
            &b.body,
            &b.body_line,
        )
        && listed_talks == &b.listed_talks
}

/// The start of the newest of `talks`, if any.
fn newest_start(talks: &[IcsEvent]) -> Option<DateTime<Utc>> {
    talks.iter().map(|e| e.start).max()
}

/// The newest `limit` talks (all without a limit), oldest first.
///
/// Events are visited newest first and the visit stops once no remaining
/// event can hold a talk among the newest: a change costs a sort of the
/// events and a look at the talks of the newest few, not at all 200,000.
/// Each event comes with the start of its newest talk, computed when it
/// was rendered (so a change does not look at every talk to find it).
fn newest_talks<'a>(
    events: impl Iterator<Item = (DateTime<Utc>, &'a [IcsEvent])>,
    limit: Option<usize>,
) -> Vec<&'a IcsEvent> {
    let mut events: Vec<(DateTime<Utc>, &[IcsEvent])> = events.collect();
    events.sort_unstable_by_key(|e| std::cmp::Reverse(e.0));
    let mut all: Vec<&IcsEvent> = Vec::new();
    // The start of the `limit`-th newest talk taken so far, once known: an
    // event whose newest talk is older cannot contribute.
    let mut bar: Option<DateTime<Utc>> = None;
    for (newest, talks) in events {
        if bar.is_some_and(|b| newest < b) {
            break;
        }
        all.extend(talks);
        if let Some(limit) = limit.filter(|l| bar.is_none() && all.len() >= *l && *l > 0) {
            let mut starts: Vec<DateTime<Utc>> = all.iter().map(|e| e.start).collect();
            let k = starts.len() - limit;
            bar = Some(*starts.select_nth_unstable(k).1);
        }
    }
    // Newest first (by start, then UID).
    render::first_in_order(all, limit.unwrap_or(usize::MAX), |a, b| {
        b.start.cmp(&a.start).then_with(|| b.uid.cmp(&a.uid))
    })
}

/// The most talks a calendar of `max_bytes` can hold: no `VEVENT` is
/// shorter than this (its required lines alone are longer), so the newest
/// this many are all the candidates the byte bound needs.
const MIN_VEVENT_BYTES: usize = 128;

/// The keys of `map` equal to `path` or below it. Paths order by component,
/// so they are one contiguous range: no walk over the whole map.
fn under<V>(map: &BTreeMap<PathBuf, V>, path: &Path) -> Vec<PathBuf> {
    use std::ops::Bound;
    map.range::<Path, _>((Bound::Included(path), Bound::Unbounded))
        .take_while(|(p, _)| p.starts_with(path))
        .map(|(p, _)| p.clone())
        .collect()
}

/// Debug-level timing of the steps of a rebuild (`RUST_LOG=debug`).
struct Lap(std::cell::Cell<std::time::Instant>);

impl Lap {
    fn start() -> Lap {
        Lap(std::cell::Cell::new(std::time::Instant::now()))
    }

    fn step(&self, what: &str) {
        let now = std::time::Instant::now();
        let took = now - self.0.replace(now);
        tracing::debug!(took_us = took.as_micros() as u64, "{what}");
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
    /// Each talk's revision and description, by UID.
    by_uid: HashMap<String, (Revision, String)>,
    cancelled: Vec<(String, Record)>,
}

/// One post file's last good event, and its rendered pieces once rendered.
#[derive(Debug)]
struct Entry {
    /// The event as read, without its bulk; once rendered, its post's slug
    /// is the one it is published under (see [`Site::settle_slugs`]).
    kept: Kept,
    /// The version had errors (a later good version replaces it; a later
    /// broken version does not replace a good one).
    had_errors: bool,
    /// `None` until rendered (parsing and rendering are separate steps, so
    /// rendering can run in parallel and after slugs are settled).
    rendered: Option<Rendered>,
}

/// The next [`Rendered::generation`].
static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// An event rendered under its settled slug.
#[derive(Debug)]
struct Rendered {
    /// The slug it was rendered under.
    slug: String,
    assets: Arc<EventAssets>,
    vevents: Vec<IcsEvent>,
    /// The start of the newest of `vevents` and of the earliest talk (the
    /// all-talks calendar and the index page order events by these).
    newest: Option<DateTime<Utc>>,
    first: Option<DateTime<Utc>>,
    /// How many of `vevents` are the post's talks (the rest are cancelled).
    talks: usize,
    /// The post's feed item without its content.
    item: FeedItem,
    /// Unique to this rendering (never reused in the process): stands for
    /// its content in the keys of the shared outputs.
    generation: u64,
    /// The post's content as HTML, made the first time the feeds show it.
    content_html: std::sync::OnceLock<Arc<str>>,
    /// The event's part of the index page, made the first time it is shown.
    section: std::sync::OnceLock<Arc<str>>,
}

/// A list of problems and the one it replaced.
type Replaced = (Arc<[Diagnostic]>, Arc<[Diagnostic]>);

/// How the posts' slugs were settled (see [`Site::settle_slugs`]). Kept
/// until a post arrives, leaves, or changes its path, slug or date: an
/// ordinary edit costs nothing here however many posts there are.
#[derive(Debug, Default)]
struct Slugs {
    /// Posts published under another slug than the one they ask for.
    settled: HashMap<PathBuf, String>,
    /// Posts refused because an earlier file has the very same path.
    refused: HashSet<PathBuf>,
    /// A warning for each settled post, an error for each refused one.
    diags: Arc<[Diagnostic]>,
}

/// The daemon's model of the posts folder, updated file by file.
#[derive(Debug)]
pub struct Site {
    config: Config,
    zones: ZoneCache,
    entries: BTreeMap<PathBuf, Entry>,
    /// Latest problems per file (also for files that keep an older version).
    file_diags: FileProblems,
    /// Problems of the folder scan, sorted.
    scan_diags: Arc<[Diagnostic]>,
    /// Problem lists replaced since the problems were last taken, old and
    /// new (shared, not copied: a build never asks which problems are new).
    fresh: Vec<Replaced>,
    /// The scan problems and slug collisions of the last snapshot.
    last_extra: (Arc<[Diagnostic]>, Arc<[Diagnostic]>),
    /// Size and modification time of each file when last read.
    fingerprints: HashMap<PathBuf, (Option<std::time::SystemTime>, u64)>,
    /// Renderings of replaced versions, kept until the new version is
    /// rendered so unchanged assets keep their publication time.
    previous: HashMap<PathBuf, Option<Rendered>>,
    /// What subscribers have seen (SEQUENCE, LAST-MODIFIED, cancellations).
    history: History,
    /// Dates for posts without one (shared with the threads that read posts).
    undated: Arc<Undated>,
    /// Slugs of posts removed since the last snapshot: their talks are cancelled.
    removed_slugs: BTreeSet<String>,
    /// Calendars of posts that are gone but whose cancelled talks are still
    /// announced, by slug.
    ghosts: BTreeMap<String, (Arc<EventAssets>, Vec<IcsEvent>)>,
    /// The time of the snapshot being built (stamps revisions that change).
    now: DateTime<Utc>,
    /// Hash of the inputs each shared output was last rendered from.
    shared_keys: HashMap<&'static str, [u8; 32]>,
    /// `None` when a change may have moved a slug.
    slugs: Option<Slugs>,
    /// Entries read or changed since the last render (all of them are
    /// looked at only when the slugs were settled anew).
    pending: BTreeSet<PathBuf>,
    /// Events rendered since the last snapshot: the next snapshot's index
    /// is the last one's with these put in, unless `index_stale`.
    rerendered: Vec<Arc<EventAssets>>,
    /// An event left, a slug moved or a ghost changed: the next snapshot's
    /// index is built anew.
    index_stale: bool,
}

impl Site {
    pub fn new(config: Config) -> Site {
        Site {
            config,
            zones: ZoneCache::default(),
            entries: BTreeMap::new(),
            file_diags: FileProblems::default(),
            scan_diags: Arc::from([]),
            fresh: Vec::new(),
            last_extra: (Arc::from([]), Arc::from([])),
            fingerprints: HashMap::new(),
            previous: HashMap::new(),
            history: History::in_memory(),
            undated: Arc::new(Undated::default()),
            removed_slugs: BTreeSet::new(),
            ghosts: BTreeMap::new(),
            now: DateTime::<Utc>::UNIX_EPOCH,
            shared_keys: HashMap::new(),
            slugs: None,
            pending: BTreeSet::new(),
            rerendered: Vec::new(),
            index_stale: true,
        }
    }

    /// A site that remembers revisions in `history` (see [`crate::history`])
    /// and dates undated posts with `undated` (see [`crate::undated`]).
    pub fn with_state(config: Config, history: History, undated: Arc<Undated>) -> Site {
        Site {
            history,
            undated,
            ..Site::new(config)
        }
    }

    /// Hands the state over (to the site that replaces this one on SIGHUP).
    pub fn into_state(self) -> (History, Arc<Undated>) {
        (self.history, self.undated)
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
        let (files, mut scan_diags) = post::discover(dir);
        scan_diags.sort();
        self.scan_diags = scan_diags.into();
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
        let (config, undated) = (&self.config, &*self.undated);
        // Each event is slimmed as soon as it is read, so the posts' text
        // is never all in memory at once.
        let outcomes: Vec<(PathBuf, Option<Kept>, Vec<Diagnostic>)> = changed
            .par_iter()
            .map(|f| {
                let o = event::load_file(f, config, undated);
                (o.path, o.event.map(|e| Kept::new(e.post)), o.diagnostics)
            })
            .collect();
        for (path, kept, diagnostics) in outcomes {
            self.admit(path, kept, diagnostics);
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
                let outcome = event::load_file(path, &self.config, &self.undated);
                self.apply(outcome);
            }
            Ok(_) => {
                // A post replaced by a folder (or something else).
                self.remove(path);
                if post::is_post_path(path) {
                    self.set_problems(
                        path,
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
            let mut scan: Vec<Diagnostic> = self
                .scan_diags
                .iter()
                .filter(|d| !d.path.starts_with(dir))
                .cloned()
                .collect();
            scan.extend(diags);
            scan.sort();
            self.scan_diags = scan.into();
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
        self.admit(path, event.map(|e| Kept::new(e.post)), diagnostics);
    }

    /// [`Site::apply`] of an event already slimmed.
    fn admit(&mut self, path: PathBuf, event: Option<Kept>, diagnostics: Vec<Diagnostic>) {
        let has_errors = diagnostics.iter().any(Diagnostic::is_error);
        self.set_problems(&path, diagnostics);
        let Some(event) = event else { return };
        let mut previous = None;
        if let Some(old) = self.entries.get_mut(&path) {
            if has_errors && !old.had_errors {
                // Keep the last good version published until this is fixed.
                return;
            }
            let same_slug = old.kept.asked == event.asked;
            if same_slug && same_event(&old.kept, &event) {
                old.had_errors = has_errors;
                return;
            }
            let (a, b) = (&old.kept.post, &event.post);
            if !same_slug || (&a.url_path, a.date) != (&b.url_path, b.date) {
                self.slugs = None;
            }
            previous = old.rendered.take();
            if let Some(r) = previous.as_ref().filter(|_| !same_slug) {
                // The post moved to another slug: its old talks are cancelled.
                self.removed_slugs.insert(r.slug.clone());
            }
        }
        if !self.entries.contains_key(&path) {
            self.slugs = None;
        }
        self.previous.insert(path.clone(), previous);
        self.pending.insert(path.clone());
        self.entries.insert(
            path,
            Entry {
                kept: event,
                had_errors: has_errors,
                rendered: None,
            },
        );
    }

    /// Forgets a file (deleted, or moved out of the folder), or every file
    /// below a folder that went away.
    pub fn remove(&mut self, path: &Path) {
        let mut gone = self.known_under(path);
        gone.extend(under(&self.file_diags, path));
        for p in &gone {
            if let Some(e) = self.entries.remove(p) {
                self.slugs = None;
                if let Some(r) = e.rendered {
                    self.removed_slugs.insert(r.slug);
                }
            }
            self.previous.remove(p);
            self.fingerprints.remove(p);
            if self.file_diags.contains_key(p) {
                Arc::make_mut(&mut self.file_diags).remove(p);
            }
        }
    }

    /// Files currently known under `path` (for a removed folder).
    pub fn known_under(&self, path: &Path) -> Vec<PathBuf> {
        under(&self.entries, path)
    }

    /// Renders an event's calendars; assets whose bytes equal those of the
    /// `old` version are reused (they keep their publication time).
    ///
    /// The event's calendar is made first, in one piece; each `VEVENT` then
    /// becomes a slice of it, and a talk's own calendar is its header plus
    /// those shared slices: a talk's text is held once, not three times.
    fn render(&self, event: &Event, old: Option<&Rendered>, revisions: &Revisions) -> Rendered {
        let slug = event.post.slug.clone();
        let mut vevents: Vec<IcsEvent> = event
            .talks
            .iter()
            .map(|t| match revisions.by_uid.get(&t.uid) {
                Some((r, description)) => ics::vevent_described(t, description, *r),
                None => ics::vevent(t, first_revision(&event.post)),
            })
            .collect();
        let cancelled: Vec<String> = revisions
            .cancelled
            .iter()
            .map(|(uid, r)| {
                vevents.push(ics::cancelled_vevent(uid, r));
                r.talk_slug.clone()
            })
            .collect();
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
        let calendar = (!vevents.is_empty()).then(|| {
            let old = old.and_then(|o| o.assets.calendar.as_ref());
            self.event_calendar(&path, &meta, &mut vevents, old)
        });
        let talk_meta = |name: String, description: String, path: &str| CalendarMeta {
            name,
            description,
            source: format!("{}/{path}", c.public_url),
            refresh: c.refresh_interval,
        };
        let mut talks = BTreeMap::new();
        for (t, v) in event.talks.iter().zip(&vevents) {
            let path = format!("events/{slug}/{}.ics", t.slug);
            let meta = talk_meta(
                t.title.clone(),
                format!("{} — {}", t.title, event.post.title),
                &path,
            );
            let previous = old.and_then(|o| o.assets.talks.get(&t.slug));
            talks.insert(
                t.slug.clone(),
                self.talk_calendar(&path, &meta, v, previous),
            );
        }
        // A cancelled talk's own file keeps answering, saying it is cancelled.
        for (talk_slug, v) in cancelled.iter().zip(&vevents[event.talks.len()..]) {
            if talks.contains_key(talk_slug) {
                continue;
            }
            let path = format!("events/{slug}/{talk_slug}.ics");
            let meta = talk_meta(
                format!("Cancelled — {}", event.post.title),
                format!("This talk of \"{}\" was cancelled.", event.post.title),
                &path,
            );
            let previous = old.and_then(|o| o.assets.talks.get(talk_slug));
            talks.insert(
                talk_slug.clone(),
                self.talk_calendar(&path, &meta, v, previous),
            );
        }
        let item = feed::heading(event, c);
        Rendered {
            assets: Arc::new(EventAssets {
                slug: Arc::from(slug.as_str()),
                calendar,
                talks,
            }),
            slug,
            newest: newest_start(&vevents),
            first: event.talks.iter().map(|t| t.when.start).min(),
            vevents,
            talks: event.talks.len(),
            item,
            generation: GENERATION.fetch_add(1, Ordering::Relaxed),
            content_html: std::sync::OnceLock::new(),
            section: std::sync::OnceLock::new(),
        }
    }

    /// An event's calendar (events by start), in one piece and compressed;
    /// `old` when its bytes are the same. Each of `vevents` becomes a slice
    /// of the calendar's bytes.
    fn event_calendar(
        &self,
        path: &str,
        meta: &CalendarMeta,
        vevents: &mut [IcsEvent],
        old: Option<&Arc<Asset>>,
    ) -> Arc<Asset> {
        let mut order: Vec<usize> = (0..vevents.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&vevents[a], &vevents[b]);
            a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid))
        });
        let sorted: Vec<&IcsEvent> = order.iter().map(|&i| &vevents[i]).collect();
        let parts = ics::calendar_parts(meta, &sorted, &self.zones);
        let joined = parts.joined();
        let asset = match old {
            Some(a) if a.same_bytes(std::slice::from_ref(&joined)) => a.clone(),
            _ => Arc::new(Asset::new(path, joined)),
        };
        let bytes = &asset.parts()[0];
        for (&i, span) in order.iter().zip(parts.event_spans()) {
            vevents[i].text = bytes.slice(span);
        }
        asset
    }

    /// A talk's own calendar: its header, then pieces shared with its
    /// event's calendar; `old` when its bytes are the same.
    fn talk_calendar(
        &self,
        path: &str,
        meta: &CalendarMeta,
        vevent: &IcsEvent,
        old: Option<&Arc<Asset>>,
    ) -> Arc<Asset> {
        let parts = ics::calendar_parts(meta, &[vevent], &self.zones).parts;
        Arc::new(match old {
            // Not the old asset itself: its pieces would keep the old
            // event calendar's bytes alive.
            Some(a) if a.same_bytes(&parts) => a.recut(parts),
            _ => Asset::uncompressed(path, parts),
        })
    }

    /// Settles every post's slug: the last segment of its `path` (or its
    /// file name), as the post asks; when several posts with *different*
    /// paths ask for the same slug, the oldest (by date, then file) keeps it
    /// and the others are published under their whole path
    /// (`blog-2023-10-30-x` for `/blog/2023/10/30/x`), with a warning. Posts
    /// with the very same path keep the slug they ask for; the collision is
    /// an error reported by [`Site::snapshot`].
    fn settle_slugs(&self) -> Slugs {
        let mut groups: HashMap<&str, Vec<(&PathBuf, &Entry)>> = HashMap::new();
        for (p, e) in &self.entries {
            groups
                .entry(e.kept.asked.as_str())
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
                a.1.kept
                    .post
                    .date
                    .cmp(&b.1.kept.post.date)
                    .then_with(|| a.0.cmp(b.0))
            });
            let (first_path, first) = group[0];
            for &(p, e) in &group[1..] {
                let (url_path, first_url_path) = (&e.kept.post.url_path, &first.kept.post.url_path);
                if url_path == first_url_path {
                    continue;
                }
                let mut long = post::slugify(&url_path.replace('/', "-"));
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
        // Posts with the very same path: the first file keeps the slug.
        let paths: Vec<&PathBuf> = self.entries.keys().collect();
        let (kept, refused) = event::unique_slugs(self.entries.iter().map(|(p, e)| {
            let slug = settled.get(p).unwrap_or(&e.kept.asked);
            (p.as_path(), slug.as_str())
        }));
        let mut is_kept = vec![false; paths.len()];
        for i in kept {
            is_kept[i] = true;
        }
        diags.extend(refused);
        diags.sort();
        Slugs {
            refused: paths
                .into_iter()
                .zip(is_kept)
                .filter(|(_, k)| !k)
                .map(|(p, _)| p.clone())
                .collect(),
            settled,
            diags: diags.into(),
        }
    }

    /// The calendars of a post that is gone: only its cancelled talks.
    fn render_ghost(
        &self,
        slug: &str,
        cancelled: &[(String, Record)],
    ) -> (Arc<EventAssets>, Vec<IcsEvent>) {
        let c = &self.config;
        let mut vevents: Vec<IcsEvent> = cancelled
            .iter()
            .map(|(uid, r)| ics::cancelled_vevent(uid, r))
            .collect();
        let meta = |name: String, path: &str| CalendarMeta {
            name,
            description: "These talks were cancelled.".to_string(),
            source: format!("{}/{path}", c.public_url),
            refresh: c.refresh_interval,
        };
        let path = format!("events/{slug}.ics");
        let calendar = Some(self.event_calendar(
            &path,
            &meta("Cancelled talks".into(), &path),
            &mut vevents,
            None,
        ));
        let mut talks = BTreeMap::new();
        for ((_, r), v) in cancelled.iter().zip(&vevents) {
            let path = format!("events/{slug}/{}.ics", r.talk_slug);
            let meta = meta(format!("Cancelled: {}", r.title), &path);
            talks.insert(
                r.talk_slug.clone(),
                self.talk_calendar(&path, &meta, v, None),
            );
        }
        (
            Arc::new(EventAssets {
                slug: Arc::from(slug),
                calendar,
                talks,
            }),
            vevents,
        )
    }

    /// Renders every entry not rendered under its settled slug, in parallel.
    fn render_pending(&mut self) {
        let (slugs, settled_anew) = match self.slugs.take() {
            Some(slugs) => (slugs, false),
            None => (self.settle_slugs(), true),
        };
        let settled = &slugs.settled;
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
                                .unwrap_or_else(|| e.kept.asked.clone()),
                            p.clone(),
                        )
                    })
                    .collect()
            };
        let mut ghost_slugs: BTreeSet<String> = std::mem::take(&mut self.removed_slugs);
        self.index_stale |= settled_anew || !ghost_slugs.is_empty();
        for slug in cancelled_slugs {
            match slug_of_entry.get(&slug) {
                Some(p) => {
                    // Entries not rendered yet are settled when they render.
                    let Some(r) = &self.entries[p].rendered else {
                        continue;
                    };
                    let uids: Vec<String> =
                        r.vevents[..r.talks].iter().map(|v| v.uid.clone()).collect();
                    let present: BTreeSet<&str> = uids.iter().map(String::as_str).collect();
                    let expired = self.history.settle_post(&slug, &present, now, retention);
                    if let Some(e) = self.entries.get_mut(p).filter(|_| expired) {
                        self.previous.insert(p.clone(), e.rendered.take());
                        self.pending.insert(p.clone());
                    }
                }
                None => {
                    ghost_slugs.insert(slug);
                }
            }
        }
        let mut work: Vec<(PathBuf, Option<Rendered>)> = Vec::new();
        let mut candidates = std::mem::take(&mut self.pending);
        if settled_anew {
            candidates.extend(self.entries.keys().cloned());
        }
        for p in candidates {
            let Some(e) = self.entries.get_mut(&p) else {
                continue;
            };
            let want = settled.get(&p).unwrap_or(&e.kept.asked);
            if e.rendered.as_ref().is_some_and(|r| &r.slug == want) {
                continue;
            }
            // Only the file names derive from the slug (UIDs do not).
            e.kept.post.slug.clone_from(want);
            let old = e
                .rendered
                .take()
                .or_else(|| self.previous.remove(&p).flatten());
            work.push((p, old));
        }
        self.previous.clear();
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
                self.index_stale |= self.ghosts.remove(&slug).is_some();
            } else {
                let ghost = self.render_ghost(&slug, &cancelled);
                self.ghosts.insert(slug, ghost);
                self.index_stale = true;
            }
        }
        // A chunk at a time, so only a chunk's whole events (bodies and
        // abstracts) are in memory at once: found again in parallel, observed
        // in the history in order, rendered in parallel.
        let mut work = work.into_iter().peekable();
        while work.peek().is_some() {
            let chunk: Vec<(PathBuf, Option<Rendered>)> = work.by_ref().take(256).collect();
            // A panic in one post (a bug) costs that post: it keeps its
            // last rendering and reports the error.
            let events: Vec<Result<Event, String>> = chunk
                .par_iter()
                .map(|(p, _)| diag::guarded(|| self.entries[p].kept.full(&self.config)))
                .collect();
            // Observed in the history in order, before rendering.
            let events: Vec<Result<(Event, Revisions), String>> = events
                .into_iter()
                .map(|e| {
                    e.map(|e| {
                        let r = revisions(&mut self.history, &e, now, retention);
                        (e, r)
                    })
                })
                .collect();
            type Done = (PathBuf, Result<Rendered, (Option<Rendered>, String)>);
            let done: Vec<Done> = chunk
                .into_par_iter()
                .zip(events)
                .map(|((p, old), event)| {
                    let r = match event {
                        Ok((event, revisions)) => {
                            diag::guarded(|| self.render(&event, old.as_ref(), &revisions))
                                .map_err(|m| (old, m))
                        }
                        Err(m) => Err((old, m)),
                    };
                    (p, r)
                })
                .collect();
            for (p, r) in done {
                match r {
                    Ok(r) => {
                        if !slugs.refused.contains(&p) {
                            self.rerendered.push(r.assets.clone());
                        }
                        if let Some(e) = self.entries.get_mut(&p) {
                            e.rendered = Some(r);
                        }
                    }
                    Err((old, message)) => {
                        if let Some(r) = old.as_ref().filter(|_| !slugs.refused.contains(&p)) {
                            self.rerendered.push(r.assets.clone());
                        }
                        if let Some(e) = self.entries.get_mut(&p) {
                            e.rendered = old;
                        }
                        let mut problems = self
                            .file_diags
                            .get(&p)
                            .map_or_else(Vec::new, |d| d.to_vec());
                        problems.push(diag::internal_error(&p, "rendering", &message));
                        self.set_problems(&p, problems);
                    }
                }
            }
        }
        self.slugs = Some(slugs);
    }

    /// Records a file's latest problems, and the list they replace (for
    /// [`Site::take_new_problems`]).
    fn set_problems(&mut self, path: &Path, mut diags: Vec<Diagnostic>) {
        diags.sort();
        let diags: Arc<[Diagnostic]> = diags.into();
        let old = self
            .file_diags
            .get(path)
            .cloned()
            .unwrap_or_else(|| Arc::from([]));
        self.fresh.push((old, diags.clone()));
        Arc::make_mut(&mut self.file_diags).insert(path.to_path_buf(), diags);
    }

    /// The problems that are new since this was last asked (all of them the
    /// first time), sorted: what the daemon logs after each snapshot.
    pub fn take_new_problems(&mut self) -> Vec<Diagnostic> {
        let mut new: Vec<Diagnostic> = std::mem::take(&mut self.fresh)
            .iter()
            .flat_map(|(old, new)| diag::added(old, new))
            .collect();
        new.sort();
        new
    }

    /// The rendered events that publish (one per slug: not the refused).
    fn chosen(&self) -> Vec<(&Kept, &Rendered)> {
        let refused = self.slugs.as_ref().map(|s| &s.refused);
        self.entries
            .iter()
            .filter(|(p, _)| !refused.is_some_and(|r| r.contains(*p)))
            .filter_map(|(_, e)| Some((&e.kept, e.rendered.as_ref()?)))
            .collect()
    }

    /// The events of the last snapshot, as published (settled slugs), whole:
    /// each post's talks are found again.
    pub fn published(&self) -> Vec<Event> {
        self.chosen()
            .into_iter()
            .map(|(k, _)| k.full(&self.config))
            .collect()
    }

    /// Assembles a snapshot. Assets whose bytes equal those in `previous`
    /// are taken from it, so they keep their publication time and gzip.
    pub fn snapshot(&mut self, previous: Option<&Snapshot>, now: DateTime<Utc>) -> Snapshot {
        self.now = now;
        let lap = Lap::start();
        self.render_pending();
        let rerendered = std::mem::take(&mut self.rerendered);
        let index_stale = std::mem::replace(&mut self.index_stale, false);
        lap.step("rendered changed posts");
        let chosen = self.chosen();
        lap.step("chose events");
        let listed: Vec<(DateTime<Utc>, &Kept, &Rendered)> = chosen
            .iter()
            .filter_map(|(k, r)| Some((r.first?, *k, *r)))
            .collect();
        let (shown, hidden) = html::shown(listed, self.config.index_limit, |(first, k, _)| {
            (*first, k.post.slug.as_str())
        });
        // The page changes only when the events it lists, or how many it
        // leaves out, change.
        let index_key = generations_key(shown.iter().map(|(_, _, r)| *r), hidden as u64);
        let c = &self.config;

        let events_talks = chosen
            .iter()
            .filter_map(|(_, r)| Some((r.newest?, &r.vevents[..])))
            .chain(
                self.ghosts
                    .values()
                    .filter_map(|(_, v)| Some((newest_start(v)?, &v[..]))),
            );
        let cap = c.all_talks_max_bytes / MIN_VEVENT_BYTES;
        let all = newest_talks(
            events_talks,
            Some(c.all_talks_limit.map_or(cap, |l| l.min(cap))),
        );
        let meta = CalendarMeta {
            name: c.title.clone(),
            description: c.description.clone(),
            source: format!("{}/calendar.ics", c.public_url),
            refresh: c.refresh_interval,
        };
        lap.step("selected newest talks");
        let newest = feed::newest(chosen.clone(), c.feed_limit, |(_, r)| &r.item);
        // The calendar and the feeds change only when the talks or posts they
        // show change: most edits touch neither, so they are keyed by a hash
        // of their inputs and reused from the previous snapshot.
        let calendar_key = inputs_key(all.iter().map(|e| &e.text[..]));
        // A feed item (with its content) is made from its post's rendering.
        let feeds_key = generations_key(newest.iter().map(|(_, r)| *r), 0);
        let unchanged = |path: &str, key: &[u8; 32]| -> Option<Arc<Asset>> {
            (self.shared_keys.get(path) == Some(key))
                .then(|| previous?.shared.get(path).cloned())
                .flatten()
        };
        lap.step("hashed shared inputs");
        let keep_calendar = unchanged("calendar.ics", &calendar_key);
        let keep_index = unchanged("index.html", &index_key);
        // An event's part of the page is made from the whole event the first
        // time the page shows it: a change costs one event's talks at most.
        let sections: Vec<Arc<str>> = if keep_index.is_some() {
            Vec::new()
        } else {
            shown
                .par_iter()
                .map(|(_, k, r)| {
                    r.section
                        .get_or_init(|| html::section(&k.full(c), c).into())
                        .clone()
                })
                .collect()
        };
        let keep_feeds = ["rss.xml", "atom.xml", "feed.json"].map(|p| unchanged(p, &feeds_key));
        // Items with their HTML, only when a feed is to be rendered again.
        let items: Vec<FeedItem> = if keep_feeds.iter().all(Option::is_some) {
            Vec::new()
        } else {
            newest
                .par_iter()
                .map(|(e, r)| FeedItem {
                    content_html: r
                        .content_html
                        .get_or_init(|| feed::content_html(&e.post, &e.body(), c))
                        .clone(),
                    ..r.item.clone()
                })
                .collect()
        };
        let render_if =
            |keep: bool, f: &(dyn Fn() -> Bytes + Sync)| if keep { None } else { Some(f()) };
        // The shared outputs are independent: render what changed on both cores.
        let ((calendar, rss), (atom, (json, index))) = rayon::join(
            || {
                rayon::join(
                    || {
                        render_if(keep_calendar.is_some(), &|| {
                            ics::calendar_within(&meta, &all, &self.zones, c.all_talks_max_bytes).0
                        })
                    },
                    || render_if(keep_feeds[0].is_some(), &|| feed::rss(&items, c).into()),
                )
            },
            || {
                rayon::join(
                    || render_if(keep_feeds[1].is_some(), &|| feed::atom(&items, c).into()),
                    || {
                        rayon::join(
                            || render_if(keep_feeds[2].is_some(), &|| feed::json(&items, c).into()),
                            || {
                                render_if(keep_index.is_some(), &|| {
                                    html::index(&sections, hidden, c).into()
                                })
                            },
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
            ("index.html", index, keep_index),
        ];
        lap.step("rendered shared outputs");
        let shared: BTreeMap<String, Arc<Asset>> = texts
            .into_par_iter()
            .map(|(path, text, kept)| {
                let asset = match (kept, text) {
                    (Some(a), _) => a,
                    (None, Some(text)) => previous
                        .and_then(|p| p.shared.get(path))
                        .filter(|a| a.same_bytes(std::slice::from_ref(&text)))
                        .cloned()
                        .unwrap_or_else(|| Arc::new(Asset::new(path, text))),
                    (None, None) => unreachable!("an output is either kept or rendered"),
                };
                (path.to_string(), asset)
            })
            .collect();
        lap.step("compressed shared outputs");
        // An edit changes one event: the index is the last one with it put
        // in (a copy of 10,000 pointers), not 10,000 lookups and inserts.
        let mut events_map = match previous.filter(|_| !index_stale) {
            Some(p) => p.events.clone(),
            None => {
                let mut all: HashMap<Arc<str>, Arc<EventAssets>> = self
                    .ghosts
                    .iter()
                    .map(|(_, (assets, _))| (assets.slug.clone(), assets.clone()))
                    .collect();
                all.extend(
                    chosen
                        .iter()
                        .map(|(_, r)| (r.assets.slug.clone(), r.assets.clone())),
                );
                all
            }
        };
        for a in rerendered {
            events_map.insert(a.slug.clone(), a);
        }
        let posts = chosen.len();
        let talks = chosen.iter().map(|(_, r)| r.talks).sum();
        self.shared_keys.insert("calendar.ics", calendar_key);
        self.shared_keys.insert("index.html", index_key);
        for p in ["rss.xml", "atom.xml", "feed.json"] {
            self.shared_keys.insert(p, feeds_key);
        }
        let scan = self.scan_diags.clone();
        let slugs = self
            .slugs
            .as_ref()
            .map_or_else(|| Arc::from([]), |s| s.diags.clone());
        for (old, new) in [(&self.last_extra.0, &scan), (&self.last_extra.1, &slugs)] {
            if !Arc::ptr_eq(old, new) {
                self.fresh.push((old.clone(), new.clone()));
            }
        }
        self.last_extra = (scan.clone(), slugs.clone());
        let problems = Problems::new(self.file_diags.clone(), scan, slugs);
        lap.step("indexed events and problems");
        Snapshot {
            shared,
            events: events_map,
            posts,
            talks,
            problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The daemon logs each problem once: all at start, then only new ones.
    #[test]
    fn new_problems_are_taken_once() {
        let dir = tempfile::tempdir().unwrap();
        let post = dir.path().join("a.md");
        let text = "---\ntitle: T\ndate: 2024-01-01T00:00:00Z\n---\n## Talks\n\n[Talk - Ann, Org](https://example.com/1)\n\nMonday, March 18, 2024, 09:00 - 09:30\n\nAbout it.\n";
        fs_write(&post, text);
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let mut site = Site::new(Config::default());
        site.load_all(dir.path()).unwrap();
        let first = site.snapshot(None, now);
        // No zone written or configured: a warning.
        let at_start = site.take_new_problems();
        assert_eq!(at_start.len(), 1, "{at_start:?}");
        assert_eq!(at_start, first.problems.all());
        assert!(site.take_new_problems().is_empty());
        // A second talk whose time cannot be read: one new problem.
        let broken = format!(
            "{text}\n[Other - Bob, Org](https://example.com/2)\n\nMonday, March 18, 2024, 25:00 - 26:00\n"
        );
        fs_write(&post, &broken);
        site.reload_file(&post);
        let second = site.snapshot(Some(&first), now);
        let new = site.take_new_problems();
        assert_eq!(new.len(), 1, "{new:?}");
        assert!(second.problems.all().contains(&new[0]));
        assert!(!first.problems.all().contains(&new[0]));
    }

    fn fs_write(path: &Path, text: &str) {
        std::fs::write(path, text).unwrap();
        // A later mtime, so the file is read again however fast this runs.
        let t = std::fs::metadata(path).unwrap().modified().unwrap();
        let f = std::fs::File::options().write(true).open(path).unwrap();
        f.set_modified(t + std::time::Duration::from_secs(1))
            .unwrap();
    }

    #[test]
    fn newest_talks_match_sorting_everything() {
        // Events with overlapping spans and equal starts (ties break by UID).
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed >> 33
        };
        let events: Vec<Vec<IcsEvent>> = (0..60)
            .map(|e| {
                (0..next() % 12)
                    .map(|t| IcsEvent {
                        uid: format!("{e}-{t}"),
                        text: Bytes::new(),
                        tz: None,
                        year: 2024,
                        start: DateTime::from_timestamp((next() % 500) as i64 * 3600, 0).unwrap(),
                    })
                    .collect()
            })
            .collect();
        let mut everything: Vec<&IcsEvent> = events.iter().flatten().collect();
        everything.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid)));
        for limit in [None, Some(0), Some(1), Some(7), Some(100), Some(10_000)] {
            let with_newest = events
                .iter()
                .filter_map(|v| Some((newest_start(v)?, &v[..])));
            let got = newest_talks(with_newest, limit);
            let keep = limit.map_or(everything.len(), |l| l.min(everything.len()));
            let want: Vec<&IcsEvent> = everything[everything.len() - keep..]
                .iter()
                .rev()
                .copied()
                .collect();
            let uids = |v: &[&IcsEvent]| v.iter().map(|e| e.uid.clone()).collect::<Vec<_>>();
            assert_eq!(uids(&got), uids(&want), "limit {limit:?}");
        }
    }

    /// The snapshot index is kept from one change to the next; after each
    /// kind of change it must list what a build from scratch lists, plus
    /// the calendars of deleted posts (their talks announced as cancelled).
    #[test]
    fn incremental_snapshots_list_what_a_fresh_build_lists() {
        use std::fs;
        let dir = tempfile::tempdir().unwrap();
        let posts = dir.path().join("posts");
        fs::create_dir(&posts).unwrap();
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut names: Vec<PathBuf> = fs::read_dir(&seeds)
            .unwrap()
            .map(|f| f.unwrap().path())
            .collect();
        names.sort();
        for f in &names {
            fs::copy(f, posts.join(f.file_name().unwrap())).unwrap();
        }
        let file = |i: usize| posts.join(names[i].file_name().unwrap());
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let config = Config::default();
        // One set of first sightings for both sites: the undated seed is
        // dated once, as a daemon's state would keep it.
        let undated = Arc::new(Undated::default());
        let site_with = |config: &Config| {
            Site::with_state(config.clone(), History::in_memory(), undated.clone())
        };
        let mut site = site_with(&config);
        site.load_all(&posts).unwrap();
        let mut snap = site.snapshot(None, now);
        let listing = |s: &Snapshot| -> BTreeMap<String, Vec<String>> {
            s.events
                .iter()
                .map(|(slug, e)| (slug.to_string(), e.talks.keys().cloned().collect()))
                .collect()
        };
        let slug_of = |s: &Snapshot, path: &Path| {
            let text = fs::read_to_string(path).unwrap();
            let url = text.lines().find_map(|l| l.strip_prefix("path: ")).unwrap();
            let last = url
                .trim_matches('\'')
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            assert!(s.events.contains_key(last.as_str()), "{last}");
            last
        };
        let deleted = slug_of(&snap, &file(2));
        for step in ["edit", "collide", "delete", "rename", "older"] {
            match step {
                "edit" => {
                    let text = fs::read_to_string(file(0)).unwrap();
                    let edited = text.replacen(
                        "[Deep Dive Into Cilium Resilient Architecture",
                        "[Deep Dive (edited) Into Cilium Resilient Architecture",
                        1,
                    );
                    assert_ne!(text, edited);
                    fs::write(file(0), edited).unwrap();
                    site.reload_file(&file(0));
                }
                "collide" => {
                    // Another path ending alike: published under its whole path.
                    let text = fs::read_to_string(file(1)).unwrap();
                    let other = text.replacen("path: '/", "path: '/elsewhere/", 1);
                    assert_ne!(text, other);
                    let copy = posts.join("zz-copy.md");
                    fs::write(&copy, other).unwrap();
                    site.reload_file(&copy);
                }
                "delete" => {
                    fs::remove_file(file(2)).unwrap();
                    site.reload_file(&file(2));
                }
                "older" => {
                    // An older post asks for the edited post's slug: the
                    // edited post moves to its whole path, rendered again
                    // from what the site kept of it.
                    let text = fs::read_to_string(file(0)).unwrap();
                    let older = text.replacen("path: '/", "path: '/older/", 1).replacen(
                        "date: '2024-02-02",
                        "date: '2020-02-02",
                        1,
                    );
                    assert_eq!(older.matches("/older/").count(), 1);
                    assert!(older.contains("date: '2020-02-02"));
                    let copy = posts.join("aa-older.md");
                    fs::write(&copy, older).unwrap();
                    site.reload_file(&copy);
                }
                _ => {
                    let to = posts.join("renamed.md");
                    fs::rename(file(3), &to).unwrap();
                    site.reload_file(&file(3));
                    site.reload_file(&to);
                }
            }
            snap = site.snapshot(Some(&snap), now);
            let mut fresh = site_with(&config);
            fresh.load_all(&posts).unwrap();
            let fresh = fresh.snapshot(None, now);
            // The page and the feeds show no revision data: the same bytes.
            for page in ["index.html", "rss.xml", "atom.xml", "feed.json"] {
                let bytes = |s: &Snapshot| s.shared[page].to_bytes();
                assert!(bytes(&snap) == bytes(&fresh), "{page} after {step}");
            }
            let mut want = listing(&fresh);
            let mut got = listing(&snap);
            let edited = &snap.events[slug_of(&snap, &file(0)).as_str()]
                .calendar
                .as_ref()
                .expect("the edited post has talks");
            let text = String::from_utf8(edited.to_bytes().to_vec()).unwrap();
            let unfolded = text.replace("\r\n ", "");
            assert!(
                unfolded.contains("(edited)"),
                "the edit is served after {step}"
            );
            if step == "delete" || step == "rename" || step == "older" {
                let ghost = got
                    .remove(&deleted)
                    .expect("a deleted post's cancellations");
                assert!(!ghost.is_empty());
            }
            if step == "older" {
                let short = slug_of(&snap, &file(0));
                let moved = fresh
                    .events
                    .keys()
                    .find(|k| k.ends_with(short.as_str()) && &***k != short.as_str())
                    .expect("the edited post under its whole path");
                // Its talks are new under that slug, as in a fresh build.
                let bytes = |s: &Snapshot| s.events[moved].calendar.as_ref().map(|c| c.to_bytes());
                assert!(bytes(&snap) == bytes(&fresh), "{moved} moved");
                // The old slug now serves the older post, and announces the
                // moved post's talks there as cancelled.
                let (got_short, want_short) =
                    (got.remove(&short).unwrap(), want.remove(&short).unwrap());
                assert!(want_short.iter().all(|t| got_short.contains(t)));
                assert!(got_short.len() > want_short.len());
            }
            assert_eq!(got.len(), want.len(), "after {step}");
            for (slug, talks) in &mut want {
                assert_eq!(got.get(slug), Some(&*talks), "{slug} after {step}");
            }
        }
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
