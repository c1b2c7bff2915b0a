//! `almanac serve`: build, publish, serve, then keep everything current.
//!
//! The main loop owns the [`Site`]; everything else reads the current
//! [`Snapshot`] through [`Shared`]. A batch of file changes (debounced)
//! re-reads only the changed posts, swaps in a new snapshot, and publishes
//! only the outputs whose bytes changed. SIGHUP reloads the configuration and
//! rebuilds everything; SIGTERM/SIGINT stop accepting, finish in-flight
//! responses and exit. systemd is told READY, STOPPING, status and watchdog
//! pings when it asks for them.
//!
//! [`run`] is given its socket and its [`Control`]s: `main` binds (or takes
//! systemd's socket) and turns signals into controls, and a test drives the
//! same function in-process on `127.0.0.1:0`.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::mpsc;

mod publisher;
mod saver;

use crate::history::History;
use crate::http::{self, Health, Limits, Shared};
use crate::site::{Site, Snapshot};
use crate::sources::Sources;
use crate::watch::{Burst, Change, PostsWatcher};
use crate::{Config, Error};
use publisher::{Publisher, set_publish_error};
use saver::Saver;

/// How `serve` was asked to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub posts: PathBuf,
    pub out: PathBuf,
    pub config: Option<PathBuf>,
    pub limits: Limits,
}

/// What the daemon is told from outside while it runs (by `main`, from
/// signals; by a test, directly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Reload the configuration and rebuild everything (SIGHUP).
    Reload,
    /// Stop accepting, finish what is in flight, publish, exit (SIGTERM, SIGINT).
    Stop,
}

/// How often a failed publish to the output folder is retried.
const PUBLISH_RETRY: Duration = Duration::from_secs(2);

/// Tells systemd something, when running under it (a no-op otherwise).
fn notify(state: &[sd_notify::NotifyState]) {
    let _ = sd_notify::notify(state);
}

/// How much more time systemd is asked for at a time while the daemon
/// starts, reloads or stops (see [`alive`]).
const EXTEND: Duration = Duration::from_secs(30);

/// Awaits `work` (a build, a whole publish) while telling systemd the
/// daemon is alive: watchdog pings, since the loop that sends them waits
/// meanwhile, and, while starting or stopping, more time, since a big
/// site's first build or last publish can outlast `TimeoutStartSec` or
/// `TimeoutStopSec`. (Outside those phases systemd ignores the extension.)
async fn alive<T>(work: impl std::future::Future<Output = T>) -> T {
    let every = sd_notify::watchdog_enabled()
        .map_or(EXTEND / 3, |w| (w / 2).min(EXTEND / 3))
        .max(Duration::from_millis(10));
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    tokio::pin!(work);
    loop {
        tokio::select! {
            done = &mut work => return done,
            _ = tick.tick() => notify(&[
                sd_notify::NotifyState::Watchdog,
                sd_notify::NotifyState::ExtendTimeoutUsec(EXTEND.as_micros() as u32),
            ]),
        }
    }
}

/// The listening socket: the one systemd passed (socket activation), else a
/// new one on `addr`. Bound before the first build, so clients that connect
/// during it wait in the queue instead of being refused.
///
/// # Errors
/// The address is in use or not allowed; systemd's socket is unusable.
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, Error> {
    let mut fds = listenfd::ListenFd::from_env();
    if let Ok(Some(std_listener)) = fds.take_tcp_listener(0) {
        let systemd = |source| Error::Listen {
            addr: "the socket from systemd".into(),
            source,
        };
        std_listener.set_nonblocking(true).map_err(systemd)?;
        return TcpListener::from_std(std_listener).map_err(systemd);
    }
    TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Listen {
            addr: addr.to_string(),
            source,
        })
}

