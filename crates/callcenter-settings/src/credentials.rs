//! Where agents' SIP credentials come from: the definition's `credentials` item (`password`:
//! the agent types them; `org`: the org package mints them for the user signed in to Salesforce)
//! and, with `org`, `passwordFallback` (whether the sign-in form stays available when the org
//! cannot give credentials).

/// Where agents' SIP credentials come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CredentialSource {
    /// `password`: the agent types an extension and a SIP password (the sign-in form).
    #[default]
    Password,
    /// `org`: the org package mints short-lived credentials for the user signed in to
    /// Salesforce (its Apex class `SoftphoneCredentials`, through runApex), TURN ones too; the
    /// phone signs in and renews them by itself. `password_fallback` (`passwordFallback`,
    /// default `true`): when the org cannot give credentials (no package, no extension, refused
    /// by the PBX), the agent may still sign in with the form.
    Org { password_fallback: bool },
}

/// One problem with these items: the item's name and what is wrong, for an admin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialsProblem {
    pub item: &'static str,
    pub message: String,
}

/// Reads `credentials` and `passwordFallback` (trimmed, empty when absent). A bad value is a
/// problem and gives the default.
pub fn read(credentials: &str, password_fallback: &str) -> (CredentialSource, Vec<CredentialsProblem>) {
    let mut problems = Vec::new();
    let mut problem = |item: &'static str, message: String| problems.push(CredentialsProblem { item, message });
    let fallback = password_fallback.to_ascii_lowercase();
    let password_fallback = match fallback.as_str() {
        "" | "true" => true,
        "false" => false,
        _ => {
            problem("passwordFallback", format!("\"{fallback}\" is neither true nor false; using true"));
            true
        }
    };
    let source = match credentials.to_ascii_lowercase().as_str() {
        "" | "password" => {
            if !fallback.is_empty() {
                problem("passwordFallback", "only applies with credentials org: agents sign in with a password anyway".into());
            }
            CredentialSource::Password
        }
        "org" => CredentialSource::Org { password_fallback },
        other => {
            problem("credentials", format!("\"{other}\" is neither org nor password; agents sign in with a password"));
            CredentialSource::Password
        }
    };
    (source, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(problems: &[CredentialsProblem]) -> Vec<&str> {
        problems.iter().map(|p| p.item).collect()
    }

    #[test]
    fn password_unless_the_definition_says_org() {
        assert_eq!(read("", ""), (CredentialSource::Password, vec![]));
        assert_eq!(read("password", ""), (CredentialSource::Password, vec![]));
        assert_eq!(read("org", ""), (CredentialSource::Org { password_fallback: true }, vec![]));
        assert_eq!(read("ORG", "False"), (CredentialSource::Org { password_fallback: false }, vec![]));
    }

    #[test]
    fn bad_values_are_reported_and_give_the_defaults() {
        let (source, problems) = read("salesforce", "");
        assert_eq!((source, items(&problems)), (CredentialSource::Password, vec!["credentials"]));
        let (source, problems) = read("org", "maybe");
        assert_eq!((source, items(&problems)), (CredentialSource::Org { password_fallback: true }, vec!["passwordFallback"]));
        let (source, problems) = read("password", "false");
        assert_eq!((source, items(&problems)), (CredentialSource::Password, vec!["passwordFallback"]));
    }
}
