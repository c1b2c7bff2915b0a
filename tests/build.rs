//! `almanac build` and `almanac check` end to end: deterministic bytes, no
//! rewrite when nothing changed, every file accepted by the third-party
//! validators, and bad posts reported without losing the others.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

/// `almanac build` of `posts` into `out` with the repository's configuration.
fn build_output(posts: &Path, out: &Path) -> std::process::Output {
    run(almanac()
        .current_dir(repo())
        .args(["build", "--config", "almanac.yaml", "--posts"])
        .arg(posts)
        .arg("--out")
        .arg(out))
}

/// [`build_output`] that must not fail to run (problems in posts are fine);
/// its summary.
fn build(posts: &Path, out: &Path) -> String {
    let o = build_output(posts, out);
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{}",
        text(&o.stderr)
    );
    text(&o.stdout)
}

/// A copy of the seeds in `dir/posts`, built into `dir/out`.
fn seeds_built(dir: &Path) -> (PathBuf, PathBuf) {
    let (posts, out) = (dir.join("posts"), dir.join("out"));
    copy_dir(&repo().join("seeds"), &posts);
    build(&posts, &out);
    (posts, out)
}

/// Sets every file's modification time under `dir` to `secs`.
fn set_mtimes(dir: &Path, secs: u64) {
    let t = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs);
    for f in files(dir) {
        fs::File::options()
            .write(true)
            .open(dir.join(&f))
            .unwrap()
            .set_modified(t)
            .unwrap();
    }
}

fn git(dir: &Path, args: &[&str]) {
    let o = run(std::process::Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Author",
            "-c",
            "user.email=author@example.org",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", "2024-05-06T07:08:09Z")
        .env("GIT_COMMITTER_DATE", "2024-05-07T00:00:00Z"));
    assert!(o.status.success(), "git {args:?}: {}", text(&o.stderr));
}

/// The published files (almanac's own state, `.almanac/`, is not output)
/// of two output folders are the same, byte for byte.
fn assert_same_outputs(a: &Path, b: &Path) {
    let outputs = |d: &Path| -> Vec<PathBuf> {
        files(d)
            .into_iter()
            .filter(|f| !f.starts_with(".almanac"))
            .collect()
    };
    let fa = outputs(a);
    assert_eq!(fa, outputs(b));
    assert!(fa.len() > 100, "{} files", fa.len());
    for f in &fa {
        assert_eq!(
            fs::read(a.join(f)).unwrap(),
            fs::read(b.join(f)).unwrap(),
            "{}",
            f.display()
        );
    }
}

/// Two fresh checkouts of one history, made at different times (every
/// file's mtime differs), publish the same bytes, the undated seed 004
/// included: it takes the author date of the commit that added it.
#[test]
fn two_checkouts_give_byte_identical_output() {
    let tmp = tempfile::tempdir().unwrap();
    let origin = tmp.path().join("origin");
    copy_dir(&repo().join("seeds"), &origin.join("posts"));
    git(&origin, &["init", "-q"]);
    git(&origin, &["add", "posts"]);
    git(&origin, &["commit", "-q", "-m", "posts"]);
    for (name, secs) in [("a", 1_600_000_000), ("b", 1_700_000_000)] {
        git(tmp.path(), &["clone", "-q", "origin", name]);
        set_mtimes(&tmp.path().join(name).join("posts"), secs);
        build(
            &tmp.path().join(name).join("posts"),
            &tmp.path().join(name).join("out"),
        );
    }
    let (a, b) = (tmp.path().join("a/out"), tmp.path().join("b/out"));
    assert_same_outputs(&a, &b);
    let feed = fs::read_to_string(a.join("feed.json")).unwrap();
    assert!(
        feed.contains("\"date_published\": \"2024-05-06T07:08:09Z\"")
            || feed.contains("\"date_published\":\"2024-05-06T07:08:09Z\""),
        "{feed}"
    );
    // Nothing changed: nothing is written.
    let summary = build(&tmp.path().join("a/posts"), &a);
    assert!(summary.contains(" 0 files written"), "{summary}");
}

