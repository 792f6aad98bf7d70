//! Waiters (`@waitable`): an operation called until the acceptors the model gives say the
//! resource is in the state waited for, or in one it cannot leave, or the caller's time is up.
//! Delays follow the Smithy waiter spec: exponential backoff with full jitter between the
//! waiter's `minDelay` and `maxDelay`, one last poll when the time left is about to run out.

use std::error::Error as StdError;
use std::fmt;
use std::time::{Duration, SystemTime};

use crate::config::Config;
use crate::error::BuildError;
use crate::orchestrator::{invoke, Handle, Operation, SdkError};

/// Where an acceptor that matches moves the waiter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptorState {
    /// The resource is in the state waited for.
    Success,
    /// The resource is in a state it will not leave for the one waited for.
    Failure,
    /// Not yet: poll again.
    Retry,
}

/// A waiter's delays between polls, from its `minDelay` and `maxDelay` (seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delays {
    min: Duration,
    max: Duration,
}

impl Delays {
    /// Delays between `min` and `max` seconds (the model checks `1 <= min <= max`).
    pub const fn from_secs(min: u64, max: u64) -> Self {
        Delays { min: Duration::from_secs(min), max: Duration::from_secs(max) }
    }

    /// The delay before retry `attempt` (from 1), with `remaining` time left, and `unit` a
    /// random number in `[0, 1)`: `None` when no time is left for another poll.
    fn before(&self, attempt: u32, remaining: Duration, unit: f64) -> Option<Duration> {
        if remaining.is_zero() {
            return None;
        }
        let (min, max) = (self.min.as_secs_f64(), self.max.as_secs_f64());
        // The spec's `attemptCeiling`: past it, `minDelay * 2^(attempt - 1)` exceeds `maxDelay`.
        let ceiling = (max / min).log2() + 1.0;
        let ceiling_delay =
            if f64::from(attempt) > ceiling { max } else { min * 2f64.powi(attempt.saturating_sub(1).min(62) as i32) };
        let delay = min + unit * (ceiling_delay - min).max(0.0);
        let delay = Duration::try_from_secs_f64(delay).unwrap_or(self.max);
        // Rather than wait out less than `minDelay` and give up, poll one last time at the end.
        Some(if remaining.saturating_sub(delay) <= self.min { remaining } else { delay })
    }
}

/// How a waiter ended well: the last poll's result, which an acceptor took for success (an
/// error, for a waiter that waits for a resource to be gone).
#[derive(Debug)]
pub struct FinalPoll<O, E> {
    result: Result<O, E>,
}

impl<O, E> FinalPoll<O, E> {
    /// The last poll's result.
    pub fn as_result(&self) -> Result<&O, &E> {
        self.result.as_ref()
    }

    /// The last poll's result, by value.
    pub fn into_result(self) -> Result<O, E> {
        self.result
    }
}

/// Why a waiter gave up.
#[non_exhaustive]
#[derive(Debug)]
pub enum WaiterError<O, E> {
    /// The operation's input could not be built.
    ConstructionFailure(BuildError),
    /// The time the caller allowed ran out before an acceptor said success or failure.
    ExceededMaxWait(ExceededMaxWait<O, E>),
    /// An acceptor matched a state the resource will not leave.
    FailureState(FinalPoll<O, SdkError<E>>),
    /// A poll failed with an error no acceptor expected.
    OperationFailed(SdkError<E>),
}

/// The caller's time ran out.
#[derive(Debug)]
pub struct ExceededMaxWait<O, E> {
    max_wait: Duration,
    elapsed: Duration,
    poll_count: u32,
    last_poll: Option<Result<O, SdkError<E>>>,
}

impl<O, E> ExceededMaxWait<O, E> {
    /// The time the caller allowed.
    pub fn max_wait(&self) -> Duration {
        self.max_wait
    }

    /// The time the waiter took.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// How many polls completed (a poll the maximum wait cut short is not counted).
    pub fn poll_count(&self) -> u32 {
        self.poll_count
    }

    /// The last poll's result, if a poll completed (`None` when the first was cut short).
    pub fn last_poll(&self) -> Option<Result<&O, &SdkError<E>>> {
        self.last_poll.as_ref().map(Result::as_ref)
    }
}

impl<O, E> fmt::Display for WaiterError<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaiterError::ConstructionFailure(_) => f.write_str("failed to construct the waiter's request"),
            WaiterError::ExceededMaxWait(e) => write!(
                f,
                "waiter exceeded its maximum wait of {:?} after {} polls in {:?}",
                e.max_wait, e.poll_count, e.elapsed
            ),
            WaiterError::FailureState(_) => f.write_str("waiter reached a failure state"),
            WaiterError::OperationFailed(_) => f.write_str("waiter's operation failed with an unexpected error"),
        }
    }
}

