//! Table rows with a time column: one talk per title cell, or one per
//! track column when a row holds parallel talks.

use chrono::NaiveDate;

use super::super::doc::Unit;
use super::super::find::Candidate;
use super::super::when::{self, DateSpec};
use super::super::zone::WrittenZone;
use super::days::{next_weekday, weekday_of};
use super::lines::{time_alone, time_word};
use super::sessions::{contains_word, is_session, stated_zone};
use super::{Context, candidate};

/// Columns a schedule table may have, by header.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Column {
    Time,
    /// An end time of its own (`| Start | End |`).
    End,
    Title,
    Speaker,
    Other,
    Track,
}

pub(super) fn column_of(header: &str) -> Column {
    let h = header.to_lowercase();
    let has = |w: &str| contains_word(&h, w);
    if has("end") || has("ends") || has("finish") || has("until") {
        Column::End
    } else if has("time")
        || has("when")
        || has("date")
        || has("day")
        || has("start")
        || has("starts")
        || has("begin")
        || has("from")
    {
        Column::Time
    } else if has("id") || has("code") || has("number") || has("no") || h.contains('#') {
        // `Session ID`, `Talk #`: a catalogue's number for the session,
        // not its title (`CON301` would be a talk of its own).
        Column::Other
    } else if has("title")
        || has("session")
        || has("talk")
        || has("topic")
        || has("activity")
        || has("event")
        || has("what")
    {
        Column::Title
    } else if has("speaker")
        || has("speakers")
        || has("presenter")
        || has("presenters")
        || has("by")
        || has("who")
        || has("host")
        || has("hosts")
        || has("instructor")
        || has("instructors")
        || has("moderator")
    {
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

/// A title column's header that names the event rather than the talk
/// (`Event`, `Conference`).
fn names_the_event(header: &str) -> bool {
    let h = header.to_lowercase();
    contains_word(&h, "event")
        && !["title", "session", "talk", "topic"]
            .iter()
            .any(|w| contains_word(&h, w))
}

/// The talks of one table row.
pub(super) fn row_entries(
    u: &Unit,
    ctx: &Context,
    prose_zone: Option<WrittenZone>,
    reference: NaiveDate,
    last_day: Option<NaiveDate>,
    above: Option<DateSpec>,
) -> Vec<Candidate> {
    let Some(header) = &u.header else {
        return Vec::new();
    };
    // `| Time | Monday 3 June | Tuesday 4 June |`: a column per day, each
    // cell a talk on its column's day.
    let column_dates: Vec<Option<DateSpec>> = header
        .iter()
        .map(|h| {
            let f = when::scan(h);
            f.date.filter(|_| f.time.is_none())
        })
        .collect();
    let columns: Vec<Column> = if header.iter().all(|h| h.trim().is_empty()) {
        unlabelled_columns(u)
    } else {
        header
            .iter()
            .zip(&column_dates)
            .map(|(h, d)| match d {
                Some(_) => Column::Track,
                None => column_of(h),
            })
            .collect()
    };
    let columns = time_by_content(u, columns);
    let time_cols: Vec<usize> = (0..columns.len())
        .filter(|&c| columns[c] == Column::Time)
        .collect();
    // The first time column that gives a time, read with its header (a
    // `Time (UTC)` header states the zone).
    let mut found = None;
    let mut header_zone = None;
    let mut date = None;
    // A weekday alone, in the time cell ("Sunday 8 - 11:30 am") or a Day
    // column ("Sun"): the first such day on or after the last one.
    let mut weekday = None;
    for &c in &time_cols {
        let Some(cell) = u.cells.get(c) else { continue };
        let f = when::scan(&cell.text);
        if f.date.is_some() && date.is_none() {
            date = f.date;
        }
        if f.date.is_none() && weekday.is_none() {
            weekday = cell_weekday(&cell.text);
        }
        if f.time.is_some() && found.is_none() {
            found = Some(f);
            header_zone = header.get(c).and_then(|h| stated_zone(h, true));
        }
    }
    if date.is_none()
        && let Some(w) = weekday
    {
        date = Some(next_weekday(last_day.unwrap_or(reference), w));
    }
    // An empty Date cell under a dated row means the same day (a row
    // spanned, in Markdown that has no `rowspan`).
    let same_day = time_cols.iter().any(|&c| {
        let h = header.get(c).map_or(String::new(), |h| h.to_lowercase());
        (h.contains("date") || h.contains("day"))
            && u.cells
                .get(c)
                .is_some_and(|cell| cell.text.trim().is_empty())
    });
    if date.is_none() && same_day {
        date = above;
    }
    let Some(mut found) = found else {
        return Vec::new();
    };
    if found.date.is_none() {
        found.date = date;
    }
    // `| 09:30 | 10:30 |` under Start and End: the end from its own column.
    if let Some(t) = found.time.as_mut().filter(|t| t.end.is_none())
        && let Some(end) = (0..columns.len())
            .filter(|&c| columns[c] == Column::End)
            .find_map(|c| when::scan(&u.cells.get(c)?.text).time)
    {
        t.end = Some(end.start);
        t.zone = t.zone.or(end.zone);
    }
    let title_cols: Vec<usize> = {
        // `| Date | Event | Talk |`: the event is the conference's name
        // when another column names the talk.
        let titles: Vec<usize> = (0..columns.len())
            .filter(|&c| columns[c] == Column::Title)
            .collect();
        let named = |c: &usize| header.get(*c).is_some_and(|h| !names_the_event(h));
        let titles: Vec<usize> = if titles.iter().any(named) {
            titles.into_iter().filter(named).collect()
        } else {
            titles
        };
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
            let mut found = found;
            if let Some(day) = column_dates.get(c).copied().flatten() {
                found.date = Some(day);
            } else if parallel {
                ctx.track = header.get(c).cloned();
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

/// The columns of a table whose header row is empty (`| | |`, since
/// Markdown wants one): the first cell of the row that is a time alone is
/// the time, the first other the title, the next the speakers.
fn unlabelled_columns(u: &Unit) -> Vec<Column> {
    let time = u.cells.iter().position(|c| time_alone(&c.text));
    let mut others = (0..u.cells.len()).filter(|&c| Some(c) != time);
    let (title, speaker) = (others.next(), others.next());
    (0..u.cells.len())
        .map(|c| match Some(c) {
            x if x == time => Column::Time,
            x if x == title => Column::Title,
            x if x == speaker => Column::Speaker,
            _ => Column::Other,
        })
        .collect()
}

/// Time columns whose headers almanac does not know (in another language,
/// `| Datum | Uhrzeit | Vortrag |`, or an empty header over the times of a
/// table of rooms, `| | Hall A | Hall B |`): a column whose header says
/// nothing almanac knows (a track's, else) and whose cell in this row is a
/// date or a time alone is a time column. A track's cell that is only a
/// time names no talk either way.
fn time_by_content(u: &Unit, mut columns: Vec<Column>) -> Vec<Column> {
    for (c, cell) in u.cells.iter().enumerate() {
        if columns.get(c) == Some(&Column::Track) && is_a_date_or_time(&cell.text) {
            columns[c] = Column::Time;
        }
    }
    columns
}

/// A cell that is a date, a time or both, and nothing else.
fn is_a_date_or_time(text: &str) -> bool {
    text.split_whitespace().all(time_word) && {
        let f = when::scan(text);
        f.date.is_some() || f.time.is_some()
    }
}

/// The weekday a cell names: a whole name among its words ("Sunday 8 -
/// 11:30 am"), or an abbreviation that is the whole cell (a Day column's
/// "Sun", "Mon."): in a title, "Sun" or "Wed" is no day.
fn cell_weekday(text: &str) -> Option<u32> {
    let mut words = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty());
    if let Some(w) = words.clone().find_map(weekday_of) {
        return Some(w);
    }
    match (words.next(), words.next()) {
        (Some(one), None) => when::weekday(
            &one.trim_matches(|c: char| !c.is_alphabetic())
                .to_lowercase(),
        ),
        _ => None,
    }
}
