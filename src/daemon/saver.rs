//! Writes the revision history off the daemon's loop: once a publish ends,
//! the records that changed are taken from the site and written in the
//! background, a batch at a time, so a slow flush of the state folder never
//! delays the next change being served.
//!
//! The order holds that a crash replays revisions and never skips one:
//! records are taken only after the outputs that show them are published,
//! one batch is written at a time (a newer write of a post's records never
//! overtakes an older one), and a batch that cannot be written goes back to
//! the site, to be taken again with the next.

use crate::Error;
use crate::history::Unsaved;
use crate::site::Site;

type Task = tokio::task::JoinHandle<(Unsaved, Result<(), Error>)>;

/// The history write in flight, if any.
#[derive(Default)]
pub(super) struct Saver {
    running: Option<Task>,
}

impl Saver {
    /// Starts writing the next batch of `site`'s history, unless one is
    /// being written (its end starts the next).
    pub(super) fn start(&mut self, site: &mut Site) {
        if self.running.is_some() {
            return;
        }
        if let Some(batch) = site.take_unsaved_history() {
            self.running = Some(tokio::task::spawn_blocking(move || {
                let written = batch.write();
                (batch, written)
            }));
        }
    }

    pub(super) fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// The end of the write in flight (pending forever when there is none:
    /// the loop guards it with [`Saver::is_running`]).
    pub(super) async fn running(&mut self) -> Done {
        match &mut self.running {
            Some(task) => task.await,
            None => std::future::pending().await,
        }
    }

    /// Takes in how the write in flight ended, and starts the next batch
    /// if it was written.
    pub(super) fn ended(&mut self, site: &mut Site, done: Done) {
        self.running = None;
        if taken_in(site, done) {
            self.start(site);
        }
    }

    /// Waits for the write in flight, if any (before the history is saved
    /// on the loop itself: SIGHUP, a retry, exit).
    pub(super) async fn settle(&mut self, site: &mut Site) {
        if let Some(task) = self.running.take() {
            taken_in(site, task.await);
        }
    }
}

/// How a history write ended.
type Done = Result<(Unsaved, Result<(), Error>), tokio::task::JoinError>;

/// Whether the batch was written; if not, it goes back to `site`.
fn taken_in(site: &mut Site, done: Done) -> bool {
    match done {
        Ok((_, Ok(()))) => true,
        Ok((batch, Err(e))) => {
            site.history_unsaved(&batch);
            tracing::error!(error = %e, "cannot save the revision history; will retry");
            false
        }
        // Its records were dirty until taken: the batch is lost, the next
        // change of those posts writes them again.
        Err(e) => {
            tracing::error!(error = %e, "history write task lost");
            false
        }
    }
}
