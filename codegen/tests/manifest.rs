//! Generated crates depend on `smithy-runtime`, so what their manifests ask of it must exist in
//! the runtime's own manifest; and the runtime copies `cargo xtask codegen` writes are the
//! runtime crates of `runtime/`, whole, without their tests.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

fn table(text: &str, what: &str) -> toml::Table {
    text.parse().unwrap_or_else(|e| panic!("{what} is not TOML: {e}"))
}

fn source_manifest(krate: &str) -> toml::Table {
    let path = root().join("runtime").join(krate).join("Cargo.toml");
    table(&std::fs::read_to_string(&path).unwrap(), &path.display().to_string())
}

fn features(dependency: &toml::Value) -> Vec<String> {
    dependency
        .get("features")
        .and_then(|f| f.as_array())
        .map_or_else(Vec::new, |f| f.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
}

#[test]
fn generated_manifests_ask_only_for_what_the_runtime_has() {
    let runtime = source_manifest("smithy-runtime");
    let runtime_features = runtime["features"].as_table().unwrap();
    let options =
        codegen::Options { models: vec![root().join("model/iotmanagedintegrations.json")], ..Default::default() };
    let files = codegen::generate(&options).unwrap();
    let generated = table(&files[Path::new("Cargo.toml")], "the generated manifest");

    let dependency = &generated["dependencies"]["smithy-runtime"];
    let dev = &generated["dev-dependencies"]["smithy-runtime"];
    for dep in [dependency, dev] {
        assert_eq!(dep["path"].as_str(), Some("../smithy-runtime"));
        for feature in features(dep) {
            assert!(runtime_features.contains_key(&feature), "the runtime has no feature `{feature}`");
        }
    }
    assert_eq!(features(dependency), ["json", "rest-json", "endpoint"]);
    assert_eq!(features(dev), ["test-util"]);
    // The crate's own features only forward to the runtime's; it has no dependency of its own.
    let own = generated["features"].as_table().unwrap();
    assert_eq!(own["default"].as_array().map(Vec::len), Some(0));
    assert_eq!(own["client"].as_array().unwrap(), &[toml::Value::from("smithy-runtime/client")]);
    assert!(runtime_features.contains_key("client"));
    assert_eq!(generated["dependencies"].as_table().unwrap().len(), 1, "only the runtime");
}

#[test]
fn runtime_copies_are_the_runtime_crates_without_their_tests() {
    for (krate, files) in codegen::runtime::crates().unwrap() {
        let source = source_manifest(krate);
        let copy = table(&files[Path::new("Cargo.toml")], &format!("{krate}'s copied manifest"));
        assert_eq!(copy["package"]["version"].as_str(), Some(codegen::runtime::VERSION));
        assert_eq!(copy["package"]["name"], source["package"]["name"]);
        assert_eq!(copy.get("features"), source.get("features"), "{krate}: [features]");
        assert_eq!(copy["dependencies"], source["dependencies"], "{krate}: [dependencies]");
        let manifest_text = std::fs::read_to_string(root().join("runtime").join(krate).join("Cargo.toml")).unwrap();
        // The service clients the runtime uses were generated: they are copied whole, tests and all.
        let generated = manifest_text.starts_with(&format!("# {}", codegen::render::HEADER));
        if generated {
            assert_eq!(copy.get("dev-dependencies"), source.get("dev-dependencies"), "{krate}: [dev-dependencies]");
        } else {
            assert!(copy.get("dev-dependencies").is_none(), "{krate}: the tests stay in runtime/");
        }

        // Every source file is embedded (a new module cannot be left out of the copies).
        let dir = root().join("runtime").join(krate).join("src");
        let mut on_disk = Vec::new();
        files_under(&dir, &dir, &mut on_disk);
        on_disk.sort();
        let mut embedded: Vec<String> = files
            .keys()
            .filter_map(|p| p.strip_prefix("src").ok())
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect();
        embedded.sort();
        assert_eq!(embedded, on_disk, "{krate}: the files codegen/build.rs embeds");
        for file in &on_disk {
            let copied = &files[&Path::new("src").join(file)];
            let original = std::fs::read_to_string(dir.join(file)).unwrap();
            if generated {
                assert_eq!(copied, &original, "{krate}/src/{file}: copied as generated");
                continue;
            }
            let body = copied.split_once('\n').unwrap().1;
            assert!(original.starts_with(body), "{krate}/src/{file}: the copy is the source up to its tests");
            assert!(!body.contains("#[cfg(test)]\nmod "), "{krate}/src/{file}: no unit tests in the copy");
        }
    }
}

/// The `.rs` files under `dir`, by path relative to `base` with `/` separators.
fn files_under(base: &Path, dir: &Path, files: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(base, &path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/"));
        }
    }
}
