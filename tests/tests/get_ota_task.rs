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
                .maintenance_windows(ScheduleMaintenanceWindow::builder().duration_in_minutes(30).start_time("cron").build())
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
    let throttled = GetOtaTaskError::ThrottlingException(ThrottlingException::builder().message("slow down").meta(meta).build());
    assert!(throttled.is_throttling_exception());
    assert!(!throttled.is_access_denied_exception());
    assert_eq!(throttled.code(), Some("ThrottlingException"));
    assert_eq!(throttled.message(), Some("slow down"));
    assert_eq!(throttled.meta().request_id(), Some("req-1"));
    assert_eq!(throttled.to_string(), "ThrottlingException: slow down");
    assert!(std::error::Error::source(&throttled).is_some());

    let not_found = ResourceNotFoundException::builder().message("gone").resource_id("task9").resource_type("OtaTask").build();
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
