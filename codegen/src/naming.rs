//! Every identifier the generator emits is made here: field, setter, module and
//! function names ([`snake_case`], [`field_ident`], [`ident`]), type names
//! ([`pascal_case`], [`type_ident`]) and enum/union variant names ([`variant_ident`]),
//! spelled the way aws-sdk-rust users know them, plus [`Scope`] for the rare
//! collisions between them.
//!
//! Only ASCII letters and digits ever reach an identifier: any other character in a
//! Smithy name (or an IDL 1.0 enum value such as `t2.micro`) separates words.

use std::collections::HashSet;

/// Spellings that are one word although their letter case says otherwise
/// (`IpV4`, `IPv6`, `SigV4`, `MiB`, `GiB`, `KiB`, `TtL`).
const WHOLE_WORDS: [&str; 7] = ["ipv4", "ipv6", "sigv4", "mib", "gib", "kib", "ttl"];

/// snake_case as aws-sdk-rust spells it (fields, setters, modules, functions).
///
/// `DBProxy` -> `db_proxy`, `ACLs` -> `acls`, `NodeIPv6Range` -> `node_ipv6_range`,
/// `CacheSizeMiB` -> `cache_size_mib`, `ArchiveDBv3` -> `archive_dbv3`, `Sum32C` -> `sum32_c`,
/// `ab9cd` -> `ab9_cd` (but `Ab9cd` -> `ab9cd`).
pub fn snake_case(name: &str) -> String {
    snake_words(name).join("_")
}

/// The lowercase words of [`snake_case`].
fn snake_words(name: &str) -> Vec<String> {
    // In a name with no capitals at all, a digit is the only hint of a word
    // boundary (`s3key`, `md5sum`); in a cased name the capitals carry it.
    let split_after_digits = !name.bytes().any(|b| b.is_ascii_uppercase());
    let mut words = Vec::new();
    for chunk in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let bytes = chunk.as_bytes();
        let mut start = 0;
        for at in 1..bytes.len() {
            if breaks_before(bytes, at, split_after_digits) && !inside_whole_word(&chunk[start..], at - start) {
                words.push(chunk[start..at].to_ascii_lowercase());
                start = at;
            }
        }
        if start < bytes.len() {
            words.push(chunk[start..].to_ascii_lowercase());
        }
    }
    words
}

/// Does a new word start at `s[at]`? `s` is a run of ASCII letters and digits.
fn breaks_before(s: &[u8], at: usize, split_after_digits: bool) -> bool {
    let (prev, cur) = (s[at - 1], s[at]);
    let lower_at = |i: usize| s.get(i).is_some_and(u8::is_ascii_lowercase);
    if cur.is_ascii_uppercase() {
        if prev.is_ascii_lowercase() || prev.is_ascii_digit() {
            return true; // fooBar, s3Bucket, Crc32C
        }
        // Inside a run of capitals: `cur` starts a word only if a lowercase tail follows
        // (`DB|Proxy`, `IAM|User`). Two tails belong to the acronym instead: a plural
        // `s` that ends the run (`ACLs`, `CNAMEs`, `ARNsFoo`), and a version `v<digit>`
        // (`DBv2`, `IPv6`).
        let next = s.get(at + 1).copied();
        let plural = next == Some(b's') && !lower_at(at + 2);
        let version = next == Some(b'v') && s.get(at + 2).is_some_and(u8::is_ascii_digit);
        return lower_at(at + 1) && !plural && !version;
    }
    split_after_digits && prev.is_ascii_digit() && cur.is_ascii_lowercase()
}

/// Would a break `offset` bytes into the word `word_on` fall inside a whole word
/// (see [`WHOLE_WORDS`]) that the word begins with?
fn inside_whole_word(word_on: &str, offset: usize) -> bool {
    WHOLE_WORDS.iter().any(|whole| {
        offset < whole.len() && word_on.get(..whole.len()).is_some_and(|head| head.eq_ignore_ascii_case(whole))
    })
}

