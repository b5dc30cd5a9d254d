//! The agent's microphone: opened at sign-in, switched when the agent picks another, and
//! replaced by the browser's default when it goes away mid-shift (unplugged), the call going on.

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;

use super::Line;
use crate::media::Microphone;
use crate::phone::reasons::MicrophoneProblem;
use crate::phone::{AudioInput, Event};

/// What the agent is told when the microphone went away mid-shift.
impl Line {
    /// Uses this microphone (`None`: the browser's default) from now on: for the call in
    /// progress, the next calls, and the next sign-in.
    pub fn use_microphone(&self, id: Option<String>) {
        let signed_in = {
            let mut inner = self.inner.borrow_mut();
            inner.preferred_microphone.clone_from(&id);
            inner.microphone.is_some()
        };
        if signed_in {
            self.switch_microphone(id, None);
        }
    }

    /// Keeps `mic` as the microphone, watching for it to go away; returns the one it replaces.
    pub(super) fn adopt_microphone(&self, mic: Microphone) -> Option<Microphone> {
        let weak = Rc::downgrade(&self.inner);
        let watch = mic.watch_ended(move || {
            if let Some(inner) = weak.upgrade() {
                // The call goes on with the browser's default microphone, and the agent is told.
                Line { inner }.switch_microphone(None, Some(Event::MicrophoneProblem(MicrophoneProblem::Gone)));
            }
        });
        let mut inner = self.inner.borrow_mut();
        inner.microphone_watch = watch;
        inner.microphone.replace(mic)
    }

    /// Opens microphone `id` (`None`: the default) and sends it from now on, also in the call in
    /// progress (every call); `then` is reported once it is in place.
    fn switch_microphone(&self, id: Option<String>, then: Option<Event>) {
        let this = self.clone();
        spawn_local(async move {
            let mic = match Microphone::open(id.as_deref()).await {
                Ok(mic) => mic,
                Err(e) => return this.report_later(Event::MicrophoneProblem(MicrophoneProblem::Unavailable(e))),
            };
            let old = this.adopt_microphone(mic.clone());
            let media: Vec<_> = {
                let mut inner = this.inner.borrow_mut();
                inner.microphone_generation = inner.microphone_generation.wrapping_add(1);
                inner.spare = None;
                inner.audio.iter().map(|a| a.media.clone()).collect()
            };
            if let Some(event) = then {
                this.report_later(event);
            }
            // Every call, the held ones too: they are heard again with the new microphone.
            for media in media {
                if let Err(e) = media.use_microphone(&mic).await {
                    this.report_later(Event::MicrophoneProblem(MicrophoneProblem::Unavailable(e)));
                }
            }
            if let Some(old) = old {
                old.close();
            }
            this.prepare_spare();
        });
    }

    pub(super) async fn report_microphones(&self) {
        let inputs = crate::media::audio_inputs().await.into_iter().map(|(id, label)| AudioInput { id, label }).collect();
        self.report_later(Event::MicrophonesFound(inputs));
    }
}
