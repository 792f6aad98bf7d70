//! `cargo xtask fuzz [--seconds N]`: every target of the `fuzz/` crate (libFuzzer through
//! cargo-fuzz, on the nightly toolchain) for N seconds each, from a seed corpus of the official
//! compliance suites' bodies and the AWS models' endpoint rule sets. The seeds come from
//! ../shared, so they are written under `target/fuzz-corpus/` at run time, never committed. A
//! crash fails the command; libFuzzer leaves the input under `fuzz/artifacts/<target>/`, and a
//! fixed crash becomes a regression test beside the decoder.

use std::path::Path;
use std::process::Command;

use codegen::model::ShapeKind;
use smithy_runtime::primitives::base64;

/// The targets, with the protocol suites whose bodies seed them.
const TARGETS: [(&str, &[&str]); 7] = [
    ("json", &["aws/restJson1", "aws/awsJson1_0", "aws/awsJson1_1"]),
    ("cbor", &["smithy/rpcv2Cbor", "aws/rpcv2Cbor"]),
    ("xml", &["aws/restXml", "aws/restXmlWithNamespace", "aws/awsQuery", "aws/ec2Query"]),
    ("query_errors", &["aws/awsQuery", "aws/ec2Query"]),
    ("error_metadata", &["aws/restJson1", "aws/awsJson1_0", "aws/awsJson1_1", "smithy/rpcv2Cbor"]),
    ("endpoint_rules", &[]),
    ("event_stream", &[]),
];

