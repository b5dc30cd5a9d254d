//! Digest authentication for 401 and 407 challenges (RFC 3261 §22, RFC 7616, RFC 8760):
//! MD5 and SHA-256, with and without `qop=auth`. The password only ever enters a hash.

use crate::header::{Authorization, Challenge};

/// What an agent signs in with. `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The SIP user (authentication user name), e.g. `1001`.
    pub user: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials {{ user: {:?}, password: <hidden> }}", self.user)
    }
}

/// The digest algorithms we answer, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Algorithm {
    /// SHA-256 (RFC 8760).
    Sha256,
    /// MD5, the classic.
    Md5,
}

impl Algorithm {
    /// Reads an `algorithm` parameter; session variants (`-sess`) are not supported.
    pub fn parse(name: &str) -> Option<Algorithm> {
        if name.eq_ignore_ascii_case("MD5") {
            Some(Algorithm::Md5)
        } else if name.eq_ignore_ascii_case("SHA-256") {
            Some(Algorithm::Sha256)
        } else {
            None
        }
    }

    fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Sha256 => "SHA-256",
        }
    }

    /// The digest of `parts` joined by `:`, in lower-case hex (RFC 7616 §3.4.1's `H(a:b:c)`).
    fn hex(self, parts: &[&str]) -> String {
        let mut data = Vec::with_capacity(128);
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                data.push(b':');
            }
            data.extend_from_slice(part.as_bytes());
        }
        match self {
            Algorithm::Md5 => to_hex(&crate::digest::md5(&data)),
            Algorithm::Sha256 => to_hex(&crate::digest::sha256(&data)),
        }
    }
}

fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0')));
        out.push(char::from(HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0')));
    }
    out
}

/// `nc` as eight lower-case hex digits (RFC 7616 §3.4).
pub(crate) fn nc_hex(nc: u32) -> String {
    to_hex(&nc.to_be_bytes())
}

/// Of several challenges (one per header line), the one to answer: the strongest algorithm we
/// support, and within it one offering `qop=auth` or no qop at all.
pub fn pick(challenges: &[Challenge]) -> Option<(&Challenge, Algorithm)> {
    answerable(challenges).min_by_key(|(_, a)| *a)
}

/// The challenges we know how to answer, with their algorithm.
fn answerable(challenges: &[Challenge]) -> impl Iterator<Item = (&Challenge, Algorithm)> {
    challenges
        .iter()
        .filter_map(|c| Algorithm::parse(&c.algorithm).map(|a| (c, a)))
        .filter(|(c, _)| c.qop.is_empty() || c.qop.iter().any(|q| q.eq_ignore_ascii_case("auth")))
}

/// A challenge from a realm other than the SIP domain the agent signs in to: answering it would
/// hand whoever sent it a hash of the password to attack offline, so it is refused. The app
/// words it for the agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignRealm {
    /// The realm the challenge named.
    pub offered: String,
    /// The configured SIP domain, the only realm answered.
    pub expected: String,
}

/// Like [`pick`], among the challenges whose realm is `domain` (case-insensitive). When some
/// answerable challenge exists but none is for `domain`, the first one's realm is refused.
pub fn pick_for_realm<'c>(challenges: &'c [Challenge], domain: &str) -> Result<Option<(&'c Challenge, Algorithm)>, ForeignRealm> {
    let ours = answerable(challenges).filter(|(c, _)| c.realm.eq_ignore_ascii_case(domain)).min_by_key(|(_, a)| *a);
    match (ours, answerable(challenges).next()) {
        (Some(pick), _) => Ok(Some(pick)),
        (None, Some((theirs, _))) => Err(ForeignRealm { offered: theirs.realm.clone(), expected: domain.to_owned() }),
        (None, None) => Ok(None),
    }
}

/// The answer to `challenge` for `method` on `uri`. `nc` counts uses of this nonce (from 1);
/// `cnonce` must be fresh and unpredictable.
pub fn answer(
    challenge: &Challenge,
    algorithm: Algorithm,
    credentials: &Credentials,
    method: &str,
    uri: &str,
    nc: u32,
    cnonce: &str,
) -> Authorization {
    let ha1 = algorithm.hex(&[&credentials.user, &challenge.realm, &credentials.password]);
    let ha2 = algorithm.hex(&[method, uri]);
    let qop_auth = challenge.qop.iter().any(|q| q.eq_ignore_ascii_case("auth"));
    let response = if qop_auth {
        algorithm.hex(&[&ha1, &challenge.nonce, &nc_hex(nc), cnonce, "auth", &ha2])
    } else {
        algorithm.hex(&[&ha1, &challenge.nonce, &ha2])
    };
    Authorization {
        username: credentials.user.clone(),
        realm: challenge.realm.clone(),
        nonce: challenge.nonce.clone(),
        uri: uri.to_owned(),
        response,
        algorithm: algorithm.name().to_owned(),
        opaque: challenge.opaque.clone(),
        qop_auth: qop_auth.then(|| (cnonce.to_owned(), nc)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials { user: "Mufasa".into(), password: "Circle of Life".into() }
    }

    /// RFC 7616 §3.9.1's example (HTTP GET), which uses the same digest computation.
    fn rfc7616(algorithm: &str) -> Challenge {
        Challenge {
            realm: "http-auth@example.org".into(),
            nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v".into(),
            opaque: Some("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS".into()),
            algorithm: algorithm.into(),
            qop: vec!["auth".into()],
            stale: false,
        }
    }

    #[test]
    fn rfc7616_test_vectors() {
        let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        let md5 = answer(&rfc7616("MD5"), Algorithm::Md5, &creds(), "GET", "/dir/index.html", 1, cnonce);
        assert_eq!(md5.response, "8ca523f5e9506fed4657c9700eebdbec");
        let sha = answer(&rfc7616("SHA-256"), Algorithm::Sha256, &creds(), "GET", "/dir/index.html", 1, cnonce);
        assert_eq!(sha.response, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
        assert!(sha.to_string().contains("qop=auth, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", nc=00000001"));
    }

    #[test]
    fn rfc2617_style_without_qop() {
        // RFC 2069 compatibility: response = H(HA1:nonce:HA2).
        let c = Challenge { qop: vec![], ..rfc7616("MD5") };
        let a = answer(&c, Algorithm::Md5, &creds(), "REGISTER", "sip:127.0.0.1", 1, "x");
        assert_eq!(a.qop_auth, None);
        assert_eq!(a.response.len(), 32);
        assert!(!a.to_string().contains("qop"));
    }

    #[test]
    fn the_strongest_supported_challenge_is_picked() {
        let md5 = rfc7616("MD5");
        let sha = rfc7616("SHA-256");
        let sess = rfc7616("SHA-512-256-sess");
        let int_only = Challenge { qop: vec!["auth-int".into()], ..rfc7616("SHA-256") };
        let list = [md5.clone(), int_only, sess, sha];
        assert_eq!(pick(&list).map(|(_, a)| a), Some(Algorithm::Sha256));
        assert_eq!(pick(&[md5]).map(|(_, a)| a), Some(Algorithm::Md5));
        assert_eq!(pick(&[rfc7616("SHA-512")]), None);
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        assert!(!format!("{:?}", creds()).contains("Circle"));
        let a = answer(&rfc7616("MD5"), Algorithm::Md5, &creds(), "GET", "/", 1, "c");
        assert!(!format!("{a:?}").contains(&a.response));
    }
}
