//! The pre-flight check, as the agent reads it: one item per thing a call needs (each PBX URL,
//! the registration, TURN, the microphone, the speaker and the ringer, the PBX's echo test),
//! each waiting, running, passed, failed, skipped or waiting for the agent's answer, and a failed
//! one with one sentence saying what to do. Pure: the probes (`probes.js`, `check.rs`) hand in
//! plain facts and these functions judge and word them, so every verdict is tested natively.

use crate::phone::{Phone, Registration};
use crate::words;

/// One thing the check looks at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// The WebSocket (and TLS) to this PBX URL.
    Pbx(String),
    /// The registration with the PBX.
    Registration,
    /// A relay address from the TURN servers, with the configured credentials.
    Turn,
    /// The microphone and its level.
    Microphone,
    /// The speaker calls play on (the agent says whether they heard the test sound).
    Speaker,
    /// The ringer (likewise).
    Ringer,
    /// A call to the PBX's echo test: audio comes back.
    EchoTest,
}

impl Item {
    /// What kind of item it is, for the page (`data-item`).
    pub fn key(&self) -> &'static str {
        match self {
            Item::Pbx(_) => "pbx",
            Item::Registration => "registration",
            Item::Turn => "turn",
            Item::Microphone => "microphone",
            Item::Speaker => "speaker",
            Item::Ringer => "ringer",
            Item::EchoTest => "echo",
        }
    }

    /// The item's name in the list.
    pub fn title(&self) -> String {
        match self {
            Item::Pbx(url) => format!("Connection to {url}"),
            Item::Registration => "Registration".into(),
            Item::Turn => "TURN relay".into(),
            Item::Microphone => "Microphone".into(),
            Item::Speaker => "Speaker".into(),
            Item::Ringer => "Ringer".into(),
            Item::EchoTest => "Echo test call".into(),
        }
    }
}

/// Where an item is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    Waiting,
    Running,
    /// Fine; what was seen.
    Passed(String),
    /// Not fine; what to do.
    Failed(String),
    /// Not checked; why.
    Skipped(String),
    /// The test sound played: did the agent hear it?
    Asking,
}

impl State {
    /// The state's name, for the page (`data-state`).
    pub fn key(&self) -> &'static str {
        match self {
            State::Waiting => "waiting",
            State::Running => "running",
            State::Passed(_) => "passed",
            State::Failed(_) => "failed",
            State::Skipped(_) => "skipped",
            State::Asking => "asking",
        }
    }

    /// What the item says, if anything yet.
    pub fn sentence(&self) -> &str {
        match self {
            State::Passed(text) | State::Failed(text) | State::Skipped(text) => text,
            State::Asking => "Did you hear the test sound?",
            State::Running => "Checking…",
            State::Waiting => "",
        }
    }
}

/// Whether something is off at sign-in, so the check runs by itself: the PBX refused the
/// registration, or the phone registered without a microphone (the sign-in opens the microphone
/// first). A phone still connecting is judged after a while (`help`); one that lost its
/// connection later, mid-shift, reconnects by itself and is not interrupted.
pub fn off_at_sign_in(phone: &Phone) -> bool {
    match phone.registration() {
        Registration::Failed(_) => true,
        Registration::Registered => phone.microphones().is_empty(),
        _ => false,
    }
}

/// The verdict on the registration the phone has.
pub fn registration(phone: &Phone) -> State {
    match phone.registration() {
        Registration::Registered => State::Passed(format!("The PBX accepts calls for {}.", phone.agent_user().unwrap_or("you"))),
        Registration::Failed(why) => State::Failed(words::registration_failure(why, phone.agent_user().unwrap_or_default())),
        Registration::Reconnecting { problem, retry_in_s } => {
            State::Failed(format!("{} The phone keeps trying by itself.", words::reconnecting(problem, *retry_in_s, phone.agent_user().unwrap_or_default())))
        }
        Registration::Connecting => State::Skipped("The phone is still connecting to the PBX.".into()),
        _ => State::Skipped("Sign in first.".into()),
    }
}

/// What a WebSocket to a PBX URL did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Socket {
    /// It opened, in this many ms.
    Opened(u32),
    /// It closed before opening (code 1006 and no reason, whatever the cause).
    Closed,
    /// Nothing within the limit.
    NoAnswer,
}

