//! The line's small helpers: how a call sounds, words for failures, the clock, randomness and
//! the benchmark marks.

use crate::media::{MediaError, MediaStats, Microphone};
use crate::phone::Quality;

/// Opens the chosen microphone, or the browser's default when the chosen one is gone (a headset
/// unplugged since the last sign-in).
pub(super) async fn open_microphone(preferred: Option<&str>) -> Result<Microphone, MediaError> {
    match preferred {
        Some(id) => match Microphone::open(Some(id)).await {
            Ok(mic) => Ok(mic),
            Err(_) => Microphone::open(None).await,
        },
        None => Microphone::open(None).await,
    }
}

/// The audio of the interval between two readings of the same call.
pub(super) fn quality_between(before: &MediaStats, now: &MediaStats) -> Quality {
    let received = (now.packets_received - before.packets_received).max(0.0);
    let lost = (now.packets_lost - before.packets_lost).max(0.0);
    let loss_percent = if received + lost > 0.0 { (100.0 * lost / (received + lost)).round() } else { 0.0 };
    // Figures are small non-negative numbers: the casts cannot overflow in practice, and `as`
    // saturates if they ever did.
    Quality {
        loss_percent: loss_percent as u32,
        jitter_ms: (now.jitter * 1000.0).round().max(0.0) as u32,
        bytes_received: (now.bytes_received - before.bytes_received).max(0.0) as u64,
        packets_received: received as u64,
        packets_lost: lost as u64,
        round_trip_ms: now.round_trip.map(|s| (s * 1000.0).round().max(0.0) as u32),
        codec: now.codec,
    }
}

/// A `performance.mark` for the benchmarks (click -> INVITE, INVITE -> screen pop). The browser
/// keeps every mark, so they are cleared every [`MARKS_KEPT`] marks: a day of calls must not
/// grow the heap.
pub fn mark(name: &str) {
    thread_local! {
        static MARKS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    }
    let Some(p) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    let count = MARKS.with(|m| {
        let next = m.get().wrapping_add(1);
        m.set(next);
        next
    });
    if count.is_multiple_of(MARKS_KEPT) {
        p.clear_marks();
    }
    let _ = p.mark(name);
}

/// How many benchmark marks are made before they are all cleared (a benchmark of 20 calls makes
/// about 100).
const MARKS_KEPT: u32 = 400;

/// Why a frame from the PBX was dropped, for the console.
pub(super) fn dropped(reason: &sip::DropReason) -> String {
    match reason {
        sip::DropReason::Malformed(e) => format!("Dropped a malformed SIP message: {} (at byte {})", e.kind.as_str(), e.offset),
        sip::DropReason::UnmatchableResponse => "Dropped a SIP response without a Via branch or CSeq".into(),
    }
}

/// Monotonic milliseconds (`performance.now()`), the user agent's clock.
pub(super) fn now() -> u64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now()).max(0.0) as u64
}

/// The same clock as the SIP core's [`sip::Instant`]: a point in time it cannot confuse with
/// the phone's wall-clock milliseconds.
pub(super) fn sip_now() -> sip::Instant {
    sip::Instant::from_millis(now())
}

/// Randomness for tags, branches and cnonces, from the browser's CSPRNG.
pub(super) struct BrowserRandom;

impl sip::Random for BrowserRandom {
    fn next_u64(&mut self) -> u64 {
        let mut bytes = [0u8; 8];
        let filled = web_sys::window().and_then(|w| w.crypto().ok()).is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
        if !filled {
            // No crypto (never in a supported browser): fall back to Math.random.
            return (js_sys::Math::random() * u64::MAX as f64) as u64;
        }
        u64::from_le_bytes(bytes)
    }
}
