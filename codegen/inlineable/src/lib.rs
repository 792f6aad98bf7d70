//! Hand-written support code that the code generator copies verbatim into every
//! generated client crate.
//!
//! Each file in this crate is a self-contained top-level module: `primitives.rs`
//! becomes `crate::primitives` and `error.rs` becomes `crate::error` in the
//! generated crate. The modules only use the standard library and refer to each
//! other through `crate::` paths, so they compile identically here and there.
#![warn(missing_docs, missing_debug_implementations, unreachable_pub)]
#![forbid(unsafe_code)]

pub mod endpoint;
pub mod error;
pub mod http;
pub mod json;
pub mod partitions;
pub mod protocol_test_util;
pub mod rest_json;
pub mod primitives;
