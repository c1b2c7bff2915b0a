//! The site's model, saved at a clean stop and read back at the next start,
//! so that a restart after some posts were edited reads only those again.
//!
//! A warm start serves `out/` at once (see `crate::warm`), but to be current
//! after an edit made while the daemon was down it needs the site's model:
//! every kept post and its rendering (calendars, `VEVENT`s, facets, feed
//! item). Made again from the posts that is a full read, 2.4 ms per post (24 s
//! at 10,000 posts); read back from this file it is a fraction of that. The
//! calendars' bytes are not saved twice: an event's calendar is its published
//! file, taken only when its length and modification time are those it was
//! published with, and each talk's own calendar is made again from its saved
//! naming and its event's calendar, as rendering made it.
//!
//! What is read back must be what reading the posts would give, so the
//! model is used only when made by the same binary from the same
//! configuration and posts folder, and a post is taken from it only while
//! its file keeps the fingerprint it had when read: `load_all` reads the
//! others again, as it would any change. A post whose event calendar is not
//! as published is read again too. The file is sealed (format, checksum:
//! see `warm::write_sealed`) and removed once read, so a crash later leaves
//! none and the next start reads every post.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::render::{Rendered, next_generation};
use super::{Entry, EventAssets, Site, Snapshot};
use crate::asset::Asset;
use crate::diag::Diagnostic;
use crate::event::Kept;
use crate::facets::{Facets, TalkId, Track};
use crate::output::Output;
use crate::post::Post;
use crate::render::feed::FeedItem;
use crate::render::ics::{self, IcsEvent, ZoneCache};
use crate::sources::{Fingerprint, Sources};
use crate::state::STATE_DIR;
use crate::warm::{self, Unusable};

/// Bumped when the model's layout changes: a model of another format is
/// not read (every post is then read again).
const FORMAT: u32 = 2;

const MAGIC: &str = "almanac-model";

/// Where the model is kept.
pub fn model_file(out: &Path) -> PathBuf {
    out.join(STATE_DIR).join("model")
}

/// Removes the model: from now on the files it describes may change.
pub fn forget_model(out: &Path) {
    let _ = std::fs::remove_file(model_file(out));
}

#[derive(Serialize, Deserialize)]
struct Model {
    /// Which binary made it, from which configuration and posts folder (its
    /// posts are those of `entries`).
    maker: Sources,
    entries: Vec<Saved>,
}

/// One post file as the site held it.
#[derive(Serialize, Deserialize)]
struct Saved {
    path: PathBuf,
    /// The file's fingerprint when it was read.
    fingerprint: Fingerprint,
    problems: Vec<Diagnostic>,
    had_errors: bool,
    /// The post without its body, the slug it asked for, its body deflated.
    post: Post,
    asked: String,
    body: Bytes,
    rendering: Rendering,
}

/// An event's rendering, without the bytes `out/` already holds.
#[derive(Serialize, Deserialize)]
struct Rendering {
    slug: String,
    title: String,
    newest: Option<DateTime<Utc>>,
    first: Option<DateTime<Utc>>,
    talks: usize,
    item: FeedItem,
    calendar: Option<File>,
    vevents: Vec<Vevent>,
    facets: Vec<Facet>,
    talk_files: Vec<TalkFile>,
}

/// A published file: what serving it needs besides its bytes, and what its
/// file must still be (length, modification time) to be taken.
#[derive(Serialize, Deserialize)]
struct File {
    len: u64,
    etag: String,
    published: i64,
    gz: bool,
}

/// A `VEVENT`: its place in its event's calendar and what calendars sort
/// and choose it by.
#[derive(Serialize, Deserialize)]
struct Vevent {
    uid: String,
    from: usize,
    to: usize,
    tz: Option<Tz>,
    year: i32,
    start: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
struct Facet {
    /// The track's name and slug.
    track: Option<(Box<str>, Box<str>)>,
    speakers: Box<str>,
    cancelled: bool,
}

/// A talk's own calendar: what names it, and which of its event's
/// `VEVENT`s it holds (see [`ics::TalkCalendar`]).
#[derive(Serialize, Deserialize)]
struct TalkFile {
    slug: String,
    vevent: usize,
    naming: ics::Naming,
    len: usize,
    etag: String,
    published: i64,
}

impl Site {
    /// Saves the model of every published post to `out`, made from the
    /// posts in `posts_dir`; how many posts it holds. A post not yet
    /// published whole is left out (the next start reads it again).
    ///
    /// # Errors
    /// The state folder cannot be written.
    pub fn save_model(&self, out: &Path, posts_dir: &Path) -> Result<usize, crate::Error> {
        let refused = self.slugs.as_ref().map(|s| &s.refused);
        let entries: Vec<Saved> = self
            .entries
            .par_iter()
            .filter(|(p, _)| !refused.is_some_and(|r| r.contains(*p)))
            .filter_map(|(path, e)| {
                let (post, asked, body) = e.kept.parts();
                Some(Saved {
                    path: path.clone(),
                    fingerprint: (*self.fingerprints.get(path)?)?,
                    problems: self.file_diags.get(path.as_path())?.to_vec(),
                    had_errors: e.had_errors,
                    post: post.clone(),
                    asked: asked.to_string(),
                    body: Bytes::copy_from_slice(body),
                    rendering: rendering(e.rendered.as_ref()?)?,
                })
            })
            .collect();
        let saved = entries.len();
        let model = Model {
            maker: Sources::of(posts_dir, &self.config, BTreeMap::new()),
            entries,
        };
        warm::write_sealed(&model_file(out), MAGIC, FORMAT, &model)?;
        Ok(saved)
    }

