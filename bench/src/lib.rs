//! What the benchmarks share: the canned GetOtaTask, GetItem, GetObject and ListObjectsV2
//! responses, and a client of each kind that answers every request from memory with them
//! (static credentials, retries off).

/// A 200 GetOtaTask response body with every output member set.
pub const FULL_TASK: &str = r#"{"TaskId":"abc","TaskArn":"arn:aws:iotmanagedintegrations:us-east-1:123456789012:ota-task/abc","Description":"firmware 2.1","S3Url":"s3://bucket/firmware.bin","Protocol":"HTTP","OtaType":"ONE_TIME","OtaTargetQueryString":"thingName:lamp*","OtaMechanism":"PUSH","Target":["arn:aws:iotmanagedintegrations:us-east-1:123456789012:managed-thing/t1","arn:aws:iotmanagedintegrations:us-east-1:123456789012:managed-thing/t2"],"CreatedAt":1764000000,"LastUpdatedAt":1764003600.5,"TaskConfigurationId":"cfg-1","TaskProcessingDetails":{"NumberOfCanceledThings":1,"NumberOfFailedThings":2,"NumberOfInProgressThings":3,"numberOfQueuedThings":4,"numberOfRejectedThings":5,"numberOfRemovedThings":6,"numberOfSucceededThings":7,"numberOfTimedOutThings":8,"processingTargets":["t1","t2"]},"OtaSchedulingConfig":{"EndBehavior":"STOP_ROLLOUT","EndTime":"2026-12-01T00:00:00Z","MaintenanceWindows":[{"StartTime":"00:30","DurationInMinutes":60}],"StartTime":"2026-11-28T00:00:00Z"},"OtaTaskExecutionRetryConfig":{"RetryConfigCriteria":[{"FailureType":"FAILED","MinNumberOfRetries":2}]},"Status":"IN_PROGRESS","Tags":{"team":"lighting","site":"berlin"}}"#;

/// A 429 ThrottlingException body; its type is in the `X-Amzn-Errortype` header.
pub const THROTTLING: &str = r#"{"message":"Rate exceeded"}"#;

pub const ERROR_TYPE: &str =
    "ThrottlingException:http://internal.amazon.com/coral/com.amazonaws.iotmanagedintegrations/";

pub const REGION: &str = "us-east-1";

/// A canned response, `(status, body)`.
pub type Canned = (u16, &'static str);

/// Our generated client over an in-memory transport.
pub mod ours {
    use super::*;
    use iotmanagedintegrations::config::{HttpClient, HttpFuture, RetryConfig};
    use iotmanagedintegrations::credentials::Credentials;
    use iotmanagedintegrations::http::{Headers, HttpRequest, HttpResponse};

    #[derive(Debug)]
    struct InMemory(HttpResponse);

    impl HttpClient for InMemory {
        fn call<'a>(&'a self, _url: &'a str, _request: &'a HttpRequest) -> HttpFuture<'a> {
            let response = self.0.clone();
            Box::pin(async move { Ok(response) })
        }
    }

    pub fn response((status, body): Canned) -> HttpResponse {
        let mut headers = Headers::new();
        headers.insert("Content-Type", "application/json");
        headers.insert("X-Amzn-Requestid", "req-1");
        if status == 429 {
            headers.insert("X-Amzn-Errortype", ERROR_TYPE);
        }
        HttpResponse::new(status, headers, body)
    }

    pub fn client(canned: Canned) -> iotmanagedintegrations::Client {
        let config = iotmanagedintegrations::Config::builder()
            .region(REGION)
            .credentials_provider(Credentials::new("AKIDEXAMPLE", "secret", None, None))
            .retry_config(RetryConfig::disabled())
            .http_client(InMemory(response(canned)))
            .build();
        iotmanagedintegrations::Client::from_conf(config)
    }
}

/// aws-sdk-iotmanagedintegrations over its test HTTP client (`infallible_client_fn` from
/// `aws-smithy-http-client`'s `test-util`, which answers every request like a replay client
/// without running out of events).
pub mod sdk {
    use super::*;
    use aws_sdk_iotmanagedintegrations::config::retry::RetryConfig;
    use aws_sdk_iotmanagedintegrations::config::{Credentials, Region};
    use aws_smithy_types::body::SdkBody;

    pub fn client((status, body): Canned) -> aws_sdk_iotmanagedintegrations::Client {
        let http = aws_smithy_http_client::test_util::infallible_client_fn(move |_request| {
            let mut response = http::Response::builder()
                .status(status)
                .header("Content-Type", "application/json")
                .header("X-Amzn-Requestid", "req-1");
            if status == 429 {
                response = response.header("X-Amzn-Errortype", ERROR_TYPE);
            }
            response.body(SdkBody::from(body)).expect("a valid response")
        });
        let config = aws_sdk_iotmanagedintegrations::Config::builder()
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new("AKIDEXAMPLE", "secret", None, None, "bench"))
            .retry_config(RetryConfig::disabled())
            .http_client(http)
            .build();
        aws_sdk_iotmanagedintegrations::Client::from_conf(config)
    }
}

