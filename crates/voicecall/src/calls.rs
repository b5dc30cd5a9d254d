//! The calls the service knows and where each one's VoiceCall stands: a sans-IO state machine.
//!
//! Time is passed in (monotonic milliseconds for deadlines, wall-clock milliseconds in the call
//! facts), the PBX's events go in ([`Registry::call_started`], [`Registry::call_ended`]), the
//! requests to Salesforce come out ([`Registry::poll_request`]) and their answers go back in
//! ([`Registry::answered`]); [`Registry::poll_timeout`] says when to call
//! [`Registry::handle_timeout`]. Nothing here does I/O, so every rule is tested natively.
//!
//! The one rule above the others: **never two VoiceCalls for one call**. The vendor call key is
//! the SIP Call-ID, and a create request is sent again only when Salesforce provably did not
//! act on it (see [`crate::retry`]). When that cannot be known (a timeout after the request
//! left, a 500), the call is reconciled once it ends with the update endpoint, which Salesforce
//! keys by the vendor call key and which creates the record only if none exists.

use std::collections::{HashMap, VecDeque};

use crate::facts::{CallEnd, CallId, CallStart};
use crate::retry::{self, Backoff, Verdict};

/// Names one request to Salesforce, so that its answer finds its call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// A request for the I/O shell to send (see `scrt` for its HTTP form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub id: RequestId,
    pub kind: RequestKind,
}

/// What a request asks of Salesforce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestKind {
    /// Create the call's VoiceCall (POST /voiceCalls).
    Create(CallStart),
    /// Make sure the ended call has exactly one VoiceCall (PATCH /voiceCalls/{vendorCallKey}).
    Reconcile { start: CallStart, end: CallEnd },
}

/// How a request fared, as the I/O shell saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// 2xx with the new record's Id (a create).
    Created { voice_call_id: String },
    /// 2xx (an update).
    Done,
    /// Nothing reached Salesforce: the connection or the TLS handshake failed.
    NotSent,
    /// Salesforce answered with this status; `retry_after_s` from its `Retry-After`.
    Status { code: u16, retry_after_s: Option<u64> },
    /// The request left but no whole answer came back (timeout, connection dropped).
    NoAnswer,
    /// 2xx whose body has no VoiceCall Id.
    Unreadable,
}

/// Why a call has no VoiceCall (typed: the HTTP layer words it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Salesforce refused the service's credentials (401/403): the key, the certificate in the
    /// contact center, the org id or the contact center name is wrong.
    Refused { status: u16 },
    /// Salesforce refused the request itself (another 4xx).
    Rejected { status: u16 },
    /// Salesforce may or may not have created it (no answer, a 5xx other than 503): it is
    /// reconciled when the call ends.
    Unknown,
    /// Salesforce could not be reached or was unavailable for the whole ringing window: the
    /// VoiceCall is created once the call ends.
    Unavailable,
}

/// Where a call's VoiceCall stands, as the connector is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Being created (maybe after a retry).
    Creating,
    /// Created with this Id.
    Created(String),
    /// Not created while the call rang; see [`Failure`].
    Failed(Failure),
}

/// What [`Registry::call_started`] made of a call event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Started {
    /// A new call: its VoiceCall is being created.
    New,
    /// A call already known (the same Call-ID again): nothing more is sent.
    Known,
    /// The service holds as many calls as it may; this one gets no VoiceCall.
    Full,
}

/// The service's limits and waits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub backoff: Backoff,
    /// How long after a call starts its VoiceCall may still be created: about as long as a
    /// call rings. Past it, the call is reconciled when it ends.
    pub create_window_ms: u64,
    /// How long after a call ends its reconciliation is retried.
    pub reconcile_window_ms: u64,
    /// How long an ended call is remembered (so a late lookup or a repeated event finds it).
    pub keep_ended_ms: u64,
    /// How long a call whose end never came is remembered.
    pub keep_unended_ms: u64,
    /// How many calls the service remembers at once.
    pub max_calls: usize,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            backoff: Backoff::default(),
            create_window_ms: 60_000,
            reconcile_window_ms: 3_600_000,
            keep_ended_ms: 3_600_000,
            keep_unended_ms: 4 * 3_600_000,
            max_calls: 100_000,
        }
    }
}

#[derive(Clone, Debug)]
enum Creation {
    /// The next attempt (number `attempt`, from 0) is due at `at`.
    Waiting { attempt: u32, at: u64 },
    InFlight { request: RequestId, attempt: u32 },
    Done(Status),
}

