//! The intermediate form the renderers read: every Rust name, type, module and doc line decided.
//!
//! [`build`] is the symbol provider: it alone maps Smithy shapes to Rust types and paths, and
//! normalizes operations (each gets its own `{Operation}Input`/`{Operation}Output` structures, as
//! aws-sdk-rust has them).
//!
//! Named types live in the crate's type tables ([`Crate::structures`], [`Crate::enums`],
//! [`Crate::unions`]) and refer to each other by id. Every identifier the generated code
//! defines is a plain `String` decided here, in a [`Scope`] that knows the names it shares a
//! namespace with; the renderers only turn them into tokens. Whatever can fail is checked
//! here, so rendering a valid IR cannot.

mod cases;
mod customizations;
mod event_cases;
mod jmespath;
mod names;
mod pagination;
mod prelude;
mod waiters;

use serde_json::Value;

use crate::docs;
use crate::error::{Error, Result};
use crate::model::{
    self, EnumValue, ErrorFault, HttpRequestTest, HttpResponseTest, Member, Model, Protocol, Shape, ShapeId, ShapeKind,
    Simple, TimestampFormat,
};
use crate::naming::{self, Scope};
use crate::transform::Selection;

pub use cases::{Float, ParamValue, StructureValue};
pub use event_cases::{
    CaseEvent, CaseExpectation, EventStreamCase, EventValue, FailureOf, HeaderExpectation, InitialRequest,
    InitialResponse,
};
pub use jmespath::Comparison;
pub use pagination::{MemberPath, Pagination, PathStep};
pub use prelude::{Prelude, StdItem};
pub use waiters::{Acceptor, ErrorMatch, JType, Matcher, Node, Test, Typed, Waiter, WaiterNames};

/// Everything the generated crate contains.
#[derive(Clone, Debug)]
pub struct Crate {
    pub package: String,
    /// `Cargo.toml`'s settings, defaults filled in.
    pub manifest: ManifestSettings,
    pub docs: Vec<String>,
    pub service: ServiceInfo,
    /// The type table of structures: shared data types, modeled errors, and every operation's
    /// input and output. Sorted by module, then name; [`StructId`] indexes it.
    pub structures: Vec<Structure>,
    /// Enums, sorted by name; [`EnumId`] indexes it.
    pub enums: Vec<Enum>,
    /// Unions, sorted by name; [`UnionId`] indexes it.
    pub unions: Vec<Union>,
    pub operations: Vec<Operation>,
    /// The wire protocol the crate speaks; `None` for a types-only crate.
    pub protocol: Option<Protocol>,
    /// Endpoint rules, when the service has `smithy.rules#endpointRuleSet`.
    pub endpoints: Option<Endpoints>,
    /// What the generator could not honour and left out (named by shape).
    pub warnings: Vec<Error>,
    /// The std items the crate's own item names shadow, so the code names them in full.
    pub prelude: Prelude,
}

/// A structure in [`Crate::structures`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StructId(pub usize);

/// An enum in [`Crate::enums`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EnumId(pub usize);

/// A union in [`Crate::unions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnionId(pub usize);

impl Crate {
    /// Whether the protocol binds members to HTTP (restJson1, restXml); the RPC protocols put
    /// an event stream's other members in its `initial-request` and `initial-response`.
    pub fn http_bindings(&self) -> bool {
        matches!(self.protocol, Some(Protocol::RestJson1 | Protocol::RestXml))
    }

    pub fn structure(&self, id: StructId) -> &Structure {
        &self.structures[id.0]
    }

    pub fn enumeration(&self, id: EnumId) -> &Enum {
        &self.enums[id.0]
    }

    pub fn union(&self, id: UnionId) -> &Union {
        &self.unions[id.0]
    }

    /// Shared data structures (`crate::types`).
    pub fn data_structures(&self) -> impl Iterator<Item = &Structure> {
        self.structures.iter().filter(|s| s.module == Module::Types)
    }

    /// Modeled errors (`crate::types::error`).
    pub fn errors(&self) -> impl Iterator<Item = &Structure> {
        self.structures.iter().filter(|s| s.module == Module::Errors)
    }

    /// Shared structures and errors: what `crate::types` holds besides enums and unions.
    pub fn shared_structures(&self) -> impl Iterator<Item = (StructId, &Structure)> {
        self.structures.iter().enumerate().filter(|(_, s)| !s.module.is_operation()).map(|(i, s)| (StructId(i), s))
    }

    /// Every union with its id.
    pub fn union_ids(&self) -> impl Iterator<Item = (UnionId, &Union)> {
        self.unions.iter().enumerate().map(|(i, u)| (UnionId(i), u))
    }

    /// The Rust module path of a named type, as `crate::...` segments.
    pub fn type_path(&self, named: Named) -> TypePath<'_> {
        match named {
            Named::Structure(id) => {
                let s = self.structure(id);
                let module = match s.module {
                    Module::Types => TypeModule::Types,
                    Module::Errors => TypeModule::Errors,
                    Module::Operation(op) => TypeModule::Operation(&self.operations[op].names.module),
                };
                TypePath { module, name: &s.name }
            }
            Named::Enum(id) => TypePath { module: TypeModule::Types, name: &self.enumeration(id).name },
            Named::Union(id) => TypePath { module: TypeModule::Types, name: &self.union(id).name },
        }
    }
}

/// Where a named type is, for rendering its path.
#[derive(Clone, Copy, Debug)]
pub struct TypePath<'a> {
    pub module: TypeModule<'a>,
    pub name: &'a str,
}

#[derive(Clone, Copy, Debug)]
pub enum TypeModule<'a> {
    Types,
    Errors,
    /// `crate::operation::<module>`.
    Operation(&'a str),
}

/// The service's endpoint rules: the rule set as JSON text (evaluated by the runtime), its
/// parameters, and its test cases.
#[derive(Clone, Debug)]
pub struct Endpoints {
    pub rules_json: String,
    pub params: Vec<EndpointParam>,
    pub tests: Vec<EndpointTest>,
}

#[derive(Clone, Debug)]
pub struct EndpointParam {
    /// The name in the rule set (`UseFIPS`).
    pub name: String,
    pub ident: String,
    pub kind: model::EndpointParameterKind,
    /// The built-in the client fills it from (`AWS::Region`, `SDK::Endpoint`, ...).
    pub built_in: Option<String>,
    pub docs: Vec<String>,
}

/// An endpoint test case with its parameters matched to [`EndpointParam`]s.
#[derive(Clone, Debug)]
pub struct EndpointTest {
    pub name: String,
    pub docs: String,
    /// Indexes into [`Endpoints::params`] with the typed value.
    pub params: Vec<(usize, EndpointValue)>,
    pub expect: EndpointExpectation,
}

#[derive(Clone, Debug, PartialEq)]
pub enum EndpointValue {
    String(String),
    Bool(bool),
    StringArray(Vec<String>),
}

/// An operation's checksums (the runtime's `ChecksumSettings`), with its members' headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checksums {
    /// Flexible (`x-amz-checksum-*`) rather than `Content-MD5` only.
    pub flexible: bool,
    pub required: bool,
    pub request_algorithm_header: Option<String>,
    pub response_mode_header: Option<String>,
    /// The algorithms of `responseAlgorithms` the runtime can validate.
    pub response_algorithms: Vec<String>,
    /// Glacier's SHA-256 and SHA-256 tree hash headers (`UploadArchive`, `UploadMultipartPart`).
    pub glacier_tree_hash: bool,
}

/// An endpoint parameter an operation sets: `Endpoints::params[param]`, from an input field
/// (`@contextParam`) or fixed by the operation (`@staticContextParams`).
#[derive(Clone, Debug, PartialEq)]
pub struct EndpointArgument {
    pub param: usize,
    pub value: EndpointArgumentValue,
}

#[derive(Clone, Debug, PartialEq)]
pub enum EndpointArgumentValue {
    /// The input's field (by index): a `String` for a string parameter, a `bool` for a boolean.
    Field(usize),
    Fixed(EndpointValue),
}

#[derive(Clone, Debug)]
pub enum EndpointExpectation {
    Endpoint(model::ExpectedEndpoint),
    Error(String),
}

#[derive(Clone, Debug)]
pub struct ServiceInfo {
    pub id: ShapeId,
    pub title: String,
    pub version: Option<String>,
    pub sdk_id: Option<String>,
    pub signing_name: Option<String>,
    /// `@awsQueryCompatible`: requests say so (`x-amzn-query-mode`), and errors' metadata
    /// carries the query error code of `x-amzn-query-error`.
    pub query_compatible: bool,
    /// restXml's `noErrorWrapping`: errors come as a bare `<Error>` (S3).
    pub no_error_wrapping: bool,
    /// The service's `@xmlNamespace`, declared on a request document's root unless the root's
    /// shape declares its own.
    pub xml_namespace: Option<XmlNamespace>,
    /// The retry defaults AWS SDKs tune for the service (from 2026).
    pub retry_tuning: RetryTuning,
    /// The service sends its response bodies' CRC-32 in `x-amz-crc32` (DynamoDB), which the
    /// client checks.
    pub response_crc32: bool,
    /// Requests are signed by S3's SigV4 rules.
    pub s3_signing: bool,
    /// S3 Express One Zone's session auth: in the S3 crate when it has `CreateSession`.
    pub s3_express: Option<S3Express>,
    /// The endpoint rules can ask for SigV4a (S3's Multi-Region Access Points): the crate has a
    /// `sigv4a` feature.
    pub sigv4a: bool,
    /// Headers every request carries, as the service's SDKs add them (API Gateway's `Accept`,
    /// Glacier's `X-Amz-Glacier-Version`).
    pub fixed_headers: Vec<(String, String)>,
}

