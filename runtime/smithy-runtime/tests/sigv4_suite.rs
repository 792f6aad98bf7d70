//! Checks `smithy_runtime::sigv4` against the official SigV4 test suite
//! (`aws-signing-test-suite/v4`), and `smithy_runtime::sigv4a` against the SigV4a one
//! (`aws-signing-test-suite/v4a`), which ship in the `aws-sigv4` package.
//!
//! For every case: `request.txt` is parsed into an [`HttpRequest`], signed with
//! the parameters from `context.json`, and the canonical request, string to
//! sign, signature and resulting headers are compared with the case's
//! `header-*` files. SigV4a's ECDSA signatures differ with the nonce, so ours is
//! verified with the case's public key instead. Query-string (presigning) files
//! are not looked at: the signer only puts signatures in headers.
#![cfg(feature = "client")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use smithy_runtime::http::HttpRequest;
use smithy_runtime::sigv4::{sign_with_details, SigningParams, SigningSettings};

/// Cases the signer is not meant to pass, each with the rule that puts it out of scope.
const SKIPPED: &[(&str, &str)] = &[
    ("get-relative-relative-unnormalized", NOT_NORMALIZED),
    ("get-relative-unnormalized", NOT_NORMALIZED),
    ("get-slash-dot-slash-unnormalized", NOT_NORMALIZED),
    ("get-slash-pointless-dot-unnormalized", NOT_NORMALIZED),
    ("get-slash-unnormalized", NOT_NORMALIZED),
    ("get-slashes-unnormalized", NOT_NORMALIZED),
    ("get-space-unnormalized", NOT_NORMALIZED),
    ("get-space-normalized", SINGLE_ENCODED),
    ("get-utf8", SINGLE_ENCODED),
    ("post-sts-header-after", TOKEN_OMITTED),
];

const NOT_NORMALIZED: &str = "`normalize: false` (S3 style): our signer always normalizes the path";
const SINGLE_ENCODED: &str = "expects the path encoded once (S3 style: `%20` stays `%20`); \
     our signer encodes the already-encoded path again, as the SDKs do for other services";
const TOKEN_OMITTED: &str = "`omit_session_token: true` adds the token after signing; \
     our signer always signs it (the SDK default, checked by get-vanilla-with-session-token)";

/// All 40 cases of the suite minus the 10 skips above.
const MIN_CHECKED: usize = 30;

/// The 38 cases of the SigV4a suite (the v4 suite's but for two canonical-request-only ones)
/// minus the same 10 skips, for the same reasons.
#[cfg(feature = "sigv4a")]
const MIN_CHECKED_V4A: usize = 28;

