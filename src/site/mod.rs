//! Stage 4 of the pipeline: events → one immutable [`Snapshot`] of every output.
//!
//! [`Site`] is the mutable model the daemon keeps between rebuilds: for each
//! post file, its last good event and that event's rendered outputs. A change
//! to one post re-renders only that post's calendars; the shared outputs (the
//! all-talks calendar, feeds, page) are reassembled from cached pieces. A
//! [`Snapshot`] is what one build produced, with every [`Asset`]'s bytes, gzip
//! variant, content type and ETag computed once, so serving is a lookup.
//!
//! The steps, one file each:
//! - [`load`]: files → kept events (what changed since the last read);
//! - [`slugs`]: which slug each post publishes under;
//! - [`render`]: the history observed, then each changed event's calendars;
//! - [`shared`]: the all-talks calendar, the feeds and the page;
//! - [`terms`]: feeds per tag and per category;
//! - [`problems`]: every file's problems, and which are new;
//! - [`saved`]: the model saved at a clean stop, so that a restart reads
//!   only the posts changed since.

mod load;
mod problems;
mod render;
mod saved;
mod shared;
mod slugs;
mod terms;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

pub use crate::asset::{Asset, gzip};
use crate::config::Config;
use crate::diag::{Diagnostic, FileProblems};
use crate::event::{Event, Kept};
use crate::history::History;
use crate::lap::Lap;
use crate::output::Output;
use crate::render::ics::ZoneCache;
pub use crate::snapshot::{EventAssets, Snapshot};
use crate::sources::{Fingerprint, Sources};
use crate::undated::Undated;
use chrono::{DateTime, Utc};
use render::Rendered;
pub use render::first_revision;
pub use saved::{Restored, forget_model, model_file};
use slugs::Slugs;

/// A tag or category as the page links it: taxonomy, name, slug.
pub(crate) type TermLink<'a> = (crate::output::Taxonomy, &'a str, &'a str);

/// The next [`Snapshot::serial`].
static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

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
    /// Its talks were not read with the file (it was new to the site): their
    /// problems are added when it is rendered, where they are found.
    talks_unread: bool,
}

/// A list of problems and the one it replaced.
type Replaced = (Arc<[Diagnostic]>, Arc<[Diagnostic]>);

/// The daemon's model of the posts folder, updated file by file.
#[derive(Debug)]
pub struct Site {
    /// Shared with the snapshots (calendars made on request read it).
    config: Arc<Config>,
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
    fingerprints: HashMap<PathBuf, Option<Fingerprint>>,
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
    ghosts: BTreeMap<String, Arc<EventAssets>>,
    /// Hash of the inputs each shared output was last rendered from.
    shared_keys: HashMap<Output<'static>, [u8; 32]>,
    /// Hash of the posts each tag's and category's feeds were last made from.
    term_keys: terms::TermKeys,
    /// Every tag and category spelling met, numbered (see [`terms::terms`]).
    term_table: terms::TermTable,
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
            config: Arc::new(config),
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
            shared_keys: HashMap::new(),
            term_keys: HashMap::new(),
            term_table: terms::TermTable::default(),
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

    /// The history, taken out once the posts are rendered ([`Site::render_posts`]):
    /// a build saves it and frees it before the page, the feeds and the
    /// files are made, which is when its memory peaks. The site keeps an
    /// empty one, for a site that is not rendered again.
    pub fn take_history(&mut self) -> History {
        std::mem::take(&mut self.history)
    }

    /// The next batch of the revision history to write, taken out to be
    /// written off the daemon's loop (see [`History::take_unsaved`]).
    pub fn take_unsaved_history(&mut self) -> Option<crate::history::Unsaved> {
        self.history.take_unsaved()
    }

    /// A batch from [`Site::take_unsaved_history`] that could not be written.
    pub fn history_unsaved(&mut self, batch: &crate::history::Unsaved) {
        self.history.unsaved(batch);
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// What the site was last read from: each post file as it was when
    /// read (a file changed since shows its old fingerprint, so comparing
    /// with [`Sources::now`] finds it).
    pub fn sources(&self, posts_dir: &std::path::Path) -> Sources {
        let read = self
            .fingerprints
            .iter()
            .filter_map(|(p, print)| Some((p.clone(), (*print)?)))
            .collect();
        Sources::of(posts_dir, &self.config, read)
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

    /// Assembles a snapshot at `now` (which stamps the revisions that
    /// change). Assets whose bytes equal those in `previous` are taken from
    /// it, so they keep their publication time and gzip.
    pub fn snapshot(&mut self, previous: Option<&Snapshot>, now: DateTime<Utc>) -> Snapshot {
        self.render_posts(now);
        self.assemble(previous)
    }

    /// The first step of [`Site::snapshot`]: the history observed and each
    /// changed post rendered, at `now`. The history is complete after it:
    /// nothing [`Site::assemble`] does reads it, so a build can save it and
    /// let it go before the page and feeds are made.
    pub fn render_posts(&mut self, now: DateTime<Utc>) {
        let lap = Lap::start();
        self.render_pending(now);
        lap.step("rendered changed posts");
    }

    /// The second step of [`Site::snapshot`]: the shared outputs and the
    /// index of events, from the renderings [`Site::render_posts`] made.
    pub fn assemble(&mut self, previous: Option<&Snapshot>) -> Snapshot {
        let lap = Lap::start();
        let renderings: Vec<&Rendered> = self.chosen().into_iter().map(|(_, r)| r).collect();
        let term_names = self.term_table.names();
        let terms = terms::terms(&renderings, &term_names);
        let links: Vec<TermLink<'_>> = terms
            .iter()
            .map(|((taxonomy, slug), t)| (*taxonomy, t.name, *slug))
            .collect();
        let (mut shared, keys) = self.shared_outputs(previous, &links);
        lap.step("rendered shared outputs");
        let (feeds, term_keys) = self.term_feeds(&terms, previous);
        shared.extend(feeds);
        lap.step("rendered tag and category feeds");
        self.shared_keys.extend(keys);
        self.term_keys = term_keys;
        let events = self.events_index(previous);
        let chosen = self.chosen();
        let (posts, talks) = (chosen.len(), chosen.iter().map(|(_, r)| r.talks).sum());
        let problems = self.problems();
        lap.step("indexed events and problems");
        Snapshot {
            shared,
            events,
            posts,
            talks,
            problems,
            warm: None,
            config: self.config.clone(),
            zones: self.zones.clone(),
            serial: SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Every published event's calendars by slug, the gone posts' included.
    /// An edit changes one event: the index is the last one with it put in
    /// (a copy of 10,000 pointers), not 10,000 lookups and inserts.
    fn events_index(&mut self, previous: Option<&Snapshot>) -> HashMap<Arc<str>, Arc<EventAssets>> {
        let rerendered = std::mem::take(&mut self.rerendered);
        let index_stale = std::mem::replace(&mut self.index_stale, false);
        let mut events = match previous.filter(|_| !index_stale) {
            Some(p) => p.events.clone(),
            None => self
                .ghosts
                .values()
                .chain(self.chosen().into_iter().map(|(_, r)| &r.assets))
                .map(|a| (a.slug.clone(), a.clone()))
                .collect(),
        };
        for a in rerendered {
            events.insert(a.slug.clone(), a);
        }
        events
    }
}
