//! The XML protocols' response readers on any body: the error metadata of each error layout
//! (awsQuery and restXml, ec2Query, S3's bare `<Error>`), and the `<Error>` and `<{Op}Result>`
//! elements found and read to their end, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smithy_runtime::http::{Headers, HttpResponse};
use smithy_runtime::query::{enter_result, Dialect};
use smithy_runtime::xml::{enter_error, error_metadata, ErrorLayout, XmlError, XmlReader};

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
    for layout in [ErrorLayout::Wrapped, ErrorLayout::Ec2, ErrorLayout::Bare] {
        let meta = error_metadata(&response, layout);
        assert_eq!(meta.status(), Some(400));
        let mut r = XmlReader::new(data);
        let _ = enter_error(&mut r, layout).and_then(|()| members(&mut r));
    }
    for dialect in [Dialect::AwsQuery, Dialect::Ec2Query] {
        let mut r = XmlReader::new(data);
        let _ = enter_result(&mut r, "GetCallerIdentity", dialect)
            .and_then(|()| members(&mut r))
            .and_then(|()| smithy_runtime::query::leave_result(&mut r, dialect));
    }
});