#[derive(Clone, Debug)]
enum Reconciling {
    Waiting { attempt: u32, at: u64 },
    InFlight { request: RequestId, attempt: u32 },
    Finished,
}

#[derive(Clone, Debug)]
struct Entry {
    start: CallStart,
    /// Monotonic time the call started (its create window counts from here).
    started: u64,
    end: Option<(CallEnd, u64)>,
    creation: Creation,
    reconciling: Option<Reconciling>,
}

/// Every call the service knows, by Call-ID.
#[derive(Debug)]
pub struct Registry {
    policy: Policy,
    calls: HashMap<CallId, Entry>,
    /// Which call each request in flight is for.
    in_flight: HashMap<RequestId, CallId>,
    queue: VecDeque<Request>,
    next_request: u64,
    jitter: retry::Jitter,
}

impl Registry {
    /// An empty registry; `seed` spreads the retries of calls that failed together.
    pub fn new(policy: Policy, seed: u64) -> Registry {
        Registry { policy, calls: HashMap::new(), in_flight: HashMap::new(), queue: VecDeque::new(), next_request: 0, jitter: retry::Jitter::new(seed) }
    }

    /// The PBX offered a call to an agent: create its VoiceCall (once per Call-ID).
    pub fn call_started(&mut self, now: u64, start: CallStart) -> Started {
        self.forget_old(now);
        if self.calls.contains_key(&start.call_id) {
            return Started::Known;
        }
        if self.calls.len() >= self.policy.max_calls {
            return Started::Full;
        }
        let call_id = start.call_id.clone();
        let entry = Entry { start, started: now, end: None, creation: Creation::Waiting { attempt: 0, at: now }, reconciling: None };
        self.calls.insert(call_id.clone(), entry);
        self.advance(now, &call_id);
        Started::New
    }

    /// The call ended (BYE, CANCEL or a final failure). Unknown calls are ignored.
    pub fn call_ended(&mut self, now: u64, end: CallEnd) {
        let Some(entry) = self.calls.get_mut(&end.call_id) else { return };
        if entry.end.is_some() {
            return;
        }
        let call_id = end.call_id.clone();
        entry.end = Some((end, now));
        // A create still waiting for its retry is not sent any more: the call is over, so
        // the update endpoint records it instead (once, keyed by the vendor call key).
        if let Creation::Waiting { .. } = entry.creation {
            entry.creation = Creation::Done(Status::Failed(Failure::Unavailable));
        }
        self.advance(now, &call_id);
    }

    /// Salesforce's answer (or its absence) to request `id`.
    pub fn answered(&mut self, now: u64, id: RequestId, answer: Answer) {
        let Some(call_id) = self.in_flight.remove(&id) else { return };
        let window_end = self.policy.create_window_ms;
        let reconcile_window = self.policy.reconcile_window_ms;
        let Some(entry) = self.calls.get_mut(&call_id) else { return };
        match (&entry.creation, &entry.reconciling) {
            (Creation::InFlight { request, attempt }, _) if *request == id => {
                let attempt = *attempt;
                entry.creation = match retry::judge_create(&answer) {
                    Verdict::Created(voice_call_id) => Creation::Done(Status::Created(voice_call_id)),
                    Verdict::Failed(failure) => Creation::Done(Status::Failed(failure)),
                    Verdict::Retry { retry_after_ms } => {
                        let at = now + self.policy.backoff.delay(attempt, retry_after_ms, &mut self.jitter);
                        if entry.end.is_some() || at > entry.started + window_end {
                            Creation::Done(Status::Failed(Failure::Unavailable))
                        } else {
                            Creation::Waiting { attempt: attempt + 1, at }
                        }
                    }
                };
            }
            (_, Some(Reconciling::InFlight { request, attempt })) if *request == id => {
                let attempt = *attempt;
                let ended = entry.end.as_ref().map_or(now, |(_, at)| *at);
                entry.reconciling = Some(match retry::judge_update(&answer) {
                    retry::UpdateVerdict::Done | retry::UpdateVerdict::GiveUp => Reconciling::Finished,
                    retry::UpdateVerdict::Retry { retry_after_ms } => {
                        let at = now + self.policy.backoff.delay(attempt, retry_after_ms, &mut self.jitter);
                        if at > ended + reconcile_window {
                            Reconciling::Finished
                        } else {
                            Reconciling::Waiting { attempt: attempt + 1, at }
                        }
                    }
                });
            }
            _ => return,
        }
        self.advance(now, &call_id);
    }

