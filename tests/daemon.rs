//! The daemon driven in-process: `daemon::run` on a socket bound to
//! `127.0.0.1:0`, told to reload and stop through its control channel, as
//! `main` does on signals. No subprocess, so a failure shows the daemon's own
//! panic and stack. (`tests/serve.rs` keeps the tests that need the real
//! process: signals, socket activation, systemd, the panic hook.)

mod common;

use std::fs;
use std::path::PathBuf;

use almanac::daemon::{self, Control, Options};
use common::*;
use tokio::sync::mpsc;

/// A daemon running on its own runtime in this process.
struct InProcess {
    rt: tokio::runtime::Runtime,
    addr: String,
    control: mpsc::UnboundedSender<Control>,
    run: Option<tokio::task::JoinHandle<Result<(), almanac::Error>>>,
    dir: tempfile::TempDir,
}

impl InProcess {
    /// Starts on a copy of the seeds, with the repository's configuration,
    /// and waits until the first build is served.
    fn start() -> InProcess {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo().join("seeds"), &dir.path().join("posts"));
        fs::copy(repo().join("almanac.yaml"), dir.path().join("almanac.yaml")).unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let (control, rx) = mpsc::unbounded_channel();
        let opts = Options {
            posts: dir.path().join("posts"),
            out: dir.path().join("out"),
            config: Some(dir.path().join("almanac.yaml")),
            limits: Default::default(),
        };
        let run = Some(rt.spawn(daemon::run(listener, opts, rx)));
        let d = InProcess {
            rt,
            addr,
            control,
            run,
            dir,
        };
        d.wait_for("/healthz", "the first build, published", settled);
        d
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn get(&self, path: &str) -> Reply {
        request(&self.addr, "GET", path, &[])
    }

    fn wait_for(&self, path: &str, what: &str, pred: impl Fn(&Reply) -> bool) -> Reply {
        wait_for(&self.addr, path, what, pred)
    }

    /// Tells the daemon to stop and waits for `run` to return.
    fn stop(&mut self) -> Result<(), almanac::Error> {
        let _ = self.control.send(Control::Stop);
        let run = self.run.take().expect("running");
        self.rt.block_on(run).expect("the daemon's task completes")
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        if self.run.is_some() {
            let _ = self.stop();
        }
    }
}

const EVENT: &str = "/events/cilium-kubecon-na-2024.ics";

#[test]
fn serves_publishes_and_follows_an_edit() {
    let mut d = InProcess::start();
    let before = d.get(EVENT);
    assert_eq!(before.status, 200);
    assert_eq!(
        before.body,
        fs::read(d.path("out").join(&EVENT[1..])).unwrap(),
        "served bytes are the published file's"
    );
    // An edit is seen by the watcher, rebuilt and served.
    let first_title = before
        .text()
        .lines()
        .find_map(|l| l.strip_prefix("SUMMARY:"))
        .unwrap()
        .to_string();
    let (post, text) = fs::read_dir(d.path("posts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.clone(), fs::read_to_string(p).unwrap()))
        .find(|(_, text)| text.contains(&first_title))
        .expect("the post with the first talk");
    fs::write(&post, text.replacen(&first_title, "Renamed in process", 1)).unwrap();
    let after = d.wait_for(EVENT, "the edit", |r| {
        r.text().contains("Renamed in process")
    });
    assert_ne!(after.header("etag"), before.header("etag"));
    // Stopping returns cleanly, with what was served last on disk.
    d.stop().expect("stops cleanly");
    assert_eq!(
        fs::read(d.path("out").join(&EVENT[1..])).unwrap(),
        after.body
    );
}

#[test]
fn reload_rereads_the_configuration() {
    let d = InProcess::start();
    let config = fs::read_to_string(d.path("almanac.yaml")).unwrap();
    let title = config.lines().find(|l| l.starts_with("title:")).unwrap();
    fs::write(
        d.path("almanac.yaml"),
        config.replace(title, "title: Renamed site"),
    )
    .unwrap();
    d.control.send(Control::Reload).unwrap();
    d.wait_for("/", "the reloaded title", |r| {
        r.text().contains("<title>Renamed site</title>")
    });
    // Still serving every event.
    assert_eq!(d.get(EVENT).status, 200);
}

#[test]
fn a_closed_control_channel_stops_the_daemon() {
    let mut d = InProcess::start();
    let (tx, _) = mpsc::unbounded_channel();
    // Dropping the only sender closes the channel.
    drop(std::mem::replace(&mut d.control, tx));
    let run = d.run.take().unwrap();
    d.rt.block_on(run).unwrap().expect("a clean stop");
}
