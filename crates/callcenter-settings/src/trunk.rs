//! What the PBX's side expects of the phone: the form numbers are handed to it in
//! (`trunkNumberFormat`) and the audio codecs it prefers, in order (`audioCodecs`).

use std::fmt;

/// How numbers leave for the PBX (and its trunk to the phone network).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NumberFormat {
    /// Every outside number as E.164 (`+442079460018`), the home country's included: what SIP
    /// trunks and most PBXs route.
    #[default]
    E164,
    /// As dialled from a desk phone in the home country: home numbers nationally (trunk or
    /// long-distance prefix), foreign ones behind the international prefix, all behind the
    /// outside prefix.
    National,
}

impl NumberFormat {
    /// The definition's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberFormat::E164 => "e164",
            NumberFormat::National => "national",
        }
    }
}

/// A voice codec the phone can be told to prefer. telephone-event (DTMF) is not one: it is
/// always offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AudioCodec {
    /// Opus (RFC 7587), the browser's own.
    Opus,
    /// G.711 µ-law.
    Pcmu,
    /// G.711 A-law.
    Pcma,
    /// G.722, wideband.
    G722,
}

impl AudioCodec {
    /// Every codec, in the browser's usual order.
    pub const ALL: [AudioCodec; 4] = [AudioCodec::Opus, AudioCodec::G722, AudioCodec::Pcmu, AudioCodec::Pcma];

    /// The codec's MIME subtype, as SDP and `RTCRtpCodec.mimeType` (`audio/...`) name it.
    pub fn name(self) -> &'static str {
        match self {
            AudioCodec::Opus => "opus",
            AudioCodec::Pcmu => "PCMU",
            AudioCodec::Pcma => "PCMA",
            AudioCodec::G722 => "G722",
        }
    }

    /// The codec named `name` (any case).
    pub fn from_name(name: &str) -> Option<AudioCodec> {
        AudioCodec::ALL.into_iter().find(|c| c.name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for AudioCodec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `trunkNumberFormat`: `e164` (or empty) or `national`; anything else is a problem, and E.164.
pub fn read_number_format(value: &str) -> Result<NumberFormat, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "e164" => Ok(NumberFormat::E164),
        "national" => Ok(NumberFormat::National),
        other => Err(format!("\"{other}\" is neither e164 nor national; numbers go out as E.164")),
    }
}

/// `audioCodecs`: codec names, comma-separated, most preferred first. Unknown and repeated
/// names are problems and left out; the codecs named are used in that order.
pub fn read_audio_codecs(value: &str) -> (Vec<AudioCodec>, Vec<String>) {
    let mut codecs = Vec::new();
    let mut problems = Vec::new();
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match AudioCodec::from_name(name) {
            Some(codec) if codecs.contains(&codec) => problems.push(format!("{name} is listed twice; its first place counts")),
            Some(codec) => codecs.push(codec),
            None => {
                let known: Vec<&str> = AudioCodec::ALL.iter().map(|c| c.name()).collect();
                problems.push(format!("\"{name}\" is not a codec the phone knows ({}); left out", known.join(", ")));
            }
        }
    }
    (codecs, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{key, SettingsMap, SoftphoneSettings};

    /// The least a definition needs, with `items` of ours.
    fn read(items: &[(&str, &str)]) -> crate::ReadSettings {
        let mut map: SettingsMap = [(key("pbxWebSocketUrls"), "wss://pbx.example.com".to_owned()), (key("sipDomain"), "pbx.example.com".to_owned())].into();
        map.extend(items.iter().map(|(k, v)| (key(k), (*v).to_owned())));
        SoftphoneSettings::from_map(&map).expect("the phone can work")
    }

    #[test]
    fn a_definition_reads_the_trunks_number_format_and_codec_order_and_reports_mistakes() {
        let s = read(&[]).settings;
        assert_eq!((s.number_format, s.audio_codecs.as_slice()), (NumberFormat::E164, &[][..]), "E.164, the browser's codec order");
        let s = read(&[("trunkNumberFormat", "national"), ("audioCodecs", "PCMA, opus")]).settings;
        assert_eq!((s.number_format, s.audio_codecs.as_slice()), (NumberFormat::National, &[AudioCodec::Pcma, AudioCodec::Opus][..]));
        let read = read(&[("trunkNumberFormat", "local"), ("audioCodecs", "PCMA, G729")]);
        let keys: Vec<&str> = read.problems.iter().map(|p| p.key.as_str()).filter(|k| k.starts_with("/rustSoftphone/")).collect();
        assert_eq!(keys, ["/rustSoftphone/trunkNumberFormat", "/rustSoftphone/audioCodecs"]);
        assert_eq!((read.settings.number_format, read.settings.audio_codecs), (NumberFormat::E164, vec![AudioCodec::Pcma]));
    }

    #[test]
    fn numbers_go_out_as_e164_unless_the_definition_says_national() {
        assert_eq!(read_number_format(""), Ok(NumberFormat::E164));
        assert_eq!(read_number_format("E164"), Ok(NumberFormat::E164));
        assert_eq!(read_number_format(" National "), Ok(NumberFormat::National));
        let problem = read_number_format("+").expect_err("not a format");
        assert!(problem.contains("neither e164 nor national"), "{problem}");
    }

    #[test]
    fn codecs_are_read_in_order_in_any_case_and_strangers_reported() {
        assert_eq!(read_audio_codecs("pcma, PCMU ,Opus"), (vec![AudioCodec::Pcma, AudioCodec::Pcmu, AudioCodec::Opus], vec![]));
        assert_eq!(read_audio_codecs(""), (vec![], vec![]));
        let (codecs, problems) = read_audio_codecs("G729, opus, OPUS");
        assert_eq!(codecs, [AudioCodec::Opus]);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("\"G729\" is not a codec the phone knows (opus, G722, PCMU, PCMA)"), "{problems:?}");
        assert!(problems[1].contains("OPUS is listed twice"), "{problems:?}");
    }
}