/// UpperCamelCase for type names and enum/union variant names, as aws-sdk-rust spells them.
///
/// This is *not* built from the [`snake_case`] words: smithy-rs pascal-cases with an
/// older, simpler splitter: `RedisDBAction` -> `RedisDbAction` but `RedisDBv2Action` ->
/// `RedisDBv2Action`, and `ACLs` -> `AcLs`. Its rules: a word starts at a capital that follows
/// a lowercase letter or digit (`fooBar`, `Crc32C`), and at the last capital of a run of
/// capitals that a lowercase letter follows (`DB|Proxy`, `D|Bv2`); anything that is not
/// an ASCII letter or digit separates words. Each word is then written capitalised with
/// the rest lowercase: `ONE_TIME` -> `OneTime`, `DBProxy` -> `DbProxy`,
/// `ota_task` -> `OtaTask`, `c5a.12xlarge` -> `C5a12xlarge`.
pub fn pascal_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for chunk in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let s = chunk.as_bytes();
        for (at, &c) in s.iter().enumerate() {
            let starts_word = at == 0
                || (c.is_ascii_uppercase()
                    && (!s[at - 1].is_ascii_uppercase() || s.get(at + 1).is_some_and(u8::is_ascii_lowercase)));
            let c = if starts_word { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() };
            out.push(char::from(c));
        }
    }
    out
}

/// A field / function / module / setter identifier from a Smithy name: [`snake_case`],
/// then made legal by [`ident`] (`type` -> `r#type`, `self` -> `self_`, `9Lives` -> `_9_lives`).
pub fn field_ident(name: &str) -> String {
    ident(&snake_case(name))
}

/// Makes snake text (e.g. `set_{field}`, `is_{variant}`) a legal identifier, spelled as Rust
/// source writes it: characters other than ASCII letters, digits and `_` become `_`; empty
/// text becomes `empty`; a leading digit gets a leading `_`; a Rust keyword becomes a raw
/// identifier (`r#type`), except those that cannot be raw (`self`, `Self`, `super`, `crate`,
/// `_`), which get a trailing `_` (`self_`).
pub fn ident(text: &str) -> String {
    // Only ASCII letters, digits and `_` may appear in what we emit.
    let mut text: String = text.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    if text.is_empty() {
        text.push_str("empty");
    }
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        text.insert(0, '_');
    }
    if NOT_RAW.contains(&text.as_str()) {
        text.push('_');
    } else if KEYWORDS.contains(&text.as_str()) {
        text.insert_str(0, "r#");
    }
    text
}

/// An identifier's text without the `r#` of raw identifiers: the name as users read it in
/// messages and `Debug` output, and the stem of derived names.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// A type identifier (structures, enums, unions, error types): [`pascal_case`], then legal:
/// `Self` -> `SelfValue`, a leading digit gets a leading `_`, an empty result becomes `Empty`.
pub fn type_ident(name: &str) -> String {
    match legal_pascal(pascal_case(name)) {
        t if t == "Self" => "SelfValue".to_owned(),
        t => t,
    }
}

/// An enum variant identifier from an enum member name or, for an IDL 1.0 `@enum` value
/// with no name, from the value itself: [`pascal_case`] of it, made legal like
/// [`type_ident`]. As in aws-sdk-rust, `Unknown` becomes `UnknownValue` (the `Unknown`
/// variant holds unrecognised values), and a member already spelled `UnknownValue` or
/// `SelfValue` gets a trailing `_` so that the renames cannot clash with it.
/// Never empty: `""` gives `Empty`, and a value with no ASCII letters or digits is
/// spelled by its characters' code points (`*` -> `Value2A`).
pub fn variant_ident(name: &str) -> String {
    let mut text = pascal_case(name);
    if text.is_empty() && !name.is_empty() {
        text = name.chars().fold(String::from("Value"), |acc, c| format!("{acc}{:X}", c as u32));
    }
    match legal_pascal(text) {
        t if t == "Self" || t == "Unknown" => t + "Value",
        t if t == "SelfValue" || t == "UnknownValue" => t + "_",
        t => t,
    }
}

/// The name aws-sdk-rust gives a structure member whose snake_case would clash with a method
/// every structure, builder or fluent builder has (smithy-rs's reserved member names:
/// `default` is `Default::default`, `send` sends, `meta` is error metadata, ...).
pub fn member_ident(member: &str) -> String {
    let snake = snake_case(member);
    match snake.as_str() {
        "build" | "builder" | "default" | "send" | "customize" | "meta" | "make_operation" | "presigned" => {
            format!("{snake}_value")
        }
        _ => ident(&snake),
    }
}

/// Pascal text made a legal identifier start: `Empty` for nothing, `_` before a digit.
/// (`Self` is the only keyword a pascal-cased name can spell; callers handle it.)
fn legal_pascal(mut text: String) -> String {
    if text.is_empty() {
        text.push_str("Empty");
    } else if text.starts_with(|c: char| c.is_ascii_digit()) {
        text.insert(0, '_');
    }
    text
}

