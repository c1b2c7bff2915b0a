//! The query string of a calendar URL, read strictly: a known key with a
//! well-formed value, or a one-line reason for the `400`.
//!
//! - `track`, `speaker`, `q`, `event`: filters. A key given twice means
//!   "any of these"; different keys mean "all of these".
//! - `talks=ID,ID,…`: the talks of `/my.ics` (there only).
//! - `alarm=N`: a reminder N minutes before each talk.

use std::collections::BTreeSet;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::facets::{TalkId, fold};
use crate::render::ics::alarm::MAX_MINUTES;

/// The most values one query may carry, and the longest value: enough for
/// any page's filter, a bound on the work one request can ask for.
pub const MAX_VALUES: usize = 32;
pub const MAX_VALUE_CHARS: usize = 200;
/// The most talks one personal calendar may name.
pub const MAX_TALKS: usize = 1000;

/// A calendar URL's query, values folded ([`fold`]) and sorted, so two
/// queries that ask for the same talks are the same [`Query`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub tracks: BTreeSet<String>,
    pub speakers: BTreeSet<String>,
    pub texts: BTreeSet<String>,
    /// Event slugs, as written.
    pub events: BTreeSet<String>,
    /// `Some` only on `/my.ics`.
    pub talks: Option<BTreeSet<TalkId>>,
    pub alarm: Option<u32>,
}

/// What is escaped in a canonical query value: all but unreserved characters.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

impl Query {
    /// Reads `query` (form encoding: `+` is a space, `%XX` escapes);
    /// `personal` when the URL is `/my.ics`, which needs `talks=`.
    pub fn parse(query: &str, personal: bool) -> Result<Query, String> {
        let mut q = Query::default();
        let mut values = 0;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(raw).ok_or_else(|| format!("{key} is not valid UTF-8"))?;
            values += 1;
            if values > MAX_VALUES {
                return Err(format!("at most {MAX_VALUES} parameters"));
            }
            if value.chars().count() > MAX_VALUE_CHARS {
                return Err(format!("{key} is longer than {MAX_VALUE_CHARS} characters"));
            }
            // An empty filter (a form's blank field) filters nothing.
            let folded = fold(&value);
            match key {
                "track" | "speaker" | "q" | "event" if folded.is_empty() => {}
                "track" => _ = q.tracks.insert(folded),
                "speaker" => _ = q.speakers.insert(folded),
                "q" => _ = q.texts.insert(folded),
                "event" => _ = q.events.insert(value.trim().to_string()),
                "alarm" if q.alarm.is_some() => return Err("alarm is given twice".into()),
                "alarm" => {
                    let minutes = value
                        .parse::<u32>()
                        .ok()
                        .filter(|m| *m <= MAX_MINUTES)
                        .ok_or_else(|| {
                            format!(
                                "alarm must be a number of minutes from 0 to {MAX_MINUTES}, not {value:?}"
                            )
                        })?;
                    q.alarm = Some(minutes);
                }
                "talks" if !personal => {
                    return Err("talks= belongs to /my.ics (the calendar of chosen talks)".into());
                }
                "talks" => {
                    let chosen = q.talks.get_or_insert_with(BTreeSet::new);
                    for id in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                        let id = TalkId::parse(id).ok_or_else(|| {
                            format!("{id:?} is not a talk ID (12 letters, digits, - or _)")
                        })?;
                        chosen.insert(id);
                    }
                    if chosen.len() > MAX_TALKS {
                        return Err(format!("at most {MAX_TALKS} talks in one calendar"));
                    }
                }
                _ => {
                    return Err(format!(
                        "unknown parameter {key:?}: calendar URLs take track, speaker, q, event, alarm{}",
                        if personal { " and talks" } else { "" }
                    ));
                }
            }
        }
        if personal && q.talks.is_none() {
            return Err("/my.ics needs talks=ID,ID,… (the IDs shown on the page)".into());
        }
        Ok(q)
    }

    /// Whether it chooses talks (filters or a personal list), not only
    /// asks for reminders.
    pub fn chooses(&self) -> bool {
        self.talks.is_some() || self.filters()
    }

    /// Whether it has filters (track, speaker, q, event).
    pub fn filters(&self) -> bool {
        !(self.tracks.is_empty()
            && self.speakers.is_empty()
            && self.texts.is_empty()
            && self.events.is_empty())
    }

    /// The query that chooses the same talks, written one way: keys in a
    /// fixed order, values sorted, no alarm. Names a calendar made on
    /// request (its cache key and its `SOURCE`).
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        let mut push = |key: &str, value: &str| {
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(key);
            out.push('=');
            out.extend(utf8_percent_encode(value, VALUE));
        };
        for (key, values) in [
            ("event", &self.events),
            ("track", &self.tracks),
            ("speaker", &self.speakers),
            ("q", &self.texts),
        ] {
            for v in values {
                push(key, v);
            }
        }
        if let Some(talks) = &self.talks {
            let ids: Vec<String> = talks.iter().map(TalkId::to_string).collect();
            push("talks", &ids.join(","));
        }
        out
    }

    /// In words, for the calendar's name: `track "Cloud native", speaker "jane"`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (key, values) in [
            ("event", &self.events),
            ("track", &self.tracks),
            ("speaker", &self.speakers),
            ("text", &self.texts),
        ] {
            if !values.is_empty() {
                let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
                parts.push(format!("{key} {}", quoted.join(" or ")));
            }
        }
        parts.join(", ")
    }
}

