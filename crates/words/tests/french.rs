//! The phone in French: what an agent whose Salesforce language is `fr` reads once the app has
//! installed `lang/fr.txt` (one language per page, so one per test process: this file).

use phone::quality::{Grade, QualitySummary};
use phone::{Label, Notice};

#[test]
fn once_french_is_installed_the_phone_speaks_french_with_french_numbers() {
    assert_eq!(words::notice(&Notice::NotRegistered), "The phone line is not connected; sign in first.", "English until a language is installed");
    assert!(words::install(include_str!("../lang/fr.txt")).is_ok(), "the shipped French catalogue installs");

    assert_eq!(words::notice(&Notice::NotRegistered), "La ligne téléphonique n'est pas connectée ; connectez-vous d'abord.");
    assert_eq!(words::label(&Label::Ringing { who: "Ada Lovelace".into(), waiting: false }), "Appel entrant : Ada Lovelace");
    let summary = QualitySummary { grade: Grade::Good, mos_tenths: 41, loss_permille: 3, jitter_ms: 6, round_trip_ms: Some(42) };
    assert_eq!(words::quality_short(&summary), "Qualité de l'appel : bonne (MOS 4,1)", "a French decimal comma");
    assert_eq!(words::t::call_hang_up(), "Raccrocher");
    assert!(matches!(words::install(include_str!("../lang/de.txt")), Err(words::Refused::AlreadyChosen)), "one language per page");
}
