//! The softphone app: a Yew single-page app that Salesforce loads in the Lightning utility bar.
//!
//! - `phone`: the call controller, a pure state machine (no Open CTI, no DOM): `crates/phone`,
//!   re-exported here.
//! - `opencti`: the only module that knows `sforce.opencti` exists.
//! - `line`, `transport`, `media`, `timer`: the browser runtime (`crates/runtime`, free of Open
//!   CTI and Yew, shared with the Salesforce Voice connector), re-exported here.
//! - `ui`: Yew function components and the glue that performs the controller's effects.
//! - `words`: the agent's words for what the phone and the line report as typed values
//!   (`crates/words`, re-exported here).
//! - `support`: the diagnostics journal and file, and the pre-flight check.
//! - `language`: the agent's language, chosen and installed before the phone starts.

// A panic in wasm kills the agent's phone: nothing outside tests may unwrap, index or panic.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

pub mod language;
pub mod opencti;
pub use phone;
pub use runtime::{js_value, line, media, timer, transport};
pub mod support;
pub mod ui;
pub use words;
