//! What the JSON and CBOR targets share: their readers take the same calls.

/// `fn member(r, key)`: reads the value at the cursor with the call a member of the key's first
/// byte would get, nested objects and lists included, the way generated deserializers do.
macro_rules! member_fn {
    ($reader:ident, $error:ty, $format:expr) => {
        fn member(r: &mut $reader<'_>, key: &str) -> Result<(), $error> {
            match key.bytes().next().unwrap_or(0) % 12 {
                0 => r.string().map(drop),
                1 => r.i32().map(drop),
                2 => r.f64().map(drop),
                3 => r.bool().map(drop),
                4 => r.blob().map(drop),
                5 => r.timestamp($format).map(drop),
                6 => r.document().map(drop),
                7 => r.number_text().map(drop),
                8 => {
                    r.begin_array()?;
                    while r.next_item()? {
                        r.string()?;
                    }
                    Ok(())
                }
                9 => {
                    r.begin_object()?;
                    while let Some(key) = r.next_key()? {
                        member(r, key.get(1..).unwrap_or_default())?;
                    }
                    Ok(())
                }
                10 => {
                    r.begin_array()?;
                    while r.next_sparse_item()? {
                        if !r.take_null()? {
                            r.i64()?;
                        }
                    }
                    Ok(())
                }
                _ => r.skip(),
            }
        }
    };
}
