//! Model transforms that run before rendering: choose the service and operations, take the
//! closure of shapes they need, and decide which members must be boxed to break recursion.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Result};
use crate::model::{Model, ShapeId, ShapeKind};

/// What to generate: one service, some of its operations, and every shape they reach.
#[derive(Clone, Debug)]
pub struct Selection {
    pub service: ShapeId,
    /// Selected operations, sorted by id.
    pub operations: Vec<ShapeId>,
    /// Data shapes reachable from the operations (inputs, outputs, errors and their members).
    pub closure: BTreeSet<ShapeId>,
    /// Structure and union members (as member ids) that hold their target in a `Box`.
    pub boxed: BTreeSet<ShapeId>,
    /// Name of every shape in the closure after the service's `rename`.
    pub names: BTreeMap<ShapeId, String>,
}

/// Picks the service (`service` may be omitted when the model has exactly one) and the
/// operations named in `operations` (shape names; all of the service's when `None`).
pub fn select(model: &Model, service: Option<&str>, operations: Option<&[String]>) -> Result<Selection> {
    let service_id = pick_service(model, service)?;
    let ShapeKind::Service(svc) = &model.shapes[&service_id].kind else { unreachable!("picked a service") };

    let all = service_operations(model, &service_id);
    let operations = match operations {
        None => all,
        Some(wanted) => {
            let mut chosen = Vec::new();
            for name in wanted {
                let found = all.iter().find(|id| id.name() == name).ok_or_else(|| {
                    let known: Vec<&str> = all.iter().map(ShapeId::name).collect();
                    Error::shape(&service_id, format!("has no operation `{name}`; it has: {}", known.join(", ")))
                })?;
                chosen.push(found.clone());
            }
            chosen.sort();
            chosen.dedup();
            chosen
        }
    };

    let mut closure = BTreeSet::new();
    for op in &operations {
        let ShapeKind::Operation(o) = &model.shapes[op].kind else { unreachable!("checked at load") };
        let roots = [&o.input, &o.output].into_iter().chain(&o.errors).chain(&svc.errors);
        for root in roots {
            walk(model, root, &mut closure);
        }
    }
    closure.remove(&ShapeId::prelude("Unit"));

    let names = shape_names(model, &service_id, &svc.rename, &closure)?;
    let boxed = boxed_members(model, &closure);
    Ok(Selection { service: service_id, operations, closure, boxed, names })
}

fn pick_service(model: &Model, wanted: Option<&str>) -> Result<ShapeId> {
    let services: Vec<&ShapeId> =
        model.shapes.values().filter(|s| matches!(s.kind, ShapeKind::Service(_))).map(|s| &s.id).collect();
    let list = || services.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    match wanted {
        Some(name) => services
            .iter()
            .find(|id| id.to_string() == name || id.name() == name)
            .map(|id| (*id).clone())
            .ok_or_else(|| Error::other(format!("no service `{name}` in the model; services: {}", list()))),
        None => match services.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Error::other("the model has no service shape")),
            _ => Err(Error::other(format!("the model has several services, pick one with --service: {}", list()))),
        },
    }
}

/// Every operation bound to the service, directly or through its resources, sorted by id.
fn service_operations(model: &Model, service: &ShapeId) -> Vec<ShapeId> {
    let mut ops = BTreeSet::new();
    let mut resources: Vec<ShapeId> = Vec::new();
    if let ShapeKind::Service(s) = &model.shapes[service].kind {
        ops.extend(s.operations.iter().cloned());
        resources.extend(s.resources.iter().cloned());
    }
    let mut seen = BTreeSet::new();
    while let Some(r) = resources.pop() {
        if !seen.insert(r.clone()) {
            continue;
        }
        if let ShapeKind::Resource(res) = &model.shapes[&r].kind {
            ops.extend(res.lifecycle.iter().chain(&res.operations).chain(&res.collection_operations).cloned());
            resources.extend(res.resources.iter().cloned());
        }
    }
    ops.into_iter().collect()
}

fn walk(model: &Model, id: &ShapeId, closure: &mut BTreeSet<ShapeId>) {
    if !closure.insert(id.clone()) {
        return;
    }
    for member in model.shapes[id].kind.members() {
        walk(model, &member.target, closure);
    }
}

/// Names after `rename`; two shapes may not share a name (case-insensitively, as the spec says).
fn shape_names(
    model: &Model,
    service: &ShapeId,
    rename: &BTreeMap<ShapeId, String>,
    closure: &BTreeSet<ShapeId>,
) -> Result<BTreeMap<ShapeId, String>> {
    let mut names = BTreeMap::new();
    let mut taken: BTreeMap<String, &ShapeId> = BTreeMap::new();
    for id in closure {
        if id.is_prelude() && !matches!(model.shapes[id].kind, ShapeKind::Structure(_) | ShapeKind::Union(_)) {
            continue;
        }
        let name = rename.get(id).cloned().unwrap_or_else(|| id.name().to_owned());
        if let Some(other) = taken.insert(name.to_lowercase(), id) {
            return Err(Error::shape(
                service,
                format!("`{other}` and `{id}` are both named `{name}` in the service closure; add a `rename`"),
            ));
        }
        names.insert(id.clone(), name);
    }
    Ok(names)
}