/// A build whose sources (every post's size and modification time, the
/// configuration, the binary) are those of the last one does not even read
/// the posts: a post rewritten with the same size and its old modification
/// time is not seen. Touched, it is.
#[test]
fn a_build_with_nothing_changed_reads_no_post() {
    let tmp = tempfile::tempdir().unwrap();
    let (posts, out) = seeds_built(tmp.path());
    let event = out.join("events/cilium-kubecon-na-2024.ics");
    let before = fs::read_to_string(&event).unwrap();
    assert!(before.contains("T090000"), "{before}");
    let post = posts.join(SEED_POST);
    let mtime = fs::metadata(&post).unwrap().modified().unwrap();
    let text = move_seed_talk(&posts, "08:00 am - 08:10 am");
    assert_eq!(fs::metadata(&post).unwrap().len(), text.len() as u64);
    let f = fs::File::options().write(true).open(&post).unwrap();
    f.set_modified(mtime).unwrap();
    drop(f);
    let summary = build(&posts, &out);
    assert!(summary.contains(" 0 files written"), "{summary}");
    assert_eq!(fs::read_to_string(&event).unwrap(), before, "not read");
    let f = fs::File::options().write(true).open(&post).unwrap();
    f.set_modified(mtime + std::time::Duration::from_secs(1))
        .unwrap();
    drop(f);
    build(&posts, &out);
    assert!(
        fs::read_to_string(&event)
            .unwrap()
            .contains("DTSTART;TZID=America/Denver:20241112T080000")
    );
}

/// Without git, an undated post keeps the date almanac first saw it, in
/// the state: a restart, a new mtime or a second server given that state
/// all publish the same bytes.
#[test]
fn without_git_an_undated_post_keeps_its_first_seen_date() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    copy_dir(&repo().join("seeds"), &a.join("posts"));
    copy_dir(&repo().join("seeds"), &b.join("posts"));
    set_mtimes(&a.join("posts"), 1_600_000_000);
    build(&a.join("posts"), &a.join("out"));
    let state = a.join("out/.almanac/first-seen.json");
    let kept = fs::read_to_string(&state).unwrap();
    assert!(kept.contains("004_"), "{kept}");
    // Later: new mtimes, and a second server started from the same state.
    set_mtimes(&a.join("posts"), 1_700_000_000);
    set_mtimes(&b.join("posts"), 1_800_000_000);
    fs::create_dir_all(b.join("out/.almanac")).unwrap();
    fs::copy(&state, b.join("out/.almanac/first-seen.json")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let summary = build(&a.join("posts"), &a.join("out"));
    assert!(summary.contains(" 0 files written"), "{summary}");
    build(&b.join("posts"), &b.join("out"));
    assert_same_outputs(&a.join("out"), &b.join("out"));
    assert_eq!(fs::read_to_string(&state).unwrap(), kept);
}

/// The all-talks calendar stays within its byte bound (Google drops what
/// lies past about 1 MB) and keeps the newest talks: every talk that starts
/// after the oldest one it keeps is in it.
#[test]
fn the_all_talks_calendar_keeps_the_newest_within_its_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("almanac.yaml");
    let max = 60_000;
    fs::write(
        &config,
        fs::read_to_string(repo().join("almanac.yaml")).unwrap()
            + &format!("all_talks_max_bytes: {max}\n"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = run(almanac()
        .args(["build", "--config"])
        .arg(&config)
        .arg("--posts")
        .arg(shared().join("corpus/real"))
        .arg("--out")
        .arg(&out));
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{}",
        text(&o.stderr)
    );
    let all = fs::read_to_string(out.join("calendar.ics")).unwrap();
    assert!(all.len() <= max, "{} bytes", all.len());
    let kept: std::collections::HashSet<String> = all
        .replace("\r\n ", "")
        .lines()
        .filter_map(|l| l.strip_prefix("UID:").map(String::from))
        .collect();
    // Every talk with its UTC start, from `almanac list`; newest first.
    let o = run(almanac()
        .args(["list", "--format", "json", "--config"])
        .arg(&config)
        .arg("--posts")
        .arg(shared().join("corpus/real")));
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let mut talks: Vec<(String, String)> = listed
        .iter()
        .map(|t| {
            (
                t["start_utc"].as_str().unwrap().into(),
                t["uid"].as_str().unwrap().into(),
            )
        })
        .collect();
    talks.sort_by(|a, b| b.cmp(a));
    assert!(
        kept.len() > 20 && kept.len() + 100 < talks.len(),
        "{} kept",
        kept.len()
    );
    let newest: std::collections::HashSet<String> =
        talks[..kept.len()].iter().map(|t| t.1.clone()).collect();
    assert_eq!(kept, newest);
}

