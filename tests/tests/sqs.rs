//! End to end: an SQS-shaped awsJson1_0 client (the `sqs-lite` fixture, a small model written
//! for these tests, `@awsQueryCompatible` as SQS is) against a fake service on 127.0.0.1:
//! `SendMessage` with message attributes, `ReceiveMessage` reading messages and their
//! attributes, and `QueueDoesNotExist` typed by its `__type` while its code is the query one
//! (`AWS.SimpleQueueService.NonExistentQueue`, from `x-amzn-query-error`), as SQS's SDK users
//! match on it. Every request's SigV4 signature is recomputed with `aws-sigv4`.

mod support;

use fixture_sqs_lite::operation::receive_message::ReceiveMessageError;
use fixture_sqs_lite::operation::send_message::SendMessageError;
use fixture_sqs_lite::types::{MessageAttributeValue, MessageSystemAttributeName};
use fixture_sqs_lite::Client;
use support::{fixture_config, FakeServer, Recorded, Reply};

const QUEUE: &str = "https://sqs.us-east-1.amazonaws.com/123456789012/orders";

fn client(server: &FakeServer) -> Client {
    Client::from_conf(fixture_config(server))
}

/// The request's body as JSON, after checking what every SQS call has in common.
fn checked(request: &Recorded, target: &str) -> serde_json::Value {
    assert_eq!(request.header("x-amzn-query-mode"), Some("true"), "query-compatible services ask for query errors");
    support::checked_aws_json_1_0(request, target, "sqs")
}

#[tokio::test]
async fn send_message_posts_the_body_and_its_attributes() {
    let server = FakeServer::start(|_, _| {
        Reply::json(200, r#"{"MD5OfMessageBody":"5d41402abc4b2a76b9719d911017c592","MessageId":"m-1"}"#)
    });
    let color = MessageAttributeValue::builder().data_type("String").string_value("blue").build().expect("attribute");
    let sent = client(&server)
        .send_message()
        .queue_url(QUEUE)
        .message_body("hello")
        .delay_seconds(5)
        .message_attributes("color", color)
        .send()
        .await
        .expect("SendMessage");
    assert_eq!(sent.message_id(), Some("m-1"));
    assert_eq!(sent.md5_of_message_body(), Some("5d41402abc4b2a76b9719d911017c592"));
    assert_eq!(sent.sequence_number(), None);

    let requests = server.requests();
    assert_eq!(
        checked(&requests[0], "AmazonSQS.SendMessage"),
        serde_json::json!({
            "QueueUrl": QUEUE,
            "MessageBody": "hello",
            "DelaySeconds": 5,
            "MessageAttributes": {"color": {"DataType": "String", "StringValue": "blue"}},
        })
    );
}

#[tokio::test]
async fn receive_message_reads_messages_with_their_attributes() {
    let server = FakeServer::start(|_, _| {
        Reply::json(
            200,
            r#"{"Messages":[
                {"MessageId":"m-1","ReceiptHandle":"r-1","MD5OfBody":"5d41402abc4b2a76b9719d911017c592","Body":"hello",
                 "Attributes":{"SentTimestamp":"1700000000000","ApproximateReceiveCount":"2"},
                 "MessageAttributes":{"color":{"DataType":"String","StringValue":"blue"}}},
                {"MessageId":"m-2","ReceiptHandle":"r-2","Body":"bye","Attributes":{"SomethingNew":"1"}}
            ]}"#,
        )
    });
    let received = client(&server)
        .receive_message()
        .queue_url(QUEUE)
        .max_number_of_messages(10)
        .wait_time_seconds(20)
        .message_attribute_names("All")
        .send()
        .await
        .expect("ReceiveMessage");
    let [first, second] = received.messages() else { panic!("two messages: {received:?}") };
    assert_eq!((first.message_id(), first.receipt_handle(), first.body()), (Some("m-1"), Some("r-1"), Some("hello")));
    let attributes = first.attributes().expect("system attributes");
    assert_eq!(attributes.get(&MessageSystemAttributeName::SentTimestamp).map(String::as_str), Some("1700000000000"));
    assert_eq!(attributes.get(&MessageSystemAttributeName::ApproximateReceiveCount).map(String::as_str), Some("2"));
    let color = &first.message_attributes().expect("message attributes")["color"];
    assert_eq!((color.data_type(), color.string_value()), ("String", Some("blue")));
    assert_eq!(second.body(), Some("bye"));
    let unknown = second.attributes().expect("system attributes").keys().next().expect("one attribute");
    assert_eq!(unknown.as_str(), "SomethingNew", "an attribute name the model does not list is kept");

    let requests = server.requests();
    assert_eq!(
        checked(&requests[0], "AmazonSQS.ReceiveMessage"),
        serde_json::json!({
            "QueueUrl": QUEUE,
            "MaxNumberOfMessages": 10,
            "WaitTimeSeconds": 20,
            "MessageAttributeNames": ["All"],
        })
    );
}

