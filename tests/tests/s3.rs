//! End to end: an S3-shaped restXml client (the `s3-lite` fixture, a small model written for
//! these tests, with endpoint rules of its own that address buckets as S3's do) against a fake
//! service on 127.0.0.1. Buckets come first in the path of an endpoint on an IP address and in
//! the host name of a named one (reached through an HTTP client that sends every host to the
//! fake server, as a resolver would); objects are put with a CRC-32 checksum (or the one the
//! caller picks) and read back validating it, a damaged body retried and refused;
//! listings page; batch deletes send and read flattened XML lists; S3's bare `<Error>` bodies
//! are typed; a `200 OK` carrying an `<Error>` is an error, retried as a server failure. Every
//! request's signature is recomputed with `aws-sigv4` and S3's signing settings.

mod support;

use fixture_s3_lite::operation::get_object::GetObjectError;
use fixture_s3_lite::types::{
    ChecksumAlgorithm, CompletedMultipartUpload, CompletedPart, CreateBucketConfiguration, Delete, ObjectIdentifier,
};
use fixture_s3_lite::Client;
use support::{fixture_builder, FakeServer, Recorded, Reply};
use workspace_runtime::config::{ConnectorError, HttpClient, HttpFuture};
use workspace_runtime::http::HttpRequest;

fn client(server: &FakeServer) -> Client {
    Client::from_conf(fixture_builder(server).build())
}

/// What every S3 request has: S3's SigV4 with its payload hash header.
fn checked(request: &Recorded, method: &str, target: &str) {
    assert_eq!((request.method.as_str(), request.target.as_str()), (method, target));
    support::verify_sigv4_s3(request);
}

#[tokio::test]
async fn create_bucket_puts_the_bucket_first_in_the_path_of_an_ip_endpoint() {
    let server = FakeServer::start(|_, _| Reply::xml(200, "").with_header("Location", "/my-bucket"));
    let configuration = CreateBucketConfiguration::builder().location_constraint("eu-west-1").build();
    let created = client(&server)
        .create_bucket()
        .bucket("my-bucket")
        .create_bucket_configuration(configuration)
        .send()
        .await
        .expect("CreateBucket");
    assert_eq!(created.location(), Some("/my-bucket"));
    let request = &server.requests()[0];
    checked(request, "PUT", "/my-bucket");
    assert_eq!(request.header("content-type"), Some("application/xml"));
    workspace_runtime::protocol_test_util::assert_xml_eq(
        &request.body,
        r#"<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
               <LocationConstraint>eu-west-1</LocationConstraint>
           </CreateBucketConfiguration>"#,
    );
}

/// A GET answer with `body` and the CRC-32 header `crc32`.
fn object(body: &[u8], crc32: &str) -> Reply {
    Reply {
        status: 200,
        headers: vec![
            ("Content-Type".into(), "text/plain".into()),
            ("ETag".into(), "\"e1\"".into()),
            ("x-amz-checksum-crc32".into(), crc32.into()),
            ("x-amz-meta-owner".into(), "alice".into()),
        ],
        body: body.to_vec(),
        delay: std::time::Duration::ZERO,
    }
}

// CRC-32 of "hello, world", base64-encoded.
const CRC32: &str = "/6tyOg==";

