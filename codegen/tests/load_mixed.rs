//! A model is a set of files: IDL files resolve names against each other and against JSON AST
//! files, and everything merges into one model.

use codegen::model::{load_files, ShapeId, ShapeKind};

#[test]
fn idl_and_json_files_load_as_one_model() {
    let dir = std::env::temp_dir().join(format!("codegen-mixed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let a = dir.join("a.smithy");
    let b = dir.join("b.smithy");
    let c = dir.join("c.json");
    std::fs::write(&a, "$version: \"2\"\nnamespace ex\n\n/// A widget.\nstructure Widget with [Named] {\n    @required\n    size: Size\n    part: Part\n}\n").unwrap();
    std::fs::write(&b, "$version: \"2\"\nnamespace ex\n\n@mixin\nstructure Named {\n    name: String = \"anonymous\"\n}\n\ninteger Size\n\napply Widget @sensitive\n").unwrap();
    std::fs::write(&c, r#"{"smithy": "2.0", "shapes": {"ex#Part": {"type": "string"}}}"#).unwrap();

    let model = load_files(&[a, b, c]).unwrap();
    let widget = &model.shapes[&ShapeId::parse("ex#Widget").unwrap()];
    assert_eq!(widget.traits.documentation.as_deref(), Some("A widget."));
    assert!(widget.traits.sensitive, "applied from another file");
    let ShapeKind::Structure(members) = &widget.kind else { panic!("a structure") };
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["name", "size", "part"], "mixin members come first");
    assert_eq!(members[0].traits.default, Some(serde_json::json!("anonymous")));
    assert_eq!(members[1].target.to_string(), "ex#Size", "resolved to the other IDL file's shape");
    assert_eq!(members[2].target.to_string(), "ex#Part", "resolved to the JSON file's shape");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn idl_errors_name_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("codegen-mixed-err-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.smithy");
    std::fs::write(&bad, "$version: \"2\"\nnamespace ex\n\nstructure Broken {\n    a: String\n").unwrap();
    let err = load_files(&[bad]).unwrap_err().to_string();
    assert!(err.contains("bad.smithy:") && err.contains("Broken"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
