//! AWS partition metadata for the `aws.partition` rules-engine function.
//!
//! The facts of the Smithy `partitions.json` file (partition ids, region patterns, known
//! regions and the per-partition outputs) are static data in `partition_data.rs`, which
//! `cargo xtask codegen` generates from that file, so resolving a region needs no files or
//! parsing. [`resolve`] picks the partition for a region: an exact region entry first, then
//! the first partition whose region pattern matches, and finally the `aws` partition.

pub use crate::partition_data::PARTITIONS;

/// The values a partition exposes to rule sets (the `Partition` structure).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartitionOutputs {
    /// The partition's name, such as `aws` or `aws-cn`.
    pub name: &'static str,
    /// The default DNS suffix, such as `amazonaws.com`.
    pub dns_suffix: &'static str,
    /// The DNS suffix of dual-stack (IPv4 and IPv6) endpoints.
    pub dual_stack_dns_suffix: &'static str,
    /// Whether the partition offers FIPS endpoints.
    pub supports_fips: bool,
    /// Whether the partition offers dual-stack endpoints.
    pub supports_dual_stack: bool,
    /// The region global (non-regional) services sign requests for.
    pub implicit_global_region: &'static str,
}

/// Output values that one region replaces; `None` keeps the partition's value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Replaces [`PartitionOutputs::name`].
    pub name: Option<&'static str>,
    /// Replaces [`PartitionOutputs::dns_suffix`].
    pub dns_suffix: Option<&'static str>,
    /// Replaces [`PartitionOutputs::dual_stack_dns_suffix`].
    pub dual_stack_dns_suffix: Option<&'static str>,
    /// Replaces [`PartitionOutputs::supports_fips`].
    pub supports_fips: Option<bool>,
    /// Replaces [`PartitionOutputs::supports_dual_stack`].
    pub supports_dual_stack: Option<bool>,
    /// Replaces [`PartitionOutputs::implicit_global_region`].
    pub implicit_global_region: Option<&'static str>,
}

impl Overrides {
    /// No replaced values.
    pub const NONE: Overrides = Overrides {
        name: None,
        dns_suffix: None,
        dual_stack_dns_suffix: None,
        supports_fips: None,
        supports_dual_stack: None,
        implicit_global_region: None,
    };

    /// `outputs` with this region's replacements applied.
    pub fn apply(&self, outputs: PartitionOutputs) -> PartitionOutputs {
        PartitionOutputs {
            name: self.name.unwrap_or(outputs.name),
            dns_suffix: self.dns_suffix.unwrap_or(outputs.dns_suffix),
            dual_stack_dns_suffix: self.dual_stack_dns_suffix.unwrap_or(outputs.dual_stack_dns_suffix),
            supports_fips: self.supports_fips.unwrap_or(outputs.supports_fips),
            supports_dual_stack: self.supports_dual_stack.unwrap_or(outputs.supports_dual_stack),
            implicit_global_region: self.implicit_global_region.unwrap_or(outputs.implicit_global_region),
        }
    }
}

/// A region a partition lists explicitly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// The region name, such as `us-east-1` or `aws-global`.
    pub name: &'static str,
    /// A human-readable description, when the data has one.
    pub description: Option<&'static str>,
    /// Outputs this region replaces.
    pub overrides: Overrides,
}

impl Region {
    /// A region without description or overrides.
    pub const fn plain(name: &'static str) -> Self {
        Region { name, description: None, overrides: Overrides::NONE }
    }

    /// A region with a description and no overrides.
    pub const fn described(name: &'static str, description: &'static str) -> Self {
        Region { name, description: Some(description), overrides: Overrides::NONE }
    }
}

/// One partition: its id, how its region names look, and its outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partition {
    /// The partition id, such as `aws-us-gov`.
    pub id: &'static str,
    /// The partition's region names.
    pub region_pattern: RegionPattern,
    /// Regions the partition lists explicitly.
    pub regions: &'static [Region],
    /// The partition's outputs.
    pub outputs: PartitionOutputs,
}

/// The id of the partition used for regions no other partition claims.
pub const DEFAULT_PARTITION: &str = "aws";

/// Finds the partition for `region` and returns its outputs, with any
/// overrides of an exactly matching region entry applied.
///
/// Exact region entries win over region patterns; a region nothing matches
/// belongs to the [`DEFAULT_PARTITION`].
pub fn resolve(region: &str) -> PartitionOutputs {
    resolve_in(PARTITIONS, region).unwrap_or(PARTITIONS[0].outputs)
}

