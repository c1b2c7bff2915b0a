//! Posts → RSS 2.0, Atom 1.0 and JSON Feed 1.1, for feed readers.
//!
//! All three share [`FeedItem`]s built once: newest first (ties broken by
//! slug, so the order never depends on file system order), full content as
//! HTML with absolute links. No clock: Atom's `updated` is the newest post's
//! date.

use chrono::{DateTime, Utc};

use super::markdown;
use crate::config::Config;
use crate::event::Event;
use crate::output::{Feed, Output, Taxonomy};
use crate::post::Post;

/// One post as the feeds show it (saved with the site's model without its
/// content, which is made again when a feed shows it).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FeedItem {
    pub id: String,
    pub link: String,
    pub title: String,
    pub summary: Option<String>,
    /// Empty in a [`heading`] until the item is among the newest.
    #[serde(skip)]
    pub content_html: std::sync::Arc<str>,
    pub date: DateTime<Utc>,
    pub authors: Vec<String>,
    /// The post's categories, then its tags: the feeds show both.
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub image: Option<String>,
}

impl FeedItem {
    /// Categories and tags, as the feeds label an item.
    fn labels(&self) -> impl Iterator<Item = &String> {
        self.categories.iter().chain(&self.tags)
    }

    /// The names of `taxonomy` the post has.
    pub fn terms(&self, taxonomy: Taxonomy) -> &[String] {
        match taxonomy {
            Taxonomy::Tags => &self.tags,
            Taxonomy::Categories => &self.categories,
        }
    }
}

/// What a feed is of: the site's posts, or those with one tag or category.
#[derive(Debug, Clone)]
pub struct Channel {
    pub title: String,
    pub description: String,
    /// Its own URL in each format: `self` links, Atom's id, `feed_url`.
    urls: [String; 3],
    /// Items carry the posts' whole content (the site's feeds); a tag's or
    /// category's feed carries summaries and links, as Hugo's do: a site
    /// with 30 tags would otherwise hold its newest posts 90 more times.
    pub full: bool,
}

impl Channel {
    /// The site's feeds.
    pub fn site(config: &Config) -> Channel {
        Channel {
            title: config.title.clone(),
            description: config.description.clone(),
            urls: Feed::ALL.map(|f| f.site().url(&config.public_url)),
            full: true,
        }
    }

    /// The feeds of the posts with `name` (whose slug is `slug`).
    pub fn term(config: &Config, taxonomy: Taxonomy, name: &str, slug: &str) -> Channel {
        Channel {
            title: format!("{} — {} \"{name}\"", config.title, taxonomy.singular()),
            description: format!(
                "Posts of {} with the {} \"{name}\"",
                config.title,
                taxonomy.singular()
            ),
            urls: Feed::ALL.map(|feed| {
                Output::Term {
                    taxonomy,
                    term: slug,
                    feed,
                }
                .url(&config.public_url)
            }),
            full: false,
        }
    }

    fn url(&self, feed: Feed) -> String {
        self.urls[feed as usize].clone()
    }
}

/// The newest `limit` of `items`, newest first; ties broken by id (the
/// post's link), so the order never depends on file system order.
pub fn newest<T>(items: Vec<T>, limit: usize, item: impl Fn(&T) -> &FeedItem) -> Vec<T> {
    super::first_in_order(items, limit, |a, b| {
        let (a, b) = (item(a), item(b));
        b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id))
    })
}

/// One post as a feed item, with its content.
pub fn item(ev: &Event, config: &Config) -> FeedItem {
    FeedItem {
        content_html: content_html(&ev.post, &ev.post.body, config),
        ..heading(ev, config)
    }
}

