//! Hand-written support code that the code generator copies verbatim into every
//! generated client crate.
//!
//! Each file in this crate is a self-contained top-level module: `primitives.rs`
//! becomes `crate::primitives` and `error.rs` becomes `crate::error` in the
//! generated crate. The modules only use the standard library and refer to each
//! other through `crate::` paths, so they compile identically here and there.
//!
//! The client runtime sits behind the same features as in generated crates: `runtime`
//! (`config`, `credentials`, `orchestrator`, `sigv4`; std plus `sha2` and `hmac`) and
//! `client` (`transport`: hyper, rustls, tokio). Both are on by default here so everything is
//! compiled and tested.
#![warn(missing_docs, missing_debug_implementations, unreachable_pub)]
#![forbid(unsafe_code)]

pub mod endpoint;
pub mod error;
pub mod http;
pub mod json;
// Generated (prettyplease's layout) by `cargo xtask codegen`, which `--check` pins.
#[rustfmt::skip]
pub mod partition_data;
pub mod partitions;
pub mod primitives;
pub mod protocol_test_util;
pub mod rest_json;
pub mod test_rng;

#[cfg(feature = "runtime")]
pub mod config;
#[cfg(feature = "runtime")]
pub mod credentials;
#[cfg(feature = "runtime")]
pub mod orchestrator;
#[cfg(feature = "runtime")]
pub mod sigv4;
#[cfg(feature = "client")]
pub mod transport;
