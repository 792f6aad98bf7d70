//! An interpreter for Smithy rules-engine endpoint rule sets.
//!
//! [`RuleSet::from_json`] reads the JSON form of an `endpointRuleSet` trait
//! (version 1.x) and [`RuleSet::resolve`] evaluates it for a set of
//! [`Params`], producing an [`Endpoint`] or the [`EndpointError`] an `error`
//! rule raised. The standard library (`isSet`, `not`, `booleanEquals`,
//! `stringEquals`, `getAttr`, `substring`, `uriEncode`, `parseURL`,
//! `isValidHostLabel`, `split`, `coalesce`, `ite`) and the AWS functions
//! (`aws.partition`, `aws.parseArn`, `aws.isVirtualHostableS3Bucket`) are
//! built in.

use std::collections::BTreeMap;
use std::error::Error;
use std::fmt;

use crate::json::JsonValue;
use crate::primitives::{Document, Number};

/// Rule sets nested deeper than this (rules, expressions or properties) are rejected.
const MAX_NESTING: usize = 64;

// ---------------------------------------------------------------------------
// Public values
// ---------------------------------------------------------------------------

/// A parameter or intermediate value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string.
    String(String),
    /// A boolean.
    Bool(bool),
    /// An array, such as a `stringArray` parameter or `split`'s result.
    Array(Vec<Value>),
    /// A record, such as the results of `parseURL`, `aws.partition` and `aws.parseArn`.
    Record(BTreeMap<String, Value>),
}

impl Value {
    /// The string, if this is a [`Value::String`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(value) => Some(value),
            _ => None,
        }
    }

    /// The boolean, if this is a [`Value::Bool`].
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(value) => Some(*value),
            _ => None,
        }
    }

    /// Converts the value to a [`Document`].
    pub fn to_document(&self) -> Document {
        match self {
            Value::String(value) => Document::String(value.clone()),
            Value::Bool(value) => Document::Bool(*value),
            Value::Array(items) => Document::Array(items.iter().map(Value::to_document).collect()),
            Value::Record(fields) => {
                Document::Object(fields.iter().map(|(key, value)| (key.clone(), value.to_document())).collect())
            }
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Bool(_) => "a boolean",
            Value::Array(_) => "an array",
            Value::Record(_) => "a record",
        }
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::String(value.to_owned())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::String(value)
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Value::Bool(value)
    }
}

impl From<Vec<String>> for Value {
    fn from(value: Vec<String>) -> Self {
        Value::Array(value.into_iter().map(Value::String).collect())
    }
}

/// Parameter values by name (e.g. `Region`, `UseFIPS`, `UseDualStack`, `Endpoint`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    values: BTreeMap<String, Value>,
}

impl Params {
    /// No parameters set.
    pub fn new() -> Self {
        Params::default()
    }

    /// Sets parameter `name` to `value`, replacing any earlier value.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<Value>) -> &mut Self {
        self.values.insert(name.into(), value.into());
        self
    }

    /// Unsets parameter `name`.
    pub fn remove(&mut self, name: &str) -> &mut Self {
        self.values.remove(name);
        self
    }

    /// The value of parameter `name`, if set.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// All set parameters, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values.iter().map(|(name, value)| (name.as_str(), value))
    }
}

/// A resolved endpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    /// The endpoint URL.
    pub url: String,
    /// Headers to send with requests to the endpoint, by name.
    pub headers: BTreeMap<String, Vec<String>>,
    /// Further properties, such as `authSchemes`.
    pub properties: BTreeMap<String, Document>,
}

/// Resolution failed: an `error` rule matched, no rule matched, a required
/// parameter was missing, or the rule set is malformed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointError {
    message: String,
}

impl EndpointError {
    /// An error with the given message.
    pub fn new(message: impl Into<String>) -> Self {
        EndpointError { message: message.into() }
    }

    /// The message; for an `error` rule exactly the rule's evaluated text.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for EndpointError {}

// ---------------------------------------------------------------------------
// Rule set structure
// ---------------------------------------------------------------------------

/// The declared type of a rule-set parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParameterType {
    /// `string`.
    String,
    /// `boolean`.
    Boolean,
    /// `stringArray`.
    StringArray,
}

impl ParameterType {
    fn accepts(self, value: &Value) -> bool {
        match (self, value) {
            (ParameterType::String, Value::String(_)) | (ParameterType::Boolean, Value::Bool(_)) => true,
            (ParameterType::StringArray, Value::Array(items)) => {
                items.iter().all(|item| matches!(item, Value::String(_)))
            }
            _ => false,
        }
    }
}

/// A parameter a rule set declares.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// The parameter's name.
    pub name: String,
    /// The parameter's type.
    pub kind: ParameterType,
    /// The value used when the caller sets none.
    pub default: Option<Value>,
    /// Whether resolution fails when the parameter has no value.
    pub required: bool,
    /// The built-in value the parameter is bound to, such as `AWS::Region`.
    pub built_in: Option<String>,
}

/// A parsed rule set.
#[derive(Clone, Debug)]
pub struct RuleSet {
    version: String,
    parameters: Vec<Parameter>,
    rules: Vec<Rule>,
}

#[derive(Clone, Debug)]
struct Rule {
    conditions: Vec<Condition>,
    kind: RuleKind,
}

#[derive(Clone, Debug)]
enum RuleKind {
    Endpoint(EndpointTemplate),
    Error(Expr),
    Tree(Vec<Rule>),
}

#[derive(Clone, Debug)]
struct Condition {
    expr: Expr,
    assign: Option<String>,
}

#[derive(Clone, Debug)]
struct EndpointTemplate {
    url: Expr,
    headers: Vec<(String, Vec<Expr>)>,
    properties: Vec<(String, Property)>,
}

#[derive(Clone, Debug)]
enum Expr {
    Template(Vec<TemplatePart>),
    Bool(bool),
    Int(i64),
    Array(Vec<Expr>),
    Record(Vec<(String, Expr)>),
    Ref(String),
    Call(Function, Vec<Expr>),
}

#[derive(Clone, Debug)]
enum TemplatePart {
    Literal(String),
    Ref { name: String, path: Vec<PathPart> },
}

#[derive(Clone, Debug, PartialEq)]
enum PathPart {
    Key(String),
    Index(i64),
}

#[derive(Clone, Debug)]
enum Property {
    Template(Vec<TemplatePart>),
    Bool(bool),
    Number(Number),
    Null,
    Array(Vec<Property>),
    Object(Vec<(String, Property)>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Function {
    BooleanEquals,
    Coalesce,
    GetAttr,
    IsSet,
    IsValidHostLabel,
    Ite,
    Not,
    ParseUrl,
    Split,
    StringEquals,
    Substring,
    UriEncode,
    AwsPartition,
    AwsParseArn,
    AwsIsVirtualHostableS3Bucket,
}

impl Function {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "booleanEquals" => Function::BooleanEquals,
            "coalesce" => Function::Coalesce,
            "getAttr" => Function::GetAttr,
            "isSet" => Function::IsSet,
            "isValidHostLabel" => Function::IsValidHostLabel,
            "ite" => Function::Ite,
            "not" => Function::Not,
            "parseURL" => Function::ParseUrl,
            "split" => Function::Split,
            "stringEquals" => Function::StringEquals,
            "substring" => Function::Substring,
            "uriEncode" => Function::UriEncode,
            "aws.partition" => Function::AwsPartition,
            "aws.parseArn" => Function::AwsParseArn,
            "aws.isVirtualHostableS3Bucket" => Function::AwsIsVirtualHostableS3Bucket,
            _ => return None,
        })
    }

    /// The accepted argument counts (inclusive bounds).
    fn arity(self) -> (usize, usize) {
        match self {
            Function::IsSet
            | Function::Not
            | Function::ParseUrl
            | Function::UriEncode
            | Function::AwsPartition
            | Function::AwsParseArn => (1, 1),
            Function::BooleanEquals
            | Function::StringEquals
            | Function::GetAttr
            | Function::IsValidHostLabel
            | Function::AwsIsVirtualHostableS3Bucket => (2, 2),
            Function::Ite | Function::Split => (3, 3),
            Function::Substring => (4, 4),
            Function::Coalesce => (2, usize::MAX),
        }
    }
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

