//! The crates this repository generates and commits: what its `smithy-build.json` asks for
//! (`model/` into `generated/`), and each fixture model that has a directory under
//! `tests/fixtures/` into that directory (so the tests can use the generated types).

use std::path::{Path, PathBuf};

use crate::Options;

/// One generated crate: what to generate and where it lives.
#[derive(Clone, Debug)]
pub struct Job {
    pub options: Options,
    pub out: PathBuf,
}

/// The build file at the root of the workspace.
pub const BUILD_FILE: &str = "smithy-build.json";

/// The AWS service clients the runtime's credential providers use, generated from the real
/// models in `shared` (`../shared/models/aws/`) into `runtime/` with only the operations they
/// call: the crate directory, the service, the model file, and the operations.
pub const RUNTIME_CLIENTS: &[(&str, &str, &str, &[&str])] = &[
    ("smithy-sso", "AWS SSO", "sso-2019-06-10.json", &["GetRoleCredentials"]),
    ("smithy-ssooidc", "AWS SSO OIDC", "sso-oidc-2019-06-10.json", &["CreateToken"]),
    ("smithy-sts", "AWS STS", "sts-2011-06-15.json", &["AssumeRole", "AssumeRoleWithWebIdentity"]),
];

/// The jobs that write [`RUNTIME_CLIENTS`] under `root/runtime/`, from the models in `shared`.
pub fn runtime_client_jobs(root: &Path, shared: &Path) -> Vec<Job> {
    RUNTIME_CLIENTS
        .iter()
        .map(|(name, service, model, operations)| Job {
            options: Options {
                models: vec![shared.join("models/aws").join(model)],
                operations: Some(operations.iter().map(|o| (*o).to_owned()).collect()),
                package: Some((*name).to_owned()),
                manifest: crate::Manifest {
                    // 0.0.0 for the reason `runtime/smithy-runtime`'s manifest gives; the copies
                    // take the generator's version.
                    version: Some("0.0.0".into()),
                    description: Some(format!(
                        "The {service} operations smithy-config's credential providers call, generated from its Smithy model."
                    )),
                    ..crate::Manifest::default()
                },
                runtime: crate::Runtime::At(format!("../{}", crate::runtime::RUNTIME_CRATE).into()),
                ..Options::default()
            },
            out: root.join("runtime").join(name),
        })
        .collect()
}

/// Every generated crate of the workspace rooted at `root`: its build file's projections first.
pub fn jobs(root: &Path) -> crate::Result<Vec<Job>> {
    let mut jobs: Vec<Job> = crate::build_file::load(&root.join(BUILD_FILE))?
        .into_iter()
        .map(|p| Job { options: p.options, out: p.out })
        .collect();
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    fixtures.sort();
    for out in fixtures {
        let name = out.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let model = root.join("codegen/tests/fixtures").join(format!("{name}.json"));
        jobs.push(Job {
            options: Options {
                models: vec![model],
                package: Some(format!("fixture-{name}")),
                roundtrip_tests: true,
                // The workspace's own runtime, not a copy per fixture.
                runtime: crate::Runtime::At("../../../runtime/smithy-runtime".into()),
                ..Options::default()
            },
            out,
        });
    }
    Ok(jobs)
}
