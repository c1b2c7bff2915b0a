//! Which files under the posts folder are posts (and which are editors'
//! litter), found in one walk.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

/// Extensions that are posts; everything else in the folder is ignored.
pub(super) const POST_EXTENSIONS: [&str; 3] = ["md", "markdown", "txt"];

/// Is this a file almanac reads as a post? Hidden files, editor swap and
/// backup files and other extensions are not. The watcher uses this too, so
/// both agree on what a post is.
pub fn is_post_path(path: &Path) -> bool {
    if is_editor_litter(path) {
        return false;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    matches!(ext, Some(e) if POST_EXTENSIONS.contains(&e.as_str()))
}

/// Hidden files and what editors leave while saving: `.x.swp`, `x~`,
/// `#x#`, and vim's `4913` probe file.
pub fn is_editor_litter(path: &Path) -> bool {
    match path.file_name().and_then(|n| n.to_str()) {
        Some(name) => {
            name.starts_with('.') || name.starts_with('#') || name.ends_with('~') || name == "4913"
        }
        None => true,
    }
}

/// Every post file under `root`, sorted, with a diagnostic for each entry
/// that cannot be used (unreadable folder, link leading outside `root`).
pub fn discover(root: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let canonical_root = root.canonicalize().ok();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !e.file_name().to_str().is_some_and(|n| n.starts_with('.'))
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(root).to_path_buf();
                diags.push(Diagnostic::error(&path, 0, format!("cannot read: {e}")));
                continue;
            }
        };
        let path = entry.path();
        if entry.file_type().is_dir() {
            if entry.depth() > 0 && is_post_path(path) {
                diags.push(Diagnostic::error(
                    path,
                    0,
                    "a folder, not a post file; skipped (the posts inside it are still read)",
                ));
            }
            continue;
        }
        if !is_post_path(path) {
            continue;
        }
        if entry.path_is_symlink() {
            match (path.canonicalize(), &canonical_root) {
                (Ok(target), Some(root)) if target.starts_with(root) && target.is_file() => {}
                (Ok(target), _) if !target.is_file() => {
                    diags.push(Diagnostic::error(
                        path,
                        0,
                        "symbolic link to something that is not a file; skipped",
                    ));
                    continue;
                }
                _ => {
                    diags.push(Diagnostic::error(
                        path,
                        0,
                        "symbolic link leads outside the posts folder; skipped",
                    ));
                    continue;
                }
            }
        }
        files.push(path.to_path_buf());
    }
    (files, diags)
}
