//! `XmlReader` on any bytes: no panic, errors inside the input, and a deserializer-shaped walk
//! (text for some children, attributes, skipping for others) reads what it is given or fails.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smithy_runtime::xml::{XmlError, XmlReader};

/// Reads the children of the element just entered: text, a nested walk, or a skip, by name.
fn children(r: &mut XmlReader<'_>, depth: usize) -> Result<(), XmlError> {
    while let Some(child) = r.next_child()? {
        let name = child.name().to_owned();
        child.attribute(&name)?;
        match name.len() % 3 {
            0 => {
                r.text()?;
            }
            1 if depth < 8 => children(r, depth + 1)?,
            _ => r.skip()?,
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut r = XmlReader::new(data);
    let walked = (|| {
        let root = r.root()?;
        root.attribute("xmlns")?;
        children(&mut r, 0)?;
        r.finish()
    })();
    if let Err(e) = walked {
        assert!(e.offset().map_or(true, |o| o <= data.len() as u64), "{e}");
    }
});
