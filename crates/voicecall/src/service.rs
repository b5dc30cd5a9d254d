//! The service's threads: the two listeners (a thread per connection, up to a limit) and the
//! sender, which hands the registry's requests to the HTTPS client (a thread per request, up to a
//! limit) and feeds the answers back.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use rustls::{ServerConfig, ServerConnection, StreamOwned};

use crate::calls::{Request, RequestKind};
use crate::client::Client;
use crate::http;
use crate::routes::{unix_ms, Listener, Shared};

/// Connections served at once per listener; more are closed at once (a lookup holds its
/// connection up to 20 s, so this also bounds the threads a flood of lookups can take).
const MAX_CONNECTIONS: usize = 512;
/// Requests to Salesforce in flight at once.
const MAX_SENDS: usize = 32;
/// How long a client may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Accepts connections on `listener` forever, answering each on its own thread; with `tls`,
/// over TLS (the lookup listener, which browsers reach).
pub fn serve(shared: Arc<Shared>, socket: TcpListener, kind: Listener, tls: Option<Arc<ServerConfig>>) {
    let open = Arc::new(AtomicUsize::new(0));
    for stream in socket.incoming() {
        let Ok(stream) = stream else { continue };
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            continue;
        }
        let (shared, open, tls) = (shared.clone(), open.clone(), tls.clone());
        thread::spawn(move || {
            let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
            let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
            match tls {
                Some(config) => {
                    if let Ok(connection) = ServerConnection::new(config) {
                        exchange(&shared, kind, &mut StreamOwned::new(connection, stream));
                    }
                }
                None => exchange(&shared, kind, &mut PlainStream(stream)),
            }
            open.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

fn exchange(shared: &Shared, kind: Listener, stream: &mut (impl Read + Write)) {
    let Ok(request) = http::read_request(stream) else { return };
    let answer = shared.answer(kind, &request);
    let _ = http::write_response(stream, &answer);
}

/// A TCP stream as `Read + Write` by value (so both kinds of stream go through one function).
struct PlainStream(TcpStream);

impl Read for PlainStream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl Write for PlainStream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Sends what the registry asks for, forever.
pub fn send_forever(shared: Arc<Shared>, client: Arc<Client>) {
    let in_flight = Arc::new(AtomicUsize::new(0));
    loop {
        let due = {
            let mut registry = shared.registry();
            let now = shared.now();
            registry.handle_timeout(now);
            let mut due = Vec::new();
            while in_flight.load(Ordering::SeqCst) + due.len() < MAX_SENDS {
                let Some(request) = registry.poll_request() else { break };
                due.push(request);
            }
            let wait = registry.poll_timeout().map_or(1_000, |at| at.saturating_sub(now)).clamp(1, 1_000);
            if due.is_empty() {
                let _ = shared.changed.wait_timeout(registry, Duration::from_millis(wait));
            }
            due
        };
        for request in due {
            in_flight.fetch_add(1, Ordering::SeqCst);
            let (shared, client, in_flight) = (shared.clone(), client.clone(), in_flight.clone());
            thread::spawn(move || {
                let answer = client.send(&request, unix_ms() / 1000);
                log_answer(&request, &answer);
                shared.registry().answered(shared.now(), request.id, answer);
                in_flight.fetch_sub(1, Ordering::SeqCst);
                shared.changed.notify_all();
            });
        }
    }
}

fn log_answer(request: &Request, answer: &crate::calls::Answer) {
    let (what, call_id) = match &request.kind {
        RequestKind::Create(start) => ("create", &start.call_id),
        RequestKind::Reconcile { start, .. } => ("reconcile", &start.call_id),
    };
    eprintln!("voicecall: {what} for call {call_id}: {answer:?}");
}
