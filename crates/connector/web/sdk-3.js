// The connector as @salesforce/scv-connector-base 3.x wants it: one VendorConnector subclass
// handed to initializeConnector, each method delegating to the phone in wasm (crates/connector),
// which returns the SDK's own result classes. Loaded as a classic script right after the SDK, so
// that both listen before Salesforce's first message; the wasm loads meanwhile and every method
// waits for it.
//
// SDK 4.x splits the object in two (VendorConnector: init, setAgentStatus, logout,
// getTelephonyConnector; TelephonyConnector: the call methods) and getCapabilities into
// getSharedCapabilities and getVoiceCapabilities: moving to it is a sdk-4.js beside this file.
//
// It also guards the SDK's handshake: the SDK takes the first SETUP_CONNECTOR from any
// Salesforce-looking origin (another org's, another package's page on the same Lightning page)
// and then stops listening. Here only the org's own origins (the deployment configuration written
// into the page at deploy time) and only the page that frames the connector may set it up; any
// other SETUP_CONNECTOR is ignored and logged, and the SDK never sees it.
(function () {
  'use strict';
  var script = document.currentScript;
  var deployment = {};
  try {
    deployment = JSON.parse(document.getElementById('softphone-deployment').textContent);
  } catch (e) {
    console.error('softphone connector: the page has no deployment configuration; it trusts no one');
  }
  var allowed = (deployment.orgOrigins || []).map(function (o) {
    try {
      return new URL(o).origin;
    } catch (e) {
      return null;
    }
  });
  window.addEventListener('message', function (event) {
    if (!event.data || event.data.type !== 'SETUP_CONNECTOR') return;
    if (event.source === window.parent && allowed.indexOf(event.origin) !== -1) return;
    event.stopImmediatePropagation();
    console.warn('softphone connector: ignored SETUP_CONNECTOR from ' + event.origin + ': not this org\'s Salesforce page framing the connector');
  }, true);

  var ready = import(script.dataset.glue).then(function (glue) {
    return glue.default({ module_or_path: script.dataset.wasm }).then(function () {
      return new glue.Connector();
    });
  });
  var call = function (method) {
    return function () {
      var args = arguments;
      return ready.then(function (phone) {
        return phone[method].apply(phone, args);
      });
    };
  };

  var Base = SCVConnectorBase.VendorConnector;
  function SoftphoneConnector() {
    Base.call(this);
  }
  SoftphoneConnector.prototype = Object.create(Base.prototype);
  SoftphoneConnector.prototype.constructor = SoftphoneConnector;
  ['init', 'getActiveCalls', 'acceptCall', 'declineCall', 'endCall', 'mute', 'unmute', 'hold', 'resume', 'swap',
    'dial', 'sendDigits', 'addParticipant', 'setAgentStatus', 'logout', 'getAgentConfig', 'getCapabilities',
    'getPhoneContacts'].forEach(function (method) {
    SoftphoneConnector.prototype[method] = call(method);
  });
  // Called without a promise by the SDK: must not throw.
  SoftphoneConnector.prototype.wrapUpCall = function () {
    ready.then(function (phone) { phone.wrapUpCall(); });
  };
  SoftphoneConnector.prototype.handleMessage = function () {};
  SoftphoneConnector.prototype.downloadLogs = function () {};
  SoftphoneConnector.prototype.logMessageToVendor = function () {};

  SCVConnectorBase.initializeConnector(new SoftphoneConnector());
})();
