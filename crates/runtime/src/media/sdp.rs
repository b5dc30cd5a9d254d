//! What the browser makes of the far end's session description, read from the text: why it
//! refused an offer (for the 488's Warning and the agent's sentence), and whether its answer
//! turned the audio down. Everything else of SDP is the browser's business.

use sip::OfferRefusal;

/// The audio codecs every WebRTC browser has (RFC 7874: Opus and G.711; G.722 in practice).
const BROWSER_CODECS: [&str; 4] = ["opus", "pcmu", "pcma", "g722"];

/// Why the browser refused `sdp`, the far end's description, judged from its text: its audio
/// not encrypted as WebRTC requires (plain RTP, no DTLS fingerprint: a PBX reached without a
/// WebRTC edge in front of it), no audio codec the browser has (G.729 only, say), or another
/// reason (malformed, contradictory).
pub fn problem_with(sdp: &str) -> OfferRefusal {
    let Some(audio) = sdp.lines().find_map(|l| l.strip_prefix("m=audio ")) else { return OfferRefusal::Other };
    let encrypted = sdp.lines().any(|l| l.starts_with("a=fingerprint:")) && audio.contains("SAVP");
    if !encrypted {
        return OfferRefusal::Transport;
    }
    if !has_browser_codec(sdp, audio) {
        return OfferRefusal::MediaFormat;
    }
    OfferRefusal::Other
}

/// Whether the audio line `audio` (after `m=audio `) lists a codec the browser has, by its
/// static payload type (0 PCMU, 8 PCMA, 9 G.722) or its `a=rtpmap` name.
fn has_browser_codec(sdp: &str, audio: &str) -> bool {
    let formats: Vec<&str> = audio.split_whitespace().skip(2).collect();
    if formats.iter().any(|f| matches!(*f, "0" | "8" | "9")) {
        return true;
    }
    sdp.lines().filter_map(|l| l.strip_prefix("a=rtpmap:")).any(|map| {
        let (format, codec) = map.split_once(' ').unwrap_or((map, ""));
        let name = codec.split('/').next().unwrap_or("");
        formats.contains(&format) && BROWSER_CODECS.iter().any(|c| c.eq_ignore_ascii_case(name))
    })
}

/// Whether the browser's answer turned the audio down (`m=audio 0`, RFC 3264 §6): nothing in
/// the offer was usable.
pub fn audio_rejected(answer: &str) -> bool {
    answer.lines().filter_map(|l| l.strip_prefix("m=audio ")).any(|rest| rest.split_whitespace().next() == Some("0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEBRTC: &str = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\na=rtpmap:111 opus/48000/2\r\na=fingerprint:sha-256 AB:CD\r\n";

    #[test]
    fn an_offer_without_dtls_is_not_encrypted() {
        assert_eq!(problem_with("v=0\r\nm=audio 4000 RTP/AVP 0 8\r\n"), OfferRefusal::Transport);
        assert_eq!(problem_with(&WEBRTC.replace("a=fingerprint:sha-256 AB:CD\r\n", "")), OfferRefusal::Transport);
    }

    #[test]
    fn an_offer_of_codecs_no_browser_has_has_no_common_codec() {
        let g729 = "v=0\r\nm=audio 4000 UDP/TLS/RTP/SAVPF 18\r\na=rtpmap:18 G729/8000\r\na=fingerprint:sha-256 AB:CD\r\n";
        assert_eq!(problem_with(g729), OfferRefusal::MediaFormat);
        // A name the browser knows, but under a payload type the audio line does not list.
        assert_eq!(problem_with(&g729.replace("a=rtpmap:18 G729/8000", "a=rtpmap:18 G729/8000\r\na=rtpmap:96 opus/48000/2")), OfferRefusal::MediaFormat);
        assert_eq!(problem_with(WEBRTC), OfferRefusal::Other, "opus and PCMU: the browser had another reason");
        assert_eq!(problem_with(&WEBRTC.replace(" 111 0", " 111")), OfferRefusal::Other);
        assert_eq!(problem_with("v=0\r\n"), OfferRefusal::Other, "no audio at all");
    }

    #[test]
    fn an_answer_with_port_zero_turned_the_audio_down() {
        assert!(audio_rejected("v=0\r\nm=audio 0 UDP/TLS/RTP/SAVPF 0\r\n"));
        assert!(!audio_rejected("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"));
    }
}
