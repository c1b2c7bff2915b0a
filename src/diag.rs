//! Problems found while reading posts, reported as `path:line: severity: message`.
//!
//! Every stage that looks at a post pushes [`Diagnostic`]s instead of failing,
//! so one broken post never stops the others from being published. The
//! command line prints them; the daemon logs them and shows them on `/healthz`.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is: an error drops the talk (or the post); a warning
/// publishes it and says what was guessed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
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
}
