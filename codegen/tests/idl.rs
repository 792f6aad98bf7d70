//! The Smithy IDL parser: each construct against the JSON AST it stands for, errors with their
//! line and column, and random mutations that must never panic.

use std::path::Path;

use codegen::error::Location;
use codegen::model::idl::{self, Json};
use serde_json::json;

fn parse(text: &str) -> Json {
    match idl::parse(Path::new("test.smithy"), text) {
        Ok(ast) => ast,
        Err(e) => panic!("unexpected error: {e}\n--- input ---\n{text}"),
    }
}

fn shapes(text: &str) -> Json {
    parse(text)["shapes"].clone()
}

/// The error's line, column and message.
fn error(text: &str) -> (usize, usize, String) {
    match idl::parse(Path::new("bad.smithy"), text) {
        Ok(ast) => panic!("expected an error, got {ast:#}\n--- input ---\n{text}"),
        Err(e) => {
            assert_eq!(e.file.as_deref(), Some(Path::new("bad.smithy")));
            match e.location {
                Location::Position { line, column } => (line, column, e.message),
                other => panic!("error without a position: {other:?}: {}", e.message),
            }
        }
    }
}

#[test]
fn control_and_metadata() {
    let text = r#"$version: "2"
$operationInputSuffix: "Request"
$custom: {any: [1, 2]}

metadata greeting = "hello"
metadata "quoted.key" = ["a", 1, -2.5, 1e3, true, false, null]
metadata nested = {
    unquoted: String, // a prelude shape id
    "q": "v",
    absolute: com.other#Thing,
}
metadata list = ["x"]
metadata list = ["y"]
"#;
    let parsed = idl::parse_with(Path::new("m.smithy"), text, &Json::Null).unwrap();
    assert_eq!(
        parsed.ast,
        json!({
            "smithy": "2.0",
            "metadata": {
                "greeting": "hello",
                "quoted.key": ["a", 1, -2.5, 1000.0, true, false, null],
                "nested": {"unquoted": "smithy.api#String", "q": "v", "absolute": "com.other#Thing"},
                "list": ["x", "y"],
            }
        })
    );
    assert_eq!(parsed.warnings.len(), 1);
    assert_eq!(parsed.warnings[0].location, Location::Position { line: 3, column: 10 });
    assert!(parsed.warnings[0].message.contains("$custom"));
    // No version means IDL 1.0; an empty file is an empty model.
    assert_eq!(parse(""), json!({"smithy": "1.0"}));
    assert_eq!(parse("// nothing\n\n"), json!({"smithy": "1.0"}));
    assert_eq!(parse("$version: \"1.0\"\nnamespace a.b\n")["smithy"], "1.0");
}

#[test]
fn simple_shapes_and_trait_values() {
    let s = shapes(
        r#"$version: "2.0"
namespace example.simple

@trait
list listTrait { member: String }

@trait
string stringTrait

@sensitive
@tags
@listTrait
@stringTrait
@length(min: 1, max: 10)
@pattern("^[a-z]+$")
@other.ns#custom
string Name

@range(min: -1.5, max: 1e2)
@deprecated(message: "no", since: "1.0")
@documentation("line\nbreak \"quoted\" \u00e9 \/")
@externalDocumentation({"Home": "https://example.com"})
@examples([{title: "t", input: {a: 1}}])
@idRef(failWhenMissing: true)
@since(
    """
    Indented
      more
    done"""
)
bigDecimal Amount

blob B
boolean Bo
document D
byte By
short Sh
integer I
long L
float F
double Do
bigInteger BI
timestamp T
"#,
    );
    assert_eq!(
        s["example.simple#Name"]["traits"],
        json!({
            "smithy.api#sensitive": {},
            "smithy.api#tags": [],
            "example.simple#listTrait": [],
            "example.simple#stringTrait": null,
            "smithy.api#length": {"min": 1, "max": 10},
            "smithy.api#pattern": "^[a-z]+$",
            "other.ns#custom": {},
        })
    );
    assert_eq!(
        s["example.simple#Amount"]["traits"],
        json!({
            "smithy.api#range": {"min": -1.5, "max": 100.0},
            "smithy.api#deprecated": {"message": "no", "since": "1.0"},
            "smithy.api#documentation": "line\nbreak \"quoted\" \u{e9} /",
            "smithy.api#externalDocumentation": {"Home": "https://example.com"},
            "smithy.api#examples": [{"title": "t", "input": {"a": 1}}],
            "smithy.api#idRef": {"failWhenMissing": true},
            "smithy.api#since": "Indented\n  more\ndone",
        })
    );
    assert_eq!(s["example.simple#Amount"]["type"], "bigDecimal");
    for (name, ty) in [
        ("B", "blob"),
        ("Bo", "boolean"),
        ("D", "document"),
        ("By", "byte"),
        ("Sh", "short"),
        ("I", "integer"),
        ("L", "long"),
        ("F", "float"),
        ("Do", "double"),
        ("BI", "bigInteger"),
        ("T", "timestamp"),
    ] {
        assert_eq!(s[format!("example.simple#{name}")], json!({"type": ty}), "{name}");
    }
}

