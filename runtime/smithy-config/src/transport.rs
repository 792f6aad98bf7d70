//! The default HTTP client (hyper's connections, HTTP/2 or HTTP/1.1 as the server chooses by
//! ALPN, rustls with the webpki roots; plain `http://` too, for local endpoints, with a pool of
//! its own) and the tokio timer.

use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::client::conn::http1;

use smithy_runtime::byte_stream::{ByteStream, ByteStreamError, ChunkSource};
use smithy_runtime::config::{AsyncSleep, ConnectorError, HttpClient, HttpFuture, Sleep, StreamingFuture};
use smithy_runtime::http::{Headers, HttpRequest, HttpResponse, StreamingResponse};

mod connect;
mod pool;

use connect::{Connector, Origin, Protocol};
use pool::{Pool, Sender};

/// The default [`HttpClient`]: hyper's HTTP/1.1 (and HTTP/2) connections over rustls, kept
/// open for reuse. Needs a tokio runtime.
///
/// HTTP/1.1; with the crate's `http2` feature, over TLS it offers `h2` and `http/1.1` by ALPN,
/// so a server with HTTP/2 (which bidirectional event streams need) gets it and any other
/// keeps HTTP/1.1, and plain `http://` is HTTP/1.1 unless the client is made with
/// `http2_prior_knowledge`. An HTTP/1.1 connection is reused once its response has been read
/// whole, an HTTP/2 one by every request to its origin; an idle one is closed after 90 s. A
/// request that a reused connection turns out too stale to take is sent once more on a new one.
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
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    connector: Connector,
    pool: Pool,
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
        let connector = Connector::new(connect_timeout, http2_only);
        HyperClient { shared: Arc::new(Shared { connector, pool: Pool::default() }) }
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
        let uri: hyper::Uri = url.parse().map_err(ConnectorError::other)?;
        let origin = Origin::of(&uri)?;
        let mut builder = hyper::Request::builder().method(request.method.as_str());
        for (name, value) in request.headers.iter() {
            builder = builder.header(name, value);
        }
        let mut outgoing = builder.body(StreamBody { stream: body, ended: false }).map_err(ConnectorError::other)?;
        let (mut sender, mut reused) = match self.shared.pool.checkout(&origin) {
            Some(sender) => (sender, true),
            None => (self.open(&origin).await?, false),
        };
        let response = loop {
            match sender.send(outgoing, &uri).await {
                Ok(response) => break response,
                Err(mut error) => match error.take_message() {
                    // The connection closed while it sat in the pool; the request never left.
                    Some(request) if reused => {
                        outgoing = request;
                        sender = self.open(&origin).await?;
                        reused = false;
                    }
                    _ => return Err(send_error(error.into_error())),
                },
            }
        };
        if let Some(sender) = sender.into_http1() {
            checkin_when_ready(Arc::downgrade(&self.shared), origin, sender);
        }
        let status = response.status().as_u16();
        let mut headers = Headers::new();
        for (name, value) in response.headers() {
            headers.append(name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()));
        }
        Ok((status, headers, response.into_body()))
    }

    /// A new connection to `origin`, its I/O driven by a task of its own. An HTTP/2 one goes
    /// into the pool at once, for other requests to share.
    async fn open(&self, origin: &Origin) -> Result<Sender, ConnectorError> {
        let (io, protocol) = self.shared.connector.connect(origin).await?;
        match protocol {
            Protocol::Http1 => {
                let (sender, connection) = http1::handshake(io).await.map_err(send_error)?;
                // Its errors reach the request being sent; the task just ends.
                tokio::spawn(async move {
                    let _ = connection.await;
                });
                Ok(Sender::Http1(sender))
            }
            #[cfg(feature = "http2")]
            Protocol::Http2 => {
                let handshake = hyper::client::conn::http2::handshake(connect::TokioExecutor, io);
                let (sender, connection) = handshake.await.map_err(send_error)?;
                tokio::spawn(async move {
                    let _ = connection.await;
                });
                self.shared.pool.checkin(origin.clone(), Sender::Http2(sender.clone()));
                Ok(Sender::Http2(sender))
            }
        }
    }
}

/// Puts an HTTP/1.1 connection back in the pool once it can take another request (its response
/// read whole); one that closes instead is dropped, as is any once the client is gone.
fn checkin_when_ready(shared: Weak<Shared>, origin: Origin, mut sender: http1::SendRequest<StreamBody>) {
    tokio::spawn(async move {
        if sender.ready().await.is_ok() {
            if let Some(shared) = shared.upgrade() {
                shared.pool.checkin(origin, Sender::Http1(sender));
            }
        }
    });
}

