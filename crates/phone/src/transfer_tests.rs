//! Transfers as the agent lives them: blind, after a consultation, and asked by the other party.

use super::*;
use super::tests::*;
