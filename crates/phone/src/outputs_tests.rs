//! The speaker and ringer outputs, as an agent would describe them.

use super::outputs::{AudioOutput, OutputChoices, OutputRole};
use super::tests::at;
use super::*;

fn headset() -> AudioOutput {
    AudioOutput { id: "h1".into(), label: "Headset (USB)".into() }
}

fn laptop() -> AudioOutput {
    AudioOutput { id: "l1".into(), label: "Built-in speakers".into() }
}

fn phone_with_outputs() -> Phone {
    let mut phone = tests::registered_phone();
    phone.handle_event(at(1_000), Event::OutputsFound(vec![headset(), laptop()]));
    phone
}

fn remembered(effects: &[Effect]) -> Option<&OutputChoices> {
    effects.iter().find_map(|e| match e {
        Effect::RememberOutputs(choices) => Some(choices),
        _ => None,
    })
}

#[test]
fn choosing_a_speaker_plays_the_calls_there_and_remembers_it() {
    let mut phone = phone_with_outputs();
    let effects = phone.handle_intent(at(2_000), Intent::ChooseSpeaker(Some("h1".into())));
    assert!(effects.contains(&Effect::UseSpeaker(Some("h1".into()))), "{effects:?}");
    assert_eq!(remembered(&effects), Some(&OutputChoices { speaker: Some("h1".into()), ringer: None }));
    assert_eq!(phone.outputs().in_use(OutputRole::Speaker), Some("h1"));
    assert!(!effects.iter().any(|e| matches!(e, Effect::UseRinger(_))), "the ringer stays where it was");

    let again = phone.handle_intent(at(3_000), Intent::ChooseSpeaker(Some("h1".into())));
    assert!(!again.iter().any(|e| matches!(e, Effect::UseSpeaker(_) | Effect::RememberOutputs(_))), "{again:?}");
}

#[test]
fn the_ring_can_sound_on_the_laptop_while_calls_play_in_the_headset() {
    let mut phone = phone_with_outputs();
    phone.handle_intent(at(2_000), Intent::ChooseSpeaker(Some("h1".into())));
    let effects = phone.handle_intent(at(3_000), Intent::ChooseRinger(Some("l1".into())));
    assert!(effects.contains(&Effect::UseRinger(Some("l1".into()))), "{effects:?}");
    assert_eq!(remembered(&effects), Some(&OutputChoices { speaker: Some("h1".into()), ringer: Some("l1".into()) }));
    assert_eq!(phone.outputs().in_use(OutputRole::Speaker), Some("h1"));
    assert_eq!(phone.outputs().in_use(OutputRole::Ringer), Some("l1"));
}

#[test]
fn choosing_the_browser_default_remembers_no_device() {
    let mut phone = phone_with_outputs();
    phone.handle_intent(at(2_000), Intent::ChooseSpeaker(Some("h1".into())));
    let effects = phone.handle_intent(at(3_000), Intent::ChooseSpeaker(None));
    assert!(effects.contains(&Effect::UseSpeaker(None)), "{effects:?}");
    assert_eq!(remembered(&effects), Some(&OutputChoices::default()));
}

#[test]
fn a_remembered_choice_is_used_once_the_browser_lists_the_device() {
    let mut phone = tests::registered_phone();
    phone.restore_outputs(OutputChoices { speaker: Some("h1".into()), ringer: Some("l1".into()) });
    assert_eq!(phone.outputs().in_use(OutputRole::Speaker), None, "nothing is listed yet");
    let effects = phone.handle_event(at(1_000), Event::OutputsFound(vec![headset(), laptop()]));
    assert!(effects.contains(&Effect::UseSpeaker(Some("h1".into()))), "{effects:?}");
    assert!(effects.contains(&Effect::UseRinger(Some("l1".into()))), "{effects:?}");
    assert_eq!(phone.notice(), None);
}

#[test]
fn a_remembered_headset_not_plugged_in_leaves_the_default_quietly() {
    let mut phone = tests::registered_phone();
    phone.restore_outputs(OutputChoices { speaker: Some("h1".into()), ringer: None });
    let effects = phone.handle_event(at(1_000), Event::OutputsFound(vec![laptop()]));
    assert!(!effects.iter().any(|e| matches!(e, Effect::UseSpeaker(_))), "the default plays already: {effects:?}");
    assert_eq!(phone.notice(), None, "nothing changed for the agent");
    assert_eq!(phone.outputs().chosen(OutputRole::Speaker), Some("h1"), "the choice is kept for when it is back");
}

