//! The endpoint rules engine: a rule set (the input up to a NUL) parsed, then resolved with
//! every parameter set from the rest of the input (strings from its text, booleans from its
//! bits): no panic, whatever the rules or the values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smithy_runtime::endpoint::{ParameterType, Params, RuleSet};

fuzz_target!(|data: &[u8]| {
    let (rules, values) = match data.iter().position(|&b| b == 0) {
        Some(end) => (&data[..end], &data[end + 1..]),
        None => (data, &[][..]),
    };
    let Ok(rules) = std::str::from_utf8(rules) else { return };
    let Ok(rule_set) = RuleSet::from_json(rules) else { return };
    let text = String::from_utf8_lossy(values);
    let mut pieces = text.split('\u{1}');
    let mut params = Params::new();
    for (index, parameter) in rule_set.parameters().iter().enumerate() {
        let piece = pieces.next().unwrap_or_default().to_owned();
        match parameter.kind {
            ParameterType::Boolean => {
                let bit = values.get(index / 8).is_some_and(|b| b >> (index % 8) & 1 == 1);
                params.set(parameter.name.as_str(), bit);
            }
            ParameterType::String => {
                params.set(parameter.name.as_str(), piece);
            }
            ParameterType::StringArray => {
                params.set(parameter.name.as_str(), piece.split(',').map(str::to_owned).collect::<Vec<_>>());
            }
        }
    }
    let _ = rule_set.resolve(&params);
});
