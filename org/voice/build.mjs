// Builds the Salesforce Voice package's generated parts into org/voice/force-app/main/default from
// the built connector (scripts/build-connector.sh: dist-connector/) and a Partner Telephony
// contact center file (scripts/build-voice-package.sh runs it, then converts the project to
// Metadata API form in org/voice/mdapi):
// - staticresources/SoftphoneConnector/: the connector as built (the CLI zips it);
// - pages/SoftphoneConnector.page: the UI-less connector page, with the deployment configuration
//   the connector trusts (the org's origins and Id, the PBX and VoiceCall service origins);
// - pages/SoftphoneLogin.page: the login frame Omni-Channel shows;
// - cspTrustedSites/: one per PBX origin and one for the VoiceCall service, so the pages may
//   connect to them;
// - out/contact-center.xml: the contact center file to import, checked (`callcenter validate`).
// The org is pinned exactly as the Open CTI package pins it (org/build.mjs: its My Domain and
// Lightning origins), plus its Id, which the connector compares with the one Salesforce sends.
// It refuses http://, ws:// and loopback entries: a deployable build never trusts a test origin.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callcenterTool, definitionItem, deployableOrigin, orgOrigins, readFlags, Refused, trustedSite } from '../build.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const OUT = join(HERE, 'force-app', 'main', 'default');
export const RESOURCE = 'SoftphoneConnector';
/** What the connector's static resource must hold (scripts/build-connector.sh). */
export const CONNECTOR_FILES = ['scv-connector-base.js', 'scv-connector-base.LICENSE.txt', 'sdk-3.js', 'login.js', 'connector.js', 'connector_bg.wasm'];
const VENDOR_INFO = 'Rust_Softphone';

const USAGE = `usage: node org/voice/build.mjs --org-url https://MYDOMAIN.my.salesforce.com --org-id 00D...
       [--contact-center FILE] [--connector DIR] [--org-origin https://HOST]... [--namespace NS]
  --org-url         the org's My Domain URL; its Lightning and My Domain origins are pinned
  --org-id          the org's Id: the connector starts only for this org
  --org-origin      one more origin allowed to set the connector up (other Salesforce clouds)
  --contact-center  the Partner Telephony contact center file (default org/voice/contact-center.xml)
  --connector       the built connector (default dist-connector)
  --namespace       the package's namespace, if it has one (the contact center then names ns__${VENDOR_INFO})`;

function parseArgs(argv) {
  const o = readFlags(argv, USAGE,
    { orgUrl: null, orgId: null, orgOrigins: [], contactCenter: join(HERE, 'contact-center.xml'), connector: join(ROOT, 'dist-connector'), namespace: '' },
    { '--org-url': 'orgUrl', '--org-id': 'orgId', '--org-origin': 'orgOrigins', '--contact-center': 'contactCenter', '--connector': 'connector', '--namespace': 'namespace' });
  if (!o.orgUrl || !o.orgId) throw new Refused(`--org-url and --org-id are required\n${USAGE}`);
  if (!/^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/.test(o.orgId)) throw new Refused(`--org-id ${o.orgId} is not an org Id (00D..., 15 or 18 characters)`);
  if (o.namespace && !/^[A-Za-z][A-Za-z0-9_]{0,14}$/.test(o.namespace)) throw new Refused(`--namespace ${o.namespace} is not a namespace prefix`);
  return o;
}

