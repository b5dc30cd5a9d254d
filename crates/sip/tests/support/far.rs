//! A far end the test plays by hand, as SIPp plays a PBX in the end-to-end tests: it gets what
//! the proxy sends it and answers with written-out messages: early media, reliable provisional
//! responses, INVITEs without an offer, UPDATE, which no user agent of ours sends.

use sip::header::{name_addrs, CSeq};
use sip::message::{parse, Message, Method, Request, Response};
use sip::{CallId, NameAddr, Uri};

use super::{World, DOMAIN, PROXY};

/// The far end's index for the proxy.
pub const FAR: usize = 1000;
/// Its user, reached at `FAR_USER@DOMAIN`, and the host of its Contact.
pub const FAR_USER: &str = "2000";
pub const FAR_HOST: &str = "far.test";
/// The SDP it offers and answers with.
pub const FAR_SDP: &str = "v=0\r\no=far 1 1 IN IP4 192.0.2.20\r\nm=audio 4000 RTP/SAVPF 0\r\n";

/// The far end's side of a dialog: what it needs to send requests in it.
#[derive(Clone, Debug)]
pub struct FarDialog {
    pub call_id: String,
    /// The far end, with its tag.
    pub local: NameAddr,
    /// Our agent, with its tag (once it has one).
    pub remote: NameAddr,
    /// Our agent's Contact, as the proxy forwarded it.
    pub target: Uri,
    /// The proxy's Record-Route, in the order the far end's requests take it.
    pub routes: Vec<String>,
    pub cseq: u32,
}

impl FarDialog {
    /// A request of the far end's in this dialog, with the next CSeq (ACK: `seq` as given).
    pub fn request(&mut self, method: Method, seq: Option<u32>, extra: &str, sdp: Option<&str>) -> String {
        let seq = seq.unwrap_or_else(|| {
            self.cseq += 1;
            self.cseq
        });
        let mut routes = String::new();
        for r in &self.routes {
            routes.push_str(&format!("Route: {r}\r\n"));
        }
        let method_name = method.as_str().to_owned();
        let body = body_lines(sdp);
        format!(
            "{method_name} {} SIP/2.0\r\nVia: SIP/2.0/UDP {FAR_HOST};branch=z9hG4bKfar{method_name}{seq}\r\nMax-Forwards: 70\r\n{routes}From: {}\r\nTo: {}\r\nCall-ID: {}\r\nCSeq: {seq} {method_name}\r\nContact: <sip:{FAR_USER}@{FAR_HOST}>\r\n{extra}{body}",
            self.target, self.local, self.remote, self.call_id
        )
    }
}

/// `Content-Type` and the blank line before `sdp`, or just the blank line.
fn body_lines(sdp: Option<&str>) -> String {
    match sdp {
        Some(sdp) => format!("Content-Type: application/sdp\r\n\r\n{sdp}"),
        None => "\r\n".into(),
    }
}

impl World {
    /// 1001 (ua 0) and 1002 (ua 1) registered, 1001 calling the far end: the Call-ID and the
    /// INVITE as the far end got it.
    pub fn calling_the_far_end() -> (World, CallId, Request) {
        let mut w = World::two_agents().with_far_end();
        let id = w.call_from(0, FAR_USER);
        let invite = w.far_request(Method::Invite);
        (w, id, invite)
    }

    /// The Call-ID of the one call that rings at UA `ua`, the only thing it reported.
    pub fn rung(&mut self, ua: usize) -> CallId {
        match self.take_events(ua).as_slice() {
            [sip::Event::IncomingCall { call, .. }] => call.clone(),
            other => panic!("expected a call, got {other:?}"),
        }
    }

    /// Makes the far end reachable as `FAR_USER` (a trunk the proxy routes to).
    pub fn with_far_end(mut self) -> World {
        self.pbx.registered.insert(FAR_USER.into(), (FAR, Uri::sip(FAR_USER, FAR_HOST)));
        self.pbx.hosts.insert(FAR_HOST.into(), FAR);
        self
    }

    /// The far end sends `frame` to the proxy.
    pub fn far_send(&mut self, frame: &str) {
        for (to, f) in self.pbx.handle(FAR, frame) {
            if to == FAR || to == usize::MAX {
                self.far_inbox.push(f);
            } else if !self.down[to] {
                self.uas[to].handle_input(self.now, sip::Input::Frame(f.as_bytes()));
            }
        }
        self.settle();
    }

    /// Everything the far end got since last asked.
    pub fn far_received(&mut self) -> Vec<Message> {
        std::mem::take(&mut self.far_inbox).iter().map(|f| parse(f.as_bytes()).expect("the proxy forwards valid SIP")).collect()
    }

