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
    #[error("{}: cannot read the posts folder: {source}", path.display())]
    PostsFolder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address asked for, or "the socket from systemd".
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("cannot handle signals: {0}")]
    Signals(#[source] std::io::Error),
    /// A rebuild task ended without its site (it panicked outside the
    /// per-post guards, or the runtime is shutting down).
    #[error("the rebuild task failed: {0}")]
    Task(#[source] tokio::task::JoinError),
}
