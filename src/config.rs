//! `almanac.yaml`: the operator's settings, parsed once into a validated [`Config`].
//!
//! Everything has a default, so almanac runs with no file at all. The raw
//! serde shape ([`RawConfig`], all `Option`s) never leaves this module: the
//! rest of the pipeline only sees [`Config`], whose values are already checked
//! (zones are real IANA zones, URLs end without a slash, durations are positive).

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono_tz::Tz;
use serde::Deserialize;

use crate::Error;

/// Where almanac looks for its configuration when `--config` is not given.
pub const DEFAULT_CONFIG_FILE: &str = "almanac.yaml";

/// Validated settings. Cheap to clone; the daemon swaps it whole on SIGHUP.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Where the posts are published (feed links point there), no trailing slash.
    pub site_url: String,
    /// Where almanac itself is served (self links, subscribe links), no trailing slash.
    pub public_url: String,
    /// Zone for talks whose post says nothing better (see `talk::resolve`).
    pub timezone: Tz,
    /// Length of a talk that gives only a start time.
    pub default_duration: chrono::Duration,
    /// Entries in each feed.
    pub feed_limit: usize,
    /// Posts larger than this are refused (a guard against runaway files).
    pub max_post_bytes: u64,
    /// How often calendar apps are asked to poll (`REFRESH-INTERVAL`).
    pub refresh_interval: chrono::Duration,
    /// The all-talks calendar keeps at most the newest this many talks (by
    /// start); `None` bounds it by bytes alone.
    pub all_talks_limit: Option<usize>,
    /// The all-talks calendar, whole, stays within this many bytes: Google
    /// Calendar silently drops what lies past about 1 MB of a subscription.
    /// The newest talks by start are kept (every upcoming one, then the most
    /// recent past ones); older talks stay in their event's calendar.
    pub all_talks_max_bytes: usize,
    /// Events listed on the index page (newest first); all stay in the calendars.
    pub index_limit: usize,
    /// The longest pause after a file event before rebuilding, so editors'
    /// bursts collapse (shorter once every post of the burst is written:
    /// see `watch::Burst`).
    pub debounce: Duration,
    /// How long a removed talk stays in calendars as `STATUS:CANCELLED`.
    pub cancelled_retention: chrono::Duration,
    pub events: Vec<EventRule>,
}

/// Gives the posts it matches a zone and a place.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRule {
    /// Exact post slugs this rule applies to.
    pub slugs: Vec<String>,
    /// Title patterns: a pattern matches when every one of its words occurs in
    /// the post title (case-insensitive), so "kubecon europe 2026" matches
    /// "Cilium at KubeCon + CloudNativeCon and CiliumCon Europe 2026".
    pub titles: Vec<Vec<String>>,
    pub timezone: Option<Tz>,
    pub location: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Conference talks".to_string(),
            description: "Talks announced on the blog, as calendars and feeds.".to_string(),
            site_url: "http://localhost:8080".to_string(),
            public_url: "http://localhost:8080".to_string(),
            timezone: Tz::UTC,
            default_duration: chrono::Duration::minutes(30),
            feed_limit: 50,
            max_post_bytes: 2 * 1024 * 1024,
            refresh_interval: chrono::Duration::hours(1),
            all_talks_limit: None,
            all_talks_max_bytes: 900_000,
            index_limit: 100,
            debounce: Duration::from_millis(30),
            cancelled_retention: chrono::Duration::days(30),
            events: Vec::new(),
        }
    }
}

impl Config {
    /// Loads `path`, or the default file in the working directory if `path` is
    /// `None` and that file exists, or the defaults.
    ///
    /// # Errors
    /// The file cannot be read, is not valid YAML, or holds a bad value; the
    /// message names the file and line.
    pub fn load(path: Option<&Path>) -> Result<Config, Error> {
        let path: PathBuf = match path {
            Some(p) => p.to_path_buf(),
            None => {
                let p = PathBuf::from(DEFAULT_CONFIG_FILE);
                if !p.exists() {
                    return Ok(Config::default());
                }
                p
            }
        };
        let text = std::fs::read_to_string(&path).map_err(|e| Error::Io {
            path: path.clone(),
            source: e,
        })?;
        Config::parse(&text, &path)
    }

