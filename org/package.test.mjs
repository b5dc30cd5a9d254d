// Checks the org package that scripts/build-org-package.sh built (scripts/test.sh builds it for
// an example org first): what a deploy would send, read from org/mdapi, and what the build
// refuses. Run: node --test org/package.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { visualforcePage, Refused } from './build.mjs';

const ORG = dirname(fileURLToPath(import.meta.url));
const MDAPI = join(ORG, 'mdapi');
const read = (path) => readFileSync(join(MDAPI, path), 'utf8');

function members(type) {
  const xml = read('package.xml');
  const block = [...xml.matchAll(/<types>([\s\S]*?)<\/types>/g)].map((m) => m[1]).find((b) => b.includes(`<name>${type}</name>`));
  return block ? [...block.matchAll(/<members>([^<]*)<\/members>/g)].map((m) => m[1]).sort() : [];
}

/** The deployment configuration written into the Visualforce page. */
function pageDeployment() {
  const m = read('pages/Softphone.page').match(/<script type="application\/json" id="softphone-deployment">([^<]*)<\/script>/);
  assert.ok(m, 'the page carries a deployment configuration');
  return JSON.parse(m[1]);
}

/** The reports of the package's folder. */
const REPORTS = ['Softphone_Call_Quality_by_Day', 'Softphone_Calls_by_Agent', 'Softphone_Pop_Success_by_Day', 'Softphone_Talk_Time_by_Agent'];

const LOOPBACK = /\/\/(127\.|localhost|\[::1\]|0\.0\.0\.0)/;

test('package.xml lists every component an install needs', () => {
  assert.deepEqual(members('ApexClass'), ['SoftphoneCallLog', 'SoftphoneCallLogTest', 'SoftphoneCredentials', 'SoftphoneCredentialsTest']);
  assert.deepEqual(members('ApexPage'), ['Softphone']);
  assert.deepEqual(members('StaticResource'), ['Softphone', 'SoftphoneCredentialVectors']);
  assert.deepEqual(members('PermissionSet'), ['Softphone_Admin', 'Softphone_Agent', 'Softphone_Supervisor']);
  assert.deepEqual(members('ReportType'), ['Softphone_Calls']);
  assert.deepEqual(members('Report'), ['Softphone_Reports/', ...REPORTS.map((r) => `Softphone_Reports/${r}`)]);
  assert.deepEqual(members('Dashboard'), ['Softphone_Dashboards/', 'Softphone_Dashboards/Softphone_Go_No_Go']);
  assert.deepEqual(members('CustomObject'), ['Softphone_Secret__c']);
  assert.deepEqual(members('CallCenter'), ['RustSoftphone']);
  assert.ok(members('CspTrustedSite').length >= 1, 'a CSP Trusted Site per PBX origin');
});

/** The call-log fields on Activity: name -> [type, length or precision, scale]. The phone writes
 * all but the formula; `callcenter report` reads the pop's and the attempts'; the reports and
 * dashboard chart them. */
const CALL_LOG_FIELDS = {
  Softphone_Call_Center__c: ['Text', '80', undefined],
  Softphone_Jitter_Ms__c: ['Number', '6', '0'],
  Softphone_Log_Attempts__c: ['Number', '4', '0'],
  Softphone_Loss_Percent__c: ['Number', '4', '1'],
  Softphone_MOS__c: ['Number', '2', '1'],
  Softphone_Outcome__c: ['Text', '20', undefined],
  Softphone_Pop_Landed__c: ['Number', '3', '0'],
  Softphone_Pop_Latency_Ms__c: ['Number', '8', '0'],
  Softphone_Pop_Outcome__c: ['Text', '20', undefined],
  Softphone_Round_Trip_Ms__c: ['Number', '6', '0'],
};
/** Computed by Salesforce, never written. */
const FORMULAS = ['Softphone_Pop_Landed__c'];

const tag = (xml, name) => xml.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1];
/** The `<fields>` block of `object`'s field `name`, as the Metadata API form has it. */
const fieldOf = (object, name) => [...read(`objects/${object}.object`).matchAll(/<fields>([\s\S]*?)<\/fields>/g)].map((m) => m[1]).find((f) => tag(f, 'fullName') === name);
/** A permission set's field permissions, sorted by field. */
function fieldPermissions(set) {
  return [...read(`permissionsets/${set}.permissionset`).matchAll(/<fieldPermissions>([\s\S]*?)<\/fieldPermissions>/g)]
    .map((m) => ({ field: tag(m[1], 'field'), editable: tag(m[1], 'editable'), readable: tag(m[1], 'readable') }))
    .sort((a, b) => a.field.localeCompare(b.field));
}
/** The package fields the phone writes on a Task (`PACKAGE_FIELDS` in src/ui/salesforce.rs, the Salesforce edge). */
function phoneWrites() {
  const source = readFileSync(join(ORG, '..', 'src', 'ui', 'salesforce.rs'), 'utf8');
  const list = source.match(/pub const PACKAGE_FIELDS: \[&str; \d+\] = \[([^\]]*)\]/);
  assert.ok(list, 'salesforce.rs names the package fields');
  return [...list[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]).sort();
}

