//! Cards: a title (a heading, or a bold line that opens a paragraph) with
//! the talk's date and time under it, alone or in labelled fields.
//!
//! ```text
//! ### Unlocking the GIL            <h3><a href=…>Title</a></h3>
//! **Speaker:** Ana Ruiz            <p>June 17, 2025 · 14:00–14:30</p>
//! *Date:* Friday, May 17, 2024
//! 🕑 2:30 PM – 3:00 PM EDT
//! 📍 Hall C
//! ```
//!
//! The title may also be a labelled line (`Talk: [Title](…)`, `Session:
//! …`) whose paragraph goes on with the fields.
//!
//! A field is a line that opens with a label of one to three words and a
//! colon (bold, italic or plain) or with an emoji that people use as one
//! (📅 a date, 🕑 a time, 📍 a place, 👥 the speakers). The date and time
//! come from a `When:` field, or a `Date:` and a `Time:` field together,
//! and must be the whole of what those fields say: a field that says more
//! ("10:00–17:00, booth B4") is not read as a talk's time. A `Duration:`
//! field (or ⏱ / ⏳) gives the end of a time written without one
//! (`🕒 10:00 AM PT`, `⏱️ 60 minutes`).

use super::super::doc::{Kind, Unit};
use super::super::find::Candidate;
use super::super::when::{self, Clock, Found, TimeSpec};
use super::super::zone::WrittenZone;
use super::lines::{
    LABELS, clock_emoji, date_emoji, leading_time, other_zones, strip_label, strip_separators,
    time_alone,
};
use super::sessions::is_session;
use super::{Context, candidate};

/// The fields a card may have under its title.
const CARD_FIELDS: usize = 6;

/// What a field line gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Date,
    Time,
    /// A date and a time together (`When:`, `Date & Time:`).
    When,
    /// How long it lasts (`Duration: 90 minutes`, `⏱️ 1 hour`).
    Duration,
    Speaker,
    /// The talk's title (`**Talk:** Event sourcing without tears` under a
    /// heading that names the speaker).
    Title,
    /// A place, a room, a link, a level: read past, not used.
    Other,
}

/// A field line (`**Speaker:** Ana`, `*Date:* Friday`, `Time: 3 pm`,
/// `📅 Friday`): its label and value. None for a line that is no field,
/// which ends a card (`10:00 Opening` has a colon, but no label).
fn field(text: &str) -> Option<(Label, &str)> {
    let (emoji, rest) = emoji_label(text);
    if let Some((head, value)) = rest.split_once(':')
        && is_label_words(head)
    {
        let label = match head.trim().to_ascii_lowercase().as_str() {
            "date" | "day" => Label::Date,
            "time" | "hours" | "start time" => Label::Time,
            "duration" | "length" => Label::Duration,
            "when" | "date & time" | "date and time" | "date/time" | "datetime" | "starts" => {
                Label::When
            }
            "speaker" | "speakers" | "presenter" | "presenters" | "by" | "who" | "host"
            | "hosts" | "instructor" | "instructors" | "moderator" | "panelists" => Label::Speaker,
            "talk" | "title" | "session" | "topic" | "what" => Label::Title,
            _ => emoji.unwrap_or(Label::Other),
        };
        return Some((label, value.trim()));
    }
    emoji.map(|label| (label, rest))
}

/// One to three words of letters (and `&`, `/`): a label, not a clock
/// (`10:00`) or a sentence.
fn is_label_words(head: &str) -> bool {
    let head = head.trim();
    !head.is_empty()
        && head.split_whitespace().count() <= 3
        && head
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '&' | '/'))
}

