//! Structures (shared types, operation inputs/outputs, modeled errors) and their builders.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::id;
use super::types::{default_expr, deprecated_attr, doc_attrs, field_type, getter, type_tokens, value_type};
use crate::ir::{Crate, DefaultValue, Field, Role, RustType, Structure};
use crate::render::std_paths::Std;

pub(crate) const MISSING_DOCS: &str = "_Documentation missing in the model._";

/// The struct, its getters, `Debug`, and its builder, as one file's items.
pub fn structure(k: &Crate, s: &Structure) -> TokenStream {
    let name = id(&s.name);
    let builder = id(&s.builder);
    let docs = doc_attrs(&s.docs, MISSING_DOCS);
    let deprecated = deprecated_attr(s.deprecated.as_ref());
    let is_error = matches!(s.role, Role::Error(_));
    let redacts = s.fields.iter().any(|f| f.sensitive);
    let derive_debug = (!redacts).then(|| quote!(Debug,));
    let derive_clone = (!s.is_streaming()).then(|| quote!(Clone,));
    // Events in flight have no equality.
    let derive_eq = s.event_stream().is_none().then(|| quote!(PartialEq,));

    let fields = s.fields.iter().map(|f| {
        let ident = id(&f.ident);
        let ty = field_type(k, f);
        let docs = doc_attrs(&f.docs, MISSING_DOCS);
        let deprecated = deprecated_attr(f.deprecated.as_ref());
        quote! { #docs #deprecated pub #ident: #ty, }
    });
    let meta_field = is_error.then(|| quote! { pub(crate) meta: crate::error::ErrorMetadata, });

    let getters = s.fields.iter().map(|f| {
        let ident = id(&f.ident);
        let (ret, body) = getter(k, f);
        let docs = doc_attrs(&f.docs, MISSING_DOCS);
        let deprecated = deprecated_attr(f.deprecated.as_ref());
        let list_note = (f.optional && matches!(f.ty, RustType::List { .. })).then(|| {
            let note = format!(
                " If no value was sent for this field, this returns an empty slice; use `.{}.is_none()` to tell the two apart.",
                f.bare()
            );
            quote!(#[doc = ""] #[doc = #note])
        });
        quote! { #docs #list_note #deprecated #[inline] pub fn #ident(&self) -> #ret { #body } }
    });

    let builder_doc = format!(" Creates a new builder-style object to manufacture [`{name}`].");
    let debug = redacts.then(|| debug_impl(&name, &s.fields, is_error));
    let builder_items = builder_struct(k, s, &builder);
    quote! {
        #docs
        #deprecated
        #[non_exhaustive]
        #[derive(#derive_clone #derive_eq #derive_debug)]
        pub struct #name {
            #(#fields)*
            #meta_field
        }
        impl #name {
            #(#getters)*
        }
        impl #name {
            #[doc = #builder_doc]
            pub fn builder() -> #builder {
                #builder::default()
            }
        }
        #debug
        #builder_items
    }
}

