// Omni-Channel's softphone panel, as the stand-in plays it: frames the connector (out of sight),
// sets it up over a MessageChannel exactly as the SDK expects (SETUP_CONNECTOR with the port),
// then speaks the SDK's wire protocol: the agent's clicks become messages (ACCEPT_CALL, HOLD,
// DIAL, ...), the connector's TELEPHONY_EVENT_DISPATCHED become what the panel shows. It checks
// what the connector publishes as strictly as Salesforce would (STANDIN.md, "Omni-Channel").
// Tests read and drive it through window.voiceStandin.

const config = await (await fetch('/omni/config.json')).json();
// A test hook: the org Id Salesforce sends (another org's, to see the connector refuse it).
const organizationId = new URLSearchParams(location.search).get('organizationId');
if (organizationId) config.connectorConfig.organizationId = organizationId;
const connectorOrigin = new URL(config.connectorUrl).origin;
/** Omni keeps the agent's status on the server: a reload finds it again. */
const PRESENCE_KEY = 'voice-standin.presence';
const STATUSES = {
  available: { agentStatus: 'Online', statusInfo: { statusId: '0N5000000000001AAA', statusApiName: 'Available_for_Voice', statusName: 'Available for Voice' } },
  acw: { agentStatus: 'AfterCallWork', statusInfo: { statusId: '0N5000000000002AAA', statusApiName: 'After_Call_Work', statusName: 'After Call Work' } },
  '': { agentStatus: 'Offline', statusInfo: { statusId: '0N5000000000003AAA', statusApiName: 'Offline', statusName: 'Offline' } },
};

const state = {
  /** CONNECTOR_READY's payload (agentConfig, capabilities, callInProgress). */
  ready: null,
  /** SHOW_LOGIN's loginFrameHeight while the login frame shows. */
  login: null,
  /** The calls on the panel by callId: `{ call, state, muted, held, leg }`. */
  calls: new Map(),
  /** Every message from the connector: `{ at, type, event, payload }` (`at`: performance.now()). */
  events: [],
  /** ERROR events' messages and events the panel refused (with why). */
  errors: [],
  refused: [],
  /** MOS the SDK computed from UPDATE_AUDIO_STATS, by callId. */
  mos: {},
  presence: localStorage.getItem(PRESENCE_KEY) || '',
  setups: 0,
};
let port = null;

function post(message) {
  if (!port) throw new Error('the connector is not set up');
  state.events.push({ at: performance.now(), type: 'sent', event: message.type, payload: message });
  port.postMessage(message);
}

// --- the connector's frame and the SDK's handshake ----------------------------------------------

function startConnector() {
  const frame = document.createElement('iframe');
  frame.src = config.connectorUrl;
  frame.allow = 'microphone; autoplay';
  frame.title = 'Salesforce Voice connector';
  frame.addEventListener('load', () => {
    const channel = new MessageChannel();
    port = channel.port1;
    port.onmessage = (e) => receive(e.data);
    state.setups += 1;
    frame.contentWindow.postMessage({ type: 'SETUP_CONNECTOR', connectorConfig: config.connectorConfig }, connectorOrigin, [channel.port2]);
  });
  document.getElementById('connector-slot').append(frame);
}

function receive(message) {
  const at = performance.now();
  if (message?.type === 'TELEPHONY_EVENT_DISPATCHED') {
    const { telephonyEventType: event, telephonyEventPayload: payload } = message.payload || {};
    state.events.push({ at, type: message.type, event, payload });
    handleEvent(event, payload);
  } else {
    state.events.push({ at, type: message?.type, event: message?.type, payload: message?.payload });
    if (message?.type === 'CONNECTOR_READY') connectorReady(message.payload);
  }
  render();
}

function connectorReady(payload) {
  if (!payload || !payload.capabilities || !payload.agentConfig) {
    // The SDK sends an empty CONNECTOR_READY when the connector's start-up methods failed.
    refuse('CONNECTOR_READY', 'an empty CONNECTOR_READY: the connector failed to start');
    return;
  }
  state.ready = payload;
  state.login = null;
  // The agent's status (kept by Omni across reloads) goes to the connector, Offline included.
  applyPresence(state.presence);
}

// --- what the connector publishes ---------------------------------------------------------------

