//! The JSON and CBOR error readers on any body, with the error headers the protocols read: no
//! panic, and a code, when found, is sanitized as the spec says (what follows the first `#`, cut
//! at the first `:`, so never a `:`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use smithy_runtime::http::{Headers, HttpResponse};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the status and whether an `X-Amzn-Errortype` header is sent (taken
    // from the next bytes, up to a NUL).
    let Some((&first, rest)) = data.split_first() else { return };
    let mut headers = Headers::new();
    let body = match rest.iter().position(|&b| b == 0) {
        Some(end) if first & 1 == 1 => {
            headers.insert("X-Amzn-Errortype", String::from_utf8_lossy(&rest[..end]).into_owned());
            &rest[end + 1..]
        }
        _ => rest,
    };
    let response = HttpResponse::new(400 + u16::from(first % 200), headers, body.to_vec());
    for meta in [smithy_runtime::rest_json::error_metadata(&response), smithy_runtime::cbor::error_metadata(&response)]
    {
        if let Some(code) = meta.code() {
            assert!(!code.is_empty() && !code.contains(':'), "{code:?}");
        }
        assert_eq!(meta.status(), Some(response.status));
    }
});
