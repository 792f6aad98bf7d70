//! The first pass of [`super::build`]: every named type gets its id and every name the crate
//! defines is claimed, each in the scope of the namespace it lives in, before any type is
//! built. Later passes only read these names.

use std::collections::BTreeMap;

use super::waiters::WaiterNames;
pub use super::EventStreamNames;
use super::{CodecNames, EnumId, Module, OperationNames, StructId, UnionId};
use crate::model::{AppliesTo, EventStreamTest, HttpRequestTest, HttpResponseTest, Model, ShapeId, ShapeKind};
use crate::naming::{self, Scope};
use crate::transform::Selection;

/// Names the generated code defines at fixed places, which model names must not take.
mod reserved {
    /// Methods every structure (`builder()`) and its builder (`build`) have; fields share their
    /// names with getters and setters, so they are claimed in one scope with these.
    pub const STRUCTURE_METHODS: &[&str] = &["builder", "build"];
    /// An error's too: its metadata.
    pub const ERROR_METHODS: &[&str] = &["builder", "build", "meta", "set_meta"];
    /// An operation input's too: its fluent builder's own methods.
    pub const INPUT_METHODS: &[&str] = &["builder", "build", "send", "customize", "as_input", "into_paginator", "new"];
    /// A waitable operation's input's too: its waiters' fluent builders have its setters and
    /// `wait`.
    pub const WAITABLE_INPUT_METHODS: &[&str] =
        &["builder", "build", "send", "customize", "as_input", "into_paginator", "new", "wait"];
    /// The items of a waiter's module besides its types.
    pub const WAITER_ITEMS: &[&str] = &["acceptors", "DELAYS"];
    /// The property tests' own items.
    pub const ROUNDTRIP_ITEMS: &[&str] = &["Rng", "CASES", "RESPONSES"];
    /// `Client`'s own methods.
    pub const CLIENT_METHODS: &[&str] = &["new", "from_conf", "config", "clone", "handle"];
}

/// The names of one structure's field: field and getter, setter, builder getter.
#[derive(Clone, Debug)]
pub struct FieldNames {
    pub ident: String,
    pub setter: String,
    pub getter: String,
}

#[derive(Clone, Debug)]
pub struct PlannedStructure {
    pub shape: ShapeId,
    pub name: String,
    pub module: Module,
    pub is_input: bool,
    pub file: String,
    pub builder: String,
    pub fields: Vec<FieldNames>,
    pub fns: CodecNames,
    /// Names of the tests of the error's response cases.
    /// The error's client response cases, each with its test's name.
    pub response_tests: Vec<(String, HttpResponseTest)>,
}

#[derive(Clone, Debug)]
pub struct PlannedType {
    pub shape: ShapeId,
    pub name: String,
    pub file: String,
    pub fns: CodecNames,
    /// A `@streaming` union's names as an event stream.
    pub event_stream: Option<EventStreamNames>,
}

#[derive(Clone, Debug)]
pub struct PlannedOperation {
    pub shape: ShapeId,
    pub names: OperationNames,
    pub input: StructId,
    pub output: StructId,
    /// The operation's client cases, each with its test's name.
    pub request_tests: Vec<(String, HttpRequestTest)>,
    pub response_tests: Vec<(String, HttpResponseTest)>,
    pub event_stream_tests: Vec<(String, EventStreamTest)>,
    pub random_responses_test: String,
    /// Its waiters' names, in the order of their names.
    pub waiters: Vec<WaiterNames>,
}

/// Every type's id and every name, decided before the types are built.
#[derive(Debug)]
pub struct Table {
    pub structures: Vec<PlannedStructure>,
    pub enums: Vec<PlannedType>,
    pub unions: Vec<PlannedType>,
    pub operations: Vec<PlannedOperation>,
    struct_ids: BTreeMap<ShapeId, StructId>,
    enum_ids: BTreeMap<ShapeId, EnumId>,
    union_ids: BTreeMap<ShapeId, UnionId>,
}

