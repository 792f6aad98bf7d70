//! `x-amz-crc32`: the CRC-32 (IEEE) of the response body that DynamoDB sends with every
//! response. A body that does not match was damaged on the way; the orchestrator retries it as
//! an I/O failure rather than parse it, as AWS SDKs do for DynamoDB.

use std::fmt;

use crate::http::HttpResponse;

/// The header DynamoDB puts the body's CRC-32 in, as a decimal number.
const HEADER: &str = "x-amz-crc32";

/// Checks `response`'s body against its `x-amz-crc32` header; a response without one passes.
pub(crate) fn verify(response: &HttpResponse) -> Result<(), ChecksumMismatch> {
    let Some(header) = response.headers.get(HEADER) else { return Ok(()) };
    let actual = crc32fast::hash(&response.body);
    match header.trim().parse::<u32>() {
        Ok(expected) if expected == actual => Ok(()),
        _ => Err(ChecksumMismatch { header: header.to_owned(), actual }),
    }
}

/// A response body whose CRC-32 is not the one its `x-amz-crc32` header gives.
#[derive(Debug)]
pub struct ChecksumMismatch {
    header: String,
    actual: u32,
}

impl fmt::Display for ChecksumMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the response body's CRC-32 is {}, but its {HEADER} header says {:?}", self.actual, self.header)
    }
}

impl std::error::Error for ChecksumMismatch {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Headers;

    fn response(header: Option<&str>, body: &[u8]) -> HttpResponse {
        let mut headers = Headers::new();
        if let Some(value) = header {
            headers.insert(HEADER, value);
        }
        HttpResponse::new(200, headers, body.to_vec())
    }

    #[test]
    fn a_matching_or_absent_header_passes_and_any_other_fails() {
        // The CRC-32 of "123456789" is the standard check value, 0xCBF43926.
        assert!(verify(&response(Some("3421780262"), b"123456789")).is_ok());
        assert!(verify(&response(None, b"anything")).is_ok());
        let wrong = verify(&response(Some("3421780263"), b"123456789")).expect_err("one off");
        assert!(wrong.to_string().contains("3421780262"), "{wrong}");
        assert!(verify(&response(Some("not a number"), b"123456789")).is_err());
        assert!(verify(&response(Some("0"), b"")).is_ok(), "an empty body's CRC-32 is 0");
    }
}
