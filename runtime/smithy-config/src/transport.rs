//! The default HTTP client (hyper, HTTP/2 or HTTP/1.1 as the server chooses by ALPN, rustls
//! with the webpki roots; plain `http://` too, for local endpoints) and the tokio timer.

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
/// HTTP/1.1; with the crate's `http2` feature, over TLS it offers `h2` and `http/1.1` by ALPN,
/// so a server with HTTP/2 (which bidirectional event streams need) gets it and any other
/// keeps HTTP/1.1, and plain `http://` is HTTP/1.1 unless the client is made with
/// `http2_prior_knowledge`.
///
/// It streams [`call_streaming`](HttpClient::call_streaming)'s bodies both ways, a chunk at a
/// time: a request body with a known length goes with its `Content-Length`, one without
/// chunked (HTTP/1.1) or as DATA frames up to the stream's end (HTTP/2); the response body is
/// read from the connection as it is polled. The response is handed over once its head is in,
/// while the request body may still be sending, so a caller can read and send at once. Only
/// connecting has a timeout here (the config's connect timeout): reading a streamed body has
/// none, so a caller that needs one puts its own around its reads.
#[derive(Clone, Debug)]
pub struct HyperClient {
    client: Client<Connector, StreamBody>,
}

impl HyperClient {
    /// A client whose connection attempts give up after `connect_timeout`, if set.
    pub fn new(connect_timeout: Option<Duration>) -> Self {
        Self::with(connect_timeout, false)
    }

    /// A client that speaks only HTTP/2: with prior knowledge (h2c) over plain `http://`, where
    /// nothing negotiates the version (for a local stand-in for a bidirectional event-stream
    /// service), and offering only `h2` over TLS. Connection attempts give up after
    /// `connect_timeout`, if set.
    #[cfg(feature = "http2")]
    pub fn http2_prior_knowledge(connect_timeout: Option<Duration>) -> Self {
        Self::with(connect_timeout, true)
    }

    fn with(connect_timeout: Option<Duration>, http2_only: bool) -> Self {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(connect_timeout);
        let https = hyper_rustls::HttpsConnectorBuilder::new().with_webpki_roots().https_or_http();
        #[cfg(feature = "http2")]
        let (https, client) = {
            let https = if http2_only { https.enable_http2() } else { https.enable_all_versions() };
            let mut client = Client::builder(TokioExecutor::new());
            client.http2_only(http2_only);
            (https, client)
        };
        #[cfg(not(feature = "http2"))]
        let (https, client) = {
            let _ = http2_only;
            (https.enable_http1(), Client::builder(TokioExecutor::new()))
        };
        HyperClient { client: client.build(https.wrap_connector(http)) }
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

/// A response body as a [`ChunkSource`]: its data frames, read as polled. Trailers are skipped,
/// and so are empty frames (HTTP/2 may end a stream with one), which are no chunk to a reader.
struct IncomingSource(Incoming);

impl ChunkSource for IncomingSource {
    fn poll_chunk(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<std::io::Result<Vec<u8>>>> {
        loop {
            let frame = match std::task::ready!(Pin::new(&mut self.0).poll_frame(cx)) {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(std::io::Error::other(e)))),
                Some(Ok(frame)) => frame,
            };
            match frame.into_data() {
                Ok(data) if !data.is_empty() => return Poll::Ready(Some(Ok(Vec::from(data)))),
                _ => {}
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

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::io;

    use hyper::service::service_fn;
    use hyper::{Request, Response, StatusCode, Version};
    use hyper_util::rt::TokioIo;
    use tokio::io::AsyncReadExt;
    use tokio::net::TcpListener;
    use tokio::sync::mpsc;

    use super::*;

    /// Serves 127.0.0.1 with hyper's server for `version` alone (HTTP/2 by prior knowledge, or
    /// HTTP/1.1), echoing each request's body frame by frame as it arrives, under `200` if the
    /// request came in `version` and `505` otherwise. Returns the base URL; it serves until the
    /// test's runtime ends.
    async fn serve(version: Version) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let service = service_fn(move |request: Request<Incoming>| async move {
                    let mut status = StatusCode::OK;
                    if request.version() != version {
                        status = StatusCode::HTTP_VERSION_NOT_SUPPORTED;
                    }
                    let mut response = Response::new(request.into_body());
                    *response.status_mut() = status;
                    Ok::<_, Infallible>(response)
                });
                let io = TokioIo::new(stream);
                tokio::spawn(async move {
                    // A failed connection (an HTTP/1.1 client at the HTTP/2 server) ends only itself.
                    let _ = if version == Version::HTTP_2 {
                        hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                            .serve_connection(io, service)
                            .await
                    } else {
                        hyper::server::conn::http1::Builder::new().serve_connection(io, service).await
                    };
                });
            }
        });
        url
    }

