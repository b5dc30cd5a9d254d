//! A SIP message as support may read it: what authenticates the agent taken out, the rest as it
//! was on the wire, so a trace still says what happened.
//!
//! Taken out: in `Authorization` and `Proxy-Authorization`, every Digest parameter but the ones
//! that name things (`username`, `realm`, `uri`, `algorithm`, `qop`, `nc`): the `response`, the
//! `cnonce`, the server's `nonce` and `opaque` (a nonce beside its response is enough to guess a
//! password offline), and anything a later scheme adds; any other scheme's credentials whole
//! (a Bearer token). In `WWW-Authenticate` and `Proxy-Authenticate`, the `nonce` and `opaque`.
//! In an SDP body, `a=ice-pwd` (the call's ICE password), `a=crypto` and `k=` (media keys).
//! Folded header lines (RFC 3261 §7.3.1) are read as part of the header they continue.

/// What stands where a secret was.
pub const REDACTED: &str = "<redacted>";

/// Digest parameters that name things, never a secret.
const KEPT: [&str; 7] = ["username", "realm", "uri", "algorithm", "qop", "nc", "stale"];

/// Headers whose parameters authenticate.
const AUTH_HEADERS: [&str; 4] = ["authorization", "proxy-authorization", "www-authenticate", "proxy-authenticate"];

/// SDP lines whose value is a secret (RFC 8839 `ice-pwd`, RFC 4568 `crypto`, RFC 4566 `k=`).
const SECRET_SDP: [&str; 3] = ["a=ice-pwd:", "a=crypto:", "k="];

/// `message` with its secrets replaced by [`REDACTED`].
pub fn redact(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let (mut in_body, mut in_auth) = (false, false);
    for line in message.split_inclusive('\n') {
        let (text, end) = split_end(line);
        if in_body {
            out.push_str(&redact_sdp_line(text));
        } else if text.is_empty() {
            in_body = true;
        } else if text.starts_with([' ', '\t']) {
            // A folded line continues the header above it.
            if in_auth {
                out.push_str(&redact_params(text));
            } else {
                out.push_str(text);
            }
        } else {
            match text.split_once(':') {
                Some((name, value)) if AUTH_HEADERS.contains(&name.trim().to_ascii_lowercase().as_str()) => {
                    in_auth = true;
                    out.push_str(name);
                    out.push(':');
                    out.push_str(&redact_credentials(value));
                }
                _ => {
                    in_auth = false;
                    out.push_str(text);
                }
            }
        }
        out.push_str(end);
    }
    out
}

/// The line without its end of line, and the end of line ("\r\n", "\n" or none).
fn split_end(line: &str) -> (&str, &str) {
    let text = line.strip_suffix('\n').map_or(line, |l| l.strip_suffix('\r').unwrap_or(l));
    (text, line.get(text.len()..).unwrap_or(""))
}

fn redact_sdp_line(line: &str) -> String {
    match SECRET_SDP.iter().find(|prefix| line.starts_with(**prefix)) {
        Some(prefix) => format!("{prefix}{REDACTED}"),
        None => line.to_owned(),
    }
}

/// A credentials or challenge value: `Digest` parameters one by one, any other scheme whole.
fn redact_credentials(value: &str) -> String {
    let trimmed = value.trim_start();
    let lead = value.get(..value.len() - trimmed.len()).unwrap_or("");
    let scheme_end = trimmed.find([' ', '\t']).unwrap_or(trimmed.len());
    let (scheme, rest) = trimmed.split_at(scheme_end);
    if scheme.eq_ignore_ascii_case("Digest") {
        format!("{lead}{scheme}{}", redact_params(rest))
    } else {
        format!("{lead}{scheme} {REDACTED}")
    }
}

/// `name=value` parameters separated by commas (values may be quoted and hold commas): the
/// value of any parameter not in [`KEPT`] is replaced.
fn redact_params(params: &str) -> String {
    let mut out = String::with_capacity(params.len());
    let mut rest = params;
    while !rest.is_empty() {
        let (item, comma) = next_item(rest);
        out.push_str(&redact_item(item));
        out.push_str(comma);
        rest = rest.get(item.len() + comma.len()..).unwrap_or("");
    }
    out
}

/// The text up to the next comma outside quotes, and that comma (or nothing at the end).
fn next_item(text: &str) -> (&str, &str) {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => return (text.get(..i).unwrap_or(text), ","),
            _ => {}
        }
    }
    (text, "")
}

