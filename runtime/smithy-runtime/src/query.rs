//! awsQuery and ec2Query: the form-urlencoded request body ([`QueryWriter`]), where in an XML
//! response the output's members are ([`enter_result`]), and the error's ([`enter_error`],
//! [`error_metadata`]).
//!
//! awsQuery wraps an output as `<{Op}Response><{Op}Result>...</{Op}Result>` with a
//! `<ResponseMetadata>` beside it, and an error as
//! `<ErrorResponse><Error><Type/><Code/><Message/>...</Error><RequestId/></ErrorResponse>`;
//! ec2Query puts the output's members straight in `<{Op}Response>` and an error in
//! `<Response><Errors><Error><Code/><Message/>...</Error></Errors><RequestID/></Response>`.

use crate::error::ErrorMetadata;
use crate::http::{percent_encode, HttpResponse};
use crate::xml::{XmlError, XmlReader};

/// Which of the two query protocols a response speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// awsQuery.
    AwsQuery,
    /// ec2Query.
    Ec2Query,
}

/// Writes `Action={action}&Version={version}` and then each `name=value` pair, both
/// percent-encoded (RFC 3986's unreserved characters kept, so a space is `%20`).
///
/// ```
/// # use smithy_runtime::query::QueryWriter;
/// let mut w = QueryWriter::new("AssumeRole", "2011-06-15");
/// w.pair("RoleArn", "arn:aws:iam::123456789012:role/a b");
/// w.pair(&QueryWriter::key("Tags.member", 1, "Key"), "team");
/// assert_eq!(
///     w.finish(),
///     "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fa%20b&Tags.member.1.Key=team"
/// );
/// ```
#[derive(Clone, Debug)]
pub struct QueryWriter {
    out: String,
}

impl QueryWriter {
    /// A body for the operation `action` of the API version `version`.
    pub fn new(action: &str, version: &str) -> Self {
        let mut writer = QueryWriter { out: String::with_capacity(64) };
        writer.out.push_str("Action=");
        writer.out.push_str(&percent_encode(action.as_bytes(), false));
        writer.pair("Version", version);
        writer
    }

    /// Appends `&name=value`.
    pub fn pair(&mut self, name: &str, value: &str) {
        self.out.push('&');
        self.out.push_str(&percent_encode(name.as_bytes(), false));
        self.out.push('=');
        self.out.push_str(&percent_encode(value.as_bytes(), false));
    }

    /// Appends `&name=`, as an empty list or an unset structure is sent.
    pub fn empty(&mut self, name: &str) {
        self.out.push('&');
        self.out.push_str(&percent_encode(name.as_bytes(), false));
        self.out.push('=');
    }

    /// `{prefix}.{index}.{name}` (no trailing part when `name` is empty): the key of a member of
    /// a list's or map's `index`th entry, counted from 1 as the protocols do.
    pub fn key(prefix: &str, index: usize, name: &str) -> String {
        if name.is_empty() {
            format!("{prefix}.{index}")
        } else {
            format!("{prefix}.{index}.{name}")
        }
    }

