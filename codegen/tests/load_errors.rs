//! Bad models give an error naming the file, the place and the problem; never a panic.

use std::path::Path;

use codegen::model::load_str;

/// Loads `json` as `bad.json` and returns the error's text.
fn error(json: &str) -> String {
    match load_str(Path::new("bad.json"), json) {
        Ok(_) => panic!("expected an error for {json}"),
        Err(e) => e.to_string(),
    }
}

fn assert_error(json: &str, expected: &[&str]) {
    let message = error(json);
    assert!(message.starts_with("bad.json"), "names the file: {message}");
    for part in expected {
        assert!(message.contains(part), "expected `{part}` in: {message}");
    }
}

#[test]
fn malformed_json_names_line_and_column() {
    assert_error("{\n  \"smithy\": \"2.0\",\n  \"shapes\": {,}\n}", &["bad.json:3:", "malformed JSON"]);
    assert_error("", &["bad.json:1:", "malformed JSON"]);
}

#[test]
fn document_level_problems() {
    assert_error("[]", &["must be a JSON object"]);
    assert_error(r#"{"shapes": {}}"#, &["missing the `smithy` version"]);
    assert_error(r#"{"smithy": "3.0"}"#, &["unsupported Smithy version `3.0`"]);
    assert_error(r#"{"smithy": "2.0", "shapes": []}"#, &["`shapes` must be an object"]);
    assert_error(r#"{"smithy": "2.0", "shapes": {"NoNamespace": {"type": "string"}}}"#, &["not an absolute shape id"]);
}

#[test]
fn dangling_target_names_the_member_and_target() {
    let json = r#"{"smithy": "2.0", "shapes": {
        "ex#S": {"type": "structure", "members": {"a": {"target": "ex#Missing"}}}}}"#;
    assert_error(json, &["shape `ex#S$a`", "target `ex#Missing` does not exist"]);
}

#[test]
fn wrong_reference_kinds() {
    let json = r#"{"smithy": "2.0", "shapes": {
        "ex#Op": {"type": "operation", "input": {"target": "smithy.api#String"}}}}"#;
    assert_error(json, &["shape `ex#Op`", "input `smithy.api#String` is a string, expected a structure"]);
    let json = r#"{"smithy": "2.0", "shapes": {
        "ex#Op": {"type": "operation", "errors": [{"target": "ex#E"}]},
        "ex#E": {"type": "structure"}}}"#;
    assert_error(json, &["shape `ex#Op`", "error `ex#E` has no @error trait"]);
    let json = r#"{"smithy": "2.0", "shapes": {"ex#Svc": {"type": "service", "operations": [{"target": "ex#Nope"}]}}}"#;
    assert_error(json, &["shape `ex#Svc`", "operation `ex#Nope` does not exist"]);
}

#[test]
fn bad_shapes_and_traits() {
    assert_error(
        r#"{"smithy": "2.0", "shapes": {"ex#A": {"type": "thing"}}}"#,
        &["shape `ex#A`", "unknown shape type `thing`"],
    );
    assert_error(
        r#"{"smithy": "2.0", "shapes": {"ex#A": {"traits": {}}}}"#,
        &["shape `ex#A`", "missing the `type` property"],
    );
    assert_error(
        r#"{"smithy": "2.0", "shapes": {"ex#A": {"type": "list"}}}"#,
        &["shape `ex#A`", "missing the `member` member"],
    );
    assert_error(
        r#"{"smithy": "2.0", "shapes": {"ex#A": {"type": "set", "member": {"target": "smithy.api#String"}}}}"#,
        &["`set` is not allowed in Smithy 2.0"],
    );
    assert_error(
        r#"{"smithy": "2.0", "shapes": {"ex#E": {"type": "structure", "traits": {"smithy.api#error": "oops"}}}}"#,
        &["shape `ex#E`", "trait `smithy.api#error`", "oops"],
    );
    assert_error(
        r#"{"smithy": "2.0", "shapes": {"ex#S": {"type": "structure", "members": {"a": {"target": "smithy.api#Integer", "traits": {"smithy.api#jsonName": 5}}}}}}"#,
        &["shape `ex#S$a`", "trait `smithy.api#jsonName`", "expected a string"],
    );
}

