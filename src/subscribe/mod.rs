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
/// when the URL names an event or talk that does not exist.
pub fn calendar(snapshot: &Snapshot, output: Output<'_>, query: &Query) -> Option<Made> {
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
    let canonical = query.canonical();
    let source = match canonical.as_str() {
        "" => output.url(&c.public_url),
        q => format!("{}?{q}", output.url(&c.public_url)),
    };
    let of = |name: &str| match query.filters() {
        true => format!("{name} — {}", query.describe()),
        false => name.to_string(),
    };
    let name = match output {
        Output::Mine => format!("{} — chosen talks", c.title),
        Output::Event(slug) | Output::Talk { event: slug, .. } => {
            of(snapshot.events.get(slug).map_or(slug, |e| &*e.title))
        }
        Output::Track(slug) => of(&format!(
            "{} — {}",
            c.title,
            chosen.track_name.as_deref().unwrap_or(slug)
        )),
        _ => of(&c.title),
    };
    let description = match output {
        Output::Track(_) if !query.filters() => {
            format!(
                "The talks of the track \"{}\"",
                chosen.track_name.as_deref().unwrap_or_default()
            )
        }
        _ => format!("{name}: talks chosen from {}", c.title),
    };
    let meta = CalendarMeta {
        description,
        name,
        source,
        refresh: c.refresh_interval,
    };
    let (bytes, _) = ics::calendar_within(
        &meta,
        &chosen.newest_first,
        &snapshot.zones,
        c.all_talks_max_bytes,
    );
    let asset = Asset::new(output, bytes);
    // Never published (no output folder): the server's start time stands in.
    if chosen.published > 0 {
        asset.set_published(chosen.published);
    }
    Some(Made {
        asset: Arc::new(asset),
        unknown: chosen.unknown,
    })
}

/// The schedule at `output` (`events/<slug>/schedule.xml` or `.json`);
/// `None` when the event does not exist or has no talks.
pub fn schedule(snapshot: &Snapshot, output: Output<'_>) -> Option<Made> {
    let Output::Schedule { event, json } = output else {
        return None;
    };
    let ev = snapshot.events.get(event)?;
    let calendar = ev.calendar.as_ref()?;
    let (xml, json_text) = schedule::schedules(ev, &snapshot.config);
    let asset = Asset::new(
        output,
        bytes::Bytes::from(if json { json_text } else { xml }),
    );
    if let Some(t) = calendar.published() {
        asset.set_published(t);
    }
    Some(Made {
        asset: Arc::new(asset),
        unknown: 0,
    })
}