    /// Takes in the model saved in `out` (and removes it): each post whose
    /// published files are as saved, with its rendering. Call on a new site,
    /// before [`Site::load_all`], which then reads only the posts that
    /// changed since.
    ///
    /// # Errors
    /// There is no model, or it cannot be used (corrupt, of another format,
    /// made by another binary or configuration, or from another folder).
    pub fn restore(&mut self, out: &Path, posts_dir: &Path) -> Result<Restored, Unusable> {
        let model: Result<Model, Unusable> = warm::read_sealed(&model_file(out), MAGIC, FORMAT);
        // Read once: from now on the files it describes may change.
        forget_model(out);
        let model = model?;
        if !model
            .maker
            .same_maker(&Sources::of(posts_dir, &self.config, BTreeMap::new()))
        {
            return Err(Unusable::OtherFormat(
                "made by another almanac, configuration or posts folder".into(),
            ));
        }
        let saved = model.entries.len();
        let (zones, terms) = (&self.zones, &self.term_table);
        let restored: Vec<(PathBuf, Fingerprint, Vec<Diagnostic>, Entry)> = model
            .entries
            .into_par_iter()
            .filter_map(|s| {
                let rendered = rendered(s.rendering, out, zones, terms)?;
                let body = Vec::from(s.body).into_boxed_slice();
                let kept = Kept::from_parts(s.post, s.asked, body);
                let entry = Entry {
                    kept,
                    had_errors: s.had_errors,
                    rendered: Some(rendered),
                    talks_unread: false,
                };
                Some((s.path, s.fingerprint, s.problems, entry))
            })
            .collect();
        let taken = restored.len();
        for (path, print, problems, entry) in restored {
            self.fingerprints.insert(path.clone(), Some(print));
            self.set_problems(&path, problems);
            self.entries.insert(path, entry);
        }
        self.slugs = None;
        Ok(Restored { taken, saved })
    }

    /// What `out/` holds right after [`Site::restore`] took in every saved
    /// post: their events' calendars, and the shared outputs as `index`
    /// (the warm start's) has them. The first build's previous snapshot (so
    /// unchanged outputs keep their publication time) and the base of the
    /// first publish, which then writes only what changed while stopped.
    pub fn restored_snapshot(&self, index: &warm::Index) -> Snapshot {
        let events = self
            .entries
            .values()
            .filter_map(|e| e.rendered.as_ref())
            .map(|r| (r.assets.slug.clone(), r.assets.clone()))
            .collect();
        Snapshot {
            shared: index.shared_assets(),
            events,
            config: self.config.clone(),
            ..Snapshot::default()
        }
    }
}

/// What [`Site::restore`] took from the saved model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restored {
    /// Posts taken, with their rendering.
    pub taken: usize,
    /// Posts the model held: those not taken (a published calendar no
    /// longer as it was) are read again.
    pub saved: usize,
}

impl Restored {
    /// Every saved post was taken: `out/` holds exactly their files.
    pub fn whole(&self) -> bool {
        self.taken == self.saved
    }
}

