//! Endpoint resolution: a typed `Params` for the service's rule-set parameters, `resolve`
//! evaluating the embedded rule set with the runtime engine (`crate::endpoint`), and tests from
//! `smithy.rules#endpointTests`.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::types::doc_attrs;
use crate::error::{Error, Result};
use crate::ir::Endpoints;
use crate::model::EndpointParameterKind;

/// `src/endpoint_rules.rs`.
pub fn module(e: &Endpoints) -> TokenStream {
    let fields = e.params.iter().map(|p| {
        let ident = &p.ident;
        let docs = doc_attrs(&p.docs, &format!("The `{}` parameter.", p.name));
        let ty = match p.kind {
            EndpointParameterKind::String => quote!(::std::option::Option<::std::string::String>),
            EndpointParameterKind::Boolean => quote!(::std::option::Option<bool>),
            EndpointParameterKind::StringArray => quote!(::std::option::Option<::std::vec::Vec<::std::string::String>>),
        };
        quote!(#docs pub #ident: #ty,)
    });
    let setters = e.params.iter().map(|p| {
        let ident = &p.ident;
        let doc = format!(" Sets the `{}` parameter.", p.name);
        let (param, value) = match p.kind {
            EndpointParameterKind::String => (quote!(impl ::std::convert::Into<::std::string::String>), quote!(value.into())),
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
        let (ident, name) = (&p.ident, &p.name);
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
pub fn tests(e: &Endpoints) -> Result<TokenStream> {
    let mut tests = Vec::new();
    for (n, case) in e.tests.iter().enumerate() {
        let name = quote::format_ident!("endpoint_case_{n}");
        let doc = format!(" {}", case.documentation.as_deref().unwrap_or("An endpoint test case of the model.").replace('\n', " "));
        let mut setters = Vec::new();
        for (param, value) in &case.params {
            let p = e.params.iter().find(|p| &p.name == param).ok_or_else(|| {
                Error::other(format!("endpoint test case {n}: `{param}` is not a parameter of the rule set"))
            })?;
            let ident = &p.ident;
            let value = match (p.kind, value) {
                (EndpointParameterKind::String, Value::String(s)) => quote!(#s),
                (EndpointParameterKind::Boolean, Value::Bool(b)) => quote!(#b),
                (EndpointParameterKind::StringArray, Value::Array(items)) => {
                    let items = items.iter().filter_map(Value::as_str);
                    quote!(::std::vec![#(::std::string::String::from(#items)),*])
                }
                _ => return Err(Error::other(format!("endpoint test case {n}: `{param}` has the wrong type"))),
            };
            setters.push(quote!(.#ident(#value)));
        }
        let check = match (&case.expect.endpoint, &case.expect.error) {
            (Some(endpoint), _) => {
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
            (None, Some(error)) => quote! {
                let error = crate::endpoint_rules::resolve(&params).expect_err("the rules give an error");
                assert_eq!(error.message(), #error);
            },
            (None, None) => return Err(Error::other(format!("endpoint test case {n} expects neither an endpoint nor an error"))),
        };
        tests.push(quote! {
            #[doc = #doc]
            #[test]
            fn #name() {
                let params = crate::endpoint_rules::Params::new() #(#setters)*;
                #check
            }
        });
    }
    Ok(quote! {
        //! Endpoint tests generated from the model's `smithy.rules#endpointTests`.
        #(#tests)*
    })
}
