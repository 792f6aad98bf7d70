//! Per-operation restJson1 code: the input to an HTTP request, an HTTP response to the output or
//! the operation's error. Sans-IO: requests and responses are plain values.

use proc_macro2::TokenStream;
use quote::quote;

use super::json::{
    error_correction, finish_build, format_tokens, has_body_fields, read_fields, read_value, write_fields, write_value,
    Codec,
};
use crate::ir::{Crate, Field, Location, Named, Operation, PathSegment, RustType, StructId, Structure};
use crate::model::TimestampFormat;
use crate::render::id;
use crate::render::std_paths::Std;
use crate::render::types::{named_tokens, type_tokens};

/// Where outside the body a scalar is bound; it decides the text format.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Label,
    Query,
    Header,
}

impl Place {
    /// Timestamps are http-dates in headers and date-times elsewhere, unless the model says.
    fn default_timestamp_format(self) -> TimestampFormat {
        match self {
            Place::Header => TimestampFormat::HttpDate,
            Place::Label | Place::Query => TimestampFormat::DateTime,
        }
    }
}

/// An expression of type `String`: a scalar bound to a label, query parameter or header.
/// `value` has type `&T`; `?` returns a `BuildError`.
fn scalar_text(k: &Crate, field: &Field, ty: &RustType, value: &TokenStream, place: Place) -> TokenStream {
    let Std { string, .. } = Std::of(k);
    let name = field.bare();
    match ty {
        RustType::String if field.media_type.is_some() && place == Place::Header => {
            // Headers carrying a `@mediaType` string are base64-encoded.
            quote!(crate::primitives::base64::encode(#value.as_bytes()))
        }
        RustType::String => quote!(#value.to_string()),
        RustType::Bool | RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64 => quote!(#value.to_string()),
        RustType::F32 => quote!(crate::primitives::f32_text(*#value)),
        RustType::F64 => quote!(crate::primitives::float_text(*#value)),
        RustType::BigInteger | RustType::BigDecimal => quote!(#value.as_str().to_owned()),
        RustType::DateTime(format) => {
            let format = format_tokens(*format, place.default_timestamp_format());
            quote!(#value.fmt(#format).map_err(|e| crate::error::BuildError::invalid_field(#name, e.to_string()))?)
        }
        RustType::Blob => quote!(crate::primitives::base64::encode(#value)),
        RustType::Enum(_) => quote!(#value.as_str().to_owned()),
        RustType::IntEnum(_) => quote!(#value.as_i32().to_string()),
        RustType::Document
        | RustType::ByteStream
        | RustType::EventSender(_)
        | RustType::EventReceiver(_)
        | RustType::Structure(_)
        | RustType::Union(_)
        | RustType::List { .. }
        | RustType::Map { .. } => {
            quote!(#string::new())
        }
    }
}

/// An expression of type `Result<T, String>` parsing header text `text` (a `&str`).
fn parse_scalar(k: &Crate, field: &Field, ty: &RustType, text: &TokenStream) -> TokenStream {
    let Std { result, string, .. } = Std::of(k);
    let err = quote!(.map_err(|e| e.to_string()));
    match ty {
        RustType::String if field.media_type.is_some() => quote!(
            crate::primitives::base64::decode(#text.trim())#err
                .and_then(|bytes| #string::from_utf8(bytes)#err)
        ),
        RustType::String => quote!(#result::<_, #string>::Ok(#text.to_owned())),
        RustType::Bool => quote!(#text.trim().parse::<bool>()#err),
        RustType::I8 => quote!(#text.trim().parse::<i8>()#err),
        RustType::I16 => quote!(#text.trim().parse::<i16>()#err),
        RustType::I32 => quote!(#text.trim().parse::<i32>()#err),
        RustType::I64 => quote!(#text.trim().parse::<i64>()#err),
        RustType::F32 => quote!(crate::primitives::parse_float(#text).map(|f| f as f32)),
        RustType::F64 => quote!(crate::primitives::parse_float(#text)),
        RustType::BigInteger => {
            quote!(#result::<_, #string>::Ok(crate::primitives::BigInteger::new(#text.trim())))
        }
        RustType::BigDecimal => {
            quote!(#result::<_, #string>::Ok(crate::primitives::BigDecimal::new(#text.trim())))
        }
        RustType::DateTime(format) => {
            let format = format_tokens(*format, Place::Header.default_timestamp_format());
            quote!(crate::primitives::DateTime::from_str(#text.trim(), #format)#err)
        }
        RustType::Blob => quote!(crate::primitives::base64::decode(#text.trim()).map(crate::primitives::Blob::new)#err),
        RustType::Enum(_) => {
            let ty = type_tokens(k, ty);
            quote!(#result::<_, #string>::Ok(#ty::from(#text.trim())))
        }
        RustType::IntEnum(_) => {
            let ty = type_tokens(k, ty);
            quote!(#text.trim().parse::<i32>().map(#ty::from)#err)
        }
        _ => quote!(#result::<_, #string>::Err("unsupported header type".to_owned())),
    }
}

/// `serialize_request`: builds the HTTP request for an input.
pub fn serialize_request(k: &Crate, op: &Operation) -> TokenStream {
    let Std { some, none, result, ok, err, string, vec, .. } = Std::of(k);
    let input = k.structure(op.input);
    let input_ty = id(&input.name);
    let Some(http) = &op.http else {
        return quote! {
            /// Builds the HTTP request for `input`. The model gives this operation no `@http`
            /// binding, so there is no request to build.
            #[inline]
            pub fn serialize_request(input: &#input_ty) -> #result<crate::http::HttpRequest, crate::error::BuildError> {
                let _ = input;
                #err(crate::error::BuildError::invalid_field("input", "the operation has no HTTP binding"))
            }
        };
    };
    let method = &http.method;

    // Literal text is gathered so each run of it is pushed once.
    let mut path_code = Vec::new();
    let mut literal = String::new();
    let flush = |literal: &mut String, code: &mut Vec<TokenStream>| {
        let mut chars = literal.chars();
        match (chars.next(), chars.next()) {
            (None, _) => {}
            (Some(c), None) => code.push(quote!(uri.push(#c);)),
            _ => code.push(quote!(uri.push_str(#literal);)),
        }
        literal.clear();
    };
    for segment in &http.path {
        literal.push('/');
        let (field, greedy, unset) = match segment {
            PathSegment::Literal(text) => {
                literal.push_str(text);
                continue;
            }
            PathSegment::Label { field, greedy, unset } => (&input.fields[*field], *greedy, unset),
        };
        flush(&mut literal, &mut path_code);
        let ident = id(&field.ident);
        let name = field.bare();
        let text = scalar_text(k, field, &field.ty, &quote!(value), Place::Label);
        let encode = if greedy { quote!(crate::http::encode_greedy_label) } else { quote!(crate::http::encode_label) };
        path_code.push(match unset {
            // A service customization stands in for an unset or empty value.
            Some(stand_in) => quote! {
                let text = match input.#ident.as_ref() {
                    #some(value) => #text,
                    #none => #string::new(),
                };
                let text = if text.is_empty() { #string::from(#stand_in) } else { text };
                uri.push_str(&#encode(&text));
            },
            None => quote! {
                let value = input.#ident.as_ref().ok_or_else(|| crate::error::BuildError::missing_field(#name, "a URI label must be set"))?;
                let text = #text;
                if text.is_empty() {
                    return #err(crate::error::BuildError::missing_field(#name, "a URI label cannot be empty"));
                }
                uri.push_str(&#encode(&text));
            },
        });
    }
    flush(&mut literal, &mut path_code);

    // The `@http` URI's own query is already in wire form: it goes in as written.
    let constant_query = http.query.as_ref().map(|q| {
        let q = format!("?{q}");
        quote!(uri.push_str(#q);)
    });
    let mut query_code = Vec::new();
    let explicit: Vec<&str> = input
        .fields
        .iter()
        .filter_map(|f| if let Location::Query(name) = &f.location { Some(name.as_str()) } else { None })
        .collect();
    for field in &input.fields {
        let ident = id(&field.ident);
        let value = field_value(k, field, &quote!(input));
        match &field.location {
            Location::Query(name) => {
                let push = match &field.ty {
                    RustType::List { item, .. } => {
                        let text = scalar_text(k, field, item, &quote!(item), Place::Query);
                        quote!(for item in value.iter() { query.push((#string::from(#name), #text)); })
                    }
                    ty => {
                        let text = scalar_text(k, field, ty, &quote!(value), Place::Query);
                        quote!(query.push((#string::from(#name), #text));)
                    }
                };
                query_code.push(quote!(if let #some(value) = #value { #push }));
            }
            Location::QueryParams => {
                // Values are strings or enums, or lists of them.
                let push = match &field.ty {
                    RustType::Map { value: v, .. } => match &**v {
                        RustType::List { item, .. } => {
                            let text = scalar_text(k, field, item, &quote!(item), Place::Query);
                            quote!(for item in value.iter() { query.push((key.as_str().to_owned(), #text)); })
                        }
                        v => {
                            let text = scalar_text(k, field, v, &quote!(value), Place::Query);
                            quote!(query.push((key.as_str().to_owned(), #text));)
                        }
                    },
                    _ => quote!(),
                };
                query_code.push(quote! {
                    if let #some(params) = &input.#ident {
                        // Explicit `@httpQuery` members win over the same key in the map.
                        for (key, value) in params.iter() {
                            if [#(#explicit),*].contains(&key.as_str()) {
                                continue;
                            }
                            #push
                        }
                    }
                });
            }
            _ => {}
        }
    }
    let query_block = (!query_code.is_empty()).then(|| {
        quote! {
            let mut query: #vec<(#string, #string)> = #vec::new();
            #(#query_code)*
            crate::rest_json::push_query(&mut uri, &query);
        }
    });

    // What the service's SDKs add to every request (API Gateway's `Accept`, ...).
    let mut header_code: Vec<TokenStream> =
        k.service.fixed_headers.iter().map(|(name, value)| quote!(headers.insert(#name, #value);)).collect();
    for field in &input.fields {
        let ident = id(&field.ident);
        let value = field_value(k, field, &quote!(input));
        match &field.location {
            Location::Header(name) => {
                let set = match &field.ty {
                    RustType::List { item, .. } => {
                        let text = scalar_text(k, field, item, &quote!(item), Place::Header);
                        let join = if matches!(**item, RustType::DateTime(_)) {
                            quote!(items.join(", "))
                        } else {
                            quote!(crate::http::join_header_list(items.iter().map(#string::as_str)))
                        };
                        quote! {
                            let mut items = #vec::new();
                            for item in value.iter() { items.push(#text); }
                            headers.insert(#name, #join);
                        }
                    }
                    ty => {
                        let text = scalar_text(k, field, ty, &quote!(value), Place::Header);
                        quote!(headers.insert(#name, #text);)
                    }
                };
                header_code.push(quote!(if let #some(value) = #value { #set }));
            }
            Location::PrefixHeaders(prefix) => header_code.push(quote! {
                if let #some(map) = &input.#ident {
                    for (key, value) in map.iter() {
                        headers.insert(::std::format!("{}{}", #prefix, key), value.clone());
                    }
                }
            }),
            _ => {}
        }
    }

    let body_code = request_body(k, input);
    let content_length = body_code.as_ref().map(|_| {
        quote! {
            if !body.is_empty() {
                headers.insert("Content-Length", body.len().to_string());
            }
        }
    });
    let mut_headers =
        if header_code.is_empty() && body_code.is_none() { quote!(let headers) } else { quote!(let mut headers) };
    let body_code = body_code.unwrap_or_else(|| quote!(let body = #vec::new();));
    // Labels the endpoint carries instead (S3's bucket) are not read here.
    // Nor are events, which the client sends itself.
    let reads_input =
        input.fields.iter().any(|f| f.location != Location::Label && !matches!(f.ty, RustType::EventSender(_)))
            || http.path.iter().any(|s| matches!(s, PathSegment::Label { .. }));
    let input_param = if reads_input { quote!(input) } else { quote!(_input) };
    quote! {
        /// Builds the HTTP request for `input` (path, query and headers; the endpoint's scheme and
        /// host are the transport's business).
        ///
        /// Fails when a URI label is unset or empty, or a value cannot be written.
        #[inline]
        pub fn serialize_request(#input_param: &#input_ty) -> #result<crate::http::HttpRequest, crate::error::BuildError> {
            let mut uri = #string::new();
            #(#path_code)*
            #constant_query
            #query_block
            #mut_headers = crate::http::Headers::new();
            #(#header_code)*
            #body_code
            #content_length
            #ok(crate::http::HttpRequest { method: #string::from(#method), uri, headers, body })
        }
    }
}

/// The expression for a field's value as `Option<&T>`, filling an unset `@idempotencyToken`.
fn field_value(k: &Crate, field: &Field, container: &TokenStream) -> TokenStream {
    let Std { some, .. } = Std::of(k);
    let ident = id(&field.ident);
    if field.idempotency_token && field.ty == RustType::String {
        quote!(#some(&#container.#ident.clone().unwrap_or_else(crate::http::new_idempotency_token)))
    } else if field.optional {
        quote!(#container.#ident.as_ref())
    } else {
        quote!(#some(&#container.#ident))
    }
}

/// Statements binding `body` (and setting Content-Type), or None when the request has no body.
fn request_body(k: &Crate, input: &Structure) -> Option<TokenStream> {
    let Std { some, none, vec, .. } = Std::of(k);
    let xml = matches!(Codec::of(k), Codec::Xml(_));
    let content_type = |ct: &str| {
        quote! {
            if !headers.contains("Content-Type") {
                headers.insert("Content-Type", #ct);
            }
        }
    };
    if let Some(field) = input.fields.iter().find(|f| f.location == Location::Payload) {
        let ident = id(&field.ident);
        let code = match &field.ty {
            RustType::Blob => {
                let ct = content_type(field.media_type.as_deref().unwrap_or("application/octet-stream"));
                quote!(match &input.#ident {
                    #some(blob) => { #ct blob.as_ref().to_vec() }
                    #none => #vec::new(),
                })
            }
            // The bytes of a stream in memory; any other is the client's to send as it reads it.
            RustType::ByteStream => {
                let ct = field.media_type.as_deref().unwrap_or("application/octet-stream");
                quote!({
                    let stream = &input.#ident;
                    if stream.content_length() != #some(0) && !headers.contains("Content-Type") {
                        headers.insert("Content-Type", #ct);
                    }
                    stream.in_memory().map(<[u8]>::to_vec).unwrap_or_default()
                })
            }
            // The events are the client's to send, each a message of its own.
            RustType::EventSender(_) => quote!({
                headers.insert("Content-Type", "application/vnd.amazon.eventstream");
                #vec::new()
            }),
            RustType::String | RustType::Enum(_) => {
                let ct = content_type(field.media_type.as_deref().unwrap_or("text/plain"));
                quote!(match &input.#ident {
                    #some(text) => { #ct text.as_str().as_bytes().to_vec() }
                    #none => #vec::new(),
                })
            }
            RustType::Structure(_) | RustType::Union(_) if xml => {
                let ct = content_type(field.media_type.as_deref().unwrap_or("application/xml"));
                // The member's `@xmlName`, else the target's name; its namespace, else the
                // target's, else the service's.
                let (target_name, target_ns) = match &field.ty {
                    RustType::Structure(id) => (&k.structure(*id).xml_name, &k.structure(*id).xml_namespace),
                    RustType::Union(id) => (&k.union(*id).xml_name, &k.union(*id).xml_namespace),
                    _ => unreachable!("matched a structure or union"),
                };
                let name = if field.xml.renamed { &field.xml.name } else { target_name };
                let ns = field.xml.namespace.as_ref().or(target_ns.as_ref()).or(k.service.xml_namespace.as_ref());
                let write = super::xml::write_root(k, name, ns, &field.ty, &quote!(value));
                quote!(match &input.#ident {
                    #some(value) => {
                        #ct
                        let mut writer = crate::xml::XmlWriter::new();
                        let w = &mut writer;
                        #write
                        writer.finish().into_bytes()
                    }
                    #none => #vec::new(),
                })
            }
            ty => {
                let ct = content_type(field.media_type.as_deref().unwrap_or("application/json"));
                let write = write_value(k, ty, &quote!(value), 0);
                // An unset structure payload is an empty JSON object; other payloads send nothing.
                let unset = if matches!(ty, RustType::Structure(_)) {
                    quote!({ #ct b"{}".to_vec() })
                } else {
                    quote!(#vec::new())
                };
                quote!(match &input.#ident {
                    #some(value) => {
                        #ct
                        let mut writer = crate::json::JsonWriter::new();
                        let w = &mut writer;
                        #write
                        writer.finish().into_bytes()
                    }
                    #none => #unset,
                })
            }
        };
        return Some(quote!(let body = #code;));
    }
    if !input.fields.iter().any(|f| matches!(f.location, Location::Body(_))) {
        return None;
    }
    if xml {
        let ct = content_type("application/xml");
        let name = &input.xml_name;
        let ns = super::xml::namespace(input.xml_namespace.as_ref().or(k.service.xml_namespace.as_ref()));
        let body_fields = input.fields.iter().filter(|f| matches!(f.location, Location::Body(_)));
        let writes = super::xml::write_fields(k, body_fields, &quote!(input));
        return Some(quote! {
            #ct
            let mut writer = crate::xml::XmlWriter::new();
            let w = &mut writer;
            w.start(#name);
            #ns
            #writes
            w.end(#name);
            let body = writer.finish().into_bytes();
        });
    }
    let ct = content_type("application/json");
    let writes = write_fields(k, &input.fields, &quote!(input));
    Some(quote! {
        #ct
        let mut writer = crate::json::JsonWriter::new();
        let w = &mut writer;
        w.begin_object();
        #writes
        w.end_object();
        let body = writer.finish().into_bytes();
    })
}

/// Statements setting builder fields from a response's status and headers (`response` bound).
fn read_http_fields(k: &Crate, s: &Structure) -> Vec<TokenStream> {
    let Std { some, result, string, vec, boxed, .. } = Std::of(k);
    let error = Codec::of(k).error();
    let mut code = Vec::new();
    for field in &s.fields {
        let ident = id(&field.ident);
        let name = field.bare();
        match &field.location {
            Location::Header(header) => {
                let parse = match &field.ty {
                    RustType::List { item, .. } => {
                        let split = if matches!(**item, RustType::DateTime(_)) {
                            quote!(crate::http::split_http_date_list(&text))
                        } else {
                            quote!(crate::http::split_header_list(&text))
                        };
                        let item_parse = parse_scalar(k, field, item, &quote!(item.as_str()));
                        quote!(#split.iter().map(|item| #item_parse).collect::<#result<#vec<_>, #string>>())
                    }
                    ty => parse_scalar(k, field, ty, &quote!(text.as_str())),
                };
                let value = if field.boxed { quote!(#boxed::new(value)) } else { quote!(value) };
                code.push(quote! {
                    if let #some(text) = crate::rest_json::header_text(&response.headers, #header) {
                        let value = #parse.map_err(|e| #error::new(::std::format!("header `{}` ({}): {}", #header, #name, e)))?;
                        builder.#ident = #some(#value);
                    }
                });
            }
            // An empty map when no header has the prefix, as AWS SDKs give it.
            Location::PrefixHeaders(prefix) => code.push(quote! {
                builder.#ident = #some(crate::rest_json::prefix_headers(&response.headers, #prefix));
            }),
            Location::ResponseCode => {
                code.push(quote!(builder.#ident = #some(i32::from(response.status));));
            }
            _ => {}
        }
    }
    code
}

/// Statements filling builder fields from the body (payload or members), `response` bound;
/// `?` returns the codec's error. With `lenient` (an error's body), a JSON or CBOR body that is
/// not well formed is passed over rather than failing the error it came with; a raw payload
/// (bytes, text) is taken as it is either way.
fn read_body(k: &Crate, s: &Structure, lenient: bool, op: Option<&Operation>) -> TokenStream {
    let Std { some, string, boxed, .. } = Std::of(k);
    let codec = Codec::of(k);
    if let Codec::Xml(_) = codec {
        if !s.fields.iter().any(|f| f.location == Location::Payload) {
            return read_xml_members(k, s, lenient, op);
        }
    }
    let (reader, error) = (codec.reader(), codec.error());
    let checked = |read: TokenStream| {
        if lenient {
            quote!(if #reader::well_formed(&response.body) { #read })
        } else {
            read
        }
    };
    if let Some(field) = s.fields.iter().find(|f| f.location == Location::Payload) {
        let ident = id(&field.ident);
        let value = match &field.ty {
            RustType::Blob => quote!(#some(crate::primitives::Blob::new(response.body.clone()))),
            RustType::ByteStream => quote!(#some(crate::primitives::ByteStream::from(response.body.clone()))),
            // The events of a body in memory (the sans-IO core); the client streams them.
            RustType::EventReceiver(u) => {
                let names = &k.union(*u).event_stream.as_ref().expect("an event stream union (the IR)").names;
                let unmarshal = id(&names.unmarshal);
                quote!(#some(crate::event_stream::EventReceiver::new(
                    crate::primitives::ByteStream::from(response.body.clone()),
                    crate::protocol::#unmarshal,
                )))
            }
            RustType::String => quote!(#some(
                #string::from_utf8(response.body.clone()).map_err(|e| #error::new(e.to_string()))?
            )),
            RustType::Enum(_) => {
                let ty = type_tokens(k, &field.ty);
                quote!(#some(#ty::from(
                    ::std::str::from_utf8(&response.body).map_err(|e| #error::new(e.to_string()))?
                )))
            }
            ty if matches!(codec, Codec::Xml(_)) => {
                let read = super::xml::read_value(k, ty, &field.xml.nested, &quote!(&element));
                let root = if matches!(ty, RustType::Structure(_)) {
                    quote!(let element = r.root()?;)
                } else {
                    quote!(r.root()?;)
                };
                quote!({
                    let r = &mut #reader::new(&response.body);
                    #root
                    let value = #read;
                    r.finish()?;
                    #some(value)
                })
            }
            ty => {
                let read = read_value(k, ty, 0);
                quote!({
                    let r = &mut #reader::new(&response.body);
                    let value = #read;
                    r.finish()?;
                    #some(value)
                })
            }
        };
        let value = if field.boxed { quote!(#value.map(#boxed::new)) } else { value };
        let set = quote!(builder.#ident = #value;);
        let set = if is_raw(&field.ty) || matches!(codec, Codec::Xml(_)) { set } else { checked(set) };
        return quote! {
            if !response.body.is_empty() {
                #set
            }
        };
    }
    if !has_body_fields(s) {
        return quote!();
    }
    let fields = read_fields(k, s);
    checked(quote! {
        let r = &mut #reader::body(&response.body);
        #fields
        r.finish()?;
    })
}

/// Whether a payload of this type is the body as it is (bytes or text), not a document.
fn is_raw(ty: &RustType) -> bool {
    matches!(ty, RustType::Blob | RustType::ByteStream | RustType::String | RustType::Enum(_))
}

/// Statements filling an XML response's members into `builder`: an error's from its `<Error>`
/// element (`lenient`: a body without one is passed over), the output of the query operation
/// `op` from its result element, a restXml output's from the root element.
fn read_xml_members(k: &Crate, s: &Structure, lenient: bool, op: Option<&Operation>) -> TokenStream {
    if !has_body_fields(s) {
        return quote!();
    }
    let codec = Codec::of(k);
    let body_fields = s.fields.iter().filter(|f| matches!(f.location, Location::Body(_)));
    if lenient {
        let layout = codec.error_layout();
        let fields = super::xml::read_fields(k, s, body_fields, None);
        return quote! {
            let r = &mut crate::xml::XmlReader::new(&response.body);
            if crate::xml::enter_error(r, #layout).is_ok() {
                #fields
            }
        };
    }
    let dialect = match k.protocol {
        Some(crate::model::Protocol::AwsQuery) => Some(quote!(crate::query::Dialect::AwsQuery)),
        Some(crate::model::Protocol::Ec2Query) => Some(quote!(crate::query::Dialect::Ec2Query)),
        _ => None,
    };
    match (dialect, op) {
        (Some(dialect), Some(op)) => {
            let name = op.shape.name();
            let fields = super::xml::read_fields(k, s, body_fields, None);
            quote! {
                let r = &mut crate::xml::XmlReader::new(&response.body);
                crate::query::enter_result(r, #name, #dialect)?;
                #fields
                crate::query::leave_result(r, #dialect)?;
            }
        }
        (None, Some(op)) if op.unwrapped_xml_output => {
            // The root element is the one body member's own.
            let Std { some, .. } = Std::of(k);
            let structure = body_fields.clone().any(|f| matches!(f.ty, RustType::Structure(_)));
            let root = if structure { quote!(let element = r.root()?;) } else { quote!(r.root()?;) };
            let reads = body_fields.map(|f| {
                let ident = id(&f.ident);
                let read = super::xml::read_value(k, &f.ty, &f.xml.nested, &quote!(&element));
                quote!(builder.#ident = #some(#read);)
            });
            quote! {
                if !response.body.is_empty() {
                    let r = &mut crate::xml::XmlReader::new(&response.body);
                    #root
                    #(#reads)*
                    r.finish()?;
                }
            }
        }
        _ => {
            let has_attributes = s.fields.iter().any(|f| f.xml.attribute && matches!(f.location, Location::Body(_)));
            let element = if has_attributes { quote!(let element = r.root()?;) } else { quote!(r.root()?;) };
            let fields = super::xml::read_fields(k, s, body_fields, Some(&quote!(element)));
            quote! {
                if !response.body.is_empty() {
                    let r = &mut crate::xml::XmlReader::new(&response.body);
                    #element
                    #fields
                    r.finish()?;
                }
            }
        }
    }
}

/// Statements reading `s` from `response` into `builder` (status and headers, then the body)
/// and building it after the spec's error correction; `?` returns the codec's error. `lenient`
/// as for [`read_body`]. None when nothing is read, so `builder` need not be `mut`.
fn read_and_build(k: &Crate, s: &Structure, lenient: bool, op: Option<&Operation>) -> (TokenStream, bool) {
    let http_fields = read_http_fields(k, s);
    let body = read_body(k, s, lenient, op);
    let correction = error_correction(k, s);
    let build = finish_build(k, s);
    let reads = !(http_fields.is_empty() && body.is_empty() && correction.is_empty());
    (quote!(#(#http_fields)* #body #correction #build), reads)
}

/// `deserialize_response`: the output for a 2xx response, the operation's error otherwise.
pub fn deserialize_response(k: &Crate, op: &Operation) -> TokenStream {
    let Std { some, none, result, err, .. } = Std::of(k);
    let output = k.structure(op.output);
    let output_ty = id(&output.name);
    let error_ty = id(&op.names.error);
    let (read, reads) = read_and_build(k, output, false, Some(op));
    let builder = if reads { quote!(let mut builder) } else { quote!(let builder) };
    let error_arms = op.errors.iter().map(|e| {
        let variant = id(&e.variant);
        let error = k.structure(e.error);
        let f = id(&error.fns.error_reader);
        let code = match &error.role {
            crate::ir::Role::Error(info) => info.code.as_str(),
            _ => error.name.as_str(),
        };
        quote!(#some(#code) => crate::protocol::#f(response, meta).map(#error_ty::#variant),)
    });
    let error_arms: Vec<TokenStream> = error_arms.collect();
    let codec = Codec::of(k);
    let metadata = codec.error_metadata(&quote!(response));
    // An `awsQueryCompatible` service's metadata carries the query error code; the error's
    // shape is identified by the protocol's own code.
    let (identify, code) = if k.service.query_compatible {
        (
            quote! {
                let identified = #metadata;
                let meta = crate::error::query_compatible(identified.clone(), response);
            },
            quote!(identified.code()),
        )
    } else {
        (quote!(let meta = #metadata;), quote!(meta.code()))
    };
    let error = codec.error();
    let errors_in_200 = op.errors_in_200.then(|| {
        quote! {
            if crate::xml::is_error_document(&response.body) {
                // The service failed after it sent the status: a server failure, retried as one.
                let failed = crate::http::HttpResponse { status: 500, ..response.clone() };
                return #err(Self::deserialize_error(&failed));
            }
        }
    });
    let dispatch = if error_arms.is_empty() {
        quote!(#error_ty::unhandled(meta, #none))
    } else {
        quote! {
            let error = match #code {
                #(#error_arms)*
                _ => #err(crate::error::Unhandled::new(meta, #none)),
            };
            error.unwrap_or_else(#error_ty::Unhandled)
        }
    };
    quote! {
        /// Reads the operation's output from a 2xx response, or its error from any other.
        ///
        /// A response that cannot be understood becomes the `Unhandled` error, whose source is a
        /// [`crate::error::DeserializeError`] carrying the status and the raw body.
        #[inline]
        pub fn deserialize_response(response: &crate::http::HttpResponse) -> #result<#output_ty, #error_ty> {
            if !(200..300).contains(&response.status) {
                return #err(Self::deserialize_error(response));
            }
            #errors_in_200
            let read = || -> #result<#output_ty, #error> {
                #builder = #output_ty::builder();
                #read
            };
            read().map_err(|e| {
                #error_ty::Unhandled(crate::error::Unhandled::unreadable(#metadata, response, e.to_string()))
            })
        }

        /// The operation's error for a non-2xx response, identified as the protocol says
        /// (`X-Amzn-Errortype`, else the body's `code`, else its `__type`; rpcv2Cbor: `__type`);
        /// unknown codes become `Unhandled`.
        #[inline]
        fn deserialize_error(response: &crate::http::HttpResponse) -> #error_ty {
            #identify
            #dispatch
        }
    }
}

/// `de_x_error`: a modeled error from a response (headers, status and body), or the
/// `Unhandled` error for a response that does not read as one.
pub fn error_fn(k: &Crate, error: StructId) -> TokenStream {
    let Std { some, result, .. } = Std::of(k);
    let s = k.structure(error);
    let ty = named_tokens(k, Named::Structure(error));
    let f = id(&s.fns.error_reader);
    let (read, _) = read_and_build(k, s, true, None);
    let codec_error = Codec::of(k).error();
    quote! {
        #[inline]
        pub(crate) fn #f(
            response: &crate::http::HttpResponse,
            meta: crate::error::ErrorMetadata,
        ) -> #result<#ty, crate::error::Unhandled> {
            let read = |meta| -> #result<#ty, #codec_error> {
                let mut builder = #ty::builder();
                builder.meta = #some(meta);
                #read
            };
            read(meta.clone()).map_err(|e| crate::error::Unhandled::unreadable(meta, response, e.to_string()))
        }
    }
}
