//! `cargo xtask idl-conformance`: runs the IDL parser over the Smithy IDL conformance cases in
//! `../shared/smithy/idl-conformance/`.
//!
//! * `valid/**/X.smithy` must parse. With an `X.json` (the JSON AST the reference
//!   implementation produced) the two must mean the same model; with an `X.flattened.smithy`
//!   the two files must mean the same model once mixins are flattened.
//! * Every file under `invalid/` must be rejected with an error that has a file and a place and
//!   without a panic (`.json` files there go through the JSON AST loader).
//!
//! "Mean the same" is compared on a canonical form of both JSON documents: key order is
//! irrelevant, numbers compare by value, `"2"` is `"2.0"`, empty `members`/`traits`/lists and
//! `smithy.api#Unit` input/output are the same as absent, `apply` entries are merged into the
//! shapes of the document, and members a shape redeclares from its mixins with the same target
//! count as `apply` statements of their traits (the reference serializer writes them either
//! way). Shapes of `valid/__shared.json` are known to every case (it defines the shapes cases
//! `use` from other namespaces) and are not expected in the output.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use codegen::error::{Error, Location};
use codegen::model::idl::{self, Json, JsonMap};

/// Cases we knowingly do not pass yet, with the reason. A listed case that starts passing fails
/// the run too, so the list only shrinks.
const KNOWN_FAILURES: &[(&str, &str)] = &[];

/// Runs every case; `Err` when any fails or the cases are missing.
pub fn run(shared: &Path) -> Result<(), String> {
    let root = shared.join("smithy/idl-conformance");
    let (valid_dir, invalid_dir) = (root.join("valid"), root.join("invalid"));
    for dir in [&valid_dir, &invalid_dir] {
        if !dir.is_dir() {
            return Err(format!(
                "{} is missing: the IDL conformance cases live in ../shared beside the project (pass --shared DIR)",
                dir.display()
            ));
        }
    }
    let shared_path = valid_dir.join("__shared.json");
    let shared_doc = match std::fs::read_to_string(&shared_path) {
        Ok(text) => text.parse::<Json>().map_err(|e| format!("{}: {e}", shared_path.display()))?,
        Err(_) => Json::Null,
    };

    let mut failures = Vec::new();
    let valid_files = cases_under(&valid_dir)?;
    let valid: Vec<&PathBuf> = valid_files.iter().filter(|p| has_ext(p, "smithy")).collect();
    let mut valid_ok = 0;
    let mut known = Vec::new();
    for path in &valid {
        let name = shown(&root, path);
        let listed = KNOWN_FAILURES.iter().find(|(case, _)| *case == name);
        match (check_valid(path, &shared_doc), listed) {
            (Ok(()), None) => valid_ok += 1,
            (Ok(()), Some(_)) => failures.push(format!("valid {name}: passes now; remove it from KNOWN_FAILURES")),
            (Err(_), Some((_, why))) => known.push(format!("  {name}: {why}")),
            (Err(reason), None) => failures.push(format!("valid {name}: {reason}")),
        }
    }

    let invalid_files = cases_under(&invalid_dir)?;
    let (mut invalid_ok, mut with_expected_place, mut same_place) = (0, 0, 0);
    let mut place_mismatches = Vec::new();
    for path in &invalid_files {
        match check_invalid(path, &shared_doc) {
            Ok(place) => {
                invalid_ok += 1;
                if let Some((expected, actual)) = place {
                    with_expected_place += 1;
                    if expected == actual {
                        same_place += 1;
                    } else {
                        place_mismatches.push(format!(
                            "  {}: reference {}:{}, ours {}:{}",
                            shown(&root, path),
                            expected.0,
                            expected.1,
                            actual.0,
                            actual.1
                        ));
                    }
                }
            }
            Err(reason) => failures.push(format!("invalid {}: {reason}", shown(&root, path))),
        }
    }

    println!("IDL conformance ({})", root.display());
    println!("  {:<10} {:>8} {:>6}", "cases", "passed", "total");
    println!("  {:<10} {:>8} {:>6}", "valid", valid_ok, valid.len());
    println!("  {:<10} {:>8} {:>6}", "invalid", invalid_ok, invalid_files.len());
    println!(
        "  (error line:column equal to the reference's, where its comment gives one: {same_place} of {with_expected_place})"
    );
    if !place_mismatches.is_empty() {
        println!("  error places that differ from the reference's:\n{}", place_mismatches.join("\n"));
    }
    if !known.is_empty() {
        println!("  known failures ({}):\n{}", known.len(), known.join("\n"));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{} IDL conformance cases fail:\n  {}", failures.len(), failures.join("\n  ")))
    }
}

