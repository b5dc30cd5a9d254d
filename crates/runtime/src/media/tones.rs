//! Ringtone, ringback and call waiting, generated with WebAudio: no audio files to download.
//! They play on the agent's ringer output ([`super::output`]).

use web_sys::{AudioContext, GainNode, OscillatorNode};

/// Which tone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// A call is coming in (agent side): short double rings.
    Ringtone,
    /// We are calling and the far end is ringing (North American ringback: 2 s on, 4 s off).
    Ringback,
    /// A second call rings during a call: a short quiet beep every few seconds, heard over the
    /// conversation without drowning it.
    CallWaiting,
}

/// How far ahead the cadence is scheduled; a call rings no longer than this.
const SCHEDULE_SECONDS: f64 = 120.0;

/// The ring and ringback's level (of 1.0, full scale).
const LEVEL: f32 = 0.2;
/// Call waiting's level: a quarter of the ring's, under the voice of the call in progress.
const SOFT_LEVEL: f32 = 0.05;

/// A playing tone; dropping it stops it.
pub struct Tones {
    context: AudioContext,
    oscillators: Vec<OscillatorNode>,
}

/// A tone's sound: frequencies mixed, the `on` windows (seconds) of each period, and its level.
struct Cadence {
    frequencies: &'static [f32],
    on: &'static [(f64, f64)],
    period: f64,
    level: f32,
}

fn cadence(tone: Tone) -> Cadence {
    match tone {
        // 440 + 480 Hz, 2 s on, 4 s off.
        Tone::Ringback => Cadence { frequencies: &[440.0, 480.0], on: &[(0.0, 2.0)], period: 6.0, level: LEVEL },
        // Two 0.4 s bursts 0.2 s apart every 3 s: distinct from the ringback.
        Tone::Ringtone => Cadence { frequencies: &[480.0, 620.0], on: &[(0.0, 0.4), (0.6, 1.0)], period: 3.0, level: LEVEL },
        // One 0.2 s beep at 440 Hz every 5 s.
        Tone::CallWaiting => Cadence { frequencies: &[440.0], on: &[(0.0, 0.2)], period: 5.0, level: SOFT_LEVEL },
    }
}

impl Tones {
    /// Starts `tone` on the ringer output. `None` when the browser has no audio output.
    pub fn start(tone: Tone) -> Option<Tones> {
        let context = super::output::tone_context()?;
        let mut tones = Tones { context, oscillators: Vec::new() };
        let cadence = cadence(tone);
        let gain = tones.context.create_gain().ok()?;
        gain.connect_with_audio_node(&tones.context.destination()).ok()?;
        schedule(&gain, tones.context.current_time(), &cadence);
        for &f in cadence.frequencies {
            let osc = tones.context.create_oscillator().ok()?;
            osc.frequency().set_value(f);
            osc.connect_with_audio_node(&gain).ok()?;
            osc.start().ok()?;
            tones.oscillators.push(osc);
        }
        Some(tones)
    }
}

/// Sets the gain to the tone's level during each `on` window of every period, and 0 between.
fn schedule(gain: &GainNode, start: f64, cadence: &Cadence) {
    let level = gain.gain();
    let _ = level.set_value_at_time(0.0, start);
    let mut t = start;
    while t < start + SCHEDULE_SECONDS {
        for &(from, to) in cadence.on {
            let _ = level.set_value_at_time(cadence.level, t + from);
            let _ = level.set_value_at_time(0.0, t + to);
        }
        t += cadence.period;
    }
}

impl Drop for Tones {
    fn drop(&mut self) {
        for osc in &self.oscillators {
            let _ = osc.stop();
            osc.disconnect().ok();
        }
        super::output::tone_ended(&self.context);
        let _ = self.context.close();
    }
}
