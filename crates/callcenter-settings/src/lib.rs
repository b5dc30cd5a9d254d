//! The softphone's typed settings, read from a Call Center's settings map (what Open CTI's
//! `getCallCenterSettings` returns, or a Salesforce Voice contact center's), and calendar days.
//! No dependencies: the browser's phone depends on this crate alone, while the admin tool
//! (`crates/callcenter`: definition files, migration, rollout) builds on it.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

pub mod contact_center;
pub mod credentials;
pub mod date;
pub mod ice;
pub mod settings;
pub mod trunk;

pub use settings::{CredentialSource, DialingOptions, IceServer, IceSettings, IceTransportPolicy, ReadSettings, SettingProblem, SettingsError, SettingsMap, SoftphoneSettings};
pub use trunk::{AudioCodec, NumberFormat};
