//! Writing a generated crate to disk all at once, and checking a written one for staleness.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::render::Files;

/// Replaces `dir` with exactly `files`. The crate is written into a sibling directory first and
/// swapped in by renames, so an error never leaves `dir` half written.
pub fn write_atomically(dir: &Path, files: &Files) -> Result<()> {
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = dir.file_name().ok_or_else(|| Error::other(format!("invalid output directory {}", dir.display())))?;
    let staging = parent.join(format!(".{}.new", name.to_string_lossy()));
    let old = parent.join(format!(".{}.old", name.to_string_lossy()));
    let io = |what: &str, path: &Path, e: std::io::Error| Error::other(format!("{what} {}: {e}", path.display()));
    for leftover in [&staging, &old] {
        if leftover.exists() {
            fs::remove_dir_all(leftover).map_err(|e| io("cannot remove", leftover, e))?;
        }
    }
    for (path, text) in files {
        let path = staging.join(path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| io("cannot create", dir, e))?;
        }
        fs::write(&path, text).map_err(|e| io("cannot write", &path, e))?;
    }
    if dir.exists() {
        fs::rename(dir, &old).map_err(|e| io("cannot move aside", dir, e))?;
    }
    fs::rename(&staging, dir).map_err(|e| io("cannot move into place", dir, e))?;
    if old.exists() {
        fs::remove_dir_all(&old).map_err(|e| io("cannot remove", &old, e))?;
    }
    Ok(())
}

/// Paths (relative to `dir`) that differ from `files`: changed, missing, or not generated.
pub fn stale_files(dir: &Path, files: &Files) -> Vec<PathBuf> {
    let mut stale: Vec<PathBuf> = files
        .iter()
        .filter(|(path, text)| fs::read_to_string(dir.join(path)).ok().as_deref() != Some(text.as_str()))
        .map(|(path, _)| path.clone())
        .collect();
    let mut on_disk = Vec::new();
    list_files(dir, dir, &mut on_disk);
    stale.extend(on_disk.into_iter().filter(|p| !files.contains_key(p)));
    stale.sort();
    stale
}

fn list_files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            list_files(root, &path, out);
        } else if let Ok(relative) = path.strip_prefix(root) {
            out.push(relative.to_owned());
        }
    }
}
