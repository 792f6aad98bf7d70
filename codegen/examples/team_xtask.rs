//! How a team drives the generator from its own repository's `xtask`: this is such an xtask's
//! `main`, whole. Its repository has a `smithy-build.json` (models and a `rust-client-codegen`
//! projection per crate) and depends on `codegen` (a path or git dependency). `cargo xtask
//! codegen` then writes every crate, and one copy of the runtime crates beside them
//! (`smithy-runtime`, `smithy-config`) per output folder, which the crates of that folder share;
//! `cargo xtask codegen --check` fails when any of it is stale.
//!
//! Run it here with `cargo run -p codegen --example team_xtask -- [--check] [smithy-build.json]`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let build_file =
        args.iter().find(|a| !a.starts_with("--")).map_or_else(|| PathBuf::from("smithy-build.json"), PathBuf::from);
    match run(&build_file, check) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(build_file: &std::path::Path, check: bool) -> Result<(), String> {
    let projections = codegen::build_file::load(build_file).map_err(|e| e.to_string())?;
    let mut stale = Vec::new();
    for folder in codegen::runtime_folders(projections.iter().map(|p| (&p.options, p.out.as_path()))) {
        let synced = codegen::sync_runtime(&folder, check).map_err(|e| e.to_string())?;
        stale.extend(synced.stale.iter().map(|p| format!("{}/{}", folder.display(), p.display())));
        if !check {
            println!("runtime: wrote {} files to {}", synced.files, folder.display());
        }
    }
    for projection in projections {
        let synced = codegen::sync(&projection.options, &projection.out, check).map_err(|e| e.to_string())?;
        for warning in &synced.warnings {
            eprintln!("warning: {warning}");
        }
        stale.extend(synced.stale.iter().map(|p| format!("{}/{}", projection.out.display(), p.display())));
        if !check {
            println!("{}: wrote {} files to {}", projection.name, synced.files, projection.out.display());
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(format!("stale generated files:\n  {}\nrun `cargo xtask codegen` and commit", stale.join("\n  ")))
    }
}
