//! `JsonReader` and `parse` on any bytes: no panic, skipping accepts exactly what parsing
//! accepts, and a deserializer-shaped walk reads what it is given or fails inside the input.
#![no_main]

#[macro_use]
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use smithy_runtime::json::{parse, JsonError, JsonReader};
use smithy_runtime::primitives::Format;

member_fn!(JsonReader, JsonError, Format::DateTime);

fuzz_target!(|data: &[u8]| {
    let tree = parse(data);
    let mut r = JsonReader::new(data);
    let skipped = r.skip().and_then(|()| r.finish());
    assert_eq!(tree.is_ok(), skipped.is_ok(), "parse and skip disagree: {tree:?} / {skipped:?}");

    let mut r = JsonReader::body(data);
    let walked = (|| {
        r.begin_object()?;
        while let Some(key) = r.next_key()? {
            member(&mut r, &key)?;
        }
        r.finish()
    })();
    if let Err(e) = walked {
        assert!(e.offset().is_some_and(|o| o <= data.len().max(2)), "{e}");
    }
});