#[tokio::test]
async fn objects_are_put_with_a_checksum_and_read_back_validating_it() {
    let server = FakeServer::start(|request, _| match request.method.as_str() {
        "PUT" => Reply::xml(200, "").with_header("ETag", "\"e1\"").with_header("x-amz-checksum-crc32", CRC32),
        _ => object(b"hello, world", CRC32),
    });
    let client = client(&server);
    let put = client
        .put_object()
        .bucket("my-bucket")
        .key("notes/a b.txt")
        .content_type("text/plain")
        .metadata("owner", "alice")
        .body(b"hello, world".to_vec())
        .send()
        .await
        .expect("PutObject");
    assert_eq!(put.e_tag(), Some("\"e1\""));
    assert_eq!(put.checksum_crc32(), Some(CRC32));
    let got = client.get_object().bucket("my-bucket").key("notes/a b.txt").send().await.expect("GetObject");
    assert_eq!(got.checksum_crc32(), Some(CRC32));
    assert_eq!(got.metadata().and_then(|m| m.get("owner")).map(String::as_str), Some("alice"));
    assert_eq!(got.body.collect().await.expect("the body").into_bytes(), b"hello, world");

    let requests = server.requests();
    checked(&requests[0], "PUT", "/my-bucket/notes/a%20b.txt?x-id=PutObject");
    // The client's default (when supported): CRC-32, computed and signed.
    assert_eq!(requests[0].header("x-amz-checksum-crc32"), Some(CRC32));
    assert_eq!(requests[0].header("x-amz-sdk-checksum-algorithm"), Some("CRC32"));
    assert_eq!(requests[0].header("x-amz-meta-owner"), Some("alice"));
    assert_eq!(requests[0].body, b"hello, world");
    checked(&requests[1], "GET", "/my-bucket/notes/a%20b.txt?x-id=GetObject");
    assert_eq!(requests[1].header("x-amz-checksum-mode"), Some("ENABLED"), "validation is asked for");

    // An algorithm the caller picks is used instead.
    client
        .put_object()
        .bucket("my-bucket")
        .key("k")
        .checksum_algorithm(ChecksumAlgorithm::Sha256)
        .body(b"abc".to_vec())
        .send()
        .await
        .expect("PutObject with SHA-256");
    let requests = server.requests();
    assert_eq!(requests[2].header("x-amz-checksum-sha256"), Some("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="));
    assert_eq!(requests[2].header("x-amz-checksum-crc32"), None);
}

#[tokio::test]
async fn a_streamed_body_that_does_not_match_its_checksum_fails_its_last_read() {
    // The body streams to the caller, so it cannot be fetched again: the damage is the
    // read's error, as with AWS SDKs' downloads.
    let damaged = FakeServer::start(|_, _| object(b"hello, wor1d", CRC32));
    let got = client(&damaged).get_object().bucket("my-bucket").key("k").send().await.expect("the head is fine");
    let error = got.body.collect().await.expect_err("damaged");
    let cause = std::error::Error::source(&error).map(ToString::to_string).unwrap_or_default();
    assert!(cause.contains("CRC32 checksum") && cause.contains(CRC32), "{error}: {cause}");
    assert_eq!(damaged.requests().len(), 1);

    let good = FakeServer::start(|_, _| object(b"hello, world", CRC32));
    let got = client(&good).get_object().bucket("my-bucket").key("k").send().await.expect("GetObject");
    assert_eq!(got.body.collect().await.expect("the body").into_bytes(), b"hello, world");
}

#[tokio::test]
async fn a_missing_key_is_the_typed_no_such_key_error() {
    let server = FakeServer::start(|_, _| {
        Reply::xml(
            404,
            "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>\
             <Key>gone.txt</Key><RequestId>4442587FB7D0A2F9</RequestId><HostId>host-1</HostId></Error>",
        )
    });
    let error = client(&server).get_object().bucket("my-bucket").key("gone.txt").send().await.expect_err("404");
    let error = error.into_service_error();
    assert!(matches!(error, GetObjectError::NoSuchKey(_)), "{error:?}");
    assert_eq!(error.meta().code(), Some("NoSuchKey"));
    assert_eq!(error.meta().message(), Some("The specified key does not exist."));
    assert_eq!(error.meta().request_id(), Some("4442587FB7D0A2F9"));
}