/// DynamoDB's `GetItem`, ours (the `dynamodb-lite` fixture's client, whose GetItem has
/// DynamoDB's shapes) and the SDK's, answered from memory with [`dynamodb::ITEM`].
pub mod dynamodb {
    use super::REGION;

    /// A 200 GetItem body: an item with a string key, a number, a map and a list.
    pub const ITEM: &str = r#"{"Item":{"pk":{"S":"user#42"},"sk":{"S":"profile"},"age":{"N":"42"},"name":{"S":"Ada Lovelace"},"tags":{"SS":["admin","beta"]},"address":{"M":{"city":{"S":"London"},"zip":{"S":"W1"}}},"logins":{"L":[{"N":"1764000000"},{"N":"1764003600"}]},"active":{"BOOL":true}}}"#;

    /// The DynamoDB JSON content type.
    const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

    pub mod ours {
        use super::*;
        use fixture_dynamodb_lite::config::{HttpClient, HttpFuture, RetryConfig};
        use fixture_dynamodb_lite::credentials::Credentials;
        use fixture_dynamodb_lite::http::{Headers, HttpRequest, HttpResponse};

        #[derive(Debug)]
        struct InMemory(HttpResponse);

        impl HttpClient for InMemory {
            fn call<'a>(&'a self, _url: &'a str, _request: &'a HttpRequest) -> HttpFuture<'a> {
                let response = self.0.clone();
                Box::pin(async move { Ok(response) })
            }
        }

        pub fn client() -> fixture_dynamodb_lite::Client {
            let mut headers = Headers::new();
            headers.insert("Content-Type", CONTENT_TYPE);
            headers.insert("X-Amzn-Requestid", "req-1");
            let config = fixture_dynamodb_lite::config::Config::builder()
                .region(REGION)
                .endpoint_url("https://dynamodb.us-east-1.amazonaws.com")
                .credentials_provider(Credentials::new("AKIDEXAMPLE", "secret", None, None))
                .retry_config(RetryConfig::disabled())
                .http_client(InMemory(HttpResponse::new(200, headers, ITEM)))
                .build();
            fixture_dynamodb_lite::Client::from_conf(config)
        }
    }

    pub mod sdk {
        use super::*;
        use aws_sdk_dynamodb::config::retry::RetryConfig;
        use aws_sdk_dynamodb::config::{Credentials, Region};
        use aws_smithy_types::body::SdkBody;

        pub fn client() -> aws_sdk_dynamodb::Client {
            let http = aws_smithy_http_client::test_util::infallible_client_fn(move |_request| {
                http::Response::builder()
                    .status(200)
                    .header("Content-Type", CONTENT_TYPE)
                    .header("X-Amzn-Requestid", "req-1")
                    .body(SdkBody::from(ITEM))
                    .expect("a valid response")
            });
            let config = aws_sdk_dynamodb::Config::builder()
                .region(Region::new(REGION))
                .credentials_provider(Credentials::new("AKIDEXAMPLE", "secret", None, None, "bench"))
                .retry_config(RetryConfig::disabled())
                .http_client(http)
                .build();
            aws_sdk_dynamodb::Client::from_conf(config)
        }
    }
}

/// S3: `GetObject` of a small object (its CRC-32 validated on both sides) and one
/// `ListObjectsV2` page, ours from the `s3-lite` fixture (S3's shapes for these operations, in
/// this repository without ../shared) against aws-sdk-s3.
pub mod s3 {
    use super::REGION;

    /// A small object and its CRC-32, base64-encoded.
    pub const OBJECT: &[u8] = b"hello, world";
    pub const OBJECT_CRC32: &str = "/6tyOg==";

    /// A `ListObjectsV2` page of three objects.
    pub const LISTING: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>my-bucket</Name><Prefix>logs/</Prefix><KeyCount>3</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken><Contents><Key>logs/2026-11-30.gz</Key><LastModified>2026-11-30T10:00:00.000Z</LastModified><ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>5471</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>logs/2026-12-01.gz</Key><LastModified>2026-12-01T10:00:00.000Z</LastModified><ETag>&quot;f4b1c7e2d7a1e6c2b0b1d7c3a9e8f6d5&quot;</ETag><Size>6120</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>logs/2026-12-02.gz</Key><LastModified>2026-12-02T10:00:00.000Z</LastModified><ETag>&quot;0c4b8f0a2e1d3c5b7a9f8e6d4c2b1a09&quot;</ETag><Size>5890</Size><StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>";

