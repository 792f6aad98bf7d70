//! Payload checksums: `aws.protocols#httpChecksum`'s flexible checksums (`x-amz-checksum-*`
//! headers on requests, validated on responses) and `@httpChecksumRequired`'s `Content-MD5`, for
//! bodies held in memory; a streamed request body of known length sends its flexible checksum in
//! an `aws-chunked` trailer ([`add_trailing_checksum`], [`aws_chunked`]), and a streamed response
//! body is validated as it is read ([`validating_stream`]).
//!
//! CRC-32 is crc32fast's; CRC-32C and CRC-64/NVME are table-driven here (std only, checked
//! against their standard check values); SHA-1, SHA-256 and MD5 are RustCrypto's.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use sha1::Digest;

use crate::byte_stream::{ByteStream, ChunkSource};
use crate::http::{
    ChecksumSettings, HttpRequest, HttpResponse, RequestChecksumCalculation, ResponseChecksumValidation,
};
use crate::primitives::{base64, hex};

pub mod aws_chunked;

/// A checksum algorithm of `@httpChecksum`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// CRC-32 (IEEE).
    Crc32,
    /// CRC-32C (Castagnoli).
    Crc32c,
    /// CRC-64/NVME.
    Crc64Nvme,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
}

impl Algorithm {
    /// Every algorithm, in the order a response's checksums are preferred for validation
    /// (the cheapest first, as AWS SDKs pick).
    pub const PREFERENCE: [Algorithm; 5] =
        [Algorithm::Crc64Nvme, Algorithm::Crc32c, Algorithm::Crc32, Algorithm::Sha1, Algorithm::Sha256];

    /// The algorithm named `name` as models and headers spell it (`CRC32`, any case).
    pub fn from_name(name: &str) -> Option<Self> {
        Algorithm::PREFERENCE.into_iter().find(|a| a.name().eq_ignore_ascii_case(name.trim()))
    }

    /// `CRC32`, `CRC32C`, `CRC64NVME`, `SHA1` or `SHA256`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "CRC32",
            Algorithm::Crc32c => "CRC32C",
            Algorithm::Crc64Nvme => "CRC64NVME",
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
        }
    }

    /// The header carrying the checksum: `x-amz-checksum-` and the name in lower case.
    pub fn header(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "x-amz-checksum-crc32",
            Algorithm::Crc32c => "x-amz-checksum-crc32c",
            Algorithm::Crc64Nvme => "x-amz-checksum-crc64nvme",
            Algorithm::Sha1 => "x-amz-checksum-sha1",
            Algorithm::Sha256 => "x-amz-checksum-sha256",
        }
    }

    /// The checksum of `bytes` as the header carries it: the big-endian digest in base64.
    pub fn checksum(self, bytes: &[u8]) -> String {
        let mut hasher = Hasher::new(self);
        hasher.update(bytes);
        hasher.finish()
    }
}

/// A checksum computed piece by piece, as a body streams by.
enum Hasher {
    Crc32(crc32fast::Hasher),
    Crc32c(u64),
    Crc64Nvme(u64),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
}

impl Hasher {
    fn new(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Crc32 => Hasher::Crc32(crc32fast::Hasher::new()),
            Algorithm::Crc32c => Hasher::Crc32c(0xFFFF_FFFF),
            Algorithm::Crc64Nvme => Hasher::Crc64Nvme(u64::MAX),
            Algorithm::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            Algorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Crc32(h) => h.update(bytes),
            Hasher::Crc32c(crc) => *crc = crc_update(&CRC32C_TABLE, *crc, bytes),
            Hasher::Crc64Nvme(crc) => *crc = crc_update(&CRC64NVME_TABLE, *crc, bytes),
            Hasher::Sha1(h) => h.update(bytes),
            Hasher::Sha256(h) => h.update(bytes),
        }
    }

    /// The big-endian digest in base64, as the header carries it.
    fn finish(self) -> String {
        match self {
            Hasher::Crc32(h) => base64::encode(h.finalize().to_be_bytes()),
            Hasher::Crc32c(crc) => base64::encode(((crc ^ 0xFFFF_FFFF) as u32).to_be_bytes()),
            Hasher::Crc64Nvme(crc) => base64::encode((!crc).to_be_bytes()),
            Hasher::Sha1(h) => base64::encode(h.finalize()),
            Hasher::Sha256(h) => base64::encode(h.finalize()),
        }
    }
}

