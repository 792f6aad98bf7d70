//! Waiters the generator cannot honour (JMESPath it does not type, a comparator that does not
//! fit the expression, bad delays) cost the client only that waiter, with a warning naming the
//! operation, the waiter and the problem; they never fail the model. (What it does honour runs
//! end to end in `tests/tests/dynamodb.rs`.)

use std::path::Path;

use serde_json::json;

fn model(waiters: serde_json::Value) -> serde_json::Value {
    json!({
        "smithy": "2.0",
        "shapes": {
            "example#Service": {
                "type": "service", "version": "1",
                "operations": [{"target": "example#GetThing"}],
                "traits": {"aws.protocols#awsJson1_0": {}}
            },
            "example#GetThing": {
                "type": "operation",
                "input": {"target": "example#GetThingInput"},
                "output": {"target": "example#GetThingOutput"},
                "errors": [{"target": "example#NotFound"}],
                "traits": {"smithy.waiters#waitable": waiters}
            },
            "example#GetThingInput": {"type": "structure", "members": {"Name": {"target": "smithy.api#String"}}},
            "example#GetThingOutput": {"type": "structure", "members": {
                "Status": {"target": "smithy.api#String"},
                "Tags": {"target": "example#Tags"},
                "Items": {"target": "example#Items"}
            }},
            "example#Tags": {"type": "map", "key": {"target": "smithy.api#String"}, "value": {"target": "smithy.api#String"}},
            "example#Items": {"type": "list", "member": {"target": "smithy.api#String"}},
            "example#NotFound": {"type": "structure", "members": {}, "traits": {"smithy.api#error": "client"}}
        }
    })
}

fn waiter(path: &str, comparator: &str, expected: &str) -> serde_json::Value {
    json!({"acceptors": [
        {"state": "success", "matcher": {"output": {"path": path, "expected": expected, "comparator": comparator}}}
    ]})
}

/// The crate generated from `waiters`, and its warnings.
fn generate(name: &str, waiters: serde_json::Value) -> codegen::Generated {
    let dir = std::env::temp_dir().join(format!("codegen-waiters-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("model.json");
    std::fs::write(&file, model(waiters).to_string()).unwrap();
    let generated = codegen::generate_crate(&codegen::Options { models: vec![file], ..Default::default() });
    std::fs::remove_dir_all(&dir).unwrap();
    generated.unwrap()
}

#[test]
fn what_the_generator_cannot_type_is_a_warning_that_costs_only_that_waiter() {
    let generated = generate(
        "warnings",
        json!({
            "Ready": waiter("Status", "stringEquals", "READY"),
            "AnyItem": waiter("Items[]", "anyStringEquals", "x"),
            "ByTag": waiter("Tags.owner", "stringEquals", "me"),
            "Sliced": waiter("Items[0:1]", "anyStringEquals", "x"),
            "Mistyped": waiter("Status", "booleanEquals", "true"),
            "NoSuchMember": waiter("Colour", "stringEquals", "red"),
            "NotBoolean": waiter("length(Items) > `0`", "booleanEquals", "yes"),
            "Gone": {"acceptors": [{"state": "success", "matcher": {"errorType": "example#NotFound"}}], "minDelay": 30, "maxDelay": 10},
        }),
    );
    let mut warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    warnings.sort();
    let expected = [
        ("ByTag", "member `Tags` of `example#GetThingOutput`: maps are not supported"),
        ("Gone", "minDelay (30) must be at least 1 and at most maxDelay (10)"),
        ("Mistyped", "`Status` gives a string, which its comparator cannot compare"),
        ("NoSuchMember", "`example#GetThingOutput` has no member `Colour`"),
        ("NotBoolean", "booleanEquals expects `true` or `false`, not `yes`"),
        ("Sliced", "slices are not supported"),
    ];
    assert_eq!(warnings.len(), expected.len(), "{warnings:#?}");
    for (warning, (name, problem)) in warnings.iter().zip(expected) {
        assert!(warning.contains("example#GetThing"), "names the operation: {warning}");
        assert!(warning.contains(&format!("waiter `{name}`")), "names the waiter: {warning}");
        assert!(warning.contains(problem), "expected `{problem}` in: {warning}");
    }
    let file = |path: &str| generated.files.get(Path::new(path)).cloned();
    let client = file("src/client.rs").expect("a client");
    for kept in ["wait_until_ready", "wait_until_any_item"] {
        assert!(client.contains(&format!("fn {kept}(")), "{kept} is generated");
    }
    for dropped in ["wait_until_by_tag", "wait_until_gone", "wait_until_sliced", "wait_until_mistyped"] {
        assert!(!client.contains(dropped), "{dropped} is not generated");
    }
    assert!(file("src/waiters/ready.rs").is_some() && file("src/waiters/gone.rs").is_none());
}

#[test]
fn an_error_type_matches_the_modeled_variant_by_name_or_else_the_code() {
    let generated = generate(
        "errors",
        json!({
            "Gone": {"acceptors": [{"state": "success", "matcher": {"errorType": "example#NotFound"}}]},
            "Throttled": {"acceptors": [{"state": "retry", "matcher": {"errorType": "Throttling"}}, {"state": "success", "matcher": {"success": true}}]},
        }),
    );
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    let gone = &generated.files[Path::new("src/waiters/gone.rs")];
    assert!(gone.contains("GetThingError::NotFound(_)"), "{gone}");
    let throttled = &generated.files[Path::new("src/waiters/throttled.rs")];
    assert!(throttled.contains(r#"== Some("Throttling")"#), "{throttled}");
    // Defaults: 2 s to 120 s.
    assert!(gone.contains("Delays::from_secs(2u64, 120u64)"), "{gone}");
}