/// Runs the daemon on `listener` until told to stop (or `control` closes).
///
/// # Errors
/// Only what prevents starting (bad configuration), or a rebuild task lost.
pub async fn run(
    listener: TcpListener,
    opts: Options,
    mut control: mpsc::UnboundedReceiver<Control>,
) -> Result<(), Error> {
    let config = Config::load(opts.config.as_deref())?;
    // Absolute, so the watcher's paths and the site's agree.
    let posts = std::path::absolute(&opts.posts).unwrap_or(opts.posts.clone());
    let _ = rlimit::increase_nofile_limit(u64::MAX);

    // The watcher comes first: an edit that arrives while the first build
    // runs is not lost (nor is a control: it waits in its channel).
    let (tx, mut rx) = mpsc::unbounded_channel::<Change>();
    let mut watcher = match PostsWatcher::start(&posts, tx) {
        Ok(w) => Some(w),
        Err(e) => {
            tracing::error!(error = %e, "cannot watch the posts folder; changes need SIGHUP");
            None
        }
    };
    let started = Instant::now();
    // A warm start serves what the last run published at once (see
    // [`crate::warm`]); the index is removed as soon as it is read, since
    // from now on the files may change under it.
    let mut current = false;
    let warm = match crate::warm::Index::load(&opts.out) {
        Ok(index) => {
            current = index.is_current(&Sources::now(&posts, &config));
            if current {
                tracing::info!(
                    files = index.len(),
                    "warm start: nothing changed while stopped; serving the published files, current"
                );
            } else {
                tracing::info!(
                    files = index.len(),
                    "warm start: serving the published files while the posts are read"
                );
            }
            Some(index)
        }
        Err(why) => {
            let unindexed = crate::warm::Index::unindexed(&opts.out);
            match (&why, &unindexed) {
                (crate::warm::Unusable::Missing, None) => {}
                (_, Some(_)) => {
                    tracing::warn!(index = %why, "warm start without an index: serving the published files as they are while the posts are read")
                }
                (_, None) => {
                    tracing::warn!(index = %why, "cold start: the posts are read before serving")
                }
            }
            unindexed
        }
    };
    crate::warm::forget(&opts.out);
    let shared = Arc::new(Shared::new(
        warm.map_or_else(Snapshot::default, Snapshot::warm),
    ));
    // What `out/` holds now: the base of the first publish's diff.
    let found = shared.snapshot.load_full();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let addr =
        http::local_addr(&listener).map_or_else(|| "the socket".to_string(), |a| a.to_string());
    let mut listener = Some(listener);
    // Serves from now on; READY to systemd when answers are correct.
    let mut start_serving = || {
        let snap = shared.snapshot.load();
        tracing::info!(%addr, posts = snap.posts, talks = snap.talks, errors = snap.errors(), "serving");
        println!(
            "almanac: serving http://{addr}/ ({} posts, {} talks)",
            snap.posts, snap.talks
        );
        notify(&[
            sd_notify::NotifyState::Ready,
            sd_notify::NotifyState::Status(&format!("serving on {addr}")),
        ]);
        let mut rx = stop_rx.clone();
        tokio::spawn(http::serve(
            listener.take().expect("served once"),
            shared.clone(),
            opts.limits,
            async move {
                let _ = rx.wait_for(|stop| *stop).await;
            },
        ))
    };
    let mut server = None;
    if shared.snapshot.load().is_warm() {
        // Current: the posts are still read (to follow later edits), but
        // nothing they give can differ from what is served.
        shared.health.store(Arc::new(Health {
            starting: !current,
            ..Health::default()
        }));
        server = Some(start_serving());
    }

    // The first build is CPU work: off the runtime's workers.
    let (root, out, index) = (posts.clone(), opts.out.clone(), found.warm.clone());
    let (mut site, posts_error, snapshot, base) = alive(tokio::task::spawn_blocking(move || {
        // The state is read after a warm start serves: the first answer
        // does not wait for 10,000 posts' revision histories.
        let (history, history_warnings) = History::load(&out);
        let (undated, undated_warnings) = crate::undated::Undated::for_output(&root, &out);
        for w in history_warnings.into_iter().chain(undated_warnings) {
            tracing::warn!(problem = %w, "state rebuilt");
        }
        let mut site = Site::with_state(config, history, Arc::new(undated));
        // The model the last clean stop saved: only the posts changed since
        // are read (see `site::saved`). When it and the index account for
        // all of `out/`, that is the base of the first publish, which then
        // writes only what changed while stopped.
        let mut base = None;
        match site.restore(&out, &root) {
            Ok(r) => {
                tracing::info!(
                    posts = r.taken,
                    "took the posts from the saved model; those changed since the stop are read again"
                );
                base = index
                    .filter(|i| r.whole() && !i.is_empty())
                    .map(|i| Arc::new(site.restored_snapshot(&i)));
            }
            Err(crate::warm::Unusable::Missing) => {}
            Err(why) => {
                tracing::warn!(model = %why, "the saved model is not used: every post is read")
            }
        }
        let posts_error = site.load_all(&root).err().map(|e| e.to_string());
        let snapshot = site.snapshot(base.as_deref(), chrono::Utc::now());
        log_new_problems(&mut site);
        (site, posts_error, snapshot, base)
    }))
    .await
    .map_err(Error::Task)?;
    if let Some(e) = &posts_error {
        tracing::error!(error = %e, "posts folder unreadable; serving nothing until it appears");
    }
    // Served from memory at once; written to `out/` in the background
    // (`/healthz` says `published` once it is), then the history is saved.
    shared.snapshot.store(Arc::new(snapshot));
    let mut served_is_read = true;
    let mut publisher = match base {
        Some(on_disk) => Publisher::resume(&opts.out, &shared, on_disk),
        None => Publisher::new(&opts.out, &shared, found),
    };
    record_build(&shared, started.elapsed(), posts_error, None);
    let server = match server {
        Some(s) => s,
        None => start_serving(),
    };
    publisher.follow();

    let watchdog = sd_notify::watchdog_enabled();
    let mut watchdog_tick =
        tokio::time::interval(watchdog.map_or(Duration::from_secs(3600), |d| d / 2));
    let mut retry = tokio::time::interval(PUBLISH_RETRY);
    let mut saver = Saver::default();

    loop {
        tokio::select! {
            Some(first) = rx.recv() => {
                // Debounce: editors write in bursts; collect the rest of it,
                // until each post it names is closed, renamed into place or
                // removed, or the debounce runs out.
                let mut burst = Burst::default();
                burst.push(first);
                let debounce = site.config().debounce;
                let deadline = tokio::time::Instant::now() + debounce;
                while !burst.is_over() {
                    match tokio::time::timeout_at(deadline, rx.recv()).await {
                        Ok(Some(c)) => burst.push(c),
                        _ => break,
                    }
                }
                while let Ok(c) = rx.try_recv() {
                    burst.push(c);
                }
                let batch = burst.into_changes();
                let rescan = batch.contains(&Change::Rescan);
                let t0 = Instant::now();
                let root = posts.clone();
                let to = shared.clone();
                let rebuilding = Rebuilding::start(&shared);
                // Re-read and rendered off the runtime's workers, then served
                // from now on; written to `out/` in the background.
                let s = alive(tokio::task::spawn_blocking(move || {
                    let t = Instant::now();
                    // Each post is guarded where it is read and rendered;
                    // this is for a bug outside them: the site is kept.
                    let r = crate::diag::guarded(|| apply(&mut site, &root, batch))
                        .unwrap_or_else(|m| Err(format!("internal error while applying changes: {m}")));
                    tracing::debug!(took_us = t.elapsed().as_micros() as u64, "posts re-read");
                    let swapped = swap(&mut site, &to);
                    (site, r.err(), swapped)
                })).await.map_err(Error::Task)?;
                drop(rebuilding);
                let (s, posts_error, swapped) = (s.0, s.1, s.2);
                site = s;
                served_is_read = swapped;
                if let Some(w) = watcher.as_mut().filter(|_| rescan && posts.is_dir()) {
                    w.rewatch();
                }
                record_build(&shared, t0.elapsed(), posts_error, publisher.failed.clone());
                publisher.follow();
            }
            done = publisher.running(), if publisher.is_running() => {
                publisher.ended(done);
                set_publish_error(&shared, &publisher.failed);
                if publisher.failed.is_none() {
                    // Its revisions are published: saved in the background.
                    saver.start(&mut site);
                    // What changed while it ran.
                    publisher.follow();
                }
            }
            done = saver.running(), if saver.is_running() => saver.ended(&mut site, done),
            c = control.recv() => {
                // Stop, or nobody left to say anything (the channel closed).
                if c != Some(Control::Reload) {
                    tracing::info!("stopping");
                    break;
                }
                tracing::info!("reloading the configuration and rebuilding everything");
                alive(publisher.settle()).await;
                alive(saver.settle(&mut site)).await;
                notify(&[sd_notify::NotifyState::Reloading]);
                match Config::load(opts.config.as_deref()) {
                    Ok(config) => {
                        let t0 = Instant::now();
                        let root = posts.clone();
                        let (history, undated) = std::mem::replace(&mut site, Site::new(Config::default())).into_state();
                        let to = shared.clone();
                        let (s, posts_error, swapped) = alive(tokio::task::spawn_blocking(move || {
                            let mut s = Site::with_state(config, history, undated);
                            let r = s.load_all(&root);
                            let swapped = swap(&mut s, &to);
                            (s, r.err().map(|e| e.to_string()), swapped)
                        })).await.map_err(Error::Task)?;
                        site = s;
                        served_is_read = swapped;
                        alive(publisher.publish_all()).await;
                        save_history(&mut site, publisher.failed.is_none());
                        record_build(&shared, t0.elapsed(), posts_error, publisher.failed.clone());
                        if let Some(w) = watcher.as_mut() { w.rewatch(); }
                    }
                    Err(e) => tracing::error!(error = %e, "configuration not reloaded; keeping the old one"),
                }
                notify(&[sd_notify::NotifyState::Ready]);
            }
            _ = retry.tick(), if publisher.failed.is_some() && !publisher.is_running() => {
                alive(publisher.publish_all()).await;
                alive(saver.settle(&mut site)).await;
                save_history(&mut site, publisher.failed.is_none());
                if publisher.failed.is_none() {
                    tracing::info!(out = %opts.out.display(), "output folder writable again; published");
                    set_publish_error(&shared, &None);
                }
            }
            _ = watchdog_tick.tick(), if watchdog.is_some() => notify(&[sd_notify::NotifyState::Watchdog]),
        }
    }
    notify(&[sd_notify::NotifyState::Stopping]);
    // What is served is on disk too before exiting.
    alive(publisher.settle()).await;
    if publisher.failed.is_none() {
        publisher.follow();
        alive(publisher.settle()).await;
    }
    alive(saver.settle(&mut site)).await;
    save_history(&mut site, publisher.failed.is_none());
    if publisher.failed.is_none() {
        // What is on disk, indexed for the next start to serve at once, with
        // what it was made from (unless a failed snapshot left the site
        // ahead of what is served).
        let snap = &publisher.on_disk;
        let sources = served_is_read.then(|| site.sources(&posts));
        let problems = snap.problems.all();
        let origin = crate::warm::Origin {
            posts: snap.posts,
            talks: snap.talks,
            sources: sources.as_ref(),
            problems: &problems,
        };
        if let Err(e) = crate::warm::save(&opts.out, origin, || snap.assets()) {
            tracing::warn!(error = %e, "the next start will be cold");
        } else if sources.is_some() {
            // For the next start to read only the posts edited meanwhile.
            let t = Instant::now();
            match site.save_model(&opts.out, &posts) {
                Ok(n) => tracing::info!(
                    posts = n,
                    took_ms = t.elapsed().as_millis() as u64,
                    "saved the site's model"
                ),
                Err(e) => tracing::warn!(error = %e, "the next start will read every post"),
            }
        }
    }
    drop(watcher);
    let _ = stop_tx.send(true);
    let _ = server.await;
    Ok(())
}

