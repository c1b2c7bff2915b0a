//! One whole pass of the pipeline, as `almanac build` runs it:
//! posts → talks → calendars and feeds → snapshot → `out/`.

use std::path::Path;

use crate::diag::Diagnostic;
use chrono::Utc;

use crate::history::History;
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
    let (history, warnings) = History::load(out);
    let mut site = Site::with_history(config.clone(), history);
    site.load_all(posts).map_err(Error::Other)?; // posts → talks
    let snapshot = site.snapshot(None, Utc::now()); // → calendars and feeds → one snapshot
    let report = publish::publish(out, &snapshot)?; // → out/
    site.save_history()?; // what subscribers now see, for the next build's SEQUENCE
    let mut diagnostics = snapshot.diagnostics.to_vec();
    diagnostics.extend(warnings.into_iter().map(|w| Diagnostic::warning(out, 0, w)));
    Ok(Summary {
        posts: snapshot.posts,
        talks: snapshot.talks,
        diagnostics,
        report,
        snapshot,
    })
}
