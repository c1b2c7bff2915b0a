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
