//! `HyperClient` streaming bodies both ways against a std-thread HTTP/1.1 server on 127.0.0.1:
//! uploads of a known length (`Content-Length`) and of an unknown one (chunked), a download read
//! chunk by chunk, nothing of either held whole.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use smithy_config::transport::HyperClient;
use smithy_runtime::byte_stream::{ByteStream, ChunkSource};
use smithy_runtime::config::HttpClient;
use smithy_runtime::http::HttpRequest;

const MIB: u64 = 1024 * 1024;
const CHUNK: usize = 64 * 1024;

/// The byte at `offset` of every body here: each 64 KiB filled with its index.
fn byte_at(offset: u64) -> u8 {
    (offset / CHUNK as u64) as u8
}

/// `total` bytes of [`byte_at`]'s, made a chunk at a time as they are polled.
struct Synthetic {
    total: u64,
    sent: u64,
}

impl ChunkSource for Synthetic {
    fn poll_chunk(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<io::Result<Vec<u8>>>> {
        let n = (self.total - self.sent).min(CHUNK as u64 - self.sent % CHUNK as u64);
        if n == 0 {
            return Poll::Ready(None);
        }
        let chunk = vec![byte_at(self.sent); n as usize];
        self.sent += n;
        Poll::Ready(Some(Ok(chunk)))
    }
}

/// What the server read of a request.
#[derive(Debug)]
struct Received {
    head: Vec<(String, String)>,
    /// The body's length, as read (dechunked).
    length: u64,
    /// Whether every byte was [`byte_at`]'s.
    intact: bool,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Serves one connection with `handle` on a thread; returns its base URL and the thread.
fn serve<T: Send + 'static>(handle: impl FnOnce(TcpStream) -> T + Send + 'static) -> (String, thread::JoinHandle<T>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("local addr"));
    let server = thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        stream.set_read_timeout(Some(Duration::from_secs(30))).ok();
        handle(stream)
    });
    (url, server)
}

/// The request line's headers.
fn read_head(reader: &mut impl BufRead) -> Vec<(String, String)> {
    let mut line = String::new();
    reader.read_line(&mut line).expect("request line");
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("header line");
        let line = line.trim_end();
        if line.is_empty() {
            return head;
        }
        let (name, value) = line.split_once(':').expect("a header");
        head.push((name.trim().to_owned(), value.trim().to_owned()));
    }
}

/// Reads `length` bytes of body, or as many as come before the connection ends, checking each.
fn read_body(reader: &mut impl Read, length: u64, received: &mut Received) {
    let mut buf = vec![0; CHUNK];
    let mut left = length;
    while left > 0 {
        let n = match reader.read(&mut buf[..left.min(CHUNK as u64) as usize]) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let start = received.length;
        received.intact &= buf[..n].iter().enumerate().all(|(i, &b)| b == byte_at(start + i as u64));
        received.length += n as u64;
        left -= n as u64;
    }
}

/// Reads a request (its body by `Content-Length` or chunked), answers `204`, and returns it.
fn receive(stream: TcpStream) -> Received {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut received = Received { head: read_head(&mut reader), length: 0, intact: true };
    if received.header("transfer-encoding") == Some("chunked") {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).expect("chunk size");
            let size = u64::from_str_radix(size.trim_end().split(';').next().unwrap_or_default(), 16).expect("hex");
            if size == 0 {
                // The empty line after the last chunk: no trailers are sent.
                reader.read_line(&mut String::new()).expect("end of chunks");
                break;
            }
            read_body(&mut reader, size, &mut received);
            let mut crlf = [0; 2];
            reader.read_exact(&mut crlf).expect("chunk end");
        }
    } else {
        let length = received.header("content-length").map_or(0, |v| v.parse().expect("a length"));
        read_body(&mut reader, length, &mut received);
    }
    let mut stream = stream;
    stream.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").ok();
    received
}

fn put() -> HttpRequest {
    HttpRequest::new("PUT", "/bucket/key")
}

#[tokio::test]
async fn uploads_of_a_known_length_stream_with_their_content_length() {
    let (url, server) = serve(receive);
    let body = ByteStream::from_source(Synthetic { total: 64 * MIB, sent: 0 }, Some(64 * MIB));
    let response = HyperClient::default().call_streaming(&format!("{url}/bucket/key"), &put(), Some(body)).await;
    assert_eq!(response.expect("sent").status, 204);
    let received = server.join().expect("server");
    assert_eq!(received.header("content-length"), Some("67108864"));
    assert_eq!(received.header("transfer-encoding"), None);
    assert_eq!((received.length, received.intact), (64 * MIB, true));
}