#[test]
fn stale_outputs_are_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let (posts, out) = seeds_built(tmp.path());
    let event = out.join("events/cilium-kubecon-na-2024.ics");
    assert!(event.exists());
    fs::remove_file(posts.join("001_751c3eeda9040c24.txt")).unwrap();
    fs::write(out.join("leftover.tmp"), "x").unwrap();
    // A talk's calendar is served uncompressed: a `.gz` beside it is stale.
    let kept = out.join("events/cilium-at-kube-con-eu-2024");
    let talk = fs::read_dir(&kept).unwrap().next().unwrap().unwrap().path();
    let stray_gz = PathBuf::from(format!("{}.gz", talk.display()));
    fs::write(&stray_gz, "x").unwrap();
    let summary = build(&posts, &out);
    // The deleted post's calendar stays, announcing its talks as cancelled
    // (see `a_post_deleted_between_builds_has_its_talks_cancelled`).
    assert!(event.exists(), "{summary}");
    assert!(!out.join("leftover.tmp").exists());
    assert!(!stray_gz.exists());
    assert!(talk.exists());
    for kept in [
        "calendar.ics.gz",
        "events/cilium-at-kube-con-eu-2024.ics.gz",
    ] {
        assert!(out.join(kept).exists(), "{kept}");
    }
}

/// A new event's folder of talk calendars is written whole under a
/// temporary name and renamed into place. A build that adds a post to a
/// built folder gives the same files as a build into a new folder; neither
/// leaves a temporary file or folder behind, and the leftover folder of a
/// publish that crashed is removed.
#[test]
fn new_folders_appear_whole_and_leave_no_temporaries() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for dir in [&a, &b] {
        copy_dir(&repo().join("seeds"), &dir.join("posts"));
        // Undated: its date would be when each build first saw it.
        fs::remove_file(dir.join("posts/004_3b3a9d9546b3522d.txt")).unwrap();
    }
    let added = "001_751c3eeda9040c24.txt";
    let held = tmp.path().join(added);
    fs::rename(b.join("posts").join(added), &held).unwrap();
    build(&b.join("posts"), &b.join("out"));
    let folder = b.join("out/events/cilium-kubecon-na-2024");
    assert!(!folder.exists());
    let crashed = b.join("out/events/.gone.4242.tmp");
    fs::create_dir(&crashed).unwrap();
    fs::write(crashed.join("talk.ics"), "x").unwrap();
    fs::rename(&held, b.join("posts").join(added)).unwrap();
    build(&b.join("posts"), &b.join("out"));
    build(&a.join("posts"), &a.join("out"));
    assert_same_outputs(&a.join("out"), &b.join("out"));
    let talks = fs::read_dir(&folder).unwrap().count();
    assert!(talks > 5, "{talks} files in {}", folder.display());
    for out in [a.join("out"), b.join("out")] {
        let left: Vec<_> = walkdir::WalkDir::new(&out)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .map(|e| e.path().to_path_buf())
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}

fn outputs(out: &Path, ext: &[&str]) -> Vec<PathBuf> {
    files(out)
        .into_iter()
        .filter(|f| {
            f.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| ext.contains(&e))
        })
        .map(|f| out.join(f))
        .collect()
}

