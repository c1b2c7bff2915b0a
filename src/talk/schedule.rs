//! Schedule entries in a post read as a document ([`doc::read`]): the
//! layouts where the time comes first or sits in a table, which `find`'s
//! link-first reading does not cover.
//!
//! - a line or list item that *opens* with a time (after its bullet or bold):
//!   `11:00-12:00 @ H.3242 - [Title](url)`, `1400-1425: **Title**`,
//!   `**9:00 am** Welcome`, `**Monday, November 6 • 10:25am:** Title - Speaker`,
//!   or a time alone with the title on the next line of the item;
//! - a table row with a time column: one talk per title cell, or one per
//!   track column when the row holds parallel talks.
//!
//! Context is read as a person reads it, top to bottom: the day from the
//! nearest heading or short line naming a date (a weekday alone takes the
//! first such day on or after the previous one), the zone from a sentence,
//! heading or column header that states it, the track from the section
//! heading. Meals, breaks, registration and other non-sessions are left out.
//! A time inside running prose never opens an entry.

use chrono::{Datelike, Duration, NaiveDate};
use chrono_tz::Tz;

use super::doc::{Kind, Unit};
use super::find::Candidate;
use super::when::{self, DateSpec, Found, TimeSpec};
use super::zone::{self, WrittenZone};

/// Words of a title that make an entry a non-session (README "What is a talk").
const NOT_SESSIONS: [&str; 20] = [
    "booth",
    "pavilion",
    "break",
    "lunch",
    "breakfast",
    "dinner",
    "coffee",
    "registration",
    "happy hour",
    "party",
    "reception",
    "food",
    "socialising",
    "socializing",
    "zoom session",
    "doors open",
    "b r e a k",
    "offsite",
    "drinkup",
    "drinks",
];

/// Whether a title names a session (not a meal, break or social event).
pub fn is_session(title: &str) -> bool {
    let t = title.to_lowercase();
    let t = t.trim();
    // "(includes the expo from 18:00)": an aside, not a title.
    let aside = t.starts_with('(') && t.find(')').is_none_or(|i| i + 1 == t.len());
    let social = NOT_SESSIONS.iter().any(|w| contains_word(t, w)) || networking_time(t);
    t.chars().any(char::is_alphabetic) && !aside && !social
}

/// "Networking", "Drinks & networking", "Evening networking": time to meet
/// people. "Zero-trust networking" or "Kubernetes networking deep dive" is a
/// talk about networks.
fn networking_time(lower: &str) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '&' && c != '+')
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().any(|(i, w)| {
        *w == "networking"
            && (i == 0
                || matches!(
                    words[i - 1],
                    "and" | "&" | "+" | "evening" | "social" | "community" | "informal"
                ))
    })
}

fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

/// Zone names people write once for a whole schedule.
const NAMED_ZONES: [(&str, Tz); 8] = [
    ("california", chrono_tz::America::Los_Angeles),
    ("pacific", chrono_tz::America::Los_Angeles),
    ("eastern", chrono_tz::America::New_York),
    ("central", chrono_tz::America::Chicago),
    ("mountain", chrono_tz::America::Denver),
    ("london", chrono_tz::Europe::London),
    ("berlin", chrono_tz::Europe::Berlin),
    ("paris", chrono_tz::Europe::Paris),
];

/// A zone a text states for what follows: an abbreviation or offset written
/// with the word "time" (or in a heading), or a named region's time.
pub fn stated_zone(text: &str, heading: bool) -> Option<WrittenZone> {
    // Most lines say nothing about time: decided without an allocation.
    let about_time = heading
        || text
            .as_bytes()
            .windows(4)
            .any(|w| w.eq_ignore_ascii_case(b"time"));
    if !about_time {
        return None;
    }
    let lower = text.to_lowercase();
    for tok in when::lex(text) {
        if let when::Tok::Zone(z) = tok {
            return Some(z);
        }
    }
    NAMED_ZONES
        .iter()
        .filter(|(name, _)| contains_word(&lower, name))
        .find(|(name, _)| heading || contains_word(&lower, &format!("{name} time")))
        .map(|&(name, tz)| WrittenZone::Region { name, tz })
}

/// What the reader knows at a point of the document.
#[derive(Debug, Clone, Default)]
struct Context {
    day: Option<DateSpec>,
    /// A year a section heading states ("Scheduled Talks in 2024").
    year: Option<i32>,
    zone: Option<WrittenZone>,
    track: Option<String>,
}