/// [`resolve`] over any partition table. `None` only when no partition matches
/// and the table has no [`DEFAULT_PARTITION`].
pub fn resolve_in(partitions: &[Partition], region: &str) -> Option<PartitionOutputs> {
    for partition in partitions {
        if let Some(entry) = partition.regions.iter().find(|entry| entry.name == region) {
            return Some(entry.overrides.apply(partition.outputs));
        }
    }
    partitions
        .iter()
        .find(|partition| partition.region_pattern.matches(region))
        .or_else(|| partitions.iter().find(|partition| partition.id == DEFAULT_PARTITION))
        .map(|partition| partition.outputs)
}

/// A partition's region names as data: one of `prefixes`, then `-`, a word (ASCII letters,
/// digits, `_`), `-` and digits. That is the one shape every `regionRegex` of
/// `partitions.json` has (`^(us|eu|ap|..)\-\w+\-\d+$`); the generator refuses any other, so
/// no regular-expression engine is needed at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegionPattern {
    /// What region names start with (`us`, `us-gov`, `eusc-de`).
    pub prefixes: &'static [&'static str],
}

impl RegionPattern {
    /// Whether `region` is `{prefix}-{word}-{digits}` for one of the prefixes.
    pub fn matches(&self, region: &str) -> bool {
        self.prefixes.iter().any(|prefix| {
            let Some(rest) = region.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) else { return false };
            let Some((word, number)) = rest.split_once('-') else { return false };
            let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
            !word.is_empty()
                && word.bytes().all(is_word)
                && !number.is_empty()
                && number.bytes().all(|c| c.is_ascii_digit())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_regions_and_patterns() {
        assert_eq!(resolve("us-east-1").name, "aws");
        assert_eq!(resolve("aws-global").name, "aws");
        assert_eq!(resolve("us-gov-west-1").name, "aws-us-gov");
        assert_eq!(resolve("aws-us-gov-global").name, "aws-us-gov");
        assert_eq!(resolve("cn-north-1").dns_suffix, "amazonaws.com.cn");
        // Matched by pattern only.
        assert_eq!(resolve("us-west-9").name, "aws");
        assert_eq!(resolve("us-gov-south-7").name, "aws-us-gov");
        assert_eq!(resolve("us-isob-west-3").name, "aws-iso-b");
        assert_eq!(resolve("eu-isoe-west-1").name, "aws-iso-e");
        assert_eq!(resolve("eusc-de-west-2").name, "aws-eusc");
        assert_eq!(resolve("eusc-fr-west-2").name, "aws");
        // Unknown regions fall back to `aws`.
        assert_eq!(resolve("mars-east-1").name, "aws");
        assert_eq!(resolve("").name, "aws");
        let aws = resolve("us-east-1");
        assert_eq!(aws.dual_stack_dns_suffix, "api.aws");
        assert!(aws.supports_fips && aws.supports_dual_stack);
        assert_eq!(aws.implicit_global_region, "us-east-1");
    }

    #[test]
    fn overrides_apply() {
        static TABLE: &[Partition] = &[Partition {
            id: "p",
            region_pattern: RegionPattern { prefixes: &["p"] },
            regions: &[Region {
                name: "special",
                description: None,
                overrides: Overrides { dns_suffix: Some("example.net"), supports_fips: Some(false), ..Overrides::NONE },
            }],
            outputs: PartitionOutputs {
                name: "p",
                dns_suffix: "example.com",
                dual_stack_dns_suffix: "dual.example.com",
                supports_fips: true,
                supports_dual_stack: true,
                implicit_global_region: "p-1",
            },
        }];
        let special = resolve_in(TABLE, "special").unwrap();
        assert_eq!(special.dns_suffix, "example.net");
        assert!(!special.supports_fips);
        assert_eq!(resolve_in(TABLE, "p-east-2").unwrap().dns_suffix, "example.com");
        assert_eq!(resolve_in(TABLE, "q-east-2"), None);
    }

    #[test]
    fn region_patterns_match_prefix_word_and_number() {
        let aws = RegionPattern { prefixes: &["us", "eu", "mx"] };
        assert!(aws.matches("us-east-1"));
        assert!(aws.matches("mx-central-12"));
        assert!(aws.matches("eu-the_word-0"));
        for not in
            ["us-east-", "xx-east-1", "us-east-1a", " us-east-1", "us--1", "us-east", "useast-1", "us-ea.st-1", ""]
        {
            assert!(!aws.matches(not), "{not}");
        }
        let eusc = RegionPattern { prefixes: &["eusc-de"] };
        assert!(eusc.matches("eusc-de-east-1"));
        assert!(!eusc.matches("eusc-fr-east-1"));
    }
}