impl Table {
    pub fn new(model: &Model, selection: &Selection) -> Table {
        let type_name = |id: &ShapeId| naming::type_ident(selection.names.get(id).map_or(id.name(), String::as_str));

        // Operation inputs and outputs become per-operation types; other structures are shared
        // (an input also targeted by a member is both).
        let mut io_only = std::collections::BTreeSet::new();
        for op in &selection.operations {
            let ShapeKind::Operation(o) = &model.shapes[op].kind else {
                unreachable!("selected operations are operations")
            };
            io_only.insert(o.input.clone());
            io_only.insert(o.output.clone());
        }
        let targeted: std::collections::BTreeSet<&ShapeId> =
            selection.closure.iter().flat_map(|id| model.shapes[id].kind.members()).map(|m| &m.target).collect();

        // `crate::types` and `crate::types::error` each hold one namespace of types and one of
        // file modules; builders go to their `builders` modules.
        let mut types = ModuleScopes::new(&["builders", "error"]);
        let mut errors = ModuleScopes::new(&["builders"]);
        let mut structures = Vec::new();
        let mut enums = Vec::new();
        let mut unions = Vec::new();
        // Sorted by name, so ids follow the order types are rendered in.
        let mut shared: Vec<(String, &ShapeId)> = Vec::new();
        for id in &selection.closure {
            let shape = &model.shapes[id];
            let keep = match &shape.kind {
                ShapeKind::Structure(_) if shape.traits.error.is_some() => true,
                ShapeKind::Structure(_) => (!io_only.contains(id) || targeted.contains(id)) && !shape.traits.unit_type,
                ShapeKind::Enum(_) | ShapeKind::IntEnum(_) | ShapeKind::Union(_) => true,
                _ => false,
            };
            if keep {
                shared.push((type_name(id), id));
            }
        }
        shared.sort();
        for (name, id) in shared {
            let shape = &model.shapes[id];
            let is_error = shape.traits.error.is_some();
            let module = if is_error { &mut errors } else { &mut types };
            let name = module.types.claim(&name);
            let file = module.files.claim(&naming::ident(&format!("_{}", naming::snake_case(&name))));
            match &shape.kind {
                ShapeKind::Structure(members) => {
                    structures.push(PlannedStructure {
                        shape: id.clone(),
                        builder: module.builders.claim(&format!("{name}Builder")),
                        name,
                        module: if is_error { Module::Errors } else { Module::Types },
                        is_input: false,
                        file,
                        fields: field_names(
                            if is_error { reserved::ERROR_METHODS } else { reserved::STRUCTURE_METHODS },
                            members.iter().map(|m| m.name.as_str()),
                        ),
                        fns: CodecNames::default(),
                        response_tests: Vec::new(),
                    });
                }
                ShapeKind::Union(_) => {
                    // An event stream's errors are an enum of `crate::types::error`, as in
                    // aws-sdk-rust (`ConverseStreamOutputError`).
                    let event_stream = shape.traits.streaming.then(|| {
                        let error = errors.types.claim(&format!("{name}Error"));
                        EventStreamNames {
                            error_file: errors.files.claim(&naming::ident(&format!("_{}", naming::snake_case(&error)))),
                            error,
                            ..EventStreamNames::default()
                        }
                    });
                    unions.push(PlannedType { shape: id.clone(), name, file, fns: CodecNames::default(), event_stream })
                }
                _ => enums.push(PlannedType {
                    shape: id.clone(),
                    name,
                    file,
                    fns: CodecNames::default(),
                    event_stream: None,
                }),
            }
        }

        // Operations, sorted by name: modules under `crate::operation`, methods on `Client`.
        let mut ops: Vec<(&str, &ShapeId)> = selection
            .operations
            .iter()
            .map(|id| (selection.names.get(id).map_or(id.name(), String::as_str), id))
            .collect();
        ops.sort();
        let mut modules = Scope::new(&[]);
        let mut client_methods = Scope::new(reserved::CLIENT_METHODS);
        // `crate::waiters`' modules, and the `crate::client::Waiters` trait's methods.
        let mut waiter_modules = Scope::new(&[]);
        let mut waiter_methods = Scope::new(&[]);
        let mut operations = Vec::new();
        let mut io = Vec::new();
        for (index, (model_name, id)) in ops.iter().enumerate() {
            let ShapeKind::Operation(o) = &model.shapes[*id].kind else {
                unreachable!("selected operations are operations")
            };
            // aws-sdk-rust keeps operation names as the model spells them (`ListWebACLs`).
            let name = if *model_name == "Self" { "SelfValue".to_owned() } else { naming::ident(model_name) };
            let snake = naming::field_ident(model_name);
            // One namespace of the operation's module: its marker, input, output, error types
            // and file modules; another of its `builders` module.
            let mut items = Scope::new(&["builders"]);
            let name = items.claim(&name);
            let mut builders = Scope::new(&[]);
            for (target, suffix, is_input) in [(&o.input, "Input", true), (&o.output, "Output", false)] {
                let io_name = items.claim(&format!("{name}{suffix}"));
                let ShapeKind::Structure(members) = &model.shapes[target].kind else { unreachable!("checked at load") };
                io.push(PlannedStructure {
                    shape: target.clone(),
                    file: items.claim(&naming::ident(&format!("_{}", naming::snake_case(&io_name)))),
                    builder: builders.claim(&format!("{io_name}Builder")),
                    name: io_name,
                    module: Module::Operation(index),
                    is_input,
                    fields: field_names(
                        match (is_input, model.shapes[*id].traits.waitable.is_empty()) {
                            (true, true) => reserved::INPUT_METHODS,
                            (true, false) => reserved::WAITABLE_INPUT_METHODS,
                            (false, _) => reserved::STRUCTURE_METHODS,
                        },
                        members.iter().map(|m| m.name.as_str()),
                    ),
                    fns: CodecNames::default(),
                    response_tests: Vec::new(),
                });
            }
            operations.push(PlannedOperation {
                shape: (*id).clone(),
                names: OperationNames {
                    module: modules.claim(&snake),
                    client_method: client_methods.claim(&snake),
                    fluent_builder: builders.claim(&format!("{name}FluentBuilder")),
                    paginator: builders.claim(&format!("{name}Paginator")),
                    error: items.claim(&format!("{name}Error")),
                    name,
                },
                input: StructId(0),
                output: StructId(0),
                request_tests: Vec::new(),
                response_tests: Vec::new(),
                event_stream_tests: Vec::new(),
                random_responses_test: String::new(),
                waiters: model.shapes[*id]
                    .traits
                    .waitable
                    .keys()
                    .map(|waiter| {
                        let snake = naming::field_ident(waiter);
                        let mut items = Scope::new(reserved::WAITER_ITEMS);
                        let stem = naming::type_ident(waiter);
                        WaiterNames {
                            name: waiter.clone(),
                            module: waiter_modules.claim(&snake),
                            method: waiter_methods
                                .claim(&naming::ident(&format!("wait_until_{}", naming::unraw(&snake)))),
                            fluent_builder: items.claim(&format!("{stem}FluentBuilder")),
                            final_poll: items.claim(&format!("{stem}FinalPoll")),
                            error: items.claim(&format!("WaitUntil{stem}Error")),
                        }
                    })
                    .collect(),
            });
        }

        // The table: shared structures first (errors after data types, as modules sort), then
        // operation inputs and outputs in operation order.
        structures.sort_by(|a, b| (a.module, &a.name).cmp(&(b.module, &b.name)));
        let first_io = structures.len();
        structures.extend(io);
        for (index, op) in operations.iter_mut().enumerate() {
            op.input = StructId(first_io + 2 * index);
            op.output = StructId(first_io + 2 * index + 1);
        }
        let struct_ids = structures
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.module.is_operation())
            .map(|(i, s)| (s.shape.clone(), StructId(i)))
            .collect();
        let enum_ids = enums.iter().enumerate().map(|(i, e)| (e.shape.clone(), EnumId(i))).collect();
        let union_ids = unions.iter().enumerate().map(|(i, u)| (u.shape.clone(), UnionId(i))).collect();
        let mut table = Table { structures, enums, unions, operations, struct_ids, enum_ids, union_ids };
        table.claim_module_names(model);
        table
    }

    /// Functions of `crate::protocol`, of the property tests and the case tests.
    fn claim_module_names(&mut self, model: &Model) {
        let mut protocol = Scope::new(&[]);
        let mut roundtrip = Scope::new(reserved::ROUNDTRIP_ITEMS);
        let mut case_tests = Scope::new(&[]);
        let mut codec = |name: &str, is_error: bool| {
            let snake = naming::snake_case(name);
            CodecNames {
                ser: protocol.claim(&naming::ident(&format!("ser_{snake}"))),
                de: protocol.claim(&naming::ident(&format!("de_{snake}"))),
                error_reader: if is_error {
                    protocol.claim(&naming::ident(&format!("de_{snake}_error")))
                } else {
                    String::new()
                },
                arb: roundtrip.claim(&naming::ident(&format!("arb_{snake}"))),
                roundtrip_test: roundtrip.claim(&naming::ident(&format!("roundtrip_{snake}"))),
            }
        };
        for s in self.structures.iter_mut().filter(|s| !s.module.is_operation()) {
            s.fns = codec(&s.name, s.module == Module::Errors);
        }
        for u in &mut self.unions {
            u.fns = codec(&u.name, false);
        }
        for u in &mut self.unions {
            if let Some(names) = &mut u.event_stream {
                let snake = naming::snake_case(&u.name);
                names.marshal = protocol.claim(&naming::ident(&format!("ser_{snake}_event")));
                names.marshal_error = protocol.claim(&naming::ident(&format!("ser_{snake}_error_event")));
                names.unmarshal = protocol.claim(&naming::ident(&format!("de_{snake}_event")));
            }
        }
        // Suites reuse an id for a request case and a response case: `{id}_request`,
        // `{id}_response`.
        let mut test = |id: &str, direction: &str| {
            case_tests.claim(&naming::ident(&format!("{}_{direction}", naming::snake_case(id))))
        };
        for op in &mut self.operations {
            let traits = &model.shapes[&op.shape].traits;
            op.request_tests = client_cases(&traits.http_request_tests, |c| c.applies_to)
                .map(|c| (test(&c.id, "request"), c.clone()))
                .collect();
            op.response_tests = client_cases(&traits.http_response_tests, |c| c.applies_to)
                .map(|c| (test(&c.id, "response"), c.clone()))
                .collect();
            op.event_stream_tests = client_cases(&traits.event_stream_tests, |c| c.applies_to)
                .map(|c| (test(&c.id, "event_stream"), c.clone()))
                .collect();
            op.random_responses_test =
                roundtrip.claim(&format!("random_responses_never_panic_{}", naming::unraw(&op.names.module)));
        }
        for s in self.structures.iter_mut().filter(|s| s.module == Module::Errors) {
            s.response_tests = client_cases(&model.shapes[&s.shape].traits.http_response_tests, |c| c.applies_to)
                .map(|c| (test(&c.id, "response"), c.clone()))
                .collect();
        }
    }

    /// Every name the crate gives an item of its own: types, builders, operations and their
    /// errors, fluent builders and paginators.
    pub fn item_names(&self) -> impl Iterator<Item = &str> {
        let structures = self.structures.iter().flat_map(|s| [s.name.as_str(), s.builder.as_str()]);
        let others = self.enums.iter().chain(&self.unions).map(|t| t.name.as_str());
        let stream_errors = self.unions.iter().filter_map(|u| u.event_stream.as_ref()).map(|e| e.error.as_str());
        let others = others.chain(stream_errors);
        let operations = self.operations.iter().flat_map(|op| {
            let n = &op.names;
            [n.name.as_str(), n.error.as_str(), n.fluent_builder.as_str(), n.paginator.as_str()]
        });
        structures.chain(others).chain(operations)
    }

    /// The id of a shared structure (a unit structure has none).
    pub fn struct_id(&self, shape: &ShapeId) -> Option<StructId> {
        self.struct_ids.get(shape).copied()
    }

    pub fn enum_id(&self, shape: &ShapeId) -> Option<EnumId> {
        self.enum_ids.get(shape).copied()
    }

    pub fn union_id(&self, shape: &ShapeId) -> Option<UnionId> {
        self.union_ids.get(shape).copied()
    }
}

