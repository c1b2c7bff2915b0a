//! The library's one error type, for failures that stop a whole command.
//!
//! Problems with a single post are not errors of this kind: they are
//! [`crate::diag::Diagnostic`]s, collected and reported while the rest is
//! published. This type is for what the operator must fix before anything
//! can run: an unreadable configuration, an output folder that cannot be
//! written, an address that cannot be bound.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}{}: {message}", path.display(), if *line > 0 { format!(":{line}") } else { String::new() })]
    Config {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{0}")]
    Other(String),
}