/// The case files under `dir` (`__shared.json` holds shapes for the cases; it is not one).
fn cases_under(dir: &Path) -> Result<Vec<PathBuf>, String> {
    crate::files_under(dir, &|p| p.file_name().is_some_and(|n| n != "__shared.json"))
}

fn has_ext(path: &Path, ext: &str) -> bool {
    path.extension().is_some_and(|e| e == ext)
}

fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

/// Parses without letting a panic escape.
fn parse(path: &Path, shared: &Json) -> Result<Result<Json, Error>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    catch_unwind(AssertUnwindSafe(|| idl::parse_with(path, &text, shared).map(|p| p.ast)))
        .map_err(|_| "the parser panicked".to_owned())
}

fn check_valid(path: &Path, shared: &Json) -> Result<(), String> {
    let ast = parse(path, shared)?.map_err(|e| format!("rejected: {e}"))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let expected_json = path.with_extension("json");
    if expected_json.exists() {
        let text =
            std::fs::read_to_string(&expected_json).map_err(|e| format!("cannot read the expected JSON: {e}"))?;
        let expected = text
            .parse::<Json>()
            .map_err(|e| format!("cannot read the expected JSON {} with serde_json: {e}", expected_json.display()))?;
        let (ours, theirs) = (canonical(&ast, shared, false), canonical(&expected, shared, false));
        return compare(&ours, &theirs);
    }
    if let Some(stem) = name.strip_suffix(".smithy").filter(|s| !s.ends_with(".flattened")) {
        let flat_path = path.with_file_name(format!("{stem}.flattened.smithy"));
        if flat_path.exists() {
            let flat = parse(&flat_path, shared)?.map_err(|e| format!("the flattened form is rejected: {e}"))?;
            return compare(&canonical(&ast, shared, true), &canonical(&flat, shared, true))
                .map_err(|e| format!("differs from {stem}.flattened.smithy once flattened: {e}"));
        }
    }
    // Nothing to compare with: parsing is the test.
    Ok(())
}

type Place = (usize, usize);

/// `Ok` with the reference's and our error place when the case's comment names one.
fn check_invalid(path: &Path, shared: &Json) -> Result<Option<(Place, Place)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let error = if has_ext(path, "json") {
        let loaded = catch_unwind(AssertUnwindSafe(|| codegen::model::load_str(path, &text)))
            .map_err(|_| "the JSON AST loader panicked".to_owned())?;
        match loaded {
            Ok(_) => return Err("accepted by the JSON AST loader (codegen::model::load_str)".to_owned()),
            Err(e) => e,
        }
    } else {
        match parse(path, shared)? {
            Ok(_) => return Err("accepted".to_owned()),
            Err(e) => e,
        }
    };
    if error.file.is_none() {
        return Err(format!("rejected without naming the file: {error}"));
    }
    let actual = match error.location {
        Location::Position { line, column } => (line, column),
        Location::Shape(_) if has_ext(path, "json") => return Ok(None),
        _ => return Err(format!("rejected without a line and column: {error}")),
    };
    Ok(expected_place(&text).map(|expected| (expected, actual)))
}