/// The cases meant for clients (`appliesTo` absent or `client`).
fn client_cases<T>(cases: &[T], applies_to: impl Fn(&T) -> Option<AppliesTo>) -> impl Iterator<Item = &T> {
    cases.iter().filter(move |c| AppliesTo::includes_clients(applies_to(c)))
}

/// The namespaces of `crate::types` or `crate::types::error`: its types, its file modules and
/// its `builders` module.
struct ModuleScopes {
    types: Scope,
    files: Scope,
    builders: Scope,
}

impl ModuleScopes {
    fn new(modules: &[&str]) -> Self {
        ModuleScopes { types: Scope::new(&[]), files: Scope::new(modules), builders: Scope::new(&[]) }
    }
}

/// A structure's field names. Fields, getters and the builder's and fluent builder's setters
/// share one scope with the methods every structure has: fields first, so they keep
/// aws-sdk-rust's names, then `set_x`/`get_x`, which give way to fields
/// (`name` and `setName` give `set_name` to the field; `name`'s setter is `set_name_2`).
fn field_names<'a>(reserved: &[&str], members: impl Iterator<Item = &'a str>) -> Vec<FieldNames> {
    let mut scope = Scope::new(reserved);
    let idents: Vec<String> = members.map(|m| scope.claim(&naming::member_ident(m))).collect();
    let mut names: Vec<FieldNames> =
        idents.into_iter().map(|ident| FieldNames { ident, setter: String::new(), getter: String::new() }).collect();
    for f in &mut names {
        let stem = naming::unraw(&f.ident).to_owned();
        f.setter = scope.claim(&naming::ident(&format!("set_{stem}")));
        f.getter = scope.claim(&naming::ident(&format!("get_{stem}")));
    }
    names
}
