//! What subscribers have seen of each talk, remembered across builds.
//!
//! Calendar apps apply an edit only when `SEQUENCE` grows (Google ignores it
//! otherwise) and remove an event only when told it is `CANCELLED`. So for
//! every talk UID this keeps a hash of what subscribers see (time, title,
//! place, description), its `SEQUENCE` and `LAST-MODIFIED`. A talk seen for
//! the first time starts at sequence 0 stamped with its post's date (so two
//! fresh builds are byte-identical); a change bumps the sequence and stamps
//! the time of the change; a talk that disappears stays as `CANCELLED`
//! for `cancelled_retention`, then is dropped.
//!
//! Stored as one small JSON file per post under `out/.almanac/state/`,
//! written atomically, only when that post's records changed. A missing or
//! corrupt file is rebuilt from scratch with a warning, never a crash.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::talk::{Talk, TalkZone};

/// What subscribers see of a talk's history: its `SEQUENCE`, `LAST-MODIFIED`
/// and whether it is cancelled. Without history, a talk is at sequence 0,
/// stamped with its post's date. Owned here and passed into rendering, so
/// rendering never reaches back into the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revision {
    pub sequence: u32,
    pub last_modified: DateTime<Utc>,
    pub cancelled: bool,
}

/// One talk as subscribers last saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub hash: String,
    pub sequence: u32,
    /// Unix seconds.
    pub last_modified: i64,
    /// When it disappeared from its post (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<i64>,
    /// Enough to render the cancellation after the post is gone.
    pub title: String,
    pub url: String,
    pub start: i64,
    pub end: i64,
    pub talk_slug: String,
}

/// Every post's records, by post slug, then UID.
#[derive(Debug, Default)]
pub struct History {
    posts: HashMap<String, BTreeMap<String, Record>>,
    /// Post slugs whose records changed since the last save.
    dirty: BTreeSet<String>,
    /// Post slugs with at least one cancelled talk (kept up to date, so a
    /// rebuild does not look through every record).
    with_cancellations: BTreeSet<String>,
    dir: Option<PathBuf>,
}

/// The part of a talk subscribers see; a change to any of it is an update.
///
/// An explicit, versioned encoding (`2:` + hex): every field is written by
/// hand, never through a `Debug` format, so upgrading a dependency (say
/// chrono-tz, whose zones' `Debug` text is not a promise) cannot bump every
/// talk's `SEQUENCE` and make every calendar app re-download and re-notify.
/// Bump the version only with a migration (see [`History::observe`]).
pub fn seen_hash(talk: &Talk, description: &str) -> String {
    let zone = match talk.when.zone {
        TalkZone::Iana(tz) => format!("iana:{}", tz.name()),
        TalkZone::Fixed { offset, label } => format!("fixed:{offset}:{label}"),
    };
    let fields = [
        talk.when.start.timestamp().to_string(),
        talk.when.end.timestamp().to_string(),
        zone,
        talk.title.clone(),
        talk.location.clone().unwrap_or_default(),
        description.to_string(),
        talk.url.clone(),
        talk.track.clone().unwrap_or_default(),
    ];
    format!("2:{}", digest(&fields))
}

/// The first encoding, which hashed the zone's `Debug` text: kept only to
/// recognise records written before version 2, so that reading them does
/// not look like a change.
fn seen_hash_v1(talk: &Talk, description: &str) -> String {
    let fields = [
        talk.when.start.timestamp().to_string(),
        talk.when.end.timestamp().to_string(),
        format!("{:?}", talk.when.zone),
        talk.title.clone(),
        talk.location.clone().unwrap_or_default(),
        description.to_string(),
        talk.url.clone(),
        talk.track.clone().unwrap_or_default(),
    ];
    digest(&fields)
}

/// SHA-256 of the fields, each followed by a NUL, as 24 hex digits.
fn digest(fields: &[String]) -> String {
    let mut h = Sha256::new();
    for part in fields {
        h.update(part.as_bytes());
        h.update([0]);
    }
    faster_hex::hex_string(&h.finalize()[..12])
}

fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

