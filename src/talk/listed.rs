//! Talks the author lists in front matter (`talks:`): the escape hatch for a
//! post whose prose almanac does not read as meant. When the list is there,
//! it is the post's talks and the body is not searched.
//!
//! Each entry gives its start as a date and a time (`2024-03-20 14:30`,
//! `2024-03-20T14:30:00+01:00`, `…Z`), then an end (a date and time, or a
//! time on the start's day) or a `duration` (`35m`, `1h`), or neither (the
//! configured default length). Its zone, in order: an offset written on the
//! start, the entry's `timezone`, then the post's zones as for prose talks
//! (front matter `timezone`, an `events:` rule, the city, the default with a
//! warning). A problem names the entry's own line, and only that entry is
//! left out.

use chrono::{Duration, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;

use super::find::MAX_TALKS_PER_POST as MAX_TALKS;
use super::resolve::{self, PostZones, ZoneSource};
use super::zone;
use super::{How, Ids, Speaker, Talk, When};
use crate::diag::Diagnostic;
use crate::post::{AtLine, ListedTalk, Post};

/// The talks of a post's `talks:` list, and a diagnostic per entry left out.
pub(super) fn talks(
    post: &Post,
    listed: &[ListedTalk],
    zones: &PostZones,
    location: Option<String>,
    ids: &mut Ids,
) -> (Vec<Talk>, Vec<Diagnostic>) {
    let mut talks = Vec::with_capacity(listed.len().min(MAX_TALKS));
    let mut diags = Vec::new();
    if listed.len() > MAX_TALKS {
        diags.push(Diagnostic::error(
            &post.path,
            listed[MAX_TALKS].line,
            format!("more than {MAX_TALKS} talks in one post; the rest are ignored"),
        ));
    }
    for entry in listed.iter().take(MAX_TALKS) {
        if entry.title.is_empty() {
            diags.push(Diagnostic::error(
                &post.path,
                entry.line,
                "a talk in `talks:` needs a `title`",
            ));
            continue;
        }
        let name = &entry.title;
        match when(entry, zones) {
            Ok((when, warnings, how)) => {
                for w in warnings {
                    diags.push(Diagnostic::warning(
                        &post.path,
                        entry.start.line,
                        format!("talk \"{name}\": {w}"),
                    ));
                }
                let (uid, slug, url) = ids.next(entry.url.as_deref().unwrap_or(""), &entry.title);
                talks.push(Talk {
                    uid,
                    slug,
                    title: entry.title.clone(),
                    speakers: entry.speakers.iter().map(|s| speaker(s)).collect(),
                    url,
                    track: entry.track.clone(),
                    abstract_md: entry.abstract_md.clone().unwrap_or_default(),
                    when,
                    location: entry.location.clone().or_else(|| location.clone()),
                    line: entry.line,
                    time_line: entry.start.line,
                    how,
                });
            }
            Err((line, message)) => diags.push(Diagnostic::error(
                &post.path,
                line,
                format!("talk \"{name}\": {message}"),
            )),
        }
    }
    (talks, diags)
}

/// The entry's time, or the line and reason it has none.
fn when(
    entry: &ListedTalk,
    zones: &PostZones,
) -> Result<(When, Vec<String>, How), (usize, String)> {
    let at = |field: &AtLine, m: String| (field.line, m);
    let (start, offset) = date_time(&entry.start.text).ok_or_else(|| {
        at(
            &entry.start,
            format!(
                "start \"{}\" is not a date and time (write it as 2024-03-20 14:30, or with its offset: 2024-03-20T14:30+01:00)",
                entry.start.text
            ),
        )
    })?;
    let end = match (&entry.end, &entry.duration) {
        (Some(_), Some(d)) => {
            return Err(at(d, "give an `end` or a `duration`, not both".into()));
        }
        (Some(e), None) => Some(end_time(&e.text, start, offset).map_err(|m| at(e, m))?),
        (None, Some(d)) => {
            let length = crate::config::parse_duration(&d.text)
                .and_then(|l| Duration::from_std(l).ok())
                .filter(|l| *l > Duration::zero() && *l <= Duration::days(14))
                .ok_or_else(|| {
                    at(
                        d,
                        format!(
                            "duration \"{}\" is not a length of up to 14 days (try \"35m\" or \"1h\")",
                            d.text
                        ),
                    )
                })?;
            Some(start + length)
        }
        (None, None) => None,
    };
    let mut zones = *zones;
    if let Some(z) = &entry.timezone {
        let tz = z.text.parse::<Tz>().map_err(|_| {
            at(
                z,
                format!(
                    "timezone \"{}\" is not an IANA time zone (for example \"Europe/Paris\")",
                    z.text
                ),
            )
        })?;
        zones.iana = Some((tz, ZoneSource::FrontMatter));
    }
    resolve::exact(start, end, offset, &zones).map_err(|m| at(&entry.start, m))
}

/// `2024-03-20 14:30`, `2024-03-20T14:30:00`, with an optional `Z`, `UTC`
/// or `±HH:MM` offset (seconds east of UTC).
fn date_time(text: &str) -> Option<(NaiveDateTime, Option<i32>)> {
    let t = text.trim();
    let (local, offset) = split_offset(t)?;
    let local = local.trim().replacen('T', " ", 1);
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&local, f).ok())
        .map(|d| (d, offset))
}