/// Dropped or refused connections and failed reads of the request body are transient; anything
/// else (a malformed response, a body not of its declared length) is not.
fn send_error(error: hyper::Error) -> ConnectorError {
    if error.is_canceled() || error.is_closed() || is_io(&error) {
        ConnectorError::io(error)
    } else {
        ConnectorError::other(error)
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
    use hyper_util::rt::{TokioExecutor, TokioIo};
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

    /// Serves 127.0.0.1 over HTTP/1.1, answering every request with `ok`, keeping connections
    /// open between requests if `keep_alive`. Returns the base URL and the count of
    /// connections accepted so far.
    async fn serve_http1(keep_alive: bool) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = accepted.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let service = service_fn(|_: Request<Incoming>| async {
                    Ok::<_, Infallible>(Response::new(http_body_util::Full::new(Bytes::from_static(b"ok"))))
                });
                let mut server = hyper::server::conn::http1::Builder::new();
                server.keep_alive(keep_alive);
                tokio::spawn(async move {
                    let _ = server.serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        (url, accepted)
    }

    /// Sends `n` requests one after another, each read whole; with `pooled`, waits after each
    /// for its connection to be back in the pool, which a task of its own puts it.
    async fn get_n(client: &HyperClient, url: &str, n: usize, pooled: bool) {
        for _ in 0..n {
            let response = client.call(&format!("{url}/"), &HttpRequest::new("GET", "/")).await;
            let response = response.expect("a response");
            assert_eq!((response.status, response.body.as_slice()), (200, &b"ok"[..]));
            let mut polls = 0;
            while pooled && client.shared.pool.idle() == 0 {
                assert!(polls < 10_000, "the connection never came back to the pool");
                tokio::task::yield_now().await;
                polls += 1;
            }
        }
    }

    #[tokio::test]
    async fn http1_connections_are_reused() {
        let (url, accepted) = serve_http1(true).await;
        let client = HyperClient::default();
        get_n(&client, &url, 3, true).await;
        assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_connection_the_server_closes_is_not_reused() {
        let (url, accepted) = serve_http1(false).await;
        let client = HyperClient::default();
        get_n(&client, &url, 3, false).await;
        assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 3);
        assert_eq!(client.shared.pool.idle(), 0);
    }

    /// A TLS server on 127.0.0.1 with a self-signed certificate for `localhost`, offering `h2`
    /// and `http/1.1` by ALPN; it records the protocols each client offered. Returns the port.
    async fn serve_self_signed_tls() -> (u16, Arc<std::sync::Mutex<Vec<Vec<Vec<u8>>>>>) {
        use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
        use tokio_rustls::rustls::{crypto, ServerConfig};
        let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("a certificate");
        let chain = vec![CertificateDer::from(certified.cert.der().to_vec())];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
        let mut config = ServerConfig::builder_with_provider(Arc::new(crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("TLS 1.2 and 1.3")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("the key fits the certificate");
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local addr").port();
        let offered = Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = offered.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let Ok(start) = tokio_rustls::LazyConfigAcceptor::new(Default::default(), stream).await else {
                    continue;
                };
                let alpn = start.client_hello().alpn().map(|p| p.map(<[u8]>::to_vec).collect()).unwrap_or_default();
                record.lock().expect("not poisoned").push(alpn);
                // The handshake fails at the client, which does not trust the certificate.
                let _ = start.into_stream(acceptor.config().clone()).await;
            }
        });
        (port, offered)
    }

    #[tokio::test]
    async fn an_untrusted_certificate_fails_and_is_not_transient() {
        let (port, offered) = serve_self_signed_tls().await;
        let url = format!("https://localhost:{port}/");
        let error = HyperClient::default().call(&url, &HttpRequest::new("GET", "/")).await.expect_err("untrusted");
        assert!(!error.is_io() && !error.is_timeout(), "{error:?}");
        let cause = std::error::Error::source(&error).map(ToString::to_string).unwrap_or_default();
        assert!(cause.contains("certificate"), "{cause}");
        // This crate's tests build it with `http2`: both protocols are offered, h2 first.
        let offered = offered.lock().expect("not poisoned").clone();
        assert_eq!(offered, vec![vec![b"h2".to_vec(), b"http/1.1".to_vec()]]);
    }

    #[tokio::test]
    async fn a_refused_connection_is_transient() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let url = format!("http://{}/", listener.local_addr().expect("local addr"));
        drop(listener);
        let error = HyperClient::default().call(&url, &HttpRequest::new("GET", "/")).await.expect_err("refused");
        assert!(error.is_io(), "{error:?}");
    }

    #[tokio::test]
    async fn urls_other_than_http_and_https_are_refused() {
        for url in ["ftp://example.com/", "/relative"] {
            let error = HyperClient::default().call(url, &HttpRequest::new("GET", "/")).await.expect_err("refused");
            assert!(!error.is_io() && !error.is_timeout(), "{url}: {error:?}");
        }
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
