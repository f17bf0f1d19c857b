//! Retries (SPEC §7.2, §13.3). A refusal — 429 for every method, 503 for GET, PUT and DELETE —
//! is waited out through the process-wide [`Throttle`] (every request waits, the cap halves) for
//! as long as the total wait stays within 120 s. Connection errors, timeouts, 502, 503 and 504
//! are retried up to 3 times with jittered exponential backoff from about 200 ms, honouring
//! `Retry-After` (seconds or an HTTP date, capped at 30 s). A POST is retried only when the
//! connection failed before the request was sent: anything later may have created the item.

use std::future::Future;
use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use tracing::debug;

use super::throttle::Throttle;
use super::ApiError;

pub const MAX_RETRIES: u32 = 3;
const FIRST_DELAY: Duration = Duration::from_millis(200);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// How the retry layer treats one failure.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    /// The server refused the request without processing it: wait with everyone, then again.
    Refused,
    /// Worth another attempt, up to [`MAX_RETRIES`].
    Transient,
    Final,
}

fn kind(err: &ApiError, method: &Method) -> Kind {
    let post = *method == Method::POST;
    match err {
        ApiError::Status { status, .. } => match *status {
            StatusCode::TOO_MANY_REQUESTS => Kind::Refused,
            StatusCode::SERVICE_UNAVAILABLE if !post => Kind::Refused,
            StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT if !post => Kind::Transient,
            _ => Kind::Final,
        },
        ApiError::Connect { sent, .. } if !post || !sent => Kind::Transient,
        ApiError::Timeout { .. } if !post => Kind::Transient,
        _ => Kind::Final,
    }
}

/// The backoff before retry `n` (0-based): 200 ms doubling, at most 5 s; jittered up to twice
/// that, so that clients that failed together do not retry together.
fn backoff(n: u32, jitter: bool) -> Duration {
    let base = FIRST_DELAY.saturating_mul(1 << n.min(16)).min(MAX_BACKOFF);
    if jitter {
        base.mul_f64(1.0 + fastrand::f64())
    } else {
        base
    }
}

pub async fn run<T, F, Fut>(
    throttle: &Throttle,
    method: &Method,
    no_delay: bool,
    on_retry: Option<&super::RetryListener>,
    mut attempt: F,
) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let (mut retries, mut refusals) = (0u32, 0u32);
    loop {
        let permit = throttle.acquire().await;
        let result = attempt().await;
        drop(permit);
        let err = match result {
            Ok(value) => {
                throttle.succeeded();
                return Ok(value);
            }
            Err(err) => err,
        };
        let retry = retries + refusals + 1;
        let (delay, sleep, new) = match kind(&err, method) {
            Kind::Final => return Err(err),
            Kind::Refused => {
                // Without Retry-After, the backoff (unjittered: the shared wait adds its own).
                let delay = retry_after_of(&err).unwrap_or_else(|| backoff(refusals, false));
                refusals += 1;
                // One budget for the whole command (SPEC §7.2), not one per request.
                if !throttle.spend(delay, no_delay) {
                    return Err(err);
                }
                // The next `acquire` waits, with every other request.
                let (wait, new) = throttle.refused(delay, no_delay);
                (wait, false, new)
            }
            Kind::Transient => {
                if retries == MAX_RETRIES {
                    return Err(err);
                }
                let delay = retry_after_of(&err).unwrap_or_else(|| backoff(retries, true));
                retries += 1;
                (delay, !no_delay, true)
            }
        };
        debug!("retrying in {} ms: {err}", delay.as_millis());
        if let Some(listener) = on_retry {
            listener(&RetryWait {
                delay,
                reason: reason(&err),
                retry,
                new,
            });
        }
        if sleep {
            tokio::time::sleep(delay).await;
        }
    }
}

