//! How a call sounded, as one number: a MOS estimate from the ITU-T G.107 E-model, simplified
//! to what a browser measures (packet loss, jitter, round-trip time, the codec).
//!
//! The full E-model also weighs noise, echo and loudness; a WebRTC call gets those from the
//! browser's echo canceller and gain control, so they are left at G.107's default values, which
//! together give the basic rating R = 93.2. What the network takes away is subtracted from it:
//!
//! - the delay impairment `Id` of the effective one-way latency (half the round trip, twice the
//!   jitter for the jitter buffer, and the codec's own frame and look-ahead delay), in the usual
//!   simplified form of G.107's delay curve: `0.024 d + 0.11 (d - 177.3)` once `d > 177.3 ms`;
//! - the effective equipment impairment `Ie,eff = Ie + (95 - Ie) * Ppl / (Ppl + Bpl)` of the codec
//!   under random packet loss `Ppl` (percent).
//!
//! R maps to MOS with G.107's Annex B formula, and to words with the bands of G.107 / G.109.


/// The basic signal-to-noise rating with every other G.107 parameter at its default value.
const BASIC_RATING: f64 = 93.2;

/// The audio codec of the call, as far as the E-model cares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Codec {
    /// Not known (yet): rated as G.711, the more cautious of the two.
    #[default]
    Unknown,
    /// Opus, what browsers prefer.
    Opus,
    /// G.711 (PCMU or PCMA), what PBXs and gateways often offer.
    G711,
}

impl Codec {
    /// The codec named by a WebRTC statistics `mimeType`, e.g. "audio/opus" or "audio/PCMU".
    pub fn from_mime(mime: &str) -> Codec {
        let name = mime.rsplit('/').next().unwrap_or(mime);
        if name.eq_ignore_ascii_case("opus") {
            Codec::Opus
        } else if name.eq_ignore_ascii_case("PCMU") || name.eq_ignore_ascii_case("PCMA") {
            Codec::G711
        } else {
            Codec::Unknown
        }
    }

    /// Equipment impairment `Ie`, packet-loss robustness `Bpl` and the codec's delay (ms).
    fn impairment(self) -> (f64, f64, f64) {
        match self {
            // G.711 with packet-loss concealment (as every browser's jitter buffer has):
            // Ie 0, Bpl 25.1 (ITU-T G.113 Appendix I); 20 ms frames.
            Codec::G711 | Codec::Unknown => (0.0, 25.1, 20.0),
            // G.113 lists no Opus values. At the rate browsers send (about 32 kb/s) Opus is at least
            // as clear as G.711 (Ie 0), and its concealment hides loss better (Bpl 30, our estimate);
            // 20 ms frames plus 6.5 ms look-ahead.
            Codec::Opus => (0.0, 30.0, 26.5),
        }
    }
}

/// What the network did to the audio, the E-model's inputs.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Impairments {
    /// Packets lost on the way, percent.
    pub loss_percent: f64,
    /// Inbound jitter, milliseconds.
    pub jitter_ms: f64,
    /// Round-trip time, milliseconds.
    pub round_trip_ms: f64,
    pub codec: Codec,
}

/// The transmission rating R (0 to 100) for these impairments.
pub fn rating(i: &Impairments) -> f64 {
    let (ie, bpl, codec_delay) = i.codec.impairment();
    let one_way = i.round_trip_ms.max(0.0) / 2.0 + 2.0 * i.jitter_ms.max(0.0) + codec_delay;
    let delay = 0.024 * one_way + if one_way > 177.3 { 0.11 * (one_way - 177.3) } else { 0.0 };
    let loss = i.loss_percent.clamp(0.0, 100.0);
    let equipment = ie + (95.0 - ie) * loss / (loss + bpl);
    (BASIC_RATING - delay - equipment).clamp(0.0, 100.0)
}

/// The mean opinion score (1 to 4.5) G.107 Annex B gives a rating R.
pub fn mos(r: f64) -> f64 {
    if r <= 0.0 {
        return 1.0;
    }
    if r >= 100.0 {
        return 4.5;
    }
    (1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7.0e-6).max(1.0)
}

/// How users rate a call, in G.107's bands of R (90, 80, 70, 60).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grade {
    Excellent,
    Good,
    Fair,
    Poor,
    Bad,
}

impl Grade {
    /// The band a rating R falls in.
    pub fn of_rating(r: f64) -> Grade {
        match r {
            r if r >= 90.0 => Grade::Excellent,
            r if r >= 80.0 => Grade::Good,
            r if r >= 70.0 => Grade::Fair,
            r if r >= 60.0 => Grade::Poor,
            _ => Grade::Bad,
        }
    }
}