/// One `name=value` (maybe after a scheme, as a second challenge in one header has it).
fn redact_item(item: &str) -> String {
    let Some((name, value)) = item.split_once('=') else {
        return item.to_owned();
    };
    let param = name.split_whitespace().last().unwrap_or("").to_ascii_lowercase();
    if KEPT.contains(&param.as_str()) {
        return item.to_owned();
    }
    let quote = if value.trim_start().starts_with('"') { "\"" } else { "" };
    let trail = value.len() - value.trim_end().len();
    format!("{name}={quote}{REDACTED}{quote}{}", value.get(value.len() - trail..).unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{answer, Algorithm};
    use crate::header::Challenge;
    use proptest::prelude::*;

    proptest! {
        /// Whatever the password, nonce and cnonce, the Authorization the user agent writes
        /// keeps none of what proves the password once redacted.
        #[test]
        fn no_digest_answer_survives(password in "[ -~]{1,24}", nonce in "[A-Za-z0-9+/=]{4,40}", cnonce in "[a-f0-9]{8,16}", sha in any::<bool>()) {
            let algorithm = if sha { Algorithm::Sha256 } else { Algorithm::Md5 };
            let challenge = Challenge { realm: "pbx.test".into(), nonce: nonce.clone(), opaque: None, algorithm: if sha { "SHA-256".into() } else { "MD5".into() }, qop: vec!["auth".into()], stale: false };
            let credentials = crate::Credentials { user: "1001".into(), password: password.clone() };
            let auth = answer(&challenge, algorithm, &credentials, "REGISTER", "sip:pbx.test", 1, &cnonce);
            let message = format!("REGISTER sip:pbx.test SIP/2.0\r\nProxy-Authorization: {auth}\r\nContent-Length: 0\r\n\r\n");
            let out = redact(&message);
            prop_assert!(!out.contains(&auth.response), "{}", out);
            prop_assert!(!out.contains(&format!("\"{nonce}\"")), "{}", out);
            prop_assert!(!out.contains(&format!("cnonce={cnonce}")) && !out.contains(&format!("\"{cnonce}\"")), "{}", out);
            prop_assert!(out.contains("username=\"1001\""));
        }
    }

    const REGISTER: &str = "REGISTER sip:pbx.test SIP/2.0\r\n\
        Via: SIP/2.0/WSS x.invalid;branch=z9hG4bK1\r\n\
        From: <sip:1001@pbx.test>;tag=a\r\n\
        Authorization: Digest username=\"1001\", realm=\"pbx.test\", nonce=\"Zk9x1Q\", uri=\"sip:pbx.test\", \
        response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5, cnonce=\"0a4f113b\", qop=auth, nc=00000001, opaque=\"5ccc\"\r\n\
        Content-Length: 0\r\n\r\n";

    #[test]
    fn a_digest_answer_keeps_who_and_where_and_loses_what_proves_it() {
        let out = redact(REGISTER);
        for secret in ["6629fae49393a05397450978507c4ef1", "Zk9x1Q", "0a4f113b", "5ccc"] {
            assert!(!out.contains(secret), "{secret} left in {out}");
        }
        assert!(out.contains("username=\"1001\", realm=\"pbx.test\", nonce=\"<redacted>\", uri=\"sip:pbx.test\", response=\"<redacted>\", algorithm=MD5"));
        assert!(out.contains("qop=auth, nc=00000001"));
        assert!(out.starts_with("REGISTER sip:pbx.test SIP/2.0\r\nVia:"), "the rest as sent");
        assert!(out.ends_with("Content-Length: 0\r\n\r\n"));
    }

    #[test]
    fn a_challenge_loses_its_nonce_and_other_schemes_lose_everything() {
        let challenge = "SIP/2.0 407 Proxy Authentication Required\r\nProxy-Authenticate: Digest realm=\"pbx.test\", nonce=\"abc,def\", qop=\"auth\"\r\n\r\n";
        let out = redact(challenge);
        assert!(out.contains("Proxy-Authenticate: Digest realm=\"pbx.test\", nonce=\"<redacted>\", qop=\"auth\""), "{out}");
        let bearer = redact("INVITE sip:a@b SIP/2.0\r\nauthorization:  Bearer eyJhbGciOi.secret.sig\r\n\r\n");
        assert!(bearer.contains("authorization:  Bearer <redacted>") && !bearer.contains("eyJ"), "{bearer}");
    }

    #[test]
    fn a_folded_authorization_is_redacted_on_every_line() {
        let folded = "REGISTER sip:pbx.test SIP/2.0\r\nAuthorization: Digest username=\"1001\",\r\n  response=\"deadbeef\",\r\n\tnonce=\"n0nce\"\r\nCSeq: 2 REGISTER\r\n\r\n";
        let out = redact(folded);
        assert!(!out.contains("deadbeef") && !out.contains("n0nce"), "{out}");
        assert!(out.contains("CSeq: 2 REGISTER"));
    }

    #[test]
    fn sdp_keeps_its_shape_but_not_its_ice_password_or_keys() {
        let invite = "INVITE sip:1002@pbx.test SIP/2.0\r\nContent-Type: application/sdp\r\n\r\nv=0\r\na=ice-ufrag:Ab12\r\na=ice-pwd:s3cretIcePassword0123456\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEYKEY\r\nk=clear:pw\r\na=fingerprint:sha-256 AA:BB\r\n";
        let out = redact(invite);
        assert!(!out.contains("s3cretIcePassword") && !out.contains("KEYKEY") && !out.contains("clear:pw"), "{out}");
        assert!(out.contains("a=ice-pwd:<redacted>\r\n") && out.contains("a=ice-ufrag:Ab12") && out.contains("a=fingerprint:sha-256 AA:BB"));
    }

    #[test]
    fn an_authorization_line_in_a_body_or_an_odd_header_is_not_mistaken() {
        // A header that merely mentions a response is left alone; no header crashes it.
        let odd = "OPTIONS sip:x SIP/2.0\r\nSubject: response=\"ok\"\r\n:\r\nAuthorization:\r\nAuthorization: Digest\r\n\r\n";
        let out = redact(odd);
        assert!(out.contains("Subject: response=\"ok\""));
        assert!(out.contains("Authorization: Digest\r\n"));
    }
}
