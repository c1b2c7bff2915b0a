//! Which slug each post is published under.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use super::{Entry, Site};
use crate::diag::Diagnostic;
use crate::event;
use crate::post;

/// How the posts' slugs were settled (see [`Site::settle_slugs`]). Kept
/// until a post arrives, leaves, or changes its path, slug or date: an
/// ordinary edit costs nothing here however many posts there are.
#[derive(Debug, Default)]
pub(super) struct Slugs {
    /// Posts published under another slug than the one they ask for.
    pub(super) settled: HashMap<PathBuf, String>,
    /// Posts refused because an earlier file has the very same path.
    pub(super) refused: HashSet<PathBuf>,
    /// A warning for each settled post, an error for each refused one.
    pub(super) diags: Arc<[Diagnostic]>,
}

impl Site {
    /// Settles every post's slug: the last segment of its `path` (or its
    /// file name), as the post asks; when several posts with *different*
    /// paths ask for the same slug, the oldest (by date, then file) keeps it
    /// and the others are published under their whole path
    /// (`blog-2023-10-30-x` for `/blog/2023/10/30/x`), with a warning. Posts
    /// with the very same path keep the slug they ask for; the collision is
    /// an error reported by [`Site::snapshot`].
    pub(super) fn settle_slugs(&self) -> Slugs {
        let mut groups: HashMap<&str, Vec<(&PathBuf, &Entry)>> = HashMap::new();
        for (p, e) in &self.entries {
            groups
                .entry(e.kept.asked.as_str())
                .or_default()
                .push((p, e));
        }
        let taken: std::collections::HashSet<&str> = groups.keys().copied().collect();
        let mut settled = HashMap::new();
        let mut diags = Vec::new();
        for (slug, mut group) in groups {
            if group.len() == 1 {
                continue;
            }
            group.sort_by(|a, b| {
                a.1.kept
                    .post
                    .date
                    .cmp(&b.1.kept.post.date)
                    .then_with(|| a.0.cmp(b.0))
            });
            let (first_path, first) = group[0];
            for &(p, e) in &group[1..] {
                let (url_path, first_url_path) = (&e.kept.post.url_path, &first.kept.post.url_path);
                if url_path == first_url_path {
                    continue;
                }
                let mut long = post::slugify(&url_path.replace('/', "-"));
                if long.is_empty() || taken.contains(long.as_str()) {
                    long = format!("{long}-{slug}");
                }
                diags.push(Diagnostic::warning(
                    p,
                    0,
                    format!(
                        "slug \"{slug}\" is taken by the older post {}; this post is published as \"{long}\" (give it a `path:` of its own to choose)",
                        first_path.display()
                    ),
                ));
                settled.insert(p.clone(), long);
            }
        }
        // Posts with the very same path: the first file keeps the slug.
        let paths: Vec<&PathBuf> = self.entries.keys().collect();
        let (kept, refused) = event::unique_slugs(self.entries.iter().map(|(p, e)| {
            let slug = settled.get(p).unwrap_or(&e.kept.asked);
            (p.as_path(), slug.as_str())
        }));
        let mut is_kept = vec![false; paths.len()];
        for i in kept {
            is_kept[i] = true;
        }
        diags.extend(refused);
        diags.sort();
        Slugs {
            refused: paths
                .into_iter()
                .zip(is_kept)
                .filter(|(_, k)| !k)
                .map(|(p, _)| p.clone())
                .collect(),
            settled,
            diags: diags.into(),
        }
    }
}
