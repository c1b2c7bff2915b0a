//! Schedule entries in a post read as a document ([`doc::read`]): the
//! layouts where the time comes first or sits in a table, which `find`'s
//! link-first reading does not cover.
//!
//! - a line or list item that *opens* with a time (after its bullet or bold):
//!   `11:00-12:00 @ H.3242 - [Title](url)`, `1400-1425: **Title**`,
//!   `**9:00 am** Welcome`, `**Monday, November 6 • 10:25am:** Title - Speaker`,
//!   or a time alone with the title on the next line of the item;
//! - a title, then its time (`titled`): `- Autoscaling that works – 11:45`,
//!   `### Title (Wed, Sep 3, 2:30 PM PDT)`, `Session 1 (9:00–10:30): Title`;
//! - a table row with a time column: one talk per title cell, or one per
//!   track column when the row holds parallel talks.
//!
//! Context is read as a person reads it, top to bottom: the day from the
//! nearest heading or short line naming a date (a weekday alone takes the
//! first such day on or after the previous one), the zone from a sentence,
//! heading or column header that states it, the track from the section
//! heading. Meals, breaks, registration and other non-sessions are left out.
//! A time inside running prose never opens an entry.

mod card;
mod days;
mod lines;
mod sessions;
mod table;
mod title;
mod titled;

use chrono::{Datelike, NaiveDate};

use super::doc::{Kind, Unit};
use super::find::Candidate;
use super::when::{self, DateSpec, Found};
use super::zone::WrittenZone;
use card::titled_then_time;
pub(super) use days::day_of_the_event;
use days::{
    concrete, concrete_from, day_number, day_of, days_after, heading_year, nearest_weekday_day,
    next_weekday, wd_of,
};
use lines::line_entry;
pub(super) use lines::time_word;
pub use lines::{time_alone, why_no_talk};
pub use sessions::{contains_any_word, contains_word, is_session, stated_zone};
use table::row_entries;

/// What the reader knows at a point of the document.
#[derive(Debug, Clone, Default)]
pub(super) struct Context {
    day: Option<DateSpec>,
    /// A year a section heading states ("Scheduled Talks in 2024").
    year: Option<i32>,
    zone: Option<WrittenZone>,
    track: Option<String>,
}

/// What [`find`] reads in a document.
pub struct Entries {
    /// The time-first, table, card and sentence entries, in document order.
    pub talks: Vec<Candidate>,
    /// The event's own time, in fields under no title of their own
    /// (`**When:** …`), when the post gives exactly one: titled `title`, the
    /// post's one talk if no reader finds another.
    pub event: Option<Candidate>,
    /// The zones the post states for what follows, by line (see
    /// [`stated_zones`]).
    pub stated: Vec<(usize, WrittenZone)>,
}

/// The zones a post states for what follows, with their lines: short
/// sentences and headings with no time of their own that say what zone
/// times are in ("All times are in BST", "## Schedule (all times CET)").
/// Short, because an abstract's "Earliest Departure Time (EDT)" states
/// nothing.
fn stated_zones(units: &[Unit], scans: &[Found]) -> Vec<(usize, WrittenZone)> {
    units
        .iter()
        .zip(scans)
        .filter(|(u, f)| f.time.is_none() && u.text.len() <= 120)
        .filter_map(|(u, _)| Some((u.line, stated_zone(&u.text, false)?)))
        .collect()
}

/// The event's first day as the prose below unit `at` gives it ("### Tuesday,
/// 10:30 — Title", then "re:Invent runs December 2–6, 2024"): the first
/// date, with no time, not before the post's date, in a line after it.
/// Weekdays count from there rather than from the post's date.
fn event_dates_below(
    units: &[Unit],
    scans: &[Found],
    at: usize,
    reference: NaiveDate,
    year_hint: Option<i32>,
) -> Option<NaiveDate> {
    units[at..]
        .iter()
        .zip(&scans[at..])
        .filter(|(u, f)| f.time.is_none() && !matches!(u.kind, Kind::Heading(_)))
        .find_map(|(_, f)| concrete(&f.date?, year_hint).filter(|d| *d >= reference))
}

