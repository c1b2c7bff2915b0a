//! Following only some talks, over HTTP against the real binary: filtered
//! calendars (`?track=…&speaker=…&q=…&event=…`), per-track calendars,
//! personal calendars (`/my.ics?talks=…`) that follow edits, their ETags and
//! `304`s, the `400`s, and the memory bound under a flood of queries.
//!
//! What each filter should choose is worked out here from the event
//! calendars in `out/` (every talk, as published), not from almanac's code.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use common::*;

fn seeds_daemon() -> Daemon {
    let config = fs::read_to_string(repo().join("almanac.yaml")).unwrap();
    let d = Daemon::start(Some(&repo().join("seeds")), &config);
    d.wait_for("/calendar.ics", "the first build", |r| r.status == 200);
    d
}

/// One `VEVENT`, unfolded, with the fields filters look at.
#[derive(Debug, Clone)]
struct Vevent {
    /// The block as published (folded), to compare texts.
    raw: String,
    uid: String,
    summary: String,
    description: String,
    category: Option<String>,
    cancelled: bool,
    /// The event calendar it is in (its slug).
    event: String,
}

fn unescape(v: &str) -> String {
    v.replace("\\n", "\n")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
}

/// The `VEVENT`s of a calendar's text.
fn vevents(text: &str, event: &str) -> Vec<Vevent> {
    let mut out = Vec::new();
    for block in text.split("BEGIN:VEVENT\r\n").skip(1) {
        let block = block.split("END:VEVENT\r\n").next().unwrap();
        let raw = format!("BEGIN:VEVENT\r\n{block}END:VEVENT\r\n");
        let unfolded = block.replace("\r\n ", "");
        let field = |name: &str| {
            unfolded
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{name}:")))
                .map(unescape)
        };
        out.push(Vevent {
            raw,
            uid: field("UID").unwrap(),
            summary: field("SUMMARY").unwrap_or_default(),
            description: field("DESCRIPTION").unwrap_or_default(),
            category: field("CATEGORIES"),
            cancelled: field("STATUS").as_deref() == Some("CANCELLED"),
            event: event.to_string(),
        });
    }
    out
}

/// Every talk published, from the event calendars in `out/events/`.
fn published(d: &Daemon) -> Vec<Vevent> {
    let dir = d.out().join("events");
    let mut all = Vec::new();
    for e in fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "ics") {
            let slug = p.file_stem().unwrap().to_string_lossy().into_owned();
            all.extend(vevents(&fs::read_to_string(&p).unwrap(), &slug));
        }
    }
    assert!(all.len() > 50, "the seeds have many talks");
    all
}

/// Lower case without accents, as the README says filters compare.
fn folded(s: &str) -> String {
    s.to_lowercase()
        .replace(['á', 'à', 'â', 'ä'], "a")
        .replace(['é', 'è', 'ê', 'ë'], "e")
        .replace(['í', 'ï'], "i")
        .replace(['ó', 'ö', 'ô'], "o")
        .replace(['ú', 'ü'], "u")
        .replace('ś', "s")
        .replace('ń', "n")
        .replace('ć', "c")
}

fn speakers(v: &Vevent) -> Vec<String> {
    let Some(line) = v.description.lines().next() else {
        return Vec::new();
    };
    let Some(list) = line.strip_prefix("Speakers: ") else {
        return Vec::new();
    };
    // "Name (Org, Org2), Name2 (Org)": names are what precedes " (".
    let mut names = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in list.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => names.push(std::mem::take(&mut current)),
            _ if depth == 0 => current.push(c),
            _ => {}
        }
    }
    names.push(current);
    names.iter().map(|n| folded(n.trim())).collect()
}

fn uids<'a>(vs: impl IntoIterator<Item = &'a Vevent>) -> BTreeSet<String> {
    vs.into_iter().map(|v| v.uid.clone()).collect()
}