    /// The body.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Moves the reader into the element holding an output's members: awsQuery's
/// `<{operation}Response><{operation}Result>`, or ec2Query's `<{operation}Response>`. An
/// awsQuery response without a result element (an operation with no output members) leaves the
/// reader at the response's end, so the caller's loop over children reads nothing.
pub fn enter_result(r: &mut XmlReader<'_>, operation: &str, dialect: Dialect) -> Result<(), XmlError> {
    let root = r.root()?;
    let response = format!("{operation}Response");
    if root.name() != response {
        return Err(XmlError::new(format!("expected a `{response}` element, found `{}`", root.name())));
    }
    if dialect == Dialect::Ec2Query {
        return Ok(());
    }
    let result = format!("{operation}Result");
    while let Some(child) = r.next_child()? {
        if child.name() == result {
            return Ok(());
        }
        // `ResponseMetadata`, or anything else beside the result.
        r.skip()?;
    }
    Err(XmlError::new(format!("a `{response}` without a `{result}` element")))
}

/// An error response's root element and the elements from it down to `<Error>`.
fn error_path(dialect: Dialect) -> (&'static str, &'static [&'static str]) {
    match dialect {
        Dialect::AwsQuery => ("ErrorResponse", &["Error"]),
        Dialect::Ec2Query => ("Response", &["Errors", "Error"]),
    }
}

/// Moves the reader into an error response's `<Error>` element, whose children are the error's
/// code, message and members.
pub fn enter_error(r: &mut XmlReader<'_>, dialect: Dialect) -> Result<(), XmlError> {
    let (root, path) = error_path(dialect);
    let element = r.root()?;
    if element.name() != root {
        return Err(XmlError::new(format!("expected an `{root}` element, found `{}`", element.name())));
    }
    'levels: for name in path {
        while let Some(child) = r.next_child()? {
            if child.name() == *name {
                continue 'levels;
            }
            r.skip()?;
        }
        return Err(XmlError::new(format!("an error response without its `{name}` element")));
    }
    Ok(())
}

/// The metadata of an error response: `Code` and `Message` of its `<Error>` (awsQuery's `Type`,
/// `Sender` or `Receiver`, as the `type` extra), the request id from the body's
/// `RequestId`/`RequestID` or else the `x-amzn-requestid` header, and the status. A body that
/// does not read as an error gives whatever was found before it went wrong.
pub fn error_metadata(response: &HttpResponse, dialect: Dialect) -> ErrorMetadata {
    let mut found = ErrorFields::default();
    let mut r = XmlReader::new(&response.body);
    let (root_name, path) = error_path(dialect);
    let _ = (|| -> Result<(), XmlError> {
        let in_wrapper = r.root()?.name() == root_name;
        while let Some(child) = r.next_child()? {
            match child.name() {
                "RequestId" | "RequestID" => found.request_id = Some(r.text()?.into_owned()),
                name if in_wrapper && path.first() == Some(&name) => found.read(&mut r, &path[1..])?,
                _ => r.skip()?,
            }
        }
        Ok(())
    })();
    let mut meta = ErrorMetadata::builder().status(response.status);
    if let Some(code) = found.code.filter(|c| !c.is_empty()) {
        meta = meta.code(code);
    }
    if let Some(message) = found.message {
        meta = meta.message(message);
    }
    if let Some(kind) = found.kind {
        meta = meta.custom("type", kind);
    }
    if let Some(id) = found.request_id.as_deref().or_else(|| response.headers.get("x-amzn-requestid")) {
        meta = meta.request_id(id);
    }
    meta.build()
}

/// What an error response's body says of the error.
#[derive(Default)]
struct ErrorFields {
    code: Option<String>,
    message: Option<String>,
    kind: Option<String>,
    request_id: Option<String>,
}

impl ErrorFields {
    /// Reads `Code`, `Message` and `Type` from the `<Error>` that `path` leads to from the
    /// element just entered (the first one, where ec2Query's `<Errors>` holds several).
    fn read(&mut self, r: &mut XmlReader<'_>, path: &[&str]) -> Result<(), XmlError> {
        if let Some((next, rest)) = path.split_first() {
            let mut first = true;
            while let Some(child) = r.next_child()? {
                if child.name() == *next && std::mem::take(&mut first) {
                    self.read(r, rest)?;
                } else {
                    r.skip()?;
                }
            }
            return Ok(());
        }
        while let Some(child) = r.next_child()? {
            // Codes and fault types are tokens, so whitespace around them is formatting;
            // messages are kept as sent.
            let trim = child.name() != "Message";
            let slot = match child.name() {
                "Code" => &mut self.code,
                "Message" => &mut self.message,
                "Type" => &mut self.kind,
                _ => {
                    r.skip()?;
                    continue;
                }
            };
            let text = r.text()?;
            *slot = Some(if trim { text.trim().to_owned() } else { text.into_owned() });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Headers;

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(status, Headers::new(), body.as_bytes().to_vec())
    }

    #[test]
    fn writes_form_pairs_percent_encoded() {
        let mut w = QueryWriter::new("Send Message", "2012-11-05");
        w.pair("Attribute.1.Name", "a=b&c+d/é");
        w.empty("Entries");
        w.pair(&QueryWriter::key("Values", 2, ""), "~x_y-z.");
        assert_eq!(
            w.finish(),
            "Action=Send%20Message&Version=2012-11-05&Attribute.1.Name=a%3Db%26c%2Bd%2F%C3%A9&Entries=&Values.2=~x_y-z."
        );
    }

    #[test]
    fn finds_the_result_element() {
        let aws = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
            <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>\
            <GetCallerIdentityResult><Account>123</Account></GetCallerIdentityResult>\
            </GetCallerIdentityResponse>";
        let mut r = XmlReader::new(aws.as_bytes());
        enter_result(&mut r, "GetCallerIdentity", Dialect::AwsQuery).unwrap();
        assert_eq!(r.next_child().unwrap().map(|e| e.name().to_owned()).as_deref(), Some("Account"));
        assert_eq!(r.text().unwrap(), "123");
        let ec2 = "<DescribeThingsResponse><requestId>r</requestId><thing>x</thing></DescribeThingsResponse>";
        let mut r = XmlReader::new(ec2.as_bytes());
        enter_result(&mut r, "DescribeThings", Dialect::Ec2Query).unwrap();
        assert_eq!(r.next_child().unwrap().map(|e| e.name().to_owned()).as_deref(), Some("requestId"));

        let mut r = XmlReader::new(b"<OtherResponse/>");
        assert!(enter_result(&mut r, "GetCallerIdentity", Dialect::AwsQuery).is_err());
        let mut r = XmlReader::new(b"<GetCallerIdentityResponse><ResponseMetadata/></GetCallerIdentityResponse>");
        assert!(enter_result(&mut r, "GetCallerIdentity", Dialect::AwsQuery).is_err());
    }

    #[test]
    fn aws_query_errors() {
        let body = "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameterValue</Code>\
            <Message>bad &amp; wrong</Message><Extra>1</Extra></Error><RequestId>req-1</RequestId></ErrorResponse>";
        let meta = error_metadata(&response(400, body), Dialect::AwsQuery);
        assert_eq!(meta.code(), Some("InvalidParameterValue"));
        assert_eq!(meta.message(), Some("bad & wrong"));
        assert_eq!(meta.extra("type"), Some("Sender"));
        assert_eq!(meta.request_id(), Some("req-1"));
        assert_eq!(meta.status(), Some(400));
        let mut r = XmlReader::new(body.as_bytes());
        enter_error(&mut r, Dialect::AwsQuery).unwrap();
        let names: Vec<String> = std::iter::from_fn(|| {
            let name = r.next_child().unwrap()?.name().to_owned();
            r.skip().unwrap();
            Some(name)
        })
        .collect();
        assert_eq!(names, ["Type", "Code", "Message", "Extra"]);
    }

    #[test]
    fn ec2_query_errors() {
        let body = "<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>gone</Message></Error>\
            <Error><Code>Second</Code></Error></Errors><RequestID>req-2</RequestID></Response>";
        let meta = error_metadata(&response(400, body), Dialect::Ec2Query);
        assert_eq!(meta.code(), Some("InvalidInstanceID.NotFound"));
        assert_eq!(meta.message(), Some("gone"));
        assert_eq!(meta.request_id(), Some("req-2"));
        let mut r = XmlReader::new(body.as_bytes());
        enter_error(&mut r, Dialect::Ec2Query).unwrap();
        assert_eq!(r.next_child().unwrap().map(|e| e.name().to_owned()).as_deref(), Some("Code"));
    }

    #[test]
    fn unreadable_error_bodies_keep_what_was_found() {
        let mut headers = Headers::new();
        headers.insert("x-amzn-requestid", "from-header");
        let html = HttpResponse::new(503, headers, b"<html><body>Service Unavailable".to_vec());
        let meta = error_metadata(&html, Dialect::AwsQuery);
        assert_eq!((meta.code(), meta.request_id(), meta.status()), (None, Some("from-header"), Some(503)));
        let truncated = "<ErrorResponse><Error><Code>Throttling</Code><Message>slow do";
        let meta = error_metadata(&response(400, truncated), Dialect::AwsQuery);
        assert_eq!(meta.code(), Some("Throttling"));
        assert_eq!(error_metadata(&response(400, ""), Dialect::Ec2Query).code(), None);
        // The dialect decides which wrapper counts.
        let aws = "<ErrorResponse><Error><Code>C</Code></Error></ErrorResponse>";
        assert_eq!(error_metadata(&response(400, aws), Dialect::Ec2Query).code(), None);
        let mut r = XmlReader::new(b"<Response><Errors></Errors></Response>");
        assert!(enter_error(&mut r, Dialect::Ec2Query).is_err());
    }
}
