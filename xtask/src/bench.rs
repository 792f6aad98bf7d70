//! `cargo xtask bench`: our generated crates against aws-sdk-iotmanagedintegrations,
//! aws-sdk-dynamodb and aws-sdk-s3 on the same work, in one run, written to BENCHMARKS.md. The benchmark crate (`bench/`) is a workspace
//! of its own, so the README's test command never builds it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use codegen::Options;
use serde_json::Value;

/// The SDK release we compare against (also pinned in `bench/Cargo.toml`).
const SDK_VERSION: &str = "1.64.0";
/// The aws-sdk-dynamodb release we compare against (also pinned in `bench/Cargo.toml`).
const DYNAMODB_SDK_VERSION: &str = "1.136.0";
const FULL_MODEL: &str = "models/aws/iot-managed-integrations-2025-03-03.json";
const DYNAMODB_MODEL: &str = "models/aws/dynamodb-2012-08-10.json";
/// The aws-sdk-s3 release we compare against (also pinned in `bench/Cargo.toml`).
const S3_SDK_VERSION: &str = "1.157.0";
const S3_MODEL: &str = "models/aws/s3-2006-03-01.json";
/// Runs of the in-process codegen measurement, after one warm-up.
const CODEGEN_RUNS: usize = 10;

pub fn run(root: &Path, shared: &Path) -> Result<(), String> {
    let full_model = shared.join(FULL_MODEL);
    if !full_model.is_file() {
        return Err(format!("{} is missing: the bench needs ../shared (or --shared DIR)", full_model.display()));
    }
    let bench = root.join("bench");
    let work = root.join("target/bench");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let started = Instant::now();

    println!("== per call and parse (criterion)");
    cargo(&bench, &["bench", "--bench", "calls"], &[])?;
    let criterion = bench.join("target/criterion");
    let calls: Vec<Estimate> = [
        "get_ota_task/ours_ok",
        "get_ota_task/sdk_ok",
        "get_ota_task/ours_throttled",
        "get_ota_task/sdk_throttled",
        "dynamodb_get_item/ours",
        "dynamodb_get_item/sdk",
        "s3_get_object/ours",
        "s3_get_object/sdk",
        "s3_list_objects_v2/ours",
        "s3_list_objects_v2/sdk",
        "parse/ours_get_ota_task",
        "parse/serde_json_get_ota_task",
    ]
    .iter()
    .map(|id| Estimate::read(&criterion, id))
    .collect::<Result<_, _>>()?;

    println!("== codegen, in process");
    let mut models = vec![full_model.clone()];
    models.extend(aws_models(shared)?.into_iter().filter(|m| *m != full_model));
    let mut args = vec![
        "run".to_owned(),
        "--release".into(),
        "--quiet".into(),
        "--bin".into(),
        "codegen_stats".into(),
        "--".into(),
        CODEGEN_RUNS.to_string(),
    ];
    args.extend(models.iter().map(|m| m.display().to_string()));
    let out = cargo_output(&bench, &args)?;
    let codegen: Vec<Value> = out
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("codegen_stats output: {e}"))?;

    println!("== clean builds");
    // The full crate and its runtime copy, as `cargo xtask codegen` lays them out.
    let full_crate = work.join("iot-full/iotmanagedintegrations");
    let options = Options { models: vec![full_model], ..Options::default() };
    codegen::sync(&options, &full_crate, false).map_err(|e| e.to_string())?;
    codegen::sync_runtime(&work.join("iot-full"), false).map_err(|e| e.to_string())?;
    // DynamoDB's whole model, the same way.
    let dynamodb_crate = work.join("dynamodb-full/dynamodb");
    let options = Options { models: vec![shared.join(DYNAMODB_MODEL)], ..Options::default() };
    codegen::sync(&options, &dynamodb_crate, false).map_err(|e| e.to_string())?;
    codegen::sync_runtime(&work.join("dynamodb-full"), false).map_err(|e| e.to_string())?;
    // And S3's.
    let s3_crate = work.join("s3-full/s3");
    let options = Options { models: vec![shared.join(S3_MODEL)], ..Options::default() };
    codegen::sync(&options, &s3_crate, false).map_err(|e| e.to_string())?;
    codegen::sync_runtime(&work.join("s3-full"), false).map_err(|e| e.to_string())?;
    let generated = root.join("generated/iotmanagedintegrations");
    let lock = bench.join("Cargo.lock");
    let projects = [
        Project::ours("ours-sans-io", &generated, false),
        Project::ours("ours-client", &generated, true),
        Project::ours("ours-full-sans-io", &full_crate, false),
        Project::ours("ours-full-client", &full_crate, true),
        Project::sdk(),
        Project::ours_dynamodb(&dynamodb_crate),
        Project::sdk_dynamodb(),
        Project::ours_s3(&s3_crate),
        Project::sdk_s3(),
    ];
    let mut builds = Vec::new();
    for project in &projects {
        let dir = work.join("builds").join(project.name);
        project.write(&dir, &lock)?;
        let debug = clean_build(&dir, false)?;
        println!("{:<20} debug   {:>7.1} s, {} crates", project.name, debug.seconds, debug.crates);
        builds.push((project.name, debug));
    }
    println!("== release binaries (stripped)");
    let mut sizes = Vec::new();
    for name in ["ours-client", "sdk", "ours-dynamodb-client", "sdk-dynamodb", "ours-s3-client", "sdk-s3"] {
        let dir = work.join("builds").join(name);
        let release = clean_build(&dir, true)?;
        let size = std::fs::metadata(dir.join("target/release/bench-bin")).map_err(|e| e.to_string())?.len();
        println!("{name:<20} release {:>7.1} s, {:.2} MB stripped", release.seconds, size as f64 / 1e6);
        sizes.push((name, release, size));
    }

    let report = Report { calls, codegen, builds, sizes, total_seconds: started.elapsed().as_secs_f64() };
    let text = report.markdown()?;
    std::fs::write(root.join("BENCHMARKS.md"), &text).map_err(|e| format!("cannot write BENCHMARKS.md: {e}"))?;
    println!("{text}");
    println!("wrote BENCHMARKS.md");
    Ok(())
}

