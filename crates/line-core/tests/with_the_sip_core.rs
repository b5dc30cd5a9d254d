//! The line's core over the real SIP core: two agents calling each other through an in-memory
//! proxy, and a call to a PBX that plays an announcement before it answers. The user agents,
//! the proxy, the far end written by hand and the clock advanced by hand are the SIP core's own
//! scenario harness (`crates/sip/tests/support`), included by path rather than published: it is
//! the SIP core's test code, and a crate of its own would be one more API to keep for two
//! scenarios. Each agent's user agent reports to a line core of its own, whose SIP commands are
//! carried out on that user agent, as the browser's line does.

#[path = "../../sip/tests/support/mod.rs"]
mod sip_world;
mod support;

use sip_world::World;
use support::*;

/// Agent `ua`'s user agent tells its line what happened.
fn hear(w: &mut World, ua: usize, line: &mut Line) {
    for event in w.take_events(ua) {
        line.sip(event);
    }
}

/// Agent `ua`'s line has its SIP commands carried out by its user agent (then hears what they
/// did); the other operations, for the browser, are returned.
fn carry_out(w: &mut World, ua: usize, line: &mut Line) -> Vec<LineAction> {
    let mut for_the_browser = Vec::new();
    for action in line.actions() {
        match action {
            LineAction::Sip(command) => w.command(ua, command),
            other => for_the_browser.push(other),
        }
    }
    hear(w, ua, line);
    for_the_browser
}

#[test]
fn one_agent_calls_another_who_answers_then_the_caller_hangs_up() {
    let mut w = World::with_config(2, sip_world::config());
    w.register(0, "1001", "pw1001");
    w.register(1, "1002", "pw1002");
    let (mut caller, mut callee) = (Line::new(), Line::new());
    hear(&mut w, 0, &mut caller);
    hear(&mut w, 1, &mut callee);
    assert_eq!(caller.events(), [Event::Registered]);
    assert_eq!(callee.events(), [Event::Registered]);
    caller.take();
    callee.take();

    caller.core.place(call(1));
    let call_id = w.call_from(0, "1002");
    caller.core.placed(call(1), call_id.clone());
    hear(&mut w, 1, &mut callee);
    assert_eq!(callee.events(), [Event::IncomingCall { call_id: call_id.to_string(), number: "1001".into(), display_name: "Agent".into(), replaces: None }]);

    // The callee's phone names the call 7: it rings, and the caller hears it ring.
    callee.core.ring(call(7), &call_id);
    carry_out(&mut w, 1, &mut callee);
    hear(&mut w, 0, &mut caller);
    assert_eq!(caller.events(), [Event::OutgoingCallStarted { call: call(1), call_id: call_id.to_string() }, Event::RemoteRinging { call: call(1) }]);

    let answering = callee.core.answer(call(7)).expect("the call rings");
    w.command(1, Command::Answer { call: answering.call_id, sdp: "v=0 answer\r\n".into() });
    hear(&mut w, 0, &mut caller);
    assert_eq!(caller.actions(), [LineAction::ApplyFarSdp { call: call(1), sdp: "v=0 answer\r\n".into(), kind: FarSdp::Answer }]);
    caller.core.far_sdp_applied(call(1), FarSdp::Answer);
    assert_eq!(caller.events(), [Event::CallConnected { call: call(1) }]);
    hear(&mut w, 1, &mut callee);
    assert_eq!(callee.events(), [Event::CallConnected { call: call(7) }], "the caller's ACK confirms it");

    caller.core.hang_up(call(1));
    assert_eq!(carry_out(&mut w, 0, &mut caller), [LineAction::ReleaseMedia { call: call(1) }, LineAction::PrepareSpare]);
    assert_eq!(caller.events(), [], "the caller's phone knows: it hung up");
    hear(&mut w, 1, &mut callee);
    assert_eq!(callee.events(), [Event::CallEnded { call: call(7), reason: EndReason::RemoteHangup }]);
    assert_eq!(callee.actions(), [LineAction::ReleaseMedia { call: call(7) }, LineAction::PrepareSpare]);
}

#[test]
fn a_pbx_announcement_is_heard_before_the_answer() {
    let (mut w, call_id, invite) = World::calling_the_far_end();
    let mut line = Line::new();
    line.core.place(call(1));
    line.core.placed(call(1), call_id.clone());
    hear(&mut w, 0, &mut line);
    line.take();

    w.far_respond(&invite, 183, "", Some(ANNOUNCEMENT));
    hear(&mut w, 0, &mut line);
    assert_eq!(line.actions(), [LineAction::ApplyFarSdp { call: call(1), sdp: ANNOUNCEMENT.into(), kind: FarSdp::Early }]);
    line.core.far_sdp_applied(call(1), FarSdp::Early);
    assert_eq!(line.events(), [Event::EarlyMedia { call: call(1) }]);

    // The PBX answers without a new description: the announcement's stands.
    w.far_respond(&invite, 200, "", None);
    hear(&mut w, 0, &mut line);
    assert_eq!(line.actions(), [LineAction::ApplyFarSdp { call: call(1), sdp: ANNOUNCEMENT.into(), kind: FarSdp::Answer }]);
    line.core.far_sdp_applied(call(1), FarSdp::Answer);
    assert_eq!(line.events(), [Event::CallConnected { call: call(1) }]);
}
