//! Waiters (feature `client`): `crate::waiters::<waiter>` with each waiter's fluent builder
//! (the operation's input setters and `wait`) and its acceptors, compiled from the IR's typed
//! JMESPath into Rust over the output's fields, and the `crate::client::Waiters` trait.
//!
//! A typed expression becomes a Rust expression of type `Option<V>` (`None` is JMESPath's
//! null), where `V` is `bool` for a boolean, `f64` for a number, `&str` for a string or enum,
//! `&T` for a structure and `Vec<V>` for an array. The value being evaluated (`@`) is a `V`.

use proc_macro2::{Literal, TokenStream};
use quote::{quote, ToTokens};

use super::client::delegating_setters;
use super::id;
use super::std_paths::{Std, StdPath};
use super::types::doc_attrs;
use crate::ir::{Comparison, Crate, ErrorMatch, JType, Matcher, Node, Operation, RustType, Test, Typed, Waiter};
use crate::model::AcceptorState;

/// `src/waiters.rs`: a module per waiter.
pub fn waiters_module(k: &Crate) -> TokenStream {
    let modules = waiters(k).map(|(op, w)| {
        let module = id(&w.names.module);
        let doc = format!(" The `{}` waiter of the `{}` operation.", w.names.name, op.names.name);
        quote!(#[doc = #doc] pub mod #module;)
    });
    quote! {
        //! The service's waiters: each polls an operation until its resource is in the state
        //! waited for. Start one with the [`Waiters`](crate::client::Waiters) trait's
        //! `wait_until_*` methods on the `Client`.
        #(#modules)*
    }
}

/// Every waiter with its operation, in the order they are rendered.
pub fn waiters(k: &Crate) -> impl Iterator<Item = (&Operation, &Waiter)> {
    k.operations.iter().flat_map(|op| op.waiters.iter().map(move |w| (op, w)))
}

/// The `Waiters` trait and its impl for `Client`, in `client.rs`.
pub fn waiters_trait(k: &Crate) -> Option<TokenStream> {
    // A crate without waiters has no trait.
    waiters(k).next()?;
    let (decls, impls): (Vec<_>, Vec<_>) = waiters(k)
        .map(|(op, w)| {
            let (module, fluent, method) = (id(&w.names.module), id(&w.names.fluent_builder), id(&w.names.method));
            let docs = doc_attrs(&w.docs, &format!("Waits with the `{}` operation.", op.names.name));
            let deprecated = w.deprecated.then(|| quote!(#[deprecated]));
            let ty = quote!(crate::waiters::#module::#fluent);
            let decl = quote! {
                #docs
                #deprecated
                fn #method(&self) -> #ty;
            };
            let imp = quote! {
                fn #method(&self) -> #ty {
                    #ty::new(self.handle.clone())
                }
            };
            (decl, imp)
        })
        .unzip();
    Some(quote! {
        /// The service's waiters, as methods of the [`Client`]: bring the trait into scope
        /// (`use my_service::client::Waiters;`), then
        /// `client.wait_until_x().member(..).wait(max_wait).await`.
        pub trait Waiters {
            #(#decls)*
        }
        impl Waiters for Client {
            #(#impls)*
        }
    })
}

/// `src/waiters/<waiter>.rs`.
pub fn waiter_file(k: &Crate, op: &Operation, w: &Waiter) -> TokenStream {
    let Std { result, default, .. } = Std::of(k);
    let (op_module, op_name, op_error) = (id(&op.names.module), id(&op.names.name), id(&op.names.error));
    let input = k.structure(op.input);
    let output = id(&k.structure(op.output).name);
    let input_builder = id(&input.builder);
    let (fluent, final_poll, error) = (id(&w.names.fluent_builder), id(&w.names.final_poll), id(&w.names.error));
    let output_ty = quote!(crate::operation::#op_module::#output);
    let error_ty = quote!(crate::operation::#op_module::#op_error);
    let builder_ty = quote!(crate::operation::#op_module::builders::#input_builder);
    let setters = input.fields.iter().map(|f| delegating_setters(k, f));
    let (min, max) = (w.min_delay, w.max_delay);
    let doc = format!(
        " Fluent builder for the `{}` waiter: set the `{}` input's members, then call [`wait`](Self::wait).",
        w.names.name, op.names.name
    );
    let wait_doc = format!(
        " Calls `{}` until the waiter's acceptors say success or failure, or `max_wait` has passed, \
         with {min} s to {max} s between calls (exponential backoff with jitter).",
        op.names.name
    );
    let acceptors = acceptors_fn(k, op, w);
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug)]
        pub struct #fluent {
            handle: ::std::sync::Arc<crate::orchestrator::Handle>,
            inner: #builder_ty,
        }
        impl #fluent {
            pub(crate) fn new(handle: ::std::sync::Arc<crate::orchestrator::Handle>) -> Self {
                #fluent { handle, inner: #default::default() }
            }
            /// The input built so far.
            pub fn as_input(&self) -> &#builder_ty {
                &self.inner
            }
            #[doc = #wait_doc]
            pub async fn wait(self, max_wait: ::std::time::Duration) -> #result<#final_poll, #error> {
                crate::waiter::wait::<crate::operation::#op_module::#op_name>(
                    &self.handle,
                    self.inner.build(),
                    DELAYS,
                    max_wait,
                    acceptors,
                )
                .await
            }
            #(#setters)*
        }
        /// The last poll of a waiter that succeeded.
        pub type #final_poll = crate::waiter::FinalPoll<#output_ty, crate::orchestrator::SdkError<#error_ty>>;
        /// Why the waiter gave up.
        pub type #error = crate::waiter::WaiterError<#output_ty, #error_ty>;
        const DELAYS: crate::waiter::Delays = crate::waiter::Delays::from_secs(#min, #max);
        #acceptors
    }
}

