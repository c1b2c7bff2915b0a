//! Talks written in sentences: "**Jeroen Ooms** will give a [**keynote
//! talk**](…) on Friday, July 9, 12:30PM - 1:30PM UTC", "[Elio](/author/elio)'s
//! talk ["Building Bilingual Bridges"](…) on Tuesday, July 9 at 11:40 CEST".
//!
//! A line (of a paragraph or list item) that writes a date and a clock time
//! is an entry when, before the time and after any earlier time of the same
//! line, it names a title: the first bold or quoted text (a link's text
//! counts), else the first link that is not a person's page. A bold name that
//! opens the line is the speaker when anything else names the talk, and the
//! title when nothing does ("**RDevDay@LatinR** with [Pao](/author/pao)…").
//! Each time of the line reads its own title, so one line can give two
//! talks. A date and time with nothing titled before them stays prose.

use super::doc::{Kind, Unit};
use super::spans::{Span, spans};
use super::when::{self, Found, TimeSpec};

/// A title read from a sentence, with its link and where its time starts.
pub struct Entry {
    pub title: String,
    pub url: Option<String>,
    pub found: Found,
    /// The start written again in a second zone, if it is.
    pub also: Option<TimeSpec>,
    /// The speakers written after the title, when the title does not hold them.
    pub byline: Option<String>,
    /// When `found` has no date: the days written as a weekday and a day of
    /// the month (`Monday 18th and Tuesday 19th`), one session each.
    pub days: Vec<(u32, u32)>,
}

/// Sessions whose dates and times are the texts of links (to a time-zone
/// converter, most often): `- Opening Keynote, by Kari Jordan, [13 July -
/// 14:00 UTC](…) and [July 14 - 0:00 UTC](…)` is two sessions of "Opening
/// Keynote". The title is the text before the first such link, up to its
/// first comma; what follows the comma names the speakers.
pub fn time_links(u: &Unit) -> Vec<Entry> {
    if !matches!(u.kind, Kind::Line { .. } | Kind::Item { .. }) {
        return Vec::new();
    }
    let timed: Vec<(&str, Found)> = u
        .links
        .iter()
        .filter(|l| l.text.chars().count() <= 40)
        .map(|l| (l.text.as_str(), when::scan(&l.text)))
        .filter(|(_, f)| f.time.is_some() && f.date.is_some())
        .collect();
    let Some(&(first, _)) = timed.first() else {
        return Vec::new();
    };
    let Some(at) = u.text.find(first) else {
        return Vec::new();
    };
    let before = u.text[..at].trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ':' | '-' | '–' | '—' | '(')
    });
    let (title, who) = match before.split_once(", ") {
        Some((t, w)) => (t.trim(), Some(w.trim())),
        None => (before.trim(), None),
    };
    if title.is_empty() || when::scan(title).time.is_some() {
        return Vec::new();
    }
    let byline = who
        .map(|w| w.strip_prefix("by ").unwrap_or(w).trim().to_string())
        .filter(|w| !w.is_empty());
    timed
        .into_iter()
        .map(|(_, found)| Entry {
            title: title.to_string(),
            url: None,
            found,
            also: None,
            byline: byline.clone(),
            days: Vec::new(),
        })
        .collect()
}

