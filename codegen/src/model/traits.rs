//! Traits, parsed once into typed fields. Traits the generator does not interpret are kept as
//! node values in [`Traits::other`], never rejected.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::ShapeId;

/// A Smithy node value (trait values, defaults, metadata).
pub type Node = Value;

/// The traits applied to one shape or member.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Traits {
    pub documentation: Option<String>,
    pub title: Option<String>,
    pub deprecated: Option<Deprecated>,
    pub sensitive: bool,

    // Nullability and defaults.
    pub required: bool,
    pub default: Option<Node>,
    pub client_optional: bool,
    pub added_default: bool,
    /// IDL 1.0 `@box`.
    pub boxed: bool,

    // Type refinement.
    pub sparse: bool,
    pub unique_items: bool,
    pub enum_value: Option<EnumValue>,
    /// IDL 1.0 `@enum` on a string shape.
    pub enum_definitions: Option<Vec<EnumDefinition>>,
    pub input: bool,
    pub output: bool,
    pub error: Option<ErrorFault>,
    pub mixin: Option<Mixin>,
    pub unit_type: bool,
    pub media_type: Option<String>,
    pub timestamp_format: Option<TimestampFormat>,
    pub streaming: bool,
    /// `@requiresLength` (on a streaming blob): its length must be known before it is sent.
    pub requires_length: bool,
    /// `@eventHeader`: an event member carried in a header of the event's message.
    pub event_header: bool,
    /// `@eventPayload`: the event member that is the whole payload of the event's message.
    pub event_payload: bool,

    // Behaviour.
    pub readonly: bool,
    pub idempotent: bool,
    pub idempotency_token: bool,
    pub retryable: Option<Retryable>,
    pub paginated: Option<Paginated>,
    /// `@smithy.waiters#waitable`: the operation's waiters, by name.
    pub waitable: BTreeMap<String, Waiter>,

    // HTTP bindings and protocols.
    pub http: Option<Http>,
    /// `@requestCompression`: the encodings the operation's requests may use, by preference.
    pub request_compression: Option<RequestCompression>,
    pub http_error: Option<u16>,
    pub http_label: bool,
    pub http_query: Option<String>,
    pub http_query_params: bool,
    pub http_header: Option<String>,
    pub http_prefix_headers: Option<String>,
    pub http_payload: bool,
    pub http_response_code: bool,
    pub json_name: Option<String>,
    /// `@xmlName`: an element's (or attribute's) name, or a shape's as a document's root.
    pub xml_name: Option<String>,
    pub xml_attribute: bool,
    pub xml_flattened: bool,
    pub xml_namespace: Option<XmlNamespace>,
    /// `aws.protocols#ec2QueryName`: an ec2Query request key.
    pub ec2_query_name: Option<String>,
    /// `aws.protocols#awsQueryError`: an error's code (and status) in awsQuery.
    pub aws_query_error: Option<AwsQueryError>,
    /// `aws.protocols#restXml`'s `noErrorWrapping`: errors come as a bare `<Error>`.
    pub no_error_wrapping: bool,
    /// `aws.protocols#httpChecksum`: the operation's flexible checksums.
    pub http_checksum: Option<HttpChecksum>,
    /// `@httpChecksumRequired`: the request must carry a checksum (`Content-MD5`).
    pub http_checksum_required: bool,
    /// `aws.customizations#s3UnwrappedXmlOutput`: the output's one member is the document's
    /// root element (S3's `GetBucketLocation`).
    pub s3_unwrapped_xml_output: bool,
    /// The protocol traits of a service, in the model's order.
    pub protocols: Vec<Protocol>,

    // Protocol compliance tests (`smithy.test`).
    pub http_request_tests: Vec<HttpRequestTest>,
    pub http_response_tests: Vec<HttpResponseTest>,
    pub event_stream_tests: Vec<EventStreamTest>,

    // Endpoint rules (`smithy.rules`).
    pub endpoint_rule_set: Option<EndpointRuleSet>,
    pub endpoint_tests: Vec<EndpointTestCase>,
    /// `smithy.rules#contextParam`: the endpoint parameter a member's value is bound to.
    pub context_param: Option<String>,
    /// `smithy.rules#staticContextParams`: endpoint parameters an operation fixes, by name.
    pub static_context_params: BTreeMap<String, Node>,

    // AWS.
    pub aws_service: Option<AwsService>,
    pub sigv4: Option<Sigv4>,
    /// `@auth`: the auth schemes a service or operation supports, by trait id, in order of
    /// preference; an empty list on an operation means it is sent unsigned.
    pub auth: Option<Vec<String>>,
    /// `aws.protocols#awsQueryCompatible`: a JSON service that was an awsQuery one, whose
    /// errors carry their query error code in `x-amzn-query-error`.
    pub aws_query_compatible: bool,

    /// Every trait not interpreted above, by trait shape id.
    pub other: BTreeMap<ShapeId, Node>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deprecated {
    pub message: Option<String>,
    pub since: Option<String>,
}

