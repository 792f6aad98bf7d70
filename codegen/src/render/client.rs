//! The client layer over the sans-IO operations (feature `client`): the `Client`,
//! each operation's fluent builder and its description to the runtime's orchestrator
//! (`crate::orchestrator::Operation`), and paginators for `@paginated` operations.

use proc_macro2::TokenStream;
use quote::quote;

use super::id;
use super::structure::{main_setter_params, MISSING_DOCS};
use super::types::{deprecated_attr, doc_attrs, element, type_tokens, value_type};
use crate::ir::{
    Checksums, Crate, EndpointArgumentValue, EndpointValue, Field, MemberPath, Operation, RetryTuning, Role, RustType,
    S3Express, SessionField,
};
use crate::render::std_paths::Std;

/// `src/client.rs`: the `Client` with one method per operation, and endpoint resolution from
/// the config.
pub fn client_module(krate: &Crate) -> TokenStream {
    let Std { some, none, .. } = Std::of(krate);
    let title = &krate.service.title;
    let doc = format!(
        " Client for {title}: one method per operation, each returning a fluent builder whose \
         `send` signs the request, sends it, retries it as needed and parses the response."
    );
    let signing_name = match &krate.service.signing_name {
        Some(name) => quote!(#some(#name)),
        None => quote!(#none),
    };
    let handle = quote!(crate::orchestrator::Handle::new(config, #signing_name));
    let handle = match krate.service.retry_tuning {
        RetryTuning::Standard => handle,
        RetryTuning::DynamoDb => quote!(#handle.with_retry_tuning(crate::config::RetryTuning::DYNAMODB)),
    };
    let handle = if krate.service.response_crc32 { quote!(#handle.with_response_crc32()) } else { handle };
    let handle = if krate.service.s3_signing {
        quote!(#handle.with_signing_settings(crate::orchestrator::SigningSettings::S3))
    } else {
        handle
    };
    let handle = match &krate.service.s3_express {
        Some(_) => quote!(#handle.with_s3_express(s3_express_session)),
        None => handle,
    };
    let express = krate.service.s3_express.as_ref().map(|express| s3_express_session(krate, express));
    let methods = krate.operations.iter().map(|op| {
        let (module, fluent, method) =
            (id(&op.names.module), id(&op.names.fluent_builder), id(&op.names.client_method));
        let docs = doc_attrs(&op.docs, &format!("The `{}` operation.", op.names.name));
        let deprecated = deprecated_attr(op.deprecated.as_ref());
        quote! {
            #docs
            #deprecated
            pub fn #method(&self) -> crate::operation::#module::builders::#fluent {
                crate::operation::#module::builders::#fluent::new(self.handle.clone())
            }
        }
    });
    let resolve = resolve_endpoint(krate);
    let waiters = super::waiters::waiters_trait(krate);
    quote! {
        //! The service client.
        #[doc = #doc]
        ///
        /// Cheap to clone: clones share the configuration, connections and retry quota.
        #[derive(Clone, Debug)]
        pub struct Client {
            handle: ::std::sync::Arc<crate::orchestrator::Handle>,
        }
        impl Client {
            /// A client with `config`, which the clients of other services can share: they
            /// use the same credentials provider and HTTP client (its clones are cheap).
            pub fn new(config: &crate::config::Config) -> Self {
                Self::from_conf(config.clone())
            }
            /// A client that owns `config`.
            pub fn from_conf(config: crate::config::Config) -> Self {
                Client {
                    handle: ::std::sync::Arc::new(#handle),
                }
            }
            /// The client's configuration.
            pub fn config(&self) -> &crate::config::Config {
                self.handle.config()
            }
            #(#methods)*
        }
        #waiters
        #resolve
        #express
    }
}

/// S3's `CreateSession` as the runtime's `orchestrator::CreateSession`: the session on a
/// directory bucket that its requests are signed with.
fn s3_express_session(krate: &Crate, express: &S3Express) -> TokenStream {
    let Std { ok, some, boxed, .. } = Std::of(krate);
    let op = &krate.operations[express.create_session];
    let (module, name) = (id(&op.names.module), id(&op.names.name));
    let input = id(&krate.structure(op.input).name);
    let setter = id(&express.bucket_setter);
    // A field of the answer, required here whatever the model's nullability.
    let read = |from: TokenStream, field: &SessionField| {
        let ident = id(&field.ident);
        let what = format!("CreateSession's answer has no {}", field.ident);
        if field.optional {
            quote!(#from.#ident.ok_or_else(|| crate::credentials::CredentialsError::new(#what))?)
        } else {
            quote!(#from.#ident)
        }
    };
    let credentials = read(quote!(output), &express.credentials);
    let access_key_id = read(quote!(session), &express.access_key_id);
    let secret_access_key = read(quote!(session), &express.secret_access_key);
    let session_token = read(quote!(session), &express.session_token);
    let expiration = read(quote!(session), &express.expiration);
    quote! {
        /// Opens an S3 Express One Zone session on `bucket` with `CreateSession` (signed with the
        /// config's credentials), for the runtime to sign the bucket's requests with.
        fn s3_express_session<'a>(
            handle: &'a crate::orchestrator::Handle,
            bucket: &'a str,
        ) -> crate::credentials::ProvideCredentialsFuture<'a> {
            #boxed::pin(async move {
                let failed =
                    |e: &(dyn ::std::error::Error + 'static)| crate::credentials::CredentialsError::new(crate::error::describe(e));
                let input = crate::operation::#module::#input::builder()
                    .#setter(#some(::std::borrow::ToOwned::to_owned(bucket)))
                    .build()
                    .map_err(|e| failed(&e))?;
                let output = crate::orchestrator::invoke::<crate::operation::#module::#name>(handle, input)
                    .await
                    .map_err(|e| failed(&e))?;
                let session = #credentials;
                #ok(crate::credentials::Credentials::new(
                    #access_key_id,
                    #secret_access_key,
                    #some(#session_token),
                    ::std::time::SystemTime::try_from(#expiration).ok(),
                ))
            })
        }
    }
}

/// Where requests go: the endpoint rules evaluated with the config's built-in parameters, or,
/// for a service without rules, the configured endpoint URL.
fn resolve_endpoint(krate: &Crate) -> TokenStream {
    let Std { some, none, result, ok, err, boxed, send, sync, .. } = Std::of(krate);
    let target = quote! {
        #result<
            crate::orchestrator::Target,
            #boxed<dyn ::std::error::Error + #send + #sync>,
        >
    };
    let Some(endpoints) = &krate.endpoints else {
        return quote! {
            /// The configured endpoint URL: the model has no endpoint rules.
            pub(crate) fn resolve_endpoint(config: &crate::config::Config) -> #target {
                match config.endpoint_url() {
                    #some(url) => #ok(crate::orchestrator::Target::new(url)),
                    #none => #err(
                        "the service's model has no endpoint rules: set `endpoint_url` on the config".into(),
                    ),
                }
            }
        };
    };
    // Other built-ins (S3's, STS's, account ids) are left unset: their rules' defaults apply.
    let sets = endpoints.params.iter().filter_map(|p| {
        let ident = id(&p.ident);
        let value = match p.built_in.as_deref()? {
            "AWS::Region" => quote!(config.region().map(::std::borrow::ToOwned::to_owned)),
            "AWS::UseFIPS" => quote!(#some(config.use_fips())),
            "AWS::UseDualStack" => quote!(#some(config.use_dual_stack())),
            "SDK::Endpoint" => quote!(config.endpoint_url().map(::std::borrow::ToOwned::to_owned)),
            "AWS::S3::ForcePathStyle" => quote!(#some(config.s3().force_path_style)),
            "AWS::S3::Accelerate" => quote!(#some(config.s3().accelerate)),
            "AWS::S3::UseArnRegion" => quote!(#some(config.s3().use_arn_region)),
            "AWS::S3::DisableMultiRegionAccessPoints" => quote!(#some(config.s3().disable_multi_region_access_points)),
            _ => return None,
        };
        Some(quote!(params.#ident = #value;))
    });
    // S3 Express sessions are per bucket.
    let express_bucket = krate.service.s3_express.as_ref().map(|express| {
        let param = id(&express.bucket_param);
        quote! {
            if target.s3_express {
                target.bucket = params.#param;
            }
        }
    });
    quote! {
        /// The endpoint the service's rules choose for the config's Region, FIPS, dual-stack,
        /// endpoint URL and S3 settings, and the parameters an operation sets with `operation`.
        pub(crate) fn resolve_endpoint(
            config: &crate::config::Config,
            operation: impl FnOnce(&mut crate::endpoint_rules::Params),
        ) -> #target {
            let mut params = crate::endpoint_rules::Params::new();
            #(#sets)*
            operation(&mut params);
            let endpoint = crate::endpoint_rules::resolve(&params)?;
            let mut target = crate::orchestrator::Target::new(endpoint.url.as_str()).with_properties(&endpoint.properties);
            for (name, values) in &endpoint.headers {
                for value in values {
                    target.headers.push((name.clone(), value.clone()));
                }
            }
            #express_bucket
            #ok(target)
        }
    }
}

/// The runtime's `ChecksumSettings` for an operation's checksums, as a constant expression.
pub fn checksum_settings(k: &Crate, c: &Checksums) -> TokenStream {
    let Std { some, none, .. } = Std::of(k);
    let header = |h: &Option<String>| match h {
        Some(name) => quote!(#some(#name)),
        None => quote!(#none),
    };
    let (flexible, required) = (c.flexible, c.required);
    let (algorithm, mode) = (header(&c.request_algorithm_header), header(&c.response_mode_header));
    let (algorithms, glacier) = (&c.response_algorithms, c.glacier_tree_hash);
    quote! {
        crate::http::ChecksumSettings {
            flexible: #flexible,
            required: #required,
            request_algorithm_header: #algorithm,
            response_mode_header: #mode,
            response_algorithms: &[#(#algorithms),*],
            glacier_tree_hash: #glacier,
        }
    }
}

/// The call resolving the operation's endpoint, and whether it reads the input (the operation
/// sets endpoint parameters, with its `endpoint_params`).
fn endpoint_call(k: &Crate, op: &Operation) -> (TokenStream, bool) {
    if k.endpoints.is_none() {
        return (quote!(crate::client::resolve_endpoint(config)), false);
    }
    if op.endpoint_arguments.is_empty() {
        return (quote!(crate::client::resolve_endpoint(config, |_| {})), false);
    }
    (quote!(crate::client::resolve_endpoint(config, |params| Self::endpoint_params(input, params))), true)
}

/// `endpoint_params`, which sets the endpoint parameters the operation binds to input members
/// (`@contextParam`) or fixes (`@staticContextParams`): for the client, and for the case tests
/// that check where a request goes. None when the operation sets none.
pub fn endpoint_params_fn(k: &Crate, op: &Operation) -> Option<TokenStream> {
    let Std { some, .. } = Std::of(k);
    let endpoints = k.endpoints.as_ref().filter(|_| !op.endpoint_arguments.is_empty())?;
    let input = k.structure(op.input);
    let mut reads_input = false;
    let sets: Vec<TokenStream> = op
        .endpoint_arguments
        .iter()
        .map(|a| {
            let param = id(&endpoints.params[a.param].ident);
            let value = match &a.value {
                EndpointArgumentValue::Field(field) => {
                    reads_input = true;
                    let f = &input.fields[*field];
                    let ident = id(&f.ident);
                    match (&f.ty, f.optional) {
                        (RustType::Bool, true) => quote!(input.#ident),
                        (RustType::Bool, false) => quote!(#some(input.#ident)),
                        (_, true) => quote!(input.#ident.clone()),
                        (_, false) => quote!(#some(input.#ident.clone())),
                    }
                }
                EndpointArgumentValue::Fixed(EndpointValue::Bool(b)) => quote!(#some(#b)),
                EndpointArgumentValue::Fixed(EndpointValue::String(text)) => quote!(#some(#text.to_owned())),
                EndpointArgumentValue::Fixed(EndpointValue::StringArray(items)) => {
                    quote!(#some(::std::vec![#(#items.to_owned()),*]))
                }
            };
            quote!(params.#param = #value;)
        })
        .collect();
    let name = id(&op.names.name);
    let input_ty = id(&input.name);
    let input_param = if reads_input { quote!(input) } else { quote!(_input) };
    let tested = op.request_tests.iter().any(|t| t.endpoint.is_some());
    let cfg = if tested { quote!(#[cfg(any(feature = "client", test))]) } else { quote!(#[cfg(feature = "client")]) };
    Some(quote! {
        #cfg
        impl #name {
            /// Sets the endpoint parameters the operation takes from `input` or fixes.
            #[inline]
            pub(crate) fn endpoint_params(#input_param: &#input_ty, params: &mut crate::endpoint_rules::Params) {
                #(#sets)*
            }
        }
    })
}

/// The operation's items for the orchestrator, added to `operation/<op>.rs`.
pub fn operation_impls(k: &Crate, op: &Operation) -> TokenStream {
    let Std { option, some, none, result, ok, vec, boxed, send, sync, .. } = Std::of(k);
    let (name, error) = (id(&op.names.name), id(&op.names.error));
    let input = id(&k.structure(op.input).name);
    let output = id(&k.structure(op.output).name);
    let name_text = &op.names.name;
    let endpoint_params = endpoint_params_fn(k, op);
    let (resolve, reads_input) = endpoint_call(k, op);
    let input_param = if reads_input { quote!(input) } else { quote!(_input) };
    let endpoint_from_input = reads_input.then(|| {
        quote!(
            const SHARED_ENDPOINT: bool = false;
        )
    });
    let retry_arms = op.errors.iter().filter_map(|e| {
        let Role::Error(info) = &k.structure(e.error).role else { return None };
        let retryable = info.retryable?;
        let variant = id(&e.variant);
        let kind = if retryable.throttling { quote!(Throttling) } else { quote!(Transient) };
        Some(quote! {
            #error::#variant(_) => #some(crate::orchestrator::RetryKind::#kind),
        })
    });
    let paginated = op.pagination.as_ref().map(|p| {
        let input_s = k.structure(op.input);
        let token_field = id(&input_s.fields[p.input_token].ident);
        let token_ty = type_tokens(k, &p.token);
        let next = path_ref(k, &p.output_token, quote!(output));
        let items = p.items.as_ref().map(|(path, ty)| {
            let (item, collect) = match ty {
                RustType::List { item, sparse } => (element(k, item, *sparse), quote!()),
                RustType::Map { key, value, sparse } => {
                    let (key, value) = (type_tokens(k, key), element(k, value, *sparse));
                    (quote!((#key, #value)), quote!(.into_iter().collect()))
                }
                _ => unreachable!("items are a list or a map (checked in the IR)"),
            };
            let all = path_owned(k, path, quote!(output));
            quote! {
                #[cfg(feature = "client")]
                impl crate::orchestrator::PaginatedItems for #name {
                    type Item = #item;
                    fn into_items(output: #output) -> #vec<#item> {
                        #all #collect
                    }
                }
            }
        });
        quote! {
            #[cfg(feature = "client")]
            impl crate::orchestrator::Paginated for #name {
                type Token = #token_ty;
                fn set_token(input: &mut #input, token: #option<#token_ty>) {
                    input.#token_field = token;
                }
                fn next_token(output: &#output) -> #option<&#token_ty> {
                    #next
                }
            }
            #items
        }
    });
    let compression = (!op.request_compression.is_empty()).then(|| {
        let encodings = &op.request_compression;
        quote!(const REQUEST_COMPRESSION: &'static [&'static str] = &[#(#encodings),*];)
    });
    let checksums = op.checksums.as_ref().map(|c| {
        let settings = checksum_settings(k, c);
        quote!(const CHECKSUMS: #option<crate::http::ChecksumSettings> = #some(#settings);)
    });
    let long_polling = op.long_polling.then(|| {
        quote!(
            const LONG_POLLING: bool = true;
        )
    });
    let unsigned = op.unsigned.then(|| {
        quote!(
            const UNSIGNED: bool = true;
        )
    });
    let option_stream = quote!(#option<crate::primitives::ByteStream>);
    let take_stream = k.structure(op.input).stream().map(|f| {
        let field = id(&f.ident);
        let requires_length = op.requires_length.then(|| {
            quote!(
                const REQUIRES_LENGTH: bool = true;
            )
        });
        quote! {
            #requires_length
            fn take_stream(input: &mut #input) -> #option_stream {
                #some(::std::mem::take(&mut input.#field))
            }
        }
    });
    let set_stream = k.structure(op.output).stream().map(|f| {
        let field = id(&f.ident);
        quote! {
            const STREAMING_OUTPUT: bool = true;
            fn set_stream(output: &mut #output, body: crate::primitives::ByteStream) {
                output.#field = body;
            }
        }
    });
    let take_events = k.structure(op.input).event_stream().map(|(f, _)| {
        let field = id(&f.ident);
        // The RPC protocols send the input's other members first, in an `initial-request`.
        let initial = (!k.http_bindings()).then(|| quote!(.with_initial(#name::initial_request_message(input))));
        quote! {
            fn take_events(input: &mut #input) -> #option<crate::event_stream::EventBody> {
                let body = crate::event_stream::EventBody::new(
                    ::std::mem::take(&mut input.#field),
                    #name::marshal_event,
                    #name::marshal_error_event,
                );
                #some(body #initial)
            }
        }
    });
    let initial_response = k.structure(op.output).event_stream().filter(|_| !k.http_bindings()).map(|(f, _)| {
        let field = id(&f.ident);
        quote! {
            fn read_initial_response(output: &mut #output) -> #option<crate::orchestrator::InitialResponse<'_>> {
                #some(::std::boxed::Box::pin(async move {
                    if let #some(message) = output.#field.initial_response().await.map_err(|e| e.to_string())? {
                        #name::read_initial_response(output, &message)?;
                    }
                    #ok(())
                }))
            }
        }
    });
    let receive_events = k.structure(op.output).event_stream().map(|(f, u)| {
        let field = id(&f.ident);
        let names = &k.union(u).event_stream.as_ref().expect("an event stream union (the IR)").names;
        let unmarshal = id(&names.unmarshal);
        quote! {
            const STREAMING_OUTPUT: bool = true;
            fn set_stream(output: &mut #output, body: crate::primitives::ByteStream) {
                output.#field = crate::event_stream::EventReceiver::new(body, crate::protocol::#unmarshal);
            }
        }
    });
    quote! {
        #endpoint_params
        #[cfg(feature = "client")]
        impl crate::orchestrator::Operation for #name {
            type Input = #input;
            type Output = #output;
            type Error = #error;
            const NAME: &'static str = #name_text;
            #compression
            #checksums
            #long_polling
            #unsigned
            #take_stream
            #set_stream
            #take_events
            #receive_events
            #initial_response
            #[inline]
            fn serialize(input: &#input) -> #result<crate::http::HttpRequest, crate::error::BuildError> {
                Self::serialize_request(input)
            }
            #[inline]
            fn deserialize(response: &crate::http::HttpResponse) -> #result<#output, #error> {
                Self::deserialize_response(response)
            }
            #endpoint_from_input
            #[inline]
            fn endpoint(
                config: &crate::config::Config,
                #input_param: &#input,
            ) -> #result<
                crate::orchestrator::Target,
                #boxed<dyn ::std::error::Error + #send + #sync>,
            > {
                #resolve
            }
            #[allow(clippy::match_single_binding)]
            #[inline]
            fn retry_kind(error: &#error) -> #option<crate::orchestrator::RetryKind> {
                match error {
                    #(#retry_arms)*
                    _ => #none,
                }
            }
        }
        #[cfg(feature = "client")]
        impl crate::orchestrator::CreateUnhandledError for #error {
            fn create_unhandled_error(unhandled: crate::error::Unhandled) -> Self {
                Self::Unhandled(unhandled)
            }
        }
        #paginated
    }
}

/// An `Option<&T>` expression for the value at the end of `path`, starting from `root` (a
/// reference to the path's first structure).
fn path_ref(k: &Crate, path: &MemberPath, root: TokenStream) -> TokenStream {
    let Std { some, .. } = Std::of(k);
    match path_expr(k, path, root, true) {
        Reached::Always(place) => quote!(#some(&#place)),
        Reached::Maybe(option) => option,
    }
}

/// A `T` expression taking the value at the end of `path` out of `root` (the path's first
/// structure, by value), its default when an optional member on the way is unset.
fn path_owned(k: &Crate, path: &MemberPath, root: TokenStream) -> TokenStream {
    match path_expr(k, path, root, false) {
        Reached::Always(place) => place,
        Reached::Maybe(option) => quote!(#option.unwrap_or_default()),
    }
}

/// What following a member path gives.
enum Reached {
    /// A place expression: every member on the way is required.
    Always(TokenStream),
    /// An `Option` of the value (a reference to it when following by reference).
    Maybe(TokenStream),
}

fn path_expr(k: &Crate, path: &MemberPath, root: TokenStream, by_ref: bool) -> Reached {
    let mut reached = Reached::Always(root);
    for step in &path.steps {
        let f = &k.structure(step.structure).fields[step.field];
        let ident = id(&f.ident);
        // The optional field of `v` as an `Option` (of a reference when `by_ref`), unboxed.
        let field = |v: TokenStream| match (f.boxed, by_ref) {
            (true, true) => quote!(#v.#ident.as_deref()),
            (false, true) => quote!(#v.#ident.as_ref()),
            (true, false) => quote!(#v.#ident.map(|b| *b)),
            (false, false) => quote!(#v.#ident),
        };
        reached = match reached {
            Reached::Always(place) if !f.optional => {
                Reached::Always(if f.boxed { quote!((*#place.#ident)) } else { quote!(#place.#ident) })
            }
            Reached::Always(place) => Reached::Maybe(field(place)),
            Reached::Maybe(option) if !f.optional => {
                let value = match (f.boxed, by_ref) {
                    (true, true) => quote!(&*v.#ident),
                    (false, true) => quote!(&v.#ident),
                    (true, false) => quote!(*v.#ident),
                    (false, false) => quote!(v.#ident),
                };
                Reached::Maybe(quote!(#option.map(|v| #value)))
            }
            Reached::Maybe(option) => {
                let inner = field(quote!(v));
                Reached::Maybe(quote!(#option.and_then(|v| #inner)))
            }
        };
    }
    reached
}

/// The fluent builder (and paginator) for `operation/<op>/builders.rs`.
pub fn fluent_builder(k: &Crate, op: &Operation) -> TokenStream {
    let Std { result, default, .. } = Std::of(k);
    let (name, module, error) = (id(&op.names.name), id(&op.names.module), id(&op.names.error));
    let input = k.structure(op.input);
    let (fluent, input_builder) = (id(&op.names.fluent_builder), id(&input.builder));
    let output = id(&k.structure(op.output).name);
    let doc = format!(
        " Fluent builder for the `{name}` operation: set the input's members, then call \
         [`send`](Self::send)."
    );
    let setters = input.fields.iter().map(|f| delegating_setters(k, f));
    let paginator = op.pagination.as_ref().map(|p| {
        let pag = id(&op.names.paginator);
        let page_size = p.page_size.as_ref().map(|(field, ty)| {
            let field = id(&input.fields[*field].ident);
            let ty = type_tokens(k, ty);
            quote! {
                /// The number of results per page.
                pub fn page_size(mut self, page_size: #ty) -> Self {
                    self.inner = self.inner.#field(page_size);
                    self
                }
            }
        });
        let items = p.items.is_some().then(|| {
            quote! {
                /// The items of every page, fetched page by page as they are consumed.
                pub fn items(self) -> crate::orchestrator::ItemStream<crate::operation::#module::#name> {
                    self.send().items()
                }
            }
        });
        let pag_doc = format!(
            " Pages of the `{}` operation: see [`{}::into_paginator`].",
            op.names.name, op.names.fluent_builder
        );
        quote! {
            #[doc = #pag_doc]
            #[cfg(feature = "client")]
            #[derive(Clone, Debug)]
            pub struct #pag {
                handle: ::std::sync::Arc<crate::orchestrator::Handle>,
                inner: #input_builder,
            }
            #[cfg(feature = "client")]
            impl #pag {
                #page_size
                /// The pages, fetched one at a time as they are consumed. Paging stops when the
                /// service returns no token, an empty one, or the token it was sent.
                pub fn send(self) -> crate::orchestrator::PaginationStream<crate::operation::#module::#name> {
                    crate::orchestrator::PaginationStream::new(self.handle, self.inner.build())
                }
                #items
            }
        }
    });
    let into_paginator = op.pagination.as_ref().map(|_| {
        let pag = id(&op.names.paginator);
        quote! {
            /// Pages through the results instead of fetching one page.
            pub fn into_paginator(self) -> #pag {
                #pag { handle: self.handle, inner: self.inner }
            }
        }
    });
    // A streaming input is sent once: it cannot be cloned.
    let derive_clone = (!input.is_streaming()).then(|| quote!(Clone,));
    quote! {
        #[doc = #doc]
        #[cfg(feature = "client")]
        #[derive(#derive_clone Debug)]
        pub struct #fluent {
            handle: ::std::sync::Arc<crate::orchestrator::Handle>,
            inner: #input_builder,
        }
        #[cfg(feature = "client")]
        impl #fluent {
            pub(crate) fn new(handle: ::std::sync::Arc<crate::orchestrator::Handle>) -> Self {
                #fluent { handle, inner: #default::default() }
            }
            /// The input built so far.
            pub fn as_input(&self) -> &#input_builder {
                &self.inner
            }
            /// Builds the input and calls the operation.
            #[inline]
            pub async fn send(
                self,
            ) -> #result<
                crate::operation::#module::#output,
                crate::orchestrator::SdkError<crate::operation::#module::#error>,
            > {
                let input = self.inner.build().map_err(crate::orchestrator::SdkError::construction)?;
                crate::orchestrator::invoke::<crate::operation::#module::#name>(&self.handle, input).await
            }
            #into_paginator
            #(#setters)*
        }
        #paginator
    }
}

/// The input builder's setters, forwarded.
pub(super) fn delegating_setters(k: &Crate, f: &Field) -> TokenStream {
    let Std { option, .. } = Std::of(k);
    let ident = id(&f.ident);
    let (set, get) = (id(&f.setter), id(&f.getter));
    let ty = value_type(k, f);
    let docs = doc_attrs(&f.docs, MISSING_DOCS);
    let deprecated = deprecated_attr(f.deprecated.as_ref());
    let (params, args) = main_setter_params(k, f);
    let main = quote! {
        #[inline] pub fn #ident(mut self, #params) -> Self {
            self.inner = self.inner.#ident(#args);
            self
        }
    };
    quote! {
        #docs
        #deprecated
        #main
        #docs
        #deprecated
        #[inline] pub fn #set(mut self, input: #option<#ty>) -> Self {
            self.inner = self.inner.#set(input);
            self
        }
        #docs
        #deprecated
        #[inline] pub fn #get(&self) -> &#option<#ty> {
            self.inner.#get()
        }
    }
}
