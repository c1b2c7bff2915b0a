//! Files → kept events: what the site reads, re-reads and forgets.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::{Entry, Site};
use crate::diag::Diagnostic;
use crate::event::{self, FileOutcome, Kept};
use crate::post::{self, Post};

/// Whether two versions of a post say the same, apart from the slug (the
/// stored one carries the slug it is published under). Equal front matter
/// and bodies give equal talks.
fn same_event(a: &Kept, b: &Kept) -> bool {
    same_post(&a.post, &b.post) && a.same_body(b)
}

fn same_post(a: &Post, b: &Post) -> bool {
    let Post {
        path,
        slug: _,
        title,
        date,
        dated,
        summary,
        categories,
        tags,
        authors,
        image,
        url_path,
        timezone,
        location,
        body,
        body_line,
        listed_talks,
    } = a;
    (path, title, date, dated, summary, categories, tags)
        == (
            &b.path,
            &b.title,
            &b.date,
            &b.dated,
            &b.summary,
            &b.categories,
            &b.tags,
        )
        && (
            authors, image, url_path, timezone, location, body, body_line,
        ) == (
            &b.authors,
            &b.image,
            &b.url_path,
            &b.timezone,
            &b.location,
            &b.body,
            &b.body_line,
        )
        && listed_talks == &b.listed_talks
}

/// The keys of `map` equal to `path` or below it. Paths order by component,
/// so they are one contiguous range: no walk over the whole map.
fn under<K: std::borrow::Borrow<Path> + Ord, V>(map: &BTreeMap<K, V>, path: &Path) -> Vec<PathBuf> {
    use std::ops::Bound;
    map.range::<Path, _>((Bound::Included(path), Bound::Unbounded))
        .map(|(p, _)| p.borrow())
        .take_while(|p| p.starts_with(path))
        .map(Path::to_path_buf)
        .collect()
}

impl Site {
    /// Reads every post under `dir`. Files that vanished are dropped; files
    /// whose size and modification time are unchanged are not read again;
    /// a file that is now broken keeps its last good version.
    ///
    /// # Errors
    /// The folder itself cannot be read: nothing is dropped, so the last
    /// good outputs stay published until it is back.
    pub fn load_all(&mut self, dir: &Path) -> Result<(), crate::Error> {
        if let Err(source) = std::fs::read_dir(dir) {
            return Err(crate::Error::PostsFolder {
                path: dir.to_path_buf(),
                source,
            });
        }
        let (files, mut scan_diags) = post::discover(dir);
        scan_diags.sort();
        self.scan_diags = scan_diags.into();
        let keep: std::collections::HashSet<&Path> = files.iter().map(PathBuf::as_path).collect();
        let gone: Vec<PathBuf> = self
            .entries
            .keys()
            .map(PathBuf::as_path)
            .chain(self.file_diags.keys().map(|p| &**p))
            .filter(|p| !keep.contains(p))
            .map(Path::to_path_buf)
            .collect();
        for p in gone {
            self.remove(&p);
        }
        // Read and parse the files that changed on all cores; apply in order.
        let changed: Vec<&PathBuf> = files.iter().filter(|f| self.needs_reading(f)).collect();
        let (config, undated) = (&self.config, &*self.undated);
        // Each event is slimmed as soon as it is read, so the posts' text
        // is never all in memory at once. A file new to the site has no
        // last good version to keep: its talks are found once, when it is
        // rendered, not also here.
        let outcomes: Vec<(PathBuf, Option<Kept>, Vec<Diagnostic>, bool)> = changed
            .par_iter()
            .map(|f| {
                let new =
                    !self.entries.contains_key(*f) && !self.file_diags.contains_key(f.as_path());
                let o = if new {
                    event::load_post(f, config, undated)
                } else {
                    event::load_file(f, config, undated)
                };
                (
                    o.path,
                    o.event.map(|e| Kept::new(e.post)),
                    o.diagnostics,
                    new,
                )
            })
            .collect();
        for (path, kept, diagnostics, talks_unread) in outcomes {
            self.admit(path, kept, diagnostics, talks_unread);
        }
        Ok(())
    }

    /// Whether a file must be read: it is new, or its size or modification
    /// time changed since it was read (records the new fingerprint).
    fn needs_reading(&mut self, path: &Path) -> bool {
        let Ok(m) = std::fs::metadata(path) else {
            return true;
        };
        let print = crate::sources::fingerprint(&m);
        if self.fingerprints.get(path) == Some(&print) && self.file_diags.contains_key(path) {
            return false;
        }
        self.fingerprints.insert(path.to_path_buf(), print);
        true
    }