/// How the S3 crate opens S3 Express sessions: its `CreateSession` operation, the input field
/// naming the bucket, and the output fields holding the session's credentials (their types
/// checked when the IR is built, so rendering cannot fail).
#[derive(Clone, Debug)]
pub struct S3Express {
    /// Index into [`Crate::operations`].
    pub create_session: usize,
    /// The endpoint parameter the rules take the bucket in (`Bucket`).
    pub bucket_param: String,
    /// The input builder's setter of the bucket (`set_bucket`).
    pub bucket_setter: String,
    /// The output's credentials (a structure), then the session's access key id, secret key
    /// and token (strings) and expiry (a timestamp).
    pub credentials: SessionField,
    pub access_key_id: SessionField,
    pub secret_access_key: SessionField,
    pub session_token: SessionField,
    pub expiration: SessionField,
}

/// A field [`S3Express`] reads, and whether it is an `Option`.
#[derive(Clone, Debug)]
pub struct SessionField {
    pub ident: String,
    pub optional: bool,
}

/// A service's own retry defaults, as AWS SDKs give them (retry behavior 2026).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryTuning {
    Standard,
    /// DynamoDB and DynamoDB Streams: 4 attempts, a 25 ms transient backoff base.
    DynamoDb,
}

/// Where a structure lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Module {
    Types,
    Errors,
    /// The module of the operation (index into [`Crate::operations`]) whose input or output
    /// it is.
    Operation(usize),
}

impl Module {
    pub fn is_operation(self) -> bool {
        matches!(self, Module::Operation(_))
    }
}

/// A named type, by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Named {
    Structure(StructId),
    Enum(EnumId),
    Union(UnionId),
}

/// A Rust type of a field or variant.
#[derive(Clone, Debug, PartialEq)]
pub enum RustType {
    String,
    Bool,
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
    BigInteger,
    BigDecimal,
    /// A timestamp and the format it has on the wire where it appears (`@timestampFormat` of the
    /// member or its target), if the model says.
    DateTime(Option<TimestampFormat>),
    Blob,
    /// A `@streaming` blob (an HTTP payload): read and sent as it arrives, never whole.
    ByteStream,
    /// An input's event stream (a `@streaming` union): the events the client sends.
    EventSender(UnionId),
    /// An output's event stream: the events the service sends, received one by one.
    EventReceiver(UnionId),
    Document,
    Structure(StructId),
    Union(UnionId),
    Enum(EnumId),
    IntEnum(EnumId),
    List {
        item: Box<RustType>,
        sparse: bool,
    },
    Map {
        key: Box<RustType>,
        value: Box<RustType>,
        sparse: bool,
    },
}

impl RustType {
    /// The named type this is, if any.
    pub fn named(&self) -> Option<Named> {
        match *self {
            RustType::Structure(id) => Some(Named::Structure(id)),
            RustType::Union(id) => Some(Named::Union(id)),
            RustType::Enum(id) | RustType::IntEnum(id) => Some(Named::Enum(id)),
            _ => None,
        }
    }

    /// A string enum or an int enum: their values convert from `&str`/`i32`.
    pub fn is_enum(&self) -> bool {
        matches!(self, RustType::Enum(_) | RustType::IntEnum(_))
    }

    pub fn is_integer(&self) -> bool {
        matches!(self, RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deprecated {
    pub note: Option<String>,
    pub since: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Structure {
    pub shape: ShapeId,
    pub name: String,
    pub module: Module,
    /// The private module of its file (`_get_ota_task_input`).
    pub file: String,
    pub builder: String,
    pub docs: Vec<String>,
    pub deprecated: Option<Deprecated>,
    pub role: Role,
    pub fields: Vec<Field>,
    /// Its element's name as a document's root: `@xmlName`, else the shape's name.
    pub xml_name: String,
    /// Its `@xmlNamespace`, which applies where it is a document's root.
    pub xml_namespace: Option<XmlNamespace>,
    /// The error's `message` field, read from `Message` or `message` (errors only).
    pub message: Option<usize>,
    /// Names of its functions in the protocol and test modules.
    pub fns: CodecNames,
    /// Client response test cases attached to the shape (errors only).
    pub response_tests: Vec<ResponseTest>,
}

/// The names of a shape's functions in `crate::protocol` and the generated test modules,
/// claimed in those modules' scopes.
#[derive(Clone, Debug, Default)]
pub struct CodecNames {
    pub ser: String,
    pub de: String,
    /// Reads the error from a response (errors only).
    pub error_reader: String,
    /// Makes a random value, in the property tests.
    pub arb: String,
    pub roundtrip_test: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    Data,
    /// An operation's input: every member optional, `build()` checks the required ones.
    Input,
    Output,
    Error(ErrorInfo),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorInfo {
    /// The error code on the wire: the shape name (before `rename`).
    pub code: String,
    pub fault: ErrorFault,
    pub http_status: Option<u16>,
    pub retryable: Option<model::Retryable>,
}

#[derive(Clone, Debug)]
pub struct Field {
    /// The field and getter name (`r#type`).
    pub ident: String,
    /// The builder's setters: `set_x` takes an `Option`, `get_x` reads it.
    pub setter: String,
    pub getter: String,
    /// The member name in the model.
    pub member: String,
    pub docs: Vec<String>,
    pub deprecated: Option<Deprecated>,
    pub ty: RustType,
    /// `Option<T>` in the struct.
    pub optional: bool,
    /// Modeled `@required` (the builder checks these even when the field is optional).
    pub required: bool,
    pub default: Option<DefaultValue>,
    /// Redacted in `Debug`.
    pub sensitive: bool,
    pub boxed: bool,
    /// Where the member goes in an HTTP message.
    pub location: Location,
    pub media_type: Option<String>,
    pub idempotency_token: bool,
    pub xml: XmlMember,
}

/// How a member's value is laid out in the XML protocols' bodies (restXml, and awsQuery's and
/// ec2Query's responses) and in the query protocols' form-encoded requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlMember {
    /// The element's (or attribute's) name: `@xmlName`, else the member name.
    pub name: String,
    /// The member's segment of a query request key: `name` in awsQuery; `@ec2QueryName`, else
    /// `name` capitalized, in ec2Query.
    pub query_key: String,
    /// Whether `name` is the member's `@xmlName` (which names a payload's root element).
    pub renamed: bool,
    /// `@xmlAttribute`: an attribute of the containing element.
    pub attribute: bool,
    /// `@xmlFlattened`: a list's items (a map's entries) repeat in the containing element.
    pub flattened: bool,
    pub namespace: Option<XmlNamespace>,
    pub nested: XmlNested,
}

/// The names inside a list or map value, following its Rust type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum XmlNested {
    Value,
    List {
        member: String,
        namespace: Option<XmlNamespace>,
        item: Box<XmlNested>,
    },
    Map {
        key: String,
        value: String,
        key_namespace: Option<XmlNamespace>,
        value_namespace: Option<XmlNamespace>,
        nested: Box<XmlNested>,
    },
}

/// An `xmlns` or `xmlns:{prefix}` attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlNamespace {
    /// `xmlns` or `xmlns:{prefix}`.
    pub attribute: String,
    pub uri: String,
}

impl XmlNamespace {
    fn of(ns: &model::XmlNamespace) -> Self {
        let attribute = match &ns.prefix {
            Some(prefix) => format!("xmlns:{prefix}"),
            None => "xmlns".to_owned(),
        };
        XmlNamespace { attribute, uri: ns.uri.clone() }
    }
}

impl Structure {
    /// The field holding a `@streaming` blob payload, if it has one.
    pub fn stream(&self) -> Option<&Field> {
        self.fields.iter().find(|f| f.ty == RustType::ByteStream)
    }

    /// The field holding an event stream, and the stream's union, if it has one.
    pub fn event_stream(&self) -> Option<(&Field, UnionId)> {
        self.fields.iter().find_map(|f| match f.ty {
            RustType::EventSender(u) | RustType::EventReceiver(u) => Some((f, u)),
            _ => None,
        })
    }

    /// Whether it holds a stream of bytes or events: such a structure cannot be cloned (nor its
    /// builder), and one with events cannot be compared.
    pub fn is_streaming(&self) -> bool {
        self.stream().is_some() || self.event_stream().is_some()
    }
}

impl Field {
    /// The name as users read it in messages (`type`, not `r#type`).
    pub fn bare(&self) -> &str {
        naming::unraw(&self.ident)
    }
}

/// Where a member is bound in an HTTP message (`Body` for members of nested shapes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A JSON object member with this name (`@jsonName` or the member name).
    Body(String),
    Label,
    Query(String),
    QueryParams,
    Header(String),
    PrefixHeaders(String),
    Payload,
    ResponseCode,
    /// `@eventHeader`: a header of an event's message, under the member's name.
    EventHeader(String),
    /// `@eventPayload`: the whole payload of an event's message.
    EventPayload,
}

/// A `@default` value, typed for its field.
#[derive(Clone, Debug, PartialEq)]
pub enum DefaultValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    /// An enum variant, by its wire value.
    Enum(String),
    IntEnum(i64),
    EmptyList,
    EmptyMap,
    /// Epoch seconds.
    Timestamp(f64),
    Blob(Vec<u8>),
    /// No bytes or no events: what a stream field holds when nothing was set.
    EmptyStream,
    Document(Value),
}

