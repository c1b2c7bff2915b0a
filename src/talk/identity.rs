//! A talk's identity and names: its UID and slug (stable under edits that
//! do not change what the talk is), its absolute URL, and the title and
//! speakers split from the text that holds both.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::Speaker;
use super::plain::plain_inline;
use crate::config::Config;
use crate::post::Post;

/// Names the talks of one post: UID, file name and link.
pub(super) struct Ids<'a> {
    post: &'a Post,
    site_url: &'a str,
    /// How often each link (or title) was seen so far: a talk listed twice
    /// is two talks, with two UIDs.
    seen: HashMap<String, usize>,
}

impl<'a> Ids<'a> {
    pub(super) fn new(post: &'a Post, config: &'a Config) -> Ids<'a> {
        Ids {
            post,
            site_url: &config.site_url,
            seen: HashMap::new(),
        }
    }

    /// The UID, file name and absolute link of the next talk with this link
    /// (an entry without one is known by its title and links to the post).
    pub(super) fn next(&mut self, url: &str, title: &str) -> (String, String, String) {
        let key_url = if url.is_empty() {
            format!("title:{}", title.to_lowercase())
        } else {
            normalize_url(url)
        };
        let n = self.seen.entry(key_url.clone()).or_insert(0);
        *n += 1;
        // The post's path (not its slug, which may be settled to another
        // when two posts' paths end alike) keeps UIDs unique across posts.
        let digest =
            Sha256::digest(format!("{}\n{}\n{}", self.post.url_path, key_url, n).as_bytes());
        let hex = faster_hex::hex_string(&digest[..10]);
        let link = if url.is_empty() {
            format!("{}{}", self.site_url, self.post.url_path)
        } else {
            absolute_url(url, self.site_url)
        };
        (
            format!("{hex}@{}.almanac", self.post.slug),
            talk_slug(&key_url, &hex[..8]),
            link,
        )
    }
}

/// The URL as the UID sees it: scheme and host lower-case, query, fragment
/// and trailing slash dropped, so `?iframe=no` edits keep the UID.
pub fn normalize_url(url: &str) -> String {
    let u = url.trim();
    let u = u.split(['#', '?']).next().unwrap_or(u);
    let u = u.trim_end_matches('/');
    match u.split_once("://") {
        Some((scheme, rest)) => {
            let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            format!(
                "{}://{}{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase(),
                path
            )
        }
        None => u.to_string(),
    }
}

/// Readable talk file name: the URL's last path segment plus a hash.
pub(super) fn talk_slug(key_url: &str, hash: &str) -> String {
    let after_host = key_url.split_once("://").map_or(key_url, |(_, r)| r);
    let segment = after_host
        .split('/')
        .skip(1)
        .filter(|s| !s.is_empty())
        .max_by_key(|s| s.len().min(48))
        .map(crate::post::slugify)
        .unwrap_or_default();
    let segment: String = segment.chars().take(48).collect();
    let segment = segment.trim_end_matches(['-', '.']);
    if segment.is_empty() {
        hash.to_string()
    } else {
        format!("{segment}-{hash}")
    }
}

/// Relative links resolved against the blog.
pub fn absolute_url(url: &str, site_url: &str) -> String {
    if url.contains("://") || url.starts_with("mailto:") {
        url.to_string()
    } else if url.starts_with('/') {
        format!("{site_url}{url}")
    } else {
        format!("{site_url}/{url}")
    }
}

pub(super) fn short(text: &str) -> String {
    let plain = plain_inline(text);
    if plain.chars().count() > 60 {
        format!("{}…", plain.chars().take(60).collect::<String>())
    } else {
        plain
    }
}

/// Splits `Title - Speaker, Org & Speaker, Org` at the last ` - `.
pub fn split_title(text: &str) -> (String, Vec<Speaker>) {
    let text = text.trim();
    for sep in [" - ", " – ", " — "] {
        if let Some(i) = text.rfind(sep) {
            let (title, who) = (&text[..i], &text[i + sep.len()..]);
            let looks_like_names =
                who.chars().next().is_some_and(char::is_uppercase) && who.len() <= 300;
            if !title.trim().is_empty() && looks_like_names {
                return (title.trim().to_string(), parse_speakers(who));
            }
        }
    }
    (text.to_string(), Vec::new())
}

/// `A, Org & B, Org2; C` → speakers with organisations. A name without an
/// organisation takes the next one written (`A & B, Org`: both at Org).
pub fn parse_speakers(text: &str) -> Vec<Speaker> {
    let groups: Vec<&str> = text
        .split(['&', ';'])
        .flat_map(|g| g.split(" and "))
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .collect();
    let mut out: Vec<Speaker> = Vec::new();
    for g in groups {
        let mut parts = g.splitn(2, ',').map(str::trim);
        let name = parts.next().unwrap_or("").to_string();
        let org = parts.next().filter(|o| !o.is_empty()).map(String::from);
        if !name.is_empty() {
            out.push(Speaker { name, org });
        }
    }
    let mut next_org: Option<String> = None;
    for s in out.iter_mut().rev() {
        match &s.org {
            Some(o) => next_org = Some(o.clone()),
            None => s.org = next_org.clone(),
        }
    }
    out
}
