// Builds the org package's generated parts into org/force-app/main/default from trunk's dist/
// and a Call Center definition (scripts/build-org-package.sh runs it, then converts the
// project to Metadata API form):
// - staticresources/Softphone/: dist/ as it is (the CLI zips it);
// - pages/Softphone.page: dist/index.html as a Visualforce page, its assets through
//   URLFOR($Resource.Softphone, ...), with the deployment configuration the phone trusts;
// - callCenters/<name>.callCenter-meta.xml: the definition (`callcenter convert`);
// - cspTrustedSites/: one per PBX origin (and per --trusted-site), so Lightning lets the page
//   connect to them.
// It refuses http://, ws:// and loopback entries: a deployable build never trusts a test origin.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ORG = dirname(fileURLToPath(import.meta.url));
const ROOT = join(ORG, '..');
const OUT = join(ORG, 'force-app', 'main', 'default');
const RESOURCE = 'Softphone';
const PAGE = 'Softphone';

const USAGE = `usage: node org/build.mjs --org-url https://MYDOMAIN.my.salesforce.com [--definition FILE]
       [--dist DIR] [--org-origin https://HOST]... [--trusted-site https://HOST]...
  --org-url       the org's My Domain URL (sf org display: Instance Url); its Lightning and
                  My Domain origins are trusted to frame the phone
  --org-origin    one more origin allowed to frame the phone (other Salesforce clouds)
  --trusted-site  one more CSP Trusted Site for the page (e.g. a TURN credentials URL)
  --definition    the Call Center definition (default org/callcenter.xml)
  --dist          trunk's output (default dist)`;

export class Refused extends Error {}

/** Reads `--flag value` pairs into a copy of `defaults`: `flags` maps each flag to the option it
 * sets (an array option collects every value given). Shared by this build and the voice one. */
export function readFlags(argv, usage, defaults, flags) {
  const o = structuredClone(defaults);
  for (let i = 0; i < argv.length; i += 1) {
    const key = flags[argv[i]];
    if (!key) throw new Refused(`unknown argument ${argv[i]}\n${usage}`);
    i += 1;
    if (argv[i] === undefined) throw new Refused(`${argv[i - 1]} needs a value\n${usage}`);
    if (Array.isArray(o[key])) o[key].push(argv[i]); else o[key] = argv[i];
  }
  return o;
}

function parseArgs(argv) {
  const o = readFlags(argv, USAGE,
    { orgUrl: null, orgOrigins: [], trustedSites: [], definition: join(ORG, 'callcenter.xml'), dist: join(ROOT, 'dist') },
    { '--org-url': 'orgUrl', '--org-origin': 'orgOrigins', '--trusted-site': 'trustedSites', '--definition': 'definition', '--dist': 'dist' });
  if (!o.orgUrl) throw new Refused(`--org-url is required\n${USAGE}`);
  return o;
}

function isLoopback(host) {
  return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '0.0.0.0'
    || host === '[::1]' || host === '[::]';
}

/** `scheme://host[:port]` of `text` if it is a secure, non-loopback origin of one of `schemes`. */
export function deployableOrigin(text, schemes, what) {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new Refused(`${what} ${JSON.stringify(text)} is not a URL`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!schemes.includes(scheme)) {
    throw new Refused(`${what} ${text} must use ${schemes.join(' or ')}:// (a deployable build trusts no plain http or ws)`);
  }
  if (isLoopback(url.hostname)) throw new Refused(`${what} ${text} is a loopback address: a deployable build never trusts one`);
  if (url.username || url.password || url.hostname.includes('*')) throw new Refused(`${what} ${text} is not a plain origin`);
  return url.origin;
}

