//! The restJson1 protocol: serializers and deserializers for the shapes that cross the wire,
//! `serialize_request`/`deserialize_response` per operation, and tests generated from the
//! model's `smithy.test` cases.

mod http;
mod json;
pub mod roundtrip;
pub mod tests;

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::{Crate, Location, Module, NamedKind, Operation, RustType, Structure, Union};

/// Every named type of the crate, and which of them need a JSON serializer or deserializer.
pub struct Registry<'a> {
    structures: BTreeMap<String, &'a Structure>,
    unions: BTreeMap<String, &'a Union>,
    /// Type names that are written to request bodies (or only by the round-trip tests).
    pub serialized: BTreeSet<String>,
    /// Type names that are read from response bodies (or only by the round-trip tests).
    pub deserialized: BTreeSet<String>,
    /// The subsets the crate itself needs; the rest exist for tests only (`#[cfg(test)]`).
    runtime_serialized: BTreeSet<String>,
    runtime_deserialized: BTreeSet<String>,
}

impl<'a> Registry<'a> {
    /// With `roundtrip`, every structure and union gets both a serializer and a deserializer.
    pub fn new(krate: &'a Crate, roundtrip: bool) -> Self {
        let mut registry = Registry {
            structures: krate.structures.iter().chain(&krate.errors).map(|s| (s.name.to_string(), s)).collect(),
            unions: krate.unions.iter().map(|u| (u.name.to_string(), u)).collect(),
            serialized: BTreeSet::new(),
            deserialized: BTreeSet::new(),
            runtime_serialized: BTreeSet::new(),
            runtime_deserialized: BTreeSet::new(),
        };
        let mut serialized = BTreeSet::new();
        let mut deserialized = BTreeSet::new();
        for op in &krate.operations {
            for f in op.input.fields.iter().filter(|f| in_body(&f.location)) {
                registry.reach(&f.ty, &mut serialized);
            }
            for f in op.output.fields.iter().filter(|f| in_body(&f.location)) {
                registry.reach(&f.ty, &mut deserialized);
            }
        }
        for e in &krate.errors {
            for f in e.fields.iter().filter(|f| in_body(&f.location)) {
                registry.reach(&f.ty, &mut deserialized);
            }
        }
        registry.runtime_serialized = serialized.clone();
        registry.runtime_deserialized = deserialized.clone();
        if roundtrip {
            let all: Vec<String> = registry.structures.keys().chain(registry.unions.keys()).cloned().collect();
            serialized.extend(all.iter().cloned());
            deserialized.extend(all);
        }
        registry.serialized = serialized;
        registry.deserialized = deserialized;
        registry
    }

    /// `#[cfg(test)]` for a serializer only the tests use.
    pub fn ser_cfg(&self, name: &Ident) -> TokenStream {
        if self.runtime_serialized.contains(&name.to_string()) { quote!() } else { quote!(#[cfg(test)]) }
    }

    /// `#[cfg(test)]` for a deserializer only the tests use.
    pub fn de_cfg(&self, name: &Ident) -> TokenStream {
        if self.runtime_deserialized.contains(&name.to_string()) { quote!() } else { quote!(#[cfg(test)]) }
    }

    /// Adds the named structures and unions `ty` contains, transitively.
    fn reach(&self, ty: &RustType, seen: &mut BTreeSet<String>) {
        match ty {
            RustType::Named { name, kind: NamedKind::Structure | NamedKind::Union, .. } => {
                let key = name.to_string();
                if !seen.insert(key.clone()) {
                    return;
                }
                if let Some(s) = self.structures.get(&key) {
                    for f in &s.fields {
                        self.reach(&f.ty, seen);
                    }
                } else if let Some(u) = self.unions.get(&key) {
                    for v in u.variants.iter().filter_map(|v| v.ty.as_ref()) {
                        self.reach(v, seen);
                    }
                }
            }
            RustType::List { item, .. } => self.reach(item, seen),
            RustType::Map { key, value, .. } => {
                self.reach(key, seen);
                self.reach(value, seen);
            }
            _ => {}
        }
    }

    /// The Rust type of a shared structure, error or union, by name.
    pub fn named_type(&self, name: &Ident) -> RustType {
        let key = name.to_string();
        let (module, kind) = match self.structures.get(&key) {
            Some(s) => (s.module.clone(), NamedKind::Structure),
            None => (Module::Types, NamedKind::Union),
        };
        RustType::Named { module, name: name.clone(), kind }
    }

    pub fn structure(&self, name: &Ident) -> Option<&'a Structure> {
        self.structures.get(&name.to_string()).copied()
    }

    pub fn union(&self, name: &Ident) -> Option<&'a Union> {
        self.unions.get(&name.to_string()).copied()
    }

    /// An error's code on the wire.
    pub fn error_code(&self, name: &Ident) -> String {
        match self.structures.get(&name.to_string()).map(|s| &s.role) {
            Some(crate::ir::Role::Error(info)) => info.code.clone(),
            _ => name.to_string(),
        }
    }
}

fn in_body(location: &Location) -> bool {
    matches!(location, Location::Body(_) | Location::Payload)
}

/// `src/protocol.rs`: the (de)serializers of shared types and the error readers.
pub fn protocol_module(krate: &Crate, registry: &Registry) -> TokenStream {
    // Errors can also be plain members (event stream errors), so they get member (de)serializers
    // when something reaches them.
    let structures = krate.structures.iter().chain(&krate.errors).map(|s| json::structure_fns(s, registry));
    let unions = krate.unions.iter().map(|u| json::union_fns(u, registry));
    // Readers for the errors an operation can return (an error shape can also be a plain member).
    let returned = |e: &&Structure| krate.operations.iter().any(|op| op.errors.iter().any(|oe| oe.ty == e.name));
    let errors = krate.errors.iter().filter(returned).map(http::error_fn);
    quote! {
        //! restJson1 serializers and deserializers of the service's shapes.
        #(#structures)*
        #(#unions)*
        #(#errors)*
    }
}

/// The operation's marker type with its request and response functions.
pub fn operation_items(op: &Operation, registry: &Registry) -> TokenStream {
    let name = &op.name;
    let doc = format!(
        " The `{name}` operation over restJson1, without I/O: [`{name}::serialize_request`] turns an input into an HTTP request and [`{name}::deserialize_response`] turns any HTTP response into the output or the error."
    );
    let request = http::serialize_request(op);
    let response = http::deserialize_response(op, registry);
    quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug, Default)]
        #[non_exhaustive]
        pub struct #name;
        impl #name {
            #request
            #response
        }
    }
}
