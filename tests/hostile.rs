//! Hostile and broken input, faults and load (bounded in time and count,
//! loopback only). Nothing here asserts a timing: bounds are deadlines that
//! turn a hang into a failure.

mod common;

use std::collections::HashMap;
use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use sha2::{Digest, Sha256};

fn config() -> String {
    fs::read_to_string(repo().join("almanac.yaml")).unwrap()
}

fn talk_post(title: &str, path: &str, date_line: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: 2024-01-01\npath: {path}\ntimezone: Europe/Paris\n---\n\n[A talk - A, B](https://x.sched.com/event/{path})\n\n{date_line}\n"
    )
}

/// Writes the bad posts of the issue into `dir`; returns (file, expected
/// message fragment) pairs.
fn write_bad_posts(dir: &Path) -> Vec<(&'static str, &'static str)> {
    let bad = dir.join("bad");
    fs::create_dir_all(&bad).unwrap();
    fs::write(
        bad.join("invalid-yaml.md"),
        "---\ntitle: [unclosed\ndate: 2024-01-01\n---\nbody\n",
    )
    .unwrap();
    fs::write(bad.join("latin1.md"), b"---\ntitle: Caf\xe9\n---\n").unwrap();
    let mut binary = b"\x7fELF\x02\x01\x01\x00".to_vec();
    binary.extend((0..4096u32).map(|i| (i * 7919 % 251) as u8));
    fs::write(bad.join("binary.md"), binary).unwrap();
    fs::write(bad.join("empty.md"), b"").unwrap();
    fs::write(bad.join("huge.md"), "x".repeat(3 * 1024 * 1024)).unwrap();
    fs::write(
        bad.join("feb30.md"),
        talk_post(
            "Feb",
            "/feb30",
            "Friday, February 30, 2024, 10:00 - 11:00 CET",
        ),
    )
    .unwrap();
    fs::write(
        bad.join("hour25.md"),
        talk_post(
            "Hour",
            "/hour25",
            "Tuesday, March 19, 2024, 25:00 - 26:00 CET",
        ),
    )
    .unwrap();
    fs::write(
        bad.join("weekday.md"),
        talk_post(
            "Wd",
            "/weekday",
            "Monday, March 19, 2024, 10:00 - 11:00 CET",
        ),
    )
    .unwrap();
    fs::write(
        bad.join("dup-a.md"),
        talk_post(
            "Dup A",
            "/same/path",
            "Tuesday, March 19, 2024, 10:00 - 11:00 CET",
        ),
    )
    .unwrap();
    fs::write(
        bad.join("dup-b.md"),
        talk_post(
            "Dup B",
            "/same/path",
            "Tuesday, March 19, 2024, 10:00 - 11:00 CET",
        ),
    )
    .unwrap();
    // A date in numbers that reads either way, under a heading of another
    // day: an error, not the heading's day.
    fs::write(
        bad.join("either-way.md"),
        "---\ntitle: Calls\ndate: 2025-01-01\ntimezone: Europe/Paris\n---\n\n## Monday, 10 March 2025\n\n- 04/02/2025 14:00 – Office hours\n",
    )
    .unwrap();
    let outside = dir.parent().unwrap().join("outside-secret.md");
    fs::write(
        &outside,
        talk_post(
            "Secret",
            "/secret",
            "Tuesday, March 19, 2024, 10:00 - 11:00 CET",
        ),
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, bad.join("escape.md")).unwrap();
    fs::create_dir_all(bad.join("folder.md")).unwrap();
    let mut laughs = String::from(
        "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let (prev, name) = (w[0], w[1]);
        laughs.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    laughs.push_str("title: lol\n---\n");
    fs::write(bad.join("laughs.md"), laughs).unwrap();
    vec![
        ("invalid-yaml.md:2: error: front matter", "invalid YAML"),
        ("latin1.md:2: error: not UTF-8", "not UTF-8"),
        ("binary.md:1: error:", "binary"),
        ("empty.md:1: error: the file is empty", "empty"),
        (
            "huge.md: error: file is 3145728 bytes, more than the limit",
            "huge",
        ),
        (
            "feb30.md:10: error: talk \"A talk - A, B\": February 30, 2024 is not a date",
            "impossible date",
        ),
        (
            "hour25.md:10: error: talk \"A talk - A, B\": time \"25:00\" is not a valid hour",
            "impossible hour",
        ),
        (
            "weekday.md:10: error: talk \"A talk - A, B\": Monday contradicts the date",
            "weekday",
        ),
        (
            "either-way.md:9: error: talk \"Office hours\": a date in numbers that reads as two days",
            "ambiguous numeric date",
        ),
        (
            "dup-b.md: error: slug \"path\" is already used by",
            "duplicate slug",
        ),
        (
            "escape.md: error: symbolic link leads outside the posts folder",
            "symlink",
        ),
        ("folder.md: error: a folder, not a post file", "directory"),
        ("laughs.md:", "billion laughs"),
    ]
}

#[test]
fn bad_posts_each_get_a_clear_error_and_the_rest_publishes() {
    let tmp = tempfile::tempdir().unwrap();
    let posts = tmp.path().join("posts");
    copy_dir(&repo().join("seeds"), &posts);
    let expected = write_bad_posts(&posts);
    let o = run(almanac()
        .current_dir(repo())
        .args(["check", "--config", "almanac.yaml", "--posts"])
        .arg(&posts));
    assert_eq!(o.status.code(), Some(1), "check exits 1 on errors");
    let report = text(&o.stdout);
    for (fragment, what) in &expected {
        assert!(
            report.contains(fragment),
            "{what}: no {fragment:?} in\n{report}"
        );
    }
    assert!(!text(&o.stderr).contains("panicked"));
    let o = run(almanac()
        .current_dir(repo())
        .args(["build", "--config", "almanac.yaml", "--posts"])
        .arg(&posts)
        .arg("--out")
        .arg(tmp.path().join("out")));
    let summary = text(&o.stdout);
    // The five seeds (89 talks) and the good post among the bad (dup-a) are published.
    assert!(summary.contains(" 90 talks"), "{summary}");
    assert!(
        tmp.path()
            .join("out/events/cilium-kubecon-na-2024.ics")
            .exists()
    );
    assert!(
        !tmp.path().join("out/events/secret.ics").exists(),
        "nothing outside the posts folder is read"
    );

    // The daemon, given the same folder, reports the same problems and serves the rest.
    let dir = tempfile::tempdir().unwrap();
    fs::rename(&posts, dir.path().join("posts")).unwrap();
    fs::write(dir.path().join("almanac.yaml"), config()).unwrap();
    let d = Daemon::spawn(dir, &[]);
    let health = problems(&d);
    for (fragment, what) in &expected {
        assert!(
            health.contains(fragment),
            "{what}: no {fragment:?} in\n{health}"
        );
    }
    assert_eq!(d.get("/events/cilium-kubecon-na-2024.ics").status, 200);
}

#[test]
fn bad_edits_while_serving_never_take_the_daemon_down() {
    let d = Daemon::start(Some(&repo().join("seeds")), &config());
    let posts = d.posts();
    let expected = write_bad_posts(&posts);
    // A post replaced by a folder while served.
    let seed = posts.join("002_ba216aa9e0f1799f.txt");
    fs::remove_file(&seed).unwrap();
    fs::create_dir_all(&seed).unwrap();
    d.wait_for("/healthz", "the bad posts reported", |r| {
        let t = problems_of(r);
        expected
            .iter()
            .filter(|(f, _)| !f.contains("folder.md") && !f.contains("escape.md"))
            .all(|(f, _)| t.contains(f))
            && t.contains("002_ba216aa9e0f1799f.txt: error: not a regular file")
    });
    assert_eq!(d.get("/events/cilium-kubecon-na-2024.ics").status, 200);
    assert_eq!(d.get("/calendar.ics").status, 200);
}

/// The problems `/healthz` lists, one per line.
fn problems_of(r: &Reply) -> String {
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn problems(d: &Daemon) -> String {
    problems_of(&d.get("/healthz"))
}

/// Raises this process's open-file limit so a thousand sockets fit.
fn more_files() {
    let _ = rlimit::increase_nofile_limit(8192);
}

#[test]
fn slow_and_malformed_clients_do_not_hurt_others() {
    more_files();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("seeds"), &dir.path().join("posts"));
    fs::write(dir.path().join("almanac.yaml"), config()).unwrap();
    let d = Daemon::spawn(dir, &["--header-timeout", "2"]);

    // A thousand clients that trickle their headers.
    let mut slow: Vec<TcpStream> = (0..1000)
        .map(|_| {
            let mut s = TcpStream::connect(&d.addr).unwrap();
            s.write_all(b"GET /calendar.ics HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
            s
        })
        .collect();
    // Everyone else is served meanwhile.
    for _ in 0..50 {
        assert_eq!(d.get("/events/cilium-kubecon-na-2024.ics").status, 200);
    }
    for s in slow.iter_mut().take(100) {
        let _ = s.write_all(b"X-Slow: 1\r\n");
    }
    // And the slow ones are cut off once their header time is up.
    let deadline = Instant::now() + Duration::from_secs(30);
    for s in slow.iter_mut() {
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut buf = [0u8; 256];
        let n = s.read(&mut buf).unwrap_or(0);
        let reply = String::from_utf8_lossy(&buf[..n]);
        assert!(n == 0 || reply.starts_with("HTTP/1.1 408"), "{reply}");
        assert!(Instant::now() < deadline, "slow clients were not cut off");
    }
    drop(slow);

    // Oversized head, oversized URI: refused, not served, not fatal.
    let big_header = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    let r = raw_status(&d.addr, big_header.as_bytes());
    assert!(r == 431 || r == 400 || r == 0, "oversized header: {r}");
    let big_uri = format!(
        "GET /{} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(100 * 1024)
    );
    let r = raw_status(&d.addr, big_uri.as_bytes());
    assert!(
        r == 414 || r == 431 || r == 400 || r == 0,
        "oversized URI: {r}"
    );
    // Unknown methods.
    assert_eq!(
        raw_status(&d.addr, b"BREW /calendar.ics HTTP/1.1\r\nHost: x\r\n\r\n"),
        405
    );
    assert_eq!(
        raw_status(&d.addr, b"PROPFIND / HTTP/1.1\r\nHost: x\r\n\r\n"),
        405
    );
    // Garbage.
    let r = raw_status(
        &d.addr,
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n",
    );
    assert!(r == 400 || r == 0, "garbage: {r}");
    // Request smuggling shapes: conflicting Content-Length and Transfer-Encoding,
    // two Content-Lengths. Never a second request served from the body.
    for smuggle in [
        &b"POST /calendar.ics HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /rss.xml HTTP/1.1\r\nHost: x\r\n\r\n"[..],
        &b"GET /calendar.ics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 44\r\n\r\nGET /rss.xml HTTP/1.1\r\nHost: x\r\n\r\n"[..],
        &b"GET /calendar.ics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"[..],
    ] {
        let all = raw_all(&d.addr, smuggle);
        let statuses = all.matches("HTTP/1.1 ").count();
        assert!(!all.contains("<rss"), "a smuggled request was served:\n{all}");
        assert!(statuses <= 1 || all.starts_with("HTTP/1.1 400") || all.starts_with("HTTP/1.1 405"), "{all}");
    }
    // A pipelined flood on one connection: every request answered, in order.
    let flood = "GET /events/cilium-kubecon-na-2024.ics HTTP/1.1\r\nHost: x\r\n\r\n".repeat(500)
        + "GET /calendar.ics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let mut s = TcpStream::connect(&d.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(flood.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let all = String::from_utf8_lossy(&buf);
    assert_eq!(all.matches("HTTP/1.1 200 OK").count(), 501);
    // Still serving everyone at the end.
    assert_eq!(d.get("/calendar.ics").status, 200);
}

/// Status of the first response to raw bytes, 0 if the connection was closed.
fn raw_status(addr: &str, raw: &[u8]) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let _ = s.write_all(raw);
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).unwrap_or(0);
    let all = String::from_utf8_lossy(&buf[..n]).into_owned();
    all.strip_prefix("HTTP/1.1 ")
        .and_then(|s| s.get(..3))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Everything the server sends back to a request whose sender then stops
/// writing (until it closes or 10 s of silence).
fn raw_all(addr: &str, raw: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = s.write_all(raw);
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// The ETag almanac computes: a hash of the bytes served.
fn etag_of(body: &[u8]) -> String {
    let d = Sha256::digest(body);
    format!(
        "\"{}\"",
        d.iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

/// A complete calendar or feed, as published.
fn complete(path: &str, body: &[u8]) -> bool {
    let t = String::from_utf8_lossy(body);
    match path.rsplit('.').next() {
        Some("ics") => {
            t.starts_with("BEGIN:VCALENDAR\r\n")
                && t.ends_with("END:VCALENDAR\r\n")
                && t.matches("BEGIN:VEVENT").count() == t.matches("END:VEVENT").count()
        }
        Some("xml") => {
            t.starts_with("<?xml")
                && ["</rss>", "</feed>", "</schedule>"]
                    .iter()
                    .any(|end| t.trim_end().ends_with(end))
        }
        Some("json") => serde_json::from_slice::<serde_json::Value>(body).is_ok(),
        _ => t.trim_end().ends_with("</html>"),
    }
}

#[test]
fn load_while_posts_change_gives_only_complete_snapshots() {
    let d = Daemon::start(Some(&repo().join("seeds")), &config());
    let posts = d.posts();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let editor = {
        let stop = stop.clone();
        let posts = posts.clone();
        std::thread::spawn(move || {
            let p = posts.join("001_751c3eeda9040c24.txt");
            let original = fs::read_to_string(&p).unwrap();
            let extra = posts.join("extra.md");
            let mut i = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && i < 2000 {
                let minute = 10 + i % 40;
                let edited = original.replace(
                    "09:00 am - 09:10 am MST",
                    &format!("09:{minute:02} am - 09:55 am MST"),
                );
                match i % 3 {
                    0 => fs::write(&p, &edited).unwrap(),
                    1 => {
                        let tmp = posts.join(".001.swp");
                        fs::write(&tmp, &edited).unwrap();
                        fs::rename(&tmp, &p).unwrap();
                    }
                    _ => {
                        if extra.exists() {
                            fs::remove_file(&extra).unwrap();
                        } else {
                            fs::write(
                                &extra,
                                talk_post(
                                    "Extra",
                                    "/extra",
                                    "Tuesday, March 19, 2024, 10:00 - 11:00 CET",
                                ),
                            )
                            .unwrap();
                        }
                    }
                }
                i += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            i
        })
    };
    let paths = [
        "/calendar.ics",
        "/events/cilium-kubecon-na-2024.ics",
        "/events/cilium-at-kube-con-eu-2024.ics",
        "/rss.xml",
        "/atom.xml",
        "/feed.json",
        "/",
    ];
    let clients: Vec<_> = (0..6)
        .map(|c| {
            let addr = d.addr.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut seen: HashMap<u16, usize> = HashMap::new();
                let mut etags: HashMap<&str, String> = HashMap::new();
                let mut problems = Vec::new();
                let mut n = 0usize;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) && n < 20_000 {
                    let path = paths[(n + c) % paths.len()];
                    let kind = n % 4;
                    let mut headers: Vec<(&str, String)> = Vec::new();
                    if let Some(e) = etags.get(path).filter(|_| kind == 1) {
                        headers.push(("If-None-Match", e.clone()));
                    }
                    let method = if kind == 2 { "HEAD" } else { "GET" };
                    let h: Vec<(&str, &str)> =
                        headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    let r = request(&addr, method, path, &h);
                    *seen.entry(r.status).or_default() += 1;
                    match r.status {
                        200 if method == "GET" => {
                            let etag = r.header("etag").unwrap_or("").to_string();
                            if !complete(path, &r.body) {
                                problems.push(format!("{path}: incomplete body"));
                            }
                            if etag != etag_of(&r.body) {
                                problems.push(format!(
                                    "{path}: body does not match its ETag (mixed snapshot?)"
                                ));
                            }
                            etags.insert(path, etag);
                        }
                        200 | 304 => {}
                        s => problems.push(format!("{path}: status {s}")),
                    }
                    n += 1;
                }
                (seen, problems)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(6));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let edits = editor.join().unwrap();
    let mut total: HashMap<u16, usize> = HashMap::new();
    let mut problems = Vec::new();
    for c in clients {
        let (seen, p) = c.join().unwrap();
        for (k, v) in seen {
            *total.entry(k).or_default() += v;
        }
        problems.extend(p);
    }
    assert!(edits > 50, "only {edits} edits");
    assert!(
        problems.is_empty(),
        "{} problems, first: {:?}",
        problems.len(),
        &problems[..problems.len().min(5)]
    );
    assert!(total.keys().all(|s| *s == 200 || *s == 304), "{total:?}");
    assert!(
        total.get(&304).copied().unwrap_or(0) > 0,
        "conditional requests were answered 304: {total:?}"
    );
    // Once the last edit is read, no problem is left over.
    d.wait_for("/healthz", "the last edit settled", |r| {
        serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["errors"] == 0
    });
}

#[test]
fn sigkill_at_any_moment_leaves_only_complete_files() {
    let dir = tempfile::tempdir().unwrap();
    let posts = dir.path().join("posts");
    copy_dir(&repo().join("seeds"), &posts);
    fs::write(dir.path().join("almanac.yaml"), config()).unwrap();
    let out = dir.path().join("out");
    let original = fs::read_to_string(posts.join("001_751c3eeda9040c24.txt")).unwrap();
    let mut d = Daemon::spawn(dir, &[]);
    for round in 0..6u32 {
        // Edit, then kill at a moment that moves from round to round.
        let edited = original.replace(
            "09:00 am - 09:10 am MST",
            &format!("09:{:02} am - 09:55 am MST", 10 + round),
        );
        fs::write(posts.join("001_751c3eeda9040c24.txt"), edited).unwrap();
        std::thread::sleep(Duration::from_millis(u64::from(round) * 7));
        d.child.kill().unwrap();
        d.child.wait().unwrap();
        for f in files(&out) {
            let p = out.join(&f);
            let name = f.to_string_lossy();
            if name.starts_with(".almanac") || name.ends_with(".tmp") {
                continue;
            }
            let bytes = fs::read(&p).unwrap();
            if name.ends_with(".gz") {
                let mut plain = Vec::new();
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_end(&mut plain)
                    .unwrap_or_else(|e| panic!("{name}: broken gzip: {e}"));
                assert!(
                    complete(name.trim_end_matches(".gz"), &plain),
                    "{name}: incomplete inside"
                );
            } else {
                assert!(
                    complete(&name, &bytes),
                    "{name}: incomplete after SIGKILL in round {round}"
                );
            }
        }
        // The next start repairs out/: what it serves is what is on disk.
        let dir = std::mem::replace(&mut d.dir, tempfile::tempdir().unwrap());
        d = Daemon::spawn(dir, &[]);
        // The first full publish follows the first build in the background
        // (what is already on disk is served at once): it writes what is
        // served and removes the killed daemon's temporaries.
        let event = "events/cilium-kubecon-na-2024.ics";
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let served = d.get(&format!("/{event}"));
            let temporaries: Vec<_> = files(&out)
                .into_iter()
                .filter(|f| f.to_string_lossy().ends_with(".tmp"))
                .collect();
            let on_disk = fs::read(out.join(event)).ok();
            if served.status == 200
                && on_disk.as_ref() == Some(&served.body)
                && temporaries.is_empty()
            {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "after restart: served {} ({} bytes), on disk {:?} bytes, temporaries {temporaries:?}",
                served.status,
                served.body.len(),
                on_disk.map(|b| b.len())
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn unwritable_output_keeps_serving_and_recovers() {
    let d = Daemon::start(Some(&repo().join("seeds")), &config());
    let events = d.out().join("events");
    chattr("+i", &events);
    let post = d.posts().join("001_751c3eeda9040c24.txt");
    let original = fs::read_to_string(&post).unwrap();
    fs::write(
        &post,
        original.replace("09:00 am - 09:10 am MST", "06:00 am - 06:10 am MST"),
    )
    .unwrap();
    // Served from memory at once, the failure reported.
    let served = d.wait_for(
        "/events/cilium-kubecon-na-2024.ics",
        "the edit served",
        |r| r.text().contains("20241112T060000"),
    );
    let health = d.wait_for("/healthz", "the publish failure", |r| {
        r.text().contains("\"status\": \"degraded\"")
    });
    assert!(
        health.text().contains("publish_error\": \""),
        "{}",
        health.text()
    );
    assert!(
        !d.get("/metrics")
            .text()
            .contains("almanac_publish_failures_total 0")
    );
    chattr("-i", &events);
    // Recovers by itself (retry) and out/ catches up.
    d.wait_for("/healthz", "recovery", |r| {
        r.text().contains("\"publish_error\": null")
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    while fs::read(d.out().join("events/cilium-kubecon-na-2024.ics")).unwrap() != served.body {
        assert!(Instant::now() < deadline, "out/ did not catch up");
        std::thread::sleep(Duration::from_millis(50));
    }
}
