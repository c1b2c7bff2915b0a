//! A leaf: what a subscriber can choose talks by. Each `VEVENT` of a
//! snapshot carries its [`Facets`]: a short public [`TalkId`], the track, the
//! speakers. Filtered and personal calendars (see `subscribe`) match on
//! these, and on the event's text, without finding any talk again.
//!
//! Matching ignores case and accents ([`fold`]): `speaker=jose` finds
//! "José", `track=CLOUD native` finds "Cloud Native".

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A talk's short public name: 12 URL-safe characters (72 bits of a hash of
/// its UID), so it is as stable as the UID and safe in a query string.
/// Shown on the page and in the schedule exports; `/my.ics?talks=ID,ID`
/// takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TalkId([u8; 9]);

impl TalkId {
    pub fn of(uid: &str) -> TalkId {
        let digest = Sha256::digest(uid.as_bytes());
        let mut id = [0; 9];
        id.copy_from_slice(&digest[..9]);
        TalkId(id)
    }

    /// The ID written as [`fmt::Display`] writes it; `None` for anything else.
    pub fn parse(text: &str) -> Option<TalkId> {
        if text.len() != 12 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        Some(TalkId(bytes.try_into().ok()?))
    }

    /// A number for the schedule exports' integer `id`s: the first 6 bytes,
    /// so it fits a JSON number exactly and does not move when talks are added.
    pub fn number(&self) -> u64 {
        self.0[..6]
            .iter()
            .fold(0u64, |n, b| (n << 8) | u64::from(*b))
    }
}

impl fmt::Display for TalkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&URL_SAFE_NO_PAD.encode(self.0))
    }
}

/// What filters match a `VEVENT` on. A cancelled talk has only its ID: it
/// is found by ID (a personal calendar must hear of its cancellation), not
/// by track or speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facets {
    pub id: TalkId,
    /// Shared by the talks of one event that have the same track.
    pub track: Option<Arc<Track>>,
    /// The speakers' names as written, one per line (the schedule exports
    /// show them; filters [`fold`] them).
    pub speakers: Box<str>,
    pub cancelled: bool,
}

/// A track as written, with the forms filters and URLs compare, made once
/// per event and track rather than per talk and request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Track {
    pub name: Box<str>,
    /// As in `tracks/<slug>.ics` (the caller slugifies: this is a leaf).
    pub slug: Box<str>,
    /// [`fold`]ed.
    pub folded: Box<str>,
}

impl Track {
    pub fn new(name: &str, slug: String) -> Track {
        Track {
            name: name.into(),
            slug: slug.into(),
            folded: fold(name).into(),
        }
    }
}

impl Facets {
    /// The track's name as written.
    pub fn track_name(&self) -> Option<&str> {
        self.track.as_deref().map(|t| &*t.name)
    }

    /// The names of the speakers, as written.
    pub fn speakers(&self) -> impl Iterator<Item = &str> {
        self.speakers.split('\n').filter(|s| !s.is_empty())
    }
}

/// Text as filters compare it: lower case, accents dropped (NFD without
/// combining marks), runs of white space as one space, trimmed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // ASCII has nothing to decompose: most text skips the costly step
    // (a search of 200,000 talks' text folds every one of them).
    let chars: Box<dyn Iterator<Item = char>> = if text.is_ascii() {
        Box::new(text.chars())
    } else {
        Box::new(text.nfd().filter(|c| !is_combining_mark(*c)))
    };
    for c in chars {
        if c.is_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_short_url_safe_and_read_back() {
        let id = TalkId::of("0123456789abcdef0123@kubecon.almanac");
        let text = id.to_string();
        assert_eq!(text.len(), 12);
        assert!(
            text.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(TalkId::parse(&text), Some(id));
        assert_eq!(id, TalkId::of("0123456789abcdef0123@kubecon.almanac"));
        assert_ne!(id, TalkId::of("0123456789abcdef0124@kubecon.almanac"));
        for bad in [
            "",
            "short",
            "toolongtoolongtoo",
            "!!!!!!!!!!!!",
            "abc def ghij",
        ] {
            assert_eq!(TalkId::parse(bad), None, "{bad}");
        }
        assert!(id.number() < 1 << 48);
    }

    #[test]
    fn folding_drops_case_accents_and_extra_space() {
        assert_eq!(fold("  José   GARCÍA "), "jose garcia");
        assert_eq!(fold("Ærøskøbing"), "ærøskøbing");
        assert_eq!(fold("Straße"), "straße");
        assert_eq!(fold("Cloud\tNative"), "cloud native");
        assert_eq!(fold("Zoë Ünal"), "zoe unal");
    }
}