#[test]
fn text_blocks_and_strings() {
    let s = shapes(
        "namespace t\n\
         @documentation(\"\"\"\n    <p>\n        Hi\n    </p>\n    \"\"\")\nstring A\n\
         @documentation(\"\"\"\n    a \\\n    b\"\"\")\nstring B\n\
         @documentation(\"\"\"\n  \"quoted\" \\\"\"\"\n  end\"\"\")\nstring C\n\
         @documentation(\"two\r\nlines\")\nstring D\n\
         @documentation(\"\"\"\n        Close at margin\n\"\"\")\nstring E\n",
    );
    assert_eq!(s["t#A"]["traits"]["smithy.api#documentation"], "<p>\n    Hi\n</p>\n");
    assert_eq!(s["t#B"]["traits"]["smithy.api#documentation"], "a b");
    assert_eq!(s["t#C"]["traits"]["smithy.api#documentation"], "\"quoted\" \"\"\"\nend");
    assert_eq!(s["t#D"]["traits"]["smithy.api#documentation"], "two\nlines");
    assert_eq!(s["t#E"]["traits"]["smithy.api#documentation"], "        Close at margin\n");
}

#[test]
fn documentation_comments() {
    let s = shapes(
        r#"$version: "2.0" /// not documentation: not first on its line
/// ignored: before the namespace
namespace docs

/// First line
///   indented
///
/// after a blank line
@deprecated
/// ignored: after a trait
structure Documented {
    /// Member docs
    @required
    a: String

    b: String /// ignored: not first on the line

    // plain comments do not document
    c: String
}

/// ignored: before apply
apply Documented @sensitive
"#,
    );
    assert_eq!(
        s["docs#Documented"],
        json!({
            "type": "structure",
            "traits": {
                "smithy.api#documentation": "First line\n  indented\n\nafter a blank line",
                "smithy.api#deprecated": {},
                "smithy.api#sensitive": {},
            },
            "members": {
                "a": {"target": "smithy.api#String", "traits": {"smithy.api#documentation": "Member docs", "smithy.api#required": {}}},
                "b": {"target": "smithy.api#String"},
                "c": {"target": "smithy.api#String"},
            }
        })
    );
}

