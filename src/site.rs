//! Stage 4 of the pipeline: events → one immutable [`Snapshot`] of every output.
//!
//! A snapshot maps each URL path (the same path as the file in `out/`) to an
//! [`Asset`]: its bytes, gzip variant, content type and strong ETag, all
//! computed once here so that serving is a lookup. Per-event outputs are
//! rendered by [`render_event`] so a rebuild can reuse those of unchanged posts.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::event::Event;
use crate::post::Post;
use crate::render::ics::{self, CalendarMeta, IcsEvent, Revision, ZoneCache};
use crate::render::{feed, html};
use crate::talk::Talk;

/// One output file, ready to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub bytes: Bytes,
    /// gzip of `bytes`, when it is smaller.
    pub gzip: Option<Bytes>,
    pub content_type: &'static str,
    /// Strong validator: a hash of the bytes, quoted.
    pub etag: String,
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
        }
    }
}

/// Deterministic gzip (no file name, no timestamp in the header).
fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut enc = flate2::GzBuilder::new().mtime(0).write(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::new(6),
    );
    enc.write_all(bytes).ok()?;
    enc.finish().ok()
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

/// Every output of one build, keyed by path (`calendar.ics`, `events/x.ics`…).
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub files: BTreeMap<String, Arc<Asset>>,
    pub posts: usize,
    pub talks: usize,
}

impl Snapshot {
    /// The asset at a URL path (`/` is the index page).
    pub fn get(&self, path: &str) -> Option<&Arc<Asset>> {
        let p = path.trim_start_matches('/');
        let p = if p.is_empty() { "index.html" } else { p };
        self.files.get(p)
    }

    /// Assets from rendered text, reusing those of `previous` whose bytes are
    /// unchanged (no second compression).
    pub fn from_texts(
        texts: BTreeMap<String, String>,
        previous: Option<&Snapshot>,
        posts: usize,
        talks: usize,
    ) -> Snapshot {
        let files = texts
            .into_iter()
            .map(|(path, text)| {
                let reused = previous
                    .and_then(|p| p.files.get(&path))
                    .filter(|a| a.bytes.as_ref() == text.as_bytes())
                    .cloned();
                let asset =
                    reused.unwrap_or_else(|| Arc::new(Asset::new(&path, Bytes::from(text))));
                (path, asset)
            })
            .collect();
        Snapshot {
            files,
            posts,
            talks,
        }
    }
}

/// What calendars say about a talk's revision; the default has no history.
pub type RevisionOf<'a> = &'a (dyn Fn(&Talk, &Post) -> Revision + Sync);

/// Without history: sequence 0, stamped with the post's date.
pub fn first_revision(_talk: &Talk, post: &Post) -> Revision {
    Revision {
        sequence: 0,
        last_modified: post.date,
        cancelled: false,
    }
}

/// The outputs of one event: its calendar, one calendar per talk, and the
/// rendered `VEVENT`s for the all-talks calendar.
#[derive(Debug, Clone)]
pub struct EventOutputs {
    pub files: Vec<(String, String)>,
    pub vevents: Vec<IcsEvent>,
}

/// `events/<slug>.ics` and `events/<slug>/<talk>.ics`.
pub fn render_event(
    ev: &Event,
    config: &Config,
    zones: &ZoneCache,
    revision: RevisionOf,
) -> EventOutputs {
    let slug = &ev.post.slug;
    let vevents: Vec<IcsEvent> = ev
        .talks
        .iter()
        .map(|t| ics::vevent(t, revision(t, &ev.post)))
        .collect();
    let mut files = Vec::with_capacity(ev.talks.len() + 1);
    let mut order: Vec<usize> = (0..vevents.len()).collect();
    order.sort_by(|&a, &b| {
        vevents[a]
            .start
            .cmp(&vevents[b].start)
            .then_with(|| ev.talks[a].uid.cmp(&ev.talks[b].uid))
    });
    let sorted: Vec<&IcsEvent> = order.iter().map(|&i| &vevents[i]).collect();
    let meta = CalendarMeta {
        name: ev.post.title.clone(),
        description: ev
            .post
            .summary
            .clone()
            .unwrap_or_else(|| format!("Talks from \"{}\"", ev.post.title)),
        source: format!("{}/events/{slug}.ics", config.public_url),
        refresh: config.refresh_interval,
    };
    files.push((
        format!("events/{slug}.ics"),
        ics::calendar(&meta, &sorted, zones),
    ));
    for (t, v) in ev.talks.iter().zip(&vevents) {
        let path = format!("events/{slug}/{}.ics", t.slug);
        let meta = CalendarMeta {
            name: t.title.clone(),
            description: format!("{} — {}", t.title, ev.post.title),
            source: format!("{}/{path}", config.public_url),
            refresh: config.refresh_interval,
        };
        files.push((path, ics::calendar(&meta, &[v], zones)));
    }
    EventOutputs { files, vevents }
}

/// Everything that depends on all events: the all-talks calendar, the feeds
/// and the index page.
pub fn render_shared(
    events: &[&Event],
    outputs: &[&EventOutputs],
    config: &Config,
    zones: &ZoneCache,
) -> Vec<(String, String)> {
    let mut all: Vec<&IcsEvent> = outputs.iter().flat_map(|o| o.vevents.iter()).collect();
    all.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.text.cmp(&b.text)));
    if let Some(limit) = config.all_talks_limit {
        let cut = all.len().saturating_sub(limit);
        all.drain(..cut);
    }
    let meta = CalendarMeta {
        name: config.title.clone(),
        description: config.description.clone(),
        source: format!("{}/calendar.ics", config.public_url),
        refresh: config.refresh_interval,
    };
    let items = feed::items(events, config);
    vec![
        (
            "calendar.ics".to_string(),
            ics::calendar(&meta, &all, zones),
        ),
        ("rss.xml".to_string(), feed::rss(&items, config)),
        ("atom.xml".to_string(), feed::atom(&items, config)),
        ("feed.json".to_string(), feed::json(&items, config)),
        ("index.html".to_string(), html::index(events, config)),
    ]
}

/// Renders every output from scratch.
pub fn render_all(
    events: &[&Event],
    config: &Config,
    revision: RevisionOf,
) -> BTreeMap<String, String> {
    let zones = ZoneCache::default();
    let outputs: Vec<EventOutputs> = events
        .iter()
        .map(|e| render_event(e, config, &zones, revision))
        .collect();
    let refs: Vec<&EventOutputs> = outputs.iter().collect();
    let mut texts: BTreeMap<String, String> = render_shared(events, &refs, config, &zones)
        .into_iter()
        .collect();
    for o in outputs {
        texts.extend(o.files);
    }
    texts
}
