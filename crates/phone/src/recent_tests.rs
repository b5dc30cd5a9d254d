//! Recent calls as the agent uses them: a missed call called back in one click.

use super::*;
use crate::Effect;
use crate::tests::registered_phone;
use crate::tests::*;
use crate::{EndReason, Event, Intent, Stage};

#[test]
fn a_missed_call_heads_the_list_and_one_click_calls_it_back() {
    let mut phone = registered_phone();
    phone.handle_event(
        at(1_000),
        Event::IncomingCall { call_id: "c1".into(), number: "+1 650 555 0199".into(), display_name: String::new(), replaces: None },
    );
    phone.handle_event(at(9_000), Event::CallEnded { call: id(&phone, "c1"), reason: EndReason::Missed });
    let [missed] = phone.recent() else { panic!("{:?}", phone.recent()) };
    assert!(missed.missed && missed.direction == CallDirection::Inbound);
    assert_eq!(missed.who(), "+16505550199", "kept in one form, E.164, however the PBX wrote it");
    let effects = phone.handle_intent(at(10_000), Intent::CallBack(0));
    assert_eq!(dialled(&effects), Some("+16505550199"), "{effects:?}");
    let call = the_call(&phone);
    assert!(call.stage() == Stage::Dialing && call.number() == "+16505550199", "{call:?}");
}

#[test]
fn an_answered_call_is_not_missed_and_the_list_keeps_fifty() {
    let mut phone = registered_phone();
    phone.handle_event(at(1_000), Event::IncomingCall { call_id: "c1".into(), number: "1002".into(), display_name: String::new(), replaces: None });
    phone.handle_event(at(2_000), Event::CallConnected { call: id(&phone, "c1") });
    phone.handle_event(at(9_000), Event::CallEnded { call: id(&phone, "c1"), reason: EndReason::RemoteHangup });
    assert!(!phone.recent()[0].missed);
    let many = vec![phone.recent()[0].clone(); 70];
    phone.restore_recent(many);
    assert_eq!(phone.recent().len(), RECENT_KEPT);
}

#[test]
fn calling_back_while_a_call_rings_is_refused_with_a_reason() {
    let mut phone = registered_phone();
    phone.restore_recent(vec![RecentCall {
        direction: CallDirection::Outbound,
        number: "1002".into(),
        record: None,
        started_at: at(0),
        duration_s: 5,
        missed: false,
    }]);
    phone.handle_event(at(1_000), Event::IncomingCall { call_id: "c1".into(), number: "1003".into(), display_name: String::new(), replaces: None });
    assert!(!phone.handle_intent(at(2_000), Intent::CallBack(0)).iter().any(|e| matches!(e, Effect::Dial { .. })));
    assert!(phone.notice().is_some());
}
