//! The bearer token of every request: a JWT signed RS256 by the key whose certificate is in the
//! contact center (Salesforce Voice Developer Guide, "Telephony Integration REST API
//! Authorization": `iss` the org Id, `sub` the contact center's API name, `aud`
//! `https://scrt.salesforce.com`, `iat` and `exp`). The key stays in this process: it is read
//! once from a file, never logged, never sent.

use std::fmt;

use ring::rand::SystemRandom;
use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::PrivateKeyDer;
use serde_json::json;

use crate::scrt::Tenant;

/// The audience the documentation names.
pub const AUDIENCE: &str = "https://scrt.salesforce.com";
/// How long a token is valid: one per request, so a few minutes cover a slow answer and some
/// clock skew while a leaked token is soon useless.
pub const LIFETIME_S: u64 = 300;

/// Signs tokens with the contact center's private key.
pub struct Signer {
    key: RsaKeyPair,
    random: SystemRandom,
}

/// Why the key cannot be used. Never holds any of the key's bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyError {
    /// Not a PEM private key.
    NotPem,
    /// A PEM key, but not RSA (Salesforce signs with RS256), or a size ring refuses
    /// (2048 to 8192 bits).
    NotRsa,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::NotPem => f.write_str("the key file holds no PEM private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)"),
            KeyError::NotRsa => f.write_str("the key is not an RSA key of 2048 to 8192 bits (the Telephony Integration REST API takes RS256)"),
        }
    }
}

impl std::error::Error for KeyError {}

/// Signing failed (ring's RSA signing fails only for a key it should have refused).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignError;

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the JWT could not be signed")
    }
}

impl std::error::Error for SignError {}

impl Signer {
    /// The signer for a PEM private key (PKCS#8 or PKCS#1).
    pub fn from_pem(pem: &[u8]) -> Result<Signer, KeyError> {
        let key = PrivateKeyDer::from_pem_slice(pem).map_err(|_| KeyError::NotPem)?;
        let pair = match &key {
            PrivateKeyDer::Pkcs8(der) => RsaKeyPair::from_pkcs8(der.secret_pkcs8_der()),
            PrivateKeyDer::Pkcs1(der) => RsaKeyPair::from_der(der.secret_pkcs1_der()),
            _ => return Err(KeyError::NotRsa),
        };
        Ok(Signer { key: pair.map_err(|_| KeyError::NotRsa)?, random: SystemRandom::new() })
    }

    /// A token for `tenant` issued at `now_s` (Unix seconds).
    pub fn token(&self, tenant: &Tenant, now_s: u64) -> Result<String, SignError> {
        let header = json!({ "alg": "RS256", "typ": "JWT" });
        let claims = json!({ "iss": tenant.org_id, "sub": tenant.contact_center, "aud": AUDIENCE, "iat": now_s, "exp": now_s + LIFETIME_S });
        let signing_input = format!("{}.{}", base64url(header.to_string().as_bytes()), base64url(claims.to_string().as_bytes()));
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key.sign(&RSA_PKCS1_SHA256, &self.random, signing_input.as_bytes(), &mut signature).map_err(|_| SignError)?;
        Ok(format!("{signing_input}.{}", base64url(&signature)))
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer { key: <not shown> }")
    }
}

/// RFC 4648 §5 base64url without padding (RFC 7515 §2).
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk.first().copied().unwrap_or(0), chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        let sextets = [n >> 18, n >> 12, n >> 6, n];
        for s in sextets.iter().take(chunk.len() + 1) {
            out.extend(ALPHABET.get((s & 63) as usize).copied().map(char::from));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_rfc_4648_test_vectors_without_padding() {
        for (input, output) in [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")] {
            assert_eq!(base64url(input.as_bytes()), output);
        }
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8", "the URL-safe alphabet");
    }

    #[test]
    fn what_is_not_an_rsa_pem_key_is_refused_without_echoing_it() {
        assert_eq!(Signer::from_pem(b"secret garbage").err(), Some(KeyError::NotPem));
        let error = Signer::from_pem(b"-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n").err().unwrap();
        assert_eq!(error, KeyError::NotRsa);
        assert!(!error.to_string().contains("c2VjcmV0"));
    }
}
