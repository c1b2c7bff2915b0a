//! Changed events → their calendars. The history is observed first, in
//! order (SEQUENCE bumps, cancellations); rendering is then a pure step,
//! run in parallel.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use super::{Asset, Entry, EventAssets, Site};
use crate::diag::{self, Diagnostic};
use crate::event::Event;
use crate::facets::{Facets, TalkId, Track};
use crate::history::{self, History, Record};
use crate::output::Output;
use crate::post::Post;
use crate::post::slugify;
use crate::render::feed::{self, FeedItem};
use crate::render::ics::{self, CalendarMeta, IcsEvent, Naming, Revision, TalkCalendar};
use crate::talk::Talk;

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

/// What subscribers see of each of an event's talks, in order: its
/// description and the [`history::seen_hash`] of it.
type Seen = Vec<(String, String)>;

/// An event's [`Seen`]. Pure, so made on all cores; only [`revisions`]
/// must run in order.
fn seen(event: &Event) -> Seen {
    event
        .talks
        .iter()
        .map(|t| {
            let description = ics::description(t);
            let hash = history::seen_hash(t, &description);
            (description, hash)
        })
        .collect()
}

/// Observes an event's talks in the history (sequence bumps for what
/// changed) and cancels those that left it; `seen` is [`seen`]'s.
fn revisions(
    history: &mut History,
    event: &Event,
    seen: Seen,
    now: DateTime<Utc>,
    retention: chrono::Duration,
) -> Revisions {
    let slug = &event.post.slug;
    let mut by_uid = HashMap::with_capacity(event.talks.len());
    for (t, (description, hash)) in event.talks.iter().zip(seen) {
        let revision = history.observe(slug, t, &description, hash, event.post.date, now);
        by_uid.insert(t.uid.clone(), (revision, description));
    }
    let present: BTreeSet<&str> = event.talks.iter().map(|t| t.uid.as_str()).collect();
    history.settle_post(slug, &present, now, retention);
    Revisions {
        by_uid,
        cancelled: history.cancelled(slug),
    }
}

/// What each talk can be chosen by; the talks of an event that share a
/// track share its names.
fn talk_facets(talks: &[Talk]) -> impl Iterator<Item = Facets> + '_ {
    let mut tracks: HashMap<&str, Arc<Track>> = HashMap::new();
    talks.iter().map(move |t| Facets {
        id: TalkId::of(&t.uid),
        track: t.track.as_deref().map(|name| {
            tracks
                .entry(name)
                .or_insert_with(|| Arc::new(Track::new(name, slugify(name))))
                .clone()
        }),
        speakers: t
            .speakers
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join("\n")
            .into(),
        cancelled: false,
    })
}

/// A cancelled talk is chosen by its ID only.
fn cancelled_facets(v: &IcsEvent) -> Facets {
    Facets {
        id: TalkId::of(&v.uid),
        track: None,
        speakers: "".into(),
        cancelled: true,
    }
}

/// The slug an entry publishes under: the one settled for it, else the one
/// it asks for.
fn published_slug<'a>(
    settled: &'a HashMap<PathBuf, String>,
    path: &PathBuf,
    entry: &'a Entry,
) -> &'a str {
    settled.get(path).unwrap_or(&entry.kept.asked)
}

/// The start of the newest of `talks`, if any.
pub(super) fn newest_start(talks: &[IcsEvent]) -> Option<DateTime<Utc>> {
    talks.iter().map(|e| e.start).max()
}

/// The next [`Rendered::generation`].
static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A [`Rendered::generation`] never given before in this process.
pub(super) fn next_generation() -> u64 {
    GENERATION.fetch_add(1, Ordering::Relaxed)
}

/// An event rendered under its settled slug.
#[derive(Debug)]
pub(super) struct Rendered {
    /// The slug it was rendered under.
    pub(super) slug: String,
    /// Its calendars, and its `VEVENT`s with their facets.
    pub(super) assets: Arc<EventAssets>,
    /// The start of the newest of its `VEVENT`s and of the earliest talk (the
    /// all-talks calendar and the index page order events by these).
    pub(super) newest: Option<DateTime<Utc>>,
    pub(super) first: Option<DateTime<Utc>>,
    /// How many of its `VEVENT`s are the post's talks (the rest are cancelled).
    pub(super) talks: usize,
    /// The post's feed item without its content.
    pub(super) item: FeedItem,
    /// Its tags and categories, as numbers in the site's term table.
    pub(super) terms: Box<[u32]>,
    /// Unique to this rendering (never reused in the process): stands for
    /// its content in the keys of the shared outputs.
    pub(super) generation: u64,
    /// The post's content as HTML, made the first time the feeds show it.
    pub(super) content_html: std::sync::OnceLock<Arc<str>>,
    /// The event's part of the index page, made the first time it is shown.
    pub(super) section: std::sync::OnceLock<Arc<str>>,
}