/** The contact center's facts the package pins, checked. */
export function readContactCenter(file, namespace) {
  const xml = readFileSync(file, 'utf8');
  const vendor = definitionItem(xml, 'reqVendorInfoApiName');
  const expected = namespace ? `${namespace}__${VENDOR_INFO}` : VENDOR_INFO;
  if (vendor !== expected) throw new Refused(`${file}: reqVendorInfoApiName is ${JSON.stringify(vendor)}; this package's ConversationVendorInfo is ${expected}`);
  const name = definitionItem(xml, 'reqInternalName');
  if (!name || !/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new Refused(`${file}: reqInternalName ${JSON.stringify(name)} is not an API name`);
  const urls = (definitionItem(xml, 'pbxWebSocketUrls') || '').split(',').map((u) => u.trim()).filter(Boolean);
  if (urls.length === 0) throw new Refused(`${file}: pbxWebSocketUrls is empty`);
  const pbxOrigins = [...new Set(urls.map((u) => deployableOrigin(u, ['wss'], `${file}: PBX URL`)))];
  const service = definitionItem(xml, 'voiceCallServiceUrl') || '';
  if (!service) throw new Refused(`${file}: voiceCallServiceUrl is empty`);
  const voiceCallOrigins = [deployableOrigin(service, ['https'], `${file}: voiceCallServiceUrl`)];
  return { name, pbxOrigins, voiceCallOrigins };
}

/** The connector's page: no UI, the SDK first (it must hear Salesforce's first message), then
 * our shim, which loads the wasm. */
export function connectorPage(deployment) {
  const resource = (file) => `{!URLFOR($Resource.${RESOURCE}, '${file}')}`;
  return `<apex:page showHeader="false" sidebar="false" standardStylesheets="false" applyHtmlTag="false" applyBodyTag="false" docType="html-5.0" cache="false">
<html lang="en">
  <head>
    <meta charset="utf-8"/>
    <meta name="referrer" content="no-referrer"/>
    <title>Rust softphone connector</title>
    <script type="application/json" id="softphone-deployment">${JSON.stringify(deployment)}</script>
    <script src="${resource('scv-connector-base.js')}"></script>
    <script src="${resource('sdk-3.js')}" data-glue="${resource('connector.js')}" data-wasm="${resource('connector_bg.wasm')}"></script>
  </head>
  <body></body>
</html>
</apex:page>
`;
}

/** The login frame: the agent's SIP extension and password, handed to the connector (same
 * origin) and never stored. */
export function loginPage() {
  return `<apex:page showHeader="false" sidebar="false" standardStylesheets="false" applyHtmlTag="false" applyBodyTag="false" docType="html-5.0" cache="false">
<html lang="en">
  <head>
    <meta charset="utf-8"/>
    <meta name="referrer" content="no-referrer"/>
    <title>Sign in to your phone</title>
    <script src="{!URLFOR($Resource.${RESOURCE}, 'login.js')}" defer="defer"></script>
  </head>
  <body>
    <form id="sign-in" autocomplete="on">
      <label>Extension <input id="sip-user" name="username" autocomplete="username" required="required"/></label>
      <label>Password <input id="sip-password" name="password" type="password" autocomplete="current-password" required="required"/></label>
      <button type="submit">Sign in</button>
      <p id="sign-in-status" role="status"></p>
    </form>
  </body>
</html>
</apex:page>
`;
}

export function build(argv) {
  const o = parseArgs(argv);
  const origins = orgOrigins(o.orgUrl, o.orgOrigins);
  const center = readContactCenter(o.contactCenter, o.namespace);
  const files = existsSync(o.connector) ? readdirSync(o.connector).filter((f) => statSync(join(o.connector, f)).isFile()) : [];
  const missing = CONNECTOR_FILES.filter((f) => !files.includes(f));
  if (missing.length) throw new Refused(`${o.connector} lacks ${missing.join(', ')}: run scripts/build-connector.sh first`);
  const [tool, ...toolArgs] = callcenterTool();
  try {
    execFileSync(tool, [...toolArgs, 'validate', o.contactCenter], { cwd: ROOT, stdio: 'pipe' });
  } catch (e) {
    throw new Refused(`${o.contactCenter} does not validate:\n${e.stdout || e.message}`);
  }
  const deployment = { orgOrigins: origins, organizationId: o.orgId, pbxOrigins: center.pbxOrigins, voiceCallOrigins: center.voiceCallOrigins };
  const resourceDir = join(OUT, 'staticresources', RESOURCE);
  rmSync(resourceDir, { recursive: true, force: true });
  mkdirSync(resourceDir, { recursive: true });
  for (const f of CONNECTOR_FILES) cpSync(join(o.connector, f), join(resourceDir, f));
  writeFileSync(join(OUT, 'pages', 'SoftphoneConnector.page'), connectorPage(deployment));
  writeFileSync(join(OUT, 'pages', 'SoftphoneLogin.page'), loginPage());
  const csp = join(OUT, 'cspTrustedSites');
  rmSync(csp, { recursive: true, force: true });
  mkdirSync(csp, { recursive: true });
  center.pbxOrigins.forEach((origin, i) => {
    writeFileSync(join(csp, `Softphone_Voice_PBX_${i + 1}.cspTrustedSite-meta.xml`), trustedSite(origin, `PBX WebSocket for the Salesforce Voice connector (${center.name})`));
  });
  writeFileSync(join(csp, 'Softphone_VoiceCall_Service.cspTrustedSite-meta.xml'), trustedSite(center.voiceCallOrigins[0], `VoiceCall service of the Salesforce Voice connector (${center.name})`));
  const out = join(HERE, 'out');
  mkdirSync(out, { recursive: true });
  cpSync(o.contactCenter, join(out, 'contact-center.xml'));
  return { deployment, contactCenter: center.name, files: CONNECTOR_FILES.length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const r = build(process.argv.slice(2));
    console.log(`voice package: ${r.files} files in the static resource, contact center ${r.contactCenter} (org/voice/out/contact-center.xml)`);
    console.log(`  trusted to set the connector up: ${r.deployment.orgOrigins.join(' ')} (org ${r.deployment.organizationId})`);
    console.log(`  PBX origins pinned:              ${r.deployment.pbxOrigins.join(' ')}`);
    console.log(`  VoiceCall service pinned:        ${r.deployment.voiceCallOrigins.join(' ')}`);
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    console.error(`build-voice-package: ${e.message}`);
    process.exit(2);
  }
}
