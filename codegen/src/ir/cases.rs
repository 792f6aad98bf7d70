//! The `params` of `smithy.test` cases, typed against the structures they fill: a param that
//! names no member or does not fit its member's type is an error naming the case, found when
//! the IR is built, so the test renderer cannot fail.

use serde_json::Value;

use super::{RustType, StructId, Structure, Union, UnionId};
use crate::error::{Error, Result};

/// A structure built from params: each set field (index) with its value.
#[derive(Clone, Debug, PartialEq)]
pub struct StructureValue {
    pub structure: StructId,
    pub fields: Vec<(usize, ParamValue)>,
}

/// A param value, typed for the place it fills.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    String(String),
    Bool(bool),
    /// Any integer type; checked to fit it.
    Int(i64),
    Float(Float),
    /// A `bigInteger` or `bigDecimal`, as its exact text.
    Big(String),
    /// Epoch seconds, as written.
    EpochSeconds(String),
    /// An RFC 3339 date-time.
    DateTime(String),
    /// A blob's bytes (the test format gives blobs as text, not base64).
    Blob(Vec<u8>),
    Document(Value),
    Enum(String),
    IntEnum(i32),
    Structure(StructureValue),
    /// A union's variant (index) and its value (`None` for a unit variant).
    Union {
        union: UnionId,
        variant: usize,
        value: Option<Box<ParamValue>>,
    },
    /// A list's items; `None` is a sparse list's null.
    List(Vec<Option<ParamValue>>),
    Map(Vec<(ParamValue, Option<ParamValue>)>),
}

/// A float param: finite, or one of the strings the test format uses for the others.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Float {
    Finite(f64),
    NaN,
    Infinity,
    NegInfinity,
}

/// Types test-case params against the IR's tables.
pub struct Params<'a> {
    pub structures: &'a [Structure],
    pub unions: &'a [Union],
    /// The case, for errors.
    pub case: &'a str,
}