fn malformed(message: impl fmt::Display) -> EndpointError {
    EndpointError::new(format!("malformed rule set: {message}"))
}

fn member<'a>(object: &'a JsonValue, key: &str, context: &str) -> Result<&'a JsonValue, EndpointError> {
    object.get(key).ok_or_else(|| malformed(format!("{context} has no `{key}`")))
}

fn string_member(object: &JsonValue, key: &str, context: &str) -> Result<String, EndpointError> {
    match member(object, key, context)? {
        JsonValue::String(value) => Ok(value.clone()),
        _ => Err(malformed(format!("{context}'s `{key}` is not a string"))),
    }
}

fn array_member<'a>(object: &'a JsonValue, key: &str, context: &str) -> Result<&'a [JsonValue], EndpointError> {
    match member(object, key, context)? {
        JsonValue::Array(items) => Ok(items),
        _ => Err(malformed(format!("{context}'s `{key}` is not an array"))),
    }
}

fn object_members<'a>(value: &'a JsonValue, context: &str) -> Result<&'a [(String, JsonValue)], EndpointError> {
    match value {
        JsonValue::Object(members) => Ok(members),
        _ => Err(malformed(format!("{context} is not an object"))),
    }
}

impl RuleSet {
    /// Parses the JSON text of an `endpointRuleSet` trait value.
    pub fn from_json(text: &str) -> Result<Self, EndpointError> {
        let value = crate::json::parse(text.as_bytes()).map_err(|error| malformed(format!("invalid JSON: {error}")))?;
        RuleSet::from_json_value(&value)
    }

    /// Builds a rule set from an already parsed `endpointRuleSet` trait value.
    pub fn from_json_value(value: &JsonValue) -> Result<Self, EndpointError> {
        object_members(value, "the rule set")?;
        let version = string_member(value, "version", "the rule set")?;
        if !version.starts_with("1.") {
            return Err(malformed(format!("unsupported version {version:?}")));
        }
        let mut parameters = Vec::new();
        if let Some(declared) = value.get("parameters") {
            for (name, declaration) in object_members(declared, "`parameters`")? {
                parameters.push(parse_parameter(name, declaration)?);
            }
        }
        let rules = array_member(value, "rules", "the rule set")?
            .iter()
            .map(|rule| parse_rule(rule, 0))
            .collect::<Result<_, _>>()?;
        Ok(RuleSet { version, parameters, rules })
    }

    /// The rule set's `version`, such as `1.0`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The declared parameters, in declaration order.
    pub fn parameters(&self) -> &[Parameter] {
        &self.parameters
    }

    /// Fills parameter defaults from the rule set, checks required parameters, evaluates the rules.
    pub fn resolve(&self, params: &Params) -> Result<Endpoint, EndpointError> {
        let mut scope: Vec<(String, Option<Value>)> = Vec::with_capacity(self.parameters.len());
        for parameter in &self.parameters {
            let value = params.get(&parameter.name).or(parameter.default.as_ref());
            match value {
                Some(value) if !parameter.kind.accepts(value) => {
                    return Err(EndpointError::new(format!(
                        "parameter {} must be {}, not {}",
                        parameter.name,
                        match parameter.kind {
                            ParameterType::String => "a string",
                            ParameterType::Boolean => "a boolean",
                            ParameterType::StringArray => "an array of strings",
                        },
                        value.kind()
                    )))
                }
                None if parameter.required => {
                    return Err(EndpointError::new(format!("a required parameter was not set: {}", parameter.name)))
                }
                _ => {}
            }
            scope.push((parameter.name.clone(), value.cloned()));
        }
        let mut evaluator = Evaluator { scope };
        match evaluator.rules(&self.rules)? {
            Some(endpoint) => Ok(endpoint),
            None => Err(EndpointError::new("no rule matched the parameters (rules exhausted)")),
        }
    }
}

fn parse_parameter(name: &str, declaration: &JsonValue) -> Result<Parameter, EndpointError> {
    let context = format!("parameter {name}");
    let kind = match string_member(declaration, "type", &context)?.to_ascii_lowercase().as_str() {
        "string" => ParameterType::String,
        "boolean" => ParameterType::Boolean,
        "stringarray" => ParameterType::StringArray,
        other => return Err(malformed(format!("{context} has unknown type {other:?}"))),
    };
    let default = match declaration.get("default") {
        None | Some(JsonValue::Null) => None,
        Some(value) => {
            let value = literal_value(value)
                .filter(|value| kind.accepts(value))
                .ok_or_else(|| malformed(format!("{context} has a default of the wrong type")))?;
            Some(value)
        }
    };
    let required = match declaration.get("required") {
        None | Some(JsonValue::Null) => false,
        Some(JsonValue::Bool(required)) => *required,
        Some(_) => return Err(malformed(format!("{context}'s `required` is not a boolean"))),
    };
    let built_in = match declaration.get("builtIn") {
        None | Some(JsonValue::Null) => None,
        Some(JsonValue::String(built_in)) => Some(built_in.clone()),
        Some(_) => return Err(malformed(format!("{context}'s `builtIn` is not a string"))),
    };
    Ok(Parameter { name: name.to_owned(), kind, default, required, built_in })
}

/// A plain JSON string, boolean or array of those as a [`Value`].
fn literal_value(value: &JsonValue) -> Option<Value> {
    match value {
        JsonValue::String(text) => Some(Value::String(text.clone())),
        JsonValue::Bool(flag) => Some(Value::Bool(*flag)),
        JsonValue::Array(items) => items.iter().map(literal_value).collect::<Option<_>>().map(Value::Array),
        _ => None,
    }
}

