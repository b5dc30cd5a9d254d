//! What the PBX tells the service about a call, checked: the PBX is trusted, but what it relays
//! (the Call-ID, the caller's number) was written by whoever placed the call.

use std::fmt;

/// A SIP Call-ID (RFC 3261 §25.1: `word ["@" word]`), the VoiceCall's vendor call key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(String);

/// A party's number as the PBX saw it: the user part of a SIP URI (`+14155550100`, `1001`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number(String);

/// A call the PBX is offering to an agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallStart {
    pub call_id: CallId,
    /// The caller.
    pub from: Number,
    /// The number the caller dialled (the contact center's).
    pub to: Number,
    /// Unix milliseconds.
    pub started_at_ms: u64,
}

/// A call that ended (BYE, CANCEL, or a final failure).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallEnd {
    pub call_id: CallId,
    /// Unix milliseconds.
    pub ended_at_ms: u64,
}

/// Why a fact was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadFact {
    /// A field the event needs is absent.
    Missing(&'static str),
    /// The field is not a SIP Call-ID (or longer than a vendor call key may be).
    CallId,
    /// The field is not a number the service passes on.
    Number(&'static str),
}

impl fmt::Display for BadFact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadFact::Missing(field) => write!(f, "{field} is missing"),
            BadFact::CallId => f.write_str("callId is not a SIP Call-ID of at most 255 characters"),
            BadFact::Number(field) => write!(f, "{field} is not a number of at most 64 characters (digits, letters, + * # . _ -)"),
        }
    }
}

impl std::error::Error for BadFact {}

/// VoiceCall.VendorCallKey holds 255 characters.
const MAX_CALL_ID: usize = 255;
const MAX_NUMBER: usize = 64;

impl CallId {
    pub fn parse(text: &str) -> Result<CallId, BadFact> {
        let (left, right) = match text.split_once('@') {
            Some((l, r)) => (l, Some(r)),
            None => (text, None),
        };
        let word = |w: &str| !w.is_empty() && w.bytes().all(is_word_byte);
        if text.len() > MAX_CALL_ID || !word(left) || right.is_some_and(|r| !word(r)) {
            return Err(BadFact::CallId);
        }
        Ok(CallId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// RFC 3261 `word`: alphanum and `-.!%*_+`'~()<>:\"/[]?{}`.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.!%*_+`'~()<>:\\\"/[]?{}".contains(&b)
}

impl Number {
    /// `field` names the number in the refusal.
    pub fn parse(field: &'static str, text: &str) -> Result<Number, BadFact> {
        let ok = |b: u8| b.is_ascii_alphanumeric() || b"+*#._-".contains(&b);
        if text.is_empty() || text.len() > MAX_NUMBER || !text.bytes().all(ok) {
            return Err(BadFact::Number(field));
        }
        Ok(Number(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sip_call_ids_are_accepted_as_written() {
        for id in ["a84b4c76e66710@pc33.atlanta.com", "3848276298220188511@atlanta.example.com", "j2qu348ek2328ws", "x-1.y!z%(a)"] {
            assert_eq!(CallId::parse(id).map(|c| c.as_str().to_owned()), Ok(id.to_owned()));
        }
    }

    #[test]
    fn what_is_not_a_call_id_is_refused() {
        for bad in ["", "@host", "a@", "a@b@c", "has space", "line\r\nbreak", "semi;colon", "amp&er", "é"] {
            assert_eq!(CallId::parse(bad), Err(BadFact::CallId), "{bad:?}");
        }
        assert_eq!(CallId::parse(&"a".repeat(256)), Err(BadFact::CallId), "longer than VendorCallKey holds");
        assert!(CallId::parse(&"a".repeat(255)).is_ok());
    }

    #[test]
    fn numbers_are_user_parts_and_nothing_else() {
        for n in ["+14155550100", "1001", "*72", "alice", "0044-20.7946_0000#"] {
            assert!(Number::parse("from", n).is_ok(), "{n}");
        }
        for bad in ["", "a b", "<sip:x>", "x\"y", "1;tag=2", &"1".repeat(65)] {
            assert_eq!(Number::parse("from", bad), Err(BadFact::Number("from")), "{bad:?}");
        }
    }
}