async function handleEvent(event, payload) {
  switch (event) {
    case 'SHOW_LOGIN':
      state.login = payload?.loginFrameHeight ?? 350;
      return;
    case 'LOGIN_RESULT':
      if (!payload?.success) state.errors.push('LOGIN_FAILED');
      return;
    case 'CALL_STARTED':
      return callStarted(payload);
    case 'CALL_CONNECTED':
      return update(payload?.callId, { state: 'connected' }, event);
    case 'HANGUP':
      for (const call of [].concat(payload || [])) state.calls.delete(call?.callId);
      // The conversation is over once no call of the customer's is left (a blind transfer's
      // third party goes with it).
      if (![...state.calls.values()].some((e) => e.leg !== 'third-party')) state.calls.clear();
      return;
    case 'MUTE_TOGGLE':
      for (const entry of state.calls.values()) if (entry.state === 'connected' && !entry.held) entry.muted = !!payload?.isMuted;
      return;
    case 'HOLD_TOGGLE':
      return holdToggle(payload);
    case 'PARTICIPANT_ADDED':
      if (!payload?.callId) return refuse(event, 'no callId');
      // While the agent consults, the customer waits on hold.
      if (!payload.initialCallHasEnded) for (const entry of state.calls.values()) if (entry.leg === 'initial') entry.held = true;
      state.calls.set(payload.callId, { call: { callId: payload.callId, phoneNumber: payload.phoneNumber, callType: 'AddParticipant' }, state: 'transferring', leg: 'third-party' });
      return;
    case 'PARTICIPANT_CONNECTED':
      if (payload?.callId) update(payload.callId, { state: 'connected' }, event);
      if (payload?.initialCallHasEnded) for (const [id, entry] of state.calls) if (entry.leg !== 'third-party') state.calls.delete(id);
      return;
    case 'PARTICIPANT_REMOVED':
      for (const [id, entry] of state.calls) if (entry.leg === 'third-party') state.calls.delete(id);
      return;
    case 'CALL_FAILED':
      for (const [id, entry] of state.calls) if (entry.state === 'dialing') state.calls.delete(id);
      return;
    case 'ERROR':
      state.errors.push(payload?.message || payload?.customError?.labelName || 'ERROR');
      return;
    case 'UPDATE_AUDIO_STATS_COMPLETED':
      state.mos[payload?.callId] = payload?.mos;
      return;
    default:
      return;
  }
}

/** An inbound call shows only with the VoiceCall the telephony side created for it (its
 * callId is the VoiceCall's vendor call key); an outbound one is the agent's own dial. */
async function callStarted(call) {
  if (!call?.callId || typeof call.callId !== 'string') return refuse('CALL_STARTED', 'no callId');
  const type = String(call.callType || '').toLowerCase();
  if (type === 'inbound') {
    const voiceCallId = call.callAttributes?.voiceCallId;
    const records = await (await fetch('/__standin/voicecalls')).json();
    const record = records.find((r) => r.id === voiceCallId);
    if (!record) return refuse('CALL_STARTED', `VoiceCall ${voiceCallId} does not exist`);
    if (record.vendorCallKey !== call.callId) return refuse('CALL_STARTED', `VoiceCall ${voiceCallId} belongs to call ${record.vendorCallKey}, not ${call.callId}`);
    state.calls.set(call.callId, { call, state: call.isReplayedCall ? 'connected' : 'ringing', muted: false, held: false, leg: 'initial' });
  } else {
    state.calls.set(call.callId, { call, state: call.state === 'connected' ? 'connected' : 'dialing', muted: false, held: false, leg: 'initial' });
  }
  render();
}

function holdToggle(payload) {
  if (!payload) return refuse('HOLD_TOGGLE', 'no payload');
  for (const entry of state.calls.values()) {
    entry.held = entry.leg === 'third-party' ? !!payload.isThirdPartyOnHold : !!payload.isCustomerOnHold;
  }
}

function update(callId, changes, event) {
  const entry = state.calls.get(callId);
  if (!entry) return refuse(event, `unknown call ${callId}`);
  Object.assign(entry, changes);
}

function refuse(event, why) {
  state.refused.push({ event, why });
  console.warn(`voice stand-in: ${event} refused: ${why}`);
}

// --- the agent's clicks -------------------------------------------------------------------------

function applyPresence(value) {
  state.presence = value;
  localStorage.setItem(PRESENCE_KEY, value);
  if (!state.ready) return;
  const status = STATUSES[value];
  post({ type: 'SET_AGENT_STATUS', agentStatus: status.agentStatus, statusInfo: status.statusInfo });
  if (status.agentStatus === 'Online') post({ type: 'AGENT_AVAILABLE', isAvailable: true });
}

const actions = {
  accept: (entry) => post({ type: 'ACCEPT_CALL', call: entry.call }),
  decline: (entry) => post({ type: 'DECLINE_CALL', call: entry.call }),
  end: (entry) => post({ type: 'END_CALL', call: entry.call }),
  mute: (entry) => post({ type: entry.muted ? 'UNMUTE' : 'MUTE', call: entry.call }),
  hold: (entry) => post({ type: entry.held ? 'RESUME' : 'HOLD', call: entry.call }),
  digits: (entry, digits) => post({ type: 'SEND_DIGITS', digits, call: entry.call }),
  consult: (entry, number) => post({ type: 'ADD_PARTICIPANT', contact: { phoneNumber: number, type: 'PhoneNumber' }, call: entry.call, isBlindTransfer: false }),
  transfer: (entry, number) => post({ type: 'ADD_PARTICIPANT', contact: { phoneNumber: number, type: 'PhoneNumber' }, call: entry.call, isBlindTransfer: true }),
  swap: () => {
    const [a, b] = [...state.calls.values()];
    if (a && b) post({ type: 'SWAP_PARTICIPANTS', callToHold: (a.held ? b : a).call, callToResume: (a.held ? a : b).call });
  },
};

