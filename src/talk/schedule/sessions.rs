//! What a title or a line says about itself: a session or a break, meal
//! or social item; a zone stated for what follows.

use chrono_tz::Tz;

use super::super::when;
use super::super::zone::WrittenZone;

/// Words of a title that make an entry a non-session (README "What is a talk").
pub(super) const NOT_SESSIONS: [&str; 25] = [
    "booth",
    "pavilion",
    "break",
    "lunch",
    "breakfast",
    "dinner",
    "coffee",
    "registration",
    "happy hour",
    "party",
    "reception",
    "food",
    "socialising",
    "socializing",
    "zoom session",
    "doors open",
    "b r e a k",
    "offsite",
    "drinkup",
    "drinks",
    "apéro",
    "apero",
    "aperitif",
    "refreshments",
    "snacks",
];

/// Whether a title names a session (not a meal, break or social event).
pub fn is_session(title: &str) -> bool {
    let t = title.to_lowercase();
    let t = t.trim();
    // "(includes the expo from 18:00)": an aside, not a title.
    let aside = t.starts_with('(') && t.find(')').is_none_or(|i| i + 1 == t.len());
    let social = contains_any_word(t, &NOT_SESSIONS) || networking_time(t);
    t.chars().any(char::is_alphabetic) && !aside && !social
}

/// "Networking", "Drinks & networking", "Welcome and networking", "Evening
/// networking": time to meet people. "Zero-trust networking", "Kubernetes
/// networking deep dive" or "io_uring and networking" is a talk about
/// networks: after "and", only a programme item's word makes it social.
pub(super) fn networking_time(lower: &str) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '&' && c != '+')
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().any(|(i, w)| {
        let before = |k: usize| i.checked_sub(k).map(|j| words[j]);
        *w == "networking"
            && (i == 0
                || matches!(
                    before(1),
                    Some("evening" | "social" | "community" | "informal")
                )
                || (matches!(before(1), Some("and" | "&" | "+"))
                    && matches!(
                        before(2),
                        Some(
                            "welcome"
                                | "closing"
                                | "remarks"
                                | "intro"
                                | "introductions"
                                | "wrap"
                                | "up"
                                | "snacks"
                                | "refreshments"
                                | "pizza"
                                | "beer"
                                | "drinks"
                                | "coffee"
                                | "lunch"
                                | "food"
                                | "dinner"
                                | "breakfast"
                                | "reception"
                                | "mingling"
                                | "cocktails"
                                | "games"
                        )
                    )))
    })
}

/// Whether `text` holds `word` as a whole word (or words): not inside a
/// longer one. A substring search, which is faster than
/// [`contains_any_word`]'s pass over every word start when there is one
/// word to find in a long line (a region's name in every line that says
/// "time"); both find the same (a property test checks it).
pub fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

/// Whether `text` holds one of `words` as a whole word (or words): not
/// inside a longer one. Each word must begin with a letter or digit, so a
/// match can only begin where a word of `text` does: one pass over the
/// text's word starts, not a substring search per word (a title is asked
/// about 25 words, and building a searcher cost more than the search).
pub fn contains_any_word(text: &str, words: &[&str]) -> bool {
    debug_assert!(words.iter().all(|w| w.starts_with(char::is_alphanumeric)));
    let mut before_is_word = false;
    for (i, c) in text.char_indices() {
        let is_word = c.is_alphanumeric();
        if is_word && !before_is_word {
            let rest = &text[i..];
            let found = words.iter().any(|w| {
                rest.strip_prefix(w)
                    .is_some_and(|after| !after.starts_with(char::is_alphanumeric))
            });
            if found {
                return true;
            }
        }
        before_is_word = is_word;
    }
    false
}