fn aws_models(shared: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = shared.join("models/aws");
    let mut models: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    models.sort();
    Ok(models)
}

fn cargo_command(dir: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(dir);
    // The outer `cargo xtask` sets these for itself; the builds below must not inherit them.
    command.env_remove("CARGO_TARGET_DIR").env_remove("RUSTFLAGS");
    command
}

fn cargo(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let status = cargo_command(dir)
        .args(args)
        .envs(env.iter().copied())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed in {}", args.join(" "), dir.display()))
    }
}

fn cargo_output(dir: &Path, args: &[String]) -> Result<String, String> {
    let output = cargo_command(dir)
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!("`cargo {}` failed in {}", args.join(" "), dir.display()));
    }
    String::from_utf8(output.stdout).map_err(|e| e.to_string())
}

/// A criterion estimate: median and median absolute deviation, in nanoseconds.
struct Estimate {
    id: &'static str,
    median: f64,
    mad: f64,
    /// Bytes per iteration, for throughput benchmarks.
    bytes: Option<u64>,
}

impl Estimate {
    fn read(criterion: &Path, id: &'static str) -> Result<Self, String> {
        let path = criterion.join(id).join("new/estimates.json");
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let json: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let number =
            |key: &str| json[key]["point_estimate"].as_f64().ok_or_else(|| format!("{}: no {key}", path.display()));
        let benchmark = std::fs::read_to_string(criterion.join(id).join("new/benchmark.json")).unwrap_or_default();
        let bytes = serde_json::from_str::<Value>(&benchmark).ok().and_then(|b| b["throughput"]["Bytes"].as_u64());
        Ok(Estimate { id, median: number("median")?, mad: number("median_abs_dev")?, bytes })
    }
}

/// A small binary crate built from scratch to time a clean build and measure its size.
struct Project {
    name: &'static str,
    dependency: String,
    main: &'static str,
}

const SANS_IO_MAIN: &str = r#"use iotmanagedintegrations::operation::get_ota_task::{GetOtaTask, GetOtaTaskInput};

fn main() {
    let input = GetOtaTaskInput::builder().identifier(std::env::args().nth(1).unwrap_or_default()).build().unwrap();
    let request = GetOtaTask::serialize_request(&input).unwrap();
    println!("{} {}", request.method, request.uri);
}
"#;