    /// Parses the text of a configuration file; `path` is only for messages.
    ///
    /// # Errors
    /// Invalid YAML or an invalid value, as [`Error::Config`].
    pub fn parse(text: &str, path: &Path) -> Result<Config, Error> {
        let raw: RawConfig =
            crate::yaml::from_str(text).map_err(|(line, message)| Error::Config {
                path: path.to_path_buf(),
                line,
                message,
            })?;
        raw.validate().map_err(|message| Error::Config {
            path: path.to_path_buf(),
            line: 0,
            message,
        })
    }

    /// The first rule that applies to a post, if any.
    pub fn rule_for(&self, slug: &str, title: &str) -> Option<&EventRule> {
        let title_words = words(title);
        self.events.iter().find(|rule| {
            rule.slugs.iter().any(|s| s == slug)
                || rule
                    .titles
                    .iter()
                    .any(|pattern| pattern.iter().all(|w| title_words.contains(w)))
        })
    }
}

/// Lower-case alphanumeric words, the unit of title matching.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    site_url: Option<String>,
    public_url: Option<String>,
    timezone: Option<String>,
    default_duration: Option<RawDuration>,
    feed_limit: Option<usize>,
    max_post_bytes: Option<u64>,
    refresh_interval: Option<RawDuration>,
    all_talks_limit: Option<usize>,
    all_talks_max_bytes: Option<usize>,
    index_limit: Option<usize>,
    debounce: Option<RawDuration>,
    cancelled_retention: Option<RawDuration>,
    #[serde(default)]
    events: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(default)]
    slug: OneOrMany,
    #[serde(default)]
    title: OneOrMany,
    timezone: Option<String>,
    location: Option<String>,
}

/// `key: value` or `key: [value, value]`, as operators write either.
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// A duration as minutes (`30`) or with a unit (`90s`, `30m`, `1h`, `30d`, `250ms`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawDuration {
    Minutes(u64),
    Text(String),
}

impl RawDuration {
    fn to_std(&self, key: &str) -> Result<Duration, String> {
        match self {
            RawDuration::Minutes(m) => Ok(Duration::from_secs(m.saturating_mul(60))),
            RawDuration::Text(t) => parse_duration(t).ok_or_else(|| {
                format!("{key}: \"{t}\" is not a duration (try \"30m\", \"1h\", \"250ms\")")
            }),
        }
    }

    fn to_chrono(&self, key: &str) -> Result<chrono::Duration, String> {
        let d = self.to_std(key)?;
        chrono::Duration::from_std(d).map_err(|_| format!("{key}: duration is too large"))
    }
}

/// Parses `250ms`, `90s`, `30m`, `30min`, `1h`, `2d`, or plain minutes.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let t = text.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().ok()?;
    let secs = |k: u64| Some(Duration::from_secs(n.checked_mul(k)?));
    match unit.trim() {
        "ms" => Some(Duration::from_millis(n)),
        "s" | "sec" | "secs" | "seconds" => secs(1),
        "" | "m" | "min" | "mins" | "minutes" => secs(60),
        "h" | "hour" | "hours" => secs(3600),
        "d" | "day" | "days" => secs(86_400),
        _ => None,
    }
}

fn parse_zone(key: &str, name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| {
        format!("{key}: \"{name}\" is not an IANA time zone (for example \"Europe/Paris\")")
    })
}

fn trim_url(url: String) -> String {
    url.trim().trim_end_matches('/').to_string()
}

