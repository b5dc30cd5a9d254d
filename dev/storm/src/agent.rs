//! One simulated agent: the SIP core registering over a WebSocket, reconnecting after a loss
//! exactly as the app does (the app's own reconnect policy, `crates/runtime/src/transport/reconnect.rs`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use sip::{Command, Config, Event, Input, Output, UserAgent};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

use crate::pbx::Account;
use crate::reconnect::Reconnect;

/// What an agent tells the storm's coordinator, with the time in ms since the start.
#[derive(Clone, Copy, Debug)]
pub enum Report {
    /// A REGISTER request left (challenged or with credentials).
    RegisterSent { at_ms: u64 },
    /// The PBX accepted this agent's registration.
    Registered { agent: usize, at_ms: u64 },
    /// A connection attempt was refused (the PBX is not listening yet).
    ConnectFailed,
    /// The PBX refused the registration itself.
    RegistrationFailed,
}

/// What every agent shares.
#[derive(Clone)]
pub struct Shared {
    pub url: String,
    pub domain: String,
    pub started: Instant,
    /// Whether reconnects are jittered (the app's policy) or all wait the same.
    pub jitter: Arc<AtomicBool>,
    pub reports: mpsc::UnboundedSender<Report>,
    pub stop: watch::Receiver<bool>,
}

impl Shared {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
    fn report(&self, report: Report) {
        // The coordinator is gone only when the storm is over.
        let _ = self.reports.send(report);
    }
}

/// xorshift64*: enough for tags, branches and jitter in a benchmark (the app uses the CSPRNG).
#[derive(Clone)]
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

impl sip::Random for XorShift {
    fn next_u64(&mut self) -> u64 {
        self.next()
    }
}

/// Runs agent `index` until the storm stops.
pub async fn run(index: usize, account: Account, shared: Shared) {
    let mut random = XorShift(0x9E37_79B9_7F4A_7C15 ^ (index as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    let config = Config {
        domain: shared.domain.clone(),
        display_name: format!("Agent {index}"),
        register_expires: 600,
        instance_id: format!("urn:uuid:00000000-0000-4000-8000-{index:012}"),
        user_agent: "storm".into(),
        keepalive_ms: 0,
        session_expires: 0,
    };
    let mut ua = UserAgent::new(config, Box::new(random.clone()));
    random.next();
    let credentials = sip::Credentials { user: account.user, password: account.password };
    // Registering is always accepted: it goes out once the connection is up.
    let _ = ua.command(sip::Instant::from_millis(shared.now_ms()), Command::Register(credentials));
    let mut policy = Reconnect::new(1);
    let mut attempt = policy.first();
    let mut stop = shared.stop.clone();
    loop {
        if attempt.delay_ms > 0 {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(attempt.delay_ms)) => {}
                _ = stop.changed() => return,
            }
        }
        if *stop.borrow() {
            return;
        }
        match connect(&shared.url).await {
            Some(socket) => {
                policy.connected(attempt.url);
                if session(index, &mut ua, socket, &shared, &mut stop).await == Ended::Stopped {
                    return;
                }
            }
            None => shared.report(Report::ConnectFailed),
        }
        // As the app does: a random u32 spreads the wait by ±20 %; without jitter every agent waits alike.
        let jitter = if shared.jitter.load(Ordering::Relaxed) { random.next() as u32 } else { 0 };
        attempt = policy.failed(jitter);
    }
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the WebSocket with the `sip` subprotocol (RFC 7118), as the browser does.
async fn connect(url: &str) -> Option<Socket> {
    let mut request = url.into_client_request().ok()?;
    request.headers_mut().insert("Sec-WebSocket-Protocol", HeaderValue::from_static("sip"));
    let (socket, _) = tokio_tungstenite::connect_async(request).await.ok()?;
    Some(socket)
}

#[derive(Debug, PartialEq, Eq)]
enum Ended {
    Lost,
    Stopped,
}

/// Drives the user agent over one connection until it drops or the storm stops.
async fn session(index: usize, ua: &mut UserAgent, socket: Socket, shared: &Shared, stop: &mut watch::Receiver<bool>) -> Ended {
    let (mut sink, mut stream) = socket.split();
    ua.handle_input(sip::Instant::from_millis(shared.now_ms()), Input::TransportUp);
    let ended = loop {
        if flush(index, ua, &mut sink, shared).await.is_err() {
            break Ended::Lost;
        }
        let wait = ua.poll_timeout().map_or(Duration::from_secs(3600), |at| Duration::from_millis(sip::Instant::from_millis(shared.now_ms()).millis_until(at)));
        tokio::select! {
            frame = stream.next() => match frame {
                Some(Ok(Message::Text(text))) => ua.handle_input(sip::Instant::from_millis(shared.now_ms()), Input::Frame(text.as_bytes())),
                Some(Ok(Message::Binary(bytes))) => ua.handle_input(sip::Instant::from_millis(shared.now_ms()), Input::Frame(&bytes)),
                Some(Ok(Message::Close(_)) | Err(_)) | None => break Ended::Lost,
                Some(Ok(_)) => {}
            },
            _ = tokio::time::sleep(wait) => ua.handle_input(sip::Instant::from_millis(shared.now_ms()), Input::Timeout),
            _ = stop.changed() => break Ended::Stopped,
        }
    };
    ua.handle_input(sip::Instant::from_millis(shared.now_ms()), Input::TransportDown);
    while ua.poll_output().is_some() {}
    ended
}

/// Sends what the user agent wants sent and reports what matters to the storm.
async fn flush(index: usize, ua: &mut UserAgent, sink: &mut (impl SinkExt<Message> + Unpin), shared: &Shared) -> Result<(), ()> {
    while let Some(output) = ua.poll_output() {
        match output {
            Output::Transmit(bytes) => {
                // The user agent writes UTF-8: SIP text with text bodies.
                let text = String::from_utf8(bytes).map_err(|_| ())?;
                if text.starts_with("REGISTER ") {
                    shared.report(Report::RegisterSent { at_ms: shared.now_ms() });
                }
                sink.send(Message::text(text)).await.map_err(|_| ())?;
            }
            Output::Event(Event::Registered { .. }) => shared.report(Report::Registered { agent: index, at_ms: shared.now_ms() }),
            Output::Event(Event::RegistrationFailed { .. }) => shared.report(Report::RegistrationFailed),
            Output::Event(_) => {}
        }
    }
    Ok(())
}
