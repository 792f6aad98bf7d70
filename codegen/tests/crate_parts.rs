//! A crate declares exactly the modules it has files for, and re-exports exactly the runtime
//! modules whose features it turns on, whatever the model mixes.

use std::path::Path;

/// A service without a protocol (generated types-only), whose operation still carries test cases.
const NO_PROTOCOL: &str = r#"{"smithy": "2.0", "shapes": {
    "ex#Svc": {"type": "service", "operations": [{"target": "ex#Op"}]},
    "ex#Op": {"type": "operation", "traits": {
        "smithy.api#http": {"method": "GET", "uri": "/op"},
        "smithy.test#httpRequestTests": [{"id": "OpRequest", "protocol": "aws.protocols#restJson1", "method": "GET", "uri": "/op"}]}}}}"#;

#[test]
fn test_cases_without_a_spoken_protocol_generate_no_test_module() {
    let dir = std::env::temp_dir().join(format!("codegen-parts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("model.json");
    std::fs::write(&model, NO_PROTOCOL).unwrap();
    let options =
        codegen::Options { models: vec![model], roundtrip_tests: true, types_only: true, ..Default::default() };
    let files = codegen::generate(&options).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    let lib = &files[Path::new("src/lib.rs")];
    for module in ["protocol_tests", "roundtrip_tests", "protocol"] {
        let declared = lib.contains(&format!("mod {module};"));
        let has_file = files.contains_key(Path::new(&format!("src/{module}.rs")));
        assert_eq!(declared, has_file, "`{module}`: declared {declared}, file {has_file}");
        assert!(!has_file, "types only, so no `{module}`");
    }
    // Types only: the runtime's primitives and errors, none of its wire or test modules.
    assert!(lib.contains("pub use ::smithy_runtime::{error, primitives};"), "{lib}");
    for module in ["protocol_test_util", "test_rng"] {
        assert!(!lib.contains(module), "types only, so no `{module}`:\n{lib}");
    }
    let manifest = &files[Path::new("Cargo.toml")];
    assert!(manifest.contains("smithy-runtime = { path = \"../smithy-runtime\" }"), "no runtime features:\n{manifest}");
    assert!(!manifest.contains("[dev-dependencies]") && !manifest.contains("[features]"), "{manifest}");
}

/// A types-only crate with endpoint rules (an awsJson1_0 service, say) still gets the modules
/// its rules engine needs: JSON for the rule set, HTTP for `uriEncode`.
#[test]
fn endpoint_rules_bring_their_json_module_without_a_protocol() {
    const RULES: &str = r#"{"smithy": "2.0", "shapes": {
        "ex#Svc": {"type": "service", "version": "1", "traits": {
            "aws.protocols#awsJson1_0": {},
            "smithy.rules#endpointRuleSet": {"version": "1.0", "parameters": {"Region": {"type": "string", "builtIn": "AWS::Region", "required": false}},
                "rules": [{"conditions": [], "endpoint": {"url": "https://example.com"}, "type": "endpoint"}]}}}}}"#;
    let dir = std::env::temp_dir().join(format!("codegen-parts-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("model.json");
    std::fs::write(&model, RULES).unwrap();
    let options = codegen::Options { models: vec![model], types_only: true, ..Default::default() };
    let files = codegen::generate(&options).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let lib = &files[Path::new("src/lib.rs")];
    assert!(lib.contains("pub use ::smithy_runtime::{endpoint, error, http, json, primitives};"), "{lib}");
    assert!(lib.contains("pub mod endpoint_rules;") && files.contains_key(Path::new("src/endpoint_rules.rs")));
    let manifest = &files[Path::new("Cargo.toml")];
    assert!(
        manifest.contains(r#"features = ["json", "endpoint"]"#),
        "the runtime's JSON and rules engine:\n{manifest}"
    );
    assert!(!files.contains_key(Path::new("src/protocol.rs")), "no wire code");
}

/// `@requestCompression` is the client's business: the sans-IO core keeps a runtime without
/// flate2, the `client` feature turns compression on, and so do the case tests.
#[test]
fn request_compression_is_a_client_and_test_feature() {
    const COMPRESSED: &str = r#"{"smithy": "2.0", "shapes": {
        "ex#Svc": {"type": "service", "version": "1", "operations": [{"target": "ex#Put"}], "traits": {"aws.protocols#awsJson1_1": {}}},
        "ex#Put": {"type": "operation", "input": {"target": "ex#PutInput"}, "traits": {
            "smithy.api#requestCompression": {"encodings": ["gzip"]},
            "smithy.test#httpRequestTests": [{"id": "PutSmall", "protocol": "aws.protocols#awsJson1_1", "method": "POST", "uri": "/",
                "body": "{}", "bodyMediaType": "application/json", "params": {}}]}},
        "ex#PutInput": {"type": "structure", "members": {"data": {"target": "smithy.api#String"}}}}}"#;
    let dir = std::env::temp_dir().join(format!("codegen-parts-compression-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("model.json");
    std::fs::write(&model, COMPRESSED).unwrap();
    let files = codegen::generate(&codegen::Options { models: vec![model], ..Default::default() }).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let manifest: toml::Table = files[Path::new("Cargo.toml")].parse().unwrap();
    let strings = |v: &toml::Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(strings(&manifest["dependencies"]["smithy-runtime"]["features"]), ["json", "rest-json"]);
    assert_eq!(strings(&manifest["features"]["client"]), ["smithy-runtime/client", "smithy-runtime/compression"]);
    assert_eq!(strings(&manifest["dev-dependencies"]["smithy-runtime"]["features"]), ["test-util", "compression"]);
    let client = &files[Path::new("src/operation/put.rs")];
    assert!(client.contains(r#"const REQUEST_COMPRESSION: &'static [&'static str] = &["gzip"];"#), "{client}");
}