#[tokio::test]
async fn listings_page_through_continuation_tokens() {
    let server = FakeServer::start(|request, _| {
        let page = |contents: &str, next: Option<&str>| {
            let token = next.map_or(String::new(), |t| format!("<NextContinuationToken>{t}</NextContinuationToken>"));
            Reply::xml(
                200,
                &format!(
                    "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>my-bucket</Name>\
                     <IsTruncated>{}</IsTruncated>{token}{contents}</ListBucketResult>",
                    next.is_some()
                ),
            )
        };
        let object = |key: &str, size: u32| {
            format!("<Contents><Key>{key}</Key><LastModified>2026-11-30T10:00:00.000Z</LastModified><ETag>&quot;x&quot;</ETag><Size>{size}</Size></Contents>")
        };
        if request.target.contains("continuation-token=t%2B1") {
            page(&object("c", 3), None)
        } else {
            page(&[object("a", 1), object("b", 2)].concat(), Some("t+1"))
        }
    });
    let objects: Vec<_> = client(&server)
        .list_objects_v2()
        .bucket("my-bucket")
        .prefix("")
        .into_paginator()
        .page_size(2)
        .items()
        .try_collect()
        .await
        .expect("ListObjectsV2");
    let keys: Vec<&str> = objects.iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["a", "b", "c"]);
    assert_eq!(objects[1].size(), Some(2));
    assert_eq!(objects[0].e_tag(), Some("\"x\""));
    assert_eq!(objects[2].last_modified().map(|t| t.secs()), Some(1_796_032_800));

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    checked(&requests[0], "GET", "/my-bucket?list-type=2&prefix=&max-keys=2");
    checked(&requests[1], "GET", "/my-bucket?list-type=2&prefix=&max-keys=2&continuation-token=t%2B1");
}

#[tokio::test]
async fn delete_objects_sends_and_reads_flattened_lists() {
    let server = FakeServer::start(|_, _| {
        Reply::xml(
            200,
            "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
             <Deleted><Key>a</Key></Deleted>\
             <Error><Key>b</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>\
             <Deleted><Key>c</Key></Deleted></DeleteResult>",
        )
    });
    let object = |key: &str| ObjectIdentifier::builder().key(key).build().expect("identifier");
    let delete = Delete::builder().objects(object("a")).objects(object("b")).objects(object("c")).quiet(false);
    let deleted = client(&server)
        .delete_objects()
        .bucket("my-bucket")
        .delete(delete.build().expect("delete"))
        .send()
        .await
        .expect("DeleteObjects");
    let keys: Vec<&str> = deleted.deleted().iter().filter_map(|d| d.key()).collect();
    assert_eq!(keys, ["a", "c"]);
    assert_eq!(deleted.errors().len(), 1);
    assert_eq!((deleted.errors()[0].key(), deleted.errors()[0].code()), (Some("b"), Some("AccessDenied")));

    let request = &server.requests()[0];
    checked(request, "POST", "/my-bucket?delete");
    // A checksum is required: CRC-32 of the body.
    let crc32 = workspace_runtime::primitives::base64::encode(crc32fast::hash(&request.body).to_be_bytes());
    assert_eq!(request.header("x-amz-checksum-crc32"), Some(crc32.as_str()));
    workspace_runtime::protocol_test_util::assert_xml_eq(
        &request.body,
        r#"<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
               <Object><Key>a</Key></Object><Object><Key>b</Key></Object><Object><Key>c</Key></Object>
               <Quiet>false</Quiet>
           </Delete>"#,
    );
}

