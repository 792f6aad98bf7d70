//! End to end: an STS-shaped awsQuery client (the `sts-lite` fixture, a small model written for
//! these tests) against a fake service on 127.0.0.1: `AssumeRole` posting its input as a form
//! and reading temporary credentials from the `<AssumeRoleResult>`, `GetCallerIdentity`, and a
//! `<ErrorResponse>` typed by its query error code. Every request's SigV4 signature is
//! recomputed with `aws-sigv4`.

mod support;

use fixture_sts_lite::operation::assume_role::AssumeRoleError;
use fixture_sts_lite::types::Tag;
use fixture_sts_lite::Client;
use support::{fixture_config, FakeServer, Recorded, Reply};

const ROLE: &str = "arn:aws:iam::123456789012:role/demo";

fn client(server: &FakeServer) -> Client {
    Client::from_conf(fixture_config(server))
}

/// The request's form pairs, percent-decoded, after checking what every STS call has.
fn form(request: &Recorded, action: &str) -> Vec<(String, String)> {
    assert_eq!((request.method.as_str(), request.target.as_str()), ("POST", "/"));
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    support::verify_sigv4_for(request, None, "sts");
    let body = std::str::from_utf8(&request.body).expect("a UTF-8 form");
    let decode = |text: &str| workspace_runtime::http::percent_decode(text);
    let pairs: Vec<(String, String)> = body
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').expect("name=value");
            (decode(name), decode(value))
        })
        .collect();
    assert_eq!(pairs[..2], [("Action".into(), action.into()), ("Version".into(), "2011-06-15".into())]);
    pairs
}

#[tokio::test]
async fn assume_role_posts_a_form_and_reads_the_credentials() {
    let server = FakeServer::start(|_, _| {
        Reply::xml(
            200,
            r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/s1</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:s1</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>IQoJb3JpZ2luX2VjEPT//////////wEXAMPLE</SessionToken>
      <Expiration>2026-12-01T12:00:00Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>"#,
        )
    });
    let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build().expect("tag");
    let assumed = client(&server)
        .assume_role()
        .role_arn(ROLE)
        .role_session_name("s1")
        .duration_seconds(900)
        .tags(tag("team", "blue"))
        .tags(tag("cost center", "a&b"))
        .transitive_tag_keys("team")
        .send()
        .await
        .expect("AssumeRole");
    let credentials = assumed.credentials().expect("credentials");
    assert_eq!(credentials.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
    assert_eq!(credentials.secret_access_key(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
    assert_eq!(credentials.session_token(), "IQoJb3JpZ2luX2VjEPT//////////wEXAMPLE");
    assert_eq!(credentials.expiration().secs(), 1_796_126_400);
    let user = assumed.assumed_role_user().expect("assumed role user");
    assert_eq!(user.arn(), "arn:aws:sts::123456789012:assumed-role/demo/s1");
    assert_eq!(assumed.packed_policy_size(), Some(6));
    assert_eq!(assumed.source_identity(), Some("alice"));

    let requests = server.requests();
    let pairs = form(&requests[0], "AssumeRole");
    let expected: Vec<(String, String)> = [
        ("RoleArn", ROLE),
        ("RoleSessionName", "s1"),
        ("DurationSeconds", "900"),
        ("Tags.member.1.Key", "team"),
        ("Tags.member.1.Value", "blue"),
        ("Tags.member.2.Key", "cost center"),
        ("Tags.member.2.Value", "a&b"),
        ("TransitiveTagKeys.member.1", "team"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    assert_eq!(pairs[2..], expected[..]);
}

#[tokio::test]
async fn get_caller_identity_reads_who_the_caller_is() {
    let server = FakeServer::start(|_, _| {
        Reply::xml(
            200,
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn>\
             <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>\
             <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>\
             </GetCallerIdentityResponse>",
        )
    });
    let identity = client(&server).get_caller_identity().send().await.expect("GetCallerIdentity");
    assert_eq!(identity.account(), Some("123456789012"));
    assert_eq!(identity.arn(), Some("arn:aws:iam::123456789012:user/alice"));
    assert_eq!(identity.user_id(), Some("AIDACKCEVSQ6C2EXAMPLE"));
    let pairs = form(&server.requests()[0], "GetCallerIdentity");
    assert_eq!(pairs.len(), 2, "no members: {pairs:?}");
}

#[tokio::test]
async fn errors_are_typed_by_their_query_error_code() {
    let server = FakeServer::start(|_, _| {
        Reply::xml(
            400,
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <Error><Type>Sender</Type><Code>MalformedPolicyDocument</Code><Message>bad policy</Message></Error>\
             <RequestId>req-9</RequestId></ErrorResponse>",
        )
    });
    let error = client(&server)
        .assume_role()
        .role_arn(ROLE)
        .role_session_name("s1")
        .send()
        .await
        .expect_err("a malformed policy");
    let error = error.into_service_error();
    assert!(error.is_malformed_policy_document_exception(), "{error:?}");
    assert_eq!(error.meta().code(), Some("MalformedPolicyDocument"));
    assert_eq!(error.meta().message(), Some("bad policy"));
    assert_eq!(error.meta().request_id(), Some("req-9"));
    assert_eq!(error.meta().extra("type"), Some("Sender"));
    let AssumeRoleError::MalformedPolicyDocumentException(typed) = error else { unreachable!("checked above") };
    assert_eq!(typed.message(), Some("bad policy"));
}
