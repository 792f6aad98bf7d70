//! `cargo xtask conformance`: the official compliance suites of every protocol (restJson1,
//! awsJson1_0, awsJson1_1, rpcv2Cbor, awsQuery, ec2Query, restXml and restXmlWithNamespace),
//! run against our generated clients. Every service of a suite gets a crate with its client test
//! cases turned into Rust tests; the cases are run (all suites' crates in one cargo invocation)
//! and reported by suite and by the file that defines them. Cases we knowingly do not support
//! are listed, with reasons, in `conformance-unsupported/<suite>.txt` beside this crate; a listed
//! case that passes fails the run, so the lists only shrink.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::model::{AppliesTo, Protocol, ShapeId, ShapeKind};
use codegen::Options;

/// A case as the suite names it and as its generated test is named.
struct Case {
    id: String,
    direction: &'static str,
    file: String,
}

/// The suites run, by the protocol they test and the folders under `protocol-tests/` that hold
/// them (rpcv2Cbor has Smithy's own and AWS's query-compatible cases).
const SUITES: [(&str, Protocol, &[&str]); 8] = [
    ("restJson1", Protocol::RestJson1, &["aws/restJson1"]),
    ("awsJson1_0", Protocol::AwsJson1_0, &["aws/awsJson1_0"]),
    ("awsJson1_1", Protocol::AwsJson1_1, &["aws/awsJson1_1"]),
    ("rpcv2Cbor", Protocol::RpcV2Cbor, &["smithy/rpcv2Cbor", "aws/rpcv2Cbor"]),
    ("awsQuery", Protocol::AwsQuery, &["aws/awsQuery"]),
    ("ec2Query", Protocol::Ec2Query, &["aws/ec2Query"]),
    ("restXml", Protocol::RestXml, &["aws/restXml"]),
    // A restXml service whose shapes declare an `@xmlNamespace`.
    ("restXmlWithNamespace", Protocol::RestXml, &["aws/restXmlWithNamespace"]),
];

/// One protocol's suite: its models, its services' crates and its client cases.
struct Suite {
    /// The suite's name: its protocol's, or its folder's where a protocol has several.
    name: &'static str,
    protocol: Protocol,
    dirs: Vec<PathBuf>,
    model: codegen::model::Model,
    services: Vec<ShapeId>,
    /// The generated crates' library names (`conformance_rest_json1_foo`).
    crates: Vec<String>,
}

/// Runs the suites named in `only` (every suite when it is empty).
pub fn run(root: &Path, shared: &Path, only: &[String]) -> Result<(), String> {
    if let Some(unknown) = only.iter().find(|o| !SUITES.iter().any(|(name, ..)| name == o)) {
        let names: Vec<&str> = SUITES.iter().map(|(name, ..)| *name).collect();
        return Err(format!("no suite is named `{unknown}` (the suites: {})", names.join(", ")));
    }
    let tests = shared.join("smithy/protocol-tests");
    let work = root.join("target/conformance");
    let mut suites = Vec::new();
    let mut members = Vec::new();
    for (name, protocol, folders) in SUITES {
        if !only.is_empty() && !only.iter().any(|o| o == name) {
            continue;
        }
        let dirs: Vec<PathBuf> = folders.iter().map(|f| tests.join(f)).collect();
        let mut suite = load_suite(name, protocol, dirs, shared)?;
        for service in &suite.services {
            let package = format!(
                "conformance-{}-{}",
                codegen::naming::snake_case(name).replace('_', "-"),
                codegen::naming::snake_case(service.name()).replace('_', "-")
            );
            let options = Options {
                models: suite_models(&suite.dirs, shared)?,
                service: Some(service.to_string()),
                package: Some(package.clone()),
                protocol: Some(protocol.name().to_owned()),
                ..Options::default()
            };
            let files = codegen::generate(&options).map_err(|e| format!("{service}: {e}"))?;
            codegen::write_atomically(&work.join(&package), &files).map_err(|e| e.to_string())?;
            suite.crates.push(package.replace('-', "_"));
            members.push(package);
        }
        suites.push(suite);
    }
    crate::write_scratch_workspace(&work, &members)?;

    // One build and test run for every suite's crates.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(&cargo)
        .args(["test", "--workspace", "--no-fail-fast", "--lib", "--", "protocol_tests::"])
        .current_dir(&work)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !stdout.contains("test result") {
        return Err(format!("the conformance crates did not build:\n{stderr}"));
    }
    let results = results_by_crate(&stdout, &stderr);

    let mut summary = Vec::new();
    let mut problems = Vec::new();
    for suite in &suites {
        let mut mine = BTreeMap::new();
        for krate in &suite.crates {
            mine.extend(results.get(krate).cloned().unwrap_or_default());
        }
        let (line, suite_problems) = report(root, suite, &mine)?;
        summary.push(line);
        problems.extend(suite_problems.into_iter().map(|p| format!("{}: {p}", suite.name)));
    }
    println!();
    for line in &summary {
        println!("{line}");
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{} conformance problems:\n  {}", problems.len(), problems.join("\n  ")))
    }
}

