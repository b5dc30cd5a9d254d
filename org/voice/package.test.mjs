// Checks the Salesforce Voice package that scripts/build-voice-package.sh built (scripts/test.sh
// builds it for an example org first): what a deploy would send, read from org/voice/mdapi, and
// what the build refuses. Run: node --test org/voice/package.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONNECTOR_FILES } from './build.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const MDAPI = join(HERE, 'mdapi');
const read = (path) => readFileSync(join(MDAPI, path), 'utf8');
const tag = (xml, name) => xml.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1];

function members(type) {
  const block = [...read('package.xml').matchAll(/<types>([\s\S]*?)<\/types>/g)].map((m) => m[1]).find((b) => b.includes(`<name>${type}</name>`));
  return block ? [...block.matchAll(/<members>([^<]*)<\/members>/g)].map((m) => m[1]).sort() : [];
}

function deployment() {
  const m = read('pages/SoftphoneConnector.page').match(/<script type="application\/json" id="softphone-deployment">([^<]*)<\/script>/);
  assert.ok(m, 'the connector page carries a deployment configuration');
  return JSON.parse(m[1]);
}

test('package.xml lists the connector, its pages, its resource, the permission set and the trusted sites', () => {
  assert.deepEqual(members('ConversationVendorInfo'), ['Rust_Softphone']);
  assert.deepEqual(members('ApexPage'), ['SoftphoneConnector', 'SoftphoneLogin']);
  assert.deepEqual(members('StaticResource'), ['SoftphoneConnector']);
  assert.deepEqual(members('PermissionSet'), ['Softphone_Voice_Agent']);
  assert.deepEqual(members('CspTrustedSite'), ['Softphone_VoiceCall_Service', 'Softphone_Voice_PBX_1', 'Softphone_Voice_PBX_2']);
});

test('the ConversationVendorInfo names the UI-less connector page and the login page', () => {
  const cvi = read('ConversationVendorInformation/Rust_Softphone.ConversationVendorInformation');
  assert.equal(tag(cvi, 'vendorType'), 'ServiceCloudVoicePartner');
  assert.equal(tag(cvi, 'connectorUrl'), '/apex/SoftphoneConnector');
  assert.equal(tag(cvi, 'customLoginUrl'), '/apex/SoftphoneLogin');
  assert.equal(tag(cvi, 'clientAuthMode'), 'Custom');
  assert.equal(tag(cvi, 'developerName'), 'Rust_Softphone');
});

test('the connector page shows nothing, loads the SDK then the shim from the resource, and pins the org', () => {
  const page = read('pages/SoftphoneConnector.page');
  assert.match(page, /<body><\/body>/, 'no UI: Omni-Channel draws the call controls');
  const scripts = [...page.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(scripts, ["{!URLFOR($Resource.SoftphoneConnector, 'scv-connector-base.js')}", "{!URLFOR($Resource.SoftphoneConnector, 'sdk-3.js')}"]);
  assert.doesNotMatch(page, /(?:src|href)="(?!\{!URLFOR)/, 'nothing from outside the static resource');
  const d = deployment();
  assert.deepEqual(d, {
    orgOrigins: ['https://acme.my.salesforce.com', 'https://acme.lightning.force.com'],
    organizationId: '00D000000000001AAA',
    pbxOrigins: ['wss://pbx1.example.com:8443', 'wss://pbx2.example.com:8443'],
    voiceCallOrigins: ['https://voicecall.example.com:7443'],
  });
  for (const page of ['pages/SoftphoneConnector.page', 'pages/SoftphoneLogin.page']) {
    const xml = read(page).replace(/\{![^}]*\}/g, 'x');
    assert.doesNotMatch(xml, /<(meta|link|input|br)\b[^>]*[^/]>/, `${page}: void elements are closed (Visualforce is XML)`);
  }
});

test('agents may open both pages', () => {
  const set = read('permissionsets/Softphone_Voice_Agent.permissionset');
  const pages = [...set.matchAll(/<apexPage>([^<]*)<\/apexPage>/g)].map((m) => m[1]).sort();
  assert.deepEqual(pages, ['SoftphoneConnector', 'SoftphoneLogin']);
});

test('the static resource holds the connector and the SDK exactly as npm ships it, with its licence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voice-resource-'));
  execFileSync('unzip', ['-q', join(MDAPI, 'staticresources', 'SoftphoneConnector.resource'), '-d', dir]);
  for (const f of CONNECTOR_FILES) assert.ok(readFileSync(join(dir, f)).length > 0, f);
  const npm = join(ROOT, 'crates/connector/web/node_modules/@salesforce/scv-connector-base');
  assert.ok(readFileSync(join(dir, 'scv-connector-base.js')).equals(readFileSync(join(npm, 'dist/scv-connector-base.js'))), 'the SDK is unmodified');
  assert.match(readFileSync(join(dir, 'scv-connector-base.LICENSE.txt'), 'utf8'), /BSD|Redistribution and use/);
  assert.equal(JSON.parse(readFileSync(join(npm, 'package.json'), 'utf8')).version, '3.6.2');
});

test('the CSP Trusted Sites let the pages reach the PBX and the VoiceCall service, nothing else', () => {
  const site = read('cspTrustedSites/Softphone_VoiceCall_Service.cspTrustedSite');
  assert.equal(tag(site, 'endpointUrl'), 'https://voicecall.example.com:7443');
  assert.equal(tag(site, 'isApplicableToConnectSrc'), 'true');
  assert.equal(tag(site, 'isApplicableToFrameSrc'), 'false');
});

function build(args) {
  return spawnSync(process.execPath, [join(HERE, 'build.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });
}

test('the build refuses test origins, a wrong org Id and a contact center of another vendor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voice-build-'));
  const center = readFileSync(join(HERE, 'contact-center.xml'), 'utf8');
  const variant = (name, from, to) => {
    const file = join(dir, name);
    writeFileSync(file, center.replace(from, to));
    return file;
  };
  const org = ['--org-url', 'https://acme.my.salesforce.com', '--org-id', '00D000000000001AAA'];
  for (const [file, why] of [
    [variant('ws.xml', 'wss://pbx1.example.com:8443', 'ws://pbx1.example.com:8080'), /must use wss/],
    [variant('loop.xml', 'wss://pbx1.example.com:8443', 'wss://127.0.0.1:8443'), /loopback/],
    [variant('http.xml', 'https://voicecall.example.com:7443', 'http://voicecall.example.com:7443'), /must use https/],
    [variant('vendor.xml', '>Rust_Softphone<', '>Other_Vendor<'), /this package's ConversationVendorInfo is Rust_Softphone/],
  ]) {
    const r = build([...org, '--contact-center', file]);
    assert.equal(r.status, 2, file);
    assert.match(r.stderr, why, file);
  }
  assert.match(build(['--org-url', 'https://acme.my.salesforce.com', '--org-id', '005000000000001AAA']).stderr, /not an org Id/);
  assert.match(build(['--org-url', 'http://acme.my.salesforce.com', '--org-id', '00D000000000001AAA']).stderr, /must use https/);
});