#[test]
fn shape_id_resolution() {
    let s = shapes(
        r#"namespace ns.here

use other.ns#Imported
use smithy.api#Integer

structure S {
    imported: Imported
    local: Later
    prelude: Boolean
    absolute: smithy.api#String
    localOverPrelude: String
    unknown: Nowhere
    privatePrelude: NonEmptyString
    used: Integer
    @ns.here#marker
    @marker
    traitRef: Long
}

string String
structure Later {}
@trait
structure marker {}

@documentation(Later)
@references([{resource: Thing, service: other.ns#Svc}])
@tags([Imported$member, String])
string Refs
"#,
    );
    let members = &s["ns.here#S"]["members"];
    let target = |m: &str| members[m]["target"].as_str().unwrap().to_owned();
    assert_eq!(target("imported"), "other.ns#Imported");
    assert_eq!(target("local"), "ns.here#Later");
    assert_eq!(target("prelude"), "smithy.api#Boolean");
    assert_eq!(target("absolute"), "smithy.api#String");
    assert_eq!(target("localOverPrelude"), "ns.here#String");
    assert_eq!(target("unknown"), "ns.here#Nowhere");
    assert_eq!(target("privatePrelude"), "ns.here#NonEmptyString");
    assert_eq!(target("used"), "smithy.api#Integer");
    assert_eq!(members["traitRef"]["traits"], json!({"ns.here#marker": {}}));
    assert_eq!(
        s["ns.here#Refs"]["traits"],
        json!({
            "smithy.api#documentation": "ns.here#Later",
            "smithy.api#references": [{"resource": "ns.here#Thing", "service": "other.ns#Svc"}],
            "smithy.api#tags": ["other.ns#Imported$member", "ns.here#String"],
        })
    );
}

#[test]
fn aggregates_enums_and_defaults() {
    let s = shapes(
        r#"$version: "2.0"
namespace agg

list Names { member: String }
map Counts {
    @length(min: 1)
    key: String,
    value: Integer,
}
union Choice { a: String, b: Integer }
structure Defaults {
    a: String = "x"
    b: Integer = 0,
    c: Names = [] // comment
    @required
    d: Boolean = true
}
enum Suit {
    DIAMOND
    @deprecated
    CLUB = "club"
}
intEnum Level {
    LOW = 1,
    HIGH = 2
}
enum Short { A B C }
"#,
    );
    assert_eq!(s["agg#Names"], json!({"type": "list", "member": {"target": "smithy.api#String"}}));
    assert_eq!(
        s["agg#Counts"],
        json!({
            "type": "map",
            "key": {"target": "smithy.api#String", "traits": {"smithy.api#length": {"min": 1}}},
            "value": {"target": "smithy.api#Integer"},
        })
    );
    assert_eq!(s["agg#Choice"]["members"]["b"], json!({"target": "smithy.api#Integer"}));
    assert_eq!(
        s["agg#Defaults"]["members"],
        json!({
            "a": {"target": "smithy.api#String", "traits": {"smithy.api#default": "x"}},
            "b": {"target": "smithy.api#Integer", "traits": {"smithy.api#default": 0}},
            "c": {"target": "agg#Names", "traits": {"smithy.api#default": []}},
            "d": {"target": "smithy.api#Boolean", "traits": {"smithy.api#required": {}, "smithy.api#default": true}},
        })
    );
    assert_eq!(
        s["agg#Suit"]["members"],
        json!({
            "DIAMOND": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "DIAMOND"}},
            "CLUB": {"target": "smithy.api#Unit", "traits": {"smithy.api#deprecated": {}, "smithy.api#enumValue": "club"}},
        })
    );
    assert_eq!(s["agg#Level"]["members"]["HIGH"]["traits"], json!({"smithy.api#enumValue": 2}));
    assert_eq!(s["agg#Short"]["members"].as_object().unwrap().len(), 3);
    // IDL 1.0 sets.
    let v1 = shapes("namespace v1\nset Tags { member: String }\n");
    assert_eq!(v1["v1#Tags"], json!({"type": "set", "member": {"target": "smithy.api#String"}}));
}

#[test]
fn services_resources_operations() {
    let s = shapes(
        r#"$version: "2.0"
$operationOutputSuffix: "Result"
namespace svc

service Store {
    version: "2024-01-01"
    operations: [Ping]
    resources: [Item]
    errors: [Oops]
    rename: { "other#Item": "OtherItem" }
}

resource Item {
    identifiers: { id: ItemId }
    properties: { name: String }
    create: CreateItem
    put: PutItem
    read: GetItem
    update: UpdateItem
    delete: DeleteItem
    list: ListItems
    operations: [Ping]
    collectionOperations: [Ping]
    resources: [Child]
}

operation Ping {
    input: PingInput
    output: PingOutput
    errors: [Oops, other.ns#Err]
}

operation GetItem {
    input := for Item {
        @required
        $id
    }
    output :=
        /// Output docs
        @sensitive
        {
            name: String
        }
}

@error("client")
structure Oops {}
string ItemId
"#,
    );
    assert_eq!(
        s["svc#Store"],
        json!({
            "type": "service",
            "version": "2024-01-01",
            "operations": [{"target": "svc#Ping"}],
            "resources": [{"target": "svc#Item"}],
            "errors": [{"target": "svc#Oops"}],
            "rename": {"other#Item": "OtherItem"},
        })
    );
    let item = &s["svc#Item"];
    assert_eq!(item["identifiers"], json!({"id": {"target": "svc#ItemId"}}));
    assert_eq!(item["properties"], json!({"name": {"target": "smithy.api#String"}}));
    for key in ["create", "put", "read", "update", "delete", "list"] {
        assert!(item[key]["target"].is_string(), "{key}");
    }
    assert_eq!(item["collectionOperations"], json!([{"target": "svc#Ping"}]));
    assert_eq!(
        s["svc#Ping"],
        json!({
            "type": "operation",
            "input": {"target": "svc#PingInput"},
            "output": {"target": "svc#PingOutput"},
            "errors": [{"target": "svc#Oops"}, {"target": "other.ns#Err"}],
        })
    );
    assert_eq!(
        s["svc#GetItem"],
        json!({"type": "operation", "input": {"target": "svc#GetItemInput"}, "output": {"target": "svc#GetItemResult"}})
    );
    assert_eq!(
        s["svc#GetItemInput"],
        json!({
            "type": "structure",
            "members": {"id": {"target": "svc#ItemId", "traits": {"smithy.api#required": {}}}},
            "traits": {"smithy.api#input": {}},
        })
    );
    assert_eq!(
        s["svc#GetItemResult"]["traits"],
        json!({"smithy.api#documentation": "Output docs", "smithy.api#sensitive": {}, "smithy.api#output": {}})
    );
}

#[test]
fn mixins_elision_and_apply() {
    let s = shapes(
        r#"$version: "2.0"
namespace mix

@mixin
structure Base {
    /// Base docs
    id: String
    other: Integer
}

structure Derived with [Base] {
    @required
    $id
    own: Boolean
}

@mixin
list BaseList { member: String }

list DerivedList with [BaseList] {}

@mixin
enum BaseEnum {
    A = "a"
}

enum DerivedEnum with [BaseEnum] {
    /// redeclared: keeps the mixin's value
    A
    B
}

apply Derived$other @documentation("applied to an inherited member")
apply Derived$own @sensitive
apply Derived {
    @tags(["x"])
    @tags(["y"])
}
apply other.ns#Elsewhere @deprecated
apply other.ns#Elsewhere$m @internal
"#,
    );
    assert_eq!(
        s["mix#Derived"],
        json!({
            "type": "structure",
            "mixins": [{"target": "mix#Base"}],
            "traits": {"smithy.api#tags": ["x", "y"]},
            "members": {
                "id": {"target": "smithy.api#String", "traits": {"smithy.api#required": {}}},
                "own": {"target": "smithy.api#Boolean", "traits": {"smithy.api#sensitive": {}}},
                "other": {"target": "smithy.api#Integer", "traits": {"smithy.api#documentation": "applied to an inherited member"}},
            }
        })
    );
    assert_eq!(s["mix#DerivedList"]["member"], json!({"target": "smithy.api#String"}));
    assert_eq!(
        s["mix#DerivedEnum"]["members"]["A"],
        json!({"target": "smithy.api#Unit", "traits": {"smithy.api#documentation": "redeclared: keeps the mixin's value"}})
    );
    assert_eq!(s["mix#DerivedEnum"]["members"]["B"]["traits"]["smithy.api#enumValue"], "B");
    assert_eq!(s["other.ns#Elsewhere"], json!({"type": "apply", "traits": {"smithy.api#deprecated": {}}}));
    assert_eq!(s["other.ns#Elsewhere$m"], json!({"type": "apply", "traits": {"smithy.api#internal": {}}}));
}

#[test]
fn shapes_from_other_files() {
    let known = json!({
        "smithy": "2.0",
        "shapes": {
            "lib#Base": {"type": "structure", "members": {"id": {"target": "smithy.api#String"}}, "traits": {"smithy.api#mixin": {}}},
            "lib#Thing": {"type": "resource", "identifiers": {"thingId": {"target": "lib#ThingId"}}},
            "lib#listy": {"type": "list", "member": {"target": "smithy.api#String"}, "traits": {"smithy.api#trait": {}}},
            "app#Shared": {"type": "string"},
        }
    });
    let text = r#"$version: "2.0"
namespace app
use lib#Base
use lib#Thing
use lib#listy

@listy
structure Uses for Thing with [Base] {
    $id
    $thingId
    shared: Shared
}
"#;
    let ast = idl::parse_with(Path::new("app.smithy"), text, &known).unwrap().ast;
    assert_eq!(
        ast["shapes"]["app#Uses"],
        json!({
            "type": "structure",
            "mixins": [{"target": "lib#Base"}],
            "traits": {"lib#listy": []},
            "members": {
                "id": {"target": "smithy.api#String"},
                "thingId": {"target": "lib#ThingId"},
                "shared": {"target": "app#Shared"},
            }
        })
    );
    // Without the other files the elided targets cannot be found.
    let (line, column, message) = error(text);
    assert_eq!((line, column), (9, 5));
    assert!(message.contains("$id"), "{message}");
}

#[test]
fn files_of_one_model_together() {
    let uses = "$version: \"2.0\"\nnamespace app\nstructure S with [Base] {\n    $id\n    s: Str\n}\n";
    let defines = "$version: \"2.0\"\nnamespace app\n@mixin\nstructure Base { id: Str }\nstring Str\n";
    let parsed =
        idl::parse_files(&[(Path::new("uses.smithy"), uses), (Path::new("defines.smithy"), defines)], &Json::Null)
            .unwrap();
    assert_eq!(parsed.len(), 2);
    assert_eq!(parsed[0].ast["shapes"]["app#S"]["members"]["id"], json!({"target": "app#Str"}));
    assert_eq!(parsed[0].ast["shapes"]["app#S"]["members"]["s"], json!({"target": "app#Str"}));
    // A name defined by another file of the namespace wins over the prelude's.
    let shadow = "namespace app\nstructure T { s: String }\n";
    let string = "namespace app\nstring String\n";
    let parsed =
        idl::parse_files(&[(Path::new("t.smithy"), shadow), (Path::new("s.smithy"), string)], &Json::Null).unwrap();
    assert_eq!(parsed[0].ast["shapes"]["app#T"]["members"]["s"]["target"], "app#String");
    // The first error of a file that cannot be parsed.
    let err = idl::parse_files(&[(Path::new("uses.smithy"), uses)], &Json::Null).unwrap_err();
    assert_eq!(err.file.as_deref(), Some(Path::new("uses.smithy")));
    assert_eq!(err.location, Location::Position { line: 4, column: 5 });
}

#[test]
fn optional_commas_and_layout() {
    let s = shapes(
        "namespace c\n,\nstructure  S  {a:String,,,b : Integer}\nlist L\n{\nmember: S\n}\n@tags([\"a\",]) @sensitive\nstring T\n",
    );
    assert_eq!(s["c#S"]["members"]["b"]["target"], "smithy.api#Integer");
    assert_eq!(s["c#L"]["member"]["target"], "c#S");
    assert_eq!(s["c#T"]["traits"], json!({"smithy.api#tags": ["a"], "smithy.api#sensitive": {}}));
    // CRLF line endings and a byte order mark.
    let crlf = shapes("\u{feff}namespace c\r\n\r\n/// Doc\r\nstring S\r\n");
    assert_eq!(crlf["c#S"]["traits"]["smithy.api#documentation"], "Doc");
}

#[test]
fn the_loader_accepts_the_output() {
    let text = r#"$version: "2.0"
namespace load.test

service Svc {
    version: "1"
    operations: [Op]
}

@http(method: "POST", uri: "/op")
operation Op {
    input := {
        @required
        @httpLabel
        name: String
        tags: TagList = []
    }
    output := with [Common] {}
    errors: [Failure]
}

@mixin
structure Common {
    requestId: String
}

list TagList { member: String }

@error("client")
structure Failure { message: String }

apply Op @documentation("applied")
"#;
    let ast = idl::parse(Path::new("load.smithy"), text).unwrap();
    let model = codegen::model::load_str(Path::new("load.json"), &ast.to_string()).unwrap();
    let id = |s: &str| codegen::model::ShapeId::parse(s).unwrap();
    assert!(model.shape(&id("load.test#OpInput")).is_some());
    let output = model.shape(&id("load.test#OpOutput")).unwrap();
    assert_eq!(output.kind.members().len(), 1);
}

#[test]
fn syntax_errors_are_located() {
    let cases: &[(&str, usize, usize, &str)] = &[
        (
            "namespace a.b\nstructure Foo {\n    a: String\n",
            4,
            1,
            "expected `}` to close structure `Foo` opened at 2:15, found end of file",
        ),
        ("string Foo\n", 1, 1, "expected a namespace statement"),
        ("namespace a.b\nstring\n", 2, 7, "expected a space after `string`"),
        ("namespace a.b\nstrin Foo\n", 2, 1, "unknown shape type `strin`"),
        ("namespace a.b\nstring Foo string Bar\n", 2, 12, "expected a line break"),
        ("namespace a.b\n@foo(\"x\"\nstring A\n", 3, 1, "expected `)`"),
        ("namespace a.b\n@foo(a: 1, \"b\" 2)\nstring A\n", 2, 16, "expected `:` after the key `b`"),
        ("namespace a.b\n@foo(1.)\nstring A\n", 2, 6, "`.` must be followed by a digit"),
        ("namespace a.b\n@foo(\"\\q\")\nstring A\n", 2, 6, "invalid escape `\\q`"),
        ("namespace a.b\n@foo(\"abc\nstring A\n", 4, 1, "unclosed string opened at 2:6"),
        ("namespace a.b\n@foo(\"\"\"abc\"\"\")\nstring A\n", 2, 6, "must be followed by a line break"),
        ("$version: \"3.0\"\n", 1, 11, "unsupported Smithy IDL version `3.0`"),
        ("$version: \"2\"\n$version: \"2\"\n", 2, 11, "duplicate control statement"),
        ("metadata a = [b]\n", 1, 15, "metadata has no namespace"),
        ("namespace a.b\nstructure S { a := String }\n", 2, 17, "expected `:` after the member name `a`"),
        ("namespace a.b\nstructure S { $a }\n", 2, 15, "needs `$version: \"2.0\"`"),
        ("namespace a.b\nstructure S with [M] {}\n", 2, 13, "mixins (`with [...]`) need"),
        (
            "$version: \"2\"\nnamespace a.b\nstructure S {\n  a: String = \"x\" b: String\n}\n",
            4,
            19,
            "expected a line break after the value of `a`",
        ),
        (
            "$version: \"2\"\nnamespace a.b\nset S { member: String }\n",
            3,
            1,
            "`set` shapes cannot be used in Smithy 2.0",
        ),
        ("$version: \"2\"\nnamespace a.b\noperation O { input: I, input: I }\n", 3, 25, "defines `input` twice"),
        ("$version: \"2\"\nnamespace a.b\noperation O { body: I }\n", 3, 15, "unknown operation property `body`"),
        ("$version: \"2\"\nnamespace a.b\nservice S { nope: 1 }\n", 3, 13, "unknown service property `nope`"),
        ("namespace a.b\nstring A\nstring A\n", 3, 8, "already defined at 2:8"),
        ("namespace a.b\nuse x.y#A\nstring A\n", 3, 8, "conflicts with the shape `x.y#A`"),
        ("namespace a.b\nuse x.y#A$m\n", 2, 5, "cannot import members"),
        ("namespace a.b\n@deprecated\napply A @sensitive\n", 3, 1, "traits at 2:1 come before an apply statement"),
        ("namespace a.b\nstructure S { a: String, A: String }\n", 2, 26, "conflicts with member `a`"),
        (
            "$version: \"2\"\nnamespace a.b\nenum E { A = \"a\" }\n",
            3,
            18,
            "expected a line break after the value of `A`",
        ),
        ("$version: \"2\"\nnamespace a.b\nenum E { A = 1\n}\n", 3, 14, "can only be assigned a string"),
        ("$version: \"2\"\nnamespace a.b\nintEnum E { A = 1.5\n}\n", 3, 17, "must be an integer"),
        ("$version: \"2\"\nnamespace a.b\nintEnum E { A = 4294967296\n}\n", 3, 17, "does not fit in a 32-bit integer"),
        ("$version: \"2\"\nnamespace a.b\nintEnum E { A }\n", 3, 13, "needs a value"),
        ("namespace a.b\nlist L {}\n", 2, 6, "missing its `member` member"),
        ("namespace a.b\nlist L { item: String }\n", 2, 10, "cannot have a member named `item`"),
        (
            "$version: \"2\"\nnamespace a.b\n@mixin\nunion U { a: String }\nstructure S with [U] {}\n",
            5,
            19,
            "mixin `a.b#U` is a union",
        ),
        ("$version: \"2\"\nnamespace a.b\nstructure S with [T] {}\nstructure T {}\n", 3, 19, "has no @mixin trait"),
        (
            "$version: \"2\"\nnamespace a.b\n@mixin\nstructure A with [B] {}\n@mixin\nstructure B with [A] {}\n",
            4,
            11,
            "form a cycle",
        ),
        ("$version: \"2\"\nnamespace a.b\nstructure S for R { $id }\nstructure R {}\n", 3, 17, "must be a resource"),
        (
            "$version: \"2\"\nnamespace a.b\nresource R { identifiers: { id: String } }\nstructure S for R { $nope }\n",
            4,
            21,
            "no identifier or property `nope`",
        ),
        ("namespace a.b\nresource R { properties: {} }\n", 2, 14, "need `$version: \"2.0\"`"),
        ("namespace a.b\n@tags([[[[\n", 3, 1, "expected a value or `]`"),
        ("namespace a.b\nstring S @sensitive\n", 2, 10, "expected a line break"),
        ("namespace a.b\nstructure S {}\napply S$x @sensitive\n", 3, 7, "structure `S` has no member `x`"),
        (
            "$version: \"2\"\nnamespace a.b\nstructure GetInput {}\noperation Get { input := {} }\n",
            4,
            25,
            "the inline input structure is named `GetInput`",
        ),
    ];
    for (text, line, column, message) in cases {
        let (l, c, m) = error(text);
        assert!(m.contains(message), "{text:?}: message {m:?} lacks {message:?}");
        assert_eq!((l, c), (*line, *column), "{text:?}: {m}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = format!("metadata a = {}\n", "[".repeat(100_000));
    let (line, _, message) = error(&text);
    assert_eq!(line, 1);
    assert!(message.contains("nested"), "{message}");
}

/// A small deterministic generator (xorshift), so the test needs no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SEEDS: &[&str] = &[
    r#"$version: "2.0"
$operationInputSuffix: "Req"
metadata m = {a: [1, -2.5e3, true, null, "s", """
    block
    """], b: String}
namespace fuzz.example

use other#Thing

/// Docs
@mixin
structure Base { id: String = "x",
    @required n: Integer }

structure S for R with [Base] {
    $id
    $key
    @tags(["a"]) other: Thing
}

resource R { identifiers: { key: String }, properties: { p: Blob } }

service Svc { version: "1", operations: [Op], rename: {"other#Thing": "T"} }

@http(method: "GET", uri: "/x")
operation Op {
    input := @sensitive with [Base] { extra: Long }
    output := {}
    errors: [E]
}

@error("client") structure E {}
enum En {
    A = "a",
    B
}
intEnum IE {
    ONE = 1
}
list L { member: String }
map M { key: String, value: L }
union U { a: S, b: L }
apply S$other @documentation("d")
apply S { @internal
    @since("1") }
"#,
    "namespace v1.example\nset S { member: String }\n@enum([{value: \"a\"}])\nstring E\nstructure X { @box a: Integer }\n",
];

/// Random edits of valid files: every outcome is fine except a panic or an error outside the file.
#[test]
fn random_mutations_never_panic() {
    const ALPHABET: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        ":",
        ":=",
        "=",
        ",",
        "\n",
        " ",
        "\"",
        "\"\"\"",
        "\\",
        "$",
        "@",
        "#",
        ".",
        "//",
        "///",
        "with",
        "for",
        "apply",
        "-",
        "1e",
        "0",
        "_",
        "é",
        "\r",
        "\t",
        "structure",
        "A",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut runs = 0;
    for seed in SEEDS {
        if let Err(e) = idl::parse(Path::new("seed.smithy"), seed) {
            panic!("the seed must parse: {e}");
        }
        for _ in 0..3000 {
            let mut text: Vec<char> = seed.chars().collect();
            for _ in 0..=rng.below(4) {
                let at = rng.below(text.len() + 1);
                match rng.below(3) {
                    0 if !text.is_empty() => {
                        let end = (at + 1 + rng.below(8)).min(text.len());
                        text.drain(at.min(end)..end);
                    }
                    1 => {
                        let piece = ALPHABET[rng.below(ALPHABET.len())];
                        for (i, c) in piece.chars().enumerate() {
                            text.insert(at + i, c);
                        }
                    }
                    _ if !text.is_empty() => {
                        let from = rng.below(text.len());
                        let len = rng.below(20).min(text.len() - from);
                        let copied: Vec<char> = text[from..from + len].to_vec();
                        for (i, c) in copied.into_iter().enumerate() {
                            text.insert(at.min(text.len()) + i, c);
                        }
                    }
                    _ => {}
                }
            }
            let text: String = text.into_iter().collect();
            let result = std::panic::catch_unwind(|| idl::parse(Path::new("fuzz.smithy"), &text));
            let result = result.unwrap_or_else(|_| panic!("panic on input:\n{text}"));
            if let Err(e) = result {
                let Location::Position { line, column } = e.location else { panic!("unlocated error {e} on:\n{text}") };
                let lines: Vec<&str> = text.split('\n').collect();
                assert!(line >= 1 && line <= lines.len(), "line {line} outside the file: {e}\n{text}");
                assert!(
                    column >= 1 && column <= lines[line - 1].chars().count() + 1,
                    "column {column} outside line {line}: {e}\n{text}"
                );
            }
            runs += 1;
        }
    }
    assert_eq!(runs, 6000);
}

#[test]
fn numbers_keep_their_text() {
    // Beyond 64-bit integers and floats, and exponents as written: `bigInteger`/`bigDecimal`
    // values in traits and test cases must not pass through `f64`.
    let shapes = shapes(
        "$version: \"2\"\nnamespace ex\n@trait\nstructure t { a: BigInteger, b: BigDecimal, c: Double }\n\
         @t(a: 18446744073709551616, b: 0.100000000000000000000001, c: 1.5)\nstring S\n",
    );
    let value = &shapes["ex#S"]["traits"]["ex#t"];
    assert_eq!(value["a"].to_string(), "18446744073709551616");
    assert_eq!(value["b"].to_string(), "0.100000000000000000000001");
    assert_eq!(value["c"].to_string(), "1.5");
}
