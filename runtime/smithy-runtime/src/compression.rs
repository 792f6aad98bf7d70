//! `@requestCompression`: request bodies of the operations that allow it are sent gzipped once
//! they reach a minimum size, as AWS SDKs do (the client turns it off with
//! `disable_request_compression` and sets the size with `request_min_compression_size_bytes`).

use std::io::Write as _;

use crate::http::HttpRequest;

/// The smallest body AWS SDKs compress by default, in bytes.
pub const DEFAULT_MIN_COMPRESSION_SIZE_BYTES: u32 = 10_240;

/// The encodings of `@requestCompression` this crate can apply.
const SUPPORTED: &[&str] = &["gzip"];

/// Compresses `request`'s body with the first of `encodings` (the operation's, in its order of
/// preference) this crate supports, when the body is at least `min_size` bytes: the encoding is
/// appended to `Content-Encoding` (after any the request already has) and `Content-Length`
/// follows the new body. Otherwise the request is left as it is.
pub fn compress(request: &mut HttpRequest, encodings: &[&str], min_size: u32) -> std::io::Result<()> {
    let Some(encoding) = encodings.iter().copied().find(|e| SUPPORTED.contains(e)) else { return Ok(()) };
    if (request.body.len() as u64) < u64::from(min_size) {
        return Ok(());
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&request.body)?;
    request.body = encoder.finish()?;
    let value = match request.headers.get("Content-Encoding") {
        Some(existing) if !existing.trim().is_empty() => format!("{existing}, {encoding}"),
        _ => encoding.to_owned(),
    };
    request.headers.insert("Content-Encoding", value);
    if request.headers.contains("Content-Length") {
        request.headers.insert("Content-Length", request.body.len().to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;
    use crate::http::Headers;

    fn request(body: &[u8], encoding: Option<&str>) -> HttpRequest {
        let mut headers = Headers::new();
        headers.insert("Content-Length", body.len().to_string());
        if let Some(encoding) = encoding {
            headers.insert("Content-Encoding", encoding);
        }
        HttpRequest { method: "POST".into(), uri: "/".into(), headers, body: body.to_vec() }
    }

    fn gunzip(body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(body).read_to_end(&mut out).expect("gzip");
        out
    }

    #[test]
    fn bodies_from_the_minimum_size_are_gzipped_and_the_headers_follow() {
        let body = b"abc".repeat(4000);
        let mut r = request(&body, Some("custom"));
        compress(&mut r, &["gzip"], DEFAULT_MIN_COMPRESSION_SIZE_BYTES).unwrap();
        assert_eq!(r.headers.get("Content-Encoding"), Some("custom, gzip"));
        assert_eq!(r.headers.get("Content-Length"), Some(r.body.len().to_string().as_str()));
        assert!(r.body.len() < body.len());
        assert_eq!(gunzip(&r.body), body);
    }

    #[test]
    fn small_bodies_and_unknown_encodings_are_left_alone() {
        let mut small = request(b"{}", None);
        compress(&mut small, &["gzip"], DEFAULT_MIN_COMPRESSION_SIZE_BYTES).unwrap();
        assert_eq!((small.body.as_slice(), small.headers.get("Content-Encoding")), (&b"{}"[..], None));
        let mut unknown = request(&[0; 20_000], None);
        compress(&mut unknown, &["zstd"], 0).unwrap();
        assert_eq!(unknown.body.len(), 20_000);
        assert_eq!(unknown.headers.get("Content-Encoding"), None);
    }
}
