//! SigV4a, which Multi-Region Access Points require: SigV4's canonical request (with the Regions
//! it is valid in, `x-amz-region-set`) signed with ECDSA over P-256 and SHA-256, by a key derived
//! from the secret key rather than per Region, so one signature holds in every Region of the set.
//!
//! The key is the one AWS SDKs derive (NIST SP 800-108's counter mode with HMAC-SHA256 over
//! `AWS4A` and the secret, retried with the next counter until it falls below the group order);
//! the nonce is RFC 6979's, so a signature is deterministic. Checked against the official
//! `aws-signing-test-suite/v4a` in `tests/sigv4a_suite.rs`.

use p256::ecdsa::signature::hazmat::PrehashSigner;
use p256::ecdsa::{Signature, SigningKey};

use crate::digest::{hmac_sha256, sha256};
use crate::http::HttpRequest;
use crate::primitives::hex;
use crate::sigv4::{authorization, canonical, string_to_sign, Signed, SigningError, SigningErrorKind, SigningParams};

const ALGORITHM: &str = "AWS4-ECDSA-P256-SHA256";

/// P-256's group order minus two, big-endian: a derived key at or below it is used (plus one).
const ORDER_MINUS_2: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa,
    0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x4f,
];

/// Signs in place for the Regions `region_set` (comma-separated, or `*`): adds `x-amz-date`,
/// `x-amz-region-set`, `x-amz-security-token` (with a session token) and `authorization`, as
/// [`crate::sigv4::sign`] does; `params.region` is not used.
pub fn sign(request: &mut HttpRequest, params: &SigningParams<'_>, region_set: &str) -> Result<Signed, SigningError> {
    request.headers.insert("x-amz-region-set", region_set.to_owned());
    let canonical = canonical(request, params)?;
    let date = canonical.amz_date.get(..8).unwrap_or_default();
    let scope = [date, "/", params.service, "/aws4_request"].concat();
    let string_to_sign = string_to_sign(ALGORITHM, &canonical.amz_date, &scope, &canonical.canonical_request);
    let key = signing_key(params.access_key_id, params.secret_access_key)?;
    let digest = sha256(string_to_sign.as_bytes());
    let signature: Signature =
        key.sign_prehash(&digest).map_err(|_| SigningError { kind: SigningErrorKind::NoSigV4aKey })?;
    let signature = hex(signature.to_der().as_bytes());
    let header = authorization(ALGORITHM, params, &scope, &canonical.signed_headers, &signature);
    request.headers.insert("authorization", header);
    Ok(Signed { canonical_request: canonical.canonical_request, string_to_sign, signature })
}

/// The ECDSA key of the credentials: the first counter (from 1) whose HMAC-SHA256 of the key
/// derivation's fixed input is at most the group order minus two gives it, plus one.
pub(crate) fn signing_key(access_key_id: &str, secret_access_key: &str) -> Result<SigningKey, SigningError> {
    let input_key = ["AWS4A", secret_access_key].concat();
    for counter in 1..=u8::MAX {
        // The counter of the one 256-bit block, the label, a zero, the context (the access key
        // and this attempt's counter) and the output length in bits.
        let mut fixed = Vec::with_capacity(4 + ALGORITHM.len() + 1 + access_key_id.len() + 1 + 4);
        fixed.extend_from_slice(&1u32.to_be_bytes());
        fixed.extend_from_slice(ALGORITHM.as_bytes());
        fixed.push(0);
        fixed.extend_from_slice(access_key_id.as_bytes());
        fixed.push(counter);
        fixed.extend_from_slice(&256u32.to_be_bytes());
        let candidate = hmac_sha256(input_key.as_bytes(), &fixed);
        if candidate <= ORDER_MINUS_2 {
            let mut scalar = candidate;
            // At most the order minus one: no carry leaves the top byte.
            for byte in scalar.iter_mut().rev() {
                let (sum, carry) = byte.overflowing_add(1);
                *byte = sum;
                if !carry {
                    break;
                }
            }
            return SigningKey::from_bytes(&scalar.into())
                .map_err(|_| SigningError { kind: SigningErrorKind::NoSigV4aKey });
        }
    }
    Err(SigningError { kind: SigningErrorKind::NoSigV4aKey })
}