#[test]
fn an_unplugged_speaker_falls_back_to_the_default_and_the_agent_is_told() {
    let mut phone = phone_with_outputs();
    phone.handle_intent(at(2_000), Intent::ChooseSpeaker(Some("h1".into())));
    let effects = phone.handle_event(at(3_000), Event::OutputsFound(vec![laptop()]));
    assert_eq!(effects, vec![Effect::UseSpeaker(None)]);
    assert_eq!(phone.notice(), Some(&Notice::OutputGone { roles: vec![OutputRole::Speaker], device: Some("Headset (USB)".into()) }));
    assert!(!effects.iter().any(|e| matches!(e, Effect::RememberOutputs(_))), "the agent's choice is not forgotten");
}

#[test]
fn a_headset_used_for_both_is_reported_once() {
    let mut phone = phone_with_outputs();
    phone.handle_intent(at(2_000), Intent::ChooseSpeaker(Some("h1".into())));
    phone.handle_intent(at(2_500), Intent::ChooseRinger(Some("h1".into())));
    let effects = phone.handle_event(at(3_000), Event::OutputsFound(vec![laptop()]));
    assert!(effects.contains(&Effect::UseSpeaker(None)) && effects.contains(&Effect::UseRinger(None)), "{effects:?}");
    assert_eq!(
        phone.notice(),
        Some(&Notice::OutputGone { roles: vec![OutputRole::Speaker, OutputRole::Ringer], device: Some("Headset (USB)".into()) })
    );
}

#[test]
fn a_headset_plugged_in_again_plays_the_calls_again() {
    let mut phone = phone_with_outputs();
    phone.handle_intent(at(2_000), Intent::ChooseSpeaker(Some("h1".into())));
    phone.handle_event(at(3_000), Event::OutputsFound(vec![laptop()]));
    let effects = phone.handle_event(at(4_000), Event::OutputsFound(vec![laptop(), headset()]));
    assert_eq!(effects, vec![Effect::UseSpeaker(Some("h1".into()))]);
}

#[test]
fn a_device_list_without_changes_for_the_phone_does_nothing() {
    let mut phone = phone_with_outputs();
    phone.handle_intent(at(2_000), Intent::ChooseSpeaker(Some("h1".into())));
    let another = AudioOutput { id: "b1".into(), label: "Bluetooth".into() };
    let effects = phone.handle_event(at(3_000), Event::OutputsFound(vec![headset(), laptop(), another]));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(phone.outputs().found().len(), 3, "the new device can be chosen");
}

#[test]
fn a_ringer_the_browser_cannot_find_falls_back_and_the_agent_is_told() {
    let mut phone = phone_with_outputs();
    phone.handle_intent(at(2_000), Intent::ChooseRinger(Some("l1".into())));
    let effects = phone.handle_event(at(3_000), Event::OutputFailed { role: OutputRole::Ringer, device: "l1".into(), gone: true });
    assert_eq!(effects, vec![Effect::UseRinger(None)]);
    assert_eq!(phone.notice(), Some(&Notice::OutputGone { roles: vec![OutputRole::Ringer], device: Some("Built-in speakers".into()) }));
}

#[test]
fn an_output_refused_for_another_reason_says_it_could_not_be_used() {
    let mut phone = phone_with_outputs();
    phone.handle_intent(at(2_000), Intent::ChooseSpeaker(Some("h1".into())));
    let effects = phone.handle_event(at(3_000), Event::OutputFailed { role: OutputRole::Speaker, device: "h1".into(), gone: false });
    assert_eq!(effects, vec![Effect::UseSpeaker(None)]);
    assert_eq!(phone.notice(), Some(&Notice::OutputRefused { role: OutputRole::Speaker, device: Some("Headset (USB)".into()) }));
}

#[test]
fn a_late_refusal_for_an_output_no_longer_in_use_changes_nothing() {
    let mut phone = phone_with_outputs();
    phone.handle_intent(at(2_000), Intent::ChooseSpeaker(Some("h1".into())));
    phone.handle_intent(at(2_100), Intent::ChooseSpeaker(Some("l1".into())));
    let effects = phone.handle_event(at(2_200), Event::OutputFailed { role: OutputRole::Speaker, device: "h1".into(), gone: true });
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(phone.outputs().in_use(OutputRole::Speaker), Some("l1"));
    assert_eq!(phone.notice(), None);
}

#[test]
fn remembered_choices_read_back_and_a_partial_record_reads_as_defaults() {
    let choices = OutputChoices { speaker: Some("h1".into()), ringer: None };
    assert_eq!(OutputChoices::from_value(&choices.to_value()), Some(choices));
    let partial = OutputChoices::from_value(&crate::value::parse_json(r#"{"ringer":"l1"}"#));
    assert_eq!(partial, Some(OutputChoices { speaker: None, ringer: Some("l1".into()) }));
}
