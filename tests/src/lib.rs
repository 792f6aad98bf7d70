//! Tests of the crate generated into `generated/`, written as its users would use it: see `tests/`.
