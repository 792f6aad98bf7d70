//! `CborReader` and `parse` on any bytes: no panic, skipping accepts exactly what parsing
//! accepts, and a deserializer-shaped walk reads what it is given or fails.
#![no_main]

#[macro_use]
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use smithy_runtime::cbor::{parse, CborError, CborReader};
use smithy_runtime::primitives::Format;

member_fn!(CborReader, CborError, Format::EpochSeconds);

fuzz_target!(|data: &[u8]| {
    let tree = parse(data);
    let mut r = CborReader::new(data);
    let skipped = r.skip().and_then(|()| r.finish());
    assert_eq!(tree.is_ok(), skipped.is_ok(), "parse and skip disagree: {tree:?} / {skipped:?}");

    let mut r = CborReader::body(data);
    let _ = (|| {
        r.begin_object()?;
        while let Some(key) = r.next_key()? {
            member(&mut r, &key)?;
        }
        r.finish()
    })();
});
