//! Ringtone and ringback, generated with WebAudio: no audio files to download.

use web_sys::{AudioContext, GainNode, OscillatorNode};

/// Which tone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// A call is coming in (agent side): short double rings.
    Ringtone,
    /// We are calling and the far end is ringing (North American ringback: 2 s on, 4 s off).
    Ringback,
    /// A call is coming in while the agent talks on another: one short, quiet beep every few
    /// seconds, heard over the customer without drowning them.
    CallWaiting,
}

/// How far ahead the cadence is scheduled; a call rings no longer than this.
const SCHEDULE_SECONDS: f64 = 120.0;

/// A playing tone; dropping it stops it.
pub struct Tones {
    context: AudioContext,
    oscillators: Vec<OscillatorNode>,
}

impl Tones {
    /// Starts `tone`. `None` when the browser has no audio output.
    pub fn start(tone: Tone) -> Option<Tones> {
        let context = AudioContext::new().ok()?;
        let gain = context.create_gain().ok()?;
        gain.connect_with_audio_node(&context.destination()).ok()?;
        let (frequencies, on, period): (&[f32], &[(f64, f64)], f64) = match tone {
            // 440 + 480 Hz, 2 s on, 4 s off.
            Tone::Ringback => (&[440.0, 480.0], &[(0.0, 2.0)], 6.0),
            // Two 0.4 s bursts 0.2 s apart every 3 s: distinct from the ringback.
            Tone::Ringtone => (&[480.0, 620.0], &[(0.0, 0.4), (0.6, 1.0)], 3.0),
            // 440 Hz, 0.2 s every 5 s.
            Tone::CallWaiting => (&[440.0], &[(0.0, 0.2)], 5.0),
        };
        let level = if tone == Tone::CallWaiting { 0.05 } else { 0.2 };
        schedule(&gain, context.current_time(), on, period, level);
        let mut oscillators = Vec::new();
        for &f in frequencies {
            let osc = context.create_oscillator().ok()?;
            osc.frequency().set_value(f);
            osc.connect_with_audio_node(&gain).ok()?;
            osc.start().ok()?;
            oscillators.push(osc);
        }
        Some(Tones { context, oscillators })
    }
}

/// Sets the gain to `level` during each `on` window of every period, and 0 between.
fn schedule(gain: &GainNode, start: f64, on: &[(f64, f64)], period: f64, level_on: f32) {
    let level = gain.gain();
    let _ = level.set_value_at_time(0.0, start);
    let mut t = start;
    while t < start + SCHEDULE_SECONDS {
        for &(from, to) in on {
            let _ = level.set_value_at_time(level_on, t + from);
            let _ = level.set_value_at_time(0.0, t + to);
        }
        t += period;
    }
}

impl Drop for Tones {
    fn drop(&mut self) {
        for osc in &self.oscillators {
            let _ = osc.stop();
            osc.disconnect().ok();
        }
        let _ = self.context.close();
    }
}
