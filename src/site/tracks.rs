//! A calendar per track, across events: `tracks/<slug>.ics` holds the
//! newest talks whose track has that slug ("Cloud Native" in two
//! conferences is one track), within the same byte bound as the all-talks
//! calendar. Each is keyed by the texts it holds, so an edit re-renders
//! only the tracks whose newest talks it touched.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use super::render::Rendered;
use super::shared::inputs_key;
use super::{Asset, Site, Snapshot};
use crate::output::Output;
use crate::post::slugify;
use crate::render::ics::{self, CalendarMeta, IcsEvent};

/// The key each track's calendar was made from, by track slug.
pub(super) type TrackKeys = HashMap<String, [u8; 32]>;

/// The talks of one track, gathered from every event that has it.
struct Track<'a> {
    /// The first of its names as written (in order of the names), so the
    /// name does not depend on the order events are visited in.
    name: &'a str,
    talks: Vec<&'a IcsEvent>,
}

impl Site {
    /// Every track's calendar by path, reused from `previous` when the
    /// talks it holds did not change; with the keys they were made from.
    pub(super) fn track_calendars(
        &self,
        renderings: &[&Rendered],
        previous: Option<&Snapshot>,
    ) -> (Vec<(String, Arc<Asset>)>, TrackKeys) {
        let c = &self.config;
        let mut tracks: BTreeMap<String, Track<'_>> = BTreeMap::new();
        for r in renderings {
            let live = r.assets.vevents.iter().zip(&r.assets.facets);
            for (v, f) in live.filter(|(_, f)| !f.cancelled) {
                let Some(name) = f.track.as_deref() else {
                    continue;
                };
                let slug = slugify(name);
                if slug.is_empty() {
                    continue;
                }
                let t = tracks.entry(slug).or_insert(Track {
                    name,
                    talks: Vec::new(),
                });
                t.name = t.name.min(name);
                t.talks.push(v);
            }
        }
        let made: Vec<(String, String, Arc<Asset>, [u8; 32])> = tracks
            .into_par_iter()
            .map(|(slug, mut track)| {
                let output = Output::Track(&slug);
                let path = output.path();
                track
                    .talks
                    .sort_unstable_by(|a, b| b.start.cmp(&a.start).then_with(|| b.uid.cmp(&a.uid)));
                // Only the newest can fit; their texts are the key.
                let fit = fit(&track.talks, c.all_talks_max_bytes);
                let key = inputs_key(
                    std::iter::once(track.name.as_bytes())
                        .chain(track.talks[..fit].iter().map(|e| &e.text[..])),
                );
                let before = previous.and_then(|p| p.shared.get(&path));
                if let Some(a) = before.filter(|_| self.track_keys.get(&slug) == Some(&key)) {
                    return (slug.clone(), path, a.clone(), key);
                }
                let meta = CalendarMeta {
                    name: format!("{} — {}", c.title, track.name),
                    description: format!("The talks of the track \"{}\"", track.name),
                    source: output.url(&c.public_url),
                    refresh: c.refresh_interval,
                };
                let (bytes, _) = ics::calendar_within(
                    &meta,
                    &track.talks[..fit],
                    &self.zones,
                    c.all_talks_max_bytes,
                );
                let asset = match before {
                    Some(a) if a.same_bytes(std::slice::from_ref(&bytes)) => a.clone(),
                    _ => Arc::new(Asset::new(output, bytes)),
                };
                (slug.clone(), path, asset, key)
            })
            .collect();
        let keys = made
            .iter()
            .map(|(slug, _, _, key)| (slug.clone(), *key))
            .collect();
        (made.into_iter().map(|(_, p, a, _)| (p, a)).collect(), keys)
    }
}

/// How many of `newest_first` can fit in `max_bytes` (their texts alone:
/// the calendar's own bound decides exactly).
fn fit(newest_first: &[&IcsEvent], max_bytes: usize) -> usize {
    let mut total = 0;
    newest_first
        .iter()
        .take_while(|e| {
            total += e.text.len();
            total <= max_bytes
        })
        .count()
        // One more, so the calendar's bound is what cuts.
        .saturating_add(1)
        .min(newest_first.len())
}
