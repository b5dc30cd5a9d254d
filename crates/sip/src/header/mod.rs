//! Header syntax shared by the parsers, and the typed headers the user agent reads and writes.

pub mod params;
pub(crate) mod syntax;

pub use params::Params;
