//! Entries in lines and list items: a time that opens the line, a time
//! alone with its title nearby, and why a line with a time became no talk.

use super::super::doc::{Kind, Unit};
use super::super::find::Candidate;
use super::super::when::{self, Found, TimeSpec};
use super::super::zone::{self, WrittenZone};
use super::days::weekday_of;
use super::sessions::is_session;
use super::title::{
    after_a_room, quoted_title, set_off_then_remark, split_byline, strip_trailing_speakers,
    without_a_room,
};
use super::{Context, candidate};

/// The time expression that opens `text`, and the text after it.
pub(super) fn leading_time(text: &str) -> Option<(Found, &str)> {
    // `📅 Monday, September 16 at 11:55 CEST — Title`: a calendar's or a
    // clock's emoji before the time is read past.
    let text = without_time_emoji(text);
    // The run of words that can belong to a time; read whole first (one
    // reading of the grammar for the usual line), else word by word back.
    // At most 13 words are read, and the one after the last: not the rest
    // of a paragraph (every unit of every post is asked), and nothing is
    // allocated (most units stop at their first word).
    const MAX_WORDS: usize = 13;
    let mut ends = [0; MAX_WORDS];
    let mut n = 0;
    let mut end = 0;
    let mut words = text.split_inclusive(char::is_whitespace).peekable();
    while let Some(word) = words.next() {
        let next = words.peek().map(|n| n.trim());
        // `6 August @ 20:00 UTC`: an "@" before a clock joins date and time
        // (before a room, `11:00 @ H.3242 - Title`, it ends the time).
        let at_clock = word.trim() == "@" && next.is_some_and(is_clock_word);
        // `16:00 - 17:00 UTC on 21 January 2021`: "on" before a date joins it
        // to the time (before other words, `10:00 on Kubernetes`, it is title).
        let on_date = word.trim().eq_ignore_ascii_case("on")
            && next.is_some_and(|n| {
                let n = n.to_lowercase();
                n.starts_with(|c: char| c.is_ascii_digit())
                    || month_word(&n)
                    || weekday_of(n.trim_end_matches(',')).is_some()
            });
        // `From 10:00 to 10:30: Opening remarks`: "from" opening the text
        // before a clock.
        let from_clock = n == 0
            && word.trim().eq_ignore_ascii_case("from")
            && next.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()));
        if n >= MAX_WORDS {
            break;
        }
        // `9:00 a.m. Pacific — Title`: a region's name right after the
        // time, not before a capitalised word ("10:00 Central Hall").
        let region = n > 0
            && zone::region_word(word.trim()).is_some()
            && !next.is_some_and(|x| x.starts_with(char::is_uppercase));
        if !(at_clock || on_date || from_clock || region || time_word(word.trim())) {
            // `9:00 AM Pacific Time | Title`: a zone written out in words
            // after the time is read with it, whole.
            let Some((_, len)) = (n > 0).then(|| zone::lookup_name(&text[end..])).flatten() else {
                break;
            };
            let stop = end + len;
            end += word.len();
            while end < stop {
                let Some(w) = words.next() else { break };
                end += w.len();
            }
            ends[n] = end;
            n += 1;
            continue;
        }
        end += word.len();
        ends[n] = end;
        n += 1;
    }
    let (f, end) = ends[..n]
        .iter()
        .rev()
        .map(|&end| (when::scan(&text[..end]), end))
        .find(|(f, _)| f.time.is_some())?;
    // The time must open the text: nothing but the time words before it.
    Some((f, &text[end..]))
}

/// `20:00`, `9am`, `5:30pm,`: a word that is a clock by itself.
fn is_clock_word(w: &str) -> bool {
    let w = w.trim_end_matches([',', ';', '.']).to_ascii_lowercase();
    w.starts_with(|c: char| c.is_ascii_digit())
        && (w.contains(':') || w.ends_with("am") || w.ends_with("pm"))
}

/// An emoji people put before a date (📅 📆 🗓).
pub(super) fn date_emoji(c: char) -> bool {
    matches!(c, '📅' | '📆' | '🗓')
}

/// An emoji people put before a time (🕑 ⏰ ⌚ …).
pub(super) fn clock_emoji(c: char) -> bool {
    matches!(c, '\u{1F550}'..='\u{1F567}' | '⏰' | '⌚' | '⏲' | '🕰')
}

/// `text` without the calendar or clock emoji (and the spaces) that open it.
fn without_time_emoji(text: &str) -> &str {
    let time_emoji = |c: char| date_emoji(c) || clock_emoji(c);
    if !text.starts_with(time_emoji) {
        return text;
    }
    text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FE0F}' || time_emoji(c))
}

