//! End to end: a DynamoDB-shaped awsJson1_0 client (the `dynamodb-lite` fixture, a small model
//! written for these tests) against a fake service on 127.0.0.1: `PutItem` and `GetItem` with
//! attribute values, `Query` paging over map tokens, a conditional-check failure typed,
//! throttling then success, a cancelled transaction's reasons, the 2026 retry behavior's
//! DynamoDB tuning and `x-amz-retry-after`, `x-amz-crc32` checks, and `DescribeTable`'s waiters
//! (polls, delays, timeouts, `inputOutput`, filters). Every request's SigV4
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

/// Waiters' time, made fast: a timer that sleeps a hundredth of what it is asked (so a poll to
/// the fake server is still cut short by the waiter's deadline, as a slow one would be) and a
/// clock that moves by the whole duration when a sleep completes.
mod waiting {
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, SystemTime};

    use workspace_runtime::config::{AsyncSleep, Sleep};

    #[derive(Clone, Debug)]
    pub struct FastTime {
        now: Arc<Mutex<SystemTime>>,
        pub delays: Arc<Mutex<Vec<Duration>>>,
    }

    impl FastTime {
        pub fn new() -> Self {
            FastTime { now: Arc::new(Mutex::new(SystemTime::now())), delays: Arc::default() }
        }

        pub fn now(&self) -> SystemTime {
            *self.now.lock().expect("clock")
        }

        pub fn delays(&self) -> Vec<Duration> {
            self.delays.lock().expect("delays").clone()
        }
    }

    impl AsyncSleep for FastTime {
        fn sleep(&self, duration: Duration) -> Sleep {
            let time = self.clone();
            Box::pin(async move {
                tokio::time::sleep(duration / 100).await;
                *time.now.lock().expect("clock") += duration;
                time.delays.lock().expect("delays").push(duration);
            })
        }
    }
}

fn waiting_client(server: &FakeServer) -> (Client, waiting::FastTime) {
    let time = waiting::FastTime::new();
    let clock = time.clone();
    let config = support::fixture_builder(server).sleep_impl(time.clone()).time_source(move || clock.now()).build();
    (Client::from_conf(config), time)
}

const TABLE_ACTIVE: &str = r#"{"Table":{"TableName":"t","TableStatus":"ACTIVE","ItemCount":3}}"#;

