//! Entries whose title comes before their time: `- Autoscaling that
//! works (John Doe) – 11:45`, `**Async drop** (10:00–10:30)`, `###
//! Async traits in practice (Wed, Sep 3, 2:30 PM PDT)`, `Session 1
//! (9:00–10:30): Foundations of type theory`. Read only where no other
//! reader took the line and a date is known, with the guards each says.

use super::super::doc::{Kind, Unit};
use super::super::find::Candidate;
use super::super::when::{self, Found, TimeSpec};
use super::super::zone::WrittenZone;
use super::lines::{leading_time, other_zones, strip_separators, time_word};
use super::sessions::is_session;
use super::title::{quoted_title, split_byline};
use super::{Context, candidate};

/// A list item or line that is a title, then a separator and a time that
/// ends it or is followed by a short remark (`- Autoscaling that works
/// (John Doe) – 11:45`, `Closing panel | 16:00–16:45 CET`, see
/// [`time_then_remark`]), or a bold title and the time after it (see
/// [`bold_title_then_time`]): the time's date comes from the day heading
/// above.
/// The title must be a session's and name no date or time of its own, and
/// the separator punctuation: "Doors open at 9:00" is a sentence.
/// With the weekday that opens the time, for a time whose date is only
/// that weekday (`(Wednesday 14:00–14:30)`).
pub(super) fn trailing_time_entry(
    u: &Unit,
    ctx: &Context,
    prose_zone: Option<WrittenZone>,
) -> Option<(Candidate, Option<u32>)> {
    const MAX_TITLE_CHARS: usize = 150;
    // One paragraph may hold several such lines.
    if matches!(u.kind, Kind::Line { .. } | Kind::Item { .. })
        && let Some(c) = label_then_time(u, ctx, prose_zone)
    {
        return Some((c, None));
    }
    let heading = matches!(u.kind, Kind::Heading(2..));
    if !heading
        && !matches!(
            u.kind,
            Kind::Item { first: true } | Kind::Line { first: true }
        )
    {
        return None;
    }
    // A line that opens with a date or time is the time-first reader's
    // (every dated line of a post that no reader took comes here).
    if u.text.split_whitespace().next().is_some_and(time_word) && leading_time(&u.text).is_some() {
        return None;
    }
    if let Some(found) = parenthesised_time_entry(u, ctx, prose_zone) {
        return Some(found);
    }
    if heading {
        return None;
    }
    if let Some(c) = bold_title_then_time(u, ctx, prose_zone) {
        return Some((c, None));
    }
    let text = u.text.trim_end_matches(['.', ';']);
    let (head, found, also, remark) = time_then_remark(text)?;
    // `**FOSDEM** (Brussels), Saturday 3 February, 14:00: [Title](…)`: a
    // link after the time is the talk; what comes before names the event.
    let head = match u
        .links
        .iter()
        .find(|l| !l.text.is_empty() && l.text == remark)
    {
        Some(l) => l.text.as_str(),
        None => without_trailing_separator(head),
    };
    if head.chars().count() > MAX_TITLE_CHARS
        // `… talk "Title" on Tuesday, July 9 at 14:50`: a sentence's day.
        || head.split_whitespace().last().is_some_and(time_word)
    {
        return None;
    }
    let mut c = titled_before_its_time(u, head, found, ctx, prose_zone)?;
    c.also = also;
    Some((c, None))
}

/// Separators between a title and the time after it.
const TITLE_TIME_SEPARATORS: [&str; 9] =
    [" – ", " — ", " - ", " | ", " · ", " • ", " @ ", ": ", ", "];

/// `Closing panel | 16:00–16:45 CET`, `Title – 10:00 – 10:30`, `Open
/// hardware for classrooms — 13 March 2025, 14:00–14:30, Hall 2`: the
/// text before the first separator after which a time begins (a range
/// whose dash is a separator is read whole from its start), when at most
/// a short remark with no time of its own (a room, a speaker) follows it
/// (the last separator is the comma before the room, or the one between
/// the date and the clock); with the start written again in other zones
/// (`9am PT / 12pm ET`), if it is, and the remark.
fn time_then_remark(text: &str) -> Option<(&str, Found, Option<TimeSpec>, &str)> {
    const MAX_REMARK_WORDS: usize = 6;
    let mut seps: Vec<(usize, &str)> = TITLE_TIME_SEPARATORS
        .iter()
        .flat_map(|sep| text.match_indices(sep))
        .collect();
    seps.sort_unstable();
    seps.into_iter().find_map(|(at, sep)| {
        let (found, rest) = leading_time(&text[at + sep.len()..])?;
        let (also, rest) = other_zones(rest);
        let remark = strip_separators(rest.trim_start_matches([')', '(', ' ']));
        let short = remark.split_whitespace().count() <= MAX_REMARK_WORDS;
        (short && when::scan(remark).time.is_none()).then_some((
            text[..at].trim(),
            found,
            also,
            remark.trim_end(),
        ))
    })
}

