//! Sections of a post, by its headings: the lines under a heading of past
//! events (a recap, not a schedule), and under headings that name cities in
//! different zones (a post of several events).

use std::ops::Range;

use chrono_tz::Tz;

use super::{city, doc, when};

/// The line ranges under headings that name past events ("Past Talks",
/// "Previous webinars", "Past events in 2023"): each runs to the next
/// heading of the same or a higher level.
pub(super) fn past_sections(units: &[doc::Unit]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<(u8, usize)> = None;
    for u in units {
        let doc::Kind::Heading(level) = u.kind else {
            continue;
        };
        if let Some((l, from)) = open
            && level <= l
        {
            out.push(from..u.line);
            open = None;
        }
        let lower = u.text.to_lowercase();
        let past = lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| matches!(w, "past" | "previous" | "earlier"));
        if past && open.is_none() {
            open = Some((level, u.line));
        }
    }
    if let Some((_, from)) = open {
        out.push(from..usize::MAX);
    }
    out
}

/// The lines under each heading that names a city (up to the next heading
/// of its level or above), with that city's zone; none unless the
/// headings name cities in two zones or more (a post of several events),
/// so that a heading naming the post's one city, or a speaker's home
/// ("## Speakers from Tokyo" in a post in UTC), changes nothing. In order,
/// so a deeper heading's section, later, overrides its parent's. Headings
/// on the lines `titles` (talks' own) and headings with a link name no
/// section's place, and a city in a person's name is no place ("###
/// Austin Parker"). `is_title` is asked only of headings that name a city.
pub(super) fn city_sections(
    units: &[doc::Unit],
    is_title: impl Fn(usize) -> bool,
) -> Vec<(Range<usize>, Tz)> {
    let mut out: Vec<(Range<usize>, Tz)> = Vec::new();
    let mut open: Vec<(usize, usize, Tz)> = Vec::new();
    for u in units {
        let doc::Kind::Heading(level) = u.kind else {
            continue;
        };
        let level = usize::from(level);
        while let Some(&(_, from, tz)) = open.last().filter(|(l, _, _)| level <= *l) {
            out.push((from..u.line, tz));
            open.pop();
        }
        if !u.links.is_empty() {
            continue;
        }
        if let Some(tz) = city::zone_in_prose(&u.text).filter(|_| !is_title(u.line)) {
            open.push((level, u.line, tz));
        }
    }
    out.extend(open.into_iter().map(|(_, from, tz)| (from..usize::MAX, tz)));
    if out.iter().all(|(_, tz)| *tz == out[0].1) {
        return Vec::new();
    }
    out.sort_by_key(|(r, _)| r.start);
    out
}

/// `* **FOSDEM** (Brussels), Saturday 3 February, 14:00: [Title](…)`,
/// then `* **SCALE 21x** (Pasadena), …`: entries that each name their city,
/// in two zones or more (a list of several events), each in its city's
/// zone, as a section under a city's heading is (see [`city_sections`]).
/// Only what the entry's line writes before its date and time, outside
/// its title, is read: "Lessons from Tokyo" is a title, and a speaker's
/// "(University of Houston)" after it no place; table rows (affiliation
/// columns) are not read. Nor is anything in a post that states its zone.
/// The indices of `candidates` with their zones.
pub(super) fn entry_cities(
    units: &[doc::Unit],
    candidates: &[super::find::Candidate],
) -> Vec<(usize, Tz)> {
    if candidates.iter().any(|c| c.stated_zone.is_some()) {
        return Vec::new();
    }
    let named: Vec<(usize, Tz)> = candidates
        .iter()
        .enumerate()
        // A talk that writes its zone keeps it (see `resolve`): its
        // city is not looked for.
        .filter(|(_, c)| c.found.time.and_then(|t| t.zone).is_none() && c.found.date_zone.is_none())
        .filter_map(|(i, c)| {
            let u = units.iter().find(|u| u.line == c.line)?;
            if u.kind == doc::Kind::Row {
                return None;
            }
            let rest = u.text.replacen(c.text.as_str(), " ", 1);
            Some((i, city::zone_in_prose(before_date_or_time(&rest))?))
        })
        .collect();
    if named.iter().all(|(_, tz)| *tz == named[0].1) {
        return Vec::new();
    }
    named
}

/// The text up to its first word with a digit or naming a weekday
/// (`FOSDEM (Brussels), ` of `FOSDEM (Brussels), Saturday 3 February, 14:00`).
fn before_date_or_time(text: &str) -> &str {
    let at = text
        .split_inclusive(' ')
        .scan(0, |at, w| {
            let start = *at;
            *at += w.len();
            Some((start, w))
        })
        .find(|(_, w)| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            w.contains(|c: char| c.is_ascii_digit()) || when::weekday(&w.to_lowercase()).is_some()
        })
        .map_or(text.len(), |(start, _)| start);
    &text[..at]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(md: &str) -> Vec<doc::Unit> {
        doc::read(md, 1)
    }

    #[test]
    fn headings_name_sections_only_when_they_name_cities_in_two_zones() {
        let two = "## Summit (Amsterdam)\n\n- a\n\n## KubeCon, Atlanta\n\n- b\n\n### [Lessons from Tokyo](x)\n\n- c\n";
        let u = units(two);
        let none = |_| false;
        let found = city_sections(&u, none);
        assert_eq!(
            found,
            [
                (1..5, chrono_tz::Europe::Amsterdam),
                (5..usize::MAX, chrono_tz::America::New_York)
            ]
        );
        // One city (or one zone) in all headings: nothing to tell apart.
        let one = "## Summit (Amsterdam)\n\n- a\n\n## Day two in Amsterdam\n\n- b\n";
        assert!(city_sections(&units(one), none).is_empty());
        // A talk's own heading, or a speaker's name, is no place.
        let talk = "## Summit (Amsterdam)\n\n### Lessons from Tokyo\n\nMarch 3, 10:00\n";
        assert!(city_sections(&units(talk), |line| line == 3).is_empty());
        let person = "## Summit (Amsterdam)\n\n## Austin Parker\n";
        assert!(city_sections(&units(person), none).is_empty());
    }
}
