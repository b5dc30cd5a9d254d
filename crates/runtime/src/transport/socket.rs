//! The browser WebSocket to the PBX, reconnecting by the [`Reconnect`] policy.
//!
//! Every closure handed to the browser is owned by a [`Socket`] or the pending timer and dropped
//! with it, so a phone that reconnects all day leaks nothing.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

use super::reconnect::{Attempt, Reconnect};
use crate::phone::reasons::ConnectionProblem;
use crate::timer::Timeout;

/// The WebSocket subprotocol for SIP (RFC 7118).
const SUBPROTOCOL: &str = "sip";

/// What the transport reports to its owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportEvent {
    /// Connected to the PBX at this URL.
    Up { url: String },
    /// The connection is gone (or could not be made); the next attempt comes in `retry_in_ms`.
    Down { reason: ConnectionProblem, retry_in_ms: u64 },
    /// One SIP message (a WebSocket frame carries exactly one, RFC 7118 §5).
    Received(Vec<u8>),
}

/// Why a message could not be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendError {
    /// There is no open connection right now.
    NotConnected,
    /// The browser refused the frame.
    Refused(String),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::NotConnected => f.write_str("The phone is not connected to the PBX."),
            SendError::Refused(why) => write!(f, "The browser could not send to the PBX: {why}"),
        }
    }
}

type Listener = Rc<dyn Fn(TransportEvent)>;

/// A self-reconnecting connection to the first reachable PBX URL. Dropping the last handle
/// closes the socket.
#[derive(Clone)]
pub struct Transport {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    urls: Vec<String>,
    policy: Reconnect,
    socket: Option<Socket>,
    /// The last closed socket: it is dropped on the next loss, not inside its own `onclose`.
    retired: Option<Socket>,
    timer: Option<Timeout>,
    on_event: Listener,
}

/// One WebSocket and the closures it calls.
struct Socket {
    ws: WebSocket,
    open: bool,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}

impl Transport {
    /// Starts connecting to `urls` (failover order) and reports through `on_event`.
    pub fn connect(urls: Vec<String>, on_event: impl Fn(TransportEvent) + 'static) -> Transport {
        let policy = Reconnect::new(urls.len());
        let first = policy.first();
        let inner = Rc::new(RefCell::new(Inner { urls, policy, socket: None, retired: None, timer: None, on_event: Rc::new(on_event) }));
        attempt(&inner, first);
        Transport { inner }
    }

    /// Sends one SIP message as one text frame.
    pub fn send(&self, message: &[u8]) -> Result<(), SendError> {
        let inner = self.inner.borrow();
        let socket = inner.socket.as_ref().filter(|s| s.open).ok_or(SendError::NotConnected)?;
        // SIP is text; a frame that is not UTF-8 (a binary body) goes as a binary frame.
        let sent = match std::str::from_utf8(message) {
            Ok(text) => socket.ws.send_with_str(text),
            Err(_) => socket.ws.send_with_u8_array(message),
        };
        sent.map_err(|e| SendError::Refused(e.as_string().unwrap_or_else(|| "unknown error".into())))
    }

    /// Whether a connection is open right now.
    pub fn is_open(&self) -> bool {
        self.inner.borrow().socket.as_ref().is_some_and(|s| s.open)
    }

    /// The connection is dead although the browser did not notice (no answer to keep-alives):
    /// close it and connect again, as if it had dropped.
    pub fn reconnect(&self, reason: ConnectionProblem) {
        self.close_now();
        lost(&self.inner, reason, |policy, random| policy.failed(random));
    }

    /// The PBX behind the open connection refuses service (a 5xx to REGISTER, or no answer):
    /// move on to the next URL; a single PBX is asked again after `retry_after_ms` at the earliest.
    pub fn refused(&self, reason: ConnectionProblem, retry_after_ms: u64) {
        self.close_now();
        lost(&self.inner, reason, move |policy, random| policy.refused(random, retry_after_ms));
    }

