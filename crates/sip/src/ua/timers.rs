//! What falls due: transactions that went unanswered, refreshes, retransmissions and retries.

use crate::message::Method;

use super::api::{CallId, EndReason, Event, Millis, Output};
use super::dialog::CallState;
use super::registration::Registration;
use super::transaction::Purpose;
use super::{T1, T2, UserAgent};

impl UserAgent {
    // --- timers -----------------------------------------------------------------------------

    pub(super) fn on_timers(&mut self, now: Millis) {
        let expired: Vec<String> = self.transactions.iter().filter(|(_, t)| t.deadline <= now).map(|(b, _)| b.clone()).collect();
        for branch in expired {
            let Some(tx) = self.transactions.remove(&branch) else { continue };
            match tx.purpose {
                Purpose::Register => {
                    self.registration = Registration::Idle;
                    self.event(Event::RegistrationFailed { status: None, reason: "The PBX did not answer the registration (timeout)".into(), retry_after: None });
                }
                Purpose::Unregister => {
                    self.registration = Registration::Idle;
                    self.event(Event::Unregistered);
                }
                Purpose::Invite => {
                    if let Some(call) = tx.call {
                        self.report_transfer(now, &call, 408, "Request Timeout");
                        let reason = if self.call_mut(&call).is_some_and(|c| c.state == CallState::Cancelling) {
                            EndReason::Local
                        } else {
                            EndReason::Failed("The PBX did not answer the call (timeout)".into())
                        };
                        self.end_call(&call, reason);
                    }
                }
                Purpose::Reinvite => {
                    if let Some(call) = tx.call {
                        if let Some(c) = self.call_mut(&call) {
                            c.reinvite_pending = false;
                        }
                        self.event(Event::ReinviteFailed { call, status: 408 });
                    }
                }
                Purpose::Refresh => {
                    if let Some(call) = tx.call {
                        self.end_call(&call, EndReason::Failed("The PBX stopped answering during the call (session refresh timed out)".into()));
                    }
                }
                Purpose::Refer => {
                    if let Some(call) = tx.call {
                        if let Some(c) = self.call_mut(&call) {
                            c.transferring = None;
                        }
                        self.event(Event::TransferFailed { call, status: 408 });
                    }
                }
                Purpose::Cancel | Purpose::Bye | Purpose::Info | Purpose::Notify => {}
            }
        }
        let silent: Vec<CallId> = self.calls.iter().filter(|c| c.transferring.is_some_and(|at| at <= now)).map(|c| c.id.clone()).collect();
        for call in silent {
            if let Some(c) = self.call_mut(&call) {
                c.transferring = None;
            }
            self.event(Event::TransferFailed { call, status: 408 });
        }
        let due: Vec<(CallId, bool)> = self.calls.iter().filter_map(|c| c.session.filter(|s| s.due <= now).map(|s| (c.id.clone(), s.we_refresh))).collect();
        for (call, we_refresh) in due {
            if we_refresh {
                self.refresh_session(now, &call);
            } else {
                // The far end should have refreshed by now (RFC 4028 §10).
                self.bye(now, &call, EndReason::Failed("The far end stopped refreshing the call (session timer expired)".into()));
            }
        }
        if let Registration::Registered { refresh_at } = self.registration {
            if refresh_at <= now && self.transport_up {
                self.send_register(now, self.expires);
            }
        }
        self.flow_timers(now);
        let mut resend = Vec::new();
        let mut lost = Vec::new();
        let mut retries = Vec::new();
        for c in &mut self.calls {
            if let Some((bytes, next, interval, give_up)) = &mut c.unacked_ok {
                if *give_up <= now {
                    lost.push(c.id.clone());
                } else if *next <= now {
                    resend.push(bytes.clone());
                    *interval = (*interval * 2).min(T2);
                    *next = now + *interval;
                }
            }
            if let Some((at, sdp)) = &mut c.glare_retry {
                if *at <= now {
                    if c.reinvite_pending || c.incoming_reinvite.is_some() || c.state != CallState::Confirmed {
                        // Still busy with another offer: look again shortly.
                        *at = now + T1;
                    } else {
                        retries.push((c.id.clone(), std::mem::take(sdp)));
                        c.glare_retry = None;
                    }
                }
            }
        }
        for bytes in resend {
            self.out.push_back(Output::Transmit(bytes));
        }
        for call in lost {
            // No ACK for our 2xx: the dialog never came up (RFC 3261 §13.3.1.4).
            if let Some(bye) = self.in_dialog_request(&call, Method::Bye, None) {
                self.send_request(now, bye, Purpose::Bye, Some(call.clone()));
            }
            self.end_call(&call, EndReason::Failed("The caller's side never confirmed the answer".into()));
        }
        for (call, sdp) in retries {
            self.reinvite(now, &call, sdp);
        }
    }
}
