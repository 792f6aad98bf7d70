//! Property tests: every structure and union survives JSON serialize-then-deserialize, and no
//! response, however malformed, makes an operation's deserializer panic. Values come from a small
//! deterministic generator (xorshift), so failures reproduce and the crate needs no dependency.

use proc_macro2::TokenStream;
use quote::quote;

use super::json::{de_fn, ser_fn};
use super::Registry;
use crate::ir::{Crate, NamedKind, RustType, Structure, Union};
use crate::naming;
use crate::render::types::type_tokens;

/// How many random values each round-trip test checks, and random responses per operation.
const CASES: usize = 64;
const RESPONSES: usize = 256;

fn arb_fn(name: &proc_macro2::Ident) -> proc_macro2::Ident {
    naming::ident(&format!("arb_{}", naming::snake_case(&name.to_string())))
}

/// An expression producing a random `T` (`rng` and `depth` bound).
fn arb_value(ty: &RustType) -> TokenStream {
    match ty {
        RustType::String => quote!(rng.string()),
        RustType::Bool => quote!(rng.bool()),
        RustType::I8 => quote!(rng.next() as i8),
        RustType::I16 => quote!(rng.next() as i16),
        RustType::I32 => quote!(rng.next() as i32),
        RustType::I64 => quote!(rng.next() as i64),
        RustType::F32 => quote!(rng.float() as f32),
        RustType::F64 => quote!(rng.float()),
        RustType::BigInteger => quote!(crate::primitives::BigInteger::new((rng.next() as i64).to_string())),
        RustType::BigDecimal => quote!(crate::primitives::BigDecimal::new(::std::format!("{}.25", rng.next() as i32))),
        RustType::DateTime(_) => quote!(crate::primitives::DateTime::from_millis((rng.next() % 4_000_000_000_000) as i64)),
        RustType::Blob => quote!(crate::primitives::Blob::new(rng.bytes())),
        // A null document member reads back as unset in restJson1, so members get non-null ones.
        RustType::Document => quote!(rng.document(depth, false)),
        RustType::Named { kind: NamedKind::Enum, .. } => {
            let ty = type_tokens(ty);
            quote!(if rng.below(4) == 0 { #ty::from(rng.string().as_str()) } else { #ty::from(rng.pick(#ty::values())) })
        }
        RustType::Named { kind: NamedKind::IntEnum, .. } => {
            let ty = type_tokens(ty);
            quote!(#ty::from(rng.pick(#ty::values())))
        }
        RustType::Named { name, .. } => {
            let f = arb_fn(name);
            quote!(#f(rng, depth + 1))
        }
        RustType::List { item, sparse } => {
            let item = element(item, *sparse);
            quote!((0..rng.len(depth)).map(|_| #item).collect::<::std::vec::Vec<_>>())
        }
        RustType::Map { key, value, sparse } => {
            let key = arb_value(key);
            let value = element(value, *sparse);
            quote!((0..rng.len(depth)).map(|_| (#key, #value)).collect::<::std::collections::HashMap<_, _>>())
        }
    }
}

fn element(ty: &RustType, sparse: bool) -> TokenStream {
    let value = arb_value(ty);
    if sparse {
        quote!(if rng.below(4) == 0 { ::std::option::Option::None } else { ::std::option::Option::Some(#value) })
    } else {
        value
    }
}

fn structure_arb(s: &Structure, registry: &Registry) -> TokenStream {
    let ty = type_tokens(&registry.named_type(&s.name));
    let f = arb_fn(&s.name);
    // Members bound to headers or the status code do not travel in the JSON body.
    let in_body = |f: &&crate::ir::Field| matches!(f.location, crate::ir::Location::Body(_)) || !f.optional;
    let setters = s.fields.iter().filter(in_body).map(|field| {
        let set = naming::prefixed("set", &field.ident);
        let value = arb_value(&field.ty);
        let value = if field.boxed { quote!(::std::boxed::Box::new(#value)) } else { value };
        if field.optional {
            // Deeper down, optional members stay unset so recursive shapes end.
            quote!(.#set(if depth < 4 && rng.bool() { ::std::option::Option::Some(#value) } else { ::std::option::Option::None }))
        } else {
            quote!(.#set(::std::option::Option::Some(#value)))
        }
    });
    let build = if crate::render::structure::build_is_fallible(s) {
        quote!(.build().expect("every member is set"))
    } else {
        quote!(.build())
    };
    let setters: Vec<TokenStream> = setters.collect();
    let text = quote!(#(#setters)*).to_string();
    let depth_param = if text.contains("depth") { quote!(depth) } else { quote!(_depth) };
    let rng_param = if text.contains("rng") { quote!(rng) } else { quote!(_rng) };
    quote! {
        fn #f(#rng_param: &mut Rng, #depth_param: usize) -> #ty {
            #ty::builder() #(#setters)* #build
        }
    }
}

fn union_arb(u: &Union, registry: &Registry) -> TokenStream {
    let ty = type_tokens(&registry.named_type(&u.name));
    let f = arb_fn(&u.name);
    let count = u.variants.len() as u64;
    let arms = u.variants.iter().enumerate().map(|(i, v)| {
        let ident = &v.ident;
        let i = i as u64;
        match &v.ty {
            None => quote!(#i => #ty::#ident,),
            Some(t) => {
                let value = arb_value(t);
                let value = if v.boxed { quote!(::std::boxed::Box::new(#value)) } else { value };
                quote!(#i => #ty::#ident(#value),)
            }
        }
    });
    let arms: Vec<TokenStream> = arms.collect();
    let depth_param = if quote!(#(#arms)*).to_string().contains("depth") { quote!(depth) } else { quote!(_depth) };
    quote! {
        fn #f(rng: &mut Rng, #depth_param: usize) -> #ty {
            match rng.below(#count) {
                #(#arms)*
                _ => unreachable!("below() stays under the variant count"),
            }
        }
    }
}

/// `src/roundtrip_tests.rs`: generators, round trips and malformed-response tests.
pub fn roundtrip_module(krate: &Crate, registry: &Registry) -> TokenStream {
    let structures: Vec<&Structure> = krate.structures.iter().chain(&krate.errors).collect();
    let arbs = structures
        .iter()
        .map(|s| structure_arb(s, registry))
        .chain(krate.unions.iter().map(|u| union_arb(u, registry)));
    let names = structures.iter().map(|s| &s.name).chain(krate.unions.iter().map(|u| &u.name));
    let roundtrips = names.map(|name| {
        let test = naming::ident(&format!("roundtrip_{}", naming::snake_case(&name.to_string())));
        let (arb, ser, de) = (arb_fn(name), ser_fn(name), de_fn(name));
        quote! {
            #[test]
            fn #test() {
                let mut rng = Rng::new(stringify!(#test));
                for _ in 0..#CASES {
                    let value = #arb(&mut rng, 0);
                    let mut writer = crate::json::JsonWriter::new();
                    crate::protocol::#ser(&value, &mut writer);
                    let text = writer.finish();
                    let parsed = crate::json::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e}: {text}"));
                    let back = crate::protocol::#de(&parsed).unwrap_or_else(|e| panic!("{e}: {text}"));
                    crate::protocol_test_util::assert_same(&back, &value);
                }
            }
        }
    });
    let codes: Vec<String> = krate.errors.iter().map(|e| registry.error_code(&e.name)).collect();
    let malformed = krate.operations.iter().map(|op| {
        let test = naming::prefixed("random_responses_never_panic", &op.module);
        let (module, name) = (&op.module, &op.name);
        quote! {
            #[test]
            fn #test() {
                let mut rng = Rng::new(stringify!(#test));
                for _ in 0..#RESPONSES {
                    let response = rng.response(&[#(#codes),*]);
                    let _ = crate::operation::#module::#name::deserialize_response(&response);
                }
            }
        }
    });
    quote! {
        //! Property tests: random values round-trip through the JSON (de)serializers, and random
        //! responses never make a deserializer panic.
        use crate::primitives::{Document, Number};

        /// A small deterministic random source (xorshift64*), seeded per test.
        struct Rng(u64);

        #[allow(dead_code)] // It covers every shape kind; each crate uses what its shapes need.
        impl Rng {
            fn new(seed: &str) -> Self {
                // FNV-1a of the test name: every test gets its own reproducible stream.
                let hash = seed.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
                Rng(hash | 1)
            }
            fn next(&mut self) -> u64 {
                self.0 ^= self.0 >> 12;
                self.0 ^= self.0 << 25;
                self.0 ^= self.0 >> 27;
                self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
            }
            fn below(&mut self, n: u64) -> u64 {
                self.next() % n
            }
            fn bool(&mut self) -> bool {
                self.next() & 1 == 1
            }
            /// Collection sizes shrink with depth so recursive shapes end.
            fn len(&mut self, depth: usize) -> usize {
                if depth >= 4 { 0 } else { self.below(4) as usize }
            }
            /// Finite floats that print and parse exactly.
            fn float(&mut self) -> f64 {
                f64::from(self.next() as i32) / 8.0
            }
            fn string(&mut self) -> ::std::string::String {
                const CHARS: &[char] = &['a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\u{e9}', '\u{1f600}', '{', ','];
                (0..self.below(12)).map(|_| CHARS[self.below(CHARS.len() as u64) as usize]).collect()
            }
            fn bytes(&mut self) -> ::std::vec::Vec<u8> {
                (0..self.below(24)).map(|_| self.next() as u8).collect()
            }
            fn pick<T: Copy>(&mut self, values: &[T]) -> T {
                values[self.below(values.len() as u64) as usize]
            }
            fn document(&mut self, depth: usize, null: bool) -> Document {
                let first = if null { 0 } else { 1 };
                match first + self.below(if depth >= 3 { 5 - first } else { 7 - first }) {
                    0 => Document::Null,
                    1 => Document::Bool(self.bool()),
                    2 => Document::Number(Number::PosInt(self.next() >> 1)),
                    3 => Document::Number(Number::Float(self.float() + 0.5)),
                    4 => Document::String(self.string()),
                    5 => Document::Array((0..self.below(3)).map(|_| self.document(depth + 1, true)).collect()),
                    _ => Document::Object((0..self.below(3)).map(|_| (self.string(), self.document(depth + 1, true))).collect()),
                }
            }
            /// A response of any status, maybe naming one of the errors, with a body of random
            /// bytes or of JSON damaged at a random place.
            fn response(&mut self, codes: &[&str]) -> crate::http::HttpResponse {
                const JSON: &str = r#"{"Message": "m", "code": "X", "a": [1, -2.5e3, {"b": null}, "\u00e9"], "c": {"d": true}}"#;
                let status = self.pick(&[200_u16, 201, 204, 400, 403, 404, 429, 500, 503]);
                let mut headers = crate::http::Headers::new();
                if !codes.is_empty() && self.bool() {
                    headers.insert("X-Amzn-Errortype", self.pick(codes));
                }
                let body = if self.bool() {
                    self.bytes()
                } else {
                    let mut body = JSON.as_bytes().to_vec();
                    let at = self.below(body.len() as u64) as usize;
                    match self.below(3) {
                        0 => body.truncate(at),
                        1 => body[at] = self.next() as u8,
                        _ => body.insert(at, b'{'),
                    }
                    body
                };
                crate::http::HttpResponse::new(status, headers, body)
            }
        }

        #(#arbs)*
        #(#roundtrips)*
        #(#malformed)*
    }
}
