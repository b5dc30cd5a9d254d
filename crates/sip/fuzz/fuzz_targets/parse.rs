//! Any frame: parsing returns a result, and a parsed message prints and parses back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = sip::parse(data) {
        let printed = message.to_bytes();
        let again = sip::parse(&printed).expect("a printed message parses");
        assert_eq!(again, message, "print/parse round trip");
    }
});
