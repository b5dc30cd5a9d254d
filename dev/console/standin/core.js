// The Lightning side of the stand-in: what Salesforce's page does when the softphone calls
// sforce.opencti. The console page loads it (page.js draws it), and so does the shim tests'
// harness page (harness.js). STANDIN.md lists each behaviour mimicked and its source.
// Requests arrive by postMessage and are accepted only from the softphone's frame and origin.
(function () {
  'use strict';
  if (window.lightningStandinCore) return;

  const RECORDS = [
    { Id: '003000000000001AAA', Name: 'Ada Lovelace', RecordType: 'Contact', Phone: '+1 415 555 0100', MobilePhone: '+1 415 555 0199', Title: 'Analyst', AccountId: '001000000000001AAA' },
    { Id: '003000000000002AAA', Name: 'Grace Hopper', RecordType: 'Contact', Phone: '(212) 555-0134', MobilePhone: '', Title: 'Rear Admiral', AccountId: '001000000000002AAA' },
    { Id: '003000000000003AAA', Name: 'Alan Turing', RecordType: 'Contact', Phone: '+44 20 7946 0018', MobilePhone: '', Title: 'Researcher', AccountId: '001000000000001AAA' },
    { Id: '00Q000000000001AAA', Name: 'Katherine Johnson', RecordType: 'Lead', Phone: '+1 757 555 0142', MobilePhone: '', Title: 'Mathematician', Company: 'Langley' },
    { Id: '00Q000000000002AAA', Name: 'Edsger Dijkstra', RecordType: 'Lead', Phone: '+31 40 247 9111', MobilePhone: '', Title: 'Professor', Company: 'Eindhoven' },
    // Colleagues on the development PBX (dev/pbx/users): calls to them really ring.
    { Id: '003000000000004AAA', Name: 'Margaret Hamilton', RecordType: 'Contact', Phone: '1002', MobilePhone: '', Title: 'Engineer', AccountId: '001000000000002AAA' },
    { Id: '003000000000005AAA', Name: 'Barbara Liskov', RecordType: 'Contact', Phone: '1003', MobilePhone: '', Title: 'Professor', AccountId: '001000000000001AAA' },
    { Id: '001000000000001AAA', Name: 'Analytical Engines Ltd', RecordType: 'Account', Phone: '+1 415 555 0100', MobilePhone: '', Industry: 'Computing' },
    { Id: '001000000000002AAA', Name: 'Navy Computing', RecordType: 'Account', Phone: '(212) 555-0100', MobilePhone: '', Industry: 'Government' },
    // A person account: an Account record with its own Contact behind it (PersonContactId), as
    // in an org with person accounts enabled; calls with the person are logged on that Contact.
    // Her number is a development extension (1007), so a call to her really rings.
    { Id: '001000000000003AAA', Name: 'Mary Jackson', RecordType: 'Account', Phone: '1007', MobilePhone: '', Industry: 'Aerospace', IsPersonAccount: true, PersonContactId: '003000000000006AAA' },
    // A case: what a call is about while the agent works it (its Task's WhatId); its contact's
    // number is clickable on the case, as a related record's field is in Lightning.
    { Id: '500000000000001AAA', Name: '00001026 Printer jam', RecordType: 'Case', Phone: '', MobilePhone: '', Subject: 'Printer jam', ContactId: '003000000000004AAA' },
  ];

  // The org's softphone layout (Setup > Softphone Layouts), as getSoftphoneLayout returns it.
  const FIELDS = [{ apiName: 'Name', displayName: 'Name' }, { apiName: 'Phone', displayName: 'Phone' }];
  const LAYOUT = {
    Inbound: {
      objects: { Contact: FIELDS, Lead: FIELDS, Account: FIELDS },
      screenPopSettings: {
        NoMatch: { screenPopType: 'PopToEntity', screenPopData: 'Contact' },
        SingleMatch: { screenPopType: 'PopToEntity' },
        MultipleMatches: { screenPopType: 'PopToSearch' },
      },
    },
    Outbound: {
      objects: { Contact: FIELDS, Lead: FIELDS, Account: FIELDS },
      screenPopSettings: {
        NoMatch: { screenPopType: 'DoNotPop' },
        SingleMatch: { screenPopType: 'PopToEntity' },
        MultipleMatches: { screenPopType: 'DoNotPop' },
      },
    },
    Internal: {
      objects: { Contact: FIELDS },
      screenPopSettings: {
        NoMatch: { screenPopType: 'DoNotPop' },
        SingleMatch: { screenPopType: 'PopToEntity' },
        MultipleMatches: { screenPopType: 'PopToSearch' },
      },
    },
  };
  const CALL_TYPES = { inbound: 'Inbound', outbound: 'Outbound', internal: 'Internal' };
  const POP_TYPES = ['url', 'sobject', 'objecthome', 'list', 'search', 'newRecord', 'flow'];

  const digits = (s) => String(s || '').replace(/[^0-9]/g, '');
  // A phone number as search compares it: its digits only, and for NANP numbers without the
  // country code 1 (11 digits starting with 1), so that (415) 555-0100, +1 415-555-0100 and
  // 4155550100 are one number. Anything shorter or longer must match digit for digit: a part of a
  // number (the last digits) is not the number. STANDIN.md, "Search", says where this comes from.
  function phoneKey(s) {
    const d = digits(s);
    return d.length === 11 && d[0] === '1' ? d.slice(1) : d;
  }
  const APP_MODES = ['console', 'standard'];
  const ok = (returnValue = null) => ({ success: true, returnValue, errors: null });
  const fail = (description, code = 'INVALID_ARGUMENT') => ({ success: false, returnValue: null, errors: [{ code, description, details: '' }] });

  function create({ server, adapterOrigin, frame, onChange, appMode, user = 'agent1001' }) {
    // server: the console's origin, for config and the Task store; frame(): the softphone's window;
    // user: who is signed in to this page's org (the stand-in org's users: /__standin/org).
    const state = {
      config: null,
      calls: [],
      rejected: [],
      clickToDialEnabled: false,
      panelVisible: false,
      panel: { height: 460, width: 340, label: 'Phone', icon: 'call' },
      item: { label: 'Phone', icon: 'call' },
      initialized: false, initializedAt: null,
      view: { url: '/lightning/page/home', recordId: null, recordName: null, objectType: null, personAccount: false },
      modal: null,
      listeners: { onClickToDial: 0, onNavigationChange: 0 },
      // 'console' (a Lightning console app, as this page's header says) or 'standard'.
      appMode: APP_MODES.includes(appMode) ? appMode : 'console',
      overrides: {},
    };
    const ready = fetch(server + '/__standin/config.json').then((r) => r.json()).then((c) => {
      state.config = c;
      state.panel.height = c.softphoneHeight || 460;
      state.panel.width = c.softphoneWidth || 340;
    });
    const changed = (what = 'view') => { if (onChange) onChange(state, what); };

    function record(method, args, response) {
      // The stand-in's record of calls never holds a credential the org minted.
      const minted = method === 'runApex' && args && args.apexClass === 'SoftphoneCredentials' && response && response.success;
      const entry = { at: Date.now(), method, args: strip(args), response: minted ? { success: true, returnValue: '(credentials withheld)' } : response };
      state.calls.push(entry);
      post('/__standin/calls', entry);
    }
    function post(path, body) {
      // text/plain keeps this a simple request (no CORS preflight).
      // The response body is read to the end so the request is finished and freed: unread bodies
      // kept every recorded call's loader alive (the 500-call benchmark saw 9 per call).
      return fetch(server + path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'text/plain' } })
        .then(async (r) => { const text = await r.text(); return { ok: r.ok, status: r.status, json: async () => JSON.parse(text), text: async () => text }; });
    }
    function strip(args) {
      const copy = {};
      for (const k of Object.keys(args || {})) if (k !== 'callback' && k !== 'listener') copy[k] = args[k];
      return copy;
    }

    function navigate(view) {
      state.view = Object.assign({ url: '/lightning/page/home', recordId: null, recordName: null, objectType: null }, view);
      state.modal = null;
      navigated();
      changed();
    }
    // onNavigationChange as documented for each kind of app: a standard app reports every URL
    // change (only the url when it is not a record page); a console app reports moving between
    // its record tabs, and not a switch to a list view, home or search.
    function navigated({ modal = false } = {}) {
      const onRecord = Boolean(state.view.recordId);
      if (state.appMode === 'console' && (!onRecord || modal)) return;
      emit('onNavigationChange', onRecord ? state.view : { url: state.view.url });
    }
    function openRecord(id) {
      const r = RECORDS.find((x) => x.Id === id);
      if (!r) return false;
      navigate(Object.assign({ url: `/lightning/r/${r.RecordType}/${r.Id}/view`, recordId: r.Id, recordName: r.Name, objectType: r.RecordType }, personFields(r)));
      return true;
    }
    // Person-account fields of a payload, in an org with person accounts enabled: true with the
    // account and its contact on a person account, absent on a business account, false elsewhere.
    function personFields(r) {
      if (r.IsPersonAccount) return { personAccount: true, accountId: r.Id, contactId: r.PersonContactId };
      return r.RecordType === 'Account' ? {} : { personAccount: false };
    }
    function emit(event, payload) {
      const target = frame();
      if (target && state.listeners[event] > 0) target.postMessage({ lightningStandin: 'event', event, payload }, adapterOrigin);
    }

    function search(text, objects) {
      const key = phoneKey(text);
      const t = String(text || '').trim().toLowerCase();
      const samePhone = (n) => Boolean(n) && key.length > 0 && phoneKey(n) === key;
      return RECORDS.filter((r) => (!objects || objects[r.RecordType]) && (
        samePhone(r.Phone) || samePhone(r.MobilePhone) || (t.length >= 3 && r.Name.toLowerCase().includes(t))));
    }

    function screenPop(type, params, defaults) {
      params = params || {};
      switch (type) {
        case 'url': navigate({ url: String(params.url || '/') }); return ok();
        case 'sobject': return openRecord(params.recordId) ? ok() : fail(`No record with Id ${params.recordId}`);
        case 'objecthome': navigate({ url: `/lightning/o/${params.scope}/home` }); return ok();
        case 'list': navigate({ url: `/lightning/o/${params.scope}/list?filterName=${params.listViewId}` }); return ok();
        case 'search':
          if (String(params.searchString || '').length < 3) return fail('searchString must be at least 3 characters');
          navigate({ url: `/lightning/search?q=${encodeURIComponent(params.searchString)}` }); return ok();
        case 'newRecord':
          state.view = { url: `/lightning/o/${params.entityName}/new`, recordId: null, recordName: null, objectType: null };
          state.modal = { entityName: params.entityName, defaultFieldValues: defaults || {} };
          navigated({ modal: true });
          changed();
          return ok();
        case 'flow': navigate({ url: `/flow/${params.flowDevName}` }); return ok();
        default: return fail(`Unknown screen pop type ${type}`);
      }
    }

    const METHODS = {
      enableClickToDial() { state.clickToDialEnabled = true; changed(); return ok(); },
      disableClickToDial() { state.clickToDialEnabled = false; changed(); return ok(); },
      onClickToDial() { state.listeners.onClickToDial += 1; return ok(); },
      onNavigationChange() { state.listeners.onNavigationChange += 1; return ok(); },
      getAppViewInfo() { return ok(state.view); },
      screenPop(a) {
        if (!POP_TYPES.includes(a.type)) return fail(`type must be one of sforce.opencti.SCREENPOP_TYPE, got ${a.type}`);
        return screenPop(a.type, a.params, a.defaultFieldValues);
      },
      searchAndScreenPop(a) {
        const callType = CALL_TYPES[a.callType];
        if (!callType) return fail(`callType must be one of sforce.opencti.CALL_TYPE, got ${a.callType}`);
        if (typeof a.searchParams !== 'string') return fail('searchParams must be a string');
        const given = a.defaultFieldValues;
        if (given !== undefined && given !== null && (typeof given !== 'object' || Array.isArray(given))) {
          return fail('defaultFieldValues must be an object of field API names to values');
        }
        const layout = LAYOUT[callType];
        const found = search(a.searchParams, layout.objects);
        const result = {};
        for (const r of found) result[r.Id] = { Id: r.Id, Name: r.Name, RecordType: r.RecordType, Phone: r.Phone };
        const rule = found.length === 0 ? layout.screenPopSettings.NoMatch
          : found.length === 1 ? layout.screenPopSettings.SingleMatch : layout.screenPopSettings.MultipleMatches;
        let pop = null;
        if (rule.screenPopType === 'PopToEntity' && found.length === 1) pop = ['sobject', { recordId: found[0].Id }];
        else if (rule.screenPopType === 'PopToEntity' && found.length === 0) {
          // Only what the softphone sends, and only for an inbound call: Lightning fills nothing itself.
          const defaults = callType === 'Inbound' ? Object.assign({}, given || {}) : {};
          pop = ['newRecord', { entityName: rule.screenPopData || 'Contact' }, defaults];
        } else if (rule.screenPopType === 'PopToSearch') pop = ['search', { searchString: a.searchParams }];
        if (pop && a.deferred) result.SCREEN_POP_DATA = { type: pop[0], params: pop[1] };
        else if (pop) screenPop(pop[0], pop[1], pop[2]);
        if (found.length > 1 && !a.deferred) result.SCREEN_POP_DATA = { type: 'search', params: { searchString: a.searchParams } };
        return ok(result);
      },
      async saveLog(a) {
        const v = a.value;
        if (!v || typeof v !== 'object' || !v.entityApiName) return fail('value must be an object with entityApiName');
        // The org decides (faults set by tests: see /__standin/org); a late save answers late or never.
        const body = await (await post('/__standin/tasks', v)).json();
        if (body.silent) return 'silence';
        // Lightning answers { recordId }. Its Activity lists change only on refreshView.
        return body.Id ? ok({ recordId: body.Id }) : fail(body.error || 'save failed', body.code || 'SAVE_FAILED');
      },
      setSoftphonePanelVisibility(a) {
        if (typeof a.visible !== 'boolean') return fail('visible must be true or false');
        state.panelVisible = a.visible; changed(); return ok();
      },
      isSoftphonePanelVisible() { return ok({ visible: state.panelVisible }); },
      setSoftphonePanelHeight(a) {
        if (!(a.heightPX >= 240 && a.heightPX <= 2560)) return fail('heightPX must be between 240 and 2560');
        state.panel.height = a.heightPX; changed(); return ok();
      },
      setSoftphonePanelWidth(a) {
        if (!(a.widthPX >= 200 && a.widthPX <= 1920)) return fail('widthPX must be between 200 and 1920');
        state.panel.width = a.widthPX; changed(); return ok();
      },
      setSoftphoneItemLabel(a) { if (typeof a.label !== 'string') return fail('label must be a string'); state.item.label = a.label; changed(); return ok(); },
      setSoftphonePanelLabel(a) { if (typeof a.label !== 'string') return fail('label must be a string'); state.panel.label = a.label; changed(); return ok(); },
      setSoftphoneItemIcon(a) { if (typeof a.key !== 'string') return fail('key must be an SLDS utility icon name'); state.item.icon = a.key; changed(); return ok(); },
      setSoftphonePanelIcon(a) { if (typeof a.key !== 'string') return fail('key must be an SLDS utility icon name'); state.panel.icon = a.key; changed(); return ok(); },
      getCallCenterSettings() { return ok(state.config.settings); },
      getSoftphoneLayout() { return ok(LAYOUT); },
      // The page's lists (Activity, Tasks) are read again only now, as in Lightning.
      refreshView() { changed('tasks'); return ok(); },
      async runApex(a) {
        // SoftphoneStandin.echo returns its parameters; SoftphoneCallLog and SoftphoneCredentials
        // are the softphone package's classes, there only when the org has the package (see
        // /__standin/org).
        if (a.apexClass === 'SoftphoneStandin' && a.methodName === 'echo') return ok({ runApex: String(a.methodParams || '') });
        if (a.apexClass === 'SoftphoneCredentials' && a.methodName === 'mint') {
          // mint() takes no parameter: the guide's "none or an empty object", nothing else.
          const p = a.methodParams;
          const none = p === undefined || (p && typeof p === 'object' && Object.keys(p).length === 0);
          if (!none) return fail('SoftphoneCredentials.mint takes no parameters', 'APEX_ERROR');
          // Runs as the user signed in to this page (?user=, the org's users in /__standin/org).
          const minted = await (await post('/__standin/apex/mint', { user })).json();
          if (minted.silent) return 'silence';
          if (minted.failed) return fail(minted.failed, 'APEX_ERROR');
          if (minted.installed) return ok({ runApex: minted.answer });
        }
        if (a.apexClass === 'SoftphoneCallLog' && a.methodName === 'userTimeZone') {
          // Takes no parameter, like mint(): "none or an empty object".
          const p = a.methodParams;
          const none = p === undefined || (p && typeof p === 'object' && Object.keys(p).length === 0);
          if (!none) return fail('SoftphoneCallLog.userTimeZone takes no parameters', 'APEX_ERROR');
          const zone = await (await post('/__standin/apex/userTimeZone', {})).json();
          if (zone.installed) return ok({ runApex: zone.zone });
        }
        if (a.apexClass === 'SoftphoneCallLog' && a.methodName === 'findTaskByCallObject') {
          const callObject = new URLSearchParams(String(a.methodParams || '')).get('callObject') || '';
          const found = await (await post('/__standin/apex/findTaskByCallObject', callObject)).json();
          if (found.installed) return ok({ runApex: found.id });
        }
        return fail(`No such Apex class or method: ${a.apexClass}.${a.methodName}`, 'APEX_ERROR');
      },
      // initializedAt (Unix ms, sub-millisecond): when Lightning heard it, for the cold-start benchmark.
      notifyInitializationComplete() { state.initialized = true; state.initializedAt = performance.timeOrigin + performance.now(); changed(); return ok(); },
    };

    window.addEventListener('message', async (e) => {
      const m = e.data;
      if (!m || m.lightningStandin !== 'request') return;
      // As strict as Lightning: only the softphone's own frame, from the adapter's origin.
      if (e.origin !== adapterOrigin || e.source !== frame()) {
        state.rejected.push({ at: Date.now(), origin: e.origin, method: m.method });
        post('/__standin/calls', { at: Date.now(), method: m.method, rejected: true, origin: e.origin });
        return;
      }
      await ready;
      const args = m.args || {};
      let response;
      const override = state.overrides[m.method];
      if (override) {
        delete state.overrides[m.method];
        response = override;
      } else if (!METHODS[m.method]) {
        response = fail(`Unknown method ${m.method}`);
      } else {
        try { response = await METHODS[m.method](args); } catch (err) { response = fail(String(err), 'INTERNAL_ERROR'); }
      }
      record(m.method, args, response === 'silence' ? 'silence' : response);
      if (response === 'silence') return; // a page that never answers
      e.source.postMessage({ lightningStandin: 'response', id: m.id, response }, adapterOrigin);
    });

    const api = {
      state, ready, records: RECORDS, layout: LAYOUT, search, openRecord, navigate,
      get calls() { return state.calls; },
      // Test hooks: what an agent does on the Lightning page, and pages that misbehave.
      clickToDial(recordId, field = 'Phone') {
        const r = RECORDS.find((x) => x.Id === recordId);
        if (!r || !state.clickToDialEnabled) return false;
        emit('onClickToDial', Object.assign({ number: r[field], recordId: r.Id, recordName: r.Name, objectType: r.RecordType }, personFields(r), { params: '' }));
        return true;
      },
      clickNumber(number) {
        if (!state.clickToDialEnabled) return false;
        emit('onClickToDial', { number, params: '' });
        return true;
      },
      failNext(method, description = 'The stand-in was told to fail') { state.overrides[method] = fail(description, 'STANDIN_FAILURE'); },
      silenceNext(method) { state.overrides[method] = 'silence'; },
      // The org's behaviour, kept by the server across page reloads: { packageInstalled,
      // noActivities: ['Account'], restrictedDispositions, failNext, lateNext, lateMs,
      // lateAnswer, failRate, lateRate, seed } (dev/console/README.md).
      async setOrg(settings) { return (await post('/__standin/org', settings)).json(); },
      answerNext(method, response) { state.overrides[method] = response; },
      sendEvent(event, payload) { emit(event, payload); },
      // The page's document came back into focus: both kinds of app report the current view.
      focused() { emit('onNavigationChange', state.view.recordId ? state.view : { url: state.view.url }); },
      setAppMode(mode) { if (!APP_MODES.includes(mode)) return false; state.appMode = mode; changed(); return true; },
      async tasks() { return (await fetch(server + '/__standin/tasks')).json(); },
    };
    return api;
  }

  window.lightningStandinCore = { create };
})();
