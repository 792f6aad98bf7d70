//! The `aws-chunked` content encoding of a streamed upload whose flexible checksum goes in a
//! trailer (S3's `STREAMING-UNSIGNED-PAYLOAD-TRAILER`), so the body is read once, as it is sent:
//! the bytes in chunks of [`CHUNK_SIZE`] (the last may be shorter; S3 refuses chunks under 8 KiB
//! but the last), each `{size in hex}\r\n{bytes}\r\n`, then `0\r\n`, the trailer
//! `x-amz-checksum-{algorithm}:{checksum}\r\n` and a closing `\r\n`.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{Algorithm, Hasher};
use crate::byte_stream::{ByteStream, ChunkSource};

/// The bytes of each chunk but the last: AWS SDKs' default, 64 KiB.
pub const CHUNK_SIZE: usize = 64 * 1024;

/// A body too long for its encoded length to be counted in 64 bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLong(pub u64);

impl fmt::Display for TooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a body of {} bytes is too long to send aws-chunked", self.0)
    }
}

impl std::error::Error for TooLong {}

/// The length of the encoding of a body of `length` bytes with `algorithm`'s trailer: the
/// request's `Content-Length`.
pub fn encoded_length(length: u64, algorithm: Algorithm) -> Result<u64, TooLong> {
    let chunk = CHUNK_SIZE as u64;
    let framed = |size: u64| hex_digits(size) + 2 + size + 2;
    let rest = match length % chunk {
        0 => 0,
        rest => framed(rest),
    };
    let trailer = trailer_line(algorithm, "").len() as u64 + checksum_length(algorithm);
    (length / chunk)
        .checked_mul(framed(chunk))
        .and_then(|full| full.checked_add(rest + b"0\r\n".len() as u64 + trailer + 2))
        .ok_or(TooLong(length))
}

/// `body` (whose length was counted by [`encoded_length`]) encoded, its `algorithm` checksum
/// computed as its bytes go by and sent in the trailer. A read error of `body`, its length
/// checked included, is the encoding's.
pub fn encode(body: ByteStream, algorithm: Algorithm) -> ByteStream {
    let length = body.content_length().and_then(|length| encoded_length(length, algorithm).ok());
    let source = Encoder { body, hasher: Some(Hasher::new(algorithm)), algorithm, pending: Vec::new() };
    ByteStream::from_source(source, length)
}

struct Encoder {
    body: ByteStream,
    /// `None` once the trailer went out.
    hasher: Option<Hasher>,
    algorithm: Algorithm,
    /// Bytes read but not yet sent: fewer than a chunk.
    pending: Vec<u8>,
}

impl ChunkSource for Encoder {
    fn poll_chunk(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<io::Result<Vec<u8>>>> {
        let this = &mut *self;
        loop {
            let Some(hasher) = &mut this.hasher else { return Poll::Ready(None) };
            match Pin::new(&mut this.body).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e.into()))),
                Poll::Ready(Some(Ok(bytes))) => {
                    hasher.update(&bytes);
                    let mut out = Vec::new();
                    let mut rest = &bytes[..];
                    while this.pending.len() + rest.len() >= CHUNK_SIZE {
                        let (head, tail) = rest.split_at(CHUNK_SIZE - this.pending.len());
                        frame(&mut out, &this.pending, head);
                        this.pending.clear();
                        rest = tail;
                    }
                    this.pending.extend_from_slice(rest);
                    // A read that filled no chunk yet is followed by the next.
                    if !out.is_empty() {
                        return Poll::Ready(Some(Ok(out)));
                    }
                }
                Poll::Ready(None) => {
                    let checksum = this.hasher.take().map(Hasher::finish).unwrap_or_default();
                    let mut out = Vec::new();
                    if !this.pending.is_empty() {
                        frame(&mut out, &this.pending, &[]);
                    }
                    out.extend_from_slice(b"0\r\n");
                    out.extend_from_slice(trailer_line(this.algorithm, &checksum).as_bytes());
                    out.extend_from_slice(b"\r\n");
                    return Poll::Ready(Some(Ok(out)));
                }
            }
        }
    }
}

/// Appends the chunk of `first` and then `second` to `out`.
fn frame(out: &mut Vec<u8>, first: &[u8], second: &[u8]) {
    let size = first.len() + second.len();
    let prefix = format!("{size:X}\r\n");
    out.reserve(prefix.len() + size + 2);
    out.extend_from_slice(prefix.as_bytes());
    out.extend_from_slice(first);
    out.extend_from_slice(second);
    out.extend_from_slice(b"\r\n");
}

/// `x-amz-checksum-{algorithm}:{checksum}\r\n`.
fn trailer_line(algorithm: Algorithm, checksum: &str) -> String {
    format!("{}:{checksum}\r\n", algorithm.header())
}

/// The length of `algorithm`'s checksums in base64: the same for every input.
fn checksum_length(algorithm: Algorithm) -> u64 {
    algorithm.checksum(&[]).len() as u64
}

