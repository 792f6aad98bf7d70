//! AWS partition metadata for the `aws.partition` rules-engine function.
//!
//! The tables below carry the facts of the Smithy `partitions.json` file
//! (partition ids, region patterns, known regions and the per-partition
//! outputs) as static data, so resolving a region needs no files or parsing.
//! [`resolve`] picks the partition for a region: an exact region entry first,
//! then the first partition whose region pattern matches, and finally the
//! `aws` partition.

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
    /// A regular expression matching the partition's region names.
    pub region_regex: &'static str,
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
        .find(|partition| regex_matches(partition.region_regex, region))
        .or_else(|| partitions.iter().find(|partition| partition.id == DEFAULT_PARTITION))
        .map(|partition| partition.outputs)
}

// ---------------------------------------------------------------------------
// A tiny regular-expression matcher
// ---------------------------------------------------------------------------

/// Inputs longer than this never match (keeps the backtracking shallow).
const MAX_REGEX_INPUT: usize = 1024;

/// Whether `pattern` matches somewhere in `input` (use `^`/`$` to anchor).
///
/// Supports the subset of regular-expression syntax region patterns use:
/// literal characters, `\`-escapes (`\d`, `\w`, `\s` and their negations, and
/// escaped punctuation), `.`, character classes such as `[a-z0-9-]` or
/// `[^.]`, groups with `|` alternation, the quantifiers `*`, `+`, `?` and
/// `{m}`, `{m,}`, `{m,n}`, and the anchors `^` and `$`. A pattern outside that
/// subset, or an input longer than 1024 characters, never matches.
pub fn regex_matches(pattern: &str, input: &str) -> bool {
    let Some(alternatives) = RegexParser::new(pattern).parse() else {
        return false;
    };
    let chars: Vec<char> = input.chars().collect();
    if chars.len() > MAX_REGEX_INPUT {
        return false;
    }
    let node = Node::Group(alternatives);
    (0..=chars.len()).any(|start| match_node(&node, &chars, start, &mut |_| true))
}

#[derive(Debug)]
enum Node {
    Char(char),
    Any,
    Class { items: Vec<ClassItem>, negated: bool },
    Group(Vec<Vec<Piece>>),
    Start,
    End,
}

#[derive(Debug)]
enum ClassItem {
    Range(char, char),
    Digit(bool),
    Word(bool),
    Space(bool),
}

impl ClassItem {
    fn matches(&self, c: char) -> bool {
        match *self {
            ClassItem::Range(low, high) => (low..=high).contains(&c),
            ClassItem::Digit(positive) => c.is_ascii_digit() == positive,
            ClassItem::Word(positive) => (c.is_ascii_alphanumeric() || c == '_') == positive,
            ClassItem::Space(positive) => c.is_whitespace() == positive,
        }
    }
}

#[derive(Debug)]
struct Piece {
    node: Node,
    min: usize,
    max: Option<usize>,
}

struct RegexParser {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

impl RegexParser {
    fn new(pattern: &str) -> Self {
        RegexParser { chars: pattern.chars().collect(), pos: 0, depth: 0 }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn parse(mut self) -> Option<Vec<Vec<Piece>>> {
        let alternatives = self.alternatives()?;
        (self.pos == self.chars.len()).then_some(alternatives)
    }

    fn alternatives(&mut self) -> Option<Vec<Vec<Piece>>> {
        self.depth += 1;
        if self.depth > 32 {
            return None;
        }
        let mut alternatives = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.pos += 1;
            alternatives.push(self.sequence()?);
        }
        self.depth -= 1;
        Some(alternatives)
    }

    fn sequence(&mut self) -> Option<Vec<Piece>> {
        let mut pieces = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let node = self.atom()?;
            let (min, max) = self.quantifier()?;
            if matches!(node, Node::Start | Node::End) && (min, max) != (1, Some(1)) {
                return None;
            }
            pieces.push(Piece { node, min, max });
        }
        Some(pieces)
    }