function dial(contact) {
  post({ type: 'DIAL', contact });
}

// --- rendering ----------------------------------------------------------------------------------

function render() {
  document.getElementById('connector-state').textContent = state.ready ? `Phone ready${state.presence ? '' : ' (offline)'}` : state.login ? 'Log in to your phone' : 'Starting the phone…';
  renderLogin();
  document.getElementById('errors').replaceChildren(...state.errors.map((e) => Object.assign(document.createElement('li'), { textContent: e })));
  const capabilities = state.ready?.capabilities || {};
  document.getElementById('calls').replaceChildren(...[...state.calls.values()].map((entry) => callCard(entry, capabilities)));
  document.getElementById('presence').value = state.presence;
}

function renderLogin() {
  const slot = document.getElementById('login-slot');
  const frame = slot.querySelector('iframe');
  if (state.login && config.loginUrl && !frame) {
    slot.append(Object.assign(document.createElement('iframe'), { src: config.loginUrl, title: 'Phone login', height: state.login }));
  } else if (!state.login && frame) {
    frame.remove();
  }
}

function button(label, onClick) {
  const b = document.createElement('button');
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

function callCard(entry, capabilities) {
  const card = document.createElement('div');
  card.className = 'call';
  card.dataset.callId = entry.call.callId;
  const who = entry.call.contact?.name || entry.call.contact?.phoneNumber || entry.call.phoneNumber || entry.call.callId;
  const status = entry.held ? 'on hold' : entry.state;
  card.append(Object.assign(document.createElement('p'), { innerHTML: `<span class="who"></span> · <span class="state"></span>` }));
  card.querySelector('.who').textContent = who;
  card.querySelector('.state').textContent = status + (entry.muted ? ' · muted' : '');
  if (entry.state === 'ringing') {
    card.append(button('Accept', () => actions.accept(entry)), button('Decline', () => actions.decline(entry)));
  } else {
    card.append(button('End call', () => actions.end(entry)));
  }
  if (entry.state === 'connected') {
    if (capabilities.MUTE) card.append(button(entry.muted ? 'Unmute' : 'Mute', () => actions.mute(entry)));
    card.append(button(entry.held ? 'Resume' : 'Hold', () => actions.hold(entry)));
    const keypad = Object.assign(document.createElement('input'), { className: 'keypad', placeholder: 'Keypad' });
    const target = Object.assign(document.createElement('input'), { className: 'transfer-number', placeholder: 'Transfer to' });
    card.append(keypad, button('Send digits', () => actions.digits(entry, keypad.value)), target, button('Consult', () => actions.consult(entry, target.value)));
    if (capabilities.BLIND_TRANSFER) card.append(button('Blind transfer', () => actions.transfer(entry, target.value)));
  }
  if (capabilities.SWAP && state.calls.size === 2 && entry.held) card.append(button('Swap', actions.swap));
  return card;
}

document.getElementById('presence').addEventListener('change', (e) => {
  applyPresence(e.target.value);
  render();
});
document.getElementById('dialer').addEventListener('submit', (e) => {
  e.preventDefault();
  dial({ phoneNumber: document.getElementById('dial-number').value, type: 'PhoneNumber' });
});
for (const b of document.querySelectorAll('.dial-contact')) {
  b.addEventListener('click', () => dial({ phoneNumber: b.dataset.number, name: b.dataset.name, recordId: b.dataset.record, type: 'PhoneNumber' }));
}
/** What came back to another vendor's page that tried to set the connector up (nothing may). */
state.hijacked = [];

window.voiceStandin = {
  state,
  /** The connector's events of this type, in order. */
  events: (event) => state.events.filter((e) => e.event === event),
  post,
  dial,
  presence: (value) => {
    applyPresence(value);
    render();
  },
};
if (new URLSearchParams(location.search).has('otherVendor')) {
  // Another package's page on the same Lightning page: the connector starts only once it is
  // busy trying to set the connector up first.
  window.addEventListener('message', (e) => {
    if (e.origin !== new URL(config.otherVendorUrl).origin) return;
    if (e.data?.type === 'other-vendor-ready' && state.setups === 0 && !document.querySelector('#connector-slot iframe')) startConnector();
    if (e.data?.type === 'other-vendor-answered') state.hijacked.push(e.data.data);
  });
  document.getElementById('other-vendor-slot').append(Object.assign(document.createElement('iframe'), { src: config.otherVendorUrl, title: 'Another vendor' }));
} else {
  startConnector();
}
render();
