//! Generated crates copy the runtime modules of `codegen/inlineable`, so their manifest must
//! give those modules the same features and dependencies as the runtime's own manifest.

use std::path::Path;

fn table(text: &str, what: &str) -> toml::Table {
    text.parse().unwrap_or_else(|e| panic!("{what} is not TOML: {e}"))
}

#[test]
fn generated_manifests_ask_for_the_runtimes_dependencies_and_features() {
    let runtime = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("inlineable/Cargo.toml")).unwrap();
    let runtime = table(&runtime, "codegen/inlineable/Cargo.toml");
    let generated = table(codegen::render::CLIENT_MANIFEST, "the generated client manifest");
    assert_eq!(generated["dependencies"], runtime["dependencies"], "[dependencies]");
    // The runtime turns everything on by default so all of it is compiled and tested;
    // generated crates default to the sans-IO core.
    let features = |t: &toml::Table| -> toml::Table {
        let mut f = t["features"].as_table().unwrap().clone();
        f.remove("default");
        f
    };
    assert_eq!(features(&generated), features(&runtime), "[features] besides `default`");
    assert_eq!(generated["features"]["default"].as_array().map(Vec::len), Some(0));
}
