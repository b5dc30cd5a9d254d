//! Commands that cannot be carried out say why, and send nothing.

mod support;

use support::*;

/// Every command that names a call, aimed at `call`.
fn commands_on(call: &str) -> Vec<Command> {
    let call = CallId::from(call);
    vec![
        Command::Ring { call: call.clone() },
        Command::Answer { call: call.clone(), sdp: "v=0\r\n".into() },
        Command::Decline { call: call.clone(), busy: true },
        Command::Unavailable { call: call.clone() },
        Command::HangUp { call: call.clone() },
        Command::Reinvite { call: call.clone(), sdp: "v=0\r\n".into() },
        Command::AnswerReinvite { call: call.clone(), sdp: "v=0\r\n".into() },
        Command::SendDtmf { call: call.clone(), digit: '1', duration_ms: 100 },
        Command::Transfer { call: call.clone(), target: Uri::sip("1003", DOMAIN) },
        Command::TransferAttended { call: call.clone(), replacing: "nosuchcall".into() },
        Command::DeclineTransfer { call },
    ]
}

#[test]
fn a_command_on_an_unknown_call_is_refused_and_sends_nothing() {
    let mut w = World::two_agents();
    for command in commands_on("nosuchcall") {
        let sent = w.sent[0].len();
        assert_eq!(w.try_command(0, command.clone()), Err(CommandError::UnknownCall), "{command:?}");
        assert_eq!(w.sent[0].len(), sent, "nothing sent for {command:?}");
        assert_eq!(w.take_events(0), [], "{command:?}");
    }
    // Following a transfer names a call too: no new call starts.
    let sent = w.sent[0].len();
    assert_eq!(w.try_place(0, NewCall::Referred { call: "nosuchcall".into(), sdp: "v=0\r\n".into() }), Err(CommandError::UnknownCall));
    assert_eq!(w.sent[0].len(), sent, "no INVITE for a transfer of an unknown call");
    assert_eq!(w.take_events(0), []);
}

#[test]
fn a_command_for_another_state_of_the_call_is_refused() {
    let mut w = World::two_agents();
    let call = w.connected_call();
    let sent = w.sent[1].len();
    assert_eq!(w.try_command(1, Command::Answer { call: call.clone(), sdp: "v=0\r\n".into() }), Err(CommandError::WrongState), "answered already");
    assert_eq!(w.try_command(1, Command::Ring { call: call.clone() }), Err(CommandError::WrongState));
    assert_eq!(w.try_command(1, Command::AnswerReinvite { call: call.clone(), sdp: "v=0\r\n".into() }), Err(CommandError::NothingPending), "no re-INVITE came");
    assert_eq!(w.try_place(1, NewCall::Referred { call: call.clone(), sdp: "v=0\r\n".into() }), Err(CommandError::NothingPending), "no REFER came");
    assert_eq!(w.sent[1].len(), sent, "nothing sent");

    let ringing = w.call_from(0, "1002");
    assert_eq!(w.try_command(0, Command::Reinvite { call: ringing.clone(), sdp: "v=0\r\n".into() }), Err(CommandError::WrongState), "not established yet");
    assert_eq!(w.try_command(0, Command::Transfer { call: ringing, target: Uri::sip("1003", DOMAIN) }), Err(CommandError::WrongState));
}

#[test]
fn a_second_transfer_while_the_first_is_under_way_is_refused() {
    let mut w = World::three_agents();
    let call = w.connected_call();
    w.command(0, Command::Transfer { call: call.clone(), target: Uri::sip("1003", DOMAIN) });
    let refers = w.count_sent(0, "REFER");
    assert_eq!(w.try_command(0, Command::Transfer { call, target: Uri::sip("1003", DOMAIN) }), Err(CommandError::TransferPending));
    assert_eq!(w.count_sent(0, "REFER"), refers, "one REFER at a time");
}
