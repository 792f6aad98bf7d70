//! What AWS SDKs do differently for particular services, keyed as they key it, by SDK id: the
//! one place the IR looks such facts up (smithy-rs has a decorator per service for them).

use super::RetryTuning;

/// The service's own retry defaults (retry behavior 2026): DynamoDB and DynamoDB Streams get 4
/// attempts and a 25 ms transient backoff base.
pub fn retry_tuning(sdk_id: Option<&str>) -> RetryTuning {
    match sdk_id {
        Some("DynamoDB" | "DynamoDB Streams") => RetryTuning::DynamoDb,
        _ => RetryTuning::Standard,
    }
}

/// Whether the service sends its response bodies' CRC-32 in `x-amz-crc32`, for the client to
/// check: DynamoDB does.
pub fn response_crc32(sdk_id: Option<&str>) -> bool {
    sdk_id == Some("DynamoDB")
}

/// Whether the operation long-polls, so that it backs off even when the retry quota is empty
/// (retry behavior 2026).
pub fn long_polling(sdk_id: Option<&str>, operation: &str) -> bool {
    const LONG_POLLING: &[(&str, &str)] = &[
        ("SQS", "ReceiveMessage"),
        ("SFN", "GetActivityTask"),
        ("SWF", "PollForActivityTask"),
        ("SWF", "PollForDecisionTask"),
    ];
    LONG_POLLING.iter().any(|&(id, name)| sdk_id == Some(id) && operation == name)
}

/// Whether the service is S3: the endpoint rules place the bucket (in the host, or first in
/// the path), so the `{Bucket}` label leaves the operation's URI, and requests are signed by
/// S3's SigV4 rules.
pub fn bucket_in_endpoint(sdk_id: Option<&str>) -> bool {
    sdk_id == Some("S3")
}

/// Whether the operation may report a failure in a `200 OK` response whose body is an
/// `<Error>` document (S3's copies and multipart completions, which fail after the status is
/// sent), so such a body is read as an error, with the status of a server failure.
pub fn errors_in_200(sdk_id: Option<&str>, operation: &str) -> bool {
    sdk_id == Some("S3") && matches!(operation, "CopyObject" | "CompleteMultipartUpload" | "UploadPartCopy")
}

/// What an unset or empty URI label becomes: Glacier's account id is `-`, the caller's own
/// account.
pub fn unset_label(sdk_id: Option<&str>, member: &str) -> Option<&'static str> {
    (sdk_id == Some("Glacier") && member == "accountId").then_some("-")
}

/// Headers every request of the service carries: API Gateway's SDKs ask for JSON, Glacier's
/// name the API version.
pub fn fixed_headers(sdk_id: Option<&str>, version: Option<&str>) -> Vec<(String, String)> {
    match (sdk_id, version) {
        (Some("API Gateway"), _) => vec![("Accept".to_owned(), "application/json".to_owned())],
        (Some("Glacier"), Some(version)) => vec![("X-Amz-Glacier-Version".to_owned(), version.to_owned())],
        _ => Vec::new(),
    }
}

/// Whether the operation's requests carry Glacier's `X-Amz-Content-Sha256` and
/// `X-Amz-Sha256-Tree-Hash` headers, as its SDKs add them for uploads.
pub fn glacier_checksums(sdk_id: Option<&str>, operation: &str) -> bool {
    sdk_id == Some("Glacier") && matches!(operation, "UploadArchive" | "UploadMultipartPart")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customizations_follow_the_sdk_id() {
        assert_eq!(retry_tuning(Some("DynamoDB Streams")), RetryTuning::DynamoDb);
        assert_eq!(retry_tuning(Some("SQS")), RetryTuning::Standard);
        assert!(response_crc32(Some("DynamoDB")) && !response_crc32(Some("DynamoDB Streams")));
        assert!(long_polling(Some("SQS"), "ReceiveMessage"));
        assert!(!long_polling(Some("SQS"), "SendMessage"));
        assert!(!long_polling(None, "ReceiveMessage"));
        assert!(bucket_in_endpoint(Some("S3")) && !bucket_in_endpoint(Some("S3 Control")));
        assert!(errors_in_200(Some("S3"), "CompleteMultipartUpload") && !errors_in_200(Some("S3"), "GetObject"));
        assert_eq!(unset_label(Some("Glacier"), "accountId"), Some("-"));
        assert_eq!(unset_label(Some("S3"), "accountId"), None);
        assert_eq!(
            fixed_headers(Some("Glacier"), Some("2012-06-01")),
            [("X-Amz-Glacier-Version".into(), "2012-06-01".into())]
        );
        assert!(fixed_headers(Some("S3"), Some("2006-03-01")).is_empty());
        assert!(
            glacier_checksums(Some("Glacier"), "UploadArchive") && !glacier_checksums(Some("Glacier"), "ListVaults")
        );
    }
}