#[derive(Clone, Debug)]
pub struct Enum {
    pub name: String,
    pub file: String,
    pub docs: Vec<String>,
    pub deprecated: Option<Deprecated>,
    pub sensitive: bool,
    pub variants: Vec<EnumVariant>,
    pub int: bool,
}

#[derive(Clone, Debug)]
pub struct EnumVariant {
    pub ident: String,
    pub value: EnumValue,
    pub docs: Vec<String>,
    pub deprecated: Option<Deprecated>,
}

#[derive(Clone, Debug)]
pub struct Union {
    pub shape: ShapeId,
    pub name: String,
    pub file: String,
    pub docs: Vec<String>,
    pub deprecated: Option<Deprecated>,
    pub sensitive: bool,
    pub variants: Vec<UnionVariant>,
    /// Its element's name as a document's root: `@xmlName`, else the shape's name.
    pub xml_name: String,
    pub xml_namespace: Option<XmlNamespace>,
    pub fns: CodecNames,
    /// A `@streaming` union is an event stream: its variants are its events, its `@error`
    /// members are here.
    pub event_stream: Option<EventStream>,
}

/// The names a `@streaming` union brings as an event stream, decided in `ir/names.rs`.
#[derive(Clone, Debug, Default)]
pub struct EventStreamNames {
    /// `{Union}Error` of `crate::types::error`, and its file module.
    pub error: String,
    pub error_file: String,
    /// `crate::protocol`'s functions writing an event, writing a modeled error, and reading
    /// a message into either.
    pub marshal: String,
    pub marshal_error: String,
    pub unmarshal: String,
}

/// An event stream's errors: its `@error` members, each a variant of the `{Union}Error` enum
/// (and `Unhandled`).
#[derive(Clone, Debug)]
pub struct EventStream {
    pub names: EventStreamNames,
    pub errors: Vec<StreamError>,
}

#[derive(Clone, Debug)]
pub struct StreamError {
    /// The member's name: the `:exception-type` of its messages.
    pub member: String,
    pub error: OperationError,
}

#[derive(Clone, Debug)]
pub struct UnionVariant {
    pub ident: String,
    /// `is_x` and (for variants with a value) `as_x`.
    pub is: String,
    pub as_: String,
    pub member: String,
    /// The JSON member name (`@jsonName` or the member name).
    pub json_name: String,
    pub xml: XmlMember,
    /// `None` for members targeting `smithy.api#Unit`.
    pub ty: Option<RustType>,
    pub boxed: bool,
    pub docs: Vec<String>,
    pub deprecated: Option<Deprecated>,
    pub sensitive: bool,
}

#[derive(Clone, Debug)]
pub struct Operation {
    pub shape: ShapeId,
    pub names: OperationNames,
    pub docs: Vec<String>,
    pub deprecated: Option<Deprecated>,
    pub input: StructId,
    pub output: StructId,
    pub errors: Vec<OperationError>,
    pub http: Option<HttpBinding>,
    /// The endpoint parameters the operation sets from its input or fixes; empty when its
    /// endpoint depends on the config alone.
    pub endpoint_arguments: Vec<EndpointArgument>,
    /// `@s3UnwrappedXmlOutput`: the output's one body member is the response document's root
    /// element, not a child of it.
    pub unwrapped_xml_output: bool,
    /// A `200 OK` whose body is an `<Error>` document is an error (S3's `CompleteMultipartUpload`).
    pub errors_in_200: bool,
    /// The input's `@streaming` payload must know its length (`@requiresLength`).
    pub requires_length: bool,
    /// `@auth([])`: sent unsigned, without credentials (STS `AssumeRoleWithWebIdentity`, SSO's
    /// `GetRoleCredentials`), where the service's other operations are signed.
    pub unsigned: bool,
    /// What its `@httpChecksum` or `@httpChecksumRequired` asks of requests and responses.
    pub checksums: Option<Checksums>,
    /// How the operation pages its results (`@paginated`, merged with the service's).
    pub pagination: Option<Pagination>,
    /// The `@requestCompression` encodings the runtime applies, by preference (gzip; others
    /// are left out).
    pub request_compression: Vec<String>,
    /// The model gives it no input (`smithy.api#Unit`): `input` is an empty structure.
    pub unit_input: bool,
    /// A long-polling operation (SQS `ReceiveMessage`), which backs off even when the retry
    /// quota is empty.
    pub long_polling: bool,
    /// Client request and response test cases of the operation.
    pub request_tests: Vec<RequestTest>,
    pub response_tests: Vec<ResponseTest>,
    /// Client `eventStreamTests` cases of the operation.
    pub event_stream_tests: Vec<EventStreamCase>,
    /// The property test feeding random responses to its deserializer.
    pub random_responses_test: String,
    /// Its `@waitable` waiters, by name.
    pub waiters: Vec<Waiter>,
}

/// The names an operation brings to the crate, decided in `ir/names.rs`.
#[derive(Clone, Debug)]
pub struct OperationNames {
    /// The operation's marker type, as the model spells the name (`ListWebACLs`).
    pub name: String,
    /// Its module under `crate::operation`.
    pub module: String,
    /// Its method on the `Client`.
    pub client_method: String,
    pub fluent_builder: String,
    pub paginator: String,
    /// `{Op}Error`.
    pub error: String,
}

/// `@http`, with its URI parsed and its labels matched to input fields.
#[derive(Clone, Debug)]
pub struct HttpBinding {
    pub method: String,
    pub path: Vec<PathSegment>,
    /// The URI's own query (`?x=y`), in wire form.
    pub query: Option<String>,
    pub code: u16,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    Literal(String),
    /// A label: the input field (index), whether it is greedy (`{Key+}`), and what an unset or
    /// empty value becomes where a service customization says (Glacier's account id: `-`);
    /// otherwise such a value is an error.
    Label {
        field: usize,
        greedy: bool,
        unset: Option<String>,
    },
}

#[derive(Clone, Debug)]
pub struct OperationError {
    pub variant: String,
    /// `is_x`.
    pub is: String,
    pub error: StructId,
    pub docs: Vec<String>,
}

/// A client `httpRequestTests` case, the name of its test and the input its params describe.
#[derive(Clone, Debug)]
pub struct RequestTest {
    pub name: String,
    pub case: HttpRequestTest,
    pub input: StructureValue,
    /// The client configuration of a case that checks where the request goes (its
    /// `resolvedHost`, with `AwsConfig` vendor params), for the endpoint rules.
    pub endpoint: Option<CaseEndpoint>,
}

/// What a case's `AwsConfig` vendor params set that the endpoint rules read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseEndpoint {
    pub region: Option<String>,
    pub force_path_style: bool,
    pub accelerate: bool,
    pub use_dual_stack: bool,
    pub resolved_host: String,
}

impl CaseEndpoint {
    /// From a case with a `resolvedHost` and `AwsConfig` vendor params: the client's Region and
    /// S3 settings, the operation's S3 settings over them.
    fn of(case: &HttpRequestTest) -> Option<Self> {
        let resolved_host = case.resolved_host.clone()?;
        let m = &case.message;
        if !m.vendor_params_shape.as_deref().is_some_and(|s| s.ends_with("#AwsConfig")) {
            return None;
        }
        let scoped = m.vendor_params.as_ref()?.get("scopedConfig")?;
        let client = scoped.get("client");
        let mut endpoint = CaseEndpoint {
            region: client.and_then(|c| c.get("region")).and_then(Value::as_str).map(str::to_owned),
            resolved_host,
            ..CaseEndpoint::default()
        };
        let s3_settings = [client, scoped.get("operation")].into_iter().flatten().filter_map(|c| c.get("s3"));
        for s3 in s3_settings {
            if let Some(style) = s3.get("addressing_style").and_then(Value::as_str) {
                endpoint.force_path_style = style == "path";
            }
            if let Some(accelerate) = s3.get("use_accelerate_endpoint").and_then(Value::as_bool) {
                endpoint.accelerate = accelerate;
            }
            if let Some(dual_stack) = s3.get("use_dualstack_endpoint").and_then(Value::as_bool) {
                endpoint.use_dual_stack = dual_stack;
            }
        }
        Some(endpoint)
    }
}

