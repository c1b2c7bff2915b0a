//! Talk finding: a post's Markdown body → [`Candidate`]s (a link with a time).
//!
//! Works on blocks (paragraphs, list items, headings) so it can tell a talk
//! entry from running prose: a talk is a link that *opens* a block (after list
//! markers, `#`s and emphasis, or after a `11:00 CEST:` time prefix) with a
//! time later in that block or on the next short line. A link in the middle of
//! a sentence is never a talk, whatever times the sentence holds. Dates that
//! an entry leaves out come from the nearest earlier line naming a weekday and
//! a date (a day heading, "Join us on Monday, November 10"). What the
//! candidate's text *means* (year, zone, 12-hour clock) is `resolve`'s job.

use std::borrow::Cow;

use super::markup::{clean, parse_link};
use super::plain::plain_inline;
use super::when::{self, DateSpec, Found, TimeSpec};
use super::zone::WrittenZone;

/// Talks per post beyond which the rest are refused (a guard, not a real limit:
/// the largest real post has 48).
pub const MAX_TALKS_PER_POST: usize = 2_000;

/// Lines after a link searched for its time.
const MAX_ENTRY_LINES: usize = 8;

/// Longest line looked at; longer lines are cut (a guard against pathological input).
const MAX_LINE_CHARS: usize = 10_000;

/// A talk entry before its time is settled.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// 1-based line of the link in the file.
    pub line: usize,
    /// Link text as written (Markdown inside).
    pub text: String,
    pub url: String,
    /// Date and time read from the entry.
    pub found: Found,
    /// Line on which the time was read.
    pub time_line: usize,
    /// Date (and zone) from the nearest earlier line that names one.
    pub context: Option<(DateSpec, Option<WrittenZone>)>,
    /// A zone the post or section states once ("All times are in UTC",
    /// "Time (UTC)", "California time"): used when the entry writes none.
    pub stated_zone: Option<WrittenZone>,
    /// Nearest `##`/`###` heading above.
    pub track: Option<String>,
    /// `by Jane Doe, Org` written after the link, when the link text has no speakers.
    pub byline: Option<String>,
    /// Markdown of the paragraphs describing the talk.
    pub abstract_md: String,
    /// The same start written in a second zone (`10:00 PT / 19:00 CEST`):
    /// checked against the first, which wins.
    pub also: Option<TimeSpec>,
    /// The zone of the city named by the heading of the entry's section, in
    /// a post whose headings name cities in different zones (`## KubeCon
    /// EU (London)`, `## KubeCon NA (Atlanta)`).
    pub section_city: Option<chrono_tz::Tz>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Heading(usize),
    Text,
}

#[derive(Debug)]
struct Block {
    /// Index of the first and one past the last line in `lines`.
    start: usize,
    end: usize,
    kind: Kind,
}

/// Finds the talk entries in a post body. `first_line` is the file line of
/// the body's first line.
pub fn find(body: &str, first_line: usize) -> Vec<Candidate> {
    let lines: Vec<&str> = body
        .split('\n')
        .map(|l| match l.char_indices().nth(MAX_LINE_CHARS) {
            Some((i, _)) => &l[..i],
            None => l,
        })
        .collect();
    let blocks = blocks(&lines);
    let mut out = Vec::new();
    let mut track: Option<String> = None;
    let mut context: Option<(DateSpec, Option<WrittenZone>)> = None;
    let mut skip_until = 0;
    for (bi, block) in blocks.iter().enumerate() {
        if bi < skip_until {
            update_context(&mut context, &lines[block.start..block.end]);
            continue;
        }
        // Most blocks are one line: borrowed, not copied.
        let text: Cow<str> = match &lines[block.start..block.end] {
            [one] => Cow::Borrowed(one),
            several => Cow::Owned(several.join("\n")),
        };
        if let Kind::Heading(level) = block.kind
            && entry_link(&text).is_none()
            && (2..=3).contains(&level)
        {
            track = Some(plain_inline(text.trim_start_matches('#').trim()));
        }
        if out.len() >= MAX_TALKS_PER_POST {
            break;
        }
        if let Some(entry) = entry_link(&text)
            && let Some(c) = candidate(&lines, &blocks, bi, &entry, first_line, context, &track)
        {
            skip_until = c.1;
            out.push(c.0);
        }
        update_context(&mut context, &lines[block.start..block.end]);
    }
    out
}

/// The last weekday-and-date in these lines becomes the context date.
fn update_context(context: &mut Option<(DateSpec, Option<WrittenZone>)>, lines: &[&str]) {
    for line in lines.iter().filter(|l| when::may_name_weekday(l)) {
        let f = when::scan(&clean(line));
        if let Some(d) = f.date.filter(|d| d.weekday.is_some()) {
            *context = Some((d, f.date_zone.or(f.time.and_then(|t| t.zone))));
        }
    }
}

