//! The Smithy prelude shapes (`smithy.api#String`, ...) every model may target.

use super::{Shape, ShapeId, ShapeKind, Simple, Traits};
use serde_json::json;

/// Prelude simple shapes: (name, type, default value of the `Primitive*` variants).
const SIMPLE: &[(&str, Simple)] = &[
    ("String", Simple::String),
    ("Blob", Simple::Blob),
    ("BigInteger", Simple::BigInteger),
    ("BigDecimal", Simple::BigDecimal),
    ("Timestamp", Simple::Timestamp),
    ("Document", Simple::Document),
    ("Boolean", Simple::Boolean),
    ("Byte", Simple::Byte),
    ("Short", Simple::Short),
    ("Integer", Simple::Integer),
    ("Long", Simple::Long),
    ("Float", Simple::Float),
    ("Double", Simple::Double),
];

/// The boxed (nullable) prelude shapes of IDL 1.0; every other 1.0 number or boolean is primitive.
pub(super) fn is_boxed_v1(id: &ShapeId) -> bool {
    id.is_prelude() && SIMPLE.iter().any(|(name, _)| *name == id.name())
}

pub(super) fn shapes() -> Vec<Shape> {
    let mut shapes = Vec::new();
    for &(name, simple) in SIMPLE {
        shapes.push(Shape { id: ShapeId::prelude(name), kind: ShapeKind::Simple(simple), traits: Traits::default() });
        let zero = match simple {
            Simple::Boolean => json!(false),
            Simple::Byte | Simple::Short | Simple::Integer | Simple::Long | Simple::Float | Simple::Double => json!(0),
            _ => continue,
        };
        shapes.push(Shape {
            id: ShapeId::prelude(&format!("Primitive{name}")),
            kind: ShapeKind::Simple(simple),
            traits: Traits { default: Some(zero), ..Traits::default() },
        });
    }
    shapes.push(Shape {
        id: ShapeId::prelude("Unit"),
        kind: ShapeKind::Structure(Vec::new()),
        traits: Traits { unit_type: true, ..Traits::default() },
    });
    shapes
}
