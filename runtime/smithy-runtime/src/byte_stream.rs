//! Streaming bodies: [`ByteStream`], the value of a `@streaming` blob member (an S3 object's
//! body, say), which holds bytes in memory, reads a file, or pulls chunks from any
//! [`ChunkSource`] (a transport's response body), so a body of any size passes through in
//! bounded memory.
//!
//! Sans-IO: the type only polls. The standard library's file reads are its one I/O (blocking, a
//! chunk per poll); the `rt-tokio` feature adds tokio's files and `AsyncRead` both ways.
//!
//! ```
//! use smithy_runtime::byte_stream::ByteStreamError;
//! use smithy_runtime::primitives::ByteStream;
//!
//! /// Reads a body chunk by chunk, as a download to a file would.
//! async fn count(mut body: ByteStream) -> Result<usize, ByteStreamError> {
//!     let mut read = 0;
//!     while let Some(chunk) = body.next().await {
//!         read += chunk?.len();
//!     }
//!     Ok(read)
//! }
//!
//! let body = ByteStream::from("hello, world");
//! assert_eq!(body.content_length(), Some(12));
//! let reading = count(body); // a future: run it on any executor
//! # drop(reading);
//! ```

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

/// The size of the chunks files and readers are read in.
const CHUNK_SIZE: usize = 64 * 1024;

/// A source of a body's chunks, polled like a `futures` `Stream` (the runtime depends on no
/// futures crate): `Some(Ok(chunk))` for the next bytes, `Some(Err(_))` for a failed read,
/// `None` at the end.
pub trait ChunkSource: Send + 'static {
    /// The next chunk, or `None` at the end of the body. Not polled again after `None` or an
    /// error.
    fn poll_chunk(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<io::Result<Vec<u8>>>>;

    /// The bounds of the number of bytes still to come, as `Iterator::size_hint` gives them;
    /// unknown by default.
    fn size_hint(&self) -> (u64, Option<u64>) {
        (0, None)
    }
}

/// Makes a fresh source that reads a body from its start (for [`ByteStream::try_clone`]).
type Replay = Arc<dyn Fn() -> io::Result<Box<dyn ChunkSource>> + Send + Sync>;

/// A streaming body, as aws-sdk-rust's `ByteStream`: bytes in memory, a file, or chunks from a
/// [`ChunkSource`], read chunk by chunk with [`next`](Self::next) or whole with
/// [`collect`](Self::collect) or [`collect_limited`](Self::collect_limited).
///
/// A body that declares its length ([`content_length`](Self::content_length)) is held to it: bytes
/// that end before it, or go past it, are an error ([`ByteStreamErrorKind::LengthMismatch`]).
/// After its end or an error, a stream yields `None`.
///
/// `Send` and `Sync` (a source need only be `Send`: it sits in a `Mutex` that the polling, through
/// `&mut self`, never locks), and `Unpin`.
pub struct ByteStream {
    inner: Inner,
    /// How to read the body again from its start, for the sources that can.
    replay: Option<Replay>,
    content_length: Option<u64>,
    /// The bytes yielded so far, checked against `content_length`.
    received: u64,
    /// What the body is, for `Debug`.
    kind: &'static str,
}

enum Inner {
    /// In memory and not yet read: yielded as one chunk.
    Bytes(Cow<'static, [u8]>),
    /// Being read. The `Mutex` makes the stream `Sync` without asking sources to be; every access
    /// but `size_hint`'s is through `Mutex::get_mut`.
    Source(Mutex<Pin<Box<dyn ChunkSource>>>),
    /// A replayable source not opened yet: opened on the first poll.
    Unopened(Replay),
    /// Read to its end, or failed.
    Done,
}

impl ByteStream {
    fn with(inner: Inner, content_length: Option<u64>, kind: &'static str) -> Self {
        ByteStream { inner, replay: None, content_length, received: 0, kind }
    }

    fn bytes(bytes: Cow<'static, [u8]>) -> Self {
        let length = bytes.len() as u64;
        Self::with(Inner::Bytes(bytes), Some(length), "bytes")
    }

    /// An empty body.
    pub fn new_empty() -> Self {
        Self::from_static(&[])
    }

    /// A body of static bytes, without a copy until it is read.
    pub fn from_static(bytes: &'static [u8]) -> Self {
        Self::bytes(Cow::Borrowed(bytes))
    }

    /// A body read from `source`, once: not [replayable](Self::is_replayable), so a request
    /// with it is not retried. `content_length`, when given, is sent as the request's
    /// `Content-Length` and checked against the bytes the source yields.
    pub fn from_source(source: impl ChunkSource, content_length: Option<u64>) -> Self {
        Self::with(Inner::Source(Mutex::new(Box::pin(source))), content_length, "source")
    }

