//! `@paginated` values the generator cannot follow cost the operation its paginator, with a
//! warning naming it; they never fail the model. (What it does follow is tested end to end in
//! `tests/tests/client.rs`.)

use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pagination.json")
}

#[test]
fn unfollowable_pagination_is_a_warning_on_the_operation() {
    let generated =
        codegen::generate_crate(&codegen::Options { models: vec![fixture()], ..Default::default() }).unwrap();
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(
        warnings[0].contains("ListWithUnknownProperty") && warnings[0].contains("unknown property `itemz`"),
        "{warnings:#?}"
    );
    assert!(
        warnings[1].contains("ListWithoutInputToken") && warnings[1].contains("`NextToken` does not exist"),
        "{warnings:#?}"
    );
    let builders = |op: &str| generated.files[Path::new(&format!("src/operation/{op}/builders.rs"))].clone();
    assert!(!builders("list_without_input_token").contains("into_paginator"));
    for op in ["list_ota_tasks", "describe_engine_defaults", "query_items", "get_usage"] {
        assert!(builders(op).contains("pub fn into_paginator"), "{op} has a paginator");
    }
}
