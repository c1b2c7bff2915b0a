//! Stages 1 and 2 together: a folder of posts → [`Event`]s (a post and its talks).
//!
//! One post is one event. Loading never stops at a bad post: it is reported
//! as a diagnostic and the others load. Slugs must be unique because they
//! name output files; the second post with a taken slug is refused, naming
//! both files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::post::{self, Post};
use crate::talk::{self, Talk};

/// A post and the talks found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub post: Post,
    pub talks: Vec<Talk>,
}

/// The outcome of reading one file: the event (if it could be read at all)
/// and every problem found on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct FileOutcome {
    pub path: PathBuf,
    pub event: Option<Event>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads one post file into an event.
pub fn load_file(path: &Path, config: &Config) -> FileOutcome {
    match post::read(path, config) {
        Ok((post, mut diagnostics)) => {
            let (talks, talk_diags) = talk::extract(&post, config);
            diagnostics.extend(talk_diags);
            FileOutcome {
                path: path.to_path_buf(),
                event: Some(Event { post, talks }),
                diagnostics,
            }
        }
        Err(d) => FileOutcome {
            path: path.to_path_buf(),
            event: None,
            diagnostics: vec![d],
        },
    }
}

/// Every event under `dir`, sorted by file path, and every problem.
pub fn load_dir(dir: &Path, config: &Config) -> (Vec<FileOutcome>, Vec<Diagnostic>) {
    let (files, diags) = post::discover(dir);
    let outcomes = files.iter().map(|p| load_file(p, config)).collect();
    (outcomes, diags)
}

/// The events to publish from these outcomes, with slug collisions refused:
/// the first file (in path order) keeps the slug.
pub fn publishable<'a>(
    outcomes: impl IntoIterator<Item = &'a FileOutcome>,
) -> (Vec<&'a Event>, Vec<Diagnostic>) {
    let mut by_slug: BTreeMap<&str, &'a FileOutcome> = BTreeMap::new();
    let mut diags = Vec::new();
    let mut sorted: Vec<&FileOutcome> = outcomes.into_iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    for o in sorted {
        let Some(ev) = &o.event else { continue };
        match by_slug.get(ev.post.slug.as_str()) {
            Some(first) => diags.push(Diagnostic::error(
                &o.path,
                0,
                format!(
                    "slug \"{}\" is already used by {}; give one of them another `path:` in its front matter",
                    ev.post.slug,
                    first.path.display()
                ),
            )),
            None => {
                by_slug.insert(&ev.post.slug, o);
            }
        }
    }
    (
        by_slug.values().filter_map(|o| o.event.as_ref()).collect(),
        diags,
    )
}