/// An emoji that opens a line as a label does, and the text after it.
fn emoji_label(text: &str) -> (Option<Label>, &str) {
    let Some(first) = text.chars().next() else {
        return (None, text);
    };
    let label = match first {
        c if date_emoji(c) => Label::Date,
        c if clock_emoji(c) => Label::Time,
        '⏱' | '⌛' | '⏳' => Label::Duration,
        '👥' | '👤' | '🎤' | '🗣' | '🎙' | '🧑' | '👩' | '👨' => Label::Speaker,
        '📍' | '📌' | '🏢' | '🏛' | '🗺' | '🚪' | '🔗' | '🎥' | '📺' => {
            Label::Other
        }
        _ => return (None, text),
    };
    // The emoji's variation selector, a joined second emoji (🧑‍🏫), spaces.
    let rest = text[first.len_utf8()..].trim_start_matches(|c: char| {
        c.is_whitespace() || c == '\u{FE0F}' || c == '\u{200D}' || c as u32 >= 0x1F000
    });
    (Some(label), rest)
}

/// Headings that head an event's practical details, not a talk ("## When
/// and where", then `**When:** …`): their card is the event's.
fn is_details_heading(title: &str) -> bool {
    let t = title.trim().trim_end_matches(':').to_ascii_lowercase();
    matches!(
        t.as_str(),
        "details"
            | "event details"
            | "when and where"
            | "where and when"
            | "when & where"
            | "date and time"
            | "date & time"
            | "time and place"
            | "location"
            | "venue"
            | "logistics"
            | "info"
            | "information"
            | "event information"
            | "essential information"
            | "practical information"
            | "registration"
            | "schedule"
            | "agenda"
            | "program"
            | "programme"
    )
}

/// What a card's fields say.
struct Fields {
    /// The date and time, as the fields write them.
    text: String,
    /// The unit of the last field that gave part of it.
    time_at: usize,
    /// The units the fields take.
    took: usize,
    speaker: Option<String>,
    /// The title a `Talk:` field gives, which the card's heading is not.
    title: Option<String>,
    /// How long the talk lasts, in minutes, from a `Duration:` field.
    minutes: Option<u32>,
    /// A field names a booth, a meal or a social event (`**Where:** Booth
    /// S12`): the card is no talk.
    social: bool,
}

/// Whether unit `k` is the next line of the paragraph or item above it.
fn continues(units: &[Unit], k: usize) -> bool {
    k > 0
        && k < units.len()
        && matches!(
            units[k].kind,
            Kind::Line { first: false } | Kind::Item { first: false }
        )
        && units[k].line == units[k - 1].line + 1
}

/// What the fields from unit `first` on say; none when they give no date
/// or time. `same_paragraph`: the fields must be the next lines of the
/// paragraph above them (a bold title's).
fn fields(units: &[Unit], first: usize, same_paragraph: bool) -> Option<Fields> {
    let (mut date, mut time, mut when, mut speaker) = (None, None, None, None);
    let mut title = None;
    let mut minutes = None;
    let mut time_at = first;
    let mut social = false;
    let mut k = first;
    while let Some(n) = units.get(k).filter(|_| k - first < CARD_FIELDS) {
        if !matches!(n.kind, Kind::Line { .. } | Kind::Item { .. })
            || (same_paragraph && !continues(units, k))
        {
            break;
        }
        // `Speaker: Jane Roe` then `Tuesday, March 25 | 1:00pm–1:45pm`: a
        // date and time alone after a field is the card's `When:` (alone
        // right under the title, it is read without fields, below).
        let unlabelled = || {
            let none_yet = when.is_none() && date.is_none() && time.is_none();
            (k > first && none_yet && time_alone(&n.text)).then_some((Label::When, n.text.as_str()))
        };
        let Some((label, value)) = field(&n.text).or_else(unlabelled) else {
            break;
        };
        // `Speaker: Mia Chen · Wednesday, November 5 · 14:00–14:45 CET`: the
        // speaker, then the card's time on the same line.
        let (label, value) = match (label, value.split_once(" · ")) {
            (Label::Speaker, Some((who, rest)))
                if when.is_none() && leading_time(rest).is_some_and(|(f, _)| f.time.is_some()) =>
            {
                speaker = speaker.or(Some(who));
                (Label::When, rest)
            }
            _ => (label, value),
        };
        social |= value.chars().any(char::is_alphabetic) && !is_session(value);
        let slot = match label {
            Label::Date => &mut date,
            Label::Time => &mut time,
            Label::When => &mut when,
            Label::Speaker => &mut speaker,
            Label::Title => &mut title,
            Label::Duration => {
                minutes = minutes.or(duration_minutes(value));
                k += 1;
                continue;
            }
            Label::Other => {
                k += 1;
                continue;
            }
        };
        if slot.is_none() {
            *slot = Some(value);
            if !matches!(label, Label::Speaker | Label::Title) {
                time_at = k;
            }
        }
        k += 1;
    }
    let text = match (when, date, time) {
        (Some(w), _, _) => w.to_string(),
        (None, Some(d), Some(t)) => format!("{d} {t}"),
        (None, Some(d), None) => d.to_string(),
        (None, None, Some(t)) => t.to_string(),
        (None, None, None) => return None,
    };
    let speaker = speaker.filter(|s| !s.is_empty()).map(str::to_string);
    Some(Fields {
        text,
        time_at,
        took: k - first,
        speaker,
        title: title.filter(|t| !t.is_empty()).map(str::to_string),
        minutes,
        social,
    })
}