impl Site {
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
            source: Output::Event(&slug).url(&c.public_url),
            refresh: c.refresh_interval,
        };
        let calendar = (!vevents.is_empty()).then(|| {
            let old = old.and_then(|o| o.assets.calendar.as_ref());
            self.event_calendar(Output::Event(&slug), &meta, &mut vevents, old)
        });
        let talk_meta = |name: String, description: String, output: Output<'_>| CalendarMeta {
            name,
            description,
            source: output.url(&c.public_url),
            refresh: c.refresh_interval,
        };
        let mut talks = BTreeMap::new();
        for (t, v) in event.talks.iter().zip(&vevents) {
            let output = Output::Talk {
                event: &slug,
                talk: &t.slug,
            };
            let meta = talk_meta(
                t.title.clone(),
                format!("{} — {}", t.title, event.post.title),
                output,
            );
            let previous = old.and_then(|o| o.assets.talks.get(&t.slug));
            talks.insert(
                t.slug.clone(),
                self.talk_calendar(output, &meta, v, previous),
            );
        }
        // A cancelled talk's own file keeps answering, saying it is cancelled.
        for (talk_slug, v) in cancelled.iter().zip(&vevents[event.talks.len()..]) {
            if talks.contains_key(talk_slug) {
                continue;
            }
            let output = Output::Talk {
                event: &slug,
                talk: talk_slug,
            };
            let meta = talk_meta(
                format!("Cancelled — {}", event.post.title),
                format!("This talk of \"{}\" was cancelled.", event.post.title),
                output,
            );
            let previous = old.and_then(|o| o.assets.talks.get(talk_slug));
            talks.insert(
                talk_slug.clone(),
                self.talk_calendar(output, &meta, v, previous),
            );
        }
        let item = feed::heading(event, c);
        let facets = talk_facets(&event.talks)
            .chain(vevents[event.talks.len()..].iter().map(cancelled_facets))
            .collect();
        Rendered {
            newest: newest_start(&vevents),
            assets: Arc::new(EventAssets {
                slug: Arc::from(slug.as_str()),
                calendar,
                talks,
                title: event.post.title.as_str().into(),
                vevents,
                facets,
            }),
            slug,
            first: event.talks.iter().map(|t| t.when.start).min(),
            talks: event.talks.len(),
            terms: self.term_table.intern(&item),
            item,
            generation: next_generation(),
            content_html: std::sync::OnceLock::new(),
            section: std::sync::OnceLock::new(),
        }
    }

    /// An event's calendar (events by start), in one piece and compressed;
    /// `old` when its bytes are the same. Each of `vevents` becomes a slice
    /// of the calendar's bytes.
    fn event_calendar(
        &self,
        output: Output<'_>,
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
            _ => Arc::new(Asset::deferred(output, joined)),
        };
        let bytes = asset.to_bytes();
        for (&i, span) in order.iter().zip(parts.event_spans()) {
            vevents[i].text = bytes.slice(span);
        }
        asset
    }

    /// A talk's own calendar (its header made when asked for, its other
    /// pieces shared with its event's calendar); it keeps `old`'s
    /// publication time when its bytes are the same.
    fn talk_calendar(
        &self,
        output: Output<'_>,
        meta: &CalendarMeta,
        vevent: &IcsEvent,
        old: Option<&Arc<Asset>>,
    ) -> Arc<Asset> {
        let calendar = TalkCalendar::new(Naming::new(meta), vevent, &self.zones);
        let asset = Asset::talk(output, calendar);
        if let Some(old) = old {
            asset.keep_published_of(old);
        }
        Arc::new(asset)
    }

    /// The calendars of a post that is gone: only its cancelled talks.
    fn render_ghost(&self, slug: &str, cancelled: &[(String, Record)]) -> Arc<EventAssets> {
        let c = &self.config;
        let mut vevents: Vec<IcsEvent> = cancelled
            .iter()
            .map(|(uid, r)| ics::cancelled_vevent(uid, r))
            .collect();
        let meta = |name: String, output: Output<'_>| CalendarMeta {
            name,
            description: "These talks were cancelled.".to_string(),
            source: output.url(&c.public_url),
            refresh: c.refresh_interval,
        };
        let output = Output::Event(slug);
        let calendar = Some(self.event_calendar(
            output,
            &meta("Cancelled talks".into(), output),
            &mut vevents,
            None,
        ));
        let mut talks = BTreeMap::new();
        for ((_, r), v) in cancelled.iter().zip(&vevents) {
            let output = Output::Talk {
                event: slug,
                talk: &r.talk_slug,
            };
            let meta = meta(format!("Cancelled: {}", r.title), output);
            talks.insert(
                r.talk_slug.clone(),
                self.talk_calendar(output, &meta, v, None),
            );
        }
        Arc::new(EventAssets {
            slug: Arc::from(slug),
            calendar,
            talks,
            title: "Cancelled talks".into(),
            facets: vevents.iter().map(cancelled_facets).collect(),
            vevents,
        })
    }

    /// The problems of a post's talks, found at its first render, added to
    /// the file's (once: later renders find the same ones).
    fn add_talk_problems(&mut self, path: &std::path::Path, problems: Vec<Diagnostic>) {
        let Some(entry) = self.entries.get_mut(path).filter(|e| e.talks_unread) else {
            return;
        };
        entry.talks_unread = false;
        if problems.is_empty() {
            return;
        }
        entry.had_errors |= problems.iter().any(Diagnostic::is_error);
        let mut all = self
            .file_diags
            .get(path)
            .map_or_else(Vec::new, |d| d.to_vec());
        all.extend(problems);
        self.set_problems(path, all);
    }

    /// Posts the history knows that no post now settles on: posts deleted
    /// while almanac was not running. A restored model reports them as
    /// removed (`load_all`); this finds them after a read of every post
    /// without one (a cold start, `almanac build`), so their talks are
    /// announced as cancelled either way.
    ///
    /// None while some file cannot be read as a post: it may be one of them,
    /// and a broken post must not cancel its talks (they are left out until
    /// it reads again, as before).
    fn orphaned_slugs(&self, settled: &HashMap<PathBuf, String>) -> Vec<String> {
        let unreadable = self
            .file_diags
            .iter()
            .any(|(p, d)| !self.entries.contains_key(&**p) && d.iter().any(Diagnostic::is_error));
        if unreadable {
            return Vec::new();
        }
        let published: std::collections::HashSet<&str> = self
            .entries
            .iter()
            .map(|(p, e)| published_slug(settled, p, e))
            .collect();
        self.history
            .post_slugs()
            .into_iter()
            .filter(|s| !published.contains(s.as_str()))
            .collect()
    }

    /// Renders every entry not rendered under its settled slug, in parallel.
    pub(super) fn render_pending(&mut self, now: DateTime<Utc>) {
        let (slugs, settled_anew) = match self.slugs.take() {
            Some(slugs) => (slugs, false),
            None => (self.settle_slugs(), true),
        };
        let settled = &slugs.settled;
        let retention = self.config.cancelled_retention;
        // Cancellations that expired: the posts they belong to render again.
        // Only needed when some post has cancellations or was removed: most
        // rebuilds skip building it.
        let cancelled_slugs = self.history.slugs_with_cancellations();
        let mut ghost_slugs: BTreeSet<String> = std::mem::take(&mut self.removed_slugs);
        if settled_anew {
            ghost_slugs.extend(self.orphaned_slugs(settled));
        }
        let slug_of_entry: HashMap<String, PathBuf> =
            if cancelled_slugs.is_empty() && ghost_slugs.is_empty() {
                HashMap::new()
            } else {
                self.entries
                    .iter()
                    .map(|(p, e)| (published_slug(settled, p, e).to_string(), p.clone()))
                    .collect()
            };
        self.index_stale |= settled_anew || !ghost_slugs.is_empty();
        for slug in cancelled_slugs {
            match slug_of_entry.get(&slug) {
                Some(p) => {
                    // Entries not rendered yet are settled when they render.
                    let Some(r) = &self.entries[p].rendered else {
                        continue;
                    };
                    let uids: Vec<String> = r.assets.vevents[..r.talks]
                        .iter()
                        .map(|v| v.uid.clone())
                        .collect();
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
            type Found = (Event, Vec<Diagnostic>, Seen);
            let events: Vec<Result<Found, String>> = chunk
                .par_iter()
                .map(|(p, _)| {
                    diag::guarded(|| {
                        let (e, problems) = self.entries[p].kept.full_checked(&self.config);
                        let seen = seen(&e);
                        (e, problems, seen)
                    })
                })
                .collect();
            // Observed in the history in order, before rendering; the talks'
            // problems of a post whose talks are read here for the first time.
            let events: Vec<Result<(Event, Revisions), String>> = chunk
                .iter()
                .zip(events)
                .map(|((p, _), e)| {
                    e.map(|(e, problems, seen)| {
                        self.add_talk_problems(p, problems);
                        let r = revisions(&mut self.history, &e, seen, now, retention);
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
                            .get(p.as_path())
                            .map_or_else(Vec::new, |d| d.to_vec());
                        problems.push(diag::internal_error(&p, "rendering", &message));
                        self.set_problems(&p, problems);
                    }
                }
            }
        }
        self.slugs = Some(slugs);
    }
}