/** The origins that may frame the phone for the org whose My Domain URL is `orgUrl`. */
export function orgOrigins(orgUrl, extra) {
  const myDomain = deployableOrigin(orgUrl, ['https'], '--org-url');
  const host = new URL(myDomain).hostname;
  const origins = [myDomain];
  // X.my.salesforce.com (production), X.sandbox.my.salesforce.com, X.develop.my... (scratch):
  // Lightning runs on the same name under lightning.force.com.
  const lightning = host.match(/^(.+?)\.my\.salesforce\.com$/);
  if (lightning) origins.push(`https://${lightning[1]}.lightning.force.com`);
  else if (extra.length === 0) {
    throw new Refused(`${host} is not a *.my.salesforce.com My Domain: pass its Lightning origin with --org-origin`);
  }
  for (const e of extra) origins.push(deployableOrigin(e, ['https'], '--org-origin'));
  return [...new Set(origins)];
}

/** One item's text from a Call Center definition (import form). */
export function definitionItem(xml, name) {
  const m = xml.match(new RegExp(`<item\\b[^>]*\\bname="${name}"[^>]*>([^<]*)</item>`));
  return m ? m[1].trim() : null;
}

function readDefinition(file) {
  const xml = readFileSync(file, 'utf8');
  const adapter = definitionItem(xml, 'reqAdapterUrl');
  if (adapter !== `/apex/${PAGE}`) throw new Refused(`${file}: reqAdapterUrl is ${JSON.stringify(adapter)}; the package's page is /apex/${PAGE}`);
  const urls = (definitionItem(xml, 'pbxWebSocketUrls') || '').split(',').map((u) => u.trim()).filter(Boolean);
  if (urls.length === 0) throw new Refused(`${file}: pbxWebSocketUrls is empty`);
  const pbxOrigins = [...new Set(urls.map((u) => deployableOrigin(u, ['wss'], `${file}: PBX URL`)))];
  const name = definitionItem(xml, 'reqInternalName');
  if (!name || !/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new Refused(`${file}: reqInternalName ${JSON.stringify(name)} is not an API name`);
  return { name, pbxOrigins };
}

const VOID_ELEMENTS = /<(meta|link|base|br|hr|img|input|source)\b([^>]*?)\s*\/?>/gi;

/** dist/index.html as a Visualforce page: well-formed markup, assets from the static resource. */
export function visualforcePage(indexHtml, distFiles, deployment) {
  let html = indexHtml.replace(/<!doctype html>\s*/i, '');
  // Trunk's files and wasm-bindgen's snippets (snippets/<crate>/src/...js).
  html = html.replace(/(["'])\.\/([A-Za-z0-9_-][A-Za-z0-9._/-]*)\1/g, (whole, quote, file) => {
    if (!distFiles.includes(file)) throw new Refused(`index.html loads ./${file}, which dist/ does not have`);
    return `${quote}{!URLFOR($Resource.${RESOURCE}, '${file}')}${quote}`;
  });
  const stray = html.match(/(?:src|href)="(?!\{!URLFOR|https:|#)[^"]*"|from\s+'(?!\{!URLFOR)[^']*'|['"]\/[A-Za-z0-9_-]+\.(?:js|wasm|css)['"]/);
  if (stray) throw new Refused(`index.html loads ${stray[0]} from outside the static resource: build with Trunk's public_url "./"`);
  for (const [, body] of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    if (/[<&]/.test(body)) throw new Refused('an inline script in index.html has < or &, which a Visualforce page cannot hold');
  }
  html = html.replace(VOID_ELEMENTS, '<$1$2/>');
  const element = `<script type="application/json" id="softphone-deployment">${JSON.stringify(deployment)}</script>`;
  // The user's language (a value of Salesforce's LanguageLocaleKey picklist, e.g. fr or
  // pt_BR), from which the phone picks the words it speaks (src/language.rs).
  const language = '<meta name="salesforce-language" content="{!$User.LanguageLocaleKey}"/>';
  if (!html.includes('</head>')) throw new Refused('index.html has no </head>');
  html = html.replace('</head>', `  ${language}\n  ${element}\n  </head>`);
  return `<apex:page showHeader="false" sidebar="false" standardStylesheets="false" applyHtmlTag="false" applyBodyTag="false" docType="html-5.0" cache="false">\n${html.trim()}\n</apex:page>\n`;
}

export function xmlEscape(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A CSP Trusted Site letting the org's pages connect to `origin`. */
export function trustedSite(origin, description) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<CspTrustedSite xmlns="http://soap.sforce.com/2006/04/metadata">
    <context>All</context>
    <description>${xmlEscape(description)}</description>
    <endpointUrl>${xmlEscape(origin)}</endpointUrl>
    <isActive>true</isActive>
    <isApplicableToConnectSrc>true</isApplicableToConnectSrc>
    <isApplicableToFontSrc>false</isApplicableToFontSrc>
    <isApplicableToFrameSrc>false</isApplicableToFrameSrc>
    <isApplicableToImgSrc>false</isApplicableToImgSrc>
    <isApplicableToMediaSrc>false</isApplicableToMediaSrc>
    <isApplicableToStyleSrc>false</isApplicableToStyleSrc>
</CspTrustedSite>
`;
}

/** The `callcenter` tool: the release build when there is one, else through cargo. */
export function callcenterTool() {
  const target = process.env.CARGO_TARGET_DIR || join(ROOT, 'target');
  const built = join(target, 'release', 'callcenter');
  return existsSync(built) ? [built] : ['cargo', 'run', '--quiet', '--release', '-p', 'callcenter', '--'];
}

export function build(argv) {
  const o = parseArgs(argv);
  const origins = orgOrigins(o.orgUrl, o.orgOrigins);
  const definition = readDefinition(o.definition);
  const sites = o.trustedSites.map((s) => deployableOrigin(s, ['https', 'wss'], '--trusted-site'));
  if (!existsSync(join(o.dist, 'index.html'))) throw new Refused(`${o.dist}/index.html is missing: run scripts/build-release.sh first`);
  const distFiles = readdirSync(o.dist, { recursive: true }).map(String).filter((f) => statSync(join(o.dist, f)).isFile());
  if (!distFiles.some((f) => f.endsWith('.wasm')) || !distFiles.some((f) => f.endsWith('.js'))) throw new Refused(`${o.dist} has no .wasm or .js`);
  const deployment = { orgOrigins: origins, pbxOrigins: definition.pbxOrigins };
  const page = visualforcePage(readFileSync(join(o.dist, 'index.html'), 'utf8'), distFiles, deployment);

  const resourceDir = join(OUT, 'staticresources', RESOURCE);
  rmSync(resourceDir, { recursive: true, force: true });
  cpSync(o.dist, resourceDir, { recursive: true });
  writeFileSync(join(OUT, 'pages', `${PAGE}.page`), page);
  const centers = join(OUT, 'callCenters');
  rmSync(centers, { recursive: true, force: true });
  mkdirSync(centers, { recursive: true });
  const [tool, ...toolArgs] = callcenterTool();
  try {
    execFileSync(tool, [...toolArgs, 'convert', o.definition, '--to', 'metadata', '-o', join(centers, `${definition.name}.callCenter-meta.xml`)], { cwd: ROOT, stdio: 'inherit' });
  } catch {
    throw new Refused(`callcenter convert could not convert ${o.definition} (its message is above)`);
  }
  const csp = join(OUT, 'cspTrustedSites');
  rmSync(csp, { recursive: true, force: true });
  mkdirSync(csp, { recursive: true });
  definition.pbxOrigins.forEach((origin, i) => {
    writeFileSync(join(csp, `Softphone_PBX_${i + 1}.cspTrustedSite-meta.xml`), trustedSite(origin, `PBX WebSocket for the softphone (${definition.name})`));
  });
  sites.forEach((origin, i) => {
    writeFileSync(join(csp, `Softphone_Site_${i + 1}.cspTrustedSite-meta.xml`), trustedSite(origin, 'Site the softphone connects to'));
  });
  return { deployment, callCenter: definition.name, files: distFiles.length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const r = build(process.argv.slice(2));
    console.log(`org package: ${r.files} files in the static resource, Call Center ${r.callCenter}`);
    console.log(`  trusted to frame the phone: ${r.deployment.orgOrigins.join(' ')}`);
    console.log(`  PBX origins pinned:         ${r.deployment.pbxOrigins.join(' ')}`);
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    console.error(`build-org-package: ${e.message}`);
    process.exit(2);
  }
}