/// What the model keeps of a rendering; `None` when some piece of it is not
/// published yet or not where rendering put it.
fn rendering(r: &Rendered) -> Option<Rendering> {
    let a = &r.assets;
    let calendar = a.calendar.as_deref();
    let bytes = calendar.map(Asset::to_bytes);
    // Each VEVENT is a slice of its event's calendar: where it lies.
    let base = bytes.as_ref().map_or(0, |b| b.as_ptr() as usize);
    let span = |v: &IcsEvent| {
        let from = (v.text.as_ptr() as usize).checked_sub(base)?;
        (from + v.text.len() <= bytes.as_ref()?.len()).then_some((from, from + v.text.len()))
    };
    let vevents = a
        .vevents
        .iter()
        .map(|v| {
            let (from, to) = span(v)?;
            Some(Vevent {
                uid: v.uid.clone(),
                from,
                to,
                tz: v.tz,
                year: v.year,
                start: v.start,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let at: HashMap<usize, usize> = a
        .vevents
        .iter()
        .enumerate()
        .map(|(i, v)| (v.text.as_ptr() as usize, i))
        .collect();
    let talk_files = a
        .talks
        .iter()
        .map(|(slug, t)| {
            let calendar = t.talk_calendar()?;
            Some(TalkFile {
                slug: slug.clone(),
                vevent: *at.get(&(calendar.vevent.as_ptr() as usize))?,
                naming: calendar.naming.clone(),
                len: t.len(),
                etag: t.etag().to_string(),
                published: t.published()?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let calendar = match calendar {
        Some(c) => Some(File {
            len: c.len() as u64,
            etag: c.etag().to_string(),
            published: c.published()?,
            gz: c.gzip().is_some(),
        }),
        None => None,
    };
    Some(Rendering {
        slug: r.slug.clone(),
        title: a.title.to_string(),
        newest: r.newest,
        first: r.first,
        talks: r.talks,
        item: r.item.clone(),
        calendar,
        vevents,
        facets: a
            .facets
            .iter()
            .map(|f| Facet {
                track: f.track.as_ref().map(|t| (t.name.clone(), t.slug.clone())),
                speakers: f.speakers.clone(),
                cancelled: f.cancelled,
            })
            .collect(),
        talk_files,
    })
}

/// A rendering brought back, its event's calendar read from `out`; `None`
/// when that file is not as it was published.
fn rendered(
    r: Rendering,
    out: &Path,
    zones: &ZoneCache,
    terms: &super::terms::TermTable,
) -> Option<Rendered> {
    let slug = r.slug.as_str();
    let calendar = match &r.calendar {
        Some(f) => Some(Arc::new(published(out, Output::Event(slug), f)?)),
        None => None,
    };
    let bytes = calendar.as_ref().map(|c| c.parts()[0].clone());
    let vevents = r
        .vevents
        .into_iter()
        .map(|v| {
            let text = bytes.as_ref()?;
            (v.from <= v.to && v.to <= text.len()).then(|| IcsEvent {
                text: text.slice(v.from..v.to),
                uid: v.uid,
                tz: v.tz,
                year: v.year,
                start: v.start,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let mut tracks: HashMap<Box<str>, Arc<Track>> = HashMap::new();
    let facets = vevents
        .iter()
        .zip(r.facets)
        .map(|(v, f)| Facets {
            id: TalkId::of(&v.uid),
            track: f.track.map(|(name, slug)| {
                tracks
                    .entry(name.clone())
                    .or_insert_with(|| Arc::new(Track::new(&name, slug.into())))
                    .clone()
            }),
            speakers: f.speakers,
            cancelled: f.cancelled,
        })
        .collect();
    let talks = r
        .talk_files
        .into_iter()
        .map(|t| {
            let output = Output::Talk {
                event: slug,
                talk: &t.slug,
            };
            let calendar = ics::TalkCalendar::new(t.naming, vevents.get(t.vevent)?, zones);
            let asset = Asset::indexed_talk(output, calendar, t.len, t.etag, t.published);
            Some((t.slug, Arc::new(asset)))
        })
        .collect::<Option<BTreeMap<_, _>>>()?;
    Some(Rendered {
        assets: Arc::new(EventAssets {
            slug: Arc::from(slug),
            calendar,
            talks,
            title: r.title.into(),
            vevents,
            facets,
        }),
        newest: r.newest,
        first: r.first,
        talks: r.talks,
        terms: terms.intern(&r.item),
        item: r.item,
        generation: next_generation(),
        content_html: std::sync::OnceLock::new(),
        section: std::sync::OnceLock::new(),
        slug: r.slug,
    })
}

/// A published file read from `out`, if its length and modification time
/// are those it was published with (and its `.gz`, if it had one, is there).
fn published(out: &Path, output: Output<'_>, f: &File) -> Option<Asset> {
    let rel = output.path();
    let path = out.join(&rel);
    let meta = std::fs::metadata(&path).ok()?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH);
    if meta.len() != f.len || modified.ok()?.as_secs() as i64 != f.published {
        return None;
    }
    let bytes = Bytes::from(std::fs::read(&path).ok()?);
    let gzip = match f.gz {
        true => Some(Bytes::from(
            std::fs::read(out.join(format!("{rel}.gz"))).ok()?,
        )),
        false => None,
    };
    (bytes.len() as u64 == f.len)
        .then(|| Asset::indexed(output, vec![bytes], gzip, f.etag.clone(), f.published))
}
