//! Salesforce Call Center definitions: with the `xml` feature, the definition files admins
//! import, their validation and the migration tools (`inventory` of code, `rollout` waves and
//! go/no-go report, `csv`); the typed softphone settings and calendar days come from
//! `callcenter-settings` (re-exported here), which the browser's phone depends on alone.
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

pub use callcenter_settings::{contact_center, credentials, date, ice, settings, trunk};

#[cfg(feature = "xml")]
pub mod csv;
#[cfg(feature = "xml")]
pub mod inventory;
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