fn from_ts(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

impl History {
    /// An empty history that is never saved (one-off renders, tests).
    pub fn in_memory() -> History {
        History::default()
    }

    /// Loads the history kept under `out/.almanac/state/`. Unreadable or
    /// corrupt files are skipped with a warning message (their talks start
    /// again at sequence 0); temporaries a killed process left are removed.
    pub fn load(out: &Path) -> (History, Vec<String>) {
        let dir = crate::state::history_dir(out);
        let mut h = History {
            dir: Some(dir.clone()),
            ..History::default()
        };
        let mut warnings = Vec::new();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return (h, warnings);
        };
        for e in entries.flatten() {
            let path = e.path();
            // A temporary a killed process left between writing and
            // renaming (see `state::tmp_path`): its target is whole, old.
            if path.extension().is_some_and(|x| x == "tmp") {
                let _ = std::fs::remove_file(&path);
                continue;
            }
            let Some(slug) = path.file_stem().and_then(|s| s.to_str()).map(String::from) else {
                continue;
            };
            if path.extension().and_then(|x| x.to_str()) != Some("json") {
                continue;
            }
            match std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|b| {
                    serde_json::from_slice::<BTreeMap<String, Record>>(&b)
                        .map_err(|e| e.to_string())
                }) {
                Ok(records) => {
                    if records.values().any(|r| r.cancelled_at.is_some()) {
                        h.with_cancellations.insert(slug.clone());
                    }
                    h.posts.insert(slug, records);
                }
                Err(e) => warnings.push(format!(
                    "{}: state unreadable ({e}); its talks' history starts again",
                    path.display()
                )),
            }
        }
        (h, warnings)
    }

    /// The revision of a talk now being published, recording any change;
    /// `hash` is its [`seen_hash`] (made beforehand: talks are observed one
    /// at a time, in order, and their hashes on all cores).
    pub fn observe(
        &mut self,
        post_slug: &str,
        talk: &Talk,
        description: &str,
        hash: String,
        first_seen: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Revision {
        let records = self.posts.entry(post_slug.to_string()).or_default();
        // A record from before version 2 that says the same: the new hash is
        // taken in silence (no new revision).
        if let Some(r) = records.get_mut(&talk.uid)
            && !r.hash.starts_with("2:")
            && r.hash == seen_hash_v1(talk, description)
        {
            r.hash.clone_from(&hash);
            self.dirty.insert(post_slug.to_string());
        }
        let fresh = |sequence: u32, last_modified: i64| Record {
            hash: hash.clone(),
            sequence,
            last_modified,
            cancelled_at: None,
            title: talk.title.clone(),
            url: talk.url.clone(),
            start: ts(talk.when.start),
            end: ts(talk.when.end),
            talk_slug: talk.slug.clone(),
        };
        // (sequence, last modified): a talk seen before as it is, at every
        // rebuild, copies nothing.
        let (sequence, last_modified) = match records.get(&talk.uid) {
            Some(r) if r.hash == hash && r.cancelled_at.is_none() => (r.sequence, r.last_modified),
            Some(r) => {
                // Changed, or back after a cancellation: a new revision now.
                let was_cancelled = r.cancelled_at.is_some();
                let r = fresh(r.sequence + 1, ts(now).max(r.last_modified));
                let revision = (r.sequence, r.last_modified);
                records.insert(talk.uid.clone(), r);
                self.dirty.insert(post_slug.to_string());
                if was_cancelled {
                    self.refresh_cancelled(post_slug);
                }
                revision
            }
            None => {
                let r = fresh(0, ts(first_seen));
                let revision = (r.sequence, r.last_modified);
                records.insert(talk.uid.clone(), r);
                self.dirty.insert(post_slug.to_string());
                revision
            }
        };
        Revision {
            sequence,
            last_modified: from_ts(last_modified),
            cancelled: false,
        }
    }

    /// Marks every talk of `post_slug` not in `present` as cancelled (once),
    /// and drops cancellations older than `retention`.
    /// Returns whether anything changed.
    pub fn settle_post(
        &mut self,
        post_slug: &str,
        present: &BTreeSet<&str>,
        now: DateTime<Utc>,
        retention: chrono::Duration,
    ) -> bool {
        let Some(records) = self.posts.get_mut(post_slug) else {
            return false;
        };
        let mut changed = false;
        records.retain(|uid, r| {
            if present.contains(uid.as_str()) {
                return true;
            }
            match r.cancelled_at {
                None => {
                    r.cancelled_at = Some(ts(now));
                    r.sequence += 1;
                    r.last_modified = ts(now).max(r.last_modified);
                    changed = true;
                    true
                }
                Some(at) if from_ts(at) + retention < now => {
                    changed = true;
                    false
                }
                Some(_) => true,
            }
        });
        if records.is_empty() {
            self.posts.remove(post_slug);
        }
        if changed {
            self.dirty.insert(post_slug.to_string());
            self.refresh_cancelled(post_slug);
        }
        changed
    }

    fn refresh_cancelled(&mut self, post_slug: &str) {
        let any = self
            .posts
            .get(post_slug)
            .is_some_and(|r| r.values().any(|r| r.cancelled_at.is_some()));
        if any {
            self.with_cancellations.insert(post_slug.to_string());
        } else {
            self.with_cancellations.remove(post_slug);
        }
    }

    /// Post slugs with at least one cancelled talk.
    pub fn slugs_with_cancellations(&self) -> Vec<String> {
        self.with_cancellations.iter().cloned().collect()
    }

    /// Post slugs that have records (current or cancelled).
    pub fn post_slugs(&self) -> Vec<String> {
        self.posts.keys().cloned().collect()
    }

    /// The cancelled talks of a post, in UID order.
    pub fn cancelled(&self, post_slug: &str) -> Vec<(String, Record)> {
        self.posts
            .get(post_slug)
            .map(|r| {
                r.iter()
                    .filter(|(_, r)| r.cancelled_at.is_some())
                    .map(|(u, r)| (u.clone(), r.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Writes the records of every post that changed (atomically, one file
    /// per post). Does nothing for an in-memory history.
    ///
    /// # Errors
    /// The state folder cannot be written; the records stay dirty and the
    /// next save retries.
    pub fn save(&mut self) -> Result<(), crate::Error> {
        while let Some(batch) = self.take_unsaved() {
            if let Err(e) = batch.write() {
                self.unsaved(&batch);
                return Err(e);
            }
        }
        Ok(())
    }

    /// The records of up to [`Unsaved::MAX`] posts that changed, taken to be
    /// written elsewhere ([`Unsaved::write`]: the daemon writes them off its
    /// loop, so a slow flush never delays the next change); `None` when
    /// nothing is left to write (or the history is in memory only). Give
    /// them back with [`History::unsaved`] if writing fails.
    pub fn take_unsaved(&mut self) -> Option<Unsaved> {
        let Some(dir) = self.dir.clone() else {
            self.dirty.clear();
            return None;
        };
        let slugs: Vec<String> = self.dirty.iter().take(Unsaved::MAX).cloned().collect();
        if slugs.is_empty() {
            return None;
        }
        let (mut written, mut removed) = (Vec::with_capacity(slugs.len()), Vec::new());
        for slug in &slugs {
            self.dirty.remove(slug);
            let path = dir.join(format!("{slug}.json"));
            match self.posts.get(slug) {
                Some(records) => {
                    written.push((path, serde_json::to_vec(records).unwrap_or_default()))
                }
                None => removed.push(path),
            }
        }
        Some(Unsaved {
            dir,
            slugs,
            written,
            removed,
        })
    }

    /// `batch` could not be written: its posts are saved again next time
    /// (with their records as they are then).
    pub fn unsaved(&mut self, batch: &Unsaved) {
        self.dirty.extend(batch.slugs.iter().cloned());
    }
}

/// Posts' records taken from a [`History`] to be written: one file per
/// post, removed for a post whose records are all gone.
#[derive(Debug)]
pub struct Unsaved {
    dir: PathBuf,
    slugs: Vec<String>,
    written: Vec<(PathBuf, Vec<u8>)>,
    removed: Vec<PathBuf>,
}

impl Unsaved {
    /// Posts per batch: written with one flush (see
    /// [`crate::state::write_all_atomic`]), and a bound on the memory.
    const MAX: usize = 512;

    /// Writes the batch.
    ///
    /// # Errors
    /// The state folder cannot be written.
    pub fn write(&self) -> Result<(), crate::Error> {
        use crate::state::io;
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        for path in &self.removed {
            if let Err(e) = std::fs::remove_file(path)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                return Err(io(path)(e));
            }
        }
        crate::state::write_all_atomic(&self.dir, &self.written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::talk::When;

    fn talk(title: &str, hour: u32) -> Talk {
        let start = chrono::NaiveDate::from_ymd_opt(2024, 3, 19)
            .unwrap()
            .and_hms_opt(hour, 0, 0)
            .unwrap()
            .and_utc();
        Talk {
            uid: "u1@p.almanac".into(),
            slug: "t".into(),
            title: title.into(),
            speakers: vec![],
            url: "https://x/1".into(),
            track: None,
            abstract_md: String::new(),
            when: When {
                start,
                end: start + chrono::Duration::minutes(30),
                start_local: start.naive_utc(),
                end_local: start.naive_utc(),
                zone: TalkZone::Fixed {
                    offset: 0,
                    label: "UTC",
                },
                has_end: true,
            },
            location: None,
            line: 1,
            time_line: 1,
            how: Default::default(),
        }
    }

    /// The hash input is written field by field: a fixed record hashes to
    /// this value whatever `Debug` formats a dependency prints. (The values
    /// were computed apart, with Python's hashlib over the same fields, each
    /// followed by a NUL.)
    #[test]
    fn the_seen_hash_is_a_fixed_encoding() {
        let mut t = talk("A talk", 9);
        t.when.zone = TalkZone::Iana(chrono_tz::Europe::Paris);
        t.location = Some("Paris".into());
        t.track = Some("Room A".into());
        assert_eq!(seen_hash(&t, "About it."), "2:8ae3376d50cf24eee29f8330");
        t.when.zone = TalkZone::Fixed {
            offset: 3600,
            label: "CET",
        };
        assert_eq!(seen_hash(&t, "About it."), "2:7928cb423ad6dcc4556978c3");
    }

    /// A record written with the first encoding is taken over without a new
    /// revision when the talk is unchanged; a changed talk still bumps.
    #[test]
    fn records_of_the_first_encoding_migrate_without_a_bump() {
        let mut h = History::in_memory();
        let t0 = from_ts(1_700_000_000);
        let a = talk("A", 9);
        h.observe("p", &a, "", seen_hash(&a, ""), t0, t0);
        let r = h.posts.get_mut("p").unwrap().get_mut(&a.uid).unwrap();
        r.hash = seen_hash_v1(&a, "");
        let r = h.observe("p", &a, "", seen_hash(&a, ""), t0, from_ts(1_800_000_000));
        assert_eq!(r.sequence, 0);
        assert!(h.posts["p"][&a.uid].hash.starts_with("2:"));
        let r = h.posts.get_mut("p").unwrap().get_mut(&a.uid).unwrap();
        r.hash = seen_hash_v1(&a, "");
        let b = talk("B", 9);
        let r = h.observe("p", &b, "", seen_hash(&b, ""), t0, from_ts(1_800_000_000));
        assert_eq!(r.sequence, 1);
    }

    #[test]
    fn sequence_grows_only_on_change_and_cancellation_expires() {
        let mut h = History::in_memory();
        let post_date = from_ts(1_700_000_000);
        let t1 = from_ts(1_800_000_000);
        let a = talk("A", 9);
        let r = h.observe("p", &a, "", seen_hash(&a, ""), post_date, t1);
        assert_eq!(
            (r.sequence, r.last_modified),
            (0, post_date),
            "first sight: post date, not the clock"
        );
        let r = h.observe(
            "p",
            &a,
            "",
            seen_hash(&a, ""),
            post_date,
            t1 + chrono::Duration::hours(1),
        );
        assert_eq!(
            (r.sequence, r.last_modified),
            (0, post_date),
            "no change, nothing moves"
        );
        let b = talk("A", 10);
        let t2 = t1 + chrono::Duration::hours(2);
        let r = h.observe("p", &b, "", seen_hash(&b, ""), post_date, t2);
        assert_eq!((r.sequence, r.last_modified), (1, t2));
        h.settle_post("p", &BTreeSet::new(), t2, chrono::Duration::days(30));
        let c = h.cancelled("p");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].1.sequence, 2);
        h.settle_post(
            "p",
            &BTreeSet::new(),
            t2 + chrono::Duration::days(29),
            chrono::Duration::days(30),
        );
        assert_eq!(h.cancelled("p").len(), 1, "kept during retention");
        h.settle_post(
            "p",
            &BTreeSet::new(),
            t2 + chrono::Duration::days(31),
            chrono::Duration::days(30),
        );
        assert!(h.cancelled("p").is_empty(), "dropped after retention");
    }

    #[test]
    fn corrupt_state_is_rebuilt_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join(".almanac/state");
        std::fs::create_dir_all(&state).unwrap();
        std::fs::write(state.join("p.json"), b"{not json").unwrap();
        let (h, warnings) = History::load(dir.path());
        assert!(h.posts.is_empty());
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("p.json"));
    }
}