/// A checksum that could not be computed: the caller asked for an algorithm this client does
/// not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsupportedAlgorithm(pub String);

impl fmt::Display for UnsupportedAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the checksum algorithm `{}` is not supported", self.0)
    }
}

impl std::error::Error for UnsupportedAlgorithm {}

/// Adds the checksums `settings` asks for to `request`, whose body is final (compressed, if it
/// is): unless the caller already set an `x-amz-checksum-*` header, the flexible checksum of
/// the algorithm the caller chose (its header), else CRC-32 when the operation requires a
/// checksum or `calculation` allows one (the chosen algorithm's header then says CRC32); and
/// `Content-MD5` where only that is required. The validation mode header is set to `ENABLED`
/// where `validation` is `WhenSupported` and the caller left it unset.
pub fn add_request_checksums(
    request: &mut HttpRequest,
    settings: &ChecksumSettings,
    calculation: RequestChecksumCalculation,
    validation: ResponseChecksumValidation,
) -> Result<(), UnsupportedAlgorithm> {
    ask_for_validation(request, settings, validation);
    if settings.flexible {
        if let Some(algorithm) = flexible_algorithm(request, settings, calculation)? {
            request.headers.insert(algorithm.header(), algorithm.checksum(&request.body));
        }
    } else if settings.required && !request.headers.contains("Content-MD5") {
        request.headers.insert("Content-MD5", base64::encode(md5::Md5::digest(&request.body)));
    }
    if settings.glacier_tree_hash {
        if !request.headers.contains("X-Amz-Content-Sha256") {
            request.headers.insert("X-Amz-Content-Sha256", hex(&sha2::Sha256::digest(&request.body)));
        }
        if !request.headers.contains("X-Amz-Sha256-Tree-Hash") {
            request.headers.insert("X-Amz-Sha256-Tree-Hash", hex(&tree_hash(&request.body)));
        }
    }
    Ok(())
}

/// Prepares `request`, whose streamed body of `length` bytes is still to be sent, for the
/// flexible checksum `settings` asks for (chosen as [`add_request_checksums`] chooses it) in an
/// `aws-chunked` trailer: returns its algorithm, for [`aws_chunked::encode`], having set
/// `Content-Encoding: aws-chunked`, `x-amz-decoded-content-length`, `x-amz-trailer` and the
/// encoding's `Content-Length`, as AWS SDKs send S3's streamed uploads. `None` when no checksum
/// is to be sent: none asked for, one the caller set, or one of those (`Content-MD5`, Glacier's
/// hashes) that would need the whole body before the request.
pub fn add_trailing_checksum(
    request: &mut HttpRequest,
    settings: &ChecksumSettings,
    calculation: RequestChecksumCalculation,
    validation: ResponseChecksumValidation,
    length: u64,
) -> Result<Option<Algorithm>, Box<dyn std::error::Error + Send + Sync>> {
    ask_for_validation(request, settings, validation);
    if !settings.flexible {
        return Ok(None);
    }
    let Some(algorithm) = flexible_algorithm(request, settings, calculation)? else { return Ok(None) };
    let encoded = aws_chunked::encoded_length(length, algorithm)?;
    // S3 takes the encoding first among several.
    let encoding = match request.headers.get("Content-Encoding") {
        Some(other) => format!("aws-chunked,{other}"),
        None => "aws-chunked".to_owned(),
    };
    request.headers.insert("Content-Encoding", encoding);
    request.headers.insert("x-amz-decoded-content-length", length.to_string());
    request.headers.insert("x-amz-trailer", algorithm.header());
    request.headers.insert("Content-Length", encoded.to_string());
    Ok(Some(algorithm))
}