/// The "line N, column M" of the reference's message in the case's first comment.
fn expected_place(text: &str) -> Option<Place> {
    let comment = text.lines().next()?.strip_prefix("//")?;
    let rest = &comment[comment.find("line ")? + 5..];
    let (line, rest) = rest.split_once(", column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, column.parse().ok()?))
}

// ----- canonical form -----

fn canonical(doc: &Json, shared: &Json, flatten: bool) -> Json {
    let mut out = JsonMap::new();
    let version = match doc.get("smithy").and_then(Json::as_str) {
        Some("1") => "1.0",
        Some("2") => "2.0",
        Some(other) => other,
        None => "",
    };
    out.insert("smithy".into(), Json::from(version));
    if let Some(metadata) = doc.get("metadata").filter(|m| m.as_object().is_some_and(|m| !m.is_empty())) {
        out.insert("metadata".into(), metadata.clone());
    }
    let mut defs: Vec<(String, Json)> = Vec::new();
    let mut applies: Vec<(String, Json)> = Vec::new();
    for (id, shape) in doc.get("shapes").and_then(Json::as_object).into_iter().flatten() {
        if shape.get("type").and_then(Json::as_str) == Some("apply") {
            let traits = shape.get("traits").cloned().unwrap_or_else(|| Json::Object(Default::default()));
            add_traits(&mut applies, id, &traits);
        } else {
            defs.push((id.clone(), shape.clone()));
        }
    }
    let mut pool: HashMap<String, Json> = HashMap::new();
    for (id, shape) in shared.get("shapes").and_then(Json::as_object).into_iter().flatten() {
        pool.insert(id.clone(), shape.clone());
    }
    for (id, shape) in &defs {
        pool.insert(id.clone(), shape.clone());
    }
    if flatten {
        defs = flatten_all(&defs, &pool, &mut applies);
    } else {
        // Members redeclared from mixins with the same target are applies of their traits.
        for (id, shape) in &mut defs {
            let inherited = inherited_members(shape, &pool, &mut Vec::new());
            for (name, member) in take_redeclared(shape, &inherited) {
                if let Some(traits) = member.get("traits") {
                    add_traits(&mut applies, &format!("{id}${name}"), traits);
                }
            }
        }
    }
    // Applies to shapes and own members of this document are merged into them.
    let mut left = Vec::new();
    for (target, traits) in applies {
        let (root, member) = match target.split_once('$') {
            Some((r, m)) => (r.to_owned(), Some(m.to_owned())),
            None => (target.clone(), None),
        };
        let slot = defs.iter_mut().find(|(id, _)| *id == root).and_then(|(_, shape)| match &member {
            None => Some(shape),
            Some(m) => own_member(shape, m),
        });
        match slot {
            Some(slot) => merge_into(slot, &traits),
            None => left.push((target, traits)),
        }
    }
    let mut shapes = JsonMap::new();
    for (id, mut shape) in defs {
        tidy(&mut shape);
        shapes.insert(id, shape);
    }
    for (id, traits) in left {
        if traits.as_object().is_some_and(|t| !t.is_empty()) {
            let mut apply = JsonMap::new();
            apply.insert("type".into(), Json::from("apply"));
            apply.insert("traits".into(), traits);
            shapes.insert(id, Json::Object(apply));
        }
    }
    if !shapes.is_empty() {
        out.insert("shapes".into(), Json::Object(shapes));
    }
    Json::Object(out)
}

fn add_traits(applies: &mut Vec<(String, Json)>, id: &str, traits: &Json) {
    match applies.iter_mut().find(|(target, _)| target == id) {
        Some((_, existing)) => merge_traits(existing, traits),
        None => applies.push((id.to_owned(), traits.clone())),
    }
}

/// Adds `traits` to an object's traits, lists concatenating; later values win otherwise.
fn merge_into(shape: &mut Json, traits: &Json) {
    let Some(obj) = shape.as_object_mut() else { return };
    let slot = obj.entry("traits").or_insert_with(|| Json::Object(Default::default()));
    merge_traits(slot, traits);
}

fn merge_traits(into: &mut Json, traits: &Json) {
    let (Some(into), Some(traits)) = (into.as_object_mut(), traits.as_object()) else { return };
    for (id, value) in traits {
        match (into.get_mut(id), value) {
            (Some(Json::Array(existing)), Json::Array(more)) => existing.extend(more.iter().cloned()),
            _ => {
                into.insert(id.clone(), value.clone());
            }
        }
    }
}

/// (name, member) pairs of a shape: `members`, or `member`/`key`/`value`.
fn own_members(shape: &Json) -> Vec<(String, Json)> {
    let mut members = Vec::new();
    if let Some(map) = shape.get("members").and_then(Json::as_object) {
        members.extend(map.iter().map(|(n, m)| (n.clone(), m.clone())));
    }
    for key in ["member", "key", "value"] {
        if let Some(m) = shape.get(key) {
            members.push((key.to_owned(), m.clone()));
        }
    }
    members
}

fn own_member<'a>(shape: &'a mut Json, name: &str) -> Option<&'a mut Json> {
    if shape.get("members").and_then(|m| m.get(name)).is_some() {
        return shape.get_mut("members")?.get_mut(name);
    }
    if matches!(name, "member" | "key" | "value") {
        return shape.get_mut(name);
    }
    None
}

