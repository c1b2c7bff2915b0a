//! Table rows with a time column: one talk per title cell, or one per
//! track column when a row holds parallel talks.

use chrono::NaiveDate;

use super::super::doc::Unit;
use super::super::find::Candidate;
use super::super::when;
use super::super::zone::WrittenZone;
use super::days::{next_weekday, weekday_of};
use super::sessions::{contains_word, is_session, stated_zone};
use super::{Context, candidate};

/// Columns a schedule table may have, by header.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Column {
    Time,
    Title,
    Speaker,
    Other,
    Track,
}

pub(super) fn column_of(header: &str) -> Column {
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
pub(super) fn row_entries(
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
