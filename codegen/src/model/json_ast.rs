//! Loading Smithy JSON AST files into the typed [`Model`].
//!
//! Files are read into a raw form first (ids parsed, traits still node values), merged, then
//! resolved in the order the spec implies: mixins flattened, `apply` traits merged, IDL 1.0
//! semantics converted, traits typed, and every reference checked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{prelude, Member, Model, Node, Operation, Resource, Service, Shape, ShapeId, ShapeKind, Simple, Traits};
use crate::error::{Error, Location, Result};

type RawTraits = BTreeMap<ShapeId, Node>;

/// Loads and merges several model files (plus the prelude) into one model: JSON AST files, and
/// Smithy IDL files (`.smithy`), which are parsed together into their JSON AST first.
pub fn load_files(paths: &[PathBuf]) -> Result<Model> {
    let mut loader = Loader::default();
    let mut json_docs = Vec::new();
    let mut idl_files = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|e| Error::file(path, format!("cannot read: {e}")))?;
        if path.extension().is_some_and(|e| e == "smithy") {
            idl_files.push((path.as_path(), text));
        } else {
            json_docs.push((path.as_path(), parse_json(path, &text)?));
        }
    }
    if !idl_files.is_empty() {
        // IDL files resolve names against each other and against the JSON files' shapes.
        let known = Value::Array(json_docs.iter().map(|(_, doc)| doc.clone()).collect());
        let sources: Vec<(&Path, &str)> = idl_files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let parsed = super::idl::parse_files(&sources, &known)?;
        for ((path, _), parsed) in idl_files.iter().zip(parsed) {
            loader.add_document(path, parsed.ast)?;
        }
    }
    for (path, doc) in json_docs {
        loader.add_document(path, doc)?;
    }
    loader.finish()
}

fn parse_json(path: &Path, text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| Error {
        file: Some(path.to_owned()),
        location: Location::Position { line: e.line(), column: e.column() },
        message: format!("malformed JSON: {e}"),
    })
}

/// Loads one JSON AST document; `path` is only used in error messages.
pub fn load_str(path: &Path, text: &str) -> Result<Model> {
    let mut loader = Loader::default();
    loader.add_file(path, text)?;
    loader.finish()
}

#[derive(Clone, Debug, PartialEq)]
struct RawMember {
    name: String,
    target: ShapeId,
    traits: RawTraits,
}

#[derive(Clone, Debug, PartialEq)]
enum RawKind {
    Simple(Simple),
    Members { kind: Aggregate, members: Vec<RawMember> },
    Service(Service),
    Operation(Operation),
    Resource(Resource),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Aggregate {
    Structure,
    Union,
    Enum,
    IntEnum,
    List,
    /// IDL 1.0 `set`: a list with `@uniqueItems`.
    Set,
    Map,
}

#[derive(Clone, Debug, PartialEq)]
struct RawShape {
    file: usize,
    /// Smithy IDL major version of the file that defined it (1 or 2).
    version: u8,
    kind: RawKind,
    traits: RawTraits,
    mixins: Vec<ShapeId>,
}

#[derive(Debug, Default)]
struct Loader {
    files: Vec<PathBuf>,
    metadata: BTreeMap<String, Node>,
    shapes: BTreeMap<ShapeId, RawShape>,
    applies: Vec<(usize, ShapeId, RawTraits)>,
    /// (shape or member id, trait id) pairs a shape got from its mixins: an `apply` supersedes
    /// these rather than conflicting with them.
    inherited: BTreeSet<(ShapeId, ShapeId)>,
}

impl Loader {
    fn add_file(&mut self, path: &Path, text: &str) -> Result<()> {
        self.add_document(path, parse_json(path, text)?)
    }