/// The audio of the last second of a call, from the browser's `getStats`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quality {
    /// Share of the far end's packets lost on the way, percent.
    pub loss_percent: u32,
    /// Inbound jitter, milliseconds.
    pub jitter_ms: u32,
    /// Audio bytes received in that second.
    pub bytes_received: u64,
    /// Audio packets received and lost in that second, for the call's quality estimate.
    pub packets_received: u64,
    pub packets_lost: u64,
    /// Round-trip time to the far end, when the browser measured it.
    pub round_trip_ms: Option<u32>,
    pub codec: Codec,
}

/// A call's quality so far: the sum of its one-second readings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QualityTally {
    received: u64,
    lost: u64,
    jitter_sum_ms: u64,
    jitter_readings: u64,
    round_trip_sum_ms: u64,
    round_trip_readings: u64,
    codec: Codec,
}

impl QualityTally {
    /// Counts one reading. A second without audio (hold, a silent far end) says nothing about
    /// the network and is left out.
    pub fn add(&mut self, q: &Quality) {
        if q.packets_received == 0 {
            return;
        }
        self.received = self.received.saturating_add(q.packets_received);
        self.lost = self.lost.saturating_add(q.packets_lost);
        self.jitter_sum_ms = self.jitter_sum_ms.saturating_add(u64::from(q.jitter_ms));
        self.jitter_readings += 1;
        if let Some(rtt) = q.round_trip_ms {
            self.round_trip_sum_ms = self.round_trip_sum_ms.saturating_add(u64::from(rtt));
            self.round_trip_readings += 1;
        }
        if q.codec != Codec::Unknown {
            self.codec = q.codec;
        }
    }

    /// The call's quality over the readings so far, once there is audio to judge.
    pub fn summary(&self) -> Option<QualitySummary> {
        let packets = self.received.checked_add(self.lost).filter(|&p| p > 0)?;
        let loss_permille = (self.lost.saturating_mul(1000) + packets / 2) / packets;
        let jitter_ms = average(self.jitter_sum_ms, self.jitter_readings);
        let round_trip_ms = (self.round_trip_readings > 0).then(|| average(self.round_trip_sum_ms, self.round_trip_readings));
        let impairments = Impairments {
            loss_percent: loss_permille as f64 / 10.0,
            jitter_ms: f64::from(jitter_ms),
            round_trip_ms: f64::from(round_trip_ms.unwrap_or(0)),
            codec: self.codec,
        };
        let r = rating(&impairments);
        Some(QualitySummary {
            grade: Grade::of_rating(r),
            mos_tenths: (mos(r) * 10.0).round() as u8,
            loss_permille: u32::try_from(loss_permille).unwrap_or(1000),
            jitter_ms,
            round_trip_ms,
        })
    }
}

fn average(sum: u64, count: u64) -> u32 {
    u32::try_from((sum + count / 2) / count.max(1)).unwrap_or(u32::MAX)
}