/// Structure and union members that need a `Box`: a member is boxed when its target can reach
/// the member's own container again through structure and union members only (lists and maps
/// already allocate). Members are visited in id order and each box breaks the cycles through
/// it, so the choice is deterministic and minimal for that order.
fn boxed_members(model: &Model, closure: &BTreeSet<ShapeId>) -> BTreeSet<ShapeId> {
    let mut boxed = BTreeSet::new();
    for id in closure {
        let shape = &model.shapes[id];
        if !matches!(shape.kind, ShapeKind::Structure(_) | ShapeKind::Union(_)) {
            continue;
        }
        for member in shape.kind.members() {
            let member_id = id.with_member(&member.name);
            if reaches(model, &member.target, id, &boxed, &mut BTreeSet::new()) {
                boxed.insert(member_id);
            }
        }
    }
    boxed
}

/// Whether `from` reaches `to` by unboxed structure/union members.
fn reaches(
    model: &Model,
    from: &ShapeId,
    to: &ShapeId,
    boxed: &BTreeSet<ShapeId>,
    seen: &mut BTreeSet<ShapeId>,
) -> bool {
    if from == to {
        return true;
    }
    let shape = &model.shapes[from];
    if !matches!(shape.kind, ShapeKind::Structure(_) | ShapeKind::Union(_)) || !seen.insert(from.clone()) {
        return false;
    }
    shape
        .kind
        .members()
        .into_iter()
        .any(|m| !boxed.contains(&from.with_member(&m.name)) && reaches(model, &m.target, to, boxed, seen))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::model::load_str;

    fn model(json: &str) -> Model {
        load_str(Path::new("test.json"), json).unwrap()
    }

    fn ids(names: &[&str]) -> BTreeSet<ShapeId> {
        names.iter().map(|n| ShapeId::parse(n).unwrap()).collect()
    }

    const SERVICE: &str = r#"{"smithy": "2.0", "shapes": {
        "ex#Svc": {"type": "service", "operations": [{"target": "ex#A"}], "resources": [{"target": "ex#R"}],
                   "errors": [{"target": "ex#Common"}], "rename": {"other#Name": "OtherName"}},
        "ex#A": {"type": "operation", "input": {"target": "ex#AIn"}},
        "ex#R": {"type": "resource", "read": {"target": "ex#B"}},
        "ex#B": {"type": "operation", "output": {"target": "ex#BOut"}},
        "ex#AIn": {"type": "structure", "members": {"n": {"target": "ex#Name"}, "o": {"target": "other#Name"}}},
        "ex#BOut": {"type": "structure", "members": {"tree": {"target": "ex#Tree"}}},
        "ex#Name": {"type": "string"},
        "other#Name": {"type": "string"},
        "ex#Tree": {"type": "structure", "members": {
            "children": {"target": "ex#Trees"}, "parent": {"target": "ex#Tree"}, "u": {"target": "ex#U"}}},
        "ex#Trees": {"type": "list", "member": {"target": "ex#Tree"}},
        "ex#U": {"type": "union", "members": {"t": {"target": "ex#Tree"}, "s": {"target": "ex#Name"}}},
        "ex#Common": {"type": "structure", "traits": {"smithy.api#error": "server"}},
        "ex#Unused": {"type": "string"}
    }}"#;

    #[test]
    fn selects_operations_through_resources_and_their_exact_closure() {
        let m = model(SERVICE);
        let s = select(&m, None, None).unwrap();
        assert_eq!(s.operations, ids(&["ex#A", "ex#B"]).into_iter().collect::<Vec<_>>());
        assert_eq!(
            s.closure,
            ids(&[
                "ex#AIn",
                "ex#BOut",
                "ex#Name",
                "other#Name",
                "ex#Tree",
                "ex#Trees",
                "ex#U",
                "ex#Common",
                "smithy.api#Unit"
            ])
            .into_iter()
            .filter(|id| !id.is_prelude())
            .collect()
        );
        let only_a = select(&m, Some("Svc"), Some(&["A".to_owned()])).unwrap();
        assert_eq!(only_a.operations, vec![ShapeId::parse("ex#A").unwrap()]);
        assert!(!only_a.closure.contains(&ShapeId::parse("ex#Tree").unwrap()), "B's shapes are not needed");
        let err = select(&m, None, Some(&["Nope".to_owned()])).unwrap_err().to_string();
        assert!(err.contains("has no operation `Nope`") && err.contains("A, B"), "{err}");
    }

    #[test]
    fn boxes_exactly_the_members_that_close_a_cycle() {
        let s = select(&model(SERVICE), None, None).unwrap();
        // `children` is a list (already on the heap). `Tree` comes first in id order: `parent` and
        // `u` close cycles there, and with `Tree$u` boxed the union's `t` no longer needs a box.
        assert_eq!(s.boxed, ids(&["ex#Tree$parent", "ex#Tree$u"]).into_iter().collect());
    }

    #[test]
    fn rename_resolves_name_clashes_and_missing_rename_is_an_error() {
        let s = select(&model(SERVICE), None, None).unwrap();
        assert_eq!(s.names[&ShapeId::parse("other#Name").unwrap()], "OtherName");
        assert_eq!(s.names[&ShapeId::parse("ex#Name").unwrap()], "Name");
        let clash = SERVICE.replace(r#""rename": {"other#Name": "OtherName"}"#, r#""rename": {}"#);
        let err = select(&model(&clash), None, None).unwrap_err().to_string();
        assert!(err.contains("`ex#Name` and `other#Name` are both named `Name`"), "{err}");
    }
}
