//! Every output of one build, immutable: the daemon swaps it whole, so a
//! response never mixes two builds. The URL lookup lives here.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::asset::Asset;
use crate::diag::Problems;
use crate::output::Output;

/// The calendars of one event.
#[derive(Debug)]
pub struct EventAssets {
    /// Shared with the snapshot's index, so indexing 10,000 events per
    /// rebuild copies no strings.
    pub slug: Arc<str>,
    /// `events/<slug>.ics`; none for a post without talks (RFC 5545 wants
    /// at least one component in a calendar).
    pub calendar: Option<Arc<Asset>>,
    /// `events/<slug>/<talk-slug>.ics`, by talk slug.
    pub talks: BTreeMap<String, Arc<Asset>>,
}

/// Every output of one build. Immutable: the daemon swaps it whole.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// `index.html`, `calendar.ics`, `rss.xml`, `atom.xml`, `feed.json`.
    pub shared: BTreeMap<String, Arc<Asset>>,
    /// By post slug.
    pub events: HashMap<Arc<str>, Arc<EventAssets>>,
    pub posts: usize,
    pub talks: usize,
    /// Problems of the posts this snapshot was built from.
    pub problems: Problems,
}

impl Snapshot {
    /// The asset at a URL path (`/` is the index page). The path is only
    /// ever looked up, never joined to a file system path.
    pub fn get(&self, path: &str) -> Option<&Arc<Asset>> {
        match Output::parse(path)? {
            Output::Event(slug) => self.events.get(slug)?.calendar.as_ref(),
            Output::Talk { event, talk } => self.events.get(event)?.talks.get(talk),
            shared => self.shared.get(shared.path().as_str()),
        }
    }

    /// How many files the snapshot publishes, `.gz` siblings included.
    pub fn file_count(&self) -> usize {
        let with_gz = |a: &Asset| 1 + usize::from(a.gzip.is_some());
        self.shared.values().map(|a| with_gz(a)).sum::<usize>()
            + self
                .events
                .values()
                .map(|e| {
                    e.calendar.as_deref().map_or(0, with_gz)
                        + e.talks.values().map(|a| with_gz(a)).sum::<usize>()
                })
                .sum::<usize>()
    }

    pub fn errors(&self) -> usize {
        self.problems.errors
    }
}
