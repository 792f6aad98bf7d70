//! From parsed statements to the JSON AST: shape ids resolved, IDL sugar expanded (documentation
//! comments, `= value`, inline input/output, elided targets, annotation traits), `apply`
//! statements merged where they can be, and the checks that need the whole file.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::prelude;
use super::syntax::{Body, File, Io, Member, Node, Pos, Shape, Trait};

type LResult<T> = Result<T, (Pos, String)>;

const UNIT: &str = "smithy.api#Unit";
const MIXIN: &str = "smithy.api#mixin";

/// A local shape being built.
struct Built {
    id: String,
    json: Map<String, Value>,
    /// Aggregate and enum members, in order, once targets are known.
    members: Vec<(String, Pos, Value)>,
    state: State,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    InProgress,
    Done,
}

pub(super) struct Lowering<'a> {
    file: &'a File,
    src: &'a str,
    namespace: String,
    uses: HashMap<String, String>,
    /// Local shape name to index in `file.shapes`.
    local: HashMap<String, usize>,
    known: HashMap<String, &'a Value>,
    built: Vec<Built>,
}

impl<'a> Lowering<'a> {
    /// `known`: JSON AST documents of the model's other files (arrays of documents are opened).
    pub(super) fn new(file: &'a File, src: &'a str, known: &[&'a Value]) -> LResult<Self> {
        let mut known_shapes = HashMap::new();
        let mut docs: Vec<&Value> = Vec::new();
        for doc in known {
            match doc {
                Value::Array(many) => docs.extend(many.iter()),
                other => docs.push(other),
            }
        }
        for doc in docs {
            if let Some(shapes) = doc.get("shapes").and_then(Value::as_object) {
                for (id, shape) in shapes {
                    if shape.get("type").and_then(Value::as_str) != Some("apply") {
                        known_shapes.insert(id.clone(), shape);
                    }
                }
            }
        }
        let namespace = file.namespace.as_ref().map(|(ns, _)| ns.clone()).unwrap_or_default();
        let mut lowering = Lowering {
            file,
            src,
            namespace,
            uses: HashMap::new(),
            local: HashMap::new(),
            known: known_shapes,
            built: Vec::new(),
        };
        lowering.collect_names()?;
        Ok(lowering)
    }

    fn at(&self, pos: Pos) -> String {
        let (line, column) = super::syntax::line_col(self.src, pos);
        format!("{line}:{column}")
    }

    fn collect_names(&mut self) -> LResult<()> {
        let mut use_pos: HashMap<String, Pos> = HashMap::new();
        for (id, pos) in &self.file.uses {
            let name = id.rsplit('#').next().unwrap_or(id).to_owned();
            if let Some(existing) = self.uses.get(&name) {
                if existing != id {
                    return Err((
                        *pos,
                        format!(
                            "`use {id}` conflicts with `use {existing}` at {}: both import the name `{name}`",
                            self.at(use_pos[&name])
                        ),
                    ));
                }
            }
            use_pos.insert(name.clone(), *pos);
            self.uses.insert(name, id.clone());
        }
        let mut lowercase: HashMap<String, usize> = HashMap::new();
        for (index, shape) in self.file.shapes.iter().enumerate() {
            if let Some(&first) = lowercase.get(&shape.name.to_ascii_lowercase()) {
                let first = &self.file.shapes[first];
                let message = if let (Some(role), true) = (shape.inline_io, first.name == shape.name) {
                    format!(
                        "the inline {role} structure is named `{}`, which is already defined at {}; rename one, or change the name with `$operation{}Suffix`",
                        shape.name,
                        self.at(first.pos),
                        if role == "input" { "Input" } else { "Output" }
                    )
                } else if first.name == shape.name {
                    format!("shape `{}` is already defined at {}", shape.name, self.at(first.pos))
                } else {
                    format!(
                        "shape `{}` conflicts with `{}` at {}: shape names must differ in more than case",
                        shape.name,
                        first.name,
                        self.at(first.pos)
                    )
                };
                return Err((shape.pos, message));
            }
            lowercase.insert(shape.name.to_ascii_lowercase(), index);
            if let Some(imported) = self.uses.get(&shape.name) {
                return Err((
                    shape.pos,
                    format!(
                        "shape name `{}` conflicts with the shape `{imported}` imported by a use statement",
                        shape.name
                    ),
                ));
            }
            self.local.insert(shape.name.clone(), index);
        }
        Ok(())
    }

    // ----- shape ids -----

    /// Resolves a shape id as written: use statements, then shapes of this namespace, then the
    /// prelude, else this namespace.
    fn resolve(&self, id: &str) -> String {
        if id.contains('#') {
            return id.to_owned();
        }
        let (root, member) = match id.split_once('$') {
            Some((root, member)) => (root, Some(member)),
            None => (id, None),
        };
        let local_id = format!("{}#{root}", self.namespace);
        let absolute = if let Some(imported) = self.uses.get(root) {
            imported.clone()
        } else if self.local.contains_key(root) || self.known.contains_key(&local_id) {
            local_id
        } else if prelude::shape_type(root).is_some() {
            format!("smithy.api#{root}")
        } else {
            local_id
        };
        match member {
            Some(member) => format!("{absolute}${member}"),
            None => absolute,
        }
    }

    /// The local shape an absolute id names.
    fn local_index(&self, id: &str) -> Option<usize> {
        let (namespace, name) = id.split_once('#')?;
        if namespace != self.namespace {
            return None;
        }
        self.local.get(name).copied()
    }

    /// The type of the shape an absolute id names, wherever it is known.
    fn shape_type(&self, id: &str) -> Option<&str> {
        if let Some(index) = self.local_index(id) {
            return Some(self.file.shapes[index].kind);
        }
        if let Some(shape) = self.known.get(id) {
            return shape.get("type").and_then(Value::as_str);
        }
        id.strip_prefix("smithy.api#").and_then(prelude::shape_type)
    }

    // ----- node values and traits -----

    fn node(&self, node: &Node) -> Value {
        match node {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Number(n) => Value::Number(n.clone()),
            Node::String(s) => Value::String(s.clone()),
            Node::ShapeId(id, _) => Value::String(self.resolve(id)),
            Node::Array(items) => Value::Array(items.iter().map(|n| self.node(n)).collect()),
            Node::Object(entries) => Value::Object(entries.iter().map(|(k, _, v)| (k.clone(), self.node(v))).collect()),
        }
    }

    /// Metadata has no namespace: unquoted shape ids must be absolute or name a prelude shape.
    fn metadata_node(&self, node: &Node) -> LResult<Value> {
        Ok(match node {
            Node::ShapeId(id, pos) => {
                if id.contains('#') {
                    Value::String(id.clone())
                } else {
                    let root = id.split('$').next().unwrap_or(id);
                    if prelude::shape_type(root).is_none() {
                        return Err((
                            *pos,
                            format!(
                                "unquoted `{id}` is a shape id, but metadata has no namespace and the prelude has no shape `{root}`; quote it to write a string"
                            ),
                        ));
                    }
                    Value::String(format!("smithy.api#{id}"))
                }
            }
            Node::Array(items) => Value::Array(items.iter().map(|n| self.metadata_node(n)).collect::<LResult<_>>()?),
            Node::Object(entries) => Value::Object(
                entries.iter().map(|(k, _, v)| Ok((k.clone(), self.metadata_node(v)?))).collect::<LResult<_>>()?,
            ),
            other => self.node(other),
        })
    }

    /// The value of a trait written without one: `[]` for list traits, `{}` for structures, maps
    /// and traits defined elsewhere, `null` otherwise.
    fn annotation_value(&self, trait_id: &str) -> Value {
        match self.shape_type(trait_id) {
            Some("list" | "set") => json!([]),
            Some("structure" | "map") | None => json!({}),
            Some(_) => Value::Null,
        }
    }

    fn traits(&self, traits: &[Trait], docs: Option<&String>, into: &mut Map<String, Value>) -> LResult<()> {
        if let Some(docs) = docs {
            merge_trait(into, "smithy.api#documentation", json!(docs))
                .map_err(|m| (traits.first().map_or(0, |t| t.pos), m))?;
        }
        for t in traits {
            let id = self.resolve(&t.id);
            if id == MIXIN && self.file.version < 2 {
                return Err((t.pos, "the @mixin trait needs `$version: \"2.0\"`".to_owned()));
            }
            let value = match &t.value {
                Some(node) => self.node(node),
                None => self.annotation_value(&id),
            };
            merge_trait(into, &id, value).map_err(|m| (t.pos, m))?;
        }
        Ok(())
    }

    // ----- the document -----

    pub(super) fn lower(mut self) -> LResult<Value> {
        let mut doc = Map::new();
        doc.insert("smithy".into(), json!(if self.file.version >= 2 { "2.0" } else { "1.0" }));
        let mut metadata = Map::new();
        for (key, pos, node) in &self.file.metadata {
            let value = self.metadata_node(node)?;
            merge_trait(&mut metadata, key, value).map_err(|m| (*pos, format!("metadata `{key}`: {m}")))?;
        }
        if !metadata.is_empty() {
            doc.insert("metadata".into(), Value::Object(metadata));
        }
        for index in 0..self.file.shapes.len() {
            let built = self.build(&self.file.shapes[index])?;
            self.built.push(built);
        }
        for index in 0..self.built.len() {
            self.finalize(index)?;
        }
        let mut applies: Vec<(String, Map<String, Value>)> = Vec::new();
        let mut apply_index: HashMap<String, usize> = HashMap::new();
        for apply in &self.file.applies {
            let target = self.resolve(&apply.target);
            let mut traits = Map::new();
            self.traits(&apply.traits, None, &mut traits)?;
            if traits.is_empty() {
                continue;
            }
            let (root, member) = match target.split_once('$') {
                Some((root, member)) => (root.to_owned(), Some(member.to_owned())),
                None => (target.clone(), None),
            };
            // A member the shape inherits from a mixin is redeclared with the applied traits
            // (same target): equivalent, and it keeps the traits with the shape.
            if let (Some(index), Some(member)) = (self.local_index(&root), &member) {
                if own_member_traits(&mut self.built[index].json, member).is_none() {
                    let all_known = self.mixin_ids(index).iter().all(|m| self.shape_type(m).is_some());
                    let inherited = self.full_members(&root, &mut Vec::new())?.unwrap_or_default();
                    let json = &mut self.built[index].json;
                    match (inherited.iter().find(|(n, _)| n == member), json.get_mut("members")) {
                        (Some((_, target)), Some(Value::Object(members))) => {
                            members.insert(member.clone(), json!({ "target": target }));
                        }
                        (None, _) if all_known => {
                            let shape = &self.file.shapes[index];
                            return Err((
                                apply.pos,
                                format!(
                                    "`apply {}`: {} `{}` has no member `{member}`",
                                    apply.target, shape.kind, shape.name
                                ),
                            ));
                        }
                        _ => {}
                    }
                }
            }
            let slot: Option<&mut Map<String, Value>> = match (self.local_index(&root), &member) {
                (Some(index), None) => Some(obj_entry(&mut self.built[index].json, "traits")),
                (Some(index), Some(member)) => own_member_traits(&mut self.built[index].json, member),
                (None, _) => None,
            };
            let slot = match slot {
                Some(slot) => slot,
                None => {
                    let at = *apply_index.entry(target.clone()).or_insert_with(|| {
                        applies.push((target.clone(), Map::new()));
                        applies.len() - 1
                    });
                    &mut applies[at].1
                }
            };
            for (id, value) in traits {
                merge_trait(slot, &id, value).map_err(|m| (apply.pos, format!("apply {target}: {m}")))?;
            }
        }
        let mut shapes = Map::new();
        for built in std::mem::take(&mut self.built) {
            let mut json = built.json;
            if json.get("traits").is_some_and(|t| t.as_object().is_some_and(Map::is_empty)) {
                json.remove("traits");
            }
            shapes.insert(built.id, Value::Object(json));
        }
        for (id, traits) in applies {
            shapes.insert(id, json!({ "type": "apply", "traits": traits }));
        }
        if !shapes.is_empty() {
            doc.insert("shapes".into(), Value::Object(shapes));
        }
        Ok(Value::Object(doc))
    }

    /// Everything of a shape that does not depend on other shapes' members.
    fn build(&self, shape: &Shape) -> LResult<Built> {
        let id = format!("{}#{}", self.namespace, shape.name);
        let mut json = Map::new();
        json.insert("type".into(), json!(shape.kind));
        if !shape.mixins.is_empty() {
            let mixins: Vec<Value> = shape.mixins.iter().map(|(m, _)| json!({ "target": self.resolve(m) })).collect();
            json.insert("mixins".into(), Value::Array(mixins));
        }
        let mut traits = Map::new();
        self.traits(&shape.traits, shape.docs.as_ref(), &mut traits)?;
        if let Some(role) = shape.inline_io {
            merge_trait(&mut traits, &format!("smithy.api#{role}"), json!({})).map_err(|m| (shape.pos, m))?;
        }
        let is_mixin = traits.contains_key(MIXIN);
        match &shape.body {
            Body::Simple | Body::Members(_) => {}
            Body::Operation(op) => {
                let io = |io: &Io| match io {
                    Io::Target(id) => self.resolve(id),
                    Io::Inline(name) => format!("{}#{name}", self.namespace),
                };
                for (key, value) in [("input", &op.input), ("output", &op.output)] {
                    if let Some(value) = value {
                        let target = io(value);
                        if is_mixin && target != UNIT {
                            return Err((
                                shape.pos,
                                format!("operation mixin `{}` cannot define `{key}`: operation mixins must leave input and output as smithy.api#Unit", shape.name),
                            ));
                        }
                        json.insert(key.into(), json!({ "target": target }));
                    }
                }
                if let Some(errors) = &op.errors {
                    let errors: Vec<Value> = errors.iter().map(|(e, _)| json!({ "target": self.resolve(e) })).collect();
                    json.insert("errors".into(), Value::Array(errors));
                }
            }
            Body::Entity(entries) => {
                for (key, pos, node) in entries {
                    let value = self.entity_property(shape, key, *pos, node)?;
                    if is_mixin && shape.kind == "resource" {
                        return Err((
                            *pos,
                            format!(
                                "resource mixin `{}` cannot define `{key}`: resource mixins may not define properties",
                                shape.name
                            ),
                        ));
                    }
                    json.insert(key.clone(), value);
                }
            }
        }
        json.insert("traits".into(), Value::Object(traits));
        Ok(Built { id, json, members: Vec::new(), state: State::Pending })
    }

    fn entity_property(&self, shape: &Shape, key: &str, pos: Pos, node: &Node) -> LResult<Value> {
        let what = format!("`{key}` of {} `{}`", shape.kind, shape.name);
        let reference =
            |node: &Node| -> LResult<Value> { Ok(json!({ "target": self.node_shape_id(node, pos, &what)? })) };
        let list = |node: &Node| -> LResult<Value> {
            match node {
                Node::Array(items) => Ok(Value::Array(items.iter().map(reference).collect::<LResult<_>>()?)),
                _ => Err((pos, format!("{what} must be a list of shape ids, like [Foo, Bar]"))),
            }
        };
        let map = |node: &Node| -> LResult<Value> {
            match node {
                Node::Object(entries) => Ok(Value::Object(
                    entries.iter().map(|(k, _, v)| Ok((k.clone(), reference(v)?))).collect::<LResult<_>>()?,
                )),
                _ => Err((pos, format!("{what} must be an object of names to shape ids, like {{ id: String }}"))),
            }
        };
        let unknown =
            |known: &str| Err((pos, format!("unknown {} property `{key}`; expected one of {known}", shape.kind)));
        if shape.kind == "service" {
            match key {
                "version" => match node {
                    Node::String(s) => Ok(json!(s)),
                    _ => Err((pos, format!("{what} must be a string"))),
                },
                "operations" | "resources" | "errors" => list(node),
                "rename" => match node {
                    Node::Object(entries) => {
                        let mut renames = Map::new();
                        for (from, from_pos, to) in entries {
                            let Node::String(to) = to else {
                                return Err((
                                    *from_pos,
                                    format!("the new name of `{from}` in {what} must be a string"),
                                ));
                            };
                            if !valid_shape_id(from) {
                                return Err((*from_pos, format!("`{from}` in {what} is not a shape id")));
                            }
                            renames.insert(self.resolve(from), json!(to));
                        }
                        Ok(Value::Object(renames))
                    }
                    _ => Err((pos, format!("{what} must be an object of shape ids to names"))),
                },
                _ => unknown("version, operations, resources, errors, rename"),
            }
        } else {
            match key {
                "identifiers" => map(node),
                "properties" if self.file.version < 2 => {
                    Err((pos, "resource `properties` need `$version: \"2.0\"`".to_owned()))
                }
                "properties" => map(node),
                "create" | "put" | "read" | "update" | "delete" | "list" => reference(node),
                "operations" | "collectionOperations" | "resources" => list(node),
                _ => unknown(
                    "identifiers, properties, create, put, read, update, delete, list, operations, collectionOperations, resources",
                ),
            }
        }
    }

    /// A shape id in a service or resource body: unquoted, or a quoted string holding one.
    fn node_shape_id(&self, node: &Node, pos: Pos, what: &str) -> LResult<String> {
        match node {
            Node::ShapeId(id, _) => Ok(self.resolve(id)),
            Node::String(s) if valid_shape_id(s) => Ok(self.resolve(s)),
            _ => Err((pos, format!("{what} must name shapes by shape id"))),
        }
    }

    // ----- members: mixins and elided targets -----

    /// All members of the shape `id` including inherited ones, as (name, target), when the
    /// shape is known. Finalizes local shapes as needed.
    fn full_members(&mut self, id: &str, visiting: &mut Vec<String>) -> LResult<Option<Vec<(String, String)>>> {
        if visiting.iter().any(|v| v == id) {
            return Ok(None);
        }
        if let Some(index) = self.local_index(id) {
            self.finalize(index)?;
            let mut all = Vec::new();
            for mixin in self.mixin_ids(index) {
                visiting.push(id.to_owned());
                let inherited = self.full_members(&mixin, visiting)?;
                visiting.pop();
                for (name, target) in inherited.unwrap_or_default() {
                    if !all.iter().any(|(n, _): &(String, String)| *n == name) {
                        all.push((name, target));
                    }
                }
            }
            for (name, _, member) in &self.built[index].members {
                let target = member.get("target").and_then(Value::as_str).unwrap_or_default().to_owned();
                if !all.iter().any(|(n, _)| n == name) {
                    all.push((name.clone(), target));
                }
            }
            return Ok(Some(all));
        }
        let Some(shape) = self.known.get(id).copied() else { return Ok(None) };
        let mut all: Vec<(String, String)> = Vec::new();
        let mixins: Vec<String> = shape
            .get("mixins")
            .and_then(Value::as_array)
            .map(|m| m.iter().filter_map(|r| r.get("target").and_then(Value::as_str).map(str::to_owned)).collect())
            .unwrap_or_default();
        for mixin in mixins {
            visiting.push(id.to_owned());
            let inherited = self.full_members(&mixin, visiting)?;
            visiting.pop();
            for (name, target) in inherited.unwrap_or_default() {
                if !all.iter().any(|(n, _)| *n == name) {
                    all.push((name, target));
                }
            }
        }
        let mut own = Vec::new();
        if let Some(members) = shape.get("members").and_then(Value::as_object) {
            own.extend(members.iter().map(|(n, m)| (n.clone(), m)));
        }
        for key in ["member", "key", "value"] {
            if let Some(m) = shape.get(key) {
                own.push((key.to_owned(), m));
            }
        }
        for (name, m) in own {
            let target = m.get("target").and_then(Value::as_str).unwrap_or_default().to_owned();
            if !all.iter().any(|(n, _)| *n == name) {
                all.push((name, target));
            }
        }
        Ok(Some(all))
    }

    fn mixin_ids(&self, index: usize) -> Vec<String> {
        self.file.shapes[index].mixins.iter().map(|(m, _)| self.resolve(m)).collect()
    }

    /// Resolves members against mixins and the bound resource, and writes them into the JSON.
    fn finalize(&mut self, index: usize) -> LResult<()> {
        let file = self.file;
        let shape = &file.shapes[index];
        match self.built[index].state {
            State::Done => return Ok(()),
            State::InProgress => {
                return Err((shape.pos, format!("the mixins of `{}` form a cycle", shape.name)));
            }
            State::Pending => {}
        }
        self.built[index].state = State::InProgress;
        // Mixins: same type, marked @mixin, and their members must agree.
        let mut inherited: Vec<(String, String, String)> = Vec::new();
        let mut any_unknown = false;
        for (written, pos) in &shape.mixins {
            let mixin = self.resolve(written);
            match self.shape_type(&mixin).map(str::to_owned) {
                Some(kind) if kind != shape.kind => {
                    return Err((
                        *pos,
                        format!(
                            "mixin `{mixin}` is a {kind}, but `{}` is a {}: mixins must have the shape's type",
                            shape.name, shape.kind
                        ),
                    ));
                }
                Some(_) if !self.has_mixin_trait(&mixin) => {
                    return Err((*pos, format!("`{mixin}` is used as a mixin but has no @mixin trait")));
                }
                _ => {}
            }
            match self.full_members(&mixin, &mut Vec::new())? {
                Some(members) => {
                    for (name, target) in members {
                        match inherited.iter().find(|(n, _, _)| *n == name) {
                            Some((_, other_target, from)) if *other_target != target => {
                                return Err((
                                    shape.pos,
                                    format!(
                                        "member `{name}` of `{}` is inherited from `{from}` targeting `{other_target}` and from `{mixin}` targeting `{target}`",
                                        shape.name
                                    ),
                                ));
                            }
                            Some(_) => {}
                            None => inherited.push((name, target, mixin.clone())),
                        }
                    }
                }
                None => any_unknown = true,
            }
        }
        let resource = match &shape.for_resource {
            Some((written, pos)) => {
                let id = self.resolve(written);
                match self.shape_type(&id) {
                    Some("resource") | None => Some((id, *pos)),
                    Some(other) => {
                        return Err((
                            *pos,
                            format!("`for {id}`: the shape after `for` must be a resource, but it is a {other}"),
                        ));
                    }
                }
            }
            None => None,
        };
        let members = match &shape.body {
            Body::Members(members) => members,
            _ => {
                self.built[index].state = State::Done;
                return Ok(());
            }
        };
        let mut out: Vec<(String, Pos, Value)> = Vec::new();
        for member in members {
            let inherited_target = inherited.iter().find(|(n, _, _)| *n == member.name);
            let target = if matches!(shape.kind, "enum" | "intEnum") {
                UNIT.to_owned()
            } else if let Some((written, _)) = &member.target {
                let target = self.resolve(written);
                if let Some((_, other, from)) = inherited_target {
                    if *other != target {
                        return Err((
                            member.pos,
                            format!("member `{}` targets `{target}`, which conflicts with the inherited mixin member `{from}${}` targeting `{other}`", member.name, member.name),
                        ));
                    }
                }
                target
            } else {
                self.elided_target(
                    shape,
                    member,
                    resource.as_ref(),
                    inherited_target.map(|(_, t, f)| (t.as_str(), f.as_str())),
                    any_unknown,
                )?
            };
            let mut traits = Map::new();
            self.traits(&member.traits, member.docs.as_ref(), &mut traits)?;
            self.member_value(shape, member, inherited_target.is_some() || any_unknown, &mut traits)?;
            let mut json = Map::new();
            json.insert("target".into(), json!(target));
            if !traits.is_empty() {
                json.insert("traits".into(), Value::Object(traits));
            }
            out.push((member.name.clone(), member.pos, Value::Object(json)));
        }
        self.write_members(index, out, &inherited, any_unknown)?;
        self.built[index].state = State::Done;
        Ok(())
    }

    fn has_mixin_trait(&self, id: &str) -> bool {
        if let Some(index) = self.local_index(id) {
            return self.built.get(index).is_some_and(|b| b.json.get("traits").and_then(|t| t.get(MIXIN)).is_some());
        }
        self.known.get(id).is_some_and(|s| s.get("traits").and_then(|t| t.get(MIXIN)).is_some())
    }

    /// The target of `$name`: the bound resource's identifier or property, else the mixins'.
    fn elided_target(
        &self,
        shape: &Shape,
        member: &Member,
        resource: Option<&(String, Pos)>,
        inherited: Option<(&str, &str)>,
        mixins_unknown: bool,
    ) -> LResult<String> {
        let mut from_resource = None;
        if let Some((resource_id, _)) = resource {
            from_resource = self.resource_member(resource_id, &member.name);
        }
        match (from_resource, inherited) {
            (Some(target), Some((other, from))) if target != other => Err((
                member.pos,
                format!(
                    "`${}` takes `{target}` from resource `{}`, which conflicts with the inherited mixin member `{from}${}` targeting `{other}`",
                    member.name,
                    resource.map_or("", |(r, _)| r.as_str()),
                    member.name
                ),
            )),
            (Some(target), _) => Ok(target),
            (None, Some((target, _))) => Ok(target.to_owned()),
            (None, None) => {
                let mut sources = Vec::new();
                if let Some((resource_id, _)) = resource {
                    if self.shape_type(resource_id).is_none() {
                        sources.push(format!("resource `{resource_id}` is not defined in this file or the known models"));
                    } else {
                        sources.push(format!("resource `{resource_id}` has no identifier or property `{}`", member.name));
                    }
                }
                if !shape.mixins.is_empty() {
                    if mixins_unknown {
                        sources.push("a mixin is not defined in this file or the known models".to_owned());
                    } else {
                        sources.push(format!("no mixin has a member `{}`", member.name));
                    }
                }
                if sources.is_empty() {
                    sources.push(format!("`{}` has no `for` resource and no mixins to take it from", shape.name));
                }
                Err((member.pos, format!("cannot find the target of elided member `${}`: {}", member.name, sources.join("; "))))
            }
        }
    }

    fn resource_member(&self, resource: &str, name: &str) -> Option<String> {
        let json: Option<&Map<String, Value>> = match self.local_index(resource) {
            Some(index) => self.built.get(index).map(|b| &b.json),
            None => self.known.get(resource).and_then(|v| v.as_object()),
        };
        let json = json?;
        ["identifiers", "properties"]
            .iter()
            .find_map(|key| json.get(*key)?.get(name)?.get("target")?.as_str().map(str::to_owned))
    }

    /// `= value`: the default of a member, the value of an enum member.
    fn member_value(
        &self,
        shape: &Shape,
        member: &Member,
        inherited: bool,
        traits: &mut Map<String, Value>,
    ) -> LResult<()> {
        let merge = |traits: &mut Map<String, Value>, id: &str, value: Value, pos: Pos| {
            merge_trait(traits, id, value).map_err(|m| (pos, format!("member `{}`: {m}", member.name)))
        };
        match shape.kind {
            "enum" => match &member.value {
                Some((Node::String(s), pos)) => merge(traits, "smithy.api#enumValue", json!(s), *pos),
                Some((other, pos)) => Err((
                    *pos,
                    format!(
                        "enum member `{}` can only be assigned a string, found {}",
                        member.name,
                        describe_node(other)
                    ),
                )),
                None if !inherited && !traits.contains_key("smithy.api#enumValue") => {
                    merge(traits, "smithy.api#enumValue", json!(member.name), member.pos)
                }
                None => Ok(()),
            },
            "intEnum" => match &member.value {
                Some((Node::Number(n), pos)) => match n.as_i64() {
                    Some(v) if i32::try_from(v).is_ok() => merge(traits, "smithy.api#enumValue", json!(v), *pos),
                    Some(_) | None if n.is_f64() => Err((
                        *pos,
                        format!(
                            "intEnum member `{}` must be an integer, found the floating point number {n}",
                            member.name
                        ),
                    )),
                    _ => Err((*pos, format!("intEnum member `{}`: {n} does not fit in a 32-bit integer", member.name))),
                },
                Some((other, pos)) => Err((
                    *pos,
                    format!(
                        "intEnum member `{}` must be assigned an integer, found {}",
                        member.name,
                        describe_node(other)
                    ),
                )),
                None if !inherited && !traits.contains_key("smithy.api#enumValue") => Err((
                    member.pos,
                    format!("intEnum member `{}` needs a value, like `{} = 1`", member.name, member.name),
                )),
                None => Ok(()),
            },
            _ => match &member.value {
                Some((node, pos)) => merge(traits, "smithy.api#default", self.node(node), *pos),
                None => Ok(()),
            },
        }
    }

    fn write_members(
        &mut self,
        index: usize,
        mut members: Vec<(String, Pos, Value)>,
        inherited: &[(String, String, String)],
        mixins_unknown: bool,
    ) -> LResult<()> {
        let shape = &self.file.shapes[index];
        let json = &mut self.built[index].json;
        let required: &[&str] = match shape.kind {
            "list" | "set" => &["member"],
            "map" => &["key", "value"],
            _ => {
                if matches!(shape.kind, "enum" | "intEnum")
                    && members.is_empty()
                    && inherited.is_empty()
                    && !mixins_unknown
                {
                    return Err((shape.pos, format!("{} `{}` must have at least one member", shape.kind, shape.name)));
                }
                let map: Map<String, Value> = members.iter().map(|(n, _, v)| (n.clone(), v.clone())).collect();
                json.insert("members".into(), Value::Object(map));
                self.built[index].members = members;
                return Ok(());
            }
        };
        for (name, pos, _) in &members {
            if !required.contains(&name.as_str()) {
                return Err((
                    *pos,
                    format!(
                        "{} `{}` cannot have a member named `{name}`; its members are {}",
                        shape.kind,
                        shape.name,
                        required.join(" and ")
                    ),
                ));
            }
        }
        for name in required {
            if members.iter().any(|(n, _, _)| n == name) {
                continue;
            }
            // Members a mixin provides are written out so the shape stands on its own.
            match inherited.iter().find(|(n, _, _)| n == name) {
                Some((_, target, _)) => members.push(((*name).to_owned(), shape.pos, json!({ "target": target }))),
                None if mixins_unknown => {}
                None => {
                    return Err((shape.pos, format!("{} `{}` is missing its `{name}` member", shape.kind, shape.name)));
                }
            }
        }
        for name in required {
            if let Some((_, _, value)) = members.iter().find(|(n, _, _)| n == name) {
                json.insert((*name).to_owned(), value.clone());
            }
        }
        self.built[index].members = members;
        Ok(())
    }
}

/// The traits of member `member` written in a shape's JSON, if the shape defines it itself.
fn own_member_traits<'m>(shape: &'m mut Map<String, Value>, member: &str) -> Option<&'m mut Map<String, Value>> {
    let member_json = if shape.get("members").is_some_and(Value::is_object) {
        shape.get_mut("members")?.get_mut(member)?
    } else if matches!(member, "member" | "key" | "value") {
        shape.get_mut(member)?
    } else {
        return None;
    };
    Some(obj_entry(member_json.as_object_mut()?, "traits"))
}

