//! The configuration every generated client shares, loaded once as aws-config loads it (the
//! Region, AWS SDKs' whole default credentials chain behind one cache, retries, timeouts), with
//! the default HTTPS transport (hyper, rustls with the webpki roots, HTTP/1.1, and with the
//! `http2` feature HTTP/2 by ALPN) and the tokio timer:
//!
//! ```no_run
//! # async fn f() {
//! let config = smithy_config::load_from_env().await;
//! // Hand the same config to every service's client:
//! // let iot = iotmanagedintegrations::Client::new(&config);
//! // let other = other_service::Client::new(&config);
//! # let _ = config;
//! # }
//! ```
//!
//! A crate of its own, apart from `smithy-runtime`: the service crates depend only on the
//! runtime, so their builds do not wait for hyper, rustls and tokio, which only the program
//! that sends requests needs.
#![warn(missing_docs, missing_debug_implementations, unreachable_pub)]
#![forbid(unsafe_code)]

use std::sync::Arc;

use smithy_runtime::config::{AsyncSleep, Builder, Config, DefaultIo, HttpClient, TimeoutConfig};

pub mod container;
pub mod credentials;
pub mod imds;
mod loader;
pub mod transport;

pub use loader::ConfigLoader;

/// A loader of the configuration from the environment, to adjust before
/// [`load`](ConfigLoader::load)ing it.
pub fn from_env() -> ConfigLoader {
    ConfigLoader::default()
}

/// The configuration from the environment, as [`ConfigLoader::load`] resolves it.
pub async fn load_from_env() -> Config {
    from_env().load().await
}

/// An empty builder (no Region, no credentials) with the default transport and timer.
pub fn builder() -> Builder {
    Config::builder().default_io(Defaults)
}

/// [`transport::HyperClient`] and [`transport::TokioSleep`], as a config's [`DefaultIo`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Defaults;

impl DefaultIo for Defaults {
    fn http_client(&self, timeouts: &TimeoutConfig) -> Arc<dyn HttpClient> {
        Arc::new(transport::HyperClient::new(timeouts.connect_timeout()))
    }

    fn sleep(&self) -> Arc<dyn AsyncSleep> {
        Arc::new(transport::TokioSleep)
    }
}
