//! End to end: a CloudWatch-shaped rpcv2Cbor client (the `cloudwatch-lite` fixture, a small
//! model written for these tests that, like CloudWatch's, declares rpcv2Cbor next to awsJson1_0
//! and gets rpcv2Cbor) against a fake service on 127.0.0.1: `PutMetricData`'s CBOR body gzipped
//! above the size threshold (`@requestCompression`, as CloudWatch's is), sent as is below it or
//! with compression off; `GetMetricData` paging over `NextToken` with timestamps (CBOR tag 1)
//! and values read back; an error typed by `__type`. Every request's SigV4 signature (over the
//! body as sent) is recomputed with `aws-sigv4`.

mod support;

use std::io::Read as _;

use fixture_cloudwatch_lite::cbor::{self, CborValue, CborWriter};
use fixture_cloudwatch_lite::operation::put_metric_data::PutMetricDataError;
use fixture_cloudwatch_lite::primitives::{DateTime, Format};
use fixture_cloudwatch_lite::types::{
    Dimension, Metric, MetricDataQuery, MetricDatum, MetricStat, StandardUnit, StatusCode,
};
use fixture_cloudwatch_lite::Client;
use support::{fixture_builder, fixture_config, verify_sigv4_for, FakeServer, Recorded, Reply};

fn client(server: &FakeServer) -> Client {
    Client::from_conf(fixture_config(server))
}

/// The request's CBOR body (inflated when gzipped), after checking what every call has in common.
fn checked(request: &Recorded, operation: &str) -> CborValue {
    let path = format!("/service/GraniteServiceVersion20100801/operation/{operation}");
    assert_eq!((request.method.as_str(), request.target.as_str()), ("POST", path.as_str()));
    assert_eq!(request.header("smithy-protocol"), Some("rpc-v2-cbor"));
    assert_eq!(request.header("content-type"), Some("application/cbor"));
    verify_sigv4_for(request, None, "monitoring");
    let body = match request.header("content-encoding") {
        Some("gzip") => {
            let mut inflated = Vec::new();
            flate2::read::GzDecoder::new(&request.body[..]).read_to_end(&mut inflated).expect("a gzip body");
            inflated
        }
        other => {
            assert_eq!(other, None, "no other encoding");
            request.body.clone()
        }
    };
    cbor::parse(&body).expect("a CBOR body")
}

fn datum(name: &str, value: f64) -> MetricDatum {
    MetricDatum::builder()
        .metric_name(name)
        .dimensions(Dimension::builder().name("Host").value("web-1").build().expect("dimension"))
        .timestamp(DateTime::from_secs(1_700_000_000))
        .value(value)
        .unit(StandardUnit::Percent)
        .build()
        .expect("datum")
}

fn text(value: Option<&CborValue>) -> Option<&str> {
    match value {
        Some(CborValue::Text(text)) => Some(text),
        _ => None,
    }
}

#[tokio::test]
async fn put_metric_data_is_gzipped_above_the_threshold_only() {
    let server = FakeServer::start(|_, _| Reply::cbor(200, Vec::new()));

    // One datum: far below the 10 KiB the SDKs compress from.
    client(&server).put_metric_data().namespace("App").metric_data(datum("CPU", 12.5)).send().await.expect("small");
    // Five hundred: well above it.
    let mut put = client(&server).put_metric_data().namespace("App");
    for i in 0..500 {
        put = put.metric_data(datum(&format!("Metric{i}"), f64::from(i)));
    }
    put.send().await.expect("large");
    // Compression off.
    let config = fixture_builder(&server).disable_request_compression(true).build();
    Client::from_conf(config)
        .put_metric_data()
        .namespace("App")
        .metric_data(datum("CPU", 1.0))
        .send()
        .await
        .expect("off");

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].header("content-encoding"), None, "below the threshold");
    assert_eq!(requests[1].header("content-encoding"), Some("gzip"), "above the threshold");
    assert_eq!(requests[2].header("content-encoding"), None, "compression off");

    let small = checked(&requests[0], "PutMetricData");
    assert_eq!(text(small.get("Namespace")), Some("App"));
    let Some(CborValue::Array(data)) = small.get("MetricData") else { panic!("MetricData: {small:?}") };
    let [first] = &data[..] else { panic!("one datum: {data:?}") };
    assert_eq!(text(first.get("MetricName")), Some("CPU"));
    assert_eq!(first.get("Value"), Some(&CborValue::Float(12.5)));
    assert_eq!(text(first.get("Unit")), Some("Percent"));
    assert_eq!(first.get("Timestamp"), Some(&CborValue::Tag(1, Box::new(CborValue::Integer(1_700_000_000)))));
    let Some(CborValue::Array(dimensions)) = first.get("Dimensions") else { panic!("Dimensions: {first:?}") };
    assert_eq!((text(dimensions[0].get("Name")), text(dimensions[0].get("Value"))), (Some("Host"), Some("web-1")));

    let large = checked(&requests[1], "PutMetricData");
    assert!(requests[1].body.len() < 10 * 1024, "gzip shrinks {} repetitive datums", 500);
    let Some(CborValue::Array(data)) = large.get("MetricData") else { panic!("MetricData") };
    assert_eq!(data.len(), 500);
    assert_eq!(text(data[499].get("MetricName")), Some("Metric499"));
    checked(&requests[2], "PutMetricData");
}