/// Sets the validation mode header to `ENABLED` where `validation` is `WhenSupported` and the
/// caller left it unset.
fn ask_for_validation(request: &mut HttpRequest, settings: &ChecksumSettings, validation: ResponseChecksumValidation) {
    if let Some(header) = settings.response_mode_header {
        if validation == ResponseChecksumValidation::WhenSupported && !request.headers.contains(header) {
            request.headers.insert(header, "ENABLED");
        }
    }
}

/// The flexible checksum to send: the caller's algorithm, else CRC-32 when the operation
/// requires a checksum or `calculation` allows one (the algorithm's header then says CRC32);
/// `None` when the caller set a checksum of its own or none is asked for.
fn flexible_algorithm(
    request: &mut HttpRequest,
    settings: &ChecksumSettings,
    calculation: RequestChecksumCalculation,
) -> Result<Option<Algorithm>, UnsupportedAlgorithm> {
    // A checksum the caller set (the validation mode's header is no checksum).
    let preset = request.headers.iter().any(|(name, _)| {
        let name = name.to_ascii_lowercase();
        let mode = settings.response_mode_header.is_some_and(|h| h.eq_ignore_ascii_case(&name));
        name.starts_with("x-amz-checksum-") && !mode && name != "x-amz-checksum-mode"
    });
    let chosen = settings.request_algorithm_header.and_then(|h| request.headers.get(h)).map(str::to_owned);
    let algorithm = match &chosen {
        Some(name) => Algorithm::from_name(name).ok_or_else(|| UnsupportedAlgorithm(name.clone()))?,
        None if settings.required || calculation == RequestChecksumCalculation::WhenSupported => Algorithm::Crc32,
        None => return Ok(None),
    };
    if preset {
        return Ok(None);
    }
    if let (Some(header), None) = (settings.request_algorithm_header, &chosen) {
        request.headers.insert(header, algorithm.name());
    }
    Ok(Some(algorithm))
}

/// Glacier's SHA-256 tree hash: the SHA-256 of each MiB of `body`, then of each pair of hashes
/// (a hash without a pair carried up as it is) until one is left.
fn tree_hash(body: &[u8]) -> [u8; 32] {
    const MIB: usize = 1 << 20;
    let mut level: Vec<[u8; 32]> = if body.is_empty() {
        vec![sha2::Sha256::digest(body).into()]
    } else {
        body.chunks(MIB).map(|chunk| sha2::Sha256::digest(chunk).into()).collect()
    };
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [left, right] => {
                    let mut hasher = sha2::Sha256::new();
                    hasher.update(left);
                    hasher.update(right);
                    hasher.finalize().into()
                }
                [single] => *single,
                _ => unreachable!("chunks(2) gives one or two"),
            })
            .collect();
    }
    level[0]
}

/// Validates `response`'s body against the first of its checksum headers, among the
/// algorithms `settings` lists, in [`Algorithm::PREFERENCE`]'s order, when the request asked
/// for validation (its mode header is `ENABLED`). Returns the algorithm validated, if any; a
/// multipart object's composite checksum (`...-3`) is not a checksum of the body and is passed
/// over, as AWS SDKs do.
pub fn validate_response(
    request: &HttpRequest,
    response: &HttpResponse,
    settings: &ChecksumSettings,
) -> Result<Option<Algorithm>, ChecksumMismatch> {
    let Some((algorithm, expected)) = expected_checksum(request, response, settings) else { return Ok(None) };
    let actual = algorithm.checksum(&response.body);
    if actual != expected.trim() {
        return Err(ChecksumMismatch { algorithm, expected: expected.to_owned(), actual });
    }
    Ok(Some(algorithm))
}