fn parse_rule(rule: &JsonValue, depth: usize) -> Result<Rule, EndpointError> {
    if depth > MAX_NESTING {
        return Err(malformed("rules are nested too deeply"));
    }
    object_members(rule, "a rule")?;
    let conditions = match rule.get("conditions") {
        None => Vec::new(),
        Some(_) => array_member(rule, "conditions", "a rule")?
            .iter()
            .map(|condition| parse_condition(condition, depth))
            .collect::<Result<_, _>>()?,
    };
    let kind = match string_member(rule, "type", "a rule")?.as_str() {
        "endpoint" => RuleKind::Endpoint(parse_endpoint(member(rule, "endpoint", "an endpoint rule")?, depth)?),
        "error" => RuleKind::Error(parse_expr(member(rule, "error", "an error rule")?, depth)?),
        "tree" => RuleKind::Tree(
            array_member(rule, "rules", "a tree rule")?
                .iter()
                .map(|child| parse_rule(child, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        other => return Err(malformed(format!("unknown rule type {other:?}"))),
    };
    Ok(Rule { conditions, kind })
}

fn parse_condition(condition: &JsonValue, depth: usize) -> Result<Condition, EndpointError> {
    object_members(condition, "a condition")?;
    if condition.get("fn").is_none() {
        return Err(malformed("a condition has no `fn`"));
    }
    let assign = match condition.get("assign") {
        None | Some(JsonValue::Null) => None,
        Some(JsonValue::String(name)) => Some(name.clone()),
        Some(_) => return Err(malformed("a condition's `assign` is not a string")),
    };
    Ok(Condition { expr: parse_expr(condition, depth)?, assign })
}

fn parse_endpoint(endpoint: &JsonValue, depth: usize) -> Result<EndpointTemplate, EndpointError> {
    object_members(endpoint, "an endpoint")?;
    let url = parse_expr(member(endpoint, "url", "an endpoint")?, depth)?;
    let mut headers = Vec::new();
    if let Some(declared) = endpoint.get("headers").filter(|value| !value.is_null()) {
        for (name, values) in object_members(declared, "endpoint headers")? {
            let JsonValue::Array(values) = values else {
                return Err(malformed(format!("header {name} is not an array")));
            };
            let values = values.iter().map(|value| parse_expr(value, depth)).collect::<Result<_, _>>()?;
            headers.push((name.clone(), values));
        }
    }
    let mut properties = Vec::new();
    if let Some(declared) = endpoint.get("properties").filter(|value| !value.is_null()) {
        for (name, value) in object_members(declared, "endpoint properties")? {
            properties.push((name.clone(), parse_property(value, depth)?));
        }
    }
    Ok(EndpointTemplate { url, headers, properties })
}

fn parse_property(value: &JsonValue, depth: usize) -> Result<Property, EndpointError> {
    if depth > MAX_NESTING {
        return Err(malformed("endpoint properties are nested too deeply"));
    }
    Ok(match value {
        JsonValue::Null => Property::Null,
        JsonValue::Bool(flag) => Property::Bool(*flag),
        JsonValue::Number(_) => match crate::json::expect_document(value) {
            Ok(Document::Number(number)) => Property::Number(number),
            _ => return Err(malformed("an endpoint property has an invalid number")),
        },
        JsonValue::String(text) => Property::Template(parse_template(text)?),
        JsonValue::Array(items) => {
            Property::Array(items.iter().map(|item| parse_property(item, depth + 1)).collect::<Result<_, _>>()?)
        }
        JsonValue::Object(members) => Property::Object(
            members
                .iter()
                .map(|(key, item)| Ok((key.clone(), parse_property(item, depth + 1)?)))
                .collect::<Result<_, EndpointError>>()?,
        ),
    })
}

fn parse_expr(value: &JsonValue, depth: usize) -> Result<Expr, EndpointError> {
    if depth > MAX_NESTING {
        return Err(malformed("expressions are nested too deeply"));
    }
    Ok(match value {
        JsonValue::Null => return Err(malformed("an expression is null")),
        JsonValue::Bool(flag) => Expr::Bool(*flag),
        JsonValue::Number(text) => Expr::Int(text.parse().map_err(|_| malformed(format!("{text} is not an integer")))?),
        JsonValue::String(text) => Expr::Template(parse_template(text)?),
        JsonValue::Array(items) => {
            Expr::Array(items.iter().map(|item| parse_expr(item, depth + 1)).collect::<Result<_, _>>()?)
        }
        JsonValue::Object(members) => {
            if let Some(name) = value.get("ref") {
                let JsonValue::String(name) = name else {
                    return Err(malformed("a reference's `ref` is not a string"));
                };
                Expr::Ref(name.clone())
            } else if let Some(name) = value.get("fn") {
                let JsonValue::String(name) = name else {
                    return Err(malformed("a function's `fn` is not a string"));
                };
                let function =
                    Function::from_name(name).ok_or_else(|| malformed(format!("unknown function {name:?}")))?;
                let args: Vec<Expr> = array_member(value, "argv", "a function call")?
                    .iter()
                    .map(|arg| parse_expr(arg, depth + 1))
                    .collect::<Result<_, _>>()?;
                let (min, max) = function.arity();
                if args.len() < min || args.len() > max {
                    return Err(malformed(format!("{name} given {} arguments", args.len())));
                }
                Expr::Call(function, args)
            } else {
                Expr::Record(
                    members
                        .iter()
                        .map(|(key, item)| Ok((key.clone(), parse_expr(item, depth + 1)?)))
                        .collect::<Result<_, EndpointError>>()?,
                )
            }
        }
    })
}

/// Splits a template string into literal text and `{name#path}` references;
/// `{{` and `}}` stand for literal braces.
fn parse_template(text: &str) -> Result<Vec<TemplatePart>, EndpointError> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                literal.push('}');
            }
            '{' => {
                let mut inner = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some('{') | None => return Err(malformed(format!("unclosed `{{` in template {text:?}"))),
                        Some(c) => inner.push(c),
                    }
                }
                if !literal.is_empty() {
                    parts.push(TemplatePart::Literal(std::mem::take(&mut literal)));
                }
                let (name, path) = match inner.split_once('#') {
                    Some((name, path)) => (name, parse_path(path)?),
                    None => (inner.as_str(), Vec::new()),
                };
                if name.is_empty() {
                    return Err(malformed(format!("empty reference in template {text:?}")));
                }
                parts.push(TemplatePart::Ref { name: name.to_owned(), path });
            }
            '}' => return Err(malformed(format!("unmatched `}}` in template {text:?}"))),
            c => literal.push(c),
        }
    }
    if !literal.is_empty() || parts.is_empty() {
        parts.push(TemplatePart::Literal(literal));
    }
    Ok(parts)
}

