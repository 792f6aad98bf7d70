//! `@smithy.waiters#waitable` resolved against the operation: each path matcher's JMESPath
//! typed against the input and output structures (the spec's data model: members by their
//! model names, numbers and timestamps as numbers, enums as strings), each `errorType` matched
//! to the operation's error variant where it is modeled. What the generator cannot honour is a
//! warning on the operation, which then lacks that waiter; it never fails the model.

use super::jmespath::{self, Ast, Comparison};
use super::{OperationError, RustType, StructId, Structure};
use crate::error::Error;
use crate::model::{self, PathComparator, Shape};

/// One waiter, with its names (decided in `names.rs`) and its acceptors in the model's order.
#[derive(Clone, Debug)]
pub struct Waiter {
    pub names: WaiterNames,
    pub docs: Vec<String>,
    pub deprecated: bool,
    /// `minDelay` and `maxDelay`, in seconds.
    pub min_delay: u64,
    pub max_delay: u64,
    pub acceptors: Vec<Acceptor>,
    /// Whether an acceptor reads the input (`inputOutput`).
    pub reads_input: bool,
}

/// The names a waiter brings to the crate.
#[derive(Clone, Debug)]
pub struct WaiterNames {
    /// As the model spells it (`TableExists`).
    pub name: String,
    /// Its module under `crate::waiters`.
    pub module: String,
    /// `wait_until_x`, the `Waiters` trait's method.
    pub method: String,
    pub fluent_builder: String,
    pub final_poll: String,
    pub error: String,
}

#[derive(Clone, Debug)]
pub struct Acceptor {
    pub state: model::AcceptorState,
    pub matcher: Matcher,
}

#[derive(Clone, Debug)]
pub enum Matcher {
    /// A typed expression on the output (or on `input` and `output`) and what it must give.
    Path { expr: Typed, test: Test },
    /// An error variant of the operation, or a code for an error it does not model.
    Error(ErrorMatch),
    /// `success: true`: any output; `false`: any error.
    Success(bool),
}

#[derive(Clone, Debug)]
pub enum ErrorMatch {
    Variant(String),
    Code(String),
}

/// A comparator with its expected value.
#[derive(Clone, Debug)]
pub enum Test {
    StringEquals(String),
    BooleanEquals(bool),
    AllStringEquals(String),
    AnyStringEquals(String),
}

/// The JMESPath types the generator renders: each becomes a Rust value (`bool`, `f64`, `&str`,
/// `&Structure`, `Vec` of those), `None` standing for null.
#[derive(Clone, Debug, PartialEq)]
pub enum JType {
    Bool,
    Number,
    String,
    Structure(StructId),
    List(Box<JType>),
    /// The root of an `inputOutput` matcher: an object of `input` and `output`.
    InputOutput {
        input: StructId,
        output: StructId,
    },
}

impl JType {
    /// Whether its Rust value is `Copy`, so a filter can both test an item and keep it.
    fn is_copy(&self) -> bool {
        !matches!(self, JType::List(_))
    }

    fn describe(&self) -> &'static str {
        match self {
            JType::Bool => "a boolean",
            JType::Number => "a number",
            JType::String => "a string",
            JType::Structure(_) | JType::InputOutput { .. } => "an object",
            JType::List(_) => "an array",
        }
    }
}

/// An expression node and the type of its value.
#[derive(Clone, Debug)]
pub struct Typed {
    pub node: Node,
    pub ty: JType,
}

