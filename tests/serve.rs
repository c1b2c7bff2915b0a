//! `almanac serve` end to end, against the real binary on 127.0.0.1:0:
//! responses and caching, and edits of posts seen over HTTP. Waits are
//! bounded polls; nothing asserts a timing.

mod common;

use std::fs;
use std::io::Write;

use common::*;

fn config() -> String {
    fs::read_to_string(repo().join("almanac.yaml")).unwrap()
}

fn seeds_daemon() -> Daemon {
    Daemon::start(Some(&repo().join("seeds")), &config())
}

const EVENT: &str = "/events/cilium-kubecon-na-2024.ics";

#[test]
fn responses_and_caching() {
    let d = seeds_daemon();
    for (path, ctype) in [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/calendar.ics", "text/calendar; charset=utf-8"),
        (EVENT, "text/calendar; charset=utf-8"),
        ("/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/feed.json", "application/feed+json"),
    ] {
        let r = d.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ctype), "{path}");
        assert_eq!(r.header("vary"), Some("Accept-Encoding"), "{path}");
        assert!(
            r.header("cache-control")
                .is_some_and(|c| c.contains("max-age")),
            "{path}"
        );
        // Served bytes are the published file's bytes.
        let file = if path == "/" {
            "index.html"
        } else {
            &path[1..]
        };
        assert_eq!(r.body, fs::read(d.out().join(file)).unwrap(), "{path}");
    }
    // A talk's own calendar is served in pieces shared with its event's
    // calendar: the bytes on the wire are still exactly the file's.
    let talks = d.out().join(&EVENT[1..EVENT.len() - 4]);
    let mut served = 0;
    for f in fs::read_dir(&talks).unwrap() {
        let f = f.unwrap().path();
        let rel = f
            .strip_prefix(d.out())
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let r = d.get(&format!("/{rel}"));
        assert_eq!(r.status, 200, "{rel}");
        assert_eq!(r.text(), text(&fs::read(&f).unwrap()), "{rel}");
        assert_eq!(
            r.header("content-length"),
            Some(r.body.len().to_string().as_str())
        );
        let head = request(&d.addr, "HEAD", &format!("/{rel}"), &[]);
        assert_eq!(head.header("content-length"), r.header("content-length"));
        assert!(head.body.is_empty());
        served += 1;
    }
    assert!(
        served >= 5,
        "{served} talk calendars in {}",
        talks.display()
    );
    let ok = d.get(EVENT);
    let etag = ok.header("etag").unwrap().to_string();
    let lm = ok.header("last-modified").unwrap().to_string();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "strong ETag: {etag}"
    );
    let inm = request(&d.addr, "GET", EVENT, &[("If-None-Match", &etag)]);
    assert_eq!(inm.status, 304);
    assert!(inm.body.is_empty());
    assert_eq!(inm.header("etag"), Some(etag.as_str()));
    assert_eq!(
        request(&d.addr, "GET", EVENT, &[("If-Modified-Since", &lm)]).status,
        304
    );
    assert_eq!(
        request(
            &d.addr,
            "GET",
            EVENT,
            &[("If-None-Match", "\"nope\""), ("If-Modified-Since", &lm)]
        )
        .status,
        200
    );

    let head = request(&d.addr, "HEAD", EVENT, &[]);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), ok.header("content-length"));
    assert_eq!(head.header("etag"), Some(etag.as_str()));

    let gz = request(
        &d.addr,
        "GET",
        EVENT,
        &[("Accept-Encoding", "gzip, deflate")],
    );
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz.body[..]), &mut plain)
        .unwrap();
    assert_eq!(plain, ok.body);
    let gz_etag = gz.header("etag").unwrap().to_string();
    assert_ne!(gz_etag, etag);
    assert_eq!(
        request(
            &d.addr,
            "GET",
            EVENT,
            &[("Accept-Encoding", "gzip"), ("If-None-Match", &gz_etag)]
        )
        .status,
        304
    );
    // The precompressed sibling in out/ is the same bytes nginx would send.
    assert_eq!(
        fs::read(d.out().join(&EVENT[1..]).with_extension("ics.gz")).unwrap(),
        gz.body
    );

    assert_eq!(d.get("/nope.ics").status, 404);
    let post = request(&d.addr, "POST", "/calendar.ics", &[("Content-Length", "0")]);
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    assert_eq!(request(&d.addr, "DELETE", "/", &[]).status, 405);
    for path in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%252e%252e/etc/passwd",
        "/events/../calendar.ics",
        "/events/..%2f..%2fCargo.toml",
        "//etc/passwd",
        "/events/cilium-kubecon-na-2024/../../calendar.ics",
        "/out/calendar.ics",
        "/almanac.yaml",
    ] {
        let r = d.get(path);
        assert!(r.status == 404 || r.status == 400, "{path}: {}", r.status);
        assert!(!r.text().contains("root:"), "{path}");
    }

    let health: serde_json::Value = serde_json::from_slice(&d.get("/healthz").body).unwrap();
    assert_eq!(health["posts"], 5);
    assert_eq!(health["talks"], 89);
    let metrics = d.get("/metrics").text();
    assert!(metrics.contains("almanac_talks 89"), "{metrics}");
    assert!(
        metrics.contains("almanac_http_responses_total{status=\"304\"}"),
        "{metrics}"
    );
}