    /// Closes the socket at once, without its close handler (we are not inside it).
    fn close_now(&self) {
        let socket = self.inner.borrow_mut().socket.take();
        drop(socket);
    }

    /// The PBX registered us: a later refusal starts a fresh round.
    pub fn accepted(&self) {
        self.inner.borrow_mut().policy.accepted();
    }

    /// Waiting to reconnect: try now instead (the network came back, the computer woke up).
    pub fn hurry(&self) {
        let next = {
            let mut state = self.inner.borrow_mut();
            if state.socket.is_some() || state.timer.is_none() {
                return;
            }
            state.timer = None;
            state.policy.hurry()
        };
        open(&self.inner, next.url);
    }
}

fn attempt(inner: &Rc<RefCell<Inner>>, next: Attempt) {
    if next.delay_ms == 0 {
        open(inner, next.url);
        return;
    }
    let weak = Rc::downgrade(inner);
    let timer = Timeout::start(next.delay_ms, move || {
        if let Some(inner) = weak.upgrade() {
            inner.borrow_mut().timer = None;
            open(&inner, next.url);
        }
    });
    inner.borrow_mut().timer = timer;
}

fn open(inner: &Rc<RefCell<Inner>>, url_index: usize) {
    let url = inner.borrow().urls.get(url_index).cloned().unwrap_or_default();
    let ws = match WebSocket::new_with_str(&url, SUBPROTOCOL) {
        Ok(ws) => ws,
        Err(e) => {
            // A malformed URL in the settings: report it and move on to the next one.
            let detail = e.as_string().unwrap_or_else(|| "invalid PBX URL".into());
            lost(inner, ConnectionProblem::NotOpened { url, detail }, |policy, random| policy.failed(random));
            return;
        }
    };
    ws.set_binary_type(BinaryType::Arraybuffer);
    let weak = Rc::downgrade(inner);

    let on_open = {
        let weak = weak.clone();
        Closure::<dyn FnMut()>::new(move || with(&weak, |inner| {
            let listener = {
                let mut state = inner.borrow_mut();
                if let Some(s) = state.socket.as_mut() {
                    s.open = true;
                }
                state.policy.connected(url_index);
                state.on_event.clone()
            };
            let url = inner.borrow().urls.get(url_index).cloned().unwrap_or_default();
            listener(TransportEvent::Up { url });
        }))
    };
    let on_message = {
        let weak = weak.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| with(&weak, |inner| {
            let data = event.data();
            let bytes = match data.as_string() {
                Some(text) => text.into_bytes(),
                None => js_sys::Uint8Array::new(&data).to_vec(),
            };
            let listener = inner.borrow().on_event.clone();
            listener(TransportEvent::Received(bytes));
        }))
    };
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| with(&weak, |inner| {
        let url = inner.borrow().urls.get(url_index).cloned().unwrap_or_default();
        lost(inner, ConnectionProblem::Closed { url, code: event.code() }, |policy, random| policy.failed(random));
    }));
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    let socket = Socket { ws, open: false, _on_open: on_open, _on_message: on_message, _on_close: on_close };
    inner.borrow_mut().socket = Some(socket);
}

/// The socket closed, never opened, or is given up: drop it, report, and schedule the attempt
/// `next` picks.
fn lost(inner: &Rc<RefCell<Inner>>, reason: ConnectionProblem, next: impl FnOnce(&mut Reconnect, u32) -> Attempt) {
    let random = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    let (next, listener, older) = {
        let mut state = inner.borrow_mut();
        let closed = state.socket.take();
        let older = std::mem::replace(&mut state.retired, closed);
        state.timer = None;
        (next(&mut state.policy, random), state.on_event.clone(), older)
    };
    // Dropped outside the borrow: its Drop touches the browser.
    drop(older);
    listener(TransportEvent::Down { reason, retry_in_ms: next.delay_ms });
    attempt(inner, next);
}

fn with(weak: &Weak<RefCell<Inner>>, f: impl FnOnce(&Rc<RefCell<Inner>>)) {
    if let Some(inner) = weak.upgrade() {
        f(&inner);
    }
}