/// Whether `text` has "time" in it, in any case: every line of a post is
/// asked. Four bytes compared at each place, with no branch per place, so
/// the compiler makes vector compares of it.
fn mentions_time(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() < 4 {
        return false;
    }
    // The byte at each place and the three after it, as four slices of one
    // length: zipped, they need no bounds check. `| 0x20` folds the case of
    // exactly these four letters, and of no other byte onto them.
    let n = b.len() - 3;
    let (t, i, m, e) = (&b[..n], &b[1..=n], &b[2..n + 2], &b[3..]);
    let mut from = 0;
    while from < n {
        let to = (from + 32).min(n);
        let hit = t[from..to]
            .iter()
            .zip(&i[from..to])
            .zip(&m[from..to])
            .zip(&e[from..to])
            .fold(false, |hit, (((t, i), m), e)| {
                hit | ((t | 0x20 == b't')
                    & (i | 0x20 == b'i')
                    & (m | 0x20 == b'm')
                    & (e | 0x20 == b'e'))
            });
        if hit {
            return true;
        }
        from = to;
    }
    false
}

/// Zone names people write once for a whole schedule.
pub(super) const NAMED_ZONES: [(&str, Tz); 8] = [
    ("california", chrono_tz::America::Los_Angeles),
    ("pacific", chrono_tz::America::Los_Angeles),
    ("eastern", chrono_tz::America::New_York),
    ("central", chrono_tz::America::Chicago),
    ("mountain", chrono_tz::America::Denver),
    ("london", chrono_tz::Europe::London),
    ("berlin", chrono_tz::Europe::Berlin),
    ("paris", chrono_tz::Europe::Paris),
];

/// A zone a text states for what follows: an abbreviation or offset written
/// with the word "time" (or in a heading), or a named region's time.
pub fn stated_zone(text: &str, heading: bool) -> Option<WrittenZone> {
    // Most lines say nothing about time: decided without an allocation.
    let about_time = heading || mentions_time(text);
    if !about_time {
        return None;
    }
    let written = when::with_tokens(text, |toks| {
        toks.iter().find_map(|t| match t {
            when::Tok::Zone(z) => Some(*z),
            _ => None,
        })
    });
    if written.is_some() {
        return written;
    }
    let lower = text.to_lowercase();
    NAMED_ZONES
        .iter()
        .filter(|(name, _)| contains_word(&lower, name))
        .find(|(name, _)| {
            heading || contains_word(&lower, &format!("{name} time")) || times_are(&lower, name)
        })
        .map(|&(name, tz)| WrittenZone::Region { name, tz })
}

/// "All times are Eastern", "times listed in Pacific": the region named
/// within four words after "times".
fn times_are(lower: &str, name: &str) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words
        .iter()
        .enumerate()
        .any(|(i, w)| *w == name && words[i.saturating_sub(4)..i].contains(&"times"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networking_is_social_only_as_a_programme_item() {
        for t in [
            "Networking",
            "Drinks & networking",
            "Welcome and networking",
            "Evening networking",
        ] {
            assert!(!is_session(t), "{t}");
        }
        for t in [
            "io_uring and networking",
            "Zero-trust networking",
            "Kubernetes networking deep dive",
            "Security and networking with eBPF",
        ] {
            assert!(is_session(t), "{t}");
        }
    }

    #[test]
    fn whole_words_only() {
        assert!(contains_any_word("happy hour & drinks", &NOT_SESSIONS));
        assert!(contains_any_word("apéro!", &NOT_SESSIONS));
        assert!(!contains_any_word(
            "breakout: lunchtime talks",
            &["break", "lunch"]
        ));
        assert!(contains_any_word("talktalk talk", &["talk"]));
        assert!(!mentions_time("tim"));
        assert!(mentions_time("All TIMES are"));
        assert!(!mentions_time("t i m e, tame, tiMs"));
    }

    proptest::proptest! {
        /// Words are found where the substring search finds them, in text
        /// made of the words' own letters, separators and accents.
        #[test]
        fn word_starts_find_what_the_substring_search_found(
            text in "[a-e &é'-]{0,40}",
            words in proptest::collection::vec("[a-e][a-e é]{0,3}", 1..4),
        ) {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            let reference = words.iter().any(|w| contains_word(&text, w));
            proptest::prop_assert_eq!(contains_any_word(&text, &words), reference);
        }

        /// "time" in any case is found wherever four bytes spell it.
        #[test]
        fn time_is_found_wherever_it_is_written(text in "[tTiImMeE x]{0,80}") {
            let reference = text.as_bytes().windows(4).any(|w| w.eq_ignore_ascii_case(b"time"));
            proptest::prop_assert_eq!(mentions_time(&text), reference);
        }
    }
}
