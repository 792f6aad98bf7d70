//! Behaviour of the generated fixture crates (`tests/fixtures/`): redaction, unions, enums,
//! recursion, defaults and name collisions, as users of those crates see them.

use fixture_aggregates::types::{Choice, Expression, Item, KeywordsAndCollisions, LinkedNode, Ping, Pong};
use fixture_enums::types::{Fleet, InstanceType, Priority, Status};
use fixture_sensitive::types::{Credentials, Role, SecretValue, User};
use fixture_simple_types::types::DefaultsAndOptionality;

const REDACTED: &str = "*** Sensitive Data Redacted ***";

#[test]
fn sensitive_members_lists_maps_structures_unions_and_enums_are_redacted() {
    let user = User::builder()
        .name("ada")
        .password("hunter2")
        .previous_passwords("old-password")
        .secrets("secret-key", "secret-value")
        .attributes("attr-key", "attr-value")
        .recovery_codes("recovery-1")
        .credentials(Credentials::builder().access_key_id("AKIDEXAMPLE").secret_access_key("wJalr").build().unwrap())
        .pin(1234)
        .role(Role::Admin)
        .build();
    let debug = format!("{user:?}");
    assert!(debug.contains("\"ada\""), "plain members print: {debug}");
    for hidden in [
        "hunter2",
        "old-password",
        "secret-key",
        "secret-value",
        "attr-key",
        "attr-value",
        "recovery-1",
        "AKIDEXAMPLE",
        "wJalr",
        "1234",
        "Admin",
    ] {
        assert!(!debug.contains(hidden), "`{hidden}` leaked: {debug}");
    }
    for field in
        ["password", "previous_passwords", "secrets", "attributes", "recovery_codes", "credentials", "pin", "role"]
    {
        assert!(debug.contains(&format!("{field}: \"{REDACTED}\"")), "`{field}` is not redacted: {debug}");
    }

    let credentials = Credentials::builder().access_key_id("AKID2").secret_access_key("s").build().unwrap();
    assert!(!format!("{credentials:?}").contains("AKID2"), "a sensitive structure hides all its members");
    assert!(!format!("{:?}", SecretValue::Text("plaintext".into())).contains("plaintext"), "sensitive union");
    assert_eq!(format!("{:?}", Role::User), format!("{REDACTED:?}"), "sensitive enum");
}

#[test]
fn unions_have_accessors_and_an_unknown_variant() {
    let choice = Choice::Text("hi".into());
    assert!(choice.is_text());
    assert_eq!(choice.as_text(), Ok(&"hi".to_owned()));
    assert!(choice.as_item().is_err());
    assert!(Choice::Nothing.is_nothing());
    // `Choice::Unknown` cannot be built outside the crate (it is `#[non_exhaustive]`): only
    // the crate makes it, for members it does not know.
    assert!(!choice.is_unknown());
    let item = Choice::Item(Item::builder().name("widget").quantity(2).build().unwrap());
    assert_eq!(item.as_item().unwrap().quantity(), Some(2));
}

#[test]
fn recursive_shapes_are_boxed_and_usable() {
    let expr = Expression::Negate(Box::new(Expression::Sum(vec![Expression::Literal(1), Expression::Literal(2)])));
    let Expression::Negate(inner) = &expr else { panic!("built a negation") };
    assert_eq!(inner.as_sum().unwrap().len(), 2);

    let list = LinkedNode::builder().value(1).next(LinkedNode::builder().value(2).build().unwrap()).build().unwrap();
    assert_eq!(list.next().unwrap().value(), 2);
    assert!(LinkedNode::builder().build().is_err(), "`value` is required and has no default");

    let ping = Ping::builder().label("p").pong(Pong::builder().count(3).build()).build();
    assert_eq!(ping.pong().unwrap().count(), Some(3));
}

#[test]
fn keyword_and_colliding_member_names_get_distinct_identifiers() {
    let k = KeywordsAndCollisions::builder()
        .r#type("t")
        .self_("s")
        .r#match("m")
        .r#async(true)
        .foo_bar("camel")
        .foo_bar_2(7)
        .build_value("b")
        .build();
    assert_eq!((k.r#type(), k.self_(), k.r#match(), k.r#async()), (Some("t"), Some("s"), Some("m"), Some(true)));
    assert_eq!((k.foo_bar(), k.foo_bar_2(), k.build_value()), (Some("camel"), Some(7), Some("b")));
}

#[test]
fn enums_with_custom_values_int_enums_and_a_member_named_unknown() {
    assert_eq!(InstanceType::from("t2.micro"), InstanceType::T2Micro);
    assert_eq!(InstanceType::T2Micro.as_str(), "t2.micro");
    // The model's `UNKNOWN` member must not collide with the open enum's `Unknown`.
    assert_eq!(Status::from("unknown"), Status::UnknownValue);
    assert_eq!(Status::UnknownValue.as_str(), "unknown");
    assert!(matches!(Status::from("RETIRED"), Status::Unknown(v) if v.as_str() == "RETIRED"));

    for value in Priority::values() {
        assert_eq!(Priority::from(*value).as_i32(), *value);
    }
    let unknown = Priority::from(99);
    assert!(matches!(unknown, Priority::Unknown(_)));
    assert_eq!(unknown.as_i32(), 99);
    assert_eq!(unknown.to_string(), "99");
}

#[test]
fn defaults_fill_unset_members_and_required_ones_are_checked() {
    assert!(DefaultsAndOptionality::builder().build().is_err(), "`requiredName` has no default");
    let d = DefaultsAndOptionality::builder().required_name("n").build().unwrap();
    assert_eq!(d.greeting(), "hello");
    assert_eq!(d.retries(), 3);
    assert!(!d.verbose());
    assert_eq!(d.threshold(), 0.5);
    assert_eq!(d.offset(), -1);
    assert_eq!(d.salt().as_ref(), b"hello");
    assert!(d.labels().is_empty());
    assert_eq!(d.zero(), 0);
    assert_eq!(d.zero_but_nullable(), None, "`@default(null)` opts out");
    assert_eq!(d.required_with_default(), "fallback");
    assert_eq!(d.default_but_client_optional(), None, "`@clientOptional` wins over `@default`");
    assert_eq!(d.added_later(), None, "`@addedDefault` stays optional");

    let fleet = Fleet::builder().build();
    assert_eq!(fleet.default_type(), &InstanceType::T2Micro, "enum default");
    assert_eq!(fleet.priority(), &Priority::Medium, "intEnum default");
}