/// The entries a sentence line gives, in order.
pub fn entries(units: &[Unit], at: usize) -> Vec<Entry> {
    let u = &units[at];
    if !matches!(u.kind, Kind::Line { .. } | Kind::Item { .. }) {
        return Vec::new();
    }
    // The line with the next lines of its paragraph or item, so that a
    // title wrapped onto the next line is read whole; only titles that
    // start on this line are its entries (the next line reads its own).
    let mut source = markdown_links(u);
    let own = source.len();
    for (k, n) in units[at + 1..].iter().take(2).enumerate() {
        let continues = n.line == u.line + k + 1
            && matches!(
                n.kind,
                Kind::Item { first: false } | Kind::Line { first: false }
            );
        if !continues {
            break;
        }
        source.push('\n');
        source.push_str(&n.source);
    }
    let source = source.as_str();
    let mut out = Vec::new();
    let mut from = 0;
    let clocks = clocks(source);
    for (k, &(start, end)) in clocks.iter().enumerate() {
        let spans = spans(&source[from..start]);
        let rest = &source[from..];
        let segment = from;
        from = end;
        let next = clocks.get(k + 1).map_or(source.len(), |&(n, _)| n);
        // `**FOSDEM** (Brussels), Saturday 3 February, 14:00: [Title](…)`,
        // `**5 March** — Berlin Rust meetup, 19:00: *Title*`: a link or a
        // title in italics or quotation marks right after the time names
        // the talk; the bold text before it, the event or the day.
        let title_right_after = || {
            let after = source[end..next].trim_start_matches([' ', ':', '-', '–', '—', '|']);
            if !after.starts_with(['[', '*', '_', '"', '“']) {
                return None;
            }
            self::spans(after)
                .into_iter()
                .find(|s| s.at == 0 && (s.url.is_some() || (s.quoted && !s.bold)))
        };
        let (chosen, title_at) = match choose(&spans).filter(|s| segment + s.at < own) {
            Some(span)
                if span.url.is_none()
                    && start < own
                    && let Some(l) = title_right_after() =>
            {
                ((l.text, l.url, None), Some(end))
            }
            Some(span) => (
                (span.text.clone(), span.url.clone(), None),
                Some(segment + span.at),
            ),
            // "…, Dana Chu presents [\"Title\"](…)": the title after the time.
            None if start < own => match title_after(&source[end..next], invites(source))
                .or_else(|| title_right_after().map(|l| (l.text, l.url, None)))
            {
                Some(t) => (t, None),
                None => continue,
            },
            None => continue,
        };
        let mut found = when::scan(&super::markup::clean(rest));
        // "[A](…) at 10:00 on Wednesday, 30 October, and [B](…) at 2pm on
        // Thursday, 31 October": a date between the last time and this
        // title is the last time's; one written from the title on, before
        // the next title, is this one's.
        if k > 0
            && let Some(at) = title_at
        {
            let upto = self::spans(&source[end..])
                .first()
                .map_or(source.len(), |s| end + s.at);
            if let own @ Some(_) = when::scan(&super::markup::clean(&source[at..upto])).date {
                found.date = own;
            }
        }
        // "on Monday 18th and Tuesday 19th at 17:30": days without a month,
        // before this time; the reader gives them their month.
        let days = if found.date.is_none() {
            when::weekday_days(&super::markup::clean(&source[segment..end]))
        } else {
            Vec::new()
        };
        // `Monday: [Title](…) at 10:00 PT`: the reader gives the weekday
        // its date.
        let opens_weekday = || when::opening_weekday(&u.text).is_some();
        if found.time.is_none() || (found.date.is_none() && days.is_empty() && !opens_weekday()) {
            continue;
        }
        let (title, url, byline) = chosen;
        out.push(Entry {
            days,
            title,
            url,
            found,
            also: clocks
                .get(k + 1)
                .and_then(|&(next, _)| second_zone(source, end, next)),
            byline,
        });
    }
    out
}

/// The unit's source; for a unit read from HTML, whose source is its
/// plain text, with each link's text written as a Markdown link and its
/// opening bold as bold, so its spans read as a Markdown line's
/// (`<li><a href=…>Title</a> — <em>Nov 13, 11:15 MST</em></li>`,
/// `<p><strong>Title</strong><br>June 25, 2024 · 10:00 CEST</p>`).
fn markdown_links(u: &Unit) -> String {
    let mut source = u.source.clone();
    if source != u.text {
        return source;
    }
    if let Some(bold) = u.lead_bold.as_deref().filter(|b| !b.is_empty())
        && let Some(rest) = source.strip_prefix(bold)
        && u.links.iter().all(|l| !bold.contains(&l.text))
    {
        source = format!("**{bold}**{rest}");
    }
    let mut from = 0;
    for l in u.links.iter().filter(|l| !l.text.is_empty()) {
        let Some(at) = source[from..].find(&l.text).map(|i| from + i) else {
            continue;
        };
        let link = format!("[{}]({})", l.text, l.url);
        source.replace_range(at..at + l.text.len(), &link);
        from = at + link.len();
    }
    source
}