#[tokio::test]
async fn a_200_carrying_an_error_is_an_error_retried_as_a_server_failure() {
    let server = FakeServer::start(|_, n| match n {
        0 => Reply::xml(
            200,
            "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message>\
             <RequestId>r-0</RequestId></Error>",
        ),
        _ => Reply::xml(
            200,
            "<CompleteMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
             <Location>http://my-bucket.s3.test/big</Location><Bucket>my-bucket</Bucket><Key>big</Key>\
             <ETag>\"3858f62230ac3c915f300c664312c11f-2\"</ETag></CompleteMultipartUploadResult>",
        ),
    });
    let part = |n: i32, etag: &str| CompletedPart::builder().part_number(n).e_tag(etag).build();
    let upload = CompletedMultipartUpload::builder().parts(part(1, "\"p1\"")).parts(part(2, "\"p2\"")).build();
    let client = client(&server);
    let completed = client
        .complete_multipart_upload()
        .bucket("my-bucket")
        .key("big")
        .upload_id("u-1")
        .multipart_upload(upload.clone())
        .send()
        .await
        .expect("CompleteMultipartUpload, on the second attempt");
    assert_eq!(completed.e_tag(), Some("\"3858f62230ac3c915f300c664312c11f-2\""));
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "the 200 error is retried");
    checked(&requests[0], "POST", "/my-bucket/big?uploadId=u-1");
    workspace_runtime::protocol_test_util::assert_xml_eq(
        &requests[0].body,
        r#"<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
               <Part><ETag>"p1"</ETag><PartNumber>1</PartNumber></Part>
               <Part><ETag>"p2"</ETag><PartNumber>2</PartNumber></Part>
           </CompleteMultipartUpload>"#,
    );

    // When it persists, the caller gets it: an error, with the server-failure status.
    let failing =
        FakeServer::start(|_, _| Reply::xml(200, "<Error><Code>InternalError</Code><Message>no</Message></Error>"));
    let error = Client::from_conf(
        fixture_builder(&failing).retry_config(workspace_runtime::config::RetryConfig::disabled()).build(),
    )
    .complete_multipart_upload()
    .bucket("my-bucket")
    .key("big")
    .upload_id("u-1")
    .multipart_upload(upload)
    .send()
    .await
    .expect_err("a 200 error");
    let error = error.into_service_error();
    assert_eq!((error.meta().code(), error.meta().status()), (Some("InternalError"), Some(500)));
}

#[tokio::test]
async fn get_bucket_location_reads_its_unwrapped_output() {
    let server = FakeServer::start(|_, _| {
        Reply::xml(
            200,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">eu-west-1</LocationConstraint>",
        )
    });
    let location = client(&server).get_bucket_location().bucket("my-bucket").send().await.expect("GetBucketLocation");
    assert_eq!(location.location_constraint(), Some("eu-west-1"));
    checked(&server.requests()[0], "GET", "/my-bucket?location");
}

/// An HTTP client that sends every request to the fake server whatever its host, as a resolver
/// mapping bucket host names to 127.0.0.1 would; the `Host` header stays the one signed.
#[derive(Debug)]
struct ToServer {
    inner: workspace_config::transport::HyperClient,
    server: String,
}

impl HttpClient for ToServer {
    fn call<'a>(&'a self, url: &'a str, request: &'a HttpRequest) -> HttpFuture<'a> {
        Box::pin(async move {
            let rest = url.split_once("://").map(|(_, rest)| rest).ok_or_else(|| ConnectorError::other("no scheme"))?;
            let path = rest.find('/').map_or("", |i| &rest[i..]);
            self.inner.call(&format!("{}{path}", self.server), request).await
        })
    }
}

#[tokio::test]
async fn a_named_endpoint_puts_a_dns_bucket_in_the_host_and_path_style_keeps_it_in_the_path() {
    let server = FakeServer::start(|_, _| Reply::xml(200, "").with_header("ETag", "\"e\""));
    let port = server.url().rsplit(':').next().expect("a port").to_owned();
    let endpoint = format!("http://s3.test:{port}");
    let transport = || ToServer { inner: workspace_config::transport::HyperClient::default(), server: server.url() };
    let put = |client: Client, bucket: &'static str| async move {
        client.put_object().bucket(bucket).key("k.txt").body(b"x".to_vec()).send().await.expect("PutObject")
    };
    let virtual_hosted =
        Client::from_conf(fixture_builder(&server).endpoint_url(endpoint.as_str()).http_client(transport()).build());
    put(virtual_hosted.clone(), "my-bucket").await;
    // A bucket that is not a DNS name stays in the path, as with path style forced.
    put(virtual_hosted, "My_Bucket").await;
    let path_style = Client::from_conf(
        fixture_builder(&server)
            .endpoint_url(endpoint.as_str())
            .force_path_style(true)
            .http_client(transport())
            .build(),
    );
    put(path_style, "my-bucket").await;

    let requests = server.requests();
    checked(&requests[0], "PUT", "/k.txt?x-id=PutObject");
    assert_eq!(requests[0].header("host"), Some(format!("my-bucket.s3.test:{port}").as_str()));
    checked(&requests[1], "PUT", "/My_Bucket/k.txt?x-id=PutObject");
    assert_eq!(requests[1].header("host"), Some(format!("s3.test:{port}").as_str()));
    checked(&requests[2], "PUT", "/my-bucket/k.txt?x-id=PutObject");
    assert_eq!(requests[2].header("host"), Some(format!("s3.test:{port}").as_str()));
}