/// A form-encoded value: `+` a space, `%XX` a byte; `None` if not UTF-8.
fn decode(raw: &str) -> Option<String> {
    let spaced = raw.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_folded_sorted_and_written_one_way() {
        let q = Query::parse(
            "track=Cloud+Native&speaker=Jos%C3%A9&track=ai&q=&alarm=10&event=kubecon-eu",
            false,
        )
        .unwrap();
        assert_eq!(
            q.tracks,
            BTreeSet::from(["ai".to_string(), "cloud native".to_string()])
        );
        assert_eq!(q.speakers, BTreeSet::from(["jose".to_string()]));
        assert!(q.texts.is_empty());
        assert_eq!(q.alarm, Some(10));
        assert!(q.chooses());
        assert_eq!(
            q.canonical(),
            "event=kubecon-eu&track=ai&track=cloud%20native&speaker=jose"
        );
        let same = Query::parse(
            "speaker=JOSE&track=AI&event=kubecon-eu&track=cloud%20native",
            false,
        )
        .unwrap();
        assert_eq!(same.canonical(), q.canonical());
        assert_eq!(
            q.describe(),
            "event \"kubecon-eu\", track \"ai\" or \"cloud native\", speaker \"jose\""
        );
        assert!(!Query::parse("alarm=5", false).unwrap().chooses());
    }

    #[test]
    fn personal_calendars_take_ids() {
        let a = TalkId::of("a@x.almanac");
        let b = TalkId::of("b@x.almanac");
        let q = Query::parse(&format!("talks={a},{b}&talks={a}"), true).unwrap();
        assert_eq!(q.talks, Some(BTreeSet::from([a, b])));
        assert!(Query::parse("", true).is_err());
        assert!(Query::parse(&format!("talks={a}"), false).is_err());
        let bad = Query::parse("talks=nope", true).unwrap_err();
        assert!(bad.contains("\"nope\" is not a talk ID"), "{bad}");
    }

    #[test]
    fn what_is_refused_says_why() {
        for (query, why) in [
            ("colour=red", "unknown parameter \"colour\""),
            ("alarm=1441", "alarm must be"),
            ("alarm=5&alarm=6", "twice"),
            ("q=%FF", "not valid UTF-8"),
        ] {
            let e = Query::parse(query, false).unwrap_err();
            assert!(e.contains(why), "{query}: {e}");
            assert!(!e.contains('\n'));
        }
        let long = format!("q={}", "x".repeat(MAX_VALUE_CHARS + 1));
        assert!(Query::parse(&long, false).is_err());
        let many = vec!["track=a"; MAX_VALUES + 1].join("&");
        assert!(Query::parse(&many, false).is_err());
    }
}
