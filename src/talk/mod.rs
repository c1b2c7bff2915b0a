//! Stage 2 of the pipeline: a [`Post`] → its [`Talk`]s.
//!
//! `doc` (with `html` for HTML blocks) reads the body as a document of
//! units; `find` locates link-first entries, `schedule` time-first, table
//! and card entries, `sentence` talks written in sentences; `when` reads
//! date/time text, `resolve` settles year, zone
//! (`city` for posts that only name their city) and clock into UTC, and this
//! module assembles the result (title, speakers, UID). `listed` takes the
//! talks an author lists in front matter instead, and `unused` notes the
//! times that became no talk. Pure functions: no
//! I/O, no clock. Problems come back as diagnostics with the line of the talk.
pub mod cities;
pub mod city;
pub mod doc;
pub mod find;
pub mod how;
pub mod html;
mod identity;
pub mod listed;
pub mod markup;
pub mod plain;
pub mod resolve;
pub mod schedule;
mod sections;
pub mod sentence;
pub mod spans;
mod unused;
pub mod when;
pub mod zone;

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::post::Post;
pub use find::Candidate;
use identity::{Ids, short};
pub use identity::{absolute_url, normalize_url, parse_speakers, split_title};
pub use resolve::{How, TalkZone};
use sections::{city_sections, entry_cities, past_sections};
pub use unused::unused_times;

/// When a talk happens, in UTC and as written locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub start_local: NaiveDateTime,
    pub end_local: NaiveDateTime,
    pub zone: TalkZone,
    /// False when the post gave only a start (the end is the default duration).
    pub has_end: bool,
}

/// A speaker and their organisation, as split from the link text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speaker {
    pub name: String,
    pub org: Option<String>,
}

/// One talk, ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Talk {
    /// Stable across rebuilds and edits of title, abstract and position.
    pub uid: String,
    /// File name (without `.ics`) of the talk's own calendar; stable like the UID.
    pub slug: String,
    pub title: String,
    pub speakers: Vec<Speaker>,
    pub url: String,
    pub track: Option<String>,
    /// Markdown of the description.
    pub abstract_md: String,
    pub when: When,
    pub location: Option<String>,
    /// 1-based line of the link in the post.
    pub line: usize,
    /// 1-based line its time was read on.
    pub time_line: usize,
    /// How its date, year and zone were decided (`almanac explain`).
    pub how: How,
}