/// The suite's cases, sorted, with the skipped ones left out (each must still be in the suite).
fn cases_to_check(suite: &Path) -> (Vec<PathBuf>, usize) {
    let mut cases: Vec<PathBuf> = fs::read_dir(suite)
        .unwrap_or_else(|err| panic!("cannot list {}: {err}", suite.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    let names: Vec<String> = cases.iter().map(|case| file_name(case)).collect();
    for (skipped, _) in SKIPPED {
        assert!(
            names.iter().any(|name| name == skipped),
            "skipped case {skipped} is not in {} any more; drop it from SKIPPED",
            suite.display()
        );
    }
    let before = cases.len();
    cases.retain(|case| match SKIPPED.iter().find(|(skip, _)| *skip == file_name(case)) {
        Some((name, reason)) => {
            println!("skip {name}: {reason}");
            false
        }
        None => true,
    });
    let skipped = before - cases.len();
    (cases, skipped)
}

#[test]
fn official_sigv4_suite() {
    let (cases, skipped) = cases_to_check(&suite_dir("v4"));
    let (mut checked, mut partial) = (0, 0);
    for case in &cases {
        let name = file_name(case);
        if case.join("context.json").exists() {
            check_case(case);
        } else {
            check_canonical_only(case);
            partial += 1;
        }
        println!("ok   {name}");
        checked += 1;
    }
    println!("{checked} checked ({partial} of them canonical request only), {skipped} skipped");
    assert!(checked >= MIN_CHECKED, "only {checked} cases checked, expected at least {MIN_CHECKED}");
}

/// A full case: context, request, and every `header-*` expectation.
fn check_case(case: &Path) {
    let name = file_name(case);
    let context = read(&case.join("context.json"));
    // A case in scope must not need a mode the signer lacks (see SKIPPED).
    assert_eq!(json_bool(&context, "normalize"), Some(true), "{name}: {NOT_NORMALIZED}");
    assert_ne!(json_bool(&context, "omit_session_token"), Some(true), "{name}: {TOKEN_OMITTED}");

    let field = |key: &str| json_string(&context, key).unwrap_or_else(|| panic!("{name}: context.json has no {key}"));
    let (access_key_id, secret_access_key) = (field("access_key_id"), field("secret_access_key"));
    let (region, service, timestamp) = (field("region"), field("service"), field("timestamp"));
    let token = json_string(&context, "token");
    let params = SigningParams {
        access_key_id: &access_key_id,
        secret_access_key: &secret_access_key,
        session_token: token.as_deref(),
        region: &region,
        service: &service,
        time: parse_rfc3339(&timestamp),
        settings: SigningSettings::Standard,
    };

    let mut request = parse_request(&read(&case.join("request.txt")));
    if json_bool(&context, "sign_body") == Some(true) {
        // The signer never adds `x-amz-content-sha256` (services other than S3
        // do not need it); a caller who wants it signed sets it first, as here.
        let hash = Sha256::digest(&request.body);
        let hex: String = hash.iter().map(|byte| format!("{byte:02x}")).collect();
        request.headers.insert("x-amz-content-sha256", hex);
    }
    let signed = sign_with_details(&mut request, &params).unwrap_or_else(|err| panic!("{name}: signing failed: {err}"));

    let expected = |file: &str| read_expected(&case.join(file));
    assert_eq!(signed.canonical_request, expected("header-canonical-request.txt"), "{name}: canonical request");
    assert_eq!(signed.string_to_sign, expected("header-string-to-sign.txt"), "{name}: string to sign");
    assert_eq!(signed.signature, expected("header-signature.txt"), "{name}: signature");

    // The headers the signer sets must be those of the signed request.
    let signed_request = parse_request(&expected("header-signed-request.txt"));
    for header in ["authorization", "x-amz-date", "x-amz-security-token"] {
        let want = signed_request.headers.get(header).map(str::trim);
        assert_eq!(request.headers.get(header), want, "{name}: {header} header");
    }
}

#[cfg(feature = "sigv4a")]
#[test]
fn official_sigv4a_suite() {
    let (cases, skipped) = cases_to_check(&suite_dir("v4a"));
    for case in &cases {
        check_v4a_case(case);
        println!("ok   {}", file_name(case));
    }
    println!("{} checked, {skipped} skipped", cases.len());
    assert!(cases.len() >= MIN_CHECKED_V4A, "only {} cases checked, expected at least {MIN_CHECKED_V4A}", cases.len());
}

/// A SigV4a case: the canonical request, the string to sign and the headers as the case has
/// them, and a signature that the case's public key verifies.
#[cfg(feature = "sigv4a")]
fn check_v4a_case(case: &Path) {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    use p256::ecdsa::{Signature, VerifyingKey};

    let name = file_name(case);
    let context = read(&case.join("context.json"));
    assert_eq!(json_bool(&context, "normalize"), Some(true), "{name}: {NOT_NORMALIZED}");
    assert_ne!(json_bool(&context, "omit_session_token"), Some(true), "{name}: {TOKEN_OMITTED}");
    let field = |key: &str| json_string(&context, key).unwrap_or_else(|| panic!("{name}: context.json has no {key}"));
    let (access_key_id, secret_access_key) = (field("access_key_id"), field("secret_access_key"));
    let (region, service, timestamp) = (field("region"), field("service"), field("timestamp"));
    let token = json_string(&context, "token");
    let params = SigningParams {
        access_key_id: &access_key_id,
        secret_access_key: &secret_access_key,
        session_token: token.as_deref(),
        region: "not-used",
        service: &service,
        time: parse_rfc3339(&timestamp),
        settings: SigningSettings::Standard,
    };
    let mut request = parse_request(&read(&case.join("request.txt")));
    if json_bool(&context, "sign_body") == Some(true) {
        let hash = Sha256::digest(&request.body);
        let hex: String = hash.iter().map(|byte| format!("{byte:02x}")).collect();
        request.headers.insert("x-amz-content-sha256", hex);
    }
    let signed = smithy_runtime::sigv4a::sign(&mut request, &params, &region)
        .unwrap_or_else(|err| panic!("{name}: signing failed: {err}"));

    let expected = |file: &str| read_expected(&case.join(file));
    assert_eq!(signed.canonical_request, expected("header-canonical-request.txt"), "{name}: canonical request");
    assert_eq!(signed.string_to_sign, expected("header-string-to-sign.txt"), "{name}: string to sign");

    let key = read(&case.join("public-key.json"));
    let coordinate = |axis: &str| {
        let text = json_string(&key, axis).unwrap_or_else(|| panic!("{name}: public-key.json has no {axis}"));
        (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex")).collect::<Vec<u8>>()
    };
    let point = [vec![4], coordinate("X"), coordinate("Y")].concat();
    let public = VerifyingKey::from_sec1_bytes(&point).expect("a P-256 public key");
    let der: Vec<u8> = (0..signed.signature.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&signed.signature[i..i + 2], 16).unwrap())
        .collect();
    let signature = Signature::from_der(&der).unwrap_or_else(|err| panic!("{name}: not a DER signature: {err}"));
    let digest = Sha256::digest(signed.string_to_sign.as_bytes());
    public.verify_prehash(&digest, &signature).unwrap_or_else(|err| panic!("{name}: the case's key rejects it: {err}"));

    // The headers the signer sets are the signed request's, but for the signature itself.
    let signed_request = parse_request(&expected("header-signed-request.txt"));
    for header in ["x-amz-date", "x-amz-region-set", "x-amz-security-token"] {
        let want = signed_request.headers.get(header).map(str::trim);
        assert_eq!(request.headers.get(header), want, "{name}: {header} header");
    }
    let without_signature = |text: &str| text.trim().rsplit_once("Signature=").map(|(head, _)| head.to_owned());
    let want = signed_request.headers.get("authorization").and_then(without_signature);
    assert_eq!(request.headers.get("authorization").and_then(without_signature), want, "{name}: authorization");
}

/// A case without `context.json`: these were added to the suite for double
/// URI encoding and give only the canonical request (and maybe the string to
/// sign). Their time, region and service are read from those files; the
/// request's own `X-Amz-Date` is ignored, since the signer sets that header.
fn check_canonical_only(case: &Path) {
    let name = file_name(case);
    let canonical = read_expected(&case.join("header-canonical-request.txt"));
    let amz_date = canonical
        .lines()
        .find_map(|line| line.strip_prefix("x-amz-date:"))
        .unwrap_or_else(|| panic!("{name}: no x-amz-date in the canonical request"));
    let sts_path = case.join("header-string-to-sign.txt");
    let string_to_sign = sts_path.exists().then(|| read_expected(&sts_path));
    let scope: Vec<String> = match &string_to_sign {
        Some(text) => text.lines().nth(2).unwrap_or_default().split('/').map(str::to_owned).collect(),
        None => Vec::new(),
    };
    let params = SigningParams {
        access_key_id: "AKIDEXAMPLE",
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        session_token: None,
        region: scope.get(1).map_or("us-east-1", String::as_str),
        service: scope.get(2).map_or("service", String::as_str),
        time: parse_amz_date(amz_date),
        settings: SigningSettings::Standard,
    };
    let mut request = parse_request(&read(&case.join("request.txt")));
    let signed = sign_with_details(&mut request, &params).unwrap_or_else(|err| panic!("{name}: signing failed: {err}"));
    assert_eq!(signed.canonical_request, canonical, "{name}: canonical request");
    if let Some(expected) = string_to_sign {
        assert_eq!(signed.string_to_sign, expected, "{name}: string to sign");
    }
}

// ---------------------------------------------------------------------------
// Finding the suite
// ---------------------------------------------------------------------------

/// `aws-signing-test-suite/{version}` in the `aws-sigv4` package, found through
/// `cargo metadata`. Panics (failing the test) when it cannot be found.
fn suite_dir(version: &str) -> PathBuf {
    // Cargo sets both when it runs the test; the build-time values are the fallback.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_owned());
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_owned());
    let output = Command::new(&cargo)
        .args(["metadata", "--format-version", "1"])
        .current_dir(&manifest_dir)
        .output()
        .unwrap_or_else(|err| panic!("cannot run `{cargo} metadata` in {manifest_dir}: {err}"));
    assert!(output.status.success(), "`cargo metadata` failed: {}", String::from_utf8_lossy(&output.stderr));
    let metadata = String::from_utf8(output.stdout).expect("cargo metadata prints UTF-8");

    // Every package has a `manifest_path`; the one we want belongs to a
    // package named `aws-sigv4` (its manifest says so) that ships the suite.
    let mut rest = metadata.as_str();
    let mut seen = Vec::new();
    while let Some(at) = rest.find("\"manifest_path\"") {
        rest = &rest[at + "\"manifest_path\"".len()..];
        let Some(manifest) = json_string_value(rest) else {
            continue;
        };
        let manifest = PathBuf::from(manifest);
        let Some(dir) = manifest.parent() else {
            continue;
        };
        let suite = dir.join("aws-signing-test-suite").join(version);
        let is_sigv4 = fs::read_to_string(&manifest)
            .is_ok_and(|text| text.lines().any(|line| line.replace(' ', "") == "name=\"aws-sigv4\""));
        if is_sigv4 && suite.is_dir() {
            return suite;
        }
        seen.push(manifest);
    }
    panic!(
        "no aws-sigv4 package with aws-signing-test-suite/{version} among the {} packages of `cargo metadata`",
        seen.len()
    );
}

// ---------------------------------------------------------------------------
// Reading the case files
// ---------------------------------------------------------------------------

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// An expected value: the file's text without its final line break, if any
/// (some files end with one, some do not).
fn read_expected(path: &Path) -> String {
    let text = read(path);
    text.strip_suffix('\n').map_or(text.clone(), str::to_owned)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Parses a raw HTTP/1.1 request: request line, headers (folded lines are
/// joined to the previous value with a space), blank line, body.
///
/// The request target becomes the `uri` as it would go on the wire: bytes a
/// URI cannot hold (spaces, non-ASCII) are percent-encoded, everything else,
/// `%XX` escapes included, is kept.
fn parse_request(text: &str) -> HttpRequest {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let request_line = lines.next().expect("a request line");
    let (method, rest) = request_line.split_once(' ').expect("a method");
    // The target may hold raw spaces, so the version is cut from the end.
    let (target, _version) = rest.rsplit_once(' ').expect("an HTTP version");

    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let (_, value) = headers.last_mut().expect("a header before a folded line");
            value.push(' ');
            value.push_str(line);
        } else {
            let (name, value) = line.split_once(':').expect("a header line");
            headers.push((name.to_owned(), value.to_owned()));
        }
    }

    let mut request = HttpRequest::new(method, wire_encode(target));
    for (name, value) in headers {
        request.headers.append(name, value);
    }
    request.body = body.as_bytes().to_vec();
    request
}

fn wire_encode(target: &str) -> String {
    let mut out = String::new();
    for &byte in target.as_bytes() {
        let allowed = byte.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&byte);
        if allowed {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The string value of `"key"` in a small, flat-enough JSON document.
fn json_string(json: &str, key: &str) -> Option<String> {
    let quoted = format!("\"{key}\"");
    let at = json.find(&quoted)?;
    json_string_value(&json[at + quoted.len()..])
}

fn json_bool(json: &str, key: &str) -> Option<bool> {
    let quoted = format!("\"{key}\"");
    let at = json.find(&quoted)?;
    let rest = json[at + quoted.len()..].trim_start().strip_prefix(':')?.trim_start();
    if rest.starts_with("true") {
        Some(true)
    } else if rest.starts_with("false") {
        Some(false)
    } else {
        None
    }
}

/// The string after `: ` at the start of `rest`, with JSON escapes resolved.
fn json_string_value(rest: &str) -> Option<String> {
    let rest = rest.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = rest.chars();
    loop {
        match chars.next()? {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                // `\\`, `\"`, `\/`.
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
}

// ---------------------------------------------------------------------------
// Times
// ---------------------------------------------------------------------------

/// `2015-08-30T12:36:00Z`.
fn parse_rfc3339(text: &str) -> SystemTime {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    parse_amz_date(&format!("{}T{}Z", &digits[..8], &digits[8..14]))
}

/// `20150830T123600Z`.
fn parse_amz_date(text: &str) -> SystemTime {
    let number = |range: std::ops::Range<usize>| -> i64 {
        text.get(range).and_then(|digits| digits.parse().ok()).unwrap_or_else(|| panic!("bad date {text:?}"))
    };
    let (year, month, day) = (number(0..4), number(4..6), number(6..8));
    let (hour, minute, second) = (number(9..11), number(11..13), number(13..15));
    // Days before each month in a common year; one more from March in leap years.
    const BEFORE: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let leap = |y: i64| y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let mut days = (1970..year).map(|y| if leap(y) { 366 } else { 365 }).sum::<i64>();
    let month_index = usize::try_from(month - 1).expect("a month from 1");
    days += BEFORE[month_index] + i64::from(month > 2 && leap(year)) + day - 1;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).expect("a time after 1970"))
}
