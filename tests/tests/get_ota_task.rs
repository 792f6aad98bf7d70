//! The generated GetOtaTask crate behaves as aws-sdk-rust users expect.

use iotmanagedintegrations::error::{BuildError, ErrorMetadata, ProvideErrorMetadata};
use iotmanagedintegrations::operation::get_ota_task::{GetOtaTaskError, GetOtaTaskInput, GetOtaTaskOutput};
use iotmanagedintegrations::primitives::{DateTime, Format};
use iotmanagedintegrations::types::error::{ResourceNotFoundException, ThrottlingException};
use iotmanagedintegrations::types::{
    OtaStatus, OtaTaskSchedulingConfig, OtaType, RetryConfigCriteria, RetryCriteriaFailureType,
    ScheduleMaintenanceWindow, SchedulingConfigEndBehavior, TaskProcessingDetails,
};

#[test]
fn input_builder_requires_the_identifier() {
    let err: BuildError = GetOtaTaskInput::builder().build().unwrap_err();
    assert_eq!(err.field(), "identifier");
    assert!(err.to_string().contains("identifier"), "{err}");

    let input = GetOtaTaskInput::builder().identifier("abc123").build().unwrap();
    assert_eq!(input.identifier(), Some("abc123"));
    assert_eq!(input.identifier, Some("abc123".to_owned()));
}

#[test]
fn input_setters_follow_aws_sdk_conventions() {
    let builder = GetOtaTaskInput::builder().set_identifier(Some("x".into()));
    assert_eq!(builder.get_identifier(), &Some("x".to_owned()));
    let builder = builder.set_identifier(None);
    assert!(builder.build().is_err(), "clearing a required member makes build fail");
}

#[test]
fn enums_round_trip_known_and_unknown_values() {
    for value in OtaStatus::values() {
        assert_eq!(OtaStatus::from(*value).as_str(), *value);
    }
    assert_eq!(OtaStatus::from("IN_PROGRESS"), OtaStatus::InProgress);
    assert_eq!("SCHEDULED".parse::<OtaStatus>().unwrap(), OtaStatus::Scheduled);
    assert_eq!(OtaType::OneTime.as_str(), "ONE_TIME");

    let unknown = OtaStatus::from("PAUSED_FOR_LUNCH");
    assert!(matches!(unknown, OtaStatus::Unknown(_)));
    assert_eq!(unknown.as_str(), "PAUSED_FOR_LUNCH");
    assert_eq!(unknown.to_string(), "PAUSED_FOR_LUNCH");
    assert_ne!(unknown, OtaStatus::InProgress);
    assert_eq!(SchedulingConfigEndBehavior::values(), ["STOP_ROLLOUT", "CANCEL", "FORCE_CANCEL"]);
}

fn full_output() -> GetOtaTaskOutput {
    GetOtaTaskOutput::builder()
        .task_id("task1")
        .task_arn("arn:aws:iotmanagedintegrations:us-east-1:123456789012:ota-task/task1")
        .description("nightly rollout")
        .status(OtaStatus::InProgress)
        .ota_type(OtaType::Continuous)
        .target("thing-a")
        .target("thing-b")
        .created_at(DateTime::from_secs(1_700_000_000))
        .task_processing_details(
            TaskProcessingDetails::builder()
                .number_of_canceled_things(1)
                .number_of_queued_things(2)
                .processing_targets("thing-a")
                .build(),
        )
        .ota_scheduling_config(
            OtaTaskSchedulingConfig::builder()
                .end_behavior(SchedulingConfigEndBehavior::ForceCancel)
                .maintenance_windows(
                    ScheduleMaintenanceWindow::builder().duration_in_minutes(30).start_time("cron").build(),
                )
                .build(),
        )
        .tags("owner", "secret-team")
        .tags("cost-center", "42")
        .build()
}

#[test]
fn output_getters_and_collection_setters() {
    let out = full_output();
    assert_eq!(out.task_id(), Some("task1"));
    assert_eq!(out.target(), ["thing-a", "thing-b"]);
    assert_eq!(out.status(), Some(&OtaStatus::InProgress));
    assert_eq!(out.created_at().unwrap().fmt(Format::DateTime).unwrap(), "2023-11-14T22:13:20Z");
    let details = out.task_processing_details().unwrap();
    assert_eq!(details.number_of_canceled_things(), Some(1));
    assert_eq!(details.number_of_queued_things(), Some(2));
    assert_eq!(details.processing_targets(), ["thing-a"]);
    assert_eq!(out.tags().unwrap().len(), 2);
    assert_eq!(out.ota_scheduling_config().unwrap().maintenance_windows()[0].duration_in_minutes(), Some(30));

    let empty = GetOtaTaskOutput::builder().build();
    assert!(empty.target().is_empty(), "unset list reads as empty");
    assert!(empty.target.is_none(), "but the field says it was not sent");
    assert_eq!(empty.tags(), None);
    let criteria = RetryConfigCriteria::builder().failure_type(RetryCriteriaFailureType::TimedOut).build();
    assert_eq!(criteria.failure_type(), Some(&RetryCriteriaFailureType::TimedOut));
}

