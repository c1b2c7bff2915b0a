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

/// Every tag and category of `renderings`, by taxonomy and slug. Each
/// rendering keeps its terms as numbers in the site's [`TermTable`] (made
/// when it was rendered): gathering them for every snapshot reads a few
/// integers per post, where three strings per term, each somewhere else on
/// the heap, took 8 ms per edit at 10,000 posts.
pub(super) fn terms<'a>(
    renderings: &[&'a Rendered],
    table: &'a [TermName],
) -> BTreeMap<(Taxonomy, &'a str), Term<'a>> {
    let mut slots: Vec<Option<Term<'a>>> = table.iter().map(|_| None).collect();
    for r in renderings {
        for &id in r.terms.iter() {
            let n = &table[id as usize];
            let t = slots[n.slot as usize].get_or_insert_with(|| Term {
                name: &n.name,
                posts: Vec::new(),
            });
            t.name = t.name.min(&*n.name);
            // A post that names a tag twice is in its feed once.
            if !t.posts.last().is_some_and(|p| std::ptr::eq(*p, *r)) {
                t.posts.push(r);
            }
        }
    }
    slots
        .into_iter()
        .zip(table)
        .filter_map(|(t, n)| Some(((n.taxonomy, &*n.slug), t?)))
        .collect()
}

/// One spelling of a tag or category.
#[derive(Debug, Clone)]
pub(super) struct TermName {
    taxonomy: Taxonomy,
    slug: Arc<str>,
    name: Arc<str>,
    /// The first spelling with the same taxonomy and slug: the feeds are
    /// per slug, whatever the spelling.
    slot: u32,
}

/// Every spelling of a tag or category the site has met, numbered (it only
/// grows: a few hundred names on a big site). Shared by the threads that
/// render posts.
#[derive(Debug, Default)]
pub(super) struct TermTable(std::sync::Mutex<Table>);

#[derive(Debug, Default)]
struct Table {
    names: Vec<TermName>,
    ids: HashMap<(Taxonomy, Arc<str>, Arc<str>), u32>,
    slots: HashMap<(Taxonomy, Arc<str>), u32>,
}

impl TermTable {
    /// A post's tags and categories (those with a slug) as numbers.
    pub(super) fn intern(&self, item: &FeedItem) -> Box<[u32]> {
        let mut t = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let t = &mut *t;
        Taxonomy::ALL
            .into_iter()
            .flat_map(|taxonomy| item.terms(taxonomy).iter().map(move |n| (taxonomy, n)))
            .filter_map(|(taxonomy, name)| {
                let slug = slugify(name);
                (!slug.is_empty()).then_some((taxonomy, slug, name))
            })
            .map(|(taxonomy, slug, name)| {
                let key = (taxonomy, Arc::from(slug), Arc::from(name.as_str()));
                if let Some(&id) = t.ids.get(&key) {
                    return id;
                }
                let id = t.names.len() as u32;
                let slot = *t.slots.entry((taxonomy, key.1.clone())).or_insert(id);
                t.names.push(TermName {
                    taxonomy,
                    slug: key.1.clone(),
                    name: key.2.clone(),
                    slot,
                });
                t.ids.insert(key, id);
                id
            })
            .collect()
    }

    /// Every spelling, by number (cloned: the site keeps rendering).
    pub(super) fn names(&self) -> Vec<TermName> {
        let t = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        t.names.clone()
    }
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
