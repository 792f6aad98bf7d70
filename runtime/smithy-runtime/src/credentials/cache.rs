//! A cache in front of any credentials provider, as aws-config's lazy identity cache behaves:
//! credentials are served until shortly before they expire, one refresh runs however many
//! callers need it at once, and unexpired credentials keep being served when a refresh fails.

use std::fmt;
use std::future::poll_fn;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Poll, Waker};
use std::time::{Duration, SystemTime};

use super::{Credentials, CredentialsError, ProvideCredentials, ProvideCredentialsFuture};
use crate::config::TimeSource;

/// How long before credentials expire they are refreshed, by default.
const DEFAULT_BUFFER: Duration = Duration::from_secs(5 * 60);
/// The most a refresh is moved earlier still, chosen anew for each credentials: many processes
/// started together then do not all refresh in the same second.
const MAX_JITTER: Duration = Duration::from_secs(60);

/// A shared cache in front of a [`ProvideCredentials`]: clones share the cache.
///
/// - Credentials are served from the cache until `expires_after - buffer - jitter` (a
///   5-minute buffer unless set, jitter uniform in [0, 60 s)); credentials that never expire
///   are fetched once.
/// - When the cache needs a refresh, the first caller runs the provider and every other
///   caller waits for its result (single flight); if that caller is cancelled, a waiting one
///   takes over.
/// - When a refresh fails, credentials that have not yet expired keep being served (the next
///   call tries again); with none, the provider's error is returned to every caller waiting
///   on that refresh.
#[derive(Clone)]
pub struct CredentialsCache {
    inner: Arc<Inner>,
}

struct Inner {
    provider: Arc<dyn ProvideCredentials>,
    time_source: TimeSource,
    buffer: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    cached: Option<Cached>,
    /// Whether a caller is running the provider now.
    refreshing: bool,
    /// Counts finished refreshes, so a waiter knows that the one it waited for is over.
    generation: u64,
    /// The error of the refresh that finished last, if it failed.
    last_error: Option<CredentialsError>,
    waiters: Vec<Waker>,
}

struct Cached {
    credentials: Credentials,
    /// When to refresh; `None` for credentials that never expire.
    refresh_at: Option<SystemTime>,
}

impl State {
    /// Cached credentials not yet due for a refresh.
    fn fresh(&self, now: SystemTime) -> Option<Credentials> {
        let cached = self.cached.as_ref()?;
        cached.refresh_at.map_or(true, |at| now < at).then(|| cached.credentials.clone())
    }

    /// Cached credentials that have not expired, due for a refresh or not.
    fn unexpired(&self, now: SystemTime) -> Option<Credentials> {
        let cached = self.cached.as_ref()?;
        cached.credentials.expires_after().map_or(true, |at| now < at).then(|| cached.credentials.clone())
    }

    fn wake_all(&mut self) {
        for waker in self.waiters.drain(..) {
            waker.wake();
        }
    }
}

/// What a caller does once it has looked at the cache.
enum Turn {
    Done(Result<Credentials, CredentialsError>),
    Refresh,
}

/// Held by the caller running the provider: when dropped before [`finish`](Self::finish)
/// (the caller was cancelled), it frees the refresh for a waiter to take over.
struct Refreshing<'a> {
    inner: &'a Inner,
    finished: bool,
}

impl Refreshing<'_> {
    fn finish(mut self, result: Result<Credentials, CredentialsError>) -> Result<Credentials, CredentialsError> {
        self.finished = true;
        let now = self.inner.now();
        let mut state = self.inner.lock();
        state.refreshing = false;
        state.generation = state.generation.wrapping_add(1);
        let outcome = match result {
            Ok(credentials) => {
                let refresh_at = credentials.expires_after().map(|expiry| {
                    let early = self.inner.buffer + jitter();
                    expiry.checked_sub(early).unwrap_or(SystemTime::UNIX_EPOCH)
                });
                state.cached = Some(Cached { credentials: credentials.clone(), refresh_at });
                state.last_error = None;
                Ok(credentials)
            }
            Err(error) => {
                state.last_error = Some(error.clone());
                state.unexpired(now).ok_or(error)
            }
        };
        state.wake_all();
        outcome
    }
}

impl Drop for Refreshing<'_> {
    fn drop(&mut self) {
        if !self.finished {
            let mut state = self.inner.lock();
            state.refreshing = false;
            state.wake_all();
        }
    }
}