/// What a plain TCP connection to the PBX URL's host and port did (`probes.js`, `probePort`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Port {
    /// Refused: nothing listens there.
    Refused,
    /// Accepted: something listens.
    Open,
    /// The browser cannot tell.
    Unknown,
}

/// The verdict on a PBX URL. A `wss:` URL whose WebSocket closed at once is told apart by its
/// port: refused means the PBX is down (or the address wrong); open means something answers
/// but the secure connection failed, which in a browser is nearly always a certificate it does
/// not trust.
pub fn pbx(url: &str, socket: Socket, port: Option<Port>) -> State {
    let place = host_port(url).unwrap_or(url);
    match (socket, port) {
        (Socket::Opened(ms), _) => State::Passed(format!("Connected in {ms} ms.")),
        (Socket::NoAnswer, _) => State::Failed(format!(
            "{place} did not answer within 5 seconds: a firewall or proxy may block it. Ask IT to allow secure WebSockets (wss) to it."
        )),
        (Socket::Closed, Some(Port::Open)) => State::Failed(format!(
            "{place} answers, but this computer does not trust its certificate. Ask IT to install the PBX's certificate (open https://{place} once to see the browser's warning)."
        )),
        (Socket::Closed, Some(Port::Unknown)) if url.starts_with("wss:") => State::Failed(format!(
            "{place} refused the connection: the PBX is down, or this computer does not trust its certificate (open https://{place} to see which). Tell your admin."
        )),
        (Socket::Closed, _) => State::Failed(format!("Nothing answers at {place}: the PBX is down or its address is wrong. Tell your admin; no call can work until it answers.")),
    }
}

/// `host:port` of a `ws:`/`wss:` URL (the port its scheme implies when it names none).
pub fn host_port(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("wss://").or_else(|| url.strip_prefix("ws://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    rest.get(..end).filter(|h| !h.is_empty())
}

/// The port a probe connects to: `host_port`, with the scheme's default port added.
pub fn probe_target(url: &str) -> Option<String> {
    let hp = host_port(url)?;
    let has_port = hp.rsplit_once(':').is_some_and(|(_, p)| p.bytes().all(|b| b.is_ascii_digit()) && !hp.ends_with(']'));
    Some(if has_port { hp.to_owned() } else if url.starts_with("wss:") { format!("{hp}:443") } else { format!("{hp}:80") })
}

/// A TURN error the browser reported (`icecandidateerror`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TurnError {
    pub url: String,
    pub code: u16,
}

/// The verdict on TURN: a relay address, or why not (401: the credentials; 701 or none: the
/// server did not answer).
pub fn turn(configured: bool, relay_ms: Option<u32>, errors: &[TurnError]) -> State {
    if !configured {
        return State::Skipped("No TURN server is configured: calls need a direct path to the PBX's media.".into());
    }
    if let Some(ms) = relay_ms {
        return State::Passed(format!("A relay address came in {ms} ms."));
    }
    let turn_errors = || errors.iter().filter(|e| e.url.starts_with("turn"));
    if let Some(refused) = turn_errors().find(|e| matches!(e.code, 401 | 403 | 437 | 441)) {
        return State::Failed(format!(
            "The TURN server {} refused the phone's credentials ({}): ask your admin to check the TURN user and password (or shared secret).",
            refused.url, refused.code
        ));
    }
    let server = turn_errors().next().map_or(String::new(), |e| format!(" {}", e.url));
    State::Failed(format!("The TURN server{server} did not answer: calls from behind a strict firewall will have no audio. Ask IT to allow it (UDP and TCP, port 3478 by default)."))
}

/// What the microphone test found.
#[derive(Clone, Debug, PartialEq)]
pub enum Mic {
    /// Its loudest moment, RMS from 0 to 1.
    Level(f64),
    /// `getUserMedia` failed with this DOMException name.
    Error(String),
}

/// The loudest moment must reach this (about -50 dBFS): quieter is a muted or dead microphone.
const SILENCE: f64 = 0.003;

/// The verdict on the microphone.
pub fn microphone(found: &Mic) -> State {
    match found {
        Mic::Level(level) if *level >= SILENCE => State::Passed(format!("It picks up sound (level {} dBFS).", dbfs(*level))),
        Mic::Level(_) => State::Failed("Your microphone sends silence: unmute it (a switch on the headset?) or choose another below, and speak while the check runs.".into()),
        Mic::Error(name) if name == "NotFoundError" || name == "OverconstrainedError" => {
            State::Failed("No microphone was found: plug in your headset, then check again.".into())
        }
        Mic::Error(name) if name == "NotAllowedError" || name == "SecurityError" => State::Failed(
            "The browser blocks the microphone: allow it for this phone (the lock icon in the address bar > Microphone > Allow), then reload.".into(),
        ),
        Mic::Error(name) => State::Failed(format!("The microphone could not be opened ({name}): close other programs that use it, then check again.")),
    }
}

/// Decibels below full scale, rounded: 0.1 is -20 (a whole number: no float formatting).
fn dbfs(level: f64) -> i32 {
    (20.0 * level.max(1e-6).log10()).round() as i32
}

/// The verdict on an output, once the agent answered whether they heard the test sound.
pub fn output(item: &Item, played: bool, heard: Option<bool>) -> State {
    let which = if *item == Item::Ringer { "Ringer" } else { "Speaker" };
    match (played, heard) {
        (false, _) => State::Failed(format!("The browser could not play on the chosen {which}: choose another {which} below, then check again.")),
        (true, None) => State::Asking,
        (true, Some(true)) => State::Passed("You heard the test sound.".into()),
        (true, Some(false)) => State::Failed(format!("You did not hear the test sound: turn the volume up, or choose another {which} below, then check again.")),
    }
}

/// How the echo test call went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Echo {
    /// The definition names no echo test number.
    NotOffered,
    /// Not signed in to the PBX.
    NotRegistered,
    /// The call did not connect; why, in the line's words.
    Failed(String),
    /// Connected; audio packets came back within this many ms (none: no audio came back).
    Connected(Option<u32>),
}