/// The checksum to validate a response with, and the one its header gives, when the request
/// asked for validation (see [`validate_response`]).
fn expected_checksum<'a>(
    request: &HttpRequest,
    response: &'a HttpResponse,
    settings: &ChecksumSettings,
) -> Option<(Algorithm, &'a str)> {
    let enabled = settings
        .response_mode_header
        .and_then(|h| request.headers.get(h))
        .is_some_and(|mode| mode.eq_ignore_ascii_case("ENABLED"));
    if !enabled {
        return None;
    }
    let listed = |a: &Algorithm| settings.response_algorithms.iter().any(|name| a.name().eq_ignore_ascii_case(name));
    let (algorithm, expected) = Algorithm::PREFERENCE
        .into_iter()
        .filter(listed)
        .find_map(|a| response.headers.get(a.header()).map(|expected| (a, expected)))?;
    (!expected.contains('-')).then_some((algorithm, expected))
}

/// `body`, the unread body of the response whose head is `head`, validated as it is read: its
/// last read is the [`ChecksumMismatch`] (as an `InvalidData` I/O error) when the bytes do not
/// match the checksum the head gives. A body that cannot be read again is not retried, so the
/// reader learns of the damage, as with AWS SDKs' streamed downloads.
pub fn validating_stream(
    request: &HttpRequest,
    head: &HttpResponse,
    settings: &ChecksumSettings,
    body: ByteStream,
) -> ByteStream {
    let Some((algorithm, expected)) = expected_checksum(request, head, settings) else { return body };
    let length = body.content_length();
    let source =
        Validating { body, hasher: Some(Hasher::new(algorithm)), algorithm, expected: expected.trim().to_owned() };
    ByteStream::from_source(source, length)
}

struct Validating {
    body: ByteStream,
    /// `None` once the end was checked.
    hasher: Option<Hasher>,
    algorithm: Algorithm,
    expected: String,
}

impl ChunkSource for Validating {
    fn poll_chunk(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<io::Result<Vec<u8>>>> {
        let this = &mut *self;
        match Pin::new(&mut this.body).poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(chunk))) => {
                if let Some(hasher) = &mut this.hasher {
                    hasher.update(&chunk);
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) => match this.hasher.take().map(Hasher::finish) {
                Some(actual) if actual != this.expected => {
                    let mismatch =
                        ChecksumMismatch { algorithm: this.algorithm, expected: this.expected.clone(), actual };
                    Poll::Ready(Some(Err(io::Error::new(io::ErrorKind::InvalidData, mismatch))))
                }
                _ => Poll::Ready(None),
            },
        }
    }

    fn size_hint(&self) -> (u64, Option<u64>) {
        self.body.size_hint()
    }
}

/// A response body whose checksum is not the one its header gives: it was damaged on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChecksumMismatch {
    algorithm: Algorithm,
    expected: String,
    actual: String,
}

impl fmt::Display for ChecksumMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the response body's {} checksum is {}, but its {} header says {:?}",
            self.algorithm.name(),
            self.actual,
            self.algorithm.header(),
            self.expected
        )
    }
}

impl std::error::Error for ChecksumMismatch {}

/// A table-driven reflected CRC: the table for `polynomial` (reversed), built at compile time.
const fn crc_table(polynomial: u64) -> [u64; 256] {
    let mut table = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u64;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ polynomial } else { crc >> 1 };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
}

/// CRC-32C (Castagnoli), reflected polynomial 0x82F63B78.
static CRC32C_TABLE: [u64; 256] = crc_table(0x82F6_3B78);
/// CRC-64/NVME, reflected polynomial 0x9A6C9329AC4BC9B5.
static CRC64NVME_TABLE: [u64; 256] = crc_table(0x9A6C_9329_AC4B_C9B5);

