//! Stages 1 and 2 together: a folder of posts → [`Event`]s (a post and its talks).
//!
//! One post is one event. Loading never stops at a bad post: it is reported
//! as a diagnostic and the others load. Slugs must be unique because they
//! name output files; the second post with a taken slug is refused, naming
//! both files. Between renders the site keeps a post as a [`Kept`]: its
//! front matter and its body deflated, not its talks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diag::{self, Diagnostic};
use crate::post::{self, Post};
use crate::talk::{self, Talk};
use crate::undated::Undated;

/// A post and the talks found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub post: Post,
    pub talks: Vec<Talk>,
}

/// An event as the site holds it between renders: its post's front matter
/// and its body, deflated. The body and the talks found in it are most of
/// an event's size (at 10,000 posts, ~500 MiB) and only rendering, the page
/// and the feeds read them, so [`Kept::full`] finds the talks again when the
/// event must be rendered: parsing is deterministic, so that gives the very
/// talks that were found when the file was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    /// The post without its body; its slug is the one it is published under.
    pub post: Post,
    /// The slug the post asks for (its talks' UIDs were made with it).
    pub asked: String,
    /// The post's body, deflated.
    body: Box<[u8]>,
}

impl Kept {
    pub fn new(mut post: Post) -> Kept {
        let body = deflate(std::mem::take(&mut post.body).as_bytes());
        Kept {
            asked: post.slug.clone(),
            post,
            body,
        }
    }

    /// The post's Markdown body.
    pub fn body(&self) -> String {
        let mut text = Vec::with_capacity(self.body.len() * 4);
        crate::deflate::inflate(&self.body, &mut text)
            .ok()
            .and_then(|()| String::from_utf8(text).ok())
            .expect("the body was deflated from a string by Kept::new")
    }

    /// The parts [`Kept::from_parts`] takes back: the post without its body,
    /// the slug it asked for, and its body deflated (the site's saved model
    /// keeps these).
    pub fn parts(&self) -> (&Post, &str, &[u8]) {
        (&self.post, &self.asked, &self.body)
    }

    /// A kept event from what [`Kept::parts`] gave.
    pub fn from_parts(post: Post, asked: String, body: Box<[u8]>) -> Kept {
        Kept { post, asked, body }
    }

    /// Whether both bodies are the same text.
    pub fn same_body(&self, other: &Kept) -> bool {
        // Deflate is deterministic: the same text gives the same bytes.
        self.body == other.body
    }

    /// The whole event, body and abstracts included, under the slug it is
    /// published under.
    pub fn full(&self, config: &Config) -> Event {
        self.full_checked(config).0
    }

    /// [`Kept::full`] with the problems of its talks (for a post whose talks
    /// were not read when the file was: see [`load_post`]).
    pub fn full_checked(&self, config: &Config) -> (Event, Vec<Diagnostic>) {
        let mut post = self.post.clone();
        post.body = self.body();
        let published = std::mem::replace(&mut post.slug, self.asked.clone());
        let (talks, problems) = talk::extract(&post, config);
        post.slug = published;
        (Event { post, talks }, problems)
    }
}

/// Fast deflate: a body is deflated once per edit and inflated only when its
/// post renders again.
fn deflate(bytes: &[u8]) -> Box<[u8]> {
    let mut out = Vec::with_capacity(bytes.len() / 3 + 64);
    crate::deflate::append(bytes, crate::deflate::Level::Fast, &mut out)
        .expect("deflating into a Vec cannot fail");
    out.into_boxed_slice()
}

/// The outcome of reading one file: the event (if it could be read at all)
/// and every problem found on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct FileOutcome {
    pub path: PathBuf,
    pub event: Option<Event>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads one post file into an event; `undated` dates a post without `date:`.
pub fn load_file(path: &Path, config: &Config, undated: &Undated) -> FileOutcome {
    diag::guarded(|| read_file(path, config, undated)).unwrap_or_else(|message| FileOutcome {
        path: path.to_path_buf(),
        event: None,
        diagnostics: vec![diag::internal_error(path, "reading", &message)],
    })
}

/// Reads one post file without looking for its talks: the event comes
/// without talks, and the problems are the post's own. For a post that is
/// new to the site, whose talks are found once, when it is rendered
/// ([`Kept::full_checked`] gives their problems then): a full build finds
/// each post's talks once, not twice.
pub fn load_post(path: &Path, config: &Config, undated: &Undated) -> FileOutcome {
    diag::guarded(|| read(path, config, undated, false)).unwrap_or_else(|message| FileOutcome {
        path: path.to_path_buf(),
        event: None,
        diagnostics: vec![diag::internal_error(path, "reading", &message)],
    })
}

fn read_file(path: &Path, config: &Config, undated: &Undated) -> FileOutcome {
    read(path, config, undated, true)
}

fn read(path: &Path, config: &Config, undated: &Undated, with_talks: bool) -> FileOutcome {
    match post::read(path, config, undated) {
        Ok((post, mut diagnostics)) => {
            let talks = if with_talks {
                let (talks, talk_diags) = talk::extract(&post, config);
                diagnostics.extend(talk_diags);
                talks
            } else {
                Vec::new()
            };
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What the site keeps of an event gives back the very event that was
    /// read, also once the post is published under another slug.
    #[test]
    fn kept_events_are_found_again_whole() {
        let config = Config::default();
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut files = 0;
        for f in std::fs::read_dir(seeds).unwrap() {
            let read = load_file(&f.unwrap().path(), &config, &Undated::default())
                .event
                .unwrap();
            assert!(read.talks.iter().any(|t| !t.abstract_md.is_empty()));
            let mut kept = Kept::new(read.post.clone());
            assert!(kept.post.body.is_empty());
            assert_eq!(kept.body(), read.post.body);
            assert_eq!(kept.full(&config), read);
            kept.post.slug = "elsewhere".into();
            let moved = kept.full(&config);
            assert_eq!(moved.post.slug, "elsewhere");
            assert_eq!(
                moved.talks, read.talks,
                "UIDs are made with the slug asked for"
            );
            files += 1;
        }
        assert_eq!(files, 5);
    }
}
