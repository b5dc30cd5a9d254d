//! The Salesforce Voice connector: the phone behind `@salesforce/scv-connector-base` (unmodified,
//! 3.6.2), for Salesforce Voice with Partner Telephony. Salesforce's Omni-Channel draws the call
//! controls and calls the connector's methods; the connector drives the same controller
//! (`crates/phone`), SIP core and browser runtime (`crates/runtime`) as the Open CTI phone, and
//! publishes what starts on the telephony side. No Yew, no Open CTI.
//!
//! - `bridge`: what Salesforce was told of each call, and what to publish (pure);
//! - `methods`: each SDK method's checks and what it asks of the phone (pure);
//! - `sdk`: the SDK's classes and functions, through wasm-bindgen;
//! - `connector`, `effects`, `lookup`, `login`: the running connector.
//!
//! `web/sdk-3.js` shapes the exported object as the SDK 3.x wants it (one `VendorConnector`);
//! moving to SDK 4.x (a `VendorConnector` and a `TelephonyConnector`) changes only that file.

// A panic in wasm kills the agent's phone: nothing outside tests may unwrap, index or panic.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

pub mod bridge;
#[cfg(test)]
mod bridge_tests;
pub mod methods;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod connector;
#[cfg(target_arch = "wasm32")]
mod effects;
#[cfg(target_arch = "wasm32")]
mod login;
#[cfg(target_arch = "wasm32")]
mod lookup;
#[cfg(target_arch = "wasm32")]
mod sdk;
#[cfg(target_arch = "wasm32")]
mod start;
