//! The typed Smithy semantic model: shapes with their traits, after `apply`, mixins and the
//! prelude are resolved. Generators read only these types.

pub mod idl;
mod json_ast;
mod prelude;
mod shape_id;
mod traits;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::error::{Error, Result};

pub use json_ast::{load_files, load_str};
pub use shape_id::ShapeId;
pub use traits::*;

/// Model files: each file as given, and each directory's `*.json` and `*.smithy` files in name
/// order (a directory with none is an error, as is a path that does not exist).
pub fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries =
                std::fs::read_dir(path).map_err(|e| Error::file(path, format!("cannot read the directory: {e}")))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "smithy"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Error::file(path, "no .json or .smithy model files in the directory"));
            }
            files.extend(found);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(Error::file(path, "does not exist"));
        }
    }
    Ok(files)
}

/// A loaded model: every shape (prelude included) by id, and the metadata.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub metadata: BTreeMap<String, Node>,
    pub shapes: BTreeMap<ShapeId, Shape>,
}

#[derive(Clone, Debug)]
pub struct Shape {
    pub id: ShapeId,
    pub kind: ShapeKind,
    pub traits: Traits,
}

/// A structure, union, enum, list or map member. `traits` are the member's own traits; see
/// [`Model::member_traits`] for the ones that fall back to the target's.
#[derive(Clone, Debug)]
pub struct Member {
    pub name: String,
    pub target: ShapeId,
    pub traits: Traits,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Simple {
    Blob,
    Boolean,
    String,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Timestamp,
    Document,
}

#[derive(Clone, Debug)]
pub enum ShapeKind {
    Simple(Simple),
    /// `enum`, and IDL 1.0 strings with `@enum` (converted to members at load).
    Enum(Vec<Member>),
    IntEnum(Vec<Member>),
    /// `list`, and IDL 1.0 `set` (a list with `@uniqueItems`).
    List(Box<Member>),
    Map {
        key: Box<Member>,
        value: Box<Member>,
    },
    Structure(Vec<Member>),
    Union(Vec<Member>),
    Service(Service),
    Operation(Operation),
    Resource(Resource),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Service {
    pub version: Option<String>,
    pub operations: Vec<ShapeId>,
    pub resources: Vec<ShapeId>,
    pub errors: Vec<ShapeId>,
    pub rename: BTreeMap<ShapeId, String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    pub input: ShapeId,
    pub output: ShapeId,
    pub errors: Vec<ShapeId>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resource {
    pub identifiers: BTreeMap<String, ShapeId>,
    pub properties: BTreeMap<String, ShapeId>,
    /// create, put, read, update, delete, list, in that order, where present.
    pub lifecycle: Vec<ShapeId>,
    pub operations: Vec<ShapeId>,
    pub collection_operations: Vec<ShapeId>,
    pub resources: Vec<ShapeId>,
}

impl ShapeKind {
    /// The members of aggregate shapes, in model order (list: `member`; map: `key`, `value`).
    pub fn members(&self) -> Vec<&Member> {
        match self {
            ShapeKind::Enum(m) | ShapeKind::IntEnum(m) | ShapeKind::Structure(m) | ShapeKind::Union(m) => {
                m.iter().collect()
            }
            ShapeKind::List(member) => vec![&**member],
            ShapeKind::Map { key, value } => vec![&**key, &**value],
            _ => Vec::new(),
        }
    }

    /// The shape type's name as the spec writes it.
    pub fn type_name(&self) -> &'static str {
        match self {
            ShapeKind::Simple(s) => match s {
                Simple::Blob => "blob",
                Simple::Boolean => "boolean",
                Simple::String => "string",
                Simple::Byte => "byte",
                Simple::Short => "short",
                Simple::Integer => "integer",
                Simple::Long => "long",
                Simple::Float => "float",
                Simple::Double => "double",
                Simple::BigInteger => "bigInteger",
                Simple::BigDecimal => "bigDecimal",
                Simple::Timestamp => "timestamp",
                Simple::Document => "document",
            },
            ShapeKind::Enum(_) => "enum",
            ShapeKind::IntEnum(_) => "intEnum",
            ShapeKind::List(_) => "list",
            ShapeKind::Map { .. } => "map",
            ShapeKind::Structure(_) => "structure",
            ShapeKind::Union(_) => "union",
            ShapeKind::Service(_) => "service",
            ShapeKind::Operation(_) => "operation",
            ShapeKind::Resource(_) => "resource",
        }
    }
}

impl Model {
    /// The shape with this id. Targets were checked at load, so lookups of targets never fail.
    pub fn shape(&self, id: &ShapeId) -> Option<&Shape> {
        self.shapes.get(id)
    }

    /// The target of a member; exists by the loader's invariant.
    pub fn target(&self, member: &Member) -> &Shape {
        &self.shapes[&member.target]
    }

    /// A member's traits with the value traits it may inherit from its target filled in: the spec
    /// lets member traits supersede the target's, so the member's own value wins.
    pub fn member_traits(&self, member: &Member) -> Traits {
        let target = &self.target(member).traits;
        let mut traits = member.traits.clone();
        fill(&mut traits.documentation, &target.documentation);
        fill(&mut traits.timestamp_format, &target.timestamp_format);
        fill(&mut traits.media_type, &target.media_type);
        traits.sensitive |= target.sensitive;
        traits.streaming |= target.streaming;
        traits.requires_length |= target.requires_length;
        traits
    }

    /// Whether a member may be absent to a client, per the spec's optionality table for
    /// non-authoritative consumers (`@input` makes every member optional).
    pub fn is_optional(&self, container: &Shape, member: &Member) -> bool {
        let t = &member.traits;
        if container.traits.input || t.client_optional {
            return true;
        }
        let has_default = t.default.as_ref().is_some_and(|d| !d.is_null()) && !t.added_default;
        !(t.required || has_default)
    }
}

fn fill<T: Clone>(slot: &mut Option<T>, fallback: &Option<T>) {
    if slot.is_none() {
        slot.clone_from(fallback);
    }
}
