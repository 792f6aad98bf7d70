//! Streaming bodies end to end: the `s3-lite` fixture's client uploads a 1 GiB file with
//! `PutObject` (aws-chunked, its CRC-32 in the trailer) and downloads it with `GetObject` to a
//! file, through a fake S3 on 127.0.0.1 that reads and writes as it goes, and the process's peak
//! resident memory stays under 64 MiB; a retried upload is encoded again. Its own test binary,
//! so the peak measured is this test's alone.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread;

use fixture_s3_lite::primitives::ByteStream;
use fixture_s3_lite::Client;
use support::Recorded;

const CHUNK: usize = 64 * 1024;
const CHUNKS: usize = 16 * 1024;
const OBJECT_LEN: u64 = (CHUNK * CHUNKS) as u64;
const PEAK_LIMIT: u64 = 64 * 1024 * 1024;

/// The object's bytes: one 64 KiB block, repeated.
fn block() -> Vec<u8> {
    (0..CHUNK).map(|i| (i * 7 + i / 251) as u8).collect()
}

fn object_crc() -> u32 {
    let block = block();
    let mut crc = crc32fast::Hasher::new();
    for _ in 0..CHUNKS {
        crc.update(&block);
    }
    crc.finalize()
}

/// What the fake S3 received of an upload: the request's head, the body's length as sent and as
/// decoded, the decoded bytes' CRC-32 and SHA-256 (base64, as checksum headers carry them), and
/// the aws-chunked body's trailer.
struct Upload {
    head: Recorded,
    sent: u64,
    length: u64,
    crc: String,
    sha256: Option<String>,
    trailer: Option<String>,
}

/// A fake S3 that never holds a body: uploads are read and counted (aws-chunked ones decoded
/// as they come), downloads written from the block as the client reads them. The first
/// `failures` uploads are read whole and answered with a 500.
fn start_fake_s3(uploads: Arc<Mutex<Vec<Upload>>>, failures: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let failures = Arc::new(Mutex::new(failures));
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (uploads, failures) = (uploads.clone(), failures.clone());
            thread::spawn(move || serve(stream, &uploads, &failures));
        }
    });
    url
}

/// Counts the bytes read through it.
struct Counting<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buffer)?;
        self.count += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.count += n as u64;
        self.inner.consume(n);
    }
}

/// The running checksums of an upload's bytes: the SHA-256 only when the client sends one (it
/// is slow in a debug build).
struct Digests {
    length: u64,
    crc: crc32fast::Hasher,
    sha256: Option<sha2::Sha256>,
}

impl Digests {
    fn update(&mut self, bytes: &[u8]) {
        use sha2::Digest;
        self.length += bytes.len() as u64;
        self.crc.update(bytes);
        if let Some(sha256) = &mut self.sha256 {
            sha256.update(bytes);
        }
    }
}

/// Reads `length` bytes of `reader` into `digests`, a chunk at a time.
fn read_exactly(reader: &mut impl Read, mut length: u64, digests: &mut Digests) -> Option<()> {
    let mut buffer = vec![0; CHUNK];
    while length > 0 {
        let want = buffer.len().min(length as usize);
        let n = reader.read(&mut buffer[..want]).ok().filter(|&n| n > 0)?;
        digests.update(&buffer[..n]);
        length -= n as u64;
    }
    Some(())
}

/// Decodes an aws-chunked body as S3 does: chunks of a hex size line, the bytes and a line end,
/// to the empty one; then trailer lines, to an empty line. Returns the trailer.
fn read_aws_chunked(reader: &mut impl BufRead, digests: &mut Digests) -> Option<String> {
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let size = u64::from_str_radix(line.trim_end(), 16).ok()?;
        if size == 0 {
            break;
        }
        read_exactly(reader, size, digests)?;
        let mut end = [0; 2];
        reader.read_exact(&mut end).ok().filter(|()| &end == b"\r\n")?;
    }
    let mut trailer = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        match line.trim_end() {
            "" => return Some(trailer.join("\n")),
            field => trailer.push(field.to_owned()),
        }
    }
}