/// Splits a trailing zone off a date-time: `Z`, ` UTC`, `+01:00`, `-0500`.
fn split_offset(t: &str) -> Option<(&str, Option<i32>)> {
    if let Some(rest) = t.strip_suffix('Z').or_else(|| t.strip_suffix(" UTC")) {
        return Some((rest, Some(0)));
    }
    // A sign after the date's own dashes (`2024-03-20`: the first ten characters).
    match t
        .char_indices()
        .skip(10)
        .find(|&(_, c)| c == '+' || c == '-')
    {
        Some((i, _)) => Some((&t[..i], Some(zone::parse_offset(&t[i..])?))),
        None => Some((t, None)),
    }
}

/// An end: a whole date and time, or a time on the start's day (the next
/// day when it is earlier on the clock: a session past midnight).
fn end_time(
    text: &str,
    start: NaiveDateTime,
    offset: Option<i32>,
) -> Result<NaiveDateTime, String> {
    if let Some((end, end_offset)) = date_time(text) {
        if end_offset.is_some() && end_offset != offset {
            return Err(format!(
                "end \"{text}\" is written with another offset than the start"
            ));
        }
        return Ok(end);
    }
    let clock = ["%H:%M:%S", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(text.trim(), f).ok())
        .ok_or_else(|| {
            format!(
                "end \"{text}\" is not a time or a date and time (write 15:05 or 2024-03-20 15:05)"
            )
        })?;
    let end = start.date().and_time(clock);
    Ok(if end <= start {
        end + Duration::days(1)
    } else {
        end
    })
}

