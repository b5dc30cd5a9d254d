// The Telephony Integration REST API as the stand-in plays it: POST /telephony/v1/voiceCalls
// creates a VoiceCall, PATCH /telephony/v1/voiceCalls/{id or vendorCallKey} updates one (or
// creates it, as Salesforce documents). Every request must carry a JWT signed RS256 by the key
// of the contact center's certificate, with the claims Salesforce names. Sources and choices:
// STANDIN.md, "REST API".
import { createPublicKey, verify } from 'node:crypto';

export const AUDIENCE = 'https://scrt.salesforce.com';
/** Seconds a token's `iat` may lie in the future (clocks differ a little). */
const CLOCK_SKEW_S = 60;
const INITIATION_METHODS = ['Inbound', 'Outbound', 'Transfer', 'Callback'];
const PARTICIPANT_TYPES = ['END_USER', 'VIRTUAL_AGENT', 'AGENT', 'SUPERVISOR', 'HUMAN_AGENT'];

/** What the REST side knows: the VoiceCalls, every request it answered, and the faults tests
 * asked for. `certificate` is the PEM the admin imported into the contact center. */
export class VoiceCalls {
  constructor({ orgId, contactCenter, certificate }) {
    this.orgId = orgId;
    this.contactCenter = contactCenter;
    this.publicKey = createPublicKey(certificate);
    this.reset();
  }

  reset() {
    /** @type {{id, vendorCallKey, from, to, initiationMethod, startTime, createdBy, updates}[]} */
    this.records = [];
    /** Every request: method, path, status, why (for refusals). */
    this.log = [];
    /** What the next requests meet, in order (see `answer`). */
    this.faults = [];
    this.listeners = new Set();
  }

  /** Calls `f(record)` for every VoiceCall created from now on; returns a function to stop. */
  onCreated(f) {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  find(idOrKey) {
    return this.records.find((r) => r.id === idOrKey || r.vendorCallKey === idOrKey);
  }

  /**
   * Answers one REST request: `{ status, body }`, or `{ hangMs }` (close without answering
   * after that long, as a request lost in Salesforce would look).
   */
  answer(method, path, headers, bodyText) {
    const fault = this.faults.shift();
    const reply = this.handle(method, path, headers, bodyText, fault);
    this.log.push({ method, path, status: reply.status ?? 'no answer', why: reply.why, at: Date.now() });
    return reply;
  }

  handle(method, path, headers, bodyText, fault) {
    const denied = this.checkToken(headers.authorization);
    if (denied) return { status: 401, body: { errorCode: 'INVALID_AUTH', message: denied }, why: denied };
    if (!/^application\/json\b/i.test(headers['content-type'] || '')) {
      return refuse(415, 'Content-Type must be application/json');
    }
    let body;
    try {
      body = JSON.parse(bodyText);
    } catch {
      return refuse(400, 'the body is not JSON');
    }
    // A fault the test asked for: Salesforce unavailable (nothing recorded), or an error or a
    // lost answer after the record was made.
    if (fault && !fault.afterRecord) return fault.hangMs ? { hangMs: fault.hangMs } : { status: fault.status, body: { errorCode: 'FAULT' }, why: 'fault' };
    let reply;
    if (method === 'POST' && path === '/telephony/v1/voiceCalls') reply = this.create(body);
    else if (method === 'PATCH' && path.startsWith('/telephony/v1/voiceCalls/')) reply = this.update(decodeURIComponent(path.slice('/telephony/v1/voiceCalls/'.length)), body);
    else reply = refuse(404, `no ${method} ${path}`);
    if (fault && reply.status < 300) return fault.hangMs ? { hangMs: fault.hangMs } : { status: fault.status, body: { errorCode: 'FAULT' }, why: 'fault after the record was made' };
    return reply;
  }

  /** Why the bearer token is refused, or null. */
  checkToken(authorization) {
    const token = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(authorization || '');
    if (!token) return 'no bearer JWT';
    const [, headerPart, claimsPart, signaturePart] = token;
    let header;
    let claims;
    try {
      header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(claimsPart, 'base64url').toString('utf8'));
    } catch {
      return 'the JWT is not JSON';
    }
    if (header.alg !== 'RS256') return `the JWT is signed ${header.alg}, not RS256`;
    const signed = verify('RSA-SHA256', Buffer.from(`${headerPart}.${claimsPart}`), this.publicKey, Buffer.from(signaturePart, 'base64url'));
    if (!signed) return 'the JWT signature does not match the contact center certificate';
    const now = Math.floor(Date.now() / 1000);
    const orgIds = [this.orgId, this.orgId.slice(0, 15)];
    if (!orgIds.includes(claims.iss)) return `iss ${claims.iss} is not this org`;
    if (claims.sub !== this.contactCenter) return `sub ${claims.sub} is not the contact center ${this.contactCenter}`;
    if (claims.aud !== AUDIENCE) return `aud ${claims.aud} is not ${AUDIENCE}`;
    if (!Number.isInteger(claims.exp) || claims.exp <= now) return 'the JWT has expired (or has no exp)';
    if (!Number.isInteger(claims.iat) || claims.iat > now + CLOCK_SKEW_S) return 'the JWT is issued in the future (or has no iat)';
    return null;
  }