/// A jitter in [0, [`MAX_JITTER`]): std's randomly keyed hasher over a counter, so that the
/// runtime needs no random number crate for it.
fn jitter() -> Duration {
    use std::hash::{BuildHasher, Hasher};
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(CALLS.fetch_add(1, Ordering::Relaxed));
    let millis = u64::try_from(MAX_JITTER.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(hasher.finish() % millis)
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent between statements, so a panic elsewhere leaves it usable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn now(&self) -> SystemTime {
        (self.time_source)()
    }
}

impl CredentialsCache {
    /// A cache in front of `provider`.
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        Self::from_arc(Arc::new(provider))
    }

    /// A cache in front of a shared provider.
    pub fn from_arc(provider: Arc<dyn ProvideCredentials>) -> Self {
        CredentialsCache {
            inner: Arc::new(Inner {
                provider,
                time_source: Arc::new(SystemTime::now),
                buffer: DEFAULT_BUFFER,
                state: Mutex::new(State::default()),
            }),
        }
    }

    /// Tells the time with `now` instead of the system clock (tests move it). Call it before
    /// sharing the cache: it makes a new, empty one.
    pub fn with_time_source(self, now: TimeSource) -> Self {
        self.rebuilt(|inner| inner.time_source = now)
    }

    /// Refreshes this long before credentials expire (5 minutes unless set), plus the jitter.
    /// Call it before sharing the cache: it makes a new, empty one.
    pub fn with_refresh_buffer(self, buffer: Duration) -> Self {
        self.rebuilt(|inner| inner.buffer = buffer)
    }

    fn rebuilt(self, change: impl FnOnce(&mut Inner)) -> Self {
        let mut inner = Inner {
            provider: self.inner.provider.clone(),
            time_source: self.inner.time_source.clone(),
            buffer: self.inner.buffer,
            state: Mutex::new(State::default()),
        };
        change(&mut inner);
        CredentialsCache { inner: Arc::new(inner) }
    }

    async fn get(&self) -> Result<Credentials, CredentialsError> {
        let inner = &*self.inner;
        // The generation when this caller began to wait, once it has.
        let mut waited_on: Option<u64> = None;
        let turn = poll_fn(|cx| {
            let now = inner.now();
            let mut state = inner.lock();
            if let Some(credentials) = state.fresh(now) {
                return Poll::Ready(Turn::Done(Ok(credentials)));
            }
            if waited_on.is_some_and(|generation| generation != state.generation) {
                // The refresh this caller waited for is over: share its outcome (even
                // credentials already due for a refresh) rather than start another.
                let outcome = match &state.last_error {
                    None => state.cached.as_ref().map(|cached| Ok(cached.credentials.clone())),
                    Some(error) => Some(state.unexpired(now).ok_or_else(|| error.clone())),
                };
                if let Some(outcome) = outcome {
                    return Poll::Ready(Turn::Done(outcome));
                }
            }
            if !state.refreshing {
                state.refreshing = true;
                return Poll::Ready(Turn::Refresh);
            }
            waited_on.get_or_insert(state.generation);
            if !state.waiters.iter().any(|waker| waker.will_wake(cx.waker())) {
                state.waiters.push(cx.waker().clone());
            }
            Poll::Pending
        })
        .await;
        match turn {
            Turn::Done(result) => result,
            Turn::Refresh => {
                let refreshing = Refreshing { inner, finished: false };
                let result = inner.provider.provide_credentials().await;
                refreshing.finish(result)
            }
        }
    }
}

