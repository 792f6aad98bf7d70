//! Endpoint resolution: a typed `Params` for the service's rule-set parameters, `resolve`
//! evaluating the embedded rule set with the runtime engine (`crate::endpoint`), and tests from
//! `smithy.rules#endpointTests`.

use proc_macro2::TokenStream;
use quote::quote;

use super::id;
use super::types::doc_attrs;
use crate::ir::{Crate, EndpointExpectation, EndpointValue, Endpoints};
use crate::model::EndpointParameterKind;
use crate::render::std_paths::Std;

/// `src/endpoint_rules.rs`.
pub fn module(k: &Crate, e: &Endpoints) -> TokenStream {
    let Std { option, some, result, string, vec, into, .. } = Std::of(k);
    let fields = e.params.iter().map(|p| {
        let ident = id(&p.ident);
        let docs = doc_attrs(&p.docs, &format!("The `{}` parameter.", p.name));
        let ty = match p.kind {
            EndpointParameterKind::String => quote!(#option<#string>),
            EndpointParameterKind::Boolean => quote!(#option<bool>),
            EndpointParameterKind::StringArray => quote!(#option<#vec<#string>>),
        };
        quote!(#docs pub #ident: #ty,)
    });
    let setters = e.params.iter().map(|p| {
        let ident = id(&p.ident);
        let doc = format!(" Sets the `{}` parameter.", p.name);
        let (param, value) = match p.kind {
            EndpointParameterKind::String => (quote!(impl #into<#string>), quote!(value.into())),
            EndpointParameterKind::Boolean => (quote!(bool), quote!(value)),
            EndpointParameterKind::StringArray => (quote!(#vec<#string>), quote!(value)),
        };
        quote! {
            #[doc = #doc]
            pub fn #ident(mut self, value: #param) -> Self {
                self.#ident = #some(#value);
                self
            }
        }
    });
    let sets = e.params.iter().map(|p| {
        let (ident, name) = (id(&p.ident), &p.name);
        let value = match p.kind {
            EndpointParameterKind::String => quote!(crate::endpoint::Value::String(v.clone())),
            EndpointParameterKind::Boolean => quote!(crate::endpoint::Value::Bool(*v)),
            EndpointParameterKind::StringArray => {
                quote!(crate::endpoint::Value::Array(v.iter().cloned().map(crate::endpoint::Value::String).collect()))
            }
        };
        quote!(if let #some(v) = &params.#ident { values.set(#name, #value); })
    });
    let rules = &e.rules_json;
    quote! {
        //! Endpoint resolution by the service's own rules (`smithy.rules#endpointRuleSet`).

        /// The service's endpoint rule set, as the model states it.
        const RULES: &str = #rules;

        /// The parameters of the service's endpoint rules. Unset parameters take the rule
        /// set's defaults.
        #[derive(Clone, Debug, Default, PartialEq)]
        #[non_exhaustive]
        pub struct Params {
            #(#fields)*
        }

        impl Params {
            /// Parameters with nothing set.
            pub fn new() -> Self {
                Self::default()
            }
            #(#setters)*
        }

        /// Resolves the endpoint for `params` with the service's rules.
        pub fn resolve(params: &Params) -> #result<crate::endpoint::Endpoint, crate::endpoint::EndpointError> {
            static RULE_SET: ::std::sync::OnceLock<#result<crate::endpoint::RuleSet, crate::endpoint::EndpointError>> =
                ::std::sync::OnceLock::new();
            let rules = RULE_SET.get_or_init(|| crate::endpoint::RuleSet::from_json(RULES)).as_ref().map_err(::std::clone::Clone::clone)?;
            let mut values = crate::endpoint::Params::new();
            #(#sets)*
            rules.resolve(&values)
        }
    }
}

/// `src/endpoint_tests.rs`: one test per `smithy.rules#endpointTests` case.
pub fn tests(k: &Crate, e: &Endpoints) -> TokenStream {
    let Std { some, string, vec, .. } = Std::of(k);
    let tests = e.tests.iter().map(|case| {
        let name = id(&case.name);
        let doc = &case.docs;
        let setters = case.params.iter().map(|(param, value)| {
            let ident = id(&e.params[*param].ident);
            let value = match value {
                EndpointValue::String(s) => quote!(#s),
                EndpointValue::Bool(b) => quote!(#b),
                EndpointValue::StringArray(items) => quote!(::std::vec![#(#string::from(#items)),*]),
            };
            quote!(.#ident(#value))
        });
        let check = match &case.expect {
            EndpointExpectation::Endpoint(endpoint) => {
                let url = &endpoint.url;
                let headers = endpoint.headers.iter().map(|(name, v)| {
                    quote!(assert_eq!(endpoint.headers.get(#name).map(#vec::as_slice), #some(&[#(#string::from(#v)),*][..]), "header {}", #name);)
                });
                let properties = endpoint.properties.iter().map(|(name, v)| {
                    let v = super::types::document_expr(k, v);
                    quote!(assert_eq!(endpoint.properties.get(#name), #some(&#v), "property {}", #name);)
                });
                quote! {
                    let endpoint = crate::endpoint_rules::resolve(&params).expect("the endpoint resolves");
                    assert_eq!(endpoint.url, #url);
                    #(#headers)*
                    #(#properties)*
                }
            }
            EndpointExpectation::Error(error) => quote! {
                let error = crate::endpoint_rules::resolve(&params).expect_err("the rules give an error");
                assert_eq!(error.message(), #error);
            },
        };
        quote! {
            #[doc = #doc]
            #[test]
            fn #name() {
                let params = crate::endpoint_rules::Params::new() #(#setters)*;
                #check
            }
        }
    });
    quote! {
        //! Endpoint tests generated from the model's `smithy.rules#endpointTests`.
        #(#tests)*
    }
}