    /// A body that `factory` makes a fresh source of each time it is read from its start (the
    /// first poll, and each [`try_clone`](Self::try_clone)'s), so a request with it can be
    /// retried. An error of `factory` is the stream's first item.
    pub fn from_replayable(
        factory: impl Fn() -> io::Result<Box<dyn ChunkSource>> + Send + Sync + 'static,
        content_length: Option<u64>,
    ) -> Self {
        let replay: Replay = Arc::new(factory);
        ByteStream {
            replay: Some(replay.clone()),
            ..Self::with(Inner::Unopened(replay), content_length, "replayable source")
        }
    }

    /// The file at `path`, its length (from its metadata now) the body's; a longer file is read
    /// to that length, a shorter one is an error at its end. Replayable: a retry opens the file
    /// again.
    ///
    /// The reads are the standard library's blocking reads, one chunk (64 KiB) per poll, on the
    /// thread that polls: fine for local disks; with the `rt-tokio` feature,
    /// `ByteStream::from_path_tokio` reads on tokio's blocking pool instead.
    pub fn from_path(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let (file, length) = open_file(&path)?;
        let mut stream = Self::with(
            Inner::Source(Mutex::new(Box::pin(FileSource { file, remaining: length }))),
            Some(length),
            "file",
        );
        stream.replay = Some(Arc::new(move || {
            let (file, _) = open_file(&path)?;
            Ok(Box::new(FileSource { file, remaining: length }) as Box<dyn ChunkSource>)
        }));
        Ok(stream)
    }

    /// The body's length in bytes, when known: always for bytes and files, for sources when
    /// declared.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// The bounds of the number of bytes still to come, exact when the length is known.
    pub fn size_hint(&self) -> (u64, Option<u64>) {
        if let Some(length) = self.content_length {
            let remaining = length.saturating_sub(self.received);
            return (remaining, Some(remaining));
        }
        match &self.inner {
            // `lock` rather than `get_mut` behind `&self`; no one else locks, so it never waits.
            Inner::Source(source) => source.lock().unwrap_or_else(PoisonError::into_inner).size_hint(),
            Inner::Done => (0, Some(0)),
            Inner::Bytes(_) | Inner::Unopened(_) => (0, None),
        }
    }

    /// Whether [`try_clone`](Self::try_clone) can give the body again from its start: bytes in
    /// memory until they are read, files and replayable sources always, one-shot sources never.
    pub fn is_replayable(&self) -> bool {
        self.replay.is_some() || matches!(self.inner, Inner::Bytes(_))
    }

    /// A fresh stream of the body from its start (for a retry), when it is
    /// [replayable](Self::is_replayable). In-memory bytes are copied, unless static; a file or
    /// a replayable source is opened again when the clone is first polled.
    pub fn try_clone(&self) -> Option<ByteStream> {
        if let Inner::Bytes(bytes) = &self.inner {
            return Some(Self::bytes(bytes.clone()));
        }
        let replay = self.replay.clone()?;
        Some(ByteStream {
            replay: Some(replay.clone()),
            ..Self::with(Inner::Unopened(replay), self.content_length, self.kind)
        })
    }