/// `Jane Doe (Org)` or `Jane Doe, Org` → a speaker.
fn speaker(text: &str) -> Speaker {
    let t = text.trim();
    if let Some(open) = t.find(" (")
        && t.ends_with(')')
    {
        return Speaker {
            name: t[..open].trim().to_string(),
            org: Some(t[open + 2..t.len() - 1].trim().to_string()),
        };
    }
    match t.split_once(',') {
        Some((name, org)) if !org.trim().is_empty() => Speaker {
            name: name.trim().to_string(),
            org: Some(org.trim().to_string()),
        },
        _ => Speaker {
            name: t.to_string(),
            org: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_as_written() {
        let d = |s: &str| date_time(s).map(|(t, o)| (t.format("%F %R").to_string(), o));
        let at = |t: &str, o| Some((t.to_string(), o));
        assert_eq!(d("2024-03-20 14:30"), at("2024-03-20 14:30", None));
        assert_eq!(d("2024-03-20T14:30:00"), at("2024-03-20 14:30", None));
        assert_eq!(d("2024-03-20T14:30Z"), at("2024-03-20 14:30", Some(0)));
        assert_eq!(d("2024-03-20 14:30 UTC"), at("2024-03-20 14:30", Some(0)));
        assert_eq!(
            d("2024-03-20T14:30:00+01:00"),
            at("2024-03-20 14:30", Some(3600))
        );
        assert_eq!(
            d("2024-03-20T14:30-0500"),
            at("2024-03-20 14:30", Some(-18000))
        );
        assert_eq!(d("2024-03-20"), None);
        assert_eq!(d("March 20, 14:30"), None);
        assert_eq!(d("2024-03-20 25:30"), None);
    }

    #[test]
    fn ends_and_speakers() {
        let start = date_time("2024-03-20 23:30").unwrap().0;
        assert_eq!(
            end_time("00:15", start, None).unwrap().to_string(),
            "2024-03-21 00:15:00"
        );
        assert!(end_time("2024-03-20 23:45+02:00", start, Some(3600)).is_err());
        assert_eq!(
            speaker("Jane Doe (Isovalent)"),
            Speaker {
                name: "Jane Doe".into(),
                org: Some("Isovalent".into())
            }
        );
        assert_eq!(speaker("Joe Bloggs, ACME").org.as_deref(), Some("ACME"));
        assert_eq!(speaker("Solo").org, None);
    }
}

#[cfg(test)]
mod post_tests {
    use std::path::Path;

    use crate::config::Config;

    /// Listed talks of a post with no zone: those that write none are read
    /// in the default zone, with one warning for all of them, at the first.
    #[test]
    fn listed_talks_without_a_zone_are_warned_of_once() {
        let text = "---
title: T
date: 2024-02-02
talks:
  - title: Written in UTC
    start: 2024-03-21T09:00Z
  - title: No zone
    start: 2024-03-21 10:00
  - title: No zone either
    start: 2024-03-21 11:00
---
";
        let (post, _) = crate::post::parse(Path::new("p.md"), text.as_bytes(), None).unwrap();
        let (talks, diags) = crate::talk::extract(&post, &Config::default());
        assert_eq!(talks.len(), 3);
        let warnings: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            warnings,
            [
                "p.md:8: warning: no time zone written and none configured for this post; assuming UTC for 2 of its 3 talks (set `timezone:` in the front matter or an `events:` rule)"
            ]
        );
    }

    /// A post listing its talks in front matter: they are its talks (the
    /// body's own schedule is not read), each problem names its line, and
    /// the good entries are kept.
    #[test]
    fn front_matter_talks_replace_the_body() {
        let text = "---
title: Our talks at Example Conf 2024
date: 2024-02-02
timezone: Europe/Paris
talks:
  - title: eBPF from scratch
    start: 2024-03-20 14:30
    end: '15:05'
    url: https://example.org/ebpf
    speakers: [Jane Doe (Isovalent), Joe Bloggs]
    track: Room A
  - title: Written in UTC
    start: 2024-03-21T09:00Z
    duration: 1h
  - title: In New York
    start: 2024-11-12 10:00
    timezone: America/New_York
  - title: Typo in the zone
    start: 2024-03-21 10:00
    timezone: Europe/Pariss
  - title: No time
    start: 2024-03-21
---
# Our talks

- 10:00 Something in the body that is not a listed talk
";
        let (post, warnings) =
            crate::post::parse(Path::new("p.md"), text.as_bytes(), None).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let (talks, diags) = crate::talk::extract(&post, &Config::default());
        let got: Vec<(String, String, String, usize)> = talks
            .iter()
            .map(|t| {
                (
                    t.title.clone(),
                    t.when.start.to_rfc3339(),
                    t.when.end.to_rfc3339(),
                    t.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "eBPF from scratch".into(),
                    "2024-03-20T13:30:00+00:00".into(),
                    "2024-03-20T14:05:00+00:00".into(),
                    6
                ),
                (
                    "Written in UTC".into(),
                    "2024-03-21T09:00:00+00:00".into(),
                    "2024-03-21T10:00:00+00:00".into(),
                    12
                ),
                (
                    "In New York".into(),
                    "2024-11-12T15:00:00+00:00".into(),
                    "2024-11-12T15:30:00+00:00".into(),
                    15
                ),
            ]
        );
        assert_eq!(talks[0].speakers.len(), 2);
        assert_eq!(talks[0].speakers[0].org.as_deref(), Some("Isovalent"));
        assert_eq!(talks[0].track.as_deref(), Some("Room A"));
        assert_eq!(talks[0].url, "https://example.org/ebpf");
        // Written in UTC, an instant: published at that offset, not Paris's.
        assert!(matches!(
            talks[1].when.zone,
            crate::talk::TalkZone::Fixed { offset: 0, .. }
        ));
        let messages: Vec<String> = diags.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].starts_with(
                "p.md:20: error: talk \"Typo in the zone\": timezone \"Europe/Pariss\""
            ),
            "{messages:?}"
        );
        assert!(
            messages[1].starts_with("p.md:22: error: talk \"No time\": start \"2024-03-21\""),
            "{messages:?}"
        );
    }

    #[test]
    fn a_misspelt_key_points_at_its_line() {
        let text = "---\ntitle: T\ntalks:\n  - title: A\n    strat: 2024-03-20 14:30\n---\n";
        let e = crate::post::parse(Path::new("p.md"), text.as_bytes(), None).unwrap_err();
        assert!(
            e.to_string().starts_with("p.md:5: error: front matter: "),
            "{e}"
        );
        assert!(e.to_string().contains("strat"), "{e}");
    }
}
