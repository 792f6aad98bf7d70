//! The runtime's partition table (`runtime/smithy-runtime/src/partition_data.rs`), generated from
//! Smithy's `partitions.json`. Region patterns become data ([`RegionPattern`]'s prefixes), so
//! the runtime needs no regular-expression engine: a `regionRegex` of another shape than
//! `^<prefixes>\-\w+\-\d+$` is an error naming the partition.
//!
//! [`RegionPattern`]: smithy_runtime::partitions::RegionPattern

use std::path::Path;

use proc_macro2::TokenStream;
use quote::quote;
use serde::Deserialize;

use crate::error::{Error, Result};

/// Where the table lives in the repository, and where `partitions.json` lives in `../shared`.
pub const DATA_FILE: &str = "runtime/smithy-runtime/src/partition_data.rs";
pub const SOURCE: &str = "smithy/rules/partitions.json";

#[derive(Deserialize)]
struct File {
    partitions: Vec<Partition>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Partition {
    id: String,
    region_regex: String,
    #[serde(default)]
    regions: serde_json::Map<String, serde_json::Value>,
    outputs: Outputs,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Outputs {
    name: String,
    dns_suffix: String,
    dual_stack_dns_suffix: String,
    #[serde(rename = "supportsFIPS")]
    supports_fips: bool,
    supports_dual_stack: bool,
    implicit_global_region: String,
}

/// A region entry: its description and the outputs it replaces.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RegionEntry {
    description: Option<String>,
    name: Option<String>,
    dns_suffix: Option<String>,
    dual_stack_dns_suffix: Option<String>,
    #[serde(rename = "supportsFIPS")]
    supports_fips: Option<bool>,
    supports_dual_stack: Option<bool>,
    implicit_global_region: Option<String>,
}

impl RegionEntry {
    /// Whether the region replaces any of its partition's outputs.
    fn overrides(&self) -> bool {
        self.name.is_some()
            || self.dns_suffix.is_some()
            || self.dual_stack_dns_suffix.is_some()
            || self.supports_fips.is_some()
            || self.supports_dual_stack.is_some()
            || self.implicit_global_region.is_some()
    }
}

/// The text of `partition_data.rs` for the `partitions.json` at `path`.
pub fn data_module(path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::file(path, format!("cannot read it: {e}")))?;
    let file: File =
        serde_json::from_str(&text).map_err(|e| Error::file(path, format!("not a partitions file: {e}")))?;
    let mut partitions = Vec::new();
    let mut regions_override = false;
    for p in &file.partitions {
        let bad = |what: String| Error::file(path, format!("partition `{}`: {what}", p.id));
        let prefixes = region_prefixes(&p.region_regex).ok_or_else(|| {
            bad(format!("regionRegex `{}` is not of the form `^<prefixes>\\-\\w+\\-\\d+$`", p.region_regex))
        })?;
        let regions = p
            .regions
            .iter()
            .map(|(name, entry)| {
                let entry = RegionEntry::deserialize(entry).map_err(|e| bad(format!("region `{name}`: {e}")))?;
                regions_override |= entry.overrides();
                Ok(region(name, &entry))
            })
            .collect::<Result<Vec<_>>>()?;
        let o = &p.outputs;
        let (id, name, dns, dual, fips, dual_stack, global) = (
            &p.id,
            &o.name,
            &o.dns_suffix,
            &o.dual_stack_dns_suffix,
            o.supports_fips,
            o.supports_dual_stack,
            &o.implicit_global_region,
        );
        partitions.push(quote! {
            Partition {
                id: #id,
                region_pattern: RegionPattern { prefixes: &[#(#prefixes),*] },
                regions: &[#(#regions),*],
                outputs: PartitionOutputs {
                    name: #name,
                    dns_suffix: #dns,
                    dual_stack_dns_suffix: #dual,
                    supports_fips: #fips,
                    supports_dual_stack: #dual_stack,
                    implicit_global_region: #global,
                },
            }
        });
    }
    if !file.partitions.iter().any(|p| p.id == "aws") {
        return Err(Error::file(path, "no `aws` partition, which regions nothing claims fall back to"));
    }
    // `Overrides` only when some region replaces an output (unused imports fail clippy).
    let overrides = regions_override.then(|| quote!(Overrides,));
    let tokens = quote! {
        //! Every partition of Smithy's `partitions.json`, in the order they are tried.
        use crate::partitions::{#overrides Partition, PartitionOutputs, Region, RegionPattern};

        /// Every known partition, in the order they are tried; `aws` comes first.
        pub static PARTITIONS: &[Partition] = &[#(#partitions),*];
    };
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| Error::other(format!("generator bug: partition data: {e}")))?;
    Ok(format!("// {}\n{}", crate::render::HEADER, prettyplease::unparse(&file)))
}

fn region(name: &str, e: &RegionEntry) -> TokenStream {
    let text = |v: &Option<String>| match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let flag = |v: &Option<bool>| match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    if !e.overrides() {
        return match &e.description {
            Some(d) => quote!(Region::described(#name, #d)),
            None => quote!(Region::plain(#name)),
        };
    }
    let (description, n, dns, dual, fips, dual_stack, global) = (
        text(&e.description),
        text(&e.name),
        text(&e.dns_suffix),
        text(&e.dual_stack_dns_suffix),
        flag(&e.supports_fips),
        flag(&e.supports_dual_stack),
        text(&e.implicit_global_region),
    );
    quote! {
        Region {
            name: #name,
            description: #description,
            overrides: Overrides {
                name: #n,
                dns_suffix: #dns,
                dual_stack_dns_suffix: #dual,
                supports_fips: #fips,
                supports_dual_stack: #dual_stack,
                implicit_global_region: #global,
            },
        }
    }
}

/// The prefixes of `^<prefix>\-\w+\-\d+$`, where `<prefix>` is literal text (with `\-`
/// escapes) and groups of alternatives (`(us|eu)`): every combination, in order.
fn region_prefixes(regex: &str) -> Option<Vec<String>> {
    let prefix = regex.strip_prefix('^')?.strip_suffix(r"\-\w+\-\d+$")?;
    let mut prefixes = vec![String::new()];
    let mut rest = prefix;
    while let Some(c) = rest.chars().next() {
        let (options, len): (Vec<String>, usize) = match c {
            '\\' => {
                let escaped = rest[1..].chars().next().filter(|c| *c == '-' || *c == '.')?;
                (vec![escaped.to_string()], 2)
            }
            '(' => {
                let end = rest.find(')')?;
                let group = &rest[1..end];
                let options: Vec<String> = group.split('|').map(str::to_owned).collect();
                if options.iter().any(|o| o.is_empty() || !o.chars().all(|c| c.is_ascii_alphanumeric())) {
                    return None;
                }
                (options, end + 1)
            }
            c if c.is_ascii_alphanumeric() => (vec![c.to_string()], 1),
            _ => return None,
        };
        prefixes = prefixes.iter().flat_map(|p| options.iter().map(move |o| format!("{p}{o}"))).collect();
        rest = &rest[len..];
    }
    (!prefixes.iter().any(String::is_empty)).then_some(prefixes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(name: &str, json: &str) -> Result<String> {
        let path = std::env::temp_dir().join(format!("codegen-partitions-{}-{name}.json", std::process::id()));
        std::fs::write(&path, json).unwrap();
        let text = data_module(&path);
        std::fs::remove_file(&path).unwrap();
        text
    }

    const OUTPUTS: &str = r#""outputs": {"name": "aws", "dnsSuffix": "a.com", "dualStackDnsSuffix": "d.a.com",
        "supportsFIPS": true, "supportsDualStack": false, "implicitGlobalRegion": "us-east-1"}"#;

    #[test]
    fn tables_carry_regions_descriptions_and_overrides() {
        let json = format!(
            r#"{{"version": "1.1", "partitions": [{{"id": "aws", "regionRegex": "^(us|eu)\\-\\w+\\-\\d+$", {OUTPUTS},
                "regions": {{"us-east-1": {{"description": "US East"}}, "aws-global": {{"dnsSuffix": "global.a.com"}}, "eu-west-1": {{}}}}}}]}}"#
        );
        let text = data("ok", &json).unwrap();
        assert!(text.starts_with("// @generated"), "{text}");
        assert!(text.contains(r#"prefixes: &["us", "eu"]"#), "{text}");
        assert!(text.contains(r#"Region::described("us-east-1", "US East")"#), "{text}");
        assert!(text.contains(r#"Region::plain("eu-west-1")"#), "{text}");
        assert!(text.contains(r#"dns_suffix: Some("global.a.com")"#) && text.contains("Overrides,"), "{text}");
    }

    #[test]
    fn unsupported_patterns_and_a_missing_aws_partition_are_errors() {
        let json = format!(r#"{{"partitions": [{{"id": "aws", "regionRegex": "^[a-z]+$", {OUTPUTS}}}]}}"#);
        let error = data("regex", &json).unwrap_err().to_string();
        assert!(error.contains("partition `aws`") && error.contains("^[a-z]+$"), "{error}");
        let json = format!(r#"{{"partitions": [{{"id": "other", "regionRegex": "^o\\-\\w+\\-\\d+$", {OUTPUTS}}}]}}"#);
        assert!(data("no-aws", &json).unwrap_err().to_string().contains("no `aws` partition"));
    }

    #[test]
    fn region_regexes_become_prefixes() {
        let p = |r: &str| region_prefixes(r);
        assert_eq!(p(r"^(us|eu|ap)\-\w+\-\d+$").unwrap(), ["us", "eu", "ap"]);
        assert_eq!(p(r"^us\-gov\-\w+\-\d+$").unwrap(), ["us-gov"]);
        assert_eq!(p(r"^eusc\-(de)\-\w+\-\d+$").unwrap(), ["eusc-de"]);
        assert_eq!(p(r"^(a|b)\-(c|d)\-\w+\-\d+$").unwrap(), ["a-c", "a-d", "b-c", "b-d"]);
        for other in [r"^us\-\w+$", r"us\-\w+\-\d+$", r"^(us|)\-\w+\-\d+$", r"^u[s]\-\w+\-\d+$", r"^\-\w+\-\d+$"] {
            assert_eq!(p(other), None, "{other}");
        }
    }
}
