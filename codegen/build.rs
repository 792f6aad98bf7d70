//! Embeds `runtime/`'s crates (each directory with a `Cargo.toml`: its manifest and every file
//! under `src/`) so the generator can write their copies: `runtime.rs` includes the list this
//! writes, which names each file once, so a new runtime file cannot be left out of the copies.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    println!("cargo:rerun-if-changed={}", runtime.display());
    let mut crates: Vec<PathBuf> = read_dir(&runtime).into_iter().filter(|d| d.join("Cargo.toml").is_file()).collect();
    crates.sort();
    let mut out = String::from("&[\n");
    for dir in crates {
        let name = dir.file_name().and_then(|n| n.to_str()).expect("runtime crate directories are UTF-8");
        let src = dir.join("src");
        let mut files = Vec::new();
        files_under(&src, &mut files);
        files.sort();
        writeln!(out, "Source {{ name: {name:?}, manifest: include_str!({:?}), files: &[", dir.join("Cargo.toml"))
            .unwrap();
        for file in files {
            let relative =
                file.strip_prefix(&src).expect("under src").to_str().expect("UTF-8 paths").replace('\\', "/");
            writeln!(out, "    ({relative:?}, include_str!({file:?})),").unwrap();
        }
        out.push_str("] },\n");
    }
    out.push(']');
    let target = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("runtime_sources.rs");
    std::fs::write(&target, out).expect("OUT_DIR is writable");
}

fn read_dir(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    entries.map(|e| e.expect("a readable directory entry").path()).collect()
}

fn files_under(dir: &Path, files: &mut Vec<PathBuf>) {
    for path in read_dir(dir) {
        if path.is_dir() {
            files_under(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}