    /// The body, when it is bytes in memory not yet read (to sign or checksum it whole).
    pub fn in_memory(&self) -> Option<&[u8]> {
        match &self.inner {
            Inner::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// The next chunk: `None` at the end, an error if a read fails or the length is not the
    /// declared one.
    pub fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Vec<u8>, ByteStreamError>>> {
        let this = self.get_mut();
        loop {
            let polled = match &mut this.inner {
                Inner::Done => return Poll::Ready(None),
                Inner::Bytes(bytes) => {
                    let chunk = std::mem::take(bytes).into_owned();
                    (!chunk.is_empty()).then_some(Ok(chunk))
                }
                Inner::Unopened(replay) => match replay() {
                    Ok(source) => {
                        this.inner = Inner::Source(Mutex::new(Box::into_pin(source)));
                        continue;
                    }
                    Err(e) => Some(Err(e)),
                },
                Inner::Source(source) => {
                    match source.get_mut().unwrap_or_else(PoisonError::into_inner).as_mut().poll_chunk(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(polled) => polled,
                    }
                }
            };
            return Poll::Ready(this.checked(polled));
        }
    }

    /// Counts a polled chunk against the declared length; the stream ends after its end or an
    /// error.
    fn checked(&mut self, polled: Option<io::Result<Vec<u8>>>) -> Option<Result<Vec<u8>, ByteStreamError>> {
        let result = match polled {
            Some(Ok(chunk)) => {
                self.received = self.received.saturating_add(chunk.len() as u64);
                match self.content_length {
                    Some(expected) if self.received > expected => {
                        Err(ByteStreamError::length_mismatch(expected, self.received))
                    }
                    _ => return Some(Ok(chunk)),
                }
            }
            Some(Err(e)) => Err(ByteStreamError::io(e)),
            None => match self.content_length {
                Some(expected) if self.received < expected => {
                    Err(ByteStreamError::length_mismatch(expected, self.received))
                }
                _ => {
                    self.inner = Inner::Done;
                    return None;
                }
            },
        };
        self.inner = Inner::Done;
        Some(result)
    }

    /// The next chunk: `None` at the end, an error if a read fails or the length is not the
    /// declared one.
    pub async fn next(&mut self) -> Option<Result<Vec<u8>, ByteStreamError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// The whole body in memory. For a body of unknown or untrusted size, prefer
    /// [`collect_limited`](Self::collect_limited).
    pub async fn collect(self) -> Result<AggregatedBytes, ByteStreamError> {
        self.collect_up_to(usize::MAX).await.map(AggregatedBytes)
    }

    /// The whole body in memory, or an error ([`ByteStreamErrorKind::TooLarge`]) as soon as it
    /// passes `limit` bytes (at once when its declared length does), holding at most `limit`
    /// bytes and one chunk.
    pub async fn collect_limited(self, limit: usize) -> Result<Vec<u8>, ByteStreamError> {
        if self.content_length.is_some_and(|length| length > limit as u64) {
            return Err(ByteStreamError::too_large(limit));
        }
        self.collect_up_to(limit).await
    }

    async fn collect_up_to(mut self, limit: usize) -> Result<Vec<u8>, ByteStreamError> {
        let mut body = Vec::new();
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            let total = body.len().checked_add(chunk.len()).filter(|&total| total <= limit);
            let total = total.ok_or_else(|| ByteStreamError::too_large(limit))?;
            if body.is_empty() {
                body = chunk;
                continue;
            }
            if total > body.capacity() {
                // Doubling, as `Vec` grows, but never past the limit; an allocation that fails
                // is an error rather than an abort.
                let target = total.max(body.capacity().saturating_mul(2)).min(limit);
                body.try_reserve_exact(target - body.len()).map_err(|_| {
                    ByteStreamError::io(io::Error::new(
                        io::ErrorKind::OutOfMemory,
                        format!("cannot hold {total} bytes"),
                    ))
                })?;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// Two streams are equal when both are bytes in memory, and the same bytes. A stream still to
/// be read (a file, a network body) equals no other, itself included: telling would mean
/// reading it. Generated types derive `PartialEq` through this, so outputs with a body read
/// into memory (the sans-IO `deserialize_response`) compare as their bytes do.
impl PartialEq for ByteStream {
    fn eq(&self, other: &Self) -> bool {
        matches!((self.in_memory(), other.in_memory()), (Some(a), Some(b)) if a == b)
    }
}

impl Default for ByteStream {
    fn default() -> Self {
        Self::new_empty()
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        Self::bytes(Cow::Owned(bytes))
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(bytes: &'static [u8]) -> Self {
        Self::from_static(bytes)
    }
}

impl From<&'static str> for ByteStream {
    fn from(text: &'static str) -> Self {
        Self::from_static(text.as_bytes())
    }
}

impl From<String> for ByteStream {
    fn from(text: String) -> Self {
        Self::from(text.into_bytes())
    }
}

/// The kind and length, never the contents.
impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("kind", &self.kind)
            .field("content_length", &self.content_length)
            .field("received", &self.received)
            .finish()
    }
}

/// Opens `path` as a file to stream, with its length.
fn open_file(path: &Path) -> io::Result<(File, u64)> {
    let file = File::open(path).map_err(|e| cannot_read(path, e))?;
    let metadata = file.metadata().map_err(|e| cannot_read(path, e))?;
    Ok((file, file_length(path, &metadata)?))
}

/// `error`, naming the file it is about.
fn cannot_read(path: &Path, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("cannot read {}: {error}", path.display()))
}

/// The length of the regular file at `path`; another kind of file has none to send.
fn file_length(path: &Path, metadata: &std::fs::Metadata) -> io::Result<u64> {
    match metadata.is_file() {
        true => Ok(metadata.len()),
        false => Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{} is not a file", path.display()))),
    }
}

/// A file read a chunk per poll, up to the length it had when opened.
#[derive(Debug)]
struct FileSource {
    file: File,
    remaining: u64,
}

impl ChunkSource for FileSource {
    fn poll_chunk(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<io::Result<Vec<u8>>>> {
        let this = self.get_mut();
        let want = this.remaining.min(CHUNK_SIZE as u64);
        if want == 0 {
            return Poll::Ready(None);
        }
        let mut chunk = Vec::with_capacity(want as usize);
        Poll::Ready(match (&mut this.file).take(want).read_to_end(&mut chunk) {
            // The file is shorter than it was: the stream's length check reports it.
            Ok(0) => None,
            Ok(read) => {
                this.remaining -= read as u64;
                Some(Ok(chunk))
            }
            Err(e) => Some(Err(e)),
        })
    }

    fn size_hint(&self) -> (u64, Option<u64>) {
        (0, Some(self.remaining))
    }
}

/// A whole body, from [`ByteStream::collect`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AggregatedBytes(Vec<u8>);

impl AggregatedBytes {
    /// The bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    /// The bytes (aws-sdk-rust's other name for [`into_bytes`](Self::into_bytes)).
    pub fn to_vec(self) -> Vec<u8> {
        self.0
    }
}

impl AsRef<[u8]> for AggregatedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Why a body could not be read. Never holds the body's bytes.
#[derive(Debug)]
pub struct ByteStreamError {
    kind: ByteStreamErrorKind,
    /// The failed read's error, for [`ByteStreamErrorKind::Io`].
    source: Option<io::Error>,
}

/// What kind of [`ByteStreamError`] it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ByteStreamErrorKind {
    /// A read failed (the error's `source`).
    Io,
    /// The body's bytes ended before its declared length, or went past it: `received` is how
    /// many it had yielded then (one chunk past `expected`, when it went past).
    LengthMismatch {
        /// The declared length.
        expected: u64,
        /// The bytes received.
        received: u64,
    },
    /// The body is larger than [`ByteStream::collect_limited`]'s limit.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
}

impl ByteStreamError {
    fn io(source: io::Error) -> Self {
        ByteStreamError { kind: ByteStreamErrorKind::Io, source: Some(source) }
    }

    fn length_mismatch(expected: u64, received: u64) -> Self {
        ByteStreamError { kind: ByteStreamErrorKind::LengthMismatch { expected, received }, source: None }
    }

    fn too_large(limit: usize) -> Self {
        ByteStreamError { kind: ByteStreamErrorKind::TooLarge { limit }, source: None }
    }

    /// What went wrong.
    pub fn kind(&self) -> ByteStreamErrorKind {
        self.kind
    }
}

impl fmt::Display for ByteStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            // The details are in `source()`.
            ByteStreamErrorKind::Io => f.write_str("I/O error reading the body"),
            ByteStreamErrorKind::LengthMismatch { expected, received } if received < expected => {
                write!(f, "the body ended after {received} bytes, before its declared length of {expected}")
            }
            ByteStreamErrorKind::LengthMismatch { expected, .. } => {
                write!(f, "the body is longer than its declared length of {expected} bytes")
            }
            ByteStreamErrorKind::TooLarge { limit } => write!(f, "the body is larger than {limit} bytes"),
        }
    }
}

