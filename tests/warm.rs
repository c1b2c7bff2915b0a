//! A warm start: after a clean stop, the next start serves what was
//! published at once (same bytes, same ETags, same Last-Modified), then
//! brings everything current; an index that is corrupt or truncated is
//! reported and never served. See `src/warm.rs`.

mod common;

use std::fs;
use std::path::Path;

use almanac::Config;
use almanac::site::Site;
use almanac::warm::{self, Index, Unusable};
use common::*;

const EVENT: &str = "/events/cilium-kubecon-na-2024.ics";

fn config() -> Config {
    Config::load(Some(&repo().join("almanac.yaml"))).unwrap()
}

/// The seeds built, published to `out` and indexed, as a clean stop leaves them.
fn published(out: &Path) -> almanac::site::Snapshot {
    published_from(&repo().join("seeds"), out)
}

/// The posts at `posts` built, published to `out` and indexed with what
/// they were read from.
fn published_from(posts: &Path, out: &Path) -> almanac::site::Snapshot {
    let mut site = Site::new(config());
    site.load_all(posts).unwrap();
    let snap = site.snapshot(None, chrono::Utc::now());
    almanac::publish::publish(out, &snap).unwrap();
    let origin = warm::Origin {
        posts: snap.posts,
        talks: snap.talks,
        sources: Some(&site.sources(posts)),
        problems: &snap.problems.all(),
    };
    warm::save(out, origin, || snap.assets()).unwrap();
    snap
}

#[test]
fn the_index_says_whether_the_posts_changed_since() {
    let dir = tempfile::tempdir().unwrap();
    let (posts, out) = (dir.path().join("posts"), dir.path().join("out"));
    copy_dir(&repo().join("seeds"), &posts);
    let snap = published_from(&posts, &out);
    let problems = snap.problems.all();
    assert!(!problems.is_empty(), "the seeds have warnings to carry");
    let origin = warm::Origin {
        posts: snap.posts,
        talks: snap.talks,
        sources: None,
        problems: &problems,
    };
    let now = || almanac::sources::Sources::now(&posts, &config());
    let index = Index::load(&out).unwrap();
    assert!(index.is_current(&now()));
    // The problems come back with the snapshot it serves.
    let warm = almanac::site::Snapshot::warm(index);
    assert_eq!(warm.problems.all(), problems);
    assert_eq!(warm.errors(), snap.errors());
    // Any change to a post, a new post, a removed one: not current.
    let post = posts.join(SEED_POST);
    let text = move_seed_talk(&posts, "09:05 am - 09:10 am");
    assert!(!Index::load(&out).unwrap().is_current(&now()));
    fs::write(&post, &text).unwrap();
    let mut site2 = Site::new(config());
    site2.load_all(&posts).unwrap();
    let origin = warm::Origin {
        sources: Some(&site2.sources(&posts)),
        ..origin
    };
    warm::save(&out, origin, || snap.assets()).unwrap();
    assert!(Index::load(&out).unwrap().is_current(&now()));
    fs::write(posts.join("new.md"), "---\ntitle: New\n---\nNothing.\n").unwrap();
    assert!(!Index::load(&out).unwrap().is_current(&now()));
    fs::remove_file(posts.join("new.md")).unwrap();
    fs::remove_file(&post).unwrap();
    assert!(!Index::load(&out).unwrap().is_current(&now()));
    // Another configuration is another source.
    fs::write(&post, &text).unwrap();
    let mut other = config();
    other.site_url = "https://elsewhere.example".into();
    let index = Index::load(&out).unwrap();
    assert!(!index.is_current(&almanac::sources::Sources::now(&posts, &other)));
    // Without sources (posts moved while a build read them): never current.
    let origin = warm::Origin {
        sources: None,
        ..origin
    };
    warm::save(&out, origin, || snap.assets()).unwrap();
    assert!(!Index::load(&out).unwrap().is_current(&now()));
}

