// Serves the voice package's Visualforce pages and static resources as an org would: a page's
// `{!URLFOR($Resource.Name, 'file')}` becomes `/resource/Name/file`, `<apex:page>` goes, and the
// page's deployment configuration is the stand-in's own (loopback PBX and service), as the
// Lightning stand-in does for the Open CTI page. Sources: STANDIN.md, "Visualforce".
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

export const DEPLOYMENT_ELEMENT_ID = 'softphone-deployment';

const TYPES = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html; charset=utf-8',
  // Salesforce serves a static resource's .wasm as application/octet-stream (see the README's
  // note on the Open CTI package): the stand-in does too.
  '.wasm': 'application/octet-stream',
  '.json': 'application/json',
};

/** The package's source tree (force-app/main/default) as pages and resources. */
export class Package {
  constructor(root) {
    this.root = root;
  }

  /** The rendered page `name`, or null; `deployment` replaces the page's own configuration. */
  page(name, deployment) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) return null;
    const file = join(this.root, 'pages', `${name}.page`);
    if (!existsSync(file)) return null;
    return render(readFileSync(file, 'utf8'), deployment);
  }

  /** `{ type, body }` of a file in static resource `name`, or null. */
  resource(name, path) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) return null;
    const base = join(this.root, 'staticresources', name);
    const file = normalize(join(base, path));
    if (!file.startsWith(base + sep) || !existsSync(file) || !statSync(file).isFile()) return null;
    return { type: TYPES[extname(file)] || 'application/octet-stream', body: readFileSync(file) };
  }

  /** The ConversationVendorInfo's fields (connectorUrl, customLoginUrl, developerName...). */
  vendorInfo() {
    const dir = join(this.root, 'ConversationVendorInformation');
    const name = existsSync(dir) ? readdirFirst(dir) : null;
    const file = name ? join(dir, name) : null;
    if (!file) throw new Error(`${dir} holds no ConversationVendorInformation: build the voice package first`);
    const xml = readFileSync(file, 'utf8');
    const field = (name) => xml.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1] ?? null;
    return { developerName: field('developerName'), connectorUrl: field('connectorUrl'), customLoginUrl: field('customLoginUrl'), vendorType: field('vendorType') };
  }
}

function readdirFirst(dir) {
  return readdirSync(dir).find((f) => f.endsWith('.ConversationVendorInformation-meta.xml'));
}

/** A Visualforce page's markup as the browser gets it. */
export function render(source, deployment) {
  const body = source
    .replace(/<apex:page\b[^>]*>/, '')
    .replace(/<\/apex:page>\s*$/, '')
    .replace(/\{!URLFOR\(\$Resource\.([A-Za-z0-9_]+),\s*'([^']+)'\)\}/g, (_, name, file) => `/resource/${name}/${file}`);
  // Only the connector page carries a deployment configuration (the login page trusts nothing).
  const element = new RegExp(`(<script type="application/json" id="${DEPLOYMENT_ELEMENT_ID}">)[^<]*(</script>)`);
  return `<!doctype html>\n${body.replace(element, `$1${JSON.stringify(deployment)}$2`).trim()}\n`;
}
