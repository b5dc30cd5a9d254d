//! A sans-IO SIP user agent for SIP over WebSocket (RFC 3261, RFC 7118).
//!
//! No sockets, no clocks, no randomness of its own: the caller feeds frames and the time in,
//! and takes frames, events and the next deadline out. The same code runs natively in tests and
//! inside the browser app.
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, clippy::string_slice)
)]

pub mod auth;
mod digest;
pub mod header;
pub mod message;
pub mod redact;
pub mod ua;
pub mod uri;

pub use message::{parse, Message, Method, ParseError, ParseErrorKind, Request, Response};
pub use uri::{NameAddr, Uri};
pub use ua::{CallFailure, CallId, Command, CommandError, Config, DialogRef, DropReason, EndReason, Event, Input, Instant, NewCall, OfferRefusal, Output, Random, RegistrationFailure, UserAgent};
pub use auth::Credentials;
