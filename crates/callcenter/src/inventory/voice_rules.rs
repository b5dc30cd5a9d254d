//! The same dependencies priced for the move to Salesforce Voice with Partner Telephony (the
//! Open CTI successor): Salesforce then pops, logs (VoiceCall records) and routes calls itself,
//! draws the call controls in Omni-Channel, and page context reaches code only through Voice
//! Extensions (LWC with `lightning__ServiceCloudVoiceToolkitApi`) or Lightning message channels.
//! Lightning Open CTI code (`sforce.opencti`) is flagged too: it stops working with Open CTI.
//! Sources: Salesforce's Open CTI migration guide (`compare-opencti-voice`, `migrate-cti`).

use super::rules::{Rule, RuleSet};

const fn voice(replacement: &'static str, hours: f64) -> Rule {
    Rule { code: "open-cti-to-voice", replacement, hours }
}

/// Every Open CTI method (Lightning name; Classic names are mapped to these first) and its
/// Salesforce Voice replacement.
const METHODS: &[(&str, Rule)] = &[
    ("searchAndScreenPop", voice("Salesforce pops the caller's record itself (the VoiceCall, Omni-Channel routing flow and record linking); IVR data goes in the VoiceCall's callAttributes: delete the custom pop or port its rules to the flow", 3.0)),
    ("screenPop", voice("no connector screen pop: Omni-Channel opens the VoiceCall; open other records from a flow or a Voice Extension (lightning/navigation)", 2.0)),
    ("saveLog", voice("Salesforce records each call as a VoiceCall: delete the Task logging, or write extra fields from a flow on VoiceCall (or the connector's CallInfo.additionalFields)", 2.0)),
    ("onClickToDial", voice("Salesforce calls the connector's dial(contact) for clicked numbers: delete", 0.5)),
    ("enableClickToDial", voice("click-to-dial is on with Salesforce Voice: delete", 0.5)),
    ("disableClickToDial", voice("no equivalent (click-to-dial follows the agent's status): delete", 0.5)),
    ("getCallCenterSettings", voice("the connector's init(config) receives the contact center's settings", 0.5)),
    ("getSoftphoneLayout", voice("no softphone layout: its screen-pop rules become the Omni-Channel flow", 2.0)),
    ("onNavigationChange", voice("no connector equivalent: a Voice Extension (LWC, lightning__ServiceCloudVoiceToolkitApi) or a Lightning message channel", 2.0)),
    ("getAppViewInfo", voice("no connector equivalent: read the record in a Voice Extension (LWC on the record page)", 2.0)),
    ("runApex", voice("call the Apex from a Voice Extension LWC (an @AuraEnabled method), or from the contact center's integrationClass", 1.0)),
    ("refreshView", voice("not needed: Salesforce refreshes the VoiceCall; elsewhere refresh from a Voice Extension (lightning/uiRecordApi)", 0.5)),
    ("notifyInitializationComplete", voice("resolving the connector's init() (scv-connector-base)", 0.5)),
    ("isSoftphonePanelVisible", voice("Omni-Channel owns the panel: delete", 0.5)),
    ("setSoftphonePanelVisibility", voice("Omni-Channel owns the panel: delete", 0.5)),
    ("setSoftphonePanelHeight", voice("Omni-Channel owns the panel (only the login frame's height is the connector's): delete", 0.5)),
    ("setSoftphonePanelWidth", voice("Omni-Channel owns the panel: delete", 0.5)),
    ("setSoftphoneItemLabel", voice("Omni-Channel owns the utility item: delete", 0.5)),
    ("setSoftphoneItemIcon", voice("Omni-Channel owns the utility item: delete", 0.5)),
    ("isInConsole", voice("Salesforce Voice works in any Lightning app with Omni-Channel: delete the check", 0.5)),
    ("getDirectoryNumbers", voice("the connector's getPhoneContacts (the transfer list Omni-Channel shows)", 2.0)),
];

/// Classic `sforce.interaction` names whose Lightning name differs.
const CLASSIC_NAMES: &[(&str, &str)] = &[
    ("getPageInfo", "getAppViewInfo"),
    ("onFocus", "onNavigationChange"),
    ("refreshPage", "refreshView"),
    ("refreshRelatedList", "refreshView"),
    ("isVisible", "isSoftphonePanelVisible"),
    ("setVisible", "setSoftphonePanelVisibility"),
    ("cti.setSoftphoneHeight", "setSoftphonePanelHeight"),
    ("cti.setSoftphoneWidth", "setSoftphonePanelWidth"),
];

const OTHER: Rule = voice("the Salesforce Voice connector API (scv-connector-base) or a Voice Extension for the same purpose", 2.0);

fn method(name: &str) -> Rule {
    let name = CLASSIC_NAMES.iter().find(|(classic, _)| *classic == name).map_or(name, |(_, lightning)| lightning);
    let name = name.strip_prefix("cti.").unwrap_or(name);
    METHODS.iter().find(|(n, _)| *n == name).map_or(OTHER, |(_, rule)| *rule)
}

/// The rules for the move to Salesforce Voice.
pub const SALESFORCE_VOICE: RuleSet = RuleSet {
    destination: "Salesforce Voice",
    classic_method: method,
    lightning_method: Some(method),
    classic_library: voice("nothing to load: Salesforce loads the connector page (scv-connector-base) itself", 0.5),
    lightning_library: Some(voice("nothing to load: Salesforce loads the connector page (scv-connector-base) itself", 0.5)),
    console_cti: voice("the Voice Toolkit API of a Voice Extension (LWC) or a Lightning message channel", 3.0),
    send_cti_message: voice("a click-to-dial field: Salesforce calls the connector's dial()", 2.0),
    desktop_port: voice("the contact center's ConversationVendorInfo names the connector page; nothing listens on the agent's machine", 1.0),
    req_prog_id: voice("callcenter migrate --to salesforce-voice writes the Partner Telephony contact center file", 0.5),
    cti_toolkit: voice("retired: the connector does what the adapter did; port custom logic to a Voice Extension or delete it", 4.0),
    custom_call_log: voice("calls are VoiceCall records (VendorCallKey: the SIP Call-ID): move the logic to VoiceCall (a flow or trigger)", 3.0),
    run_apex_target: voice("keep it and call it from a Voice Extension (@AuraEnabled), or delete it if Salesforce's pop and VoiceCall cover it", 1.0),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_and_lightning_names_meet_the_same_replacement() {
        assert_eq!(method("getPageInfo"), method("getAppViewInfo"));
        assert_eq!(method("cti.onClickToDial"), method("onClickToDial"));
        assert!(method("searchAndScreenPop").replacement.contains("Omni-Channel routing flow"));
        assert_eq!(method("somethingNew"), OTHER);
    }
}