#[tokio::test]
async fn a_missing_queue_is_typed_and_carries_the_query_error_code() {
    let server = FakeServer::start(|_, _| {
        let mut reply = Reply::json(
            400,
            r#"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}"#,
        );
        reply.headers.push(("x-amzn-query-error".into(), "AWS.SimpleQueueService.NonExistentQueue;Sender".into()));
        reply
    });
    let error = client(&server)
        .send_message()
        .queue_url(QUEUE)
        .message_body("hello")
        .send()
        .await
        .expect_err("no such queue")
        .into_service_error();
    let SendMessageError::QueueDoesNotExist(missing) = &error else { panic!("expected QueueDoesNotExist: {error:?}") };
    assert_eq!(missing.message(), Some("The specified queue does not exist."));
    assert_eq!(error.code(), Some("AWS.SimpleQueueService.NonExistentQueue"));
    assert_eq!(error.meta().extra("type"), Some("Sender"));
    assert!(error.is_queue_does_not_exist());

    let error = client(&server)
        .receive_message()
        .queue_url(QUEUE)
        .send()
        .await
        .expect_err("no such queue")
        .into_service_error();
    assert!(matches!(error, ReceiveMessageError::QueueDoesNotExist(_)), "{error:?}");
    assert_eq!(error.code(), Some("AWS.SimpleQueueService.NonExistentQueue"));
    assert_eq!(server.requests().len(), 2, "a client error is not retried");
}

/// A timer that returns at once and records what it was asked to wait.
#[derive(Debug, Clone, Default)]
struct RecordingSleep(std::sync::Arc<std::sync::Mutex<Vec<std::time::Duration>>>);

impl workspace_runtime::config::AsyncSleep for RecordingSleep {
    fn sleep(&self, duration: std::time::Duration) -> workspace_runtime::config::Sleep {
        self.0.lock().expect("waits").push(duration);
        Box::pin(std::future::ready(()))
    }
}

#[tokio::test]
async fn from_2026_a_long_poll_backs_off_even_when_the_retry_quota_is_empty() {
    use workspace_runtime::config::{RetryBehavior, RetryConfig};
    let down = || FakeServer::start(|_, _| Reply::error(500, "InternalError", "down"));
    let retry = RetryConfig::standard().with_behavior(RetryBehavior::Standard2026).with_max_attempts(100);
    // A fresh client per call: each has its own quota of 500 tokens, 14 a transient retry.
    let run = |server: &FakeServer| {
        let sleep = RecordingSleep::default();
        let config = support::fixture_builder(server).retry_config(retry).sleep_impl(sleep.clone()).build();
        (Client::from_conf(config), sleep)
    };

    let server = down();
    let (client, sleep) = run(&server);
    client.send_message().queue_url(QUEUE).message_body("x").send().await.expect_err("down");
    assert_eq!(server.requests().len(), 36, "35 retries take 490 of the 500 tokens; the 36th is refused");
    assert_eq!(sleep.0.lock().expect("waits").len(), 35, "SendMessage returns the error at once");

    let server = down();
    let (client, sleep) = run(&server);
    client.receive_message().queue_url(QUEUE).send().await.expect_err("down");
    assert_eq!(server.requests().len(), 36);
    let waits = sleep.0.lock().expect("waits").clone();
    assert_eq!(waits.len(), 36, "ReceiveMessage, long polling, backs off once more before returning");
    assert!(waits.iter().all(|w| *w < std::time::Duration::from_secs(20)), "{waits:?}");
}