/// A `GetMetricData` page: one result with two points, and `next` as its `NextToken`.
fn page(points: [(i64, f64); 2], next: Option<&str>) -> Vec<u8> {
    let mut w = CborWriter::new();
    w.begin_object();
    w.key("MetricDataResults");
    w.begin_array();
    w.begin_object();
    w.key("Id");
    w.string("cpu");
    w.key("Label");
    w.string("CPU");
    w.key("Timestamps");
    w.begin_array();
    for (seconds, _) in points {
        w.timestamp(&DateTime::from_secs(seconds), Format::EpochSeconds);
    }
    w.end_array();
    w.key("Values");
    w.begin_array();
    for (_, value) in points {
        w.f64(value);
    }
    w.end_array();
    w.key("StatusCode");
    w.string(if next.is_some() { "PartialData" } else { "Complete" });
    w.end_object();
    w.end_array();
    if let Some(next) = next {
        w.key("NextToken");
        w.string(next);
    }
    w.end_object();
    w.finish()
}

#[tokio::test]
async fn get_metric_data_pages_over_next_token() {
    let server = FakeServer::start(|_, n| match n {
        0 => Reply::cbor(200, page([(1_700_000_000, 0.5), (1_700_000_060, 0.75)], Some("t-2"))),
        _ => Reply::cbor(200, page([(1_700_000_120, 0.25), (1_700_000_180, 1.0)], None)),
    });
    let query = MetricDataQuery::builder()
        .id("cpu")
        .metric_stat(
            MetricStat::builder()
                .metric(Metric::builder().namespace("App").metric_name("CPU").build())
                .period(60)
                .stat("Average")
                .build()
                .expect("stat"),
        )
        .build()
        .expect("query");
    let pages = client(&server)
        .get_metric_data()
        .metric_data_queries(query)
        .start_time(DateTime::from_secs(1_700_000_000))
        .end_time(DateTime::from_secs(1_700_003_600))
        .into_paginator()
        .send()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.len(), 2);
    let results: Vec<_> = pages.iter().flat_map(|page| page.metric_data_results()).collect();
    let timestamps: Vec<i64> = results.iter().flat_map(|r| r.timestamps()).map(DateTime::secs).collect();
    assert_eq!(timestamps, [1_700_000_000, 1_700_000_060, 1_700_000_120, 1_700_000_180]);
    let values: Vec<f64> = results.iter().flat_map(|r| r.values()).copied().collect();
    assert_eq!(values, [0.5, 0.75, 0.25, 1.0]);
    assert_eq!(results[0].status_code(), Some(&StatusCode::PartialData));
    assert_eq!(results[1].status_code(), Some(&StatusCode::Complete));

    let requests = server.requests();
    let first = checked(&requests[0], "GetMetricData");
    assert_eq!(first.get("NextToken"), None);
    assert_eq!(first.get("StartTime"), Some(&CborValue::Tag(1, Box::new(CborValue::Integer(1_700_000_000)))));
    let Some(CborValue::Array(queries)) = first.get("MetricDataQueries") else { panic!("queries: {first:?}") };
    let stat = queries[0].get("MetricStat").expect("MetricStat");
    assert_eq!((text(stat.get("Stat")), stat.get("Period")), (Some("Average"), Some(&CborValue::Integer(60))));
    let second = checked(&requests[1], "GetMetricData");
    assert_eq!(text(second.get("NextToken")), Some("t-2"), "the next page starts at the token");
}

#[tokio::test]
async fn an_invalid_parameter_is_typed() {
    let mut w = CborWriter::new();
    w.begin_object();
    w.key("__type");
    w.string("com.amazonaws.cloudwatch#InvalidParameterValueException");
    w.key("message");
    w.string("The value NaN is not valid");
    w.end_object();
    let body = w.finish();
    let server = FakeServer::start(move |_, _| Reply::cbor(400, body.clone()));
    let error = client(&server)
        .put_metric_data()
        .namespace("App")
        .metric_data(datum("CPU", f64::NAN))
        .send()
        .await
        .expect_err("invalid")
        .into_service_error();
    let PutMetricDataError::InvalidParameterValueException(invalid) = &error else { panic!("{error:?}") };
    assert_eq!(invalid.message(), Some("The value NaN is not valid"));
    let requests = server.requests();
    let sent = checked(&requests[0], "PutMetricData");
    let Some(CborValue::Array(data)) = sent.get("MetricData") else { panic!("MetricData") };
    assert!(matches!(data[0].get("Value"), Some(CborValue::Float(v)) if v.is_nan()), "NaN is sent as a float");
}
