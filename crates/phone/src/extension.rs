//! An extension written on a record ("x123"), keyed in as DTMF once the far end answers.
//!
//! The digits wait a moment after the answer, so a switchboard's greeting or menu is listening,
//! then go one per tick of the controller's clock: the browser's DTMF sender replaces tones it
//! has not played yet, so digits sent together would be lost.

use crate::clock::Time;

/// How long after the answer the first digit goes.
pub const PAUSE_AFTER_ANSWER_MS: u64 = 2_000;

/// The extension of the call being placed, and how far keying it in has got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyedExtension {
    digits: String,
    /// When the next digit may go; `None` until the call is answered.
    due: Option<Time>,
    sent: usize,
}

impl KeyedExtension {
    /// An extension to key in once the call is answered.
    pub fn new(digits: String) -> Self {
        KeyedExtension { digits, due: None, sent: 0 }
    }

    /// The whole extension, e.g. "123".
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// The far end answered at `now`: start keying in after the pause.
    pub fn answered(&mut self, now: Time) {
        self.due.get_or_insert(now + PAUSE_AFTER_ANSWER_MS);
    }

    /// The digit to send at `now`, if one is due.
    pub fn next_digit(&mut self, now: Time) -> Option<char> {
        if self.due.is_none_or(|due| now < due) {
            return None;
        }
        let digit = self.digits.chars().nth(self.sent)?;
        self.sent += 1;
        Some(digit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialing::DialingRules;
    use crate::tests::*;
    use crate::{Credentials, Effect, Event, Intent, Phone, Secret};

    #[test]
    fn nothing_is_keyed_in_before_the_answer_and_the_pause_after_it() {
        let mut extension = KeyedExtension::new("12".into());
        assert_eq!(extension.next_digit(at(10_000)), None);
        extension.answered(at(10_000));
        assert_eq!(extension.next_digit(at(11_000)), None);
        assert_eq!(extension.next_digit(at(12_000)), Some('1'));
        assert_eq!(extension.next_digit(at(13_000)), Some('2'));
        assert_eq!(extension.next_digit(at(14_000)), None);
    }

    fn digits_sent(effects: &[Effect]) -> String {
        effects.iter().filter_map(|e| if let Effect::SendDigit { digit, .. } = e { Some(*digit) } else { None }).collect()
    }

    #[test]
    fn the_phone_keys_in_a_records_extension_after_the_answer_one_digit_a_second() {
        let mut phone = Phone::new(DialingRules::default());
        phone.handle_intent(at(0), Intent::SignIn(Credentials { user: "1001".into(), password: Secret::new("pw".into()), display_name: String::new(), auth_user: None }));
        phone.handle_event(at(0), Event::Registered);
        phone.handle_event(at(1_000), Event::ClickToDial { number: "+1 415 555 0100 ext. 123".into(), record: None });
        let effects = phone.handle_intent(at(2_000), Intent::Call);
        assert_eq!(dialled(&effects), Some("+14155550100"), "{effects:?}");
        assert_eq!(the_call(&phone).extension().map(KeyedExtension::digits), Some("123"));
        phone.handle_event(at(2_010), started(&phone, "c1"));
        assert_eq!(digits_sent(&phone.tick(at(5_000))), "", "nothing before the answer");
        phone.handle_event(at(10_000), Event::CallConnected { call: id(&phone, "c1") });
        let sent: String = (11..=16).map(|s| digits_sent(&phone.tick(at(s * 1_000)))).collect();
        assert_eq!(sent, "123");
        assert_eq!(digits_sent(&phone.tick(at(12_000))), "");
        phone.handle_intent(at(20_000), Intent::HangUp(current(&phone)));
        assert!(phone.calls().is_empty(), "the extension went with the call");
    }

    #[test]
    fn a_call_without_an_extension_keys_nothing_in() {
        let mut phone = Phone::new(DialingRules::default());
        phone.handle_intent(at(0), Intent::SignIn(Credentials { user: "1001".into(), password: Secret::new("pw".into()), display_name: String::new(), auth_user: None }));
        phone.handle_event(at(0), Event::Registered);
        phone.handle_intent(at(1_000), Intent::EnterNumber("1002".into()));
        phone.handle_intent(at(2_000), Intent::Call);
        phone.handle_event(at(2_010), started(&phone, "c1"));
        phone.handle_event(at(3_000), Event::CallConnected { call: id(&phone, "c1") });
        let sent: String = (4..=10).map(|s| digits_sent(&phone.tick(at(s * 1_000)))).collect();
        assert_eq!(sent, "");
    }
}