/// The verdict on the echo test.
pub fn echo(result: &Echo) -> State {
    match result {
        Echo::NotOffered => State::Skipped("Your PBX offers no echo test (the Call Center definition's echoTestNumber).".into()),
        Echo::NotRegistered => State::Skipped("Sign in to the PBX first.".into()),
        Echo::Failed(why) => State::Failed(format!("The echo test call failed: {why} Tell your admin.")),
        Echo::Connected(Some(ms)) => State::Passed(format!("Your audio came back in {ms} ms.")),
        Echo::Connected(None) => State::Failed(
            "The echo test answered but no audio came back: the network blocks the call's audio. Ask your admin about the TURN server.".into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(state: &State) -> &str {
        match state {
            State::Failed(why) => why,
            other => panic!("a failure expected, got {other:?}"),
        }
    }

    #[test]
    fn a_pbx_down_and_an_untrusted_certificate_are_told_apart_by_the_port() {
        let url = "wss://pbx.acme.example:8443";
        assert_eq!(pbx(url, Socket::Opened(42), None), State::Passed("Connected in 42 ms.".into()));
        let cert = pbx(url, Socket::Closed, Some(Port::Open));
        assert!(failed(&cert).contains("does not trust its certificate"), "{cert:?}");
        assert!(failed(&cert).contains("https://pbx.acme.example:8443"));
        let down = pbx(url, Socket::Closed, Some(Port::Refused));
        assert!(failed(&down).starts_with("Nothing answers at pbx.acme.example:8443: the PBX is down"), "{down:?}");
        assert!(failed(&pbx(url, Socket::NoAnswer, None)).contains("firewall"));
        assert!(failed(&pbx(url, Socket::Closed, Some(Port::Unknown))).contains("down, or this computer does not trust"));
        // Plain ws (loopback only) has no certificate to distrust.
        assert!(failed(&pbx("ws://127.0.0.1:8080", Socket::Closed, None)).contains("Nothing answers at 127.0.0.1:8080"));
    }

    #[test]
    fn the_probed_port_is_the_urls_or_its_schemes() {
        assert_eq!(probe_target("wss://pbx.acme.example:8443/ws?x=1").as_deref(), Some("pbx.acme.example:8443"));
        assert_eq!(probe_target("wss://pbx.acme.example/ws").as_deref(), Some("pbx.acme.example:443"));
        assert_eq!(probe_target("ws://127.0.0.1").as_deref(), Some("127.0.0.1:80"));
        assert_eq!(probe_target("https://x"), None);
    }

    #[test]
    fn turn_says_whether_the_credentials_or_the_server_are_at_fault() {
        assert!(matches!(turn(false, None, &[]), State::Skipped(_)));
        assert_eq!(turn(true, Some(120), &[]), State::Passed("A relay address came in 120 ms.".into()));
        let wrong = turn(true, None, &[TurnError { url: "turn:127.0.0.1:3478?transport=udp".into(), code: 401 }]);
        assert!(failed(&wrong).contains("refused the phone's credentials (401)"), "{wrong:?}");
        let silent = turn(true, None, &[TurnError { url: "turn:turn.acme.example:3478".into(), code: 701 }]);
        assert!(failed(&silent).contains("turn:turn.acme.example:3478 did not answer"), "{silent:?}");
        assert!(failed(&turn(true, None, &[])).contains("did not answer"));
    }

    #[test]
    fn the_microphone_is_missing_blocked_silent_or_fine() {
        assert!(failed(&microphone(&Mic::Error("NotFoundError".into()))).starts_with("No microphone was found"));
        assert!(failed(&microphone(&Mic::Error("NotAllowedError".into()))).contains("blocks the microphone"));
        assert!(failed(&microphone(&Mic::Level(0.0001))).contains("sends silence"));
        assert_eq!(microphone(&Mic::Level(0.1)), State::Passed("It picks up sound (level -20 dBFS).".into()));
        assert!(matches!(microphone(&Mic::Level(1.0)), State::Passed(_)));
    }

    #[test]
    fn the_check_runs_by_itself_when_sign_in_fails_or_leaves_no_microphone_not_on_a_later_drop() {
        use crate::phone::dialing::DialingRules;
        use crate::phone::reasons::{ConnectionProblem, RegistrationFailure};
        use crate::phone::{AudioInput, Credentials, Event, Intent, Secret, Time};
        let at = Time::from_unix_millis;
        let mut phone = Phone::new(DialingRules::default());
        assert!(!off_at_sign_in(&phone), "signed out");
        phone.handle_intent(at(0), Intent::SignIn(Credentials { user: "1001".into(), password: Secret::new("pw".into()), display_name: String::new(), auth_user: None }));
        assert!(!off_at_sign_in(&phone), "connecting: judged later");
        let mut refused = phone.clone();
        let wrong_password = RegistrationFailure::Refused { status: 401 };
        refused.handle_event(at(1), Event::RegistrationFailed(wrong_password.clone()));
        assert!(off_at_sign_in(&refused));
        assert_eq!(registration(&refused), State::Failed(words::registration_failure(&wrong_password, "1001")));
        phone.handle_event(at(1), Event::Registered);
        assert!(off_at_sign_in(&phone), "registered, but no microphone was found");
        phone.handle_event(at(2), Event::MicrophonesFound(vec![AudioInput { id: "mic".into(), label: "Headset".into() }]));
        assert!(!off_at_sign_in(&phone));
        let unreachable = ConnectionProblem::Closed { url: "ws://pbx".into(), code: 1006 };
        phone.handle_event(at(3), Event::ConnectionLost { problem: unreachable, retry_in_s: Some(2) });
        assert!(!off_at_sign_in(&phone), "a drop mid-shift reconnects by itself");
    }

    #[test]
    fn outputs_wait_for_the_agent_and_echo_needs_audio_back() {
        assert_eq!(output(&Item::Speaker, true, None), State::Asking);
        assert!(matches!(output(&Item::Ringer, true, Some(true)), State::Passed(_)));
        assert!(failed(&output(&Item::Ringer, true, Some(false))).contains("another Ringer"));
        assert!(failed(&output(&Item::Speaker, false, None)).contains("could not play"));
        assert!(matches!(echo(&Echo::NotOffered), State::Skipped(_)));
        assert_eq!(echo(&Echo::Connected(Some(640))), State::Passed("Your audio came back in 640 ms.".into()));
        assert!(failed(&echo(&Echo::Connected(None))).contains("no audio came back"));
        assert!(failed(&echo(&Echo::Failed("The PBX has no such number (404).".into()))).contains("404"));
    }
}