/// `@enumValue`: a string for `enum` members, an integer for `intEnum` members.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnumValue {
    String(String),
    Int(i64),
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct EnumDefinition {
    pub value: String,
    pub name: Option<String>,
    pub documentation: Option<String>,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorFault {
    Client,
    Server,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Mixin {
    #[serde(default)]
    pub local_traits: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampFormat {
    DateTime,
    HttpDate,
    EpochSeconds,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retryable {
    #[serde(default)]
    pub throttling: bool,
}

/// `@paginated`. A value the generator cannot read does not fail the model: the operation gets
/// no paginator, and `problem` says why.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Paginated {
    pub input_token: Option<String>,
    pub output_token: Option<String>,
    pub items: Option<String>,
    pub page_size: Option<String>,
    pub problem: Option<String>,
}

impl Paginated {
    fn parse(value: &Node) -> Self {
        let mut paginated = Paginated::default();
        let Some(object) = value.as_object() else {
            paginated.problem = Some(format!("expected an object, found {value}"));
            return paginated;
        };
        for (key, v) in object {
            let slot = match key.as_str() {
                "inputToken" => &mut paginated.input_token,
                "outputToken" => &mut paginated.output_token,
                "items" => &mut paginated.items,
                "pageSize" => &mut paginated.page_size,
                other => {
                    paginated.problem = Some(format!("unknown property `{other}`"));
                    continue;
                }
            };
            match v {
                Value::String(s) if !s.is_empty() => *slot = Some(s.clone()),
                Value::Null => {}
                other => paginated.problem = Some(format!("`{key}` must be a member path, found {other}")),
            }
        }
        paginated
    }
}

/// One waiter of `@smithy.waiters#waitable`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Waiter {
    pub documentation: Option<String>,
    pub acceptors: Vec<Acceptor>,
    #[serde(default = "Waiter::default_min_delay")]
    pub min_delay: u64,
    #[serde(default = "Waiter::default_max_delay")]
    pub max_delay: u64,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Waiter {
    fn default_min_delay() -> u64 {
        2
    }

    fn default_max_delay() -> u64 {
        120
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acceptor {
    pub state: AcceptorState,
    pub matcher: Matcher,
    pub message: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AcceptorState {
    Success,
    Failure,
    Retry,
}

/// How an acceptor matches a poll's result.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Matcher {
    Output(PathMatcher),
    InputOutput(PathMatcher),
    ErrorType(String),
    Success(bool),
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathMatcher {
    /// A JMESPath expression.
    pub path: String,
    pub expected: String,
    pub comparator: PathComparator,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PathComparator {
    StringEquals,
    BooleanEquals,
    AllStringEquals,
    AnyStringEquals,
}

/// A wire protocol a service can declare with a protocol trait.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    RpcV2Cbor,
    AwsJson1_0,
    AwsJson1_1,
    RestJson1,
    RestXml,
    AwsQuery,
    Ec2Query,
}

impl Protocol {
    /// Every protocol, in the order AWS SDKs prefer them when a service declares several
    /// (the order of smithy-rs's and the AWS SDKs' protocol resolution: CBOR first, then the
    /// JSON protocols, then XML and query).
    pub const PREFERENCE: [Protocol; 7] = [
        Protocol::RpcV2Cbor,
        Protocol::AwsJson1_0,
        Protocol::AwsJson1_1,
        Protocol::RestJson1,
        Protocol::RestXml,
        Protocol::AwsQuery,
        Protocol::Ec2Query,
    ];

    /// The one of `declared` AWS SDKs pick.
    pub fn preferred(declared: &[Protocol]) -> Option<Protocol> {
        Protocol::PREFERENCE.into_iter().find(|p| declared.contains(p))
    }

    /// The protocol a trait id declares.
    pub fn from_trait(id: &str) -> Option<Protocol> {
        Protocol::PREFERENCE.into_iter().find(|p| p.trait_id() == id)
    }

    /// The protocol named `name` (`restJson1`) or by its trait id (`aws.protocols#restJson1`).
    pub fn from_name(name: &str) -> Option<Protocol> {
        Protocol::PREFERENCE.into_iter().find(|p| p.name() == name || p.trait_id() == name)
    }

    pub fn trait_id(self) -> &'static str {
        match self {
            Protocol::RpcV2Cbor => "smithy.protocols#rpcv2Cbor",
            Protocol::AwsJson1_0 => "aws.protocols#awsJson1_0",
            Protocol::AwsJson1_1 => "aws.protocols#awsJson1_1",
            Protocol::RestJson1 => "aws.protocols#restJson1",
            Protocol::RestXml => "aws.protocols#restXml",
            Protocol::AwsQuery => "aws.protocols#awsQuery",
            Protocol::Ec2Query => "aws.protocols#ec2Query",
        }
    }

    /// The short name (`restJson1`), as the trait's name spells it.
    pub fn name(self) -> &'static str {
        let id = self.trait_id();
        &id[id.find('#').map_or(0, |i| i + 1)..]
    }
}

/// `@xmlNamespace`: an `xmlns` (or `xmlns:{prefix}`) declaration on an element.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XmlNamespace {
    pub uri: String,
    pub prefix: Option<String>,
}

/// `aws.protocols#httpChecksum`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HttpChecksum {
    pub request_algorithm_member: Option<String>,
    #[serde(default)]
    pub request_checksum_required: bool,
    pub request_validation_mode_member: Option<String>,
    #[serde(default)]
    pub response_algorithms: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AwsQueryError {
    pub code: String,
    pub http_response_code: u16,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RestXmlSettings {
    #[serde(default)]
    no_error_wrapping: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Http {
    pub method: String,
    pub uri: String,
    #[serde(default = "default_http_code")]
    pub code: u16,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestCompression {
    pub encodings: Vec<String>,
}

fn default_http_code() -> u16 {
    200
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsService {
    pub sdk_id: String,
    pub arn_namespace: Option<String>,
    pub endpoint_prefix: Option<String>,
    pub cloud_formation_name: Option<String>,
    pub cloud_trail_event_source: Option<String>,
}

/// Who a protocol test case is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppliesTo {
    Client,
    Server,
}

impl AppliesTo {
    /// Whether a case with this `appliesTo` is for clients: absent means it is for both.
    pub fn includes_clients(applies_to: Option<AppliesTo>) -> bool {
        applies_to != Some(AppliesTo::Server)
    }
}

/// One `smithy.test#httpRequestTests` case: params in, the expected HTTP request out.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRequestTest {
    pub id: String,
    pub protocol: String,
    pub method: String,
    pub uri: String,
    pub host: Option<String>,
    pub resolved_host: Option<String>,
    #[serde(default)]
    pub query_params: Vec<String>,
    #[serde(default)]
    pub forbid_query_params: Vec<String>,
    #[serde(default)]
    pub require_query_params: Vec<String>,
    #[serde(flatten)]
    pub message: HttpMessageTest,
    pub applies_to: Option<AppliesTo>,
}

/// One `smithy.test#httpResponseTests` case: an HTTP response in, the expected params out.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpResponseTest {
    pub id: String,
    pub protocol: String,
    pub code: u16,
    #[serde(flatten)]
    pub message: HttpMessageTest,
    pub applies_to: Option<AppliesTo>,
}

/// One `smithy.test#eventStreamTests` case: an event stream operation's initial request or
/// response and the events sent over its stream. Params stay documents (no `flatten` here, so
/// big numbers keep their text).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventStreamTest {
    pub id: String,
    pub protocol: String,
    pub initial_request_params: Option<Node>,
    pub initial_request: Option<Node>,
    pub initial_response_params: Option<Node>,
    pub initial_response: Option<Node>,
    #[serde(default)]
    pub events: Vec<EventTest>,
    pub expectation: Option<TestExpectation>,
    pub documentation: Option<String>,
    pub applies_to: Option<AppliesTo>,
}

/// One event of an [`EventStreamTest`].
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventTest {
    #[serde(rename = "type")]
    pub direction: EventDirection,
    /// The event (a union value of the stream); absent for an unmodeled event.
    pub params: Option<Node>,
    /// Expected headers, each value a one-member object naming its type (`{ "string": "x" }`).
    #[serde(default)]
    pub headers: BTreeMap<String, Node>,
    #[serde(default)]
    pub forbid_headers: Vec<String>,
    #[serde(default)]
    pub require_headers: Vec<String>,
    pub body: Option<String>,
    pub body_media_type: Option<String>,
    /// The whole encoded message, base64.
    pub bytes: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EventDirection {
    Request,
    Response,
}

/// What an event stream case expects: success, or a failure (of one error shape, if named).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TestExpectation {
    Success(#[serde(default)] Node),
    Failure(TestFailure),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestFailure {
    pub error_id: Option<String>,
}

/// What request and response cases share.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpMessageTest {
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub forbid_headers: Vec<String>,
    #[serde(default)]
    pub require_headers: Vec<String>,
    pub body: Option<String>,
    pub body_media_type: Option<String>,
    #[serde(default)]
    pub params: Node,
    pub documentation: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub auth_scheme: Option<String>,
    pub vendor_params: Option<Node>,
    pub vendor_params_shape: Option<String>,
}

/// `smithy.rules#endpointRuleSet`: the typed parameters, and the rule set itself, which the
/// generated crate embeds and evaluates at run time.
#[derive(Clone, Debug, PartialEq)]
pub struct EndpointRuleSet {
    pub parameters: BTreeMap<String, EndpointParameter>,
    pub rules: Node,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointParameter {
    #[serde(rename = "type")]
    pub kind: EndpointParameterKind,
    pub built_in: Option<String>,
    #[serde(default)]
    pub required: bool,
    pub default: Option<Node>,
    pub documentation: Option<String>,
    pub deprecated: Option<Node>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum EndpointParameterKind {
    #[serde(alias = "String")]
    #[serde(rename = "string")]
    String,
    #[serde(alias = "Boolean")]
    #[serde(rename = "boolean")]
    Boolean,
    #[serde(alias = "StringArray")]
    #[serde(rename = "stringArray")]
    StringArray,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EndpointTests {
    #[serde(default)]
    test_cases: Vec<EndpointTestCase>,
}

/// One `smithy.rules#endpointTests` case.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointTestCase {
    pub documentation: Option<String>,
    #[serde(default)]
    pub params: BTreeMap<String, Node>,
    pub expect: EndpointExpectation,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct EndpointExpectation {
    pub endpoint: Option<ExpectedEndpoint>,
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ExpectedEndpoint {
    pub url: String,
    #[serde(default)]
    pub headers: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub properties: BTreeMap<String, Node>,
}

fn endpoint_rule_set(value: &Node) -> Result<EndpointRuleSet, String> {
    let parameters = value.get("parameters").cloned().unwrap_or_else(|| Node::Object(Default::default()));
    Ok(EndpointRuleSet { parameters: typed(&parameters)?, rules: value.clone() })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContextParam {
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StaticContextParam {
    value: Node,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Sigv4 {
    pub name: String,
}

impl Traits {
    /// Types the raw traits of one shape or member. Errors name the trait and what is wrong.
    pub fn parse(raw: BTreeMap<ShapeId, Node>) -> Result<Self, String> {
        let mut traits = Traits::default();
        for (id, value) in raw {
            let known = if id.is_prelude() {
                traits.parse_prelude(id.name(), &value)
            } else {
                match id.to_string().as_str() {
                    protocol if Protocol::from_trait(protocol).is_some() => {
                        let settings = match protocol {
                            "aws.protocols#restXml" => typed::<RestXmlSettings>(&value),
                            _ => Ok(RestXmlSettings::default()),
                        };
                        settings.map(|settings| {
                            traits.no_error_wrapping |= settings.no_error_wrapping;
                            traits.protocols.extend(Protocol::from_trait(protocol));
                            true
                        })
                    }
                    "aws.customizations#s3UnwrappedXmlOutput" => {
                        traits.s3_unwrapped_xml_output = true;
                        Ok(true)
                    }
                    "aws.protocols#httpChecksum" => {
                        typed(&value).map(|v| traits.http_checksum = Some(v)).map(|()| true)
                    }
                    "aws.protocols#ec2QueryName" => {
                        string(&value).map(|v| traits.ec2_query_name = Some(v)).map(|()| true)
                    }
                    "aws.protocols#awsQueryError" => {
                        typed(&value).map(|v| traits.aws_query_error = Some(v)).map(|()| true)
                    }
                    "aws.api#service" => typed(&value).map(|v| traits.aws_service = Some(v)).map(|()| true),
                    "aws.auth#sigv4" => typed(&value).map(|v| traits.sigv4 = Some(v)).map(|()| true),
                    "smithy.waiters#waitable" => {
                        typed::<BTreeMap<String, Waiter>>(&value).map(|v| traits.waitable = v).map(|()| true)
                    }
                    "aws.protocols#awsQueryCompatible" => {
                        traits.aws_query_compatible = true;
                        Ok(true)
                    }
                    "smithy.rules#endpointRuleSet" => {
                        endpoint_rule_set(&value).map(|v| traits.endpoint_rule_set = Some(v)).map(|()| true)
                    }
                    "smithy.rules#contextParam" => {
                        typed::<ContextParam>(&value).map(|v| traits.context_param = Some(v.name)).map(|()| true)
                    }
                    "smithy.rules#staticContextParams" => typed::<BTreeMap<String, StaticContextParam>>(&value)
                        .map(|v| traits.static_context_params = v.into_iter().map(|(k, p)| (k, p.value)).collect())
                        .map(|()| true),
                    "smithy.rules#endpointTests" => {
                        typed::<EndpointTests>(&value).map(|v| traits.endpoint_tests = v.test_cases).map(|()| true)
                    }
                    "smithy.test#httpRequestTests" => test_cases(&value, |c: &mut HttpRequestTest| &mut c.message)
                        .map(|v| traits.http_request_tests = v)
                        .map(|()| true),
                    "smithy.test#httpResponseTests" => test_cases(&value, |c: &mut HttpResponseTest| &mut c.message)
                        .map(|v| traits.http_response_tests = v)
                        .map(|()| true),
                    "smithy.test#eventStreamTests" => {
                        typed(&value).map(|v| traits.event_stream_tests = v).map(|()| true)
                    }
                    _ => Ok(false),
                }
            };
            match known {
                Ok(true) => {}
                Ok(false) => {
                    traits.other.insert(id, value);
                }
                Err(problem) => return Err(format!("trait `{id}`: {problem}")),
            }
        }
        Ok(traits)
    }

    /// Returns Ok(false) for prelude traits that are kept untyped.
    fn parse_prelude(&mut self, name: &str, value: &Node) -> Result<bool, String> {
        let t = self;
        match name {
            "documentation" => t.documentation = Some(string(value)?),
            "title" => t.title = Some(string(value)?),
            "auth" => t.auth = Some(typed(value)?),
            "deprecated" => t.deprecated = Some(typed(value)?),
            "sensitive" => t.sensitive = true,
            "required" => t.required = true,
            "default" => t.default = Some(value.clone()),
            "clientOptional" => t.client_optional = true,
            "addedDefault" => t.added_default = true,
            "box" => t.boxed = true,
            "sparse" => t.sparse = true,
            "uniqueItems" => t.unique_items = true,
            "enumValue" => t.enum_value = Some(enum_value(value)?),
            "enum" => t.enum_definitions = Some(typed(value)?),
            "input" => t.input = true,
            "output" => t.output = true,
            "error" => t.error = Some(typed(value)?),
            "mixin" => t.mixin = Some(typed(value)?),
            "unitType" => t.unit_type = true,
            "mediaType" => t.media_type = Some(string(value)?),
            "timestampFormat" => t.timestamp_format = Some(timestamp_format(value)?),
            "streaming" => t.streaming = true,
            "requiresLength" => t.requires_length = true,
            "eventHeader" => t.event_header = true,
            "eventPayload" => t.event_payload = true,
            "readonly" => t.readonly = true,
            "idempotent" => t.idempotent = true,
            "idempotencyToken" => t.idempotency_token = true,
            "retryable" => t.retryable = Some(typed(value)?),
            "paginated" => t.paginated = Some(Paginated::parse(value)),
            "http" => t.http = Some(typed(value)?),
            "requestCompression" => t.request_compression = Some(typed(value)?),
            "httpError" => t.http_error = Some(typed(value)?),
            "httpLabel" => t.http_label = true,
            "httpQuery" => t.http_query = Some(string(value)?),
            "httpQueryParams" => t.http_query_params = true,
            "httpHeader" => t.http_header = Some(string(value)?),
            "httpPrefixHeaders" => t.http_prefix_headers = Some(string(value)?),
            "httpPayload" => t.http_payload = true,
            "httpResponseCode" => t.http_response_code = true,
            "jsonName" => t.json_name = Some(string(value)?),
            "httpChecksumRequired" => t.http_checksum_required = true,
            "xmlName" => t.xml_name = Some(string(value)?),
            "xmlAttribute" => t.xml_attribute = true,
            "xmlFlattened" => t.xml_flattened = true,
            "xmlNamespace" => t.xml_namespace = Some(typed(value)?),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// Protocol test cases. Their `params` and `vendorParams` are taken out before the typed
/// read and put back as they are: serde's `flatten` (which the case types use) would push their
/// numbers through 64-bit types and fail on, or round, big ones (`18446744073709551616`).
fn test_cases<T: for<'de> Deserialize<'de>>(
    value: &Node,
    message: impl Fn(&mut T) -> &mut HttpMessageTest,
) -> Result<Vec<T>, String> {
    let cases = value.as_array().ok_or_else(|| format!("expected a list of test cases, found {value}"))?;
    cases
        .iter()
        .map(|case| {
            let mut case = case.clone();
            let (params, vendor_params) = match case.as_object_mut() {
                Some(object) => (object.remove("params"), object.remove("vendorParams")),
                None => (None, None),
            };
            let mut typed: T = typed(&case)?;
            let m = message(&mut typed);
            m.params = params.unwrap_or_default();
            m.vendor_params = vendor_params;
            Ok(typed)
        })
        .collect()
}

fn typed<T: for<'de> Deserialize<'de>>(value: &Node) -> Result<T, String> {
    T::deserialize(value).map_err(|e| format!("invalid value {value}: {e}"))
}

fn string(value: &Node) -> Result<String, String> {
    value.as_str().map(str::to_owned).ok_or_else(|| format!("expected a string, found {value}"))
}

fn enum_value(value: &Node) -> Result<EnumValue, String> {
    match value {
        Value::String(s) => Ok(EnumValue::String(s.clone())),
        Value::Number(n) => {
            n.as_i64().map(EnumValue::Int).ok_or_else(|| format!("expected a string or an integer, found {value}"))
        }
        _ => Err(format!("expected a string or an integer, found {value}")),
    }
}

fn timestamp_format(value: &Node) -> Result<TimestampFormat, String> {
    match value.as_str() {
        Some("date-time") => Ok(TimestampFormat::DateTime),
        Some("http-date") => Ok(TimestampFormat::HttpDate),
        Some("epoch-seconds") => Ok(TimestampFormat::EpochSeconds),
        _ => Err(format!("expected `date-time`, `http-date` or `epoch-seconds`, found {value}")),
    }
}
