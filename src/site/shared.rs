//! The outputs made from every post: the all-talks calendar, the feeds and
//! the page. Each is keyed by its inputs and taken from the previous
//! snapshot when they did not change (most edits touch none of them).

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::render::{Rendered, newest_start};
use super::{Asset, Site, Snapshot, TermLink};
use crate::event::Kept;
use crate::output::Output;
use crate::render::feed::{self, FeedItem};
use crate::render::ics::{self, CalendarMeta, IcsEvent};
use crate::render::{self, html};

/// The key of each shared output, as its inputs were this time.
pub(super) type Keys = [(Output<'static>, [u8; 32]); 5];

/// A hash of an output's inputs (each part length-prefixed, so no two
/// different input lists hash alike by concatenation).
pub(super) fn inputs_key<'a>(parts: impl Iterator<Item = &'a [u8]>) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        hash_part(&mut h, p);
    }
    h.finalize().into()
}

/// One part of a key's inputs, length-prefixed.
fn hash_part(h: &mut Sha256, part: &[u8]) {
    h.update((part.len() as u64).to_le_bytes());
    h.update(part);
}

/// The key of an output made from these renderings (in this order): a
/// rendering's generation stands for its content, so nothing is hashed but
/// eight bytes per rendering, and `extra` (a count the output shows).
pub(super) fn generations_key<'a>(
    renderings: impl Iterator<Item = &'a Rendered>,
    extra: u64,
) -> [u8; 32] {
    let bytes: Vec<[u8; 8]> = renderings
        .map(|r| r.generation)
        .chain([extra])
        .map(u64::to_le_bytes)
        .collect();
    inputs_key(bytes.iter().map(|b| &b[..]))
}

/// The newest `limit` talks (all without a limit), newest first; with a
/// `budget` of bytes, enough of them that the newest whose texts fit in it,
/// and the one after, are the true ones (a calendar bound by bytes, see
/// [`calendar_key`], needs no more).
///
/// Events are visited newest first and the visit stops once no remaining
/// event can hold a talk among the newest: a change costs a sort of the
/// events and a look at the talks of the newest few, not at all 200,000.
/// Each event comes with the start of its newest talk, computed when it
/// was rendered (so a change does not look at every talk to find it).
pub(super) fn newest_talks<'a>(
    events: impl Iterator<Item = (DateTime<Utc>, &'a [IcsEvent])>,
    limit: Option<usize>,
    budget: Option<usize>,
) -> Vec<&'a IcsEvent> {
    let mut events: Vec<(DateTime<Utc>, &[IcsEvent])> = events.collect();
    events.sort_unstable_by_key(|e| std::cmp::Reverse(e.0));
    let mut all: Vec<&IcsEvent> = Vec::new();
    // The start of the `limit`-th newest talk taken so far, and of the one
    // whose text goes past the budget, once known: an event whose newest
    // talk is older than either cannot contribute (the talks taken later
    // only push them newer).
    let (mut by_count, mut by_bytes) = (None, None);
    let mut bytes = 0;
    for (newest, talks) in events {
        if by_count.max(by_bytes).is_some_and(|b| newest < b) {
            break;
        }
        all.extend(talks);
        bytes += talks.iter().map(|t| t.text.len()).sum::<usize>();
        if let Some(limit) = limit.filter(|l| by_count.is_none() && all.len() >= *l && *l > 0) {
            let mut starts: Vec<DateTime<Utc>> = all.iter().map(|e| e.start).collect();
            let k = starts.len() - limit;
            by_count = Some(*starts.select_nth_unstable(k).1);
        }
        if let Some(budget) = budget.filter(|b| by_bytes.is_none() && bytes > *b) {
            let mut sorted = all.clone();
            sorted.sort_unstable_by(|a, b| IcsEvent::newest_first(a, b));
            let mut total = 0;
            by_bytes = sorted
                .into_iter()
                .find(|t| {
                    total += t.text.len();
                    total > budget
                })
                .map(|t| t.start);
        }
    }
    // Newest first (by start, then UID).
    render::first_in_order(all, limit.unwrap_or(usize::MAX), |a, b| {
        IcsEvent::newest_first(a, b)
    })
}

/// The key of the all-talks calendar: the newest `VEVENT`s whose texts
/// fit in `max_bytes` (with their zone and year, which choose its
/// `VTIMEZONE`s). The calendar is made from those alone
/// ([`ics::calendar_within`] keeps the longest such run, or fewer), so
/// the candidates past them are not hashed: at 10,000 posts, under 1 MB
/// per edit instead of 10.
pub(super) fn calendar_key(newest_first: &[&IcsEvent], max_bytes: usize) -> [u8; 32] {
    let mut h = Sha256::new();
    let mut total = 0;
    for e in newest_first {
        total += e.text.len();
        if total > max_bytes {
            break;
        }
        let zone = e.tz.map_or("", |tz| tz.name());
        for part in [&e.text[..], zone.as_bytes(), &e.year.to_le_bytes()] {
            hash_part(&mut h, part);
        }
    }
    h.finalize().into()
}

/// The most talks a calendar of `max_bytes` can hold: no `VEVENT` is
/// shorter than this (its required lines alone are longer), so the newest
/// this many are all the candidates the byte bound needs.
const MIN_VEVENT_BYTES: usize = 128;