test('the package adds the call-log fields to Activity, and agents may write them', () => {
  const names = Object.keys(CALL_LOG_FIELDS);
  assert.deepEqual(members('CustomField').filter((f) => f.startsWith('Activity.')), names.map((n) => `Activity.${n}`));
  for (const [name, [type, size, scale]] of Object.entries(CALL_LOG_FIELDS)) {
    const field = fieldOf('Activity', name);
    assert.ok(field, `${name} is in Activity`);
    assert.equal(tag(field, 'type'), type, name);
    assert.equal(tag(field, type === 'Text' ? 'length' : 'precision'), size, name);
    assert.equal(tag(field, 'scale'), scale, name);
    assert.equal(tag(field, 'required'), 'false', `${name}: calls logged without it must still save`);
    assert.equal(Boolean(tag(field, 'formula')), FORMULAS.includes(name), `${name}: a formula or a field the phone writes`);
  }
  // What the phone writes is exactly the package's fields that are no formula.
  assert.deepEqual(phoneWrites(), names.filter((n) => !FORMULAS.includes(n)));
  // Activity fields are granted on Task in a permission set (Salesforce mirrors them on Event);
  // a formula is read only.
  assert.deepEqual(fieldPermissions('Softphone_Agent'), names.map((n) => ({ field: `Task.${n}`, editable: String(!FORMULAS.includes(n)), readable: 'true' })));
});

/** Standard Activity fields the report type offers, as a custom report type names them (SOAP API
 * Developer Guide, Task; a lookup by its relationship name: OwnerId is Owner, WhoId Who, WhatId
 * What). */
const STANDARD_ACTIVITY_FIELDS = ['ActivityDate', 'CallDisposition', 'CallDurationInSeconds', 'CallObject', 'CallType', 'CreatedDate', 'Owner', 'Subject', 'TaskSubtype', 'What', 'Who'];
const all = (xml, name) => [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]);

test('the reports and the dashboard name only fields the package adds or Activity has, through the report type', () => {
  const type = read('reportTypes/Softphone_Calls.reportType');
  assert.equal(tag(type, 'baseObject'), 'Activity');
  assert.equal(tag(type, 'deployed'), 'true');
  assert.deepEqual([...new Set(all(type, 'table'))], ['Activity']);
  const offered = all(type, 'field');
  for (const field of offered) {
    const packaged = Object.keys(CALL_LOG_FIELDS).includes(field);
    assert.ok(packaged || STANDARD_ACTIVITY_FIELDS.includes(field), `the report type offers ${field}, which neither the package nor Activity has`);
  }
  assert.deepEqual(Object.keys(CALL_LOG_FIELDS).filter((f) => !offered.includes(f)), [], 'every call-log field can be reported on');
  for (const name of REPORTS) {
    const report = read(`reports/Softphone_Reports/${name}.report`);
    assert.equal(tag(report, 'reportType'), 'Softphone_Calls__c', `${name}: a custom report type is named with __c`);
    const named = [...all(report, 'field'), ...all(report, 'column'), ...all(report, 'dateColumn')];
    assert.ok(named.length >= 3, name);
    for (const ref of named) {
      const [table, field] = ref.split('$');
      assert.equal(table, 'Activity', `${name}: ${ref} is named as Object$Field`);
      assert.ok(offered.includes(field), `${name}: ${ref} is not in the report type`);
    }
    assert.match(report, /<groupingsDown>/, `${name}: a summary report groups its rows`);
    assert.match(report, /<aggregateTypes>|<groupingsDown>[\s\S]*<groupingsDown>|Owner/, `${name}: it sums up something`);
  }
  const pops = read('reports/Softphone_Reports/Softphone_Pop_Success_by_Day.report');
  assert.deepEqual(all(pops, 'field').filter((f) => /CreatedDate|Call_Center/.test(f)), ['Activity$CreatedDate', 'Activity$Softphone_Call_Center__c'], 'per day, then per Call Center');
  assert.match(pops, /<aggregateTypes>Average<\/aggregateTypes>\s*<field>Activity\$Softphone_Pop_Landed__c<\/field>/, 'the success rate is the landed share');
  // The formula counts exactly what callcenter report counts as landed.
  const formula = tag(fieldOf('Activity', 'Softphone_Pop_Landed__c'), 'formula').replaceAll('&quot;', '"');
  assert.deepEqual([...formula.matchAll(/"([a-z-]+)"/g)].map((m) => m[1]).sort(), ['new-record', 'one-match']);
  const dashboard = read('dashboards/Softphone_Dashboards/Softphone_Go_No_Go.dashboard');
  assert.deepEqual(all(dashboard, 'report').sort(), ['Softphone_Call_Quality_by_Day', 'Softphone_Calls_by_Agent', 'Softphone_Pop_Success_by_Day', 'Softphone_Talk_Time_by_Agent'].map((r) => `Softphone_Reports/${r}`));
  assert.equal(tag(dashboard, 'dashboardType'), 'LoggedInUser', 'no user of ours is named: it deploys to any org');
  assert.doesNotMatch(dashboard, /<runningUser>/);
  // Supervisors read every call-log field and write none.
  assert.deepEqual(fieldPermissions('Softphone_Supervisor'), Object.keys(CALL_LOG_FIELDS).map((n) => ({ field: `Task.${n}`, editable: 'false', readable: 'true' })));
});