/// `acceptors`: the model's acceptors in order; the first that matches decides.
fn acceptors_fn(k: &Crate, op: &Operation, w: &Waiter) -> TokenStream {
    let Std { option, some, none, result, ok, .. } = Std::of(k);
    let op_module = id(&op.names.module);
    let input_ty = id(&k.structure(op.input).name);
    let output_ty = id(&k.structure(op.output).name);
    let op_error = id(&op.names.error);
    let service_error = quote!(result.as_ref().err().and_then(crate::orchestrator::SdkError::as_service_error));
    let checks = w.acceptors.iter().map(|a| {
        let state = match a.state {
            AcceptorState::Success => quote!(Success),
            AcceptorState::Failure => quote!(Failure),
            AcceptorState::Retry => quote!(Retry),
        };
        let accept = quote!(return #some(crate::waiter::AcceptorState::#state););
        match &a.matcher {
            Matcher::Path { expr, test } => {
                let test = path_test(k, test, expression(k, expr, &Current::of(quote!(output))));
                quote! {
                    if let #ok(output) = result {
                        if #test {
                            #accept
                        }
                    }
                }
            }
            Matcher::Error(ErrorMatch::Variant(variant)) => {
                let variant = id(variant);
                quote! {
                    if let #some(crate::operation::#op_module::#op_error::#variant(_)) = #service_error {
                        #accept
                    }
                }
            }
            Matcher::Error(ErrorMatch::Code(code)) => quote! {
                if #service_error.and_then(crate::error::ProvideErrorMetadata::code) == #some(#code) {
                    #accept
                }
            },
            Matcher::Success(true) => quote!(if result.is_ok() { #accept }),
            Matcher::Success(false) => quote!(if result.is_err() { #accept }),
        }
    });
    let input = if w.reads_input { quote!(input) } else { quote!(_input) };
    quote! {
        fn acceptors(
            #input: &crate::operation::#op_module::#input_ty,
            result: &#result<
                crate::operation::#op_module::#output_ty,
                crate::orchestrator::SdkError<crate::operation::#op_module::#op_error>,
            >,
        ) -> #option<crate::waiter::AcceptorState> {
            #(#checks)*
            #none
        }
    }
}

/// A rendered expression. Never null: a cheap place to read again (`output.table_name.as_str()`,
/// `"ACTIVE"`), a structure by value (`output.table`, whose `V` is `&output.table`), or an
/// expression to evaluate once. Or an `Option` of a `V`: a method chain, or a block or `match`
/// that needs parentheses to take a method or an operator.
enum Value {
    Place(TokenStream),
    Structure(TokenStream),
    Once(TokenStream),
    Maybe(TokenStream),
    MaybeBlock(TokenStream),
}

impl Value {
    fn is_sure(&self) -> bool {
        matches!(self, Value::Place(_) | Value::Structure(_) | Value::Once(_))
    }

