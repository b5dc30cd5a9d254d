//! The softphone app: a Yew single-page app that Salesforce loads in the Lightning utility bar.
//!
//! - `phone`: the call controller, a pure state machine (no Open CTI, no DOM).
//! - `opencti`: the only module that knows `sforce.opencti` exists.
//! - `transport`, `media`: the WebSocket to the PBX and WebRTC audio (free of Open CTI).
//! - `ui`: Yew function components and the glue that performs the controller's effects.

pub mod media;
pub mod opencti;
pub mod phone;
pub mod transport;
pub mod ui;
