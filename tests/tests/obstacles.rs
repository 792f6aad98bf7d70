//! The obstacle fixture (`codegen/tests/fixtures/obstacles.json`): members, shapes, operations
//! and values named like Rust keywords, std types and the items every generated crate defines.
//! That it compiles (clippy- and rustdoc-clean, in `.ci/run`) is most of the test; these
//! pin what each name became, as users write them.

use fixture_obstacles::operation::r#match::MatchInput;
use fixture_obstacles::operation::r#type::TypeInput;
use fixture_obstacles::operation::self_::{SelfValue, SelfValueError};
use fixture_obstacles::types::error::Error;
use fixture_obstacles::types::{Builder, Document, Spelling, Unknown};

#[test]
fn members_named_like_builder_methods_get_a_value_suffix_keywords_are_escaped() {
    let input = MatchInput::builder()
        .default_value("d")
        .build_value("b")
        .builder_value("bb")
        .meta_value("m")
        .send_value("s")
        .customize_value("c")
        .unknown("u")
        .r#type("t")
        .self_("self")
        .crate_("crate")
        .super_("super")
        .name("n")
        .set_name("setName")
        .build()
        .unwrap();
    assert_eq!(input.default_value(), Some("d"));
    assert_eq!(input.r#type(), Some("t"));
    assert_eq!(input.self_(), Some("self"));
    // `name`'s `set_name` gives way to the member `setName`'s field.
    assert_eq!(input.name(), Some("n"));
    assert_eq!(input.set_name(), Some("setName"));
    let mut builder = MatchInput::builder().set_name_2(Some("n2".into()));
    builder = builder.set_set_name(Some("s2".into()));
    assert_eq!(builder.get_name().as_deref(), Some("n2"));
    assert_eq!(builder.get_set_name().as_deref(), Some("s2"));
    assert_eq!(
        MatchInput::builder().build().unwrap(),
        MatchInput::builder().build().unwrap(),
        "`default()` is Default's"
    );
}

#[test]
fn shapes_named_like_std_and_crate_items_keep_their_names() {
    let builder = Builder::builder().builder_value("a").build_value("b").build();
    assert_eq!(builder.builder_value(), Some("a"));
    assert_eq!(Unknown::from("UNKNOWN"), Unknown::UnknownValue);
    assert!(matches!(Unknown::from("other"), Unknown::Unknown(_)));
    let _ = TypeInput::builder().value(Unknown::Known).build().unwrap();
    let error = Error::builder().message("m").build();
    assert_eq!(error.message(), Some("m"));
    assert!(SelfValueError::Error(error).is_error());
    let _ = SelfValue::default();
}

#[test]
fn a_union_member_named_unknown_does_not_take_is_unknown() {
    let value = Document::UnknownValue("a".into());
    assert!(value.is_unknown_value());
    assert!(!value.is_unknown(), "`is_unknown` is the unknown variant's");
    assert_eq!(value.as_unknown_value().map(String::as_str), Ok("a"));
    let other = Document::UnknownValue_("b".into());
    assert!(other.is_unknown_value_2());
    assert!(Document::Empty.is_empty());
}

#[test]
fn enum_values_that_spell_one_variant_get_numbered_variants() {
    assert_eq!(Spelling::from("FOO_BAR"), Spelling::FooBar);
    assert_eq!(Spelling::from("fooBar"), Spelling::FooBar2);
    assert_eq!(Spelling::from("foo-bar"), Spelling::FooBar3);
    assert_eq!(Spelling::FooBar3.as_str(), "foo-bar");
}

#[test]
fn operations_named_like_keywords_are_client_methods() {
    let config = fixture_obstacles::Config::builder().region("us-east-1").build();
    let client = fixture_obstacles::Client::new(&config);
    let _ = client.r#match().default_value("d").r#type("t");
    let _ = client.r#enum();
    let _ = client.r#type();
    let _ = client.self_();
}