/// A word that can be part of a date/time expression.
pub(crate) fn time_word(w: &str) -> bool {
    let core = w.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '(' | ')' | '*' | '~' | '.'));
    // `🗓️ Aug 27 | ⏰ 14:00 CDT`: the emoji before each part.
    if core.as_bytes().first().is_some_and(|b| !b.is_ascii())
        && core
            .chars()
            .all(|c| c == '\u{FE0F}' || date_emoji(c) || clock_emoji(c))
    {
        return true;
    }
    if core.is_empty() {
        // Only the trimmed characters: `~` and `:` stand between a time's parts.
        return matches!(w, "~" | ":");
    }
    // `a.m.–noon`: parts of a range written without spaces (with a digit,
    // `9–noon`, the word is read below).
    if core.contains(['–', '—'])
        && !core.contains(|c: char| c.is_ascii_digit())
        && core.split(['–', '—']).all(|part| !part.is_empty())
    {
        return core.split(['–', '—']).all(time_word);
    }
    if core.chars().any(|c| c.is_ascii_digit()) {
        // `11:50am-12:30pm` is 15, an ISO date-time with seconds and an
        // offset (`2025-04-05T10:00:00+02:00`) 25; a longer word is no time.
        let iso = core.len() > 10 && core.as_bytes()[4] == b'-' && core.as_bytes()[10] == b'T';
        return core.chars().count() <= 20 || (iso && core.len() <= 29);
    }
    let lower = core.to_lowercase();
    matches!(
        lower.as_str(),
        "am" | "pm"
            | "a.m"
            | "p.m"
            | "hrs"
            // German "o'clock" (`14.00–14.45 Uhr: Title`).
            | "uhr"
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
    ) || when::weekday(&lower).is_some()
        || month_word(&lower)
        || zone::lookup(core).is_some()
        || (core == "UTC" || core == "GMT")
        || (w.starts_with('(') && zone::region_word(core).is_some())
}

/// A month's name or its abbreviation (`jan`, `sept`, `january`; with a
/// dot, `Jan.`): a word the full name starts with, so "Jane" or "Mark" is
/// no month.
pub(super) fn month_word(w: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = w.trim_end_matches('.');
    w.len() >= 3 && MONTHS.iter().any(|m| m.starts_with(w))
}

/// Separators between a time and its title.
pub(super) fn strip_separators(s: &str) -> &str {
    s.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—' | '|' | '•' | '·' | ',' | '*')
    })
}

