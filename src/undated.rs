//! Dates for posts that do not give one.
//!
//! A post without `date:` still needs a date: feeds sort and stamp by it,
//! and its talks are first stamped with it (`DTSTAMP`, `LAST-MODIFIED`). The
//! file's modification time will not do: a fresh checkout, a copy or a
//! deploy gives new mtimes, so two servers behind one balancer, or one server
//! before and after a deploy, would publish different bytes. So, in order:
//!
//! 1. When the post is in a git repository: the author date of the oldest
//!    commit (reachable from `HEAD`) whose tree holds the file at that path,
//!    that is, the commit that added it, as Hugo's `enableGitInfo` reads it.
//!    Every clone of the same history agrees. (A shallow clone knows only the
//!    commits it has; a renamed file dates from its rename.)
//! 2. Otherwise (no repository, or the file is not committed yet): the first
//!    time almanac saw it, kept in `out/.almanac/first-seen.json`, so that
//!    every later build and restart agrees with the first one.
//! 3. With no state to keep it in (`check`, `list`): the time of this run.
//!
//! Never the modification time.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// Where an undated post's date came from, for the author's warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Commit,
    FirstSeen,
    ThisRun,
}

impl Source {
    pub fn describe(self) -> &'static str {
        match self {
            Source::Commit => "the date of the git commit that added the file",
            Source::FirstSeen => "the date almanac first saw the file",
            Source::ThisRun => "the time of this run (no state folder to remember it in)",
        }
    }
}

/// Finds (and remembers) the dates of undated posts. Shared by the threads
/// that read posts, so the mutable parts sit behind one lock; undated posts
/// are few, and every answer is cached.
pub struct Undated {
    /// The posts folder: first-seen dates are keyed by paths relative to it,
    /// so moving the folder loses nothing.
    posts: Option<PathBuf>,
    /// The file first-seen dates are kept in; `None` keeps nothing.
    state: Option<PathBuf>,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    git: Option<Git>,
    /// Folders already known to be in no repository.
    not_git: Vec<PathBuf>,
    first_seen: BTreeMap<String, i64>,
    /// The state file could not be read: not written over either.
    state_broken: bool,
}

/// One repository's commits, read once per `HEAD`.
struct Git {
    /// Its `.git` folder: the repository is opened per question, as gix's
    /// handle does not move between threads (and questions are rare).
    git_dir: PathBuf,
    /// The repository's work tree, canonical.
    root: PathBuf,
    head: Option<gix::ObjectId>,
    /// Every commit reachable from `HEAD`: its tree and author time.
    commits: Vec<(gix::ObjectId, i64)>,
    /// Answers so far, by path relative to `root`, for this `head`.
    added: HashMap<PathBuf, Option<i64>>,
}

impl std::fmt::Debug for Undated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Undated")
            .field("posts", &self.posts)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl Default for Undated {
    fn default() -> Self {
        Undated::new(None, None)
    }
}

impl Undated {
    /// Dates for the posts under `posts`, remembering first sightings in
    /// `state` (a JSON file) when given. An unreadable state file is
    /// reported once, in the returned warnings, and left alone.
    pub fn new(posts: Option<&Path>, state: Option<&Path>) -> Undated {
        Undated::load(posts, state).0
    }

    /// The dates of the undated posts under `posts`, first sightings kept in
    /// the state folder of `out`; with the warnings.
    pub fn for_output(posts: &Path, out: &Path) -> (Undated, Vec<String>) {
        Undated::load(Some(posts), Some(&crate::state::first_seen_file(out)))
    }

    /// As [`Undated::new`], with the warnings.
    pub fn load(posts: Option<&Path>, state: Option<&Path>) -> (Undated, Vec<String>) {
        let mut inner = Inner::default();
        let mut warnings = Vec::new();
        if let Some(file) = state {
            match std::fs::read(file) {
                Ok(bytes) => match serde_json::from_slice(&bytes) {
                    Ok(map) => inner.first_seen = map,
                    Err(e) => {
                        inner.state_broken = true;
                        warnings.push(format!(
                            "{}: unreadable ({e}); undated posts are dated anew and it is not overwritten",
                            file.display()
                        ));
                    }
                },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    inner.state_broken = true;
                    warnings.push(format!("{}: cannot read: {e}", file.display()));
                }
            }
        }
        let undated = Undated {
            posts: posts.map(Path::to_path_buf),
            state: state.map(Path::to_path_buf),
            inner: Mutex::new(inner),
        };
        (undated, warnings)
    }

    /// The date of an undated post at `path`, and where it came from.
    pub fn date_of(&self, path: &Path) -> (DateTime<Utc>, Source) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = inner.commit_date(path) {
            return (at(t), Source::Commit);
        }
        // Remembered for as long as this lives (a post read again by a
        // `check` or re-read in a test keeps its date), and kept in the
        // state file when there is one.
        let file = self.state.as_deref().filter(|_| !inner.state_broken);
        let source = if file.is_some() {
            Source::FirstSeen
        } else {
            Source::ThisRun
        };
        let key = self.key(path);
        if let Some(&t) = inner.first_seen.get(&key) {
            return (at(t), source);
        }
        let now = Utc::now().timestamp();
        inner.first_seen.insert(key, now);
        if let Some(file) = file {
            let bytes = serde_json::to_vec_pretty(&inner.first_seen).unwrap_or_default();
            if let Err(e) = crate::state::write_atomic(file, &bytes) {
                tracing::warn!(file = %file.display(), error = %e, "cannot keep the first-seen date");
            }
        }
        (at(now), source)
    }

    fn key(&self, path: &Path) -> String {
        let rel = self
            .posts
            .as_deref()
            .and_then(|p| path.strip_prefix(p).ok())
            .unwrap_or(path);
        rel.to_string_lossy().into_owned()
    }
}

