//! Per call: `get_ota_task` end to end (build, endpoint, sign, send in memory, parse), ours
//! against aws-sdk-rust's, for a full 200 response and a ThrottlingException; DynamoDB's
//! `get_item` the same way; S3's `get_object` of a small object and `list_objects_v2` of a page;
//! and our response parser alone, against serde_json into derived structs.

use bench::{ours, sdk, FULL_TASK, THROTTLING};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_time().build().expect("a tokio runtime")
}

fn per_call(c: &mut Criterion) {
    let rt = runtime();
    let mut group = c.benchmark_group("get_ota_task");
    for (name, canned) in [("ok", (200, FULL_TASK)), ("throttled", (429, THROTTLING))] {
        let ours = ours::client(canned);
        group.bench_function(format!("ours/{name}"), |b| {
            b.to_async(&rt).iter(|| async {
                let result = ours.get_ota_task().identifier("abc").send().await;
                assert_eq!(result.is_ok(), canned.0 == 200);
                black_box(result)
            })
        });
        let theirs = sdk::client(canned);
        group.bench_function(format!("sdk/{name}"), |b| {
            b.to_async(&rt).iter(|| async {
                let result = theirs.get_ota_task().identifier("abc").send().await;
                assert_eq!(result.is_ok(), canned.0 == 200);
                black_box(result)
            })
        });
    }
    group.finish();
}

fn dynamodb_get_item(c: &mut Criterion) {
    use bench::dynamodb;
    let rt = runtime();
    let mut group = c.benchmark_group("dynamodb_get_item");
    let ours = dynamodb::ours::client();
    group.bench_function("ours", |b| {
        b.to_async(&rt).iter(|| async {
            use fixture_dynamodb_lite::types::AttributeValue;
            let output = ours
                .get_item()
                .table_name("users")
                .key("pk", AttributeValue::S("user#42".into()))
                .key("sk", AttributeValue::S("profile".into()))
                .send()
                .await
                .expect("GetItem");
            assert_eq!(output.item().map(|item| item.len()), Some(8));
            black_box(output)
        })
    });
    let theirs = dynamodb::sdk::client();
    group.bench_function("sdk", |b| {
        b.to_async(&rt).iter(|| async {
            use aws_sdk_dynamodb::types::AttributeValue;
            let output = theirs
                .get_item()
                .table_name("users")
                .key("pk", AttributeValue::S("user#42".into()))
                .key("sk", AttributeValue::S("profile".into()))
                .send()
                .await
                .expect("GetItem");
            assert_eq!(output.item().map(|item| item.len()), Some(8));
            black_box(output)
        })
    });
    group.finish();
}

fn s3(c: &mut Criterion) {
    use bench::s3;
    let rt = runtime();
    let (ours, theirs) = (s3::ours::client(), s3::sdk::client());
    let mut group = c.benchmark_group("s3_get_object");
    group.bench_function("ours", |b| {
        b.to_async(&rt).iter(|| async {
            let output = ours.get_object().bucket("my-bucket").key("hello.txt").send().await.expect("GetObject");
            // The body streams, as the SDK's does: read it whole.
            let body = output.body.collect().await.expect("the body").into_bytes();
            assert_eq!(body.len(), s3::OBJECT.len());
            black_box(body)
        })
    });
    group.bench_function("sdk", |b| {
        b.to_async(&rt).iter(|| async {
            let output = theirs.get_object().bucket("my-bucket").key("hello.txt").send().await.expect("GetObject");
            // The body read whole, as ours is.
            let body = output.body.collect().await.expect("the body").into_bytes();
            assert_eq!(body.len(), s3::OBJECT.len());
            black_box(body)
        })
    });
    group.finish();
    let mut group = c.benchmark_group("s3_list_objects_v2");
    group.bench_function("ours", |b| {
        b.to_async(&rt).iter(|| async {
            let list = ours.list_objects_v2().bucket("my-bucket").prefix("logs/").send().await.expect("ListObjectsV2");
            assert_eq!(list.contents().len(), 3);
            black_box(list)
        })
    });
    group.bench_function("sdk", |b| {
        b.to_async(&rt).iter(|| async {
            let list =
                theirs.list_objects_v2().bucket("my-bucket").prefix("logs/").send().await.expect("ListObjectsV2");
            assert_eq!(list.contents().len(), 3);
            black_box(list)
        })
    });
    group.finish();
}

fn parse_only(c: &mut Criterion) {
    use iotmanagedintegrations::operation::get_ota_task::GetOtaTask;
    let response = ours::response((200, FULL_TASK));
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(FULL_TASK.len() as u64));
    group.bench_function("ours/get_ota_task", |b| {
        b.iter(|| GetOtaTask::deserialize_response(black_box(&response)).expect("parses"))
    });
    group.bench_function("serde_json/get_ota_task", |b| {
        b.iter(|| {
            serde_json::from_slice::<bench::serde_reference::GetOtaTaskOutput>(black_box(FULL_TASK.as_bytes()))
                .expect("parses")
        })
    });
    group.finish();
}

criterion_group!(benches, per_call, dynamodb_get_item, s3, parse_only);
criterion_main!(benches);
