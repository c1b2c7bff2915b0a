//! Stage 3 of the pipeline: events → bytes in each output format.
//!
//! - [`ics`]: iCalendar for calendar apps.
//! - [`feed`]: RSS 2.0, Atom 1.0 and JSON Feed 1.1 for feed readers.
//! - [`html`]: the index page with subscribe links.
//! - [`markdown`]: the Markdown → HTML / plain text they share.
//!
//! Renderers are pure: same input, same bytes; the time is never read here.

pub mod feed;
pub mod html;
pub mod ics;
pub mod markdown;

/// The first `limit` of `items` in `order`, sorted. Selected in linear time,
/// then only those sorted: a big site has 10,000 posts and 200,000 talks to
/// choose the newest from.
pub fn first_in_order<T>(
    mut items: Vec<T>,
    limit: usize,
    order: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    if limit < items.len() {
        items.select_nth_unstable_by(limit, &order);
        items.truncate(limit);
    }
    items.sort_unstable_by(order);
    items
}

/// `+08`, `-0330`: a zone name for offsets the tz database does not name.
pub fn format_numeric_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    if a.is_multiple_of(3600) {
        format!("{sign}{:02}", a / 3600)
    } else {
        format!("{sign}{:02}{:02}", a / 3600, a % 3600 / 60)
    }
}
