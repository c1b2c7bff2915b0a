//! What a set of published files was made from: every post's fingerprint
//! (size and modification time), the configuration, and the almanac binary.
//!
//! Two places ask "could the posts give anything other than what `out/`
//! holds?": `almanac build` (its manifest: a build with nothing changed
//! writes nothing) and a warm start of `almanac serve` (its index: a restart
//! with nothing changed is current at once). Both answer by comparing
//! [`Sources`], kept here so neither depends on the other (this module needs
//! only the posts' discovery and the configuration).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Config;

/// A post file's size and modification time in nanoseconds since the epoch.
pub type Fingerprint = (u64, u128);

/// The inputs of one set of outputs (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sources {
    /// Which almanac made them: see [`binary_id`].
    pub binary: String,
    /// A hash of the configuration they were made with.
    pub config: String,
    /// The posts folder, as given.
    pub posts_dir: PathBuf,
    /// Every post file and its fingerprint.
    pub posts: BTreeMap<PathBuf, Fingerprint>,
}

impl Sources {
    /// The sources as they are on disk now.
    pub fn now(posts_dir: &Path, config: &Config) -> Sources {
        let posts = crate::post::discover(posts_dir)
            .0
            .into_iter()
            .filter_map(|p| {
                let print = fingerprint(&std::fs::metadata(&p).ok()?)?;
                Some((p, print))
            })
            .collect();
        Sources::of(posts_dir, config, posts)
    }

    /// Sources made of `posts` as they were when read.
    pub fn of(posts_dir: &Path, config: &Config, posts: BTreeMap<PathBuf, Fingerprint>) -> Sources {
        Sources {
            binary: binary_id(),
            config: config_hash(config),
            posts_dir: posts_dir.to_path_buf(),
            posts,
        }
    }

    /// Whether both were made by the same binary, with the same
    /// configuration, from the same posts folder (whatever the posts).
    pub fn same_maker(&self, other: &Sources) -> bool {
        (&self.binary, &self.config, &self.posts_dir)
            == (&other.binary, &other.config, &other.posts_dir)
    }
}

/// A file's fingerprint, if its modification time can be read.
pub fn fingerprint(meta: &std::fs::Metadata) -> Option<Fingerprint> {
    let modified = meta.modified().ok()?;
    Some((meta.len(), nanos(modified)?))
}

/// Nanoseconds since the epoch (`None` before it).
pub fn nanos(t: std::time::SystemTime) -> Option<u128> {
    Some(t.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos())
}

/// Which almanac is running: the version and the executable's size and
/// modification time, so an upgrade (or a rebuilt binary, whose output may
/// differ under the same version) renders everything again instead of
/// trusting what an older one made. A reinstall of the same binary costs one
/// full build, nothing worse.
pub fn binary_id() -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .ok()
        .map(|m| {
            let t = m.modified().ok().and_then(nanos).unwrap_or(0);
            format!("{}:{t}", m.len())
        })
        .unwrap_or_default();
    format!("{} {exe}", env!("CARGO_PKG_VERSION"))
}

fn config_hash(config: &Config) -> String {
    let d = Sha256::digest(format!("{config:?}").as_bytes());
    faster_hex::hex_string(&d[..16])
}
