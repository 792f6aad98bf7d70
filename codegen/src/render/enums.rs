//! Open enums (`enum`, IDL 1.0 `@enum` strings, `intEnum`): a variant per known value plus
//! `Unknown`, so values added to the service later still parse.

use proc_macro2::TokenStream;
use quote::quote;

use super::id;
use super::types::{deprecated_attr, doc_attrs};
use crate::ir::{Crate, Enum};
use crate::model::EnumValue;
use crate::render::std_paths::Std;

pub fn enumeration(k: &Crate, e: &Enum) -> TokenStream {
    let name = id(&e.name);
    let docs = doc_attrs(&e.docs, "_Documentation missing in the model._");
    let deprecated = deprecated_attr(e.deprecated.as_ref());
    let variants = e.variants.iter().map(|v| {
        let ident = id(&v.ident);
        let wire = match &v.value {
            EnumValue::String(s) => format!("The `{s}` value."),
            EnumValue::Int(i) => format!("The `{i}` value."),
        };
        let docs = doc_attrs(&v.docs, &wire);
        let deprecated = deprecated_attr(v.deprecated.as_ref());
        quote!(#docs #deprecated #ident,)
    });
    let derive_debug = (!e.sensitive).then(|| quote!(Debug,));
    let debug = e.sensitive.then(|| {
        quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    ::std::fmt::Debug::fmt(crate::error::REDACTED, f)
                }
            }
        }
    });
    let body = if e.int { int_impls(k, e) } else { string_impls(k, e) };
    let unknown_ty = if e.int {
        quote!(crate::primitives::UnknownIntVariantValue)
    } else {
        quote!(crate::primitives::UnknownVariantValue)
    };
    quote! {
        #docs
        ///
        /// The service may return values this version of the crate does not know; they arrive as
        /// `Unknown`. Match it with a wildcard arm rather than by value, so that code keeps
        /// working when a later version of the crate adds the value as a variant.
        #deprecated
        #[non_exhaustive]
        #[derive(Clone, Eq, Hash, Ord, PartialEq, PartialOrd, #derive_debug)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know.
            Unknown(#unknown_ty),
        }
        #debug
        #body
    }
}

fn string_impls(k: &Crate, e: &Enum) -> TokenStream {
    let Std { result, ok, from, .. } = Std::of(k);
    let name = id(&e.name);
    let (idents, values): (Vec<_>, Vec<String>) = e
        .variants
        .iter()
        .map(|v| {
            let value = match &v.value {
                EnumValue::String(s) => s.clone(),
                EnumValue::Int(i) => i.to_string(),
            };
            (id(&v.ident), value)
        })
        .unzip();
    quote! {
        impl #from<&str> for #name {
            fn from(s: &str) -> Self {
                match s {
                    #(#values => #name::#idents,)*
                    other => #name::Unknown(crate::primitives::UnknownVariantValue::from_unlisted(other.to_owned())),
                }
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> #result<Self, Self::Err> {
                #ok(#name::from(s))
            }
        }
        impl #name {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#name::#idents => #values,)*
                    #name::Unknown(value) => value.as_str(),
                }
            }
            /// Every value this version of the crate knows.
            pub const fn values() -> &'static [&'static str] {
                &[#(#values),*]
            }
        }
        impl ::std::convert::AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

fn int_impls(k: &Crate, e: &Enum) -> TokenStream {
    let Std { from, .. } = Std::of(k);
    let name = id(&e.name);
    let (idents, values): (Vec<_>, Vec<proc_macro2::Literal>) = e
        .variants
        .iter()
        .map(|v| {
            let value = match &v.value {
                EnumValue::Int(i) => *i as i32,
                EnumValue::String(s) => s.parse().unwrap_or_default(),
            };
            (id(&v.ident), proc_macro2::Literal::i32_unsuffixed(value))
        })
        .unzip();
    quote! {
        impl #from<i32> for #name {
            fn from(value: i32) -> Self {
                match value {
                    #(#values => #name::#idents,)*
                    other => #name::Unknown(crate::primitives::UnknownIntVariantValue::from_unlisted(other)),
                }
            }
        }
        impl #name {
            /// The value as it is sent on the wire.
            pub fn as_i32(&self) -> i32 {
                match self {
                    #(#name::#idents => #values,)*
                    #name::Unknown(value) => value.as_i32(),
                }
            }
            /// Every value this version of the crate knows.
            pub const fn values() -> &'static [i32] {
                &[#(#values),*]
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.as_i32(), f)
            }
        }
    }
}
