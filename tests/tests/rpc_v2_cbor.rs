//! End to end: a generated rpcv2Cbor client (the `rpc-v2-cbor` fixture) against a fake service
//! on 127.0.0.1: `POST /service/Metrics/operation/{Operation}` with `smithy-protocol`, a CBOR
//! map of the input (none for an operation without input), SigV4, CBOR outputs, and errors
//! identified by `__type` (a throttling error retried as the model says).

mod support;

use fixture_rpc_v2_cbor::cbor::{self, CborValue, CborWriter};
use fixture_rpc_v2_cbor::operation::put_metric::PutMetricError;
use fixture_rpc_v2_cbor::primitives::{Blob, DateTime, Format};
use fixture_rpc_v2_cbor::Client;
use support::{fixture_config, verify_sigv4_for, FakeServer, Reply};

fn client(server: &FakeServer) -> Client {
    Client::from_conf(fixture_config(server))
}

/// Writes one member's value.
type Member<'a> = (&'a str, &'a dyn Fn(&mut CborWriter));

/// A CBOR map of `members`, written as a service would.
fn cbor_map(members: &[Member]) -> Vec<u8> {
    let mut w = CborWriter::new();
    w.begin_object();
    for (key, write) in members {
        w.key(key);
        write(&mut w);
    }
    w.end_object();
    w.finish()
}

#[tokio::test]
async fn a_call_posts_a_cbor_map_to_the_operation_path_and_reads_a_cbor_output() {
    let stored = DateTime::from_secs(1_700_000_000);
    let reply = cbor_map(&[("Count", &|w| w.i64(3)), ("StoredAt", &|w| w.timestamp(&stored, Format::EpochSeconds))]);
    let server = FakeServer::start(move |_, _| Reply::cbor(200, reply.clone()));
    let output = client(&server)
        .put_metric()
        .name("cpu")
        .value(0.25)
        .payload(Blob::new(vec![0, 255]))
        .at(DateTime::from_secs_f64(1.5))
        .tags("a")
        .send()
        .await
        .expect("PutMetric");
    assert_eq!(output.count(), Some(3));
    assert_eq!(output.stored_at(), Some(stored));

    let requests = server.requests();
    let request = &requests[0];
    assert_eq!((request.method.as_str(), request.target.as_str()), ("POST", "/service/Metrics/operation/PutMetric"));
    assert_eq!(request.header("smithy-protocol"), Some("rpc-v2-cbor"));
    assert_eq!(request.header("content-type"), Some("application/cbor"));
    assert_eq!(request.header("accept"), Some("application/cbor"));
    let body = cbor::parse(&request.body).expect("a CBOR body");
    assert_eq!(body.get("Name"), Some(&CborValue::Text("cpu".into())));
    assert_eq!(body.get("Value"), Some(&CborValue::Float(0.25)));
    assert_eq!(body.get("Payload"), Some(&CborValue::Bytes(vec![0, 255])));
    assert_eq!(body.get("At"), Some(&CborValue::Tag(1, Box::new(CborValue::Float(1.5)))));
    assert_eq!(body.get("Tags"), Some(&CborValue::Array(vec![CborValue::Text("a".into())])));
    verify_sigv4_for(request, None, "metrics");
}

#[tokio::test]
async fn an_operation_without_input_sends_no_body() {
    let server = FakeServer::start(|_, _| Reply::cbor(200, Vec::new()));
    client(&server).ping().send().await.expect("Ping");
    let request = &server.requests()[0];
    assert_eq!(request.target, "/service/Metrics/operation/Ping");
    assert!(request.body.is_empty());
    assert_eq!(request.header("content-type"), None);
}

#[tokio::test]
async fn errors_are_identified_by_type_and_throttling_is_retried() {
    let error = cbor_map(&[
        ("__type", &|w| w.string("smithy.fixtures.cbor#LimitExceeded")),
        ("message", &|w| w.string("slow down")),
        ("Limit", &|w| w.i64(10)),
    ]);
    let server = FakeServer::start(move |_, _| Reply::cbor(400, error.clone()));
    let error = client(&server).put_metric().name("cpu").send().await.expect_err("throttled").into_service_error();
    let PutMetricError::LimitExceeded(limit) = &error else { panic!("expected LimitExceeded, got {error:?}") };
    assert_eq!((limit.message(), limit.limit()), (Some("slow down"), Some(10)));
    assert_eq!(error.code(), Some("LimitExceeded"));
    assert_eq!(server.requests().len(), 3, "a throttling error is retried up to the standard 3 attempts");

    // A body that is not CBOR is an unhandled error that keeps the status, never a panic.
    let server = FakeServer::start(|_, _| Reply::cbor(500, vec![0xbf, 0x61]));
    let error = client(&server).put_metric().name("cpu").send().await.expect_err("a 500").into_service_error();
    assert!(matches!(error, PutMetricError::Unhandled(_)), "{error:?}");
    assert_eq!(error.meta().status(), Some(500));
}