/// A suite's model files: its own, the suites' shared shapes and the trait definitions.
pub(crate) fn suite_models(dirs: &[PathBuf], shared: &Path) -> Result<Vec<PathBuf>, String> {
    let mut models = Vec::new();
    for dir in dirs {
        models.extend(smithy_files(dir)?);
        // restJson1's `validation/` is a server-side validation service: it has no client cases
        // and needs `smithy.framework` shapes that ../shared does not carry.
        let validation = dir.join("validation");
        models.retain(|m| !m.starts_with(&validation));
    }
    let tests = shared.join("smithy/protocol-tests");
    models.extend([
        tests.join("aws/shared-types.smithy"),
        tests.join("aws/aws-config.smithy"),
        tests.join("smithy/shared-types.smithy"),
    ]);
    models.extend(smithy_files(&shared.join("smithy/traits"))?);
    models.push(framework_model()?);
    if dirs.iter().any(|d| d.ends_with("aws/restXml")) {
        let overlay = s3_endpoint_overlay(&models, shared)?;
        models.push(overlay);
    }
    Ok(models)
}

/// restXml's S3 cases (`services/s3.smithy`) check bucket addressing, which S3 clients take
/// from S3's endpoint rules and the `@contextParam`s binding input members to them; the suite's
/// S3 model leaves those out. The harness applies the real S3 model's (../shared/models/aws/s3)
/// to the suite's S3 service and the members and operations it shares with it, in a JSON AST
/// file of `apply` entries beside the crates.
fn s3_endpoint_overlay(suite: &[PathBuf], shared: &Path) -> Result<PathBuf, String> {
    use serde_json::{json, Map, Value};

    let real_path = shared.join("models/aws/s3-2006-03-01.json");
    let text = std::fs::read_to_string(&real_path).map_err(|e| format!("cannot read {}: {e}", real_path.display()))?;
    let real: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", real_path.display()))?;
    let suite_model = codegen::model::load_files(suite).map_err(|e| e.to_string())?;
    let mut applies = Map::new();
    let real_shapes = real["shapes"].as_object().ok_or("the S3 model has no shapes")?;
    for (id, shape) in real_shapes {
        let Some(ours) = ShapeId::parse(id).ok().and_then(|id| suite_model.shapes.get(&id)) else { continue };
        let traits = &shape["traits"];
        let mut wanted = Map::new();
        for name in
            ["smithy.rules#endpointRuleSet", "smithy.rules#clientContextParams", "smithy.rules#staticContextParams"]
        {
            if let Some(value) = traits.get(name) {
                wanted.insert(name.to_owned(), value.clone());
            }
        }
        if !wanted.is_empty() {
            applies.insert(id.clone(), json!({ "type": "apply", "traits": wanted }));
        }
        for (member, def) in shape["members"].as_object().into_iter().flatten() {
            let in_suite =
                matches!(&ours.kind, ShapeKind::Structure(members) if members.iter().any(|m| &m.name == member));
            if let (true, Some(param)) = (in_suite, def["traits"].get("smithy.rules#contextParam")) {
                let traits = json!({ "smithy.rules#contextParam": param });
                applies.insert(format!("{id}${member}"), json!({ "type": "apply", "traits": traits }));
            }
        }
    }
    let overlay = json!({ "smithy": "2.0", "shapes": applies });
    let path = crate::root().join("target/conformance-models/s3-endpoint-overlay.json");
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new("."))).map_err(|e| e.to_string())?;
    std::fs::write(&path, overlay.to_string()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// `smithy.framework#ValidationException`, which the rpcv2Cbor cases' operations list as an
/// error: it belongs to Smithy's validation model, which ../shared does not carry, so the
/// harness writes its definition (as smithy-validation-model has it) beside the crates.
fn framework_model() -> Result<PathBuf, String> {
    const FRAMEWORK: &str = r#"$version: "2.0"
namespace smithy.framework

@error("client")
structure ValidationException {
    @required
    message: String
    fieldList: ValidationExceptionFieldList
}

list ValidationExceptionFieldList {
    member: ValidationExceptionField
}

structure ValidationExceptionField {
    @required
    path: String
    @required
    message: String
}
"#;
    let path = crate::root().join("target/conformance-models/smithy-framework.smithy");
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new("."))).map_err(|e| e.to_string())?;
    std::fs::write(&path, FRAMEWORK).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

