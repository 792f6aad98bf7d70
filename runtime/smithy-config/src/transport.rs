//! The default HTTP client (hyper, HTTP/1.1, rustls with the webpki roots; plain `http://`
//! too, for local endpoints) and the tokio timer.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use smithy_runtime::byte_stream::{ByteStream, ByteStreamError, ChunkSource};
use smithy_runtime::config::{AsyncSleep, ConnectorError, HttpClient, HttpFuture, Sleep, StreamingFuture};
use smithy_runtime::http::{Headers, HttpRequest, HttpResponse, StreamingResponse};

type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

/// The default [`HttpClient`]: a pooled hyper client over rustls. Needs a tokio runtime.
///
/// It streams [`call_streaming`](HttpClient::call_streaming)'s bodies both ways, a chunk at a
/// time: a request body with a known length goes with its `Content-Length`, one without
/// chunked; the response body is read from the connection as it is polled. Only connecting
/// has a timeout here (the config's connect timeout): reading a streamed body has none, so a
/// caller that needs one puts its own around its reads.
#[derive(Clone, Debug)]
pub struct HyperClient {
    client: Client<Connector, StreamBody>,
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

impl HyperClient {
    /// Sends `request` with `body` and returns the response, its body unread.
    async fn send(
        &self,
        url: &str,
        request: &HttpRequest,
        body: ByteStream,
    ) -> Result<(u16, Headers, Incoming), ConnectorError> {
        let mut builder = hyper::Request::builder().method(request.method.as_str()).uri(url);
        for (name, value) in request.headers.iter() {
            builder = builder.header(name, value);
        }
        let request = builder.body(StreamBody { stream: body, ended: false }).map_err(ConnectorError::other)?;
        let response = self.client.request(request).await.map_err(|e| {
            // Connect failures (refused, unreachable, timed out), dropped connections and failed
            // reads of the request body are transient; anything else (a bad URL, TLS, a body
            // not of its declared length) is not.
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
        Ok((status, headers, response.into_body()))
    }
}

impl HttpClient for HyperClient {
    fn call<'a>(&'a self, url: &'a str, request: &'a HttpRequest) -> HttpFuture<'a> {
        Box::pin(async move {
            let (status, headers, body) = self.send(url, request, ByteStream::from(request.body.clone())).await?;
            let body = body.collect().await.map_err(ConnectorError::io)?.to_bytes();
            Ok(HttpResponse::new(status, headers, body.to_vec()))
        })
    }

    fn call_streaming<'a>(
        &'a self,
        url: &'a str,
        request: &'a HttpRequest,
        body: Option<ByteStream>,
    ) -> StreamingFuture<'a> {
        Box::pin(async move {
            let body = body.unwrap_or_else(|| ByteStream::from(request.body.clone()));
            let (status, headers, body) = self.send(url, request, body).await?;
            // hyper knows the length from `Content-Length` (and that a `HEAD` response has none).
            let length = body.size_hint().exact();
            Ok(StreamingResponse { status, headers, body: ByteStream::from_source(IncomingSource(body), length) })
        })
    }
}

/// A request body as hyper's `Body`: the stream's chunks as data frames, its remaining length
/// as the size hint (an exact one becomes the `Content-Length`; none, chunked encoding).
#[derive(Debug)]
struct StreamBody {
    stream: ByteStream,
    ended: bool,
}

impl Body for StreamBody {
    type Data = Bytes;
    type Error = ByteStreamError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let polled = Pin::new(&mut self.stream).poll_next(cx);
        if let Poll::Ready(None) = polled {
            self.ended = true;
        }
        polled.map(|chunk| chunk.map(|chunk| chunk.map(|chunk| Frame::data(Bytes::from(chunk)))))
    }

    // Only an empty body in memory is known to be empty before it is polled. (hyper stops
    // polling at the `Content-Length` itself: a body longer than that is cut there, and a
    // shorter one fails at its end.)
    fn is_end_stream(&self) -> bool {
        self.ended || self.stream.in_memory().is_some_and(<[u8]>::is_empty)
    }

    fn size_hint(&self) -> SizeHint {
        match self.stream.size_hint() {
            (lower, Some(upper)) if lower == upper => SizeHint::with_exact(lower),
            (lower, upper) => {
                let mut hint = SizeHint::new();
                hint.set_lower(lower);
                if let Some(upper) = upper.filter(|&upper| upper >= lower) {
                    hint.set_upper(upper);
                }
                hint
            }
        }
    }
}

/// A response body as a [`ChunkSource`]: its data frames, read as polled; trailers are skipped.
struct IncomingSource(Incoming);

impl ChunkSource for IncomingSource {
    fn poll_chunk(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<std::io::Result<Vec<u8>>>> {
        loop {
            let frame = match std::task::ready!(Pin::new(&mut self.0).poll_frame(cx)) {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(std::io::Error::other(e)))),
                Some(Ok(frame)) => frame,
            };
            if let Ok(data) = frame.into_data() {
                return Poll::Ready(Some(Ok(Vec::from(data))));
            }
        }
    }

    fn size_hint(&self) -> (u64, Option<u64>) {
        let hint = self.0.size_hint();
        (hint.lower(), hint.upper())
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