    /// A sure value as the operand of an operator (`(a == b) && c`, `(n as f64) < m`).
    fn operand(&self) -> TokenStream {
        match self {
            Value::Place(v) => v.clone(),
            Value::Structure(v) => quote!((&#v)),
            Value::Once(v) => quote!((#v)),
            Value::Maybe(v) | Value::MaybeBlock(v) => unreachable!("not a sure value: {v}"),
        }
    }

    /// The `Option<V>` as a method receiver or an operator's operand.
    fn receiver(&self, some: StdPath) -> TokenStream {
        match self {
            Value::Maybe(v) => v.clone(),
            Value::MaybeBlock(v) => quote!((#v)),
            sure => sure.option(some),
        }
    }

    /// The `Option<V>` where any expression goes (an argument, a `let`).
    fn option(&self, some: StdPath) -> TokenStream {
        match self {
            Value::Place(v) | Value::Once(v) => quote!(#some(#v)),
            Value::Structure(v) => quote!(#some(&#v)),
            Value::Maybe(v) | Value::MaybeBlock(v) => v.clone(),
        }
    }

    /// A sure value's `V`, where any expression goes.
    fn value(&self) -> TokenStream {
        match self {
            Value::Place(v) | Value::Once(v) => v.clone(),
            Value::Structure(v) => quote!(&#v),
            Value::Maybe(v) | Value::MaybeBlock(v) => unreachable!("not a sure value: {v}"),
        }
    }

    /// The value as the place `right` is evaluated on, when it is sure.
    fn place(&self) -> Option<TokenStream> {
        match self {
            Value::Place(v) | Value::Structure(v) => Some(v.clone()),
            _ => None,
        }
    }
}

/// The comparator's test of `value`.
fn path_test(k: &Crate, test: &Test, value: Value) -> TokenStream {
    let Std { some, .. } = Std::of(k);
    let expected = match test {
        Test::BooleanEquals(true) if value.is_sure() => return value.value(),
        Test::BooleanEquals(false) if value.is_sure() => {
            let v = value.operand();
            return quote!(!#v);
        }
        Test::BooleanEquals(b) => {
            let v = value.receiver(some);
            return quote!(#v == #some(#b));
        }
        Test::StringEquals(s) if value.is_sure() => {
            let v = value.operand();
            return quote!(#v == #s);
        }
        Test::StringEquals(s) => {
            let v = value.receiver(some);
            return quote!(#v == #some(#s));
        }
        Test::AllStringEquals(s) | Test::AnyStringEquals(s) => s,
    };
    let check = if matches!(test, Test::AllStringEquals(_)) {
        quote!(!values.is_empty() && values.iter().all(|v| *v == #expected))
    } else {
        quote!(values.contains(&#expected))
    };
    let v = value.receiver(some);
    quote!(#v.is_some_and(|values| #check))
}

/// What an expression is evaluated on: a place of its `V`, or of a structure by value.
#[derive(Clone)]
struct Current {
    place: TokenStream,
    by_value: bool,
}

impl Current {
    fn of(place: TokenStream) -> Current {
        Current { place, by_value: false }
    }
}

/// `e` evaluated on `current`.
fn expression(k: &Crate, e: &Typed, current: &Current) -> Value {
    let Std { some, none, vec, .. } = Std::of(k);
    let item = Current::of(quote!(v));
    match &e.node {
        Node::Current => {
            let place = &current.place;
            match e.ty {
                JType::List(_) => Value::Once(quote!(#place.clone())),
                _ if current.by_value => Value::Structure(place.clone()),
                _ => Value::Place(place.clone()),
            }
        }
        // The root of an `inputOutput` matcher is the pair of `acceptors`' parameters.
        Node::Io { input: true } => Value::Place(quote!(input)),
        Node::Io { input: false } => Value::Place(quote!(output)),
        Node::Field { structure, field } => field_value(k, &k.structure(*structure).fields[*field], &current.place),
        Node::Sub(left, right) => {
            let left = expression(k, left, current);
            if let Some(place) = left.place() {
                let by_value = matches!(left, Value::Structure(_));
                return expression(k, right, &Current { place, by_value });
            }
            let left = left.receiver(some);
            match expression(k, right, &item) {
                right if right.is_sure() => {
                    let right = right.value();
                    Value::Maybe(quote!(#left.map(|v| #right)))
                }
                right => {
                    let right = right.option(some);
                    Value::Maybe(quote!(#left.and_then(|v| #right)))
                }
            }
        }
        Node::Project { list, each } => {
            let list = expression(k, list, current);
            if matches!(each.node, Node::Current) {
                return list;
            }
            let each = expression(k, each, &item);
            let each = if each.is_sure() {
                let each = each.value();
                quote!(map(|v| #each))
            } else {
                let each = each.option(some);
                quote!(filter_map(|v| #each))
            };
            over_items(k, list, |items| quote!(#items.into_iter().#each.collect::<#vec<_>>()))
        }
        Node::Flatten(list) => {
            let nested = matches!(&list.ty, JType::List(item) if matches!(**item, JType::List(_)));
            let list = expression(k, list, current);
            if !nested {
                return list;
            }
            over_items(k, list, |items| quote!(#items.into_iter().flatten().collect::<#vec<_>>()))
        }
        Node::Filter { list, condition, each } => {
            let list = expression(k, list, current);
            let condition = truthy(k, &condition.ty, expression(k, condition, &item));
            let each = match &each.node {
                Node::Current => quote!(),
                _ => match expression(k, each, &item) {
                    each if each.is_sure() => {
                        let each = each.value();
                        quote!(.map(|v| #each))
                    }
                    each => {
                        let each = each.option(some);
                        quote!(.filter_map(|v| #each))
                    }
                },
            };
            over_items(k, list, |items| quote!(#items.into_iter().filter(|&v| #condition) #each.collect::<#vec<_>>()))
        }
        Node::Index(list, index) => {
            let list = expression(k, list, current).receiver(some);
            let item = if *index >= 0 {
                let n = index.unsigned_abs() as usize;
                quote!(items.into_iter().nth(#n))
            } else {
                let n = (index.unsigned_abs() - 1) as usize;
                quote!(items.into_iter().rev().nth(#n))
            };
            Value::Maybe(quote!(#list.and_then(|items| #item)))
        }
        Node::Length(value) => {
            let count = |v: TokenStream| match value.ty {
                JType::String => quote!(#v.chars().count() as f64),
                _ => quote!(#v.len() as f64),
            };
            match expression(k, value, current) {
                sure if sure.is_sure() => Value::Once(count(sure.operand())),
                maybe => {
                    let (v, count) = (maybe.receiver(some), count(quote!(v)));
                    Value::Maybe(quote!(#v.map(|v| #count)))
                }
            }
        }
        Node::Compare(op, left, right) => {
            let (left, right) = (expression(k, left, current), expression(k, right, current));
            let operator = match op {
                Comparison::Eq => quote!(==),
                Comparison::Ne => quote!(!=),
                Comparison::Lt => quote!(<),
                Comparison::Le => quote!(<=),
                Comparison::Gt => quote!(>),
                Comparison::Ge => quote!(>=),
            };
            if left.is_sure() && right.is_sure() {
                let (l, r) = (left.operand(), right.operand());
                return Value::Once(quote!(#l #operator #r));
            }
            // Null equals null and nothing else; an ordering with a null is null.
            if matches!(op, Comparison::Eq | Comparison::Ne) {
                let (l, r) = (left.receiver(some), right.receiver(some));
                return Value::Once(quote!(#l #operator #r));
            }
            let (l, r) = (left.option(some), right.option(some));
            Value::MaybeBlock(quote! {
                match (#l, #r) {
                    (#some(a), #some(b)) => #some(a #operator b),
                    _ => #none,
                }
            })
        }
        Node::And(left, right) | Node::Or(left, right) => {
            let and = matches!(e.node, Node::And(..));
            let ty = &left.ty;
            let (left, right) = (expression(k, left, current), expression(k, right, current));
            if *ty == JType::Bool && left.is_sure() && right.is_sure() {
                let (l, r) = (left.operand(), right.operand());
                return Value::Once(if and { quote!(#l && #r) } else { quote!(#l || #r) });
            }
            // `a && b` is `a` unless it is truthy, `a || b` is `a` if it is.
            let test = truthy(k, ty, Value::Maybe(quote!(left)));
            let (left, right) = (left.option(some), right.option(some));
            let (then, otherwise) = if and { (right, quote!(left)) } else { (quote!(left), right) };
            Value::MaybeBlock(quote! {{
                let left = #left;
                if #test { #then } else { #otherwise }
            }})
        }
        Node::Not(value) => {
            let test = truthy(k, &value.ty, expression(k, value, current));
            Value::Once(quote!(!(#test)))
        }
        Node::String(text) => Value::Place(quote!(#text)),
        Node::Number(n) => Value::Place(Literal::f64_suffixed(*n).into_token_stream()),
        Node::Bool(b) => Value::Place(quote!(#b)),
    }
}

/// `make(items)` on the items of `list`, an array value.
fn over_items(k: &Crate, list: Value, make: impl Fn(TokenStream) -> TokenStream) -> Value {
    let Std { some, .. } = Std::of(k);
    if list.is_sure() {
        return Value::Once(make(list.operand()));
    }
    let (list, made) = (list.receiver(some), make(quote!(items)));
    Value::Maybe(quote!(#list.map(|items| #made)))
}

/// JMESPath's truthiness of `value` of type `ty`, as a `bool` expression: false for null,
/// `false`, an empty string and an empty array. A structure is truthy (an object is false only
/// when it has no members at all).
fn truthy(k: &Crate, ty: &JType, value: Value) -> TokenStream {
    let Std { some, .. } = Std::of(k);
    if value.is_sure() {
        let v = value.operand();
        return match ty {
            JType::Bool => value.value(),
            JType::String | JType::List(_) => quote!(!#v.is_empty()),
            _ => quote!(true),
        };
    }
    let v = value.receiver(some);
    match ty {
        JType::Bool => quote!(#v == #some(true)),
        JType::String => quote!(#v.is_some_and(|s| !s.is_empty())),
        JType::List(_) => quote!(#v.as_ref().is_some_and(|l| !l.is_empty())),
        _ => quote!(#v.is_some()),
    }
}

/// A field of `current` (a place of a `&Structure`).
fn field_value(k: &Crate, f: &crate::ir::Field, current: &TokenStream) -> Value {
    let Std { vec, .. } = Std::of(k);
    let ident = id(&f.ident);
    let place = quote!(#current.#ident);
    if !f.optional {
        return match (&f.ty, f.boxed) {
            (RustType::Structure(_), true) => Value::Structure(quote!((*#place))),
            (RustType::Structure(_), false) => Value::Structure(place),
            (RustType::List { .. }, _) => Value::Once(value(k, &f.ty, quote!(#place))),
            (ty, _) => Value::Place(value(k, ty, quote!(#place))),
        };
    }
    Value::Maybe(match &f.ty {
        RustType::Structure(_) if f.boxed => quote!(#place.as_deref()),
        RustType::Structure(_) => quote!(#place.as_ref()),
        RustType::String => quote!(#place.as_deref()),
        RustType::Bool | RustType::F64 => place,
        RustType::I8 | RustType::I16 | RustType::I32 | RustType::F32 => quote!(#place.map(f64::from)),
        RustType::I64 => quote!(#place.map(|v| v as f64)),
        RustType::List { item, .. } => {
            let item = list_item(k, item);
            quote!(#place.as_ref().map(|v| v.iter() #item.collect::<#vec<_>>()))
        }
        ty => {
            let value = value(k, ty, quote!(v));
            quote!(#place.as_ref().map(|v| #value))
        }
    })
}

/// The `V` of `x`, a place of the member type `ty`.
fn value(k: &Crate, ty: &RustType, x: TokenStream) -> TokenStream {
    let Std { vec, .. } = Std::of(k);
    match ty {
        RustType::String | RustType::Enum(_) => quote!(#x.as_str()),
        RustType::Bool | RustType::F64 => x,
        RustType::I8 | RustType::I16 | RustType::I32 | RustType::F32 => quote!(f64::from(#x)),
        RustType::I64 => quote!((#x as f64)),
        RustType::DateTime(_) => quote!(#x.as_secs_f64()),
        RustType::Structure(_) => quote!((&#x)),
        RustType::List { item, .. } => {
            let item = list_item(k, item);
            quote!(#x.iter() #item.collect::<#vec<_>>())
        }
        _ => unreachable!("the IR only types the member types waiters read"),
    }
}

/// The `.map(..)` turning a list's `&T` items into `V`s (none for structures: `&T` is theirs).
fn list_item(k: &Crate, item: &RustType) -> TokenStream {
    match item {
        RustType::Structure(_) => quote!(),
        RustType::Bool | RustType::F64 => quote!(.copied()),
        RustType::String | RustType::Enum(_) | RustType::DateTime(_) | RustType::List { .. } => {
            let value = value(k, item, quote!(e));
            quote!(.map(|e| #value))
        }
        numbers => {
            let value = value(k, numbers, quote!(*e));
            quote!(.map(|e| #value))
        }
    }
}