/// A call's quality: the estimate and the figures it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QualitySummary {
    pub grade: Grade,
    /// MOS times ten (41 is 4.1).
    pub mos_tenths: u8,
    /// Packets lost, per mille of those sent.
    pub loss_permille: u32,
    /// Average inbound jitter, milliseconds.
    pub jitter_ms: u32,
    /// Average round-trip time, milliseconds, when the browser measured it.
    pub round_trip_ms: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, within: f64) -> bool {
        (a - b).abs() <= within
    }

    #[test]
    fn mos_follows_g107_annex_b_at_its_band_edges() {
        // G.107 Table B.1: R 90, 80, 70, 60, 50 are MOS 4.34, 4.03, 3.60, 3.10, 2.58 (rounded there).
        for (r, expected) in [(90.0, 4.34), (80.0, 4.03), (70.0, 3.60), (60.0, 3.10), (50.0, 2.58)] {
            assert!(close(mos(r), expected, 0.01), "R {r}: MOS {} not {expected}", mos(r));
        }
        assert!(close(mos(BASIC_RATING), 4.41, 0.006), "the default rating 93.2 is MOS 4.41");
        assert_eq!((mos(-5.0), mos(0.0), mos(100.0), mos(120.0)), (1.0, 1.0, 4.5, 4.5));
        assert!(mos(3.0) >= 1.0, "never below 1");
    }

    #[test]
    fn a_call_without_impairment_rates_about_93_and_mos_4_4() {
        let clean = Impairments { codec: Codec::G711, ..Impairments::default() };
        let r = rating(&clean);
        assert!(close(r, 92.7, 0.05), "only the 20 ms frame delay: R {r}");
        assert!(close(mos(r), 4.4, 0.05), "MOS {}", mos(r));
        assert_eq!(Grade::of_rating(r), Grade::Excellent);
    }

    #[test]
    fn delay_costs_little_until_177_ms_one_way_then_much_more() {
        let at = |rtt: f64| rating(&Impairments { round_trip_ms: rtt, codec: Codec::G711, ..Impairments::default() });
        // One way 20 + 150 = 170 ms: Id = 0.024 * 170 = 4.08.
        assert!(close(at(300.0), 93.2 - 4.08, 0.01));
        // One way 20 + 300 = 320 ms: Id = 7.68 + 0.11 * 142.7 = 23.38.
        assert!(close(at(600.0), 93.2 - 23.377, 0.01));
        // Jitter counts twice (the jitter buffer it needs).
        let jittery = rating(&Impairments { jitter_ms: 75.0, codec: Codec::G711, ..Impairments::default() });
        assert!(close(jittery, at(300.0), 1e-9));
    }

    #[test]
    fn loss_follows_the_effective_equipment_impairment() {
        let lossy = |loss: f64, codec: Codec| rating(&Impairments { loss_percent: loss, codec, ..Impairments::default() });
        // G.711 with concealment, 1 % random loss: Ie,eff = 95 / 26.1 = 3.64.
        assert!(close(lossy(1.0, Codec::G711), 93.2 - 0.48 - 3.64, 0.01));
        // 5 %: Ie,eff = 475 / 30.1 = 15.78, a fair call.
        let five = lossy(5.0, Codec::G711);
        assert!(close(five, 93.2 - 0.48 - 15.78, 0.01));
        assert_eq!(Grade::of_rating(five), Grade::Fair);
        // Opus hides loss better than G.711 (at 5 % its longer frame delay matters less).
        assert!(lossy(5.0, Codec::Opus) > five);
        assert_eq!(Grade::of_rating(lossy(20.0, Codec::G711)), Grade::Bad);
        assert_eq!(rating(&Impairments { loss_percent: 100.0, round_trip_ms: 2000.0, ..Impairments::default() }), 0.0);
    }

    #[test]
    fn codecs_are_read_from_webrtc_mime_types() {
        assert_eq!(Codec::from_mime("audio/opus"), Codec::Opus);
        assert_eq!(Codec::from_mime("audio/PCMU"), Codec::G711);
        assert_eq!(Codec::from_mime("audio/PCMA"), Codec::G711);
        assert_eq!(Codec::from_mime("audio/G722"), Codec::Unknown);
        assert_eq!(Codec::from_mime(""), Codec::Unknown);
    }

    fn reading(received: u64, lost: u64, jitter_ms: u32, round_trip_ms: Option<u32>) -> Quality {
        Quality { packets_received: received, packets_lost: lost, jitter_ms, round_trip_ms, codec: Codec::Opus, ..Quality::default() }
    }

    #[test]
    fn the_tally_averages_the_call_and_skips_silent_seconds() {
        let mut tally = QualityTally::default();
        assert_eq!(tally.summary(), None, "nothing to judge before audio");
        tally.add(&reading(50, 0, 4, Some(40)));
        tally.add(&reading(0, 0, 90, Some(900)));
        tally.add(&reading(49, 1, 8, Some(44)));
        tally.add(&reading(50, 0, 6, None));
        let summary = tally.summary();
        let expected = QualitySummary { grade: Grade::Good, mos_tenths: 43, loss_permille: 7, jitter_ms: 6, round_trip_ms: Some(42) };
        assert_eq!(summary, Some(expected));
    }

    #[test]
    fn call_logs_stored_before_the_quality_line_still_load_and_new_ones_keep_it() {
        let stored = r#"{"direction":"Inbound","number":"1003","record":null,"started_at_ms":0,"duration_s":5,
            "call_id":"c1","disposition":"","notes":"","transferred_to":null}"#;
        let old = crate::CallRecord::from_value(&crate::value::parse_json(stored)).expect("an older log loads");
        assert_eq!(old.quality, None);
        let summary = QualitySummary { grade: Grade::Fair, mos_tenths: 37, loss_permille: 41, jitter_ms: 12, round_trip_ms: None };
        let new = crate::CallRecord { quality: Some(summary), ..old };
        let again = crate::CallRecord::from_value(&new.to_value()).expect("loads");
        assert_eq!(again, new);
    }

    #[test]
    fn a_poor_call_is_rated_poor_with_its_figures() {
        let mut tally = QualityTally::default();
        for _ in 0..10 {
            tally.add(&reading(46, 4, 30, Some(150)));
        }
        let summary = tally.summary();
        let expected = QualitySummary { grade: Grade::Poor, mos_tenths: 36, loss_permille: 80, jitter_ms: 30, round_trip_ms: Some(150) };
        assert_eq!(summary, Some(expected));
    }
}
