//! Rejoining a call after the agent's page reloaded: the new page's user agent takes the old
//! dialog's place with an INVITE carrying Replaces (RFC 3891), and the far end, still on the
//! line, swaps the calls.

mod support;

use sip::DialogRef;
use support::*;

/// 1001 (ua 0) talks to 1002 (ua 1), then 1001's page reloads: a new user agent (new
/// randomness, the same browser's config), connected and registered again. Returns the old
/// call's Call-ID and the dialog the old page kept.
fn reloaded_mid_call(w: &mut World) -> (CallId, DialogRef) {
    let old = w.connected_call();
    let dialog = w.uas[0].dialog(&old).expect("a confirmed call has a dialog to rejoin");
    w.connection_lost(0);
    w.uas[0] = UserAgent::new(config(), Box::new(Rng(42)));
    w.connection_back(0);
    w.command(0, Command::Register(creds("1001", "pw1001")));
    assert!(w.take_events(0).iter().any(|e| matches!(e, Event::Registered { .. })));
    (old, dialog)
}

#[test]
fn only_a_confirmed_call_has_a_dialog_to_rejoin() {
    let mut w = World::two_agents();
    let ringing = w.call();
    assert_eq!(w.uas[0].dialog(&ringing), None);
    w.command(1, Command::Answer { call: ringing.clone(), sdp: "v=0 answer\r\n".into() });
    let dialog = w.uas[0].dialog(&ringing).expect("confirmed");
    assert_eq!(dialog.call_id, ringing);
    assert_ne!(dialog.local_tag, dialog.remote_tag);
    assert_eq!(dialog.remote_target.user.as_deref(), Some("1002"), "the far end's Contact: {}", dialog.remote_target);
}

#[test]
fn a_reloaded_page_takes_the_old_calls_place_and_the_far_end_hangs_the_old_one_up() {
    let mut w = World::two_agents();
    let (old, dialog) = reloaded_mid_call(&mut w);
    let new = w.place(0, NewCall::Rejoin { dialog: Box::new(dialog.clone()), sdp: "v=0 rejoin\r\n".into() });
    assert_ne!(new, old, "a new dialog");
    let invite = w.sent[0].iter().rev().find(|f| f.starts_with("INVITE")).expect("INVITE sent");
    assert!(invite.starts_with(&format!("INVITE {} SIP/2.0", dialog.remote_target)), "sent to the far end's Contact: {invite}");
    let replaces = format!("Replaces: {old};to-tag={};from-tag={}", dialog.remote_tag, dialog.local_tag);
    assert!(invite.contains(&replaces), "{invite}");

    // The far end sees a call that replaces the one it has with us, and answers it.
    match w.take_events(1).as_slice() {
        [Event::IncomingCall { call, replaces, sdp, .. }] => {
            assert_eq!((call, replaces, sdp.as_deref()), (&new, &Some(old.clone()), Some("v=0 rejoin\r\n")));
        }
        other => panic!("{other:?}"),
    }
    w.command(1, Command::Answer { call: new.clone(), sdp: "v=0 back\r\n".into() });
    assert!(w.take_events(1).contains(&Event::Ended { call: old, reason: EndReason::Replaced }));
    assert!(w.take_events(0).contains(&Event::Answered { call: new.clone(), sdp: "v=0 back\r\n".into() }));

    // The rejoined call is an ordinary call: the far end's hang-up reaches the new page.
    w.command(1, Command::HangUp { call: new.clone() });
    assert_eq!(w.take_events(0), [Event::Ended { call: new, reason: EndReason::Remote }]);
}

#[test]
fn a_far_end_that_no_longer_has_the_call_refuses_the_rejoin_with_481() {
    let mut w = World::two_agents();
    let (old, dialog) = reloaded_mid_call(&mut w);
    // The customer hung up while the page was away (the BYE found no one).
    w.command(1, Command::HangUp { call: old });
    w.take_events(1);
    let call = w.place(0, NewCall::Rejoin { dialog: Box::new(dialog), sdp: "v=0 rejoin\r\n".into() });
    assert_eq!(
        w.take_events(0),
        [Event::Ended { call, reason: EndReason::Failed(CallFailure::Refused { status: 481 }) }],
        "the rejoin ends with the far end's refusal"
    );
    assert!(w.take_events(1).is_empty(), "the far end was not offered a call");
}
