//! Registration (RFC 3261 §10, RFC 5626): REGISTER, its refresh, and what the registrar answered.

use crate::auth::Credentials;
use crate::header::{name_addrs, CSeq};
use crate::message::{Method, Request, Response};
use crate::uri::{NameAddr, Uri};

use super::api::{Event, Instant, RegistrationFailure};
use super::timers::Timer;
use super::transaction::Purpose;
use super::{UserAgent, ALLOW, TRANSACTION_TIMEOUT_MS};

/// A registration is refreshed at least this long before it expires: a hidden tab's timers
/// may fire up to a minute late (Chromium's intensive throttling aligns them to one minute),
/// and the REGISTER with its challenge needs a few seconds more on a slow network.
const REFRESH_MARGIN_MIN_S: u32 = 90;

/// When to refresh a registration granted for `granted` seconds, in seconds from now:
/// `granted - max(90 s, granted / 3)`, but never before half the lifetime.
pub fn refresh_after(granted: u32) -> u32 {
    let margin = REFRESH_MARGIN_MIN_S.max(granted / 3);
    granted.saturating_sub(margin).max(granted / 2).max(1)
}

/// The binding of an address of record the user left ([`super::Command::RegisterAs`] for
/// another user), while its un-REGISTER is under way.
pub(super) struct Retiring {
    /// What it was registered with: its un-REGISTER answers challenges with them.
    pub(super) credentials: Credentials,
}

/// Where the registration stands. When registered, [`Timer::RegistrationRefresh`] is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Registration {
    Idle,
    Registering,
    Registered,
    Unregistering,
}

impl UserAgent {
    /// [`super::Command::Register`] and [`super::Command::RegisterAs`] (`aor_user`): register
    /// now, or as soon as a connection is up; a binding for another user is removed first.
    pub(super) fn register(&mut self, now: Instant, credentials: Credentials, aor_user: Option<String>) {
        let user = aor_user.as_deref().unwrap_or(&credentials.user);
        let bound = self.transport_up && matches!(self.registration, Registration::Registered | Registration::Registering);
        if bound && self.user().is_some_and(|old| old != user) {
            self.retire_binding(now);
        }
        self.credentials = Some(credentials);
        self.aor_user = aor_user;
        self.expires = self.config.register_expires;
        if self.transport_up {
            self.send_register(now, self.expires);
        } else {
            self.registration = Registration::Registering;
        }
    }

    /// [`super::Command::Unregister`].
    pub(super) fn unregister(&mut self, now: Instant) {
        if self.transport_up && self.credentials.is_some() {
            self.registration = Registration::Unregistering;
            self.send_register(now, 0);
        } else {
            self.registration = Registration::Idle;
            self.timers.clear(&Timer::RegistrationRefresh);
            self.event(Event::Unregistered);
        }
    }

    /// The connection dropped: a REGISTER in flight will not be answered, and the next
    /// connection registers again.
    pub(super) fn registration_lost(&mut self) {
        // A binding being retired goes with the connection (its flow is gone at the registrar).
        self.abandon_transactions(|t| matches!(t.purpose, Purpose::Register | Purpose::Unregister | Purpose::Retire));
        self.retiring = None;
        self.timers.clear(&Timer::RegistrationRefresh);
        if matches!(self.registration, Registration::Registered | Registration::Registering) {
            self.registration = Registration::Registering;
        }
    }

    pub(super) fn on_registration_refresh(&mut self, now: Instant) {
        if self.registration == Registration::Registered && self.transport_up {
            self.send_register(now, self.expires);
        }
    }

    /// The registrar challenged for another realm: the password was not used.
    pub(super) fn on_register_foreign_realm(&mut self, status: u16, realm: crate::auth::ForeignRealm) {
        self.registration = Registration::Idle;
        let failure = RegistrationFailure::ForeignRealm { status, realm };
        self.event(Event::RegistrationFailed { failure, retry_after: None });
    }

    /// Registered or registering: a REGISTER proves the flow alive.
    pub(super) fn keeps_registered(&self) -> bool {
        self.credentials.is_some() && !matches!(self.registration, Registration::Unregistering | Registration::Idle)
    }

    /// The registrar did not answer our un-REGISTER: the binding expires by itself.
    pub(super) fn on_unregister_timeout(&mut self) {
        self.registration = Registration::Idle;
        self.event(Event::Unregistered);
    }

    pub(super) fn on_register_timeout(&mut self) {
        self.registration = Registration::Idle;
        self.event(Event::RegistrationFailed { failure: RegistrationFailure::NoResponse, retry_after: None });
    }

