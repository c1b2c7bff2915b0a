//! Feeds per tag and per category, as Hugo and Zola publish them:
//! `tags/<slug>/rss.xml`, `atom.xml`, `feed.json` and the same under
//! `categories/`. Each holds the newest posts with that tag or category
//! (summaries and links, see [`feed::Channel`]), and is keyed by those
//! posts' renderings, so an edit re-renders only the feeds it appears in.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use super::render::Rendered;
use super::shared::generations_key;
use super::{Asset, Site, Snapshot};
use crate::output::{Feed, Output, Taxonomy};
use crate::post::slugify;
use crate::render::feed::{self, FeedItem};

/// One tag or category and the posts that have it.
pub(super) struct Term<'a> {
    /// The first of its spellings (in order), so the name does not depend
    /// on the order posts are visited in.
    pub(super) name: &'a str,
    posts: Vec<&'a Rendered>,
}

/// Every tag and category of `renderings`, by taxonomy and slug (each
/// rendering's were slugged when it was rendered: a rebuild allocates
/// nothing per post here).
pub(super) fn terms<'a>(renderings: &[&'a Rendered]) -> BTreeMap<(Taxonomy, &'a str), Term<'a>> {
    let mut out: BTreeMap<(Taxonomy, &'a str), Term<'a>> = BTreeMap::new();
    for r in renderings {
        for (taxonomy, slug, name) in r.terms.iter() {
            let t = out.entry((*taxonomy, &**slug)).or_insert(Term {
                name,
                posts: Vec::new(),
            });
            t.name = t.name.min(&**name);
            // A post that names a tag twice is in its feed once.
            if !t.posts.last().is_some_and(|p| std::ptr::eq(*p, *r)) {
                t.posts.push(r);
            }
        }
    }
    out
}

/// A post's tags and categories as (taxonomy, slug, name).
pub(super) type Slugged = Box<[(Taxonomy, Box<str>, Box<str>)]>;

/// A post's tags and categories, slugged, for [`terms`].
pub(super) fn slugged(item: &FeedItem) -> Slugged {
    Taxonomy::ALL
        .into_iter()
        .flat_map(|taxonomy| {
            item.terms(taxonomy)
                .iter()
                .map(move |name| (taxonomy, name))
        })
        .map(|(taxonomy, name)| {
            (
                taxonomy,
                slugify(name).into_boxed_str(),
                name.as_str().into(),
            )
        })
        .filter(|(_, slug, _)| !slug.is_empty())
        .collect()
}

/// The key each term's feeds were made from.
pub(super) type TermKeys = HashMap<(Taxonomy, String), [u8; 32]>;

impl Site {
    /// Every term's three feeds by path, reused from `previous` when the
    /// posts they show did not change; with the keys they were made from.
    pub(super) fn term_feeds(
        &self,
        terms: &BTreeMap<(Taxonomy, &str), Term<'_>>,
        previous: Option<&Snapshot>,
    ) -> (Vec<(String, Arc<Asset>)>, TermKeys) {
        let c = &self.config;
        type Made = (Vec<(String, Arc<Asset>)>, ((Taxonomy, String), [u8; 32]));
        let made: Vec<Made> = terms
            .par_iter()
            .map(|((taxonomy, slug), term)| {
                let newest = feed::newest(term.posts.clone(), c.feed_limit, |r| &r.item);
                let key = super::shared::inputs_key(
                    [
                        &generations_key(newest.iter().copied(), 0)[..],
                        term.name.as_bytes(),
                    ]
                    .into_iter(),
                );
                let output = |feed: Feed| Output::Term {
                    taxonomy: *taxonomy,
                    term: slug,
                    feed,
                };
                let kept: Option<Vec<(String, Arc<Asset>)>> =
                    (self.term_keys.get(&(*taxonomy, slug.to_string())) == Some(&key))
                        .then(|| {
                            Feed::ALL
                                .into_iter()
                                .map(|f| {
                                    let path = output(f).path();
                                    let asset = previous?.shared.get(&path)?.clone();
                                    Some((path, asset))
                                })
                                .collect()
                        })
                        .flatten();
                let assets = kept.unwrap_or_else(|| {
                    let items: Vec<FeedItem> = newest.iter().map(|r| r.item.clone()).collect();
                    let channel = feed::Channel::term(c, *taxonomy, term.name, slug);
                    Feed::ALL
                        .into_iter()
                        .map(|f| {
                            let text = match f {
                                Feed::Rss => feed::rss(&items, &channel, c),
                                Feed::Atom => feed::atom(&items, &channel, c),
                                Feed::Json => feed::json(&items, &channel, c),
                            };
                            let path = output(f).path();
                            let bytes = bytes::Bytes::from(text);
                            let asset = previous
                                .and_then(|p| p.shared.get(&path))
                                .filter(|a| a.same_bytes(std::slice::from_ref(&bytes)))
                                .cloned()
                                .unwrap_or_else(|| Arc::new(Asset::new(output(f), bytes)));
                            (path, asset)
                        })
                        .collect()
                });
                (assets, ((*taxonomy, slug.to_string()), key))
            })
            .collect();
        let mut all = Vec::new();
        let mut keys = TermKeys::new();
        for (assets, (term, key)) in made {
            all.extend(assets);
            keys.insert(term, key);
        }
        (all, keys)
    }
}