/// A wait before a retry, as the person is told of it (SPEC §7.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryWait {
    pub delay: Duration,
    /// Why: `the API answered 429 Too Many Requests`, `the request timed out`, ….
    pub reason: String,
    /// Which retry of the request this is (1 for the first).
    pub retry: u32,
    /// Not a request refused during a shared wait already announced.
    pub new: bool,
}

impl RetryWait {
    /// `Waiting 25 s: the API answered 429 Too Many Requests` (whole seconds, rounded up).
    #[cfg(test)]
    pub fn text(&self) -> String {
        format!(
            "Waiting {} s: {}",
            self.delay.as_secs_f32().ceil(),
            self.reason
        )
    }
}

/// Why a request is retried, for the person waiting: the status, or what failed.
fn reason(err: &ApiError) -> String {
    match err {
        ApiError::Status { status, .. } => format!("the API answered {status}"),
        ApiError::Timeout { .. } => "the request timed out".to_owned(),
        _ => "the API cannot be reached".to_owned(),
    }
}

fn retry_after_of(err: &ApiError) -> Option<Duration> {
    match err {
        ApiError::Status { retry_after, .. } => *retry_after,
        _ => None,
    }
}

/// `Retry-After` as seconds or as an HTTP date, capped at 30 s.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let delay = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
            let span = when.duration_since(jiff::Timestamp::now());
            Duration::try_from(span).unwrap_or(Duration::ZERO)
        }
    };
    Some(delay.min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::throttle::Throttle;
    use reqwest::header::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn retry_after_reads_seconds_and_dates_and_is_capped() {
        assert_eq!(retry_after(&headers("2")), Some(Duration::from_secs(2)));
        assert_eq!(retry_after(&headers("3600")), Some(Duration::from_secs(30)));
        assert_eq!(retry_after(&headers("30")), Some(Duration::from_secs(30)));
        assert_eq!(retry_after(&headers("31")), Some(Duration::from_secs(30)));
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:49:37 GMT")),
            Some(Duration::ZERO)
        );
        let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(10);
        let date = jiff::fmt::rfc2822::to_string(&soon.to_zoned(jiff::tz::TimeZone::UTC)).unwrap();
        let delay = retry_after(&headers(&date)).unwrap();
        assert!(
            delay > Duration::from_secs(7) && delay <= Duration::from_secs(10),
            "{delay:?}"
        );
        assert_eq!(retry_after(&headers("soon")), None);
    }

    use std::sync::{Arc, Mutex};

    fn status(code: u16, retry_after: Option<u64>) -> ApiError {
        ApiError::Status {
            method: reqwest::Method::GET,
            path: "/p".into(),
            status: StatusCode::from_u16(code).unwrap(),
            api_message: None,
            retry_after: retry_after.map(Duration::from_secs),
        }
    }

    fn connect() -> ApiError {
        ApiError::Connect {
            method: reqwest::Method::GET,
            path: "/p".into(),
            url: "http://h".into(),
            reason: "refused".into(),
            sent: false,
        }
    }

    fn timeout() -> ApiError {
        ApiError::Timeout {
            method: reqwest::Method::GET,
            path: "/p".into(),
            seconds: 1,
        }
    }

    /// Runs an attempt that always fails with `make()`: how many attempts, and the spinner lines.
    fn attempts_with(method: Method, make: &dyn Fn() -> ApiError) -> (usize, Vec<String>) {
        let calls = Arc::new(Mutex::new(0));
        let lines = Arc::new(Mutex::new(Vec::new()));
        let seen = lines.clone();
        let listener: super::super::RetryListener = Arc::new(move |wait: &RetryWait| {
            seen.lock()
                .unwrap()
                .push(format!("{} (retry {})", wait.text(), wait.retry))
        });
        let counter = calls.clone();
        let throttle = Throttle::new(8);
        let result: Result<(), ApiError> =
            crate::fixtures::block_on(run(&throttle, &method, true, Some(&listener), || {
                *counter.lock().unwrap() += 1;
                let err = make();
                async move { Err(err) }
            }));
        assert!(result.is_err());
        let count = *calls.lock().unwrap();
        let lines = lines.lock().unwrap().clone();
        (count, lines)
    }

    fn attempts(make: fn() -> ApiError) -> (usize, Vec<String>) {
        attempts_with(Method::GET, &make)
    }

    /// 200 ms doubling to 5 s: 0.2 + 0.4 + 0.8 + 1.6 + 3.2 + 22 × 5 = 116.2 s ≤ 120 s.
    const REFUSALS_WITHIN_120_S: usize = 28;

    #[test]
    fn transient_failures_are_tried_four_times_refusals_for_120_s_and_others_once() {
        let transient: [fn() -> ApiError; 4] =
            [|| status(502, None), || status(504, None), connect, timeout];
        for make in transient {
            assert_eq!(attempts(make).0, 4, "{}", make());
        }
        assert_eq!(attempts(|| status(429, None)).0, REFUSALS_WITHIN_120_S);
        assert_eq!(attempts(|| status(503, None)).0, REFUSALS_WITHIN_120_S);
        assert_eq!(
            attempts(|| status(429, Some(30))).0,
            5,
            "four waits of 30 s fill the 120 s"
        );
        let final_: [fn() -> ApiError; 6] = [
            || status(500, None),
            || status(400, None),
            || status(404, None),
            || ApiError::BadResponse {
                method: reqwest::Method::GET,
                path: "/p".into(),
                reason: "x".into(),
            },
            || ApiError::Untrusted {
                method: reqwest::Method::GET,
                path: "/p".into(),
                url: "https://h".into(),
                reason: "x".into(),
            },
            || ApiError::Setup {
                reason: "x".into(),
                file: None,
            },
        ];
        for make in final_ {
            let (count, lines) = attempts(make);
            assert_eq!((count, lines.len()), (1, 0), "{}", make());
        }
    }

    #[test]
    fn a_post_is_retried_only_when_nothing_was_sent_or_it_was_refused() {
        let post = |make: &dyn Fn() -> ApiError| attempts_with(Method::POST, make).0;
        assert_eq!(post(&connect), 4, "the connection failed before sending");
        let broke_after_sending = || ApiError::Connect {
            method: Method::POST,
            path: "/p".into(),
            url: "http://h".into(),
            reason: "reset".into(),
            sent: true,
        };
        assert_eq!(post(&broke_after_sending), 1);
        assert_eq!(post(&timeout), 1, "a timeout may have created it");
        assert_eq!(post(&|| status(502, None)), 1);
        assert_eq!(post(&|| status(503, None)), 1);
        assert_eq!(
            post(&|| status(429, Some(30))),
            5,
            "a 429 was not processed: retried"
        );
        assert_eq!(
            attempts_with(Method::PUT, &broke_after_sending).0,
            4,
            "PUT is idempotent"
        );
    }

    #[test]
    fn each_retry_is_announced_with_its_delay_and_reason() {
        let (_, lines) = attempts(|| status(502, None));
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[0], "Waiting 1 s: the API answered 502 Bad Gateway (retry 1)",
            "about 200 ms, shown rounded up"
        );
        assert!(
            lines[2].ends_with(" s: the API answered 502 Bad Gateway (retry 3)"),
            "{}",
            lines[2]
        );
        let (_, lines) = attempts(|| status(429, Some(7)));
        assert!(
            lines
                .iter()
                .enumerate()
                .all(|(n, l)| [7, 8, 9].iter().any(|s| *l
                    == format!(
                        "Waiting {s} s: the API answered 429 Too Many Requests (retry {})",
                        n + 1
                    ))),
            "Retry-After plus up to 20 %: {lines:?}"
        );
        let (_, lines) = attempts(timeout);
        assert_eq!(lines[0], "Waiting 1 s: the request timed out (retry 1)");
        let (_, lines) = attempts(connect);
        assert_eq!(lines[0], "Waiting 1 s: the API cannot be reached (retry 1)");
    }
}