/// Applies a batch of changes to the site.
///
/// # Errors
/// The posts folder is unreadable; the site keeps what it had.
fn apply(site: &mut Site, root: &Path, batch: BTreeSet<Change>) -> Result<(), String> {
    if batch.contains(&Change::Rescan) || !root.is_dir() {
        return site.load_all(root).map_err(|e| e.to_string());
    }
    // A post written and closed in one burst is read once.
    let posts: BTreeSet<&Path> = batch.iter().filter_map(Change::post).collect();
    for p in posts {
        site.reload_file(p);
    }
    for change in &batch {
        if let Change::Dir(p) = change {
            site.reload_dir(p);
        }
    }
    Ok(())
}

/// Swaps in the site's new snapshot: from here on it is what is served.
/// `false` when it could not be made (the previous one is still served).
fn swap(site: &mut Site, shared: &Arc<Shared>) -> bool {
    let old = shared.snapshot.load_full();
    let t = Instant::now();
    let new = match crate::diag::guarded(|| site.snapshot(Some(&old), chrono::Utc::now())) {
        Ok(new) => Arc::new(new),
        Err(message) => {
            // A bug outside any one post: keep serving what was served.
            tracing::error!(%message, "internal error while assembling the snapshot; serving the previous one");
            return false;
        }
    };
    tracing::debug!(
        took_us = t.elapsed().as_micros() as u64,
        "snapshot assembled"
    );
    shared.snapshot.store(new);
    log_new_problems(site);
    true
}