fn serve(stream: TcpStream, uploads: &Mutex<Vec<Upload>>, failures: &Mutex<usize>) {
    use sha2::Digest;
    let mut reader = Counting { inner: BufReader::new(stream.try_clone().expect("clone")), count: 0 };
    let mut writer = stream;
    while let Some(head) = support::read_head(&mut reader) {
        if head.method == "PUT" {
            let length: u64 = head.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
            let sha256 = head.header("x-amz-sdk-checksum-algorithm") == Some("SHA256");
            let sha256 = sha256.then(sha2::Sha256::new);
            let mut digests = Digests { length: 0, crc: crc32fast::Hasher::new(), sha256 };
            let start = reader.count;
            let trailer = if head.header("content-encoding").is_some_and(|e| e.contains("aws-chunked")) {
                let Some(trailer) = read_aws_chunked(&mut reader, &mut digests) else { return };
                Some(trailer)
            } else {
                let Some(()) = read_exactly(&mut reader, length, &mut digests) else { return };
                None
            };
            let sent = reader.count - start;
            uploads.lock().expect("uploads").push(Upload {
                head,
                sent,
                length: digests.length,
                crc: aws_smithy_types::base64::encode(digests.crc.finalize().to_be_bytes()),
                sha256: digests.sha256.map(|h| aws_smithy_types::base64::encode(h.finalize())),
                trailer,
            });
            let fail = {
                let mut failures = failures.lock().expect("failures");
                let fail = *failures > 0;
                *failures = failures.saturating_sub(1);
                fail
            };
            let reply = if fail {
                "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n"
            } else {
                "HTTP/1.1 200 OK\r\ncontent-length: 0\r\netag: \"e1\"\r\n\r\n"
            };
            if writer.write_all(reply.as_bytes()).is_err() {
                return;
            }
        } else {
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-length: {OBJECT_LEN}\r\ncontent-type: application/octet-stream\r\n\r\n"
            );
            let block = block();
            let sent = writer
                .write_all(reply.as_bytes())
                .and_then(|()| (0..CHUNKS).try_for_each(|_| writer.write_all(&block)));
            if sent.is_err() {
                return;
            }
        }
    }
}

/// A file removed when the test ends, however it ends.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn temp_file(name: &str) -> TempFile {
    TempFile(std::env::temp_dir().join(format!("smithy-streaming-{}-{name}", std::process::id())))
}

/// The process's peak resident set (Linux's `VmHWM`), in bytes.
fn peak_resident() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[tokio::test]
async fn a_gibibyte_goes_up_from_a_file_and_down_to_a_file_in_flat_memory() {
    let uploads = Arc::new(Mutex::new(Vec::new()));
    let url = start_fake_s3(uploads.clone(), 0);
    let config = workspace_config::builder()
        .region(support::REGION)
        .endpoint_url(url)
        .credentials_provider(workspace_runtime::credentials::Credentials::new(
            support::ACCESS_KEY_ID,
            support::SECRET_ACCESS_KEY,
            None,
            None,
        ))
        .build();
    let client = Client::from_conf(config);

    let source = temp_file("upload");
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&source.0).expect("create the file"));
        let block = block();
        for _ in 0..CHUNKS {
            file.write_all(&block).expect("write the file");
        }
        file.flush().expect("flush");
    }
    let body = ByteStream::from_path(&source.0).expect("open the file");
    assert_eq!(body.content_length(), Some(OBJECT_LEN));
    let put = client.put_object().bucket("my-bucket").key("big.bin").body(body).send().await.expect("PutObject");
    assert_eq!(put.e_tag(), Some("\"e1\""));
    {
        let uploads = uploads.lock().expect("uploads");
        let [upload] = uploads.as_slice() else { panic!("one upload, got {}", uploads.len()) };
        let crc = aws_smithy_types::base64::encode(object_crc().to_be_bytes());
        assert_eq!((upload.length, &upload.crc), (OBJECT_LEN, &crc), "every byte arrived");
        assert_eq!(
            (upload.head.method.as_str(), upload.head.target.as_str()),
            ("PUT", "/my-bucket/big.bin?x-id=PutObject")
        );
        // Its CRC-32 (the default) came after the bytes, in the aws-chunked trailer, so the file
        // was read once; the signature is over STREAMING-UNSIGNED-PAYLOAD-TRAILER.
        assert_eq!(upload.trailer, Some(format!("x-amz-checksum-crc32:{crc}")));
        assert_eq!(upload.head.header("content-encoding"), Some("aws-chunked"));
        assert_eq!(upload.head.header("x-amz-decoded-content-length"), Some(OBJECT_LEN.to_string().as_str()));
        assert_eq!(upload.head.header("x-amz-trailer"), Some("x-amz-checksum-crc32"));
        assert_eq!(upload.head.header("x-amz-sdk-checksum-algorithm"), Some("CRC32"));
        assert_eq!(upload.head.header("content-length"), Some(upload.sent.to_string().as_str()));
        assert_eq!(upload.head.header("x-amz-content-sha256"), Some("STREAMING-UNSIGNED-PAYLOAD-TRAILER"));
        support::verify_sigv4_s3(&upload.head);
    }

    let target = temp_file("download");
    let mut got = client.get_object().bucket("my-bucket").key("big.bin").send().await.expect("GetObject");
    assert_eq!(got.body.content_length(), Some(OBJECT_LEN));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&target.0).expect("create the file"));
    let (mut received, mut progress) = (0u64, 0);
    while let Some(chunk) = got.body.next().await {
        let chunk = chunk.expect("a chunk");
        file.write_all(&chunk).expect("write the file");
        received += chunk.len() as u64;
        progress += 1;
    }
    file.flush().expect("flush");
    assert_eq!(received, OBJECT_LEN);
    assert!(progress > 1, "the body came in pieces, not whole");
    let mut crc = crc32fast::Hasher::new();
    let mut written = std::fs::File::open(&target.0).expect("open the download");
    let mut buffer = vec![0; CHUNK];
    loop {
        let n = written.read(&mut buffer).expect("read the download");
        if n == 0 {
            break;
        }
        crc.update(&buffer[..n]);
    }
    assert_eq!(crc.finalize(), object_crc(), "the file has the object's bytes");

    let peak = peak_resident().expect("/proc/self/status has VmHWM");
    println!("peak resident memory of the 1 GiB round trip: {} KiB", peak / 1024);
    assert!(peak < PEAK_LIMIT, "peak resident memory {} KiB, over {} KiB", peak / 1024, PEAK_LIMIT / 1024);
}

