//! Mounts the softphone into the page Salesforce frames.
// The app is mounted once `ui` (which needs `opencti`) is wired into lib.rs.
fn main() {}