impl Params<'_> {
    fn bad(&self, what: String) -> Error {
        Error::other(format!("test case `{}`: {what}", self.case))
    }

    /// The structure `params` (an object, or null for none) describes.
    pub fn structure(&self, structure: StructId, params: &Value) -> Result<StructureValue> {
        let mut value = StructureValue { structure, fields: Vec::new() };
        let Some(params) = params.as_object() else {
            return if params.is_null() { Ok(value) } else { Err(self.bad("params must be an object".into())) };
        };
        let s = &self.structures[structure.0];
        for (member, param) in params {
            let field = s
                .fields
                .iter()
                .position(|f| &f.member == member)
                .ok_or_else(|| self.bad(format!("`{member}` is not a member of `{}`", s.shape)))?;
            if !param.is_null() {
                value.fields.push((field, self.value(&s.fields[field].ty, param)?));
            }
        }
        Ok(value)
    }

    /// A value of the union `union` (an object of one member).
    pub fn union(&self, union: UnionId, params: &Value) -> Result<ParamValue> {
        self.value(&RustType::Union(union), params)
    }

    fn value(&self, ty: &RustType, value: &Value) -> Result<ParamValue> {
        let mismatch = || self.bad(format!("{value} does not fit a member of type {}", describe(ty)));
        let int = |min: i64, max: i64| match value {
            Value::Number(n) => {
                n.as_i64().filter(|i| (min..=max).contains(i)).map(ParamValue::Int).ok_or_else(mismatch)
            }
            _ => Err(mismatch()),
        };
        Ok(match (ty, value) {
            (RustType::String, Value::String(s)) => ParamValue::String(s.clone()),
            (RustType::Bool, Value::Bool(b)) => ParamValue::Bool(*b),
            (RustType::I8, _) => int(i8::MIN.into(), i8::MAX.into())?,
            (RustType::I16, _) => int(i16::MIN.into(), i16::MAX.into())?,
            (RustType::I32, _) => int(i32::MIN.into(), i32::MAX.into())?,
            (RustType::I64, _) => int(i64::MIN, i64::MAX)?,
            (RustType::F32 | RustType::F64, Value::Number(n)) => {
                ParamValue::Float(Float::Finite(n.as_f64().ok_or_else(mismatch)?))
            }
            (RustType::F32 | RustType::F64, Value::String(s)) => ParamValue::Float(match s.as_str() {
                "NaN" => Float::NaN,
                "Infinity" => Float::Infinity,
                "-Infinity" => Float::NegInfinity,
                _ => return Err(mismatch()),
            }),
            (RustType::BigInteger | RustType::BigDecimal, Value::Number(n)) => ParamValue::Big(n.to_string()),
            (RustType::BigInteger | RustType::BigDecimal, Value::String(s)) => ParamValue::Big(s.clone()),
            (RustType::DateTime(_), Value::Number(n)) => ParamValue::EpochSeconds(n.to_string()),
            (RustType::DateTime(_), Value::String(s)) => ParamValue::DateTime(s.clone()),
            (RustType::Blob | RustType::ByteStream, Value::String(s)) => ParamValue::Blob(s.as_bytes().to_vec()),
            (RustType::Document, v) => ParamValue::Document(v.clone()),
            (RustType::Enum(_), Value::String(s)) => ParamValue::Enum(s.clone()),
            (RustType::IntEnum(_), Value::Number(n)) => {
                ParamValue::IntEnum(n.as_i64().and_then(|i| i32::try_from(i).ok()).ok_or_else(mismatch)?)
            }
            (RustType::Structure(id), Value::Object(_)) => ParamValue::Structure(self.structure(*id, value)?),
            (RustType::Union(id), Value::Object(map)) => {
                let u = &self.unions[id.0];
                let (member, inner) = map.iter().next().ok_or_else(mismatch)?;
                let variant = u.variants.iter().position(|v| &v.member == member).ok_or_else(mismatch)?;
                let value = match &u.variants[variant].ty {
                    None => None,
                    Some(t) => Some(Box::new(self.value(t, inner)?)),
                };
                ParamValue::Union { union: *id, variant, value }
            }
            (RustType::List { item, sparse }, Value::Array(items)) => {
                ParamValue::List(items.iter().map(|v| self.element(item, *sparse, v)).collect::<Result<_>>()?)
            }
            (RustType::Map { key, value: value_ty, sparse }, Value::Object(map)) => ParamValue::Map(
                map.iter()
                    .map(|(k, v)| {
                        Ok((self.value(key, &Value::String(k.clone()))?, self.element(value_ty, *sparse, v)?))
                    })
                    .collect::<Result<_>>()?,
            ),
            _ => return Err(mismatch()),
        })
    }

    /// A collection element: a sparse collection's null is `None`.
    fn element(&self, ty: &RustType, sparse: bool, value: &Value) -> Result<Option<ParamValue>> {
        match (sparse, value) {
            (true, Value::Null) => Ok(None),
            _ => self.value(ty, value).map(Some),
        }
    }
}

/// A type as the model calls it, for errors.
fn describe(ty: &RustType) -> &'static str {
    match ty {
        RustType::String => "string",
        RustType::Bool => "boolean",
        RustType::I8 => "byte",
        RustType::I16 => "short",
        RustType::I32 => "integer",
        RustType::I64 => "long",
        RustType::F32 => "float",
        RustType::F64 => "double",
        RustType::BigInteger => "bigInteger",
        RustType::BigDecimal => "bigDecimal",
        RustType::DateTime(_) => "timestamp",
        RustType::Blob | RustType::ByteStream => "blob",
        RustType::Document => "document",
        RustType::Structure(_) => "structure",
        RustType::Union(_) | RustType::EventSender(_) | RustType::EventReceiver(_) => "union",
        RustType::Enum(_) => "enum",
        RustType::IntEnum(_) => "intEnum",
        RustType::List { .. } => "list",
        RustType::Map { .. } => "map",
    }
}
