//! The awsQuery and ec2Query response readers on any body: the error metadata, and the
//! `<Error>` and `<{Op}Result>` elements found and read to their end, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smithy_runtime::http::{Headers, HttpResponse};
use smithy_runtime::query::{enter_error, enter_result, error_metadata, Dialect};
use smithy_runtime::xml::{XmlError, XmlReader};

/// Reads every child of the element just entered as text, or skips it when it has children.
fn members(r: &mut XmlReader<'_>) -> Result<(), XmlError> {
    while let Some(child) = r.next_child()? {
        if child.name().len() % 2 == 0 {
            r.text()?;
        } else {
            r.skip()?;
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let response = HttpResponse::new(400, Headers::new(), data.to_vec());
    for dialect in [Dialect::AwsQuery, Dialect::Ec2Query] {
        let meta = error_metadata(&response, dialect);
        assert_eq!(meta.status(), Some(400));
        let mut r = XmlReader::new(data);
        let _ = enter_error(&mut r, dialect).and_then(|()| members(&mut r));
        let mut r = XmlReader::new(data);
        let _ = enter_result(&mut r, "GetCallerIdentity", dialect).and_then(|()| members(&mut r));
    }
});