// The mains start tokio by hand: `#[tokio::main]` would add syn and tokio-macros to both sides'
// builds, which measures the binary, not the client crate. Both sides take static credentials
// (the SDK's without aws-config), so neither binary carries a credentials chain.
const CLIENT_MAIN: &str = r#"fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let config = smithy_config::builder()
        .region("us-east-1")
        .credentials_provider(iotmanagedintegrations::credentials::Credentials::new("AKID", "secret", None, None))
        .build();
    let client = iotmanagedintegrations::Client::new(&config);
    let id = std::env::args().nth(1).unwrap_or_default();
    let task = runtime.block_on(client.get_ota_task().identifier(id).send());
    println!("{task:?}");
}
"#;

const SDK_MAIN: &str = r#"use aws_sdk_iotmanagedintegrations::config::{Credentials, Region};

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let config = aws_sdk_iotmanagedintegrations::Config::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKID", "secret", None, None, "bench"))
        .build();
    let client = aws_sdk_iotmanagedintegrations::Client::from_conf(config);
    let id = std::env::args().nth(1).unwrap_or_default();
    let task = runtime.block_on(client.get_ota_task().identifier(id).send());
    println!("{task:?}");
}
"#;

const DYNAMODB_MAIN: &str = r#"fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let config = smithy_config::builder()
        .region("us-east-1")
        .credentials_provider(dynamodb::credentials::Credentials::new("AKID", "secret", None, None))
        .build();
    let client = dynamodb::Client::new(&config);
    let key = dynamodb::types::AttributeValue::S(std::env::args().nth(1).unwrap_or_default());
    let item = runtime.block_on(client.get_item().table_name("users").key("pk", key).send());
    println!("{item:?}");
}
"#;

const S3_MAIN: &str = r#"fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let config = smithy_config::builder()
        .region("us-east-1")
        .credentials_provider(s3::credentials::Credentials::new("AKIDEXAMPLE", "secret", None, None))
        .build();
    let client = s3::Client::new(&config);
    let key = std::env::args().nth(1).unwrap_or_default();
    let result = rt.block_on(client.get_object().bucket("my-bucket").key(key).send());
    println!("{}", result.is_ok());
}
"#;

const SDK_S3_MAIN: &str = r#"use aws_sdk_s3::config::{Credentials, Region};

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let config = aws_sdk_s3::Config::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDEXAMPLE", "secret", None, None, "bench"))
        .build();
    let client = aws_sdk_s3::Client::from_conf(config);
    let key = std::env::args().nth(1).unwrap_or_default();
    let result = rt.block_on(client.get_object().bucket("my-bucket").key(key).send());
    println!("{}", result.is_ok());
}
"#;

const SDK_DYNAMODB_MAIN: &str = r#"use aws_sdk_dynamodb::config::{Credentials, Region};

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let config = aws_sdk_dynamodb::Config::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKID", "secret", None, None, "bench"))
        .build();
    let client = aws_sdk_dynamodb::Client::from_conf(config);
    let key = aws_sdk_dynamodb::types::AttributeValue::S(std::env::args().nth(1).unwrap_or_default());
    let item = runtime.block_on(client.get_item().table_name("users").key("pk", key).send());
    println!("{item:?}");
}
"#;

/// `smithy-config` without its default `sts` and `sso` features: the transport and the
/// credential providers that need no other service. The SDK programs use no aws-config (static
/// credentials in the service's own config), so neither side compiles STS or SSO clients.
fn transport_dependency(transport: &Path) -> String {
    format!("smithy-config = {{ path = \"{}\", default-features = false }}\n", transport.display())
}

impl Project {
    /// Our crate at `krate`; with `client`, its `client` feature and, as a program that sends
    /// requests has them, the transport crate beside it and tokio.
    fn ours(name: &'static str, krate: &Path, client: bool) -> Self {
        let features = if client { ", features = [\"client\"]" } else { "" };
        let mut dependency = format!("iotmanagedintegrations = {{ path = \"{}\"{features} }}\n", krate.display());
        if client {
            let transport = krate.with_file_name(codegen::runtime::CONFIG_CRATE);
            dependency.push_str(&transport_dependency(&transport));
            dependency.push_str("tokio = { version = \"1\", features = [\"rt\"] }\n");
        }
        Project { name, dependency, main: if client { CLIENT_MAIN } else { SANS_IO_MAIN } }
    }

