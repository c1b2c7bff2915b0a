//! Calendars made on request from a snapshot, for subscribers who follow
//! only some talks: any calendar URL with filters
//! (`?track=…&speaker=…&q=…&event=…`, see [`query`]) and the personal
//! calendar `/my.ics?talks=ID,…`. Each is an ordinary calendar (the same
//! `VEVENT` texts, so the same UIDs and `SEQUENCE`s, and a `VTIMEZONE` per
//! zone it uses) with its own strong ETag, kept in a bounded [`cache`].
//!
//! A track's calendar (`tracks/<slug>.ics`) and an event's [`schedule`]
//! for conference apps are made the same way (and written to `out/` by
//! `publish`): a site's tracks and schedules would otherwise add a tenth to
//! what it holds in memory.
//!
//! A personal calendar is live: it is made from the current snapshot, so a
//! chosen talk that moves, changes or is cancelled reaches the subscriber
//! as any other change does.

pub mod cache;
pub mod query;
pub mod schedule;
mod select;

use std::sync::Arc;

use crate::asset::Asset;
use crate::output::Output;
use crate::render::ics::{self, CalendarMeta};
use crate::snapshot::Snapshot;
pub use cache::{Cache, Made};
pub use query::Query;
use select::Scope;

/// The calendar at `output` (a calendar URL) chosen by `query`; `None`
/// when the URL names an event, talk or track that does not exist.
pub fn calendar(snapshot: &Snapshot, output: Output<'_>, query: &Query) -> Option<Made> {
    let (bytes, published, unknown) = calendar_bytes(snapshot, output, query)?;
    let asset = Asset::new(output, bytes);
    // Never published (no output folder): the server's start time stands in.
    if published > 0 {
        asset.set_published(published);
    }
    Some(Made {
        asset: Arc::new(asset),
        unknown,
    })
}

/// [`calendar`]'s bytes (without the gzip and hash an asset has), the
/// newest publication time of the calendars it was chosen from, and how
/// many of the IDs it names were not found.
pub fn calendar_bytes(
    snapshot: &Snapshot,
    output: Output<'_>,
    query: &Query,
) -> Option<(bytes::Bytes, i64, usize)> {
    let scope = match output {
        Output::AllTalks | Output::Mine => Scope::All,
        Output::Event(slug) => Scope::Event(slug),
        Output::Talk { event, talk } => Scope::Talk { event, talk },
        Output::Track(slug) => Scope::Track(slug),
        _ => return None,
    };
    let chosen = select::choose(snapshot, scope, query)?;
    // A track no talk has (any more) has no calendar.
    if matches!(output, Output::Track(_)) && chosen.track_name.is_none() {
        return None;
    }
    let c = &snapshot.config;
    let track = |slug| chosen.track_name.as_deref().unwrap_or(slug);
    let meta = match output {
        // The file in `tracks/`, as `publish` writes it.
        Output::Track(slug) if !query.filters() => track_meta(snapshot, slug, track(slug)),
        _ => {
            let of = |name: &str| match query.filters() {
                true => format!("{name} — {}", query.describe()),
                false => name.to_string(),
            };
            let name = match output {
                Output::Mine => format!("{} — chosen talks", c.title),
                Output::Event(slug) | Output::Talk { event: slug, .. } => {
                    of(snapshot.events.get(slug).map_or(slug, |e| &*e.title))
                }
                Output::Track(slug) => of(&format!("{} — {}", c.title, track(slug))),
                _ => of(&c.title),
            };
            CalendarMeta {
                description: format!("{name}: talks chosen from {}", c.title),
                name,
                source: format!("{}?{}", output.url(&c.public_url), query.canonical())
                    .trim_end_matches('?')
                    .to_string(),
                refresh: c.refresh_interval,
            }
        }
    };
    let (bytes, _) = ics::calendar_within(
        &meta,
        &chosen.newest_first,
        &snapshot.zones,
        c.all_talks_max_bytes,
    );
    Some((bytes, chosen.published, chosen.unknown))
}

/// The schedule at `output` (`events/<slug>/schedule.xml` or `.json`);
/// `None` when the event does not exist or has no talks.
pub fn schedule(snapshot: &Snapshot, output: Output<'_>) -> Option<Made> {
    let Output::Schedule { event, json } = output else {
        return None;
    };
    let ev = snapshot.events.get(event)?;
    let calendar = ev.calendar.as_ref()?;
    let text = schedule::schedule(ev, &snapshot.config, json);
    let asset = Asset::new(output, bytes::Bytes::from(text));
    if let Some(t) = calendar.published() {
        asset.set_published(t);
    }
    Some(Made {
        asset: Arc::new(asset),
        unknown: 0,
    })
}

/// What a track's calendar says about itself.
fn track_meta(snapshot: &Snapshot, slug: &str, track: &str) -> CalendarMeta {
    let c = &snapshot.config;
    CalendarMeta {
        name: format!("{} — {track}", c.title),
        description: format!("The talks of the track \"{track}\""),
        source: Output::Track(slug).url(&c.public_url),
        refresh: c.refresh_interval,
    }
}

/// The calendars of the tracks in `only` (of every track without it), each
/// given to `take` with its slug, as [`calendar`] makes it, in one pass over
/// the talks: writing `out/` would otherwise scan every talk once per track
/// (342 tracks of 214,000 talks at 10,000 posts). A track in `only` that no
/// talk has is not given. All of them are made a few at a time on all
/// cores and handed over in order of slug, so only those few are held at
/// once (together they are up to 300 MB at that size); `take`'s first
/// error stops it.
pub fn each_track_calendar<E>(
    snapshot: &Snapshot,
    only: Option<&std::collections::BTreeSet<String>>,
    mut take: impl FnMut(&str, bytes::Bytes) -> Result<(), E>,
) -> Result<(), E> {
    use rayon::prelude::*;
    let mut tracks: std::collections::BTreeMap<&str, (&str, Vec<&ics::IcsEvent>)> =
        std::collections::BTreeMap::new();
    for ev in snapshot.events.values() {
        for (v, f) in ev.vevents.iter().zip(&ev.facets) {
            let wanted = |t: &&crate::facets::Track| {
                !t.slug.is_empty() && only.is_none_or(|o| o.contains(&*t.slug))
            };
            if let Some(t) = f.track.as_deref().filter(wanted) {
                let entry = tracks.entry(&t.slug).or_insert((&t.name, Vec::new()));
                entry.0 = entry.0.min(&t.name);
                entry.1.push(v);
            }
        }
    }
    let mut tracks: Vec<_> = tracks.into_iter().collect();
    // The tracks of a change (`only`) are few: all at once, for latency.
    let at_once = match only {
        Some(_) => tracks.len().max(1),
        None => 2 * rayon::current_num_threads(),
    };
    for chunk in tracks.chunks_mut(at_once) {
        let made: Vec<bytes::Bytes> = chunk
            .par_iter_mut()
            .map(|(slug, (name, talks))| {
                talks.sort_unstable_by(|a, b| ics::IcsEvent::newest_first(a, b));
                let meta = track_meta(snapshot, slug, name);
                let c = &snapshot.config;
                ics::calendar_within(&meta, talks, &snapshot.zones, c.all_talks_max_bytes).0
            })
            .collect();
        for ((slug, _), bytes) in chunk.iter().zip(made) {
            take(slug, bytes)?;
        }
    }
    Ok(())
}
