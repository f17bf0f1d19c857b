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
}
