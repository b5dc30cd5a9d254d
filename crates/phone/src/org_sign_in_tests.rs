//! Signing in with the org's credentials, as an agent would notice it: no form, registered by
//! itself, renewed before expiry, patient with a Salesforce that does not answer, and the form
//! (when the definition allows it) only when the org cannot sign them in.

use callcenter_settings::CredentialSource;

use super::*;
use crate::reasons::RegistrationFailure;
use crate::tests::{at, crm};

const ORG: CredentialSource = CredentialSource::Org { password_fallback: true };

fn grant(extension: &str, expires: u64) -> OrgGrant {
    let minted = |secret: &str| Minted { username: format!("{expires}:{extension}"), password: Secret::new(format!("{secret}-{expires}")) };
    OrgGrant { extension: extension.into(), ttl_s: 3600, sip: minted("sip"), turn: Some(minted("turn")) }
}

fn org_phone(source: CredentialSource) -> Phone {
    let mut phone = Phone::new(dialing::DialingRules::default());
    phone.set_credential_source(source);
    phone
}

fn connected_with(effects: &[Effect]) -> Option<&Credentials> {
    effects.iter().find_map(|e| if let Effect::Connect(c) | Effect::Renew(c) = e { Some(c) } else { None })
}

fn asks(effects: &[Effect]) -> bool {
    effects.contains(&Effect::FetchCredentials)
}

/// Owning the line, granted 1001's credentials and registered, at time 0.
fn signed_in() -> Phone {
    let mut phone = org_phone(ORG);
    assert!(asks(&phone.start_org_sign_in()));
    phone.handle_event(at(0), Event::CredentialsGranted(grant("1001", 3600)));
    phone.handle_event(at(0), Event::Registered);
    phone
}

#[test]
fn the_phone_signs_in_with_the_orgs_credentials_without_a_form() {
    let mut phone = org_phone(ORG);
    assert!(!phone.offers_password_form(), "no form while the org is asked");
    assert!(asks(&phone.start_org_sign_in()));
    let effects = phone.handle_event(at(0), Event::CredentialsGranted(grant("1001", 3600)));
    let credentials = connected_with(&effects).expect("connects");
    assert_eq!((credentials.user.as_str(), credentials.auth_user.as_deref()), ("1001", Some("3600:1001")));
    assert_eq!(credentials.password.expose(), "sip-3600");
    assert!(effects.iter().any(|e| matches!(e, Effect::UseTurn { ttl_s: 3600, credential } if credential.username == "3600:1001")));
    phone.handle_event(at(0), Event::Registered);
    assert_eq!(phone.agent_user(), Some("1001"));
    assert!(!phone.offers_password_form());
}

#[test]
fn credentials_are_renewed_at_three_quarters_of_their_life_and_the_registration_goes_on() {
    let mut phone = signed_in();
    assert!(!asks(&phone.tick(at(2_699_000))));
    assert!(asks(&phone.tick(at(2_700_000))), "renewed 15 minutes before expiry");
    assert!(!asks(&phone.tick(at(2_701_000))), "asked once");
    let effects = phone.handle_event(at(2_701_000), Event::CredentialsGranted(grant("1001", 6301)));
    assert_eq!(connected_with(&effects).and_then(|c| c.auth_user.as_deref()), Some("6301:1001"));
    assert!(effects.iter().any(|e| matches!(e, Effect::Renew(_))), "the line registers again on its connection: {effects:?}");
    assert_eq!(phone.registration(), &Registration::Registered);
}

#[test]
fn a_user_moved_to_another_extension_registers_it_at_the_next_renewal() {
    let mut phone = signed_in();
    phone.tick(at(2_700_000));
    let effects = phone.handle_event(at(2_700_000), Event::CredentialsGranted(grant("1004", 6300)));
    assert_eq!(connected_with(&effects).map(|c| c.user.as_str()), Some("1004"));
    assert_eq!(phone.agent_user(), Some("1004"));
}

