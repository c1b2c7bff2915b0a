//! The YAML front matter: split from the body, read into raw fields with
//! their lines, and the date rules (front matter, file name, first heading).

use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::{AtLine, ListedTalk, file_stem};

/// A post cut in two: front matter (if any) and body.
#[derive(Debug, PartialEq)]
pub struct Split<'a> {
    pub yaml: Option<&'a str>,
    /// Line of the first YAML line (after the opening `---`).
    pub yaml_line: usize,
    pub body: &'a str,
    pub body_line: usize,
}

impl Split<'_> {
    /// Line of a top-level key in the front matter, for messages about its value.
    pub(super) fn key_line(&self, key: &str) -> usize {
        self.yaml
            .and_then(|y| {
                y.lines().position(|l| {
                    l.strip_prefix(key)
                        .is_some_and(|rest| rest.trim_start().starts_with(':'))
                })
            })
            .map_or(1, |i| self.yaml_line + i)
    }
}

/// Splits `---` front matter from the body. A file without a first `---` line
/// is all body.
///
/// # Errors
/// `(line, message)` when the front matter is opened but never closed.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, (usize, String)> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Ok(Split {
            yaml: None,
            yaml_line: 0,
            body: text,
            body_line: 1,
        });
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    for (line, l) in (2..).zip(text[yaml_start..].split_inclusive('\n')) {
        let trimmed = l.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let body_start = offset + l.len();
            return Ok(Split {
                yaml: Some(&text[yaml_start..offset]),
                yaml_line: 2,
                body: &text[body_start.min(text.len())..],
                body_line: line + 1,
            });
        }
        offset += l.len();
    }
    Err((
        1,
        "front matter opened with \"---\" is never closed (did you forget the closing \"---\"?)"
            .to_string(),
    ))
}

/// Front matter as written: every field optional, unknown keys ignored.
#[derive(Debug, Default, Deserialize)]
pub(super) struct RawFrontMatter {
    pub(super) title: Option<String>,
    /// `publication_date` is what Statamic and some other generators write.
    #[serde(alias = "publication_date", alias = "pubDate", alias = "published")]
    pub(super) date: Option<Scalar>,
    pub(super) path: Option<String>,
    #[serde(rename = "ogSummary")]
    pub(super) og_summary: Option<String>,
    pub(super) summary: Option<String>,
    pub(super) description: Option<String>,
    #[serde(default)]
    pub(super) categories: Names,
    #[serde(default)]
    pub(super) tags: Names,
    #[serde(default)]
    pub(super) author: Names,
    #[serde(default)]
    pub(super) authors: Names,
    #[serde(rename = "ogImage")]
    pub(super) og_image: Option<String>,
    pub(super) featured_image: Option<String>,
    pub(super) timezone: Option<String>,
    pub(super) location: Option<String>,
    pub(super) talks: Option<Vec<Spanned<RawTalk>>>,
}

/// One entry of `talks:` as written. Unknown keys are an error (a typo such
/// as `strat:` must not silently drop a talk's time).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTalk {
    pub(super) title: String,
    pub(super) start: Spanned<Scalar>,
    pub(super) end: Option<Spanned<Scalar>>,
    pub(super) duration: Option<Spanned<Scalar>>,
    pub(super) timezone: Option<Spanned<Scalar>>,
    pub(super) url: Option<String>,
    #[serde(default, alias = "speaker")]
    pub(super) speakers: Names,
    pub(super) track: Option<String>,
    pub(super) location: Option<String>,
    #[serde(rename = "abstract", alias = "description")]
    pub(super) abstract_md: Option<String>,
}

impl RawTalk {
    /// The entry with its lines counted in the file (`first` is the file
    /// line of the front matter's first line).
    pub(super) fn listed(entry: Spanned<RawTalk>, first: usize) -> ListedTalk {
        let at = |s: &Spanned<Scalar>| AtLine {
            text: s.value.to_text(),
            line: first + s.referenced.line() as usize - 1,
        };
        let t = entry.value;
        ListedTalk {
            line: first + entry.referenced.line() as usize - 1,
            title: t.title.trim().to_string(),
            start: at(&t.start),
            end: t.end.as_ref().map(at),
            duration: t.duration.as_ref().map(at),
            timezone: t.timezone.as_ref().map(at),
            url: t
                .url
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty()),
            speakers: t.speakers.into_vec(),
            track: t.track,
            location: t.location,
            abstract_md: t.abstract_md,
        }
    }
}

/// A YAML scalar of any type (dates come unquoted, quoted, or as numbers).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum Scalar {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Scalar {
    pub(super) fn to_text(&self) -> String {
        match self {
            Scalar::Text(s) => s.trim().to_string(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }
}

/// A name or a list of names (`tags: a` or `tags: [a, b]`), or a map of them.
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
pub(super) enum Names {
    #[default]
    None,
    One(String),
    Many(Vec<Scalar>),
    Map(std::collections::BTreeMap<String, Scalar>),
}

impl Names {
    pub(super) fn into_vec(self) -> Vec<String> {
        match self {
            Names::None => Vec::new(),
            Names::One(s) => s
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            Names::Many(v) => v
                .iter()
                .map(Scalar::to_text)
                .filter(|s| !s.is_empty())
                .collect(),
            Names::Map(m) => m.get("name").map(Scalar::to_text).into_iter().collect(),
        }
    }
}

/// The front-matter date forms blogs use: RFC 3339 (with or without
/// fraction or zone), `YYYY-MM-DD HH:MM[:SS]`, and a plain day (midnight UTC).
pub fn parse_post_date(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S%.f %z",
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(t, fmt) {
            return Some(d.with_timezone(&Utc));
        }
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(d.and_utc());
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

/// Text of the first `# ` heading: the title of a post without front matter.
pub(super) fn first_heading(body: &str) -> Option<String> {
    body.lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|h| h.trim().trim_end_matches('#').trim().to_string())
        .filter(|h| !h.is_empty())
}

/// The date a file's name starts with, as Jekyll (`_posts/2018-11-26-slug.md`)
/// and Hugo (`:filename`, also a page bundle's folder) read it: midnight UTC
/// of that day.
pub(super) fn date_in_file_name(path: &Path) -> Option<DateTime<Utc>> {
    let stem = file_stem(path);
    let name = if matches!(stem.as_str(), "index" | "_index") {
        path.parent()?.file_name()?.to_str()?.to_string()
    } else {
        stem
    };
    let head = name.get(..11)?;
    if !head.ends_with('-') {
        return None;
    }
    let day = NaiveDate::parse_from_str(&head[..10], "%Y-%m-%d").ok()?;
    Some(day.and_hms_opt(0, 0, 0)?.and_utc())
}