/// Finds the time-first and table entries of a document. `reference` is the
/// post's date (weekday-only headings count from it); `year_hint` the year
/// its title states; `title` the post's.
pub fn find(units: &[Unit], reference: NaiveDate, year_hint: Option<i32>, title: &str) -> Entries {
    let mut ctx = Context::default();
    // Each unit's date and time, read once (the grammar is the costly part).
    let scans: Vec<Found> = units.iter().map(|u| when::scan(&u.text)).collect();
    // A zone written in a prose time ("scheduled for 14:00 - 19:00 UTC")
    // stands for the post when nothing states one more plainly.
    let stated = stated_zones(units, &scans);
    // So does a sentence that states one after the schedule ("All times
    // are in BST" at the end of the post).
    let prose_zone = scans
        .iter()
        .find_map(|f| f.time.and_then(|t| t.zone))
        .or_else(|| stated.first().map(|&(_, z)| z));
    let mut last_day: Option<NaiveDate> = None;
    // The date of the table row above, for a row whose Date cell is empty.
    let mut row_above: Option<DateSpec> = None;
    let mut seen_day: Option<DateSpec> = None;
    let mut out = Vec::new();
    let mut events = Vec::new();
    // The first unit after the event fields last read.
    let mut event_skip = 0;
    let mut i = 0;
    while i < units.len() {
        let (u, scan) = (&units[i], scans[i]);
        i += 1;
        if u.kind != Kind::Row {
            row_above = None;
        }
        if let Kind::Heading(level) = u.kind {
            if let Some(z) = stated_zone(&u.text, true) {
                ctx.zone = Some(z);
            }
            ctx.year = heading_year(&u.text).or(ctx.year);
            // A heading that is only a time (`### 10:30 – 10:55`) is its
            // talk's, not a track's.
            if (2..=3).contains(&level) && !(scan.time.is_some() && time_alone(&u.text)) {
                ctx.track = Some(u.text.clone());
            }
        } else if scan.time.is_none()
            && let Some(z) = stated_zone(&u.text, false)
        {
            ctx.zone = Some(z);
        }
        if i > event_skip
            && (scan.date.is_some() || scan.time.is_some())
            && let Some((found, also, time_at, took)) = card::event_time(units, i - 1)
        {
            event_skip = i - 1 + took;
            let line = units[time_at].line;
            let mut c = candidate(line, line, title.to_string(), None, found, &ctx, prose_zone);
            c.also = also;
            events.push(c);
        }
        // `### Day 2` under "November 13–15, 2024": the event's second day.
        if let Some(n) = day_number(u, scan)
            && let Some(first) = seen_day
        {
            // The year may be unwritten ("on September 4 & 5").
            let first = DateSpec {
                year: first.year.or(year_hint),
                ..first
            };
            ctx.day = days_after(&first, n - 1);
            continue;
        }
        // A weekday alone counts from the last entry's day, else from the
        // date the prose gives the event ("March 25–27, 2025", then
        // `**Tuesday**`), when that is not before the post.
        let from = last_day.or_else(|| {
            seen_day
                .and_then(|d| concrete_from(&d, year_hint, reference))
                .filter(|d| *d >= reference)
        });
        if let Some(day) = day_of(u, scan, reference, year_hint, from) {
            ctx.day = Some(day);
            continue;
        }
        // The weekday that opens a card's time line (`Tuesday, 10:00`).
        let mut card_weekday = None;
        let card = scan
            .time
            .is_none()
            .then(|| titled_then_time(units, i - 1, &ctx, prose_zone))
            .flatten();
        let mut found = match (card, u.kind) {
            (Some((c, took)), _) => {
                // The card's time lines are read with it.
                i += took;
                card_weekday = when::opening_weekday(&units[i - 1].text);
                vec![c]
            }
            // A weekday alone in a row counts from the last entry's day,
            // else from the one date the post's prose gives the event.
            (None, Kind::Row) => {
                let near =
                    last_day.or(seen_day.and_then(|d| concrete_from(&d, year_hint, reference)));
                let found = row_entries(u, &ctx, prose_zone, reference, near, row_above);
                row_above = found.first().and_then(|c| c.found.date).or(row_above);
                found
            }
            (None, _) => line_entry(units, i - 1, &ctx, prose_zone)
                .into_iter()
                .collect(),
        };
        if found.is_empty() && !u.links.is_empty() {
            found = super::sentence::time_links(u)
                .into_iter()
                .filter(|e| is_session(&e.title))
                .map(|e| {
                    let mut c = candidate(u.line, u.line, e.title, None, e.found, &ctx, prose_zone);
                    c.byline = e.byline;
                    c
                })
                .collect();
        }
        // A sentence that opens an item or paragraph may have its time on
        // the next line of it.
        let opens = matches!(
            u.kind,
            Kind::Item { first: true } | Kind::Line { first: true }
        );
        let time_next = opens
            && units.get(i).is_some_and(|n| {
                n.line == u.line + 1
                    && matches!(
                        n.kind,
                        Kind::Item { first: false } | Kind::Line { first: false }
                    )
                    && scans[i].time.is_some()
            });
        // Days without a month are looked for only where a time has no date.
        // `**Monday**, 11:30: Title`, `Monday: [Title](…) at 10:00 PT`: a
        // weekday opens the line, with no date; the first such day on or
        // after the last entry's, else the date above, else the event's
        // first or the post's (never the date above whatever its weekday).
        let mut weekday = matches!(
            u.kind,
            Kind::Line { .. } | Kind::Item { .. } | Kind::Heading(_)
        )
        .then(|| when::opening_weekday(&u.text))
        .flatten()
        .or(card_weekday);
        let dated =
            || scan.date.is_some() || weekday.is_some() || !when::weekday_days(&u.text).is_empty();
        if found.is_empty() && (scan.time.is_some() && dated() || time_next) {
            // Talks written in sentences ([`super::sentence`]).
            let near = last_day.or(seen_day.and_then(|d| concrete_from(&d, year_hint, reference)));
            found = super::sentence::entries(units, i - 1)
                .into_iter()
                .filter(|e| is_session(&e.title))
                .flat_map(|e| {
                    let mut c =
                        candidate(u.line, u.line, e.title, e.url, e.found, &ctx, prose_zone);
                    c.also = e.also;
                    c.byline = e.byline;
                    if e.days.is_empty() {
                        return vec![c];
                    }
                    // One session per day, each in the month that day falls
                    // on its weekday nearest the dates above.
                    let near = near.unwrap_or(reference);
                    e.days
                        .iter()
                        .filter_map(|&(wd, day)| nearest_weekday_day(near, wd, day))
                        .map(|d| {
                            let mut c = c.clone();
                            c.found.date = Some(DateSpec {
                                weekday: Some(wd_of(d)),
                                month: d.month(),
                                day: d.day(),
                                year: Some(d.year()),
                            });
                            c
                        })
                        .collect()
                })
                .collect();
        }
        // A title then its time, only where a date is known: a line such
        // as `- Kick-off – 09:00` in a post with no day is no schedule.
        if found.is_empty()
            && scan.time.is_some()
            && (scan.date.is_some() || ctx.day.is_some() || seen_day.is_some())
            && let Some((c, wd)) = titled::trailing_time_entry(u, &ctx, prose_zone)
        {
            weekday = weekday.or(wd);
            found.push(c);
        }
        if found.is_empty() {
            // The one date a sentence gives for the event ("on September
            // 14th"), for entries that meet no day heading.
            if ctx.day.is_none() && seen_day.is_none() && scan.time.is_none() {
                seen_day = scan.date;
            }
            continue;
        }
        for mut c in found {
            if c.found.date.is_none()
                && let Some(wd) = weekday
                && let Some(from) = last_day
                    .or_else(|| {
                        ctx.day
                            .or(seen_day)
                            .and_then(|d| concrete_from(&d, year_hint, reference))
                    })
                    .or_else(|| event_dates_below(units, &scans, i, reference, year_hint))
                    .or(Some(reference))
            {
                c.found.date = Some(next_weekday(from, wd));
            }
            if c.context.is_none() && c.found.date.is_none() {
                c.context = seen_day.map(|d| (d, None));
            }
            // A table in date order that runs past December goes on into
            // the next year; a section's year is used for dates without one.
            if let Some(d) = c.found.date.as_mut().filter(|d| d.year.is_none())
                && let Some(y) = ctx.year
            {
                let mut date = NaiveDate::from_ymd_opt(y, d.month, d.day);
                if let (Some(x), Some(prev)) = (date, last_day)
                    && x < prev
                {
                    date = NaiveDate::from_ymd_opt(y + 1, d.month, d.day);
                }
                d.year = date.map(|x| x.year());
            }
            if let Some(d) = c
                .found
                .date
                .or(ctx.day)
                .and_then(|d| concrete(&d, year_hint))
            {
                last_day = Some(d);
            }
            out.push(c);
        }
    }
    Entries {
        talks: out,
        event: (events.len() == 1).then(|| events.pop()).flatten(),
        stated,
    }
}

