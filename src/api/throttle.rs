//! The process-wide brake of SPEC §13.3: every request takes a slot, at most `cap` at a time;
//! a refusal (429, or 503) halves the cap (not below 1) and makes **every** request wait until one
//! shared "not before" instant, so that tasks stop firing together into a rate limit; `cap`
//! grows back by one after every `max` successes.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::Notify;
use tracing::debug;

pub struct Throttle {
    state: Mutex<State>,
    changed: Notify,
}

#[derive(Debug)]
struct State {
    max: usize,
    cap: usize,
    in_flight: usize,
    successes: usize,
    not_before: Option<Instant>,
    /// The refusals waited out so far, in all (SPEC §7.2's budget), and until when.
    waited: Duration,
    waited_until: Option<Instant>,
    /// The budget is spent: a request refused again fails at once, a batch starts no new item.
    spent: bool,
}

/// The longest the whole process waits out refusals (429, 503), all requests together.
pub const REFUSAL_BUDGET: Duration = Duration::from_secs(120);

/// A slot in flight; dropping it frees the slot.
pub struct Permit<'a>(&'a Throttle);

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.0.lock().in_flight -= 1;
        self.0.changed.notify_waiters();
    }
}

impl Default for Throttle {
    fn default() -> Self {
        Self::new(8)
    }
}

impl Throttle {
    pub fn new(max: usize) -> Self {
        let max = max.max(1);
        Self {
            state: Mutex::new(State {
                max,
                cap: max,
                in_flight: 0,
                successes: 0,
                not_before: None,
                waited: Duration::ZERO,
                waited_until: None,
                spent: false,
            }),
            changed: Notify::new(),
        }
    }

    /// The `--concurrency` of the batch that is about to run.
    pub fn set_max(&self, max: usize) {
        let mut state = self.lock();
        state.max = max.max(1);
        state.cap = state.max;
        drop(state);
        self.changed.notify_waiters();
    }

    /// The cap in force now.
    pub fn cap(&self) -> usize {
        self.lock().cap
    }