/// A client `httpResponseTests` case, the name of its test and the output or error its params
/// describe.
#[derive(Clone, Debug)]
pub struct ResponseTest {
    pub name: String,
    pub case: HttpResponseTest,
    pub expected: StructureValue,
    /// The error metadata the case expects, from its `vendorParams`.
    pub expected_meta: Option<ExpectedMeta>,
}

/// A case's `aws.protocoltests.config#ErrorCodeParams` vendor params: the error code (the query
/// error code of an `awsQueryCompatible` service) and its fault (`Sender`, `Receiver`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedMeta {
    pub code: String,
    pub fault: Option<String>,
}

impl ExpectedMeta {
    fn of(case: &HttpResponseTest) -> Option<Self> {
        let m = &case.message;
        if !m.vendor_params_shape.as_deref().is_some_and(|s| s.ends_with("#ErrorCodeParams")) {
            return None;
        }
        let params = m.vendor_params.as_ref()?;
        let code = params.get("code")?.as_str()?.to_owned();
        let fault = params.get("type").and_then(|t| t.as_str()).map(str::to_owned);
        Some(ExpectedMeta { code, fault })
    }
}

/// The generated crate's `Cargo.toml` settings.
#[derive(Clone, Debug)]
pub struct ManifestSettings {
    pub version: String,
    pub description: String,
    pub license: Option<String>,
    pub rust_version: String,
    /// The `path` of the `smithy-runtime` dependency.
    pub runtime_path: String,
}

/// The oldest Rust the generated code (and its runtime) builds with.
pub const MINIMUM_RUST_VERSION: &str = "1.80";

/// What the generator builds: the crate, and for which protocol.
#[derive(Clone, Copy, Debug)]
pub struct Settings<'a> {
    pub package: Option<&'a str>,
    pub manifest: &'a crate::Manifest,
    pub runtime: &'a crate::Runtime,
    /// The protocol to speak when the service declares several; the preferred one otherwise.
    pub protocol: Option<Protocol>,
    /// Types only: no wire code and no client, for services that declare no protocol.
    pub types_only: bool,
}

/// The `@requestCompression` encodings the runtime can apply.
const SUPPORTED_COMPRESSION: &[&str] = &["gzip"];

/// Builds the intermediate form for a selection of a model.
pub fn build(model: &Model, selection: &Selection, settings: Settings) -> Result<Crate> {
    let service = &model.shapes[&selection.service];
    let ShapeKind::Service(svc) = &service.kind else { unreachable!("selection holds a service") };
    let protocol = choose_protocol(service, settings)?;
    let t = &service.traits;
    let sdk_id = t.aws_service.as_ref().map(|s| s.sdk_id.clone());
    let package = match settings.package {
        Some(p) => p.to_owned(),
        None => default_package(sdk_id.as_deref().unwrap_or(service.id.name())),
    };
    let info = ServiceInfo {
        retry_tuning: customizations::retry_tuning(sdk_id.as_deref()),
        response_crc32: customizations::response_crc32(sdk_id.as_deref()),
        s3_signing: customizations::bucket_in_endpoint(sdk_id.as_deref()),
        // Set once the operations are built.
        s3_express: None,
        sigv4a: false,
        fixed_headers: customizations::fixed_headers(sdk_id.as_deref(), svc.version.as_deref()),
        id: service.id.clone(),
        title: t.title.clone().unwrap_or_else(|| service.id.name().to_owned()),
        version: svc.version.clone(),
        sdk_id,
        signing_name: t.sigv4.as_ref().map(|s| s.name.clone()),
        query_compatible: t.aws_query_compatible,
        no_error_wrapping: t.no_error_wrapping,
        xml_namespace: t.xml_namespace.as_ref().map(XmlNamespace::of),
    };
    let names = names::Table::new(model, selection);
    let http_bindings = protocol.is_none_or(|p| matches!(p, Protocol::RestJson1 | Protocol::RestXml));
    let cx = Cx { model, selection, names: &names, http_bindings, protocol };

    let manifest = manifest_settings(&service.id, settings, &info.title)?;
    let mut krate = Crate {
        package,
        manifest,
        docs: docs_of(t.documentation.as_deref()),
        service: info,
        structures: Vec::with_capacity(names.structures.len()),
        enums: Vec::with_capacity(names.enums.len()),
        unions: Vec::with_capacity(names.unions.len()),
        operations: Vec::with_capacity(selection.operations.len()),
        protocol,
        endpoints: t.endpoint_rule_set.as_ref().map(|rules| endpoints(rules, &t.endpoint_tests)).transpose()?,
        warnings: Vec::new(),
        prelude: Prelude::new(names.item_names()),
    };
    for planned in &names.structures {
        krate.structures.push(cx.structure(planned)?);
    }
    for planned in &names.enums {
        krate.enums.push(cx.enumeration(planned));
    }
    for planned in &names.unions {
        krate.unions.push(cx.union(planned, &krate.structures)?);
    }
    let mut warnings = Vec::new();
    for planned in &names.operations {
        let op = cx.operation(planned, &krate, &mut warnings)?;
        krate.operations.push(op);
    }
    krate.warnings = warnings;
    krate.service.s3_express = s3_express(&krate);
    // The scheme's name appears in a rule set nowhere else than in an endpoint's `authSchemes`.
    krate.service.sigv4a = krate.protocol.is_some()
        && krate.endpoints.as_ref().is_some_and(|endpoints| endpoints.rules_json.contains("\"sigv4a\""));
    // Errors' cases, now that every structure they can mention is in the table.
    let mut error_tests = Vec::new();
    for (i, planned) in names.structures.iter().enumerate() {
        for (name, case) in &planned.response_tests {
            let expected = params(&krate, &case.id).structure(StructId(i), &case.message.params)?;
            let expected_meta = ExpectedMeta::of(case);
            error_tests.push((i, ResponseTest { name: name.clone(), case: case.clone(), expected, expected_meta }));
        }
    }
    for (i, test) in error_tests {
        krate.structures[i].response_tests.push(test);
    }
    Ok(krate)
}

/// S3 Express One Zone's session auth, for the S3 crate when it has `CreateSession` with the
/// members the client reads; without it, a call to a directory bucket fails before it is sent,
/// saying `CreateSession` is missing.
fn s3_express(krate: &Crate) -> Option<S3Express> {
    if !krate.service.s3_signing || krate.protocol.is_none() {
        return None;
    }
    let bucket_param = krate.endpoints.as_ref()?.params.iter().find(|p| p.name == "Bucket")?.ident.clone();
    let (create_session, op) = krate.operations.iter().enumerate().find(|(_, op)| op.names.name == "CreateSession")?;
    let field = |id: StructId, member: &str, ty: fn(&RustType) -> bool| {
        let field = krate.structure(id).fields.iter().find(|f| f.member == member && ty(&f.ty))?;
        Some((field, SessionField { ident: field.ident.clone(), optional: field.optional }))
    };
    let string = |ty: &RustType| *ty == RustType::String;
    let (bucket, _) = field(op.input, "Bucket", string)?;
    let (credentials, credentials_field) = field(op.output, "Credentials", |ty| matches!(ty, RustType::Structure(_)))?;
    let RustType::Structure(session) = credentials.ty else { return None };
    Some(S3Express {
        create_session,
        bucket_param,
        bucket_setter: bucket.setter.clone(),
        credentials: credentials_field,
        access_key_id: field(session, "AccessKeyId", string)?.1,
        secret_access_key: field(session, "SecretAccessKey", string)?.1,
        session_token: field(session, "SessionToken", string)?.1,
        expiration: field(session, "Expiration", |ty| matches!(ty, RustType::DateTime(_)))?.1,
    })
}

/// The service's protocol: the one asked for, else the one AWS SDKs prefer among those it
/// declares. A service declaring none is an error unless only types are wanted.
fn choose_protocol(service: &Shape, settings: Settings) -> Result<Option<Protocol>> {
    let declared = &service.traits.protocols;
    let chosen = match settings.protocol {
        Some(p) if declared.contains(&p) || declared.is_empty() => Some(p),
        Some(p) => {
            let list: Vec<&str> = declared.iter().map(|p| p.name()).collect();
            return Err(Error::shape(
                &service.id,
                format!("the service does not declare the {} protocol (it declares: {})", p.name(), list.join(", ")),
            ));
        }
        None => Protocol::preferred(declared),
    };
    if settings.types_only {
        return Ok(None);
    }
    match chosen {
        Some(p) => Ok(Some(p)),
        None => {
            Err(Error::shape(&service.id, "the service declares no protocol trait; pass --protocol or --types-only"))
        }
    }
}

