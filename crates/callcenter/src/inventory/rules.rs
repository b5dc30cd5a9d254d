//! What in a Salesforce source tree depends on the retired desktop adapter or on Classic CTI,
//! what replaces it in Lightning Open CTI, and how long the rework takes (hours of a developer who
//! knows the code, including the change itself but not the retest, counted once per file).

/// One kind of dependency.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rule {
    /// A stable code for scripts.
    pub code: &'static str,
    /// The Lightning Open CTI replacement, in words.
    pub replacement: &'static str,
    /// Rework hours per occurrence.
    pub hours: f64,
}

/// Hours to retest one changed file (a page, a component, a class with its test).
pub const RETEST_HOURS_PER_FILE: f64 = 1.0;

/// A Classic Open CTI method (`sforce.interaction.X` or `sforce.interaction.cti.X`) and its
/// Lightning counterpart.
struct Method {
    name: &'static str,
    rule: Rule,
}

const fn method(name: &'static str, replacement: &'static str, hours: f64) -> Method {
    Method { name, rule: Rule { code: "classic-open-cti", replacement, hours } }
}

const METHODS: &[Method] = &[
    method(
        "searchAndScreenPop",
        "this softphone pops every inbound call itself (sforce.opencti.searchAndScreenPop with the caller's number): delete the custom pop, or port what it adds to sforce.opencti.searchAndScreenPop({searchParams, queryParams, callType, deferred})",
        2.0,
    ),
    method("screenPop", "sforce.opencti.screenPop({type: sforce.opencti.SCREENPOP_TYPE.SOBJECT or URL, params})", 1.0),
    method("getPageInfo", "sforce.opencti.getAppViewInfo (the record shown, as an object not a JSON string)", 1.0),
    method("onFocus", "sforce.opencti.onNavigationChange", 1.0),
    method("saveLog", "this softphone logs every call as a Task itself; for other records sforce.opencti.saveLog({value})", 1.0),
    method("runApex", "sforce.opencti.runApex({apexClass, methodName, methodParams}); the Apex stays", 1.0),
    method("refreshPage", "sforce.opencti.refreshView", 0.5),
    method("refreshRelatedList", "sforce.opencti.refreshView", 0.5),
    method("isInConsole", "none needed: Lightning apps show the phone in the utility bar; delete the check", 0.5),
    method("isVisible", "sforce.opencti.isSoftphonePanelVisible", 0.5),
    method("setVisible", "sforce.opencti.setSoftphonePanelVisibility({visible})", 0.5),
    method("cti.enableClickToDial", "sforce.opencti.enableClickToDial (this softphone enables it itself)", 0.5),
    method("cti.disableClickToDial", "sforce.opencti.disableClickToDial", 0.5),
    method("cti.onClickToDial", "sforce.opencti.onClickToDial (this softphone dials clicked numbers itself)", 1.0),
    method("cti.getCallCenterSettings", "sforce.opencti.getCallCenterSettings", 0.5),
    method("cti.getSoftphoneLayout", "sforce.opencti.getSoftphoneLayout", 0.5),
    method("cti.setSoftphoneHeight", "sforce.opencti.setSoftphonePanelHeight({heightPX})", 0.5),
    method("cti.setSoftphoneWidth", "sforce.opencti.setSoftphonePanelWidth({widthPX})", 0.5),
    method("cti.getDirectoryNumbers", "no Lightning method: query the numbers with sforce.opencti.runApex", 2.0),
];

/// Any other `sforce.interaction` call.
pub const CLASSIC_OTHER: Rule =
    Rule { code: "classic-open-cti", replacement: "the sforce.opencti method for the same purpose (Lightning Open CTI API, opencti_min.js)", hours: 1.0 };

/// The Lightning rule for `sforce.interaction.NAME` (NAME may start with `cti.`).
pub fn classic_method(name: &str) -> Rule {
    METHODS.iter().find(|m| m.name == name).map_or(CLASSIC_OTHER, |m| m.rule)
}