    /// The canned answer to a request: the object for a `GetObject`, the page otherwise.
    fn answer(path_and_query: &str) -> (Vec<(&'static str, String)>, Vec<u8>) {
        if path_and_query.contains("list-type=2") {
            (vec![("Content-Type", "application/xml".into())], LISTING.as_bytes().to_vec())
        } else {
            let headers = vec![
                ("Content-Type", "text/plain".into()),
                ("Content-Length", OBJECT.len().to_string()),
                ("ETag", "\"e1\"".into()),
                ("x-amz-checksum-crc32", OBJECT_CRC32.into()),
                ("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT".into()),
            ];
            (headers, OBJECT.to_vec())
        }
    }

    pub mod ours {
        use super::*;
        use fixture_s3_lite::config::{HttpClient, HttpFuture, RetryConfig};
        use fixture_s3_lite::credentials::Credentials;
        use fixture_s3_lite::http::{Headers, HttpRequest, HttpResponse};

        #[derive(Debug)]
        struct InMemory;

        impl HttpClient for InMemory {
            fn call<'a>(&'a self, _url: &'a str, request: &'a HttpRequest) -> HttpFuture<'a> {
                let (pairs, body) = answer(&request.uri);
                let mut headers = Headers::new();
                headers.insert("x-amz-request-id", "req-1");
                for (name, value) in pairs {
                    headers.insert(name, value);
                }
                Box::pin(async move { Ok(HttpResponse::new(200, headers, body)) })
            }
        }

        pub fn client() -> fixture_s3_lite::Client {
            let config = fixture_s3_lite::config::Config::builder()
                .region(REGION)
                .credentials_provider(Credentials::new("AKIDEXAMPLE", "secret", None, None))
                .retry_config(RetryConfig::disabled())
                .http_client(InMemory)
                .build();
            fixture_s3_lite::Client::from_conf(config)
        }
    }

    pub mod sdk {
        use super::*;
        use aws_sdk_s3::config::retry::RetryConfig;
        use aws_sdk_s3::config::{Credentials, Region};
        use aws_smithy_types::body::SdkBody;

        pub fn client() -> aws_sdk_s3::Client {
            let http = aws_smithy_http_client::test_util::infallible_client_fn(move |request| {
                let (pairs, body) = answer(&request.uri().to_string());
                let mut response = http::Response::builder().status(200).header("x-amz-request-id", "req-1");
                for (name, value) in pairs {
                    response = response.header(name, value);
                }
                response.body(SdkBody::from(body)).expect("a valid response")
            });
            let config = aws_sdk_s3::Config::builder()
                .region(Region::new(REGION))
                .credentials_provider(Credentials::new("AKIDEXAMPLE", "secret", None, None, "bench"))
                .retry_config(RetryConfig::disabled())
                .http_client(http)
                .build();
            aws_sdk_s3::Client::from_conf(config)
        }
    }
}

/// The bench-only reference for parsing: [`FULL_TASK`] read by `serde_json::from_slice` into
/// derived structs with the same members as `GetOtaTaskOutput` (enums as strings, timestamps as
/// the epoch-second numbers the body holds, unknown members ignored).
pub mod serde_reference {
    use std::collections::HashMap;

    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct GetOtaTaskOutput {
        pub task_id: Option<String>,
        pub task_arn: Option<String>,
        pub description: Option<String>,
        #[serde(rename = "S3Url")]
        pub s3_url: Option<String>,
        pub protocol: Option<String>,
        pub ota_type: Option<String>,
        pub ota_target_query_string: Option<String>,
        pub ota_mechanism: Option<String>,
        pub target: Option<Vec<String>>,
        pub created_at: Option<f64>,
        pub last_updated_at: Option<f64>,
        pub task_configuration_id: Option<String>,
        pub task_processing_details: Option<TaskProcessingDetails>,
        pub ota_scheduling_config: Option<OtaTaskSchedulingConfig>,
        pub ota_task_execution_retry_config: Option<OtaTaskExecutionRetryConfig>,
        pub status: Option<String>,
        pub tags: Option<HashMap<String, String>>,
    }

    #[derive(Debug, Deserialize)]
    pub struct TaskProcessingDetails {
        #[serde(rename = "NumberOfCanceledThings")]
        pub number_of_canceled_things: Option<i32>,
        #[serde(rename = "NumberOfFailedThings")]
        pub number_of_failed_things: Option<i32>,
        #[serde(rename = "NumberOfInProgressThings")]
        pub number_of_in_progress_things: Option<i32>,
        #[serde(rename = "numberOfQueuedThings")]
        pub number_of_queued_things: Option<i32>,
        #[serde(rename = "numberOfRejectedThings")]
        pub number_of_rejected_things: Option<i32>,
        #[serde(rename = "numberOfRemovedThings")]
        pub number_of_removed_things: Option<i32>,
        #[serde(rename = "numberOfSucceededThings")]
        pub number_of_succeeded_things: Option<i32>,
        #[serde(rename = "numberOfTimedOutThings")]
        pub number_of_timed_out_things: Option<i32>,
        #[serde(rename = "processingTargets")]
        pub processing_targets: Option<Vec<String>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct OtaTaskSchedulingConfig {
        pub end_behavior: Option<String>,
        pub end_time: Option<String>,
        pub maintenance_windows: Option<Vec<ScheduleMaintenanceWindow>>,
        pub start_time: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct ScheduleMaintenanceWindow {
        pub duration_in_minutes: Option<i32>,
        pub start_time: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct OtaTaskExecutionRetryConfig {
        pub retry_config_criteria: Option<Vec<RetryConfigCriteria>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct RetryConfigCriteria {
        pub failure_type: Option<String>,
        pub min_number_of_retries: Option<i32>,
    }
}
