//! The `get_ota_task` example, run as users run it, against the fake service.

mod support;

use std::path::PathBuf;
use std::process::{Command, Output};

use support::{verify_sigv4, FakeServer, Reply, ACCESS_KEY_ID, SECRET_ACCESS_KEY};

/// `cargo test` builds the package's examples beside its test binaries.
fn example() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe.parent().and_then(|deps| deps.parent()).expect("target profile directory");
    let path = dir.join("examples").join(format!("get_ota_task{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "{} is missing: run the tests with `cargo test`, which builds examples", path.display());
    path
}

fn run(server: &FakeServer, id: &str) -> Output {
    Command::new(example())
        .args(["--id", id, "--region", "us-east-1", "--endpoint-url", &server.url()])
        .env_clear()
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .env("HOME", std::env::temp_dir().join("no-such-home"))
        .output()
        .expect("run the example")
}

#[test]
fn prints_the_task_as_json() {
    let server = FakeServer::start(|_, _| {
        Reply::json(
            200,
            r#"{"TaskId":"abc","Status":"IN_PROGRESS","Protocol":"HTTP","CreatedAt":1764000000,
                "Target":["t1"],"TaskProcessingDetails":{"numberOfQueuedThings":4},"Tags":{"b":"2","a":"1"}}"#,
        )
    });
    let output = run(&server, "abc");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        stdout.trim(),
        r#"{"TaskId":"abc","Protocol":"HTTP","Target":["t1"],"CreatedAt":"2025-11-24T16:00:00Z","TaskProcessingDetails":{"numberOfQueuedThings":4,"processingTargets":[]},"Status":"IN_PROGRESS","Tags":{"a":"1","b":"2"}}"#
    );
    let requests = server.requests();
    assert_eq!(requests[0].target, "/ota-tasks/abc");
    verify_sigv4(&requests[0], None);
}

#[test]
fn prints_the_typed_error() {
    let server = FakeServer::start(|_, _| Reply::error(404, "ResourceNotFoundException", "no task nope"));
    let output = run(&server, "nope");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(stderr.contains("error: no such task: ResourceNotFoundException (HTTP 404): no task nope"), "{stderr}");
    assert!(stderr.contains("request id: req-1234"), "{stderr}");
}

#[test]
fn rejects_missing_arguments() {
    let output = Command::new(example()).output().expect("run the example");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("`--id` is required"));
}
