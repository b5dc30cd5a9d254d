//! Which language the phone speaks: the Salesforce user's (the Visualforce page passes
//! `$User.LanguageLocaleKey`), else the browser's, else English.

/// A language the phone has a catalogue for (`crates/words/lang/<tag>.txt`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Language {
    #[default]
    English,
    French,
    German,
    Spanish,
    Japanese,
    /// Brazilian Portuguese; Salesforce's Portuguese of Portugal (`pt_PT`) reads it too.
    BrazilianPortuguese,
}

impl Language {
    /// Every language, in the order the build requires them.
    pub const ALL: [Language; 6] =
        [Language::English, Language::French, Language::German, Language::Spanish, Language::Japanese, Language::BrazilianPortuguese];

    /// Its BCP 47 tag, which is also its catalogue's name.
    pub fn tag(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::French => "fr",
            Language::German => "de",
            Language::Spanish => "es",
            Language::Japanese => "ja",
            Language::BrazilianPortuguese => "pt-BR",
        }
    }

    /// The language of a Salesforce language key (`fr`, `pt_BR`, `es_MX`, `en_US`) or a browser
    /// tag (`fr-CA`, `de`), whatever its region, if the phone speaks it.
    pub fn of(key: &str) -> Option<Language> {
        let primary = key.trim_ascii().split(['_', '-']).next()?;
        // Compared without making a lower-case copy: this runs in the download.
        let is = |tag: &str| primary.eq_ignore_ascii_case(tag);
        Language::ALL.into_iter().find(|l| is(l.tag().get(..2).unwrap_or_default()))
    }
}

/// The phone's language: the Salesforce user's if the phone speaks it, else the first of the
/// browser's (`browser`: its languages, comma-separated, most wanted first) it speaks, else
/// English.
pub fn choose(salesforce: &str, browser: &str) -> Language {
    std::iter::once(salesforce).chain(browser.split(',')).find_map(Language::of).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_salesforce_users_language_comes_first() {
        assert_eq!(choose("fr", "de-DE,en"), Language::French);
        assert_eq!(choose("pt_BR", "en-US"), Language::BrazilianPortuguese);
        assert_eq!(choose("es_MX", ""), Language::Spanish);
        assert_eq!(choose("ja", "en"), Language::Japanese);
        assert_eq!(choose("en_GB", "fr"), Language::English);
    }

    #[test]
    fn a_language_the_phone_does_not_speak_falls_back_to_the_browsers_then_english() {
        assert_eq!(choose("it", "it-IT,de-CH,en"), Language::German, "Italian is not spoken: the browser's next choice");
        assert_eq!(choose("", "pt-PT"), Language::BrazilianPortuguese);
        assert_eq!(choose("", ""), Language::English);
        assert_eq!(choose("zh_CN", "ko"), Language::English);
    }

    #[test]
    fn every_language_has_its_catalogue() {
        for language in Language::ALL {
            let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lang").join(format!("{}.txt", language.tag()));
            assert!(file.is_file(), "{} has no catalogue", language.tag());
            assert_eq!(Language::of(language.tag()), Some(language));
        }
    }
}