/// Words by which a sentence says that someone presents what follows.
const PRESENTING: [&str; 14] = [
    "presents",
    "present",
    "presenting",
    "speaks",
    "speak",
    "joins",
    "join",
    "hosts",
    "host",
    "leads",
    "lead",
    "delivers",
    "gives",
    "give",
];

/// A title named *after* a time, in a sentence that says someone presents
/// it ("On Wednesday, November 13 at 2:30pm MST, Dana Chu presents
/// ["Title"](…)", "…, Omar Haddad joins a panel on [Title](…)"), with the
/// presenter when a name stands before the verb: (title, link, byline).
/// Without such a verb, a link after a time is prose ("we will be at the
/// booth on May 7 at 12:00; see [the map](…)").
/// In a sentence that is an invitation (`invitation`), "for" right after
/// the time leads to the title as such a verb does ("Join Jane Roe on
/// Wednesday, May 21 at 13:40 CEST for *Rust for C# developers*").
fn title_after(
    stretch: &str,
    invitation: bool,
) -> Option<(String, Option<String>, Option<String>)> {
    let spans = spans(stretch);
    let span = choose(&spans)?;
    let lead = &stretch[..span.at.min(stretch.len())];
    if invitation {
        let mut words = lead.split_whitespace();
        if words
            .next_back()
            .is_some_and(|w| w.eq_ignore_ascii_case("for"))
            && words.all(super::schedule::time_word)
        {
            return Some((span.text.clone(), span.url.clone(), None));
        }
    }
    let (at, verb) = ascii_words(lead)
        .filter(|(_, w)| PRESENTING.iter().any(|p| w.eq_ignore_ascii_case(p)))
        .last()?;
    // The verb leads to the title: "presents", "joins a panel on", "will
    // give a talk about"; not across a sentence ("join us at the booth;
    // see [the map]").
    let between = &lead[at + verb.len()..];
    if between.contains([';', '.', '!', '?']) || between.split_whitespace().count() > 5 {
        return None;
    }
    let who = lead[..at]
        .rsplit(',')
        .next()
        .unwrap_or_default()
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':'))
        .trim_end_matches(" will")
        .trim();
    let words = who.split_whitespace().count();
    let byline = (1..=5).contains(&words) && who.starts_with(|c: char| c.is_uppercase());
    Some((
        span.text.clone(),
        span.url.clone(),
        byline.then(|| who.to_string()),
    ))
}

/// A sentence that opens by inviting the reader ("Join Jane Roe on …",
/// "Join us …").
fn invites(source: &str) -> bool {
    let first = source.trim_start_matches(|c: char| !c.is_alphanumeric());
    first
        .get(..5)
        .is_some_and(|w| w.eq_ignore_ascii_case("join "))
}

/// Whether a title read from the rest of a line is a clause that says
/// someone presents something named later ("Dana Chu presents"): no title.
/// Fewer verbs than [`PRESENTING`], and only as the last word: here no
/// title follows to confirm it, and "Lightning talks" or "Public speaking"
/// are titles.
pub fn is_presenting_clause(title: &str) -> bool {
    let mut words = title.split_whitespace();
    let last = words.next_back().unwrap_or_default();
    words.next().is_some()
        && ["presents", "speaks", "joins", "delivers", "gives"]
            .iter()
            .any(|p| last.eq_ignore_ascii_case(p))
}

/// The ASCII words of a text with their byte offsets.
fn ascii_words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && !b[i].is_ascii_alphabetic() {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        (start < i).then(|| (start, &text[start..i]))
    })
}

