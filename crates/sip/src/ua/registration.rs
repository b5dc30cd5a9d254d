//! Registration (RFC 3261 §10, RFC 5626): REGISTER, its refresh, and what the registrar answered.

use crate::header::{name_addrs, CSeq};
use crate::message::{Method, Request, Response};
use crate::uri::{NameAddr, Uri};

use super::api::{Event, Millis};
use super::flow::refresh_after;
use super::transaction::Purpose;
use super::{ALLOW, TRANSACTION_TIMEOUT_MS, UserAgent};

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Registration {
    Idle,
    Registering,
    Registered { refresh_at: Millis },
    Unregistering,
}

impl UserAgent {
    pub(super) fn on_register_response(&mut self, now: Millis, r: &Response, purpose: Purpose) {
        let user = self.credentials.as_ref().map_or(String::new(), |c| c.user.clone());
        if purpose == Purpose::Unregister {
            self.registration = Registration::Idle;
            self.next_keepalive = None;
            return self.event(Event::Unregistered);
        }
        if r.is_success() {
            // The lifetime the registrar granted: our Contact's expires, else Expires, else ours.
            let granted = name_addrs(r.headers.get_all("Contact"))
                .unwrap_or_default()
                .into_iter()
                .find(|c| c.uri.host.eq_ignore_ascii_case(&self.local_host))
                .and_then(|c| c.params.get("expires").and_then(|e| e.parse::<u32>().ok()))
                .or_else(|| r.headers.get("Expires").and_then(|e| e.trim().parse().ok()))
                .unwrap_or(self.expires);
            let granted = granted.max(1);
            self.registration = Registration::Registered { refresh_at: now + Millis::from(refresh_after(granted)) * 1000 };
            if self.config.keepalive_ms > 0 {
                self.next_keepalive = Some(now + self.config.keepalive_ms);
            }
            self.event(Event::Registered { expires: granted });
            return self.refresh_targets();
        }
        if r.status == 423 {
            if let Some(min) = r.headers.get("Min-Expires").and_then(|m| m.trim().parse::<u32>().ok()).filter(|m| *m > self.expires) {
                self.expires = min;
                return self.send_register(now, min);
            }
        }
        self.registration = Registration::Idle;
        let reason = match r.status {
            401 | 407 => format!("The PBX rejected the password for {user} ({})", r.status),
            403 => format!("The PBX rejected the password for {user} (403)"),
            404 => format!("The PBX does not know the user {user} (404)"),
            423 => format!("The PBX wants a longer registration than it accepts ({} {})", r.status, r.reason),
            s if s >= 500 => format!("The PBX could not register {user} right now ({s} {}); try again in a moment", r.reason),
            s => format!("The PBX refused to register {user} ({s} {})", r.reason),
        };
        let retry_after = r.headers.get("Retry-After").and_then(|v| v.split([';', '(']).next()).and_then(|v| v.trim().parse().ok());
        self.event(Event::RegistrationFailed { status: Some(r.status), reason, retry_after });
    }

    pub(super) fn send_register(&mut self, now: Millis, expires: u32) {
        let Some(credentials) = self.credentials.clone() else { return };
        self.reg_cseq += 1;
        let (via, _) = self.via();
        let aor = NameAddr::new(Uri::sip(&credentials.user, &self.config.domain));
        let mut req = Request::new(Method::Register, Uri::sip("", &self.config.domain));
        req.headers.push("Via", via);
        req.headers.push("Max-Forwards", 70);
        req.headers.push("From", aor.clone().with_tag(&self.reg_from_tag));
        req.headers.push("To", aor);
        req.headers.push("Call-ID", &self.reg_call_id);
        req.headers.push("CSeq", CSeq { seq: self.reg_cseq, method: Method::Register });
        req.headers.push("Contact", self.contact(Some(expires)));
        req.headers.push("Expires", expires);
        req.headers.push("Supported", "path, outbound, gruu");
        req.headers.push("Allow", ALLOW);
        req.headers.push("User-Agent", &self.config.user_agent);
        if expires > 0 && self.registration != Registration::Unregistering {
            self.registration = match self.registration {
                Registration::Registered { refresh_at } => Registration::Registered { refresh_at: refresh_at.max(now + TRANSACTION_TIMEOUT_MS) },
                _ => Registration::Registering,
            };
        }
        let purpose = if expires == 0 { Purpose::Unregister } else { Purpose::Register };
        self.send_request(now, req, purpose, None);
    }
}
