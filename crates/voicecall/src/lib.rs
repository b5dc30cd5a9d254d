//! The VoiceCall service: the server side Salesforce Voice with Partner Telephony requires.
//!
//! An inbound call reaches an agent's Salesforce Voice connector only with a VoiceCall record,
//! which the telephony side must create through the Telephony Integration REST API with a JWT
//! signed by the contact center's private key. That key must never reach a browser, so this
//! small service sits beside the PBX: Kamailio tells it of each call offered to an agent
//! (`dev/pbx/kamailio.cfg.in`, `WITH_VOICECALL`), it creates the VoiceCall (vendor call key:
//! the SIP Call-ID), and the connector asks it for the VoiceCall's Id while the call rings.
//!
//! - `calls`: the sans-IO registry (every rule: once per call, retries, reconciliation);
//! - `retry`: which answers are retried, and the backoff;
//! - `facts`: the PBX's call events, checked;
//! - `scrt`: the REST requests' form; `jwt`: the bearer token;
//! - `client`, `http`, `service`, `routes`: the I/O shell.

// A panic would drop every call the service holds: nothing outside tests may unwrap or index.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

pub mod calls;
#[cfg(test)]
mod calls_tests;
pub mod client;
pub mod facts;
pub mod http;
pub mod jwt;
pub mod retry;
pub mod routes;
pub mod scrt;
pub mod service;