test('the secret is out of agents\' reach: only the admin permission set grants it, encrypted; the extension is unique', () => {
  assert.deepEqual(members('CustomField').filter((f) => !f.startsWith('Activity.')), [
    'Softphone_Secret__c.Lifetime_Seconds__c', 'Softphone_Secret__c.Sip_Secret__c', 'Softphone_Secret__c.Turn_Secret__c', 'User.Softphone_Extension__c',
  ]);
  for (const name of ['Sip_Secret__c', 'Turn_Secret__c']) {
    assert.equal(tag(fieldOf('Softphone_Secret__c', name), 'type'), 'EncryptedText', name);
    assert.equal(tag(fieldOf('Softphone_Secret__c', name), 'maskType'), 'all', name);
  }
  assert.equal(tag(fieldOf('User', 'Softphone_Extension__c'), 'unique'), 'true', 'two users never share an extension');
  const agent = read('permissionsets/Softphone_Agent.permissionset');
  assert.doesNotMatch(agent, /<objectPermissions>/, 'agents get no object access');
  assert.ok(fieldPermissions('Softphone_Agent').every((p) => p.field.startsWith('Task.')), 'agents get no field access beyond the Task fields');
  assert.match(agent, /<apexClass>SoftphoneCredentials<\/apexClass>\s*<enabled>true<\/enabled>/, 'agents may call the credentials service');
  const admin = read('permissionsets/Softphone_Admin.permissionset');
  assert.match(admin, /<object>Softphone_Secret__c<\/object>/);
  assert.deepEqual(fieldPermissions('Softphone_Admin').map((p) => p.field), ['Softphone_Secret__c.Lifetime_Seconds__c', 'Softphone_Secret__c.Turn_Secret__c', 'User.Softphone_Extension__c']);
});

test('the Apex test reads the credential vectors the PBX-side checks share', () => {
  const vectors = JSON.parse(readFileSync(join(MDAPI, 'staticresources', 'SoftphoneCredentialVectors.resource'), 'utf8'));
  assert.ok(vectors.vectors.length >= 5);
  assert.match(read('staticresources/SoftphoneCredentialVectors.resource-meta.xml'), /<contentType>application\/json<\/contentType>/);
  assert.match(read('classes/SoftphoneCredentialsTest.cls'), /Name = 'SoftphoneCredentialVectors'/);
});