/// One post as a feed item without its content (empty): a site keeps the
/// HTML of only the posts its feeds show, not of all 10,000.
pub fn heading(ev: &Event, config: &Config) -> FeedItem {
    let p = &ev.post;
    let link = format!("{}{}", config.site_url, p.url_path);
    FeedItem {
        id: link.clone(),
        content_html: std::sync::Arc::from(""),
        link: link.clone(),
        title: p.title.clone(),
        summary: p.summary.clone(),
        date: p.date,
        authors: p.authors.clone(),
        categories: p.categories.clone(),
        tags: p.tags.clone(),
        image: p
            .image
            .as_deref()
            .map(|i| markdown::absolutize(i, &config.site_url, &link)),
    }
}

/// A post's full content as HTML with absolute links, sanitised for feed
/// readers ([`markdown::sanitize`]).
pub fn content_html(post: &Post, body: &str, config: &Config) -> std::sync::Arc<str> {
    let link = format!("{}{}", config.site_url, post.url_path);
    markdown::sanitize(&markdown::to_html(body, &config.site_url, &link)).into()
}

fn updated(items: &[FeedItem]) -> DateTime<Utc> {
    items
        .iter()
        .map(|i| i.date)
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

/// RSS 2.0 with `atom:link rel="self"`, `content:encoded` and `dc:creator`.
pub fn rss(items: &[FeedItem], channel: &Channel, config: &Config) -> String {
    use rss::extension::atom::{AtomExtension, Link};
    use rss::extension::dublincore::DublinCoreExtension;

    let rss_items: Vec<rss::Item> = items
        .iter()
        .map(|i| {
            let mut dc = DublinCoreExtension::default();
            dc.set_creators(i.authors.clone());
            let mut item = rss::Item::default();
            item.set_title(i.title.clone());
            item.set_link(i.link.clone());
            item.set_guid(rss::Guid {
                value: i.link.clone(),
                permalink: true,
            });
            item.set_pub_date(i.date.to_rfc2822());
            item.set_description(i.summary.clone().unwrap_or_else(|| i.title.clone()));
            if channel.full {
                item.set_content(i.content_html.to_string());
            }
            item.set_categories(
                i.labels()
                    .map(|c| rss::Category {
                        name: c.clone(),
                        domain: None,
                    })
                    .collect::<Vec<_>>(),
            );
            if !i.authors.is_empty() {
                item.set_dublin_core_ext(dc);
            }
            item
        })
        .collect();
    let mut self_link = Link::default();
    self_link.set_href(channel.url(Feed::Rss));
    self_link.set_rel("self");
    self_link.set_mime_type(Some("application/rss+xml".to_string()));
    let mut atom = AtomExtension::default();
    atom.set_links(vec![self_link]);
    let of = channel;
    let mut channel = rss::Channel::default();
    channel.set_title(of.title.clone());
    channel.set_link(config.site_url.clone() + "/");
    channel.set_description(of.description.clone());
    channel.set_generator(Some(
        concat!("almanac ", env!("CARGO_PKG_VERSION")).to_string(),
    ));
    if !items.is_empty() {
        channel.set_last_build_date(Some(updated(items).to_rfc2822()));
    }
    channel.set_atom_ext(Some(atom));
    channel.set_items(rss_items);
    let mut ns = std::collections::BTreeMap::new();
    ns.insert(
        "content".to_string(),
        "http://purl.org/rss/1.0/modules/content/".to_string(),
    );
    ns.insert(
        "dc".to_string(),
        "http://purl.org/dc/elements/1.1/".to_string(),
    );
    ns.insert(
        "atom".to_string(),
        "http://www.w3.org/2005/Atom".to_string(),
    );
    channel.set_namespaces(ns);
    channel.to_string()
}

/// Atom 1.0 with stable ids and `updated` from the newest post. No
/// `xml:base`: every link is absolute already, and a base equal to the
/// alternate link makes that link a same-document reference (the W3C
/// validator warns).
pub fn atom(items: &[FeedItem], channel: &Channel, config: &Config) -> String {
    use atom_syndication::{Category, Content, Entry, Feed, Generator, Link, Person, Text};

    let person = |name: &str| Person {
        name: name.to_string(),
        ..Person::default()
    };
    let link = |href: String, rel: &str, mime: Option<&str>| Link {
        href,
        rel: rel.to_string(),
        mime_type: mime.map(str::to_string),
        ..Link::default()
    };
    let entries: Vec<Entry> = items
        .iter()
        .map(|i| {
            let mut e = Entry::default();
            e.set_id(i.id.clone());
            e.set_title(Text::plain(i.title.clone()));
            e.set_updated(i.date.fixed_offset());
            e.set_published(Some(i.date.fixed_offset()));
            e.set_links(vec![link(i.link.clone(), "alternate", Some("text/html"))]);
            if !i.authors.is_empty() {
                e.set_authors(i.authors.iter().map(|a| person(a)).collect::<Vec<_>>());
            }
            if let Some(s) = &i.summary {
                e.set_summary(Some(Text::plain(s.clone())));
            }
            if channel.full {
                let mut c = Content::default();
                c.set_content_type(Some("html".to_string()));
                c.set_value(Some(i.content_html.to_string()));
                e.set_content(Some(c));
            } else if i.summary.is_none() {
                // An entry without content needs a summary (RFC 4287 §4.1.2).
                e.set_summary(Some(Text::plain(i.title.clone())));
            }
            e.set_categories(
                i.labels()
                    .map(|t| Category {
                        term: t.clone(),
                        ..Category::default()
                    })
                    .collect::<Vec<_>>(),
            );
            e
        })
        .collect();
    let mut feed = Feed::default();
    feed.set_id(channel.url(crate::output::Feed::Atom));
    feed.set_title(Text::plain(channel.title.clone()));
    feed.set_subtitle(Some(Text::plain(channel.description.clone())));
    feed.set_updated(updated(items).fixed_offset());
    feed.set_authors(vec![person(&config.title)]);
    feed.set_links(vec![
        link(
            channel.url(crate::output::Feed::Atom),
            "self",
            Some("application/atom+xml"),
        ),
        link(
            format!("{}/", config.site_url),
            "alternate",
            Some("text/html"),
        ),
    ]);
    feed.set_generator(Some(Generator {
        value: "almanac".to_string(),
        version: Some(env!("CARGO_PKG_VERSION").to_string()),
        ..Generator::default()
    }));
    feed.set_entries(entries);
    let mut out = feed.to_string();
    if !out.starts_with("<?xml") {
        out.insert_str(0, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    }
    out
}

/// JSON Feed 1.1.
pub fn json(items: &[FeedItem], channel: &Channel, config: &Config) -> String {
    let items: Vec<serde_json::Value> = items
        .iter()
        .map(|i| {
            let mut v = serde_json::json!({
                "id": i.id,
                "url": i.link,
                "title": i.title,
                "date_published": i.date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            });
            if channel.full {
                v["content_html"] = serde_json::json!(&*i.content_html);
            } else {
                v["content_text"] = serde_json::json!(i.summary.as_ref().unwrap_or(&i.title));
            }
            if let Some(s) = &i.summary {
                v["summary"] = serde_json::json!(s);
            }
            if !i.authors.is_empty() {
                v["authors"] = i
                    .authors
                    .iter()
                    .map(|a| serde_json::json!({ "name": a }))
                    .collect();
            }
            let labels: Vec<&String> = i.labels().collect();
            if !labels.is_empty() {
                v["tags"] = serde_json::json!(labels);
            }
            if let Some(img) = &i.image {
                v["image"] = serde_json::json!(img);
            }
            v
        })
        .collect();
    let feed = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": channel.title,
        "description": channel.description,
        "home_page_url": format!("{}/", config.site_url),
        "feed_url": channel.url(Feed::Json),
        "authors": [{ "name": config.title }],
        "items": items,
    });
    serde_json::to_string_pretty(&feed).unwrap_or_default() + "\n"
}
