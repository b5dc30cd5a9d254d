//! The registry's rules, as the PBX and Salesforce would exercise them.

use crate::calls::{Answer, Failure, Policy, Registry, Request, RequestKind, Started, Status};
use crate::facts::{CallEnd, CallId, CallStart, Number};

fn call(id: &str) -> CallStart {
    CallStart { call_id: CallId::parse(id).unwrap(), from: Number::parse("from", "+14155550100").unwrap(), to: Number::parse("to", "8005550199").unwrap(), started_at_ms: 1_000 }
}

fn end(id: &str) -> CallEnd {
    CallEnd { call_id: CallId::parse(id).unwrap(), ended_at_ms: 61_000 }
}

fn id(text: &str) -> CallId {
    CallId::parse(text).unwrap()
}

fn requests(r: &mut Registry) -> Vec<Request> {
    std::iter::from_fn(|| r.poll_request()).collect()
}

fn creates(requests: &[Request]) -> usize {
    requests.iter().filter(|r| matches!(r.kind, RequestKind::Create(_))).count()
}

fn unavailable() -> Answer {
    Answer::Status { code: 503, retry_after_s: None }
}

/// Runs the clock to `until`, answering every request with `answer`; returns all requests sent.
fn run(r: &mut Registry, mut now: u64, until: u64, mut answer: impl FnMut(&Request) -> Answer) -> Vec<Request> {
    let mut sent = Vec::new();
    loop {
        for request in requests(r) {
            r.answered(now, request.id, answer(&request));
            sent.push(request);
        }
        match r.poll_timeout() {
            Some(at) if at <= until => {
                now = at.max(now);
                r.handle_timeout(now);
            }
            _ => return sent,
        }
    }
}

#[test]
fn a_call_gets_its_voice_call_from_one_create() {
    let mut r = Registry::new(Policy::default(), 1);
    assert_eq!(r.call_started(0, call("c1@pbx")), Started::New);
    let sent = requests(&mut r);
    assert_eq!(creates(&sent), 1);
    assert_eq!(r.status(&id("c1@pbx")), Some(Status::Creating));
    r.answered(250, sent[0].id, Answer::Created { voice_call_id: "0LQ000000000001".into() });
    assert_eq!(r.status(&id("c1@pbx")), Some(Status::Created("0LQ000000000001".into())));
    r.call_ended(60_000, end("c1@pbx"));
    assert!(requests(&mut r).is_empty(), "a created VoiceCall needs nothing more from the service");
}

#[test]
fn the_same_call_id_twice_is_one_call() {
    let mut r = Registry::new(Policy::default(), 1);
    r.call_started(0, call("c1@pbx"));
    assert_eq!(r.call_started(10, call("c1@pbx")), Started::Known, "a retransmitted INVITE or a second hook");
    assert_eq!(creates(&requests(&mut r)), 1);
}

#[test]
fn salesforce_unavailable_is_retried_with_backoff_until_it_creates() {
    let mut r = Registry::new(Policy::default(), 3);
    r.call_started(0, call("c1@pbx"));
    let mut times = Vec::new();
    let mut now = 0;
    for answer in [unavailable(), Answer::NotSent, Answer::Status { code: 429, retry_after_s: Some(3) }] {
        let request = requests(&mut r).pop().unwrap();
        r.answered(now, request.id, answer);
        now = r.poll_timeout().unwrap();
        times.push(now);
        r.handle_timeout(now);
    }
    let last = requests(&mut r).pop().unwrap();
    r.answered(now, last.id, Answer::Created { voice_call_id: "0LQ000000000001".into() });
    assert_eq!(r.status(&id("c1@pbx")), Some(Status::Created("0LQ000000000001".into())));
    assert!(times[0] >= 375 && times[0] <= 500, "first retry after about 0.5 s: {times:?}");
    assert!(times[1] - times[0] >= 750 && times[1] - times[0] <= 1000, "then about 1 s: {times:?}");
    assert!(times[2] - times[1] >= 3000, "Retry-After: 3 is honoured: {times:?}");
}

#[test]
fn a_create_that_may_have_landed_is_never_sent_again_and_is_reconciled_when_the_call_ends() {
    for maybe in [Answer::NoAnswer, Answer::Status { code: 500, retry_after_s: None }, Answer::Status { code: 504, retry_after_s: None }, Answer::Unreadable] {
        let mut r = Registry::new(Policy::default(), 1);
        r.call_started(0, call("c1@pbx"));
        let sent = run(&mut r, 0, 50_000, |_| maybe.clone());
        assert_eq!(creates(&sent), 1, "{maybe:?}: one create only");
        assert_eq!(r.status(&id("c1@pbx")), Some(Status::Failed(Failure::Unknown)), "the connector is told");
        r.call_ended(60_000, end("c1@pbx"));
        let after = run(&mut r, 60_000, 70_000, |_| Answer::Done);
        assert_eq!(creates(&after), 0);
        match after.as_slice() {
            [Request { kind: RequestKind::Reconcile { start, end: e }, .. }] => {
                assert_eq!((start.call_id.as_str(), e.ended_at_ms), ("c1@pbx", 61_000));
            }
            other => panic!("{maybe:?}: one reconciliation expected, got {other:?}"),
        }
    }
}