fn endpoints(rules: &model::EndpointRuleSet, cases: &[model::EndpointTestCase]) -> Result<Endpoints> {
    let mut scope = Scope::new(&["new"]);
    let params: Vec<EndpointParam> = rules
        .parameters
        .iter()
        .map(|(name, p)| EndpointParam {
            name: name.clone(),
            ident: scope.claim(&naming::field_ident(name)),
            kind: p.kind,
            built_in: p.built_in.clone(),
            docs: docs_of(p.documentation.as_deref()),
        })
        .collect();
    let mut tests = Vec::with_capacity(cases.len());
    for (n, case) in cases.iter().enumerate() {
        let bad = |what: String| Error::other(format!("endpoint test case {n}: {what}"));
        let mut values = Vec::new();
        for (param, value) in &case.params {
            let index = params
                .iter()
                .position(|p| &p.name == param)
                .ok_or_else(|| bad(format!("`{param}` is not a parameter of the rule set")))?;
            let typed = match (params[index].kind, value) {
                (model::EndpointParameterKind::String, Value::String(s)) => EndpointValue::String(s.clone()),
                (model::EndpointParameterKind::Boolean, Value::Bool(b)) => EndpointValue::Bool(*b),
                (model::EndpointParameterKind::StringArray, Value::Array(items)) => EndpointValue::StringArray(
                    items
                        .iter()
                        .map(|i| {
                            i.as_str().map(str::to_owned).ok_or_else(|| bad(format!("`{param}` has a non-string item")))
                        })
                        .collect::<Result<_>>()?,
                ),
                _ => return Err(bad(format!("`{param}` has the wrong type"))),
            };
            values.push((index, typed));
        }
        let expect = match (&case.expect.endpoint, &case.expect.error) {
            (Some(endpoint), _) => EndpointExpectation::Endpoint(endpoint.clone()),
            (None, Some(error)) => EndpointExpectation::Error(error.clone()),
            (None, None) => return Err(bad("expects neither an endpoint nor an error".into())),
        };
        tests.push(EndpointTest {
            name: format!("endpoint_case_{n}"),
            docs: format!(
                " {}",
                case.documentation.as_deref().unwrap_or("An endpoint test case of the model.").replace('\n', " ")
            ),
            params: values,
            expect,
        });
    }
    Ok(Endpoints { rules_json: rules.rules.to_string(), params, tests })
}

/// The manifest settings with their defaults; a `rust-version` older than the generated code
/// needs is an error.
fn manifest_settings(service: &ShapeId, settings: Settings, title: &str) -> Result<ManifestSettings> {
    let manifest = settings.manifest;
    let rust_version = manifest.rust_version.clone().unwrap_or_else(|| MINIMUM_RUST_VERSION.to_owned());
    let parse = |v: &str| -> Option<(u32, u32)> {
        let mut parts = v.split('.');
        Some((parts.next()?.parse().ok()?, parts.next().unwrap_or("0").parse().ok()?))
    };
    match (parse(&rust_version), parse(MINIMUM_RUST_VERSION)) {
        (Some(asked), Some(needed)) if asked >= needed => {}
        _ => {
            return Err(Error::shape(
                service,
                format!("minimumSupportedRustVersion `{rust_version}`: the generated code needs Rust {MINIMUM_RUST_VERSION} or later"),
            ))
        }
    }
    Ok(ManifestSettings {
        version: manifest.version.clone().unwrap_or_else(|| "0.1.0".to_owned()),
        description: manifest
            .description
            .clone()
            .unwrap_or_else(|| format!("Client types for {title}, generated from its Smithy model.")),
        license: manifest.license.clone(),
        rust_version,
        runtime_path: settings.runtime.manifest_path()?,
    })
}

/// `IoT Managed Integrations` -> `iotmanagedintegrations`, as aws-sdk-rust names crates (without
/// its `aws-sdk-` prefix: this crate is ours, not AWS's).
fn default_package(sdk_id: &str) -> String {
    sdk_id.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase()
}

fn docs_of(doc: Option<&str>) -> Vec<String> {
    doc.map(docs::to_markdown).unwrap_or_default()
}

fn deprecated_of(traits: &model::Traits) -> Option<Deprecated> {
    traits.deprecated.as_ref().map(|d| Deprecated { note: d.message.clone(), since: d.since.clone() })
}

/// Types a case's params against the crate's tables.
fn params<'a>(krate: &'a Crate, case: &'a str) -> cases::Params<'a> {
    cases::Params { structures: &krate.structures, unions: &krate.unions, case }
}

struct Cx<'a> {
    model: &'a Model,
    selection: &'a Selection,
    names: &'a names::Table,
    /// Whether the protocol binds members to HTTP (labels, query, headers, payload, `@http`)
    /// and names JSON members with `@jsonName`: restJson1 does; the JSON RPC protocols put
    /// every member in the body under its own name.
    http_bindings: bool,
    protocol: Option<Protocol>,
}