/// Parses a `getAttr` path such as `a.b[2]` or `list[-1]`.
fn parse_path(path: &str) -> Result<Vec<PathPart>, EndpointError> {
    let mut parts = Vec::new();
    for segment in path.split('.') {
        match segment.split_once('[') {
            Some((key, rest)) => {
                if !key.is_empty() {
                    parts.push(PathPart::Key(key.to_owned()));
                }
                let index = rest
                    .strip_suffix(']')
                    .and_then(|index| index.parse().ok())
                    .ok_or_else(|| malformed(format!("invalid index in path {path:?}")))?;
                parts.push(PathPart::Index(index));
            }
            None if segment.is_empty() => return Err(malformed(format!("empty key in path {path:?}"))),
            None => parts.push(PathPart::Key(segment.to_owned())),
        }
    }
    Ok(parts)
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

struct Evaluator {
    /// Parameters followed by the variables conditions assigned, innermost last.
    scope: Vec<(String, Option<Value>)>,
}

impl Evaluator {
    /// Evaluates rules in order: `Some` for the first selected endpoint rule,
    /// `None` when no rule was selected.
    fn rules(&mut self, rules: &[Rule]) -> Result<Option<Endpoint>, EndpointError> {
        for rule in rules {
            let mark = self.scope.len();
            let outcome = self.rule(rule);
            self.scope.truncate(mark);
            match outcome? {
                RuleOutcome::Skipped => continue,
                RuleOutcome::Endpoint(endpoint) => return Ok(Some(endpoint)),
            }
        }
        Ok(None)
    }

    fn rule(&mut self, rule: &Rule) -> Result<RuleOutcome, EndpointError> {
        for condition in &rule.conditions {
            let value = self.eval(&condition.expr)?;
            match value {
                None | Some(Value::Bool(false)) => return Ok(RuleOutcome::Skipped),
                Some(value) => {
                    if let Some(name) = &condition.assign {
                        self.scope.push((name.clone(), Some(value)));
                    }
                }
            }
        }
        match &rule.kind {
            RuleKind::Endpoint(template) => Ok(RuleOutcome::Endpoint(self.endpoint(template)?)),
            RuleKind::Error(message) => Err(EndpointError::new(self.string(message, "an error message")?)),
            RuleKind::Tree(children) => match self.rules(children)? {
                Some(endpoint) => Ok(RuleOutcome::Endpoint(endpoint)),
                None => Err(EndpointError::new("no rule in a selected tree rule matched (rules exhausted)")),
            },
        }
    }

    fn endpoint(&self, template: &EndpointTemplate) -> Result<Endpoint, EndpointError> {
        let url = self.string(&template.url, "an endpoint url")?;
        let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, values) in &template.headers {
            let entry = headers.entry(name.clone()).or_default();
            for value in values {
                entry.push(self.string(value, "a header value")?);
            }
        }
        let mut properties = BTreeMap::new();
        for (name, property) in &template.properties {
            properties.insert(name.clone(), self.property(property)?);
        }
        Ok(Endpoint { url, headers, properties })
    }

    fn property(&self, property: &Property) -> Result<Document, EndpointError> {
        Ok(match property {
            Property::Template(parts) => Document::String(self.template(parts)?),
            Property::Bool(flag) => Document::Bool(*flag),
            Property::Number(number) => Document::Number(*number),
            Property::Null => Document::Null,
            Property::Array(items) => {
                Document::Array(items.iter().map(|item| self.property(item)).collect::<Result<_, _>>()?)
            }
            Property::Object(members) => Document::Object(
                members
                    .iter()
                    .map(|(key, item)| Ok((key.clone(), self.property(item)?)))
                    .collect::<Result<_, EndpointError>>()?,
            ),
        })
    }

    /// Evaluates `expr`, which must produce a string.
    fn string(&self, expr: &Expr, what: &str) -> Result<String, EndpointError> {
        match self.eval(expr)? {
            Some(Value::String(text)) => Ok(text),
            Some(other) => Err(EndpointError::new(format!("{what} evaluated to {}, not a string", other.kind()))),
            None => Err(EndpointError::new(format!("{what} evaluated to an unset value"))),
        }
    }

    fn lookup(&self, name: &str) -> Result<Option<&Value>, EndpointError> {
        self.scope
            .iter()
            .rev()
            .find(|(bound, _)| bound == name)
            .map(|(_, value)| value.as_ref())
            .ok_or_else(|| EndpointError::new(format!("reference to undefined name {name}")))
    }

    fn template(&self, parts: &[TemplatePart]) -> Result<String, EndpointError> {
        let mut out = String::new();
        for part in parts {
            match part {
                TemplatePart::Literal(text) => out.push_str(text),
                TemplatePart::Ref { name, path } => {
                    let value = self.lookup(name)?.and_then(|value| get_attr(value, path));
                    match value {
                        Some(Value::String(text)) => out.push_str(text),
                        Some(other) => {
                            return Err(EndpointError::new(format!(
                                "template reference {name} is {}, not a string",
                                other.kind()
                            )))
                        }
                        None => return Err(EndpointError::new(format!("template reference {name} has no value"))),
                    }
                }
            }
        }
        Ok(out)
    }

    /// Evaluates an expression; `None` is an unset (empty) value.
    fn eval(&self, expr: &Expr) -> Result<Option<Value>, EndpointError> {
        Ok(match expr {
            Expr::Template(parts) => Some(Value::String(self.template(parts)?)),
            Expr::Bool(flag) => Some(Value::Bool(*flag)),
            Expr::Int(number) => Some(Value::String(number.to_string())),
            Expr::Array(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    match self.eval(item)? {
                        Some(value) => values.push(value),
                        None => return Ok(None),
                    }
                }
                Some(Value::Array(values))
            }
            Expr::Record(members) => {
                let mut fields = BTreeMap::new();
                for (key, item) in members {
                    if let Some(value) = self.eval(item)? {
                        fields.insert(key.clone(), value);
                    }
                }
                Some(Value::Record(fields))
            }
            Expr::Ref(name) => self.lookup(name)?.cloned(),
            Expr::Call(function, args) => self.call(*function, args)?,
        })
    }

    fn call(&self, function: Function, args: &[Expr]) -> Result<Option<Value>, EndpointError> {
        // Lazily evaluated functions first.
        match function {
            Function::IsSet => return Ok(Some(Value::Bool(self.arg(args, 0)?.is_some()))),
            Function::Coalesce => {
                let mut last = None;
                for arg in args {
                    last = self.eval(arg)?;
                    if last.is_some() {
                        break;
                    }
                }
                return Ok(last);
            }
            Function::Ite => {
                let condition = self.arg(args, 0)?;
                let Some(condition) = condition else {
                    return Ok(None);
                };
                let branch = if expect_bool(&condition, "ite")? { 1 } else { 2 };
                return self.arg(args, branch);
            }
            _ => {}
        }
        let mut values = Vec::with_capacity(args.len());
        for index in 0..args.len() {
            match self.arg(args, index)? {
                Some(value) => values.push(value),
                // Every other function needs all its arguments.
                None => return Ok(None),
            }
        }
        let name = function_name(function);
        let string = |index: usize| -> Result<&str, EndpointError> { expect_str(values.get(index), name) };
        let boolean = |index: usize| -> Result<bool, EndpointError> {
            values
                .get(index)
                .ok_or_else(|| EndpointError::new(format!("{name} is missing an argument")))
                .and_then(|value| expect_bool(value, name))
        };
        let integer = |index: usize| -> Result<i64, EndpointError> {
            match args.get(index) {
                Some(Expr::Int(number)) => Ok(*number),
                _ => string(index)?
                    .parse()
                    .map_err(|_| EndpointError::new(format!("{name} expects an integer argument"))),
            }
        };
        Ok(match function {
            Function::Not => Some(Value::Bool(!boolean(0)?)),
            Function::BooleanEquals => Some(Value::Bool(boolean(0)? == boolean(1)?)),
            Function::StringEquals => Some(Value::Bool(string(0)? == string(1)?)),
            Function::GetAttr => {
                let path = match values.get(1) {
                    Some(Value::String(path)) => parse_path(path)?,
                    Some(Value::Array(keys)) => keys
                        .iter()
                        .map(|key| expect_str(Some(key), name).map(|key| PathPart::Key(key.to_owned())))
                        .collect::<Result<_, _>>()?,
                    _ => return Err(EndpointError::new("getAttr expects a path string")),
                };
                values.first().and_then(|value| get_attr(value, &path)).cloned()
            }
            Function::Substring => substring(string(0)?, integer(1)?, integer(2)?, boolean(3)?).map(Value::String),
            Function::UriEncode => Some(Value::String(crate::http::encode_label(string(0)?))),
            Function::ParseUrl => parse_url(string(0)?),
            Function::IsValidHostLabel => Some(Value::Bool(is_valid_host_label(string(0)?, boolean(1)?))),
            Function::Split => {
                let limit = integer(2)?;
                split(string(0)?, string(1)?, limit).map(Value::Array)
            }
            Function::AwsPartition => Some(partition(string(0)?)),
            Function::AwsParseArn => parse_arn(string(0)?),
            Function::AwsIsVirtualHostableS3Bucket => {
                Some(Value::Bool(is_virtual_hostable_s3_bucket(string(0)?, boolean(1)?)))
            }
            Function::IsSet | Function::Coalesce | Function::Ite => None,
        })
    }

    fn arg(&self, args: &[Expr], index: usize) -> Result<Option<Value>, EndpointError> {
        match args.get(index) {
            Some(arg) => self.eval(arg),
            None => Err(EndpointError::new("a function is missing an argument")),
        }
    }
}

enum RuleOutcome {
    Skipped,
    Endpoint(Endpoint),
}

fn function_name(function: Function) -> &'static str {
    match function {
        Function::BooleanEquals => "booleanEquals",
        Function::Coalesce => "coalesce",
        Function::GetAttr => "getAttr",
        Function::IsSet => "isSet",
        Function::IsValidHostLabel => "isValidHostLabel",
        Function::Ite => "ite",
        Function::Not => "not",
        Function::ParseUrl => "parseURL",
        Function::Split => "split",
        Function::StringEquals => "stringEquals",
        Function::Substring => "substring",
        Function::UriEncode => "uriEncode",
        Function::AwsPartition => "aws.partition",
        Function::AwsParseArn => "aws.parseArn",
        Function::AwsIsVirtualHostableS3Bucket => "aws.isVirtualHostableS3Bucket",
    }
}

fn expect_str<'a>(value: Option<&'a Value>, name: &str) -> Result<&'a str, EndpointError> {
    match value {
        Some(Value::String(text)) => Ok(text),
        Some(other) => Err(EndpointError::new(format!("{name} expects a string, not {}", other.kind()))),
        None => Err(EndpointError::new(format!("{name} is missing an argument"))),
    }
}

