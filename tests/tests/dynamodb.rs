//! End to end: a DynamoDB-shaped awsJson1_0 client (the `dynamodb-lite` fixture, a small model
//! written for these tests) against a fake service on 127.0.0.1: `PutItem` and `GetItem` with
//! attribute values, `Query` paging over map tokens, a conditional-check failure typed,
//! throttling then success, a cancelled transaction's reasons, the 2026 retry behavior's
//! DynamoDB tuning and `x-amz-retry-after`, and `x-amz-crc32` checks. Every request's SigV4
//! signature is recomputed with `aws-sigv4`.

mod support;

use std::time::Duration;

use fixture_dynamodb_lite::operation::put_item::PutItemError;
use fixture_dynamodb_lite::types::AttributeValue;
use fixture_dynamodb_lite::Client;
use support::{fixture_config, FakeServer, Recorded, Reply};

fn client(server: &FakeServer) -> Client {
    Client::from_conf(fixture_config(server))
}

/// The request's JSON body, after checking what every DynamoDB call has in common.
fn checked(request: &Recorded, target: &str) -> serde_json::Value {
    support::checked_aws_json_1_0(request, target, "dynamodb")
}

#[tokio::test]
async fn put_item_and_get_item_carry_attribute_values() {
    let server = FakeServer::start(|request, _| match request.header("x-amz-target") {
        Some("DynamoDB_20120810.PutItem") => Reply::json(200, "{}"),
        _ => Reply::json(200, r#"{"Item":{"pk":{"S":"a"},"n":{"N":"1"},"tags":{"SS":["x","y"]},"on":{"BOOL":true}}}"#),
    });
    let client = client(&server);
    client
        .put_item()
        .table_name("t")
        .item("pk", AttributeValue::S("a".into()))
        .item("n", AttributeValue::N("1".into()))
        .send()
        .await
        .expect("PutItem");
    let item =
        client.get_item().table_name("t").key("pk", AttributeValue::S("a".into())).send().await.expect("GetItem");
    let item = item.item().expect("an item");
    assert_eq!(item["pk"], AttributeValue::S("a".into()));
    assert_eq!(item["n"].as_n().map(String::as_str), Ok("1"));
    assert_eq!(item["tags"], AttributeValue::Ss(vec!["x".into(), "y".into()]));
    assert_eq!(item["on"], AttributeValue::Bool(true));

    let requests = server.requests();
    assert_eq!(
        checked(&requests[0], "DynamoDB_20120810.PutItem"),
        serde_json::json!({"TableName": "t", "Item": {"pk": {"S": "a"}, "n": {"N": "1"}}})
    );
    assert_eq!(
        checked(&requests[1], "DynamoDB_20120810.GetItem"),
        serde_json::json!({"TableName": "t", "Key": {"pk": {"S": "a"}}})
    );
}

#[tokio::test]
async fn query_pages_over_map_tokens() {
    let server = FakeServer::start(|_, n| match n {
        0 => Reply::json(200, r#"{"Items":[{"pk":{"S":"a"}}],"Count":1,"LastEvaluatedKey":{"pk":{"S":"a"}}}"#),
        _ => Reply::json(200, r#"{"Items":[{"pk":{"S":"b"}}],"Count":1}"#),
    });
    let items = client(&server)
        .query()
        .table_name("t")
        .into_paginator()
        .page_size(1)
        .items()
        .try_collect()
        .await
        .expect("items");
    let keys: Vec<&AttributeValue> = items.iter().map(|item| &item["pk"]).collect();
    assert_eq!(keys, [&AttributeValue::S("a".into()), &AttributeValue::S("b".into())]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "the page without LastEvaluatedKey is the last");
    assert_eq!(checked(&requests[0], "DynamoDB_20120810.Query"), serde_json::json!({"TableName": "t", "Limit": 1}));
    assert_eq!(
        checked(&requests[1], "DynamoDB_20120810.Query"),
        serde_json::json!({"TableName": "t", "Limit": 1, "ExclusiveStartKey": {"pk": {"S": "a"}}}),
        "the next page starts at the last key"
    );
}

#[tokio::test]
async fn a_failed_condition_is_typed_and_throttling_is_retried_to_success() {
    let server = FakeServer::start(|_, _| {
        Reply::json(
            400,
            r#"{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed","Item":{"pk":{"S":"a"}}}"#,
        )
    });
    let error = client(&server)
        .put_item()
        .table_name("t")
        .item("pk", AttributeValue::S("a".into()))
        .condition_expression("attribute_not_exists(pk)")
        .send()
        .await
        .expect_err("the condition fails")
        .into_service_error();
    let PutItemError::ConditionalCheckFailedException(failed) = &error else { panic!("{error:?}") };
    assert_eq!(failed.message(), Some("The conditional request failed"));
    assert_eq!(failed.item().map(|item| &item["pk"]), Some(&AttributeValue::S("a".into())));
    assert_eq!(server.requests().len(), 1, "a failed condition is not retried");

    let server = FakeServer::start(|_, n| match n {
        0 => Reply::json(
            400,
            r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}"#,
        ),
        _ => Reply::json(200, "{}"),
    });
    client(&server).put_item().table_name("t").item("pk", AttributeValue::S("a".into())).send().await.expect("PutItem");
    assert_eq!(server.requests().len(), 2, "throttled once, then done");
}

#[tokio::test]
async fn from_2026_dynamodb_gets_four_attempts_and_honours_x_amz_retry_after() {
    use workspace_runtime::config::{RetryBehavior, RetryConfig};
    // Three transient failures, then success: DynamoDB's fourth attempt (25 ms backoff base, so
    // the waits are short without setting one).
    let server = FakeServer::start(|_, n| match n {
        0..=2 => Reply::error(500, "InternalServerError", "try again"),
        _ => Reply::json(200, "{}"),
    });
    let retry = RetryConfig::standard().with_behavior(RetryBehavior::Standard2026);
    let config = support::fixture_builder(&server).retry_config(retry).build();
    let client = Client::from_conf(config);
    client.put_item().table_name("t").item("pk", AttributeValue::S("a".into())).send().await.expect("fourth time");
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert_eq!(requests[0].header("amz-sdk-request"), Some("attempt=1; max=4"));
    assert_eq!(requests[3].header("amz-sdk-request"), Some("attempt=4; max=4"));

    // Throttled with the server's advice: wait 300 ms, although the computed backoff is a few.
    let server = FakeServer::start(|_, n| match n {
        0 => {
            let mut reply = Reply::json(
                400,
                r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}"#,
            );
            reply.headers.push(("x-amz-retry-after".into(), "300".into()));
            reply
        }
        _ => Reply::json(200, "{}"),
    });
    let retry = RetryConfig::standard()
        .with_behavior(RetryBehavior::Standard2026)
        .with_initial_backoff(Duration::from_millis(2));
    let client = Client::from_conf(support::fixture_builder(&server).retry_config(retry).build());
    let started = std::time::Instant::now();
    client.put_item().table_name("t").item("pk", AttributeValue::S("a".into())).send().await.expect("after the wait");
    assert!(started.elapsed() >= Duration::from_millis(300), "waited {:?}", started.elapsed());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_body_that_does_not_match_its_x_amz_crc32_is_retried() {
    const BODY: &str = r#"{"Item":{"pk":{"S":"a"}}}"#;
    // zlib.crc32 of BODY.
    const CRC32: &str = "642333050";
    let server = FakeServer::start(|_, n| {
        let mut reply = Reply::json(200, BODY);
        // The first answer's header is one off: a body damaged on the way.
        reply.headers.push(("x-amz-crc32".into(), if n == 0 { "642333051".into() } else { CRC32.into() }));
        reply
    });
    let item = client(&server)
        .get_item()
        .table_name("t")
        .key("pk", AttributeValue::S("a".into()))
        .send()
        .await
        .expect("the second answer checks out");
    assert_eq!(item.item().map(|item| &item["pk"]), Some(&AttributeValue::S("a".into())));
    assert_eq!(server.requests().len(), 2, "the mismatch is retried");

    let server = FakeServer::start(|_, _| {
        let mut reply = Reply::json(200, BODY);
        reply.headers.push(("x-amz-crc32".into(), "1".into()));
        reply
    });
    let error = client(&server)
        .get_item()
        .table_name("t")
        .key("pk", AttributeValue::S("a".into()))
        .send()
        .await
        .expect_err("never matches");
    let source = std::error::Error::source(&error).and_then(std::error::Error::source).map(ToString::to_string);
    assert!(source.is_some_and(|s| s.contains("x-amz-crc32")), "{error:?}");
    assert_eq!(server.requests().len(), 3, "every attempt of the standard mode");
}

#[tokio::test]
async fn a_cancelled_transaction_says_why_per_item_and_the_token_is_filled_in() {
    use fixture_dynamodb_lite::operation::transact_write_items::TransactWriteItemsError;
    use fixture_dynamodb_lite::types::{Put, TransactWriteItem};
    let server = FakeServer::start(|_, _| {
        Reply::json(
            400,
            r#"{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                "Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]",
                "CancellationReasons":[{"Code":"None"},{"Code":"ConditionalCheckFailed","Message":"The conditional request failed","Item":{"pk":{"S":"b"}}}]}"#,
        )
    });
    let put = |pk: &str| {
        let put = Put::builder()
            .table_name("t")
            .item("pk", AttributeValue::S(pk.into()))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .expect("put");
        TransactWriteItem::builder().put(put).build()
    };
    let error = client(&server)
        .transact_write_items()
        .transact_items(put("a"))
        .transact_items(put("b"))
        .send()
        .await
        .expect_err("cancelled")
        .into_service_error();
    let TransactWriteItemsError::TransactionCanceledException(cancelled) = &error else { panic!("{error:?}") };
    let codes: Vec<Option<&str>> = cancelled.cancellation_reasons().iter().map(|r| r.code()).collect();
    assert_eq!(codes, [Some("None"), Some("ConditionalCheckFailed")]);
    let failed = &cancelled.cancellation_reasons()[1];
    assert_eq!(failed.message(), Some("The conditional request failed"));
    assert_eq!(failed.item().map(|item| &item["pk"]), Some(&AttributeValue::S("b".into())));
    assert!(cancelled.message().is_some_and(|m| m.contains("ConditionalCheckFailed")));

    let requests = server.requests();
    assert_eq!(requests.len(), 1, "a cancelled transaction is not retried");
    let body = checked(&requests[0], "DynamoDB_20120810.TransactWriteItems");
    let token = body["ClientRequestToken"].as_str().expect("an idempotency token, filled in");
    assert_eq!(token.len(), 36, "a UUID: {token}");
    assert_eq!(body["TransactItems"][1]["Put"]["Item"], serde_json::json!({"pk": {"S": "b"}}));
}
