//! The site's incremental model against fresh builds.

use crate::render::ics::IcsEvent;
use std::path::Path;

use bytes::Bytes;

use super::render::newest_start;
use super::shared::{calendar_key, newest_talks};
use super::*;

/// The daemon logs each problem once: all at start, then only new ones.
#[test]
fn new_problems_are_taken_once() {
    let dir = tempfile::tempdir().unwrap();
    let post = dir.path().join("a.md");
    let text = "---\ntitle: T\ndate: 2024-01-01T00:00:00Z\n---\n## Talks\n\n[Talk - Ann, Org](https://example.com/1)\n\nMonday, March 18, 2024, 09:00 - 09:30\n\nAbout it.\n";
    fs_write(&post, text);
    let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let mut site = Site::new(Config::default());
    site.load_all(dir.path()).unwrap();
    let first = site.snapshot(None, now);
    // No zone written or configured: a warning.
    let at_start = site.take_new_problems();
    assert_eq!(at_start.len(), 1, "{at_start:?}");
    assert_eq!(at_start, first.problems.all());
    assert!(site.take_new_problems().is_empty());
    // A second talk whose time cannot be read: one new problem.
    let broken = format!(
        "{text}\n[Other - Bob, Org](https://example.com/2)\n\nMonday, March 18, 2024, 25:00 - 26:00\n"
    );
    fs_write(&post, &broken);
    site.reload_file(&post);
    let second = site.snapshot(Some(&first), now);
    let new = site.take_new_problems();
    assert_eq!(new.len(), 1, "{new:?}");
    assert!(second.problems.all().contains(&new[0]));
    assert!(!first.problems.all().contains(&new[0]));
}

fn fs_write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    // A later mtime, so the file is read again however fast this runs.
    let t = std::fs::metadata(path).unwrap().modified().unwrap();
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(t + std::time::Duration::from_secs(1))
        .unwrap();
}

#[test]
fn newest_talks_match_sorting_everything() {
    // Events with overlapping spans and equal starts (ties break by UID).
    let mut seed = 7u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    let events: Vec<Vec<IcsEvent>> = (0..60)
        .map(|e| {
            (0..next() % 12)
                .map(|t| IcsEvent {
                    uid: format!("{e}-{t}"),
                    text: Bytes::from(vec![b'x'; (next() % 300) as usize]),
                    tz: None,
                    year: 2024,
                    start: DateTime::from_timestamp((next() % 500) as i64 * 3600, 0).unwrap(),
                })
                .collect()
        })
        .collect();
    let mut everything: Vec<&IcsEvent> = events.iter().flatten().collect();
    everything.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid)));
    for limit in [None, Some(0), Some(1), Some(7), Some(100), Some(10_000)] {
        let with_newest = events
            .iter()
            .filter_map(|v| Some((newest_start(v)?, &v[..])));
        let got = newest_talks(with_newest, limit, None);
        let keep = limit.map_or(everything.len(), |l| l.min(everything.len()));
        let want: Vec<&IcsEvent> = everything[everything.len() - keep..]
            .iter()
            .rev()
            .copied()
            .collect();
        let uids = |v: &[&IcsEvent]| v.iter().map(|e| e.uid.clone()).collect::<Vec<_>>();
        assert_eq!(uids(&got), uids(&want), "limit {limit:?}");
    }
    // With a budget of bytes: the talks that fit, and the one past them,
    // are the true newest (what a calendar bound by bytes is made from).
    let newest_first: Vec<&IcsEvent> = everything.iter().rev().copied().collect();
    for budget in [0, 1, 150, 1_000, 5_000, 20_000, 10_000_000] {
        let with_newest = events
            .iter()
            .filter_map(|v| Some((newest_start(v)?, &v[..])));
        let got = newest_talks(with_newest, None, Some(budget));
        let mut total = 0;
        let through_first_past = newest_first
            .iter()
            .position(|t| {
                total += t.text.len();
                total > budget
            })
            .map_or(newest_first.len(), |i| i + 1);
        let uids = |v: &[&IcsEvent]| v.iter().map(|e| e.uid.clone()).collect::<Vec<_>>();
        assert!(got.len() >= through_first_past, "budget {budget}");
        // The visit stops early: with no budget at all, one event or two.
        assert!(
            budget > 0 || got.len() < newest_first.len() / 4,
            "{} taken",
            got.len()
        );
        assert_eq!(
            uids(&got[..through_first_past]),
            uids(&newest_first[..through_first_past]),
            "budget {budget}"
        );
    }
}

