//! The phone's clock: a point in wall-clock time, passed in by whoever drives the phone, as the
//! SIP core is passed its `sip::Instant` on a monotonic clock.
//!
//! Wall-clock because what the phone times ends up in the CRM (a call's start dates its Task)
//! and in browser storage (a reload's next page reads it), where a monotonic clock's origin
//! means nothing. A type of its own so that it cannot be mixed up with the line's monotonic
//! milliseconds or with a duration: durations are plain milliseconds (`u64`).

/// A moment as Unix milliseconds (UTC).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(u64);

impl Time {
    /// The moment `millis` milliseconds after 1970-01-01T00:00:00Z.
    pub const fn from_unix_millis(millis: u64) -> Time {
        Time(millis)
    }

    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub const fn unix_millis(self) -> u64 {
        self.0
    }

    /// Milliseconds from `earlier` until `self` (0 when `earlier` is not earlier).
    pub const fn millis_since(self, earlier: Time) -> u64 {
        self.0.saturating_sub(earlier.0)
    }

    /// Whole seconds from `earlier` until `self` (0 when `earlier` is not earlier).
    pub const fn seconds_since(self, earlier: Time) -> u64 {
        self.millis_since(earlier) / 1000
    }
}

impl core::ops::Add<u64> for Time {
    type Output = Time;

    /// The moment `millis` later.
    fn add(self, millis: u64) -> Time {
        Time(self.0.saturating_add(millis))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_between_moments_never_go_negative() {
        let (early, late) = (Time::from_unix_millis(1_000), Time::from_unix_millis(3_500));
        assert_eq!(late.millis_since(early), 2_500);
        assert_eq!(late.seconds_since(early), 2);
        assert_eq!(early.millis_since(late), 0, "a clock set back gives no negative time");
        assert_eq!(Time::from_unix_millis(u64::MAX) + 5, Time::from_unix_millis(u64::MAX));
    }
}