impl Inner {
    /// The author time of the commit that added `path`, if it is committed.
    fn commit_date(&mut self, path: &Path) -> Option<i64> {
        let abs = std::fs::canonicalize(path).ok()?;
        let dir = abs.parent()?;
        if self.not_git.iter().any(|d| dir.starts_with(d)) {
            return None;
        }
        if !self.git.as_ref().is_some_and(|g| abs.starts_with(&g.root)) {
            match Git::open(dir) {
                Some(g) => self.git = Some(g),
                None => {
                    self.not_git.push(dir.to_path_buf());
                    return None;
                }
            }
        }
        let git = self.git.as_mut()?;
        let repo = gix::open(&git.git_dir).ok()?;
        git.refresh(&repo);
        let rel = abs.strip_prefix(&git.root).ok()?.to_path_buf();
        if let Some(&known) = git.added.get(&rel) {
            return known;
        }
        let found = git.oldest_holding(&repo, &rel);
        git.added.insert(rel, found);
        found
    }
}

impl Git {
    fn open(dir: &Path) -> Option<Git> {
        let repo = gix::discover(dir).ok()?;
        let root = std::fs::canonicalize(repo.workdir()?).ok()?;
        Some(Git {
            git_dir: repo.git_dir().to_path_buf(),
            root,
            head: None,
            commits: Vec::new(),
            added: HashMap::new(),
        })
    }

    /// Re-reads the commits when `HEAD` moved (a pull while serving).
    fn refresh(&mut self, repo: &gix::Repository) {
        let head = repo.head_id().ok().map(|id| id.detach());
        if head == self.head && (head.is_none() || !self.commits.is_empty()) {
            return;
        }
        self.head = head;
        self.added.clear();
        self.commits = head
            .and_then(|h| {
                let walk = repo.rev_walk([h]).all().ok()?;
                let mut commits = Vec::new();
                for info in walk {
                    let commit = info.ok()?.object().ok()?;
                    let tree = commit.tree_id().ok()?.detach();
                    let time = commit.author().ok()?.seconds();
                    commits.push((tree, time));
                }
                Some(commits)
            })
            .unwrap_or_default();
    }

    /// The earliest author time among the commits whose tree holds `rel`.
    fn oldest_holding(&self, repo: &gix::Repository, rel: &Path) -> Option<i64> {
        self.commits
            .iter()
            .filter(|(tree, _)| {
                repo.find_tree(*tree)
                    .ok()
                    .and_then(|t| t.lookup_entry_by_path(rel).ok().flatten())
                    .is_some()
            })
            .map(|&(_, time)| time)
            .min()
    }
}

fn at(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_seen_dates_are_kept_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let posts = dir.path().join("posts");
        std::fs::create_dir(&posts).unwrap();
        let post = posts.join("a.md");
        std::fs::write(&post, "# A\n").unwrap();
        let state = dir.path().join("first-seen.json");
        let (first, source) = Undated::new(Some(&posts), Some(&state)).date_of(&post);
        assert_eq!(source, Source::FirstSeen);
        // A later run (a restart) and a later mtime give the same date.
        std::fs::write(&post, "# A, edited\n").unwrap();
        let (again, _) = Undated::new(Some(&posts), Some(&state)).date_of(&post);
        assert_eq!(first, again);
        let kept = std::fs::read_to_string(&state).unwrap();
        assert!(kept.contains("\"a.md\""), "{kept}");
    }

    /// Without a state file a post still keeps its date while almanac runs:
    /// reading it again (an edit, a second site in `check`) gives the same.
    #[test]
    fn without_state_a_date_holds_for_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let post = dir.path().join("a.md");
        std::fs::write(&post, "# A\n").unwrap();
        let undated = Undated::default();
        let (first, source) = undated.date_of(&post);
        assert_eq!(source, Source::ThisRun);
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(undated.date_of(&post), (first, Source::ThisRun));
    }

    #[test]
    fn a_broken_state_file_is_reported_and_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let post = dir.path().join("a.md");
        std::fs::write(&post, "# A\n").unwrap();
        let state = dir.path().join("first-seen.json");
        std::fs::write(&state, "{not json").unwrap();
        let (undated, warnings) = Undated::load(Some(dir.path()), Some(&state));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(undated.date_of(&post).1, Source::ThisRun);
        assert_eq!(std::fs::read_to_string(&state).unwrap(), "{not json");
    }
}