pub(super) fn candidate(
    line: usize,
    time_line: usize,
    title: String,
    url: Option<String>,
    found: Found,
    ctx: &Context,
    prose_zone: Option<WrittenZone>,
) -> Candidate {
    Candidate {
        line,
        text: escape_md(&tidy(&title)),
        url: url.unwrap_or_default(),
        found,
        time_line,
        context: ctx.day.map(|d| (d, None)),
        stated_zone: ctx.zone.or(prose_zone),
        track: ctx.track.clone(),
        byline: None,
        abstract_md: String::new(),
        also: None,
        section_city: None,
    }
}

/// Text read with its markup turned into spaces (`[Binder](…), a tool`
/// reads `Binder , a tool`): no space before `,;.!?)` or after `(`.
pub(super) fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, ',' | ';' | '.' | '!' | '?' | ')') && out.ends_with(' ') {
            out.pop();
        }
        if c == ' ' && out.ends_with('(') {
            continue;
        }
        out.push(c);
    }
    out
}

/// Plain text kept plain when later read as Markdown.
pub(super) fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '_' | '[' | ']' | '<' | '>' | '`' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::lines::{leading_time, strip_separators};
    use super::*;

    #[test]
    fn a_weekday_and_day_take_the_nearest_month_that_fits() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // Monday 18th near 20 November 2024: 18 November (a Monday).
        assert_eq!(
            nearest_weekday_day(d(2024, 11, 20), 0, 18),
            Some(d(2024, 11, 18))
        );
        // Tuesday 19th near 18 November 2024: the next day.
        assert_eq!(
            nearest_weekday_day(d(2024, 11, 18), 1, 19),
            Some(d(2024, 11, 19))
        );
        // Friday 18th near 20 November 2024: October (Nov 18 is a Monday).
        assert_eq!(
            nearest_weekday_day(d(2024, 11, 20), 4, 18),
            Some(d(2024, 10, 18))
        );
        // No 31st on that weekday within a year: none.
        assert!(nearest_weekday_day(d(2024, 11, 20), 4, 32).is_none());
    }

    #[test]
    fn names_that_start_like_months_are_no_months() {
        use super::lines::month_word;
        for m in ["jan", "jan.", "sept", "january", "mar", "may", "december"] {
            assert!(month_word(m), "{m}");
        }
        for w in ["jane", "mark", "mayor", "augustin", "decker", "ja"] {
            assert!(!month_word(w), "{w}");
        }
    }

    #[test]
    fn a_long_time_range_still_opens_a_line() {
        let (f, rest) = leading_time("11:50am-12:30pm: Panel: one stack?").unwrap();
        assert!(f.time.is_some());
        assert_eq!(rest.trim(), "Panel: one stack?");
        // "on" joins a date to the time only before a date.
        let (f, rest) = leading_time("16:00 - 17:00 UTC on 21 January 2021;").unwrap();
        assert!(f.date.is_some());
        assert_eq!(strip_separators(rest), "");
        // An ISO date-time with seconds and an offset is one word of 25.
        let (f, rest) = leading_time("2025-04-05T10:00:00+02:00 [Intro](https://x.org)").unwrap();
        assert!(f.date.is_some() && f.time.is_some());
        assert_eq!(rest.trim(), "[Intro](https://x.org)");
        let (_, rest) = leading_time("10:00 on Kubernetes upgrades").unwrap();
        assert_eq!(rest.trim(), "on Kubernetes upgrades");
    }
}
