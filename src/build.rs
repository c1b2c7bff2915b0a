//! One whole pass of the pipeline, as `almanac build` runs it:
//! posts → talks → calendars and feeds → snapshot → `out/`.

use std::path::Path;

use crate::diag::Diagnostic;
use crate::site::{self, Snapshot};
use crate::{Config, Error, event, publish};

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
    let (outcomes, mut diagnostics) = event::load_dir(posts, config);
    let (events, collisions) = event::publishable(&outcomes);
    let texts = site::render_all(&events, config, &site::first_revision);
    let talks = events.iter().map(|e| e.talks.len()).sum();
    let snapshot = Snapshot::from_texts(texts, None, events.len(), talks);
    let report = publish::publish(out, &snapshot)?;
    diagnostics.extend(outcomes.iter().flat_map(|o| o.diagnostics.iter().cloned()));
    diagnostics.extend(collisions);
    diagnostics.sort();
    Ok(Summary {
        posts: events.len(),
        talks,
        diagnostics,
        report,
        snapshot,
    })
}
