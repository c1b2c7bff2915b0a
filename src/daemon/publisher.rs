//! Keeps `out/` following what the daemon serves, in the background: the
//! daemon's loop swaps in a snapshot and asks the [`Publisher`] to follow;
//! it never waits for the disk (but at SIGHUP, a retry after a failure, and
//! exit).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::Error;
use crate::http::Shared;
use crate::publish;
use crate::site::Snapshot;

/// A background publish: it yields its error, if any.
type Task = tokio::task::JoinHandle<Option<String>>;

/// Keeps `out/` following what is served, without the daemon's loop ever
/// waiting for the disk: one publish at a time, in the background, each
/// writing what changed since the last one that succeeded (everything after
/// a failure). Changes served while a publish runs go into the next one.
pub(super) struct Publisher {
    out: PathBuf,
    shared: Arc<Shared>,
    /// What `out/` holds: the base of the next publish's diff.
    pub(super) on_disk: Arc<Snapshot>,
    /// The publish in flight and the snapshot it writes.
    running: Option<(Task, Arc<Snapshot>)>,
    /// The last publish's error; the next publish writes everything.
    pub(super) failed: Option<String>,
    /// Nothing has been published by this process yet: the first publish
    /// writes everything too (and removes what `out/` holds besides), but
    /// is no error to show.
    first: bool,
}

impl Publisher {
    /// A publisher of what `shared` serves to `out`, which holds `on_disk`.
    pub(super) fn new(out: &Path, shared: &Arc<Shared>, on_disk: Arc<Snapshot>) -> Publisher {
        Publisher {
            out: out.to_path_buf(),
            shared: shared.clone(),
            on_disk,
            running: None,
            failed: None,
            first: true,
        }
    }

    /// A publisher whose first publish writes only what differs from
    /// `on_disk`, which `out` is known to hold file for file (a warm start
    /// from the site's saved model).
    pub(super) fn resume(out: &Path, shared: &Arc<Shared>, on_disk: Arc<Snapshot>) -> Publisher {
        Publisher {
            first: false,
            ..Publisher::new(out, shared, on_disk)
        }
    }

    /// Publishes everything served now and waits for it (start, SIGHUP,
    /// retry after a failure).
    pub(super) async fn publish_all(&mut self) {
        let snap = self.shared.snapshot.load_full();
        self.failed = full_publish(&self.out, &self.shared, snap.clone()).await;
        if self.failed.is_none() {
            self.written(snap);
        }
    }

    /// `out/` now holds `snap`.
    fn written(&mut self, snap: Arc<Snapshot>) {
        self.first = false;
        self.shared
            .on_disk
            .store(snap.serial, std::sync::atomic::Ordering::Relaxed);
        self.on_disk = snap;
    }

    /// Starts publishing what is served, unless a publish is in flight (the
    /// loop calls this again when it ends) or `out/` holds it already.
    pub(super) fn follow(&mut self) {
        let current = self.shared.snapshot.load_full();
        let whole = self.failed.is_some() || self.first;
        if self.running.is_some() || (!whole && Arc::ptr_eq(&current, &self.on_disk)) {
            return;
        }
        let task = publish_in_background(
            &self.out,
            &self.shared,
            self.on_disk.clone(),
            current.clone(),
            whole,
        );
        self.running = Some((task, current));
    }

    pub(super) fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// The end of the publish in flight (pending forever when there is none:
    /// the loop guards it with [`Publisher::is_running`]).
    pub(super) async fn running(&mut self) -> Result<Option<String>, tokio::task::JoinError> {
        match &mut self.running {
            Some((task, _)) => task.await,
            None => std::future::pending().await,
        }
    }

    /// Takes in how the publish in flight ended.
    pub(super) fn ended(&mut self, done: Result<Option<String>, tokio::task::JoinError>) {
        if let Some((_, written)) = self.running.take() {
            self.failed = done.unwrap_or_else(|e| Some(format!("publish task: {e}")));
            if self.failed.is_none() {
                self.written(written);
            }
        }
    }

    /// Waits for the publish in flight, if any (before SIGHUP and exit).
    pub(super) async fn settle(&mut self) {
        if self.is_running() {
            let done = self.running().await;
            self.ended(done);
        }
    }
}

/// Shows the output folder's state on `/healthz`.
pub(super) fn set_publish_error(shared: &Shared, error: &Option<String>) {
    let mut h = (**shared.health.load()).clone();
    h.publish_error.clone_from(error);
    shared.health.store(Arc::new(h));
}

/// Writes what changed from `old` to `new` to the output folder, in the
/// background (everything, when `whole`: the first publish, or after one
/// failed).
fn publish_in_background(
    out: &Path,
    shared: &Arc<Shared>,
    old: Arc<Snapshot>,
    new: Arc<Snapshot>,
    whole: bool,
) -> tokio::task::JoinHandle<Option<String>> {
    let (out, shared) = (out.to_path_buf(), shared.clone());
    tokio::spawn(async move {
        if whole {
            return full_publish(&out, &shared, new).await;
        }
        let result =
            tokio::task::spawn_blocking(move || publish::publish_changes(&out, &old, &new)).await;
        publish_outcome(&shared, result)
    })
}

/// Publishes a whole snapshot (start, SIGHUP, retry after a failure).
async fn full_publish(out: &Path, shared: &Arc<Shared>, snap: Arc<Snapshot>) -> Option<String> {
    let out = out.to_path_buf();
    let result = tokio::task::spawn_blocking(move || {
        let published = publish::publish(&out, &snap);
        crate::memory::give_back();
        published
    })
    .await;
    publish_outcome(shared, result)
}

fn publish_outcome(
    shared: &Shared,
    result: Result<Result<publish::Report, Error>, tokio::task::JoinError>,
) -> Option<String> {
    let err = match result {
        Ok(Ok(report)) => {
            tracing::debug!(
                written = report.written,
                removed = report.removed,
                "published"
            );
            return None;
        }
        Ok(Err(e)) => e.to_string(),
        Err(e) => format!("publish task: {e}"),
    };
    shared
        .metrics
        .publish_failures
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    tracing::error!(error = %err, "cannot write the output folder; still serving from memory, will retry");
    Some(err)
}