/// Finds the time-first and table entries of a document. `reference` is the
/// post's date (weekday-only headings count from it); `year_hint` the year
/// its title states.
pub fn find(units: &[Unit], reference: NaiveDate, year_hint: Option<i32>) -> Vec<Candidate> {
    let mut ctx = Context::default();
    // Each unit's date and time, read once (the grammar is the costly part).
    let scans: Vec<Found> = units.iter().map(|u| when::scan(&u.text)).collect();
    // A zone written in a prose time ("scheduled for 14:00 - 19:00 UTC")
    // stands for the post when nothing states one more plainly.
    let prose_zone = scans.iter().find_map(|f| f.time.and_then(|t| t.zone));
    let mut last_day: Option<NaiveDate> = None;
    let mut seen_day: Option<DateSpec> = None;
    let mut out = Vec::new();
    let mut i = 0;
    while i < units.len() {
        let (u, scan) = (&units[i], scans[i]);
        i += 1;
        if let Kind::Heading(level) = u.kind {
            if let Some(z) = stated_zone(&u.text, true) {
                ctx.zone = Some(z);
            }
            ctx.year = heading_year(&u.text).or(ctx.year);
            if (2..=3).contains(&level) {
                ctx.track = Some(u.text.clone());
            }
        } else if scan.time.is_none()
            && let Some(z) = stated_zone(&u.text, false)
        {
            ctx.zone = Some(z);
        }
        if let Some(day) = day_of(u, scan, reference, year_hint, last_day) {
            ctx.day = Some(day);
            continue;
        }
        let card = scan
            .time
            .is_none()
            .then(|| titled_then_time(u, units.get(i), &ctx, prose_zone))
            .flatten();
        let mut found = match (card, u.kind) {
            (Some(c), _) => {
                // The card's time line is read with it.
                i += 1;
                vec![c]
            }
            (None, Kind::Row) => row_entries(u, &ctx, prose_zone, reference, last_day),
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
        let dated = scan.date.is_some() || !when::weekday_days(&u.text).is_empty();
        if found.is_empty() && (scan.time.is_some() && dated || time_next) {
            // Talks written in sentences ([`super::sentence`]).
            let near = last_day.or(seen_day.and_then(|d| concrete(&d, year_hint)));
            found = super::sentence::entries(units, i - 1)
                .into_iter()
                .filter(|e| is_session(&e.title))
                .flat_map(|e| {
                    let mut c =
                        candidate(u.line, u.line, e.title, e.url, e.found, &ctx, prose_zone);
                    c.also = e.also;
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
        if found.is_empty() {
            // The one date a sentence gives for the event ("on September
            // 14th"), for entries that meet no day heading.
            if ctx.day.is_none() && seen_day.is_none() && scan.time.is_none() {
                seen_day = scan.date;
            }
            continue;
        }
        for mut c in found {
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
    out
}

/// A year a heading states without a date ("Scheduled Talks in 2024").
fn heading_year(text: &str) -> Option<i32> {
    if when::scan(text).date.is_some() {
        return None;
    }
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 4)
        .filter_map(|w| w.parse().ok())
        .find(|y| (1990..=2100).contains(y))
}

/// A date with its year, when it has one.
fn concrete(d: &DateSpec, year_hint: Option<i32>) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(d.year.or(year_hint)?, d.month, d.day)
}

/// The day a heading or short line sets for what follows: a date without a
/// time, or a weekday alone (the first such day on or after the previous
/// entry's day, else the post's date).
fn day_of(
    u: &Unit,
    f: Found,
    reference: NaiveDate,
    year_hint: Option<i32>,
    last_day: Option<NaiveDate>,
) -> Option<DateSpec> {
    let heading = matches!(u.kind, Kind::Heading(_));
    let short = u.text.chars().count() <= 60;
    let bold_line = short && u.lead_bold.as_deref() == Some(&u.text);
    if u.kind == Kind::Row || f.time.is_some() {
        return None;
    }
    // A short line that opens with a date ("Tuesday, May 1, 2018 (before
    // KubeCon)", "June 24th, 2019").
    let opens_with_date = short
        && leading_date(&u.text)
        && f.date
            .is_some_and(|d| d.weekday.is_some() || d.year.is_some());
    if !(heading || bold_line || opens_with_date) {
        return None;
    }
    if let Some(d) = f.date {
        return Some(d);
    }
    // "#### Saturday", "Thursday": a weekday alone.
    let words: Vec<&str> = u.text.split_whitespace().collect();
    if words.len() > 3 {
        return None;
    }
    let w = words.iter().find_map(|w| weekday_of(w))?;
    let from = last_day.unwrap_or_else(|| {
        year_hint
            .filter(|y| *y != reference.year())
            .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1))
            .unwrap_or(reference)
    });
    Some(next_weekday(from, w))
}

/// Whether the text's first word belongs to a date.
fn leading_date(text: &str) -> bool {
    text.split_whitespace().next().is_some_and(|w| {
        let w = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        weekday_of(&w).is_some() || month_word(&w)
    })
}

/// The first `weekday` (0 = Monday) on or after `from`, as a full date.
fn next_weekday(from: NaiveDate, weekday: u32) -> DateSpec {
    let mut d = from;
    while d.weekday().num_days_from_monday() != weekday {
        d += Duration::days(1);
    }
    DateSpec {
        weekday: Some(weekday),
        month: d.month(),
        day: d.day(),
        year: Some(d.year()),
    }
}

fn weekday_of(word: &str) -> Option<u32> {
    let w = word
        .trim_matches(|c: char| !c.is_alphabetic())
        .to_lowercase();
    // Whole names only: "Sun" or "Wed" in a title is not a day.
    (w.len() >= 6).then(|| when::weekday(&w)).flatten()
}

/// The time expression that opens `text`, and the text after it.
fn leading_time(text: &str) -> Option<(Found, &str)> {
    // The run of words that can belong to a time; read whole first (one
    // reading of the grammar for the usual line), else word by word back.
    let mut ends = Vec::new();
    let mut end = 0;
    let words: Vec<&str> = text.split_inclusive(char::is_whitespace).collect();
    for (i, word) in words.iter().enumerate() {
        // `6 August @ 20:00 UTC`: an "@" before a clock joins date and time
        // (before a room, `11:00 @ H.3242 - Title`, it ends the time).
        let at_clock = word.trim() == "@"
            && words.get(i + 1).is_some_and(|n| {
                n.trim().starts_with(|c: char| c.is_ascii_digit()) && n.contains(':')
            });
        // `16:00 - 17:00 UTC on 21 January 2021`: "on" before a date joins it
        // to the time (before other words, `10:00 on Kubernetes`, it is title).
        let on_date = word.trim().eq_ignore_ascii_case("on")
            && words.get(i + 1).is_some_and(|n| {
                let n = n.trim().to_lowercase();
                n.starts_with(|c: char| c.is_ascii_digit())
                    || month_word(&n)
                    || weekday_of(n.trim_end_matches(',')).is_some()
            });
        if i > 12 || !(at_clock || on_date || time_word(word.trim())) {
            break;
        }
        end += word.len();
        ends.push(end);
    }
    let (f, end) = ends
        .iter()
        .rev()
        .map(|&end| (when::scan(&text[..end]), end))
        .find(|(f, _)| f.time.is_some())?;
    // The time must open the text: nothing but the time words before it.
    Some((f, &text[end..]))
}

/// A word that can be part of a date/time expression.
fn time_word(w: &str) -> bool {
    let core = w.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '(' | ')' | '*' | '~' | '.'));
    if core.is_empty() {
        // Only the trimmed characters: `~` and `:` stand between a time's parts.
        return matches!(w, "~" | ":");
    }
    if core.chars().any(|c| c.is_ascii_digit()) {
        // `11:50am-12:30pm` is 15; a word of more is not a time.
        return core.chars().count() <= 20;
    }
    let lower = core.to_lowercase();
    matches!(
        lower.as_str(),
        "am" | "pm"
            | "a.m"
            | "p.m"
            | "to"
            | "at"
            | "noon"
            | "midday"
            | "midnight"
            | "-"
            | "–"
            | "—"
            | "•"
            | "·"
            | "|"
    ) || weekday_of(&lower).is_some()
        || month_word(&lower)
        || zone::lookup(core).is_some()
        || (core == "UTC" || core == "GMT")
}