/// Builds the candidate for the entry opening block `bi`; returns it with the
/// index of the first block after its abstract.
fn candidate(
    lines: &[&str],
    blocks: &[Block],
    bi: usize,
    entry: &Entry,
    first_line: usize,
    context: Option<(DateSpec, Option<WrittenZone>)>,
    track: &Option<String>,
) -> Option<(Candidate, usize)> {
    let block = &blocks[bi];
    let block_lines = &lines[block.start..block.end];
    let text = block_lines.join("\n");
    let rest = &text[entry.rest..];

    // Time in the rest of the block: find the first line by which it is complete.
    let mut found = Found::default();
    let mut time_line_idx = block.start;
    let mut rest_consumed_lines = 0;
    let rest_lines: Vec<&str> = rest.split('\n').collect();
    // The time sits within the first lines after the link; looking further
    // would make long paragraphs quadratic. A time written before the link
    // is the entry's: the lines after it are other entries' (`**Nov 6,
    // 10:30 AM** | [Title](…)` then `**Nov 7, 2:15 PM** | [Title](…)`).
    let searched = if entry.prefix.is_some() {
        0
    } else {
        MAX_ENTRY_LINES
    };
    for n in 1..=rest_lines.len().min(searched) {
        let f = when::scan(&clean(&rest_lines[..n].join(" ")));
        if let Some(t) = f.time {
            found = f;
            rest_consumed_lines = n;
            let dangling = t.end.is_none()
                && rest_lines[n - 1]
                    .trim_end()
                    .ends_with(['-', '\u{2013}', '\u{2014}']);
            let zone_wraps = t.zone.is_none()
                && rest_lines.get(n).is_some_and(|_| {
                    let f2 = when::scan(&clean(&rest_lines[..=n].join(" ")));
                    f2.time
                        .is_some_and(|t2| t2.zone.is_some() && t2.start == t.start)
                });
            if dangling || zone_wraps {
                continue;
            }
            break;
        }
    }
    // Lines of the link text itself that wrapped.
    let link_lines = text[..entry.rest].matches('\n').count();
    if found.time.is_some() {
        time_line_idx = block.start + link_lines + rest_consumed_lines.saturating_sub(1);
    }
    if found.time.is_none()
        && let Some(prefix) = entry.prefix
    {
        // The date written before the link is the talk's (`- Friday 1
        // November 2024, 17:00 – [Title](…)`), not the context's; else one
        // written after it on its line.
        let after = when::scan(&clean(rest_lines[0]));
        found = Found {
            date: prefix.date.or(after.date),
            date_zone: prefix.date_zone.or(after.date_zone),
            ..prefix
        };
    }
    let mut next = bi + 1;
    if found.time.is_none() {
        // The Cilium layout: the date is the next short block.
        let nb = blocks.get(bi + 1)?;
        let nb_text = lines[nb.start..nb.end].join("\n");
        if entry_link(&nb_text).is_some() || nb_text.chars().count() > 200 {
            return None;
        }
        let f = when::scan(&clean(&nb_text));
        f.time?;
        // A heading with a time and no date (`#### 15:00`) opens the next
        // entry of a schedule under day headings: it is not this one's.
        if matches!(nb.kind, Kind::Heading(_)) && f.date.is_none() {
            return None;
        }
        found = f;
        time_line_idx = nb.start;
        next = bi + 2;
    }

    // Abstract: what follows the time, up to the next entry or heading.
    let mut abstract_parts: Vec<String> = Vec::new();
    let after_time: Vec<&str> =
        lines[(time_line_idx + 1).min(lines.len())..blocks[next - 1].end].to_vec();
    let tail = after_time.join("\n");
    let tail = strip_breaks(&tail);
    if !tail.trim().is_empty() {
        abstract_parts.push(tail.trim().to_string());
    }
    let mut j = next;
    while let Some(b) = blocks.get(j) {
        let t = lines[b.start..b.end].join("\n");
        let first = t.trim_start();
        if matches!(b.kind, Kind::Heading(_))
            || entry_link(&t).is_some()
            || first.starts_with('<')
            || first.starts_with("import ")
            || first.starts_with("{{")
            || first.starts_with("{%")
        {
            break;
        }
        abstract_parts.push(strip_breaks(&t).trim().to_string());
        j += 1;
    }

    let byline = byline(rest);
    Some((
        Candidate {
            line: first_line + block.start,
            text: entry.text.clone(),
            url: entry.url.clone(),
            found,
            time_line: first_line + time_line_idx,
            context,
            stated_zone: None,
            track: track.clone(),
            byline,
            abstract_md: abstract_parts.join("\n\n"),
            also: None,
            section_city: None,
        },
        next.max(j),
    ))
}

