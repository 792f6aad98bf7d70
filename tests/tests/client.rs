//! End to end: the generated client (feature `client`) against a fake IoT Managed Integrations
//! service on 127.0.0.1. Every request's SigV4 signature is recomputed with `aws-sigv4`.

mod support;

use std::time::{Duration, Instant};

use iotmanagedintegrations::config::{RetryConfig, TimeoutConfig};
use iotmanagedintegrations::credentials::{Credentials, Env, ProfileFileCredentialsProvider};
use iotmanagedintegrations::operation::get_ota_task::GetOtaTaskError;
use iotmanagedintegrations::types::{OtaMechanism, OtaProtocol, OtaStatus, OtaType};
use iotmanagedintegrations::{Client, SdkError};
use support::{verify_sigv4, FakeServer, Recorded, Reply, ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY};

/// A GetOtaTask response with every output member set.
const FULL_TASK: &str = r#"{
    "TaskId": "abc",
    "TaskArn": "arn:aws:iotmanagedintegrations:us-east-1:123456789012:ota-task/abc",
    "Description": "firmware 2.1",
    "S3Url": "s3://bucket/firmware.bin",
    "Protocol": "HTTP",
    "OtaType": "ONE_TIME",
    "OtaTargetQueryString": "thingName:lamp*",
    "OtaMechanism": "PUSH",
    "Target": ["arn:aws:iotmanagedintegrations:us-east-1:123456789012:managed-thing/t1"],
    "CreatedAt": 1764000000,
    "LastUpdatedAt": 1764003600.5,
    "TaskConfigurationId": "cfg-1",
    "TaskProcessingDetails": {
        "NumberOfCanceledThings": 1,
        "NumberOfFailedThings": 2,
        "NumberOfInProgressThings": 3,
        "numberOfQueuedThings": 4,
        "numberOfRejectedThings": 5,
        "numberOfRemovedThings": 6,
        "numberOfSucceededThings": 7,
        "numberOfTimedOutThings": 8,
        "processingTargets": ["t1", "t2"]
    },
    "OtaSchedulingConfig": {
        "EndBehavior": "STOP_ROLLOUT",
        "EndTime": "2026-12-01T00:00:00Z",
        "MaintenanceWindows": [{"StartTime": "00:30", "DurationInMinutes": 60}],
        "StartTime": "2026-11-28T00:00:00Z"
    },
    "OtaTaskExecutionRetryConfig": {
        "RetryConfigCriteria": [{"FailureType": "FAILED", "MinNumberOfRetries": 2}]
    },
    "Status": "IN_PROGRESS",
    "Tags": {"team": "lighting"}
}"#;

fn config(server: &FakeServer) -> iotmanagedintegrations::config::Builder {
    smithy_config::builder()
        .region(REGION)
        .endpoint_url(server.url())
        .credentials_provider(Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None, None))
        .retry_config(RetryConfig::standard().with_initial_backoff(Duration::from_millis(5)))
}

fn assert_get(request: &Recorded) {
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/ota-tasks/abc");
    verify_sigv4(request, None);
}

