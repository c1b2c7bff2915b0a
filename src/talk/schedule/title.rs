//! What an entry's title leaves out: the room written before it, the
//! speakers after it, the quotation marks around it.

use super::super::doc::Unit;

/// `11:15 · Sala Tortellino · *Typing in practice* — Jane Roe`, `10:00 |
/// Room B | [Title](…)`: a room (or track) before the title, which is the
/// segment after a `·` or `|` set off as a link, in italics or in
/// quotation marks; with its link.
pub(super) fn after_a_room(u: &Unit, title: &str) -> Option<(String, Option<String>)> {
    if !title.contains(" · ") && !title.contains(" | ") {
        return None;
    }
    let after_separator = |t: &str| {
        title
            .find(t)
            .is_some_and(|at| at > 0 && title[..at].trim_end().ends_with(['·', '|']))
    };
    if let Some(l) = u
        .links
        .iter()
        .find(|l| !l.text.is_empty() && after_separator(&l.text))
    {
        return Some((l.text.clone(), Some(l.url.clone())));
    }
    super::super::spans::set_off_titles(&u.source)
        .into_iter()
        .find(|t| after_separator(t))
        .map(|t| (t, None))
}

/// `Room 2: Getting started with Julia`, `Hall B – Title`: a room named
/// before the title is not part of it.
pub(super) fn without_a_room(title: &str) -> &str {
    const ROOMS: [&str; 11] = [
        "room",
        "hall",
        "track",
        "stage",
        "salle",
        "sala",
        "auditorium",
        "theatre",
        "theater",
        "ballroom",
        "aula",
    ];
    const MAX_ROOM_WORDS: usize = 3;
    let Some((room, rest)) = [": ", " – ", " — ", " - ", " | "]
        .iter()
        .find_map(|sep| title.split_once(sep))
    else {
        return title;
    };
    // "Room for improvement: …" is a title: a room's name is a number or
    // a letter code (`Room 301A`, `Hall B`, `Track 2`).
    let mut words = room.split_whitespace();
    let (first, name) = (
        words.next().unwrap_or_default(),
        words.next().unwrap_or_default(),
    );
    let code = name.contains(|c: char| c.is_ascii_digit())
        || (name.len() <= 3 && name.chars().all(|c| c.is_ascii_uppercase()));
    let is_room = ROOMS.iter().any(|r| first.eq_ignore_ascii_case(r))
        && code
        && words.count() + 2 <= MAX_ROOM_WORDS;
    if is_room && !rest.trim().is_empty() {
        rest.trim()
    } else {
        title
    }
}

/// `*Why your CI is slow* with Dana Chu, Room 301A`, `*Polars in production*
/// · Jonas Weber`, `**Fearless FFI** by
/// Kim Nguyen`, `Talk: *Data contracts* (Bas de Vries)`: a title set off
/// in italics or bold (after at most a short label), then the speakers or
/// the room: the title ends with the set-off text, and the speakers named
/// after "with" or "by" are its byline.
pub(super) fn set_off_then_remark(u: &Unit, title: &str) -> Option<(String, Option<String>)> {
    const MAX_LABEL_WORDS: usize = 2;
    if !u.source.contains(['*', '_']) {
        return None;
    }
    let spans = super::super::spans::emphasised_titles(&u.source);
    // `**Generics in the wild** _John Smith_`: the speakers set off after
    // the title, with only a space between.
    if let [t, who] = &spans[..]
        && title
            .strip_prefix(t.as_str())
            .and_then(|r| r.strip_prefix(' '))
            == Some(who.as_str())
        && t.contains(' ')
    {
        return Some((t.clone(), Some(who.clone())));
    }
    spans.into_iter().find_map(|t| {
        let at = title.find(t.as_str())?;
        let label = &title[..at];
        let labelled = label.is_empty()
            || (label.ends_with(": ") && label.split_whitespace().count() <= MAX_LABEL_WORDS);
        let after = &title[at + t.len()..];
        let remark = [
            " with ",
            " by ",
            " presented by ",
            ", ",
            " (",
            " — ",
            " – ",
            " - ",
            " · ",
            " | ",
        ]
        .iter()
        .find_map(|sep| after.strip_prefix(sep))?;
        // `**eBPF**, from zero`: one bold word opens a title.
        let whole = t.contains(' ') || after.starts_with(" with ") || after.starts_with(" by ");
        (labelled && whole && !remark.is_empty()).then(|| {
            let who = after
                .strip_prefix(" with ")
                .or_else(|| after.strip_prefix(" by "))
                .map(|w| w.trim_end_matches(')').trim())
                .filter(|w| w.starts_with(char::is_uppercase))
                .map(|w| w.split(", ").next().unwrap_or(w).to_string());
            (title[..at + t.len()].to_string(), who)
        })
    })
}

/// `"Scorecards for everyone" presented by John Doe`: a title in quotation
/// marks that opens the text, without them, and the speakers named after
/// it.
pub(super) fn quoted_title(text: &str) -> Option<(String, Option<String>)> {
    let (open, close) = match text.chars().next()? {
        '"' => ('"', '"'),
        '“' => ('“', '”'),
        _ => return None,
    };
    let inner = &text[open.len_utf8()..];
    let end = inner.find(close)?;
    let (title, after) = (inner[..end].trim(), inner[end + close.len_utf8()..].trim());
    if title.split_whitespace().count() < 2 {
        return None;
    }
    let after = after.trim_start_matches([',', '-', '–', '—', ' ']);
    let who = ["presented by ", "by ", "with "]
        .iter()
        .find_map(|w| {
            after
                .get(..w.len())
                .filter(|h| h.eq_ignore_ascii_case(w))
                .map(|_| &after[w.len()..])
        })
        .unwrap_or(after)
        .trim();
    Some((
        title.to_string(),
        who.starts_with(char::is_uppercase).then(|| who.to_string()),
    ))
}

/// `Title, by Jane Doe`: the speakers after `, by` are not the title.
pub(super) fn split_byline(title: &str) -> (String, Option<String>) {
    for sep in [", by ", " , by ", " — by ", " – by "] {
        if let Some(i) = title.rfind(sep) {
            let who = title[i + sep.len()..].trim();
            if who.chars().next().is_some_and(char::is_uppercase) {
                return (title[..i].trim_end().to_string(), Some(who.to_string()));
            }
        }
    }
    (title.to_string(), None)
}

/// `Title __Speaker, Org__`: the bold speakers at the end are not the title.
pub(super) fn strip_trailing_speakers(source: &str, title: &str) -> String {
    let src = source.trim_end();
    if let Some(body) = src.strip_suffix("__")
        && let Some(open) = body.rfind("__")
    {
        let speakers = super::super::doc::squash(&body[open + 2..]);
        if let Some(t) = title.trim_end().strip_suffix(&speakers) {
            return t.trim_end().to_string();
        }
    }
    title.to_string()
}
