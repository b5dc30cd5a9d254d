//! When a request to Salesforce is sent again, and how long after.
//!
//! A create (POST /voiceCalls) is repeated only when Salesforce provably did not act on it:
//! nothing reached it (connection or TLS handshake failed), or it said so (429 Too Many
//! Requests, 503 Service Unavailable: RFC 9110 §15.5.21 and §15.6.4, the server did not process
//! the request). Anything after which a record may exist (a timeout once the request left, a
//! 500, 502 or 504, a 2xx without an Id) is never repeated: the call is reconciled when it ends.
//!
//! An update (PATCH /voiceCalls/{vendorCallKey}) is keyed by the vendor call key, so repeating
//! it cannot make a second record; it is repeated on every failure but a 4xx. The service sends
//! none of the counters the documentation says a repeat would overwrite.

use crate::calls::{Answer, Failure};

/// Exponential backoff: `first_ms`, doubling up to `max_ms`, each minus up to a quarter at
/// random (calls that failed together retry apart); never sooner than Salesforce's
/// `Retry-After`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub first_ms: u64,
    pub max_ms: u64,
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff { first_ms: 500, max_ms: 8_000 }
    }
}

impl Backoff {
    /// The wait before attempt `attempt + 1`.
    pub fn delay(&self, attempt: u32, retry_after_ms: Option<u64>, jitter: &mut Jitter) -> u64 {
        let base = self.first_ms.saturating_mul(1u64 << attempt.min(20)).min(self.max_ms);
        let spread = jitter.below(base / 4 + 1);
        (base - spread).max(retry_after_ms.unwrap_or(0))
    }
}

/// A small deterministic generator (xorshift64*): tests give the seed, the service the clock.
#[derive(Clone, Debug)]
pub struct Jitter(u64);

impl Jitter {
    pub fn new(seed: u64) -> Jitter {
        Jitter(seed | 1)
    }

    /// A number in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % bound.max(1)
    }
}

/// What a create's answer means for the call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Created(String),
    Failed(Failure),
    /// Salesforce did not act on it: send it again (not before `retry_after_ms`).
    Retry { retry_after_ms: Option<u64> },
}

/// What an update's answer means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UpdateVerdict {
    Done,
    GiveUp,
    Retry { retry_after_ms: Option<u64> },
}

pub fn judge_create(answer: &Answer) -> Verdict {
    match answer {
        Answer::Created { voice_call_id } => Verdict::Created(voice_call_id.clone()),
        Answer::NotSent => Verdict::Retry { retry_after_ms: None },
        Answer::Status { code: 429 | 503, retry_after_s } => Verdict::Retry { retry_after_ms: retry_after_s.map(|s| s.saturating_mul(1000)) },
        Answer::Status { code: code @ (401 | 403), .. } => Verdict::Failed(Failure::Refused { status: *code }),
        Answer::Status { code: code @ 400..=499, .. } => Verdict::Failed(Failure::Rejected { status: *code }),
        // A 2xx without an Id, a 5xx, no answer: a record may exist.
        Answer::Status { .. } | Answer::Done | Answer::NoAnswer | Answer::Unreadable => Verdict::Failed(Failure::Unknown),
    }
}

pub fn judge_update(answer: &Answer) -> UpdateVerdict {
    match answer {
        Answer::Created { .. } | Answer::Done | Answer::Unreadable => UpdateVerdict::Done,
        Answer::Status { code: 429, retry_after_s } => UpdateVerdict::Retry { retry_after_ms: retry_after_s.map(|s| s.saturating_mul(1000)) },
        Answer::Status { code: 400..=499, .. } => UpdateVerdict::GiveUp,
        Answer::Status { code: 200..=299, .. } => UpdateVerdict::Done,
        Answer::Status { retry_after_s, .. } => UpdateVerdict::Retry { retry_after_ms: retry_after_s.map(|s| s.saturating_mul(1000)) },
        Answer::NotSent | Answer::NoAnswer => UpdateVerdict::Retry { retry_after_ms: None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_ceiling_with_at_most_a_quarter_off() {
        let backoff = Backoff::default();
        let mut jitter = Jitter::new(7);
        for (attempt, base) in [(0, 500), (1, 1000), (2, 2000), (3, 4000), (4, 8000), (9, 8000), (200, 8000)] {
            let d = backoff.delay(attempt, None, &mut jitter);
            assert!(d <= base && d >= base - base / 4, "attempt {attempt}: {d} ms, base {base}");
        }
    }

    #[test]
    fn retry_after_is_never_undercut() {
        let mut jitter = Jitter::new(1);
        assert_eq!(Backoff::default().delay(0, Some(5_000), &mut jitter), 5_000);
    }

    #[test]
    fn a_create_is_repeated_only_when_salesforce_did_not_act_on_it() {
        let retry = |a: Answer| matches!(judge_create(&a), Verdict::Retry { .. });
        assert!(retry(Answer::NotSent));
        assert!(retry(Answer::Status { code: 503, retry_after_s: None }));
        assert!(retry(Answer::Status { code: 429, retry_after_s: Some(2) }));
        for maybe_created in [Answer::NoAnswer, Answer::Unreadable, Answer::Done, Answer::Status { code: 500, retry_after_s: None }, Answer::Status { code: 502, retry_after_s: None }, Answer::Status { code: 504, retry_after_s: None }] {
            assert_eq!(judge_create(&maybe_created), Verdict::Failed(Failure::Unknown), "{maybe_created:?}");
        }
        assert_eq!(judge_create(&Answer::Status { code: 401, retry_after_s: None }), Verdict::Failed(Failure::Refused { status: 401 }));
        assert_eq!(judge_create(&Answer::Status { code: 400, retry_after_s: None }), Verdict::Failed(Failure::Rejected { status: 400 }));
    }

    #[test]
    fn an_update_is_repeated_on_anything_but_a_refusal() {
        assert_eq!(judge_update(&Answer::Done), UpdateVerdict::Done);
        assert_eq!(judge_update(&Answer::Status { code: 404, retry_after_s: None }), UpdateVerdict::GiveUp);
        for again in [Answer::NotSent, Answer::NoAnswer, Answer::Status { code: 500, retry_after_s: None }, Answer::Status { code: 503, retry_after_s: None }] {
            assert!(matches!(judge_update(&again), UpdateVerdict::Retry { .. }), "{again:?}");
        }
    }
}
