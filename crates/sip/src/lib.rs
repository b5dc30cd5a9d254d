//! A sans-IO SIP user agent. See README.md.