    /// The whole DynamoDB crate at `krate` with its `client` feature, the transport and tokio.
    fn ours_dynamodb(krate: &Path) -> Self {
        let transport = krate.with_file_name(codegen::runtime::CONFIG_CRATE);
        let dependency = format!(
            "dynamodb = {{ path = \"{}\", features = [\"client\"] }}\n{}\
             tokio = {{ version = \"1\", features = [\"rt\"] }}\n",
            krate.display(),
            transport_dependency(&transport)
        );
        Project { name: "ours-dynamodb-client", dependency, main: DYNAMODB_MAIN }
    }

    /// The whole S3 crate at `krate` with its `client` feature, the transport and tokio.
    fn ours_s3(krate: &Path) -> Self {
        let transport = krate.with_file_name(codegen::runtime::CONFIG_CRATE);
        let dependency = format!(
            "s3 = {{ path = \"{}\", features = [\"client\"] }}\n{}\
             tokio = {{ version = \"1\", features = [\"rt\"] }}\n",
            krate.display(),
            transport_dependency(&transport)
        );
        Project { name: "ours-s3-client", dependency, main: S3_MAIN }
    }

    fn sdk_s3() -> Self {
        let dependency = format!(
            "aws-sdk-s3 = {{ version = \"={S3_SDK_VERSION}\", features = [\"behavior-version-latest\"] }}\n\
             tokio = {{ version = \"1\", features = [\"rt\"] }}\n"
        );
        Project { name: "sdk-s3", dependency, main: SDK_S3_MAIN }
    }

    fn sdk_dynamodb() -> Self {
        let dependency = format!(
            "aws-sdk-dynamodb = {{ version = \"={DYNAMODB_SDK_VERSION}\", features = [\"behavior-version-latest\"] }}\n\
             tokio = {{ version = \"1\", features = [\"rt\"] }}\n"
        );
        Project { name: "sdk-dynamodb", dependency, main: SDK_DYNAMODB_MAIN }
    }

    fn sdk() -> Self {
        let dependency = format!(
            "aws-sdk-iotmanagedintegrations = {{ version = \"={SDK_VERSION}\", features = [\"behavior-version-latest\"] }}\n\
             tokio = {{ version = \"1\", features = [\"rt\"] }}\n"
        );
        Project { name: "sdk", dependency, main: SDK_MAIN }
    }

    fn write(&self, dir: &Path, lock: &Path) -> Result<(), String> {
        let manifest = format!(
            "[workspace]\n\n[package]\nname = \"bench-bin\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\n{}\n[profile.release]\nstrip = true\n",
            self.dependency
        );
        let write = |path: PathBuf, text: &str| {
            std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
        write(dir.join("Cargo.toml"), &manifest)?;
        write(dir.join("src/main.rs"), self.main)?;
        // The bench crate's lockfile pins the same versions for every build.
        std::fs::copy(lock, dir.join("Cargo.lock")).map_err(|e| format!("cannot copy {}: {e}", lock.display()))?;
        Ok(())
    }
}

struct Build {
    seconds: f64,
    /// Packages compiled, the binary itself excluded.
    crates: usize,
}

/// A `cargo build` from an empty target directory (dependencies already downloaded).
fn clean_build(dir: &Path, release: bool) -> Result<Build, String> {
    cargo(dir, &["fetch", "--quiet"], &[])?;
    let target = dir.join("target");
    if target.exists() {
        std::fs::remove_dir_all(&target).map_err(|e| format!("cannot clean {}: {e}", target.display()))?;
    }
    let mut args = vec!["build", "--offline", "--message-format=json"];
    if release {
        args.push("--release");
    }
    let started = Instant::now();
    let output = cargo_command(dir)
        .args(&args)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!("clean build failed in {}", dir.display()));
    }
    let mut packages = std::collections::BTreeSet::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else { continue };
        if message["reason"] == "compiler-artifact" {
            if let Some(id) = message["package_id"].as_str() {
                if !id.contains("bench-bin") {
                    packages.insert(id.to_owned());
                }
            }
        }
    }
    Ok(Build { seconds, crates: packages.len() })
}