fn load_suite(name: &'static str, protocol: Protocol, dirs: Vec<PathBuf>, shared: &Path) -> Result<Suite, String> {
    if let Some(missing) = dirs.iter().find(|d| !d.is_dir()) {
        return Err(format!(
            "{} is missing: the protocol compliance tests live in ../shared beside the project (pass --shared DIR)",
            missing.display()
        ));
    }
    let model = codegen::model::load_files(&suite_models(&dirs, shared)?).map_err(|e| e.to_string())?;
    let services = model
        .shapes
        .values()
        .filter(|s| matches!(s.kind, ShapeKind::Service(_)) && s.traits.protocols.contains(&protocol))
        .map(|s| s.id.clone())
        .collect();
    Ok(Suite { name, protocol, dirs, model, services, crates: Vec::new() })
}

/// `test protocol_tests::name ... ok|FAILED` lines, by the crate whose tests they are (cargo
/// names it on stderr, `Running unittests src/lib.rs (target/debug/deps/<crate>-<hash>)`, in
/// the order it runs them).
fn results_by_crate(stdout: &str, stderr: &str) -> BTreeMap<String, BTreeMap<String, bool>> {
    let order: Vec<String> = stderr
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Running unittests src/lib.rs ("))
        .filter_map(|rest| rest.rsplit('/').next())
        .filter_map(|file| file.rsplit_once('-').map(|(name, _)| name.to_owned()))
        .collect();
    let mut results: BTreeMap<String, BTreeMap<String, bool>> = BTreeMap::new();
    let mut current = order.iter();
    let mut krate: Option<&String> = None;
    for line in stdout.lines() {
        if line.starts_with("running ") {
            krate = current.next();
            continue;
        }
        let Some(rest) = line.strip_prefix("test protocol_tests::") else { continue };
        let Some((name, outcome)) = rest.split_once(" ... ") else { continue };
        if let Some(krate) = krate {
            results.entry(krate.clone()).or_default().insert(name.to_owned(), outcome.trim() == "ok");
        }
    }
    results
}

/// Prints a suite's table; its summary line and what is wrong.
fn report(root: &Path, suite: &Suite, results: &BTreeMap<String, bool>) -> Result<(String, Vec<String>), String> {
    let name = suite.name;
    // Every client case the suite defines must have run: none may vanish unreported.
    let client = |a: &Option<AppliesTo>| AppliesTo::includes_clients(*a);
    let mut defined = Vec::new();
    for shape in suite.model.shapes.values() {
        let t = &shape.traits;
        let ours = |p: &str| codegen::model::Protocol::from_trait(p) == Some(suite.protocol);
        defined.extend(
            t.http_request_tests
                .iter()
                .filter(|c| client(&c.applies_to) && ours(&c.protocol))
                .map(|c| (c.id.clone(), "request")),
        );
        defined.extend(
            t.http_response_tests
                .iter()
                .filter(|c| client(&c.applies_to) && ours(&c.protocol))
                .map(|c| (c.id.clone(), "response")),
        );
        defined.extend(
            t.event_stream_tests
                .iter()
                .filter(|c| client(&c.applies_to) && ours(&c.protocol))
                .map(|c| (c.id.clone(), "event_stream")),
        );
    }
    let mut cases = BTreeMap::new();
    for dir in &suite.dirs {
        cases.extend(cases_by_test_name(dir)?);
    }
    let list = format!("conformance-unsupported/{name}.txt");
    let unsupported = unsupported_list(&root.join("xtask").join(&list))?;
    let mut by_file: BTreeMap<String, [usize; 4]> = BTreeMap::new(); // total, passed, failed, unsupported
    let mut problems = Vec::new();
    let mut unsupported_seen = Vec::new();
    for (test, passed) in results {
        let Some(case) = cases.get(test) else {
            problems.push(format!("test `{test}` matches no case id in the suite"));
            continue;
        };
        let key = format!("{} {}", case.id, case.direction);
        let row = by_file.entry(case.file.clone()).or_default();
        row[0] += 1;
        match (passed, unsupported.get(&key)) {
            (true, None) => row[1] += 1,
            (false, None) => {
                row[2] += 1;
                problems.push(format!("{key} ({}) fails", case.file));
            }
            (false, Some(_)) => {
                row[3] += 1;
                unsupported_seen.push(key);
            }
            (true, Some(_)) => {
                row[1] += 1;
                problems.push(format!("{key} passes now: remove it from {list}"));
            }
        }
    }
    let ran: Vec<(String, &str)> =
        results.keys().filter_map(|n| cases.get(n)).map(|c| (c.id.clone(), c.direction)).collect();
    for (id, direction) in &defined {
        if !ran.iter().any(|(r, d)| r == id && d == direction) {
            problems.push(format!("{id} {direction} is a client case of the suite but no test ran for it"));
        }
    }
    for key in unsupported.keys() {
        if !unsupported_seen.contains(key) && !problems.iter().any(|p| p.starts_with(key.as_str())) {
            problems.push(format!("{key} is listed as unsupported but no such client case ran"));
        }
    }

    println!(
        "{name} compliance ({} services: {}; {} client cases defined)",
        suite.services.len(),
        suite.services.iter().map(ShapeId::name).collect::<Vec<_>>().join(", "),
        defined.len()
    );
    println!("  {:<40} {:>6} {:>7} {:>7} {:>8}", "file", "total", "passed", "failed", "skipped");
    let mut sum = [0; 4];
    for (file, row) in &by_file {
        println!("  {file:<40} {:>6} {:>7} {:>7} {:>8}", row[0], row[1], row[2], row[3]);
        for (s, r) in sum.iter_mut().zip(row) {
            *s += r;
        }
    }
    println!("  {:<40} {:>6} {:>7} {:>7} {:>8}", "all", sum[0], sum[1], sum[2], sum[3]);
    if !unsupported_seen.is_empty() {
        println!("  skipped ({list}):");
        for key in &unsupported_seen {
            println!("    {key}: {}", unsupported[key]);
        }
    }
    if sum[0] == 0 {
        problems.push("no client case ran".into());
    }
    let percent = if sum[0] > 0 { 100.0 * sum[1] as f64 / sum[0] as f64 } else { 0.0 };
    Ok((format!("{name}: {} of {} client cases pass ({percent:.1}%)", sum[1], sum[0]), problems))
}

fn smithy_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    crate::files_under(dir, &|p| p.extension().is_some_and(|e| e == "smithy"))
}

/// Every case id of the suite, by the names its generated tests get (`{snake id}_{direction}`,
/// the direction `request`, `response` or `event_stream`).
fn cases_by_test_name(suite: &Path) -> Result<BTreeMap<String, Case>, String> {
    let mut files = smithy_files(suite)?;
    files.retain(|f| !f.starts_with(suite.join("validation")));
    let mut cases = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let shown = file.strip_prefix(suite).unwrap_or(&file).display().to_string();
        for chunk in text.split("id: \"").skip(1) {
            let Some(id) = chunk.split('"').next() else { continue };
            for direction in ["request", "response", "event_stream"] {
                let name = format!("{}_{direction}", codegen::naming::snake_case(id));
                cases.insert(name, Case { id: id.to_owned(), direction, file: shown.clone() });
            }
        }
    }
    Ok(cases)
}

/// `conformance-unsupported/<protocol>.txt`: `CaseId direction: reason` lines; `#` starts a
/// comment.
fn unsupported_list(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut list = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, reason) = line.split_once(':').ok_or_else(|| {
            format!("{}:{}: expected `CaseId request|response|event_stream: reason`", path.display(), n + 1)
        })?;
        list.insert(key.trim().to_owned(), reason.trim().to_owned());
    }
    Ok(list)
}