impl Cx<'_> {
    /// A structure or union member's XML and query names.
    fn xml_member(&self, member: &Member) -> XmlMember {
        let t = &member.traits;
        let name = t.xml_name.clone().unwrap_or_else(|| member.name.clone());
        let query_key = match self.protocol {
            Some(Protocol::Ec2Query) => t.ec2_query_name.clone().unwrap_or_else(|| capitalize(&name)),
            _ => name.clone(),
        };
        XmlMember {
            query_key,
            renamed: t.xml_name.is_some(),
            attribute: t.xml_attribute,
            flattened: t.xml_flattened,
            namespace: t.xml_namespace.as_ref().map(XmlNamespace::of),
            nested: self.xml_nested(&member.target),
            name,
        }
    }

    /// The endpoint parameters `op` sets: its input members' `@contextParam`s and its
    /// `@staticContextParams`, each checked against the rule set's parameter of that name.
    fn endpoint_arguments(
        &self,
        op: &Shape,
        input_id: &ShapeId,
        input: &Structure,
        krate: &Crate,
    ) -> Result<Vec<EndpointArgument>> {
        let Some(endpoints) = &krate.endpoints else { return Ok(Vec::new()) };
        let param = |name: &str| {
            endpoints.params.iter().position(|p| p.name == name).ok_or_else(|| {
                Error::shape(&op.id, format!("sets the endpoint parameter `{name}`, which the rule set does not have"))
            })
        };
        let mut arguments = Vec::new();
        if let Some(ShapeKind::Structure(members)) = self.model.shapes.get(input_id).map(|s| &s.kind) {
            for member in members {
                let Some(name) = &member.traits.context_param else { continue };
                let index = param(name)?;
                let field = input.fields.iter().position(|f| f.member == member.name).ok_or_else(|| {
                    Error::shape(&input_id.with_member(&member.name), "a @contextParam member is not an input field")
                })?;
                let fits = match endpoints.params[index].kind {
                    model::EndpointParameterKind::String => input.fields[field].ty == RustType::String,
                    model::EndpointParameterKind::Boolean => input.fields[field].ty == RustType::Bool,
                    model::EndpointParameterKind::StringArray => false,
                };
                if !fits {
                    return Err(Error::shape(
                        &input_id.with_member(&member.name),
                        format!("its type does not fit the endpoint parameter `{name}` it is bound to"),
                    ));
                }
                arguments.push(EndpointArgument { param: index, value: EndpointArgumentValue::Field(field) });
            }
        }
        for (name, value) in &op.traits.static_context_params {
            let index = param(name)?;
            let value = match (endpoints.params[index].kind, value) {
                (model::EndpointParameterKind::String, Value::String(s)) => EndpointValue::String(s.clone()),
                (model::EndpointParameterKind::Boolean, Value::Bool(b)) => EndpointValue::Bool(*b),
                _ => {
                    return Err(Error::shape(
                        &op.id,
                        format!("its static value {value} does not fit the endpoint parameter `{name}`"),
                    ))
                }
            };
            arguments.push(EndpointArgument { param: index, value: EndpointArgumentValue::Fixed(value) });
        }
        Ok(arguments)
    }

    /// The XML protocols cannot carry documents (the specs leave them undefined).
    fn check_wire_type(&self, member: &ShapeId, ty: &RustType) -> Result<()> {
        let xml = matches!(self.protocol, Some(Protocol::RestXml | Protocol::AwsQuery | Protocol::Ec2Query));
        let document = match ty {
            RustType::Document => true,
            RustType::List { item, .. } => return self.check_wire_type(member, item),
            RustType::Map { value, .. } => return self.check_wire_type(member, value),
            _ => false,
        };
        match (xml, document, self.protocol) {
            (true, true, Some(p)) => {
                Err(Error::shape(member, format!("is a document, which the {} protocol cannot carry", p.name())))
            }
            _ => Ok(()),
        }
    }

    /// The element names inside a value of the shape `target`.
    fn xml_nested(&self, target: &ShapeId) -> XmlNested {
        let name = |m: &Member, default: &str| m.traits.xml_name.clone().unwrap_or_else(|| default.to_owned());
        let namespace = |m: &Member| m.traits.xml_namespace.as_ref().map(XmlNamespace::of);
        match &self.model.shapes[target].kind {
            ShapeKind::List(item) => XmlNested::List {
                member: name(item, "member"),
                namespace: namespace(item),
                item: Box::new(self.xml_nested(&item.target)),
            },
            ShapeKind::Map { key, value } => XmlNested::Map {
                key: name(key, "key"),
                value: name(value, "value"),
                key_namespace: namespace(key),
                value_namespace: namespace(value),
                nested: Box::new(self.xml_nested(&value.target)),
            },
            _ => XmlNested::Value,
        }
    }

    /// The Rust type of a member (without `Option`/`Box`); timestamps carry the member's format.
    /// `container` names the shape holding the member, for errors.
    fn member_type(&self, container: &ShapeId, member: &Member) -> Result<RustType> {
        Ok(match self.rust_type(container, member)? {
            RustType::DateTime(_) => RustType::DateTime(self.model.member_traits(member).timestamp_format),
            other => other,
        })
    }

    /// The Rust type of a member's target (without `Option`/`Box`).
    fn rust_type(&self, container: &ShapeId, member: &Member) -> Result<RustType> {
        let target = &member.target;
        let shape = &self.model.shapes[target];
        let unit = || {
            Error::shape(
                &container.with_member(&member.name),
                format!("targets `{target}`, a unit type; only union members and operation inputs and outputs may"),
            )
        };
        Ok(match &shape.kind {
            ShapeKind::Simple(simple) => match simple {
                Simple::Blob if shape.traits.streaming => RustType::ByteStream,
                Simple::Blob => RustType::Blob,
                Simple::Boolean => RustType::Bool,
                Simple::String => RustType::String,
                Simple::Byte => RustType::I8,
                Simple::Short => RustType::I16,
                Simple::Integer => RustType::I32,
                Simple::Long => RustType::I64,
                Simple::Float => RustType::F32,
                Simple::Double => RustType::F64,
                Simple::BigInteger => RustType::BigInteger,
                Simple::BigDecimal => RustType::BigDecimal,
                Simple::Timestamp => RustType::DateTime(shape.traits.timestamp_format),
                Simple::Document => RustType::Document,
            },
            ShapeKind::Enum(_) => RustType::Enum(self.names.enum_id(target).ok_or_else(unit)?),
            ShapeKind::IntEnum(_) => RustType::IntEnum(self.names.enum_id(target).ok_or_else(unit)?),
            ShapeKind::Structure(_) => RustType::Structure(self.names.struct_id(target).ok_or_else(unit)?),
            ShapeKind::Union(_) => RustType::Union(self.names.union_id(target).ok_or_else(unit)?),
            ShapeKind::List(item) => {
                RustType::List { item: Box::new(self.member_type(target, item)?), sparse: shape.traits.sparse }
            }
            ShapeKind::Map { key, value } => RustType::Map {
                key: Box::new(self.member_type(target, key)?),
                value: Box::new(self.member_type(target, value)?),
                sparse: shape.traits.sparse,
            },
            ShapeKind::Service(_) | ShapeKind::Operation(_) | ShapeKind::Resource(_) => {
                unreachable!("members target data shapes (checked at load)")
            }
        })
    }

    /// Whether a member's value must be redacted: it or its target is `@sensitive`, or the target
    /// is a collection holding sensitive keys or values.
    fn is_sensitive(&self, member: &Member) -> bool {
        member.traits.sensitive || self.shape_is_sensitive(&member.target, &mut Vec::new())
    }

    fn shape_is_sensitive(&self, id: &ShapeId, seen: &mut Vec<ShapeId>) -> bool {
        let shape = &self.model.shapes[id];
        if shape.traits.sensitive {
            return true;
        }
        if seen.contains(id) {
            return false;
        }
        seen.push(id.clone());
        match &shape.kind {
            ShapeKind::List(m) => m.traits.sensitive || self.shape_is_sensitive(&m.target, seen),
            ShapeKind::Map { key, value } => {
                [key, value].iter().any(|m| m.traits.sensitive || self.shape_is_sensitive(&m.target, seen))
            }
            _ => false,
        }
    }

    fn structure(&self, planned: &names::PlannedStructure) -> Result<Structure> {
        let shape = &self.model.shapes[&planned.shape];
        let ShapeKind::Structure(members) = &shape.kind else { unreachable!("planned from a structure") };
        let role = match planned.module {
            Module::Errors => {
                let t = &shape.traits;
                // awsQuery errors may have a code (and status) of their own.
                let query_error = t.aws_query_error.as_ref().filter(|_| self.protocol == Some(Protocol::AwsQuery));
                Role::Error(ErrorInfo {
                    code: query_error.map_or_else(|| shape.id.name().to_owned(), |q| q.code.clone()),
                    fault: t.error.unwrap_or(ErrorFault::Client),
                    http_status: query_error.map(|q| q.http_response_code).or(t.http_error),
                    retryable: t.retryable,
                })
            }
            Module::Types => Role::Data,
            Module::Operation(_) if planned.is_input => Role::Input,
            Module::Operation(_) => Role::Output,
        };
        let mut fields = Vec::with_capacity(members.len());
        for (member, names) in members.iter().zip(&planned.fields) {
            let traits = self.model.member_traits(member);
            let member_id = shape.id.with_member(&member.name);
            let ty = self.member_type(&shape.id, member)?;
            self.check_wire_type(&member_id, &ty)?;
            let location = if traits.event_header {
                Location::EventHeader(member.name.clone())
            } else if traits.event_payload {
                Location::EventPayload
            } else if self.http_bindings {
                location(&traits, &member.name, &role)
            } else {
                Location::Body(member.name.clone())
            };
            // An event stream is the body of an operation's request or response, whatever the
            // protocol.
            let (ty, location) = match ty {
                RustType::Union(u) if self.model.shapes[&member.target].traits.streaming => {
                    if let Some(p @ (Protocol::AwsQuery | Protocol::Ec2Query)) = self.protocol {
                        return Err(Error::shape(
                            &member_id,
                            format!("is an event stream, which the {} protocol cannot carry", p.name()),
                        ));
                    }
                    let ty = match role {
                        Role::Input => RustType::EventSender(u),
                        Role::Output => RustType::EventReceiver(u),
                        _ => {
                            return Err(Error::shape(
                                &member_id,
                                "targets an event stream (a @streaming union), which only an operation's input or output may",
                            ))
                        }
                    };
                    (ty, Location::Payload)
                }
                ty => (ty, location),
            };
            // A stream is an operation's HTTP payload; elsewhere (the RPC protocols, which
            // have no HTTP bindings) its bytes are a blob of the document.
            let ty = match ty {
                RustType::ByteStream if location != Location::Payload || !planned.module.is_operation() => {
                    RustType::Blob
                }
                ty => ty,
            };
            // A stream is never absent: an empty one stands for no body, as in aws-sdk-rust.
            let streaming = matches!(ty, RustType::ByteStream | RustType::EventSender(_) | RustType::EventReceiver(_));
            let optional = !streaming && (role == Role::Input || self.model.is_optional(shape, member));
            let default = match (&member.traits.default, optional) {
                _ if streaming => Some(DefaultValue::EmptyStream),
                (Some(value), false) => default_value(&member_id, &ty, value)?,
                _ => None,
            };
            fields.push(Field {
                ident: names.ident.clone(),
                setter: names.setter.clone(),
                getter: names.getter.clone(),
                member: member.name.clone(),
                docs: docs_of(traits.documentation.as_deref()),
                deprecated: deprecated_of(&member.traits),
                optional,
                required: member.traits.required,
                default,
                sensitive: shape.traits.sensitive || self.is_sensitive(member),
                boxed: self.selection.boxed.contains(&member_id),
                ty,
                location,
                media_type: traits.media_type.clone(),
                idempotency_token: traits.idempotency_token,
                xml: self.xml_member(member),
            });
        }
        // An error's message is its `message` member in any letter case (restJson1 services
        // send `Message` or `message` whatever the model says).
        let message = match role {
            Role::Error(_) => {
                fields.iter().position(|f| f.member.eq_ignore_ascii_case("message") && f.ty == RustType::String)
            }
            _ => None,
        };
        Ok(Structure {
            shape: shape.id.clone(),
            name: planned.name.clone(),
            module: planned.module,
            file: planned.file.clone(),
            builder: planned.builder.clone(),
            docs: docs_of(shape.traits.documentation.as_deref()),
            deprecated: deprecated_of(&shape.traits),
            // An error's cases can mention any structure: they are typed once the table is whole.
            response_tests: Vec::new(),
            role,
            fields,
            xml_name: shape.traits.xml_name.clone().unwrap_or_else(|| shape.id.name().to_owned()),
            xml_namespace: shape.traits.xml_namespace.as_ref().map(XmlNamespace::of),
            message,
            fns: planned.fns.clone(),
        })
    }

    fn enumeration(&self, planned: &names::PlannedType) -> Enum {
        let shape = &self.model.shapes[&planned.shape];
        let (ShapeKind::Enum(members) | ShapeKind::IntEnum(members)) = &shape.kind else {
            unreachable!("planned from an enum")
        };
        let mut scope = Scope::new(&["Unknown"]);
        let variants = members
            .iter()
            .map(|m| EnumVariant {
                ident: scope.claim(&naming::variant_ident(&m.name)),
                value: m.traits.enum_value.clone().unwrap_or_else(|| EnumValue::String(m.name.clone())),
                docs: docs_of(m.traits.documentation.as_deref()),
                deprecated: deprecated_of(&m.traits),
            })
            .collect();
        Enum {
            name: planned.name.clone(),
            file: planned.file.clone(),
            docs: docs_of(shape.traits.documentation.as_deref()),
            deprecated: deprecated_of(&shape.traits),
            sensitive: shape.traits.sensitive,
            variants,
            int: matches!(shape.kind, ShapeKind::IntEnum(_)),
        }
    }

    fn union(&self, planned: &names::PlannedType, structures: &[Structure]) -> Result<Union> {
        let shape = &self.model.shapes[&planned.shape];
        let ShapeKind::Union(members) = &shape.kind else { unreachable!("planned from a union") };
        let mut variants_scope = Scope::new(&["Unknown"]);
        // `is_unknown` answers for the `Unknown` variant.
        let mut methods = Scope::new(&["is_unknown"]);
        // An event stream's `@error` members are its errors, not its events.
        let is_stream_error =
            |m: &&Member| planned.event_stream.is_some() && self.model.shapes[&m.target].traits.error.is_some();
        let event_stream = planned
            .event_stream
            .as_ref()
            .map(|names| self.event_stream(shape, names, members.iter().filter(is_stream_error), structures))
            .transpose()?;
        let variants = members
            .iter()
            .filter(|m| !is_stream_error(m))
            .map(|m| {
                let target = &self.model.shapes[&m.target];
                let traits = self.model.member_traits(m);
                let ident = variants_scope.claim(&naming::variant_ident(&m.name));
                let snake = naming::snake_case(&ident);
                let unit = target.traits.unit_type;
                Ok(UnionVariant {
                    is: methods.claim(&naming::ident(&format!("is_{snake}"))),
                    as_: if unit { String::new() } else { methods.claim(&naming::ident(&format!("as_{snake}"))) },
                    ident,
                    member: m.name.clone(),
                    json_name: match &traits.json_name {
                        Some(name) if self.http_bindings => name.clone(),
                        _ => m.name.clone(),
                    },
                    xml: self.xml_member(m),
                    ty: if unit {
                        None
                    } else {
                        let ty = self.member_type(&shape.id, m)?;
                        self.check_wire_type(&shape.id.with_member(&m.name), &ty)?;
                        Some(ty)
                    },
                    boxed: self.selection.boxed.contains(&shape.id.with_member(&m.name)),
                    docs: docs_of(traits.documentation.as_deref()),
                    deprecated: deprecated_of(&m.traits),
                    sensitive: self.is_sensitive(m),
                })
            })
            .collect::<Result<_>>()?;
        Ok(Union {
            shape: shape.id.clone(),
            name: planned.name.clone(),
            file: planned.file.clone(),
            docs: docs_of(shape.traits.documentation.as_deref()),
            deprecated: deprecated_of(&shape.traits),
            sensitive: shape.traits.sensitive,
            variants,
            xml_name: shape.traits.xml_name.clone().unwrap_or_else(|| shape.id.name().to_owned()),
            xml_namespace: shape.traits.xml_namespace.as_ref().map(XmlNamespace::of),
            fns: planned.fns.clone(),
            event_stream,
        })
    }

    /// A `@streaming` union's errors, once its events (its other members' structures) are
    /// checked: an event binds members to headers of the types headers carry, and has at most
    /// one `@eventPayload`, beside which every other member is a header.
    fn event_stream<'m>(
        &self,
        shape: &Shape,
        names: &names::EventStreamNames,
        errors: impl Iterator<Item = &'m Member>,
        structures: &[Structure],
    ) -> Result<EventStream> {
        let ShapeKind::Union(members) = &shape.kind else { unreachable!("planned from a union") };
        for m in members {
            let member_id = shape.id.with_member(&m.name);
            let Some(event) = self.names.struct_id(&m.target) else {
                if self.model.shapes[&m.target].traits.unit_type {
                    continue;
                }
                return Err(Error::shape(&member_id, "an event stream member must target a structure"));
            };
            let event = &structures[event.0];
            let payloads = event.fields.iter().filter(|f| f.location == Location::EventPayload).count();
            for f in &event.fields {
                let field_id = event.shape.with_member(&f.member);
                match (&f.location, &f.ty) {
                    (
                        Location::EventHeader(_),
                        RustType::Bool
                        | RustType::I8
                        | RustType::I16
                        | RustType::I32
                        | RustType::I64
                        | RustType::Blob
                        | RustType::String
                        | RustType::Enum(_)
                        | RustType::IntEnum(_)
                        | RustType::DateTime(_),
                    ) => {}
                    (Location::EventHeader(_), _) => {
                        return Err(Error::shape(
                            &field_id,
                            "an @eventHeader must be a boolean, number, blob, string or timestamp",
                        ))
                    }
                    (
                        Location::EventPayload,
                        RustType::Blob | RustType::String | RustType::Structure(_) | RustType::Union(_),
                    ) => {}
                    (Location::EventPayload, _) => {
                        return Err(Error::shape(
                            &field_id,
                            "an @eventPayload must be a blob, string, structure or union",
                        ))
                    }
                    _ if payloads > 0 => {
                        return Err(Error::shape(
                            &field_id,
                            "beside an @eventPayload every member of an event must be an @eventHeader",
                        ))
                    }
                    _ => {}
                }
            }
            if payloads > 1 {
                return Err(Error::shape(&event.shape, "an event has at most one @eventPayload"));
            }
        }
        let mut variants = Scope::new(&["Unhandled"]);
        let mut methods = Scope::new(&["unhandled", "meta", "code", "message", "inner"]);
        let errors = errors
            .map(|m| {
                let error = self.names.struct_id(&m.target).expect("an @error member targets a structure");
                let variant = variants.claim(&naming::variant_ident(&m.name));
                StreamError {
                    member: m.name.clone(),
                    error: OperationError {
                        is: methods.claim(&naming::ident(&format!("is_{}", naming::snake_case(&variant)))),
                        variant,
                        error,
                        docs: docs_of(self.model.member_traits(m).documentation.as_deref()),
                    },
                }
            })
            .collect();
        Ok(EventStream { names: names.clone(), errors })
    }

    /// An operation, once every structure is in the table; what of its `@paginated` it cannot
    /// follow goes to `warnings`.
    fn operation(
        &self,
        planned: &names::PlannedOperation,
        krate: &Crate,
        warnings: &mut Vec<Error>,
    ) -> Result<Operation> {
        let shape = &self.model.shapes[&planned.shape];
        let ShapeKind::Operation(op) = &shape.kind else { unreachable!("selected operations are operations") };
        let ShapeKind::Service(svc) = &self.model.shapes[&self.selection.service].kind else { unreachable!() };
        let mut error_ids = Vec::new();
        for e in op.errors.iter().chain(&svc.errors) {
            let not_an_error = || Error::shape(&shape.id, format!("error `{e}` is not an error structure"));
            let id = self.names.struct_id(e).ok_or_else(not_an_error)?;
            if self.model.shapes[e].traits.error.is_none() {
                return Err(Error::shape(
                    &shape.id,
                    format!("error `{e}` is not an error structure: it has no @error"),
                ));
            }
            error_ids.push(id);
        }
        error_ids.sort_by(|a, b| krate.structure(*a).name.cmp(&krate.structure(*b).name));
        error_ids.dedup();
        let mut variants = Scope::new(&["Unhandled"]);
        // The enum's own methods; `inner` is private, the variant's error as an `ErrorVariant`.
        let mut methods = Scope::new(&["unhandled", "meta", "code", "message", "inner"]);
        let errors: Vec<OperationError> = error_ids
            .into_iter()
            .map(|id| {
                let error = krate.structure(id);
                let variant = variants.claim(&error.name);
                OperationError {
                    is: methods.claim(&naming::ident(&format!("is_{}", naming::snake_case(&variant)))),
                    variant,
                    error: id,
                    docs: error.docs.clone(),
                }
            })
            .collect();
        let input = krate.structure(planned.input);
        let endpoint_arguments = self.endpoint_arguments(shape, &op.input, input, krate)?;
        // S3's rules put the bucket in the host or the path themselves.
        let bucket_in_endpoint = customizations::bucket_in_endpoint(krate.service.sdk_id.as_deref());
        let bucket_field = endpoint_arguments.iter().find_map(|a| match a.value {
            EndpointArgumentValue::Field(field)
                if bucket_in_endpoint
                    && krate.endpoints.as_ref().is_some_and(|e| e.params[a.param].name == "Bucket") =>
            {
                Some(field)
            }
            _ => None,
        });
        let http = match &shape.traits.http {
            Some(h) if self.http_bindings => {
                Some(http_binding(&shape.id, h, input, bucket_field, krate.service.sdk_id.as_deref())?)
            }
            _ => None,
        };
        let waiters = waiters::build(
            shape,
            &planned.waiters,
            &krate.structures,
            &errors,
            (planned.input, planned.output),
            warnings,
        );
        Ok(Operation {
            shape: shape.id.clone(),
            names: planned.names.clone(),
            docs: docs_of(shape.traits.documentation.as_deref()),
            deprecated: deprecated_of(&shape.traits),
            input: planned.input,
            output: planned.output,
            http,
            endpoint_arguments,
            unwrapped_xml_output: shape.traits.s3_unwrapped_xml_output,
            errors_in_200: customizations::errors_in_200(krate.service.sdk_id.as_deref(), &planned.names.name),
            unsigned: shape.traits.auth.as_ref().is_some_and(Vec::is_empty),
            requires_length: match &self.model.shapes[&op.input].kind {
                ShapeKind::Structure(members) => members
                    .iter()
                    .any(|m| self.model.target(m).traits.requires_length && self.model.target(m).traits.streaming),
                _ => false,
            },
            checksums: checksums(shape, input, warnings).or_else(|| {
                customizations::glacier_checksums(krate.service.sdk_id.as_deref(), &planned.names.name).then(|| {
                    Checksums {
                        flexible: false,
                        required: false,
                        request_algorithm_header: None,
                        response_mode_header: None,
                        response_algorithms: Vec::new(),
                        glacier_tree_hash: true,
                    }
                })
            }),
            pagination: pagination::build(
                self.model,
                self.selection,
                shape,
                &krate.structures,
                planned.input,
                planned.output,
                warnings,
            ),
            unit_input: self.model.shapes.get(&op.input).is_some_and(|s| s.traits.unit_type),
            long_polling: customizations::long_polling(krate.service.sdk_id.as_deref(), &planned.names.name),
            request_compression: shape
                .traits
                .request_compression
                .iter()
                .flat_map(|c| &c.encodings)
                .filter(|e| SUPPORTED_COMPRESSION.contains(&e.as_str()))
                .cloned()
                .collect(),
            request_tests: planned
                .request_tests
                .iter()
                .cloned()
                .map(|(name, case)| {
                    let input = params(krate, &case.id).structure(planned.input, &case.message.params)?;
                    let endpoint = krate.endpoints.as_ref().and_then(|_| CaseEndpoint::of(&case));
                    Ok(RequestTest { name: name.clone(), case, input, endpoint })
                })
                .collect::<Result<_>>()?,
            response_tests: planned
                .response_tests
                .iter()
                .cloned()
                .map(|(name, case)| {
                    let expected = params(krate, &case.id).structure(planned.output, &case.message.params)?;
                    Ok(ResponseTest { name: name.clone(), expected_meta: ExpectedMeta::of(&case), case, expected })
                })
                .collect::<Result<_>>()?,
            event_stream_tests: event_cases::build(
                krate,
                &planned.event_stream_tests,
                (planned.input, planned.output),
                &errors,
            )?,
            random_responses_test: planned.random_responses_test.clone(),
            errors,
            waiters,
        })
    }
}