impl RawConfig {
    fn validate(self) -> Result<Config, String> {
        let d = Config::default();
        let positive = |key: &str, v: chrono::Duration| {
            if v <= chrono::Duration::zero() {
                Err(format!("{key} must be greater than zero"))
            } else {
                Ok(v)
            }
        };
        let events = self
            .events
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let timezone = r
                    .timezone
                    .as_deref()
                    .map(|z| parse_zone(&format!("events[{i}].timezone"), z))
                    .transpose()?;
                let slugs = r.slug.into_vec();
                let titles: Vec<Vec<String>> =
                    r.title.into_vec().iter().map(|t| words(t)).collect();
                if slugs.is_empty() && titles.is_empty() {
                    return Err(format!("events[{i}] needs a slug or a title to match"));
                }
                Ok(EventRule {
                    slugs,
                    titles,
                    timezone,
                    location: r.location,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Config {
            title: self.title.unwrap_or(d.title),
            description: self.description.unwrap_or(d.description),
            site_url: self.site_url.map(trim_url).unwrap_or(d.site_url),
            public_url: self.public_url.map(trim_url).unwrap_or(d.public_url),
            timezone: match self.timezone {
                Some(z) => parse_zone("timezone", &z)?,
                None => d.timezone,
            },
            default_duration: match self.default_duration {
                Some(v) => positive("default_duration", v.to_chrono("default_duration")?)?,
                None => d.default_duration,
            },
            feed_limit: match self.feed_limit {
                Some(0) => return Err("feed_limit must be at least 1".to_string()),
                Some(n) => n,
                None => d.feed_limit,
            },
            max_post_bytes: self.max_post_bytes.unwrap_or(d.max_post_bytes),
            refresh_interval: match self.refresh_interval {
                Some(v) => positive("refresh_interval", v.to_chrono("refresh_interval")?)?,
                None => d.refresh_interval,
            },
            all_talks_limit: match self.all_talks_limit {
                Some(0) => None,
                Some(n) => Some(n),
                None => d.all_talks_limit,
            },
            all_talks_max_bytes: match self.all_talks_max_bytes {
                Some(n) if n < 4096 => {
                    return Err("all_talks_max_bytes must be at least 4096".to_string());
                }
                Some(n) => n,
                None => d.all_talks_max_bytes,
            },
            index_limit: self.index_limit.unwrap_or(d.index_limit),
            debounce: match self.debounce {
                Some(v) => v.to_std("debounce")?,
                None => d.debounce,
            },
            cancelled_retention: match self.cancelled_retention {
                Some(v) => v.to_chrono("cancelled_retention")?,
                None => d.cancelled_retention,
            },
            events,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        let c = Config::parse("{}", Path::new("a.yaml")).unwrap();
        assert_eq!(c, Config::default());
    }

    #[test]
    fn rules_match_by_slug_or_title_words() {
        let c = Config::parse(
            "timezone: Europe/Berlin\nevents:\n  - title: [kubecon europe 2026, kubecon eu 2026]\n    timezone: Europe/Amsterdam\n    location: Amsterdam\n  - slug: my-post\n    timezone: Asia/Tokyo\n",
            Path::new("a.yaml"),
        )
        .unwrap();
        assert_eq!(c.timezone, chrono_tz::Europe::Berlin);
        let r = c
            .rule_for(
                "x",
                "Cilium at KubeCon + CloudNativeCon and CiliumCon Europe 2026",
            )
            .unwrap();
        assert_eq!(r.location.as_deref(), Some("Amsterdam"));
        assert_eq!(
            c.rule_for("my-post", "Other").unwrap().timezone,
            Some(chrono_tz::Asia::Tokyo)
        );
        assert!(c.rule_for("x", "KubeCon Europe 2025").is_none());
    }

    #[test]
    fn bad_values_are_named() {
        let e = Config::parse("timezone: Mars/Olympus", Path::new("a.yaml")).unwrap_err();
        assert!(e.to_string().contains("Mars/Olympus"), "{e}");
        let e = Config::parse("default_duration: soon", Path::new("a.yaml")).unwrap_err();
        assert!(e.to_string().contains("default_duration"), "{e}");
        let e = Config::parse("colour: blue", Path::new("a.yaml")).unwrap_err();
        assert!(e.to_string().contains("a.yaml"), "{e}");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("45"), Some(Duration::from_secs(2700)));
        assert_eq!(parse_duration("soon"), None);
    }
}