/// How many minutes a `Duration:` field says: `60 minutes`, `90 min`,
/// `1 hour`, `1.5 hours`, `1h30`, `1 hour 30 minutes`. None for anything
/// else, or for more than a day.
fn duration_minutes(text: &str) -> Option<u32> {
    let t = text.trim().trim_end_matches('.').to_ascii_lowercase();
    let mut total = 0.0_f64;
    let mut rest = t.as_str();
    let mut read_any = false;
    while !rest.is_empty() {
        let n_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let n: f64 = rest[..n_len].parse().ok()?;
        let after = rest[n_len..].trim_start();
        let unit_len = after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        let per = match &after[..unit_len] {
            "h" | "hr" | "hrs" | "hour" | "hours" => 60.0,
            "m" | "min" | "mins" | "minute" | "minutes" => 1.0,
            // `1h30`: minutes after hours, unnamed.
            "" if read_any => 1.0,
            _ => return None,
        };
        total += n * per;
        read_any = true;
        rest = after[unit_len..].trim_start();
        rest = rest
            .strip_prefix("and ")
            .or_else(|| rest.strip_prefix(", "))
            .unwrap_or(rest)
            .trim_start();
    }
    (read_any && total > 0.0 && total <= 24.0 * 60.0).then_some(total.round() as u32)
}

/// A time with no end given one `minutes` after its start, on the start's
/// clock (a 12-hour start gives a 12-hour end).
fn with_length(mut found: Found, minutes: Option<u32>) -> Found {
    if let (Some(t), Some(m)) = (found.time.as_mut(), minutes)
        && t.end.is_none()
    {
        let start = t.start;
        let hour24 = match start.pm {
            Some(true) if start.hour < 12 => start.hour + 12,
            Some(false) if start.hour == 12 => 0,
            _ => start.hour,
        };
        let end = (hour24 * 60 + start.minute + m) % (24 * 60);
        let (h, minute) = (end / 60, end % 60);
        t.end = Some(match start.pm {
            Some(_) => Clock {
                hour: if h % 12 == 0 { 12 } else { h % 12 },
                minute,
                pm: Some(h >= 12),
            },
            None => Clock {
                hour: h,
                minute,
                pm: None,
            },
        });
    }
    found
}

