//! `cargo xtask`: the project's commands. Run `cargo xtask help`.

mod bench;
mod conformance;
mod docs_check;
mod fuzz;
mod idl_conformance;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::{Args, Parser, Subcommand};
use std::time::Instant;

use codegen::{Files, Options};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The project's commands.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", about = "The project's commands.")]
struct Cli {
    /// The shared data beside the project: AWS models, Smithy specs and suites, naming data.
    #[arg(long, global = true, value_name = "DIR", default_value_os_t = root().join("../shared"))]
    shared: PathBuf,
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Generate what smithy-build.json asks for (model/'s crate and the runtime crates it
    /// depends on, into generated/) and the fixture crates under tests/fixtures/ (given any
    /// option but --check: just the one crate asked for, and the runtime beside it).
    Codegen(CodegenArgs),
    /// Score snake_case naming against aws-sdk-rust's names (<shared>/naming/).
    Naming,
    /// Generate crates (with property tests) for the fixture models and the real AWS models and
    /// require `cargo clippy -D warnings` (default and all features) and `cargo doc` (all
    /// features) to pass on each without warnings, and their tests to pass.
    CheckModels,
    /// Check the IDL parser against Smithy's own loader cases: every valid case must produce the
    /// expected JSON AST, every invalid case a located error.
    IdlConformance,
    /// Run the official compliance suites of every protocol against generated clients and
    /// print a table by file and a line per suite; the cases we knowingly fail are listed,
    /// with reasons, in xtask/conformance-unsupported/<suite>.txt.
    Conformance {
        /// Run only these suites (`restXml`, `awsQuery`, ...); all of them by default.
        #[arg(long = "suite")]
        suites: Vec<String>,
    },
    /// Benchmark the generated crates against aws-sdk-iotmanagedintegrations, aws-sdk-dynamodb
    /// and aws-sdk-s3 (per call, parse, clean builds, binary size, codegen) and write
    /// BENCHMARKS.md. Needs the crates.io registry and about 30 minutes; the README's test
    /// command never runs it.
    Bench,
    /// Fuzz every response decoder (JSON, CBOR, XML, error bodies, endpoint rules) with
    /// cargo-fuzz on the nightly toolchain, from a seed corpus of the compliance suites' bodies
    /// and the AWS models' rule sets; prints each target's executions and coverage. Not part of
    /// `.ci/run`.
    Fuzz {
        /// How long each target runs.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
    },
    /// Print the JSON AST of Smithy IDL files (parsed together, as one model).
    Ast {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
struct CodegenArgs {
    /// Fail if a generated crate is not what the generator writes now.
    #[arg(long)]
    check: bool,
    /// Model file or directory (repeatable; default: model/).
    #[arg(long = "model", value_name = "PATH")]
    models: Vec<PathBuf>,
    /// The crate's directory; the runtime crates are written beside it (needed with the other
    /// options).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Service shape id or name (default: the model's only service).
    #[arg(long, value_name = "ID")]
    service: Option<String>,
    /// Operations to generate, comma-separated (default: all of the service's).
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    operations: Option<Vec<String>>,
    /// Cargo package name (default: from the service's sdkId).
    #[arg(long, value_name = "NAME")]
    package: Option<String>,
    /// Protocol to speak when the service declares several (default: the one AWS SDKs prefer).
    #[arg(long, value_name = "NAME")]
    protocol: Option<String>,
    /// Only the types: no wire code, no client (for services whose protocol the generator does
    /// not speak yet).
    #[arg(long)]
    types_only: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let shared = cli.shared;
    let result = match cli.task {
        Task::Codegen(args) => codegen_cmd(args, &shared),
        Task::Naming => naming_cmd(&shared),
        Task::CheckModels => check_models_cmd(&shared),
        Task::IdlConformance => idl_conformance::run(&shared),
        Task::Conformance { suites } => conformance::run(&root(), &shared, &suites),
        Task::Bench => bench::run(&root(), &shared),
        Task::Fuzz { seconds } => fuzz::run(&root(), &shared, seconds),
        Task::Ast { files } => ast_cmd(&files),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root, so commands work from any directory.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").to_owned()
}

fn ast_cmd(paths: &[PathBuf]) -> Result<(), String> {
    let texts = paths
        .iter()
        .map(|p| {
            std::fs::read_to_string(p).map(|t| (p.clone(), t)).map_err(|e| format!("cannot read {}: {e}", p.display()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let files: Vec<(&Path, &str)> = texts.iter().map(|(p, t)| (p.as_path(), t.as_str())).collect();
    let parsed = codegen::model::idl::parse_files(&files, &serde_json::Value::Null).map_err(|e| e.to_string())?;
    for doc in parsed {
        for warning in &doc.warnings {
            eprintln!("warning: {warning}");
        }
        println!("{}", serde_json::to_string_pretty(&doc.ast).map_err(|e| e.to_string())?);
    }
    Ok(())
}

/// Every file under `dir` (recursively, in name order) that `keep` accepts.
fn files_under(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Result<Vec<PathBuf>, String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    let mut files = Vec::new();
    for path in entries {
        if path.is_dir() {
            files.extend(files_under(&path, keep)?);
        } else if keep(&path) {
            files.push(path);
        }
    }
    Ok(files)
}

/// Makes `dir` a Cargo workspace of the generated crates `members` and the one copy of the
/// runtime crates they share (its own workspace, so the crates build apart from this one).
fn write_scratch_workspace(dir: &Path, members: &[String]) -> Result<(), String> {
    codegen::sync_runtime(dir, false).map_err(|e| e.to_string())?;
    let list: Vec<String> = members
        .iter()
        .map(|m| format!("\"{m}\""))
        .chain(codegen::runtime::crate_names().map(|m| format!("\"{m}\"")))
        .collect();
    let manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", list.join(", "));
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| format!("cannot write {}: {e}", dir.display()))
}

fn codegen_cmd(args: CodegenArgs, shared: &Path) -> Result<(), String> {
    let root = root();
    let CodegenArgs { check, mut models, out, service, operations, package, protocol, types_only } = args;
    let default_job = models.is_empty()
        && out.is_none()
        && service.is_none()
        && operations.is_none()
        && package.is_none()
        && protocol.is_none()
        && !types_only;
    let mut stale = Vec::new();
    if default_job && partition_data(&root, shared, check, &mut stale)? {
        return rerun_with_new_runtime(&root, shared);
    }
    if default_job && runtime_clients(&root, shared, check, &mut stale)? {
        return rerun_with_new_runtime(&root, shared);
    }
    let mut options = Options { service, operations, package, protocol, types_only, ..Options::default() };
    let jobs = if default_job {
        codegen::workspace::jobs(&root).map_err(|e| e.to_string())?
    } else {
        if models.is_empty() {
            models.push(root.join("model"));
        }
        options.models = codegen::model::files(&models).map_err(|e| e.to_string())?;
        let out =
            out.ok_or("--out DIR is needed for a one-off run: the crate's directory (the runtime goes beside it)")?;
        vec![codegen::workspace::Job { options, out }]
    };

    for job in &jobs {
        let started = Instant::now();
        let synced = codegen::sync(&job.options, &job.out, check).map_err(|e| e.to_string())?;
        let elapsed = started.elapsed();
        for warning in &synced.warnings {
            eprintln!("warning: {warning}");
        }
        let shown = job.out.strip_prefix(&root).unwrap_or(&job.out).display().to_string();
        stale.extend(synced.stale.iter().map(|p| format!("  {shown}/{}", p.display())));
        if check {
            let state = if synced.stale.is_empty() { "up to date" } else { "STALE" };
            println!("{shown}: {state} ({} files)", synced.files);
        } else {
            println!("wrote {} files to {shown} (in {elapsed:.1?})", synced.files);
        }
    }
    for folder in codegen::runtime_folders(jobs.iter().map(|j| (&j.options, j.out.as_path()))) {
        let synced = codegen::sync_runtime(&folder, check).map_err(|e| e.to_string())?;
        let shown = folder.strip_prefix(&root).unwrap_or(&folder).display().to_string();
        stale.extend(synced.stale.iter().map(|p| format!("  {shown}/{}", p.display())));
        if check {
            let state = if synced.stale.is_empty() { "up to date" } else { "STALE" };
            println!("{shown}: runtime crates {state} ({} files)", synced.files);
        } else {
            println!("wrote the runtime crates ({} files) to {shown}", synced.files);
        }
    }
    if !stale.is_empty() {
        return Err(format!(
            "generated code is stale ({} files differ):\n{}\nrun `cargo xtask codegen` and commit",
            stale.len(),
            stale.join("\n")
        ));
    }
    Ok(())
}

/// The runtime's partition table, from `<shared>/smithy/rules/partitions.json`: checked with
/// `--check` (which then needs `../shared`), else rewritten when it is there. Whether it was
/// rewritten.
fn partition_data(root: &Path, shared: &Path, check: bool, stale: &mut Vec<String>) -> Result<bool, String> {
    let source = shared.join(codegen::partitions::SOURCE);
    let target = root.join(codegen::partitions::DATA_FILE);
    if !source.is_file() {
        let missing =
            format!("{} is missing (../shared must sit beside the project, or pass --shared DIR)", source.display());
        if check {
            return Err(format!("cannot check {}: {missing}", codegen::partitions::DATA_FILE));
        }
        eprintln!("warning: {} not refreshed: {missing}", codegen::partitions::DATA_FILE);
        return Ok(false);
    }
    let text = codegen::partitions::data_module(&source).map_err(|e| e.to_string())?;
    let current = std::fs::read_to_string(&target).unwrap_or_default();
    let shown = codegen::partitions::DATA_FILE;
    if check {
        let state = if current == text { "up to date" } else { "STALE" };
        println!("{shown}: {state}");
        if current != text {
            stale.push(format!("  {shown}"));
        }
    } else if current != text {
        let temporary = target.with_extension("rs.new");
        std::fs::write(&temporary, &text).map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
        std::fs::rename(&temporary, &target).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        println!("wrote {shown}");
        return Ok(true);
    }
    Ok(false)
}

/// The service clients in `runtime/` the credential providers use (STS, SSO, SSO OIDC), from
/// `<shared>/models/aws/`: checked with `--check`, else rewritten. Whether any file changed.
fn runtime_clients(root: &Path, shared: &Path, check: bool, stale: &mut Vec<String>) -> Result<bool, String> {
    let mut changed = false;
    for job in codegen::workspace::runtime_client_jobs(root, shared) {
        if let Some(model) = job.options.models.iter().find(|m| !m.is_file()) {
            let missing =
                format!("{} is missing (../shared must sit beside the project, or pass --shared DIR)", model.display());
            let shown = job.out.strip_prefix(root).unwrap_or(&job.out).display().to_string();
            if check {
                return Err(format!("cannot check {shown}: {missing}"));
            }
            eprintln!("warning: {shown} not refreshed: {missing}");
            continue;
        }
        // Checked first either way: only a change needs the rebuild.
        let synced = codegen::sync(&job.options, &job.out, true).map_err(|e| e.to_string())?;
        let shown = job.out.strip_prefix(root).unwrap_or(&job.out).display().to_string();
        for warning in &synced.warnings {
            eprintln!("warning: {warning}");
        }
        if check {
            let state = if synced.stale.is_empty() { "up to date" } else { "STALE" };
            println!("{shown}: {state} ({} files)", synced.files);
            stale.extend(synced.stale.iter().map(|p| format!("  {shown}/{}", p.display())));
        } else if !synced.stale.is_empty() {
            codegen::sync(&job.options, &job.out, false).map_err(|e| e.to_string())?;
            println!("wrote {} files to {shown}", synced.files);
            changed = true;
        }
    }
    Ok(changed)
}

/// Set while `cargo xtask codegen` reruns itself after rewriting part of `runtime/`.
const RUNTIME_REWRITTEN: &str = "XTASK_RUNTIME_REWRITTEN";

/// The crates copy the runtime this binary was built with, so after a new partition table or
/// new runtime clients the command runs again through cargo, which rebuilds the generator with
/// them.
fn rerun_with_new_runtime(root: &Path, shared: &Path) -> Result<(), String> {
    if std::env::var_os(RUNTIME_REWRITTEN).is_some() {
        return Err("generator bug: runtime/ changed again after the rebuild".into());
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["run", "--quiet", "--package", "xtask", "--", "codegen", "--shared"])
        .arg(shared)
        .env(RUNTIME_REWRITTEN, "1")
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("the rerun with the new runtime failed".into())
    }
}

fn naming_cmd(shared: &Path) -> Result<(), String> {
    let csv = shared.join("naming/snake_case_expected.csv");
    let text = std::fs::read_to_string(&csv).map_err(|e| {
        format!(
            "cannot read the naming data {} ({e}); it lives in ../shared beside the project (or pass --shared DIR)",
            csv.display()
        )
    })?;
    let mut total = 0;
    let mut wrong = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        let (input, expected) =
            line.split_once(',').ok_or_else(|| format!("{}:{}: expected `Input,expected`", csv.display(), n + 1))?;
        total += 1;
        let actual = codegen::naming::snake_case(input);
        if actual != expected {
            wrong.push(format!("  {input}: expected {expected}, got {actual}"));
        }
    }
    println!("naming: {} of {total} names match aws-sdk-rust's snake_case", total - wrong.len());
    if wrong.is_empty() {
        Ok(())
    } else {
        wrong.truncate(50);
        Err(format!("mismatches (first 50):\n{}", wrong.join("\n")))
    }
}

/// `model/` must give GetOtaTask the same public API as the real AWS model: the two crates must
/// be identical once documentation and the tests generated from our own test cases are set aside.
fn check_api_parity(root: &Path, shared: &Path) -> Result<(), String> {
    let real = shared.join("models/aws/iot-managed-integrations-2025-03-03.json");
    let ours = Options { models: vec![root.join("model/iotmanagedintegrations.json")], ..Options::default() };
    let theirs = Options { models: vec![real], operations: Some(vec!["GetOtaTask".to_owned()]), ..Options::default() };
    let ours = codegen::generate(&ours).map_err(|e| e.to_string())?;
    let theirs = codegen::generate(&theirs).map_err(|e| e.to_string())?;
    let without_docs = |files: &Files| -> Vec<(PathBuf, Vec<String>)> {
        // Tests come from each model's own cases; the rule set's text is data (its parameters,
        // which are API, stay in the comparison).
        let test_only = ["src/protocol_tests.rs", "src/protocol_test_util.rs", "src/endpoint_tests.rs"];
        files
            .iter()
            .filter(|(path, _)| !test_only.iter().any(|t| path.as_path() == Path::new(t)))
            .map(|(path, text)| {
                // The tests' runtime features are not API either.
                let text = match text.split_once("\n[dev-dependencies]\n") {
                    Some((api, _)) if path.as_path() == Path::new("Cargo.toml") => api,
                    _ => text.as_str(),
                };
                let mut lines = Vec::new();
                let mut skip_next = false;
                for line in text.lines() {
                    let l = line.trim_start();
                    // A `#[cfg(test)]` item: its further attributes, then the item line.
                    if skip_next {
                        skip_next = l.starts_with("#[");
                        continue;
                    }
                    if l.starts_with("#[cfg(test)]") {
                        skip_next = true;
                        continue;
                    }
                    let data = l.starts_with("const RULES: &str");
                    if !(data || l.starts_with("///") || l.starts_with("//!") || l.starts_with("#![doc")) {
                        lines.push(line.to_owned());
                    }
                }
                (path.clone(), lines)
            })
            .collect()
    };
    let (ours, theirs) = (without_docs(&ours), without_docs(&theirs));
    if ours != theirs {
        let differing: Vec<String> = ours
            .iter()
            .filter(|file| !theirs.contains(file))
            .chain(theirs.iter().filter(|file| !ours.contains(file)))
            .map(|(path, _)| path.display().to_string())
            .collect();
        return Err(format!(
            "model/ and the real AWS model give GetOtaTask different APIs ({} vs {} files; differing: {})",
            ours.len(),
            theirs.len(),
            differing.join(", ")
        ));
    }
    println!("GetOtaTask from model/ and from the real AWS model: same API ({} files, docs aside)", ours.len());
    Ok(())
}

/// A model to generate and compile: its files and the package name to give it.
struct Case {
    name: String,
    models: Vec<PathBuf>,
    /// A protocol other than the one the service prefers, when it declares several.
    protocol: Option<&'static str>,
}

/// Models generated again with other protocols they declare, so each compiles: CloudWatch
/// prefers rpcv2Cbor and also speaks awsJson1_0 and awsQuery.
const OTHER_PROTOCOLS: &[(&str, &str)] =
    &[("cloudwatch-2010-08-01", "awsJson1_0"), ("cloudwatch-2010-08-01", "awsQuery")];

fn check_models_cmd(shared: &Path) -> Result<(), String> {
    let root = root();
    let aws = shared.join("models/aws");
    if !aws.is_dir() {
        return Err(format!(
            "the real AWS models are missing: {} does not exist (../shared must sit beside the project)",
            aws.display()
        ));
    }
    let mut cases = Vec::new();
    for dir in [root.join("codegen/tests/fixtures"), aws] {
        for file in codegen::model::files(&[dir]).map_err(|e| e.to_string())? {
            let stem = file.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            for (model, protocol) in OTHER_PROTOCOLS.iter().filter(|(m, _)| *m == stem) {
                let name = format!("{model}-{protocol}");
                cases.push(Case { name, models: vec![file.clone()], protocol: Some(protocol) });
            }
            cases.push(Case { name: stem, models: vec![file], protocol: None });
        }
    }

    check_api_parity(&root, shared)?;
    let model_paths: Vec<&Path> = cases.iter().flat_map(|c| c.models.iter().map(PathBuf::as_path)).collect();
    let docs = docs_check::check(&model_paths)?;
    println!(
        "docs: {} of {} documentation values keep their text in our Markdown",
        docs.total - docs.differing.len(),
        docs.total
    );
    if !docs.differing.is_empty() {
        let first: Vec<&str> = docs.differing.iter().take(10).map(String::as_str).collect();
        return Err(format!("rendered docs lose or change the model's text (first 10):\n{}", first.join("\n")));
    }

    // One scratch workspace holding every crate, so they share one build of nothing but themselves.
    let work = root.join("target/check-models");
    let mut members = Vec::new();
    for case in &cases {
        let package =
            format!("check-{}", case.name.to_ascii_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
        let protocol = case.protocol.map(str::to_owned);
        let models = Options { models: case.models.clone(), protocol: protocol.clone(), ..Options::default() };
        let types_only = !codegen::speaks_protocol(&models).map_err(|e| format!("{}: {e}", case.name))?;
        let options = Options {
            models: case.models.clone(),
            package: Some(package.clone()),
            protocol,
            roundtrip_tests: true,
            types_only,
            ..Options::default()
        };
        let started = Instant::now();
        let generated = codegen::generate_crate(&options).map_err(|e| format!("{}: {e}", case.name))?;
        let elapsed = started.elapsed();
        for warning in &generated.warnings {
            println!("  warning: {warning}");
        }
        let files = generated.files;
        codegen::write_atomically(&work.join(&package), &files).map_err(|e| e.to_string())?;
        let what = if types_only { " (types only)" } else { "" };
        println!("generated {:<40} {:>4} files in {:>8.1?}{what}", case.name, files.len(), elapsed);
        members.push(package);
    }
    write_scratch_workspace(&work, &members)?;

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Whether cargo succeeded with `args` in the scratch workspace.
    let cargo_ok = |args: &[&str], env: &[(&str, &str)]| -> Result<bool, String> {
        let status = Command::new(&cargo)
            .args(args)
            .current_dir(&work)
            .envs(env.iter().copied())
            .env("CARGO_TARGET_DIR", work.join("target"))
            // One-shot builds: incremental state would only cost disk (gigabytes here) and time.
            .env("CARGO_INCREMENTAL", "0")
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        Ok(status.success())
    };
    let report = |what: &str, ok: bool, started: Instant| -> Result<(), String> {
        println!("{what}: {} in {:.1?}", if ok { "ok" } else { "FAILED" }, started.elapsed());
        if ok {
            Ok(())
        } else {
            Err(format!("{what} failed for the generated crates in {}", work.display()))
        }
    };
    let run = |what: &str, args: &[&str], env: &[(&str, &str)]| -> Result<(), String> {
        let started = Instant::now();
        report(what, cargo_ok(args, env)?, started)
    };
    // Sans-IO (default features) and with the client layer, which only restJson1 crates have.
    run(
        "cargo clippy -D warnings (default features)",
        &["clippy", "--quiet", "--workspace", "--all-targets", "--", "-D", "warnings"],
        &[],
    )?;
    let all = ["clippy", "--quiet", "--workspace", "--all-targets", "--all-features", "--", "-D", "warnings"];
    run("cargo clippy -D warnings (all features)", &all, &[])?;
    // One crate at a time, its output removed after it: rustdoc merges every documented crate's
    // implementors of std's traits (`Clone`, `Debug`, `Send`, ...) into shared files that it
    // rewrites for each crate, so one `cargo doc --workspace` over these crates spends most of
    // its time rewriting them (788 s to 1044 s in three runs here, against 129 s one crate at a
    // time).
    let started = Instant::now();
    let output = work.join("target/doc");
    let mut documented = true;
    for member in &members {
        let doc = ["doc", "--quiet", "--no-deps", "--all-features", "-p", member.as_str()];
        documented = cargo_ok(&doc, &[("RUSTDOCFLAGS", "-D warnings")])?;
        if !documented {
            break;
        }
        std::fs::remove_dir_all(&output).map_err(|e| format!("cannot remove {}: {e}", output.display()))?;
    }
    report("cargo doc (all features, warnings denied, one crate at a time)", documented, started)?;
    run("cargo test (generated protocol and property tests)", &["test", "--quiet", "--workspace"], &[])?;
    println!(
        "check-models: {} crates generate, pass clippy and rustdoc without warnings, and pass their tests",
        cases.len()
    );
    Ok(())
}