#[tokio::test]
async fn get_ota_task_reads_every_member_of_a_signed_call() {
    let server = FakeServer::start(|_, _| Reply::json(200, FULL_TASK));
    let client = Client::from_conf(config(&server).build());
    let task = client.get_ota_task().identifier("abc").send().await.expect("the task");

    assert_eq!(task.task_id(), Some("abc"));
    assert_eq!(task.description(), Some("firmware 2.1"));
    assert_eq!(task.protocol(), Some(&OtaProtocol::Http));
    assert_eq!(task.ota_type(), Some(&OtaType::OneTime));
    assert_eq!(task.ota_mechanism(), Some(&OtaMechanism::Push));
    assert_eq!(task.status(), Some(&OtaStatus::InProgress));
    assert_eq!(task.target().len(), 1);
    assert_eq!(task.created_at().map(|t| t.secs()), Some(1_764_000_000));
    let details = task.task_processing_details().expect("processing details");
    assert_eq!(details.number_of_timed_out_things(), Some(8));
    assert_eq!(details.processing_targets(), ["t1", "t2"]);
    let scheduling = task.ota_scheduling_config().expect("scheduling config");
    assert_eq!(scheduling.maintenance_windows()[0].duration_in_minutes(), Some(60));
    let retry = task.ota_task_execution_retry_config().expect("retry config");
    assert_eq!(retry.retry_config_criteria()[0].min_number_of_retries(), Some(2));
    assert_eq!(task.tags().and_then(|t| t.get("team")).map(String::as_str), Some("lighting"));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_get(&requests[0]);
    assert_eq!(requests[0].header("host"), Some(server.url().trim_start_matches("http://")));
    assert_eq!(requests[0].header("amz-sdk-request"), Some("attempt=1; max=3"));
}

#[tokio::test]
#[should_panic(expected = "signature of GET /ota-tasks/other")]
async fn the_signature_check_catches_a_changed_request() {
    let server = FakeServer::start(|_, _| Reply::json(200, FULL_TASK));
    let client = Client::from_conf(config(&server).build());
    client.get_ota_task().identifier("abc").send().await.expect("the task");
    let mut request = server.requests().remove(0);
    request.target = "/ota-tasks/other".into();
    verify_sigv4(&request, None);
}

#[tokio::test]
async fn session_tokens_are_sent_and_signed() {
    let server = FakeServer::start(|_, _| Reply::json(200, FULL_TASK));
    let credentials = Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, Some("session-token".into()), None);
    let client = Client::from_conf(config(&server).credentials_provider(credentials).build());
    client.get_ota_task().identifier("abc").send().await.expect("the task");
    verify_sigv4(&server.requests()[0], Some("session-token"));
}