#[tokio::test]
async fn a_retried_stream_is_encoded_again_with_the_checksum_the_caller_chose() {
    use fixture_s3_lite::types::ChecksumAlgorithm;
    let uploads = Arc::new(Mutex::new(Vec::new()));
    let url = start_fake_s3(uploads.clone(), 1);
    let client = Client::from_conf(support::fixture_builder_at(&url).build());
    let source = temp_file("retried");
    // Two chunks and a bit: 64 KiB, 64 KiB and 100 bytes.
    let bytes: Vec<u8> = (0..2 * CHUNK + 100).map(|i| (i % 253) as u8).collect();
    std::fs::write(&source.0, &bytes).expect("write the file");
    let body = ByteStream::from_path(&source.0).expect("open the file");
    let put = client
        .put_object()
        .bucket("my-bucket")
        .key("small.bin")
        .checksum_algorithm(ChecksumAlgorithm::Sha256)
        .body(body)
        .send()
        .await
        .expect("PutObject, after a 500");
    assert_eq!(put.e_tag(), Some("\"e1\""));
    let uploads = uploads.lock().expect("uploads");
    let [first, second] = uploads.as_slice() else { panic!("two attempts, got {}", uploads.len()) };
    let sha256 = sha2_base64(&bytes);
    for upload in [first, second] {
        assert_eq!((upload.length, upload.sha256.as_ref()), (bytes.len() as u64, Some(&sha256)), "every byte");
        assert_eq!(upload.trailer, Some(format!("x-amz-checksum-sha256:{sha256}")));
        assert_eq!(upload.head.header("x-amz-sdk-checksum-algorithm"), Some("SHA256"));
        assert_eq!(upload.head.header("x-amz-trailer"), Some("x-amz-checksum-sha256"));
        assert_eq!(upload.head.header("content-length"), Some(upload.sent.to_string().as_str()));
        support::verify_sigv4_s3(&upload.head);
    }
}

/// The SHA-256 of `bytes` in base64, as `x-amz-checksum-sha256` carries it.
fn sha2_base64(bytes: &[u8]) -> String {
    use sha2::Digest;
    aws_smithy_types::base64::encode(sha2::Sha256::digest(bytes))
}
