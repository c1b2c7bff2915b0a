//! almanac's own files in the output folder (`out/.almanac/`: the revision
//! history, first-seen dates, the build manifest) and the one way every file
//! is written: atomically. A leaf, so the stages that keep state (history,
//! undated posts) and the publisher share it without depending on each
//! other.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::Error;

/// Folder inside the output folder that holds almanac's own state.
pub const STATE_DIR: &str = ".almanac";

/// Where the dates almanac first saw undated posts are kept.
pub fn first_seen_file(out: &Path) -> PathBuf {
    out.join(STATE_DIR).join("first-seen.json")
}

/// Where the revision history is kept, one file per post.
pub fn history_dir(out: &Path) -> PathBuf {
    out.join(STATE_DIR).join("state")
}

/// An I/O error with the path it happened on.
pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The temporary sibling a file is written to before it is renamed over
/// `path`. Named after this process, so a leftover from another is stale.
pub(crate) fn tmp_path(path: &Path) -> PathBuf {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    dir.join(format!(".{name}.{}.tmp", std::process::id()))
}

/// Writes `bytes` to `path` atomically: temporary file, fsync, rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io(dir))?;
    let tmp = tmp_path(path);
    let result = (|| {
        let mut f = fs::File::create(&tmp).map_err(io(&tmp))?;
        f.write_all(bytes).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
        fs::rename(&tmp, path).map_err(io(path))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
