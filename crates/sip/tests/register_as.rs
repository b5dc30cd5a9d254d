//! Ephemeral credentials (Kamailio's auth_ephemeral, minted by the org): the user agent
//! registers as extension 1001 while its digest answers name `EXPIRES:1001`; renewed
//! credentials register again at once; and when the user moves to another extension, the old
//! binding is removed with the credentials it was made with before the new one is registered.

use sip::message::{parse, Message, Request, Response};
use sip::{Command, Credentials, Event, Input, Instant, Output, UserAgent};

mod support;

use support::{config, Rng};

/// A registrar's side of the conversation: every REGISTER the user agent sent, answered.
struct Registrar {
    ua: UserAgent,
    now: u64,
    /// Each REGISTER as sent: its To user, Expires, and the Authorization user name if any.
    seen: Vec<(String, String, Option<String>)>,
    events: Vec<Event>,
}

impl Registrar {
    fn new() -> Registrar {
        let mut ua = UserAgent::new(config(), Box::new(Rng(7)));
        ua.handle_input(Instant::from_millis(0), Input::TransportUp);
        Registrar { ua, now: 0, seen: Vec::new(), events: Vec::new() }
    }

    fn command(&mut self, command: Command) {
        self.now += 1_000;
        self.ua.command(Instant::from_millis(self.now), command).expect("accepted");
        self.answer_all();
    }

    /// Challenges each REGISTER without credentials, accepts each with them, until quiet.
    fn answer_all(&mut self) {
        loop {
            let mut answers = Vec::new();
            while let Some(out) = self.ua.poll_output() {
                match out {
                    Output::Transmit(frame) => {
                        let Ok(Message::Request(req)) = parse(&frame) else { continue };
                        answers.push(self.answer(&req));
                    }
                    Output::Event(e) => self.events.push(e),
                }
            }
            if answers.is_empty() {
                return;
            }
            for bytes in answers {
                self.now += 10;
                self.ua.handle_input(Instant::from_millis(self.now), Input::Frame(&bytes));
            }
        }
    }

    fn answer(&mut self, req: &Request) -> Vec<u8> {
        let to_user = req.headers.get("To").and_then(|t| t.split("sip:").nth(1)).and_then(|t| t.split('@').next()).unwrap_or("").to_owned();
        let expires = req.headers.get("Expires").unwrap_or("").to_owned();
        let auth_user = req.headers.get("Authorization").and_then(|a| a.split("username=\"").nth(1)).and_then(|a| a.split('"').next()).map(str::to_owned);
        self.seen.push((to_user, expires, auth_user.clone()));
        let mut r = Response::for_request_std(req, if auth_user.is_some() { 200 } else { 401 });
        if auth_user.is_none() {
            r.headers.push("WWW-Authenticate", "Digest realm=\"pbx.test\", nonce=\"n1\", qop=\"auth\", algorithm=MD5");
        } else if let Some(contact) = req.headers.get("Contact") {
            r.headers.push("Contact", contact);
        }
        r.to_bytes()
    }

    /// The REGISTERs that carried credentials: (To user, Expires, Authorization user name).
    fn authenticated(&self) -> Vec<(&str, &str, &str)> {
        self.seen.iter().filter_map(|(to, expires, auth)| Some((to.as_str(), expires.as_str(), auth.as_deref()?))).collect()
    }
}

fn minted(expires: u64, user: &str) -> Command {
    Command::RegisterAs { user: user.into(), credentials: Credentials { user: format!("{expires}:{user}"), password: "derived".into() } }
}

#[test]
fn registers_as_the_extension_while_answering_with_the_minted_user_name() {
    let mut pbx = Registrar::new();
    pbx.command(minted(1_700_000_000, "1001"));
    assert_eq!(pbx.authenticated(), [("1001", "600", "1700000000:1001")]);
    assert_eq!(pbx.ua.user(), Some("1001"));
    assert!(pbx.ua.is_registered());
    assert!(matches!(pbx.events.as_slice(), [Event::Registered { .. }]), "{:?}", pbx.events);
}

#[test]
fn renewed_credentials_register_again_at_once() {
    let mut pbx = Registrar::new();
    pbx.command(minted(1_700_000_000, "1001"));
    pbx.command(minted(1_700_003_600, "1001"));
    assert_eq!(pbx.authenticated(), [("1001", "600", "1700000000:1001"), ("1001", "600", "1700003600:1001")]);
    assert!(pbx.ua.is_registered());
}

#[test]
fn a_move_to_another_extension_removes_the_old_binding_with_its_own_credentials() {
    let mut pbx = Registrar::new();
    pbx.command(minted(1_700_000_000, "1001"));
    pbx.command(minted(1_700_003_600, "1004"));
    assert_eq!(
        pbx.authenticated(),
        [("1001", "600", "1700000000:1001"), ("1001", "0", "1700000000:1001"), ("1004", "600", "1700003600:1004")]
    );
    assert_eq!(pbx.ua.user(), Some("1004"));
    assert!(pbx.ua.is_registered());
    assert!(!pbx.events.iter().any(|e| matches!(e, Event::Unregistered | Event::RegistrationFailed { .. })), "{:?}", pbx.events);
}