impl Talk {
    /// `Jane Doe (Org), Joe Bloggs (Org2)`.
    pub fn speakers_text(&self) -> String {
        self.speakers
            .iter()
            .map(|s| match &s.org {
                Some(o) => format!("{} ({o})", s.name),
                None => s.name.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Finds and resolves every talk of a post. Talks whose time cannot be
/// settled are left out, each with an error naming its line.
pub fn extract(post: &Post, config: &Config) -> (Vec<Talk>, Vec<Diagnostic>) {
    test_panic_hook(post);
    // A page without a date of its own: the first year its text writes.
    let year_hint = stated_year(&post.title)
        .or_else(|| (!post.dated).then(|| stated_year(&post.body)).flatten());
    // Talks listed in front matter replace the search of the body.
    let candidates = match post.listed_talks {
        Some(_) => Vec::new(),
        None => candidates(post, year_hint),
    };
    let mut diags = Vec::new();
    if candidates.len() >= find::MAX_TALKS_PER_POST {
        diags.push(Diagnostic::error(
            &post.path,
            candidates.last().map_or(0, |c| c.line),
            format!(
                "more than {} talks in one post; the rest are ignored",
                find::MAX_TALKS_PER_POST
            ),
        ));
    }
    let rule = config.rule_for(&post.slug, &post.title);
    let iana = match (post.timezone, rule.and_then(|r| r.timezone)) {
        (Some(tz), _) => Some((tz, resolve::ZoneSource::FrontMatter)),
        (None, Some(tz)) => Some((tz, resolve::ZoneSource::Rule)),
        (None, None) => None,
    };
    let usual = usual_zone(&candidates);
    let zones = resolve::PostZones {
        iana,
        usual,
        default: config.timezone,
        reference: post.date.date_naive(),
        year_hint,
        // Only looked for when nothing above it in the order can decide:
        // no IANA zone, no zone the other talks write, and a talk that
        // writes none (a scan of the whole text, skipped when it cannot
        // matter).
        // Also when a talk writes an abbreviation the city may read
        // otherwise (`CST` in Hong Kong).
        city: (iana.is_none()
            && (usual.is_none()
                && (post.listed_talks.is_some() || candidates.iter().any(|c| !writes_a_zone(c)))
                || candidates.iter().any(writes_an_ambiguous_zone)))
        .then(|| post_city(post))
        .flatten(),
        default_duration: config.default_duration,
        month_first: candidates
            .iter()
            .any(|c| c.found.either_way.is_some())
            .then(|| when::month_first(&post.body))
            .flatten(),
    };
    let location = post
        .location
        .clone()
        .or_else(|| rule.and_then(|r| r.location.clone()));

    let mut ids = Ids::new(post, config);
    if let Some(listed) = &post.listed_talks {
        let (talks, listed_diags) = listed::talks(post, listed, &zones, location, &mut ids);
        diags.extend(listed_diags);
        diags.extend(default_zone_warning(post, &talks));
        return (talks, diags);
    }
    let mut talks = Vec::with_capacity(candidates.len());
    let mut previous_start: Option<NaiveDateTime> = None;
    for c in &candidates {
        let resolved = resolve::resolve(c, &zones).map(|ok| am_typo(c, ok, previous_start, &zones));
        let (when, warnings, how) = match resolved {
            Ok(ok) => ok,
            Err(message) => {
                diags.push(Diagnostic::error(
                    &post.path,
                    c.time_line,
                    format!("talk \"{}\": {message}", short(&c.text)),
                ));
                continue;
            }
        };
        for w in warnings {
            diags.push(Diagnostic::warning(&post.path, c.time_line, w));
        }
        previous_start = Some(when.start_local);
        let plain = plain::plain_inline(&c.text);
        let (title, mut speakers) = split_title(&plain);
        if speakers.is_empty()
            && let Some(by) = &c.byline
        {
            speakers = parse_speakers(&plain::plain_inline(by));
        }
        let (uid, slug, url) = ids.next(&c.url, &plain);
        talks.push(Talk {
            uid,
            slug,
            title: if title.is_empty() {
                "Untitled talk".to_string()
            } else {
                title
            },
            speakers,
            url,
            track: c.track.clone(),
            abstract_md: c.abstract_md.clone(),
            when,
            location: location.clone(),
            line: c.line,
            time_line: c.time_line,
            how,
        });
    }
    settle_disagreements(post, &mut talks, &mut diags);
    diags.extend(default_zone_warning(post, &talks));
    (talks, diags)
}

/// One warning for the talks read in the configured default zone, at the
/// first one's line. That nothing in the post or the configuration names
/// a zone is a fact about the post, so it is said once, not once per talk:
/// a post of 20 such talks gave 20 identical warnings (70,000 lines for
/// 10,000 generated posts, and as many kept for `/healthz` and the
/// problems page). `almanac explain` still says it of every talk.
fn default_zone_warning(post: &Post, talks: &[Talk]) -> Option<Diagnostic> {
    let mut read = talks.iter().filter_map(|t| match t.how.zone {
        how::ZoneFrom::Default(tz) => Some((t.time_line, tz)),
        _ => None,
    });
    let (line, tz) = read.next()?;
    let which = match (1 + read.count(), talks.len()) {
        (1, 1) => "its talk".to_string(),
        (n, all) if n == all => format!("its {n} talks"),
        (n, all) => format!("{n} of its {all} talks"),
    };
    Some(Diagnostic::warning(
        &post.path,
        line,
        format!(
            "no time zone written and none configured for this post; assuming {} for {which} (set `timezone:` in the front matter or an `events:` rule)",
            tz.name()
        ),
    ))
}

/// When the environment variable `ALMANAC_TEST_PANIC` is set, a post whose
/// body holds its text panics here: how `tests/serve.rs` shows that a bug
/// tripped by one post takes nothing else down. Read once; unset, it costs
/// nothing.
fn test_panic_hook(post: &Post) {
    static MARKER: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let marker = MARKER.get_or_init(|| {
        std::env::var("ALMANAC_TEST_PANIC")
            .ok()
            .filter(|m| !m.is_empty())
    });
    if let Some(m) = marker
        && post.body.contains(m.as_str())
    {
        panic!("test hook: the post holds {m}");
    }
}

/// A start written in two zones that disagree (`5:45AM UTC / 10:45AM PDT`)
/// takes the reading the rest of the post supports: the one nearer the
/// post's other talks (a talk "in the same session as" another is minutes
/// from it, not hours); the first written when neither is nearer.
fn settle_disagreements(post: &Post, talks: &mut [Talk], diags: &mut Vec<Diagnostic>) {
    let starts: Vec<DateTime<Utc>> = talks.iter().map(|t| t.when.start).collect();
    for (i, t) in talks.iter_mut().enumerate() {
        let Some(alt) = t.how.alternative else {
            continue;
        };
        let nearest = |x: DateTime<Utc>| {
            starts
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, s)| (*s - x).num_minutes().abs())
                .min()
        };
        let second_nearer = match (nearest(t.when.start), nearest(alt.start)) {
            (Some(a), Some(b)) => b < a,
            _ => false,
        };
        let (used, which) = if second_nearer {
            t.when = alt;
            (alt.start, "the second, nearer the post's other talks")
        } else {
            (t.when.start, "the first written")
        };
        diags.push(Diagnostic::warning(
            &post.path,
            t.time_line,
            format!(
                "talk \"{}\": using {which} ({})",
                t.title,
                used.format("%Y-%m-%dT%H:%MZ")
            ),
        ));
    }
}

/// An "am" that contradicts the schedule around it is a typo: an hour before
/// 7 written "am", listed after an entry that starts later the same day
/// ("**10:30 am** …", "**12:00 pm** Lunch", then "**1:00 am**"), is read as
/// pm, with a warning. Nothing else is second-guessed.
fn am_typo(
    c: &Candidate,
    resolved: (When, Vec<String>, How),
    previous: Option<NaiveDateTime>,
    zones: &resolve::PostZones,
) -> (When, Vec<String>, How) {
    use chrono::Timelike;
    let Some(t) = c.found.time else {
        return resolved;
    };
    let start = resolved.0.start_local;
    let contradicts = t.start.pm == Some(false)
        && start.hour() < 7
        && previous.is_some_and(|p| p.date() == start.date() && p > start);
    if !contradicts {
        return resolved;
    }
    let pm = |k: when::Clock| when::Clock {
        pm: Some(true),
        ..k
    };
    let mut fixed = c.clone();
    fixed.found.time = Some(when::TimeSpec {
        start: pm(t.start),
        end: t.end.map(|e| {
            if e.pm == Some(false) || e.pm.is_none() {
                pm(e)
            } else {
                e
            }
        }),
        ..t
    });
    match resolve::resolve(&fixed, zones) {
        Ok((when, mut warnings, how)) => {
            warnings.push(format!(
                "{} am is listed after a later entry of the same day; read as {} pm (a typo, evidently)",
                start.format("%-I:%M"),
                start.format("%-I:%M")
            ));
            (when, warnings, how)
        }
        Err(_) => resolved,
    }
}

/// Every entry of the post, in document order: the link-first entries
/// ([`find`]), then the time-first and table entries of the document
/// ([`schedule`]) on lines the first reading did not take.
fn candidates(post: &Post, year_hint: Option<i32>) -> Vec<Candidate> {
    let units = doc::read(&post.body, post.body_line);
    // Weekday-only headings count from the event's first day when the title
    // gives it ("Meetup week: October 6-10, 2025"), else from the post's date.
    let first_day = when::scan(&post.title).date.and_then(|d| {
        chrono::NaiveDate::from_ymd_opt(
            d.year.or(year_hint).unwrap_or(post.date.year()),
            d.month,
            d.day,
        )
    });
    let schedule::Entries {
        talks: more,
        event,
        stated,
    } = schedule::find(
        &units,
        first_day.unwrap_or(post.date.date_naive()),
        year_hint,
        &post.title,
    );
    // A link-first entry that found no day at all yields to the document
    // reading of the same line, which knows the day headings.
    let dated_elsewhere: std::collections::HashSet<usize> = more
        .iter()
        .filter(|c| c.found.date.is_some() || c.context.is_some())
        .map(|c| c.time_line)
        .collect();
    let lines: Vec<&str> = post.body.lines().collect();
    let mut out: Vec<Candidate> = find::find(&post.body, post.body_line)
        .into_iter()
        // A line that opens with a person's link names a speaker, not a
        // talk ("[Kim](/author/kim)'s talk [\"Title\"](…) on …"): the
        // document reading finds its title.
        .filter(|c| !sentence::is_person_url(&c.url) && !possessive(&lines, post.body_line, c))
        .filter(|c| {
            c.found.date.is_some() || c.context.is_some() || !dated_elsewhere.contains(&c.time_line)
        })
        .collect();
    // The link-first reading knows no zone stated for what follows ("All
    // times are in BST", a heading's "(CET)"): the nearest stated above
    // each entry, else the first stated below.
    for c in out.iter_mut().filter(|c| c.stated_zone.is_none()) {
        c.stated_zone = stated
            .iter()
            .rev()
            .find(|(line, _)| *line <= c.line)
            .or(stated.first())
            .map(|&(_, z)| z);
    }
    let taken: std::collections::HashSet<usize> =
        out.iter().flat_map(|c| [c.line, c.time_line]).collect();
    // The times the link-first reading took on each of its lines: a line
    // the document reading finds more talks on (two sessions in one
    // sentence) gives those too.
    let times_taken: Vec<(usize, Option<when::TimeSpec>)> =
        out.iter().map(|c| (c.time_line, c.found.time)).collect();
    out.extend(more.into_iter().filter(|c| {
        let free = !taken.contains(&c.line) && !taken.contains(&c.time_line);
        let another_time = c.also.is_none()
            && c.line == c.time_line
            && taken.contains(&c.line)
            && !times_taken.contains(&(c.time_line, c.found.time))
            && times_taken.iter().any(|(l, _)| *l == c.line);
        free || another_time
    }));
    // A meetup's page: its one time, in fields (`**When:** …`), is its
    // talk, named by the post.
    if out.is_empty()
        && let Some(e) = event.filter(|_| names_a_gathering(&post.title))
    {
        out.push(e);
    }
    // A heading that is a talk's own title ("### [Lessons from Tokyo](…)")
    // heads no section.
    let sections = city_sections(&units, |line| out.iter().any(|c| c.line == line));
    for (range, tz) in sections {
        for c in out.iter_mut().filter(|c| range.contains(&c.line)) {
            c.section_city = Some(tz);
        }
    }
    for (c, tz) in entry_cities(&units, &out) {
        out[c].section_city = Some(tz);
    }
    // `Day 2, 15:05 [Title](…)`: the event's second day, counted from the
    // date above.
    for c in out.iter_mut().filter(|c| c.found.date.is_none()) {
        if let Some((first, _)) = c.context
            && let Some(u) = units.iter().find(|u| u.line == c.time_line)
        {
            c.found.date = schedule::day_of_the_event(&u.text, &first);
        }
    }
    // Recaps are not schedules: nothing under a "Past talks" heading.
    let past = past_sections(&units);
    out.retain(|c| !past.iter().any(|r| r.contains(&c.line)));
    out.sort_by_key(|c| c.line);
    out.truncate(find::MAX_TALKS_PER_POST);
    out
}

/// Whether a post's title names a gathering people attend ("Rust Meetup
/// Zürich #42", "Webinar: …"), so that its one time in fields is a talk: a
/// "Maintenance window" or a release date is not.
fn names_a_gathering(title: &str) -> bool {
    const GATHERINGS: [&str; 30] = [
        "meetup",
        "meet-up",
        "webinar",
        "workshop",
        "talk",
        "talks",
        "session",
        "seminar",
        "colloquium",
        "lecture",
        "call",
        "calls",
        "office hours",
        "ama",
        "livestream",
        "live stream",
        "stream",
        "hackathon",
        "conference",
        "summit",
        "tutorial",
        "training",
        "course",
        "class",
        "panel",
        "keynote",
        "presentation",
        "meeting",
        "hangout",
        "q&a",
    ];
    let t = title.to_lowercase();
    schedule::is_session(title) && schedule::contains_any_word(&t, &GATHERINGS)
}

/// `[Name](url)'s talk …`: the link names the speaker, whatever its URL.
fn possessive(lines: &[&str], body_line: usize, c: &Candidate) -> bool {
    let Some(line) = lines.get(c.line.wrapping_sub(body_line)) else {
        return false;
    };
    // What follows the link opens with an apostrophe: a line without one
    // (most) is decided without looking for the link.
    if !line.contains(['\'', '’']) {
        return false;
    }
    // Every place the link ends (overlaps included), then what follows it.
    let link = format!("]({})", c.url);
    let mut from = 0;
    while let Some(i) = line[from..].find(&link) {
        let rest = &line[from + i + link.len()..];
        if ["'s ", "’s ", "' ", "’ "]
            .iter()
            .any(|s| rest.starts_with(s))
        {
            return true;
        }
        // `]` is one byte: the next place to look is a character boundary.
        from += i + 1;
    }
    false
}

/// The zone of the city the post names: in its title, its `location`, then its text.
fn post_city(post: &Post) -> Option<chrono_tz::Tz> {
    city::zone_in(&post.title)
        .or_else(|| post.location.as_deref().and_then(city::zone_in))
        .or_else(|| city::zone_in_prose(&markup::clean(&post.body)))
}

/// The first year a text writes ("KubeVirt Summit 2023").
fn stated_year(text: &str) -> Option<i32> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 4)
        .filter_map(|w| w.parse::<i32>().ok())
        .find(|y| (1990..=2100).contains(y))
}