pub fn run(root: &Path, shared: &Path, seconds: u64) -> Result<(), String> {
    let version = Command::new("cargo").args(["+nightly", "fuzz", "--version"]).output();
    if !version.is_ok_and(|o| o.status.success()) {
        return Err("cargo-fuzz on the nightly toolchain is missing: `cargo install cargo-fuzz`".into());
    }
    let corpus = root.join("target/fuzz-corpus");
    let mut failed = Vec::new();
    println!("{:<16} {:>12} {:>10} {:>9} {:>8}", "target", "executions", "exec/s", "coverage", "corpus");
    for (target, suites) in TARGETS {
        let seeds = match target {
            "endpoint_rules" => rule_set_seeds(shared)?,
            "event_stream" => event_stream_seeds(),
            "error_metadata" => suite_bodies(shared, suites)?.into_iter().map(|b| [&[0u8][..], &b].concat()).collect(),
            _ => suite_bodies(shared, suites)?,
        };
        let dir = corpus.join(target);
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        for (index, seed) in seeds.iter().enumerate() {
            let path = dir.join(format!("seed-{index:04}"));
            std::fs::write(&path, seed).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        let output = Command::new("cargo")
            .current_dir(root.join("fuzz"))
            .args(["+nightly", "fuzz", "run", "-O", target])
            .arg(&dir)
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .output()
            .map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
        let log = String::from_utf8_lossy(&output.stderr);
        let done = log.lines().rev().find(|l| l.split_whitespace().nth(1) == Some("DONE")).unwrap_or_default();
        let field = |name: &str| done.split_whitespace().skip_while(|w| *w != name).nth(1).unwrap_or("?").to_owned();
        let executions = done.split_whitespace().next().unwrap_or("?").trim_start_matches('#');
        println!(
            "{target:<16} {executions:>12} {:>10} {:>9} {:>8}   ({} seeds)",
            field("exec/s:"),
            field("cov:"),
            field("corp:"),
            seeds.len()
        );
        if !output.status.success() {
            let tail: Vec<&str> = log.lines().rev().take(30).collect();
            eprintln!("{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
            failed.push(target);
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("fuzz targets failed: {} (their inputs are under fuzz/artifacts/)", failed.join(", ")))
    }
}

/// The request and response bodies of the suites' cases (CBOR ones decoded from base64).
fn suite_bodies(shared: &Path, suites: &[&str]) -> Result<Vec<Vec<u8>>, String> {
    let tests = shared.join("smithy/protocol-tests");
    let dirs: Vec<_> = suites.iter().map(|s| tests.join(s)).collect();
    if let Some(missing) = dirs.iter().find(|d| !d.is_dir()) {
        return Err(format!("{} is missing: the seeds come from ../shared (pass --shared DIR)", missing.display()));
    }
    let model =
        codegen::model::load_files(&crate::conformance::suite_models(&dirs, shared)?).map_err(|e| e.to_string())?;
    let mut bodies = Vec::new();
    for shape in model.shapes.values() {
        let traits = &shape.traits;
        let messages = traits
            .http_request_tests
            .iter()
            .map(|c| &c.message)
            .chain(traits.http_response_tests.iter().map(|c| &c.message));
        for message in messages {
            let Some(body) = message.body.as_deref().filter(|b| !b.is_empty()) else { continue };
            let bytes = if message.body_media_type.as_deref() == Some("application/cbor") {
                base64::decode(body.trim()).unwrap_or_else(|_| body.as_bytes().to_vec())
            } else {
                body.as_bytes().to_vec()
            };
            bodies.push(bytes);
        }
    }
    bodies.sort();
    bodies.dedup();
    Ok(bodies)
}

/// Event-stream frames with every header type, as the decoder's seeds (whole, and two in a row;
/// the first byte is the target's chunk size).
fn event_stream_seeds() -> Vec<Vec<u8>> {
    use smithy_runtime::event_stream::{encode, HeaderValue, Message};
    let event = Message::new(br#"{"delta":{"text":"Hello"}}"#.to_vec())
        .with_header(":message-type", HeaderValue::String("event".into()))
        .with_header(":event-type", HeaderValue::String("contentBlockDelta".into()))
        .with_header(":content-type", HeaderValue::String("application/json".into()));
    let every_type = Message::new(Vec::new())
        .with_header("t", HeaderValue::Bool(true))
        .with_header("f", HeaderValue::Bool(false))
        .with_header("b", HeaderValue::Byte(-1))
        .with_header("s", HeaderValue::Int16(-2))
        .with_header("i", HeaderValue::Int32(3))
        .with_header("l", HeaderValue::Int64(-4))
        .with_header("a", HeaderValue::ByteArray(vec![0, 1, 2]))
        .with_header("d", HeaderValue::Timestamp(1_700_000_000_000))
        .with_header("u", HeaderValue::Uuid([7; 16]));
    let frames: Vec<Vec<u8>> = [event, every_type].iter().filter_map(|m| encode(m).ok()).collect();
    let mut seeds: Vec<Vec<u8>> = frames.iter().map(|f| [&[3u8][..], f].concat()).collect();
    seeds.push([&[63u8][..], &frames.concat()].concat());
    seeds
}

/// Each AWS model's endpoint rule set, resolved in `us-east-1`, and with a custom endpoint.
fn rule_set_seeds(shared: &Path) -> Result<Vec<Vec<u8>>, String> {
    let models = shared.join("models/aws");
    let mut seeds = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&models)
        .map_err(|e| format!("cannot read {} (the seeds come from ../shared): {e}", models.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let model = codegen::model::load_files(&paths).map_err(|e| e.to_string())?;
    for shape in model.shapes.values() {
        if !matches!(shape.kind, ShapeKind::Service(_)) {
            continue;
        }
        let Some(rules) = shape.traits.endpoint_rule_set.as_ref().map(|r| r.rules.to_string()) else { continue };
        for values in [
            "us-east-1",
            "us-gov-west-1\u{1}https://example.com:8443/a/b",
            "cn-north-1\u{1}\u{1}arn:aws:s3:us-west-2:123456789012:accesspoint/x",
        ] {
            seeds.push([rules.as_bytes(), b"\0", values.as_bytes()].concat());
        }
    }
    Ok(seeds)
}
