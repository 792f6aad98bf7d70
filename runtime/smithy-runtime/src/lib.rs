//! The runtime every generated Smithy client crate shares: one crate, compiled once, however
//! many services a program uses. A generated crate re-exports the modules it uses
//! (`primitives`, `error`, `http`, and with its `client` feature `config`, `credentials`,
//! `orchestrator`), so its users reach them through the service crate as aws-sdk-rust's do.
//!
//! The modules only use the standard library, except the client's SHA-256 and HMAC and
//! compression's gzip. Each part is a feature: `json`, `cbor`, `rest-json`, `endpoint` (the
//! rules engine), `compression` (gzip request bodies), `event-stream` (the
//! `application/vnd.amazon.eventstream` framing and, with `client`, its chained event signing), `client` (config, credentials, SigV4, retries,
//! timeouts, paginators, waiters) and `test-util` (what generated tests use). The default HTTPS transport is the `smithy-config` crate, so that no service crate's
//! build waits for hyper, rustls and tokio.
#![warn(missing_docs, missing_debug_implementations, unreachable_pub)]
#![forbid(unsafe_code)]

pub mod byte_stream;
pub mod error;
pub mod http;
pub mod primitives;

#[cfg(feature = "cbor")]
pub mod cbor;
#[cfg(feature = "endpoint")]
pub mod endpoint;
#[cfg(feature = "json")]
pub mod json;
// Generated (prettyplease's layout) by `cargo xtask codegen`, which `--check` pins.
#[cfg(feature = "endpoint")]
#[rustfmt::skip]
pub mod partition_data;
#[cfg(feature = "endpoint")]
pub mod partitions;
#[cfg(feature = "query")]
pub mod query;
#[cfg(feature = "rest-json")]
pub mod rest_json;
#[cfg(feature = "xml")]
pub mod xml;

#[cfg(feature = "checksum")]
pub mod checksum;
#[cfg(feature = "compression")]
pub mod compression;
#[cfg(feature = "crc32")]
pub mod crc32;
#[cfg(feature = "event-stream")]
pub mod event_stream;

#[cfg(feature = "client")]
pub mod config;
#[cfg(feature = "client")]
pub mod credentials;
#[cfg(feature = "client")]
mod digest;
#[cfg(feature = "client")]
pub mod orchestrator;
#[cfg(feature = "client")]
pub mod sigv4;
#[cfg(feature = "sigv4a")]
pub mod sigv4a;
#[cfg(feature = "client")]
pub mod waiter;

#[cfg(feature = "test-util")]
pub mod protocol_test_util;
#[cfg(feature = "test-util")]
pub mod test_rng;
