//! almanac turns blog posts that announce conference talks into calendars and
//! feeds, and keeps them published.
//!
//! # Layout
//!
//! The modules follow the pipeline, in order:
//!
//! - [`config`]: `almanac.yaml`, parsed once into a validated [`Config`].
//! - [`post`]: files on disk → [`post::Post`] (front matter split, guards).
//! - [`talk`]: a post → its [`talk::Talk`]s (finding entries, the date grammar, zones).
//! - [`render`]: talks and posts → bytes: iCalendar, RSS/Atom/JSON Feed, the HTML page.
//! - [`site`]: everything rendered, as one immutable [`site::Snapshot`].
//! - [`publish`]: a snapshot → files in `out/`, atomically, only what changed.
//!
//! [`diag`] carries the `path:line: message` problems every stage reports, and
//! [`Error`] is the one error type for what stops a whole command.

pub mod build;
pub mod config;
pub mod diag;
mod error;
pub mod event;
pub mod post;
pub mod publish;
pub mod render;
pub mod site;
pub mod talk;

pub use config::Config;
pub use error::Error;
