//! `generated/` is exactly what the generator writes for `model/` now.

use std::path::Path;

#[test]
fn generated_crates_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let jobs = codegen::workspace::jobs(root).unwrap();
    assert!(jobs.len() > 1, "generated/ and the fixture crates");
    for job in jobs {
        let stale = codegen::sync(&job.options, &job.out, true).unwrap().stale;
        assert!(stale.is_empty(), "{} is stale: {stale:?}; run `cargo xtask codegen` and commit", job.out.display());
    }
}

#[test]
fn stale_check_notices_edits_missing_and_extra_files() {
    let dir = std::env::temp_dir().join(format!("codegen-stale-{}", std::process::id()));
    let mut files = codegen::Files::new();
    files.insert("a.rs".into(), "one".into());
    files.insert("src/b.rs".into(), "two".into());
    codegen::write_atomically(&dir, &files).unwrap();
    assert!(codegen::stale_files(&dir, &files).is_empty());

    std::fs::write(dir.join("a.rs"), "edited").unwrap();
    std::fs::write(dir.join("extra.rs"), "x").unwrap();
    std::fs::remove_file(dir.join("src/b.rs")).unwrap();
    let stale = codegen::stale_files(&dir, &files);
    assert_eq!(stale, vec![Path::new("a.rs"), Path::new("extra.rs"), Path::new("src/b.rs")]);

    // Rewriting replaces the directory wholesale: the extra file is gone.
    codegen::write_atomically(&dir, &files).unwrap();
    assert!(codegen::stale_files(&dir, &files).is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}