/// How many hex digits `n` takes.
fn hex_digits(n: u64) -> u64 {
    u64::from((64 - n.leading_zeros()).div_ceil(4).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source of `pieces`, one per poll.
    struct Pieces(std::vec::IntoIter<Vec<u8>>);

    impl ChunkSource for Pieces {
        fn poll_chunk(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<io::Result<Vec<u8>>>> {
            Poll::Ready(self.0.next().map(Ok))
        }
    }

    fn stream(pieces: Vec<Vec<u8>>) -> ByteStream {
        let length = pieces.iter().map(Vec::len).sum::<usize>() as u64;
        ByteStream::from_source(Pieces(pieces.into_iter()), Some(length))
    }

    async fn encoded(pieces: Vec<Vec<u8>>, algorithm: Algorithm) -> Vec<u8> {
        encode(stream(pieces), algorithm).collect().await.expect("encoded").into_bytes()
    }

    #[tokio::test]
    async fn a_short_body_is_one_chunk_then_the_trailer() {
        let pieces = vec![b"hello, ".to_vec(), Vec::new(), b"world".to_vec()];
        let body = encoded(pieces, Algorithm::Crc32).await;
        assert_eq!(body, b"C\r\nhello, world\r\n0\r\nx-amz-checksum-crc32:/6tyOg==\r\n\r\n");
        assert_eq!(encoded_length(12, Algorithm::Crc32), Ok(body.len() as u64));
    }

    #[tokio::test]
    async fn an_empty_body_is_the_last_chunk_and_the_trailer() {
        let body = encoded(Vec::new(), Algorithm::Sha256).await;
        let expected = "0\r\nx-amz-checksum-sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\r\n\r\n";
        assert_eq!(body, expected.as_bytes());
        assert_eq!(encoded_length(0, Algorithm::Sha256), Ok(body.len() as u64));
    }

    /// Undoes the encoding: the chunks' sizes, the bytes and the trailer.
    fn decode(mut body: &[u8]) -> (Vec<usize>, Vec<u8>, String) {
        let (mut sizes, mut bytes) = (Vec::new(), Vec::new());
        loop {
            let line_end = body.windows(2).position(|w| w == b"\r\n").expect("a size line");
            let size = usize::from_str_radix(std::str::from_utf8(&body[..line_end]).unwrap(), 16).unwrap();
            body = &body[line_end + 2..];
            if size == 0 {
                break;
            }
            sizes.push(size);
            bytes.extend_from_slice(&body[..size]);
            assert_eq!(&body[size..size + 2], b"\r\n", "a chunk ends its line");
            body = &body[size + 2..];
        }
        let trailer = std::str::from_utf8(body).unwrap();
        let trailer = trailer.strip_suffix("\r\n\r\n").expect("the trailer and the closing line");
        (sizes, bytes, trailer.to_owned())
    }

    #[tokio::test]
    async fn pieces_of_any_size_go_out_in_whole_chunks() {
        let data: Vec<u8> = (0..3 * CHUNK_SIZE + 1000).map(|i| (i * 31 % 251) as u8).collect();
        // Pieces smaller than a chunk, one larger than two, and the rest.
        let cuts = [0, 1000, 40_000, 40_001, 180_000, data.len()];
        let pieces: Vec<Vec<u8>> = cuts.windows(2).map(|w| data[w[0]..w[1]].to_vec()).collect();
        for algorithm in Algorithm::PREFERENCE {
            let body = encoded(pieces.clone(), algorithm).await;
            assert_eq!(encoded_length(data.len() as u64, algorithm), Ok(body.len() as u64), "{algorithm:?}");
            let (sizes, bytes, trailer) = decode(&body);
            assert_eq!(sizes, [CHUNK_SIZE, CHUNK_SIZE, CHUNK_SIZE, 1000]);
            assert!(bytes == data, "the bytes arrive as they were");
            assert_eq!(trailer, format!("{}:{}", algorithm.header(), algorithm.checksum(&data)));
        }
    }

    #[tokio::test]
    async fn the_length_counts_every_size() {
        for length in [1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 1 << 20] {
            let body = encoded(vec![vec![7; length]], Algorithm::Crc64Nvme).await;
            assert_eq!(encoded_length(length as u64, Algorithm::Crc64Nvme), Ok(body.len() as u64), "{length}");
        }
        assert_eq!(encoded_length(u64::MAX, Algorithm::Crc32), Err(TooLong(u64::MAX)));
        assert_eq!((hex_digits(0), hex_digits(15), hex_digits(16), hex_digits(u64::MAX)), (1, 1, 2, 16));
    }

    #[tokio::test]
    async fn a_body_shorter_than_declared_fails_the_encoding() {
        let short = ByteStream::from_source(Pieces(vec![b"abc".to_vec()].into_iter()), Some(10));
        assert!(encode(short, Algorithm::Crc32).collect().await.is_err());
    }
}