/// A directory bucket (`--x-s3`) on the fake server's named endpoint.
const DIRECTORY_BUCKET: &str = "data--usw2-az1--x-s3";

#[tokio::test]
async fn a_directory_bucket_is_signed_with_a_session_that_create_session_opens_once() {
    let server = FakeServer::start(|request, _| match request.target.as_str() {
        "/?session" => Reply::xml(
            200,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <CreateSessionResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Credentials>\
             <SessionToken>session-token</SessionToken><SecretAccessKey>session-secret</SecretAccessKey>\
             <AccessKeyId>SESSIONKEY</AccessKeyId><Expiration>2099-01-01T00:00:00Z</Expiration>\
             </Credentials></CreateSessionResult>",
        ),
        _ => object(b"hello, world", CRC32),
    });
    let port = server.url().rsplit(':').next().expect("a port").to_owned();
    let transport = ToServer { inner: workspace_config::transport::HyperClient::default(), server: server.url() };
    let config =
        fixture_builder(&server).endpoint_url(format!("http://s3.test:{port}").as_str()).http_client(transport).build();
    let client = Client::from_conf(config);
    for _ in 0..2 {
        let got = client.get_object().bucket(DIRECTORY_BUCKET).key("k.txt").send().await.expect("GetObject");
        assert_eq!(got.body.collect().await.expect("the body").into_bytes(), b"hello, world");
    }

    let requests = server.requests();
    assert_eq!(requests.len(), 3, "one CreateSession, then the two reads");
    let host = format!("{DIRECTORY_BUCKET}.s3.test:{port}");
    // CreateSession itself: SigV4 for s3express with the config's credentials.
    assert_eq!((requests[0].method.as_str(), requests[0].target.as_str()), ("GET", "/?session"));
    assert_eq!(requests[0].header("host"), Some(host.as_str()));
    support::verify_sigv4_s3_for(&requests[0], "s3express");
    assert_eq!(requests[0].header("x-amz-s3session-token"), None);
    // The reads: the session's keys, its token in x-amz-s3session-token, the session reused.
    for read in &requests[1..] {
        assert_eq!((read.method.as_str(), read.target.as_str()), ("GET", "/k.txt?x-id=GetObject"));
        assert_eq!(read.header("host"), Some(host.as_str()));
        support::verify_sigv4_s3_session(read, "SESSIONKEY", "session-secret", "session-token");
    }
}

#[tokio::test]
async fn a_failed_create_session_fails_the_call_naming_the_bucket() {
    let server = FakeServer::start(|_, _| {
        Reply::xml(403, "<Error><Code>AccessDenied</Code><Message>no s3express:CreateSession</Message></Error>")
    });
    let port = server.url().rsplit(':').next().expect("a port").to_owned();
    let transport = ToServer { inner: workspace_config::transport::HyperClient::default(), server: server.url() };
    let config =
        fixture_builder(&server).endpoint_url(format!("http://s3.test:{port}").as_str()).http_client(transport).build();
    let error = Client::from_conf(config)
        .get_object()
        .bucket(DIRECTORY_BUCKET)
        .key("k.txt")
        .send()
        .await
        .expect_err("no session, no read");
    let text = workspace_runtime::error::describe(&error);
    assert!(text.contains(&format!("S3 Express CreateSession on bucket `{DIRECTORY_BUCKET}`")), "{text}");
    assert!(text.contains("AccessDenied"), "{text}");
    assert_eq!(server.requests().len(), 1, "only CreateSession was sent");
}
