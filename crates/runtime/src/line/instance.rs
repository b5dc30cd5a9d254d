//! The RFC 5626 instance id: one per browser, kept in localStorage so every sign-in, reload
//! and reconnection registers as the same device. The PBX then replaces this browser's
//! contact instead of adding one each time. It is an identifier, not a secret.

use sip::Random;

use super::helpers::BrowserRandom;

/// Where the instance id is kept.
const STORAGE_KEY: &str = "softphone.sipInstanceId";

/// This browser's instance id, `urn:uuid:...`; a new one is made (and kept) the first time,
/// or when storage holds something that is not one. Without storage (blocked by the browser's
/// settings) the id lasts for this page only.
pub fn instance_id() -> String {
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    let kept = storage.as_ref().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()).filter(|id| is_instance_id(id));
    if let Some(id) = kept {
        return id;
    }
    let id = format!("urn:uuid:{}", uuid());
    if let Some(storage) = storage {
        // Storage full or blocked: the phone works on, registering as a new device next time.
        let _ = storage.set_item(STORAGE_KEY, &id);
    }
    id
}

/// `urn:uuid:` and 36 characters of hex digits and dashes: safe to put in a Contact header.
fn is_instance_id(value: &str) -> bool {
    value.strip_prefix("urn:uuid:").is_some_and(|u| u.len() == 36 && u.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
}

/// A random RFC 4122 version 4 UUID.
fn uuid() -> String {
    let (a, b) = (BrowserRandom.next_u64(), BrowserRandom.next_u64());
    let hex = format!("{a:016x}{b:016x}");
    let h = |r: std::ops::Range<usize>| hex.get(r).unwrap_or("0").to_owned();
    format!("{}-{}-4{}-a{}-{}", h(0..8), h(8..12), h(13..16), h(17..20), h(20..32))
}

#[cfg(test)]
mod tests {
    use super::is_instance_id;

    #[test]
    fn only_a_well_formed_uuid_urn_is_taken_from_storage() {
        assert!(is_instance_id("urn:uuid:0f8c2a1e-3b4d-4e5f-a123-456789abcdef"));
        assert!(!is_instance_id("urn:uuid:0f8c2a1e\"><script>"));
        assert!(!is_instance_id("0f8c2a1e-3b4d-4e5f-a123-456789abcdef"));
        assert!(!is_instance_id(""));
    }
}