fn record_build(
    shared: &Shared,
    took: Duration,
    posts_error: Option<String>,
    publish_error: Option<String>,
) {
    use std::sync::atomic::Ordering::Relaxed;
    let m = &shared.metrics;
    let micros = took.as_micros() as u64;
    m.builds.fetch_add(1, Relaxed);
    m.build_micros_total.fetch_add(micros, Relaxed);
    m.last_build_micros.store(micros, Relaxed);
    if let Some(e) = &posts_error {
        tracing::error!(error = %e, "posts folder unreadable; keeping the last good outputs");
    }
    shared.health.store(Arc::new(Health {
        builds: m.builds.load(Relaxed),
        last_build_ms: micros / 1000,
        publish_error,
        posts_error,
        starting: false,
    }));
    let snap = shared.snapshot.load();
    tracing::info!(
        posts = snap.posts,
        talks = snap.talks,
        errors = snap.errors(),
        took_ms = micros / 1000,
        "rebuilt"
    );
}

/// Saves the revision history once the outputs that use it are published
/// (so a crash in between replays the same revisions, never skips one).
fn save_history(site: &mut Site, published: bool) {
    if !published {
        return;
    }
    if let Err(e) = site.save_history() {
        tracing::error!(error = %e, "cannot save the revision history; will retry");
    }
}

/// Logs the problems that are new in the last snapshot (all of them at start).
fn log_new_problems(site: &mut Site) {
    for d in site.take_new_problems() {
        if d.is_error() {
            tracing::error!(problem = %d, "post problem");
        } else {
            tracing::warn!(problem = %d, "post problem");
        }
    }
}

/// Says [`Shared::rebuilding`] for as long as it lives: the serving threads
/// give way to an edit being applied, however its task ends.
struct Rebuilding<'a>(&'a Shared);

impl<'a> Rebuilding<'a> {
    fn start(shared: &'a Shared) -> Rebuilding<'a> {
        shared.rebuilding.store(true, Ordering::Relaxed);
        Rebuilding(shared)
    }
}

impl Drop for Rebuilding<'_> {
    fn drop(&mut self) {
        self.0.rebuilding.store(false, Ordering::Relaxed);
    }
}
