//! Watching the posts folder: notify's events → almanac's small [`Change`] enum.
//!
//! Editors save in many ways (write in place, write a temporary file and
//! rename it over the post, delete and recreate); all of them end in an event
//! naming the post's path, which is all the daemon needs: it re-reads that
//! path, or forgets it if it is gone. Swap, backup and hidden files are
//! dropped here. Folders created or removed, the posts folder itself replaced,
//! and watcher overflows or errors become a rescan.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::mpsc::UnboundedSender;

use crate::post::{is_editor_litter, is_post_path};

/// What the daemon must look at again.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Change {
    /// A post file was created or written to: more may follow.
    File(PathBuf),
    /// A post file was closed after writing or renamed into place: whoever
    /// changed it is done, so the daemon need not wait for more (see
    /// [`Burst`]).
    Written(PathBuf),
    /// A folder below the posts folder appeared or went away.
    Dir(PathBuf),
    /// Anything may have changed: read the whole folder again.
    Rescan,
}

/// Collapses one notify event into changes (pure, so it is table-tested).
pub fn classify(root: &Path, event: &notify::Result<notify::Event>) -> Vec<Change> {
    let event = match event {
        Ok(e) => e,
        Err(_) => return vec![Change::Rescan],
    };
    if event.need_rescan() {
        return vec![Change::Rescan];
    }
    // Whether the event's path at this index is a post someone is done
    // with: closed after writing, or renamed into place (the last path of
    // a rename). Not a removal, nor a rename away: editors that save by
    // deleting or moving the post aside write it again right after, and
    // reading in between would announce its talks as cancelled.
    let done = |i: usize| match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write))
        | EventKind::Modify(ModifyKind::Name(RenameMode::To)) => true,
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => i + 1 == event.paths.len(),
        _ => false,
    };
    if matches!(event.kind, EventKind::Access(_)) && !done(0) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, path) in event.paths.iter().enumerate() {
        let change = if path == root || root.starts_with(path) {
            Some(Change::Rescan)
        } else if !path.starts_with(root) || hidden_below(root, path) || is_editor_litter(path) {
            None
        } else if is_post_path(path) && done(i) {
            Some(Change::Written(path.clone()))
        } else if is_post_path(path) {
            Some(Change::File(path.clone()))
        } else if path.extension().is_none() || path.is_dir() {
            Some(Change::Dir(path.clone()))
        } else {
            None
        };
        if let Some(c) = change.filter(|c| !out.contains(c)) {
            out.push(c);
        }
    }
    out
}

impl Change {
    /// The post file to read again, if this is about one.
    pub fn post(&self) -> Option<&Path> {
        match self {
            Change::File(p) | Change::Written(p) => Some(p),
            Change::Dir(_) | Change::Rescan => None,
        }
    }
}

/// The changes of one burst as the daemon collects them, and whether the
/// burst is over: each post it names was last closed after writing or
/// renamed into place, and no folder changed. Then the daemon reads at
/// once instead of waiting out its debounce, which stays the bound for a
/// writer that keeps its file open. Kept as it goes, so a checkout that
/// touches thousands of posts costs a set insert per change.
#[derive(Debug, Default)]
pub struct Burst {
    changes: BTreeSet<Change>,
    /// Posts written to and not closed or renamed into place since.
    open: BTreeSet<PathBuf>,
    /// A folder changed, or everything must be read again.
    waits: bool,
}

impl Burst {
    pub fn push(&mut self, change: Change) {
        match &change {
            Change::File(p) => {
                self.open.insert(p.clone());
            }
            Change::Written(p) => {
                self.open.remove(p);
            }
            Change::Dir(_) | Change::Rescan => self.waits = true,
        }
        self.changes.insert(change);
    }

    pub fn is_over(&self) -> bool {
        !self.waits && self.open.is_empty()
    }

    /// The changes, each once.
    pub fn into_changes(self) -> BTreeSet<Change> {
        self.changes
    }
}

/// Is any component between `root` and `path` hidden (`.git`, `.foo.md.swp`)?
fn hidden_below(root: &Path, path: &Path) -> bool {
    path.strip_prefix(root)
        .map(|rel| {
            rel.components()
                .any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.')))
        })
        .unwrap_or(false)
}

/// A running watch on the posts folder (recursive) and on its parent (to see
/// the posts folder itself replaced). Dropping it stops watching.
pub struct PostsWatcher {
    watcher: RecommendedWatcher,
    root: PathBuf,
}

