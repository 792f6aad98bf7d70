//! The configuration every generated client shares, loaded once, with the default HTTPS
//! transport (hyper, rustls with the webpki roots, HTTP/1.1) and the tokio timer:
//!
//! ```no_run
//! let config = smithy_config::from_env().region("us-east-1").build();
//! // Hand the same config to every service's client:
//! // let iot = iotmanagedintegrations::Client::new(&config);
//! // let other = other_service::Client::new(&config);
//! # let _ = config;
//! ```
//!
//! A crate of its own, apart from `smithy-runtime`: the service crates depend only on the
//! runtime, so their builds do not wait for hyper, rustls and tokio, which only the program
//! that sends requests needs.
#![warn(missing_docs, missing_debug_implementations, unreachable_pub)]
#![forbid(unsafe_code)]

use std::sync::Arc;

use smithy_runtime::config::{AsyncSleep, Builder, Config, DefaultIo, HttpClient, TimeoutConfig};

pub mod transport;

/// A builder preset from the environment as AWS SDKs read it (the Region from `AWS_REGION`,
/// `AWS_DEFAULT_REGION` or the selected profile; credentials from the default chain), with the
/// default transport and timer.
pub fn from_env() -> Builder {
    Config::from_env().default_io(Defaults)
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