#[test]
fn a_warm_start_serves_every_file_as_it_was_served() {
    let dir = tempfile::tempdir().unwrap();
    let snap = published(dir.path());
    let index = Index::load(dir.path()).expect("the index reads back");
    let warm = almanac::site::Snapshot::warm(index);
    assert_eq!((warm.posts, warm.talks), (snap.posts, snap.talks));
    let mut checked = 0;
    for (path, asset) in snap.assets() {
        let back = warm
            .lookup(&format!("/{path}"))
            .unwrap_or_else(|| panic!("{path} is served"));
        assert_eq!(back.to_bytes(), asset.to_bytes(), "{path}");
        assert_eq!(back.etag(), asset.etag(), "{path}");
        assert_eq!(back.published(), asset.published(), "{path}");
        assert_eq!(back.gzip(), asset.gzip(), "{path}");
        assert_eq!(back.content_type, asset.content_type, "{path}");
        checked += 1;
    }
    assert!(checked > 50, "{checked}");
    assert!(warm.lookup("/nothing.ics").is_none());
    // Over HTTP: a client's validator from before the restart still holds.
    let before = almanac::http::Shared::new(snap);
    let after = almanac::http::Shared::new(warm);
    let get = |s: &almanac::http::Shared, headers: &[(&str, &str)]| {
        let mut b = hyper::Request::builder().uri(EVENT);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        almanac::http::handle(&b.body(()).unwrap(), s)
    };
    let (a, b) = (get(&before, &[]), get(&after, &[]));
    assert_eq!(a.status(), 200);
    for h in ["etag", "last-modified", "content-type", "cache-control"] {
        assert_eq!(a.headers()[h], b.headers()[h], "{h}");
    }
    let etag = a.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(get(&after, &[("if-none-match", &etag)]).status(), 304);
    let gz = get(&after, &[("accept-encoding", "gzip")]);
    assert_eq!(gz.headers()["content-encoding"], "gzip");
}

#[test]
fn a_file_changed_under_the_index_is_served_as_it_now_is() {
    let dir = tempfile::tempdir().unwrap();
    let snap = published(dir.path());
    let file = dir.path().join(&EVENT[1..]);
    let mut text = fs::read_to_string(&file).unwrap();
    text.push_str("X-CHANGED:1\r\n");
    fs::write(&file, &text).unwrap();
    let warm = almanac::site::Snapshot::warm(Index::load(dir.path()).unwrap());
    let served = warm.lookup(EVENT).unwrap();
    assert_eq!(served.to_bytes(), text.as_bytes());
    // Its own ETag, not the indexed one (which names other bytes).
    let old = snap.lookup(EVENT).unwrap();
    assert_ne!(served.etag(), old.etag());
}

#[test]
fn a_corrupt_truncated_or_foreign_index_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    published(dir.path());
    let path = warm::index_file(dir.path());
    let good = fs::read(&path).unwrap();
    let corrupt = |bytes: &[u8]| {
        fs::write(&path, bytes).unwrap();
        Index::load(dir.path()).map(|_| ()).unwrap_err()
    };
    assert!(matches!(
        corrupt(&good[..good.len() / 2]),
        Unusable::Corrupt(_)
    ));
    let mut flipped = good.clone();
    let at = flipped.len() - 10;
    flipped[at] ^= 1;
    assert!(matches!(corrupt(&flipped), Unusable::Corrupt(_)));
    assert!(matches!(corrupt(b""), Unusable::Corrupt(_)));
    let nl = good.iter().position(|&b| b == b'\n').unwrap();
    let header = String::from_utf8(good[..nl].to_vec()).unwrap();
    let mut fields: Vec<&str> = header.split(' ').collect();
    fields[1] = "999";
    let other = fields.join(" ");
    let mut foreign = other.into_bytes();
    foreign.extend_from_slice(&good[nl..]);
    assert!(matches!(corrupt(&foreign), Unusable::OtherFormat(_)));
    fs::remove_file(&path).unwrap();
    assert_eq!(Index::load(dir.path()).map(|_| ()), Err(Unusable::Missing));
    fs::write(&path, &good).unwrap();
    assert!(Index::load(dir.path()).is_ok());
}

