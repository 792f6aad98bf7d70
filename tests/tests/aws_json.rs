//! End to end: a generated awsJson1_0 client (the `aws-json` fixture, query-compatible as SQS
//! is) against a fake service on 127.0.0.1: `POST /` naming the operation in `X-Amz-Target`,
//! the input as one JSON object, SigV4 for the service's signing name, and errors identified by
//! `__type` with the query error code of `x-amzn-query-error` in their metadata.

mod support;

use fixture_aws_json::operation::get_item::GetItemError;
use fixture_aws_json::primitives::DateTime;
use fixture_aws_json::Client;
use support::{fixture_config, FakeServer, Reply};

fn client(server: &FakeServer) -> Client {
    Client::from_conf(fixture_config(server))
}

#[tokio::test]
async fn a_call_is_a_signed_post_to_the_root_naming_the_operation() {
    let server = FakeServer::start(|_, _| Reply::json(200, r#"{"Version":7}"#));
    let output = client(&server)
        .put_item()
        .key("k1")
        .tag("blue")
        .count(3)
        .attributes("size", "L")
        .send()
        .await
        .expect("PutItem");
    assert_eq!(output.version(), Some(7));

    let requests = server.requests();
    let request = &requests[0];
    let body = support::checked_aws_json_1_0(request, "Items.PutItem", "items");
    assert_eq!(request.header("x-amzn-query-mode"), Some("true"));
    assert_eq!(request.header("x-tag"), None, "@httpHeader does not apply");
    assert_eq!(body, serde_json::json!({"Key": "k1", "Tag": "blue", "Count": 3, "Attributes": {"size": "L"}}));
}

#[tokio::test]
async fn an_empty_input_is_an_empty_object_and_outputs_read_every_member() {
    let server = FakeServer::start(|_, _| {
        Reply::json(200, r#"{"Key":"k1","Attributes":{"size":"L"},"UpdatedAt":1700000000.5,"Unknown":1}"#)
    });
    let item = client(&server).get_item().key("k1").send().await.expect("GetItem");
    assert_eq!(item.key(), Some("k1"));
    assert_eq!(item.attributes().and_then(|a| a.get("size")).map(String::as_str), Some("L"));
    assert_eq!(item.updated_at(), Some(DateTime::from_secs_f64(1_700_000_000.5)));
    let body = support::checked_aws_json_1_0(&server.requests()[0], "Items.GetItem", "items");
    assert_eq!(body, serde_json::json!({"Key": "k1"}));
}

#[tokio::test]
async fn errors_are_typed_by_type_and_carry_the_query_error_code() {
    let server = FakeServer::start(|_, _| {
        let mut reply = Reply::json(404, r#"{"__type":"smithy.fixtures.awsjson#ItemNotFound","message":"no k9"}"#);
        reply.headers.push(("x-amzn-query-error".into(), "ItemMissing;Sender".into()));
        reply
    });
    let error = client(&server).get_item().key("k9").send().await.expect_err("not found").into_service_error();
    let GetItemError::ItemNotFound(not_found) = &error else { panic!("expected ItemNotFound, got {error:?}") };
    assert_eq!(not_found.message(), Some("no k9"));
    assert_eq!(error.code(), Some("ItemMissing"), "the query error code, as the awsQuery service gave it");
    assert_eq!(error.meta().extra("type"), Some("Sender"));

    // Without the header, the code is the JSON one, its namespace stripped.
    let server =
        FakeServer::start(|_, _| Reply::json(400, r#"{"__type":"smithy.fixtures.awsjson#Other","message":"?"}"#));
    let error = client(&server).get_item().key("k9").send().await.expect_err("unknown").into_service_error();
    assert!(matches!(error, GetItemError::Unhandled(_)), "{error:?}");
    assert_eq!(error.code(), Some("Other"));
}
