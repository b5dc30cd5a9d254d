//! The WebSocket to the PBX (SIP over WebSocket, RFC 7118): failover across the configured URLs,
//! reconnect with backoff and jitter. Nothing else in the app touches the socket.

pub mod reconnect;
mod socket;

pub use socket::{SendError, Transport, TransportEvent};
