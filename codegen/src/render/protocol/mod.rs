//! The protocol layer: each wire protocol is a [`ProtocolGenerator`] that writes the
//! operations' sans-IO request serializers and response and error deserializers, and the
//! (de)serializers of the shapes that cross the wire. restJson1, awsJson1_0 and awsJson1_1 are
//! spoken today; the HTTP-binding logic (`http.rs`) is what every HTTP-binding protocol shares,
//! the JSON value code (`json.rs`) what every JSON protocol shares, and `aws_json.rs` the JSON
//! RPC protocols' requests.

mod aws_json;
mod http;
mod json;
pub mod roundtrip;
pub mod tests;

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{id, RuntimeModule};
use crate::ir::{Crate, Location, Named, Operation, RustType};
use crate::model::Protocol;

/// What a protocol adds to a crate.
pub trait ProtocolGenerator: Sync {
    /// The modules of the runtime crate its code uses.
    fn runtime_modules(&self) -> &'static [RuntimeModule];
    /// `src/protocol.rs`: the (de)serializers of shared shapes and the error readers.
    fn protocol_module(&self, krate: &Crate, registry: &Registry) -> TokenStream;
    /// The operation's marker type with `serialize_request` and `deserialize_response`.
    fn operation_items(&self, krate: &Crate, op: &Operation) -> TokenStream;
}

/// The generator of a protocol the IR accepted (the IR only keeps spoken protocols).
pub fn generator(protocol: Protocol) -> &'static dyn ProtocolGenerator {
    match protocol {
        Protocol::RestJson1 => &Json { protocol: "restJson1", rpc_content_type: None },
        Protocol::AwsJson1_0 => &Json { protocol: "awsJson1_0", rpc_content_type: Some("application/x-amz-json-1.0") },
        Protocol::AwsJson1_1 => &Json { protocol: "awsJson1_1", rpc_content_type: Some("application/x-amz-json-1.1") },
        other => unreachable!("the IR accepts only spoken protocols, not {}", other.name()),
    }
}

/// The JSON protocols: restJson1 (HTTP bindings with JSON bodies) and the JSON RPC protocols
/// awsJson1_0 and awsJson1_1 (`POST /` with every member in the body), which differ from each
/// other only in their `Content-Type`. Shapes, responses and errors are the same JSON for all.
struct Json {
    protocol: &'static str,
    /// The JSON RPC protocols' `Content-Type`; `None` for restJson1.
    rpc_content_type: Option<&'static str>,
}

impl ProtocolGenerator for Json {
    fn runtime_modules(&self) -> &'static [RuntimeModule] {
        &[RuntimeModule::Http, RuntimeModule::Json, RuntimeModule::RestJson]
    }

    fn protocol_module(&self, krate: &Crate, registry: &Registry) -> TokenStream {
        let structures = krate.shared_structures().map(|(id, s)| json::structure_fns(krate, id, s, registry));
        let unions = krate.union_ids().map(|(id, u)| json::union_fns(krate, id, u, registry));
        // Readers for the errors an operation can return (an error shape can also be a plain member).
        let errors = registry.returned_errors.iter().map(|e| http::error_fn(krate, *e));
        let doc = format!(" {} serializers and deserializers of the service's shapes.", self.protocol);
        quote! {
            #![doc = #doc]
            #(#structures)*
            #(#unions)*
            #(#errors)*
        }
    }

    fn operation_items(&self, krate: &Crate, op: &Operation) -> TokenStream {
        let name = id(&op.names.name);
        let doc = format!(
            " The `{}` operation over {}, without I/O: [`{0}::serialize_request`] turns an input into an HTTP request and [`{0}::deserialize_response`] turns any HTTP response into the output or the error.",
            op.names.name, self.protocol
        );
        let request = match self.rpc_content_type {
            Some(content_type) => aws_json::serialize_request(krate, op, content_type),
            None => http::serialize_request(krate, op),
        };
        let response = http::deserialize_response(krate, op);
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
}

/// Which named types need a serializer or deserializer, computed from what operation bodies
/// reach (plus, for the property tests, every structure and union).
pub struct Registry {
    /// Types written to request bodies (or only by the round-trip tests).
    pub serialized: BTreeSet<Named>,
    /// Types read from response bodies (or only by the round-trip tests).
    pub deserialized: BTreeSet<Named>,
    /// The subsets the crate itself needs; the rest exist for tests only (`#[cfg(test)]`).
    runtime_serialized: BTreeSet<Named>,
    runtime_deserialized: BTreeSet<Named>,
    /// Errors some operation returns, which get readers.
    pub returned_errors: BTreeSet<crate::ir::StructId>,
}

impl Registry {
    /// With `roundtrip`, every structure and union gets both a serializer and a deserializer.
    pub fn new(krate: &Crate, roundtrip: bool) -> Self {
        let mut serialized = BTreeSet::new();
        let mut deserialized = BTreeSet::new();
        for op in &krate.operations {
            for f in krate.structure(op.input).fields.iter().filter(|f| in_body(&f.location)) {
                reach(krate, &f.ty, &mut serialized);
            }
            for f in krate.structure(op.output).fields.iter().filter(|f| in_body(&f.location)) {
                reach(krate, &f.ty, &mut deserialized);
            }
        }
        for e in krate.errors() {
            for f in e.fields.iter().filter(|f| in_body(&f.location)) {
                reach(krate, &f.ty, &mut deserialized);
            }
        }
        let returned_errors = krate.operations.iter().flat_map(|op| op.errors.iter().map(|e| e.error)).collect();
        let mut registry = Registry {
            runtime_serialized: serialized.clone(),
            runtime_deserialized: deserialized.clone(),
            serialized,
            deserialized,
            returned_errors,
        };
        if roundtrip {
            let all: Vec<Named> = krate
                .shared_structures()
                .map(|(id, _)| Named::Structure(id))
                .chain(krate.union_ids().map(|(id, _)| Named::Union(id)))
                .collect();
            registry.serialized.extend(all.iter().copied());
            registry.deserialized.extend(all);
        }
        registry
    }

    /// `#[cfg(test)]` for a serializer only the tests use.
    pub fn ser_cfg(&self, named: Named) -> TokenStream {
        if self.runtime_serialized.contains(&named) {
            quote!()
        } else {
            quote!(#[cfg(test)])
        }
    }

    /// `#[cfg(test)]` for a deserializer only the tests use.
    pub fn de_cfg(&self, named: Named) -> TokenStream {
        if self.runtime_deserialized.contains(&named) {
            quote!()
        } else {
            quote!(#[cfg(test)])
        }
    }
}

/// Adds the structures and unions `ty` contains, transitively.
fn reach(krate: &Crate, ty: &RustType, seen: &mut BTreeSet<Named>) {
    match ty {
        RustType::Structure(id) if seen.insert(Named::Structure(*id)) => {
            for f in &krate.structure(*id).fields {
                reach(krate, &f.ty, seen);
            }
        }
        RustType::Union(id) if seen.insert(Named::Union(*id)) => {
            for v in krate.union(*id).variants.iter().filter_map(|v| v.ty.as_ref()) {
                reach(krate, v, seen);
            }
        }
        RustType::List { item, .. } => reach(krate, item, seen),
        RustType::Map { key, value, .. } => {
            reach(krate, key, seen);
            reach(krate, value, seen);
        }
        _ => {}
    }
}

fn in_body(location: &Location) -> bool {
    matches!(location, Location::Body(_) | Location::Payload)
}