    pub(super) fn on_register_response(&mut self, now: Instant, r: &Response, purpose: Purpose) {
        if purpose == Purpose::Unregister {
            self.registration = Registration::Idle;
            self.timers.clear(&Timer::Keepalive);
            self.timers.clear(&Timer::RegistrationRefresh);
            return self.event(Event::Unregistered);
        }
        if r.is_success() {
            return self.registered(now, r);
        }
        if r.status == 423 {
            if let Some(min) = r.headers.get("Min-Expires").and_then(|m| crate::header::syntax::parse_u32(crate::header::syntax::trim_ws(m))).filter(|m| *m > self.expires) {
                self.expires = min;
                return self.send_register(now, min);
            }
        }
        self.registration = Registration::Idle;
        let retry_after = r.headers.get("Retry-After").and_then(|v| v.split([';', '(']).next()).and_then(|v| crate::header::syntax::parse_u32(crate::header::syntax::trim_ws(v)));
        self.event(Event::RegistrationFailed { failure: RegistrationFailure::Refused { status: r.status }, retry_after });
    }

    /// A 2xx to our REGISTER: refresh in time, keep the flow alive, and move calls onto it.
    fn registered(&mut self, now: Instant, r: &Response) {
        // The lifetime the registrar granted: our Contact's expires, else Expires, else ours.
        let granted = name_addrs(r.headers.get_all("Contact"))
            .unwrap_or_default()
            .into_iter()
            .find(|c| c.uri.host.eq_ignore_ascii_case(&self.local_host))
            .and_then(|c| c.params.get("expires").and_then(crate::header::syntax::parse_u32))
            .or_else(|| r.headers.get("Expires").and_then(|e| crate::header::syntax::parse_u32(crate::header::syntax::trim_ws(e))))
            .unwrap_or(self.expires)
            .max(1);
        self.registration = Registration::Registered;
        self.timers.set(Timer::RegistrationRefresh, now + u64::from(refresh_after(granted)) * 1000);
        if self.config.keepalive_ms > 0 {
            self.timers.set(Timer::Keepalive, now + self.config.keepalive_ms);
        }
        self.event(Event::Registered { expires: granted });
        self.refresh_targets();
    }

    /// Un-REGISTERs the binding of the current address of record, which the user is leaving,
    /// with its own credentials.
    fn retire_binding(&mut self, now: Instant) {
        let (Some(credentials), Some(user)) = (self.credentials.clone(), self.user().map(str::to_owned)) else { return };
        self.retiring = Some(Retiring { credentials });
        let req = self.register_request(&user, 0);
        self.send_request(now, req, Purpose::Retire, None);
    }

    pub(super) fn send_register(&mut self, now: Instant, expires: u32) {
        let Some(user) = self.user().map(str::to_owned) else { return };
        let req = self.register_request(&user, expires);
        if expires > 0 && self.registration != Registration::Unregistering {
            if self.registration == Registration::Registered {
                // Still registered meanwhile: the next refresh waits for this one's answer.
                let at = self.timers.at(&Timer::RegistrationRefresh).unwrap_or(now).max(now + TRANSACTION_TIMEOUT_MS);
                self.timers.set(Timer::RegistrationRefresh, at);
            } else {
                self.registration = Registration::Registering;
            }
        }
        let purpose = if expires == 0 { Purpose::Unregister } else { Purpose::Register };
        self.send_request(now, req, purpose, None);
    }

    /// A REGISTER of `user`'s address of record for `expires` seconds (0: remove the binding).
    fn register_request(&mut self, user: &str, expires: u32) -> Request {
        let aor = NameAddr::new(Uri::sip(user, &self.config.domain));
        self.reg_cseq += 1;
        let mut req = Request::new(Method::Register, Uri::sip("", &self.config.domain));
        req.headers.push("Via", self.via());
        req.headers.push("Max-Forwards", 70);
        req.headers.push("From", aor.clone().with_tag(&self.reg_from_tag));
        req.headers.push("To", aor);
        req.headers.push("Call-ID", &self.reg_call_id);
        req.headers.push("CSeq", CSeq { seq: self.reg_cseq, method: Method::Register });
        req.headers.push("Contact", self.contact_of(user, Some(expires)));
        req.headers.push("Expires", expires);
        // Path (RFC 3327) asks nothing of us; we take no GRUU, so none is asked for.
        req.headers.push("Supported", "path, outbound");
        req.headers.push("Allow", ALLOW);
        req.headers.push("User-Agent", &self.config.user_agent);
        req
    }
}

#[cfg(test)]
mod tests {
    use super::refresh_after;

    #[test]
    fn refresh_leaves_room_for_a_throttled_timer() {
        assert_eq!(refresh_after(600), 400);
        assert_eq!(refresh_after(3600), 2400);
        assert_eq!(refresh_after(300), 200);
        // Short lifetimes cannot keep 90 s: halfway.
        assert_eq!(refresh_after(120), 60);
        assert_eq!(refresh_after(60), 30);
        assert_eq!(refresh_after(1), 1);
    }
}