#[tokio::test]
async fn uploads_of_an_unknown_length_go_chunked() {
    let (url, server) = serve(receive);
    let total = 3 * MIB + 5;
    let body = ByteStream::from_source(Synthetic { total, sent: 0 }, None);
    let response = HyperClient::default().call_streaming(&format!("{url}/bucket/key"), &put(), Some(body)).await;
    assert_eq!(response.expect("sent").status, 204);
    let received = server.join().expect("server");
    assert_eq!((received.header("transfer-encoding"), received.header("content-length")), (Some("chunked"), None));
    assert_eq!((received.length, received.intact), (total, true));
}

#[tokio::test]
async fn in_memory_bodies_are_sent_as_before() {
    let (url, server) = serve(receive);
    let mut request = put();
    request.body = vec![0; 1000];
    let response = HyperClient::default().call(&format!("{url}/bucket/key"), &request).await.expect("sent");
    assert_eq!((response.status, response.body.len()), (204, 0));
    let received = server.join().expect("server");
    assert_eq!((received.header("content-length"), received.length, received.intact), (Some("1000"), 1000, true));

    let (url, server) = serve(receive);
    let request = HttpRequest::new("GET", "/bucket/key");
    HyperClient::default().call_streaming(&format!("{url}/bucket/key"), &request, None).await.expect("sent");
    let received = server.join().expect("server");
    assert_eq!((received.header("content-length"), received.header("transfer-encoding")), (None, None), "no body");
}

#[tokio::test]
async fn a_body_longer_than_declared_is_cut_at_its_content_length() {
    let (url, server) = serve(receive);
    let body = ByteStream::from_source(Synthetic { total: MIB + 1, sent: 0 }, Some(MIB));
    let response = HyperClient::default().call_streaming(&format!("{url}/bucket/key"), &put(), Some(body)).await;
    assert_eq!(response.expect("sent").status, 204);
    let received = server.join().expect("server");
    assert_eq!(received.header("content-length"), Some("1048576"));
    assert_eq!((received.length, received.intact), (MIB, true));
}

#[tokio::test]
async fn a_body_shorter_than_declared_fails_and_is_not_transient() {
    let (url, server) = serve(receive);
    let body = ByteStream::from_source(Synthetic { total: MIB - 1, sent: 0 }, Some(MIB));
    let error = HyperClient::default()
        .call_streaming(&format!("{url}/bucket/key"), &put(), Some(body))
        .await
        .expect_err("a body short of its length");
    assert!(!error.is_io() && !error.is_timeout(), "{error:?}");
    let received = server.join().expect("server");
    assert_eq!(received.header("content-length"), Some("1048576"));
    assert!(received.length < MIB && received.intact, "{}", received.length);
}

#[tokio::test]
async fn downloads_stream_as_they_are_polled() {
    const TOTAL: u64 = 64 * MIB;
    let written = Arc::new(AtomicU64::new(0));
    let progress = written.clone();
    let (url, server) = serve(move |stream| {
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        read_head(&mut reader);
        let mut stream = stream;
        stream.write_all(format!("HTTP/1.1 200 OK\r\ncontent-length: {TOTAL}\r\n\r\n").as_bytes()).expect("head");
        for offset in (0..TOTAL).step_by(CHUNK) {
            stream.write_all(&[byte_at(offset); CHUNK]).expect("body");
            progress.fetch_add(CHUNK as u64, Ordering::SeqCst);
        }
    });
    let request = HttpRequest::new("GET", "/bucket/key");
    let response = HyperClient::default().call_streaming(&format!("{url}/bucket/key"), &request, None).await;
    let mut body = response.expect("a response").body;
    assert_eq!(body.content_length(), Some(TOTAL));
    // The socket buffers hold far less than the body: the server waits for the reads.
    assert!(written.load(Ordering::SeqCst) < TOTAL, "nothing is read until polled");

    let (mut read, mut chunks, mut intact) = (0u64, 0u64, true);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.expect("a chunk");
        intact &= chunk.iter().enumerate().all(|(i, &b)| b == byte_at(read + i as u64));
        read += chunk.len() as u64;
        chunks += 1;
    }
    assert_eq!((read, intact), (TOTAL, true));
    assert!(chunks > 1, "read in chunks");
    server.join().expect("server");
}
