//! almanac's own files in the output folder (`out/.almanac/`: the revision
//! history, first-seen dates, the build manifest) and the one way every file
//! is written: atomically. A leaf, so the stages that keep state (history,
//! undated posts) and the publisher share it without depending on each
//! other.

use std::borrow::Cow;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

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
    dir.join(format!(".{name}.{}.tmp", pid()))
}

/// This process's ID, asked for once: `std::process::id` is a system call
/// each time, and a build names two temporaries per file (53,000 calls at
/// 1,000 posts).
fn pid() -> u32 {
    static PID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *PID.get_or_init(std::process::id)
}

/// Writes `bytes` to `path` atomically: temporary file, fsync, rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// Writes `path` atomically with what `write` puts in the open temporary
/// file (which it may seek in), then fsync and rename: for a file too big
/// to build in memory first.
pub(crate) fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io(dir))?;
    let tmp = tmp_path(path);
    let result = (|| {
        let mut f = fs::File::create(&tmp).map_err(io(&tmp))?;
        write(&mut f).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
        fs::rename(&tmp, path).map_err(io(path))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Flushes everything written to the file system of `dir` (one `syncfs`,
/// not one `fsync` per file).
pub(crate) fn sync_fs(dir: &Path) -> Result<(), Error> {
    let f = fs::File::open(dir).map_err(io(dir))?;
    rustix::fs::syncfs(&f).map_err(|e| Error::Io {
        path: dir.to_path_buf(),
        source: e.into(),
    })
}

/// The durable-rename protocol for a batch of files already written to
/// their temporaries ([`tmp_path`]), and of new folders written whole under
/// temporary names (`folders`: temporary, target): flush them all, rename
/// each over its target, flush again so the renames last. A crash at any
/// point leaves every target either old or new, never partial.
pub(crate) fn commit_temporaries<T: Sync>(
    root: &Path,
    targets: &[T],
    path: impl Fn(&T) -> Cow<'_, Path> + Sync,
    folders: &[(PathBuf, PathBuf)],
) -> Result<(), Error> {
    if targets.is_empty() && folders.is_empty() {
        return Ok(());
    }
    sync_fs(root)?;
    // On all cores: a build renames 26,000 files at 1,000 posts, a third
    // of a second on one core while the other waits. Each path is made as
    // it is renamed, not all first (264,000 paths at 10,000 posts).
    targets.par_iter().try_for_each(|t| {
        let path = path(t);
        fs::rename(tmp_path(&path), &path).map_err(io(&path))
    })?;
    folders
        .par_iter()
        .try_for_each(|(tmp, target)| fs::rename(tmp, target).map_err(io(target)))?;
    sync_fs(root)
}

/// Writes each `(path, bytes)` atomically, as [`write_atomic`] does, but
/// with one flush for the lot: a first start at 10,000 posts saves 10,000
/// history files, and one `fsync` each took seconds. All of `files` are
/// under `root`'s file system. A handful (an edit's) are written one by one.
///
/// # Errors
/// The first file that cannot be written; no temporary is left behind, and
/// no target is half-written.
pub fn write_all_atomic(root: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<(), Error> {
    // A few files (an edit's) are cheaper flushed one by one than by
    // flushing the whole file system, which may hold much else.
    const FEW: usize = 8;
    if files.len() <= FEW {
        return files
            .iter()
            .try_for_each(|(path, bytes)| write_atomic(path, bytes));
    }
    fs::create_dir_all(root).map_err(io(root))?;
    let written = (|| {
        for (path, bytes) in files {
            let tmp = tmp_path(path);
            fs::write(&tmp, bytes).map_err(io(&tmp))?;
        }
        Ok(())
    })();
    let result =
        written.and_then(|()| commit_temporaries(root, files, |(p, _)| Cow::Borrowed(p), &[]));
    if result.is_err() {
        for (path, _) in files {
            let _ = fs::remove_file(tmp_path(path));
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    #[test]
    fn a_batch_is_written_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("b.json"), "old").unwrap();
        // More than a handful: the batched path.
        let mut files: Vec<(PathBuf, Vec<u8>)> = (0..20)
            .map(|i| (root.join(format!("n{i:02}.json")), vec![b'0' + i % 10]))
            .collect();
        files.push((root.join("a.json"), b"A".to_vec()));
        files.push((root.join("b.json"), b"B".to_vec()));
        write_all_atomic(root, &files).unwrap();
        assert_eq!(names(root).len(), 22);
        assert_eq!(fs::read(root.join("b.json")).unwrap(), b"B");
        assert_eq!(fs::read(root.join("n13.json")).unwrap(), b"3");
        for (p, _) in &files[..20] {
            fs::remove_file(p).unwrap();
        }
        assert_eq!(names(root), ["a.json", "b.json"]);
        // A target that cannot be replaced (a folder in its way): an error,
        // no temporary left, and no target half-written.
        fs::create_dir(root.join("c.json")).unwrap();
        fs::write(root.join("c.json/x"), "").unwrap();
        let mut files: Vec<(PathBuf, Vec<u8>)> = (0..20)
            .map(|i| (root.join(format!("m{i:02}.json")), b"M".to_vec()))
            .collect();
        files.push((root.join("a.json"), b"A2".to_vec()));
        files.push((root.join("c.json"), b"C".to_vec()));
        assert!(write_all_atomic(root, &files).is_err());
        for (p, _) in &files[..20] {
            let _ = fs::remove_file(p);
        }
        assert_eq!(names(root), ["a.json", "b.json", "c.json"]);
        let a = fs::read(root.join("a.json")).unwrap();
        assert!(a == b"A" || a == b"A2", "{a:?}");
    }
}