/// A card or heading that names a talk, with its time alone on the next
/// unit (`<h3>Title</h3><p>June 17, 2025 · 14:00–14:30</p>`) or in fields
/// under it (see the module's rules); the title may also be a bold line
/// that opens a paragraph whose next lines are the fields (`**Title**` then
/// `Time: 2:30 PM - 3:05 PM MST`). With the number of units after the
/// title that the card took.
pub(super) fn titled_then_time(
    units: &[Unit],
    at: usize,
    ctx: &Context,
    prose_zone: Option<WrittenZone>,
) -> Option<(Candidate, usize)> {
    let u = &units[at];
    let bold_line = matches!(
        u.kind,
        Kind::Line { first: true } | Kind::Item { first: true }
    ) && u.lead_bold.as_deref() == Some(u.text.as_str());
    // `Talk: [Title](…)` then `When: Tue 19 Mar, 14:30–15:00 CET`: a
    // labelled title line whose paragraph goes on with the fields.
    // (A label is one short word: its colon is looked for in the first
    // bytes only, not through every paragraph of the post.)
    let labelled = (matches!(
        u.kind,
        Kind::Line { first: true } | Kind::Item { first: true }
    ) && u.text.bytes().take(10).any(|b| b == b':'))
    .then(|| LABELS.iter().find_map(|l| strip_label(&u.text, l)))
    .flatten();
    if !matches!(u.kind, Kind::Heading(2..)) && !bold_line && labelled.is_none() {
        return None;
    }
    let title = labelled.unwrap_or(&u.text);
    let same_paragraph = bold_line || labelled.is_some();
    let n = units
        .get(at + 1)
        .filter(|n| matches!(n.kind, Kind::Line { .. } | Kind::Item { .. }))?;
    let f = match fields(units, at + 1, same_paragraph) {
        Some(f) => f,
        // The date and time alone on the next unit (for a bold title, the
        // next line of its paragraph), or on the one after a speaker's
        // line under a heading (`<h3>Title</h3><p>Ana Ruiz</p><p>May 23,
        // 2024 · 11:00</p>`).
        None if !same_paragraph || continues(units, at + 1) => {
            if let Some(f) = date_then_time(units, at + 1) {
                f
            } else {
                // (In a bold title's paragraph, the speaker's line must go
                // on with it: `**Title**` / `Priya Raman` / `Tuesday, 10:00 |
                // Room A`.)
                let after_speaker = if same_paragraph && !continues(units, at + 2) {
                    None
                } else {
                    speaker_then_time(units, at + 1)
                };
                let took = 1 + usize::from(after_speaker.is_some());
                Fields {
                    text: after_speaker.unwrap_or(n).text.clone(),
                    time_at: at + took,
                    took,
                    speaker: after_speaker.map(|_| n.text.clone()),
                    title: None,
                    minutes: None,
                    social: false,
                }
            }
        }
        None => return None,
    };
    // `Date: January 22, 2025 | Time: 17:00 UTC`: the second label goes.
    let text = without_time_label(&f.text);
    let (found, also, rest) = leading_time(&text).map(|(f, rest)| {
        let (also, rest) = other_zones(rest);
        (
            f,
            also,
            strip_separators(rest).is_empty() || is_place(&text, rest),
        )
    })?;
    // `### Ingrid Larsen` then `**Talk:** Event sourcing without tears`:
    // the field names the talk, the heading its speaker.
    let (title, byline) = match f.title.as_deref() {
        Some(t) if labelled.is_none() => (t, f.speaker.clone().or_else(|| Some(u.text.clone()))),
        _ => (title, f.speaker.clone()),
    };
    if !rest || f.social || !is_session(title) || is_details_heading(title) {
        return None;
    }
    let found = with_length(found, f.minutes);
    let url = u.links.first().map(|l| l.url.clone());
    let mut c = candidate(
        u.line,
        units[f.time_at].line,
        title.to_string(),
        url,
        found,
        ctx,
        prose_zone,
    );
    c.byline = byline;
    c.also = also;
    // Its heading is its title, not a track.
    if c.track.as_deref() == Some(u.text.as_str()) {
        c.track = None;
    }
    Some((c, f.took))
}

