//! Streaming bodies end to end: the `s3-lite` fixture's client uploads a 1 GiB file with
//! `PutObject` and downloads it with `GetObject` to a file, through a fake S3 on 127.0.0.1 that
//! reads and writes as it goes, and the process's peak resident memory stays under 64 MiB.
//! Its own test binary, so the peak measured is this test's alone.

mod support;

use std::io::{BufReader, Read, Write};
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

/// What the fake S3 received of an upload: the request's head and its body's length and CRC.
struct Upload {
    head: Recorded,
    length: u64,
    crc: u32,
}

/// A fake S3 that never holds a body: uploads are read and counted, downloads written from the
/// block as the client reads them.
fn start_fake_s3(uploads: Arc<Mutex<Vec<Upload>>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let uploads = uploads.clone();
            thread::spawn(move || serve(stream, &uploads));
        }
    });
    url
}

fn serve(stream: TcpStream, uploads: &Mutex<Vec<Upload>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    while let Some(head) = support::read_head(&mut reader) {
        if head.method == "PUT" {
            let length: u64 = head.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
            let (mut left, mut crc, mut buffer) = (length, crc32fast::Hasher::new(), vec![0; CHUNK]);
            while left > 0 {
                let want = buffer.len().min(left as usize);
                let Ok(n) = reader.read(&mut buffer[..want]) else { return };
                if n == 0 {
                    return;
                }
                crc.update(&buffer[..n]);
                left -= n as u64;
            }
            uploads.lock().expect("uploads").push(Upload { head, length, crc: crc.finalize() });
            let reply = "HTTP/1.1 200 OK\r\ncontent-length: 0\r\netag: \"e1\"\r\n\r\n";
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
    let url = start_fake_s3(uploads.clone());
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
        assert_eq!((upload.length, upload.crc), (OBJECT_LEN, object_crc()), "every byte arrived");
        assert_eq!(upload.head.header("content-length"), Some(OBJECT_LEN.to_string().as_str()));
        assert_eq!(
            (upload.head.method.as_str(), upload.head.target.as_str()),
            ("PUT", "/my-bucket/big.bin?x-id=PutObject")
        );
        // Signed without reading the body ahead: S3's UNSIGNED-PAYLOAD, checked with aws-sigv4.
        assert_eq!(upload.head.header("x-amz-content-sha256"), Some("UNSIGNED-PAYLOAD"));
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