fn month_word(w: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    w.len() >= 3 && MONTHS.iter().any(|m| w.starts_with(m)) && w.len() <= 9
}

/// Separators between a time and its title.
fn strip_separators(s: &str) -> &str {
    s.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—' | '|' | '•' | '·' | ',' | '*')
    })
}

/// A line or list item that opens with a time.
fn line_entry(
    units: &[Unit],
    at: usize,
    ctx: &Context,
    prose_zone: Option<WrittenZone>,
) -> Option<Candidate> {
    let u = &units[at];
    let (found, rest) = leading_time(&u.text)?;
    let (also, rest) = match second_zone_time(rest) {
        Some((t, after)) => (Some(t), after),
        None => (None, rest),
    };
    let mut rest = strip_separators(rest);
    // `@ room - title`
    if let Some(r) = rest.strip_prefix('@') {
        rest = r.split_once(" - ").map_or("", |(_, t)| t);
        rest = strip_separators(rest);
    }
    let mut title = rest.to_string();
    let mut url = u
        .links
        .iter()
        .find(|l| rest.contains(&l.text))
        .map(|l| l.url.clone());
    let mut line = u.line;
    if title.is_empty() {
        let n = lone_time_title(units, at)?;
        title = n.text.clone();
        url = n.links.first().map(|l| l.url.clone()).filter(|u| u != "#");
        line = n.line;
        if let Some(label) = LABELS.iter().find_map(|l| strip_label(&n.text, l)) {
            title = label.to_string();
        } else if let Some(l) = n
            .links
            .first()
            .filter(|l| n.text.trim_start_matches('[').starts_with(&l.text))
        {
            // `[Title](url) led by …`, `[Title][4] led by …`: the link names it.
            title = l.text.clone();
        }
    }
    if let Some(l) = u
        .links
        .iter()
        .find(|l| title.starts_with(&l.text) && !l.text.is_empty())
    {
        title = l.text.clone();
        url = Some(l.url.clone());
    }
    let title = strip_trailing_speakers(&u.source, &title);
    let (title, byline) = split_byline(&title);
    if !is_session(&title) {
        return None;
    }
    let mut c = candidate(line, u.line, title, url, found, ctx, prose_zone);
    c.also = also;
    c.byline = byline;
    Some(c)
}