/// `March 5, 2025` then `2:00 PM – 3:00 PM EST` on the next line: a date
/// alone on unit `at` and a time alone (or with a place) on the line right
/// under it, read as one.
fn date_then_time(units: &[Unit], at: usize) -> Option<Fields> {
    let (date, time) = (units.get(at)?, units.get(at + 1)?);
    let lines = matches!(date.kind, Kind::Line { .. } | Kind::Item { .. })
        && time.kind == (Kind::Line { first: false })
        // (The lines of an HTML paragraph broken by `<br>` may share one
        // line of the file.)
        && (date.line..=date.line + 1).contains(&time.line);
    if !lines {
        return None;
    }
    let d = when::scan(&date.text);
    let date_alone = d.date.is_some()
        && d.time.is_none()
        && date.text.split_whitespace().all(super::lines::time_word);
    let (t, rest) = leading_time(&time.text)?;
    if !date_alone || t.date.is_some() || !strip_separators(rest).is_empty() {
        return None;
    }
    Some(Fields {
        text: format!("{} {}", date.text, time.text),
        time_at: at + 1,
        took: 2,
        speaker: None,
        title: None,
        minutes: None,
        social: false,
    })
}

/// The unit after `at` when unit `at` is a short line with no date or
/// time (a speaker's name) and the next one is a date and time alone,
/// within two lines.
fn speaker_then_time(units: &[Unit], at: usize) -> Option<&Unit> {
    const SPEAKER_CHARS: usize = 80;
    let (who, time) = (units.get(at)?, units.get(at + 1)?);
    // The cheap tests first: every heading whose next line gives no time
    // comes here.
    let shapes = matches!(who.kind, Kind::Line { .. } | Kind::Item { .. })
        && matches!(time.kind, Kind::Line { .. } | Kind::Item { .. })
        && time.line <= who.line + 2
        && who.text.chars().count() <= SPEAKER_CHARS;
    let names_no_time = || {
        let f = when::scan(&who.text);
        f.time.is_none() && f.date.is_none()
    };
    // With its date, or its weekday (`Tuesday, 10:00 - 10:45 | Room A`),
    // then at most a room.
    let dated_time_alone = || {
        leading_time(&time.text).is_some_and(|(t, rest)| {
            (t.date.is_some() || when::opening_weekday(&time.text).is_some())
                && (strip_separators(rest).is_empty() || is_place(&time.text, rest))
        })
    };
    (shapes && names_no_time() && dated_time_alone()).then_some(time)
}

/// The event's own date and time, in fields under no title of their own
/// (a meetup's `**When:** Thursday, May 9, 2024, 18:30–21:00 CEST`, or a
/// `Date:` and a `Time:` line): the fields from unit `at` on, with the unit
/// of their time and the number of units they take. The post's one talk,
/// titled by the post, when nothing else in it is a talk.
pub(super) fn event_time(
    units: &[Unit],
    at: usize,
) -> Option<(Found, Option<TimeSpec>, usize, usize)> {
    let u = &units[at];
    if !matches!(u.kind, Kind::Line { .. } | Kind::Item { .. })
        || !field(&u.text)
            .is_some_and(|(l, _)| matches!(l, Label::Date | Label::Time | Label::When))
    {
        return None;
    }
    let f = fields(units, at, false).filter(|f| !f.social)?;
    let text = without_time_label(&f.text);
    let (found, rest) = leading_time(&text)?;
    let (also, rest) = other_zones(rest);
    (found.date.is_some() && strip_separators(rest).is_empty()).then_some((
        with_length(found, f.minutes),
        also,
        f.time_at,
        f.took,
    ))
}

/// What may follow a card's time: its room or venue after a separator
/// (`March 20, 2:00 PM · Hall 7`), short, with no time of its own.
fn is_place(text: &str, rest: &str) -> bool {
    // The separator may have been read with the time. Not a dash: `11:00 —
    // Live demo` is a time-first entry's title, not a room.
    let after_time = text[..text.len() - rest.len()].trim_end();
    let r = rest.trim_start();
    let place = strip_separators(r);
    (r.starts_with(['·', '|', '•', '@', ',']) || after_time.ends_with(['·', '|', '•', '@', ',']))
        && place.split_whitespace().count() <= 4
        && !place.contains(':')
        && is_session(place)
        && when::scan(place).time.is_none()
}