/// What the operation's checksum traits ask for. The members they name are found by their
/// headers; one not bound to a header is a warning (the caller's choice is not seen, the
/// defaults apply).
fn checksums(op: &Shape, input: &Structure, warnings: &mut Vec<Error>) -> Option<Checksums> {
    /// The algorithms the runtime computes and validates.
    const SUPPORTED: &[&str] = &["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"];
    let mut header_of = |member: &Option<String>, what: &str| {
        let member = member.as_ref()?;
        match input.fields.iter().find(|f| &f.member == member).map(|f| &f.location) {
            Some(Location::Header(name)) => Some(name.clone()),
            _ => {
                let problem = format!("@httpChecksum's {what} `{member}` is not an input member bound to a header");
                warnings.push(Error::shape(&op.id, problem));
                None
            }
        }
    };
    let t = &op.traits;
    match &t.http_checksum {
        Some(c) => Some(Checksums {
            // Without an algorithm member, a required checksum is `Content-MD5`.
            flexible: c.request_algorithm_member.is_some(),
            required: c.request_checksum_required || t.http_checksum_required,
            request_algorithm_header: header_of(&c.request_algorithm_member, "requestAlgorithmMember"),
            response_mode_header: header_of(&c.request_validation_mode_member, "requestValidationModeMember"),
            response_algorithms: c
                .response_algorithms
                .iter()
                .filter(|a| SUPPORTED.iter().any(|s| s.eq_ignore_ascii_case(a)))
                .cloned()
                .collect(),
            glacier_tree_hash: false,
        }),
        None if t.http_checksum_required => Some(Checksums {
            flexible: false,
            required: true,
            request_algorithm_header: None,
            response_mode_header: None,
            response_algorithms: Vec::new(),
            glacier_tree_hash: false,
        }),
        None => None,
    }
}

