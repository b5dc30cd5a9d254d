// The softphone side of the stand-in opencti_min.js: window.sforce.opencti, talking to the
// Lightning page by postMessage exactly as the real script does. The console serves this file
// at {origin}/support/api/{NN.0}/lightning/opencti_min.js.
(function () {
  'use strict';
  if (window.sforce && window.sforce.opencti) return;

  function param(name) {
    for (const [k, v] of new URLSearchParams(location.search)) if (k.toLowerCase() === name.toLowerCase()) return v;
    return null;
  }

  // As the real script does, refuse to start anywhere but in the softphone's frame: framed, with
  // Lightning's URL parameters, and framed by the page whose origin sfdcIFrameOrigin names
  // (Chromium's location.ancestorOrigins says who frames us).
  const lightningOrigin = param('sfdcIFrameOrigin');
  const ancestors = location.ancestorOrigins;
  const framedBy = ancestors && ancestors.length > 0 ? ancestors[0] : null;
  if (window.parent === window || !lightningOrigin || !param('mode') || framedBy !== lightningOrigin) {
    throw new Error('Failed to initialize Open CTI. Ensure that it is loaded from the right frame with correct URL parameters');
  }
  const lightning = window.parent; // the window that plays Lightning

  let nextId = 1;
  const pending = new Map();
  const listeners = { onClickToDial: [], onNavigationChange: [] };
  window.addEventListener('message', (e) => {
    const m = e.data;
    if (!m || (m.lightningStandin !== 'response' && m.lightningStandin !== 'event')) return;
    // Only Lightning, from the origin Salesforce named: anything else is ignored.
    if (e.origin !== lightningOrigin || e.source !== lightning) return;
    if (m.lightningStandin === 'response') {
      const callback = pending.get(m.id);
      pending.delete(m.id);
      if (callback) callback(m.response);
    } else {
      for (const f of listeners[m.event] || []) f(m.payload);
    }
  });

  function request(method, args) {
    if (!args || typeof args !== 'object') throw new Error(`sforce.opencti.${method} takes one object argument`);
    const id = nextId++;
    if (typeof args.callback === 'function') pending.set(id, args.callback);
    const data = {};
    for (const k of Object.keys(args)) if (k !== 'callback' && k !== 'listener') data[k] = args[k];
    lightning.postMessage({ lightningStandin: 'request', id, method, args: data }, lightningOrigin);
  }
  function listen(method, args) {
    if (!args || typeof args.listener !== 'function') throw new Error(`sforce.opencti.${method} needs a listener function`);
    listeners[method].push(args.listener);
    request(method, {});
  }

  const opencti = {
    SCREENPOP_TYPE: { URL: 'url', SOBJECT: 'sobject', OBJECTHOME: 'objecthome', LIST: 'list', SEARCH: 'search', NEW_RECORD_MODAL: 'newRecord', FLOW: 'flow' },
    CALL_TYPE: { INBOUND: 'inbound', OUTBOUND: 'outbound', INTERNAL: 'internal' },
    onClickToDial: (args) => listen('onClickToDial', args),
    onNavigationChange: (args) => listen('onNavigationChange', args),
  };
  for (const method of [
    'enableClickToDial', 'disableClickToDial', 'screenPop', 'searchAndScreenPop', 'saveLog', 'getAppViewInfo',
    'setSoftphonePanelVisibility', 'isSoftphonePanelVisible', 'setSoftphonePanelHeight', 'setSoftphonePanelWidth',
    'setSoftphoneItemLabel', 'setSoftphonePanelLabel', 'setSoftphoneItemIcon', 'setSoftphonePanelIcon',
    'getCallCenterSettings', 'getSoftphoneLayout', 'refreshView', 'runApex', 'notifyInitializationComplete',
  ]) {
    opencti[method] = (args) => request(method, args);
  }
  window.sforce = window.sforce || {};
  window.sforce.opencti = opencti;
})();
