//! Endpoint resolution: a typed `Params` for the service's rule-set parameters, `resolve`
//! evaluating the embedded rule set with the runtime engine (`crate::endpoint`), and tests from
//! `smithy.rules#endpointTests`.

use proc_macro2::TokenStream;
use quote::quote;

use super::id;
use super::types::doc_attrs;
use crate::ir::{EndpointExpectation, EndpointValue, Endpoints};
use crate::model::EndpointParameterKind;

/// `src/endpoint_rules.rs`.
pub fn module(e: &Endpoints) -> TokenStream {
    let fields = e.params.iter().map(|p| {
        let ident = id(&p.ident);
        let docs = doc_attrs(&p.docs, &format!("The `{}` parameter.", p.name));
        let ty = match p.kind {
            EndpointParameterKind::String => quote!(::std::option::Option<::std::string::String>),
            EndpointParameterKind::Boolean => quote!(::std::option::Option<bool>),
            EndpointParameterKind::StringArray => quote!(::std::option::Option<::std::vec::Vec<::std::string::String>>),
        };
        quote!(#docs pub #ident: #ty,)
    });
    let setters = e.params.iter().map(|p| {
        let ident = id(&p.ident);
        let doc = format!(" Sets the `{}` parameter.", p.name);
        let (param, value) = match p.kind {
            EndpointParameterKind::String => {
                (quote!(impl ::std::convert::Into<::std::string::String>), quote!(value.into()))
            }
            EndpointParameterKind::Boolean => (quote!(bool), quote!(value)),
            EndpointParameterKind::StringArray => (quote!(::std::vec::Vec<::std::string::String>), quote!(value)),
        };
        quote! {
            #[doc = #doc]
            pub fn #ident(mut self, value: #param) -> Self {
                self.#ident = ::std::option::Option::Some(#value);
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
        quote!(if let ::std::option::Option::Some(v) = &params.#ident { values.set(#name, #value); })
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
        pub fn resolve(params: &Params) -> ::std::result::Result<crate::endpoint::Endpoint, crate::endpoint::EndpointError> {
            static RULE_SET: ::std::sync::OnceLock<::std::result::Result<crate::endpoint::RuleSet, crate::endpoint::EndpointError>> =
                ::std::sync::OnceLock::new();
            let rules = RULE_SET.get_or_init(|| crate::endpoint::RuleSet::from_json(RULES)).as_ref().map_err(::std::clone::Clone::clone)?;
            let mut values = crate::endpoint::Params::new();
            #(#sets)*
            rules.resolve(&values)
        }
    }
}

/// `src/endpoint_tests.rs`: one test per `smithy.rules#endpointTests` case.
pub fn tests(e: &Endpoints) -> TokenStream {
    let tests = e.tests.iter().map(|case| {
        let name = id(&case.name);
        let doc = &case.docs;
        let setters = case.params.iter().map(|(param, value)| {
            let ident = id(&e.params[*param].ident);
            let value = match value {
                EndpointValue::String(s) => quote!(#s),
                EndpointValue::Bool(b) => quote!(#b),
                EndpointValue::StringArray(items) => quote!(::std::vec![#(::std::string::String::from(#items)),*]),
            };
            quote!(.#ident(#value))
        });
        let check = match &case.expect {
            EndpointExpectation::Endpoint(endpoint) => {
                let url = &endpoint.url;
                let headers = endpoint.headers.iter().map(|(k, v)| {
                    quote!(assert_eq!(endpoint.headers.get(#k).map(::std::vec::Vec::as_slice), ::std::option::Option::Some(&[#(::std::string::String::from(#v)),*][..]), "header {}", #k);)
                });
                let properties = endpoint.properties.iter().map(|(k, v)| {
                    let v = super::types::document_expr(v);
                    quote!(assert_eq!(endpoint.properties.get(#k), ::std::option::Option::Some(&#v), "property {}", #k);)
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
