//! Unions: an enum with a variant per member, plus `Unknown` for members added later.

use proc_macro2::TokenStream;
use quote::quote;

use super::id;
use super::types::{deprecated_attr, doc_attrs, type_tokens};
use crate::ir::{Crate, Union};
use crate::render::std_paths::Std;

pub fn union(k: &Crate, u: &Union) -> TokenStream {
    let Std { result, ok, err, boxed, .. } = Std::of(k);
    let name = id(&u.name);
    let name_text = &u.name;
    let docs = doc_attrs(&u.docs, "_Documentation missing in the model._");
    let deprecated = deprecated_attr(u.deprecated.as_ref());
    let variants = u.variants.iter().map(|v| {
        let ident = id(&v.ident);
        let docs = doc_attrs(&v.docs, "_Documentation missing in the model._");
        let deprecated = deprecated_attr(v.deprecated.as_ref());
        match &v.ty {
            None => quote!(#docs #deprecated #ident,),
            Some(ty) => {
                let ty = type_tokens(k, ty);
                let ty = if v.boxed { quote!(#boxed<#ty>) } else { ty };
                quote!(#docs #deprecated #ident(#ty),)
            }
        }
    });
    let accessors = u.variants.iter().map(|v| {
        let ident = id(&v.ident);
        let is = id(&v.is);
        let is_doc = format!(" Whether this is the [`{name_text}::{ident}`] variant.");
        match &v.ty {
            None => quote! {
                #[doc = #is_doc]
                #[inline] pub fn #is(&self) -> bool {
                    matches!(self, #name::#ident)
                }
            },
            Some(ty) => {
                let ty = type_tokens(k, ty);
                let ty = if v.boxed { quote!(#boxed<#ty>) } else { ty };
                let as_ = id(&v.as_);
                let as_doc = format!(
                    " The value of the [`{name_text}::{ident}`] variant, or `Err(self)` for any other variant."
                );
                quote! {
                    #[doc = #as_doc]
                    #[inline] pub fn #as_(&self) -> #result<&#ty, &Self> {
                        if let #name::#ident(val) = self { #ok(val) } else { #err(self) }
                    }
                    #[doc = #is_doc]
                    #[inline] pub fn #is(&self) -> bool {
                        self.#as_().is_ok()
                    }
                }
            }
        }
    });
    let redacts = u.sensitive || u.variants.iter().any(|v| v.sensitive);
    let derive_debug = (!redacts).then(|| quote!(Debug,));
    let debug = redacts.then(|| {
        let arms = u.variants.iter().map(|v| {
            let ident = id(&v.ident);
            let label = &v.ident;
            match (&v.ty, u.sensitive || v.sensitive) {
                (None, _) => quote!(#name::#ident => f.write_str(#label),),
                (Some(_), true) => {
                    quote!(#name::#ident(_) => f.debug_tuple(#label).field(&crate::error::REDACTED).finish(),)
                }
                (Some(_), false) => quote!(#name::#ident(val) => f.debug_tuple(#label).field(val).finish(),),
            }
        });
        quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self {
                        #(#arms)*
                        #name::Unknown => f.write_str("Unknown"),
                    }
                }
            }
        }
    });
    quote! {
        #docs
        #deprecated
        #[non_exhaustive]
        #[derive(Clone, PartialEq, #derive_debug)]
        pub enum #name {
            #(#variants)*
            /// A member this version of the crate does not know, received from a newer service.
            /// Upgrading the crate turns it into a named variant; match it with a wildcard arm.
            #[non_exhaustive]
            Unknown,
        }
        impl #name {
            #(#accessors)*
            /// Whether this is a member this version of the crate does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, #name::Unknown)
            }
        }
        #debug
    }
}