/// The text without a `Time:` label after a separator (`January 22, 2025 |
/// Time: 17:00 UTC`), which would part the date from its time; borrowed
/// when it has none.
fn without_time_label(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(at) = text.find("Time:").or_else(|| text.find("time:")) else {
        return std::borrow::Cow::Borrowed(text);
    };
    let before = text[..at].trim_end();
    if !before.ends_with(['|', ',', '•', '·', ';', '-', '–', '—']) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(format!(
        "{before} {}",
        text[at + "Time:".len()..].trim_start()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_labels_or_emoji() {
        assert_eq!(
            field("Date: Friday, 7 February"),
            Some((Label::Date, "Friday, 7 February"))
        );
        assert_eq!(
            field("Date & Time: May 9, 18:30"),
            Some((Label::When, "May 9, 18:30"))
        );
        assert_eq!(
            field("📅 Friday, May 17, 2024"),
            Some((Label::Date, "Friday, May 17, 2024"))
        );
        assert_eq!(
            field("🕑 2:30 PM – 3:00 PM EDT"),
            Some((Label::Time, "2:30 PM – 3:00 PM EDT"))
        );
        assert_eq!(field("🗓️ Date: June 3"), Some((Label::Date, "June 3")));
        assert_eq!(
            field("👥 Ana Ruiz, Acme"),
            Some((Label::Speaker, "Ana Ruiz, Acme"))
        );
        assert_eq!(field("Room: Hall B"), Some((Label::Other, "Hall B")));
        // A clock, a sentence or a title with a colon is no field.
        assert_eq!(field("10:00 Opening"), None);
        assert_eq!(
            field("Panel: what four words say: more"),
            Some((Label::Other, "what four words say: more"))
        );
        assert_eq!(field("Keynote by the whole team: why"), None);
        assert_eq!(field("Friday, May 17"), None);
    }

    #[test]
    fn a_label_cleared_from_inside_a_date() {
        assert_eq!(
            without_time_label("January 22, 2025 | Time: 17:00 UTC"),
            "January 22, 2025 | 17:00 UTC"
        );
        assert_eq!(without_time_label("Time: 17:00"), "Time: 17:00");
    }

    #[test]
    fn durations_give_an_end_on_the_start_clock() {
        assert_eq!(
            field("⏱️ 60 minutes"),
            Some((Label::Duration, "60 minutes"))
        );
        assert_eq!(field("Duration: 1h30"), Some((Label::Duration, "1h30")));
        for (text, want) in [
            ("60 minutes", Some(60)),
            ("90 min", Some(90)),
            ("1 hour", Some(60)),
            ("1.5 hours", Some(90)),
            ("2 hrs.", Some(120)),
            ("1h30", Some(90)),
            ("1 hour 30 minutes", Some(90)),
            ("1 hour and 15 minutes", Some(75)),
            ("45m", Some(45)),
            ("about an hour", None),
            ("60", None),
            ("30 days", None),
            ("25 hours", None),
            ("", None),
        ] {
            assert_eq!(duration_minutes(text), want, "{text:?}");
        }
        let at = |hour, minute, pm| Clock { hour, minute, pm };
        let end = |start: Clock, minutes| {
            let found = Found {
                date: None,
                time: Some(TimeSpec {
                    start,
                    end: None,
                    zone: None,
                }),
                ..Found::default()
            };
            with_length(found, Some(minutes)).time.and_then(|t| t.end)
        };
        assert_eq!(
            end(at(10, 0, Some(false)), 60),
            Some(at(11, 0, Some(false)))
        );
        assert_eq!(
            end(at(11, 30, Some(false)), 45),
            Some(at(12, 15, Some(true)))
        );
        assert_eq!(end(at(12, 0, Some(true)), 90), Some(at(1, 30, Some(true))));
        assert_eq!(
            end(at(11, 0, Some(true)), 90),
            Some(at(12, 30, Some(false)))
        );
        assert_eq!(end(at(18, 30, None), 90), Some(at(20, 0, None)));
        assert_eq!(end(at(23, 30, None), 60), Some(at(0, 30, None)));
    }
}
