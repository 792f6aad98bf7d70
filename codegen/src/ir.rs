//! The intermediate form the renderers read: every Rust name, type, module and doc line decided.
//!
//! [`build`] is the symbol provider: it alone maps Smithy shapes to Rust types and paths, and
//! normalizes operations (each gets its own `{Operation}Input`/`{Operation}Output` structures, as
//! aws-sdk-rust has them).

use proc_macro2::Ident;
use serde_json::Value;

use crate::docs;
use crate::error::{Error, Result};
use crate::model::{
    self, AppliesTo, EnumValue, ErrorFault, HttpRequestTest, HttpResponseTest, Member, Model, Shape, ShapeId, ShapeKind, Simple,
    TimestampFormat,
};
use crate::naming::{self, Scope};
use crate::transform::Selection;

/// Everything the generated crate contains.
#[derive(Clone, Debug)]
pub struct Crate {
    pub package: String,
    pub docs: Vec<String>,
    pub service: ServiceInfo,
    /// Shared data types (`crate::types`), sorted by name.
    pub structures: Vec<Structure>,
    pub enums: Vec<Enum>,
    pub unions: Vec<Union>,
    /// Modeled errors (`crate::types::error`), sorted by name.
    pub errors: Vec<Structure>,
    pub operations: Vec<Operation>,
    /// The wire protocol, when the service has one the generator speaks.
    pub protocol: Option<Protocol>,
    /// Endpoint rules, when the service has `smithy.rules#endpointRuleSet`.
    pub endpoints: Option<Endpoints>,
}

/// The service's endpoint rules: the rule set as JSON text (evaluated by the runtime), its
/// parameters, and its test cases.
#[derive(Clone, Debug)]
pub struct Endpoints {
    pub rules_json: String,
    pub params: Vec<EndpointParam>,
    pub tests: Vec<model::EndpointTestCase>,
}

#[derive(Clone, Debug)]
pub struct EndpointParam {
    /// The name in the rule set (`UseFIPS`).
    pub name: String,
    pub ident: Ident,
    pub kind: model::EndpointParameterKind,
    /// The built-in the client fills it from (`AWS::Region`, `SDK::Endpoint`, ...).
    pub built_in: Option<String>,
    pub docs: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    RestJson1,
}

#[derive(Clone, Debug)]
pub struct ServiceInfo {
    pub id: ShapeId,
    pub title: String,
    pub version: Option<String>,
    pub sdk_id: Option<String>,
    pub signing_name: Option<String>,
}