#[tokio::test]
async fn credentials_come_from_a_shared_credentials_file_profile() {
    let dir = std::env::temp_dir().join(format!("client-e2e-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("credentials");
    std::fs::write(
        &file,
        format!("[default]\naws_access_key_id = WRONG\naws_secret_access_key = WRONG\n\n[dev]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"),
    )
    .unwrap();
    let env = Env::from_pairs([
        ("AWS_SHARED_CREDENTIALS_FILE", file.to_string_lossy().into_owned()),
        ("AWS_CONFIG_FILE", dir.join("missing-config").to_string_lossy().into_owned()),
        ("AWS_PROFILE", "dev".to_owned()),
    ]);
    let server = FakeServer::start(|_, _| Reply::json(200, FULL_TASK));
    let provider = ProfileFileCredentialsProvider::new().with_env(env);
    let client = Client::from_conf(config(&server).credentials_provider(provider).build());
    client.get_ota_task().identifier("abc").send().await.expect("the task");
    std::fs::remove_dir_all(&dir).unwrap();
    assert_get(&server.requests()[0]);
}

#[tokio::test]
async fn each_modeled_error_is_typed_and_client_errors_are_not_retried() {
    type IsVariant = fn(&GetOtaTaskError) -> bool;
    let cases: [(u16, &str, IsVariant); 5] = [
        (403, "AccessDeniedException", GetOtaTaskError::is_access_denied_exception),
        (400, "ValidationException", GetOtaTaskError::is_validation_exception),
        (500, "InternalServerException", GetOtaTaskError::is_internal_server_exception),
        (404, "ResourceNotFoundException", GetOtaTaskError::is_resource_not_found_exception),
        (429, "ThrottlingException", GetOtaTaskError::is_throttling_exception),
    ];
    for (status, code, is_variant) in cases {
        let server = FakeServer::start(move |_, _| Reply::error(status, code, "no luck"));
        let client = Client::from_conf(config(&server).build());
        let error = client.get_ota_task().identifier("abc").send().await.expect_err(code);
        assert_eq!(error.raw_response().map(|r| r.status), Some(status), "{code}");
        let error = error.into_service_error();
        assert!(is_variant(&error), "{code}: {error:?}");
        assert_eq!(error.code(), Some(code));
        assert_eq!(error.message(), Some("no luck"));
        assert_eq!(error.meta().request_id(), Some("req-1234"));
        // Throttling and 5xx are retried up to 3 attempts in all; other 4xx are not.
        let expected = if status == 429 || status == 500 { 3 } else { 1 };
        let requests = server.requests();
        assert_eq!(requests.len(), expected, "{code}");
        requests.iter().for_each(assert_get);
    }
}

#[tokio::test]
async fn throttling_then_success_is_retried_with_backoff() {
    let server = FakeServer::start(|_, n| match n {
        0 | 1 => Reply::error(429, "ThrottlingException", "slow down"),
        _ => Reply::json(200, FULL_TASK),
    });
    let client = Client::from_conf(config(&server).build());
    let task = client.get_ota_task().identifier("abc").send().await.expect("success on the third attempt");
    assert_eq!(task.task_id(), Some("abc"));
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for (i, request) in requests.iter().enumerate() {
        assert_get(request);
        assert_eq!(request.header("amz-sdk-request"), Some(format!("attempt={}; max=3", i + 1).as_str()));
    }
}

#[tokio::test]
async fn max_attempts_is_configurable() {
    let server = FakeServer::start(|_, _| Reply::error(503, "ServiceUnavailable", "busy"));
    let retry = RetryConfig::standard().with_max_attempts(5).with_initial_backoff(Duration::from_millis(1));
    let client = Client::from_conf(config(&server).retry_config(retry).build());
    let error = client.get_ota_task().identifier("abc").send().await.expect_err("always busy");
    assert!(error.into_service_error().meta().code() == Some("ServiceUnavailable"));
    assert_eq!(server.requests().len(), 5);

    let server = FakeServer::start(|_, _| Reply::error(503, "ServiceUnavailable", "busy"));
    let client = Client::from_conf(config(&server).retry_config(RetryConfig::disabled()).build());
    client.get_ota_task().identifier("abc").send().await.expect_err("always busy");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_slow_response_times_out_per_attempt_and_per_operation() {
    let server = FakeServer::start(|_, _| Reply::json(200, FULL_TASK).after(Duration::from_secs(3)));
    let timeouts = TimeoutConfig::new().with_attempt_timeout(Duration::from_millis(200));
    let client = Client::from_conf(config(&server).timeout_config(timeouts).build());
    let started = Instant::now();
    let error = client.get_ota_task().identifier("abc").send().await.expect_err("too slow");
    assert!(matches!(error, SdkError::TimeoutError(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(server.requests().len(), 3, "timed-out attempts are retried");

    let timeouts = TimeoutConfig::new().with_operation_timeout(Duration::from_millis(300));
    let client = Client::from_conf(config(&server).timeout_config(timeouts).build());
    let started = Instant::now();
    let error = client.get_ota_task().identifier("abc").send().await.expect_err("too slow");
    assert!(error.to_string().contains("operation timed out"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_refused_connection_is_a_retried_dispatch_failure() {
    let client = Client::from_conf(
        smithy_config::builder()
            .region(REGION)
            .endpoint_url(support::closed_port_url())
            .credentials_provider(Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None, None))
            .retry_config(RetryConfig::standard().with_initial_backoff(Duration::from_millis(1)))
            .build(),
    );
    let error = client.get_ota_task().identifier("abc").send().await.expect_err("nothing listens");
    let SdkError::DispatchFailure(failure) = &error else { panic!("{error:?}") };
    assert!(failure.is_io(), "{failure:?}");
}

#[tokio::test]
async fn construction_failures_send_nothing() {
    let server = FakeServer::start(|_, _| Reply::json(200, FULL_TASK));
    let client = Client::from_conf(config(&server).build());
    let error = client.get_ota_task().send().await.expect_err("identifier is required");
    assert!(matches!(error, SdkError::ConstructionFailure(_)), "{error:?}");

    let no_region = smithy_config::builder()
        .endpoint_url(server.url())
        .credentials_provider(Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None, None))
        .build();
    let error = Client::from_conf(no_region).get_ota_task().identifier("abc").send().await.expect_err("no Region");
    let cause = std::error::Error::source(&error).map(ToString::to_string).unwrap_or_default();
    assert!(cause.contains("Region"), "{error:?}");
    assert!(server.requests().is_empty());
}

// ---------------------------------------------------------------------------
// Pagination and idempotency, on the `pagination` fixture (ListOtaTasks, CreateOtaTask).
// ---------------------------------------------------------------------------

fn fixture_client(server: &FakeServer) -> fixture_pagination::Client {
    fixture_pagination::Client::from_conf(support::fixture_config(server))
}

fn page(ids: &[&str], next: Option<&str>) -> Reply {
    let tasks: Vec<String> = ids.iter().map(|id| format!(r#"{{"TaskId":"{id}","Status":"DONE"}}"#)).collect();
    let next = next.map(|t| format!(r#","NextToken":"{t}""#)).unwrap_or_default();
    Reply::json(200, &format!(r#"{{"Tasks":[{}]{next}}}"#, tasks.join(",")))
}

#[tokio::test]
async fn paginator_follows_tokens_until_the_last_page() {
    let server = FakeServer::start(|request, _| {
        let token = request.query().into_iter().find(|(k, _)| k == "NextToken").map(|(_, v)| v);
        match token.as_deref() {
            None => page(&["a", "b"], Some("t1")),
            Some("t1") => page(&["c", "d"], Some("t2")),
            Some("t2") => page(&["e"], None),
            Some(other) => Reply::error(400, "ValidationException", other),
        }
    });
    let client = fixture_client(&server);
    let ids: Vec<String> = client
        .list_ota_tasks()
        .into_paginator()
        .page_size(2)
        .items()
        .try_collect()
        .await
        .expect("all items")
        .into_iter()
        .filter_map(|t| t.task_id)
        .collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let queries: Vec<Vec<(String, String)>> = requests.iter().map(Recorded::query).collect();
    assert_eq!(queries[0], [("MaxResults".to_owned(), "2".to_owned())]);
    assert!(queries[1].contains(&("NextToken".to_owned(), "t1".to_owned())));
    assert!(queries[2].contains(&("NextToken".to_owned(), "t2".to_owned())));
    for request in &requests {
        assert_eq!(request.path(), "/ota-tasks");
        verify_sigv4(request, None);
    }

    let mut pages = client.list_ota_tasks().into_paginator().send();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        sizes.push(page.expect("a page").tasks().len());
    }
    assert_eq!(sizes, [2, 2, 1]);
}

#[tokio::test]
async fn paginator_stops_when_the_token_repeats_or_a_page_fails() {
    let server = FakeServer::start(|_, n| page(&[&format!("item{n}")], Some("same")));
    let pages = fixture_client(&server).list_ota_tasks().into_paginator().send().try_collect().await.expect("pages");
    // The first page sets token "same"; the second returns it again, so paging stops there.
    assert_eq!(pages.len(), 2);
    assert_eq!(server.requests().len(), 2);

    let server = FakeServer::start(|_, n| match n {
        0 => page(&["a"], Some("t1")),
        _ => Reply::error(403, "AccessDeniedException", "no"),
    });
    let mut items = fixture_client(&server).list_ota_tasks().into_paginator().items();
    assert!(items.next().await.expect("first item").is_ok());
    assert!(items.next().await.expect("the error").is_err());
    assert!(items.next().await.is_none());
}

#[tokio::test]
async fn a_retried_write_keeps_its_idempotency_token() {
    let server = FakeServer::start(|_, n| match n {
        0 => Reply::error(503, "ServiceUnavailable", "busy"),
        _ => Reply::json(201, r#"{"TaskId":"new"}"#),
    });
    let created = fixture_client(&server).create_ota_task().description("fw").send().await.expect("created");
    assert_eq!(created.task_id(), Some("new"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let token = |r: &Recorded| {
        let body = String::from_utf8(r.body.clone()).unwrap();
        let start = body.find("\"ClientToken\":\"").expect("a client token") + 15;
        body[start..start + 36].to_owned()
    };
    assert_eq!(token(&requests[0]), token(&requests[1]));
    assert_eq!(requests[0].body, requests[1].body);
    requests.iter().for_each(|r| verify_sigv4(r, None));
}

#[tokio::test]
async fn paginator_follows_a_token_nested_in_a_structure() {
    // RDS's DescribeEngineDefaultParameters: `EngineDefaults.Marker` and `EngineDefaults.Parameters`.
    let server = FakeServer::start(|request, _| {
        let body = String::from_utf8(request.body.clone()).unwrap();
        if body.contains("\"Marker\":\"m1\"") {
            Reply::json(200, r#"{"EngineDefaults":{"Parameters":[{"Name":"c"}]}}"#)
        } else {
            Reply::json(200, r#"{"EngineDefaults":{"Marker":"m1","Parameters":[{"Name":"a"},{"Name":"b"}]}}"#)
        }
    });
    let names: Vec<String> = fixture_client(&server)
        .describe_engine_defaults()
        .into_paginator()
        .page_size(2_i64)
        .items()
        .try_collect()
        .await
        .expect("all items")
        .into_iter()
        .filter_map(|p| p.name)
        .collect();
    assert_eq!(names, ["a", "b", "c"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let first = String::from_utf8(requests[0].body.clone()).unwrap();
    assert!(first.contains("\"MaxRecords\":2") && !first.contains("Marker"), "{first}");
}

#[tokio::test]
async fn paginator_pages_with_a_map_token() {
    // DynamoDB's Query: `LastEvaluatedKey` goes back as `ExclusiveStartKey` until it is absent.
    let server = FakeServer::start(|_, n| match n {
        0 => Reply::json(200, r#"{"Items":[{"id":{"S":"1"}}],"LastEvaluatedKey":{"id":{"S":"1"}}}"#),
        1 => Reply::json(200, r#"{"Items":[{"id":{"S":"2"}}],"LastEvaluatedKey":{}}"#),
        _ => Reply::error(400, "ValidationException", "paged past an empty key"),
    });
    let items =
        fixture_client(&server).query_items().into_paginator().page_size(1).items().try_collect().await.expect("items");
    assert_eq!(items.len(), 2, "an empty map ends the paging like an absent token");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let second = String::from_utf8(requests[1].body.clone()).unwrap();
    assert!(second.contains(r#""ExclusiveStartKey":{"id":{"S":"1"}}"#), "{second}");
}

#[tokio::test]
async fn paginator_yields_map_items_and_takes_a_long_page_size() {
    let server = FakeServer::start(|_, n| match n {
        0 => Reply::json(200, r#"{"Position":"p1","Items":{"a":[1,2]}}"#),
        _ => Reply::json(200, r#"{"Items":{"b":[3]}}"#),
    });
    let mut items = fixture_client(&server)
        .get_usage()
        .into_paginator()
        .page_size(5_000_000_000_i64)
        .items()
        .try_collect()
        .await
        .expect("items");
    items.sort();
    assert_eq!(items, [("a".to_owned(), vec![1, 2]), ("b".to_owned(), vec![3])]);
    let first = String::from_utf8(server.requests()[0].body.clone()).unwrap();
    assert!(first.contains("\"Limit\":5000000000"), "{first}");
}