test('the static resource holds the whole app and the page loads only files it has', () => {
  const zipped = execFileSync('unzip', ['-Z1', join(MDAPI, 'staticresources', 'Softphone.resource')], { encoding: 'utf8' }).split('\n').filter(Boolean);
  assert.ok(zipped.includes('index.html'), zipped.join(' '));
  assert.ok(zipped.some((f) => f.endsWith('_bg.wasm')), 'the wasm');
  assert.ok(zipped.some((f) => f.endsWith('.js')), 'the JS glue');
  const page = read('pages/Softphone.page');
  const referenced = [...page.matchAll(/URLFOR\(\$Resource\.Softphone, '([^']+)'\)/g)].map((m) => m[1]);
  assert.ok(referenced.some((f) => f.endsWith('.wasm')) && referenced.some((f) => f.endsWith('.js')), page);
  for (const file of referenced) assert.ok(zipped.includes(file), `the page loads ${file}, which the resource lacks`);
  assert.doesNotMatch(page, /(?:src|href)="\.?\//, 'nothing is loaded from the site root or relative to /apex/');
});

test('the page is well-formed markup, as Visualforce requires', () => {
  // expat without namespaces: apex: is a plain prefix here.
  const check = spawnSync('python3', ['-c', 'import sys, xml.parsers.expat as e; e.ParserCreate().Parse(open(sys.argv[1], "rb").read(), True)', join(MDAPI, 'pages', 'Softphone.page')], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
});

test('the deployable trust configuration names only https/wss hosts, never loopback', () => {
  const d = pageDeployment();
  assert.ok(d.orgOrigins.length > 0 && d.pbxOrigins.length > 0, JSON.stringify(d));
  for (const o of d.orgOrigins) assert.match(o, /^https:\/\/[a-z0-9.-]+$/);
  for (const o of d.pbxOrigins) assert.match(o, /^wss:\/\/[a-z0-9.-]+(:\d+)?$/);
  assert.doesNotMatch(JSON.stringify(d), LOOPBACK);
  for (const site of readdirSync(join(MDAPI, 'cspTrustedSites'))) {
    const url = read(join('cspTrustedSites', site)).match(/<endpointUrl>([^<]*)<\/endpointUrl>/)[1];
    assert.ok(d.pbxOrigins.includes(url) || url.startsWith('https://'), `${site}: ${url}`);
    assert.doesNotMatch(url, LOOPBACK);
  }
  assert.match(read('callCenters/RustSoftphone.callCenter'), /<adapterUrl>\/apex\/Softphone<\/adapterUrl>/);
});

/** Runs the package build with these arguments; returns its exit code and message. */
function buildWith(args) {
  const r = spawnSync(process.execPath, [join(ORG, 'build.mjs'), ...args], { encoding: 'utf8' });
  return { status: r.status, message: r.stderr };
}

test('the build refuses http, ws and loopback entries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'org-build-'));
  const definition = (pbx) => {
    const file = join(dir, `def-${Math.random().toString(36).slice(2)}.xml`);
    writeFileSync(file, readFileSync(join(ORG, 'callcenter.xml'), 'utf8').replace(/(name="pbxWebSocketUrls"[^>]*>)[^<]*/, `$1${pbx}`));
    return file;
  };
  const cases = [
    [['--org-url', 'http://acme.my.salesforce.com'], /must use https/],
    [['--org-url', 'https://127.0.0.1:8700'], /loopback/],
    [['--org-url', 'https://acme.my.salesforce.com', '--org-origin', 'http://127.0.0.1:8700'], /must use https/],
    [['--org-url', 'https://localhost'], /loopback/],
    [['--org-url', 'https://acme.my.salesforce.com', '--definition', definition('ws://127.0.0.1:8080')], /must use wss/],
    [['--org-url', 'https://acme.my.salesforce.com', '--definition', definition('wss://127.0.0.1:8443')], /loopback/],
    [['--org-url', 'https://acme.my.salesforce.mil'], /--org-origin/],
  ];
  for (const [args, why] of cases) {
    const r = buildWith(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.message}`);
    assert.match(r.message, why, args.join(' '));
  }
});

test('an index.html that loads from the site root cannot become the page', () => {
  const rooted = '<html><head><script type="module">import init from \'/softphone-1.js\';</script></head><body></body></html>';
  assert.throws(() => visualforcePage(rooted, ['softphone-1.js'], {}), Refused);
  const relative = '<html><head><link rel="stylesheet" href="./a.css"></head><body></body></html>';
  assert.match(visualforcePage(relative, ['a.css'], {}), /<link rel="stylesheet" href="\{!URLFOR\(\$Resource\.Softphone, 'a\.css'\)\}"\/>/);
  assert.throws(() => visualforcePage(relative, ['b.css'], {}), Refused, 'a file dist/ lacks');
});

test("the page passes the user's language, and the resource holds every language's words", () => {
  assert.match(read('pages/Softphone.page'), /<meta name="salesforce-language" content="\{!\$User\.LanguageLocaleKey\}"\/>/);
  // A zip names its files in plain bytes: the phone fetches lang/<tag>.txt beside its wasm.
  const resource = readFileSync(join(MDAPI, 'staticresources', 'Softphone.resource')).toString('latin1');
  for (const tag of ['fr', 'de', 'es', 'ja', 'pt-BR']) assert.ok(resource.includes(`lang/${tag}.txt`), `lang/${tag}.txt in the static resource`);
});
