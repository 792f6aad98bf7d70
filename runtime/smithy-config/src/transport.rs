//! The default HTTP client (hyper, HTTP/1.1, rustls with the webpki roots; plain `http://`
//! too, for local endpoints) and the tokio timer.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use smithy_runtime::config::{AsyncSleep, ConnectorError, HttpClient, HttpFuture, Sleep};
use smithy_runtime::http::{Headers, HttpRequest, HttpResponse};

type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

/// The default [`HttpClient`]: a pooled hyper client over rustls. Needs a tokio runtime.
#[derive(Clone, Debug)]
pub struct HyperClient {
    client: Client<Connector, Full<Bytes>>,
}

impl HyperClient {
    /// A client whose connection attempts give up after `connect_timeout`, if set.
    pub fn new(connect_timeout: Option<Duration>) -> Self {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(connect_timeout);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        HyperClient { client: Client::builder(TokioExecutor::new()).build(https) }
    }
}

impl Default for HyperClient {
    fn default() -> Self {
        Self::new(None)
    }
}

impl HttpClient for HyperClient {
    fn call<'a>(&'a self, url: &'a str, request: &'a HttpRequest) -> HttpFuture<'a> {
        Box::pin(async move {
            let mut builder = hyper::Request::builder().method(request.method.as_str()).uri(url);
            for (name, value) in request.headers.iter() {
                builder = builder.header(name, value);
            }
            let body = Full::new(Bytes::from(request.body.clone()));
            let request = builder.body(body).map_err(ConnectorError::other)?;
            let response = self.client.request(request).await.map_err(|e| {
                // Connect failures (refused, unreachable, timed out) and dropped connections
                // are transient; anything else (a bad URL, TLS) is not.
                if e.is_connect() || is_io(&e) {
                    ConnectorError::io(e)
                } else {
                    ConnectorError::other(e)
                }
            })?;
            let status = response.status().as_u16();
            let mut headers = Headers::new();
            for (name, value) in response.headers() {
                headers.append(name.as_str(), String::from_utf8_lossy(value.as_bytes()));
            }
            let body = response.into_body().collect().await.map_err(ConnectorError::io)?.to_bytes();
            Ok(HttpResponse::new(status, headers, body.to_vec()))
        })
    }
}

/// Whether an error's chain holds an I/O error or a connection the peer closed early.
fn is_io(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(e) = next {
        if e.is::<std::io::Error>() || e.downcast_ref::<hyper::Error>().is_some_and(|h| h.is_incomplete_message()) {
            return true;
        }
        next = e.source();
    }
    false
}

/// The tokio timer.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioSleep;

impl AsyncSleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}