/// A line or list item that opens with a time.
pub(super) fn line_entry(
    units: &[Unit],
    at: usize,
    ctx: &Context,
    prose_zone: Option<WrittenZone>,
) -> Option<Candidate> {
    let u = &units[at];
    let (found, rest, labelled) = match leading_time(&u.text) {
        Some((found, rest)) => (found, rest, false),
        None => (when_field(&u.text)?, "", true),
    };
    let (also, rest) = other_zones(rest);
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
    // `🕑 10:00 AM PT` alone is a card's field (read with the card), not a
    // time whose title is the next line (`📍 Zalando, …`).
    if title.is_empty() && without_time_emoji(&u.text).len() < u.text.len() {
        return None;
    }
    if title.is_empty() {
        let n = lone_time_title(units, at)?;
        // After a `Time:` field, only a `Title:` field names the talk (not
        // `Location: …`).
        if labelled && !LABELS.iter().any(|l| strip_label(&n.text, l).is_some()) {
            return None;
        }
        // `: Title`: a definition list's description (kramdown, Pandoc)
        // under its term, the time.
        title = n.text.strip_prefix(": ").unwrap_or(&n.text).to_string();
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
    // `Room 3: [Title](…)`: a room or label before the link is not the
    // title.
    let linked = match title.split_once(": ") {
        Some((head, tail)) if head.split_whitespace().count() <= 3 => [tail, title.as_str()],
        _ => [title.as_str(), title.as_str()],
    };
    if let Some(l) = linked.iter().find_map(|t| {
        u.links
            .iter()
            .find(|l| t.starts_with(&l.text) && !l.text.is_empty())
    }) {
        title = l.text.clone();
        url = Some(l.url.clone());
    } else if let Some((t, link)) = after_a_room(u, &title) {
        title = t;
        url = link.or(url);
    }
    let title = strip_trailing_speakers(&u.source, &title);
    let title = without_a_room(&title);
    // A link's text keeps its quotation marks.
    let (title, byline) = quoted_title(title)
        .filter(|_| u.links.iter().all(|l| l.text != title))
        .or_else(|| set_off_then_remark(u, title))
        .unwrap_or_else(|| split_byline(title));
    // "On Wednesday at 2:30pm, Dana Chu presents": the title comes after
    // (`sentence::entries` reads it).
    if !is_session(&title) || super::super::sentence::is_presenting_clause(&title) {
        return None;
    }
    let mut c = candidate(line, u.line, title, url, found, ctx, prose_zone);
    c.also = also;
    c.byline = byline;
    Some(c)
}

/// `**Time:** 11:00 AM - 11:30 AM MST` (then `**Title:** …` in the same
/// item): a `Time:`/`When:` field whose value is a time alone. Looked for
/// only in a line that opens with such a label (every line that opens with
/// no time comes here).
fn when_field(text: &str) -> Option<Found> {
    const LABEL_BYTES: usize = 14;
    if !text.bytes().take(LABEL_BYTES).any(|b| b == b':') {
        return None;
    }
    let value = ["time", "when", "date & time", "date and time", "date/time"]
        .iter()
        .find_map(|l| strip_label(text, l))?;
    let (found, rest) = leading_time(value)?;
    strip_separators(rest).is_empty().then_some(found)
}

/// Whether `text` is a time and nothing else (`10:30 – 10:55`, `Friday
/// 14:00 CET`): a table cell that is the time, or a heading that opens the
/// talk written under it.
pub fn time_alone(text: &str) -> bool {
    leading_time(text).is_some_and(|(_, rest)| strip_separators(rest).is_empty())
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

/// Longest line read as a title when nothing else marks it as one (a
/// link, bold): a short line, not a sentence of prose.
const TITLE_BYTES: usize = 100;

/// The line that opens the paragraph of unit `at`, at most two lines
/// above it.
fn paragraph_opening(units: &[Unit], at: usize) -> Option<&Unit> {
    let u = &units[at];
    (1..=2.min(at))
        .map(|k| &units[at - k])
        .enumerate()
        .find_map(|(k, p)| {
            let same_paragraph = p.line + k + 1 == u.line;
            match p.kind {
                _ if !same_paragraph => Some(None),
                Kind::Line { first: true } => Some(Some(p)),
                Kind::Line { first: false } => None,
                _ => Some(None),
            }
        })?
}

/// Whether `n`, right under a heading `u` that holds only a time, is its
/// talk's title: a line that opens a paragraph or item, in bold or a link
/// from its first word (`**Reproducible builds with Nix**`), or short, with
/// no time of its own. A paragraph of prose under the time is not.
fn heading_time_title(u: &Unit, n: &Unit) -> bool {
    matches!(
        n.kind,
        Kind::Line { first: true } | Kind::Item { first: true }
    ) && n.line <= u.line + 2
        && (n.lead_bold.as_deref() == Some(n.text.as_str())
            || n.links.first().is_some_and(|l| n.text.starts_with(&l.text))
            || n.text.len() <= TITLE_BYTES)
        && when::scan(&n.text).time.is_none()
}

/// Labels that name a talk's title on its own line (`_Topic_: …`).
pub(super) const LABELS: [&str; 5] = ["topic", "title", "talk", "session", "what"];

/// `Topic: The title` → `The title` (any case, the label then a colon).
pub(super) fn strip_label<'a>(text: &'a str, label: &str) -> Option<&'a str> {
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
/// December 11 @ 10:50 AM PST`); for a heading holding only a time
/// (`### 10:30 – 10:55`), the line that opens the paragraph under it, when
/// it reads as a title.
pub(super) fn lone_time_title(units: &[Unit], at: usize) -> Option<&Unit> {
    let u = &units[at];
    if matches!(u.kind, Kind::Heading(_)) {
        return units.get(at + 1).filter(|n| heading_time_title(u, n));
    }
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
    // `Title` / `Jane Roe, Red Hat` / `Thursday, August 15 | 10:00 AM`:
    // the line that opens the paragraph, a line or two above the time.
    if u.kind == (Kind::Line { first: false }) {
        return paragraph_opening(units, at).filter(|p| {
            let f = when::scan(&p.text);
            p.text.len() <= TITLE_BYTES && f.time.is_none() && f.date.is_none()
        });
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

/// The same start written again in other zones after a time (`10:00 AM PT
/// / 1:00 PM ET / 5:00 PM GMT`): the first of them, which is checked
/// against the start once it resolves, and the text after the last (a
/// third zone and more are read past).
pub(super) fn other_zones(rest: &str) -> (Option<TimeSpec>, &str) {
    let Some((also, mut rest)) = second_zone_time(rest) else {
        return (None, rest);
    };
    while let Some((_, after)) = second_zone_time(rest) {
        rest = after;
    }
    (Some(also), rest)
}

/// `10:00 PT / 19:00 CEST`: the same start in a second zone, after a slash.
fn second_zone_time(rest: &str) -> Option<(TimeSpec, &str)> {
    let r = rest.trim_start().strip_prefix('/')?;
    let (f, after) = leading_time(r.trim_start())?;
    let t = f.time.filter(|t| t.zone.is_some())?;
    Some((t, after))
}
