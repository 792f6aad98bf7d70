//! The protocol a crate speaks: the one AWS SDKs prefer among those the service declares, or
//! the one asked for; a service declaring none is an error unless only types are asked for.

use std::path::{Path, PathBuf};

fn model(name: &str, protocols: &[&str]) -> PathBuf {
    let traits: Vec<String> = protocols.iter().map(|p| format!("\"{p}\": {{}}")).collect();
    let text = format!(
        r#"{{"smithy": "2.0", "shapes": {{
            "ex#Svc": {{"type": "service", "version": "1", "operations": [{{"target": "ex#Op"}}], "traits": {{{}}}}},
            "ex#Op": {{"type": "operation", "input": {{"target": "ex#OpInput"}}, "traits": {{"smithy.api#http": {{"method": "POST", "uri": "/op"}}}}}},
            "ex#OpInput": {{"type": "structure", "members": {{"name": {{"target": "smithy.api#String"}}}}}}
        }}}}"#,
        traits.join(", ")
    );
    let dir = std::env::temp_dir().join(format!("codegen-protocols-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("model.json");
    std::fs::write(&path, text).unwrap();
    path
}

fn generate(path: PathBuf, protocol: Option<&str>, types_only: bool) -> codegen::Result<codegen::Files> {
    let options = codegen::Options {
        models: vec![path],
        protocol: protocol.map(str::to_owned),
        types_only,
        ..Default::default()
    };
    codegen::generate(&options)
}

#[test]
fn every_protocol_is_spoken() {
    for protocol in codegen::model::Protocol::PREFERENCE {
        let files = generate(model(protocol.name(), &[protocol.trait_id()]), None, false)
            .unwrap_or_else(|e| panic!("{}: {e}", protocol.name()));
        assert!(files.contains_key(Path::new("src/protocol.rs")), "{}", protocol.name());
    }
}

#[test]
fn a_document_in_an_xml_protocol_is_an_error_naming_the_member() {
    let path = model("document", &["aws.protocols#restXml"]);
    let text = std::fs::read_to_string(&path).unwrap().replace("smithy.api#String", "smithy.api#Document");
    std::fs::write(&path, text).unwrap();
    let error = generate(path, None, false).unwrap_err().to_string();
    assert!(error.contains("ex#OpInput$name") && error.contains("restXml"), "{error}");
}

#[test]
fn types_only_generates_types_without_wire_code_or_client() {
    let files = generate(model("types", &["aws.protocols#awsJson1_0"]), None, true).unwrap();
    assert!(files.contains_key(Path::new("src/operation/op/_op_input.rs")));
    for absent in ["src/protocol.rs", "src/client.rs", "src/http.rs"] {
        assert!(!files.contains_key(Path::new(absent)), "{absent}");
    }
}

#[test]
fn a_service_without_a_protocol_is_an_error() {
    let error = generate(model("none", &[]), None, false).unwrap_err().to_string();
    assert!(error.contains("declares no protocol"), "{error}");
}

#[test]
fn the_preferred_protocol_is_chosen_and_can_be_overridden() {
    // CloudWatch-like: rpcv2Cbor is preferred over the JSON and query protocols; asking for
    // restJson1 (declared too) works.
    let both = ["aws.protocols#awsQuery", "smithy.protocols#rpcv2Cbor", "aws.protocols#restJson1"];
    let files = generate(model("prefer", &both), None, false).unwrap();
    assert!(files[Path::new("src/protocol.rs")].contains("rpcv2Cbor serializers"));
    assert!(files[Path::new("src/operation/op.rs")].contains("/service/Svc/operation/Op"));
    let files = generate(model("override", &both), Some("restJson1"), false).unwrap();
    assert!(files[Path::new("src/protocol.rs")].contains("restJson1 serializers"));
    let undeclared = generate(model("undeclared", &["aws.protocols#restJson1"]), Some("awsJson1_1"), false);
    assert!(undeclared.unwrap_err().to_string().contains("does not declare"));
    let unknown = generate(model("unknown", &["aws.protocols#restJson1"]), Some("soap"), false);
    assert!(unknown.unwrap_err().to_string().contains("unknown protocol `soap`"));
}

#[test]
fn test_case_params_are_checked_when_the_ir_is_built() {
    let text = r#"{"smithy": "2.0", "shapes": {
        "ex#Svc": {"type": "service", "operations": [{"target": "ex#Op"}], "traits": {"aws.protocols#restJson1": {}}},
        "ex#Op": {"type": "operation", "input": {"target": "ex#OpInput"}, "traits": {
            "smithy.api#http": {"method": "POST", "uri": "/op"},
            "smithy.test#httpRequestTests": [{"id": "BadParams", "protocol": "aws.protocols#restJson1", "method": "POST", "uri": "/op",
                "params": {"count": "not a number"}}]}},
        "ex#OpInput": {"type": "structure", "members": {"count": {"target": "smithy.api#Integer"}}}
    }}"#;
    let dir = std::env::temp_dir().join(format!("codegen-protocols-{}-params", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("model.json");
    std::fs::write(&path, text).unwrap();
    let error = generate(path, None, false).unwrap_err().to_string();
    assert!(error.contains("test case `BadParams`") && error.contains("integer"), "{error}");
}

#[test]
fn aws_json_sends_every_member_in_the_body_under_its_own_name() {
    // HTTP binding traits and `@jsonName` do not apply to the JSON RPC protocols.
    let text = r#"{"smithy": "2.0", "shapes": {
        "ex#Svc": {"type": "service", "version": "1", "operations": [{"target": "ex#Op"}], "traits": {"aws.protocols#awsJson1_1": {}}},
        "ex#Op": {"type": "operation", "input": {"target": "ex#OpInput"}, "traits": {"smithy.api#http": {"method": "GET", "uri": "/op/{id}"}}},
        "ex#OpInput": {"type": "structure", "members": {
            "id": {"target": "smithy.api#String", "traits": {"smithy.api#httpLabel": {}, "smithy.api#required": {}}},
            "name": {"target": "smithy.api#String", "traits": {"smithy.api#httpHeader": "X-Name", "smithy.api#jsonName": "Renamed"}}}}
    }}"#;
    let dir = std::env::temp_dir().join(format!("codegen-protocols-{}-aws-json", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("model.json");
    std::fs::write(&path, text).unwrap();
    let files = generate(path, None, false).unwrap();
    let op = &files[Path::new("src/operation/op.rs")];
    for expected in [
        r#"headers.insert("Content-Type", "application/x-amz-json-1.1");"#,
        r#"headers.insert("X-Amz-Target", "Svc.Op");"#,
        r#"w.key("id");"#,
        r#"w.key("name");"#,
        r#"uri: String::from("/")"#,
    ] {
        assert!(op.contains(expected), "`{expected}` in:\n{op}");
    }
    for absent in ["Renamed", "X-Name", "/op/"] {
        assert!(!op.contains(absent), "`{absent}` in:\n{op}");
    }
}

#[test]
fn an_operation_error_without_the_error_trait_is_refused() {
    let text = r#"{"smithy": "2.0", "shapes": {
        "ex#Svc": {"type": "service", "version": "1", "operations": [{"target": "ex#Op"}], "traits": {"aws.protocols#awsJson1_0": {}}},
        "ex#Op": {"type": "operation", "errors": [{"target": "ex#NotAnError"}]},
        "ex#NotAnError": {"type": "structure", "members": {"message": {"target": "smithy.api#String"}}}
    }}"#;
    let dir = std::env::temp_dir().join(format!("codegen-protocols-{}-not-an-error", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("model.json");
    std::fs::write(&path, text).unwrap();
    let error = generate(path, None, false).unwrap_err().to_string();
    assert!(error.contains("ex#Op") && error.contains("ex#NotAnError") && error.contains("no @error"), "{error}");
}
