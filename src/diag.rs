//! Problems found while reading posts, reported as `path:line: severity: message`.
//!
//! Every stage that looks at a post pushes [`Diagnostic`]s instead of failing,
//! so one broken post never stops the others from being published. The
//! command line prints them; the daemon logs them and shows them on `/healthz`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How bad a problem is: an error drops the talk (or the post); a warning
/// publishes it and says what was guessed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information for the author (`check`, `explain`): never published.
    Note,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem with its place in a post.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Diagnostic {
    pub path: PathBuf,
    /// 1-based line; 0 when the problem is about the whole file.
    pub line: usize,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    pub fn error(path: &Path, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.to_path_buf(),
            line,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    pub fn warning(path: &Path, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.to_path_buf(),
            line,
            severity: Severity::Warning,
            message: message.into(),
        }
    }

    pub fn note(path: &Path, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.to_path_buf(),
            line,
            severity: Severity::Note,
            message: message.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `seeds/foo.md:14: error: time "25:00" is not a valid hour`, the shape
    /// compilers use, so editors and CI logs link straight to the line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}: {}: {}",
                self.path.display(),
                self.line,
                self.severity,
                self.message
            )
        } else {
            write!(
                f,
                "{}: {}: {}",
                self.path.display(),
                self.severity,
                self.message
            )
        }
    }
}

/// Each file's problems, kept per file so that a change to one post costs
/// what that post has, not the tens of thousands of warnings a big site
/// carries. A snapshot shares the map with the site until the next change,
/// which copies it: the paths are shared too, so the copy of 10,000 entries
/// allocates nothing per entry.
pub type FileProblems = Arc<BTreeMap<Arc<Path>, Arc<[Diagnostic]>>>;

/// Every problem of one snapshot.
#[derive(Debug, Clone, Default)]
pub struct Problems {
    /// Problems of the post files, by file.
    pub files: FileProblems,
    /// Problems of the folder scan, sorted.
    pub scan: Arc<[Diagnostic]>,
    /// Slug collisions, sorted.
    pub slugs: Arc<[Diagnostic]>,
    pub errors: usize,
    pub warnings: usize,
}

impl Problems {
    /// Counts the problems once, when the snapshot is made.
    pub fn new(files: FileProblems, scan: Arc<[Diagnostic]>, slugs: Arc<[Diagnostic]>) -> Self {
        let all = files
            .values()
            .flat_map(|d| d.iter())
            .chain(scan.iter())
            .chain(slugs.iter());
        let (errors, total) = all.fold((0, 0), |(e, t), d| (e + usize::from(d.is_error()), t + 1));
        Problems {
            files,
            scan,
            slugs,
            errors,
            warnings: total - errors,
        }
    }

    /// Every problem, sorted by file and line.
    pub fn all(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self
            .files
            .values()
            .flat_map(|d| d.iter())
            .chain(self.scan.iter())
            .chain(self.slugs.iter())
            .cloned()
            .collect();
        // Files are in path order and each file's problems in line order, so
        // this is nearly sorted already: the stable sort is linear on it.
        all.sort();
        all
    }
}

/// The problems in `new` that are not in `old` (both sorted).
pub fn added(old: &[Diagnostic], new: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut i = 0;
    new.iter()
        .filter(|d| {
            while i < old.len() && old[i] < **d {
                i += 1;
            }
            !(i < old.len() && old[i] == **d)
        })
        .cloned()
        .collect()
}

/// Runs `f`, turning a panic into its message: one post that trips a bug
/// in almanac must cost that post, never the calendars of all the others.
/// (The panic is still printed by the default hook, for the bug report.)
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string())
    })
}

/// The error that stands for a panic while handling a post.
pub fn internal_error(path: &Path, stage: &str, message: &str) -> Diagnostic {
    Diagnostic::error(
        path,
        0,
        format!(
            "internal error while {stage} this post ({message}); its last good version stays published (a bug in almanac: please report it with the post)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_a_compiler() {
        let d = Diagnostic::error(
            Path::new("seeds/a.md"),
            14,
            "time \"25:00\" is not a valid hour",
        );
        assert_eq!(
            d.to_string(),
            "seeds/a.md:14: error: time \"25:00\" is not a valid hour"
        );
        let w = Diagnostic::warning(Path::new("b.md"), 0, "no date");
        assert_eq!(w.to_string(), "b.md: warning: no date");
    }

    #[test]
    fn added_problems_are_those_not_seen_before() {
        let d = |line| Diagnostic::warning(Path::new("a.md"), line, "x");
        assert_eq!(
            added(&[d(1), d(3)], &[d(1), d(2), d(3), d(4)]),
            vec![d(2), d(4)]
        );
        assert_eq!(added(&[], &[d(1)]), vec![d(1)]);
        assert!(added(&[d(1)], &[]).is_empty());
    }
}