/// Whether an entry writes (or its section states) a zone of its own.
fn writes_a_zone(c: &Candidate) -> bool {
    c.found.time.and_then(|t| t.zone).is_some()
        || c.found.date_zone.is_some()
        || c.context.is_some_and(|(_, z)| z.is_some())
        || c.stated_zone.is_some()
}

/// Whether a candidate's zone is an abbreviation with several readings.
fn writes_an_ambiguous_zone(c: &Candidate) -> bool {
    [
        c.found.time.and_then(|t| t.zone),
        c.found.date_zone,
        c.context.and_then(|(_, z)| z),
        c.stated_zone,
    ]
    .into_iter()
    .flatten()
    .any(zone::is_ambiguous)
}

/// The zone most talks of the post write (ties: the first written).
fn usual_zone(candidates: &[Candidate]) -> Option<zone::WrittenZone> {
    let mut counts: Vec<(zone::WrittenZone, usize)> = Vec::new();
    for c in candidates {
        let z = c.found.time.and_then(|t| t.zone).or(c.found.date_zone);
        if let Some(z) = z {
            match counts.iter_mut().find(|(w, _)| *w == z) {
                Some((_, n)) => *n += 1,
                None => counts.push((z, 1)),
            }
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max()?;
    counts.into_iter().find(|(_, n)| *n == best).map(|(z, _)| z)
}

#[cfg(test)]
mod tests {
    use super::identity::talk_slug;
    use super::*;
    use std::path::Path;

    fn post(body: &str) -> Post {
        let text = format!(
            "---\npath: /blog/p\ndate: '2024-02-02T12:00:00Z'\ntitle: T\ntimezone: Europe/Paris\n---\n{body}"
        );
        crate::post::parse(Path::new("p.md"), text.as_bytes(), None)
            .unwrap()
            .0
    }

    #[test]
    fn speakers_are_split() {
        let (t, s) = split_title("Deep Dive - Jussi Mäki & Martynas Pumputis, Isovalent");
        assert_eq!(t, "Deep Dive");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].org.as_deref(), Some("Isovalent"));
        let (t, s) = split_title("Cilium Project Meeting");
        assert_eq!((t.as_str(), s.len()), ("Cilium Project Meeting", 0));
        let s = parse_speakers("A, Org1; B, Org2 & C, Org3");
        assert_eq!(
            s.iter().map(|s| s.org.clone().unwrap()).collect::<Vec<_>>(),
            ["Org1", "Org2", "Org3"]
        );
    }

    #[test]
    fn uid_survives_edits_of_title_abstract_and_position() {
        let a = post(
            "[Talk A - X, Y](https://s.sched.com/event/1A?iframe=no)\n\nTuesday, March 19, 2024, 09:00 - 09:10 CET\n\nOld abstract\n\n[Talk B](https://s.sched.com/event/2B)\n\nTuesday, March 19, 2024, 10:00 - 10:10 CET\n",
        );
        let b = post(
            "[Talk B](https://s.sched.com/event/2B)\n\nTuesday, March 19, 2024, 10:00 - 10:10 CET\n\n[Renamed talk - X, Y](https://s.sched.com/event/1A)\n\nTuesday, March 19, 2024, 09:30 - 09:40 CET\n\nNew abstract\n",
        );
        let (ta, da) = extract(&a, &Config::default());
        let (tb, _) = extract(&b, &Config::default());
        assert!(da.is_empty(), "{da:?}");
        assert_eq!(ta[0].uid, tb[1].uid);
        assert_eq!(ta[0].slug, tb[1].slug);
        assert_eq!(ta[1].uid, tb[0].uid);
        assert_ne!(ta[0].uid, ta[1].uid);
        assert_eq!(ta[0].when.start.to_rfc3339(), "2024-03-19T08:00:00+00:00");
    }

    #[test]
    fn contradictions_are_errors_with_lines() {
        let p = post(
            "[A](u1)\n\nMonday, March 19, 2024, 09:00 - 09:10 CET\n\n[B](u2)\n\nTuesday, March 19, 2024, 25:00 - 26:00 CET\n\n[C](u3)\n\nTuesday, March 19, 2024, 09:00 - 09:10 CEST\n\n[D](u4)\n\nTuesday, March 19, 2024, 09:00 - 09:10 CET\n",
        );
        let (talks, diags) = extract(&p, &Config::default());
        assert_eq!(talks.len(), 1);
        let errors: Vec<String> = diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.to_string())
            .collect();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].starts_with("p.md:9: error:"), "{}", errors[0]);
        assert!(errors[0].contains("Tuesday"));
        assert!(errors[1].contains("25:00"));
        assert!(errors[2].contains("CEST"));
    }

    #[test]
    fn no_zone_anywhere_is_warned_of_once_per_post() {
        let p = crate::post::parse(
            Path::new("p.md"),
            b"---\ndate: '2024-02-02T12:00:00Z'\ntitle: T\n---\n[A](u1)\n\nMarch 19, 2024, 09:00\n\n[B](u2)\n\nMarch 19, 2024, 10:00\n\n[C](u3)\n\nMarch 19, 2024, 11:00\n",
            None,
        )
        .unwrap()
        .0;
        let (talks, diags) = extract(&p, &Config::default());
        assert_eq!(talks.len(), 3);
        let warnings: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("p.md:7: warning: no time zone written")
                && warnings[0].contains("assuming UTC for its 3 talks"),
            "{}",
            warnings[0]
        );
        // Every talk still says how its zone was decided.
        assert!(
            talks
                .iter()
                .all(|t| matches!(t.how.zone, how::ZoneFrom::Default(_)))
        );
    }

    #[test]
    fn urls() {
        assert_eq!(
            normalize_url("HTTPS://X.sched.com/event/1A/?iframe=no#x"),
            "https://x.sched.com/event/1A"
        );
        assert_eq!(
            talk_slug("https://x.sched.com/event/1ZJA8", "abcd"),
            "1zja8-abcd"
        );
        assert_eq!(talk_slug("https://kccncna2024.sched.com", "abcd"), "abcd");
        assert_eq!(absolute_url("/a", "https://b.io"), "https://b.io/a");
    }
}
