//! Salesforce Call Center definitions. See README.md.