    fn atom(&mut self) -> Option<Node> {
        Some(match self.next()? {
            '^' => Node::Start,
            '$' => Node::End,
            '.' => Node::Any,
            '(' => {
                if self.peek() == Some('?') {
                    // Only non-capturing groups `(?:...)` are understood.
                    self.pos += 1;
                    if self.next()? != ':' {
                        return None;
                    }
                }
                let alternatives = self.alternatives()?;
                if self.next()? != ')' {
                    return None;
                }
                Node::Group(alternatives)
            }
            '[' => self.class()?,
            '\\' => match self.escape()? {
                ClassItem::Range(low, _) => Node::Char(low),
                item => Node::Class { items: vec![item], negated: false },
            },
            '*' | '+' | '?' | '{' | ')' | ']' => return None,
            c => Node::Char(c),
        })
    }

    /// The item after a backslash: a shorthand class or a literal character.
    fn escape(&mut self) -> Option<ClassItem> {
        Some(match self.next()? {
            'd' => ClassItem::Digit(true),
            'D' => ClassItem::Digit(false),
            'w' => ClassItem::Word(true),
            'W' => ClassItem::Word(false),
            's' => ClassItem::Space(true),
            'S' => ClassItem::Space(false),
            'n' => ClassItem::Range('\n', '\n'),
            't' => ClassItem::Range('\t', '\t'),
            'r' => ClassItem::Range('\r', '\r'),
            c if c.is_ascii_alphanumeric() => return None,
            c => ClassItem::Range(c, c),
        })
    }

    fn class(&mut self) -> Option<Node> {
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let c = self.next()?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let item = if c == '\\' { self.escape()? } else { ClassItem::Range(c, c) };
            // A range such as `a-z`; a `-` before `]` is a literal.
            if let ClassItem::Range(low, _) = item {
                if self.peek() == Some('-') && self.chars.get(self.pos + 1) != Some(&']') {
                    self.pos += 1;
                    let high = match self.next()? {
                        '\\' => match self.escape()? {
                            ClassItem::Range(high, _) => high,
                            _ => return None,
                        },
                        high => high,
                    };
                    if high < low {
                        return None;
                    }
                    items.push(ClassItem::Range(low, high));
                    continue;
                }
            }
            items.push(item);
        }
        Some(Node::Class { items, negated })
    }

    fn quantifier(&mut self) -> Option<(usize, Option<usize>)> {
        Some(match self.peek() {
            Some('*') => {
                self.pos += 1;
                (0, None)
            }
            Some('+') => {
                self.pos += 1;
                (1, None)
            }
            Some('?') => {
                self.pos += 1;
                (0, Some(1))
            }
            Some('{') => {
                self.pos += 1;
                let min = self.number()?;
                let max = if self.peek() == Some(',') {
                    self.pos += 1;
                    if self.peek() == Some('}') {
                        None
                    } else {
                        Some(self.number()?)
                    }
                } else {
                    Some(min)
                };
                if self.next()? != '}' || max.is_some_and(|max| max < min) {
                    return None;
                }
                (min, max)
            }
            _ => (1, Some(1)),
        })
    }

    fn number(&mut self) -> Option<usize> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) && self.pos - start < 4 {
            self.pos += 1;
        }
        let digits: String = self.chars.get(start..self.pos)?.iter().collect();
        digits.parse().ok()
    }
}

/// Matches `node` at `pos`, calling `next` with each possible end position
/// (longest first) until it accepts one.
fn match_node(node: &Node, input: &[char], pos: usize, next: &mut dyn FnMut(usize) -> bool) -> bool {
    match node {
        Node::Char(expected) => input.get(pos) == Some(expected) && next(pos + 1),
        Node::Any => input.get(pos).is_some_and(|c| *c != '\n') && next(pos + 1),
        Node::Class { items, negated } => {
            input.get(pos).is_some_and(|c| items.iter().any(|item| item.matches(*c)) != *negated) && next(pos + 1)
        }
        Node::Start => pos == 0 && next(pos),
        Node::End => pos == input.len() && next(pos),
        Node::Group(alternatives) => alternatives.iter().any(|sequence| match_sequence(sequence, input, pos, next)),
    }
}