#[test]
fn every_file_passes_the_validators() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, posts) in [
        ("seeds", repo().join("seeds")),
        ("corpus", shared().join("corpus/real")),
        ("corpus-batch2", shared().join("corpus/batch2/real")),
    ] {
        let out = tmp.path().join(name);
        build(&posts, &out);
        let ics = outputs(&out, &["ics"]);
        let (schedules, feeds): (Vec<PathBuf>, Vec<PathBuf>) = outputs(&out, &["xml", "json"])
            .into_iter()
            .filter(|f| !f.starts_with(out.join(".almanac")))
            .partition(|f| {
                f.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("schedule."))
            });
        let feeds: Vec<PathBuf> = feeds
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "xml"))
            .collect();
        // The site's feeds, and RSS and Atom of each tag and category.
        let terms: usize = ["tags", "categories"]
            .iter()
            .map(|t| fs::read_dir(out.join(t)).map_or(0, |d| d.count()))
            .sum();
        assert!(
            ics.len() > 5 && terms > 0,
            "{name}: {} calendars",
            ics.len()
        );
        assert_eq!(feeds.len(), 2 + 2 * terms, "{name}: {feeds:?}");
        assert!(feeds.contains(&out.join("rss.xml")) && feeds.contains(&out.join("atom.xml")));
        assert_eq!(
            schedules.len(),
            2 * fs::read_dir(out.join("events"))
                .unwrap()
                .filter(|e| e
                    .as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "ics"))
                .count(),
            "{name}: an XML and a JSON schedule per event"
        );
        let mut failures = validate_all("validate-ics", &ics);
        failures.extend(validate_all("validate-feed", &feeds));
        failures.extend(validate_all("validate-schedule", &schedules));
        assert!(
            failures.is_empty(),
            "{name}: {} invalid files:\n{}",
            failures.len(),
            failures.join("\n")
        );
        // JSON Feed: well-formed, version 1.1, one item per post; each item
        // with content (JSON Feed 1.1 wants content_html or content_text).
        let json: serde_json::Value =
            serde_json::from_slice(&fs::read(out.join("feed.json")).unwrap()).unwrap();
        assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
        assert!(json["items"].as_array().unwrap().len() >= 5);
        for f in outputs(&out, &["json"])
            .into_iter()
            .filter(|f| f.ends_with("feed.json"))
        {
            let json: serde_json::Value = serde_json::from_slice(&fs::read(&f).unwrap()).unwrap();
            assert_eq!(json["version"], "https://jsonfeed.org/version/1.1", "{f:?}");
            let url = json["feed_url"].as_str().unwrap();
            assert!(
                f.ends_with(url.split_once("8080/").unwrap().1),
                "{f:?}: {url}"
            );
            for item in json["items"].as_array().unwrap() {
                assert!(
                    item["content_html"].is_string() || item["content_text"].is_string(),
                    "{f:?}"
                );
            }
        }
    }
}

#[test]
fn bad_posts_are_reported_and_the_rest_published() {
    let tmp = tempfile::tempdir().unwrap();
    let posts = tmp.path().join("posts");
    copy_dir(&repo().join("seeds"), &posts);
    fs::write(
        posts.join("broken-yaml.md"),
        "---\ntitle: [unclosed\ndate: 2024-01-01\n---\nbody\n",
    )
    .unwrap();
    fs::write(posts.join("latin1.md"), b"# Caf\xe9\n").unwrap();
    fs::write(
        posts.join("bad-times.md"),
        "---\ntitle: Bad\ndate: 2024-01-01\ntimezone: Europe/Paris\n---\n\n[A talk](https://x/1)\n\nMonday, March 19, 2024 10:00 - 10:30 CET\n\n[B talk](https://x/2)\n\nTuesday, March 19, 2024 25:00 - 26:00\n",
    )
    .unwrap();
    let o = run(almanac()
        .current_dir(repo())
        .args(["check", "--config", "almanac.yaml", "--posts"])
        .arg(&posts));
    assert_eq!(o.status.code(), Some(1));
    let report = text(&o.stdout);
    let p = posts.display();
    for want in [
        format!("{p}/broken-yaml.md:2: error: front matter:"),
        format!("{p}/latin1.md:1: error: not UTF-8"),
        format!("{p}/bad-times.md:9: error: talk \"A talk\": Monday contradicts the date"),
        format!("{p}/bad-times.md:13: error: talk \"B talk\": time \"25:00\" is not a valid hour"),
    ] {
        assert!(report.contains(&want), "missing {want:?} in:\n{report}");
    }
    let out = tmp.path().join("out");
    let summary = build(&posts, &out);
    assert!(summary.starts_with("6 posts, 89 talks"), "{summary}");
    assert!(out.join("events/cilium-kubecon-na-2024.ics").exists());
    // Both of its talks are errors: a calendar with no event is not valid
    // iCalendar, so the post gets none.
    assert!(!out.join("events/bad-times.ics").exists());
}