/// `by Jane Doe, Org & Joe, Org2` after the link, up to a `<br>` or the date.
fn byline(rest: &str) -> Option<String> {
    let cleaned = rest
        .replace("<br/>", "\n")
        .replace("<br />", "\n")
        .replace("<br>", "\n");
    let cleaned = cleaned.trim_start_matches(['*', '_', ' ', '\n']);
    let after = cleaned
        .strip_prefix("by ")
        .or_else(|| cleaned.strip_prefix("by\n"))?;
    let mut out = String::new();
    for word in after.split_inclusive(char::is_whitespace) {
        if word.contains('\n')
            && !out.is_empty()
            && after[out.len()..].starts_with(word)
            && word.trim().is_empty()
        {
            break;
        }
        let w = word.trim().trim_end_matches(',').to_ascii_lowercase();
        if [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ]
        .contains(&w.as_str())
        {
            break;
        }
        out.push_str(word);
    }
    let out = out.split("\n\n").next().unwrap_or("").replace('\n', " ");
    let out = out.trim().trim_end_matches(['|', ',']).trim().to_string();
    (!out.is_empty()).then_some(out)
}

/// `<br>` variants to line breaks, for abstracts.
fn strip_breaks(text: &str) -> String {
    if !text.contains("<br") && !text.contains("<BR") {
        return text.to_string();
    }
    let mut t = text.to_string();
    for br in ["<br/>", "<br />", "<br>", "<BR>"] {
        t = t.replace(br, "\n");
    }
    t
}

/// A link that opens a block.
#[derive(Debug, PartialEq)]
struct Entry {
    text: String,
    url: String,
    /// Byte offset in the block text just after the link.
    rest: usize,
    /// A time, perhaps with its date, written before the link (`- 11:00
    /// CEST: [title](url)`).
    prefix: Option<Found>,
}

/// The link opening this block, if the block opens with one.
fn entry_link(block: &str) -> Option<Entry> {
    let start = skip_markers(block);
    let s = &block[start..];
    if s.starts_with('[') {
        let (text, url, len) = parse_link(s)?;
        return Some(Entry {
            text,
            url,
            rest: start + len,
            prefix: None,
        });
    }
    // A time before the link: "11:00 CEST: [title](url)", "2:30pm - [title](url)".
    let open = s.find('[')?;
    let prefix = &s[..open];
    if prefix.contains('\n') || prefix.chars().count() > 40 {
        return None;
    }
    let p = prefix.trim_end();
    if !p.ends_with([':', '-', '\u{2013}', '\u{2014}', '|']) {
        return None;
    }
    let f = when::scan(&clean(p));
    f.time?;
    let inner = &s[open..];
    let (text, url, len) = parse_link(inner)?;
    Some(Entry {
        text,
        url,
        rest: start + open + len,
        prefix: Some(f),
    })
}

/// Byte offset after list markers, quote markers, heading hashes, emphasis.
fn skip_markers(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        let before = i;
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t' || b[i] == b'>') {
            i += 1;
        }
        if i < b.len()
            && (b[i] == b'-' || b[i] == b'+' || b[i] == b'*')
            && b.get(i + 1) == Some(&b' ')
        {
            i += 2;
        }
        let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0
            && digits < 4
            && matches!(b.get(i + digits), Some(b'.' | b')'))
            && b.get(i + digits + 1) == Some(&b' ')
        {
            i += digits + 2;
        }
        while i < b.len() && b[i] == b'#' {
            i += 1;
        }
        while i < b.len() && (b[i] == b'*' || b[i] == b'_') {
            i += 1;
        }
        if i == before {
            return i;
        }
    }
}

