//! The agent's language, chosen once before the phone shows anything: the Salesforce user's
//! (`$User.LanguageLocaleKey`, which the org's Visualforce page passes), else the browser's,
//! else English. English is built in; any other language's catalogue (`lang/<tag>.txt`, beside
//! the wasm in the static resource) is fetched only when it is the one chosen. A catalogue that
//! cannot be fetched or used leaves the phone in English and says so in the console.

use wasm_bindgen::prelude::*;
use words::language::{self, Language};

#[wasm_bindgen(module = "/src/language.js")]
extern "C" {
    #[wasm_bindgen(js_name = salesforceLanguage)]
    fn salesforce_language() -> String;
    #[wasm_bindgen(js_name = browserLanguages)]
    fn browser_languages() -> String;
    #[wasm_bindgen(js_name = fetchCatalogue)]
    async fn fetch_catalogue(tag: &str) -> JsValue;
    #[wasm_bindgen(js_name = setPageLanguage)]
    fn set_page_language(tag: &str);
    fn warn(text: &str);
}

/// Chooses the agent's language and, unless it is English, fetches and installs its words.
pub async fn speak_the_agents_language() {
    let chosen = language::choose(&salesforce_language(), &browser_languages());
    let spoken = if chosen == Language::English { chosen } else { install(chosen).await };
    set_page_language(spoken.tag());
}

/// The language the phone speaks after trying to install `chosen`'s words.
async fn install(chosen: Language) -> Language {
    // The script has said in the console why there is no catalogue.
    let Some(source) = fetch_catalogue(chosen.tag()).await.as_string() else {
        return Language::English;
    };
    match words::install(&source) {
        Ok(()) => chosen,
        Err(refused) => {
            warn(&format!("The phone's words in {} were not used ({refused}): it speaks English.", chosen.tag()));
            Language::English
        }
    }
}