fn expect_bool(value: &Value, name: &str) -> Result<bool, EndpointError> {
    match value {
        Value::Bool(flag) => Ok(*flag),
        other => Err(EndpointError::new(format!("{name} expects a boolean, not {}", other.kind()))),
    }
}

fn get_attr<'a>(value: &'a Value, path: &[PathPart]) -> Option<&'a Value> {
    path.iter().try_fold(value, |current, part| match (part, current) {
        (PathPart::Key(key), Value::Record(fields)) => fields.get(key),
        (PathPart::Index(index), Value::Array(items)) => {
            let position = if *index < 0 {
                items.len().checked_sub(usize::try_from(index.unsigned_abs()).ok()?)?
            } else {
                usize::try_from(*index).ok()?
            };
            items.get(position)
        }
        _ => None,
    })
}

// ---------------------------------------------------------------------------
// Standard library
// ---------------------------------------------------------------------------

/// The ASCII slice `[start, end)` of `input`, counted from the end when
/// `reverse`; `None` for non-ASCII input or out-of-range indices.
fn substring(input: &str, start: i64, end: i64, reverse: bool) -> Option<String> {
    if !input.is_ascii() {
        return None;
    }
    let start = usize::try_from(start).ok()?;
    let end = usize::try_from(end).ok()?;
    let len = input.len();
    if start >= end || end > len {
        return None;
    }
    let (from, to) = if reverse { (len - end, len - start) } else { (start, end) };
    input.get(from..to).map(str::to_owned)
}

/// Splits `value` on `delimiter` into at most `limit` parts (all when 0).
fn split(value: &str, delimiter: &str, limit: i64) -> Option<Vec<Value>> {
    if delimiter.is_empty() || limit < 0 {
        return None;
    }
    let parts: Vec<Value> = if limit == 0 {
        value.split(delimiter).map(Value::from).collect()
    } else {
        value.splitn(usize::try_from(limit).unwrap_or(usize::MAX), delimiter).map(Value::from).collect()
    };
    Some(parts)
}

/// Parses an absolute `scheme://authority/path` URL into the `URL` record;
/// `None` when it has a query or fragment or is not such a URL.
fn parse_url(input: &str) -> Option<Value> {
    let (scheme, rest) = input.split_once("://")?;
    let mut scheme_chars = scheme.chars();
    if !scheme_chars.next()?.is_ascii_alphabetic()
        || !scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    if rest.contains(['?', '#']) || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, ""),
    };
    // Drop any user information.
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let (host, port) = split_host_port(authority)?;
    if host.is_empty() {
        return None;
    }
    if let Some(port) = port {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) || port.parse::<u16>().is_err() {
            return None;
        }
    }
    let is_ip = host.starts_with('[') || is_ipv4(host);
    let mut normalized = String::with_capacity(path.len() + 2);
    if !path.starts_with('/') {
        normalized.push('/');
    }
    normalized.push_str(path);
    if !normalized.ends_with('/') {
        normalized.push('/');
    }
    let mut fields = BTreeMap::new();
    fields.insert("scheme".to_owned(), Value::from(scheme));
    fields.insert("authority".to_owned(), Value::from(authority));
    fields.insert("path".to_owned(), Value::from(path));
    fields.insert("normalizedPath".to_owned(), Value::String(normalized));
    fields.insert("isIp".to_owned(), Value::Bool(is_ip));
    Some(Value::Record(fields))
}

/// Splits `host[:port]`, where host may be a bracketed IPv6 literal.
fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.starts_with('[') {
        let close = authority.find(']')?;
        let (host, rest) = authority.split_at(close + 1);
        let inner = host.get(1..host.len() - 1)?;
        if inner.is_empty() || !inner.chars().all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.' | '%')) {
            return None;
        }
        match rest {
            "" => Some((host, None)),
            _ => Some((host, Some(rest.strip_prefix(':')?))),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => Some((host, Some(port))),
            None => Some((authority, None)),
        }
        .filter(|(host, _)| !host.contains(['[', ']']))
    }
}

fn is_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|part| {
            !part.is_empty()
                && part.len() <= 3
                && part.bytes().all(|b| b.is_ascii_digit())
                && part.parse::<u8>().is_ok()
        })
}

/// Whether `value` is an RFC 1123 host label (or dot-separated labels when
/// `allow_subdomains`).
fn is_valid_host_label(value: &str, allow_subdomains: bool) -> bool {
    if allow_subdomains {
        value.split('.').all(is_single_host_label)
    } else {
        is_single_host_label(value)
    }
}

