//! The generator never panics on a model: mutated fixture models (values replaced with values of
//! other kinds, members removed, targets pointed elsewhere) either generate or give an error.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// Mutations per fixture model; deterministic, so a failure reproduces.
const MUTATIONS: usize = 25;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Every JSON pointer in the document.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn mutate(model: &mut Value, rng: &mut Rng) {
    let mut all = Vec::new();
    pointers(model, String::new(), &mut all);
    if all.len() < 2 {
        return; // Mutated down to a scalar: nothing left to change.
    }
    let at = all[1 + rng.below(all.len() - 1)].clone();
    let replacement = match rng.below(8) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(-1),
        3 => json!("smithy.api#String"),
        4 => json!("not a shape id"),
        5 => json!({}),
        6 => json!([]),
        _ => json!({"target": "smithy.api#Unit"}),
    };
    if rng.below(3) == 0 {
        // Remove the entry instead, when its parent is an object.
        if let Some((parent, key)) = at.rsplit_once('/') {
            if let Some(Value::Object(map)) = model.pointer_mut(parent) {
                map.remove(&key.replace("~1", "/").replace("~0", "~"));
                return;
            }
        }
    }
    if let Some(slot) = model.pointer_mut(&at) {
        *slot = replacement;
    }
}

#[test]
fn mutated_models_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    fixtures.sort();
    let scratch = std::env::temp_dir().join(format!("codegen-no-panic-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let (mut generated, mut rejected) = (0, 0);
    for (n, fixture) in fixtures.iter().enumerate() {
        let original: Value = serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ n as u64);
        for i in 0..MUTATIONS {
            let mut model = original.clone();
            for _ in 0..1 + rng.below(3) {
                mutate(&mut model, &mut rng);
            }
            let path = scratch.join(format!("{n}-{i}.json"));
            std::fs::write(&path, serde_json::to_string(&model).unwrap()).unwrap();
            let options = codegen::Options { models: vec![path.clone()], roundtrip_tests: true, ..Default::default() };
            match std::panic::catch_unwind(|| codegen::generate(&options)) {
                Ok(Ok(_)) => generated += 1,
                Ok(Err(e)) => {
                    assert!(!e.to_string().is_empty());
                    rejected += 1;
                }
                Err(_) => {
                    panic!("the generator panicked on {} (mutation {i} of {})", path.display(), fixture.display())
                }
            }
            std::fs::remove_file(&path).unwrap();
        }
    }
    std::fs::remove_dir_all(&scratch).unwrap();
    assert_eq!(generated + rejected, fixtures.len() * MUTATIONS);
    assert!(
        generated > 0 && rejected > 0,
        "the mutations exercise both paths: {generated} generated, {rejected} rejected"
    );
}
