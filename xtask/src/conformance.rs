//! `cargo xtask conformance`: the official AWS restJson1 protocol compliance suite, run against
//! our generated clients. Every restJson1 service of the suite gets a crate with its client test
//! cases turned into Rust tests; the cases are run and reported by the file that defines them.
//! Cases we knowingly do not support are listed, with reasons, in `conformance-unsupported.txt`
//! beside this crate; a listed case that passes fails the run, so the list only shrinks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::model::{AppliesTo, ShapeId, ShapeKind};
use codegen::Options;

/// A case as the suite names it and as its generated test is named.
struct Case {
    id: String,
    direction: &'static str,
    file: String,
}

pub fn run(root: &Path, shared: &Path) -> Result<(), String> {
    let suite = shared.join("smithy/protocol-tests/aws/restJson1");
    if !suite.is_dir() {
        return Err(format!(
            "{} is missing: the protocol compliance tests live in ../shared beside the project (pass --shared DIR)",
            suite.display()
        ));
    }
    let mut models = smithy_files(&suite)?;
    // `validation/` is a server-side validation service: it has no client cases and needs
    // `smithy.framework` shapes that ../shared does not carry.
    let validation = suite.join("validation");
    models.retain(|m| !m.starts_with(&validation));
    let aws = shared.join("smithy/protocol-tests/aws");
    models.extend([aws.join("shared-types.smithy"), aws.join("aws-config.smithy")]);
    models.extend(smithy_files(&shared.join("smithy/traits"))?);

    let model = codegen::model::load_files(&models).map_err(|e| e.to_string())?;
    let services: Vec<ShapeId> = model
        .shapes
        .values()
        .filter(|s| {
            matches!(s.kind, ShapeKind::Service(_)) && s.traits.protocols.contains(&codegen::model::Protocol::RestJson1)
        })
        .map(|s| s.id.clone())
        .collect();

    // Generate one crate per service into a scratch workspace.
    let work = root.join("target/conformance");
    let mut members = Vec::new();
    for service in &services {
        let package = format!("conformance-{}", codegen::naming::snake_case(service.name()).replace('_', "-"));
        let options = Options {
            models: models.clone(),
            service: Some(service.to_string()),
            package: Some(package.clone()),
            ..Options::default()
        };
        let files = codegen::generate(&options).map_err(|e| format!("{service}: {e}"))?;
        codegen::write_atomically(&work.join(&package), &files).map_err(|e| e.to_string())?;
        members.push(package);
    }
    crate::write_scratch_workspace(&work, &members)?;

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(&cargo)
        .args(["test", "--workspace", "--no-fail-fast", "--lib", "--", "protocol_tests::"])
        .current_dir(&work)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !stdout.contains("test result") {
        return Err(format!("the conformance crates did not build:\n{}", String::from_utf8_lossy(&output.stderr)));
    }
    // `test protocol_tests::name ... ok|FAILED`, one line per case.
    let results: BTreeMap<String, bool> = stdout
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("test protocol_tests::")?;
            let (name, outcome) = rest.split_once(" ... ")?;
            Some((name.to_owned(), outcome.trim() == "ok"))
        })
        .collect();

    // Every client case the suite defines must have run: none may vanish unreported.
    let client = |a: &Option<AppliesTo>| AppliesTo::includes_clients(*a);
    let mut defined = Vec::new();
    for shape in model.shapes.values() {
        let t = &shape.traits;
        defined
            .extend(t.http_request_tests.iter().filter(|c| client(&c.applies_to)).map(|c| (c.id.clone(), "request")));
        defined
            .extend(t.http_response_tests.iter().filter(|c| client(&c.applies_to)).map(|c| (c.id.clone(), "response")));
    }
    let cases = cases_by_test_name(&suite)?;
    let unsupported = unsupported_list(root)?;
    let mut by_file: BTreeMap<String, [usize; 4]> = BTreeMap::new(); // total, passed, failed, unsupported
    let mut problems = Vec::new();
    let mut unsupported_seen = Vec::new();
    for (name, passed) in &results {
        let Some(case) = cases.get(name) else {
            problems.push(format!("test `{name}` matches no case id in the suite"));
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
                problems.push(format!("{key} passes now: remove it from conformance-unsupported.txt"));
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

    println!("client cases defined in the suite: {}", defined.len());
    println!(
        "restJson1 compliance ({} services: {})",
        services.len(),
        services.iter().map(ShapeId::name).collect::<Vec<_>>().join(", ")
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
    if sum[0] > 0 {
        println!("  passing: {} of {} client cases ({:.1}%)", sum[1], sum[0], 100.0 * sum[1] as f64 / sum[0] as f64);
    }
    if !unsupported_seen.is_empty() {
        println!("  skipped (conformance-unsupported.txt):");
        for key in &unsupported_seen {
            println!("    {key}: {}", unsupported[key]);
        }
    }
    if sum[0] == 0 {
        problems.push("no client case ran".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{} conformance problems:\n  {}", problems.len(), problems.join("\n  ")))
    }
}

fn smithy_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    crate::files_under(dir, &|p| p.extension().is_some_and(|e| e == "smithy"))
}

/// Every case id of the suite, by the names its generated tests get (`{snake id}_{direction}`).
fn cases_by_test_name(suite: &Path) -> Result<BTreeMap<String, Case>, String> {
    let mut files = smithy_files(suite)?;
    files.retain(|f| !f.starts_with(suite.join("validation")));
    let mut cases = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let shown = file.strip_prefix(suite).unwrap_or(&file).display().to_string();
        for chunk in text.split("id: \"").skip(1) {
            let Some(id) = chunk.split('"').next() else { continue };
            for direction in ["request", "response"] {
                let name = format!("{}_{direction}", codegen::naming::snake_case(id));
                cases.insert(name, Case { id: id.to_owned(), direction, file: shown.clone() });
            }
        }
    }
    Ok(cases)
}

/// `conformance-unsupported.txt`: `CaseId direction: reason` lines; `#` starts a comment.
fn unsupported_list(root: &Path) -> Result<BTreeMap<String, String>, String> {
    let path = root.join("xtask/conformance-unsupported.txt");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut list = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, reason) = line
            .split_once(':')
            .ok_or_else(|| format!("{}:{}: expected `CaseId request|response: reason`", path.display(), n + 1))?;
        list.insert(key.trim().to_owned(), reason.trim().to_owned());
    }
    Ok(list)
}