    /// The requests of `method` the far end got since last asked.
    pub fn far_requests(&mut self, method: Method) -> Vec<Request> {
        self.far_received()
            .into_iter()
            .filter_map(|m| match m {
                Message::Request(r) if r.method == method => Some(r),
                _ => None,
            })
            .collect()
    }

    /// The one request the far end got since last asked, which must be of `method`.
    pub fn far_request(&mut self, method: Method) -> Request {
        let got = self.far_received();
        match got.as_slice() {
            [Message::Request(r)] if r.method == method => r.clone(),
            other => panic!("expected one {method} at the far end, got {other:?}"),
        }
    }

    /// The far end answers `req` (as the proxy forwarded it) with `status`, its tag `far`,
    /// these extra header lines and this SDP.
    pub fn far_respond(&mut self, req: &Request, status: u16, extra: &str, sdp: Option<&str>) {
        let mut r = Response::for_request_std(req, status);
        if status > 100 {
            let mut to = NameAddr::parse(req.headers.get("To").unwrap_or("")).expect("a To");
            if to.tag().is_none() {
                to.set_tag("far");
            }
            r.headers.set("To", to);
            for rr in req.headers.get_all("Record-Route") {
                r.headers.push("Record-Route", rr);
            }
            r.headers.push("Contact", format!("<sip:{FAR_USER}@{FAR_HOST}>"));
        }
        let head = String::from_utf8(r.to_bytes()).expect("UTF-8");
        // Extra lines go in before the empty line that ends the header (and Content-Length).
        let head = head.trim_end_matches("Content-Length: 0\r\n\r\n").to_owned();
        self.far_send(&format!("{head}{extra}{}", body_lines(sdp)));
    }

    /// The far end's dialog for our INVITE `invite` (as it arrived), once answered with tag `far`.
    pub fn far_dialog_of(&self, invite: &Request) -> FarDialog {
        let mut to = NameAddr::parse(invite.headers.get("To").unwrap_or("")).expect("a To");
        to.set_tag("far");
        FarDialog {
            call_id: invite.headers.get("Call-ID").unwrap_or("").into(),
            local: to,
            remote: NameAddr::parse(invite.headers.get("From").unwrap_or("")).expect("a From"),
            target: name_addrs(invite.headers.get_all("Contact")).expect("a Contact").remove(0).uri,
            routes: invite.headers.get_all("Record-Route").map(str::to_owned).collect(),
            cseq: 100,
        }
    }

    /// The far end calls `user` (through the proxy) with this offer, or none; returns its side
    /// of the dialog (our tag is filled in from our first response with one).
    pub fn far_call(&mut self, user: &str, extra: &str, sdp: Option<&str>) -> FarDialog {
        let call_id = format!("far-call-{}", self.far_calls);
        self.far_calls += 1;
        let mut dialog = FarDialog {
            call_id: call_id.clone(),
            local: NameAddr::parse(&format!("<sip:{FAR_USER}@{DOMAIN}>;tag=farcaller")).expect("valid"),
            remote: NameAddr::new(Uri::sip(user, DOMAIN)),
            target: Uri::sip(user, DOMAIN),
            routes: Vec::new(),
            cseq: 1,
        };
        let invite = dialog.request(Method::Invite, Some(1), extra, sdp);
        self.far_send(&invite);
        dialog
    }

    /// Fills in our side of `dialog` from the far end's inbox: our tag, Contact and the proxy's
    /// Record-Route, from the first response with a To tag. Returns what the far end got.
    pub fn far_learn(&mut self, dialog: &mut FarDialog) -> Vec<Response> {
        let responses: Vec<Response> = self
            .far_received()
            .into_iter()
            .filter_map(|m| match m {
                Message::Response(r) => Some(r),
                Message::Request(_) => None,
            })
            .collect();
        if let Some(r) = responses.iter().find(|r| r.headers.get("To").is_some_and(|t| t.contains("tag="))) {
            dialog.remote = NameAddr::parse(r.headers.get("To").unwrap_or("")).expect("a To");
            if let Some(contact) = name_addrs(r.headers.get_all("Contact")).ok().and_then(|c| c.into_iter().next()) {
                dialog.target = contact.uri;
            }
            let mut routes: Vec<String> = r.headers.get_all("Record-Route").map(str::to_owned).collect();
            routes.reverse();
            dialog.routes = routes;
        }
        responses
    }
}

/// The CSeq number of a message's CSeq header.
pub fn cseq_of(headers: &sip::message::Headers) -> u32 {
    headers.get("CSeq").and_then(|v| CSeq::parse(v).ok()).map_or(0, |c| c.seq)
}

/// The proxy's own host, for checks on routes.
pub const PROXY_HOST: &str = PROXY;
