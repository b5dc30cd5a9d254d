//! When and where to reconnect after the PBX connection is lost: pure, so it is tested natively.
//!
//! The PBX WebSocket URLs from the Call Center settings are tried in order. A failed attempt moves
//! on to the next URL at once; once every URL has failed in a row, the phone waits before the
//! next round, doubling the wait each round up to a ceiling. Jitter spreads the reconnects of a
//! whole contact center after a PBX restart, so they do not all arrive in the same millisecond.

/// The first wait after every URL failed.
const FIRST_WAIT_MS: u64 = 500;
/// The longest wait between rounds: an agent should not stay offline long once the PBX is back.
const MAX_WAIT_MS: u64 = 16_000;
/// Fraction of the wait that is randomised, in percent (so a 4 s wait becomes 3.2 s to 4.8 s).
const JITTER_PERCENT: u64 = 20;

/// Where the reconnect loop is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reconnect {
    url_count: usize,
    /// The URL of the attempt in flight or of the open connection (index into the settings' list).
    current: usize,
    /// How many attempts failed in a row since the last successful connection.
    failures: u32,
    /// How many PBXs in a row accepted the connection but refused service (since the last
    /// registration): connecting works there, so `failures` alone would never back off.
    refusals: u32,
}

/// The next connection attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// Index of the URL to try.
    pub url: usize,
    /// How long to wait first, in milliseconds.
    pub delay_ms: u64,
}

impl Reconnect {
    /// A loop over `url_count` URLs, starting with the first.
    pub fn new(url_count: usize) -> Self {
        Reconnect { url_count: url_count.max(1), current: 0, failures: 0, refusals: 0 }
    }

    /// The first attempt when the phone starts.
    pub fn first(&self) -> Attempt {
        Attempt { url: self.current, delay_ms: 0 }
    }

    /// A connection to `url` opened: the next loss retries that URL first, without waiting.
    pub fn connected(&mut self, url: usize) {
        self.failures = 0;
        // `failed` advances by one, so park just before the URL that worked.
        self.current = (url % self.url_count + self.url_count - 1) % self.url_count;
    }

    /// The attempt in flight failed, or the open connection dropped: the next attempt.
    /// `random` is any random u32 (for jitter).
    pub fn failed(&mut self, random: u32) -> Attempt {
        self.failures = self.failures.saturating_add(1);
        self.current = (self.current + 1) % self.url_count;
        let count = self.url_count as u32;
        // Within a round, fail over at once; after every URL failed, wait before the next round.
        let delay_ms = if self.failures.is_multiple_of(count) { jittered(wait_for_round(self.failures / count), random) } else { 0 };
        Attempt { url: self.current, delay_ms }
    }

    /// The PBX at the open connection's URL answered but refused service (a 5xx to REGISTER,
    /// or no answer at all): move on to the next URL rather than retrying this one. With a
    /// single URL, wait at least `retry_after_ms` (the PBX's Retry-After) before trying it again.
    pub fn refused(&mut self, random: u32, retry_after_ms: u64) -> Attempt {
        // `connected` parked just before the URL that worked: step over it.
        self.current = (self.current + 2) % self.url_count;
        self.refusals = self.refusals.saturating_add(1);
        let count = self.url_count as u32;
        let mut delay_ms = if self.refusals.is_multiple_of(count) { jittered(wait_for_round(self.refusals / count), random) } else { 0 };
        if self.url_count == 1 {
            delay_ms = delay_ms.max(retry_after_ms);
        }
        Attempt { url: self.current, delay_ms }
    }

    /// The PBX registered us: the refusals are over.
    pub fn accepted(&mut self) {
        self.refusals = 0;
    }

    /// The attempt to make at once instead of waiting (the network came back, the computer
    /// woke up): the URL the pending attempt was for, now.
    pub fn hurry(&self) -> Attempt {
        Attempt { url: self.current, delay_ms: 0 }
    }
}

fn wait_for_round(rounds_failed: u32) -> u64 {
    let doublings = rounds_failed.saturating_sub(1).min(16);
    FIRST_WAIT_MS.saturating_mul(1 << doublings).min(MAX_WAIT_MS)
}

fn jittered(wait: u64, random: u32) -> u64 {
    let spread = wait * JITTER_PERCENT / 100;
    let offset = u64::from(random) % (2 * spread + 1);
    wait - spread + offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_url_fails_over_to_the_next_at_once() {
        let mut r = Reconnect::new(3);
        assert_eq!(r.first(), Attempt { url: 0, delay_ms: 0 });
        assert_eq!(r.failed(0), Attempt { url: 1, delay_ms: 0 });
        assert_eq!(r.failed(0), Attempt { url: 2, delay_ms: 0 });
    }

    #[test]
    fn after_a_whole_round_fails_the_wait_doubles_up_to_the_ceiling() {
        let mut r = Reconnect::new(2);
        let middle = u32::MAX / 2; // jitter lands near the middle of the window
        let waits: Vec<u64> = (0..14).map(|_| r.failed(middle).delay_ms).filter(|&d| d > 0).collect();
        let expected = [500, 1000, 2000, 4000, 8000, 16000, 16000];
        for (got, want) in waits.iter().zip(expected) {
            assert!(got.abs_diff(want) <= want / 5, "{waits:?}");
        }
        assert_eq!(waits.len(), 7);
    }

    #[test]
    fn jitter_stays_within_twenty_percent() {
        for random in [0, 1, 12345, u32::MAX] {
            let d = jittered(4000, random);
            assert!((3200..=4800).contains(&d), "{d}");
        }
    }

    #[test]
    fn a_success_resets_the_wait_and_prefers_the_url_that_worked() {
        let mut r = Reconnect::new(2);
        for _ in 0..6 {
            r.failed(7);
        }
        r.connected(1);
        assert_eq!(r.failed(7), Attempt { url: 1, delay_ms: 0 });
    }

    #[test]
    fn a_pbx_that_refuses_service_is_skipped_for_the_next_url_at_once() {
        let mut r = Reconnect::new(2);
        r.connected(0);
        assert_eq!(r.refused(7, 30_000), Attempt { url: 1, delay_ms: 0 }, "the other PBX is asked at once");
        r.connected(1);
        let back = r.refused(u32::MAX / 2, 0);
        assert_eq!(back.url, 0);
        assert!(back.delay_ms >= 400, "both refused: wait before the next round ({back:?})");
        r.connected(0);
        r.accepted();
        assert_eq!(r.refused(7, 0).delay_ms, 0);
    }

    #[test]
    fn a_single_pbx_that_refuses_service_is_retried_after_its_retry_after() {
        let mut r = Reconnect::new(1);
        r.connected(0);
        let next = r.refused(u32::MAX / 2, 30_000);
        assert_eq!(next, Attempt { url: 0, delay_ms: 30_000 });
        // Registered meanwhile; without Retry-After the next refusal waits the usual backoff.
        r.connected(0);
        r.accepted();
        assert!((400..=600).contains(&r.refused(u32::MAX / 2, 0).delay_ms));
    }

    #[test]
    fn one_url_waits_between_every_attempt() {
        let mut r = Reconnect::new(1);
        assert!(r.failed(0).delay_ms >= 400);
        assert!(r.failed(0).delay_ms >= 800);
    }
}
