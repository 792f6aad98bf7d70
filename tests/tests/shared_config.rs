//! One configuration for several services, as aws-sdk-rust's `SdkConfig`: two generated crates
//! (the `pagination` and `http-labels` fixtures, both on this workspace's runtime) take the same
//! `Config`, and their clients share its one credentials provider and its one HTTP client (and
//! so its connection pool).

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use fixture_pagination::config::{HttpClient, HttpFuture};
use fixture_pagination::credentials::{Credentials, ProvideCredentials, ProvideCredentialsFuture};
use fixture_pagination::http::HttpRequest;
use support::{verify_sigv4_for, FakeServer, Reply, ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY};
use workspace_config::transport::HyperClient;

/// Static credentials that count how often they are asked for.
#[derive(Debug, Default)]
struct CountingCredentials(AtomicUsize);

impl ProvideCredentials for CountingCredentials {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(std::future::ready(Ok(Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None, None))))
    }
}

/// The default transport, counting the requests it carries.
#[derive(Debug)]
struct CountingHttp {
    inner: HyperClient,
    calls: AtomicUsize,
}

impl HttpClient for CountingHttp {
    fn call<'a>(&'a self, url: &'a str, request: &'a HttpRequest) -> HttpFuture<'a> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.call(url, request)
    }
}

/// Forwards to a shared value, so the test keeps a handle on what the config holds.
#[derive(Debug)]
struct Shared<T>(Arc<T>);

impl ProvideCredentials for Shared<CountingCredentials> {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        self.0.provide_credentials()
    }
}

impl HttpClient for Shared<CountingHttp> {
    fn call<'a>(&'a self, url: &'a str, request: &'a HttpRequest) -> HttpFuture<'a> {
        self.0.call(url, request)
    }
}

#[tokio::test]
async fn one_config_serves_the_clients_of_two_services() {
    let server = FakeServer::start(|request, _| match request.path() {
        "/ota-tasks" => Reply::json(200, r#"{"Tasks":[{"TaskId":"t1","Status":"DONE"}]}"#),
        _ => Reply::json(200, r#"{"name":"lamp","price":9.5}"#),
    });
    let credentials = Arc::new(CountingCredentials::default());
    let http = Arc::new(CountingHttp { inner: HyperClient::default(), calls: AtomicUsize::new(0) });
    let config = workspace_config::builder()
        .region(REGION)
        .endpoint_url(server.url())
        .credentials_provider(Shared(credentials.clone()))
        .http_client(Shared(http.clone()))
        .build();

    // Two services' crates, one configuration type: the runtime's.
    let tasks = fixture_pagination::Client::new(&config);
    let items = fixture_http_labels::Client::new(&config);
    let page = tasks.list_ota_tasks().send().await.expect("ListOtaTasks");
    assert_eq!(page.tasks().len(), 1);
    let item = items.get_item().store_id("s1").item_number(7).send().await.expect("GetItem");
    assert_eq!(item.name(), Some("lamp"));
    let again = tasks.list_ota_tasks().send().await.expect("ListOtaTasks again");
    assert_eq!(again.tasks().len(), 1);

    assert_eq!(http.calls.load(Ordering::SeqCst), 3, "every request went through the one HTTP client");
    assert_eq!(credentials.0.load(Ordering::SeqCst), 3, "every signature used the one provider");
    let requests = server.requests();
    let paths: Vec<&str> = requests.iter().map(|r| r.path()).collect();
    assert_eq!(paths, ["/ota-tasks", "/stores/s1/items/7", "/ota-tasks"]);
    // Each signed for its own service with the shared credentials.
    verify_sigv4_for(&requests[0], None, "iotmanagedintegrations");
    verify_sigv4_for(&requests[1], None, "httplabels");
    assert_eq!(tasks.config().region(), items.config().region());
}

#[tokio::test]
async fn one_loaded_config_serves_two_services_with_one_cached_chain() {
    let server = FakeServer::start(|request, _| match request.path() {
        "/ota-tasks" => Reply::json(200, r#"{"Tasks":[]}"#),
        _ => Reply::json(200, r#"{"name":"lamp"}"#),
    });
    // The default chain from an injected environment: its keys, its Region, no IMDS.
    let env = fixture_pagination::credentials::Env::from_pairs([
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID),
        ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY),
        ("AWS_REGION", REGION),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("HOME", "/nonexistent-home-for-tests"),
    ]);
    let config = workspace_config::from_env().env(env).endpoint_url(server.url()).load().await;
    assert_eq!(config.region(), Some(REGION));
    let tasks = fixture_pagination::Client::new(&config);
    let items = fixture_http_labels::Client::new(&config);
    tasks.list_ota_tasks().send().await.expect("ListOtaTasks");
    items.get_item().store_id("s1").item_number(7).send().await.expect("GetItem");
    let requests = server.requests();
    verify_sigv4_for(&requests[0], None, "iotmanagedintegrations");
    verify_sigv4_for(&requests[1], None, "httplabels");

    // A provider of one's own goes behind the loader's cache: asked once for every client.
    let credentials = Arc::new(CountingCredentials::default());
    let config = workspace_config::from_env()
        .env(fixture_pagination::credentials::Env::from_pairs([("AWS_REGION", REGION)]))
        .credentials_provider(Shared(credentials.clone()))
        .endpoint_url(server.url())
        .load()
        .await;
    let (tasks, items) = (fixture_pagination::Client::new(&config), fixture_http_labels::Client::new(&config));
    for _ in 0..2 {
        tasks.list_ota_tasks().send().await.expect("ListOtaTasks");
        items.get_item().store_id("s1").item_number(7).send().await.expect("GetItem");
    }
    assert_eq!(credentials.0.load(Ordering::SeqCst), 1, "one cache in front of the provider, shared by both");
}
