//! One whole pass of the pipeline, as `almanac build` runs it:
//! posts → talks → calendars and feeds → snapshot → `out/`.
//!
//! A build leaves a manifest in `out/.almanac/build.json`: the fingerprint
//! (size, modification time) of every post, the configuration and the
//! almanac version it was built from, and its problems. When the next build
//! finds all of them unchanged and the outputs in place, nothing can differ,
//! so it reports the same summary without parsing or writing anything.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::history::History;
use crate::output::SHARED;
use crate::site::Site;
use crate::sources::Sources;
use crate::{Config, Error, publish};

/// What a build did, for the summary line and for tests.
#[derive(Debug, Clone)]
pub struct Summary {
    pub posts: usize,
    pub talks: usize,
    pub diagnostics: Vec<Diagnostic>,
    pub report: publish::Report,
}

impl Summary {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// What the last build was made from (see the module documentation).
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Manifest<'a> {
    /// Not flattened: serde's flatten cannot carry the u128 times.
    sources: Sources,
    posts: usize,
    talks: usize,
    outputs: usize,
    /// Borrowed when written: a big site has tens of thousands.
    diagnostics: Cow<'a, [Diagnostic]>,
}

fn manifest_path(out: &Path) -> PathBuf {
    out.join(publish::STATE_DIR).join("build.json")
}

/// Reads every post under `posts`, renders everything and publishes it to `out`.
///
/// # Errors
/// Only when the output cannot be written; problems in posts are diagnostics.
pub fn build(posts: &Path, out: &Path, config: &Config) -> Result<Summary, Error> {
    let lap = crate::lap::Lap::start();
    let seen = Sources::now(posts, config);
    if let Some(summary) = unchanged(out, &seen) {
        return Ok(summary);
    }
    lap.step("fingerprinted the posts");
    let (history, mut warnings) = History::load(out);
    let (undated, undated_warnings) = crate::undated::Undated::for_output(posts, out);
    warnings.extend(undated_warnings);
    let mut site = Site::with_state(config.clone(), history, Arc::new(undated));
    lap.step("loaded the history");
    site.load_all(posts)?; // posts → talks
    lap.step("read the posts");
    site.render_posts(Utc::now()); // → each event's calendars
    lap.step("rendered the posts");
    // What subscribers will see, for the next build's SEQUENCE: complete
    // now, so saved and freed before the page, the feeds and the files are
    // made (the build's memory peaks then; at 1,000 posts the records are
    // 13 MB). Saved before the files are out, a failed publish leaves
    // revisions recorded that no one saw: the next build publishes them as
    // they are, still numbered above what subscribers have.
    site.take_history().save()?;
    // Given back, not only freed: the records are many small blocks, and
    // what comes next is made in large buffers that freed small blocks
    // scattered through the heap cannot hold.
    crate::memory::give_back();
    lap.step("saved the history");
    let snapshot = site.assemble(None); // → the shared outputs → one snapshot
    lap.step("rendered the snapshot");
    // The posts and their renderings are not needed any more (what is
    // published lives on in the snapshot): freed, and given back, before
    // publishing.
    drop(site);
    crate::memory::give_back();
    lap.step("freed the site");
    // The files change now: no index or saved model describes them.
    crate::warm::forget(out);
    crate::site::forget_model(out);
    let report = publish::publish(out, &snapshot)?; // → out/
    lap.step("published");
    // What the build was made from, unless a post moved while it ran.
    let stable = Sources::now(posts, config) == seen;
    let mut diagnostics = snapshot.problems.all();
    // For `serve` to start from these files at once.
    let origin = crate::warm::Origin {
        posts: snapshot.posts,
        talks: snapshot.talks,
        sources: stable.then_some(&seen),
        problems: &diagnostics,
    };
    crate::warm::save(out, origin, || snapshot.assets())?;
    lap.step("saved the index");
    let (posts_n, talks, outputs) = (snapshot.posts, snapshot.talks, snapshot.file_count());
    drop(snapshot); // nothing rendered is needed any more
    diagnostics.extend(warnings.into_iter().map(|w| Diagnostic::warning(out, 0, w)));
    let manifest = Manifest {
        sources: seen,
        posts: posts_n,
        talks,
        outputs,
        diagnostics: Cow::Borrowed(&diagnostics),
    };
    // The manifest is an optimisation: a build whose inputs moved while it ran
    // simply runs in full next time.
    if stable {
        let bytes = serde_json::to_vec(&manifest).unwrap_or_default();
        publish::write_atomic(&manifest_path(out), &bytes)?;
    }
    drop(manifest);
    Ok(Summary {
        posts: posts_n,
        talks,
        diagnostics,
        report,
    })
}

/// The last build's summary, if nothing it was made from changed and its
/// outputs are in place.
fn unchanged(out: &Path, seen: &Sources) -> Option<Summary> {
    let bytes = std::fs::read(manifest_path(out)).ok()?;
    let m: Manifest = serde_json::from_slice(&bytes).ok()?;
    let same = &m.sources == seen && SHARED.iter().all(|o| out.join(o.path()).is_file());
    // Count what is on disk (cheap next to parsing): a deleted output means a full build.
    let present = same.then(|| count_outputs(out))?;
    (present == m.outputs).then(|| Summary {
        posts: m.posts,
        talks: m.talks,
        diagnostics: m.diagnostics.into_owned(),
        report: publish::Report {
            unchanged: present,
            ..publish::Report::default()
        },
    })
}

/// Output files in `out` (with their `.gz` siblings, not almanac's state).
fn count_outputs(out: &Path) -> usize {
    walkdir::WalkDir::new(out)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !(e.depth() == 1 && e.file_name() == publish::STATE_DIR))
        .flatten()
        .filter(|e| e.file_type().is_file() && e.file_name() != ".gitkeep")
        .count()
}
