//! awsQuery and ec2Query: the form-urlencoded request body ([`QueryWriter`]) and where in an
//! XML response the output's members are ([`enter_result`], [`leave_result`]); their errors are
//! read with [`crate::xml::enter_error`] and [`crate::xml::error_metadata`].
//!
//! awsQuery wraps an output as `<{Op}Response><{Op}Result>...</{Op}Result>` with a
//! `<ResponseMetadata>` beside it, and an error as
//! `<ErrorResponse><Error><Type/><Code/><Message/>...</Error><RequestId/></ErrorResponse>`;
//! ec2Query puts the output's members straight in `<{Op}Response>` and an error in
//! `<Response><Errors><Error><Code/><Message/>...</Error></Errors><RequestID/></Response>`.

use crate::http::percent_encode;
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
/// w.pair(&QueryWriter::member(&QueryWriter::indexed("Tags", "member", 1), "Key"), "team");
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

    /// `{prefix}.{name}`: the key of a structure's member (or a map entry's key or value).
    pub fn member(prefix: &str, name: &str) -> String {
        let mut key = String::with_capacity(prefix.len() + 1 + name.len());
        key.push_str(prefix);
        key.push('.');
        key.push_str(name);
        key
    }

    /// `{prefix}.{segment}.{index}`, or `{prefix}.{index}` when `segment` is empty (a flattened
    /// list or map, and every ec2Query list): the key of a list's item or a map's entry,
    /// counted from 1 as the protocols do.
    pub fn indexed(prefix: &str, segment: &str, index: usize) -> String {
        let mut key = String::with_capacity(prefix.len() + segment.len() + 8);
        key.push_str(prefix);
        key.push('.');
        if !segment.is_empty() {
            key.push_str(segment);
            key.push('.');
        }
        key.push_str(&index.to_string());
        key
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

/// Leaves the element [`enter_result`] entered, once its members are read: passes over what
/// follows it in `<{operation}Response>` (awsQuery's `ResponseMetadata`) and checks the document
/// ends there.
pub fn leave_result(r: &mut XmlReader<'_>, dialect: Dialect) -> Result<(), XmlError> {
    if dialect == Dialect::AwsQuery {
        while r.next_child()?.is_some() {
            r.skip()?;
        }
    }
    r.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_form_pairs_percent_encoded() {
        let mut w = QueryWriter::new("Send Message", "2012-11-05");
        w.pair("Attribute.1.Name", "a=b&c+d/é");
        w.empty("Entries");
        w.pair(&QueryWriter::indexed("Values", "", 2), "~x_y-z.");
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
    fn leaves_the_result_through_the_metadata() {
        let body = "<AResponse><AResult><X>1</X></AResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AResponse>";
        let mut r = XmlReader::new(body.as_bytes());
        enter_result(&mut r, "A", Dialect::AwsQuery).unwrap();
        while r.next_child().unwrap().is_some() {
            r.skip().unwrap();
        }
        leave_result(&mut r, Dialect::AwsQuery).unwrap();
    }
}