fn not_found() -> Reply {
    Reply::json(400, r#"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"no table"}"#)
}

#[tokio::test]
async fn table_exists_waits_through_not_found_and_creating_until_active() {
    use fixture_dynamodb_lite::client::Waiters;
    use fixture_dynamodb_lite::types::TableStatus;
    let server = FakeServer::start(|_, n| match n {
        0 => not_found(),
        1 => Reply::json(200, r#"{"Table":{"TableName":"t","TableStatus":"CREATING"}}"#),
        _ => Reply::json(200, TABLE_ACTIVE),
    });
    let (client, time) = waiting_client(&server);
    let poll = client
        .wait_until_table_exists()
        .table_name("t")
        .wait(Duration::from_secs(300))
        .await
        .expect("the table becomes active");
    let output = poll.as_result().expect("a successful poll");
    assert_eq!(output.table().and_then(|t| t.table_status()), Some(&TableStatus::Active));
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "not found (retry), creating (no acceptor: retry), active (success)");
    for request in &requests {
        assert_eq!(checked(request, "DynamoDB_20120810.DescribeTable"), serde_json::json!({"TableName": "t"}));
    }
    // DynamoDB's waiters: minDelay 20 s, maxDelay 120 s; the first retry waits the minimum, the
    // second between it and twice it.
    let delays = time.delays();
    assert_eq!(delays.len(), 2, "{delays:?}");
    assert_eq!(delays[0], Duration::from_secs(20));
    assert!((Duration::from_secs(20)..=Duration::from_secs(40)).contains(&delays[1]), "{delays:?}");
}

#[tokio::test]
async fn table_exists_times_out_carrying_the_last_poll_when_the_table_never_appears() {
    use fixture_dynamodb_lite::client::Waiters;
    use fixture_dynamodb_lite::operation::describe_table::DescribeTableError;
    use fixture_dynamodb_lite::waiter::WaiterError;
    let server = FakeServer::start(|_, _| not_found());
    let (client, time) = waiting_client(&server);
    let max_wait = Duration::from_secs(100);
    let error = client.wait_until_table_exists().table_name("t").wait(max_wait).await.expect_err("never exists");
    let WaiterError::ExceededMaxWait(exceeded) = &error else { panic!("expected ExceededMaxWait, got {error:?}") };
    assert_eq!(exceeded.max_wait(), max_wait);
    assert!(exceeded.elapsed() >= max_wait, "{:?}", exceeded.elapsed());
    // The service may have seen one more, in flight when the time ran out.
    let (polls, seen) = (exceeded.poll_count() as usize, server.requests().len());
    assert!(seen == polls || seen == polls + 1, "{polls} polls completed, {seen} seen");
    assert!(polls >= 3, "at least three polls fit in 100 s of 20 s to 80 s delays: {polls}");
    let last = exceeded.last_poll().expect("the polls completed").expect_err("the last poll failed");
    assert!(matches!(last.as_service_error(), Some(DescribeTableError::ResourceNotFoundException(_))));
    assert!(error.to_string().contains("maximum wait of 100s"), "{error}");
    // Every delay is within the waiter's bounds but the last, which takes what time is left.
    let delays = time.delays();
    let (last_delay, others) = delays.split_last().expect("delays");
    assert!(others.iter().all(|d| (Duration::from_secs(20)..=Duration::from_secs(120)).contains(d)), "{delays:?}");
    assert_eq!(delays.iter().sum::<Duration>(), max_wait, "the last delay ends at the deadline: {last_delay:?}");
}

#[tokio::test]
async fn table_not_exists_succeeds_on_the_error_it_waits_for() {
    use fixture_dynamodb_lite::client::Waiters;
    let server = FakeServer::start(|_, n| if n == 0 { Reply::json(200, TABLE_ACTIVE) } else { not_found() });
    let (client, _) = waiting_client(&server);
    let poll = client.wait_until_table_not_exists().table_name("t").wait(Duration::from_secs(60)).await.expect("gone");
    assert!(poll
        .into_result()
        .expect_err("the success is an error")
        .into_service_error()
        .is_resource_not_found_exception());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_waiter_reads_input_and_output_filters_and_projects() {
    use fixture_dynamodb_lite::client::Waiters;
    use fixture_dynamodb_lite::waiter::WaiterError;
    let indexes = |statuses: &[&str]| {
        let indexes: Vec<String> = statuses
            .iter()
            .enumerate()
            .map(|(i, s)| format!(r#"{{"IndexName":"i{i}","IndexStatus":"{s}"}}"#))
            .collect();
        format!(
            r#"{{"Table":{{"TableName":"t","TableStatus":"ACTIVE","GlobalSecondaryIndexes":[{}]}}}}"#,
            indexes.join(",")
        )
    };
    // `TableReady`: succeeds when the table named in the input is active and no index is being
    // created or updated; fails as soon as an index is deleting, or on an unexpected error.
    let ready = |replies: Vec<String>| async move {
        let server = FakeServer::start(move |_, n| Reply::json(200, &replies[n.min(replies.len() - 1)]));
        let (client, _) = waiting_client(&server);
        let result = client.wait_until_table_ready().table_name("t").wait(Duration::from_secs(60)).await;
        (result, server.requests().len())
    };
    let (result, polls) =
        ready(vec![indexes(&["CREATING", "ACTIVE"]), indexes(&["ACTIVE", "UPDATING"]), indexes(&["ACTIVE", "ACTIVE"])])
            .await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(polls, 3);
    let (result, polls) = ready(vec![indexes(&["CREATING"]), indexes(&["ACTIVE", "DELETING"])]).await;
    assert!(matches!(result, Err(WaiterError::FailureState(_))), "{result:?}");
    assert_eq!(polls, 2);
    // Another table's description does not satisfy the input's table: only the
    // `allStringEquals` acceptor can match it, and `[*]` over no indexes is empty, so it does not.
    let other = r#"{"Table":{"TableName":"other","TableStatus":"ACTIVE","GlobalSecondaryIndexes":[]}}"#.to_owned();
    let (result, _) = ready(vec![other]).await;
    assert!(matches!(result, Err(WaiterError::ExceededMaxWait(_))), "{result:?}");

    // `success: false` fails the waiter on an error no other acceptor expects.
    let server = FakeServer::start(|_, _| Reply::json(400, r#"{"__type":"ValidationException","message":"bad"}"#));
    let (client, _) = waiting_client(&server);
    let result = client.wait_until_table_ready().table_name("t").wait(Duration::from_secs(60)).await;
    let Err(WaiterError::FailureState(poll)) = result else { panic!("expected FailureState, got {result:?}") };
    assert_eq!(poll.as_result().expect_err("an error").raw_response().map(|r| r.status), Some(400));
}

#[tokio::test]
async fn a_waiter_whose_input_is_incomplete_fails_before_calling() {
    use fixture_dynamodb_lite::client::Waiters;
    use fixture_dynamodb_lite::waiter::WaiterError;
    let server = FakeServer::start(|_, _| Reply::json(200, TABLE_ACTIVE));
    let (client, _) = waiting_client(&server);
    let result = client.wait_until_table_exists().wait(Duration::from_secs(60)).await;
    assert!(matches!(result, Err(WaiterError::ConstructionFailure(_))), "{result:?}");
    assert!(server.requests().is_empty());
}