/// `12:30PM - 1:30PM UTC / 5:30AM PDT`: the start written again in a second
/// zone, after a slash between this time and the next clock.
fn second_zone(source: &str, from: usize, next: usize) -> Option<TimeSpec> {
    let between = &source[from..next];
    let slash = between.find('/')?;
    if between.len() > 24 {
        return None;
    }
    let after = &source[from + slash + 1..];
    when::scan(&super::markup::clean(after))
        .time
        .filter(|t| t.zone.is_some())
}

/// The span that names the talk (see the module's rules).
fn choose(spans: &[Span]) -> Option<&Span> {
    let named = |s: &&Span| {
        (s.bold || s.quoted) && !is_person(s) && !is_label(&s.text) && !is_when(&s.text)
    };
    let lead = spans
        .first()
        .filter(|s| s.opens && s.bold && s.url.is_none());
    let rest = if lead.is_some() { &spans[1..] } else { spans };
    rest.iter()
        .find(named)
        .or_else(|| rest.iter().find(|s| s.url.is_some() && !is_person(s)))
        .or(lead.filter(|s| !is_label(&s.text) && !is_when(&s.text)))
}

/// A span that is only a date or a time (`**Saturday, June 22nd**`, `**10am
/// to 2pm EDT**`): it says when, not what.
fn is_when(text: &str) -> bool {
    text.split_whitespace().all(super::schedule::time_word)
}

/// A field label (`**Speaker:**`, `**When:**`, `**Date & Time:**`): a word
/// or three and a colon, which names no talk.
pub fn is_label(text: &str) -> bool {
    text.trim()
        .strip_suffix(':')
        .is_some_and(|l| (1..=3).contains(&l.split_whitespace().count()))
}

fn is_person(s: &Span) -> bool {
    s.url.as_deref().is_some_and(is_person_url)
}

/// A link to a person's page (author pages, profiles), not to a talk.
pub fn is_person_url(url: &str) -> bool {
    let u = url.to_ascii_lowercase();
    const PEOPLE: [&str; 12] = [
        "/author/",
        "/authors/",
        "/people/",
        "/person/",
        "/team/",
        "/speakers/",
        "/members/",
        "twitter.com/",
        "//x.com/",
        "linkedin.com/",
        "scholar.google",
        "orcid.org/",
    ];
    if PEOPLE.iter().any(|p| u.contains(p)) {
        return true;
    }
    // github.com/<user>: a profile; github.com/<user>/<repo> is a project.
    u.split_once("github.com/")
        .is_some_and(|(_, path)| path.trim_end_matches('/').split('/').count() == 1)
}

