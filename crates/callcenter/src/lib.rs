//! Salesforce Call Center definitions: the typed settings the softphone reads from
//! `getCallCenterSettings` and the calendar `date` (always available, no dependencies, ship in
//! the wasm app) and,
//! with the `xml` feature, the definition files admins import and the migration tools
//! (`inventory` of code, `rollout` waves and go/no-go report, `csv`).
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

pub mod contact_center;
pub mod credentials;
#[cfg(feature = "xml")]
pub mod csv;
pub mod date;
pub mod ice;
#[cfg(feature = "xml")]
pub mod inventory;
pub mod settings;
pub mod trunk;
#[cfg(feature = "xml")]
pub mod definition;
#[cfg(feature = "xml")]
pub mod migrate;
#[cfg(feature = "xml")]
pub mod report;
#[cfg(feature = "xml")]
pub mod rollout;
#[cfg(feature = "xml")]
pub mod validate;
#[cfg(feature = "xml")]
pub mod voice_migrate;

pub use settings::{CredentialSource, DialingOptions, IceServer, IceSettings, IceTransportPolicy, ReadSettings, SettingProblem, SettingsError, SettingsMap, SoftphoneSettings};
pub use trunk::{AudioCodec, NumberFormat};
#[cfg(feature = "xml")]
pub use definition::{Definition, Form, Item, ParseError, Section};
#[cfg(feature = "xml")]
pub use validate::{validate, Diagnostic, Severity};
