//! One whole pass of the pipeline, as `almanac build` runs it:
//! posts → talks → calendars and feeds → snapshot → `out/`.

use std::path::Path;

use crate::diag::Diagnostic;
use crate::site::{Site, Snapshot};
use crate::{Config, Error, publish};

/// What a build did, for the summary line and for tests.
#[derive(Debug, Clone)]
pub struct Summary {
    pub posts: usize,
    pub talks: usize,
    pub diagnostics: Vec<Diagnostic>,
    pub report: publish::Report,
    pub snapshot: Snapshot,
}

impl Summary {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Reads every post under `posts`, renders everything and publishes it to `out`.
///
/// # Errors
/// Only when the output cannot be written; problems in posts are diagnostics.
pub fn build(posts: &Path, out: &Path, config: &Config) -> Result<Summary, Error> {
    let mut site = Site::new(config.clone());
    site.load_all(posts).map_err(Error::Other)?; // posts → talks → calendars and feeds
    let snapshot = site.snapshot(None); // → one snapshot
    let report = publish::publish(out, &snapshot)?; // → out/
    Ok(Summary {
        posts: snapshot.posts,
        talks: snapshot.talks,
        diagnostics: snapshot.diagnostics.to_vec(),
        report,
        snapshot,
    })
}