impl std::error::Error for ByteStreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

/// The failed read's own error for [`ByteStreamErrorKind::Io`]; `UnexpectedEof` for a body cut
/// short, `InvalidData` otherwise.
impl From<ByteStreamError> for io::Error {
    fn from(error: ByteStreamError) -> Self {
        let kind = match error.kind {
            ByteStreamErrorKind::LengthMismatch { expected, received } if received < expected => {
                io::ErrorKind::UnexpectedEof
            }
            _ => io::ErrorKind::InvalidData,
        };
        match error.source {
            Some(source) => source,
            None => io::Error::new(kind, error),
        }
    }
}

#[cfg(feature = "rt-tokio")]
mod rt_tokio {
    use std::future::Future;
    use std::io;
    use std::path::Path;
    use std::pin::Pin;
    use std::sync::{Arc, Mutex};
    use std::task::{Context, Poll};

    use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeekExt, ReadBuf, Take};

    use super::{cannot_read, file_length, ByteStream, ChunkSource, Inner, CHUNK_SIZE};

    impl ByteStream {
        /// A body read from `reader`, once (not [replayable](Self::is_replayable)), in chunks of
        /// at most 64 KiB. `content_length`, when given, is checked against what it yields.
        /// Feature `rt-tokio`.
        pub fn from_async_read(reader: impl AsyncRead + Send + 'static, content_length: Option<u64>) -> Self {
            Self::with(Inner::Source(Mutex::new(Box::pin(ReaderSource::new(reader)))), content_length, "reader")
        }

        /// The rest of `file`, from its current position to its end (its length now), as
        /// aws-sdk-rust's `from_file`. Not replayable: a
        /// [`from_path_tokio`](Self::from_path_tokio) body is. Feature `rt-tokio`.
        pub async fn from_file(mut file: tokio::fs::File) -> io::Result<Self> {
            let length = file.metadata().await?.len().saturating_sub(file.stream_position().await?);
            Ok(Self::with(
                Inner::Source(Mutex::new(Box::pin(ReaderSource::new(file.take(length))))),
                Some(length),
                "file",
            ))
        }

        /// [`from_path`](Self::from_path) with tokio's file reads (on its blocking pool), in
        /// chunks of at most 64 KiB: the file at `path`, its length (from its metadata now) the
        /// body's. Replayable: a retry opens the file again. Must be polled inside a tokio
        /// runtime. Feature `rt-tokio`.
        pub async fn from_path_tokio(path: impl AsRef<Path>) -> io::Result<Self> {
            let path = path.as_ref().to_path_buf();
            let file = tokio::fs::File::open(&path).await.map_err(|e| cannot_read(&path, e))?;
            let length = file_length(&path, &file.metadata().await.map_err(|e| cannot_read(&path, e))?)?;
            let mut stream = Self::with(
                Inner::Source(Mutex::new(Box::pin(ReaderSource::new(file.take(length))))),
                Some(length),
                "file",
            );
            stream.replay = Some(Arc::new(move || {
                let path = path.clone();
                let open = async move {
                    let file = tokio::fs::File::open(&path).await.map_err(|e| cannot_read(&path, e))?;
                    Ok(file.take(length))
                };
                Ok(Box::new(PathSource::Opening(Box::pin(open))) as Box<dyn ChunkSource>)
            }));
            Ok(stream)
        }

        /// The body as a tokio `AsyncRead`; a failed read is the
        /// [`ByteStreamError`](super::ByteStreamError) as an `io::Error` (its `From`). Feature
        /// `rt-tokio`.
        pub fn into_async_read(self) -> impl AsyncRead + Send + Sync + Unpin {
            StreamReader { stream: self, chunk: Vec::new(), read: 0 }
        }
    }

    /// An `AsyncRead` as chunks.
    struct ReaderSource<R> {
        reader: Pin<Box<R>>,
        /// Kept while the reader is pending, so a chunk's buffer is zeroed once.
        buffer: Vec<u8>,
    }

    impl<R: AsyncRead + Send + 'static> ReaderSource<R> {
        fn new(reader: R) -> Self {
            ReaderSource { reader: Box::pin(reader), buffer: Vec::new() }
        }
    }

    impl<R: AsyncRead + Send + 'static> ChunkSource for ReaderSource<R> {
        fn poll_chunk(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<io::Result<Vec<u8>>>> {
            let this = self.get_mut();
            if this.buffer.is_empty() {
                this.buffer = vec![0; CHUNK_SIZE];
            }
            let mut buf = ReadBuf::new(&mut this.buffer);
            match this.reader.as_mut().poll_read(cx, &mut buf) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(Err(e)) => Poll::Ready(Some(Err(e))),
                Poll::Ready(Ok(())) => Poll::Ready(match buf.filled().len() {
                    0 => None,
                    // A short read is copied out, so its chunk does not keep 64 KiB, and the
                    // buffer serves the next read.
                    read if read < CHUNK_SIZE / 4 => Some(Ok(this.buffer[..read].to_vec())),
                    read => {
                        let mut chunk = std::mem::take(&mut this.buffer);
                        chunk.truncate(read);
                        Some(Ok(chunk))
                    }
                }),
            }
        }
    }

    type Open = Pin<Box<dyn Future<Output = io::Result<Take<tokio::fs::File>>> + Send>>;

    /// A file opened again on its first poll, for a replayed [`ByteStream::from_path_tokio`].
    enum PathSource {
        Opening(Open),
        Reading(ReaderSource<Take<tokio::fs::File>>),
    }

    impl ChunkSource for PathSource {
        fn poll_chunk(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<io::Result<Vec<u8>>>> {
            let this = self.get_mut();
            loop {
                match this {
                    PathSource::Opening(open) => match open.as_mut().poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Err(e)) => return Poll::Ready(Some(Err(e))),
                        Poll::Ready(Ok(file)) => *this = PathSource::Reading(ReaderSource::new(file)),
                    },
                    PathSource::Reading(reader) => return Pin::new(reader).poll_chunk(cx),
                }
            }
        }
    }

    /// A [`ByteStream`] as an `AsyncRead`.
    struct StreamReader {
        stream: ByteStream,
        chunk: Vec<u8>,
        /// How much of `chunk` was read.
        read: usize,
    }

    impl AsyncRead for StreamReader {
        fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
            let this = self.get_mut();
            if buf.remaining() == 0 {
                return Poll::Ready(Ok(()));
            }
            while this.read == this.chunk.len() {
                match Pin::new(&mut this.stream).poll_next(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(None) => return Poll::Ready(Ok(())),
                    Poll::Ready(Some(Err(e))) => return Poll::Ready(Err(e.into())),
                    Poll::Ready(Some(Ok(chunk))) => (this.chunk, this.read) = (chunk, 0),
                }
            }
            let n = buf.remaining().min(this.chunk.len() - this.read);
            buf.put_slice(&this.chunk[this.read..this.read + n]);
            this.read += n;
            Poll::Ready(Ok(()))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

    use super::*;

    /// `total` bytes in chunks of `chunk`, each filled with its index's low byte, counting the
    /// bytes it made and its polls.
    struct Synthetic {
        total: u64,
        sent: u64,
        chunk: usize,
        produced: Arc<AtomicU64>,
        polls: Arc<AtomicUsize>,
    }

    impl Synthetic {
        fn new(total: u64, chunk: usize) -> Self {
            Synthetic { total, sent: 0, chunk, produced: Arc::default(), polls: Arc::default() }
        }
    }

    impl ChunkSource for Synthetic {
        fn poll_chunk(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<io::Result<Vec<u8>>>> {
            let this = self.get_mut();
            this.polls.fetch_add(1, Ordering::SeqCst);
            let n = (this.total - this.sent).min(this.chunk as u64) as usize;
            if n == 0 {
                return Poll::Ready(None);
            }
            let index = this.sent / this.chunk as u64;
            this.sent += n as u64;
            this.produced.fetch_add(n as u64, Ordering::SeqCst);
            Poll::Ready(Some(Ok(vec![index as u8; n])))
        }

        fn size_hint(&self) -> (u64, Option<u64>) {
            let remaining = self.total - self.sent;
            (remaining, Some(remaining))
        }
    }

    /// A source that fails its first read.
    struct Failing;

    impl ChunkSource for Failing {
        fn poll_chunk(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<io::Result<Vec<u8>>>> {
            Poll::Ready(Some(Err(io::Error::new(io::ErrorKind::ConnectionReset, "reset by peer"))))
        }
    }

    /// The body's chunks (or the error that ended it).
    async fn chunks(mut stream: ByteStream) -> Result<Vec<Vec<u8>>, ByteStreamError> {
        let mut chunks = Vec::new();
        while let Some(chunk) = stream.next().await {
            chunks.push(chunk?);
        }
        Ok(chunks)
    }

    /// A file of its own under the system's temporary directory, removed when dropped.
    struct TempFile(std::path::PathBuf);

    impl TempFile {
        fn new(name: &str, content: &[u8]) -> Self {
            let path = std::env::temp_dir().join(format!("smithy-byte-stream-{}-{name}", std::process::id()));
            std::fs::write(&path, content).expect("write the temp file");
            TempFile(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i % 251) as u8).collect()
    }

    #[test]
    fn streams_are_send_sync_and_unpin() {
        fn check<T: Send + Sync + Unpin>() {}
        check::<ByteStream>();
        check::<ByteStreamError>();
    }

    #[tokio::test]
    async fn in_memory_bodies_are_one_chunk_of_known_length() {
        let bodies: Vec<(ByteStream, &[u8])> = vec![
            (ByteStream::from(b"vec".to_vec()), b"vec"),
            (ByteStream::from(&b"slice"[..]), b"slice"),
            (ByteStream::from("str"), b"str"),
            (ByteStream::from(String::from("string")), b"string"),
            (ByteStream::from_static(b"static"), b"static"),
        ];
        for (body, bytes) in bodies {
            assert_eq!(body.content_length(), Some(bytes.len() as u64));
            assert_eq!(body.size_hint(), (bytes.len() as u64, Some(bytes.len() as u64)));
            assert_eq!(body.in_memory(), Some(bytes));
            assert!(body.is_replayable());
            let clone = body.try_clone().expect("in memory");
            assert_eq!(chunks(body).await.unwrap(), vec![bytes.to_vec()]);
            assert_eq!(clone.collect().await.unwrap().into_bytes(), bytes);
        }
        for empty in [ByteStream::new_empty(), ByteStream::default(), ByteStream::from(Vec::new())] {
            assert_eq!((empty.content_length(), empty.in_memory()), (Some(0), Some(&[][..])));
            assert_eq!(chunks(empty).await.unwrap(), Vec::<Vec<u8>>::new(), "no empty chunk");
        }
    }

    #[tokio::test]
    async fn read_bytes_are_gone() {
        let mut body = ByteStream::from(b"once".to_vec());
        assert_eq!(body.next().await.unwrap().unwrap(), b"once");
        assert!(body.next().await.is_none());
        assert!(body.next().await.is_none(), "ended for good");
        assert_eq!((body.in_memory(), body.is_replayable(), body.try_clone().is_none()), (None, false, true));
        assert_eq!(body.size_hint(), (0, Some(0)));
    }

    #[tokio::test]
    async fn one_shot_sources_are_not_replayable() {
        let body = ByteStream::from_source(Synthetic::new(10, 4), None);
        assert_eq!((body.content_length(), body.in_memory(), body.is_replayable()), (None, None, false));
        assert!(body.try_clone().is_none());
        assert_eq!(body.size_hint(), (10, Some(10)), "the source's hint without a declared length");
        assert_eq!(chunks(body).await.unwrap(), vec![vec![0; 4], vec![1; 4], vec![2; 2]]);

        let declared = ByteStream::from_source(Synthetic::new(10, 4), Some(10));
        assert_eq!((declared.content_length(), declared.size_hint()), (Some(10), (10, Some(10))));
        assert_eq!(declared.collect().await.unwrap().into_bytes().len(), 10);
    }

    #[tokio::test]
    async fn replayable_sources_open_on_each_read_from_the_start() {
        let opened = Arc::new(AtomicUsize::new(0));
        let counter = opened.clone();
        let body = ByteStream::from_replayable(
            move || {
                counter.fetch_add(1, Ordering::SeqCst);
                Ok(Box::new(Synthetic::new(5, 2)))
            },
            Some(5),
        );
        assert_eq!(opened.load(Ordering::SeqCst), 0, "opened on the first poll");
        assert_eq!((body.is_replayable(), body.content_length(), body.in_memory()), (true, Some(5), None));
        let clone = body.try_clone().expect("replayable");
        assert_eq!(body.collect().await.unwrap().into_bytes(), [0, 0, 1, 1, 2]);
        assert_eq!(clone.collect().await.unwrap().into_bytes(), [0, 0, 1, 1, 2]);
        assert_eq!(opened.load(Ordering::SeqCst), 2);

        let failing = ByteStream::from_replayable(|| Err(io::Error::new(io::ErrorKind::NotFound, "gone")), None);
        let mut read = failing.try_clone().unwrap();
        let error = read.next().await.unwrap().unwrap_err();
        assert_eq!(error.kind(), ByteStreamErrorKind::Io);
        assert!(read.next().await.is_none());
        assert!(read.try_clone().is_some(), "still replayable");
    }

    #[tokio::test]
    async fn files_stream_in_bounded_chunks_and_are_read_again_for_a_retry() {
        let content = pattern(3 * 1024 * 1024 + 123);
        let file = TempFile::new("chunks", &content);
        let body = ByteStream::from_path(&file.0).unwrap();
        assert_eq!(
            (body.content_length(), body.is_replayable(), body.in_memory()),
            (Some(content.len() as u64), true, None)
        );
        assert!(format!("{body:?}").contains("\"file\""));
        let clone = body.try_clone().unwrap();
        let read = chunks(body).await.unwrap();
        assert!(read.iter().all(|c| !c.is_empty() && c.len() <= CHUNK_SIZE), "chunks of at most 64 KiB");
        assert_eq!(read.len(), content.len().div_ceil(CHUNK_SIZE));
        assert_eq!(read.concat(), content);
        assert_eq!(clone.try_clone().unwrap().collect().await.unwrap().into_bytes(), content, "opened again");
        assert_eq!(clone.collect().await.unwrap().into_bytes(), content);
    }

    #[tokio::test]
    async fn a_file_is_read_to_the_length_it_had() {
        let file = TempFile::new("length", b"0123456789");
        let body = ByteStream::from_path(&file.0).unwrap();
        std::fs::write(&file.0, b"0123456789 and more").unwrap();
        assert_eq!(body.try_clone().unwrap().collect().await.unwrap().into_bytes(), b"0123456789", "longer: cut");
        std::fs::write(&file.0, b"01234").unwrap();
        let error = body.try_clone().unwrap().collect().await.unwrap_err();
        assert_eq!(error.kind(), ByteStreamErrorKind::LengthMismatch { expected: 10, received: 5 }, "shorter");
    }

    #[test]
    fn paths_that_are_not_files_are_errors_naming_them() {
        let missing = std::env::temp_dir().join(format!("smithy-byte-stream-{}-missing", std::process::id()));
        let error = ByteStream::from_path(&missing).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert!(error.to_string().contains(&*missing.to_string_lossy()), "{error}");
        let error = ByteStream::from_path(std::env::temp_dir()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{error}");
    }

    #[tokio::test]
    async fn a_gibibyte_streams_one_chunk_at_a_time() {
        const GIB: u64 = 1 << 30;
        let source = Synthetic::new(GIB, CHUNK_SIZE);
        let (produced, polls) = (source.produced.clone(), source.polls.clone());
        let mut body = ByteStream::from_source(source, Some(GIB));
        let (mut consumed, mut count) = (0u64, 0u64);
        while let Some(chunk) = body.next().await {
            let chunk = chunk.unwrap();
            assert_eq!((chunk[0], chunk[chunk.len() - 1]), (count as u8, count as u8));
            consumed += chunk.len() as u64;
            count += 1;
            // Nothing read ahead: what the source made is what was handed over.
            assert_eq!(produced.load(Ordering::SeqCst), consumed);
        }
        assert_eq!((consumed, count), (GIB, GIB / CHUNK_SIZE as u64));
        assert_eq!(polls.load(Ordering::SeqCst) as u64, count + 1, "one poll per chunk and the end");
    }

    #[tokio::test]
    async fn collect_limited_stops_one_byte_over_the_limit() {
        const LIMIT: usize = 1024 * 1024;
        let exact = ByteStream::from_source(Synthetic::new(LIMIT as u64, 1000), None).collect_limited(LIMIT).await;
        let exact = exact.unwrap();
        assert_eq!(exact.len(), LIMIT);
        assert!(exact.capacity() <= LIMIT, "grown to at most the limit: {}", exact.capacity());

        // One byte over, from a source as long as it takes: refused at the chunk that passes.
        let source = Synthetic::new(u64::MAX, 1000);
        let (produced, polls) = (source.produced.clone(), source.polls.clone());
        let error = ByteStream::from_source(source, None).collect_limited(LIMIT).await.unwrap_err();
        assert_eq!(error.kind(), ByteStreamErrorKind::TooLarge { limit: LIMIT });
        assert_eq!(error.to_string(), "the body is larger than 1048576 bytes");
        assert_eq!(polls.load(Ordering::SeqCst), LIMIT / 1000 + 1, "none read after the chunk that passed");
        assert!(produced.load(Ordering::SeqCst) <= LIMIT as u64 + 1000);

        let over = Synthetic::new(LIMIT as u64 + 1, 1000);
        let polls = over.polls.clone();
        let error = ByteStream::from_source(over, Some(LIMIT as u64 + 1)).collect_limited(LIMIT).await.unwrap_err();
        assert_eq!(error.kind(), ByteStreamErrorKind::TooLarge { limit: LIMIT });
        assert_eq!(polls.load(Ordering::SeqCst), 0, "a declared length over the limit is refused unread");

        assert_eq!(ByteStream::from("12345").collect_limited(5).await.unwrap(), b"12345");
        assert!(ByteStream::from("123456").collect_limited(5).await.is_err());
    }

    #[tokio::test]
    async fn bytes_short_of_or_past_the_declared_length_are_errors() {
        let error = ByteStream::from_source(Synthetic::new(10, 4), Some(11)).collect().await.unwrap_err();
        assert_eq!(error.kind(), ByteStreamErrorKind::LengthMismatch { expected: 11, received: 10 });
        assert_eq!(error.to_string(), "the body ended after 10 bytes, before its declared length of 11");
        assert_eq!(io::Error::from(error).kind(), io::ErrorKind::UnexpectedEof);

        let mut long = ByteStream::from_source(Synthetic::new(10, 4), Some(9));
        assert_eq!(long.next().await.unwrap().unwrap(), [0; 4]);
        assert_eq!(long.next().await.unwrap().unwrap(), [1; 4]);
        let error = long.next().await.unwrap().unwrap_err();
        assert_eq!(error.kind(), ByteStreamErrorKind::LengthMismatch { expected: 9, received: 10 });
        assert_eq!(error.to_string(), "the body is longer than its declared length of 9 bytes");
        assert!(long.next().await.is_none(), "ended by the error");
        assert_eq!(io::Error::from(error).kind(), io::ErrorKind::InvalidData);
    }

    #[tokio::test]
    async fn read_errors_keep_their_cause() {
        let error = ByteStream::from_source(Failing, Some(3)).collect().await.unwrap_err();
        assert_eq!(error.kind(), ByteStreamErrorKind::Io);
        assert_eq!(error.to_string(), "I/O error reading the body");
        let source = std::error::Error::source(&error).expect("the read's error").to_string();
        assert_eq!(source, "reset by peer");
        assert_eq!(io::Error::from(error).kind(), io::ErrorKind::ConnectionReset);
    }

    #[tokio::test]
    async fn debug_shows_no_contents() {
        let debug = format!("{:?}", ByteStream::from("secret body"));
        assert_eq!(debug, r#"ByteStream { kind: "bytes", content_length: Some(11), received: 0 }"#);
        assert!(!format!("{:?}", ByteStream::from("secret").collect_limited(1).await).contains("secret"));
    }

    #[cfg(feature = "rt-tokio")]
    mod rt_tokio {
        use tokio::io::{AsyncReadExt, AsyncSeekExt};

        use super::*;

        #[tokio::test]
        async fn async_readers_in_and_out() {
            let content = pattern(1024 * 1024 + 7);
            let body = ByteStream::from_async_read(io::Cursor::new(content.clone()), Some(content.len() as u64));
            assert_eq!((body.content_length(), body.is_replayable()), (Some(content.len() as u64), false));
            let read = chunks(body).await.unwrap();
            assert!(read.iter().all(|c| c.len() <= CHUNK_SIZE));
            assert_eq!(read.concat(), content);

            let mut out = Vec::new();
            let source = ByteStream::from_source(Synthetic::new(300_000, 7_000), None);
            source.into_async_read().read_to_end(&mut out).await.unwrap();
            assert_eq!(out.len(), 300_000);
            assert!(out.chunks(7_000).enumerate().all(|(i, c)| c.iter().all(|&b| b == i as u8)));

            let mut small = [0u8; 3];
            let mut reader = ByteStream::from("abcdefg").into_async_read();
            assert_eq!(reader.read(&mut small).await.unwrap(), 3);
            assert_eq!(&small, b"abc", "a chunk across reads");
            let mut rest = Vec::new();
            reader.read_to_end(&mut rest).await.unwrap();
            assert_eq!(rest, b"defg");

            let short = ByteStream::from_source(Synthetic::new(10, 4), Some(20));
            let error = short.into_async_read().read_to_end(&mut Vec::new()).await.unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
        }

        #[tokio::test]
        async fn tokio_files_stream_from_their_position_and_paths_replay() {
            let content = pattern(200_000);
            let file = TempFile::new("tokio", &content);
            let mut opened = tokio::fs::File::open(&file.0).await.unwrap();
            opened.seek(io::SeekFrom::Start(1000)).await.unwrap();
            let body = ByteStream::from_file(opened).await.unwrap();
            assert_eq!((body.content_length(), body.is_replayable()), (Some(199_000), false));
            assert_eq!(body.collect().await.unwrap().into_bytes(), content[1000..]);

            let body = ByteStream::from_path_tokio(&file.0).await.unwrap();
            assert_eq!((body.content_length(), body.is_replayable()), (Some(200_000), true));
            let clone = body.try_clone().unwrap();
            let read = chunks(body).await.unwrap();
            assert!(read.iter().all(|c| c.len() <= CHUNK_SIZE));
            assert_eq!(read.concat(), content);
            assert_eq!(clone.collect().await.unwrap().into_bytes(), content, "opened again");

            let error = ByteStream::from_path_tokio(file.0.with_extension("missing")).await.unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::NotFound);
        }
    }
}