#[test]
fn a_salesforce_that_does_not_answer_is_asked_again_ever_more_slowly_never_in_a_fast_loop() {
    let mut phone = org_phone(ORG);
    phone.start_org_sign_in();
    let mut now = at(0);
    let mut waits = Vec::new();
    for _ in 0..8 {
        phone.handle_event(now, Event::CredentialsUnavailable(crm("Salesforce did not answer runApex within 10 s")));
        let OrgSignIn::Waiting { retry_at, .. } = phone.org_sign_in().clone() else { panic!("waiting: {:?}", phone.org_sign_in()) };
        waits.push(retry_at.millis_since(now));
        // Every second until then: nothing is asked.
        while now + 1_000 < retry_at {
            now = now + 1_000;
            assert!(!asks(&phone.tick(now)), "asked early at {now:?}");
        }
        now = retry_at;
        assert!(asks(&phone.tick(now)));
    }
    assert_eq!(waits, [2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    assert!(!phone.offers_password_form(), "waiting for Salesforce is not a refusal");
    phone.handle_event(now, Event::CredentialsGranted(grant("1001", 9999)));
    assert!(matches!(phone.org_sign_in(), OrgSignIn::Active { .. }));
}

#[test]
fn a_renewal_salesforce_does_not_answer_keeps_the_agent_signed_in_and_asks_again() {
    let mut phone = signed_in();
    phone.tick(at(2_700_000));
    let effects = phone.handle_event(at(2_700_000), Event::CredentialsUnavailable(crm("runApex failed")));
    assert!(!effects.iter().any(|e| matches!(e, Effect::Disconnect)));
    assert_eq!((phone.agent_user(), phone.registration()), (Some("1001"), &Registration::Registered));
    assert!(asks(&phone.tick(at(2_702_000))));
}

#[test]
fn without_the_package_or_an_extension_the_form_comes_when_the_definition_allows_it() {
    for refusal in [OrgRefusal::NoPackage, OrgRefusal::NoExtension, OrgRefusal::NotConfigured] {
        let mut phone = org_phone(ORG);
        phone.start_org_sign_in();
        phone.handle_event(at(0), Event::CredentialsRefused(refusal.clone()));
        assert_eq!(phone.org_sign_in(), &OrgSignIn::Refused(refusal.clone()));
        assert!(phone.offers_password_form());
        assert!(!asks(&phone.tick(at(600_000))), "a refusal is not asked again by itself");
        let mut strict = org_phone(CredentialSource::Org { password_fallback: false });
        strict.start_org_sign_in();
        strict.handle_event(at(0), Event::CredentialsRefused(refusal));
        assert!(!strict.offers_password_form());
        assert!(asks(&strict.handle_intent(at(1_000), Intent::SignInWithOrg)), "the agent may ask again");
    }
}

#[test]
fn credentials_the_pbx_refuses_are_replaced_once_then_the_agent_is_told_and_offered_the_form() {
    let mut phone = org_phone(ORG);
    phone.start_org_sign_in();
    phone.handle_event(at(0), Event::CredentialsGranted(grant("1001", 3600)));
    let effects = phone.handle_event(at(100), Event::RegistrationFailed(RegistrationFailure::Refused { status: 401 }));
    assert!(asks(&effects), "fresh credentials, once");
    assert!(matches!(phone.org_sign_in(), OrgSignIn::Asking { pbx_refused: Some(_), .. }));
    let effects = phone.handle_event(at(200), Event::CredentialsGranted(grant("1001", 3601)));
    assert!(connected_with(&effects).is_some());
    let effects = phone.handle_event(at(300), Event::RegistrationFailed(RegistrationFailure::Refused { status: 401 }));
    assert_eq!(effects.iter().filter(|e| **e == Effect::Disconnect).count(), 1, "{effects:?}");
    assert!(!asks(&effects), "no third try");
    assert_eq!(phone.org_sign_in(), &OrgSignIn::Refused(OrgRefusal::PbxRefused(RegistrationFailure::Refused { status: 401 })));
    assert_eq!(phone.agent_user(), None);
    assert!(phone.offers_password_form());
    assert!(!asks(&phone.tick(at(10_000_000))));
}

#[test]
fn once_the_pbx_accepted_fresh_credentials_a_later_refusal_gets_its_one_more_try_again() {
    let mut phone = signed_in();
    assert!(asks(&phone.handle_event(at(10), Event::RegistrationFailed(RegistrationFailure::Refused { status: 401 }))));
    phone.handle_event(at(20), Event::CredentialsGranted(grant("1001", 3620)));
    phone.handle_event(at(30), Event::Registered);
    assert!(asks(&phone.handle_event(at(40), Event::RegistrationFailed(RegistrationFailure::Refused { status: 401 }))), "a new refusal, a new try");
}

#[test]
fn a_remembered_offline_stays_offline_until_the_agent_is_available() {
    let mut phone = org_phone(ORG);
    phone.restore_presence(presence::Presence::Offline);
    phone.start_org_sign_in();
    let effects = phone.handle_event(at(0), Event::CredentialsGranted(grant("1001", 3600)));
    assert!(connected_with(&effects).is_none(), "{effects:?}");
    assert_eq!((phone.agent_user(), phone.registration()), (Some("1001"), &Registration::SignedOut));
    let effects = phone.handle_intent(at(1_000), Intent::SetPresence(presence::Presence::Available));
    assert_eq!(connected_with(&effects).and_then(|c| c.auth_user.as_deref()), Some("3600:1001"));
}

#[test]
fn the_form_wins_over_the_org_once_used_and_signing_out_stops_the_renewals() {
    let mut phone = org_phone(ORG);
    phone.start_org_sign_in();
    phone.handle_event(at(0), Event::CredentialsRefused(OrgRefusal::NoExtension));
    let typed = Credentials { user: "1002".into(), password: Secret::new("pw".into()), display_name: String::new(), auth_user: None };
    phone.handle_intent(at(0), Intent::SignIn(typed));
    assert_eq!(phone.org_sign_in(), &OrgSignIn::Off);
    assert!(connected_with(&phone.handle_event(at(1), Event::CredentialsGranted(grant("1001", 1)))).is_none(), "a late grant changes nothing");

    let mut phone = signed_in();
    phone.handle_intent(at(10), Intent::SignOut);
    assert_eq!(phone.org_sign_in(), &OrgSignIn::SignedOut);
    assert!(!asks(&phone.tick(at(3_000_000))), "nothing renewed after signing out");
    assert!(asks(&phone.handle_intent(at(3_000_000), Intent::SignInWithOrg)));
}

#[test]
fn with_password_credentials_the_org_is_never_asked() {
    let mut phone = org_phone(CredentialSource::Password);
    assert!(phone.start_org_sign_in().is_empty());
    assert!(phone.offers_password_form());
    assert!(!asks(&phone.handle_intent(at(0), Intent::SignInWithOrg)));
}

#[test]
fn an_extension_that_would_inject_into_sip_is_refused() {
    let mut phone = org_phone(ORG);
    phone.start_org_sign_in();
    let effects = phone.handle_event(at(0), Event::CredentialsGranted(grant("1001>;evil", 3600)));
    assert!(connected_with(&effects).is_none());
    assert_eq!(phone.org_sign_in(), &OrgSignIn::Refused(OrgRefusal::BadExtension));
}
