//! Which `VEVENT`s of a snapshot a calendar made on request holds: those in
//! its URL's scope that its query chooses.

use std::collections::BTreeSet;

use crate::facets::{Facets, TalkId, fold};
use crate::output::Output;
use crate::render::ics::IcsEvent;
use crate::render::ics::fold::{property_lines, unescape_text, unfold, utf8};
use crate::snapshot::{EventAssets, Snapshot};

use super::query::Query;

/// The talks a calendar URL starts from, before its query.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// `calendar.ics`, `my.ics`.
    All,
    Event(&'a str),
    Talk {
        event: &'a str,
        talk: &'a str,
    },
    /// `tracks/<slug>.ics`: the talks whose track has this slug.
    Track(&'a str),
}

/// What was chosen: the events newest first, the newest publication time
/// of the calendars they were chosen from, the IDs asked for and not found.
pub struct Chosen<'a> {
    pub newest_first: Vec<&'a IcsEvent>,
    pub published: i64,
    pub unknown: usize,
    /// The track's name as written (for a track's calendar), if any talk has it.
    pub track_name: Option<String>,
}

/// The `VEVENT`s in `scope` that `query` chooses; `None` when the scope
/// names an event or talk that does not exist.
pub fn choose<'a>(snapshot: &'a Snapshot, scope: Scope<'_>, query: &Query) -> Option<Chosen<'a>> {
    let events: Vec<&'a EventAssets> = match scope {
        Scope::Event(slug) | Scope::Talk { event: slug, .. } => {
            vec![&**snapshot.events.get(slug)?]
        }
        Scope::All | Scope::Track(_) => snapshot.events.values().map(|e| &**e).collect(),
    };
    // A talk's own calendar: its `VEVENT`.
    let only: Option<&[u8]> = match scope {
        Scope::Talk { talk, .. } => Some(&events[0].talks.get(talk)?.talk_calendar()?.vevent[..]),
        _ => None,
    };
    let mut found: BTreeSet<TalkId> = BTreeSet::new();
    let mut track_name: Option<String> = None;
    let mut newest_first = Vec::new();
    let mut published = 0;
    for ev in &events {
        published = published.max(
            ev.calendar
                .as_ref()
                .and_then(|c| c.published())
                .unwrap_or(0),
        );
        if !query.events.is_empty() && !query.events.contains(&*ev.slug) {
            continue;
        }
        for (v, f) in ev.vevents.iter().zip(&ev.facets) {
            if only.is_some_and(|o| o != &v.text[..]) {
                continue;
            }
            if let Scope::Track(slug) = scope {
                match f.track.as_deref().filter(|t| &*t.slug == slug) {
                    // The least of its spellings: the same whatever order
                    // the events are visited in.
                    Some(t) => match &mut track_name {
                        Some(n) if **n <= *t.name => {}
                        n => *n = Some(t.name.to_string()),
                    },
                    None => continue,
                }
            }
            if let Some(talks) = &query.talks {
                if !talks.contains(&f.id) {
                    continue;
                }
                found.insert(f.id);
            }
            if chooses(query, f, v) {
                newest_first.push(v);
            }
        }
    }
    if let Some(shared) = snapshot.shared.get(&Output::AllTalks.path()) {
        published = published.max(shared.published().unwrap_or(0));
    }
    newest_first.sort_unstable_by(|a, b| IcsEvent::newest_first(a, b));
    Some(Chosen {
        newest_first,
        published,
        unknown: query.talks.as_ref().map_or(0, |t| t.len() - found.len()),
        track_name,
    })
}

/// Whether the filters choose this `VEVENT`: each key given matches (any of
/// its values). A cancelled talk has no track, speakers or text to match:
/// only the event filter (and an ID) reaches it.
fn chooses(query: &Query, f: &Facets, v: &IcsEvent) -> bool {
    let by_talk = !(query.tracks.is_empty() && query.speakers.is_empty() && query.texts.is_empty());
    if f.cancelled {
        return !by_talk;
    }
    if !query.tracks.is_empty() {
        let Some(track) = f.track.as_deref() else {
            return false;
        };
        if !query
            .tracks
            .iter()
            .any(|t| *t == *track.folded || *t == *track.slug)
        {
            return false;
        }
    }
    if !query.speakers.is_empty()
        && !f
            .speakers()
            .map(fold)
            .any(|name| query.speakers.iter().any(|s| contains_words(&name, s)))
    {
        return false;
    }
    if !query.texts.is_empty() {
        let text = searchable(&v.text);
        if !query.texts.iter().any(|q| text.contains(q.as_str())) {
            return false;
        }
    }
    true
}

/// Whether `words` occurs in `text` at word boundaries (`jane` in
/// `jane doe`, not in `janet`).
fn contains_words(text: &str, words: &str) -> bool {
    text.match_indices(words).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + words.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// A `VEVENT`'s title and description (speakers, abstract, link) as `q`
/// searches them: unfolded, unescaped, folded. Made per search, not kept: a
/// site's talks would hold their text twice.
fn searchable(vevent: &[u8]) -> String {
    let mut out = String::new();
    for (name, _, value) in property_lines(&unfold(&utf8(vevent))) {
        if matches!(name, "SUMMARY" | "DESCRIPTION") {
            out.push_str(&unescape_text(value));
            out.push(' ');
        }
    }
    fold(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speakers_match_whole_words() {
        assert!(contains_words("jane doe", "jane"));
        assert!(contains_words("jane doe", "doe"));
        assert!(contains_words("jane doe", "jane doe"));
        assert!(!contains_words("janet doe", "jane"));
        assert!(!contains_words("jane doer", "doe"));
    }

    #[test]
    fn the_searchable_text_is_title_and_description() {
        let v = b"BEGIN:VEVENT\r\nUID:x\r\nSUMMARY:Caf\xc3\xa9\\, Bar\\; and m\r\n ore\r\nDESCRIPTION:Speakers: Jos\xc3\xa9\\nAbstract\r\nLOCATION:Nowhere\r\nEND:VEVENT\r\n";
        let s = searchable(v);
        assert_eq!(s, "cafe, bar; and more speakers: jose abstract");
        assert!(!s.contains("nowhere"));
    }
}
