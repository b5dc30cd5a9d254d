//! The phone's browser runtime, shared by both front ends (the Open CTI app, `softphone`, and
//! the Salesforce Voice connector, `connector`); it knows neither Yew nor Open CTI nor the
//! connector SDK:
//!
//! - `line`: the SIP user agent (`crates/sip`) driven over the transport, with media per call;
//!   it performs the controller's PBX effects and reports `phone::Event`s;
//! - `transport`, `media`: the WebSocket to the PBX and WebRTC audio;
//! - `deployment`: what the page says it trusts (fixed at deploy time);
//! - `js_value`: JavaScript values to and from plain data (`phone::value::Value`), the one walk of
//!   a value the page was given (no serde in the browser);
//! - `storage`: what a reload must not lose (calls in progress, logs, choices);
//! - `timer`: timeouts on the browser's clock;
//! - `trace`: hooks for a front end's diagnostics journal (the SIP messages, each call's stats).

// A panic in wasm kills the agent's phone: nothing outside tests may unwrap, index or panic.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

pub mod deployment;
pub mod js_value;
pub mod line;
pub mod media;
pub use phone;
pub mod storage;
pub mod timer;
pub mod trace;
pub mod transport;