    /// A body of the chunks the test sends down the channel, each there only once it is sent;
    /// the body ends when the sender is dropped.
    struct Channel(mpsc::UnboundedReceiver<Vec<u8>>);

    impl ChunkSource for Channel {
        fn poll_chunk(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<io::Result<Vec<u8>>>> {
            self.0.poll_recv(cx).map(|chunk| chunk.map(Ok))
        }
    }

    /// The next `n` bytes of `body`, in as many chunks as they come in.
    async fn read(body: &mut ByteStream, n: usize) -> Vec<u8> {
        let mut read = Vec::new();
        while read.len() < n {
            read.extend(body.next().await.expect("more of the body").expect("a chunk"));
        }
        read
    }

    fn post(url: &str) -> HttpRequest {
        let mut request = HttpRequest::new("POST", "/stream");
        // As the orchestrator sets it: HTTP/2 sends it beside `:authority`.
        request.headers.insert("host", url.trim_start_matches("http://"));
        request
    }

    #[tokio::test]
    async fn prior_knowledge_speaks_http2_over_plain_http() {
        let url = serve(Version::HTTP_2).await;
        let mut request = post(&url);
        request.body = b"ping".to_vec();
        let response = HyperClient::http2_prior_knowledge(None).call(&format!("{url}/stream"), &request).await;
        let response = response.expect("a response");
        assert_eq!((response.status, response.body.as_slice()), (200, &b"ping"[..]));
    }

    #[tokio::test]
    async fn http2_streams_both_ways_at_once() {
        let url = serve(Version::HTTP_2).await;
        let (chunks, source) = mpsc::unbounded_channel();
        chunks.send(b"first".to_vec()).expect("the body is read");
        let body = ByteStream::from_source(Channel(source), None);
        let client = HyperClient::http2_prior_knowledge(None);
        let response = client.call_streaming(&format!("{url}/stream"), &post(&url), Some(body)).await;
        // The head is back with the request body still open: its second chunk is not sent yet.
        let response = response.expect("the response head");
        assert_eq!(response.status, 200);
        let mut echoed = response.body;
        assert_eq!(read(&mut echoed, 5).await, b"first");

        chunks.send(b"second".to_vec()).expect("the body is still read");
        assert_eq!(read(&mut echoed, 6).await, b"second");
        drop(chunks);
        let end = echoed.next().await;
        assert!(end.is_none(), "the echo ends with the request body: {end:?}");
    }

    #[tokio::test]
    async fn plain_http_stays_http1_by_default() {
        let url = serve(Version::HTTP_11).await;
        let (chunks, source) = mpsc::unbounded_channel();
        chunks.send(b"chunked".to_vec()).expect("the body is read");
        drop(chunks);
        let body = ByteStream::from_source(Channel(source), None);
        let response = HyperClient::default().call_streaming(&format!("{url}/stream"), &post(&url), Some(body)).await;
        let mut response = response.expect("a response");
        assert_eq!(response.status, 200);
        assert_eq!(read(&mut response.body, 7).await, b"chunked");
    }

    #[tokio::test]
    async fn a_dropped_http2_connection_is_transient() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let url = format!("http://{}/stream", listener.local_addr().expect("local addr"));
        tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.expect("accept");
            stream.read_exact(&mut [0; 24]).await.expect("the preface");
            // Frames (a 9-byte head: 24-bit length, type, flags, stream) up to the request's
            // HEADERS (type 1), then the connection closes unanswered.
            loop {
                let mut head = [0; 9];
                stream.read_exact(&mut head).await.expect("a frame");
                let length = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
                stream.read_exact(&mut vec![0; length]).await.expect("its payload");
                if head[3] == 1 {
                    return;
                }
            }
        });
        let error = HyperClient::http2_prior_knowledge(None).call(&url, &post(&url)).await.expect_err("no answer");
        assert!(error.is_io() && !error.is_timeout(), "{error:?}");
    }
}