#[test]
fn help_explains_every_flag() {
    let o = run(almanac().args(["build", "--help"]));
    let help = text(&o.stdout);
    for flag in ["--posts", "--out", "--config"] {
        assert!(help.contains(flag), "{help}");
    }
}

#[test]
fn slugs_that_collide() {
    let tmp = tempfile::tempdir().unwrap();
    let posts = tmp.path().join("posts");
    fs::create_dir_all(&posts).unwrap();
    let post = |path: &str, date: &str| {
        format!(
            "---\ntitle: T {date}\ndate: {date}\npath: {path}\ntimezone: Europe/Paris\n---\n\n[Talk - A, B](https://x.sched.com/event/{date})\n\nTuesday, March 19, 2024, 09:00 - 09:10 CET\n"
        )
    };
    fs::write(posts.join("a.md"), post("/blog/2023/talks", "2023-01-01")).unwrap();
    fs::write(posts.join("b.md"), post("/blog/2022/talks", "2022-01-01")).unwrap();
    fs::write(posts.join("c.md"), post("/blog/2022/talks", "2022-06-01")).unwrap();
    let o = run(almanac()
        .args(["check", "--config", "/dev/null", "--posts"])
        .arg(&posts));
    let report = text(&o.stdout);
    // Same last segment, different paths: the older keeps it, the newer is renamed.
    assert!(
        report.contains("a.md: warning: slug \"talks\" is taken by the older post"),
        "{report}"
    );
    assert!(
        report.contains("published as \"blog-2023-talks\""),
        "{report}"
    );
    // The very same path: an error naming both files.
    assert!(
        report.contains("c.md: error: slug \"talks\" is already used by"),
        "{report}"
    );
    assert!(report.contains("b.md"), "{report}");
    let out = tmp.path().join("out");
    build(&posts, &out);
    assert!(out.join("events/talks.ics").exists());
    assert!(out.join("events/blog-2023-talks.ics").exists());
}

#[test]
fn sequence_and_cancellation_survive_rebuilds() {
    let tmp = tempfile::tempdir().unwrap();
    let posts = tmp.path().join("posts");
    copy_dir(&repo().join("seeds"), &posts);
    let out = tmp.path().join("out");
    build(&posts, &out);
    let cal = out.join("events/cilium-kubecon-na-2024.ics");
    let unfolded = |p: &Path| fs::read_to_string(p).unwrap().replace("\r\n ", "");
    assert_eq!(unfolded(&cal).matches("SEQUENCE:0\r\n").count(), 22);
    let post = posts.join("001_751c3eeda9040c24.txt");
    let original = fs::read_to_string(&post).unwrap();
    // Move one talk, drop another (its link and date line).
    let edited = original.replace("09:00 am - 09:10 am MST", "08:00 am - 08:10 am MST");
    let dropped = "Tuesday, November 12, 2024, 5:15 pm - 5:25 pm MST";
    assert!(edited.contains(dropped));
    fs::write(&post, edited.replace(dropped, "")).unwrap();
    build(&posts, &out);
    let cal_text = unfolded(&cal);
    // The moved talk and the cancelled one each have a new revision.
    assert_eq!(cal_text.matches("SEQUENCE:1\r\n").count(), 2, "{cal_text}");
    assert_eq!(cal_text.matches("SEQUENCE:0\r\n").count(), 20);
    assert_eq!(
        cal_text.matches("STATUS:CANCELLED").count(),
        1,
        "the dropped talk"
    );
    let before = fs::read(&cal).unwrap();
    // Nothing changed: same bytes, nothing written.
    let summary = build(&posts, &out);
    assert!(summary.contains(" 0 files written"), "{summary}");
    assert_eq!(fs::read(&cal).unwrap(), before);
    // A corrupt state file is rebuilt with a warning, never a crash.
    let state = out.join(".almanac/state/cilium-kubecon-na-2024.json");
    fs::write(&state, b"\x00garbage").unwrap();
    // (A build with unchanged posts does not even read the state: change one.)
    fs::write(&post, edited.replace(dropped, "")).unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    fs::File::options()
        .write(true)
        .open(&post)
        .unwrap()
        .set_modified(later)
        .unwrap();
    let o = build_output(&posts, &out);
    assert!(
        text(&o.stderr).contains("state unreadable"),
        "{}",
        text(&o.stderr)
    );
    assert!(o.status.code().is_some_and(|c| c <= 1));
    assert!(unfolded(&cal).contains("BEGIN:VCALENDAR"));
}