/// The Classic Open CTI library, `/support/api/NN/interaction.js`.
pub const CLASSIC_LIBRARY: Rule = Rule {
    code: "classic-open-cti-library",
    replacement: "/support/api/NN/lightning/opencti_min.js (Lightning Open CTI), loaded only by the softphone's own page",
    hours: 0.5,
};

/// `sforce.console.cti.*` of the Classic Service Cloud console.
pub const CONSOLE_CTI: Rule = Rule {
    code: "console-cti",
    replacement: "no Lightning console CTI API: use the softphone's own call handling, or Lightning message channels from a utility component",
    hours: 3.0,
};

/// `sendCTIMessage(...)`: custom links and buttons that drove the desktop adapter.
pub const SEND_CTI_MESSAGE: Rule = Rule {
    code: "desktop-adapter-message",
    replacement: "a lightning:clickToDial / lightning-click-to-dial field (this softphone dials it), or sforce.opencti.onClickToDial",
    hours: 2.0,
};

/// The desktop adapter's local port.
pub const DESKTOP_PORT: Rule = Rule {
    code: "desktop-adapter-url",
    replacement: "the Open CTI adapter URL of this softphone (/apex/Softphone); nothing listens on the agent's machine any more",
    hours: 1.0,
};

/// A legacy definition item.
pub const REQ_PROG_ID: Rule =
    Rule { code: "legacy-definition", replacement: "callcenter migrate writes the Open CTI definition (reqUseApi, reqAdapterUrl, Lightning mode)", hours: 0.5 };

/// A CTI Toolkit class (`CCTIUserInterface`, `CCTIAgent`, ...).
pub const CTI_TOOLKIT: Rule = Rule {
    code: "cti-toolkit",
    replacement: "retired with the desktop adapter: this softphone does what the adapter did; port any custom logic to the Open CTI page or delete it",
    hours: 4.0,
};

/// Apex that writes a call Task's CallObject: custom call logging.
pub const CUSTOM_CALL_LOG: Rule = Rule {
    code: "custom-call-logging",
    replacement: "this softphone logs each call as a Task (CallObject, CallType, duration, disposition, notes): delete the custom log, or keep only what it adds",
    hours: 2.0,
};

/// Apex that Classic CTI code calls through runApex.
pub const RUN_APEX_TARGET: Rule = Rule {
    code: "apex-called-by-classic-cti",
    replacement: "keep it (webservice static) and call it with sforce.opencti.runApex, or delete it if the softphone's own pop and log cover it",
    hours: 1.0,
};

/// The rules of one destination: what each kind of dependency is replaced with, and its hours.
#[derive(Clone, Copy)]
pub struct RuleSet {
    /// The destination's name, for the outputs ("Open CTI", "Salesforce Voice").
    pub destination: &'static str,
    /// The rule for `sforce.interaction.NAME` (NAME may start with `cti.`).
    pub classic_method: fn(&str) -> Rule,
    /// The rule for `sforce.opencti.NAME`, when Lightning Open CTI is itself being moved off.
    pub lightning_method: Option<fn(&str) -> Rule>,
    pub classic_library: Rule,
    /// `/support/api/NN/lightning/opencti_min.js`, when Lightning Open CTI is being moved off.
    pub lightning_library: Option<Rule>,
    pub console_cti: Rule,
    pub send_cti_message: Rule,
    pub desktop_port: Rule,
    pub req_prog_id: Rule,
    pub cti_toolkit: Rule,
    pub custom_call_log: Rule,
    pub run_apex_target: Rule,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RuleSet({})", self.destination)
    }
}

/// The rules for the move to Lightning Open CTI (this softphone's Open CTI phone).
pub const OPEN_CTI: RuleSet = RuleSet {
    destination: "Open CTI",
    classic_method,
    lightning_method: None,
    classic_library: CLASSIC_LIBRARY,
    lightning_library: None,
    console_cti: CONSOLE_CTI,
    send_cti_message: SEND_CTI_MESSAGE,
    desktop_port: DESKTOP_PORT,
    req_prog_id: REQ_PROG_ID,
    cti_toolkit: CTI_TOOLKIT,
    custom_call_log: CUSTOM_CALL_LOG,
    run_apex_target: RUN_APEX_TARGET,
};