/// Stops the daemon with SIGTERM, waits, and returns its folder and stderr.
fn stop(mut d: Daemon) -> (tempfile::TempDir, String) {
    d.signal("TERM");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while d.child.try_wait().unwrap().is_none() {
        assert!(std::time::Instant::now() < deadline, "did not exit");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let log = d.exited_stderr();
    let dir = std::mem::replace(&mut d.dir, tempfile::tempdir().unwrap());
    (dir, log)
}

#[test]
fn a_restart_serves_at_once_and_then_what_changed_while_down() {
    let config = fs::read_to_string(repo().join("almanac.yaml")).unwrap();
    let d = Daemon::start(Some(&repo().join("seeds")), &config);
    let before = d.get(EVENT);
    assert_eq!(before.status, 200);
    let (dir, _) = stop(d);
    assert!(
        warm::index_file(&dir.path().join("out")).is_file(),
        "a clean stop leaves the index"
    );
    // An edit while the daemon is down.
    move_seed_talk(&dir.path().join("posts"), "08:35 am - 08:50 am");
    let d = Daemon::spawn_with_env(dir, &[], &[("RUST_LOG", "info")]);
    // The edit is published once the posts are read again.
    let after = d.wait_for(EVENT, "the edit made while down", |r| {
        r.text()
            .contains("DTSTART;TZID=America/Denver:20241112T083500")
    });
    assert_ne!(after.header("etag"), before.header("etag"));
    assert!(
        !warm::index_file(&d.out()).is_file(),
        "the index is gone while the files may change"
    );
    let (dir, log) = stop(d);
    assert!(log.contains("warm start"), "{log}");
    assert!(
        !log.contains("nothing changed while stopped"),
        "an edit while down is no current start: {log}"
    );
    // Only the edited post was read: the others came from the saved model.
    assert!(
        log.contains("are read again posts=5"),
        "the model the first run saved was used: {log}"
    );
    assert!(log.contains("saved the site's model posts=5"), "{log}");
    let out = dir.path().join("out");
    assert!(warm::index_file(&out).is_file());
    assert!(almanac::site::model_file(&out).is_file());
    // What it published is what a full build of the same posts, with the
    // same state (revisions, dates of undated posts), writes.
    let fresh = dir.path().join("fresh");
    for f in files(&out.join(".almanac")) {
        let to = fresh.join(".almanac").join(&f);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(out.join(".almanac").join(&f), to).unwrap();
    }
    almanac::site::forget_model(&fresh);
    warm::forget(&fresh);
    let _ = fs::remove_file(fresh.join(".almanac/build.json"));
    run(almanac()
        .arg("build")
        .arg("--config")
        .arg(dir.path().join("almanac.yaml"))
        .arg("--posts")
        .arg(dir.path().join("posts"))
        .arg("--out")
        .arg(&fresh));
    let published = |root: &Path| -> Vec<(std::path::PathBuf, Vec<u8>)> {
        files(root)
            .into_iter()
            .filter(|f| !f.starts_with(".almanac"))
            .map(|f| (f.clone(), fs::read(root.join(&f)).unwrap()))
            .collect()
    };
    let (served, built) = (published(&out), published(&fresh));
    assert_eq!(
        served.iter().map(|f| &f.0).collect::<Vec<_>>(),
        built.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((path, a), (_, b)) in served.iter().zip(&built) {
        assert!(a == b, "{} differs from a full build's", path.display());
    }
}

/// Seeds and both corpus batches in one posts folder: every layout the
/// finder reads, with their problems.
fn varied_posts(posts: &Path) {
    copy_dir(&repo().join("seeds"), posts);
    copy_dir(&shared().join("corpus/real"), posts);
    copy_dir(&shared().join("corpus/batch2/real"), posts);
}

/// Every published file of `snap` with its bytes, ETag and publication time.
fn served(snap: &almanac::site::Snapshot) -> Vec<(String, Vec<u8>, String, Option<i64>)> {
    let mut all: Vec<_> = snap
        .assets()
        .map(|(path, a)| {
            (
                path,
                a.to_bytes().to_vec(),
                a.etag().to_string(),
                a.published(),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn the_saved_model_gives_back_the_site_it_was_saved_from() {
    let dir = tempfile::tempdir().unwrap();
    let (posts, out) = (dir.path().join("posts"), dir.path().join("out"));
    varied_posts(&posts);
    // Undated posts are dated when first seen: the same for every site here.
    let undated = std::sync::Arc::new(almanac::undated::Undated::default());
    let with_undated = || {
        Site::with_state(
            config(),
            almanac::history::History::in_memory(),
            undated.clone(),
        )
    };
    let mut site = with_undated();
    site.load_all(&posts).unwrap();
    let snap = site.snapshot(None, chrono::Utc::now());
    almanac::publish::publish(&out, &snap).unwrap();
    let origin = warm::Origin {
        posts: snap.posts,
        talks: snap.talks,
        sources: Some(&site.sources(&posts)),
        problems: &snap.problems.all(),
    };
    warm::save(&out, origin, || snap.assets()).unwrap();
    let saved = site.save_model(&out, &posts).unwrap();
    assert_eq!(saved, snap.posts);
    assert!(snap.talks > 400, "{}", snap.talks);

    let mut back = Site::new(config());
    let restored = back.restore(&out, &posts).unwrap();
    assert_eq!((restored.taken, restored.whole()), (saved, true));
    assert!(
        !almanac::site::model_file(&out).exists(),
        "read once, then removed"
    );
    // What `out/` holds, as the restored site and the index say.
    let base = back.restored_snapshot(&Index::load(&out).unwrap());
    assert_eq!(served(&base), served(&snap));
    back.load_all(&posts).unwrap();
    let again = back.snapshot(Some(&base), chrono::Utc::now());
    let (was, is) = (served(&snap), served(&again));
    assert_eq!(was.len(), is.len());
    for (w, i) in was.iter().zip(&is) {
        assert_eq!(
            (&w.0, &w.2, &w.3),
            (&i.0, &i.2, &i.3),
            "ETag, publication time"
        );
        assert!(w.1 == i.1, "{}: bytes", w.0);
    }
    // So the first publish writes nothing.
    let report = almanac::publish::publish_changes(&out, &base, &again).unwrap();
    assert_eq!((report.written, report.removed), (0, 0));
    assert_eq!(again.problems.all(), snap.problems.all());
    assert_eq!((again.posts, again.talks), (snap.posts, snap.talks));

    // A post edited since is read again: the site is then what a full read
    // of the posts as they are now gives.
    move_seed_talk(&posts, "08:35 am - 08:50 am");
    back.load_all(&posts).unwrap();
    let edited = back.snapshot(Some(&again), chrono::Utc::now());
    let mut full = with_undated();
    full.load_all(&posts).unwrap();
    let fresh = full.snapshot(None, chrono::Utc::now());
    let bytes = |s: &almanac::site::Snapshot| -> Vec<(String, Vec<u8>)> {
        served(s).into_iter().map(|(p, b, _, _)| (p, b)).collect()
    };
    let (edited, fresh) = (bytes(&edited), bytes(&fresh));
    let differ: Vec<&str> = edited
        .iter()
        .zip(&fresh)
        .filter(|(e, f)| e != f)
        .map(|(e, _)| e.0.as_str())
        .collect();
    assert!(
        differ.is_empty() && edited.len() == fresh.len(),
        "{differ:?}"
    );
    assert_ne!(edited, bytes(&again));
}

#[test]
fn a_saved_model_that_is_corrupt_or_from_another_configuration_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let (posts, out) = (dir.path().join("posts"), dir.path().join("out"));
    copy_dir(&repo().join("seeds"), &posts);
    let mut site = Site::new(config());
    site.load_all(&posts).unwrap();
    let snap = site.snapshot(None, chrono::Utc::now());
    almanac::publish::publish(&out, &snap).unwrap();
    site.save_model(&out, &posts).unwrap();
    let good = fs::read(almanac::site::model_file(&out)).unwrap();
    let restore = |bytes: &[u8], config: Config| {
        fs::write(almanac::site::model_file(&out), bytes).unwrap();
        Site::new(config).restore(&out, &posts)
    };
    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    assert!(matches!(
        restore(&flipped, config()),
        Err(Unusable::Corrupt(_))
    ));
    assert!(matches!(
        restore(&good[..good.len() / 2], config()),
        Err(Unusable::Corrupt(_))
    ));
    let other = Config {
        title: "Another site".into(),
        ..config()
    };
    assert!(matches!(
        restore(&good, other),
        Err(Unusable::OtherFormat(_))
    ));
    let whole = almanac::site::Restored {
        taken: snap.posts,
        saved: snap.posts,
    };
    assert_eq!(restore(&good, config()), Ok(whole));
    assert_eq!(
        Site::new(config()).restore(&out, &posts),
        Err(Unusable::Missing)
    );
    // A published calendar changed under it: that post is read again.
    let event = out.join(EVENT.trim_start_matches('/'));
    fs::write(&event, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n").unwrap();
    let partial = restore(&good, config()).unwrap();
    assert_eq!((partial.taken, partial.whole()), (snap.posts - 1, false));
}

fn health(d: &Daemon) -> serde_json::Value {
    serde_json::from_slice(&d.get("/healthz").body).unwrap()
}

#[test]
fn a_restart_with_nothing_changed_is_current_at_once() {
    let config = fs::read_to_string(repo().join("almanac.yaml")).unwrap();
    let d = Daemon::start(Some(&repo().join("seeds")), &config);
    let before = (health(&d), d.get(EVENT));
    let (dir, _) = stop(d);
    let d = Daemon::spawn_with_env(dir, &[], &[("RUST_LOG", "info")]);
    // The first answer already says what a full build would: no `starting`,
    // the same counts and problems.
    let now = health(&d);
    for key in ["status", "posts", "talks", "errors", "warnings", "problems"] {
        assert_eq!(now[key], before.0[key], "{key}");
    }
    assert_ne!(now["status"], "starting");
    let event = d.get(EVENT);
    assert_eq!(event.body, before.1.body);
    assert_eq!(event.header("etag"), before.1.header("etag"));
    assert_eq!(
        event.header("last-modified"),
        before.1.header("last-modified")
    );
    // The posts are still read, to follow later edits.
    move_seed_talk(&d.posts(), "08:35 am - 08:50 am");
    d.wait_for(EVENT, "an edit after the restart", |r| {
        r.text()
            .contains("DTSTART;TZID=America/Denver:20241112T083500")
    });
    let (_, log) = stop(d);
    assert!(log.contains("nothing changed while stopped"), "{log}");
}

#[test]
fn a_corrupt_index_is_reported_and_not_used() {
    let config = fs::read_to_string(repo().join("almanac.yaml")).unwrap();
    let d = Daemon::start(Some(&repo().join("seeds")), &config);
    let before = d.get(EVENT);
    let (dir, _) = stop(d);
    let index = warm::index_file(&dir.path().join("out"));
    let bytes = fs::read(&index).unwrap();
    fs::write(&index, &bytes[..bytes.len() - 100]).unwrap();
    let d = Daemon::spawn_with_env(dir, &[], &[("RUST_LOG", "info")]);
    // The published files as they are, then the full build: the same bytes.
    assert_eq!(d.get(EVENT).body, before.body);
    d.wait_for("/healthz", "the posts read again", |r| {
        serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["status"] == "ok"
    });
    assert_eq!(d.get(EVENT).body, before.body);
    let (_, log) = stop(d);
    // Reported, and not used: the files are served as they are (hashed).
    assert!(
        log.contains("corrupt") && log.contains("without an index"),
        "{log}"
    );
}

#[test]
fn without_an_index_the_published_files_are_served_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let snap = published(dir.path());
    fs::remove_file(warm::index_file(dir.path())).unwrap();
    assert_eq!(Index::load(dir.path()).map(|_| ()), Err(Unusable::Missing));
    let warm = almanac::site::Snapshot::warm(Index::unindexed(dir.path()).unwrap());
    for (path, asset) in snap.assets() {
        let back = warm.lookup(&format!("/{path}")).unwrap();
        assert_eq!(back.to_bytes(), asset.to_bytes(), "{path}");
        // The ETag is a hash of the bytes: the same as before.
        assert_eq!(back.etag(), asset.etag(), "{path}");
        assert_eq!(back.published(), asset.published(), "{path}");
        assert!(back.gzip().is_none(), "{path}: no .gz without an index");
    }
    // An empty folder is no published site.
    let empty = tempfile::tempdir().unwrap();
    assert!(Index::unindexed(empty.path()).is_none());
}

#[test]
fn after_a_crash_the_restart_serves_the_published_files_at_once() {
    let config = fs::read_to_string(repo().join("almanac.yaml")).unwrap();
    let mut d = Daemon::start(Some(&repo().join("seeds")), &config);
    let before = d.get(EVENT);
    d.child.kill().unwrap();
    d.child.wait().unwrap();
    let dir = std::mem::replace(&mut d.dir, tempfile::tempdir().unwrap());
    drop(d);
    let out = dir.path().join("out");
    assert!(!warm::index_file(&out).exists(), "a crash leaves no index");
    assert!(
        out.join(&EVENT[1..]).is_file(),
        "the first publish was written"
    );
    let d = Daemon::spawn_with_env(dir, &[], &[("RUST_LOG", "info")]);
    let after = d.get(EVENT);
    assert_eq!(after.body, before.body);
    assert_eq!(after.header("etag"), before.header("etag"));
    let (_, log) = stop(d);
    assert!(log.contains("without an index"), "{log}");
}

/// A post deleted while the daemon was down, on a start without the saved
/// model (removed here, as an upgrade or a crash leaves it): every post is
/// read again, and the deleted one's talks are announced as cancelled, as
/// with the model or while running.
#[test]
fn a_post_deleted_while_down_is_cancelled_without_the_model() {
    let config = fs::read_to_string(repo().join("almanac.yaml")).unwrap();
    let d = Daemon::start(Some(&repo().join("seeds")), &config);
    assert_eq!(d.get(EVENT).status, 200);
    let (dir, _) = stop(d);
    let out = dir.path().join("out");
    assert!(almanac::site::model_file(&out).is_file());
    almanac::site::forget_model(&out);
    fs::remove_file(dir.path().join("posts").join(SEED_POST)).unwrap();
    let d = Daemon::spawn_with_env(dir, &[], &[("RUST_LOG", "info")]);
    let r = d.wait_for(EVENT, "the deleted post's cancellations", |r| {
        r.text().matches("STATUS:CANCELLED").count() == 22
    });
    assert_eq!(r.status, 200);
    let (_, log) = stop(d);
    assert!(log.contains("warm start"), "{log}");
}