#[test]
fn edits_renames_deletes_and_broken_edits_are_served() {
    let d = seeds_daemon();
    let post = d.posts().join("001_751c3eeda9040c24.txt");
    let original = fs::read_to_string(&post).unwrap();
    assert!(
        d.get(EVENT)
            .text()
            .contains("DTSTART;TZID=America/Denver:20241112T090000")
    );

    // An edit in place; calendar apps only apply it if SEQUENCE grows.
    fs::write(
        &post,
        original.replace("09:00 am - 09:10 am MST", "08:30 am - 08:40 am MST"),
    )
    .unwrap();
    let r = d.wait_for(EVENT, "the edited time", |r| {
        r.text()
            .contains("DTSTART;TZID=America/Denver:20241112T083000")
    });
    let text = r.text().replace("\r\n ", "");
    assert_eq!(
        text.matches("SEQUENCE:1\r\n").count(),
        1,
        "only the edited talk has a new revision"
    );
    assert_eq!(text.matches("SEQUENCE:0\r\n").count(), 21);
    // The new revision is saved while the daemon runs (off its loop, once
    // published), not only at a stop.
    let state = d.out().join(".almanac/state/cilium-kubecon-na-2024.json");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !fs::read_to_string(&state).is_ok_and(|t| t.contains("\"sequence\":1")) {
        assert!(
            std::time::Instant::now() < deadline,
            "the revision was not saved"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }

    // Save by rename (vim, VS Code, sed -i): write elsewhere, rename over.
    let tmp = d.posts().join(".001.txt.swp");
    fs::write(
        &tmp,
        original.replace("09:00 am - 09:10 am MST", "07:45 am - 07:55 am MST"),
    )
    .unwrap();
    fs::rename(&tmp, &post).unwrap();
    d.wait_for(EVENT, "the renamed-over time", |r| {
        r.text()
            .contains("DTSTART;TZID=America/Denver:20241112T074500")
    });

    // A broken edit keeps the last good version published and is reported.
    fs::write(&post, "---\ntitle: [broken\n---\n").unwrap();
    d.wait_for("/healthz", "the error reported", |r| {
        r.text().contains("001_751c3eeda9040c24.txt:2: error")
    });
    assert!(
        d.get(EVENT).text().contains("20241112T074500"),
        "last good version still served"
    );
    // Fixed again.
    fs::write(&post, &original).unwrap();
    d.wait_for(EVENT, "the fixed post", |r| {
        r.text().contains("20241112T090000")
    });
    d.wait_for("/healthz", "no more errors", |r| {
        !r.text().contains("001_751c3eeda9040c24.txt:2: error")
    });

    // A new post in a new sub-folder, then the folder removed.
    let sub = d.posts().join("2026/eu");
    fs::create_dir_all(&sub).unwrap();
    let mut f = fs::File::create(sub.join("new.md")).unwrap();
    f.write_all(b"---\ntitle: New at KubeCon EU 2026\ndate: 2026-01-01\npath: /blog/new-post\n---\n\n[Brand new talk - A, B](https://x.sched.com/event/NEW)\n\nMonday, March 23 \xe2\x80\xa2 10:00 - 10:30\n").unwrap();
    drop(f);
    let r = d.wait_for("/events/new-post.ics", "the new post", |r| r.status == 200);
    assert!(
        r.text()
            .contains("DTSTART;TZID=Europe/Amsterdam:20260323T100000"),
        "{}",
        r.text()
    );
    fs::remove_dir_all(d.posts().join("2026")).unwrap();
    // Its talk is announced as cancelled (subscribed apps remove it), not dropped.
    let r = d.wait_for("/events/new-post.ics", "the removed folder", |r| {
        r.text().contains("STATUS:CANCELLED")
    });
    assert!(r.text().contains("SEQUENCE:1\r\n"), "{}", r.text());

    // A deleted post: its talks turn CANCELLED, over HTTP and in out/.
    fs::remove_file(&post).unwrap();
    d.wait_for("/healthz", "four posts", |r| {
        r.text().contains("\"posts\": 4")
    });
    let r = d.wait_for(EVENT, "the deleted post's cancellations", |r| {
        r.text().matches("STATUS:CANCELLED").count() == 22
    });
    assert!(!r.text().contains("STATUS:CONFIRMED"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !fs::read_to_string(d.out().join(&EVENT[1..]))
        .unwrap_or_default()
        .contains("STATUS:CANCELLED")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "out/ does not show the cancellations"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// A post that trips a bug (a test-only hook makes the finder panic on a
/// marker) costs that post only: the daemon keeps serving and watching, the
/// panic is reported for that post on `/healthz`, a post that was good keeps
/// its last good version, and a later good edit is published.
#[test]
fn a_panic_in_one_post_takes_nothing_else_down() {
    const MARKER: &str = "TRIP-THE-TEST-PANIC";
    let dir = tempfile::tempdir().unwrap();
    let posts = dir.path().join("posts");
    copy_dir(&repo().join("seeds"), &posts);
    let talk = |title: &str| {
        format!(
            "---\ntitle: Extra talks\ndate: 2024-02-01\ntimezone: Europe/Paris\n---\n\n[{title}](https://example.org/t)\n\nTuesday, March 19, 2024, 10:00 - 10:30\n"
        )
    };
    let boom = posts.join("boom.md");
    fs::write(&boom, talk("First") + MARKER).unwrap();
    fs::write(dir.path().join("almanac.yaml"), config()).unwrap();
    let d = Daemon::spawn_with_env(dir, &[], &[("ALMANAC_TEST_PANIC", MARKER)]);

    // At start: everything else is served; the panic is that post's error.
    assert!(d.get(EVENT).text().contains("BEGIN:VEVENT"));
    assert_eq!(d.get("/events/boom.ics").status, 404);
    // (At start a new post's talks are first looked for when it renders;
    // after an edit, when it is read.)
    let health = d.get("/healthz").text();
    assert!(
        health.contains("boom.md") && health.contains("internal error while rendering this post"),
        "{health}"
    );

    // A good edit is published.
    fs::write(&boom, talk("Second")).unwrap();
    d.wait_for("/events/boom.ics", "the good edit", |r| {
        r.status == 200 && r.text().contains("SUMMARY:Second")
    });
    // It trips the bug again: its last good version stays, the error shows.
    fs::write(&boom, talk("Third") + MARKER).unwrap();
    d.wait_for("/healthz", "the panic reported", |r| {
        r.text().contains("internal error while reading this post")
    });
    assert!(d.get("/events/boom.ics").text().contains("SUMMARY:Second"));
    // The daemon still watches and serves the other posts.
    let seed = d.posts().join("001_751c3eeda9040c24.txt");
    let original = fs::read_to_string(&seed).unwrap();
    fs::write(
        &seed,
        original.replace("09:00 am - 09:10 am MST", "08:30 am - 08:40 am MST"),
    )
    .unwrap();
    d.wait_for(EVENT, "an edit of another post", |r| {
        r.text()
            .contains("DTSTART;TZID=America/Denver:20241112T083000")
    });
    fs::write(&boom, talk("Fourth")).unwrap();
    d.wait_for("/events/boom.ics", "the fixed post", |r| {
        r.text().contains("SUMMARY:Fourth")
    });
    let health = d.get("/healthz").text();
    assert!(!health.contains("internal error"), "{health}");
}

#[test]
fn posts_folder_replaced_keeps_serving_then_recovers() {
    let d = seeds_daemon();
    let posts = d.posts();
    let aside = d.dir.path().join("aside");
    fs::rename(&posts, &aside).unwrap();
    // Give the watcher a moment to notice; the last good outputs stay.
    d.wait_for("/healthz", "the missing folder reported", |r| {
        r.text().contains("posts_error\": \"")
    });
    assert_eq!(d.get(EVENT).status, 200);
    fs::rename(&aside, &posts).unwrap();
    d.wait_for("/healthz", "the folder back", |r| {
        r.text().contains("\"posts_error\": null")
    });
    // And edits are seen again in the new folder.
    let post = posts.join("001_751c3eeda9040c24.txt");
    let text = fs::read_to_string(&post).unwrap();
    fs::write(
        &post,
        text.replace("09:00 am - 09:10 am MST", "08:00 am - 08:10 am MST"),
    )
    .unwrap();
    d.wait_for(EVENT, "an edit after the folder came back", |r| {
        r.text().contains("20241112T080000")
    });
}

#[test]
fn sighup_reloads_the_configuration() {
    let d = seeds_daemon();
    assert!(
        d.get("/rss.xml")
            .text()
            .contains("Cilium and friends at conferences")
    );
    fs::write(
        d.dir.path().join("almanac.yaml"),
        config().replace("Cilium and friends at conferences", "Renamed site"),
    )
    .unwrap();
    d.signal("HUP");
    d.wait_for("/rss.xml", "the new title", |r| {
        r.text().contains("Renamed site")
    });
}

#[test]
fn sigterm_exits_cleanly() {
    let mut d = seeds_daemon();
    assert_eq!(d.get("/").status, 200);
    d.signal("TERM");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(s) = d.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "did not exit after SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
}

/// After edits in quick succession, `out/` ends up with the last one served
/// (however edits and background publishes interleave), and keeps it
/// through exit.
#[test]
fn out_follows_what_is_served_through_exit() {
    let mut d = seeds_daemon();
    let post = d.posts().join("001_751c3eeda9040c24.txt");
    let original = fs::read_to_string(&post).unwrap();
    let mut last = String::new();
    for minute in 31..36 {
        last = format!("DTSTART;TZID=America/Denver:20241112T08{minute}00");
        let edited = original.replace(
            "09:00 am - 09:10 am MST",
            &format!("08:{minute} am - 08:50 am MST"),
        );
        assert_ne!(edited, original);
        fs::write(&post, edited).unwrap();
        d.wait_for(EVENT, "the edit", |r| r.text().contains(&last));
    }
    let file = d.out().join(&EVENT[1..]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !fs::read_to_string(&file).unwrap().contains(&last) {
        assert!(
            std::time::Instant::now() < deadline,
            "out/ never got the last edit"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    d.signal("TERM");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while d.child.try_wait().unwrap().is_none() {
        assert!(std::time::Instant::now() < deadline, "did not exit");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let on_disk = fs::read_to_string(d.out().join(&EVENT[1..])).unwrap();
    assert!(on_disk.contains(&last), "out/ has the last edit served");
}

/// systemd integration without systemd as PID 1: `systemd-socket-activate`
/// passes the socket (LISTEN_FDS), and a datagram socket stands in for
/// NOTIFY_SOCKET to receive READY=1 and STOPPING=1.
#[test]
fn socket_activation_and_readiness_notification() {
    use std::os::unix::net::UnixDatagram;
    let dir = tempfile::tempdir().unwrap();
    let posts = dir.path().join("posts");
    copy_dir(&repo().join("seeds"), &posts);
    let sock_path = dir.path().join("notify.sock");
    let notify = UnixDatagram::bind(&sock_path).unwrap();
    notify
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let addr = format!("127.0.0.1:{port}");
    let mut child = std::process::Command::new("systemd-socket-activate")
        .args(["-l", &addr, "-E", "RUST_LOG=warn", "-E"])
        .arg(format!("NOTIFY_SOCKET={}", sock_path.display()))
        .arg(env!("CARGO_BIN_EXE_almanac"))
        .args(["serve", "--posts"])
        .arg(&posts)
        .arg("--out")
        .arg(dir.path().join("out"))
        .args(["--listen", "127.0.0.1:1"]) // ignored: the socket comes from systemd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("systemd-socket-activate (Debian's systemd package) runs");
    // Wait (bounded) until systemd-socket-activate listens; the first
    // connection then makes it start almanac.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "systemd-socket-activate never listened"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let reply = request(&addr, "GET", "/calendar.ics", &[]);
    assert_eq!(reply.status, 200);
    let mut buf = [0u8; 512];
    let mut ready = false;
    while let Ok(n) = notify.recv(&mut buf) {
        if String::from_utf8_lossy(&buf[..n]).contains("READY=1") {
            ready = true;
            break;
        }
    }
    assert!(ready, "no READY=1");
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let mut stopping = false;
    while let Ok(n) = notify.recv(&mut buf) {
        if String::from_utf8_lossy(&buf[..n]).contains("STOPPING=1") {
            stopping = true;
            break;
        }
    }
    let _ = child.wait();
    assert!(stopping, "no STOPPING=1");
}

#[test]
fn systemd_units_verify() {
    let dir = tempfile::tempdir().unwrap();
    // The unit names /usr/local/bin/almanac; verify checks the binary exists,
    // so point it at the one Cargo built. Nothing else changes.
    let unit = fs::read_to_string(repo().join("systemd/almanac.service"))
        .unwrap()
        .replace("/usr/local/bin/almanac", env!("CARGO_BIN_EXE_almanac"));
    fs::write(dir.path().join("almanac.service"), unit).unwrap();
    fs::copy(
        repo().join("systemd/almanac.socket"),
        dir.path().join("almanac.socket"),
    )
    .unwrap();
    let o = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg(dir.path().join("almanac.service"))
        .arg(dir.path().join("almanac.socket"))
        .output()
        .expect("systemd-analyze (Debian's systemd package) runs");
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
}

/// `?alarm=N` on a calendar URL: the same calendar with a reminder N minutes
/// before each talk, its own ETag and 304s; anything else in a calendar's
/// query is a 400 with a one-line reason.
#[test]
fn reminders_on_request() {
    const ALARM: &str = "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n";
    let d = seeds_daemon();
    let plain = d.get(EVENT);
    let with = d.get(&format!("{EVENT}?alarm=15"));
    assert_eq!(with.status, 200);
    let text = with.text();
    let events = text.matches("BEGIN:VEVENT").count();
    assert!(events > 1);
    assert_eq!(text.matches(ALARM).count(), events, "one per talk");
    assert_eq!(
        text.replace(ALARM, ""),
        plain.text(),
        "nothing else changed"
    );
    let etag = with.header("etag").unwrap().to_string();
    assert_ne!(Some(etag.as_str()), plain.header("etag"));
    assert_eq!(with.header("last-modified"), plain.header("last-modified"));
    assert_eq!(
        d.get(&format!("{EVENT}?alarm=15")).header("etag"),
        Some(etag.as_str()),
        "stable"
    );
    let again = request(
        &d.addr,
        "GET",
        &format!("{EVENT}?alarm=15"),
        &[("if-none-match", &etag)],
    );
    assert_eq!(again.status, 304);
    assert_ne!(
        d.get(&format!("{EVENT}?alarm=30")).header("etag"),
        Some(etag.as_str())
    );
    // Every kind of calendar, as the validators read it.
    let talk = fs::read_dir(d.out().join(&EVENT[1..EVENT.len() - 4]))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name()
        .to_string_lossy()
        .into_owned();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, url) in [
        "/calendar.ics?alarm=1440".to_string(),
        format!("{EVENT}?alarm=0"),
        format!("{}/{talk}?alarm=10", &EVENT[..EVENT.len() - 4]),
    ]
    .iter()
    .enumerate()
    {
        let r = d.get(url);
        assert_eq!(r.status, 200, "{url}");
        assert!(r.text().contains("BEGIN:VALARM"), "{url}");
        let f = dir.path().join(format!("{i}.ics"));
        fs::write(&f, &r.body).unwrap();
        files.push(f);
    }
    let failures = validate_all("validate-ics", &files);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Refused, each with its reason on one line.
    for q in [
        "alarm=1441",
        "alarm=-5",
        "alarm=abc",
        "alarm=",
        "alarm=5&alarm=6",
        "foo",
    ] {
        let r = d.get(&format!("{EVENT}?{q}"));
        assert_eq!(r.status, 400, "{q}");
        let reason = r.text();
        assert_eq!(reason.lines().count(), 1, "{q}: {reason}");
        assert!(reason.contains("alarm"), "{q}: {reason}");
    }
    // The page and the feeds ignore queries (feed readers add their own).
    assert_eq!(d.get("/?utm_source=x").status, 200);
    assert_eq!(d.get("/rss.xml?x=1").status, 200);
}

/// While the first build runs, before the loop that usually pings the
/// watchdog, the daemon still pings it and asks systemd for more start-up
/// time: a big site's first build must not be killed by `WatchdogSec` or
/// fail `TimeoutStartSec`.
#[test]
fn a_long_first_build_keeps_the_watchdog_fed_and_asks_for_time() {
    use std::os::unix::net::UnixDatagram;
    let dir = tempfile::tempdir().unwrap();
    let posts = dir.path().join("posts");
    let o = run(std::process::Command::new("python3")
        .arg(shared().join("bench/gen-posts.py"))
        .args(["--posts", "300", "--seed", "2", "--out"])
        .arg(&posts));
    assert!(o.status.success(), "{}", text(&o.stderr));
    let sock_path = dir.path().join("notify.sock");
    let notify = UnixDatagram::bind(&sock_path).unwrap();
    notify
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    let mut child = almanac()
        .args(["serve", "--posts"])
        .arg(&posts)
        .arg("--out")
        .arg(dir.path().join("out"))
        .args(["--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "error")
        .env("NOTIFY_SOCKET", &sock_path)
        // A 40 ms watchdog: pinged every 20 ms, many times during the build.
        .env("WATCHDOG_USEC", "40000")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut before_ready = Vec::new();
    let mut buf = [0u8; 512];
    let mut ready = false;
    while let Ok(n) = notify.recv(&mut buf) {
        let msg = String::from_utf8_lossy(&buf[..n]).into_owned();
        if msg.contains("READY=1") {
            ready = true;
            break;
        }
        before_ready.push(msg);
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(ready, "no READY=1");
    assert!(
        before_ready.iter().any(|m| m.contains("WATCHDOG=1"))
            && before_ready
                .iter()
                .any(|m| m.contains("EXTEND_TIMEOUT_USEC=30000000")),
        "{before_ready:?}"
    );
}