#[test]
fn debug_redacts_sensitive_tags() {
    let out = full_output();
    let debug = format!("{out:?}");
    assert!(debug.contains("tags: \"*** Sensitive Data Redacted ***\""), "{debug}");
    assert!(!debug.contains("secret-team"), "{debug}");
    assert!(!debug.contains("cost-center"), "{debug}");
    assert!(debug.contains("task1"), "non-sensitive members still print: {debug}");

    let builder = format!("{:?}", GetOtaTaskOutput::builder().tags("k", "hidden-value"));
    assert!(!builder.contains("hidden-value"), "builders redact too: {builder}");
}

#[test]
fn operation_error_has_typed_variants_and_unhandled() {
    let meta = ErrorMetadata::builder().code("ThrottlingException").message("slow down").request_id("req-1").build();
    let throttled =
        GetOtaTaskError::ThrottlingException(ThrottlingException::builder().message("slow down").meta(meta).build());
    assert!(throttled.is_throttling_exception());
    assert!(!throttled.is_access_denied_exception());
    assert_eq!(throttled.code(), Some("ThrottlingException"));
    assert_eq!(throttled.message(), Some("slow down"));
    assert_eq!(throttled.meta().request_id(), Some("req-1"));
    assert_eq!(throttled.to_string(), "ThrottlingException: slow down");
    assert!(std::error::Error::source(&throttled).is_some());

    let not_found =
        ResourceNotFoundException::builder().message("gone").resource_id("task9").resource_type("OtaTask").build();
    assert_eq!(not_found.resource_id(), Some("task9"));
    assert_eq!(ResourceNotFoundException::CODE, "ResourceNotFoundException");

    let meta = ErrorMetadata::builder().code("SomethingNew").message("surprise").request_id("req-2").build();
    let unhandled = GetOtaTaskError::unhandled(meta, None);
    assert!(matches!(unhandled, GetOtaTaskError::Unhandled(_)));
    assert_eq!(unhandled.code(), Some("SomethingNew"));
    assert_eq!(ProvideErrorMetadata::message(&unhandled), Some("surprise"));
    assert_eq!(unhandled.meta().request_id(), Some("req-2"));
    assert!(unhandled.to_string().contains("SomethingNew"), "{unhandled}");
}

mod wire {
    use iotmanagedintegrations::error::DeserializeError;
    use iotmanagedintegrations::http::{Headers, HttpResponse};
    use iotmanagedintegrations::operation::get_ota_task::{GetOtaTask, GetOtaTaskError, GetOtaTaskInput};

    fn response(status: u16, headers: &[(&'static str, &str)], body: &str) -> HttpResponse {
        let mut map = Headers::new();
        for (name, value) in headers {
            map.append(*name, *value);
        }
        HttpResponse::new(status, map, body.as_bytes().to_vec())
    }

    #[test]
    fn a_missing_or_empty_label_is_a_build_error_not_a_request() {
        // An unset identifier is refused by the builder already; an empty one gets as far as
        // the serializer, which refuses it rather than request `/ota-tasks/`.
        assert!(GetOtaTaskInput::builder().set_identifier(None).build().is_err());
        let empty = GetOtaTaskInput::builder().identifier("").build().unwrap();
        let err = GetOtaTask::serialize_request(&empty).unwrap_err();
        assert!(err.to_string().contains("identifier"), "{err}");
    }

    #[test]
    fn an_unknown_error_code_is_unhandled_with_its_metadata() {
        let r = response(
            418,
            &[("X-Amzn-Errortype", "TeapotException:http://internal.example/"), ("x-amzn-requestid", "req-9")],
            r#"{"message": "short and stout"}"#,
        );
        let err = GetOtaTask::deserialize_response(&r).unwrap_err();
        assert!(matches!(err, GetOtaTaskError::Unhandled(_)), "{err:?}");
        assert_eq!(err.code(), Some("TeapotException"));
        assert_eq!(err.message(), Some("short and stout"));
        assert_eq!(err.meta().request_id(), Some("req-9"));
        assert_eq!(err.meta().status(), Some(418));
    }

    #[test]
    fn modeled_errors_keep_status_and_request_id() {
        let r =
            response(429, &[("x-amzn-requestid", "req-1")], r#"{"code": "ThrottlingException", "Message": "slow"}"#);
        let GetOtaTaskError::ThrottlingException(e) = GetOtaTask::deserialize_response(&r).unwrap_err() else {
            panic!("expected throttling");
        };
        assert_eq!(e.message(), Some("slow"));
        assert_eq!((e.meta().status(), e.meta().request_id()), (Some(429), Some("req-1")));
    }

    #[test]
    fn malformed_bodies_are_typed_errors_carrying_status_and_raw_body() {
        for (status, body) in [
            (200, r#"{"TaskId": "abc""#),          // truncated
            (200, r#"{"TaskId": 42}"#),            // wrong type
            (200, "<html>gateway timeout</html>"), // not JSON
        ] {
            let err = GetOtaTask::deserialize_response(&response(status, &[], body)).unwrap_err();
            let GetOtaTaskError::Unhandled(unhandled) = &err else {
                panic!("expected Unhandled for {body}, got {err:?}")
            };
            let source = std::error::Error::source(unhandled).expect("a deserialization cause");
            let cause = source.downcast_ref::<DeserializeError>().expect("a DeserializeError");
            assert_eq!(cause.status(), status);
            assert_eq!(cause.body(), body.as_bytes());
        }
        // An error response whose body is not JSON is still identified by its header.
        let r = response(404, &[("X-Amzn-Errortype", "ResourceNotFoundException")], "not json");
        assert!(GetOtaTask::deserialize_response(&r).unwrap_err().is_resource_not_found_exception());
    }
}