/// A reflected table-driven CRC over `bytes`, from the running value `crc`.
fn crc_update(table: &[u64; 256], mut crc: u64, bytes: &[u8]) -> u64 {
    for &byte in bytes {
        crc = table[((crc ^ u64::from(byte)) & 0xFF) as usize] ^ (crc >> 8);
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Headers;

    #[test]
    fn algorithms_match_their_check_values() {
        // The standard check input of the CRC catalogue.
        let check = b"123456789";
        assert_eq!(Algorithm::Crc32c.checksum(check), base64::encode(0xE306_9283_u32.to_be_bytes()));
        assert_eq!(Algorithm::Crc64Nvme.checksum(check), base64::encode(0xAE8B_1486_0A79_9888_u64.to_be_bytes()));
        assert_eq!(crc32fast::hash(b"123456789"), 0xCBF4_3926);
        assert_eq!(Algorithm::Crc32.checksum(b"hello, world"), "/6tyOg==");
        assert_eq!(Algorithm::Sha1.checksum(b"abc"), "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
        assert_eq!(Algorithm::Sha256.checksum(b""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
        assert_eq!(Algorithm::from_name("crc32c"), Some(Algorithm::Crc32c));
        assert_eq!(Algorithm::from_name("MD5"), None);
    }

    fn settings(flexible: bool, required: bool) -> ChecksumSettings {
        ChecksumSettings {
            flexible,
            required,
            request_algorithm_header: Some("x-amz-sdk-checksum-algorithm"),
            response_mode_header: Some("x-amz-checksum-mode"),
            response_algorithms: &["CRC32", "SHA256"],
            glacier_tree_hash: false,
        }
    }

    fn request(body: &[u8]) -> HttpRequest {
        let mut request = HttpRequest::new("PUT", "/k");
        request.body = body.to_vec();
        request
    }

    #[test]
    fn requests_get_the_chosen_or_the_default_checksum() {
        use RequestChecksumCalculation::{WhenRequired, WhenSupported};
        let on = ResponseChecksumValidation::WhenSupported;
        let mut r = request(b"hello, world");
        add_request_checksums(&mut r, &settings(true, false), WhenSupported, on).unwrap();
        assert_eq!(r.headers.get("x-amz-checksum-crc32"), Some("/6tyOg=="));
        assert_eq!(r.headers.get("x-amz-sdk-checksum-algorithm"), Some("CRC32"));
        assert_eq!(r.headers.get("x-amz-checksum-mode"), Some("ENABLED"));

        let mut r = request(b"abc");
        r.headers.insert("x-amz-sdk-checksum-algorithm", "SHA1");
        add_request_checksums(&mut r, &settings(true, false), WhenRequired, on).unwrap();
        assert_eq!(r.headers.get("x-amz-checksum-sha1"), Some("qZk+NkcGgWq6PiVxeFDCbJzQ2J0="));

        let mut r = request(b"abc");
        add_request_checksums(&mut r, &settings(true, false), WhenRequired, ResponseChecksumValidation::WhenRequired)
            .unwrap();
        assert!(r.headers.is_empty(), "nothing asked for: {:?}", r.headers);

        // A checksum the caller set is kept; an unknown algorithm is an error.
        let mut r = request(b"abc");
        r.headers.insert("x-amz-checksum-crc32", "mine");
        add_request_checksums(&mut r, &settings(true, true), WhenSupported, on).unwrap();
        assert_eq!(r.headers.get("x-amz-checksum-crc32"), Some("mine"));
        let mut r = request(b"abc");
        r.headers.insert("x-amz-sdk-checksum-algorithm", "XXHASH3");
        assert!(add_request_checksums(&mut r, &settings(true, false), WhenSupported, on).is_err());

        // `@httpChecksumRequired` alone: Content-MD5.
        let mut r = request(b"{\"foo\":\"base64 encoded md5 checksum\"}");
        let md5_only =
            ChecksumSettings { request_algorithm_header: None, response_mode_header: None, ..settings(false, true) };
        add_request_checksums(&mut r, &md5_only, WhenRequired, on).unwrap();
        assert_eq!(r.headers.get("Content-MD5"), Some("iB0/3YSo7maijL0IGOgA9g=="));
    }

    #[test]
    fn streams_get_their_checksum_in_a_trailer() {
        use RequestChecksumCalculation::{WhenRequired, WhenSupported};
        let on = ResponseChecksumValidation::WhenSupported;
        let mut r = request(b"");
        r.headers.insert("Content-Encoding", "gzip");
        let algorithm = add_trailing_checksum(&mut r, &settings(true, false), WhenSupported, on, 12).unwrap();
        assert_eq!(algorithm, Some(Algorithm::Crc32));
        let headers = |r: &HttpRequest, names: &[&str]| -> Vec<Option<String>> {
            names.iter().map(|name| r.headers.get(name).map(str::to_owned)).collect()
        };
        let names =
            ["Content-Encoding", "x-amz-decoded-content-length", "x-amz-trailer", "x-amz-sdk-checksum-algorithm"];
        let expected = ["aws-chunked,gzip", "12", "x-amz-checksum-crc32", "CRC32"];
        assert_eq!(headers(&r, &names), expected.map(|v| Some(v.to_owned())));
        assert_eq!(r.headers.get("Content-Length"), Some("53"), "the encoding's length");
        assert_eq!(r.headers.get("x-amz-checksum-mode"), Some("ENABLED"));

        let mut r = request(b"");
        r.headers.insert("x-amz-sdk-checksum-algorithm", "SHA256");
        let algorithm = add_trailing_checksum(&mut r, &settings(true, false), WhenRequired, on, 0).unwrap();
        assert_eq!(algorithm, Some(Algorithm::Sha256));
        assert_eq!(r.headers.get("x-amz-trailer"), Some("x-amz-checksum-sha256"));

        // None asked for, one the caller set, or Content-MD5: the stream goes as it is.
        let names = ["Content-Encoding", "x-amz-trailer", "Content-Length"];
        let mut r = request(b"");
        assert_eq!(add_trailing_checksum(&mut r, &settings(true, false), WhenRequired, on, 5).unwrap(), None);
        let mut preset = request(b"");
        preset.headers.insert("x-amz-checksum-crc32", "mine");
        assert_eq!(add_trailing_checksum(&mut preset, &settings(true, true), WhenSupported, on, 5).unwrap(), None);
        let mut md5 = request(b"");
        assert_eq!(add_trailing_checksum(&mut md5, &settings(false, true), WhenSupported, on, 5).unwrap(), None);
        for r in [&r, &preset, &md5] {
            assert_eq!(headers(r, &names), [None, None, None], "{:?}", r.headers);
        }
        assert!(add_trailing_checksum(&mut request(b""), &settings(true, true), WhenSupported, on, u64::MAX).is_err());
    }

    #[test]
    fn responses_are_validated_when_asked_for() {
        let s = settings(true, false);
        let mut asked = request(b"");
        asked.headers.insert("x-amz-checksum-mode", "ENABLED");
        let response = |name: &'static str, value: &str, body: &[u8]| {
            let mut headers = Headers::new();
            headers.insert(name, value);
            HttpResponse::new(200, headers, body.to_vec())
        };
        let good = response("x-amz-checksum-crc32", "/6tyOg==", b"hello, world");
        assert_eq!(validate_response(&asked, &good, &s), Ok(Some(Algorithm::Crc32)));
        let bad = response("x-amz-checksum-crc32", "/6tyOg==", b"hello, world!");
        assert!(validate_response(&asked, &bad, &s).unwrap_err().to_string().contains("CRC32"));
        // Unlisted algorithms, composite checksums and requests that did not ask pass.
        assert_eq!(validate_response(&asked, &response("x-amz-checksum-sha1", "x", b"a"), &s), Ok(None));
        assert_eq!(validate_response(&asked, &response("x-amz-checksum-crc32", "abc=-3", b"a"), &s), Ok(None));
        assert_eq!(validate_response(&request(b""), &bad, &s), Ok(None));
    }

    #[test]
    fn glacier_uploads_get_their_sha256_and_tree_hash() {
        let glacier = ChecksumSettings {
            flexible: false,
            required: false,
            request_algorithm_header: None,
            response_mode_header: None,
            response_algorithms: &[],
            glacier_tree_hash: true,
        };
        let mut r = request(b"hello world");
        add_request_checksums(
            &mut r,
            &glacier,
            RequestChecksumCalculation::WhenRequired,
            ResponseChecksumValidation::WhenRequired,
        )
        .unwrap();
        // One chunk: the tree hash is the SHA-256 (the values of Smithy's GlacierChecksums case).
        let sha256 = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
        assert_eq!(r.headers.get("X-Amz-Content-Sha256"), Some(sha256));
        assert_eq!(r.headers.get("X-Amz-Sha256-Tree-Hash"), Some(sha256));
        // Three MiB-chunks: hash(hash(h0 h1) h2).
        let body = vec![7u8; (2 << 20) + 5];
        let leaf = |c: &[u8]| -> [u8; 32] { sha2::Sha256::digest(c).into() };
        let (h0, h1, h2) = (leaf(&body[..1 << 20]), leaf(&body[1 << 20..2 << 20]), leaf(&body[2 << 20..]));
        let join = |a: &[u8; 32], b: &[u8; 32]| -> [u8; 32] { sha2::Sha256::digest([&a[..], &b[..]].concat()).into() };
        assert_eq!(tree_hash(&body), join(&join(&h0, &h1), &h2));
    }

    #[tokio::test]
    async fn a_streamed_body_is_validated_as_it_is_read() {
        let settings = ChecksumSettings {
            flexible: true,
            required: false,
            request_algorithm_header: None,
            response_mode_header: Some("x-amz-checksum-mode"),
            response_algorithms: &["CRC32", "SHA256"],
            glacier_tree_hash: false,
        };
        let mut request = HttpRequest::new("GET", "/k");
        request.headers.insert("x-amz-checksum-mode", "ENABLED");
        let head = |checksum: &str| {
            let mut headers = Headers::new();
            headers.insert("x-amz-checksum-crc32", checksum);
            HttpResponse::new(200, headers, Vec::new())
        };
        // In pieces, as a transport hands them over.
        let pieces = |bytes: &'static [u8]| {
            let chunks: Vec<Vec<u8>> = bytes.chunks(3).map(<[u8]>::to_vec).collect();
            ByteStream::from_source(Pieces(chunks.into_iter()), Some(bytes.len() as u64))
        };
        let good = Algorithm::Crc32.checksum(b"hello, world");
        let read = validating_stream(&request, &head(&good), &settings, pieces(b"hello, world")).collect().await;
        assert_eq!(read.expect("a good body").into_bytes(), b"hello, world");
        let damaged = validating_stream(&request, &head(&good), &settings, pieces(b"hello, wor1d")).collect().await;
        let error = damaged.expect_err("a damaged body");
        let cause = std::error::Error::source(&error).map(ToString::to_string).unwrap_or_default();
        assert!(cause.contains("CRC32 checksum"), "{error}: {cause}");
        // Not asked for: passed through as it is.
        let unasked =
            validating_stream(&HttpRequest::new("GET", "/k"), &head(&good), &settings, pieces(b"x")).collect();
        assert_eq!(unasked.await.expect("not validated").into_bytes(), b"x");
    }

    struct Pieces(std::vec::IntoIter<Vec<u8>>);

    impl ChunkSource for Pieces {
        fn poll_chunk(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<io::Result<Vec<u8>>>> {
            Poll::Ready(self.0.next().map(Ok))
        }
    }
}
