//! almanac turns blog posts that announce conference talks into calendars and
//! feeds, and keeps them published.
//!
//! # Layout
//!
//! The modules follow the pipeline, in order:
//!
//! - [`config`]: `almanac.yaml`, parsed once into a validated [`Config`].
//! - [`output`]: a leaf: every published file's path (= URL), content type and cache policy, named once.
//! - [`facets`]: a leaf: what a talk can be chosen by (its short public ID, track, speakers).
//! - [`yaml`], [`state`], [`deflate`]: leaves: YAML with budgets; the state folder and atomic writes; deflate with one compressor per thread.
//! - [`undated`]: a date for a post that gives none (its git commit, else first seen), never the mtime.
//! - [`post`]: files on disk → [`post::Post`] (front matter split, guards).
//! - [`talk`]: a post → its [`talk::Talk`]s (the post read as a document, link-first,
//!   time-first and table entries, the date grammar, zones and cities).
//! - [`render`]: talks and posts → bytes: iCalendar, RSS/Atom/JSON Feed, the HTML page.
//! - [`site`]: what changed read (`load`), slugged (`slugs`), rendered (`render`, the history
//!   observed first) and assembled with the shared outputs (`shared`) into one
//!   [`snapshot::Snapshot`] of [`asset::Asset`]s (bytes, gzip, content type, ETags).
//! - [`history`]: what subscribers have seen of each talk (SEQUENCE, cancellations), kept beside the output.
//! - [`publish`]: a snapshot → files in `out/`, atomically, only what changed.
//! - [`sources`]: what published files were made from (posts' fingerprints, configuration, binary).
//! - [`warm`]: the index of the published files, so a restart serves them at once.
//! - [`subscribe`]: calendars made on request from a snapshot: filtered (`?track=…`) and personal (`/my.ics`), bounded in memory.
//! - [`http`]: a snapshot → HTTP responses (lookup, or a calendar made on request; caching, compression).
//! - [`watch`]: file events → changes to re-read.
//! - [`daemon`]: `almanac serve`, the loop that ties watch, rebuild, publish and HTTP together;
//!   given its socket and its controls (signals are `main`'s).
//! - [`build`]: `almanac build`, one pass of the pipeline.
//! - [`explain`]: `almanac explain POST`, how each talk of one post was read.
//! - [`event`]: a post and its talks, loaded from a file, and what the site keeps of a post between renders.
//!
//! [`lap`] times the steps of a pass at debug level; [`memory`] gives the
//! heap a whole pass freed back to the system.
//!
//! [`diag`] carries the `path:line: message` problems every stage reports, and
//! [`Error`] is the one error type for what stops a whole command.

pub mod asset;
pub mod build;
pub mod config;
pub mod daemon;
pub mod deflate;
pub mod diag;
mod error;
pub mod event;
pub mod explain;
pub mod facets;
pub mod history;
pub mod http;
mod lap;
mod memory;
pub mod output;
pub mod post;
pub mod publish;
pub mod render;
pub mod site;
pub mod snapshot;
pub mod sources;
pub mod state;
pub mod subscribe;
pub mod talk;
pub mod undated;
pub mod warm;
pub mod watch;
pub mod yaml;

pub use config::Config;
pub use error::Error;