/// `@http`'s URI parsed into literal segments and labels bound to the input's `@httpLabel`
/// fields; a label with no such field is an error naming the operation. The label of
/// `endpoint_label` (S3's bucket, which the endpoint carries) is left out.
fn http_binding(
    op: &ShapeId,
    http: &model::Http,
    input: &Structure,
    endpoint_label: Option<usize>,
    sdk_id: Option<&str>,
) -> Result<HttpBinding> {
    let (path, query) = match http.uri.split_once('?') {
        Some((path, query)) => (path, Some(query).filter(|q| !q.is_empty()).map(str::to_owned)),
        None => (http.uri.as_str(), None),
    };
    let mut segments = Vec::new();
    for segment in path.trim_start_matches('/').split('/') {
        let label = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
        let Some(label) = label else {
            segments.push(PathSegment::Literal(segment.to_owned()));
            continue;
        };
        let (member, greedy) = match label.strip_suffix('+') {
            Some(member) => (member, true),
            None => (label, false),
        };
        let field =
            input.fields.iter().position(|f| f.member == member && f.location == Location::Label).ok_or_else(|| {
                Error::shape(op, format!("@http URI label `{{{label}}}` has no @httpLabel input member `{member}`"))
            })?;
        if Some(field) != endpoint_label {
            let unset = customizations::unset_label(sdk_id, member).map(str::to_owned);
            segments.push(PathSegment::Label { field, greedy, unset });
        }
    }
    if segments.is_empty() {
        // `/{Bucket}` without its label is the root.
        segments.push(PathSegment::Literal(String::new()));
    }
    Ok(HttpBinding { method: http.method.clone(), path: segments, query, code: http.code })
}

fn default_value(member: &ShapeId, ty: &RustType, value: &Value) -> Result<Option<DefaultValue>> {
    let bad = || Error::shape(member, format!("@default value {value} does not fit the member's type"));
    let v = match (ty, value) {
        (_, Value::Null) => return Ok(None),
        (RustType::Bool, Value::Bool(b)) => DefaultValue::Bool(*b),
        (RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64, Value::Number(n)) => {
            DefaultValue::Int(n.as_i64().ok_or_else(bad)?)
        }
        (RustType::F32 | RustType::F64, Value::Number(n)) => DefaultValue::Float(n.as_f64().ok_or_else(bad)?),
        (RustType::String, Value::String(s)) => DefaultValue::String(s.clone()),
        (RustType::BigInteger | RustType::BigDecimal, Value::Number(n)) => DefaultValue::String(n.to_string()),
        (RustType::Enum(_), Value::String(s)) => DefaultValue::Enum(s.clone()),
        (RustType::IntEnum(_), Value::Number(n)) => DefaultValue::IntEnum(n.as_i64().ok_or_else(bad)?),
        (RustType::List { .. }, Value::Array(a)) if a.is_empty() => DefaultValue::EmptyList,
        (RustType::Map { .. }, Value::Object(o)) if o.is_empty() => DefaultValue::EmptyMap,
        (RustType::DateTime(_), Value::Number(n)) => DefaultValue::Timestamp(n.as_f64().ok_or_else(bad)?),
        (RustType::Blob, Value::String(s)) => {
            DefaultValue::Blob(smithy_runtime::primitives::base64::decode(s).map_err(|_| bad())?)
        }
        (RustType::Document, v) => DefaultValue::Document(v.clone()),
        _ => return Err(bad()),
    };
    Ok(Some(v))
}

/// Where a member goes: HTTP binding traits apply to the top level of inputs, outputs and errors
/// (labels and query strings only to inputs, since responses have neither); everything else is a
/// JSON body member.
fn location(traits: &model::Traits, member: &str, role: &Role) -> Location {
    let body = || Location::Body(traits.json_name.clone().unwrap_or_else(|| member.to_owned()));
    let input = *role == Role::Input;
    if *role == Role::Data {
        return body();
    }
    if traits.http_label && input {
        Location::Label
    } else if let Some(name) = traits.http_query.as_ref().filter(|_| input) {
        Location::Query(name.clone())
    } else if traits.http_query_params && input {
        Location::QueryParams
    } else if let Some(name) = &traits.http_header {
        Location::Header(name.clone())
    } else if let Some(prefix) = &traits.http_prefix_headers {
        Location::PrefixHeaders(prefix.clone())
    } else if traits.http_payload {
        Location::Payload
    } else if traits.http_response_code {
        Location::ResponseCode
    } else {
        body()
    }
}

/// `name` with its first letter in upper case, as ec2Query names its keys.
fn capitalize(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}