/// The snapshot index is kept from one change to the next; after each
/// kind of change it must list what a build from scratch lists, plus
/// the calendars of deleted posts (their talks announced as cancelled).
#[test]
fn incremental_snapshots_list_what_a_fresh_build_lists() {
    use std::fs;
    let dir = tempfile::tempdir().unwrap();
    let posts = dir.path().join("posts");
    fs::create_dir(&posts).unwrap();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut names: Vec<PathBuf> = fs::read_dir(&seeds)
        .unwrap()
        .map(|f| f.unwrap().path())
        .collect();
    names.sort();
    for f in &names {
        fs::copy(f, posts.join(f.file_name().unwrap())).unwrap();
    }
    let file = |i: usize| posts.join(names[i].file_name().unwrap());
    let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let config = Config::default();
    // One set of first sightings for both sites: the undated seed is
    // dated once, as a daemon's state would keep it.
    let undated = Arc::new(Undated::default());
    let site_with =
        |config: &Config| Site::with_state(config.clone(), History::in_memory(), undated.clone());
    let mut site = site_with(&config);
    site.load_all(&posts).unwrap();
    let mut snap = site.snapshot(None, now);
    let listing = |s: &Snapshot| -> BTreeMap<String, Vec<String>> {
        s.events
            .iter()
            .map(|(slug, e)| (slug.to_string(), e.talks.keys().cloned().collect()))
            .collect()
    };
    let slug_of = |s: &Snapshot, path: &Path| {
        let text = fs::read_to_string(path).unwrap();
        let url = text.lines().find_map(|l| l.strip_prefix("path: ")).unwrap();
        let last = url
            .trim_matches('\'')
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        assert!(s.events.contains_key(last.as_str()), "{last}");
        last
    };
    let deleted = slug_of(&snap, &file(2));
    for step in ["edit", "collide", "delete", "rename", "older"] {
        match step {
            "edit" => {
                let text = fs::read_to_string(file(0)).unwrap();
                let edited = text.replacen(
                    "[Deep Dive Into Cilium Resilient Architecture",
                    "[Deep Dive (edited) Into Cilium Resilient Architecture",
                    1,
                );
                assert_ne!(text, edited);
                fs::write(file(0), edited).unwrap();
                site.reload_file(&file(0));
            }
            "collide" => {
                // Another path ending alike: published under its whole path.
                let text = fs::read_to_string(file(1)).unwrap();
                let other = text.replacen("path: '/", "path: '/elsewhere/", 1);
                assert_ne!(text, other);
                let copy = posts.join("zz-copy.md");
                fs::write(&copy, other).unwrap();
                site.reload_file(&copy);
            }
            "delete" => {
                fs::remove_file(file(2)).unwrap();
                site.reload_file(&file(2));
            }
            "older" => {
                // An older post asks for the edited post's slug: the
                // edited post moves to its whole path, rendered again
                // from what the site kept of it.
                let text = fs::read_to_string(file(0)).unwrap();
                let older = text.replacen("path: '/", "path: '/older/", 1).replacen(
                    "date: '2024-02-02",
                    "date: '2020-02-02",
                    1,
                );
                assert_eq!(older.matches("/older/").count(), 1);
                assert!(older.contains("date: '2020-02-02"));
                let copy = posts.join("aa-older.md");
                fs::write(&copy, older).unwrap();
                site.reload_file(&copy);
            }
            _ => {
                let to = posts.join("renamed.md");
                fs::rename(file(3), &to).unwrap();
                site.reload_file(&file(3));
                site.reload_file(&to);
            }
        }
        snap = site.snapshot(Some(&snap), now);
        let mut fresh = site_with(&config);
        fresh.load_all(&posts).unwrap();
        let fresh = fresh.snapshot(None, now);
        // The page and the feeds show no revision data: the same bytes.
        for page in ["index.html", "rss.xml", "atom.xml", "feed.json"] {
            let bytes = |s: &Snapshot| s.shared[page].to_bytes();
            assert!(bytes(&snap) == bytes(&fresh), "{page} after {step}");
        }
        let mut want = listing(&fresh);
        let mut got = listing(&snap);
        let edited = &snap.events[slug_of(&snap, &file(0)).as_str()]
            .calendar
            .as_ref()
            .expect("the edited post has talks");
        let text = String::from_utf8(edited.to_bytes().to_vec()).unwrap();
        let unfolded = text.replace("\r\n ", "");
        assert!(
            unfolded.contains("(edited)"),
            "the edit is served after {step}"
        );
        if step == "delete" || step == "rename" || step == "older" {
            let ghost = got
                .remove(&deleted)
                .expect("a deleted post's cancellations");
            assert!(!ghost.is_empty());
        }
        if step == "older" {
            let short = slug_of(&snap, &file(0));
            let moved = fresh
                .events
                .keys()
                .find(|k| k.ends_with(short.as_str()) && &***k != short.as_str())
                .expect("the edited post under its whole path");
            // Its talks are new under that slug, as in a fresh build.
            let bytes = |s: &Snapshot| s.events[moved].calendar.as_ref().map(|c| c.to_bytes());
            assert!(bytes(&snap) == bytes(&fresh), "{moved} moved");
            // The old slug now serves the older post, and announces the
            // moved post's talks there as cancelled.
            let (got_short, want_short) =
                (got.remove(&short).unwrap(), want.remove(&short).unwrap());
            assert!(want_short.iter().all(|t| got_short.contains(t)));
            assert!(got_short.len() > want_short.len());
        }
        assert_eq!(got.len(), want.len(), "after {step}");
        for (slug, talks) in &mut want {
            assert_eq!(got.get(slug), Some(&*talks), "{slug} after {step}");
        }
    }
}