  create(body) {
    const problem = createProblem(body, this.contactCenter);
    if (problem) return refuse(400, problem);
    const record = {
      id: `0LQ${String(this.records.length + 1).padStart(12, '0')}AAA`,
      vendorCallKey: body.vendorCallKey,
      from: body.from,
      to: body.to,
      initiationMethod: body.initiationMethod,
      startTime: body.startTime,
      createdBy: 'POST',
      updates: [],
    };
    this.records.push(record);
    for (const f of this.listeners) f(record);
    return { status: 200, body: { voiceCallId: record.id } };
  }

  update(idOrKey, body) {
    for (const field of ['startTime', 'endTime']) {
      if (body[field] !== undefined && Number.isNaN(Date.parse(body[field]))) return refuse(400, `${field} is not a date-time`);
    }
    let record = this.find(idOrKey);
    if (!record) {
      // "This endpoint can also be used to create a voice call even after the call has ended."
      record = { id: `0LQ${String(this.records.length + 1).padStart(12, '0')}AAA`, vendorCallKey: idOrKey, from: body.fromNumber, to: null, initiationMethod: null, startTime: body.startTime, createdBy: 'PATCH', updates: [] };
      this.records.push(record);
    }
    record.updates.push(body);
    return { status: 200, body: {} };
  }
}

function refuse(status, why) {
  return { status, body: { errorCode: 'INVALID_INPUT', message: why }, why };
}

/** What is wrong with a create request's body, or null. */
export function createProblem(body, contactCenter) {
  const text = (v, max = 255) => typeof v === 'string' && v.length > 0 && v.length <= max;
  if (body.callCenterApiName !== contactCenter) return `callCenterApiName ${body.callCenterApiName} is not the contact center ${contactCenter}`;
  if (!text(body.vendorCallKey)) return 'vendorCallKey must be a string of 1 to 255 characters';
  if (!text(body.from, 80) || !text(body.to, 80)) return 'from and to are required';
  if (!INITIATION_METHODS.includes(body.initiationMethod)) return `initiationMethod must be one of ${INITIATION_METHODS.join(', ')}`;
  if (!text(body.startTime, 40) || Number.isNaN(Date.parse(body.startTime))) return 'startTime must be a date-time';
  if (!Array.isArray(body.participants) || body.participants.length === 0) return 'participants is required';
  for (const p of body.participants) {
    if (!text(p?.participantKey, 255) || !PARTICIPANT_TYPES.includes(p?.type)) return 'each participant needs a participantKey and a type';
  }
  return null;
}