    /// Re-reads one path: loads it if it is a post file, forgets it if it is
    /// gone. Unchanged files (same size and modification time) are skipped.
    pub fn reload_file(&mut self, path: &Path) {
        let meta = std::fs::metadata(path);
        match meta {
            Ok(m) if m.is_file() => {
                if !self.needs_reading(path) {
                    return;
                }
                let outcome = event::load_file(path, &self.config, &self.undated);
                self.apply(outcome);
            }
            Ok(_) => {
                // A post replaced by a folder (or something else).
                self.remove(path);
                if post::is_post_path(path) {
                    self.set_problems(
                        path,
                        vec![Diagnostic::error(path, 0, "not a regular file; skipped")],
                    );
                }
            }
            Err(_) => self.remove(path),
        }
    }

    /// Re-reads a folder below the posts folder (created, removed, renamed).
    pub fn reload_dir(&mut self, dir: &Path) {
        if dir.is_dir() {
            let (files, diags) = post::discover(dir);
            let keep: std::collections::HashSet<&PathBuf> = files.iter().collect();
            for p in self.known_under(dir) {
                if !keep.contains(&p) {
                    self.remove(&p);
                }
            }
            let mut scan: Vec<Diagnostic> = self
                .scan_diags
                .iter()
                .filter(|d| !d.path.starts_with(dir))
                .cloned()
                .collect();
            scan.extend(diags);
            scan.sort();
            self.scan_diags = scan.into();
            for f in &files {
                self.reload_file(f);
            }
        } else {
            self.remove(dir);
        }
    }

    /// Takes in a freshly read file (rendering waits for [`Site::snapshot`]).
    pub fn apply(&mut self, outcome: FileOutcome) {
        let FileOutcome {
            path,
            event,
            diagnostics,
        } = outcome;
        self.admit(path, event.map(|e| Kept::new(e.post)), diagnostics, false);
    }

    /// [`Site::apply`] of an event already slimmed; `talks_unread` when its
    /// talks were not read with it (their problems come at render).
    fn admit(
        &mut self,
        path: PathBuf,
        event: Option<Kept>,
        diagnostics: Vec<Diagnostic>,
        talks_unread: bool,
    ) {
        let has_errors = diagnostics.iter().any(Diagnostic::is_error);
        self.set_problems(&path, diagnostics);
        let Some(event) = event else { return };
        let mut previous = None;
        if let Some(old) = self.entries.get_mut(&path) {
            if has_errors && !old.had_errors {
                // Keep the last good version published until this is fixed.
                return;
            }
            let same_slug = old.kept.asked == event.asked;
            if same_slug && same_event(&old.kept, &event) {
                old.had_errors = has_errors;
                old.talks_unread &= talks_unread;
                return;
            }
            let (a, b) = (&old.kept.post, &event.post);
            if !same_slug || (&a.url_path, a.date) != (&b.url_path, b.date) {
                self.slugs = None;
            }
            previous = old.rendered.take();
            if let Some(r) = previous.as_ref().filter(|_| !same_slug) {
                // The post moved to another slug: its old talks are cancelled.
                self.removed_slugs.insert(r.slug.clone());
            }
        }
        if !self.entries.contains_key(&path) {
            self.slugs = None;
        }
        self.previous.insert(path.clone(), previous);
        self.pending.insert(path.clone());
        self.entries.insert(
            path,
            Entry {
                kept: event,
                had_errors: has_errors,
                rendered: None,
                talks_unread,
            },
        );
    }

    /// Forgets a file (deleted, or moved out of the folder), or every file
    /// below a folder that went away.
    pub fn remove(&mut self, path: &Path) {
        let mut gone = self.known_under(path);
        gone.extend(under(&self.file_diags, path));
        for p in &gone {
            if let Some(e) = self.entries.remove(p) {
                self.slugs = None;
                if let Some(r) = e.rendered {
                    self.removed_slugs.insert(r.slug);
                }
            }
            self.previous.remove(p);
            self.fingerprints.remove(p);
            if self.file_diags.contains_key(p.as_path()) {
                Arc::make_mut(&mut self.file_diags).remove(p.as_path());
            }
        }
    }

    /// Files currently known under `path` (for a removed folder).
    pub fn known_under(&self, path: &Path) -> Vec<PathBuf> {
        under(&self.entries, path)
    }
}