#[test]
fn gzip_is_deterministic_and_decodes() {
    use std::io::Read;
    for input in [&b""[..], b"BEGIN:VCALENDAR\r\n", &b"x".repeat(300_000)] {
        let a = gzip(input).unwrap();
        assert_eq!(a, gzip(input).unwrap(), "same bytes every time");
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&a[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, input);
    }
}

/// The all-talks calendar's key covers the talks that fit in its byte bound
/// and nothing after: an edit of an older talk leaves the key, and the
/// calendar, as they were; a talk that comes to fit changes it.
#[test]
fn the_calendar_key_covers_what_the_byte_bound_keeps() {
    let ev = |i: usize, body: &str| IcsEvent {
        uid: format!("t{i}"),
        text: Bytes::from(format!(
            "BEGIN:VEVENT\r\nUID:t{i}\r\nSUMMARY:{body}\r\nEND:VEVENT\r\n"
        )),
        tz: None,
        year: 2024,
        start: DateTime::from_timestamp(1_700_000_000 - i as i64 * 3600, 0).unwrap(),
    };
    let talks = |edit: Option<(usize, &str)>| -> Vec<IcsEvent> {
        (0..12)
            .map(|i| match edit {
                Some((j, body)) if j == i => ev(i, body),
                _ => ev(i, &"x".repeat(60)),
            })
            .collect()
    };
    let meta = crate::render::ics::CalendarMeta {
        name: "All".into(),
        description: String::new(),
        source: "https://example.com/calendar.ics".into(),
        refresh: chrono::Duration::hours(1),
    };
    let zones = crate::render::ics::ZoneCache::default();
    // Each VEVENT is 104 bytes: seven fit in the bound, fewer with the
    // calendar's header and zone.
    let bound = 800;
    let made = |talks: &[IcsEvent]| {
        let newest: Vec<&IcsEvent> = talks.iter().collect();
        let (bytes, kept) = crate::render::ics::calendar_within(&meta, &newest, &zones, bound);
        (calendar_key(&newest, bound), bytes, kept)
    };
    let (key, bytes, kept) = made(&talks(None));
    assert!((1..6).contains(&kept), "{kept} kept");
    // An older talk, past the bound: the same key and the same calendar.
    let (k, b, _) = made(&talks(Some((10, "an edit of an old talk"))));
    assert_eq!((k, &b), (key, &bytes));
    // A talk it shows: another key.
    assert_ne!(made(&talks(Some((0, "a new title")))).0, key);
    // The first talk past the bound, made short enough to fit: another key.
    let first_out = talks(None)
        .iter()
        .scan(0, |total, e| {
            *total += e.text.len();
            Some(*total)
        })
        .take_while(|total| *total <= bound)
        .count();
    assert!(first_out >= kept && first_out < 10);
    // The last talk that fits: another key.
    assert_ne!(made(&talks(Some((first_out - 1, "last")))).0, key);
    assert_ne!(made(&talks(Some((first_out, "short")))).0, key);
}

/// A tag's feeds are per slug: spellings that slug alike share one feed,
/// named by the least of the spellings posts now use (not by the order
/// they are read in), with each post once even when it names the tag twice.
#[test]
fn tags_spelled_alike_share_one_feed() {
    let dir = tempfile::tempdir().unwrap();
    let post = |name: &str, date: &str, tags: &str| {
        let text =
            format!("---\ntitle: {name}\ndate: {date}T00:00:00Z\ntags: [{tags}]\n---\nNo talks.\n");
        fs_write(&dir.path().join(format!("{name}.md")), &text);
    };
    post("a", "2024-01-01", "kubernetes, Kubernetes");
    post("b", "2024-02-01", "KUBERNETES, eBPF");
    post("c", "2024-03-01", "ebpf");
    let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let mut site = Site::new(Config::default());
    site.load_all(dir.path()).unwrap();
    let first = site.snapshot(None, now);
    let feed = |s: &Snapshot, slug: &str| {
        let bytes = s.shared[&format!("tags/{slug}/feed.json")].to_bytes();
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
    };
    let titles = |v: &serde_json::Value| -> Vec<String> {
        let items = v["items"].as_array().unwrap();
        items
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_string())
            .collect()
    };
    let k8s = feed(&first, "kubernetes");
    assert_eq!(titles(&k8s), ["b", "a"]);
    assert!(
        k8s["title"].as_str().unwrap().contains("KUBERNETES"),
        "{k8s}"
    );
    assert_eq!(titles(&feed(&first, "ebpf")), ["c", "b"]);
    // An edit that drops a spelling: the feed is named by those left.
    post("b", "2024-02-01", "eBPF");
    site.reload_file(&dir.path().join("b.md"));
    let second = site.snapshot(Some(&first), now);
    let k8s = feed(&second, "kubernetes");
    assert_eq!(titles(&k8s), ["a"]);
    assert!(
        k8s["title"].as_str().unwrap().contains("Kubernetes"),
        "{k8s}"
    );
}
