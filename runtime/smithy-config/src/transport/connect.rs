//! Opening a connection: TCP (with the connect timeout), then TLS by rustls with the webpki
//! roots for `https`, offering `h2` by ALPN when HTTP/2 is on; and the adapter that lets hyper
//! drive a tokio stream.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};
use tokio_rustls::{client::TlsStream, TlsConnector};

use smithy_runtime::config::ConnectorError;

/// Where a connection goes: what a pooled connection can be reused for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Origin {
    pub(super) https: bool,
    /// The host as a name or an address, without an IPv6 address's brackets.
    pub(super) host: String,
    pub(super) port: u16,
}

impl Origin {
    /// The origin of an absolute `http` or `https` URI.
    pub(super) fn of(uri: &hyper::Uri) -> Result<Self, ConnectorError> {
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(ConnectorError::other(format!("`{uri}` is not an http or https URL"))),
        };
        let host = uri.host().filter(|h| !h.is_empty());
        let host = host.ok_or_else(|| ConnectorError::other(format!("`{uri}` has no host")))?;
        let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        Ok(Origin { https, host, port })
    }
}

/// The protocol a new connection speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Protocol {
    Http1,
    #[cfg(feature = "http2")]
    Http2,
}

/// How connections are opened: the TLS settings and the connect timeout.
pub(super) struct Connector {
    tls: TlsConnector,
    connect_timeout: Option<Duration>,
    /// HTTP/2 with prior knowledge over plain HTTP, and only `h2` offered over TLS.
    http2_only: bool,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("connect_timeout", &self.connect_timeout)
            .field("http2_only", &self.http2_only)
            .finish_non_exhaustive()
    }
}

impl Connector {
    pub(super) fn new(connect_timeout: Option<Duration>, http2_only: bool) -> Self {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        // ring's provider supports the default protocol versions, so this cannot fail.
        let mut tls = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring supports TLS 1.2 and 1.3")
            .with_root_certificates(roots)
            .with_no_client_auth();
        tls.alpn_protocols = alpn(http2_only);
        Connector { tls: TlsConnector::from(Arc::new(tls)), connect_timeout, http2_only }
    }

    /// A connection to `origin` and the protocol to speak on it. Failing to reach the host (or
    /// timing out) is transient; a TLS failure, such as a certificate that does not verify, is
    /// not.
    pub(super) async fn connect(&self, origin: &Origin) -> Result<(Io, Protocol), ConnectorError> {
        let tcp = TcpStream::connect((origin.host.as_str(), origin.port));
        let tcp = match self.connect_timeout {
            Some(limit) => match tokio::time::timeout(limit, tcp).await {
                Ok(tcp) => tcp,
                Err(_) => {
                    let message = format!("connecting to {}:{} took over {limit:?}", origin.host, origin.port);
                    return Err(ConnectorError::timeout(message));
                }
            },
            None => tcp.await,
        }
        .map_err(ConnectorError::io)?;
        // Requests are written whole: waiting to coalesce segments only adds latency.
        tcp.set_nodelay(true).map_err(ConnectorError::io)?;
        if !origin.https {
            return Ok((Io::new(Stream::Plain(tcp)), self.plain_protocol()));
        }
        let name = ServerName::try_from(origin.host.clone())
            .map_err(|e| ConnectorError::other(format!("`{}` is not a valid TLS server name: {e}", origin.host)))?;
        let tls = self.tls.connect(name, tcp).await.map_err(|e| {
            // tokio-rustls reports rustls's own errors as `InvalidData`.
            if e.kind() == io::ErrorKind::InvalidData {
                ConnectorError::other(e)
            } else {
                ConnectorError::io(e)
            }
        })?;
        let protocol = negotiated(tls.get_ref().1.alpn_protocol());
        Ok((Io::new(Stream::Tls(Box::new(tls))), protocol))
    }

    fn plain_protocol(&self) -> Protocol {
        #[cfg(feature = "http2")]
        if self.http2_only {
            return Protocol::Http2;
        }
        let _ = self.http2_only;
        Protocol::Http1
    }
}

/// The protocols offered by ALPN, the preferred first.
fn alpn(http2_only: bool) -> Vec<Vec<u8>> {
    let http1 = b"http/1.1".to_vec();
    #[cfg(feature = "http2")]
    {
        if http2_only {
            return vec![b"h2".to_vec()];
        }
        vec![b"h2".to_vec(), http1]
    }
    #[cfg(not(feature = "http2"))]
    {
        let _ = http2_only;
        vec![http1]
    }
}

/// The protocol the server chose by ALPN (HTTP/1.1 when it chose none).
fn negotiated(alpn: Option<&[u8]>) -> Protocol {
    #[cfg(feature = "http2")]
    if alpn == Some(&b"h2"[..]) {
        return Protocol::Http2;
    }
    let _ = alpn;
    Protocol::Http1
}

/// A connection's byte stream, plain or over TLS.
#[derive(Debug)]
pub(super) enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain(s) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// The largest read handed to hyper at once: a whole TLS record's plaintext.
const READ_CHUNK: usize = 16 * 1024;

/// A tokio stream as hyper's `Read` and `Write`. Reads go through a buffer of the adapter's
/// own and are copied into hyper's, which costs a copy but no `unsafe` (hyper's cursor takes
/// bytes without `unsafe` only by `put_slice`).
#[derive(Debug)]
pub(super) struct Io {
    stream: Stream,
    scratch: Vec<u8>,
}

impl Io {
    fn new(stream: Stream) -> Self {
        Io { stream, scratch: Vec::new() }
    }
}

impl hyper::rt::Read for Io {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let wanted = buf.remaining().min(READ_CHUNK);
        if this.scratch.len() < wanted {
            this.scratch.resize(wanted, 0);
        }
        let mut read = ReadBuf::new(&mut this.scratch[..wanted]);
        ready!(Pin::new(&mut this.stream).poll_read(cx, &mut read))?;
        buf.put_slice(read.filled());
        Poll::Ready(Ok(()))
    }
}

impl hyper::rt::Write for Io {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// hyper's HTTP/2 connections spawn their streams' tasks on tokio.
#[cfg(feature = "http2")]
#[derive(Clone, Copy, Debug)]
pub(super) struct TokioExecutor;

#[cfg(feature = "http2")]
impl<F> hyper::rt::Executor<F> for TokioExecutor
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn execute(&self, future: F) {
        tokio::spawn(future);
    }
}