fn obj_entry<'m>(map: &'m mut Map<String, Value>, key: &str) -> &'m mut Map<String, Value> {
    let entry = map.entry(key.to_owned()).or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry.as_object_mut().expect("just made an object")
}

/// The spec's trait conflict resolution: lists concatenate, equal values merge, else conflict.
pub(super) fn merge_trait(traits: &mut Map<String, Value>, id: &str, value: Value) -> Result<(), String> {
    match traits.get_mut(id) {
        None => {
            traits.insert(id.to_owned(), value);
            Ok(())
        }
        Some(Value::Array(existing)) if value.is_array() => {
            if let Value::Array(more) = value {
                existing.extend(more);
            }
            Ok(())
        }
        Some(existing) if *existing == value => Ok(()),
        Some(existing) => Err(format!("`{id}` is applied twice with different values ({existing} and {value})")),
    }
}

fn describe_node(node: &Node) -> String {
    match node {
        Node::Null => "null".to_owned(),
        Node::Bool(b) => b.to_string(),
        Node::Number(n) => n.to_string(),
        Node::String(s) => format!("the string {}", json!(s)),
        Node::ShapeId(id, _) => format!("the shape id `{id}`"),
        Node::Array(_) => "a list".to_owned(),
        Node::Object(_) => "an object".to_owned(),
    }
}

fn valid_shape_id(text: &str) -> bool {
    fn identifier(s: &str) -> bool {
        let rest = s.trim_start_matches('_');
        let Some(first) = rest.chars().next() else { return false };
        (first.is_ascii_alphabetic() || (first.is_ascii_digit() && rest.len() < s.len()))
            && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    }
    let (namespace, rest) = match text.split_once('#') {
        Some((ns, rest)) => (Some(ns), rest),
        None => (None, text),
    };
    let (name, member) = match rest.split_once('$') {
        Some((name, member)) => (name, Some(member)),
        None => (rest, None),
    };
    namespace.is_none_or(|ns| ns.split('.').all(identifier)) && identifier(name) && member.is_none_or(identifier)
}