/// Keywords that `r#` cannot escape.
const NOT_RAW: [&str; 5] = ["self", "Self", "super", "crate", "_"];

/// Strict keywords, then keywords reserved for the future, of every edition up to 2024:
/// escaped as `r#kw`. (Weak keywords such as `union` are ordinary identifiers.)
const KEYWORDS: [&str; 48] = [
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait",
    "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Makes names unique within one scope: the first name keeps its spelling, later equal
/// ones get `_2`, `_3`, ... suffixes, or `2`, `3`, ... for UpperCamelCase names (so they stay
/// UpperCamelCase) and names ending in `_` (`self_2`); deterministic given input order.
///
/// Names are compared as legal identifiers, so `self` and `self_` (both `self_`) collide.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    taken: HashSet<String>,
}

impl Scope {
    /// A scope in which `reserved` names are already taken.
    pub fn new(reserved: &[&str]) -> Self {
        Scope { taken: reserved.iter().map(|r| ident(r)).collect() }
    }

    /// Takes `name` (already legal) if it is free, or the first free `{name}_{n}` (or
    /// `{name}{n}` for UpperCamelCase) for n = 2, 3, ...; returns the legal identifier taken.
    pub fn claim(&mut self, name: &str) -> String {
        let stem = unraw(name);
        let separator =
            if stem.starts_with(|c: char| c.is_ascii_uppercase()) || stem.ends_with('_') { "" } else { "_" };
        let mut candidate = name.to_owned();
        let mut n = 1;
        while !self.taken.insert(candidate.clone()) {
            n += 1;
            candidate = ident(&format!("{stem}{separator}{n}"));
        }
        candidate
    }

