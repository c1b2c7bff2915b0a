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

/// Which of these (path, slug) pairs may publish: the first file (in path
/// order) keeps a slug, the others are refused with an error naming both.
/// Returns the indices kept, in path order.
pub fn unique_slugs<'a>(
    items: impl IntoIterator<Item = (&'a Path, &'a str)>,
) -> (Vec<usize>, Vec<Diagnostic>) {
    let mut items: Vec<(usize, &Path, &str)> = items
        .into_iter()
        .enumerate()
        .map(|(i, (p, s))| (i, p, s))
        .collect();
    // Callers usually pass files in path order already (a BTreeMap's order).
    if !items.is_sorted_by(|a, b| a.1 <= b.1) {
        items.sort_by(|a, b| a.1.cmp(b.1));
    }
    let mut by_slug: BTreeMap<&str, &Path> = BTreeMap::new();
    let mut kept = Vec::with_capacity(items.len());
    let mut diags = Vec::new();
    for (i, path, slug) in items {
        match by_slug.get(slug) {
            Some(first) => diags.push(Diagnostic::error(
                path,
                0,
                format!(
                    "slug \"{slug}\" is already used by {}; give one of them another `path:` in its front matter",
                    first.display()
                ),
            )),
            None => {
                by_slug.insert(slug, path);
                kept.push(i);
            }
        }
    }
    (kept, diags)
}