/// `Notebooks at scale — Ana Lee (Tuesday 10:30–11:00, Room A)`, `###
/// Async traits in practice (Wed, Sep 3, 2:30 PM PDT)`: a title, then its
/// time in the parentheses that end the line or heading, with at most a
/// short remark after it (a room). A heading so written is its talk's
/// title, not a track.
fn parenthesised_time_entry(
    u: &Unit,
    ctx: &Context,
    prose_zone: Option<WrittenZone>,
) -> Option<(Candidate, Option<u32>)> {
    const MAX_REMARK_WORDS: usize = 4;
    let text = u.text.trim_end_matches(['.', ';', ' ']);
    let inner = text.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let (head, inner) = (inner[..open].trim_end(), &inner[open + 1..]);
    let (found, rest) = leading_time(inner)?;
    found.time?;
    if strip_separators(rest).split_whitespace().count() > MAX_REMARK_WORDS {
        return None;
    }
    let mut c = titled_before_its_time(u, head, found, ctx, prose_zone)?;
    if c.track.as_deref() == Some(u.text.as_str()) {
        c.track = None;
    }
    Some((c, when::opening_weekday(inner)))
}

/// The talk a line names by `title`, written before its time `found`
/// (the separator between them trimmed): no talk when the title is empty,
/// names a date or time of its own, a label or a moment, or no session, or
/// says someone presents what follows.
fn titled_before_its_time(
    u: &Unit,
    title: &str,
    found: Found,
    ctx: &Context,
    prose_zone: Option<WrittenZone>,
) -> Option<Candidate> {
    let title = without_trailing_separator(title);
    if title.is_empty() || super::super::sentence::is_presenting_clause(title) {
        return None;
    }
    let title_scan = when::scan(title);
    if title_scan.time.is_some()
        || title_scan.date.is_some()
        || names_a_moment(title)
        || !is_session(title)
    {
        return None;
    }
    // A link's text keeps its quotation marks.
    let (title, byline) = quoted_title(title)
        .filter(|_| u.links.iter().all(|l| l.text != title))
        .unwrap_or_else(|| split_byline(title));
    let url = u.links.first().map(|l| l.url.clone());
    let mut c = candidate(u.line, u.line, title, url, found, ctx, prose_zone);
    c.byline = byline;
    Some(c)
}

/// A title without the separator before its time (`Title –`, `Title |`).
fn without_trailing_separator(title: &str) -> &str {
    title.trim_end_matches(|c: char| c.is_whitespace() || ",:-–—|·•@".contains(c))
}

/// `**Async drop, at last** (10:00–10:30)`, `**Title** — 14:00, Room 2`:
/// a bold title that opens the line, then its time, then at most a short
/// remark (a room, the speakers).
fn bold_title_then_time(
    u: &Unit,
    ctx: &Context,
    prose_zone: Option<WrittenZone>,
) -> Option<Candidate> {
    const MAX_REMARK_WORDS: usize = 8;
    let title = u.lead_bold.as_deref()?.trim();
    let rest = u.text.trim_start().strip_prefix(title)?;
    // `**When:** March 20, 10:30–17:00`: a field's label, not a title.
    if title.ends_with(':') || rest.starts_with(':') {
        return None;
    }
    let rest = strip_separators(rest).trim_start_matches(['(', ' ']);
    let (found, after) = leading_time(rest)?;
    found.time?;
    let remark = strip_separators(after.trim_start_matches([')', ' ']));
    if remark.split_whitespace().count() > MAX_REMARK_WORDS {
        return None;
    }
    titled_before_its_time(u, title, found, ctx, prose_zone)
}

/// `Session 1 (9:00–10:30): Foundations of type theory`, `Morning
/// (9:00–12:30) – Introduction to pandas`: a short label (a session's, not
/// a break's), its time in parentheses, then the title.
fn label_then_time(u: &Unit, ctx: &Context, prose_zone: Option<WrittenZone>) -> Option<Candidate> {
    const MAX_LABEL_WORDS: usize = 3;
    let text = u.text.as_str();
    let open = text.find('(')?;
    let label = text[..open].trim();
    if label.is_empty() || label.split_whitespace().count() > MAX_LABEL_WORDS || !is_session(label)
    {
        return None;
    }
    let close = open + text[open..].find(')')?;
    let (found, rest) = leading_time(&text[open + 1..close])?;
    found.time?;
    if !strip_separators(rest).is_empty() {
        return None;
    }
    let after = text[close + 1..].trim_start();
    let title = [":", "–", "—", "-", "|"]
        .iter()
        .find_map(|sep| after.strip_prefix(sep))?
        .trim();
    titled_before_its_time(u, title, found, ctx, prose_zone)
}

/// A label or a moment, not a session: `Time: 10:00`, `Start – 09:00`,
/// `Submission deadline: …`, `Livestream starts – 10:00`.
fn names_a_moment(head: &str) -> bool {
    const FIELD_LABELS: [&str; 12] = [
        "time", "date", "when", "where", "start", "end", "hours", "duration", "location", "venue",
        "room", "timezone",
    ];
    const MOMENTS: [&str; 12] = [
        "deadline",
        "due",
        "closes",
        "opens",
        "starts",
        "ends",
        "begins",
        "cfp",
        "submissions",
        "notification",
        "notifications",
        "check-in",
    ];
    let lower = head.to_lowercase();
    FIELD_LABELS.contains(&lower.trim()) || super::sessions::contains_any_word(&lower, &MOMENTS)
}