/// The date nearest `near` (within a year either way) whose day of the
/// month is `day` and whose weekday is `weekday` (0 = Monday): "Monday
/// 18th" in a post about November 2024 is 18 November 2024.
fn nearest_weekday_day(near: NaiveDate, weekday: u32, day: u32) -> Option<NaiveDate> {
    let first = near.with_day(1)?;
    (-12..=12)
        .filter_map(|k: i32| {
            let month = if k < 0 {
                first.checked_sub_months(chrono::Months::new(k.unsigned_abs()))
            } else {
                first.checked_add_months(chrono::Months::new(k as u32))
            }?;
            month.with_day(day)
        })
        .filter(|d| wd_of(*d) == weekday)
        .min_by_key(|d| ((*d - near).num_days().abs(), *d < near))
}

fn wd_of(d: NaiveDate) -> u32 {
    d.weekday().num_days_from_monday()
}

/// Why a unit that holds a schedule-like time became no talk: what
/// `almanac check` and `almanac explain` tell the author.
pub fn why_no_talk(u: &Unit) -> &'static str {
    if u.kind == Kind::Row {
        return "a table row with a time, but no title cell a talk can be named by (or a break, meal or social item)";
    }
    match leading_time(&u.text) {
        Some((_, rest)) => {
            let title = strip_separators(rest);
            if title.is_empty() {
                "a time with no title after it or on the next line of its item"
            } else if !is_session(title) {
                "a break, meal, registration or social item, not a talk"
            } else {
                "an entry whose date, zone or title could not be settled (see the errors)"
            }
        }
        None => {
            "a time inside running prose: it opens no entry (write the time first, or the title as a link with the time on the next line)"
        }
    }
}

/// Labels that name a talk's title on its own line (`_Topic_: …`).
const LABELS: [&str; 4] = ["topic", "title", "talk", "session"];

/// `Topic: The title` → `The title` (any case, the label then a colon).
fn strip_label<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let (head, rest) = text.split_once(':')?;
    head.trim()
        .eq_ignore_ascii_case(label)
        .then(|| rest.trim())
        .filter(|r| !r.is_empty())
}