fn is_single_host_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    match bytes.first() {
        Some(first) if first.is_ascii_alphanumeric() => {
            bytes.len() <= 63 && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// AWS library
// ---------------------------------------------------------------------------

/// The `Partition` record for `region`.
fn partition(region: &str) -> Value {
    let outputs = crate::partitions::resolve(region);
    let mut fields = BTreeMap::new();
    fields.insert("name".to_owned(), Value::from(outputs.name));
    fields.insert("dnsSuffix".to_owned(), Value::from(outputs.dns_suffix));
    fields.insert("dualStackDnsSuffix".to_owned(), Value::from(outputs.dual_stack_dns_suffix));
    fields.insert("supportsFIPS".to_owned(), Value::Bool(outputs.supports_fips));
    fields.insert("supportsDualStack".to_owned(), Value::Bool(outputs.supports_dual_stack));
    fields.insert("implicitGlobalRegion".to_owned(), Value::from(outputs.implicit_global_region));
    Value::Record(fields)
}

/// Parses `arn:partition:service:region:account:resource` into the `ARN` record.
fn parse_arn(input: &str) -> Option<Value> {
    let mut parts = input.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let partition = parts.next()?;
    let service = parts.next()?;
    let region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    let resource_id = resource.split([':', '/']).map(Value::from).collect();
    let mut fields = BTreeMap::new();
    fields.insert("partition".to_owned(), Value::from(partition));
    fields.insert("service".to_owned(), Value::from(service));
    fields.insert("region".to_owned(), Value::from(region));
    fields.insert("accountId".to_owned(), Value::from(account));
    fields.insert("resourceId".to_owned(), Value::Array(resource_id));
    Some(Value::Record(fields))
}

/// Whether `value` can be used as a virtual-hosted-style S3 bucket host.
fn is_virtual_hostable_s3_bucket(value: &str, allow_subdomains: bool) -> bool {
    if !is_valid_host_label(value, allow_subdomains) {
        return false;
    }
    let bytes = value.as_bytes();
    let edge_ok = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    (3..=63).contains(&bytes.len())
        && edge_ok(bytes.first())
        && edge_ok(bytes.last())
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'.'))
        && !value.contains("..")
        && !value.contains(".-")
        && !value.contains("-.")
        && !is_ipv4(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rule set in the usual AWS shape: custom endpoint, FIPS/dual-stack
    /// variants from `aws.partition`, headers and an `authSchemes` property.
    const REGIONAL: &str = r#"{
        "version": "1.0",
        "parameters": {
            "Region": {"builtIn": "AWS::Region", "required": false, "documentation": "r", "type": "String"},
            "UseFIPS": {"builtIn": "AWS::UseFIPS", "required": true, "default": false, "documentation": "f", "type": "Boolean"},
            "UseDualStack": {"required": true, "default": false, "documentation": "d", "type": "Boolean"},
            "Endpoint": {"builtIn": "SDK::Endpoint", "required": false, "documentation": "e", "type": "String"}
        },
        "rules": [
            {"conditions": [{"fn": "isSet", "argv": [{"ref": "Endpoint"}]}], "type": "tree", "rules": [
                {"conditions": [{"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]}],
                 "error": "Invalid Configuration: FIPS and custom endpoint are not supported", "type": "error"},
                {"conditions": [], "endpoint": {"url": {"ref": "Endpoint"}, "properties": {}, "headers": {}}, "type": "endpoint"}
            ]},
            {"conditions": [{"fn": "isSet", "argv": [{"ref": "Region"}]}], "type": "tree", "rules": [
                {"conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "PartitionResult"}], "type": "tree", "rules": [
                    {"conditions": [
                        {"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]},
                        {"fn": "booleanEquals", "argv": [true, {"fn": "getAttr", "argv": [{"ref": "PartitionResult"}, "supportsFIPS"]}]}
                     ], "type": "endpoint",
                     "endpoint": {"url": "https://svc-fips.{Region}.{PartitionResult#dnsSuffix}"}},
                    {"conditions": [{"fn": "booleanEquals", "argv": [{"ref": "UseDualStack"}, true]}], "type": "endpoint",
                     "endpoint": {"url": "https://svc.{Region}.{PartitionResult#dualStackDnsSuffix}",
                                  "headers": {"x-partition": ["{PartitionResult#name}", "static"]}}},
                    {"conditions": [], "type": "endpoint", "endpoint": {
                        "url": "https://svc.{Region}.{PartitionResult#dnsSuffix}",
                        "properties": {"authSchemes": [{"name": "sigv4", "signingRegion": "{Region}", "disableDoubleEncoding": true, "n": 3}]}
                    }}
                ]}
            ]},
            {"conditions": [], "error": "Invalid Configuration: Missing Region", "type": "error"}
        ]
    }"#;

    fn regional() -> RuleSet {
        RuleSet::from_json(REGIONAL).unwrap()
    }

    fn resolve(params: &[(&str, Value)]) -> Result<Endpoint, EndpointError> {
        let mut p = Params::new();
        for (name, value) in params {
            p.set(*name, value.clone());
        }
        regional().resolve(&p)
    }

    /// Builds a one-rule set whose endpoint url is `{out}`, selected when `condition` holds.
    fn probe(parameters: &str, conditions: &str) -> RuleSet {
        let text = format!(
            r#"{{"version": "1.0", "parameters": {{{parameters}}}, "rules": [
                {{"type": "endpoint", "conditions": [{conditions}], "endpoint": {{"url": "{{out}}"}}}},
                {{"type": "error", "conditions": [], "error": "no match"}}
            ]}}"#
        );
        RuleSet::from_json(&text).unwrap()
    }

    /// Evaluates `expr` with string parameter `X` set to `x` and returns the
    /// result rendered by the probe: `Some(text)` for strings, `None` when the
    /// condition failed.
    fn eval_string(expr: &str, x: &str) -> Option<String> {
        let rules = probe(
            r#""X": {"type": "string"}"#,
            &format!(r#"{{"fn": "coalesce", "argv": [{expr}, "<unset>"], "assign": "out"}}"#),
        );
        let mut params = Params::new();
        params.set("X", x);
        let url = rules.resolve(&params).unwrap().url;
        (url != "<unset>").then_some(url)
    }

    /// Evaluates a boolean condition with string parameter `X` set to `x`.
    fn eval_bool(condition: &str, x: &str) -> bool {
        let rules = probe(
            r#""X": {"type": "string"}"#,
            &format!(r#"{condition}, {{"fn": "coalesce", "argv": ["yes", "yes"], "assign": "out"}}"#),
        );
        let mut params = Params::new();
        params.set("X", x);
        match rules.resolve(&params) {
            Ok(endpoint) => endpoint.url == "yes",
            Err(error) if error.message() == "no match" => false,
            Err(error) => panic!("{error}"),
        }
    }

    #[test]
    fn regional_endpoints() {
        let endpoint = resolve(&[("Region", "us-west-2".into())]).unwrap();
        assert_eq!(endpoint.url, "https://svc.us-west-2.amazonaws.com");
        assert!(endpoint.headers.is_empty());
        let scheme = Document::Object(BTreeMap::from([
            ("name".to_owned(), Document::from("sigv4")),
            ("signingRegion".to_owned(), Document::from("us-west-2")),
            ("disableDoubleEncoding".to_owned(), Document::Bool(true)),
            ("n".to_owned(), Document::Number(Number::PosInt(3))),
        ]));
        assert_eq!(endpoint.properties.get("authSchemes"), Some(&Document::Array(vec![scheme])));

        let fips = resolve(&[("Region", "cn-north-1".into()), ("UseFIPS", true.into())]).unwrap();
        assert_eq!(fips.url, "https://svc-fips.cn-north-1.amazonaws.com.cn");

        let dual = resolve(&[("Region", "us-gov-east-1".into()), ("UseDualStack", true.into())]).unwrap();
        assert_eq!(dual.url, "https://svc.us-gov-east-1.api.aws");
        assert_eq!(dual.headers.get("x-partition"), Some(&vec!["aws-us-gov".to_owned(), "static".to_owned()]));
        assert!(dual.properties.is_empty());
    }

    #[test]
    fn custom_endpoint_and_errors() {
        let custom = resolve(&[("Region", "us-east-1".into()), ("Endpoint", "https://example.com".into())]).unwrap();
        assert_eq!(custom.url, "https://example.com");
        let error = resolve(&[("Endpoint", "https://example.com".into()), ("UseFIPS", true.into())]).unwrap_err();
        assert_eq!(error.message(), "Invalid Configuration: FIPS and custom endpoint are not supported");
        assert_eq!(error.to_string(), error.message());
        assert_eq!(resolve(&[]).unwrap_err().message(), "Invalid Configuration: Missing Region");
    }

    #[test]
    fn parameter_checks() {
        let error = resolve(&[("UseFIPS", "yes".into())]).unwrap_err();
        assert!(error.message().contains("UseFIPS"), "{error}");
        let rules = probe(r#""Bucket": {"type": "String", "required": true}"#, "");
        let error = rules.resolve(&Params::new()).unwrap_err();
        assert!(error.message().contains("Bucket"), "{error}");
        let set = regional();
        assert_eq!(set.version(), "1.0");
        let names: Vec<&str> = set.parameters().iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Region", "UseFIPS", "UseDualStack", "Endpoint"]);
        assert_eq!(set.parameters()[0].built_in.as_deref(), Some("AWS::Region"));
        assert_eq!(set.parameters()[1].default, Some(Value::Bool(false)));
        assert_eq!(set.parameters()[1].kind, ParameterType::Boolean);
    }

    #[test]
    fn params_api() {
        let mut params = Params::new();
        params.set("A", "x").set("B", true).set("C", vec!["p".to_owned()]);
        assert_eq!(params.get("A"), Some(&Value::String("x".into())));
        assert_eq!(params.get("B").and_then(Value::as_bool), Some(true));
        assert_eq!(params.get("A").and_then(Value::as_str), Some("x"));
        assert_eq!(params.iter().count(), 3);
        params.remove("A");
        assert_eq!(params.get("A"), None);
        assert_eq!(Value::Array(vec![Value::Bool(true)]).to_document(), Document::Array(vec![Document::Bool(true)]));
    }

    #[test]
    fn string_arrays_and_indexes() {
        let rules = probe(
            r#""Ops": {"type": "stringArray", "required": true, "default": ["a", "b", "c"]}"#,
            r#"{"fn": "getAttr", "argv": [{"ref": "Ops"}, "[-1]"], "assign": "last"},
               {"fn": "getAttr", "argv": [{"ref": "Ops"}, "[0]"], "assign": "out0"},
               {"fn": "coalesce", "argv": [{"fn": "getAttr", "argv": [{"ref": "Ops"}, "[7]"]}, "{out0}{last}"], "assign": "out"}"#,
        );
        assert_eq!(rules.resolve(&Params::new()).unwrap().url, "ac");
        let mut params = Params::new();
        params.set("Ops", vec!["z".to_owned()]);
        assert_eq!(rules.resolve(&params).unwrap().url, "zz");
    }

    #[test]
    fn templates() {
        assert_eq!(eval_string(r#""{{literal}} {X}-}}""#, "v").as_deref(), Some("{literal} v-}"));
        assert_eq!(
            eval_string(
                r#"{"fn": "getAttr", "argv": [{"fn": "parseURL", "argv": [{"ref": "X"}]}, "authority"]}"#,
                "https://h:1/p"
            ),
            Some("h:1".to_owned())
        );
        for bad in [r#""{X""#, r#""X}""#, r#""{}""#, r#""{X#a[b]}""#] {
            let text = format!(
                r#"{{"version": "1.0", "parameters": {{}}, "rules": [{{"type": "error", "conditions": [], "error": {bad}}}]}}"#
            );
            assert!(RuleSet::from_json(&text).is_err(), "{bad}");
        }
    }

    #[test]
    fn assignments_are_scoped_to_their_rule() {
        let text = r#"{"version": "1.0", "parameters": {}, "rules": [
            {"type": "tree", "conditions": [{"fn": "coalesce", "argv": ["t", "t"], "assign": "outer"}], "rules": [
                {"type": "endpoint", "conditions": [
                    {"fn": "coalesce", "argv": ["a", "a"], "assign": "inner"},
                    {"fn": "booleanEquals", "argv": [true, false]}
                 ], "endpoint": {"url": "{inner}"}},
                {"type": "endpoint", "conditions": [], "endpoint": {"url": "https://{outer}/{inner}"}}
            ]}
        ]}"#;
        let error = RuleSet::from_json(text).unwrap().resolve(&Params::new()).unwrap_err();
        assert!(error.message().contains("inner"), "{error}");
    }

    #[test]
    fn exhausted_rules() {
        let text = r#"{"version": "1.0", "parameters": {}, "rules": [
            {"type": "tree", "conditions": [], "rules": [
                {"type": "endpoint", "conditions": [{"fn": "not", "argv": [true]}], "endpoint": {"url": "x"}}
            ]},
            {"type": "endpoint", "conditions": [], "endpoint": {"url": "unreachable"}}
        ]}"#;
        let error = RuleSet::from_json(text).unwrap().resolve(&Params::new()).unwrap_err();
        assert!(error.message().contains("exhausted"), "{error}");
        let empty = RuleSet::from_json(r#"{"version": "1.0", "parameters": {}, "rules": []}"#).unwrap();
        assert!(empty.resolve(&Params::new()).is_err());
    }

    #[test]
    fn malformed_rule_sets() {
        for text in [
            "",
            "[]",
            r#"{"version": "2.0", "rules": []}"#,
            r#"{"version": "1.0"}"#,
            r#"{"version": "1.0", "rules": [{"type": "magic", "conditions": []}]}"#,
            r#"{"version": "1.0", "rules": [{"type": "error", "conditions": [{"fn": "nope", "argv": []}], "error": "e"}]}"#,
            r#"{"version": "1.0", "rules": [{"type": "error", "conditions": [{"fn": "not", "argv": [true, true]}], "error": "e"}]}"#,
            r#"{"version": "1.0", "rules": [{"type": "error", "conditions": [{"argv": []}], "error": "e"}]}"#,
            r#"{"version": "1.0", "rules": [{"type": "endpoint", "conditions": []}]}"#,
            r#"{"version": "1.0", "parameters": {"A": {"type": "Integer"}}, "rules": []}"#,
            r#"{"version": "1.0", "parameters": {"A": {"type": "String", "default": true}}, "rules": []}"#,
            r#"{"version": "1.0", "rules": [{"type": "error", "conditions": [], "error": null}]}"#,
        ] {
            let error = RuleSet::from_json(text).unwrap_err();
            assert!(error.message().starts_with("malformed rule set"), "{text}: {error}");
        }
        let mut deep = String::new();
        for _ in 0..100 {
            deep.push_str(r#"{"fn": "not", "argv": ["#);
        }
        deep.push_str("true");
        deep.push_str(&"]}".repeat(100));
        let text =
            format!(r#"{{"version": "1.0", "rules": [{{"type": "error", "conditions": [{deep}], "error": "e"}}]}}"#);
        assert!(RuleSet::from_json(&text).is_err());
    }

    #[test]
    fn type_errors_are_errors_not_panics() {
        let rules = probe(r#""X": {"type": "string"}"#, r#"{"fn": "not", "argv": [{"ref": "X"}]}"#);
        let mut params = Params::new();
        params.set("X", "s");
        assert!(rules.resolve(&params).is_err());
        let rules = probe("", r#"{"fn": "coalesce", "argv": [true, true], "assign": "out"}"#);
        assert!(rules.resolve(&Params::new()).is_err());
        let rules = probe("", r#"{"fn": "isSet", "argv": [{"ref": "missing"}]}"#);
        assert!(rules.resolve(&Params::new()).is_err());
    }

    #[test]
    fn boolean_functions() {
        assert!(eval_bool(r#"{"fn": "isSet", "argv": [{"ref": "X"}]}"#, ""));
        assert!(eval_bool(r#"{"fn": "stringEquals", "argv": [{"ref": "X"}, "a"]}"#, "a"));
        assert!(!eval_bool(r#"{"fn": "stringEquals", "argv": [{"ref": "X"}, "a"]}"#, "b"));
        assert!(eval_bool(r#"{"fn": "booleanEquals", "argv": [false, {"fn": "not", "argv": [true]}]}"#, ""));
        assert!(eval_bool(r#"{"fn": "ite", "argv": [true, true, false]}"#, ""));
        assert!(!eval_bool(r#"{"fn": "ite", "argv": [false, true, false]}"#, ""));
        // `false` is a non-empty value for coalesce.
        assert!(!eval_bool(r#"{"fn": "coalesce", "argv": [false, true]}"#, ""));
    }

    #[test]
    fn host_labels() {
        let check = |x: &str, sub: bool| {
            eval_bool(&format!(r#"{{"fn": "isValidHostLabel", "argv": [{{"ref": "X"}}, {sub}]}}"#), x)
        };
        assert!(check("abc-1", false));
        assert!(check("a", false));
        assert!(check("a-", false));
        assert!(!check("-a", false));
        assert!(!check("", false));
        assert!(!check("a.b", false));
        assert!(check("a.b", true));
        assert!(!check("a..b", true));
        assert!(!check("a_b", false));
        assert!(check(&"a".repeat(63), false));
        assert!(!check(&"a".repeat(64), false));
        assert!(!check("ü", false));
    }

    #[test]
    fn s3_bucket_names() {
        let check = |x: &str, sub: bool| {
            eval_bool(&format!(r#"{{"fn": "aws.isVirtualHostableS3Bucket", "argv": [{{"ref": "X"}}, {sub}]}}"#), x)
        };
        assert!(check("my-bucket", false));
        assert!(check("my.bucket", true));
        assert!(!check("my.bucket", false));
        assert!(!check("MyBucket", false));
        assert!(!check("ab", false));
        assert!(!check(&"a".repeat(64), false));
        assert!(!check("bucket-", false));
        assert!(!check("192.168.1.1", true));
        assert!(!check("a-.b", true));
        assert!(!check("a..b", true));
    }

    #[test]
    fn substrings() {
        let sub = |x: &str, start: i64, end: i64, reverse: bool| {
            eval_string(&format!(r#"{{"fn": "substring", "argv": [{{"ref": "X"}}, {start}, {end}, {reverse}]}}"#), x)
        };
        assert_eq!(sub("abcdef", 0, 4, false).as_deref(), Some("abcd"));
        assert_eq!(sub("abcdef", 0, 4, true).as_deref(), Some("cdef"));
        assert_eq!(sub("abcdef", 1, 3, true).as_deref(), Some("de"));
        assert_eq!(sub("abc", 0, 4, false), None);
        assert_eq!(sub("abc", 2, 2, false), None);
        assert_eq!(sub("abc", -1, 2, false), None);
        assert_eq!(sub("ab\u{e9}cd", 0, 2, false), None);
    }

    #[test]
    fn uri_encoding() {
        let encode = |x: &str| eval_string(r#"{"fn": "uriEncode", "argv": [{"ref": "X"}]}"#, x).unwrap();
        assert_eq!(encode("a-Z_0.~"), "a-Z_0.~");
        assert_eq!(encode("a b/c:d?e#f"), "a%20b%2Fc%3Ad%3Fe%23f");
        assert_eq!(encode("%{}"), "%25%7B%7D");
        assert_eq!(encode("\u{e9}"), "%C3%A9");
    }

    #[test]
    fn splitting() {
        let split = |x: &str, limit: i64| {
            let expr = format!(r#"{{"fn": "split", "argv": [{{"ref": "X"}}, "--", {limit}]}}"#);
            let first = eval_string(&format!(r#"{{"fn": "getAttr", "argv": [{expr}, "[0]"]}}"#), x);
            let last = eval_string(&format!(r#"{{"fn": "getAttr", "argv": [{expr}, "[-1]"]}}"#), x);
            let count = (0..8)
                .take_while(|i| eval_string(&format!(r#"{{"fn": "getAttr", "argv": [{expr}, "[{i}]"]}}"#), x).is_some())
                .count();
            (first.unwrap_or_default(), last.unwrap_or_default(), count)
        };
        assert_eq!(split("a--b--c", 0), ("a".into(), "c".into(), 3));
        assert_eq!(split("a--b--c", 2), ("a".into(), "b--c".into(), 2));
        assert_eq!(split("a--b--c", 1), ("a--b--c".into(), "a--b--c".into(), 1));
        assert_eq!(split("", 0), (String::new(), String::new(), 1));
        assert_eq!(split("----", 0), (String::new(), String::new(), 3));
        assert_eq!(split("--x-s3--azid--suffix", 0), (String::new(), "suffix".into(), 4));
    }

    #[test]
    fn url_parsing() {
        let attr = |x: &str, name: &str| {
            eval_string(
                &format!(r#"{{"fn": "getAttr", "argv": [{{"fn": "parseURL", "argv": [{{"ref": "X"}}]}}, "{name}"]}}"#),
                x,
            )
        };
        let is_ip = |x: &str| {
            eval_bool(r#"{"fn": "getAttr", "argv": [{"fn": "parseURL", "argv": [{"ref": "X"}]}, "isIp"]}"#, x)
        };
        assert_eq!(attr("https://example.com", "scheme").as_deref(), Some("https"));
        assert_eq!(attr("https://example.com", "authority").as_deref(), Some("example.com"));
        assert_eq!(attr("https://example.com", "path").as_deref(), Some(""));
        assert_eq!(attr("https://example.com", "normalizedPath").as_deref(), Some("/"));
        assert_eq!(attr("http://example.com:80/foo/bar", "authority").as_deref(), Some("example.com:80"));
        assert_eq!(attr("http://example.com:80/foo/bar", "path").as_deref(), Some("/foo/bar"));
        assert_eq!(attr("http://example.com:80/foo/bar", "normalizedPath").as_deref(), Some("/foo/bar/"));
        assert_eq!(attr("http://example.com/foo/", "normalizedPath").as_deref(), Some("/foo/"));
        assert_eq!(attr("http://user@example.com", "authority").as_deref(), Some("example.com"));
        assert!(!is_ip("https://example.com"));
        assert!(is_ip("https://127.0.0.1"));
        assert!(is_ip("https://[fe80::1]:443"));
        assert!(!is_ip("https://999.0.0.1"));
        assert_eq!(attr("https://[fe80::1]", "authority").as_deref(), Some("[fe80::1]"));
        for bad in [
            "https://example.com:8443?foo=bar",
            "https://example.com/#frag",
            "example.com",
            "https://",
            "https://:80",
            "https://h:port",
            "https://h:99999",
            "https://[zz]",
            "https://[::1]x",
            "1http://h",
            "https://a b",
        ] {
            assert_eq!(attr(bad, "scheme"), None, "{bad}");
        }
    }

    #[test]
    fn arn_parsing() {
        let attr = |x: &str, path: &str| {
            eval_string(
                &format!(
                    r#"{{"fn": "getAttr", "argv": [{{"fn": "aws.parseArn", "argv": [{{"ref": "X"}}]}}, "{path}"]}}"#
                ),
                x,
            )
        };
        let arn = "arn:aws:ec2:us-east-1:012345678910:vpc/vpc-0e9801d129EXAMPLE";
        assert_eq!(attr(arn, "partition").as_deref(), Some("aws"));
        assert_eq!(attr(arn, "service").as_deref(), Some("ec2"));
        assert_eq!(attr(arn, "region").as_deref(), Some("us-east-1"));
        assert_eq!(attr(arn, "accountId").as_deref(), Some("012345678910"));
        assert_eq!(attr(arn, "resourceId[0]").as_deref(), Some("vpc"));
        assert_eq!(attr(arn, "resourceId[1]").as_deref(), Some("vpc-0e9801d129EXAMPLE"));
        assert_eq!(attr(arn, "resourceId[2]"), None);
        let s3 = "arn:aws:s3:::bucket_name:a/b";
        assert_eq!(attr(s3, "region").as_deref(), Some(""));
        assert_eq!(attr(s3, "resourceId[-1]").as_deref(), Some("b"));
        for bad in ["11111111-2222", "arn:aws:s3:::", "arn::s3:::x", "arn:aws::::x", "arx:aws:s3:::x", "arn:aws:s3"] {
            assert_eq!(attr(bad, "partition"), None, "{bad}");
        }
    }

    #[test]
    fn truncated_or_odd_inputs_never_panic() {
        for end in (0..REGIONAL.len()).filter(|end| REGIONAL.is_char_boundary(*end)) {
            let _ = RuleSet::from_json(&REGIONAL[..end]);
        }
        let rules = regional();
        for region in ["", "-", "\u{0}", "us-east-1\n", "ü-west-1", "a]b", "[", "arn:::::"] {
            let mut params = Params::new();
            params.set("Region", region).set("UseDualStack", true);
            let _ = rules.resolve(&params);
        }
        let odd = [
            r#"{"fn": "getAttr", "argv": [{"ref": "X"}, "a.b[0]"]}"#,
            r#"{"fn": "getAttr", "argv": [{"ref": "X"}, "[-99]"]}"#,
            r#"{"fn": "substring", "argv": [{"ref": "X"}, 0, 9223372036854775807, true]}"#,
            r#"{"fn": "split", "argv": [{"ref": "X"}, "", 0]}"#,
            r#"{"fn": "split", "argv": [{"ref": "X"}, "-", -1]}"#,
            r#"{"fn": "parseURL", "argv": [{"ref": "X"}]}"#,
        ];
        for expr in odd {
            for x in ["", "[", "a://[", "https://[]", "https://@", "\u{1F600}"] {
                let _ = eval_string(expr, x);
            }
        }
    }

    #[test]
    fn partitions() {
        let attr = |x: &str, name: &str| {
            eval_string(
                &format!(
                    r#"{{"fn": "getAttr", "argv": [{{"fn": "aws.partition", "argv": [{{"ref": "X"}}]}}, "{name}"]}}"#
                ),
                x,
            )
        };
        assert_eq!(attr("us-east-1", "name").as_deref(), Some("aws"));
        assert_eq!(attr("us-iso-east-1", "dnsSuffix").as_deref(), Some("c2s.ic.gov"));
        assert_eq!(attr("cn-northwest-1", "implicitGlobalRegion").as_deref(), Some("cn-northwest-1"));
        assert_eq!(attr("nowhere", "name").as_deref(), Some("aws"));
        assert!(eval_bool(
            r#"{"fn": "getAttr", "argv": [{"fn": "aws.partition", "argv": [{"ref": "X"}]}, "supportsDualStack"]}"#,
            "eu-west-1"
        ));
    }
}