/// Where a named type lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Module {
    Types,
    Errors,
    Operation(Ident),
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
    Document,
    Named { module: Module, name: Ident, kind: NamedKind },
    List { item: Box<RustType>, sparse: bool },
    Map { key: Box<RustType>, value: Box<RustType>, sparse: bool },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamedKind {
    Structure,
    Union,
    Enum,
    IntEnum,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deprecated {
    pub note: Option<String>,
    pub since: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Structure {
    pub shape: ShapeId,
    pub name: Ident,
    pub module: Module,
    pub docs: Vec<String>,
    pub deprecated: Option<Deprecated>,
    pub role: Role,
    pub fields: Vec<Field>,
    /// Client response test cases attached to the shape (errors only).
    pub response_tests: Vec<HttpResponseTest>,
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
    pub ident: Ident,
    /// The member name in the model (the wire name unless `@jsonName` says otherwise).
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
    Document(Value),
}

#[derive(Clone, Debug)]
pub struct Enum {
    pub name: Ident,
    pub docs: Vec<String>,
    pub deprecated: Option<Deprecated>,
    pub sensitive: bool,
    pub variants: Vec<EnumVariant>,
    pub int: bool,
}

#[derive(Clone, Debug)]
pub struct EnumVariant {
    pub ident: Ident,
    pub value: EnumValue,
    pub docs: Vec<String>,
    pub deprecated: Option<Deprecated>,
}

#[derive(Clone, Debug)]
pub struct Union {
    pub name: Ident,
    pub docs: Vec<String>,
    pub deprecated: Option<Deprecated>,
    pub sensitive: bool,
    pub variants: Vec<UnionVariant>,
}

#[derive(Clone, Debug)]
pub struct UnionVariant {
    pub ident: Ident,
    /// snake_case of the member, for `as_x`/`is_x`.
    pub snake: String,
    pub member: String,
    /// The JSON member name (`@jsonName` or the member name).
    pub json_name: String,
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
    pub name: Ident,
    pub module: Ident,
    pub docs: Vec<String>,
    pub deprecated: Option<Deprecated>,
    pub input: Structure,
    pub output: Structure,
    pub error: Ident,
    pub errors: Vec<OperationError>,
    pub http: Option<model::Http>,
    /// How the operation pages its results (`@paginated`, merged with the service's).
    pub pagination: Option<Pagination>,
    /// Client request and response test cases of the operation.
    pub request_tests: Vec<HttpRequestTest>,
    pub response_tests: Vec<HttpResponseTest>,
}

/// The members a paginator reads and writes; all are top-level members (nested paths are
/// rejected when the IR is built).
#[derive(Clone, Debug)]
pub struct Pagination {
    /// The input field that carries the token.
    pub input_token: Ident,
    /// The output field that carries the next token.
    pub output_token: Field,
    /// The input field that sets the page size.
    pub page_size: Option<Ident>,
    /// The output field that holds the page's items.
    pub items: Option<Field>,
}

#[derive(Clone, Debug)]
pub struct OperationError {
    pub variant: Ident,
    /// snake_case of the variant, for `is_x`.
    pub snake: String,
    pub ty: Ident,
    pub docs: Vec<String>,
}

/// Builds the intermediate form for a selection of a model.
pub fn build(model: &Model, selection: &Selection, package: Option<&str>) -> Result<Crate> {
    let cx = Cx { model, selection };
    let service = &model.shapes[&selection.service];
    let ShapeKind::Service(svc) = &service.kind else { unreachable!("selection holds a service") };
    let t = &service.traits;
    let sdk_id = t.aws_service.as_ref().map(|s| s.sdk_id.clone());
    let package = match package {
        Some(p) => p.to_owned(),
        None => default_package(sdk_id.as_deref().unwrap_or(service.id.name())),
    };
    let info = ServiceInfo {
        id: service.id.clone(),
        title: t.title.clone().unwrap_or_else(|| service.id.name().to_owned()),
        version: svc.version.clone(),
        sdk_id,
        signing_name: t.sigv4.as_ref().map(|s| s.name.clone()),
    };

    // Operation inputs and outputs become per-operation types; other structures are shared.
    let mut io_only = std::collections::BTreeSet::new();
    for op in &selection.operations {
        let ShapeKind::Operation(o) = &model.shapes[op].kind else { unreachable!() };
        io_only.insert(o.input.clone());
        io_only.insert(o.output.clone());
    }
    let targeted: std::collections::BTreeSet<&ShapeId> = selection
        .closure
        .iter()
        .flat_map(|id| model.shapes[id].kind.members())
        .map(|m| &m.target)
        .collect();

    let mut krate = Crate {
        package,
        docs: docs_of(t.documentation.as_deref()),
        service: info,
        structures: Vec::new(),
        enums: Vec::new(),
        unions: Vec::new(),
        errors: Vec::new(),
        operations: Vec::new(),
        protocol: t.rest_json1.then_some(Protocol::RestJson1),
        endpoints: t.endpoint_rule_set.as_ref().map(|rules| Endpoints {
            rules_json: rules.rules.to_string(),
            params: rules
                .parameters
                .iter()
                .map(|(name, p)| EndpointParam {
                    name: name.clone(),
                    ident: naming::field_ident(name),
                    kind: p.kind,
                    built_in: p.built_in.clone(),
                    docs: docs_of(p.documentation.as_deref()),
                })
                .collect(),
            tests: t.endpoint_tests.clone(),
        }),
    };
    for id in &selection.closure {
        let shape = &model.shapes[id];
        match &shape.kind {
            ShapeKind::Structure(members) if shape.traits.error.is_some() => {
                let name = cx.type_name(id);
                krate.errors.push(cx.structure(shape, members, name, Module::Errors, cx.error_role(shape))?);
            }
            ShapeKind::Structure(members) if !io_only.contains(id) || targeted.contains(id) => {
                if shape.traits.unit_type {
                    continue;
                }
                let name = cx.type_name(id);
                krate.structures.push(cx.structure(shape, members, name, Module::Types, Role::Data)?);
            }
            ShapeKind::Enum(members) | ShapeKind::IntEnum(members) => krate.enums.push(cx.enumeration(shape, members)),
            ShapeKind::Union(members) => krate.unions.push(cx.union(shape, members)?),
            _ => {}
        }
    }
    for op in &selection.operations {
        krate.operations.push(cx.operation(op)?);
    }
    let by_name = |a: &Ident, b: &Ident| a.to_string().cmp(&b.to_string());
    krate.structures.sort_by(|a, b| by_name(&a.name, &b.name));
    krate.errors.sort_by(|a, b| by_name(&a.name, &b.name));
    krate.enums.sort_by(|a, b| by_name(&a.name, &b.name));
    krate.unions.sort_by(|a, b| by_name(&a.name, &b.name));
    krate.operations.sort_by(|a, b| by_name(&a.name, &b.name));
    Ok(krate)
}

/// `IoT Managed Integrations` -> `iotmanagedintegrations`, as aws-sdk-rust names crates (without
/// its `aws-sdk-` prefix: this crate is ours, not AWS's).
fn default_package(sdk_id: &str) -> String {
    sdk_id.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase()
}

/// A field's name: its snake_case, unless that would collide with a method every structure or
/// builder has (`builder()`, `build()`, an error's `meta()`), which get a `_value` suffix.
fn field_name(member: &str, is_error: bool) -> String {
    let snake = naming::snake_case(member);
    if matches!(snake.as_str(), "build" | "builder") || (is_error && snake == "meta") {
        format!("{snake}_value")
    } else {
        snake
    }
}

fn docs_of(doc: Option<&str>) -> Vec<String> {
    doc.map(docs::to_markdown).unwrap_or_default()
}

fn deprecated_of(traits: &model::Traits) -> Option<Deprecated> {
    traits.deprecated.as_ref().map(|d| Deprecated { note: d.message.clone(), since: d.since.clone() })
}

struct Cx<'a> {
    model: &'a Model,
    selection: &'a Selection,
}

impl Cx<'_> {
    fn type_name(&self, id: &ShapeId) -> Ident {
        naming::type_ident(self.selection.names.get(id).map_or(id.name(), String::as_str))
    }

    fn error_role(&self, shape: &Shape) -> Role {
        let t = &shape.traits;
        Role::Error(ErrorInfo {
            code: shape.id.name().to_owned(),
            fault: t.error.unwrap_or(ErrorFault::Client),
            http_status: t.http_error,
            retryable: t.retryable,
        })
    }

    /// The Rust type of a member (without `Option`/`Box`); timestamps carry the member's format.
    fn member_type(&self, member: &Member) -> RustType {
        match self.rust_type(&member.target) {
            RustType::DateTime(_) => RustType::DateTime(self.model.member_traits(member).timestamp_format),
            other => other,
        }
    }

    /// The Rust type of a shape (without `Option`/`Box`).
    fn rust_type(&self, target: &ShapeId) -> RustType {
        let shape = &self.model.shapes[target];
        let named = |kind| RustType::Named {
            module: if shape.traits.error.is_some() { Module::Errors } else { Module::Types },
            name: self.type_name(target),
            kind,
        };
        match &shape.kind {
            ShapeKind::Simple(simple) => match simple {
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
            ShapeKind::Enum(_) => named(NamedKind::Enum),
            ShapeKind::IntEnum(_) => named(NamedKind::IntEnum),
            ShapeKind::Structure(_) => named(NamedKind::Structure),
            ShapeKind::Union(_) => named(NamedKind::Union),
            ShapeKind::List(member) => RustType::List {
                item: Box::new(self.member_type(member)),
                sparse: shape.traits.sparse,
            },
            ShapeKind::Map { key, value } => RustType::Map {
                key: Box::new(self.member_type(key)),
                value: Box::new(self.member_type(value)),
                sparse: shape.traits.sparse,
            },
            ShapeKind::Service(_) | ShapeKind::Operation(_) | ShapeKind::Resource(_) => {
                unreachable!("members target data shapes (checked at load)")
            }
        }
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
            ShapeKind::Map { key, value } => [key, value]
                .iter()
                .any(|m| m.traits.sensitive || self.shape_is_sensitive(&m.target, seen)),
            _ => false,
        }
    }

    fn structure(&self, shape: &Shape, members: &[Member], name: Ident, module: Module, role: Role) -> Result<Structure> {
        let is_error = matches!(role, Role::Error(_));
        let mut scope = Scope::new(&[]);
        let mut fields = Vec::with_capacity(members.len());
        for member in members {
            let traits = self.model.member_traits(member);
            let member_id = shape.id.with_member(&member.name);
            let ty = self.member_type(member);
            let optional = role == Role::Input || self.model.is_optional(shape, member);
            let location = location(&traits, &member.name, &role);
            let default = match (&member.traits.default, optional) {
                (Some(value), false) => self.default_value(&member_id, &ty, value)?,
                _ => None,
            };
            fields.push(Field {
                ident: naming::ident(&scope.claim(field_name(&member.name, is_error))),
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
            });
        }
        Ok(Structure {
            shape: shape.id.clone(),
            name,
            module,
            docs: docs_of(shape.traits.documentation.as_deref()),
            deprecated: deprecated_of(&shape.traits),
            response_tests: match role {
                Role::Error(_) => shape.traits.http_response_tests.iter().filter(|c| AppliesTo::includes_clients(c.applies_to)).cloned().collect(),
                _ => Vec::new(),
            },
            role,
            fields,
        })
    }

    fn default_value(&self, member: &ShapeId, ty: &RustType, value: &Value) -> Result<Option<DefaultValue>> {
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
            (RustType::Named { kind: NamedKind::Enum, .. }, Value::String(s)) => DefaultValue::Enum(s.clone()),
            (RustType::Named { kind: NamedKind::IntEnum, .. }, Value::Number(n)) => {
                DefaultValue::IntEnum(n.as_i64().ok_or_else(bad)?)
            }
            (RustType::List { .. }, Value::Array(a)) if a.is_empty() => DefaultValue::EmptyList,
            (RustType::Map { .. }, Value::Object(o)) if o.is_empty() => DefaultValue::EmptyMap,
            (RustType::DateTime(_), Value::Number(n)) => DefaultValue::Timestamp(n.as_f64().ok_or_else(bad)?),
            (RustType::Blob, Value::String(s)) => {
                DefaultValue::Blob(inlineable::primitives::base64::decode(s).map_err(|_| bad())?)
            }
            (RustType::Document, v) => DefaultValue::Document(v.clone()),
            _ => return Err(bad()),
        };
        Ok(Some(v))
    }

    fn enumeration(&self, shape: &Shape, members: &[Member]) -> Enum {
        let mut scope = Scope::new(&["Unknown"]);
        let variants = members
            .iter()
            .map(|m| {
                let value = m.traits.enum_value.clone().unwrap_or_else(|| EnumValue::String(m.name.clone()));
                EnumVariant {
                    ident: naming::ident(&scope.claim(naming::variant_ident(&m.name).to_string())),
                    value,
                    docs: docs_of(m.traits.documentation.as_deref()),
                    deprecated: deprecated_of(&m.traits),
                }
            })
            .collect();
        Enum {
            name: self.type_name(&shape.id),
            docs: docs_of(shape.traits.documentation.as_deref()),
            deprecated: deprecated_of(&shape.traits),
            sensitive: shape.traits.sensitive,
            variants,
            int: matches!(shape.kind, ShapeKind::IntEnum(_)),
        }
    }

    fn union(&self, shape: &Shape, members: &[Member]) -> Result<Union> {
        let mut scope = Scope::new(&["Unknown"]);
        let variants = members
            .iter()
            .map(|m| {
                let target = &self.model.shapes[&m.target];
                let traits = self.model.member_traits(m);
                UnionVariant {
                    ident: naming::ident(&scope.claim(naming::variant_ident(&m.name).to_string())),
                    snake: naming::snake_case(&m.name),
                    member: m.name.clone(),
                    json_name: traits.json_name.clone().unwrap_or_else(|| m.name.clone()),
                    ty: (!target.traits.unit_type).then(|| self.member_type(m)),
                    boxed: self.selection.boxed.contains(&shape.id.with_member(&m.name)),
                    docs: docs_of(traits.documentation.as_deref()),
                    deprecated: deprecated_of(&m.traits),
                    sensitive: self.is_sensitive(m),
                }
            })
            .collect();
        Ok(Union {
            name: self.type_name(&shape.id),
            docs: docs_of(shape.traits.documentation.as_deref()),
            deprecated: deprecated_of(&shape.traits),
            sensitive: shape.traits.sensitive,
            variants,
        })
    }

    /// The operation's `@paginated` trait, completed by the service's (the spec lets a service
    /// state the member names its operations share), mapped to fields.
    fn pagination(&self, id: &ShapeId, input: &Structure, output: &Structure) -> Result<Option<Pagination>> {
        let Some(own) = &self.model.shapes[id].traits.paginated else { return Ok(None) };
        let service = self.model.shapes[&self.selection.service].traits.paginated.clone().unwrap_or_default();
        let pick = |own: &Option<String>, inherited: &Option<String>| own.clone().or_else(|| inherited.clone());
        let unsupported = |what: &str| Error::shape(id, format!("@paginated: {what}"));
        let field = |s: &Structure, path: Option<String>, role: &str| -> Result<Option<Field>> {
            let Some(path) = path else { return Ok(None) };
            if path.contains('.') {
                return Err(unsupported(&format!("the {role} path `{path}` is nested, which is not supported yet")));
            }
            s.fields
                .iter()
                .find(|f| f.member == path)
                .cloned()
                .map(Some)
                .ok_or_else(|| unsupported(&format!("the {role} member `{path}` does not exist")))
        };
        let input_token = field(input, pick(&own.input_token, &service.input_token), "input token")?;
        let output_token = field(output, pick(&own.output_token, &service.output_token), "output token")?;
        let (Some(input_token), Some(output_token)) = (input_token, output_token) else {
            return Err(unsupported("inputToken and outputToken are required"));
        };
        if input_token.ty != RustType::String || output_token.ty != RustType::String {
            return Err(unsupported("tokens must be strings"));
        }
        let page_size = field(input, pick(&own.page_size, &service.page_size), "page size")?;
        if page_size.as_ref().is_some_and(|f| f.ty != RustType::I32) {
            return Err(unsupported("the page size must be an integer"));
        }
        let items = field(output, pick(&own.items, &service.items), "items")?;
        Ok(Some(Pagination {
            input_token: input_token.ident,
            output_token,
            page_size: page_size.map(|f| f.ident),
            items,
        }))
    }

    fn operation(&self, id: &ShapeId) -> Result<Operation> {
        let shape = &self.model.shapes[id];
        let ShapeKind::Operation(op) = &shape.kind else { unreachable!("selected operations are operations") };
        let name_text = self.selection.names.get(id).map_or(id.name(), String::as_str);
        // aws-sdk-rust keeps operation names as the model spells them (`ListWebACLs`).
        let name = naming::ident(name_text);
        let module = naming::field_ident(name_text);
        let io = |target: &ShapeId, suffix: &str, role: Role| {
            let io_shape = &self.model.shapes[target];
            let ShapeKind::Structure(members) = &io_shape.kind else { unreachable!("checked at load") };
            let io_name = naming::ident(&format!("{name}{suffix}"));
            self.structure(io_shape, members, io_name, Module::Operation(module.clone()), role)
        };
        let input = io(&op.input, "Input", Role::Input)?;
        let output = io(&op.output, "Output", Role::Output)?;

        let ShapeKind::Service(svc) = &self.model.shapes[&self.selection.service].kind else { unreachable!() };
        let mut error_ids: Vec<&ShapeId> = op.errors.iter().chain(&svc.errors).collect();
        error_ids.sort_by_key(|e| self.type_name(e).to_string());
        error_ids.dedup();
        let mut scope = Scope::new(&["Unhandled"]);
        let errors = error_ids
            .into_iter()
            .map(|e| {
                let ty = self.type_name(e);
                let variant = naming::ident(&scope.claim(ty.to_string()));
                OperationError {
                    snake: naming::snake_case(&variant.to_string()),
                    variant,
                    ty,
                    docs: docs_of(self.model.shapes[e].traits.documentation.as_deref()),
                }
            })
            .collect();
        let pagination = self.pagination(id, &input, &output)?;
        Ok(Operation {
            shape: id.clone(),
            error: naming::ident(&format!("{name}Error")),
            name,
            module,
            docs: docs_of(shape.traits.documentation.as_deref()),
            deprecated: deprecated_of(&shape.traits),
            input,
            output,
            errors,
            http: shape.traits.http.clone(),
            pagination,
            request_tests: shape.traits.http_request_tests.iter().filter(|c| AppliesTo::includes_clients(c.applies_to)).cloned().collect(),
            response_tests: shape.traits.http_response_tests.iter().filter(|c| AppliesTo::includes_clients(c.applies_to)).cloned().collect(),
        })
    }
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

