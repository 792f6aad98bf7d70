//! `smithy-build.json`: projections with a `rust-client-codegen` entry become crates, with
//! smithy-rs's setting names; mistakes are errors naming the file and the projection.

use std::path::{Path, PathBuf};

const MODEL: &str = r#"{"smithy": "2.0", "shapes": {
    "ex#Svc": {"type": "service", "version": "1", "operations": [{"target": "ex#Op"}], "traits": {"aws.protocols#restJson1": {}, "smithy.api#title": "Example \"quoted\""}},
    "ex#Op": {"type": "operation", "traits": {"smithy.api#http": {"method": "GET", "uri": "/op"}}}
}}"#;

/// A directory with `models/ex.json` and `smithy-build.json` holding `build`.
fn project(name: &str, build: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("codegen-build-file-{}-{name}", std::process::id()));
    std::fs::create_dir_all(dir.join("models")).unwrap();
    std::fs::write(dir.join("models/ex.json"), MODEL).unwrap();
    std::fs::write(dir.join("smithy-build.json"), build).unwrap();
    dir
}

#[test]
fn projections_become_crates_with_their_manifest_settings() {
    let dir = project(
        "ok",
        r#"{"version": "1.0", "sources": ["models"], "projections": {
            "ex-client": {"plugins": {"rust-client-codegen": {
                "service": "ex#Svc", "module": "ex-client", "moduleVersion": "2.3.4",
                "moduleDescription": "Our \"ex\" client", "license": "MIT OR Apache-2.0",
                "minimumSupportedRustVersion": "1.85", "output": "crates/ex"}}},
            "defaults": {"plugins": {"rust-client-codegen": {}}},
            "other": {"plugins": {"someone-elses-plugin": {"any": 1}}}
        }}"#,
    );
    let projections = codegen::build_file::load(&dir.join("smithy-build.json")).unwrap();
    let names: Vec<&str> = projections.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["defaults", "ex-client"], "projections without our plugin are not ours");
    let ex = &projections[1];
    assert_eq!(ex.out, dir.join("crates/ex"));
    assert_eq!(ex.options.models, [dir.join("models/ex.json")]);
    let files = codegen::generate(&ex.options).unwrap();
    let manifest: toml::Table = files[Path::new("Cargo.toml")].parse().unwrap();
    let package = manifest["package"].as_table().unwrap();
    assert_eq!(package["name"].as_str(), Some("ex-client"));
    assert_eq!(package["version"].as_str(), Some("2.3.4"));
    assert_eq!(package["description"].as_str(), Some("Our \"ex\" client"));
    assert_eq!(package["license"].as_str(), Some("MIT OR Apache-2.0"));
    assert_eq!(package["rust-version"].as_str(), Some("1.85"));
    // Smithy's own place for a projection's output, and the generator's defaults.
    let defaults = &projections[0];
    assert_eq!(defaults.out, dir.join("build/smithy/defaults/rust-client-codegen"));
    let files = codegen::generate(&defaults.options).unwrap();
    let manifest: toml::Table = files[Path::new("Cargo.toml")].parse().unwrap();
    assert_eq!(manifest["package"]["version"].as_str(), Some("0.1.0"));
    assert_eq!(manifest["package"]["rust-version"].as_str(), Some("1.80"));
    let description = manifest["package"]["description"].as_str().unwrap();
    assert!(description.contains("Example \"quoted\""), "{description}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn mistakes_are_errors_naming_the_file_and_the_projection() {
    let cases = [
        (
            "typo",
            r#"{"version": "1.0", "sources": ["models"], "projections": {"p": {"plugins": {"rust-client-codegen": {"modul": "x"}}}}}"#,
            "unknown field `modul`",
        ),
        ("version", r#"{"version": "3.0", "sources": ["models"]}"#, "version `3.0`"),
        (
            "none",
            r#"{"version": "1.0", "sources": ["models"], "projections": {"p": {"plugins": {}}}}"#,
            "no projection has a `rust-client-codegen`",
        ),
        (
            "missing",
            r#"{"version": "1.0", "sources": ["nowhere"], "projections": {"p": {"plugins": {"rust-client-codegen": {}}}}}"#,
            "does not exist",
        ),
        (
            "transforms",
            r#"{"version": "1.0", "sources": ["models"], "projections": {"p": {"transforms": [{"name": "excludeShapesByTag"}], "plugins": {"rust-client-codegen": {}}}}}"#,
            "transforms are not supported",
        ),
    ];
    for (name, build, expected) in cases {
        let dir = project(name, build);
        let error = codegen::build_file::load(&dir.join("smithy-build.json")).unwrap_err().to_string();
        assert!(error.contains("smithy-build.json") || error.contains("nowhere"), "{name}: {error}");
        assert!(error.contains(expected), "{name}: {error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
    let dir = project(
        "msrv",
        r#"{"version": "1.0", "sources": ["models"], "plugins": {"rust-client-codegen": {"minimumSupportedRustVersion": "1.70"}}}"#,
    );
    let source = codegen::build_file::load(&dir.join("smithy-build.json")).unwrap();
    assert_eq!(source[0].name, "source", "top-level plugins build the source projection");
    let error = codegen::generate(&source[0].options).unwrap_err().to_string();
    assert!(error.contains("needs Rust 1.80"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn crates_of_one_output_folder_share_one_runtime_copy() {
    let dir = project(
        "shared",
        r#"{"version": "1.0", "sources": ["models"], "projections": {
            "a": {"plugins": {"rust-client-codegen": {"module": "svc-a", "output": "crates/svc-a"}}},
            "b": {"plugins": {"rust-client-codegen": {"module": "svc-b", "output": "crates/svc-b"}}}
        }}"#,
    );
    let projections = codegen::build_file::load(&dir.join("smithy-build.json")).unwrap();
    let folders = codegen::runtime_folders(projections.iter().map(|p| (&p.options, p.out.as_path())));
    assert_eq!(folders, [dir.join("crates")], "one runtime copy for both");
    for check in [false, true] {
        for projection in &projections {
            let synced = codegen::sync(&projection.options, &projection.out, check).unwrap();
            assert!(synced.stale.is_empty(), "{:?}", synced.stale);
        }
        let synced = codegen::sync_runtime(&folders[0], check).unwrap();
        assert!(synced.stale.is_empty(), "{:?}", synced.stale);
    }
    for krate in ["svc-a", "svc-b"] {
        let manifest: toml::Table =
            std::fs::read_to_string(dir.join("crates").join(krate).join("Cargo.toml")).unwrap().parse().unwrap();
        assert_eq!(manifest["dependencies"]["smithy-runtime"]["path"].as_str(), Some("../smithy-runtime"));
    }
    for runtime in ["smithy-runtime/Cargo.toml", "smithy-runtime/src/config.rs", "smithy-config/src/transport.rs"] {
        assert!(dir.join("crates").join(runtime).is_file(), "{runtime} written beside the crates");
    }
    // An edited runtime file is stale.
    std::fs::write(dir.join("crates/smithy-runtime/src/config.rs"), "edited").unwrap();
    let stale = codegen::sync_runtime(&folders[0], true).unwrap().stale;
    assert_eq!(stale, [Path::new("smithy-runtime/src/config.rs")]);
    std::fs::remove_dir_all(&dir).unwrap();
}
