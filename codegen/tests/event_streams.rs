//! Event streams: both directions generate, over the RPC protocols with their other members in
//! the initial messages; the generator refuses, with an error naming the shape, an event header
//! of a type headers cannot carry, a second `@eventPayload`, a member beside a payload that is
//! not a header, a stream in a query protocol, a stream anywhere but an operation's input or
//! output.

use std::path::PathBuf;

/// A model whose `Op` streams `ex#Events` (a union of `ex#Event`) in its `output`, with the
/// event's members and the protocol given.
fn model(name: &str, protocol: &str, direction: &str, event_members: &str, extra: &str) -> PathBuf {
    let text = format!(
        r#"{{"smithy": "2.0", "shapes": {{
            "ex#Svc": {{"type": "service", "version": "1", "operations": [{{"target": "ex#Op"}}], "traits": {{"{protocol}": {{}}}}}},
            "ex#Op": {{"type": "operation", "{direction}": {{"target": "ex#Io"}}, "traits": {{"smithy.api#http": {{"method": "POST", "uri": "/op"}}}}}},
            "ex#Io": {{"type": "structure", "members": {{"stream": {{"target": "ex#Events", "traits": {{"smithy.api#httpPayload": {{}}}}}}}}}},
            "ex#Events": {{"type": "union", "members": {{"event": {{"target": "ex#Event"}}}}, "traits": {{"smithy.api#streaming": {{}}}}}},
            "ex#Event": {{"type": "structure", "members": {{{event_members}}}}}
            {extra}
        }}}}"#
    );
    let dir = std::env::temp_dir().join(format!("codegen-event-streams-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("model.json");
    std::fs::write(&path, text).unwrap();
    path
}

fn error(path: PathBuf) -> String {
    let options = codegen::Options { models: vec![path], ..Default::default() };
    match codegen::generate(&options) {
        Ok(_) => panic!("the model generates"),
        Err(e) => e.to_string(),
    }
}

const REST_JSON: &str = "aws.protocols#restJson1";

#[test]
fn a_valid_stream_generates_both_ways() {
    let members = r#""h": {"target": "smithy.api#Integer", "traits": {"smithy.api#eventHeader": {}}},
                     "p": {"target": "smithy.api#Blob", "traits": {"smithy.api#eventPayload": {}}}"#;
    for direction in ["input", "output"] {
        let options = codegen::Options {
            models: vec![model(direction, REST_JSON, direction, members, "")],
            ..Default::default()
        };
        let files = codegen::generate(&options).unwrap_or_else(|e| panic!("{direction}: {e}"));
        assert!(files.contains_key(std::path::Path::new("src/types/error/_events_error.rs")), "{direction}");
    }
}

#[test]
fn a_header_of_a_type_headers_cannot_carry_is_an_error() {
    let members = r#""h": {"target": "ex#List", "traits": {"smithy.api#eventHeader": {}}}"#;
    let extra = r#", "ex#List": {"type": "list", "member": {"target": "smithy.api#String"}}"#;
    let error = error(model("header", REST_JSON, "output", members, extra));
    assert!(error.contains("ex#Event$h") && error.contains("@eventHeader"), "{error}");
}

#[test]
fn two_payloads_or_a_member_beside_one_are_errors() {
    let two = r#""a": {"target": "smithy.api#Blob", "traits": {"smithy.api#eventPayload": {}}},
                 "b": {"target": "smithy.api#String", "traits": {"smithy.api#eventPayload": {}}}"#;
    let error1 = error(model("two", REST_JSON, "output", two, ""));
    assert!(error1.contains("ex#Event") && error1.contains("at most one @eventPayload"), "{error1}");
    let beside = r#""a": {"target": "smithy.api#Blob", "traits": {"smithy.api#eventPayload": {}}},
                    "b": {"target": "smithy.api#String"}"#;
    let error2 = error(model("beside", REST_JSON, "output", beside, ""));
    assert!(error2.contains("ex#Event$b") && error2.contains("@eventHeader"), "{error2}");
}

#[test]
fn rpc_streams_carry_their_other_members_in_initial_messages() {
    let members = r#""p": {"target": "smithy.api#Blob", "traits": {"smithy.api#eventPayload": {}}}"#;
    for direction in ["input", "output"] {
        let path = model(&format!("rpc-{direction}"), "aws.protocols#awsJson1_1", direction, members, "");
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace(r#""members": {"stream""#, r#""members": {"other": {"target": "smithy.api#String"}, "stream""#);
        std::fs::write(&path, text).unwrap();
        let options = codegen::Options { models: vec![path], ..Default::default() };
        let files = codegen::generate(&options).unwrap_or_else(|e| panic!("{direction}: {e}"));
        let op = &files[std::path::Path::new("src/operation/op.rs")];
        let expected = if direction == "input" { "fn initial_request_message" } else { "fn read_initial_response" };
        assert!(op.contains(expected), "{direction}: {op}");
    }
}

#[test]
fn a_stream_in_a_query_protocol_is_refused() {
    let members = r#""p": {"target": "smithy.api#Blob", "traits": {"smithy.api#eventPayload": {}}}"#;
    let error = error(model("query", "aws.protocols#awsQuery", "output", members, ""));
    assert!(error.contains("ex#Io$stream") && error.contains("awsQuery"), "{error}");
}

#[test]
fn a_stream_inside_a_data_structure_is_refused() {
    let members = r#""p": {"target": "smithy.api#Blob", "traits": {"smithy.api#eventPayload": {}}}"#;
    let extra = r#", "ex#Holder": {"type": "structure", "members": {"events": {"target": "ex#Events"}}},
                  "ex#Other": {"type": "operation", "input": {"target": "ex#OtherInput"}, "traits": {"smithy.api#http": {"method": "POST", "uri": "/other"}}},
                  "ex#OtherInput": {"type": "structure", "members": {"holder": {"target": "ex#Holder"}}}"#;
    let path = model("nested", REST_JSON, "output", members, extra);
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace(r#"[{"target": "ex#Op"}]"#, r#"[{"target": "ex#Op"}, {"target": "ex#Other"}]"#);
    std::fs::write(&path, text).unwrap();
    let error = error(path);
    assert!(error.contains("ex#Holder$events") && error.contains("only an operation's input or output"), "{error}");
}
