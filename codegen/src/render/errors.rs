//! Modeled error structures' error impls, and the error enum of each operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::id;
use super::types::{doc_attrs, named_tokens};
use crate::ir::{Crate, Named, Operation, OperationError, Role, Structure, Union};
use crate::render::std_paths::Std;

/// `Display`, `Error` and `ProvideErrorMetadata` for a modeled error structure.
pub fn error_impls(k: &Crate, s: &Structure) -> TokenStream {
    let Std { option, some, ok, .. } = Std::of(k);
    let name = id(&s.name);
    let Role::Error(info) = &s.role else { return quote!() };
    let code = &info.code;
    let message = s.message.map(|i| &s.fields[i]);
    let write_message = match message {
        Some(f) if f.sensitive => quote!(write!(f, ": {}", crate::error::REDACTED)?;),
        Some(f) if f.optional => {
            let ident = id(&f.ident);
            quote! {
                if let #some(message) = &self.#ident {
                    write!(f, ": {message}")?;
                }
            }
        }
        Some(f) => {
            let ident = id(&f.ident);
            quote!(write!(f, ": {}", self.#ident)?;)
        }
        None => quote!(),
    };
    let message_fn = match message {
        Some(_) => quote!(),
        None => quote! {
            /// The error message, if the service sent one.
            pub fn message(&self) -> #option<&str> {
                self.meta.message()
            }
        },
    };
    quote! {
        impl #name {
            /// The error's code on the wire.
            pub const CODE: &'static str = #code;
            #message_fn
            /// The error's metadata: code, message and request id as the service sent them.
            pub fn meta(&self) -> &crate::error::ErrorMetadata {
                &self.meta
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#code)?;
                #write_message
                #ok(())
            }
        }
        impl ::std::error::Error for #name {}
        impl crate::error::ProvideErrorMetadata for #name {
            fn meta(&self) -> &crate::error::ErrorMetadata {
                &self.meta
            }
        }
    }
}

/// `{Operation}Error`: a variant per modeled error and `Unhandled` for anything else.
pub fn operation_error(k: &Crate, op: &Operation) -> TokenStream {
    let doc = format!(" Every error the `{}` operation can return.", op.names.name);
    error_enum(k, &op.names.error, &doc, &op.errors.iter().collect::<Vec<_>>())
}

/// `{Union}Error` of an event stream: the errors the service can send in it.
pub fn stream_error(k: &Crate, u: &Union) -> TokenStream {
    let Some(stream) = &u.event_stream else { return quote!() };
    let doc = format!(" Every error the service can send in a `{}` event stream.", u.name);
    error_enum(k, &stream.names.error, &doc, &stream.errors.iter().map(|e| &e.error).collect::<Vec<_>>())
}

fn error_enum(k: &Crate, name: &str, doc: &str, errors: &[&OperationError]) -> TokenStream {
    let Std { option, some, boxed, send, sync, .. } = Std::of(k);
    let name = id(name);
    let variants: Vec<_> = errors.iter().map(|e| id(&e.variant)).collect();
    let decls = errors.iter().map(|e| {
        let variant = id(&e.variant);
        let ty = named_tokens(k, Named::Structure(e.error));
        let docs = doc_attrs(&e.docs, "_Documentation missing in the model._");
        quote!(#docs #variant(#ty),)
    });
    let predicates = errors.iter().map(|e| {
        let variant = id(&e.variant);
        let is = id(&e.is);
        let doc = format!(" Whether this is the `{}` error.", e.variant);
        quote! {
            #[doc = #doc]
            #[inline] pub fn #is(&self) -> bool {
                matches!(self, Self::#variant(_))
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[non_exhaustive]
        #[derive(Debug)]
        pub enum #name {
            #(#decls)*
            /// An error the model does not describe (an unknown code, or a response that could
            /// not be understood). Inspect it through [`crate::error::ProvideErrorMetadata`]
            /// rather than matching on it: later versions may turn such errors into variants.
            Unhandled(crate::error::Unhandled),
        }
        impl #name {
            /// An error the model does not describe, from its metadata and an optional cause.
            pub fn unhandled(
                meta: crate::error::ErrorMetadata,
                source: #option<#boxed<dyn ::std::error::Error + #send + #sync + 'static>>,
            ) -> Self {
                Self::Unhandled(crate::error::Unhandled::new(meta, source))
            }
            /// The error this variant holds.
            fn inner(&self) -> &dyn crate::error::ErrorVariant {
                match self {
                    #(Self::#variants(e) => e,)*
                    Self::Unhandled(e) => e,
                }
            }
            /// The error's metadata: code, message and request id.
            pub fn meta(&self) -> &crate::error::ErrorMetadata {
                self.inner().meta()
            }
            /// The error code, if known.
            pub fn code(&self) -> #option<&str> {
                self.meta().code()
            }
            /// The error message, if the service sent one.
            pub fn message(&self) -> #option<&str> {
                self.meta().message()
            }
            #(#predicates)*
        }
        impl crate::error::ProvideErrorMetadata for #name {
            fn meta(&self) -> &crate::error::ErrorMetadata {
                #name::meta(self)
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(self.inner(), f)
            }
        }
        impl ::std::error::Error for #name {
            fn source(&self) -> #option<&(dyn ::std::error::Error + 'static)> {
                #some(self.inner().as_error())
            }
        }
    }
}
