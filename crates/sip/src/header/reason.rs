//! The Reason header (RFC 3326) on a CANCEL: why the caller's side gave up ringing us.

use super::syntax::split_commas;

/// True when one of the Reason header values says `SIP;cause=200`: another branch of a forked
/// call (another tab, a deskphone on the same extension) answered, so this ring was not missed.
pub fn answered_elsewhere<'a>(values: impl Iterator<Item = &'a str>) -> bool {
    values.flat_map(split_commas).any(|value| {
        let mut parts = value.split(';').map(str::trim);
        let protocol_is_sip = parts.next().is_some_and(|p| p.eq_ignore_ascii_case("SIP"));
        protocol_is_sip && parts.any(|param| param.split_once('=').is_some_and(|(k, v)| k.trim().eq_ignore_ascii_case("cause") && v.trim() == "200"))
    })
}

#[cfg(test)]
mod tests {
    use super::answered_elsewhere;

    #[test]
    fn cause_200_of_the_sip_protocol_means_answered_elsewhere() {
        assert!(answered_elsewhere(["SIP ;cause=200 ;text=\"Call completed elsewhere\""].into_iter()));
        assert!(answered_elsewhere(["Q.850;cause=16", "sip;cause=200"].into_iter()));
        assert!(!answered_elsewhere(["Q.850;cause=200"].into_iter()));
        assert!(!answered_elsewhere(["SIP;cause=487"].into_iter()));
        assert!(!answered_elsewhere(std::iter::empty()));
    }
}
