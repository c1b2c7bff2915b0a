//! Every output of one build, immutable: the daemon swaps it whole, so a
//! response never mixes two builds. The URL lookup lives here.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::asset::Asset;
use crate::config::Config;
use crate::diag::Problems;
use crate::facets::Facets;
use crate::output::Output;
use crate::render::ics::{IcsEvent, ZoneCache};
use crate::warm::Index;

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
    /// The post's title (calendars made on request are named after it).
    pub title: Box<str>,
    /// Every `VEVENT` of the event (its talks, then the cancelled), as
    /// slices of the calendars' bytes: filtered and personal calendars are
    /// made of these.
    pub vevents: Vec<IcsEvent>,
    /// What each of `vevents` can be chosen by, in the same order.
    pub facets: Vec<Facets>,
}

/// Every output of one build. Immutable: the daemon swaps it whole.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// `index.html`, `calendar.ics`, `rss.xml`, `atom.xml`, `feed.json`,
    /// `tracks/<slug>.ics`: by path.
    pub shared: BTreeMap<String, Arc<Asset>>,
    /// By post slug.
    pub events: HashMap<Arc<str>, Arc<EventAssets>>,
    pub posts: usize,
    pub talks: usize,
    /// Problems of the posts this snapshot was built from.
    pub problems: Problems,
    /// At a warm start, before the first build: the files of the last run,
    /// served from the output folder.
    pub warm: Option<Arc<Index>>,
    /// What the calendars made on request are named and bounded by.
    pub config: Arc<Config>,
    /// The `VTIMEZONE`s of the build, for the calendars made on request.
    pub zones: ZoneCache,
    /// Unique to this snapshot in the process (0: a warm or empty one), so
    /// what is made from it on request can be cached under it.
    pub serial: u64,
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

    /// Whether `path` is a schedule this snapshot publishes (made when
    /// written and when asked for, not kept: see `subscribe::schedule`).
    pub fn has_schedule(&self, path: &str) -> bool {
        match Output::parse(path) {
            Some(Output::Schedule { event, .. }) => {
                self.events.get(event).is_some_and(|e| e.calendar.is_some())
            }
            _ => false,
        }
    }

    /// The slug of every track some talk has (a scan of every talk: for
    /// writing all of `out/`, not for serving).
    pub fn track_slugs(&self) -> std::collections::BTreeSet<String> {
        track_slugs(self.events.values().map(|e| &**e))
    }

    /// A snapshot that serves what the last run published (see [`crate::warm`]).
    /// Its problems are those the posts had when the files were made.
    pub fn warm(mut index: Index) -> Snapshot {
        let found = std::mem::take(&mut index.problems);
        Snapshot {
            posts: index.posts,
            talks: index.talks,
            problems: Problems::new(Default::default(), found.into(), Arc::from([])),
            warm: Some(Arc::new(index)),
            ..Snapshot::default()
        }
    }

    /// The asset at a URL path, also from the output folder at a warm start.
    pub fn lookup(&self, path: &str) -> Option<Arc<Asset>> {
        match self.get(path) {
            Some(a) => Some(a.clone()),
            None => self.warm.as_ref()?.asset(path),
        }
    }

    /// Every asset with its path under the output folder (and URL).
    pub fn assets(&self) -> impl Iterator<Item = (String, &Asset)> {
        let shared = self.shared.iter().map(|(p, a)| (p.clone(), &**a));
        let events = self.events.values().flat_map(|e| {
            let calendar = e
                .calendar
                .iter()
                .map(|a| (Output::Event(&e.slug).path(), &**a));
            let talks = e.talks.iter().map(|(t, a)| {
                let talk = Output::Talk {
                    event: &e.slug,
                    talk: t,
                };
                (talk.path(), &**a)
            });
            calendar.chain(talks)
        });
        shared.chain(events)
    }

    /// Whether this is a warm start's snapshot, not yet built from the posts.
    pub fn is_warm(&self) -> bool {
        self.warm.is_some()
    }

    /// How many files the snapshot publishes, `.gz` siblings included (and
    /// the track calendars and schedules made when `out/` is written).
    pub fn file_count(&self) -> usize {
        let with_gz = |a: &Asset| 1 + usize::from(a.gzip().is_some());
        self.shared.values().map(|a| with_gz(a)).sum::<usize>()
            + self
                .events
                .values()
                .map(|e| {
                    e.calendar.as_deref().map_or(0, |c| with_gz(c) + 2)
                        + e.talks.values().map(|a| with_gz(a)).sum::<usize>()
                })
                .sum::<usize>()
            + self.track_slugs().len()
    }

    pub fn errors(&self) -> usize {
        self.problems.errors
    }
}

/// The slugs of the tracks of `events`' talks.
pub fn track_slugs<'a>(
    events: impl Iterator<Item = &'a EventAssets>,
) -> std::collections::BTreeSet<String> {
    events
        .flat_map(|e| e.facets.iter())
        .filter_map(|f| f.track.as_deref())
        .map(|t| t.slug.to_string())
        .filter(|s| !s.is_empty())
        .collect()
}