impl Site {
    /// Renders the shared outputs whose inputs changed, takes the others
    /// from `previous`; returns them with their keys.
    pub(super) fn shared_outputs(
        &self,
        previous: Option<&Snapshot>,
        terms: &[TermLink<'_>],
    ) -> (BTreeMap<String, Arc<Asset>>, Keys) {
        let c = &self.config;
        let chosen = self.chosen();
        let listed: Vec<(DateTime<Utc>, &Kept, &Rendered)> = chosen
            .iter()
            .filter_map(|(k, r)| Some((r.first?, *k, *r)))
            .collect();
        let (shown, hidden) = html::shown(listed, self.config.index_limit, |(first, k, _)| {
            (*first, k.post.slug.as_str())
        });
        // The page changes only when the events it lists, or how many it
        // leaves out, change.
        // (and the tags and categories it links the feeds of).
        let term_names: Vec<String> = terms
            .iter()
            .map(|(t, name, slug)| format!("{}\n{name}\n{slug}", t.folder()))
            .collect();
        let index_key = inputs_key(
            [&generations_key(shown.iter().map(|(_, _, r)| *r), hidden as u64)[..]]
                .into_iter()
                .chain(term_names.iter().map(String::as_bytes)),
        );
        let events_talks = chosen
            .iter()
            .filter_map(|(_, r)| Some((r.newest?, &r.assets.vevents[..])))
            .chain(
                self.ghosts
                    .values()
                    .filter_map(|g| Some((newest_start(&g.vevents)?, &g.vevents[..]))),
            );
        let cap = c.all_talks_max_bytes / MIN_VEVENT_BYTES;
        let all = newest_talks(
            events_talks,
            Some(c.all_talks_limit.map_or(cap, |l| l.min(cap))),
            Some(c.all_talks_max_bytes),
        );
        let meta = CalendarMeta {
            name: c.title.clone(),
            description: c.description.clone(),
            source: Output::AllTalks.url(&c.public_url),
            refresh: c.refresh_interval,
        };
        let newest = feed::newest(chosen.clone(), c.feed_limit, |(_, r)| &r.item);
        // The calendar and the feeds change only when the talks or posts they
        // show change: most edits touch neither, so they are keyed by a hash
        // of their inputs and reused from the previous snapshot.
        let calendar_key = calendar_key(&all, c.all_talks_max_bytes);
        // A feed item (with its content) is made from its post's rendering.
        let feeds_key = generations_key(newest.iter().map(|(_, r)| *r), 0);
        let unchanged = |output: Output<'static>, key: &[u8; 32]| -> Option<Arc<Asset>> {
            (self.shared_keys.get(&output) == Some(key))
                .then(|| previous?.shared.get(&output.path()).cloned())
                .flatten()
        };
        let keep_calendar = unchanged(Output::AllTalks, &calendar_key);
        let keep_index = unchanged(Output::Index, &index_key);
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
        let keep_feeds =
            [Output::Rss, Output::Atom, Output::JsonFeed].map(|o| unchanged(o, &feeds_key));
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
        // The tracks of the events shown, for the page's filter.
        let tracks: Vec<&str> = shown
            .iter()
            .flat_map(|(_, _, r)| r.assets.facets.iter().filter_map(|f| f.track_name()))
            .collect::<std::collections::BTreeSet<&str>>()
            .into_iter()
            .collect();
        let channel = feed::Channel::site(c);
        type Render<'a> = &'a (dyn Fn() -> Bytes + Sync);
        let [keep_rss, keep_atom, keep_json] = keep_feeds;
        let outputs: [(Output<'static>, Option<Arc<Asset>>, Render<'_>); 5] = [
            (Output::AllTalks, keep_calendar, &|| {
                ics::calendar_within(&meta, &all, &self.zones, c.all_talks_max_bytes).0
            }),
            (Output::Rss, keep_rss, &|| {
                feed::rss(&items, &channel, c).into()
            }),
            (Output::Atom, keep_atom, &|| {
                feed::atom(&items, &channel, c).into()
            }),
            (Output::JsonFeed, keep_json, &|| {
                feed::json(&items, &channel, c).into()
            }),
            (Output::Index, keep_index, &|| {
                html::index(&sections, hidden, &tracks, terms, c).into()
            }),
        ];
        // The shared outputs are independent: what changed is rendered and
        // compressed on all cores. Bytes equal to the previous snapshot's
        // keep its asset (and publication time).
        let shared: BTreeMap<String, Arc<Asset>> = outputs
            .into_par_iter()
            .map(|(output, kept, render)| {
                let path = output.path();
                let asset = kept.unwrap_or_else(|| {
                    let text = render();
                    previous
                        .and_then(|p| p.shared.get(&path))
                        .filter(|a| a.same_bytes(std::slice::from_ref(&text)))
                        .cloned()
                        .unwrap_or_else(|| Arc::new(Asset::new(output, text)))
                });
                (path, asset)
            })
            .collect();
        let keys = [
            (Output::AllTalks, calendar_key),
            (Output::Rss, feeds_key),
            (Output::Atom, feeds_key),
            (Output::JsonFeed, feeds_key),
            (Output::Index, index_key),
        ];
        (shared, keys)
    }
}