/// The unit that names a time written alone (`**6 August @ 20:00 UTC**`):
/// a `Topic:`/`Title:` line among the next lines of its paragraph or item,
/// else the next line of it; for a nested bullet holding only a time, the
/// item it is nested under (`- [Title][4] led by …` then `  - Tuesday,
/// December 11 @ 10:50 AM PST`).
fn lone_time_title(units: &[Unit], at: usize) -> Option<&Unit> {
    let u = &units[at];
    let same_block: Vec<&Unit> = units[at + 1..]
        .iter()
        .take(4)
        .enumerate()
        .take_while(|(k, n)| {
            n.line == u.line + k + 1
                && matches!(
                    n.kind,
                    Kind::Item { first: false } | Kind::Line { first: false }
                )
        })
        .map(|(_, n)| n)
        .collect();
    if let Some(n) = same_block
        .iter()
        .find(|n| LABELS.iter().any(|l| strip_label(&n.text, l).is_some()))
    {
        return Some(n);
    }
    if let Some(n) = same_block.first() {
        return Some(n);
    }
    if !matches!(u.kind, Kind::Item { first: true }) {
        return None;
    }
    // The item above, within a few lines, that opens with a title and
    // holds no time of its own.
    let parent = units[..at]
        .iter()
        .rev()
        .take_while(|p| u.line - p.line <= 6 && !matches!(p.kind, Kind::Heading(_)))
        .find(|p| p.kind == (Kind::Item { first: true }))?;
    (when::scan(&parent.text).time.is_none() && !parent.links.is_empty()).then_some(parent)
}

/// `10:00 PT / 19:00 CEST`: the same start in a second zone, after a slash.
fn second_zone_time(rest: &str) -> Option<(TimeSpec, &str)> {
    let r = rest.trim_start().strip_prefix('/')?;
    let (f, after) = leading_time(r.trim_start())?;
    let t = f.time.filter(|t| t.zone.is_some())?;
    Some((t, after))
}

/// `Title, by Jane Doe`: the speakers after `, by` are not the title.
fn split_byline(title: &str) -> (String, Option<String>) {
    for sep in [", by ", " , by ", " — by ", " – by "] {
        if let Some(i) = title.rfind(sep) {
            let who = title[i + sep.len()..].trim();
            if who.chars().next().is_some_and(char::is_uppercase) {
                return (title[..i].trim_end().to_string(), Some(who.to_string()));
            }
        }
    }
    (title.to_string(), None)
}

/// A card or heading that names a talk, with its time alone on the next
/// unit, perhaps after a label (`<h3>Title</h3><p>June 17, 2025 ·
/// 14:00–14:30</p>`, `### Title` then `**Date:** 1 August, 7:30 UTC`).
fn titled_then_time(
    u: &Unit,
    next: Option<&Unit>,
    ctx: &Context,
    prose_zone: Option<WrittenZone>,
) -> Option<Candidate> {
    if !matches!(u.kind, Kind::Heading(3..)) {
        return None;
    }
    let n = next.filter(|n| matches!(n.kind, Kind::Line { .. } | Kind::Item { .. }))?;
    // `**Date:** 1 August, 7:30 UTC` under the talk's heading.
    let text = ["date", "when", "time"]
        .iter()
        .find_map(|l| strip_label(&n.text, l))
        .unwrap_or(&n.text);
    let (found, rest) = leading_time(text)?;
    if !strip_separators(rest).is_empty() || !is_session(&u.text) {
        return None;
    }
    let url = u.links.first().map(|l| l.url.clone());
    Some(candidate(
        u.line,
        n.line,
        u.text.clone(),
        url,
        found,
        ctx,
        prose_zone,
    ))
}

/// `Title __Speaker, Org__`: the bold speakers at the end are not the title.
fn strip_trailing_speakers(source: &str, title: &str) -> String {
    let src = source.trim_end();
    if let Some(body) = src.strip_suffix("__")
        && let Some(open) = body.rfind("__")
    {
        let speakers = super::doc::squash(&body[open + 2..]);
        if let Some(t) = title.trim_end().strip_suffix(&speakers) {
            return t.trim_end().to_string();
        }
    }
    title.to_string()
}

fn candidate(
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
    }
}

/// Text read with its markup turned into spaces (`[Binder](…), a tool`
/// reads `Binder , a tool`): no space before `,;.!?)` or after `(`.
fn tidy(text: &str) -> String {
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
fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '_' | '[' | ']' | '<' | '>' | '`' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Columns a schedule table may have, by header.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    Time,
    Title,
    Speaker,
    Other,
    Track,
}

