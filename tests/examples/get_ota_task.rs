//! Reads one OTA task and prints it as JSON, or prints the typed error.
//!
//! ```text
//! cargo run --example get_ota_task -- --id <TASK_ID> [--region us-east-1] [--endpoint-url http://127.0.0.1:8080]
//! ```
//!
//! Credentials and the default Region come from the environment (`AWS_ACCESS_KEY_ID`, ...,
//! `AWS_REGION`, `AWS_PROFILE` and the shared `~/.aws` files), as with any AWS SDK.

use std::process::ExitCode;

use iotmanagedintegrations::json::JsonWriter;
use iotmanagedintegrations::operation::get_ota_task::{GetOtaTaskError, GetOtaTaskOutput};
use iotmanagedintegrations::primitives::Format;
use iotmanagedintegrations::{Client, SdkError};

const USAGE: &str = "usage: get_ota_task --id <TASK_ID> [--region <REGION>] [--endpoint-url <URL>]";

struct Args {
    id: String,
    region: Option<String>,
    endpoint_url: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let (mut id, mut region, mut endpoint_url) = (None, None, None);
    while let Some(flag) = args.next() {
        let slot = match flag.as_str() {
            "--id" => &mut id,
            "--region" => &mut region,
            "--endpoint-url" => &mut endpoint_url,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        };
        *slot = Some(args.next().ok_or_else(|| format!("`{flag}` needs a value\n{USAGE}"))?);
    }
    let id = id.ok_or_else(|| format!("`--id` is required\n{USAGE}"))?;
    Ok(Args { id, region, endpoint_url })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let mut loader = smithy_config::from_env();
    if let Some(region) = args.region {
        loader = loader.region(region);
    }
    if let Some(url) = args.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let client = Client::new(&loader.load().await);
    match client.get_ota_task().identifier(args.id).send().await {
        Ok(task) => {
            println!("{}", to_json(&task));
            ExitCode::SUCCESS
        }
        Err(error) => {
            report(error);
            ExitCode::FAILURE
        }
    }
}

/// Names the modeled error, or says why no answer came.
fn report(error: SdkError<GetOtaTaskError>) {
    let status = error.raw_response().map(|r| r.status);
    let SdkError::ServiceError(_) = &error else {
        eprintln!("error: {error}");
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            eprintln!("  caused by: {cause}");
            source = cause.source();
        }
        return;
    };
    let error = error.into_service_error();
    let kind = match &error {
        GetOtaTaskError::AccessDeniedException(_) => "access denied",
        GetOtaTaskError::ValidationException(_) => "invalid request",
        GetOtaTaskError::ResourceNotFoundException(_) => "no such task",
        GetOtaTaskError::ThrottlingException(_) => "throttled (after retries)",
        GetOtaTaskError::InternalServerException(_) => "service failure (after retries)",
        _ => "unexpected error",
    };
    eprintln!(
        "error: {kind}: {} (HTTP {}): {}",
        error.code().unwrap_or("no code"),
        status.map_or_else(|| "?".to_owned(), |s| s.to_string()),
        error.message().unwrap_or("no message"),
    );
    if let Some(id) = error.meta().request_id() {
        eprintln!("  request id: {id}");
    }
}

/// The task as JSON, with the service's member names.
fn to_json(task: &GetOtaTaskOutput) -> String {
    let mut w = JsonWriter::new();
    w.begin_object();
    let text = |w: &mut JsonWriter, key: &str, value: Option<&str>| {
        if let Some(value) = value {
            w.key(key);
            w.string(value);
        }
    };
    let int = |w: &mut JsonWriter, key: &str, value: Option<i32>| {
        if let Some(value) = value {
            w.key(key);
            w.i64(value.into());
        }
    };
    text(&mut w, "TaskId", task.task_id());
    text(&mut w, "TaskArn", task.task_arn());
    text(&mut w, "Description", task.description());
    text(&mut w, "S3Url", task.s3_url());
    text(&mut w, "Protocol", task.protocol().map(|v| v.as_str()));
    text(&mut w, "OtaType", task.ota_type().map(|v| v.as_str()));
    text(&mut w, "OtaTargetQueryString", task.ota_target_query_string());
    text(&mut w, "OtaMechanism", task.ota_mechanism().map(|v| v.as_str()));
    if !task.target().is_empty() {
        w.key("Target");
        w.begin_array();
        task.target().iter().for_each(|t| w.string(t));
        w.end_array();
    }
    for (key, time) in [("CreatedAt", task.created_at()), ("LastUpdatedAt", task.last_updated_at())] {
        if let Some(time) = time {
            w.key(key);
            w.timestamp(&time, Format::DateTime);
        }
    }
    text(&mut w, "TaskConfigurationId", task.task_configuration_id());
    if let Some(d) = task.task_processing_details() {
        w.key("TaskProcessingDetails");
        w.begin_object();
        int(&mut w, "NumberOfCanceledThings", d.number_of_canceled_things());
        int(&mut w, "NumberOfFailedThings", d.number_of_failed_things());
        int(&mut w, "NumberOfInProgressThings", d.number_of_in_progress_things());
        int(&mut w, "numberOfQueuedThings", d.number_of_queued_things());
        int(&mut w, "numberOfRejectedThings", d.number_of_rejected_things());
        int(&mut w, "numberOfRemovedThings", d.number_of_removed_things());
        int(&mut w, "numberOfSucceededThings", d.number_of_succeeded_things());
        int(&mut w, "numberOfTimedOutThings", d.number_of_timed_out_things());
        w.key("processingTargets");
        w.begin_array();
        d.processing_targets().iter().for_each(|t| w.string(t));
        w.end_array();
        w.end_object();
    }
    if let Some(s) = task.ota_scheduling_config() {
        w.key("OtaSchedulingConfig");
        w.begin_object();
        text(&mut w, "EndBehavior", s.end_behavior().map(|v| v.as_str()));
        text(&mut w, "EndTime", s.end_time());
        w.key("MaintenanceWindows");
        w.begin_array();
        for window in s.maintenance_windows() {
            w.begin_object();
            int(&mut w, "DurationInMinutes", window.duration_in_minutes());
            text(&mut w, "StartTime", window.start_time());
            w.end_object();
        }
        w.end_array();
        text(&mut w, "StartTime", s.start_time());
        w.end_object();
    }
    if let Some(r) = task.ota_task_execution_retry_config() {
        w.key("OtaTaskExecutionRetryConfig");
        w.begin_object();
        w.key("RetryConfigCriteria");
        w.begin_array();
        for criteria in r.retry_config_criteria() {
            w.begin_object();
            text(&mut w, "FailureType", criteria.failure_type().map(|v| v.as_str()));
            int(&mut w, "MinNumberOfRetries", criteria.min_number_of_retries());
            w.end_object();
        }
        w.end_array();
        w.end_object();
    }
    text(&mut w, "Status", task.status().map(|v| v.as_str()));
    if let Some(tags) = task.tags() {
        let mut tags: Vec<_> = tags.iter().collect();
        tags.sort();
        w.key("Tags");
        w.begin_object();
        for (key, value) in tags {
            text(&mut w, key, Some(value));
        }
        w.end_object();
    }
    w.end_object();
    w.finish()
}
