//! Every file's problems, and which of them are new since last asked.

use std::path::Path;
use std::sync::Arc;

use super::Site;
use crate::diag::{self, Diagnostic, Problems};

impl Site {
    /// Records a file's latest problems, and the list they replace (for
    /// [`Site::take_new_problems`]).
    pub(super) fn set_problems(&mut self, path: &Path, mut diags: Vec<Diagnostic>) {
        diags.sort();
        let diags: Arc<[Diagnostic]> = diags.into();
        let old = self
            .file_diags
            .get(path)
            .cloned()
            .unwrap_or_else(|| Arc::from([]));
        self.fresh.push((old, diags.clone()));
        Arc::make_mut(&mut self.file_diags).insert(path.into(), diags);
    }

    /// The problems that are new since this was last asked (all of them the
    /// first time), sorted: what the daemon logs after each snapshot.
    pub fn take_new_problems(&mut self) -> Vec<Diagnostic> {
        let mut new: Vec<Diagnostic> = std::mem::take(&mut self.fresh)
            .iter()
            .flat_map(|(old, new)| diag::added(old, new))
            .collect();
        new.sort();
        new
    }

    /// The problems of the snapshot being made: every file's, the folder
    /// scan's and the slug collisions'. The last two are compared with the
    /// last snapshot's, so that their changes count as new.
    pub(super) fn problems(&mut self) -> Problems {
        let scan = self.scan_diags.clone();
        let slugs = self
            .slugs
            .as_ref()
            .map_or_else(|| Arc::from([]), |s| s.diags.clone());
        for (old, new) in [(&self.last_extra.0, &scan), (&self.last_extra.1, &slugs)] {
            if !Arc::ptr_eq(old, new) {
                self.fresh.push((old.clone(), new.clone()));
            }
        }
        self.last_extra = (scan.clone(), slugs.clone());
        Problems::new(self.file_diags.clone(), scan, slugs)
    }
}