fn column_of(header: &str) -> Column {
    let h = header.to_lowercase();
    let has = |w: &str| contains_word(&h, w);
    if has("time") || has("when") || has("date") {
        Column::Time
    } else if has("title")
        || has("session")
        || has("talk")
        || has("topic")
        || has("activity")
        || has("event")
    {
        Column::Title
    } else if has("speaker") || has("speakers") || has("presenter") || has("by") {
        Column::Speaker
    } else if has("institution")
        || has("affiliation")
        || has("organization")
        || has("registration")
        || has("link")
        || has("webex")
        || has("youtube")
        || has("video")
        || has("slides")
        || has("recording")
        || matches!(h.trim(), "track" | "room" | "location" | "where" | "level")
    {
        Column::Other
    } else {
        Column::Track
    }
}

/// The talks of one table row.
fn row_entries(
    u: &Unit,
    ctx: &Context,
    prose_zone: Option<WrittenZone>,
    reference: NaiveDate,
    last_day: Option<NaiveDate>,
) -> Vec<Candidate> {
    let Some(header) = &u.header else {
        return Vec::new();
    };
    let columns: Vec<Column> = header.iter().map(|h| column_of(h)).collect();
    let time_cols: Vec<usize> = (0..columns.len())
        .filter(|&c| columns[c] == Column::Time)
        .collect();
    // The first time column that gives a time, read with its header (a
    // `Time (UTC)` header states the zone).
    let mut found = None;
    let mut header_zone = None;
    let mut date = None;
    for &c in &time_cols {
        let Some(cell) = u.cells.get(c) else { continue };
        let f = when::scan(&cell.text);
        if f.date.is_some() && date.is_none() {
            date = f.date;
        }
        if f.time.is_some() && found.is_none() {
            found = Some(f);
            header_zone = stated_zone(&header[c], true);
            // "Sunday 8 - 11:30 am": a weekday alone in the cell.
            if f.date.is_none()
                && let Some(w) = cell.text.split_whitespace().find_map(weekday_of)
            {
                date = Some(next_weekday(last_day.unwrap_or(reference), w));
            }
        }
    }
    let Some(mut found) = found else {
        return Vec::new();
    };
    if found.date.is_none() {
        found.date = date;
    }
    let title_cols: Vec<usize> = {
        let titles: Vec<usize> = (0..columns.len())
            .filter(|&c| columns[c] == Column::Title)
            .collect();
        if titles.is_empty() {
            (0..columns.len())
                .filter(|&c| columns[c] == Column::Track)
                .collect()
        } else {
            titles
        }
    };
    let speakers: Option<String> = (0..columns.len())
        .find(|&c| columns[c] == Column::Speaker)
        .and_then(|c| u.cells.get(c))
        .map(|c| c.text.clone())
        .filter(|s| !s.is_empty());
    let mut ctx = ctx.clone();
    if header_zone.is_some() {
        ctx.zone = header_zone;
    }
    let parallel = title_cols.len() > 1;
    title_cols
        .iter()
        .filter_map(|&c| {
            let cell = u.cells.get(c)?;
            // The whole cell, quotation marks included: the author's title as written.
            let title = cell.text.trim().to_string();
            if !is_session(&title) {
                return None;
            }
            let url = cell
                .links
                .first()
                .or_else(|| u.cells.iter().flat_map(|c| c.links.first()).next())
                .map(|l| l.url.clone());
            let mut ctx = ctx.clone();
            if parallel {
                ctx.track = Some(header[c].clone());
            }
            let title = match &speakers {
                Some(s) => format!("{title} - {s}"),
                None => title,
            };
            Some(candidate(
                u.line, u.line, title, url, found, &ctx, prose_zone,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
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
    fn a_long_time_range_still_opens_a_line() {
        let (f, rest) = leading_time("11:50am-12:30pm: Panel: one stack?").unwrap();
        assert!(f.time.is_some());
        assert_eq!(rest.trim(), "Panel: one stack?");
        // "on" joins a date to the time only before a date.
        let (f, rest) = leading_time("16:00 - 17:00 UTC on 21 January 2021;").unwrap();
        assert!(f.date.is_some());
        assert_eq!(strip_separators(rest), "");
        let (_, rest) = leading_time("10:00 on Kubernetes upgrades").unwrap();
        assert_eq!(rest.trim(), "on Kubernetes upgrades");
    }
}