/// A post deleted between two builds (or while the daemon was stopped, on
/// a start that reads every post) has its talks announced as cancelled, as
/// when it is deleted while the daemon runs: a calendar app removes an event
/// it is told is cancelled. A post that turned unreadable does not: its talks
/// are left out until it reads again, and come back as they were.
#[test]
fn a_post_deleted_between_builds_has_its_talks_cancelled() {
    let tmp = tempfile::tempdir().unwrap();
    let (posts, out) = seeds_built(tmp.path());
    let cal = |p: &str| {
        fs::read_to_string(out.join(p))
            .unwrap()
            .replace("\r\n ", "")
    };
    let all_before = cal("calendar.ics");
    let event = "events/cilium-kubecon-na-2024.ics";
    assert_eq!(cal(event).matches("BEGIN:VEVENT").count(), 22);
    let post = posts.join("001_751c3eeda9040c24.txt");
    let original = fs::read_to_string(&post).unwrap();

    // Unreadable (front matter that is not YAML): nothing is cancelled.
    let title = "title: 'Cilium Talks at KubeCon NA 2024'";
    assert!(original.contains(title));
    fs::write(&post, original.replace(title, "title: [unclosed")).unwrap();
    let o = build_output(&posts, &out);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(!out.join(event).exists(), "{}", text(&o.stderr));
    assert!(!cal("calendar.ics").contains("STATUS:CANCELLED"));

    // Readable again: the talks are back as they were, at sequence 0.
    fs::write(&post, &original).unwrap();
    build(&posts, &out);
    assert_eq!(cal("calendar.ics"), all_before);

    // Deleted: every talk is announced as cancelled, in the event's calendar,
    // in each talk's own and in the all-talks calendar.
    fs::remove_file(&post).unwrap();
    let summary = build(&posts, &out);
    let ghost = cal(event);
    assert_eq!(
        ghost.matches("STATUS:CANCELLED").count(),
        22,
        "{summary}\n{ghost}"
    );
    assert_eq!(ghost.matches("SEQUENCE:1\r\n").count(), 22);
    let talks: Vec<PathBuf> = fs::read_dir(out.join("events/cilium-kubecon-na-2024"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ics"))
        .collect();
    assert_eq!(talks.len(), 22);
    for t in &talks {
        assert!(
            fs::read_to_string(t).unwrap().contains("STATUS:CANCELLED"),
            "{}",
            t.display()
        );
    }
    assert_eq!(cal("calendar.ics").matches("STATUS:CANCELLED").count(), 22);
    // A build with nothing changed since writes nothing (no second revision).
    let summary = build(&posts, &out);
    assert!(summary.contains(" 0 files written"), "{summary}");
    assert_eq!(cal(event), ghost);
}

/// A client that reads the file's own `VTIMEZONE`s (ical.js, ts-ics) puts
/// every talk at the instant the tz database gives (Python icalendar):
/// talks on both sides of a DST change, in years on both sides of a rule
/// change (the US in 2007, Moscow's permanent summer time in 2011 and its
/// end in 2014, Brazil dropping DST in 2019), and a March talk in Europe
/// before summer time (the case ts-ics read an hour early).
#[test]
fn embedded_timezones_give_the_tz_database_instants() {
    let tmp = tempfile::tempdir().unwrap();
    let posts = tmp.path().join("posts");
    fs::create_dir_all(&posts).unwrap();
    let post = |name: &str, zone: &str, talks: &[&str]| {
        let mut text =
            format!("---\ntitle: Talks in {zone}\ndate: 2000-01-01\ntimezone: {zone}\n---\n\n");
        for (i, when) in talks.iter().enumerate() {
            text.push_str(&format!(
                "[Talk {i}](https://example.org/{name}/{i})\n\n{when}\n\n"
            ));
        }
        fs::write(posts.join(format!("{name}.md")), text).unwrap();
    };
    post(
        "denver",
        "America/Denver",
        &[
            "Monday, March 20, 2006, 10:00 - 10:30",
            "Monday, October 30, 2006, 10:00 - 10:30",
            "Wednesday, March 5, 2008, 10:00 - 10:30",
            "Wednesday, March 12, 2008, 10:00 - 10:30",
            "Monday, November 3, 2008, 10:00 - 10:30",
        ],
    );
    post(
        "moscow",
        "Europe/Moscow",
        &[
            "Monday, January 11, 2010, 10:00 - 10:30",
            "Monday, July 12, 2010, 10:00 - 10:30",
            "Thursday, July 12, 2012, 10:00 - 10:30",
            "Monday, January 12, 2015, 10:00 - 10:30",
        ],
    );
    post(
        "sao-paulo",
        "America/Sao_Paulo",
        &[
            "Monday, January 15, 2018, 10:00 - 10:30",
            "Wednesday, January 15, 2020, 10:00 - 10:30",
        ],
    );
    post(
        "paris",
        "Europe/Paris",
        &[
            "Tuesday, March 19, 2024, 09:00 - 09:10",
            "Tuesday, April 2, 2024, 09:00 - 09:10",
            "Tuesday, March 24, 2026, 09:00 - 09:10",
        ],
    );
    let out = tmp.path().join("out");
    let summary = build(&posts, &out);
    assert!(summary.contains("14 talks"), "{summary}");
    let mut ics = outputs(&out.join("events"), &["ics"]);
    ics.push(out.join("calendar.ics"));
    assert_eq!(ics.len(), 4 + 14 + 1, "event, talk and all-talks calendars");
    let failures = validate_all("validate-ics", &ics);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `almanac build` records the revision history once the posts are
/// rendered, before it writes the files (its memory is freed before the
/// build's peak). A build whose publish fails leaves the revision it made
/// recorded; the build that publishes it numbers it once above what
/// subscribers saw, not twice.
#[test]
fn a_failed_publish_leaves_the_next_build_numbering_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (posts, out) = seeds_built(tmp.path());
    let events = out.join("events");
    move_seed_talk(&posts, "08:00 am - 08:10 am");
    chattr("+i", &events);
    let failed = build_output(&posts, &out);
    chattr("-i", &events);
    assert!(!failed.status.success(), "the publish was refused");
    assert!(
        text(&failed.stderr).contains("events"),
        "{}",
        text(&failed.stderr)
    );
    build(&posts, &out);
    let cal = fs::read_to_string(events.join("cilium-kubecon-na-2024.ics"))
        .unwrap()
        .replace("\r\n ", "");
    assert!(
        cal.contains("DTSTART;TZID=America/Denver:20241112T080000"),
        "{cal}"
    );
    assert_eq!(cal.matches("SEQUENCE:1\r\n").count(), 1, "{cal}");
    assert_eq!(cal.matches("SEQUENCE:0\r\n").count(), 21, "{cal}");
}