    /// Sends what is due and forgets what is old.
    pub fn handle_timeout(&mut self, now: u64) {
        self.forget_old(now);
        let due: Vec<CallId> = self.calls.iter().filter(|(_, e)| e.due_at().is_some_and(|at| at <= now)).map(|(id, _)| id.clone()).collect();
        for call_id in due {
            self.advance(now, &call_id);
        }
    }

    /// The next request to send.
    pub fn poll_request(&mut self) -> Option<Request> {
        self.queue.pop_front()
    }

    /// When [`Registry::handle_timeout`] should run next.
    pub fn poll_timeout(&self) -> Option<u64> {
        let retries = self.calls.values().filter_map(Entry::due_at);
        let forgetting = self.calls.values().filter(|e| !e.busy()).map(|e| e.forget_at(&self.policy));
        retries.chain(forgetting).min()
    }

    /// Where this call's VoiceCall stands, if the call is known.
    pub fn status(&self, call_id: &CallId) -> Option<Status> {
        self.calls.get(call_id).map(|e| match &e.creation {
            Creation::Waiting { .. } | Creation::InFlight { .. } => Status::Creating,
            Creation::Done(status) => status.clone(),
        })
    }

    /// How many calls are remembered.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    /// Whether no call is remembered.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// Moves one call along: sends its create or its reconciliation when due.
    fn advance(&mut self, now: u64, call_id: &CallId) {
        let Some(entry) = self.calls.get_mut(call_id) else { return };
        if let Creation::Waiting { attempt, at } = entry.creation {
            if at <= now {
                let id = RequestId(self.next_request);
                self.next_request += 1;
                entry.creation = Creation::InFlight { request: id, attempt };
                self.in_flight.insert(id, call_id.clone());
                self.queue.push_back(Request { id, kind: RequestKind::Create(entry.start.clone()) });
            }
            return;
        }
        let Some((end, _)) = &entry.end else { return };
        if entry.reconciling.is_none() && entry.needs_reconciling() {
            entry.reconciling = Some(Reconciling::Waiting { attempt: 0, at: now });
        }
        if let Some(Reconciling::Waiting { attempt, at }) = entry.reconciling {
            if at <= now {
                let id = RequestId(self.next_request);
                self.next_request += 1;
                entry.reconciling = Some(Reconciling::InFlight { request: id, attempt });
                self.in_flight.insert(id, call_id.clone());
                self.queue.push_back(Request { id, kind: RequestKind::Reconcile { start: entry.start.clone(), end: end.clone() } });
            }
        }
    }

    fn forget_old(&mut self, now: u64) {
        let policy = &self.policy;
        let before = self.calls.len();
        self.calls.retain(|_, e| e.busy() || e.forget_at(policy) > now);
        if self.calls.len() != before {
            let calls = &self.calls;
            self.in_flight.retain(|_, call_id| calls.contains_key(call_id));
        }
    }
}

impl Entry {
    /// Whether the call ended without a VoiceCall Salesforce confirmed, in a way the update
    /// endpoint can settle (it cannot mend a refused key or a rejected request).
    fn needs_reconciling(&self) -> bool {
        matches!(self.creation, Creation::Done(Status::Failed(Failure::Unknown | Failure::Unavailable)))
    }

    /// When this call's next request is due, if one is waiting.
    fn due_at(&self) -> Option<u64> {
        match (&self.creation, &self.reconciling) {
            (Creation::Waiting { at, .. }, _) => Some(*at),
            (_, Some(Reconciling::Waiting { at, .. })) => Some(*at),
            _ => None,
        }
    }

    /// A request in flight or waiting keeps the call in memory whatever its age.
    fn busy(&self) -> bool {
        matches!(self.creation, Creation::Waiting { .. } | Creation::InFlight { .. })
            || matches!(self.reconciling, Some(Reconciling::Waiting { .. } | Reconciling::InFlight { .. }))
            || (self.end.is_some() && self.needs_reconciling() && self.reconciling.is_none())
    }

    fn forget_at(&self, policy: &Policy) -> u64 {
        match &self.end {
            Some((_, ended)) => ended + policy.keep_ended_ms,
            None => self.started + policy.keep_unended_ms,
        }
    }
}