struct Report {
    calls: Vec<Estimate>,
    codegen: Vec<Value>,
    builds: Vec<(&'static str, Build)>,
    sizes: Vec<(&'static str, Build, u64)>,
    total_seconds: f64,
}

impl Report {
    fn build(&self, name: &str) -> &Build {
        &self.builds.iter().find(|(n, _)| *n == name).expect("every project is built").1
    }

    fn call(&self, id: &str) -> &Estimate {
        self.calls.iter().find(|e| e.id == id).expect("every estimate is read")
    }

    fn markdown(&self) -> Result<String, String> {
        let mut md = String::new();
        let w = &mut md;
        let sdk = self.build("sdk");
        writeln!(
            w,
            "# Benchmarks: generated crates vs aws-sdk-iotmanagedintegrations {SDK_VERSION}, aws-sdk-dynamodb {DYNAMODB_SDK_VERSION} and aws-sdk-s3 {S3_SDK_VERSION}\n"
        )
        .ok();
        writeln!(
            w,
            "Generated by `cargo xtask bench` on {} ({:.0} s in all). Do not edit by hand: rerun the command.\n",
            today(),
            self.total_seconds
        )
        .ok();
        writeln!(w, "Machine: {}.\n", machine()).ok();

        writeln!(w, "## Targets\n").ok();
        writeln!(w, "| target | ours | SDK | ratio | goal | met |\n| --- | --- | --- | --- | --- | --- |").ok();
        let mut target = |what: &str, ours: String, theirs: String, ratio: f64, goal: f64| {
            let met = if ratio >= goal { "yes" } else { "**no**" };
            writeln!(w, "| {what} | {ours} | {theirs} | {ratio:.1}× | ≥{goal}× | {met} |").ok();
        };
        let secs = |b: &Build| format!("{:.1} s ({} crates)", b.seconds, b.crates);
        for (what, name, goal) in [
            ("clean debug build, GetOtaTask, sans-IO (default features)", "ours-sans-io", 20.0),
            ("clean debug build, GetOtaTask, `client` feature", "ours-client", 2.0),
            ("clean debug build, full service (83 operations), `client` feature", "ours-full-client", 3.0),
        ] {
            let ours = self.build(name);
            target(what, secs(ours), secs(sdk), sdk.seconds / ours.seconds, goal);
        }
        let (ours_ok, sdk_ok) = (self.call("get_ota_task/ours_ok"), self.call("get_ota_task/sdk_ok"));
        target(
            "per call, get_ota_task, 200 response (median)",
            micros(ours_ok),
            micros(sdk_ok),
            sdk_ok.median / ours_ok.median,
            8.0,
        );
        let (parse, serde) = (self.call("parse/ours_get_ota_task"), self.call("parse/serde_json_get_ota_task"));
        target(
            "parse, GetOtaTask 200 body, against serde_json into derived structs (median)",
            micros(parse),
            format!("{} (serde_json)", micros(serde)),
            serde.median / parse.median,
            1.0,
        );
        let size = |name: &str| self.sizes.iter().find(|(n, _, _)| *n == name).map(|(_, _, s)| *s).unwrap_or(0);
        let (ours_size, sdk_size) = (size("ours-client"), size("sdk"));
        target(
            "stripped release binary calling get_ota_task",
            mb(ours_size),
            mb(sdk_size),
            sdk_size as f64 / ours_size as f64,
            5.0,
        );
        // The whole-model services: clean builds, calls and binaries against their SDK crates.
        for (what, ours, theirs, goal) in [
            (
                "clean debug build, DynamoDB (whole model), `client` feature",
                "ours-dynamodb-client",
                "sdk-dynamodb",
                4.0,
            ),
            ("clean debug build, S3 (whole model), `client` feature", "ours-s3-client", "sdk-s3", 4.0),
        ] {
            let (ours, theirs) = (self.build(ours), self.build(theirs));
            target(what, secs(ours), secs(theirs), theirs.seconds / ours.seconds, goal);
        }
        for (what, id, goal) in [
            ("per call, DynamoDB get_item (median)", "dynamodb_get_item", 5.0),
            ("per call, S3 get_object of a 12-byte object, CRC-32 validated (median)", "s3_get_object", 3.0),
            ("per call, S3 list_objects_v2, a page of 3 objects (median)", "s3_list_objects_v2", 3.0),
        ] {
            let (ours, theirs) = (self.call(&format!("{id}/ours")), self.call(&format!("{id}/sdk")));
            target(what, micros(ours), micros(theirs), theirs.median / ours.median, goal);
        }
        for (what, ours, theirs) in [
            ("stripped release binary calling DynamoDB get_item", "ours-dynamodb-client", "sdk-dynamodb"),
            ("stripped release binary calling S3 get_object", "ours-s3-client", "sdk-s3"),
        ] {
            let (ours, theirs) = (size(ours), size(theirs));
            target(what, mb(ours), mb(theirs), theirs as f64 / ours as f64, 3.0);
        }
        let rate = mb_per_s(parse);
        let met = if rate >= 500.0 { "yes" } else { "**no**" };
        writeln!(w, "| parse rate, GetOtaTask 200 body | {rate:.0} MB/s | | | ≥500 MB/s | {met} |").ok();
        let full = self.codegen.first().ok_or("no codegen measurement")?;
        let full_ms = full["median_ms"].as_f64().unwrap_or(f64::NAN);
        let met = if full_ms < 100.0 { "yes" } else { "**no**" };
        writeln!(
            w,
            "| codegen of the full IoT Managed Integrations crate (median) | {full_ms:.1} ms | | | <100 ms | {met} |\n"
        )
        .ok();

        writeln!(w, "## Per call (criterion, median ± median absolute deviation)\n").ok();
        writeln!(w, "End to end through an in-memory transport that returns the same canned response (every output member set; or a 429 ThrottlingException): build the input, resolve the endpoint with the rules, sign with SigV4, send, parse. Static credentials, retries off on both sides. The SDK uses `infallible_client_fn` from `aws-smithy-http-client`'s `test-util`, its replay client that never runs out of responses.\n").ok();
        writeln!(w, "| case | ours | SDK | SDK / ours |\n| --- | --- | --- | --- |").ok();
        for case in ["ok", "throttled"] {
            let (ours, sdk) =
                (self.call(&format!("get_ota_task/ours_{case}")), self.call(&format!("get_ota_task/sdk_{case}")));
            writeln!(
                w,
                "| {case} | {} ± {:.2} µs | {} ± {:.2} µs | {:.1}× |",
                micros(ours),
                ours.mad / 1e3,
                micros(sdk),
                sdk.mad / 1e3,
                sdk.median / ours.median
            )
            .ok();
        }
        for (what, id) in [
            ("DynamoDB get_item, an 8-attribute item", "dynamodb_get_item"),
            ("S3 get_object, 12 bytes, CRC-32 validated", "s3_get_object"),
            ("S3 list_objects_v2, a page of 3 objects", "s3_list_objects_v2"),
        ] {
            let (ours, sdk) = (self.call(&format!("{id}/ours")), self.call(&format!("{id}/sdk")));
            writeln!(
                w,
                "| {what} | {} ± {:.2} µs | {} ± {:.2} µs | {:.1}× |",
                micros(ours),
                ours.mad / 1e3,
                micros(sdk),
                sdk.mad / 1e3,
                sdk.median / ours.median
            )
            .ok();
        }
        writeln!(w, "\nOur DynamoDB client here is the `dynamodb-lite` fixture's (this repository's own subset model, whose GetItem has DynamoDB's shapes), so the benchmark crate builds without `../shared`; the clean builds and binaries below use the crate generated from DynamoDB's whole model. Our S3 client is likewise the `s3-lite` fixture's (S3's shapes for GetObject and ListObjectsV2, its bucket addressing rules and checksums); the SDK's GetObject body is collected into bytes, as ours arrives.").ok();
        let body = parse.bytes.unwrap_or(0);
        writeln!(w, "\nParse only, on the 200 body ({body} bytes): our `GetOtaTask::deserialize_response` (status, headers, the JSON read token by token into the output's builder) {} ± {:.2} µs, {:.0} MB/s; `serde_json::from_slice` into derived structs with the same members (enums as strings, timestamps as numbers; bench-only, `bench/src/lib.rs`) {} ± {:.2} µs, {:.0} MB/s.\n", micros(parse), parse.mad / 1e3, mb_per_s(parse), micros(serde), serde.mad / 1e3, mb_per_s(serde)).ok();

        writeln!(w, "## Clean builds (debug, each in its own target directory, dependencies downloaded beforehand)\n")
            .ok();
        writeln!(w, "Ours with the `client` feature send through `smithy-config` without its default features (`sts`, `sso`): the transport and the credential providers that need no other service; the SDK programs set static credentials in the service's config and use no aws-config, so neither side compiles STS or SSO clients. The same holds for the binaries.\n").ok();
        writeln!(w, "| crate | time | crates compiled | SDK / ours |\n| --- | --- | --- | --- |").ok();
        for (name, build) in &self.builds {
            // Each of our crates against the SDK crate of the same service.
            let theirs = if name.contains("dynamodb") {
                self.build("sdk-dynamodb")
            } else if name.contains("s3") {
                self.build("sdk-s3")
            } else {
                sdk
            };
            writeln!(
                w,
                "| {} | {:.1} s | {} | {:.1}× |",
                describe(name),
                build.seconds,
                build.crates,
                theirs.seconds / build.seconds
            )
            .ok();
        }
        writeln!(w, "\n## Binary size (release, stripped, a `main` that makes one call: get_ota_task, DynamoDB's get_item or S3's get_object)\n").ok();
        writeln!(w, "| binary | release build | size |\n| --- | --- | --- |").ok();
        for (name, build, size) in &self.sizes {
            writeln!(w, "| {} | {:.1} s | {} |", describe(name), build.seconds, mb(*size)).ok();
        }
        writeln!(w, "\n## Codegen (in process: load, select, IR, render, format, on every core; {CODEGEN_RUNS} timed runs after a warm-up, then one run for the peak heap)\n").ok();
        writeln!(w, "| model | files | median | min | max | peak heap |\n| --- | --- | --- | --- | --- | --- |").ok();
        for m in &self.codegen {
            let ms = |k: &str| m[k].as_f64().unwrap_or(f64::NAN);
            let peak = m["peak_bytes"].as_f64().unwrap_or(f64::NAN) / 1e6;
            writeln!(
                w,
                "| {} | {} | {:.1} ms | {:.1} ms | {:.1} ms | {peak:.1} MB |",
                m["model"].as_str().unwrap_or("?"),
                m["files"],
                ms("median_ms"),
                ms("min_ms"),
                ms("max_ms")
            )
            .ok();
        }
        let total = |k: &str| self.codegen.iter().map(|m| m[k].as_f64().unwrap_or(f64::NAN)).sum::<f64>();
        let peak = self.codegen.iter().map(|m| m["peak_bytes"].as_f64().unwrap_or(f64::NAN)).fold(0.0, f64::max) / 1e6;
        let files = self.codegen.iter().map(|m| m["files"].as_u64().unwrap_or(0)).sum::<u64>();
        writeln!(
            w,
            "| all {} models, one after another | {files} | {:.1} ms | {:.1} ms | {:.1} ms | {peak:.1} MB (largest) |",
            self.codegen.len(),
            total("median_ms"),
            total("min_ms"),
            total("max_ms")
        )
        .ok();
        Ok(md)
    }
}

fn describe(name: &str) -> &'static str {
    match name {
        "ours-sans-io" => "ours: GetOtaTask, default features (sans-IO)",
        "ours-client" => "ours: GetOtaTask, `client` feature",
        "ours-full-sans-io" => "ours: full service (83 operations), default features",
        "ours-full-client" => "ours: full service (83 operations), `client` feature",
        "ours-dynamodb-client" => "ours: DynamoDB, whole model, `client` feature",
        "sdk-dynamodb" => "aws-sdk-dynamodb, default features",
        "ours-s3-client" => "ours: S3, whole model, `client` feature",
        "sdk-s3" => "aws-sdk-s3, default features",
        _ => "aws-sdk-iotmanagedintegrations, default features",
    }
}

/// The throughput of a measurement over its body, in MB/s (10^6 bytes).
fn mb_per_s(estimate: &Estimate) -> f64 {
    estimate.bytes.unwrap_or(0) as f64 / estimate.median * 1e3
}

fn micros(e: &Estimate) -> String {
    format!("{:.2} µs", e.median / 1e3)
}

fn mb(bytes: u64) -> String {
    format!("{:.2} MB", bytes as f64 / 1e6)
}

/// Today's UTC date, `YYYY-MM-DD`.
fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// CPU model, cores, memory, OS and toolchain.
fn machine() -> String {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.trim().trim_end_matches(" kB").parse::<f64>().ok())
        .map_or_else(|| "?".into(), |kb| format!("{:.0} GiB", kb / 1_048_576.0));
    let version = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    let kernel = Command::new("uname")
        .arg("-sr")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, {memory} memory, {kernel}; {}", version("rustc"))
}