/// `Debug` that prints [`crate::error::REDACTED`] in place of sensitive fields.
fn debug_impl(name: &Ident, fields: &[Field], with_meta: bool) -> TokenStream {
    let name_text = name.to_string();
    let entries = fields.iter().map(|f| {
        let ident = id(&f.ident);
        let label = f.bare();
        if f.sensitive {
            quote!(formatter.field(#label, &crate::error::REDACTED);)
        } else {
            quote!(formatter.field(#label, &self.#ident);)
        }
    });
    let meta = with_meta.then(|| quote!(formatter.field("meta", &self.meta);));
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let mut formatter = f.debug_struct(#name_text);
                #(#entries)*
                #meta
                formatter.finish()
            }
        }
    }
}

/// Whether `build()` can fail: inputs check their required members; other structures fail only
/// when a non-optional member has no default.
pub fn build_is_fallible(s: &Structure) -> bool {
    s.role == Role::Input || s.fields.iter().any(|f| !f.optional && f.default.is_none())
}

fn builder_struct(k: &Crate, s: &Structure, builder: &Ident) -> TokenStream {
    let Std { option, some, .. } = Std::of(k);
    let name = &s.name;
    let is_error = matches!(s.role, Role::Error(_));
    let redacts = s.fields.iter().any(|f| f.sensitive);
    let derive_debug = (!redacts).then(|| quote!(Debug,));
    let derive_clone = (!s.is_streaming()).then(|| quote!(Clone,));
    // Events in flight have no equality.
    let derive_eq = s.event_stream().is_none().then(|| quote!(PartialEq,));
    let doc = format!(" A builder for [`{name}`].");

    let fields = s.fields.iter().map(|f| {
        let ident = id(&f.ident);
        let ty = value_type(k, f);
        quote!(pub(crate) #ident: #option<#ty>,)
    });
    let meta_field = is_error.then(|| quote!(pub(crate) meta: #option<crate::error::ErrorMetadata>,));
    let setters = s.fields.iter().map(|f| setters(k, f));
    let meta_setters = is_error.then(|| {
        quote! {
            /// Sets error metadata (code, message, request id).
            pub fn meta(mut self, meta: crate::error::ErrorMetadata) -> Self {
                self.meta = #some(meta);
                self
            }
            /// Sets or clears error metadata.
            pub fn set_meta(&mut self, meta: #option<crate::error::ErrorMetadata>) -> &mut Self {
                self.meta = meta;
                self
            }
        }
    });
    let build = build_fn(k, s);
    let debug = redacts.then(|| debug_impl(builder, &builder_fields_as_optional(&s.fields), is_error));
    quote! {
        #[doc = #doc]
        #[non_exhaustive]
        #[derive(#derive_clone #derive_eq Default, #derive_debug)]
        pub struct #builder {
            #(#fields)*
            #meta_field
        }
        impl #builder {
            #(#setters)*
            #meta_setters
            #build
        }
        #debug
    }
}

/// The builder's fields are all optional; `Debug` needs no other difference.
fn builder_fields_as_optional(fields: &[Field]) -> Vec<Field> {
    fields.iter().map(|f| Field { optional: true, ..f.clone() }).collect()
}

fn setters(k: &Crate, f: &Field) -> TokenStream {
    let Std { option, some, boxed, .. } = Std::of(k);
    let ident = id(&f.ident);
    let bare = f.bare();
    let (set, get) = (id(&f.setter), id(&f.getter));
    let ty = value_type(k, f);
    let docs = doc_attrs(&f.docs, MISSING_DOCS);
    let deprecated = deprecated_attr(f.deprecated.as_ref());
    let required = f.required.then(|| quote!(#[doc = ""] #[doc = " This field is required."]));
    let box_value = |value: TokenStream| if f.boxed { quote!(#boxed::new(#value)) } else { value };

    let params = main_setter_params(k, f).0;
    let main_setter = match &f.ty {
        RustType::List { item, sparse } => {
            let (_, value) = into_param(k, item, *sparse);
            let doc = format!(" Appends an item to `{bare}`. To replace the whole list use [`Self::{set}`].");
            quote! {
                #[doc = #doc]
                #docs
                #deprecated
                #[inline] pub fn #ident(mut self, #params) -> Self {
                    let mut v = self.#ident.unwrap_or_default();
                    v.push(#value);
                    self.#ident = #some(v);
                    self
                }
            }
        }
        RustType::Map { key, value, sparse } => {
            let (_, k_value) = into_param(k, key, false);
            let k_value = quote!({ let input = k; #k_value });
            let (_, v_value) = into_param(k, value, *sparse);
            let doc = format!(" Inserts an entry into `{bare}`. To replace the whole map use [`Self::{set}`].");
            quote! {
                #[doc = #doc]
                #docs
                #deprecated
                #[inline] pub fn #ident(mut self, #params) -> Self {
                    let mut hash_map = self.#ident.unwrap_or_default();
                    hash_map.insert(#k_value, #v_value);
                    self.#ident = #some(hash_map);
                    self
                }
            }
        }
        _ => {
            let value = box_value(quote!(input.into()));
            quote! {
                #docs
                #required
                #deprecated
                #[inline] pub fn #ident(mut self, #params) -> Self {
                    self.#ident = #some(#value);
                    self
                }
            }
        }
    };
    quote! {
        #main_setter
        #docs
        #required
        #deprecated
        #[inline] pub fn #set(mut self, input: #option<#ty>) -> Self {
            self.#ident = input;
            self
        }
        #docs
        #required
        #deprecated
        #[inline] pub fn #get(&self) -> &#option<#ty> {
            &self.#ident
        }
    }
}

/// The parameters of a field's main setter (`input: impl Into<T>`, an item to append, or a
/// key and value to insert) and the arguments that pass them on, for builders and the fluent
/// builders that forward to them.
pub(crate) fn main_setter_params(k: &Crate, f: &Field) -> (TokenStream, TokenStream) {
    let Std { into, .. } = Std::of(k);
    match &f.ty {
        RustType::List { item, sparse } => {
            let (param, _) = into_param(k, item, *sparse);
            (quote!(input: #param), quote!(input))
        }
        RustType::Map { key, value, sparse } => {
            let (k_param, _) = into_param(k, key, false);
            let (v_param, _) = into_param(k, value, *sparse);
            (quote!(k: #k_param, input: #v_param), quote!(k, input))
        }
        other => {
            let param = type_tokens(k, other);
            (quote!(input: impl #into<#param>), quote!(input))
        }
    }
}

/// The parameter type of a collection setter and how to turn `input` into the element: strings
/// and enums take `impl Into<_>` so `&str` works, as in aws-sdk-rust.
fn into_param(k: &Crate, ty: &RustType, sparse: bool) -> (TokenStream, TokenStream) {
    let Std { option, into, .. } = Std::of(k);
    let inner = type_tokens(k, ty);
    let takes_into = matches!(ty, RustType::String) || ty.is_enum();
    match (takes_into, sparse) {
        (true, false) => (quote!(impl #into<#inner>), quote!(input.into())),
        (false, false) => (inner, quote!(input)),
        (_, true) => (quote!(#option<#inner>), quote!(input)),
    }
}

fn build_fn(k: &Crate, s: &Structure) -> TokenStream {
    let Std { some, result, ok, .. } = Std::of(k);
    let name_text = &s.name;
    let name = id(&s.name);
    let fallible = build_is_fallible(s);
    let values = s.fields.iter().map(|f| {
        let ident = id(&f.ident);
        let bare = f.bare();
        let missing = quote! {
            crate::error::BuildError::missing_field(#bare, concat!(#bare, " was not specified but it is required when building ", #name_text))
        };
        match (f.optional, &f.default) {
            (true, _) if s.role == Role::Input && f.required => {
                quote!(#ident: #some(self.#ident.ok_or_else(|| #missing)?),)
            }
            (true, _) => quote!(#ident: self.#ident,),
            // Cheap defaults are taken eagerly, as clippy prefers.
            (false, Some(DefaultValue::EmptyList | DefaultValue::EmptyMap)) if !f.boxed => {
                quote!(#ident: self.#ident.unwrap_or_default(),)
            }
            (false, Some(DefaultValue::EmptyStream)) => quote!(#ident: self.#ident.unwrap_or_default(),),
            (false, Some(default @ (DefaultValue::Bool(_) | DefaultValue::Int(_) | DefaultValue::Float(_))))
                if !f.boxed =>
            {
                let default = default_expr(k, f, default);
                quote!(#ident: self.#ident.unwrap_or(#default),)
            }
            (false, Some(default)) => {
                let default = default_expr(k, f, default);
                quote!(#ident: self.#ident.unwrap_or_else(|| #default),)
            }
            (false, None) => quote!(#ident: self.#ident.ok_or_else(|| #missing)?,),
        }
    });
    let meta = matches!(s.role, Role::Error(_)).then(|| quote!(meta: self.meta.unwrap_or_default(),));
    let doc = format!(" Consumes the builder and constructs a [`{name_text}`].");
    if fallible {
        let required: Vec<String> = s
            .fields
            .iter()
            .filter(|f| (s.role == Role::Input && f.required) || (!f.optional && f.default.is_none()))
            .map(|f| format!("`{}`", f.bare()))
            .collect();
        let errors_doc = if required.is_empty() {
            " Never fails for this structure; it returns a `Result` like every operation input.".to_owned()
        } else {
            format!(" Fails when a required field is not set: {}.", required.join(", "))
        };
        quote! {
            #[doc = #doc]
            #[doc = ""]
            #[doc = #errors_doc]
            pub fn build(self) -> #result<#name, crate::error::BuildError> {
                #ok(#name { #(#values)* #meta })
            }
        }
    } else {
        quote! {
            #[doc = #doc]
            pub fn build(self) -> #name {
                #name { #(#values)* #meta }
            }
        }
    }
}