impl<O: fmt::Debug, E: StdError + 'static> StdError for WaiterError<O, E> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            WaiterError::ConstructionFailure(e) => Some(e),
            WaiterError::ExceededMaxWait(_) => None,
            WaiterError::FailureState(poll) => poll.result.as_ref().err().map(|e| e as &(dyn StdError + 'static)),
            WaiterError::OperationFailed(e) => Some(e),
        }
    }
}

/// The acceptors of one waiter: given the input and a poll's result, the state the first
/// acceptor that matches moves the waiter to, if one does.
pub type Acceptors<O> = fn(
    &<O as Operation>::Input,
    &Result<<O as Operation>::Output, SdkError<<O as Operation>::Error>>,
) -> Option<AcceptorState>;

/// The result of a waiter on operation `O`.
pub type WaiterResult<O> = Result<
    FinalPoll<<O as Operation>::Output, SdkError<<O as Operation>::Error>>,
    WaiterError<<O as Operation>::Output, <O as Operation>::Error>,
>;

/// Calls `O` with `input` until `acceptors` say success or failure, for at most `max_wait`.
/// A poll still running when the time is up is dropped (its request cancelled).
pub async fn wait<O>(
    handle: &Handle,
    input: Result<O::Input, BuildError>,
    delays: Delays,
    max_wait: Duration,
    acceptors: Acceptors<O>,
) -> WaiterResult<O>
where
    O: Operation,
    O::Input: Clone,
{
    let input = input.map_err(WaiterError::ConstructionFailure)?;
    let config = handle.config();
    let sleep = config.sleep.clone().ok_or_else(|| WaiterError::OperationFailed(SdkError::construction(NO_SLEEP)))?;
    let start = now(config);
    let elapsed = || now(config).duration_since(start).unwrap_or_default();
    let mut polls = 0;
    let mut last_poll = None;
    loop {
        let remaining = max_wait.saturating_sub(elapsed());
        let poll = crate::orchestrator::with_timeout(invoke::<O>(handle, input.clone()), sleep.sleep(remaining)).await;
        let Some(result) = poll else { break };
        polls += 1;
        match acceptors(&input, &result) {
            Some(AcceptorState::Success) => return Ok(FinalPoll { result }),
            Some(AcceptorState::Failure) => return Err(WaiterError::FailureState(FinalPoll { result })),
            Some(AcceptorState::Retry) => {}
            None => {
                if let Err(error) = result {
                    return Err(WaiterError::OperationFailed(error));
                }
            }
        }
        last_poll = Some(result);
        let remaining = max_wait.saturating_sub(elapsed());
        let Some(delay) = delays.before(polls, remaining, crate::orchestrator::random_unit()) else { break };
        sleep.sleep(delay).await;
    }
    Err(WaiterError::ExceededMaxWait(ExceededMaxWait { max_wait, elapsed: elapsed(), poll_count: polls, last_poll }))
}

const NO_SLEEP: &str =
    "no timer to wait between polls with: build the config with `smithy_config` (the tokio timer) or set `sleep_impl`";

fn now(config: &Config) -> SystemTime {
    config.time_source.as_ref().map_or_else(SystemTime::now, |now| now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_exponentially_with_jitter_up_to_the_maximum() {
        let delays = Delays::from_secs(2, 120);
        let plenty = Duration::from_secs(3600);
        // The top of the jitter: min * 2^(attempt-1) until it passes the maximum.
        let top: Vec<u64> = (1..=9).map(|a| delays.before(a, plenty, 0.999_999).unwrap().as_secs()).collect();
        assert_eq!(top, [2, 3, 7, 15, 31, 63, 119, 119, 119]);
        // The bottom is always the minimum.
        for attempt in 1..20 {
            assert_eq!(delays.before(attempt, plenty, 0.0), Some(Duration::from_secs(2)));
        }
    }

    #[test]
    fn the_last_poll_takes_what_time_is_left() {
        let delays = Delays::from_secs(2, 120);
        // 10 s left, a delay of 9 s would leave less than the minimum: wait the 10 s instead.
        assert_eq!(delays.before(4, Duration::from_secs(10), 0.5), Some(Duration::from_secs(10)));
        assert_eq!(delays.before(1, Duration::ZERO, 0.5), None);
        // Equal delays: the spec's way to poll at a fixed rate.
        let fixed = Delays::from_secs(5, 5);
        assert_eq!(fixed.before(30, Duration::from_secs(600), 0.7), Some(Duration::from_secs(5)));
    }
}