#[test]
fn apply_and_mixin_problems() {
    let json = r#"{"smithy": "2.0", "shapes": {"ex#Nope": {"type": "apply", "traits": {"smithy.api#sensitive": {}}}}}"#;
    assert_error(json, &["shape `ex#Nope`", "`apply` targets a shape that does not exist"]);
    let json = r#"{"smithy": "2.0", "shapes": {
        "ex#S": {"type": "string"},
        "ex#S$x": {"type": "apply", "traits": {"smithy.api#sensitive": {}}}}}"#;
    assert_error(json, &["shape `ex#S$x`", "`apply` targets a member of a shape that has none"]);
    let json = r#"{"smithy": "2.0", "shapes": {
        "ex#A": {"type": "structure", "mixins": [{"target": "ex#B"}], "traits": {"smithy.api#mixin": {}}},
        "ex#B": {"type": "structure", "mixins": [{"target": "ex#A"}], "traits": {"smithy.api#mixin": {}}}}}"#;
    assert_error(json, &["mixins form a cycle"]);
    let json = r#"{"smithy": "2.0", "shapes": {
        "ex#A": {"type": "structure", "mixins": [{"target": "ex#B"}]},
        "ex#B": {"type": "structure"}}}"#;
    assert_error(json, &["shape `ex#A`", "no @mixin trait"]);
}

/// The spec's conflict resolution: equal values merge, lists concatenate, anything else fails.
#[test]
fn applied_trait_conflicts() {
    // One JSON object cannot hold `ex#S` twice, so the apply comes from a second file.
    let dir = std::env::temp_dir().join(format!("codegen-apply-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let base = dir.join("base.json");
    std::fs::write(
        &base,
        r#"{"smithy": "2.0", "shapes": {"ex#S": {"type": "string",
        "traits": {"smithy.api#documentation": "one", "smithy.api#tags": ["a"]}}}}"#,
    )
    .unwrap();
    let load = |traits: &str| {
        let apply = dir.join("apply.json");
        std::fs::write(
            &apply,
            format!(r#"{{"smithy": "2.0", "shapes": {{"ex#S": {{"type": "apply", "traits": {traits}}}}}}}"#),
        )
        .unwrap();
        codegen::model::load_files(&[base.clone(), apply])
    };
    let id = codegen::model::ShapeId::parse("ex#S").unwrap();

    let merged = load(r#"{"smithy.api#documentation": "one", "smithy.api#tags": ["b"]}"#).unwrap();
    let traits = &merged.shapes[&id].traits;
    assert_eq!(traits.documentation.as_deref(), Some("one"), "equal values merge");
    let tags = &traits.other[&codegen::model::ShapeId::parse("smithy.api#tags").unwrap()];
    assert_eq!(tags, &serde_json::json!(["a", "b"]), "lists concatenate");

    let err = load(r#"{"smithy.api#documentation": "two"}"#).unwrap_err().to_string();
    assert!(err.contains("apply.json") && err.contains("shape `ex#S`") && err.contains("conflicting values"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Traits a shape inherits from its mixins are superseded by `apply`, not in conflict with it;
/// lists may take their member from a mixin.
#[test]
fn apply_overrides_traits_inherited_from_mixins() {
    let json = r#"{"smithy": "2.0", "shapes": {
        "ex#Base": {"type": "structure", "traits": {"smithy.api#mixin": {}, "smithy.api#documentation": "base"},
                    "members": {"a": {"target": "smithy.api#String", "traits": {"smithy.api#documentation": "inherited"}}}},
        "ex#S": {"type": "structure", "mixins": [{"target": "ex#Base"}]},
        "ex#S$a": {"type": "apply", "traits": {"smithy.api#documentation": "applied"}},
        "ex#ListBase": {"type": "list", "member": {"target": "smithy.api#String"}, "traits": {"smithy.api#mixin": {}}},
        "ex#L": {"type": "list", "mixins": [{"target": "ex#ListBase"}]}}}"#;
    let model = load_str(Path::new("mixins.json"), json).unwrap();
    let s = &model.shapes[&codegen::model::ShapeId::parse("ex#S").unwrap()];
    assert_eq!(s.traits.documentation.as_deref(), Some("base"), "shape traits are inherited");
    assert_eq!(s.kind.members()[0].traits.documentation.as_deref(), Some("applied"));
    let l = &model.shapes[&codegen::model::ShapeId::parse("ex#L").unwrap()];
    assert_eq!(l.kind.members()[0].target.to_string(), "smithy.api#String");
    // A conflict with the shape's own trait is still an error.
    let own = json.replace(r#""ex#S": {"type": "structure","#, r#""ex#S": {"type": "structure", "members": {"a": {"target": "smithy.api#String", "traits": {"smithy.api#documentation": "own"}}},"#);
    assert!(error(&own).contains("conflicting values"));
}

#[test]
fn resource_properties_need_smithy_2() {
    let json = r#"{"smithy": "1.0", "shapes": {"ex#R": {"type": "resource", "properties": {"p": {"target": "smithy.api#String"}}}}}"#;
    assert_error(json, &["shape `ex#R`", "resource `properties` need Smithy 2.0"]);
}