    /// Whether `name` (legal) is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unraw_strips_raw_prefixes() {
        assert_eq!(unraw(&field_ident("type")), "type");
        assert_eq!(unraw(&field_ident("name")), "name");
        assert_eq!(ident(&format!("set_{}", unraw(&field_ident("type")))), "set_type");
    }

    #[test]
    fn reserved_member_names_get_a_value_suffix() {
        for (member, want) in [
            ("Default", "default_value"),
            ("build", "build_value"),
            ("Builder", "builder_value"),
            ("meta", "meta_value"),
            ("send", "send_value"),
            ("customize", "customize_value"),
            ("type", "r#type"),
            ("name", "name"),
        ] {
            assert_eq!(member_ident(member), want, "member_ident({member:?})");
        }
    }

    fn snake(pairs: &[(&str, &str)]) {
        for (input, want) in pairs {
            assert_eq!(snake_case(input), *want, "snake_case({input:?})");
        }
    }

    #[test]
    fn snake_splits_on_case_changes_and_separators() {
        snake(&[
            ("fooBarBaz", "foo_bar_baz"),
            ("FooBar", "foo_bar"),
            ("Bucket9Name", "bucket9_name"), // digit then capital
            ("Sum4X", "sum4_x"),
            ("ALL_CAPS_NAME", "all_caps_name"),
            ("already_snake", "already_snake"),
            ("dots.and-dashes and spaces", "dots_and_dashes_and_spaces"),
            ("__leading__trailing__", "leading_trailing"),
            ("caféBar", "caf_bar"), // non-ASCII separates
            ("", ""),
            ("*", ""),
        ]);
    }

    #[test]
    fn snake_ends_acronyms_before_a_lowercase_word() {
        snake(&[
            ("XMLParser", "xml_parser"),
            ("HTTPSEndpoint", "https_endpoint"),
            ("GPUSet", "gpu_set"),
            ("UseXML", "use_xml"),
        ]);
    }

    #[test]
    fn snake_keeps_plural_and_versioned_acronyms_whole() {
        snake(&[
            ("GPUs", "gpus"),
            ("NodeGPUsTotal", "node_gpus_total"),
            ("MaxCPUs2", "max_cpus2"),
            ("CPUsage", "cp_usage"), // `s` followed by lowercase is a word, not a plural
            ("RedisDBv7", "redis_dbv7"),
            ("HTTPv2Only", "httpv2_only"),
        ]);
    }

    #[test]
    fn snake_never_breaks_inside_whole_words() {
        snake(&[
            ("HostIpV6", "host_ipv6"),
            ("IPv4Range", "ipv4_range"),
            ("hostIpV4", "host_ipv4"),
            ("UseSigV4", "use_sigv4"),
            ("PoolKiB", "pool_kib"),
            ("DiskGiBPerNode", "disk_gib_per_node"),
            ("LeaseTtL", "lease_ttl"),
            ("MiBand", "miband"), // a word that begins with one stays unbroken there
            ("KibanaUrl", "kibana_url"),
            ("ShipV4", "ship_v4"), // `ip` only counts at the start of a word
        ]);
    }

    #[test]
    fn snake_splits_after_digits_only_in_all_lowercase_names() {
        snake(&[
            ("s9file", "s9_file"),
            ("ab12cd_ef", "ab12_cd_ef"),
            ("Log4jConfig", "log4j_config"),
            ("S9file", "s9file"),
        ]);
    }

    #[test]
    fn pascal_uses_the_older_splitter() {
        for (input, want) in [
            ("ONE_TIME", "OneTime"),
            ("DBProxy", "DbProxy"), // the three examples the generator's design names
            ("ota_task", "OtaTask"),
            ("RedisDBAction", "RedisDbAction"),
            ("RedisDBv2Action", "RedisDBv2Action"),
            ("CacheDBv3Node", "CacheDBv3Node"),
            ("GPUs", "GpUs"),
            ("HostIpV6", "HostIpV6"),
            ("Crc64X", "Crc64X"),
            ("s9file", "S9file"),
            ("t3.nano", "T3Nano"),
            ("x1e.2xlarge", "X1e2xlarge"),
            ("with space-and_more", "WithSpaceAndMore"),
            ("", ""),
        ] {
            assert_eq!(pascal_case(input), want, "pascal_case({input:?})");
        }
    }

    #[test]
    fn field_idents_are_legal() {
        for (input, want) in [
            ("Type", "r#type"),
            ("match", "r#match"),
            ("gen", "r#gen"),
            ("yield", "r#yield"),
            ("union", "union"), // weak keyword: fine as a field
            ("Self", "self_"),
            ("super", "super_"),
            ("Crate", "crate_"),
            ("2faCode", "_2fa_code"),
            ("*", "empty"),
            ("plainName", "plain_name"),
        ] {
            assert_eq!(field_ident(input), want, "field_ident({input:?})");
        }
    }

    #[test]
    fn ident_legalises_prefixed_text() {
        for (input, want) in [
            ("set_type", "set_type"),
            ("type", "r#type"),
            ("self", "self_"),
            ("_", "__"),
            ("9lives", "_9lives"),
            ("a-b", "a_b"),
            ("", "empty"),
        ] {
            assert_eq!(ident(input), want, "ident({input:?})");
        }
    }

    #[test]
    fn type_idents_are_legal() {
        for (input, want) in
            [("self", "SelfValue"), ("4kResolution", "_4kResolution"), ("", "Empty"), ("QZProxy", "QzProxy")]
        {
            assert_eq!(type_ident(input), want, "type_ident({input:?})");
        }
    }

    #[test]
    fn variant_idents_are_legal_and_never_empty() {
        for (input, want) in [
            ("t2.micro", "T2Micro"),
            ("1.0", "_10"),
            ("*", "Value2A"),
            ("+-", "Value2B2D"),
            ("", "Empty"),
            ("UNKNOWN", "UnknownValue"),
            ("unknown_value", "UnknownValue_"),
            ("SELF", "SelfValue"),
            ("self_value", "SelfValue_"),
            ("IN_PROGRESS", "InProgress"),
        ] {
            assert_eq!(variant_ident(input), want, "variant_ident({input:?})");
        }
    }

    #[test]
    fn odd_inputs_never_panic() {
        for input in ["", "_", "__", "0", "123", "r#type", "ünïcödé", "a b", "\u{0}", "Self_", "--9--"] {
            field_ident(input);
            ident(input);
            type_ident(input);
            variant_ident(input);
        }
    }

    #[test]
    fn scope_suffixes_repeats_in_order() {
        let mut scope = Scope::new(&["Unknown"]);
        assert_eq!(scope.claim("Unknown"), "Unknown2");
        assert_eq!(scope.claim("name"), "name");
        assert_eq!(scope.claim("name"), "name_2");
        assert_eq!(scope.claim("name_2"), "name_2_2");
        assert_eq!(scope.claim("name"), "name_3");
        assert_eq!(Scope::default().claim("x"), "x");
    }

    #[test]
    fn scope_compares_legal_identifiers() {
        let mut scope = Scope::new(&[]);
        assert_eq!(scope.claim(&field_ident("self")), "self_");
        assert_eq!(scope.claim(&field_ident("self_")), "self_2");
        assert_eq!(scope.claim(&field_ident("type")), "r#type");
        assert_eq!(scope.claim(&field_ident("Type")), "type_2");
    }
}