#[test]
fn a_refusal_is_final_and_nothing_is_sent_after_it() {
    for (code, failure) in [(401, Failure::Refused { status: 401 }), (403, Failure::Refused { status: 403 }), (400, Failure::Rejected { status: 400 }), (404, Failure::Rejected { status: 404 })] {
        let mut r = Registry::new(Policy::default(), 1);
        r.call_started(0, call("c1@pbx"));
        let sent = run(&mut r, 0, 50_000, |_| Answer::Status { code, retry_after_s: None });
        assert_eq!(sent.len(), 1, "{code}: not retried");
        assert_eq!(r.status(&id("c1@pbx")), Some(Status::Failed(failure)));
        r.call_ended(60_000, end("c1@pbx"));
        assert!(run(&mut r, 60_000, 4_000_000, |_| Answer::Done).is_empty(), "{code}: the update endpoint cannot mend it");
    }
}

#[test]
fn salesforce_down_for_the_whole_ring_gives_up_then_records_the_call_once_it_ends() {
    let mut r = Registry::new(Policy::default(), 5);
    r.call_started(0, call("c1@pbx"));
    let sent = run(&mut r, 0, 59_999, |_| Answer::NotSent);
    assert!(creates(&sent) >= 8, "retried throughout the ring: {} creates", creates(&sent));
    assert!(run(&mut r, 60_000, 90_000, |_| Answer::NotSent).is_empty());
    assert_eq!(r.status(&id("c1@pbx")), Some(Status::Failed(Failure::Unavailable)));
    r.call_ended(95_000, end("c1@pbx"));
    let mut attempts = 0;
    let after = run(&mut r, 95_000, 200_000, |_| {
        attempts += 1;
        if attempts < 3 { unavailable() } else { Answer::Done }
    });
    assert_eq!(after.len(), 3, "the update is retried until it lands, then stops");
    assert!(after.iter().all(|r| matches!(r.kind, RequestKind::Reconcile { .. })));
}

#[test]
fn a_call_that_ends_while_its_create_waits_for_a_retry_is_not_created_but_reconciled() {
    let mut r = Registry::new(Policy::default(), 1);
    r.call_started(0, call("c1@pbx"));
    let first = requests(&mut r).pop().unwrap();
    r.answered(10, first.id, unavailable());
    r.call_ended(100, end("c1@pbx"));
    let after = requests(&mut r);
    assert_eq!(creates(&after), 0, "the caller hung up: no create after the end");
    assert!(matches!(after.as_slice(), [Request { kind: RequestKind::Reconcile { .. }, .. }]));
}

#[test]
fn a_call_that_ends_while_its_create_is_in_flight_waits_for_the_answer() {
    let mut r = Registry::new(Policy::default(), 1);
    r.call_started(0, call("c1@pbx"));
    let create = requests(&mut r).pop().unwrap();
    r.call_ended(100, end("c1@pbx"));
    assert!(requests(&mut r).is_empty(), "nothing until Salesforce answers the create");
    r.answered(300, create.id, Answer::Created { voice_call_id: "0LQ000000000001".into() });
    assert!(requests(&mut r).is_empty(), "created: nothing to reconcile");
    assert_eq!(r.status(&id("c1@pbx")), Some(Status::Created("0LQ000000000001".into())));
}

#[test]
fn many_calls_failing_together_retry_apart() {
    let mut r = Registry::new(Policy::default(), 42);
    for n in 0..20 {
        r.call_started(0, call(&format!("c{n}@pbx")));
    }
    for request in requests(&mut r) {
        r.answered(0, request.id, unavailable());
    }
    let mut due = Vec::new();
    while let Some(at) = r.poll_timeout().filter(|at| *at < 1_000) {
        r.handle_timeout(at);
        due.extend(requests(&mut r).into_iter().map(|_| at));
    }
    due.dedup();
    assert!(due.len() > 5, "20 retries spread over several moments: {due:?}");
}

#[test]
fn ended_calls_are_forgotten_after_a_while_and_the_limit_holds() {
    let policy = Policy { max_calls: 2, ..Policy::default() };
    let keep = policy.keep_ended_ms;
    let mut r = Registry::new(policy, 1);
    r.call_started(0, call("a@pbx"));
    r.call_started(0, call("b@pbx"));
    assert_eq!(r.call_started(0, call("c@pbx")), Started::Full);
    for request in requests(&mut r) {
        r.answered(10, request.id, Answer::Created { voice_call_id: "0LQ000000000001".into() });
    }
    r.call_ended(1_000, end("a@pbx"));
    r.handle_timeout(1_000 + keep + 1);
    assert_eq!(r.status(&id("a@pbx")), None);
    assert_eq!(r.call_started(1_000 + keep + 1, call("c@pbx")), Started::New, "room again");
}

#[test]
fn an_answer_for_a_forgotten_or_unknown_request_changes_nothing() {
    let mut r = Registry::new(Policy::default(), 1);
    r.call_started(0, call("a@pbx"));
    let request = requests(&mut r).pop().unwrap();
    r.answered(5, crate::calls::RequestId(999), Answer::Created { voice_call_id: "0LQ000000000009".into() });
    assert_eq!(r.status(&id("a@pbx")), Some(Status::Creating));
    r.answered(6, request.id, Answer::Created { voice_call_id: "0LQ000000000001".into() });
    r.answered(7, request.id, Answer::Created { voice_call_id: "0LQ000000000002".into() });
    assert_eq!(r.status(&id("a@pbx")), Some(Status::Created("0LQ000000000001".into())), "a second answer is ignored");
    r.call_ended(10, end("unknown@pbx"));
    assert!(requests(&mut r).is_empty());
}
