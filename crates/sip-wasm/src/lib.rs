//! The SIP core behind the thinnest wasm-bindgen wrapper: what `crates/sip/bench` measures
//! against JsSIP (parse speed in one node process, and download size).

use std::cell::RefCell;

use sip::{Command, Config, Credentials, Input, Instant, NewCall, Output, Random, UserAgent};
use wasm_bindgen::prelude::*;

/// Parses one message; true when it is valid.
#[wasm_bindgen]
pub fn parse_message(frame: &str) -> bool {
    sip::parse(frame.as_bytes()).is_ok()
}

thread_local! {
    /// Where JavaScript writes the next frame (see [`input_buffer`]).
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of `capacity` bytes in wasm memory for frames, kept across calls. JavaScript writes
/// a frame into it with `TextEncoder.encodeInto` (one native copy) and calls [`parse_input`]:
/// passing a `&str` instead makes wasm-bindgen's glue copy the text a character at a time in
/// JavaScript, which costs more than parsing it. The pointer stays valid until the next call.
#[wasm_bindgen]
pub fn input_buffer(capacity: usize) -> *mut u8 {
    INPUT.with(|b| {
        let mut b = b.borrow_mut();
        b.resize(capacity, 0);
        b.as_mut_ptr()
    })
}

/// Parses the first `len` bytes of the input buffer; true when they are a valid message.
#[wasm_bindgen]
pub fn parse_input(len: usize) -> bool {
    INPUT.with(|b| b.borrow().get(..len).is_some_and(|frame| sip::parse(frame).is_ok()))
}

/// The module's memory, for a view on the input buffer.
#[wasm_bindgen]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

struct Seeded(u64);

impl Random for Seeded {
    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// A whole user agent, so that the size figure includes registration, calls and auth.
#[wasm_bindgen]
pub struct Agent(UserAgent);

/// The caller's clock (`performance.now()`, milliseconds) as the user agent's.
fn at(now: f64) -> Instant {
    Instant::from_millis(now as u64)
}

#[wasm_bindgen]
impl Agent {
    /// A user agent for `domain`, with randomness seeded by the caller.
    #[wasm_bindgen(constructor)]
    pub fn new(domain: &str, seed: u64) -> Agent {
        let config = Config {
            domain: domain.into(),
            display_name: String::new(),
            register_expires: 600,
            instance_id: String::new(),
            user_agent: "rust-softphone".into(),
            keepalive_ms: 30_000,
            session_expires: 1800,
        };
        Agent(UserAgent::new(config, Box::new(Seeded(seed | 1))))
    }

    /// The WebSocket opened.
    pub fn connected(&mut self, now: f64) {
        self.0.handle_input(at(now), Input::TransportUp);
    }

    /// Register as `user`.
    pub fn register(&mut self, now: f64, user: &str, password: &str) {
        let credentials = Credentials { user: user.into(), password: password.into() };
        // Registering is always accepted.
        let _ = self.0.command(at(now), Command::Register(credentials));
    }

    /// Call `target` (`sip:...`) with an SDP offer; false when the target is not a SIP URI.
    pub fn call(&mut self, now: f64, target: &str, sdp: &str) -> bool {
        let Ok(target) = sip::Uri::parse(target) else { return false };
        // Placing a call is always accepted.
        let _ = self.0.place_call(at(now), NewCall::Dial { target, sdp: sdp.into() });
        true
    }

    /// One WebSocket message arrived.
    pub fn receive(&mut self, now: f64, frame: &str) {
        self.0.handle_input(at(now), Input::Frame(frame.as_bytes()));
    }

    /// The next frame to send, if any (events are dropped in this wrapper).
    pub fn next_frame(&mut self) -> Option<String> {
        while let Some(out) = self.0.poll_output() {
            if let Output::Transmit(frame) = out {
                // The user agent writes UTF-8 (SIP text with text bodies).
                return String::from_utf8(frame).ok();
            }
        }
        None
    }
}
