// The agent's language as the page and the browser give it, and its catalogue: src/language.rs
// decides; this only asks the browser.

// The Salesforce user's LanguageLocaleKey, which the org's Visualforce page writes into a meta
// element (org/build.mjs); "" on a page without it.
export function salesforceLanguage() {
  const meta = document.querySelector('meta[name="salesforce-language"]');
  return (meta && meta.getAttribute('content')) || '';
}

// The browser's languages, most wanted first, comma-separated.
export function browserLanguages() {
  const all = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ''];
  return all.join(',');
}

// lang/<tag>.txt from the folder the wasm came from (in an org, the static resource), or
// undefined, said in the console, when it cannot be had: the phone then speaks English.
export async function fetchCatalogue(tag) {
  const wasm = document.querySelector('link[rel="preload"][href*=".wasm"]');
  const url = new URL(`lang/${tag}.txt`, wasm ? wasm.href : document.baseURI);
  try {
    const response = await fetch(url);
    if (response.ok) return await response.text();
    console.warn(`The phone's words in ${tag} could not be fetched (${url}: HTTP ${response.status}): it speaks English.`);
  } catch (e) {
    console.warn(`The phone's words in ${tag} could not be fetched (${url}: ${e}): it speaks English.`);
  }
  return undefined;
}

export function setPageLanguage(tag) {
  document.documentElement.lang = tag;
}

export function warn(text) {
  console.warn(text);
}
