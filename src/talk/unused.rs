//! What `almanac check` notes of a post beyond its talks: the lines that
//! hold a schedule-like time but gave no talk, so an author sees a talk
//! that was missed and why.

use super::sections::past_sections;
use super::{Talk, doc, schedule, when};
use crate::diag::Diagnostic;
use crate::post::Post;

/// Notes for the lines that hold a schedule-like time but gave no talk
/// (`talks` are the post's talks; lines already named by an error are
/// left to it), with the reason: what `almanac check` reports so an author
/// sees a talk that was missed.
pub fn unused_times(post: &Post, talks: &[Talk], errors: &[Diagnostic]) -> Vec<Diagnostic> {
    if post.listed_talks.is_some() {
        return Vec::new();
    }
    let used: std::collections::HashSet<usize> = talks
        .iter()
        .flat_map(|t| [t.line, t.time_line])
        .chain(errors.iter().map(|d| d.line))
        .collect();
    let units = doc::read(&post.body, post.body_line);
    let past = past_sections(&units);
    units
        .iter()
        .filter(|u| !used.contains(&u.line))
        // A heading with a time is a section's (`## Morning, 9:00–12:00`)
        // unless it is only the time, which opens a talk under it.
        .filter(|u| {
            when::scan(&u.text).time.is_some()
                && (!matches!(u.kind, doc::Kind::Heading(_)) || schedule::time_alone(&u.text))
        })
        .map(|u| {
            let why = if past.iter().any(|r| r.contains(&u.line)) {
                "under a heading of past events (a recap, not a schedule)"
            } else {
                schedule::why_no_talk(u)
            };
            Diagnostic::note(
                &post.path,
                u.line,
                format!("a time that became no talk: {why}"),
            )
        })
        .collect()
}