    /// Adds one JSON AST document (from a JSON file, or an IDL file's translation).
    fn add_document(&mut self, path: &Path, doc: Value) -> Result<()> {
        let file = self.files.len();
        self.files.push(path.to_owned());
        let fail = |message: String| Error::file(path, message);
        let doc = doc.as_object().ok_or_else(|| fail("a JSON AST model must be a JSON object".into()))?;
        let version = match doc.get("smithy").and_then(Value::as_str) {
            Some("1" | "1.0") => 1,
            Some("2" | "2.0") => 2,
            Some(other) => return Err(fail(format!("unsupported Smithy version `{other}`"))),
            None => return Err(fail("missing the `smithy` version property".into())),
        };
        if let Some(metadata) = doc.get("metadata") {
            let metadata = metadata.as_object().ok_or_else(|| fail("`metadata` must be an object".into()))?;
            for (key, value) in metadata {
                merge_node(&mut self.metadata, key.clone(), value.clone())
                    .map_err(|problem| fail(format!("metadata `{key}`: {problem}")))?;
            }
        }
        let Some(shapes) = doc.get("shapes") else { return Ok(()) };
        let shapes = shapes.as_object().ok_or_else(|| fail("`shapes` must be an object".into()))?;
        for (id_text, def) in shapes {
            let id = ShapeId::parse(id_text).map_err(fail)?;
            let in_file = |e: Error| e.in_file(path);
            let def = def.as_object().ok_or_else(|| in_file(Error::shape(&id, "a shape must be a JSON object")))?;
            let traits = raw_traits(&id, def.get("traits")).map_err(in_file)?;
            let ty = def.get("type").and_then(Value::as_str);
            if ty == Some("apply") {
                self.applies.push((file, id, traits));
                continue;
            }
            if id.member().is_some() {
                return Err(in_file(Error::shape(&id, "only `apply` entries may use a member id")));
            }
            let kind = raw_kind(&id, ty, def, version).map_err(in_file)?;
            let mixins = def
                .get("mixins")
                .map(|refs| shape_refs(&id, "mixins", refs))
                .transpose()
                .map_err(in_file)?
                .unwrap_or_default();
            let shape = RawShape { file, version, kind, traits, mixins };
            match self.shapes.get(&id) {
                // The same definition in two files is allowed; a different one is a conflict.
                Some(existing) if existing.kind == shape.kind && existing.traits == shape.traits => {}
                Some(existing) => {
                    let first = self.files[existing.file].display().to_string();
                    return Err(in_file(Error::shape(&id, format!("conflicts with its definition in {first}"))));
                }
                None => {
                    self.shapes.insert(id, shape);
                }
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Model> {
        self.flatten_mixins()?;
        self.apply_traits()?;
        let mut model = Model { metadata: std::mem::take(&mut self.metadata), shapes: BTreeMap::new() };
        for shape in prelude::shapes() {
            model.shapes.insert(shape.id.clone(), shape);
        }
        let raw = std::mem::take(&mut self.shapes);
        for (id, shape) in &raw {
            // The prelude file itself may be loaded: its simple shapes are the built-in ones, its
            // trait definitions are kept like any shape.
            if id.is_prelude() && model.shapes.contains_key(id) {
                continue;
            }
            let typed = self.type_shape(&raw, id, shape).map_err(|e| e.in_file(&self.files[shape.file]))?;
            model.shapes.insert(id.clone(), typed);
        }
        check_references(&model).map_err(|e| self.locate(&raw, e))?;
        Ok(model)
    }

    fn error(&self, file: usize, id: &ShapeId, message: impl Into<String>) -> Error {
        Error::shape(id, message).in_file(&self.files[file])
    }

    /// Adds the file of the shape an error names.
    fn locate(&self, raw: &BTreeMap<ShapeId, RawShape>, error: Error) -> Error {
        match &error.location {
            Location::Shape(id) => match raw.get(&id.root()) {
                Some(shape) => error.in_file(&self.files[shape.file]),
                None => error,
            },
            _ => error,
        }
    }

    /// Copies mixin members and traits into the shapes that use them, mixins of mixins first.
    fn flatten_mixins(&mut self) -> Result<()> {
        let mut done = BTreeSet::new();
        let ids: Vec<ShapeId> = self.shapes.keys().cloned().collect();
        for id in ids {
            self.flatten(&id, &mut Vec::new(), &mut done)?;
        }
        Ok(())
    }

    fn flatten(&mut self, id: &ShapeId, path: &mut Vec<ShapeId>, done: &mut BTreeSet<ShapeId>) -> Result<()> {
        if done.contains(id) {
            return Ok(());
        }
        let shape = &self.shapes[id];
        let file = shape.file;
        if path.contains(id) {
            return Err(self.error(file, id, "mixins form a cycle"));
        }
        let mixins = shape.mixins.clone();
        path.push(id.clone());
        let mut inherited_members: Vec<RawMember> = Vec::new();
        let mut inherited_traits = RawTraits::new();
        for mixin_id in &mixins {
            let Some(mixin) = self.shapes.get(mixin_id) else {
                return Err(self.error(file, id, format!("mixin `{mixin_id}` does not exist")));
            };
            let Some(mixin_trait) = mixin.traits.get(&ShapeId::prelude("mixin")) else {
                return Err(self.error(file, id, format!("`{mixin_id}` is used as a mixin but has no @mixin trait")));
            };
            let local: Vec<String> = mixin_trait
                .get("localTraits")
                .and_then(Value::as_array)
                .map(|traits| traits.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
            self.flatten(mixin_id, path, done)?;
            let mixin = &self.shapes[mixin_id];
            for (trait_id, value) in &mixin.traits {
                let trait_name = trait_id.to_string();
                if trait_name != "smithy.api#mixin" && !local.contains(&trait_name) {
                    inherited_traits.insert(trait_id.clone(), value.clone());
                }
            }
            if let RawKind::Members { members, .. } = &mixin.kind {
                for member in members {
                    inherited_members.retain(|m| m.name != member.name);
                    inherited_members.push(member.clone());
                }
            }
        }
        path.pop();
        let shape = self.shapes.get_mut(id).expect("shape exists");
        // The shape's own traits supersede inherited ones; so do its own member traits.
        for trait_id in inherited_traits.keys().filter(|t| !shape.traits.contains_key(*t)) {
            self.inherited.insert((id.clone(), trait_id.clone()));
        }
        for (trait_id, value) in std::mem::take(&mut shape.traits) {
            inherited_traits.insert(trait_id, value);
        }
        shape.traits = inherited_traits;
        if let RawKind::Members { members, .. } = &mut shape.kind {
            for member in inherited_members.iter_mut().rev() {
                let local = members.iter().position(|m| m.name == member.name).map(|pos| members.remove(pos));
                let local_traits = local.map(|l| l.traits).unwrap_or_default();
                for trait_id in member.traits.keys().filter(|t| !local_traits.contains_key(*t)) {
                    self.inherited.insert((id.with_member(&member.name), trait_id.clone()));
                }
                member.traits.extend(local_traits);
            }
            // Members from mixins come before the shape's own members.
            inherited_members.append(members);
            *members = inherited_members;
        }
        done.insert(id.clone());
        Ok(())
    }

    /// Merges `apply` traits into their shapes and members with the spec's conflict resolution.
    fn apply_traits(&mut self) -> Result<()> {
        for (file, id, traits) in std::mem::take(&mut self.applies) {
            let path = &self.files[file];
            let err = |message: String| Error::shape(&id, message).in_file(path);
            let Some(shape) = self.shapes.get_mut(&id.root()) else {
                return Err(err("`apply` targets a shape that does not exist".into()));
            };
            let target = match id.member() {
                None => &mut shape.traits,
                Some(name) => match &mut shape.kind {
                    RawKind::Members { members, .. } => match members.iter_mut().find(|m| m.name == name) {
                        Some(member) => &mut member.traits,
                        None => return Err(err("`apply` targets a member that does not exist".into())),
                    },
                    _ => return Err(err("`apply` targets a member of a shape that has none".into())),
                },
            };
            for (trait_id, value) in traits {
                if self.inherited.remove(&(id.clone(), trait_id.clone())) {
                    target.insert(trait_id, value);
                    continue;
                }
                merge_trait(target, trait_id.clone(), value).map_err(|p| err(format!("trait `{trait_id}`: {p}")))?;
            }
        }
        Ok(())
    }

    fn type_shape(&self, raw: &BTreeMap<ShapeId, RawShape>, id: &ShapeId, shape: &RawShape) -> Result<Shape> {
        let mut traits = Traits::parse(shape.traits.clone()).map_err(|p| Error::shape(id, p))?;
        let kind = match &shape.kind {
            RawKind::Simple(Simple::String) if traits.enum_definitions.is_some() => {
                let definitions = traits.enum_definitions.take().unwrap_or_default();
                ShapeKind::Enum(enum_trait_members(definitions))
            }
            RawKind::Simple(simple) => ShapeKind::Simple(*simple),
            RawKind::Service(s) => ShapeKind::Service(s.clone()),
            RawKind::Operation(o) => ShapeKind::Operation(o.clone()),
            RawKind::Resource(r) => ShapeKind::Resource(r.clone()),
            RawKind::Members { kind, members } => {
                let mut typed = Vec::with_capacity(members.len());
                for m in members {
                    let member_id = id.with_member(&m.name);
                    let mut member_traits = Traits::parse(m.traits.clone()).map_err(|p| Error::shape(&member_id, p))?;
                    if shape.version == 1 && *kind == Aggregate::Structure {
                        add_v1_primitive_default(raw, m, &mut member_traits);
                    }
                    typed.push(Member { name: m.name.clone(), target: m.target.clone(), traits: member_traits });
                }
                let single = |typed: Vec<Member>, what: &str| {
                    let mut it = typed.into_iter();
                    match (it.next(), it.next()) {
                        (Some(member), None) => Ok(member),
                        _ => Err(Error::shape(id, format!("a {what} must have exactly one member"))),
                    }
                };
                match kind {
                    Aggregate::Structure => ShapeKind::Structure(typed),
                    Aggregate::Union => ShapeKind::Union(typed),
                    Aggregate::Enum => ShapeKind::Enum(typed),
                    Aggregate::IntEnum => ShapeKind::IntEnum(typed),
                    Aggregate::List => ShapeKind::List(Box::new(single(typed, "list")?)),
                    Aggregate::Set => {
                        traits.unique_items = true;
                        ShapeKind::List(Box::new(single(typed, "set")?))
                    }
                    Aggregate::Map => {
                        let mut it = typed.into_iter();
                        let (Some(key), Some(value)) = (it.next(), it.next()) else {
                            return Err(Error::shape(id, "a map must have a key and a value"));
                        };
                        ShapeKind::Map { key: Box::new(key), value: Box::new(value) }
                    }
                }
            }
        };
        Ok(Shape { id: id.clone(), kind, traits })
    }
}

/// IDL 1.0: a structure member targeting a number or boolean that is not boxed is a primitive,
/// which Smithy 2.0 expresses as a zero `@default`.
fn add_v1_primitive_default(raw: &BTreeMap<ShapeId, RawShape>, member: &RawMember, traits: &mut Traits) {
    if traits.default.is_some() || traits.boxed || prelude::is_boxed_v1(&member.target) {
        return;
    }
    let boxed_key = ShapeId::prelude("box");
    let simple = match raw.get(&member.target) {
        Some(RawShape { kind: RawKind::Simple(simple), traits: target_traits, .. }) => {
            if target_traits.contains_key(&boxed_key) {
                return;
            }
            *simple
        }
        Some(_) => return,
        // Prelude `Primitive*` shapes carry their default themselves.
        None => match member.target.name().strip_prefix("Primitive") {
            Some(_) if member.target.is_prelude() => {
                traits.default = Some(if member.target.name() == "PrimitiveBoolean" { false.into() } else { 0.into() });
                return;
            }
            _ => return,
        },
    };
    traits.default = match simple {
        Simple::Boolean => Some(false.into()),
        Simple::Byte | Simple::Short | Simple::Integer | Simple::Long | Simple::Float | Simple::Double => {
            Some(0.into())
        }
        _ => None,
    };
}

/// IDL 1.0 `@enum` values become enum members; unnamed values are named by their value.
fn enum_trait_members(definitions: Vec<super::EnumDefinition>) -> Vec<Member> {
    definitions
        .into_iter()
        .map(|d| Member {
            name: d.name.unwrap_or_else(|| d.value.clone()),
            target: ShapeId::prelude("Unit"),
            traits: Traits {
                enum_value: Some(super::EnumValue::String(d.value)),
                documentation: d.documentation,
                deprecated: d.deprecated.then(Default::default),
                ..Traits::default()
            },
        })
        .collect()
}

fn raw_traits(id: &ShapeId, traits: Option<&Value>) -> Result<RawTraits> {
    let Some(traits) = traits else { return Ok(RawTraits::new()) };
    let traits = traits.as_object().ok_or_else(|| Error::shape(id, "`traits` must be an object"))?;
    traits
        .iter()
        .map(|(trait_id, value)| {
            let trait_id = ShapeId::parse(trait_id).map_err(|p| Error::shape(id, format!("trait id: {p}")))?;
            Ok((trait_id, value.clone()))
        })
        .collect()
}

fn raw_kind(id: &ShapeId, ty: Option<&str>, def: &Map<String, Value>, version: u8) -> Result<RawKind> {
    let simple = |s| Ok(RawKind::Simple(s));
    let aggregate = |kind| Ok(RawKind::Members { kind, members: raw_members(id, kind, def)? });
    match ty {
        Some("blob") => simple(Simple::Blob),
        Some("boolean") => simple(Simple::Boolean),
        Some("string") => simple(Simple::String),
        Some("byte") => simple(Simple::Byte),
        Some("short") => simple(Simple::Short),
        Some("integer") => simple(Simple::Integer),
        Some("long") => simple(Simple::Long),
        Some("float") => simple(Simple::Float),
        Some("double") => simple(Simple::Double),
        Some("bigInteger") => simple(Simple::BigInteger),
        Some("bigDecimal") => simple(Simple::BigDecimal),
        Some("timestamp") => simple(Simple::Timestamp),
        Some("document") => simple(Simple::Document),
        Some("structure") => aggregate(Aggregate::Structure),
        Some("union") => aggregate(Aggregate::Union),
        Some("enum") => aggregate(Aggregate::Enum),
        Some("intEnum") => aggregate(Aggregate::IntEnum),
        Some("list") => aggregate(Aggregate::List),
        Some("set") if version == 1 => aggregate(Aggregate::Set),
        Some("set") => Err(Error::shape(id, "`set` is not allowed in Smithy 2.0; use a list with @uniqueItems")),
        Some("map") => aggregate(Aggregate::Map),
        Some("service") => Ok(RawKind::Service(Service {
            version: def.get("version").and_then(Value::as_str).map(str::to_owned),
            operations: optional_refs(id, def, "operations")?,
            resources: optional_refs(id, def, "resources")?,
            errors: optional_refs(id, def, "errors")?,
            rename: rename_map(id, def.get("rename"))?,
        })),
        Some("operation") => Ok(RawKind::Operation(Operation {
            input: optional_ref(id, def, "input")?.unwrap_or_else(|| ShapeId::prelude("Unit")),
            output: optional_ref(id, def, "output")?.unwrap_or_else(|| ShapeId::prelude("Unit")),
            errors: optional_refs(id, def, "errors")?,
        })),
        Some("resource") => {
            if version == 1 && def.contains_key("properties") {
                return Err(Error::shape(id, "resource `properties` need Smithy 2.0"));
            }
            let lifecycle = ["create", "put", "read", "update", "delete", "list"]
                .iter()
                .filter_map(|key| optional_ref(id, def, key).transpose())
                .collect::<Result<_>>()?;
            Ok(RawKind::Resource(Resource {
                identifiers: ref_map(id, def, "identifiers")?,
                properties: ref_map(id, def, "properties")?,
                lifecycle,
                operations: optional_refs(id, def, "operations")?,
                collection_operations: optional_refs(id, def, "collectionOperations")?,
                resources: optional_refs(id, def, "resources")?,
            }))
        }
        Some(other) => Err(Error::shape(id, format!("unknown shape type `{other}`"))),
        None => Err(Error::shape(id, "missing the `type` property")),
    }
}

fn raw_members(id: &ShapeId, kind: Aggregate, def: &Map<String, Value>) -> Result<Vec<RawMember>> {
    let names: &[&str] = match kind {
        Aggregate::List | Aggregate::Set => &["member"],
        Aggregate::Map => &["key", "value"],
        _ => {
            let Some(members) = def.get("members") else { return Ok(Vec::new()) };
            let members = members.as_object().ok_or_else(|| Error::shape(id, "`members` must be an object"))?;
            return members.iter().map(|(name, m)| raw_member(id, name, m)).collect();
        }
    };
    // A list or map with mixins may take `member`, `key` and `value` from them.
    let has_mixins = def.get("mixins").and_then(Value::as_array).is_some_and(|m| !m.is_empty());
    names
        .iter()
        .filter_map(|name| match def.get(*name) {
            Some(m) => Some(raw_member(id, name, m)),
            None if has_mixins => None,
            None => Some(Err(Error::shape(id, format!("missing the `{name}` member")))),
        })
        .collect()
}

fn raw_member(id: &ShapeId, name: &str, def: &Value) -> Result<RawMember> {
    let member_id = ShapeId::parse(&format!("{}${name}", id.root())).map_err(|p| Error::shape(id, p))?;
    let target = def
        .get("target")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::shape(&member_id, "a member needs a `target` string"))?;
    let target = ShapeId::parse(target).map_err(|p| Error::shape(&member_id, format!("target: {p}")))?;
    Ok(RawMember { name: name.to_owned(), target, traits: raw_traits(&member_id, def.get("traits"))? })
}

fn shape_ref(id: &ShapeId, what: &str, value: &Value) -> Result<ShapeId> {
    let target = value.get("target").and_then(Value::as_str).ok_or_else(|| {
        Error::shape(id, format!("`{what}` must be a shape reference like {{\"target\": \"ns#Name\"}}"))
    })?;
    ShapeId::parse(target).map_err(|p| Error::shape(id, format!("`{what}`: {p}")))
}

fn shape_refs(id: &ShapeId, what: &str, value: &Value) -> Result<Vec<ShapeId>> {
    let list = value.as_array().ok_or_else(|| Error::shape(id, format!("`{what}` must be a list")))?;
    list.iter().map(|v| shape_ref(id, what, v)).collect()
}

fn optional_ref(id: &ShapeId, def: &Map<String, Value>, key: &str) -> Result<Option<ShapeId>> {
    def.get(key).map(|v| shape_ref(id, key, v)).transpose()
}

fn optional_refs(id: &ShapeId, def: &Map<String, Value>, key: &str) -> Result<Vec<ShapeId>> {
    Ok(def.get(key).map(|v| shape_refs(id, key, v)).transpose()?.unwrap_or_default())
}

fn ref_map(id: &ShapeId, def: &Map<String, Value>, key: &str) -> Result<BTreeMap<String, ShapeId>> {
    let Some(map) = def.get(key) else { return Ok(BTreeMap::new()) };
    let map = map.as_object().ok_or_else(|| Error::shape(id, format!("`{key}` must be an object")))?;
    map.iter().map(|(name, v)| Ok((name.clone(), shape_ref(id, key, v)?))).collect()
}

fn rename_map(id: &ShapeId, value: Option<&Value>) -> Result<BTreeMap<ShapeId, String>> {
    let Some(value) = value else { return Ok(BTreeMap::new()) };
    let map = value.as_object().ok_or_else(|| Error::shape(id, "`rename` must be an object"))?;
    map.iter()
        .map(|(from, to)| {
            let from = ShapeId::parse(from).map_err(|p| Error::shape(id, format!("`rename`: {p}")))?;
            let to = to.as_str().ok_or_else(|| Error::shape(id, format!("`rename` of `{from}` must be a string")))?;
            Ok((from, to.to_owned()))
        })
        .collect()
}

/// The spec's trait conflict resolution: lists concatenate, equal values merge, else conflict.
fn merge_trait(traits: &mut RawTraits, id: ShapeId, value: Node) -> Result<(), String> {
    match traits.get_mut(&id) {
        None => {
            traits.insert(id, value);
            Ok(())
        }
        Some(existing) => merge_values(existing, value),
    }
}

fn merge_node(map: &mut BTreeMap<String, Node>, key: String, value: Node) -> Result<(), String> {
    match map.get_mut(&key) {
        None => {
            map.insert(key, value);
            Ok(())
        }
        Some(existing) => merge_values(existing, value),
    }
}

fn merge_values(existing: &mut Node, value: Node) -> Result<(), String> {
    match (existing, value) {
        (Value::Array(existing), Value::Array(more)) => {
            existing.extend(more);
            Ok(())
        }
        (existing, value) if *existing == value => Ok(()),
        (existing, value) => Err(format!("conflicting values {existing} and {value}")),
    }
}

/// Every reference must resolve to a shape of the right type.
fn check_references(model: &Model) -> Result<()> {
    let expect = |from: &ShapeId, what: &str, target: &ShapeId, ok: fn(&ShapeKind) -> bool, wanted: &str| match model
        .shapes
        .get(target)
    {
        None => Err(Error::shape(from, format!("{what} `{target}` does not exist"))),
        Some(shape) if !ok(&shape.kind) => {
            Err(Error::shape(from, format!("{what} `{target}` is a {}, expected {wanted}", shape.kind.type_name())))
        }
        Some(_) => Ok(()),
    };
    let any = |_: &ShapeKind| true;
    let structure = |k: &ShapeKind| matches!(k, ShapeKind::Structure(_));
    let operation = |k: &ShapeKind| matches!(k, ShapeKind::Operation(_));
    let resource = |k: &ShapeKind| matches!(k, ShapeKind::Resource(_));
    let data = |k: &ShapeKind| !matches!(k, ShapeKind::Service(_) | ShapeKind::Operation(_) | ShapeKind::Resource(_));
    for (id, shape) in &model.shapes {
        for member in shape.kind.members() {
            expect(&id.with_member(&member.name), "target", &member.target, data, "a data shape")?;
        }
        match &shape.kind {
            ShapeKind::Service(s) => {
                for op in &s.operations {
                    expect(id, "operation", op, operation, "an operation")?;
                }
                for r in &s.resources {
                    expect(id, "resource", r, resource, "a resource")?;
                }
                for e in &s.errors {
                    expect(id, "error", e, structure, "a structure")?;
                }
                for renamed in s.rename.keys() {
                    expect(id, "renamed shape", renamed, any, "a shape")?;
                }
            }
            ShapeKind::Operation(o) => {
                expect(id, "input", &o.input, structure, "a structure")?;
                expect(id, "output", &o.output, structure, "a structure")?;
                for e in &o.errors {
                    expect(id, "error", e, structure, "a structure")?;
                    if model.shapes[e].traits.error.is_none() {
                        return Err(Error::shape(id, format!("error `{e}` has no @error trait")));
                    }
                }
            }
            ShapeKind::Resource(r) => {
                for target in r.identifiers.values().chain(r.properties.values()) {
                    expect(id, "identifier or property", target, data, "a data shape")?;
                }
                for op in r.lifecycle.iter().chain(&r.operations).chain(&r.collection_operations) {
                    expect(id, "operation", op, operation, "an operation")?;
                }
                for child in &r.resources {
                    expect(id, "resource", child, resource, "a resource")?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}