impl ProvideCredentials for CredentialsCache {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.get())
    }
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Whether credentials are cached, never which.
        let cached = self.inner.lock().cached.is_some();
        f.debug_struct("CredentialsCache")
            .field("provider", &self.inner.provider)
            .field("buffer", &self.inner.buffer)
            .field("cached", &cached)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// 2026-12-01T10:00:00Z.
    const START: u64 = 1_796_119_200;

    #[derive(Clone)]
    struct Clock(Arc<Mutex<SystemTime>>);

    impl Clock {
        fn new() -> Self {
            Clock(Arc::new(Mutex::new(SystemTime::UNIX_EPOCH + Duration::from_secs(START))))
        }
        fn set(&self, secs_after_start: u64) {
            *self.0.lock().unwrap() = SystemTime::UNIX_EPOCH + Duration::from_secs(START + secs_after_start);
        }
        fn source(&self) -> TimeSource {
            let clock = self.clone();
            Arc::new(move || *clock.0.lock().unwrap())
        }
    }

    /// A provider that counts its calls, answers after `delay` (tokio's timer), with
    /// credentials expiring `lifetime` after the start (never when `None`) or with an error
    /// once `failing` is set; with `first_hangs`, its first call never answers.
    #[derive(Debug)]
    struct Counting {
        calls: AtomicUsize,
        delay: Duration,
        lifetime: Option<u64>,
        failing: std::sync::atomic::AtomicBool,
        first_hangs: bool,
    }

    impl Counting {
        fn new(lifetime: Option<u64>, delay: Duration) -> Arc<Self> {
            Arc::new(Counting {
                calls: AtomicUsize::new(0),
                delay,
                lifetime,
                failing: Default::default(),
                first_hangs: false,
            })
        }
        fn calls(&self) -> usize {
            self.calls.load(Ordering::SeqCst)
        }
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
            Box::pin(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
                if self.first_hangs && n == 1 {
                    std::future::pending::<()>().await;
                }
                if !self.delay.is_zero() {
                    tokio::time::sleep(self.delay).await;
                }
                if self.failing.load(Ordering::SeqCst) {
                    return Err(CredentialsError::new("the source is down"));
                }
                let expiry = self.lifetime.map(|secs| SystemTime::UNIX_EPOCH + Duration::from_secs(START + secs));
                Ok(Credentials::new(format!("AKID{n}"), "secret", None, expiry))
            })
        }
    }

    fn cache(provider: &Arc<Counting>, clock: &Clock) -> CredentialsCache {
        CredentialsCache::from_arc(provider.clone()).with_time_source(clock.source())
    }

    async fn key(cache: &CredentialsCache) -> String {
        cache.provide_credentials().await.unwrap().access_key_id().to_owned()
    }

    #[tokio::test]
    async fn serves_the_cache_until_the_refresh_window() {
        let (provider, clock) = (Counting::new(Some(3600), Duration::ZERO), Clock::new());
        let cache = cache(&provider, &clock);
        assert_eq!(key(&cache).await, "AKID1");
        // 6 minutes before expiry: outside the 5-minute buffer plus at most a minute of jitter.
        clock.set(3600 - 6 * 60);
        assert_eq!(key(&cache).await, "AKID1");
        assert_eq!(provider.calls(), 1);
        // 4 min 59 s before expiry: inside the buffer, whatever the jitter.
        clock.set(3600 - 299);
        assert_eq!(key(&cache).await, "AKID2");
        assert_eq!(provider.calls(), 2);
    }

    #[tokio::test]
    async fn credentials_without_expiry_are_fetched_once() {
        let (provider, clock) = (Counting::new(None, Duration::ZERO), Clock::new());
        let cache = cache(&provider, &clock);
        clock.set(10 * 365 * 86_400);
        for _ in 0..5 {
            assert_eq!(key(&cache).await, "AKID1");
        }
        assert_eq!(provider.calls(), 1);
    }

    #[tokio::test]
    async fn one_refresh_for_a_hundred_concurrent_calls() {
        let (provider, clock) = (Counting::new(Some(3600), Duration::from_millis(20)), Clock::new());
        let cache = cache(&provider, &clock);
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { key(&cache).await })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap(), "AKID1");
        }
        assert_eq!(provider.calls(), 1);
    }

    #[tokio::test]
    async fn a_failed_refresh_keeps_serving_unexpired_credentials() {
        let (provider, clock) = (Counting::new(Some(3600), Duration::ZERO), Clock::new());
        let cache = cache(&provider, &clock);
        assert_eq!(key(&cache).await, "AKID1");
        provider.failing.store(true, Ordering::SeqCst);
        clock.set(3600 - 60);
        assert_eq!(key(&cache).await, "AKID1", "stale but unexpired");
        assert_eq!(key(&cache).await, "AKID1");
        assert_eq!(provider.calls(), 3, "each call after a failure tries again");
        // Expired, and the source still down: the error.
        clock.set(3600);
        let error = cache.provide_credentials().await.unwrap_err();
        assert_eq!(error.message(), "the source is down");
    }

    #[tokio::test]
    async fn waiters_share_a_failed_refresh_error() {
        let (provider, clock) = (Counting::new(Some(3600), Duration::from_millis(20)), Clock::new());
        provider.failing.store(true, Ordering::SeqCst);
        let cache = cache(&provider, &clock);
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { cache.provide_credentials().await })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap_err().message(), "the source is down");
        }
        assert_eq!(provider.calls(), 1);
    }

    #[tokio::test]
    async fn a_waiter_takes_over_from_a_cancelled_refresh() {
        let provider = Arc::new(Counting {
            first_hangs: true,
            ..Arc::into_inner(Counting::new(Some(3600), Duration::ZERO)).unwrap()
        });
        let cache = cache(&provider, &Clock::new());
        let leader = {
            let cache = cache.clone();
            tokio::spawn(async move { key(&cache).await })
        };
        let waiter = {
            let cache = cache.clone();
            tokio::spawn(async move { key(&cache).await })
        };
        // Until both have run: the leader is inside the call that never answers, the waiter waits.
        while provider.calls() == 0 {
            tokio::task::yield_now().await;
        }
        tokio::task::yield_now().await;
        leader.abort();
        assert!(leader.await.unwrap_err().is_cancelled());
        assert_eq!(waiter.await.unwrap(), "AKID2", "the waiter ran the provider itself");
        assert_eq!(provider.calls(), 2);
    }

    #[tokio::test]
    async fn waiters_share_credentials_that_are_already_due() {
        // Credentials that expire within the buffer: every waiter takes them, none refreshes again.
        let (provider, clock) = (Counting::new(Some(60), Duration::from_millis(20)), Clock::new());
        let cache = cache(&provider, &clock);
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { key(&cache).await })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap(), "AKID1");
        }
        assert_eq!(provider.calls(), 1);
    }

    #[test]
    fn jitter_stays_under_a_minute() {
        assert!((0..1000).map(|_| jitter()).all(|j| j < MAX_JITTER));
    }

    #[test]
    fn debug_shows_no_credentials() {
        let cache = CredentialsCache::new(Credentials::new("AKIDX", "very-secret", None, None));
        let debug = format!("{cache:?}");
        assert!(debug.contains("cached: false") && !debug.contains("very-secret"), "{debug}");
    }
}
