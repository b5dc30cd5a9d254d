//! Several calls at once, as the agent lives them: a call waiting, a swap, a hold refused.

use super::*;
use super::tests::*;