/// Byte ranges of the clock times of a line: `12:30`, `5:05PM`, `10AM`,
/// `7-10AM` (its last clock), with `am`/`pm` glued or after one space.
fn clocks(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let digits = i - start;
        let mut end = None;
        if digits <= 2 && b.get(i) == Some(&b':') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            let mut j = i + 1;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j - i - 1 == 2 {
                end = Some(j);
            }
        }
        let after = end.unwrap_or(i);
        let k = if b.get(after) == Some(&b' ') {
            after + 1
        } else {
            after
        };
        let ampm = b
            .get(k..k + 2)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"am") || w.eq_ignore_ascii_case(b"pm"))
            && b.get(k + 2).is_none_or(|c| !c.is_ascii_alphabetic());
        if ampm && digits <= 2 {
            end = Some(k + 2);
        }
        if let Some(e) = end {
            out.push((start, e));
            i = e;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_presenting_clauses_name_no_talk() {
        assert!(is_label("Speaker:") && is_label("Date & Time:") && is_label(" When: "));
        assert!(!is_label("Scaling Postgres") && !is_label("A title with four words:"));
        assert!(is_presenting_clause("Dana Chu presents"));
        assert!(!is_presenting_clause("Presents") && !is_presenting_clause("Lightning talks"));
        let after = |s: &str| title_after(s, false).map(|(t, _, by)| (t, by));
        assert_eq!(
            after(" MST, Dana Chu presents\n[\"Edge\"](https://x/1)."),
            Some(("\"Edge\"".to_string(), Some("Dana Chu".to_string())))
        );
        assert_eq!(
            after(" UTC, we give a talk on [Tracing](https://x/2)"),
            Some(("Tracing".to_string(), None))
        );
        // No verb, or a sentence between the verb and the link: prose.
        assert_eq!(after(" UTC; see [the map](https://x/3)"), None);
        assert_eq!(
            after(" UTC, join us at the booth; see [the map](https://x/3)"),
            None
        );
        // An invitation's "for" right after the time, and only there.
        let invited = |s: &str| title_after(s, true).map(|(t, _, _)| t);
        assert_eq!(
            invited(" CEST for *Rust for C# developers*."),
            Some("Rust for C# developers".to_string())
        );
        assert_eq!(invited(" CEST, lunch for [everyone](https://x/4)"), None);
        assert_eq!(title_after(" CEST for *Rust for C# devs*", false), None);
        assert!(invites("Join Jane Roe on May 21") && invites("**Join us** on"));
        assert!(!invites("Joining us") && !invites("We join"));
    }

    fn unit(source: &str) -> Unit {
        let units = super::super::doc::read(source, 1);
        units.into_iter().next().unwrap()
    }

    #[test]
    fn sentences_name_their_talks() {
        let table: [(&str, &[&str]); 6] = [
            (
                "**Jo Doe**, Engineer, will give a [**keynote talk**](https://c.org/k) about [**another thing**](/x) on Friday, July 9, 12:30PM - 1:30PM UTC / 5:30AM PDT.",
                &["keynote talk"],
            ),
            (
                "- [Elio](/author/elio)'s talk [\"Building Bridges\"](https://s.co/1) on Tuesday, July 9 at 11:40 CEST; and [\"Second One\"](https://s.co/2) on Thursday, July 11 at 12:10 CEST.",
                &["\"Building Bridges\"", "\"Second One\""],
            ),
            (
                "- [Jon](/author/jon/)'s virtual talk \"Learning Together Online\" goes live on the [playlist](https://y.tube/p) at 10:30am CDT on July 2;",
                &["Learning Together Online"],
            ),
            (
                "* **RDevDay** with [Pao](/author/pao/). Tuesday, November 19th at 17:30 to 20:30 UTC -3.",
                &["RDevDay"],
            ),
            (
                "Chung Chan talk on [Maintaining the I/O of R](https://u.sched.com/e/1) on Wednesday July 10, 2024 10:40 - 11:00 CEST.",
                &["Maintaining the I/O of R"],
            ),
            ("We met on Monday, July 8 at 10:00 for coffee.", &[]),
        ];
        // A quoted link title wrapped onto the next line of its item.
        let wrapped = "- [Hugo](/author/hugo)'s talk [\"\nBuilding Things Well\"](https://s.co/9) on Tuesday, July 9 at 14:50.\n";
        let units = super::super::doc::read(wrapped, 1);
        let got: Vec<String> = entries(&units, 0).into_iter().map(|e| e.title).collect();
        assert_eq!(got, ["\" Building Things Well\""]);
        assert!(
            entries(&units, 1).is_empty(),
            "the next line reads no title of its own"
        );
        let two = time_links(&unit(
            "- Opening Keynote, by Kari Jordan, [13 July - 14:00UTC](https://t.co/a) and [July 14 - 0:00 UTC](https://t.co/b)",
        ));
        assert_eq!(two.len(), 2);
        assert!(two.iter().all(|e| e.title == "Opening Keynote"));
        assert_eq!(two[0].byline.as_deref(), Some("Kari Jordan"));
        for (line, want) in table {
            let units = super::super::doc::read(line, 1);
            let got: Vec<String> = entries(&units, 0).into_iter().map(|e| e.title).collect();
            assert_eq!(got, want, "{line}");
        }
    }

    #[test]
    fn clock_positions() {
        let t = "on July 7, 7-10AM UTC / 12AM PDT, or 9:45 or 4 pm";
        let got: Vec<&str> = clocks(t).iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(got, ["10AM", "12AM", "9:45", "4 pm"]);
    }
}