fn mixin_ids(shape: &Json) -> Vec<String> {
    shape
        .get("mixins")
        .and_then(Json::as_array)
        .map(|m| m.iter().filter_map(|r| r.get("target").and_then(Json::as_str).map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// Names and targets of the members a shape gets from its mixins.
fn inherited_members(shape: &Json, pool: &HashMap<String, Json>, visiting: &mut Vec<String>) -> Vec<(String, Json)> {
    let mut all: Vec<(String, Json)> = Vec::new();
    for mixin in mixin_ids(shape) {
        if visiting.contains(&mixin) {
            continue;
        }
        let Some(mixin_shape) = pool.get(&mixin) else { continue };
        visiting.push(mixin.clone());
        let mut members = inherited_members(mixin_shape, pool, visiting);
        visiting.pop();
        members.extend(
            own_members(mixin_shape).into_iter().map(|(n, m)| (n, m.get("target").cloned().unwrap_or_default())),
        );
        for (name, target) in members {
            if !all.iter().any(|(n, _)| *n == name) {
                all.push((name, target));
            }
        }
    }
    all
}

/// Removes members that redeclare an inherited one with the same target.
fn take_redeclared(shape: &mut Json, inherited: &[(String, Json)]) -> Vec<(String, Json)> {
    let mut taken = Vec::new();
    for (name, target) in inherited {
        let same = own_member(shape, name).is_some_and(|m| m.get("target") == Some(target));
        if !same {
            continue;
        }
        let removed = if matches!(name.as_str(), "member" | "key" | "value") && shape.get("members").is_none() {
            shape.as_object_mut().and_then(|s| s.remove(name))
        } else {
            shape.get_mut("members").and_then(Json::as_object_mut).and_then(|m| m.remove(name))
        };
        if let Some(member) = removed {
            taken.push((name.clone(), member));
        }
    }
    taken
}

/// Drops what is the same as absent.
fn tidy(shape: &mut Json) {
    let Some(obj) = shape.as_object_mut() else { return };
    let empty = |v: &Json| match v {
        Json::Object(o) => o.is_empty(),
        Json::Array(a) => a.is_empty(),
        _ => false,
    };
    for key in [
        "traits",
        "members",
        "mixins",
        "errors",
        "operations",
        "resources",
        "collectionOperations",
        "identifiers",
        "properties",
        "rename",
    ] {
        if obj.get(key).is_some_and(empty) {
            obj.remove(key);
        }
    }
    for key in ["input", "output"] {
        if obj.get(key).and_then(|r| r.get("target")).and_then(Json::as_str) == Some("smithy.api#Unit") {
            obj.remove(key);
        }
    }
    if let Some(Json::Object(members)) = obj.get_mut("members") {
        for member in members.values_mut() {
            tidy_member(member);
        }
    }
    for key in ["member", "key", "value"] {
        if let Some(member) = obj.get_mut(key) {
            tidy_member(member);
        }
    }
}

fn tidy_member(member: &mut Json) {
    if let Some(obj) = member.as_object_mut() {
        if obj.get("traits").and_then(Json::as_object).is_some_and(|t| t.is_empty()) {
            obj.remove("traits");
        }
    }
}

// ----- flattening (for `.flattened.smithy` cases) -----

fn flatten_all(
    defs: &[(String, Json)],
    pool: &HashMap<String, Json>,
    applies: &mut Vec<(String, Json)>,
) -> Vec<(String, Json)> {
    // Applies are part of the shapes they target before those shapes are mixed in anywhere.
    let mut pool = pool.clone();
    let mut left = Vec::new();
    for (target, traits) in applies.drain(..) {
        let (root, member) = match target.split_once('$') {
            Some((r, m)) => (r.to_owned(), Some(m.to_owned())),
            None => (target.clone(), None),
        };
        match pool.get_mut(&root) {
            Some(shape) => match &member {
                None => merge_into(shape, &traits),
                Some(m) => {
                    let has = own_member(shape, m).is_some();
                    if has {
                        if let Some(slot) = own_member(shape, m) {
                            merge_into(slot, &traits);
                        }
                    } else {
                        // A member inherited from a mixin: recorded as a local redeclaration.
                        let obj = shape.as_object_mut();
                        if let Some(obj) = obj {
                            let pending = obj.entry("$applied").or_insert_with(|| Json::Object(Default::default()));
                            if let Some(p) = pending.as_object_mut() {
                                let slot = p.entry(m.clone()).or_insert_with(|| Json::Object(JsonMap::new()));
                                merge_into(slot, &traits);
                            }
                        }
                    }
                }
            },
            None => left.push((target, traits)),
        }
    }
    *applies = left;
    let mut memo: HashMap<String, Json> = HashMap::new();
    let mut out = Vec::new();
    for (id, _) in defs {
        let flat = flat_shape(id, &pool, &mut memo, &mut Vec::new());
        let is_mixin = flat.get("traits").and_then(|t| t.get("smithy.api#mixin")).is_some();
        if !is_mixin {
            let mut flat = flat;
            if let Some(obj) = flat.as_object_mut() {
                obj.remove("mixins");
                obj.remove("$applied");
            }
            out.push((id.clone(), flat));
        }
    }
    out
}

fn flat_shape(
    id: &str,
    pool: &HashMap<String, Json>,
    memo: &mut HashMap<String, Json>,
    visiting: &mut Vec<String>,
) -> Json {
    if let Some(done) = memo.get(id) {
        return done.clone();
    }
    let Some(shape) = pool.get(id).cloned() else { return Json::Null };
    if visiting.iter().any(|v| v == id) {
        return shape;
    }
    visiting.push(id.to_owned());
    let mut traits = JsonMap::new();
    let mut members: Vec<(String, Json)> = Vec::new();
    let mut props = JsonMap::new();
    for mixin in mixin_ids(&shape) {
        let flat = flat_shape(&mixin, pool, memo, visiting);
        let local: Vec<String> = flat
            .get("traits")
            .and_then(|t| t.get("smithy.api#mixin"))
            .and_then(|m| m.get("localTraits"))
            .and_then(Json::as_array)
            .map(|l| l.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        for (trait_id, value) in flat.get("traits").and_then(Json::as_object).into_iter().flatten() {
            if trait_id != "smithy.api#mixin" && !local.contains(trait_id) {
                traits.insert(trait_id.clone(), value.clone());
            }
        }
        for (name, member) in own_members(&flat) {
            add_member(&mut members, name, member);
        }
        merge_props(&mut props, &flat);
    }
    for (trait_id, value) in shape.get("traits").and_then(Json::as_object).into_iter().flatten() {
        traits.insert(trait_id.clone(), value.clone());
    }
    for (name, member) in own_members(&shape) {
        add_member(&mut members, name, member);
    }
    for (name, applied) in shape.get("$applied").and_then(Json::as_object).into_iter().flatten() {
        if let Some((_, member)) = members.iter_mut().find(|(n, _)| n == name) {
            if let Some(t) = applied.get("traits") {
                merge_into(member, t);
            }
        }
    }
    merge_props(&mut props, &shape);
    let mut flat = shape.as_object().cloned().unwrap_or_default();
    flat.extend(props);
    flat.insert("traits".into(), Json::Object(traits));
    let kind = shape.get("type").and_then(Json::as_str).unwrap_or_default();
    match kind {
        "list" | "set" | "map" => {
            for (name, member) in members {
                flat.insert(name, member);
            }
        }
        "structure" | "union" | "enum" | "intEnum" => {
            flat.insert("members".into(), Json::Object(members.into_iter().collect()));
        }
        _ => {}
    }
    visiting.pop();
    let flat = Json::Object(flat);
    memo.insert(id.to_owned(), flat.clone());
    flat
}

fn add_member(members: &mut Vec<(String, Json)>, name: String, member: Json) {
    match members.iter_mut().find(|(n, _)| *n == name) {
        Some((_, existing)) => {
            if let Some(target) = member.get("target") {
                if let Some(obj) = existing.as_object_mut() {
                    obj.insert("target".into(), target.clone());
                }
            }
            if let Some(t) = member.get("traits") {
                let slot = existing
                    .as_object_mut()
                    .map(|o| o.entry("traits").or_insert_with(|| Json::Object(Default::default())));
                if let Some(Json::Object(slot)) = slot {
                    for (k, v) in t.as_object().into_iter().flatten() {
                        slot.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        None => members.push((name, member)),
    }
}

/// Service, resource and operation properties: lists merge (mixins first), maps merge (later
/// wins), scalars: later wins.
fn merge_props(into: &mut JsonMap, shape: &Json) {
    const LISTS: &[&str] = &["operations", "resources", "errors", "collectionOperations"];
    const MAPS: &[&str] = &["rename", "identifiers", "properties"];
    const SCALARS: &[&str] = &["version", "input", "output", "create", "put", "read", "update", "delete", "list"];
    for key in LISTS {
        if let Some(Json::Array(items)) = shape.get(*key) {
            let slot = into.entry(*key).or_insert_with(|| Json::Array(Vec::new()));
            if let Json::Array(existing) = slot {
                for item in items {
                    if !existing.contains(item) {
                        existing.push(item.clone());
                    }
                }
            }
        }
    }
    for key in MAPS {
        if let Some(Json::Object(entries)) = shape.get(*key) {
            let slot = into.entry(*key).or_insert_with(|| Json::Object(Default::default()));
            if let Json::Object(existing) = slot {
                existing.extend(entries.clone());
            }
        }
    }
    for key in SCALARS {
        if let Some(value) = shape.get(*key) {
            into.insert((*key).to_owned(), value.clone());
        }
    }
}

// ----- comparison -----

/// `Ok` when equal; else the first differences by JSON path.
fn compare(ours: &Json, theirs: &Json) -> Result<(), String> {
    let mut diffs = Vec::new();
    diff(ours, theirs, "", &mut diffs);
    if diffs.is_empty() {
        return Ok(());
    }
    let mut message = String::new();
    let total = diffs.len();
    for d in diffs.iter().take(5) {
        let _ = write!(message, "\n      {d}");
    }
    if total > 5 {
        let _ = write!(message, "\n      ... and {} more", total - 5);
    }
    Err(format!("differs from the expected JSON AST:{message}"))
}

fn diff(ours: &Json, theirs: &Json, path: &str, out: &mut Vec<String>) {
    match (ours, theirs) {
        (Json::Object(a), Json::Object(b)) => {
            for (key, value) in a {
                let at = format!("{path}/{key}");
                match b.get(key) {
                    Some(other) => diff(value, other, &at, out),
                    None => out.push(format!("{at}: ours has {}, expected nothing", brief(value))),
                }
            }
            for (key, value) in b {
                if !a.contains_key(key) {
                    out.push(format!("{path}/{key}: expected {}, ours has nothing", brief(value)));
                }
            }
        }
        (Json::Array(a), Json::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                diff(x, y, &format!("{path}[{i}]"), out);
            }
        }
        (Json::Number(a), Json::Number(b)) => {
            let same = match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
                (Some(x), Some(y), _, _) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => a.as_f64() == b.as_f64(),
            };
            if !same {
                out.push(format!("{path}: ours {a}, expected {b}"));
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: ours {}, expected {}", brief(a), brief(b))),
    }
}

fn brief(value: &Json) -> String {
    let text = value.to_string();
    if text.chars().count() > 120 {
        format!("{}...", text.chars().take(120).collect::<String>())
    } else {
        text
    }
}
