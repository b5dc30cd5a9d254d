// A bare Lightning page for the Open CTI shim's browser tests (tests/opencti.rs). The test page
// (wasm-bindgen's runner, origin R) frames this page, which frames the softphone; the test page
// then navigates that inner frame to about:blank with Lightning's URL parameters, so the inner
// frame has origin R and the test's wasm can load opencti_min.js into it. The stand-in script
// then runs exactly as inside the console page: framed by Lightning's origin, no shortcut.
//
// The test page drives Lightning's side through postMessage (it cannot touch this cross-origin
// page directly): { standinTest: 'call', id, name, args } runs a window.lightningStandin hook,
// { name: 'get', args: ['state.view.url'] } reads a value; the answer is
// { standinTest: 'result', id, value } or { standinTest: 'result', id, error }.
(function () {
  'use strict';
  const adapterOrigin = new URLSearchParams(location.search).get('adapterOrigin') || '';
  // Loopback test pages only: this harness is never an org's page.
  if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(adapterOrigin)) {
    document.body.textContent = 'harness.html needs ?adapterOrigin=http://127.0.0.1:PORT (the test page origin)';
    return;
  }
  const softphone = document.getElementById('softphone');
  const standin = window.lightningStandinCore.create({
    server: location.origin, adapterOrigin, frame: () => softphone.contentWindow,
    appMode: new URLSearchParams(location.search).get('app') || 'console',
  });
  window.lightningStandin = standin;

  const read = (path) => path.split('.').reduce((v, key) => (v == null ? undefined : v[key]), standin);
  window.addEventListener('message', async (e) => {
    const m = e.data;
    if (!m || m.standinTest !== 'call' || e.source !== window.parent || e.origin !== adapterOrigin) return;
    let answer;
    try {
      const args = m.args || [];
      const value = m.name === 'get' ? read(args[0]) : await standin[m.name](...args);
      // Structured clone: plain data only (the stand-in's state and records are plain).
      answer = { standinTest: 'result', id: m.id, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) };
    } catch (err) {
      answer = { standinTest: 'result', id: m.id, error: String(err) };
    }
    e.source.postMessage(answer, adapterOrigin);
  });
  standin.ready.then(() => window.parent.postMessage({ standinHarness: 'ready' }, adapterOrigin));
})();
