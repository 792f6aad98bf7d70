//! Pins the generated code for `model/` and for the fixture models that have no committed crate
//! under `tests/fixtures/` (those are pinned by `cargo xtask codegen --check` instead): one
//! snapshot per crate, each file under a `=== path` line. Review changes with
//! `cargo insta review` (or accept with `INSTA_UPDATE=always`).

use std::path::{Path, PathBuf};

use codegen::Options;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

fn crate_text(models: Vec<PathBuf>) -> String {
    let files = codegen::generate(&Options { models, ..Options::default() }).unwrap();
    let mut text = String::new();
    for (path, contents) in files {
        text.push_str(&format!("=== {}\n{contents}\n", path.display()));
    }
    text
}

#[test]
fn model_crate() {
    insta::assert_snapshot!(
        "iotmanagedintegrations",
        crate_text(vec![root().join("model/iotmanagedintegrations.json")])
    );
}

#[test]
fn fixture_crates() {
    let dir = root().join("codegen/tests/fixtures");
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    fixtures.sort();
    assert!(fixtures.len() >= 8, "expected the fixture models in {}", dir.display());
    for fixture in fixtures {
        let name = fixture.file_stem().unwrap().to_string_lossy().into_owned();
        if root().join("tests/fixtures").join(&name).is_dir() {
            continue;
        }
        insta::assert_snapshot!(format!("fixture-{name}"), crate_text(vec![fixture]));
    }
}