/// Splits body lines into blocks: blank lines, headings, list items, lone
/// HTML tags and shortcodes separate them; a line opening with a link right
/// after a complete entry line starts a new one.
fn blocks(lines: &[&str]) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut current: Option<Block> = None;
    let mut in_fence = false;
    for (i, raw) in lines.iter().enumerate() {
        let line = raw.trim();
        if line.starts_with("```") || line.starts_with("~~~") {
            in_fence = !in_fence;
            if let Some(b) = current.take() {
                out.push(b);
            }
            continue;
        }
        let separator = in_fence
            || line.is_empty()
            || is_lone_tag(line)
            || (line.starts_with("{{") && line.ends_with("}}"))
            || (line.starts_with("{%") && line.ends_with("%}"));
        if separator {
            if let Some(b) = current.take() {
                out.push(b);
            }
            continue;
        }
        let heading = heading_level(line);
        let list_item = is_list_item(raw);
        let starts_link = line
            .get(skip_markers(line)..)
            .is_some_and(|s| s.starts_with('['));
        let prev_complete = i > 0 && {
            let prev = lines[i - 1].trim();
            prev.get(skip_markers(prev)..)
                .is_some_and(|s| s.starts_with('['))
                && when::scan(&clean(prev)).time.is_some()
        };
        let new_block = heading.is_some() || list_item || (starts_link && prev_complete);
        if new_block && let Some(b) = current.take() {
            out.push(b);
        }
        match (&mut current, heading) {
            (_, Some(level)) => out.push(Block {
                start: i,
                end: i + 1,
                kind: Kind::Heading(level),
            }),
            (Some(b), None) => b.end = i + 1,
            (None, None) => {
                current = Some(Block {
                    start: i,
                    end: i + 1,
                    kind: Kind::Text,
                })
            }
        }
    }
    if let Some(b) = current {
        out.push(b);
    }
    out
}

fn heading_level(line: &str) -> Option<usize> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    ((1..=6).contains(&hashes) && line[hashes..].starts_with(' ')).then_some(hashes)
}

fn is_list_item(raw: &str) -> bool {
    let t = raw.trim_start();
    if t.starts_with("- ") || t.starts_with("* ") || t.starts_with("+ ") {
        return true;
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && (t[digits..].starts_with(". ") || t[digits..].starts_with(") "))
}

/// `<details>`, `</div>`, `<!-- prettier-ignore -->`, `<BlogAuthor … />`.
fn is_lone_tag(line: &str) -> bool {
    line.starts_with('<') && line.ends_with('>') && !line[1..line.len() - 1].contains('<')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(body: &str) -> Vec<String> {
        find(body, 1).into_iter().map(|c| c.text).collect()
    }

    #[test]
    fn layouts() {
        // Cilium: link, blank, date line, abstract.
        let body = "## Track\n\n[T1 - A, B](https://x/1)\n\nTuesday, March 19, 2024, 09:00 - 09:10 CET\n\nAbstract one.\n\nMore.\n\n[T2](https://x/2)\n\nTuesday, March 19 • 10:00 - 10:30\n";
        let c = find(body, 1);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].track.as_deref(), Some("Track"));
        assert_eq!(c[0].line, 3);
        assert_eq!(c[0].time_line, 5);
        assert_eq!(c[0].abstract_md, "Abstract one.\n\nMore.");
        // Same line, heading link, list item with wrapped date.
        assert_eq!(
            titles(
                "[A](u) Friday May 20, 2022 11:55 - 12:30 CEST\n[B](v) Thursday May 19, 2022 15:25 - 16:00 CEST\n"
            ),
            vec!["A", "B"]
        );
        assert_eq!(
            titles("### [A](u)\n\n Monday, October 24 • 9:15am - 9:20am\n"),
            vec!["A"]
        );
        let c = find(
            "- **[A](u)**<br>\n  by X, Y<br> Wednesday,\n  April 19 • 14:30 - 15:05\n- **[B](v)**<br>\n  by Z<br> Friday, April 21 • 16:00 -\n  17:30\n",
            1,
        );
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].byline.as_deref(), Some("X, Y"));
        assert!(c[1].found.time.unwrap().end.is_some());
        // Time before the link, date from the day heading.
        let c = find("**Wednesday, May 18**\n\n- 11:00 CEST: [A](u) - S (O)\n", 1);
        assert_eq!(c.len(), 1);
        assert!(c[0].context.is_some());
    }

    #[test]
    fn prose_and_bare_links_are_not_talks() {
        assert!(titles("Come network during the\n[project meeting](https://sched.co/1), on Tuesday April 18,\n2023 from 16:00 - 17:00.\n").is_empty());
        assert!(titles("- [A](u)\n- [B](v)\n").is_empty());
        assert!(
            titles("[A](u)\n\nA long abstract that mentions nothing about time at all.\n")
                .is_empty()
        );
        assert!(titles("We present on **Wed from 2:50-3:20pm**.\n").is_empty());
        assert!(titles("```\n[A](u)\nMonday, May 16, 2022 10:45 - 11:15 CEST\n```\n").is_empty());
    }

    #[test]
    fn links() {
        assert_eq!(
            parse_link("[a [b]](http://x/(y)) z"),
            Some(("a [b]".into(), "http://x/(y)".into(), 21))
        );
        assert_eq!(
            parse_link("[a](u \"t\")"),
            Some(("a".into(), "u".into(), 10))
        );
        assert_eq!(parse_link("[a][]"), None);
        assert_eq!(parse_link("[a"), None);
    }
}