impl PostsWatcher {
    /// Starts watching; changes are sent on `tx`.
    ///
    /// # Errors
    /// The watcher cannot be created (inotify limits).
    pub fn start(root: &Path, tx: UnboundedSender<Change>) -> notify::Result<PostsWatcher> {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let r = root.clone();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            for c in classify(&r, &event) {
                let _ = tx.send(c);
            }
        })?;
        let mut w = PostsWatcher { watcher, root };
        if let Some(parent) = w.root.parent() {
            // Best effort: the parent may not be readable.
            let _ = w.watcher.watch(parent, RecursiveMode::NonRecursive);
        }
        w.rewatch();
        Ok(w)
    }

    /// The absolute posts folder being watched.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// (Re)starts the recursive watch on the posts folder, after it was
    /// replaced or came back. Returns false while it does not exist.
    pub fn rewatch(&mut self) -> bool {
        let _ = self.watcher.unwatch(&self.root);
        match self.watcher.watch(&self.root, RecursiveMode::Recursive) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(path = %self.root.display(), error = %e, "cannot watch the posts folder; will retry");
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind};

    fn file(p: &str) -> Change {
        Change::File(PathBuf::from(p))
    }

    fn written(p: &str) -> Change {
        Change::Written(PathBuf::from(p))
    }

    fn ev(kind: EventKind, paths: &[&str]) -> notify::Result<notify::Event> {
        let mut e = notify::Event::new(kind);
        for p in paths {
            e = e.add_path(PathBuf::from(p));
        }
        Ok(e)
    }

    #[test]
    fn events_collapse_to_changes() {
        let root = Path::new("/p");
        let (f, w) = (file, written);
        let table = vec![
            (
                ev(EventKind::Modify(ModifyKind::Any), &["/p/a.md"]),
                vec![f("/p/a.md")],
            ),
            // vim: writes 4913, then .a.md.swp, then renames over a.md.
            (
                ev(EventKind::Create(CreateKind::File), &["/p/4913"]),
                vec![],
            ),
            (
                ev(EventKind::Create(CreateKind::File), &["/p/.a.md.swp"]),
                vec![],
            ),
            (
                ev(
                    EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                    &["/p/.tmp123", "/p/a.md"],
                ),
                vec![w("/p/a.md")],
            ),
            // A write in place: changed, then closed.
            (
                ev(
                    EventKind::Modify(ModifyKind::Data(DataChange::Any)),
                    &["/p/a.md"],
                ),
                vec![f("/p/a.md")],
            ),
            (
                ev(
                    EventKind::Access(AccessKind::Close(AccessMode::Write)),
                    &["/p/a.md"],
                ),
                vec![w("/p/a.md")],
            ),
            (
                ev(
                    EventKind::Access(AccessKind::Open(AccessMode::Any)),
                    &["/p/a.md"],
                ),
                vec![],
            ),
            (
                ev(EventKind::Create(CreateKind::File), &["/p/a.md~"]),
                vec![],
            ),
            (
                ev(EventKind::Remove(RemoveKind::File), &["/p/sub/b.markdown"]),
                vec![f("/p/sub/b.markdown")],
            ),
            // Moved aside (a backup), then written again: not done yet.
            (
                ev(
                    EventKind::Modify(ModifyKind::Name(RenameMode::From)),
                    &["/p/a.md"],
                ),
                vec![f("/p/a.md")],
            ),
            (
                ev(
                    EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                    &["/p/a.md", "/p/b.md"],
                ),
                vec![f("/p/a.md"), w("/p/b.md")],
            ),
            (
                ev(EventKind::Create(CreateKind::Folder), &["/p/sub"]),
                vec![Change::Dir(PathBuf::from("/p/sub"))],
            ),
            (
                ev(EventKind::Remove(RemoveKind::Folder), &["/p"]),
                vec![Change::Rescan],
            ),
            (
                ev(EventKind::Create(CreateKind::Folder), &["/other"]),
                vec![],
            ),
            (
                ev(EventKind::Modify(ModifyKind::Any), &["/p/.git/index"]),
                vec![],
            ),
            (
                Err(notify::Error::generic("overflow")),
                vec![Change::Rescan],
            ),
        ];
        for (event, want) in table {
            assert_eq!(classify(root, &event), want, "{event:?}");
        }
    }

    /// A burst is over when each post it names was last closed or renamed
    /// into place; a write after the close, a post still open or removed,
    /// or a folder keeps the daemon waiting for its debounce. Each change
    /// is kept once.
    #[test]
    fn a_burst_is_over_when_every_writer_is_done() {
        let over = |changes: &[Change]| {
            let mut burst = Burst::default();
            for c in changes {
                burst.push(c.clone());
            }
            burst.is_over()
        };
        let (a, b) = ("/p/a.md", "/p/b.md");
        assert!(over(&[file(a), written(a)]));
        assert!(over(&[written(a)]));
        assert!(over(&[file(a), file(b), written(b), written(a)]));
        assert!(!over(&[file(a)]));
        assert!(!over(&[file(a), written(a), file(a)]));
        assert!(!over(&[file(a), written(b)]));
        assert!(!over(&[written(a), Change::Dir(PathBuf::from("/p/s"))]));
        assert!(!over(&[Change::Rescan]));
        let mut burst = Burst::default();
        for c in [file(a), file(a), written(a), written(a)] {
            burst.push(c);
        }
        assert_eq!(burst.into_changes(), BTreeSet::from([file(a), written(a)]));
    }
}
