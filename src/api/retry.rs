//! Retries of transient failures (SPEC §7.2): connection errors, timeouts, 429, 502, 503 and 504,
//! up to 3 retries with jittered exponential backoff from about 200 ms, honouring `Retry-After`
//! (seconds or an HTTP date, capped at 30 s). A 500 and other 4xx are final.

use std::future::Future;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use tracing::debug;

use super::ApiError;

const MAX_RETRIES: usize = 3;
const FIRST_DELAY: Duration = Duration::from_millis(200);
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

pub async fn run<T, F, Fut>(
    no_delay: bool,
    on_retry: Option<&super::RetryListener>,
    attempt: F,
) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let backoff = ExponentialBuilder::default()
        .with_min_delay(FIRST_DELAY)
        .with_max_delay(Duration::from_secs(5))
        .with_jitter()
        .with_max_times(MAX_RETRIES);
    attempt
        .retry(backoff)
        .sleep(tokio::time::sleep)
        .when(is_transient)
        .adjust(move |err, delay| {
            let delay = delay.map(|backoff| retry_after_of(err).unwrap_or(backoff));
            if let Some(delay) = delay {
                debug!("retrying in {} ms: {err}", delay.as_millis());
                if let Some(listener) = on_retry {
                    listener(&format!(
                        "Retrying in {} s ({})…",
                        delay.as_secs_f32().ceil(),
                        reason(err)
                    ));
                }
            }
            // The test knob skips the wait but keeps the logged delay, so tests can check it.
            delay.map(|delay| if no_delay { Duration::ZERO } else { delay })
        })
        .await
}

/// A short reason for the spinner: the status, or what failed.
fn reason(err: &ApiError) -> String {
    match err {
        ApiError::Status { status, .. } => status.to_string(),
        ApiError::Timeout { .. } => "timed out".to_owned(),
        _ => "cannot connect".to_owned(),
    }
}

fn is_transient(err: &ApiError) -> bool {
    match err {
        ApiError::Connect { .. } | ApiError::Timeout { .. } => true,
        ApiError::Status { status, .. } => matches!(
            *status,
            StatusCode::TOO_MANY_REQUESTS
                | StatusCode::BAD_GATEWAY
                | StatusCode::SERVICE_UNAVAILABLE
                | StatusCode::GATEWAY_TIMEOUT
        ),
        ApiError::BadResponse { .. } | ApiError::Untrusted { .. } | ApiError::Setup { .. } => false,
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
    fn attempts(make: fn() -> ApiError) -> (usize, Vec<String>) {
        let calls = Arc::new(Mutex::new(0));
        let lines = Arc::new(Mutex::new(Vec::new()));
        let seen = lines.clone();
        let listener: super::super::RetryListener =
            Arc::new(move |line: &str| seen.lock().unwrap().push(line.to_owned()));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let counter = calls.clone();
        let result: Result<(), ApiError> = runtime.block_on(run(true, Some(&listener), || {
            *counter.lock().unwrap() += 1;
            async move { Err(make()) }
        }));
        assert!(result.is_err());
        let count = *calls.lock().unwrap();
        let lines = lines.lock().unwrap().clone();
        (count, lines)
    }

    #[test]
    fn transient_failures_are_tried_four_times_and_others_once() {
        let transient: [fn() -> ApiError; 6] = [
            || status(429, None),
            || status(502, None),
            || status(503, None),
            || status(504, None),
            connect,
            timeout,
        ];
        for make in transient {
            assert_eq!(attempts(make).0, 4, "{}", make());
        }
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
    fn each_retry_is_announced_with_its_delay_and_reason() {
        let (_, lines) = attempts(|| status(503, None));
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[0], "Retrying in 1 s (503 Service Unavailable)…",
            "about 200 ms, shown rounded up"
        );
        let (_, lines) = attempts(|| status(429, Some(7)));
        assert_eq!(
            lines, ["Retrying in 7 s (429 Too Many Requests)…"; 3],
            "Retry-After wins"
        );
        let (_, lines) = attempts(timeout);
        assert_eq!(lines[0], "Retrying in 1 s (timed out)…");
        let (_, lines) = attempts(connect);
        assert_eq!(lines[0], "Retrying in 1 s (cannot connect)…");
    }
}
