//! SHA-256 and HMAC-SHA256 for signing, from ring: the default transport's TLS (rustls in
//! `smithy-config`) is built on ring, so a client's signing compiles no crate of its own
//! (RustCrypto's sha2 and hmac were nine, `cargo xtask bench`'s clean builds say what that
//! saves).

use ring::{digest, hmac};

/// The SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    bytes(digest::digest(&digest::SHA256, data).as_ref())
}

/// SHA-256 over data that comes in pieces.
pub(crate) struct Sha256(digest::Context);

impl Sha256 {
    pub(crate) fn new() -> Self {
        Sha256(digest::Context::new(&digest::SHA256))
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    pub(crate) fn finish(self) -> [u8; 32] {
        bytes(self.0.finish().as_ref())
    }
}

/// The HMAC-SHA256 of `data` under `key` (a key of any length).
pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    bytes(hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data).as_ref())
}

/// A 32-byte output as an array (SHA-256's always is).
fn bytes(output: &[u8]) -> [u8; 32] {
    output.try_into().unwrap_or([0; 32])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primitives::hex;

    #[test]
    fn sha256_matches_fips_180_vectors() {
        assert_eq!(hex(&sha256(b"")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(hex(&sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let mut pieces = Sha256::new();
        for piece in [&b"ab"[..], b"", b"c"] {
            pieces.update(piece);
        }
        assert_eq!(pieces.finish(), sha256(b"abc"));
    }

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        // Test cases 1 and 6 (a key longer than the block, hashed first).
        assert_eq!(
            hex(&hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex(&hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }
}
