//! The Call Center's codec order (`audioCodecs`) on a call's audio transceiver, with
//! `RTCRtpTransceiver.setCodecPreferences`: the codecs it names first, in its order, then every
//! other codec the browser has (telephone-event for DTMF, comfort noise, the rest of the voice
//! codecs) in the browser's order, so a far end that knows none of the named ones still
//! connects. Offers list the codecs that way; answers pick the first the far end offered.

use callcenter_settings::AudioCodec;
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::JsCast;
use web_sys::RtcPeerConnection;

/// Puts `order` first on every audio transceiver of `pc`. Nothing to do for an empty order, or
/// in a browser without `setCodecPreferences` (the browser's own order is used then).
pub fn prefer(pc: &RtcPeerConnection, order: &[AudioCodec]) {
    if order.is_empty() {
        return;
    }
    let Some(codecs) = receiver_codecs() else { return };
    let ordered = in_order(&codecs, order);
    for transceiver in pc.get_transceivers().iter() {
        let set = Reflect::get(&transceiver, &"setCodecPreferences".into()).ok().and_then(|f| f.dyn_into::<Function>().ok());
        if let Some(set) = set {
            // A browser that refuses the list keeps its own order: the call works either way.
            let _ = set.call1(&transceiver, &ordered);
        }
    }
}

/// `RTCRtpReceiver.getCapabilities("audio").codecs`: what setCodecPreferences accepts.
fn receiver_codecs() -> Option<Array> {
    let receiver = Reflect::get(&js_sys::global(), &"RTCRtpReceiver".into()).ok()?;
    let get = Reflect::get(&receiver, &"getCapabilities".into()).ok()?.dyn_into::<Function>().ok()?;
    let capabilities = get.call1(&receiver, &"audio".into()).ok()?;
    Reflect::get(&capabilities, &"codecs".into()).ok()?.dyn_into::<Array>().ok()
}

/// `codecs` sorted by their place in `order` (by `mimeType`, `audio/NAME`); the others after
/// them, in the order they came. Taken rank by rank (a handful of codecs) rather than sorted: a
/// stable sort's code is 3 KB of the download.
fn in_order(codecs: &Array, order: &[AudioCodec]) -> Array {
    let ranks: Vec<usize> = codecs
        .iter()
        .map(|codec| {
            let mime = Reflect::get(&codec, &"mimeType".into()).ok().and_then(|m| m.as_string()).unwrap_or_default();
            rank(&mime, order)
        })
        .collect();
    let sorted = Array::new();
    for wanted in 0..=order.len() {
        for (codec, _) in codecs.iter().zip(&ranks).filter(|(_, rank)| **rank == wanted) {
            sorted.push(&codec);
        }
    }
    sorted
}

/// Where a codec of MIME type `mime` stands in `order`; after all of them when not named.
fn rank(mime: &str, order: &[AudioCodec]) -> usize {
    let name = mime.strip_prefix("audio/").unwrap_or(mime);
    order.iter().position(|c| c.name().eq_ignore_ascii_case(name)).unwrap_or(order.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_codecs_rank_in_order_and_the_rest_after_them() {
        let order = [AudioCodec::Pcma, AudioCodec::Opus];
        assert_eq!(rank("audio/PCMA", &order), 0);
        assert_eq!(rank("audio/opus", &order), 1);
        assert_eq!(rank("audio/telephone-event", &order), 2);
        assert_eq!(rank("audio/PCMU", &order), 2);
    }
}