    /// Waits for the shared wait to be over and a slot to be free.
    pub async fn acquire(&self) -> Permit<'_> {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let wait_until = {
                let mut state = self.lock();
                match state.not_before.filter(|at| *at > Instant::now()) {
                    Some(at) => Some(at),
                    None if state.in_flight < state.cap => {
                        state.in_flight += 1;
                        return Permit(self);
                    }
                    None => None,
                }
            };
            match wait_until {
                Some(at) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at.into()) => {}
                        () = changed => {}
                    }
                }
                None => changed.await,
            }
        }
    }

    /// Counts a wait of `delay` for a refusal against [`REFUSAL_BUDGET`]: only the time it adds
    /// to the waits already counted (requests refused together wait together). `false`, from
    /// then on for every request, when it would exceed the budget. Under `no_delay` (the tests'
    /// knob) a refusal is counted as coming after the waits before it, as it would without it.
    pub fn spend(&self, delay: Duration, no_delay: bool) -> bool {
        let mut state = self.lock();
        if state.spent {
            return false;
        }
        let now = Instant::now();
        let counted = state.waited_until.map_or(now, |at| at.max(now));
        let until = if no_delay { counted } else { now } + delay;
        let added = until.saturating_duration_since(counted);
        if state.waited + added > REFUSAL_BUDGET {
            state.spent = true;
            debug!(
                "the API refused requests for {} s in all: no more waiting",
                state.waited.as_secs()
            );
            return false;
        }
        state.waited += added;
        state.waited_until = Some(until.max(counted));
        true
    }

    /// Whether [`Throttle::spend`] has refused a wait: the API refused every request too long.
    pub fn spent(&self) -> bool {
        self.lock().spent
    }

    /// A request was refused for `delay`: every request waits that long plus 0–20 %, and the cap
    /// halves. Returns the shared wait, and whether it is a new one (not a request refused
    /// during a wait already under way, which needs no second announcement). `no_delay` (the tests' knob) keeps the arithmetic and
    /// the log but not the wait.
    pub fn refused(&self, delay: Duration, no_delay: bool) -> (Duration, bool) {
        let jittered = delay.mul_f64(1.0 + fastrand::f64() * 0.2);
        let mut state = self.lock();
        let now = Instant::now();
        // The requests refused together are one refusal: the cap halves once per shared wait.
        let new_wait = state.not_before.is_none_or(|at| at <= now);
        if new_wait {
            state.cap = (state.cap / 2).max(1);
            state.successes = 0;
            debug!(
                "rate limited: every request waits {} ms; at most {} in flight",
                jittered.as_millis(),
                state.cap
            );
        }
        let until = now + if no_delay { Duration::ZERO } else { jittered };
        if state.not_before.is_none_or(|at| at < until) {
            state.not_before = Some(until);
        }
        drop(state);
        self.changed.notify_waiters();
        (jittered, new_wait)
    }

    /// A request succeeded: after `max` of them the cap grows by one, up to `max`.
    pub fn succeeded(&self) {
        let mut state = self.lock();
        state.successes += 1;
        if state.successes >= state.max && state.cap < state.max {
            state.cap += 1;
            state.successes = 0;
            drop(state);
            self.changed.notify_waiters();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::block_on;

    #[test]
    fn the_cap_halves_on_a_refusal_and_grows_back_one_per_max_successes() {
        let throttle = Throttle::new(8);
        assert_eq!(throttle.cap(), 8);
        throttle.refused(Duration::ZERO, true);
        assert_eq!(throttle.cap(), 4);
        throttle.refused(Duration::ZERO, true);
        throttle.refused(Duration::ZERO, true);
        throttle.refused(Duration::ZERO, true);
        assert_eq!(throttle.cap(), 1, "never below 1");
        for _ in 0..7 {
            throttle.succeeded();
        }
        assert_eq!(throttle.cap(), 1);
        throttle.succeeded();
        assert_eq!(throttle.cap(), 2, "one more after 8 successes");
        for _ in 0..100 {
            throttle.succeeded();
        }
        assert_eq!(throttle.cap(), 8, "up to the max");
        throttle.set_max(3);
        assert_eq!(throttle.cap(), 3);
    }

    #[test]
    fn the_refusal_budget_is_one_for_the_whole_process() {
        let throttle = Throttle::new(4);
        // One request after another (the tests' knob): each wait counts whole.
        for _ in 0..24 {
            assert!(throttle.spend(Duration::from_secs(5), true));
        }
        assert!(!throttle.spent());
        assert!(
            !throttle.spend(Duration::from_millis(1), true),
            "120 s are spent"
        );
        assert!(throttle.spent());
        assert!(!throttle.spend(Duration::ZERO, true), "and stay spent");

        // Requests refused together share one wait: it counts once.
        let together = Throttle::new(4);
        for _ in 0..100 {
            assert!(together.spend(Duration::from_secs(30), false));
        }
        assert!(!together.spent());
    }

    #[test]
    fn the_shared_wait_is_the_delay_plus_up_to_a_fifth() {
        let throttle = Throttle::new(4);
        for _ in 0..50 {
            let (wait, _) = throttle.refused(Duration::from_millis(1000), true);
            assert!(
                wait >= Duration::from_millis(1000) && wait <= Duration::from_millis(1200),
                "{wait:?}"
            );
        }
    }

    #[test]
    fn a_later_refusal_extends_the_shared_wait_and_never_shortens_it() {
        block_on(async {
            let throttle = Throttle::new(4);
            let started = Instant::now();
            assert!(
                throttle.refused(Duration::from_millis(150), false).1,
                "a new wait"
            );
            assert!(
                !throttle.refused(Duration::ZERO, false).1,
                "a refusal during it joins it"
            );
            drop(throttle.acquire().await);
            assert!(
                started.elapsed() >= Duration::from_millis(150),
                "a shorter refusal keeps the longer wait: {:?}",
                started.elapsed()
            );
            let started = Instant::now();
            throttle.refused(Duration::from_millis(20), false);
            throttle.refused(Duration::from_millis(150), false);
            drop(throttle.acquire().await);
            assert!(
                started.elapsed() >= Duration::from_millis(150),
                "a longer refusal during a wait extends it: {:?}",
                started.elapsed()
            );
        });
    }

    #[test]
    fn every_request_waits_out_a_refusal_and_slots_are_capped() {
        block_on(async {
            let throttle = Throttle::new(2);
            let a = throttle.acquire().await;
            let b = throttle.acquire().await;
            let third = tokio::time::timeout(Duration::from_millis(30), throttle.acquire()).await;
            assert!(third.is_err(), "a third slot waits while two are in flight");
            drop(a);
            drop(b);
            let started = Instant::now();
            throttle.refused(Duration::from_millis(100), false);
            let _c = throttle.acquire().await;
            assert!(
                started.elapsed() >= Duration::from_millis(100),
                "the next request waits for the shared instant: {:?}",
                started.elapsed()
            );
        });
    }
}