#[derive(Clone, Debug)]
pub enum Node {
    /// The value being evaluated (a projection's item, the root).
    Current,
    /// `input` or `output` of an `inputOutput` root.
    Io {
        input: bool,
    },
    /// A field of the current structure.
    Field {
        structure: StructId,
        field: usize,
    },
    /// `right` evaluated on `left`'s value.
    Sub(Box<Typed>, Box<Typed>),
    /// `each` evaluated on every item of `list`, nulls dropped.
    Project {
        list: Box<Typed>,
        each: Box<Typed>,
    },
    /// A list of lists made one.
    Flatten(Box<Typed>),
    Filter {
        list: Box<Typed>,
        condition: Box<Typed>,
        each: Box<Typed>,
    },
    Index(Box<Typed>, i64),
    Length(Box<Typed>),
    Compare(Comparison, Box<Typed>, Box<Typed>),
    And(Box<Typed>, Box<Typed>),
    Or(Box<Typed>, Box<Typed>),
    Not(Box<Typed>),
    String(String),
    Number(f64),
    Bool(bool),
}

/// The operation's waiters that the generator can honour; a warning for each it cannot.
pub fn build(
    op: &Shape,
    names: &[WaiterNames],
    structures: &[Structure],
    errors: &[OperationError],
    (input, output): (StructId, StructId),
    warnings: &mut Vec<Error>,
) -> Vec<Waiter> {
    let mut waiters = Vec::new();
    for names in names {
        let Some(waiter) = op.traits.waitable.get(&names.name) else { continue };
        match resolve(waiter, structures, errors, input, output) {
            Ok((acceptors, reads_input)) => waiters.push(Waiter {
                names: names.clone(),
                docs: super::docs_of(waiter.documentation.as_deref()),
                deprecated: waiter.deprecated,
                min_delay: waiter.min_delay,
                max_delay: waiter.max_delay,
                acceptors,
                reads_input,
            }),
            Err(problem) => warnings.push(Error::shape(
                &op.id,
                format!("waiter `{}`: {problem}; the client gets no `{}`", names.name, names.method),
            )),
        }
    }
    waiters
}

fn resolve(
    waiter: &model::Waiter,
    structures: &[Structure],
    errors: &[OperationError],
    input: StructId,
    output: StructId,
) -> Result<(Vec<Acceptor>, bool), String> {
    if structures[input.0].stream().is_some() {
        return Err("the operation's input is a stream, which cannot be sent once per poll".into());
    }
    if waiter.min_delay < 1 || waiter.min_delay > waiter.max_delay {
        return Err(format!(
            "minDelay ({}) must be at least 1 and at most maxDelay ({})",
            waiter.min_delay, waiter.max_delay
        ));
    }
    let mut reads_input = false;
    let acceptors = waiter
        .acceptors
        .iter()
        .enumerate()
        .map(|(n, a)| {
            let matcher = match &a.matcher {
                model::Matcher::Output(m) => path(m, JType::Structure(output), structures),
                model::Matcher::InputOutput(m) => {
                    reads_input = true;
                    path(m, JType::InputOutput { input, output }, structures)
                }
                model::Matcher::ErrorType(name) => Ok(Matcher::Error(error_match(name, structures, errors))),
                model::Matcher::Success(success) => Ok(Matcher::Success(*success)),
            }
            .map_err(|problem| format!("acceptor {}: {problem}", n + 1))?;
            Ok(Acceptor { state: a.state, matcher })
        })
        .collect::<Result<_, String>>()?;
    Ok((acceptors, reads_input))
}

/// The variant of a modeled error named `name` (an absolute shape id matches by its name part),
/// or the error code otherwise.
fn error_match(name: &str, structures: &[Structure], errors: &[OperationError]) -> ErrorMatch {
    let short = name.rsplit_once('#').map_or(name, |(_, short)| short);
    match errors.iter().find(|e| structures[e.error.0].shape.name() == short) {
        Some(e) => ErrorMatch::Variant(e.variant.clone()),
        None => ErrorMatch::Code(short.to_owned()),
    }
}