#[test]
fn filters_choose_exactly_the_matching_talks() {
    let d = seeds_daemon();
    let all = published(&d);
    let live: Vec<&Vevent> = all.iter().filter(|v| !v.cancelled).collect();
    let track = |v: &Vevent, t: &str| v.category.as_deref().is_some_and(|c| folded(c) == t);
    let kubecon = "kubecon + cloudnativecon";
    let event = "cilium-kubecon-na-2024";
    type Case<'a> = (&'a str, Box<dyn Fn(&Vevent) -> bool + 'a>);
    let cases: Vec<Case> = vec![
        (
            "/calendar.ics?track=KubeCon+%2B+CloudNativeCon",
            Box::new(|v| track(v, kubecon)),
        ),
        // A track by its slug, as in tracks/<slug>.ics.
        (
            "/calendar.ics?track=kubecon-cloudnativecon",
            Box::new(|v| track(v, kubecon)),
        ),
        (
            "/calendar.ics?track=istio+day&track=observability%20day",
            Box::new(|v| track(v, "istio day") || track(v, "observability day")),
        ),
        // Accents and case do not matter; a name matches by whole words.
        (
            "/calendar.ics?speaker=anna+kapuscinska",
            Box::new(|v| speakers(v).iter().any(|s| s == "anna kapuscinska")),
        ),
        (
            "/calendar.ics?speaker=MULLIGAN",
            Box::new(|v| speakers(v).iter().any(|s| s.ends_with(" mulligan"))),
        ),
        (
            "/calendar.ics?q=TETRAGON",
            Box::new(|v| folded(&format!("{} {}", v.summary, v.description)).contains("tetragon")),
        ),
        (
            &*Box::leak(format!("/calendar.ics?event={event}&q=ebpf").into_boxed_str()),
            Box::new(|v| {
                v.event == event
                    && folded(&format!("{} {}", v.summary, v.description)).contains("ebpf")
            }),
        ),
        (
            "/calendar.ics?track=cilium-ebpf-day-2024&speaker=bill+mulligan&speaker=nimisha+mehta",
            Box::new(|v| {
                track(v, "cilium + ebpf day 2024")
                    && speakers(v)
                        .iter()
                        .any(|s| s == "bill mulligan" || s == "nimisha mehta")
            }),
        ),
        (
            &*Box::leak(
                format!("/events/{event}.ics?track=cilium+%2B+ebpf+day+2024").into_boxed_str(),
            ),
            Box::new(|v| v.event == event && track(v, "cilium + ebpf day 2024")),
        ),
        ("/calendar.ics?q=no+talk+says+this", Box::new(|_| false)),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = Vec::new();
    let mut etags = BTreeSet::new();
    for (i, (url, pred)) in cases.iter().enumerate() {
        let r = d.get(url);
        assert_eq!(r.status, 200, "{url}: {}", r.text());
        assert_eq!(
            r.header("content-type"),
            Some("text/calendar; charset=utf-8")
        );
        let got = vevents(&r.text(), "");
        let want: Vec<&Vevent> = live.iter().copied().filter(|v| pred(v)).collect();
        assert_eq!(uids(&got), uids(want.iter().copied()), "{url}");
        if !url.contains("no+talk") {
            assert!(!got.is_empty(), "{url} chooses some talks");
        }
        // The same VEVENT texts as the event calendars: same UIDs, SEQUENCEs.
        for v in &got {
            assert!(all.iter().any(|a| a.raw == v.raw), "{url}: {}", v.uid);
        }
        // Its own strong ETag, stable, and 304 when the client has it.
        let etag = r.header("etag").unwrap().to_string();
        assert!(etag.starts_with('"'), "{etag}");
        assert!(etags.insert(etag.clone()), "{url}: a distinct ETag");
        assert_eq!(d.get(url).header("etag"), Some(etag.as_str()));
        let again = request(&d.addr, "GET", url, &[("if-none-match", &etag)]);
        assert_eq!(again.status, 304, "{url}");
        let gz = request(&d.addr, "GET", url, &[("accept-encoding", "gzip")]);
        assert_eq!(gz.status, 200);
        let f = dir.path().join(format!("{i}.ics"));
        fs::write(&f, &r.body).unwrap();
        files.push(f);
    }
    // Filters written another way are the same calendar.
    assert_eq!(
        d.get("/calendar.ics?track=Istio+Day&track=observability+day")
            .header("etag"),
        d.get("/calendar.ics?track=observability+day&track=istio%20DAY")
            .header("etag"),
    );
    // Reminders apply to a filtered calendar too.
    let with_alarm = d.get("/calendar.ics?track=istio-day&alarm=10");
    assert!(with_alarm.text().contains("TRIGGER:-PT10M"));
    let f = dir.path().join("alarm.ics");
    fs::write(&f, &with_alarm.body).unwrap();
    files.push(f);
    // A track's own calendar holds what the track filter chooses.
    let track_file = d.get("/tracks/kubecon-cloudnativecon.ics");
    assert_eq!(track_file.status, 200);
    assert_eq!(
        uids(&vevents(&track_file.text(), "")),
        uids(live.iter().copied().filter(|v| track(v, kubecon)))
    );
    // Written to out/ (all of them in one pass at the first build) as served.
    assert_eq!(
        fs::read(d.out().join("tracks/kubecon-cloudnativecon.ics")).unwrap(),
        track_file.body
    );
    let f = dir.path().join("track.ics");
    fs::write(&f, &track_file.body).unwrap();
    files.push(f);
    let failures = validate_all("validate-ics", &files);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Refused with a one-line reason.
    for url in [
        "/calendar.ics?colour=red",
        "/calendar.ics?talks=AAAAAAAAAAAA",
        "/calendar.ics?q=%FF",
        "/calendar.ics?alarm=2000",
        "/my.ics",
        "/my.ics?talks=not-an-id",
        "/tracks/istio-day.ics?speaker=a&x=1",
    ] {
        let r = d.get(url);
        assert_eq!(r.status, 400, "{url}");
        assert_eq!(r.text().trim_end().lines().count(), 1, "{url}");
    }
    for url in ["/events/nope.ics?track=a", "/tracks/nope.ics"] {
        assert_eq!(d.get(url).status, 404, "{url}");
    }
}

/// The short public ID of a talk: what the page shows and `/my.ics` takes.
fn id(uid: &str) -> String {
    almanac::facets::TalkId::of(uid).to_string()
}

#[test]
fn a_personal_calendar_follows_edits_and_removals() {
    let d = seeds_daemon();
    let all = published(&d);
    let pick = |title: &str| {
        all.iter()
            .find(|v| v.summary.starts_with(title))
            .unwrap_or_else(|| panic!("{title}"))
            .clone()
    };
    let edited = pick("Confluent's Multi-Cloud Journey to Cilium");
    let removed = pick("Insightful Traffic Monitoring");
    let kept = pick("Cilium + eBPF Day | Welcome + Opening Remarks");
    let gone_long_ago = id("never@existed.almanac");
    let url = format!(
        "/my.ics?talks={},{},{}&talks={gone_long_ago}",
        id(&edited.uid),
        id(&removed.uid),
        id(&kept.uid)
    );
    let r = d.get(&url);
    assert_eq!(r.status, 200, "{}", r.text());
    let got = vevents(&r.text(), "");
    assert_eq!(
        uids(&got),
        uids([&edited, &removed, &kept]),
        "exactly the chosen talks"
    );
    assert_eq!(r.header("x-almanac-unknown-talks"), Some("1"));
    let etag = r.header("etag").unwrap().to_string();
    // The author edits one chosen talk and removes another.
    let post = d.posts().join("001_751c3eeda9040c24.txt");
    let text = fs::read_to_string(&post).unwrap();
    let removed_block = "[Insightful Traffic Monitoring: Harnessing Cilium for Comprehensive Network Observability - Sudheendra Murthy & Adithya Yavanamanda, eBay](https://colocatedeventsna2024.sched.com/event/1izpm/insightful-traffic-monitoring-harnessing-cilium-for-comprehensive-network-observability-sudheendra-murthy-adithya-yavanamanda-ebay)\n\nTuesday, November 12, 2024, 9:45 am - 10:10 am MST\n";
    assert!(text.contains(removed_block));
    let text = text
        .replace(removed_block, "")
        .replace(
            "Pitfalls and Lessons Learned - Nimisha",
            "Pitfalls, Lessons and a Demo - Nimisha",
        )
        .replace(
            "Tuesday, November 12, 2024, 9:10 am - 9:35 am MST",
            "Tuesday, November 12, 2024, 9:15 am - 9:40 am MST",
        );
    fs::write(&post, text).unwrap();
    let after = d.wait_for(&url, "the edit", |r| {
        r.status == 200 && r.header("etag") != Some(etag.as_str())
    });
    let got = vevents(&after.text(), "");
    assert_eq!(uids(&got), uids([&edited, &removed, &kept]));
    let find = |uid: &str| got.iter().find(|v| v.uid == uid).unwrap();
    let e = find(&edited.uid);
    assert!(
        e.summary.contains("Pitfalls, Lessons and a Demo"),
        "{}",
        e.summary
    );
    assert!(
        e.raw
            .contains("DTSTART;TZID=America/Denver:20241112T091500"),
        "{}",
        e.raw
    );
    assert!(
        !e.raw.contains("SEQUENCE:0\r\n"),
        "the edit bumps SEQUENCE: {}",
        e.raw
    );
    assert!(
        find(&removed.uid).cancelled,
        "the removed talk is announced as cancelled"
    );
    assert_eq!(
        find(&kept.uid).raw,
        kept.raw,
        "the untouched talk is unchanged"
    );
    // The track's calendar in out/ follows the edit too, as served.
    let track_file = d.out().join("tracks/cilium-ebpf-day-2024.ics");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !fs::read_to_string(&track_file)
        .unwrap_or_default()
        .replace("\r\n ", "")
        .contains(r"Pitfalls\, Lessons and a Demo")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "tracks/ in out/ follows edits"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(
        fs::read(&track_file).unwrap(),
        d.get("/tracks/cilium-ebpf-day-2024.ics").body
    );
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("my.ics");
    fs::write(&f, &after.body).unwrap();
    let failures = validate_all("validate-ics", &[f]);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A flood of distinct queries costs CPU, never memory past the bound.
#[test]
fn the_cache_of_chosen_calendars_is_bounded() {
    let d = seeds_daemon();
    for i in 0..600 {
        let r = d.get(&format!("/calendar.ics?q=cilium+{i}&track=cilium-talks"));
        assert_eq!(r.status, 200);
    }
    let metrics = d.get("/metrics").text();
    let value = |name: &str| -> usize {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} in {metrics}"))
            .parse()
            .unwrap()
    };
    let kept = value("almanac_chosen_calendars_kept");
    assert!(
        kept > 0 && kept <= almanac::subscribe::cache::MAX_ENTRIES,
        "{kept}"
    );
    assert!(value("almanac_chosen_calendars_kept_bytes") <= almanac::subscribe::cache::MAX_BYTES);
}

/// `<tag>` elements' texts, in order.
fn texts(xml: &str, tag: &str) -> Vec<String> {
    xml.split(&format!("<{tag}>"))
        .skip(1)
        .filter_map(|s| s.split(&format!("</{tag}>")).next())
        .map(str::to_string)
        .collect()
}

#[test]
fn feeds_per_tag_and_category_are_served_and_discoverable() {
    let d = seeds_daemon();
    let page = d.get("/").text();
    let site = d.get("/rss.xml").text();
    // The site feed's items, each with its categories and tags.
    let items: Vec<(String, Vec<String>)> = site
        .split("<item>")
        .skip(1)
        .map(|i| {
            let link = texts(i, "link")[0].clone();
            (link, texts(i, "category"))
        })
        .collect();
    let mut checked = 0;
    for (folder, term) in [
        ("tags", "cilium"),
        ("tags", "kubecon"),
        ("categories", "community"),
    ] {
        for (file, kind) in [
            ("rss.xml", "application/rss+xml"),
            ("atom.xml", "application/atom+xml"),
            ("feed.json", "application/feed+json"),
        ] {
            let path = format!("/{folder}/{term}/{file}");
            // Discoverable in the page's <head>, and linked from its body.
            let head = page.split("</head>").next().unwrap();
            assert!(
                head.contains(&format!("type=\"{kind}\""))
                    && head.contains(&format!("8080{path}\"")),
                "{path} in <head>"
            );
            assert!(
                page.contains(&format!("href=\"{}\"", &path[1..])),
                "{path} linked"
            );
            let r = d.get(&path);
            assert_eq!(r.status, 200, "{path}");
            assert!(r.header("content-type").unwrap().starts_with(kind));
            assert!(r.header("etag").is_some());
            checked += 1;
        }
        // The RSS feed holds exactly the site's posts with that label.
        let feed = d.get(&format!("/{folder}/{term}/rss.xml")).text();
        let got: BTreeSet<String> = feed
            .split("<item>")
            .skip(1)
            .map(|i| texts(i, "link")[0].clone())
            .collect();
        let want: BTreeSet<String> = items
            .iter()
            .filter(|(_, labels)| labels.iter().any(|l| l.to_lowercase() == term))
            .map(|(link, _)| link.clone())
            .collect();
        assert!(!want.is_empty(), "{term}");
        assert_eq!(got, want, "{folder}/{term}");
    }
    assert_eq!(checked, 9);
    assert_eq!(d.get("/tags/no-such-tag/rss.xml").status, 404);
}

/// The events of a C3VOC schedule JSON, across its days and rooms.
fn events_of(schedule: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for day in schedule["schedule"]["conference"]["days"]
        .as_array()
        .unwrap()
    {
        for talks in day["rooms"].as_object().unwrap().values() {
            out.extend(talks.as_array().unwrap().iter().cloned());
        }
    }
    out
}

#[test]
fn schedules_for_conference_apps_validate_and_stay_stable() {
    let d = seeds_daemon();
    let event = "cilium-kubecon-na-2024";
    let calendar = d.get(&format!("/events/{event}.ics")).text();
    let live: Vec<Vevent> = vevents(&calendar, event)
        .into_iter()
        .filter(|v| !v.cancelled)
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (file, kind) in [
        ("schedule.xml", "application/xml"),
        ("schedule.json", "application/json"),
    ] {
        let path = format!("/events/{event}/{file}");
        let r = d.get(&path);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.header("content-type").unwrap().starts_with(kind));
        let etag = r.header("etag").unwrap().to_string();
        assert_eq!(
            request(&d.addr, "GET", &path, &[("if-none-match", &etag)]).status,
            304
        );
        // Also in out/, for static hosting.
        assert_eq!(
            fs::read(d.out().join(&path[1..])).unwrap(),
            r.body,
            "{path}"
        );
        let f = dir.path().join(file);
        fs::write(&f, &r.body).unwrap();
        files.push(f);
    }
    let failures = validate_all("validate-schedule", &files);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let before: serde_json::Value =
        serde_json::from_slice(&d.get(&format!("/events/{event}/schedule.json")).body).unwrap();
    let talks = events_of(&before);
    assert_eq!(
        talks
            .iter()
            .map(|t| t["title"].as_str().unwrap().to_string())
            .collect::<BTreeSet<_>>(),
        live.iter()
            .map(|v| v.summary.clone())
            .collect::<BTreeSet<_>>(),
        "one schedule event per talk"
    );
    let xml = d.get(&format!("/events/{event}/schedule.xml")).text();
    for t in &talks {
        assert!(xml.contains(&format!(
            "guid=\"{}\" id=\"{}\"",
            t["guid"].as_str().unwrap(),
            t["id"]
        )));
    }
    // A talk added to the post: the others keep their guid and id, the
    // version changes.
    let post = d.posts().join("001_751c3eeda9040c24.txt");
    let text = fs::read_to_string(&post).unwrap();
    let anchor = "## Cilium + eBPF Day 2024\n";
    let added = "[A talk added later - Jane Doe, Example](https://example.org/added)\n\nTuesday, November 12, 2024, 8:30 am - 8:50 am MST\n\n";
    fs::write(
        &post,
        text.replacen(anchor, &format!("{anchor}\n{added}"), 1),
    )
    .unwrap();
    let path = format!("/events/{event}/schedule.json");
    let after = d.wait_for(&path, "the added talk", |r| {
        r.text().contains("A talk added later")
    });
    let after: serde_json::Value = serde_json::from_slice(&after.body).unwrap();
    assert_ne!(after["schedule"]["version"], before["schedule"]["version"]);
    let later = events_of(&after);
    assert_eq!(later.len(), talks.len() + 1);
    for t in &talks {
        let same = later.iter().find(|l| l["title"] == t["title"]).unwrap();
        assert_eq!(
            (&same["guid"], &same["id"]),
            (&t["guid"], &t["id"]),
            "{}",
            t["title"]
        );
    }
    let added = later
        .iter()
        .find(|l| l["title"] == "A talk added later")
        .unwrap();
    assert_eq!(added["date"], "2024-11-12T08:30:00-07:00");
    assert_eq!(added["persons"][0]["name"], "Jane Doe");
    assert_eq!(d.get("/events/nope/schedule.xml").status, 404);
}