fn match_sequence(pieces: &[Piece], input: &[char], pos: usize, next: &mut dyn FnMut(usize) -> bool) -> bool {
    match pieces.split_first() {
        None => next(pos),
        Some((piece, rest)) => match_repeat(piece, 0, rest, input, pos, next),
    }
}

/// Matches `piece` (already matched `count` times) greedily, then `rest`.
fn match_repeat(
    piece: &Piece,
    count: usize,
    rest: &[Piece],
    input: &[char],
    pos: usize,
    next: &mut dyn FnMut(usize) -> bool,
) -> bool {
    if piece.max.map_or(true, |max| count < max) {
        let more = match_node(&piece.node, input, pos, &mut |end| {
            // Repeating an empty match cannot make progress.
            (end > pos || count < piece.min) && match_repeat(piece, count + 1, rest, input, end, next)
        });
        if more {
            return true;
        }
    }
    count >= piece.min && match_sequence(rest, input, pos, next)
}

// ---------------------------------------------------------------------------
// Partition data
// ---------------------------------------------------------------------------

/// Every known partition, in the order they are tried; `aws` comes first.
pub static PARTITIONS: &[Partition] = &[
    Partition {
        id: "aws",
        region_regex: r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
        regions: &[
            Region::plain("af-south-1"),
            Region::plain("ap-east-1"),
            Region::plain("ap-east-2"),
            Region::plain("ap-northeast-1"),
            Region::plain("ap-northeast-2"),
            Region::plain("ap-northeast-3"),
            Region::plain("ap-south-1"),
            Region::plain("ap-south-2"),
            Region::plain("ap-southeast-1"),
            Region::plain("ap-southeast-2"),
            Region::plain("ap-southeast-3"),
            Region::plain("ap-southeast-4"),
            Region::plain("ap-southeast-5"),
            Region::plain("ap-southeast-6"),
            Region::plain("ap-southeast-7"),
            Region::plain("ca-central-1"),
            Region::plain("ca-west-1"),
            Region::plain("eu-central-1"),
            Region::plain("eu-central-2"),
            Region::plain("eu-north-1"),
            Region::plain("eu-south-1"),
            Region::plain("eu-south-2"),
            Region::plain("eu-west-1"),
            Region::plain("eu-west-2"),
            Region::plain("eu-west-3"),
            Region::plain("il-central-1"),
            Region::plain("me-central-1"),
            Region::plain("me-south-1"),
            Region::plain("mx-central-1"),
            Region::plain("sa-east-1"),
            Region::plain("us-east-1"),
            Region::plain("us-east-2"),
            Region::plain("us-west-1"),
            Region::plain("us-west-2"),
            Region::plain("aws-global"),
        ],
        outputs: PartitionOutputs {
            name: "aws",
            dns_suffix: "amazonaws.com",
            dual_stack_dns_suffix: "api.aws",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "us-east-1",
        },
    },
    Partition {
        id: "aws-us-gov",
        region_regex: r"^us\-gov\-\w+\-\d+$",
        regions: &[Region::plain("us-gov-west-1"), Region::plain("us-gov-east-1"), Region::plain("aws-us-gov-global")],
        outputs: PartitionOutputs {
            name: "aws-us-gov",
            dns_suffix: "amazonaws.com",
            dual_stack_dns_suffix: "api.aws",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "us-gov-west-1",
        },
    },
    Partition {
        id: "aws-cn",
        region_regex: r"^cn\-\w+\-\d+$",
        regions: &[Region::plain("cn-north-1"), Region::plain("cn-northwest-1"), Region::plain("aws-cn-global")],
        outputs: PartitionOutputs {
            name: "aws-cn",
            dns_suffix: "amazonaws.com.cn",
            dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "cn-northwest-1",
        },
    },
    Partition {
        id: "aws-iso",
        region_regex: r"^us\-iso\-\w+\-\d+$",
        regions: &[Region::plain("us-iso-east-1"), Region::plain("us-iso-west-1"), Region::plain("aws-iso-global")],
        outputs: PartitionOutputs {
            name: "aws-iso",
            dns_suffix: "c2s.ic.gov",
            dual_stack_dns_suffix: "api.aws.ic.gov",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "us-iso-east-1",
        },
    },
    Partition {
        id: "aws-iso-b",
        region_regex: r"^us\-isob\-\w+\-\d+$",
        regions: &[Region::plain("us-isob-east-1"), Region::plain("aws-iso-b-global")],
        outputs: PartitionOutputs {
            name: "aws-iso-b",
            dns_suffix: "sc2s.sgov.gov",
            dual_stack_dns_suffix: "api.aws.scloud",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "us-isob-east-1",
        },
    },
    Partition {
        id: "aws-iso-e",
        region_regex: r"^eu\-isoe\-\w+\-\d+$",
        regions: &[],
        outputs: PartitionOutputs {
            name: "aws-iso-e",
            dns_suffix: "cloud.adc-e.uk",
            dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "eu-isoe-west-1",
        },
    },
    Partition {
        id: "aws-iso-f",
        region_regex: r"^us\-isof\-\w+\-\d+$",
        regions: &[
            Region::plain("aws-iso-f-global"),
            Region::plain("us-isof-east-1"),
            Region::plain("us-isof-south-1"),
        ],
        outputs: PartitionOutputs {
            name: "aws-iso-f",
            dns_suffix: "csp.hci.ic.gov",
            dual_stack_dns_suffix: "api.aws.hci.ic.gov",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "us-isof-south-1",
        },
    },
    Partition {
        id: "aws-eusc",
        region_regex: r"^eusc\-(de)\-\w+\-\d+$",
        regions: &[Region::described("eusc-de-east-1", "EU (Germany)")],
        outputs: PartitionOutputs {
            name: "aws-eusc",
            dns_suffix: "amazonaws.eu",
            dual_stack_dns_suffix: "api.amazonwebservices.eu",
            supports_fips: true,
            supports_dual_stack: true,
            implicit_global_region: "eusc-de-east-1",
        },
    },
];

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
            region_regex: "^p-",
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
        assert_eq!(resolve_in(TABLE, "p-2").unwrap().dns_suffix, "example.com");
        assert_eq!(resolve_in(TABLE, "q-2"), None);
    }

    #[test]
    fn regex_subset() {
        let aws = r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$";
        assert!(regex_matches(aws, "us-east-1"));
        assert!(regex_matches(aws, "mx-central-12"));
        assert!(!regex_matches(aws, "us-east-"));
        assert!(!regex_matches(aws, "xx-east-1"));
        assert!(!regex_matches(aws, "us-east-1a"));
        assert!(!regex_matches(aws, " us-east-1"));
        assert!(regex_matches("b+c", "aabbbcd"));
        assert!(!regex_matches("^b+c$", "aabbbcd"));
        assert!(regex_matches("^a(b|bc)d$", "abcd"));
        assert!(regex_matches("^[a-z0-9-]{3,5}$", "a-9b"));
        assert!(!regex_matches("^[a-z0-9-]{3,5}$", "a-"));
        assert!(!regex_matches("^[^.]+$", "a.b"));
        assert!(regex_matches("^x?y*.$", "z"));
        assert!(regex_matches("^(?:ab)*$", "abab"));
        assert!(regex_matches("^()*$", ""));
        assert!(regex_matches("^\\.\\d\\W$", ".5!"));
        // Malformed or unsupported patterns never match.
        for pattern in ["(", "a)", "[a", "*a", "a{2,1}", "\\q", "^*", "(?=a)", "[z-a]", "a{", "\\"] {
            assert!(!regex_matches(pattern, "a"), "{pattern}");
        }
        let long = "a".repeat(MAX_REGEX_INPUT + 1);
        assert!(!regex_matches("a+", &long));
        assert!(regex_matches("^a+$", &long[1..]));
    }
}