fn path(m: &model::PathMatcher, root: JType, structures: &[Structure]) -> Result<Matcher, String> {
    let ast = jmespath::parse(&m.path).map_err(|e| format!("`{}`: {e}", m.path))?;
    let expr = check(&ast, &root, structures).map_err(|e| format!("`{}`: {e}", m.path))?;
    let expected = m.expected.clone();
    let (test, wants) = match m.comparator {
        PathComparator::StringEquals => (Test::StringEquals(expected), JType::String),
        PathComparator::BooleanEquals => {
            let value = match expected.as_str() {
                "true" => true,
                "false" => false,
                other => return Err(format!("booleanEquals expects `true` or `false`, not `{other}`")),
            };
            (Test::BooleanEquals(value), JType::Bool)
        }
        PathComparator::AllStringEquals => (Test::AllStringEquals(expected), JType::List(Box::new(JType::String))),
        PathComparator::AnyStringEquals => (Test::AnyStringEquals(expected), JType::List(Box::new(JType::String))),
    };
    if expr.ty != wants {
        return Err(format!("`{}` gives {}, which its comparator cannot compare", m.path, expr.ty.describe()));
    }
    Ok(Matcher::Path { expr, test })
}

/// Types `ast` evaluated on a value of type `current`.
fn check(ast: &Ast, current: &JType, structures: &[Structure]) -> Result<Typed, String> {
    let typed = |node, ty| Ok(Typed { node, ty });
    let list_item = |t: &Typed, what: &str| match &t.ty {
        JType::List(item) => Ok((**item).clone()),
        other => Err(format!("{what} of {}, not an array", other.describe())),
    };
    match ast {
        Ast::Current => match current {
            JType::InputOutput { .. } => Err("`@` at the root of an inputOutput matcher".into()),
            other => typed(Node::Current, other.clone()),
        },
        Ast::Field(name) => match current {
            JType::Structure(id) => {
                let s = &structures[id.0];
                let field = s
                    .fields
                    .iter()
                    .position(|f| f.member == *name)
                    .ok_or_else(|| format!("`{}` has no member `{name}`", s.shape))?;
                let ty = jtype(&s.fields[field].ty).map_err(|e| format!("member `{name}` of `{}`: {e}", s.shape))?;
                typed(Node::Field { structure: *id, field }, ty)
            }
            JType::InputOutput { input, output } => match name.as_str() {
                "input" => typed(Node::Io { input: true }, JType::Structure(*input)),
                "output" => typed(Node::Io { input: false }, JType::Structure(*output)),
                other => Err(format!("an inputOutput matcher has `input` and `output`, not `{other}`")),
            },
            other => Err(format!("`{name}` selected from {}", other.describe())),
        },
        Ast::Sub(left, right) => {
            let left = check(left, current, structures)?;
            let right = check(right, &left.ty, structures)?;
            let ty = right.ty.clone();
            typed(Node::Sub(Box::new(left), Box::new(right)), ty)
        }
        Ast::Projection(list, each) => {
            let list = check(list, current, structures)?;
            let item = list_item(&list, "a projection")?;
            let each = check(each, &item, structures)?;
            let ty = JType::List(Box::new(each.ty.clone()));
            typed(Node::Project { list: Box::new(list), each: Box::new(each) }, ty)
        }
        Ast::Flatten(list) => {
            let list = check(list, current, structures)?;
            let ty = match list_item(&list, "`[]`")? {
                JType::List(inner) => JType::List(inner),
                item => JType::List(Box::new(item)),
            };
            typed(Node::Flatten(Box::new(list)), ty)
        }
        Ast::Filter { list, condition, each } => {
            let list = check(list, current, structures)?;
            let item = list_item(&list, "a filter")?;
            if !item.is_copy() {
                return Err("a filter over an array of arrays is not supported".into());
            }
            let condition = check(condition, &item, structures)?;
            let each = check(each, &item, structures)?;
            let ty = JType::List(Box::new(each.ty.clone()));
            typed(Node::Filter { list: Box::new(list), condition: Box::new(condition), each: Box::new(each) }, ty)
        }
        Ast::Index(list, index) => {
            let list = check(list, current, structures)?;
            let item = list_item(&list, "an index")?;
            typed(Node::Index(Box::new(list), *index), item)
        }
        Ast::Compare(op, left, right) => {
            let (left, right) = (check(left, current, structures)?, check(right, current, structures)?);
            let ordered = !matches!(op, Comparison::Eq | Comparison::Ne);
            if ordered && (left.ty != JType::Number || right.ty != JType::Number) {
                return Err(format!(
                    "`<`, `>` compare numbers, not {} and {}",
                    left.ty.describe(),
                    right.ty.describe()
                ));
            }
            if left.ty != right.ty {
                return Err(format!("comparing {} with {}", left.ty.describe(), right.ty.describe()));
            }
            typed(Node::Compare(*op, Box::new(left), Box::new(right)), JType::Bool)
        }
        Ast::And(left, right) | Ast::Or(left, right) => {
            let (left, right) = (check(left, current, structures)?, check(right, current, structures)?);
            if left.ty != right.ty {
                return Err(format!(
                    "`&&` and `||` of {} and {} are not supported",
                    left.ty.describe(),
                    right.ty.describe()
                ));
            }
            let ty = left.ty.clone();
            let node = if matches!(ast, Ast::And(..)) {
                Node::And(Box::new(left), Box::new(right))
            } else {
                Node::Or(Box::new(left), Box::new(right))
            };
            typed(node, ty)
        }
        Ast::Not(inner) => {
            let inner = check(inner, current, structures)?;
            if matches!(inner.ty, JType::InputOutput { .. }) {
                return Err("`!` of the inputOutput root".into());
            }
            typed(Node::Not(Box::new(inner)), JType::Bool)
        }
        Ast::Literal(value) => match value {
            serde_json::Value::String(s) => typed(Node::String(s.clone()), JType::String),
            serde_json::Value::Bool(b) => typed(Node::Bool(*b), JType::Bool),
            serde_json::Value::Number(n) => match n.as_f64() {
                Some(n) => typed(Node::Number(n), JType::Number),
                None => Err(format!("the number {n} is not a 64-bit float")),
            },
            other => Err(format!("the literal {other} is not supported (strings, numbers and booleans are)")),
        },
        Ast::Function(name, args) => match (name.as_str(), args.as_slice()) {
            ("length", [arg]) => {
                let arg = check(arg, current, structures)?;
                if !matches!(arg.ty, JType::String | JType::List(_)) {
                    return Err(format!("`length` of {} is not supported", arg.ty.describe()));
                }
                Ok(Typed { node: Node::Length(Box::new(arg)), ty: JType::Number })
            }
            ("length", _) => Err("`length` takes one argument".into()),
            (other, _) => Err(format!("the function `{other}` is not supported (`length` is)")),
        },
    }
}

/// The JMESPath type of a member's Rust type, for the types waiters can read.
fn jtype(ty: &RustType) -> Result<JType, String> {
    Ok(match ty {
        RustType::String | RustType::Enum(_) => JType::String,
        RustType::Bool => JType::Bool,
        RustType::I8
        | RustType::I16
        | RustType::I32
        | RustType::I64
        | RustType::F32
        | RustType::F64
        | RustType::DateTime(_) => JType::Number,
        RustType::Structure(id) => JType::Structure(*id),
        RustType::List { item, sparse: false } => JType::List(Box::new(jtype(item)?)),
        RustType::List { sparse: true, .. } => return Err("sparse lists are not supported".into()),
        RustType::Map { .. } => return Err("maps are not supported".into()),
        RustType::Union(_) => return Err("unions are not supported".into()),
        RustType::EventSender(_) | RustType::EventReceiver(_) => return Err("event streams are not supported".into()),
        RustType::IntEnum(_) => return Err("int enums are not supported".into()),
        RustType::BigInteger | RustType::BigDecimal => return Err("big numbers are not supported".into()),
        RustType::Blob | RustType::ByteStream => return Err("blobs are not supported".into()),
        RustType::Document => return Err("documents are not supported".into()),
    })
}
