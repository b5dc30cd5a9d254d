//! Every incoming call's screen pop, measured: what Salesforce found (one record, several, none,
//! a new-record form, a failure, no answer) and how long it took from the INVITE reaching the
//! phone to Salesforce answering. The measure rides on the call's log (see the README, "Call
//! logs"), so admins can judge a rollout by its screen-pop success rate and latency.
//!
//! Pure: the glue classifies Salesforce's answer into a [`PopOutcome`]; the controller stamps
//! the times it is given.

use crate::clock::Time;
/// How long the phone waits for Salesforce to answer a screen pop before it counts it as
/// [`PopOutcome::TimedOut`]: Open CTI's callback timeout for every method (10 s), after which
/// the answer can no longer reach the phone.
pub const POP_TIMEOUT_MS: u64 = 10_000;

/// What a screen pop came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PopOutcome {
    /// One record matched the caller and was popped.
    OneMatch,
    /// Several records matched (the layout pops a search, or nothing).
    SeveralMatches,
    /// Nothing matched and nothing new was opened.
    NoMatch,
    /// Nothing matched and the softphone layout opened a new-record form.
    NewRecord,
    /// Salesforce refused the search or answered something the phone could not read.
    Failed,
    /// Salesforce did not answer within [`POP_TIMEOUT_MS`].
    TimedOut,
}

impl PopOutcome {
    /// The outcome for a search that found `matches` records, when the layout's rule for no match
    /// opens a new-record form (`no_match_opens_form`).
    pub fn of_search(matches: usize, no_match_opens_form: bool) -> PopOutcome {
        match matches {
            0 if no_match_opens_form => PopOutcome::NewRecord,
            0 => PopOutcome::NoMatch,
            1 => PopOutcome::OneMatch,
            _ => PopOutcome::SeveralMatches,
        }
    }

    /// The word written on the Task (the org package's `Softphone_Pop_Outcome__c`, at most 20
    /// characters), which `callcenter report` reads back.
    pub fn as_str(self) -> &'static str {
        match self {
            PopOutcome::OneMatch => "one-match",
            PopOutcome::SeveralMatches => "several-matches",
            PopOutcome::NoMatch => "no-match",
            PopOutcome::NewRecord => "new-record",
            PopOutcome::Failed => "failed",
            PopOutcome::TimedOut => "timed-out",
        }
    }
}

/// A screen pop's outcome and latency, as written on the call's Task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PopMeasure {
    /// What Salesforce found, or that it failed or never answered.
    pub outcome: PopOutcome,
    /// Milliseconds from the INVITE reaching the phone to Salesforce's answer; `None` when it
    /// never answered.
    pub latency_ms: Option<u64>,
}

/// Where an incoming call's screen pop is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScreenPop {
    /// Asked when the INVITE reached the phone (Unix ms); no answer yet.
    Waiting { asked_at: Time },
    /// Answered (or given up on).
    Measured(PopMeasure),
}

impl ScreenPop {
    /// Salesforce answered at `now`. A pop already measured keeps its measure (a late answer
    /// after the timeout changes nothing).
    pub fn answered(self, outcome: PopOutcome, now: Time) -> ScreenPop {
        match self {
            ScreenPop::Waiting { asked_at } => {
                let latency_ms = (outcome != PopOutcome::TimedOut).then(|| now.millis_since(asked_at));
                ScreenPop::Measured(PopMeasure { outcome, latency_ms })
            }
            measured @ ScreenPop::Measured(_) => measured,
        }
    }

    /// The measure for the call's log when the call ends at `now`: a pop still unanswered
    /// after [`POP_TIMEOUT_MS`] timed out; one the call ended too soon to hear has none yet.
    pub fn measure_at(self, now: Time) -> Option<PopMeasure> {
        match self {
            ScreenPop::Measured(measure) => Some(measure),
            ScreenPop::Waiting { asked_at } if now.millis_since(asked_at) >= POP_TIMEOUT_MS => {
                Some(PopMeasure { outcome: PopOutcome::TimedOut, latency_ms: None })
            }
            ScreenPop::Waiting { .. } => None,
        }
    }
}

/// The words on the Task are a contract with `callcenter report`, which keeps its own reader of
/// them (the tool does not link the phone): this checks that it reads back every one the same.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod contract {
    use super::PopOutcome::{self, *};
    use callcenter::rollout::tasks::PopOutcome as Read;

    #[test]
    fn the_report_reads_back_every_outcome_the_phone_writes() {
        let pairs: [(PopOutcome, Read); 6] = [
            (OneMatch, Read::OneMatch),
            (SeveralMatches, Read::SeveralMatches),
            (NoMatch, Read::NoMatch),
            (NewRecord, Read::NewRecord),
            (Failed, Read::Failed),
            (TimedOut, Read::TimedOut),
        ];
        for (written, read) in pairs {
            assert_eq!(Read::parse(written.as_str()), Some(read), "{}", written.as_str());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::at;

    #[test]
    fn the_number_of_matches_and_the_layout_decide_the_outcome() {
        assert_eq!(PopOutcome::of_search(1, true), PopOutcome::OneMatch);
        assert_eq!(PopOutcome::of_search(2, true), PopOutcome::SeveralMatches);
        assert_eq!(PopOutcome::of_search(7, false), PopOutcome::SeveralMatches);
        assert_eq!(PopOutcome::of_search(0, false), PopOutcome::NoMatch);
        assert_eq!(PopOutcome::of_search(0, true), PopOutcome::NewRecord);
    }

    #[test]
    fn outcomes_are_written_as_the_words_the_report_reads_within_20_characters() {
        let all =
            [PopOutcome::OneMatch, PopOutcome::SeveralMatches, PopOutcome::NoMatch, PopOutcome::NewRecord, PopOutcome::Failed, PopOutcome::TimedOut];
        let words: Vec<&str> = all.iter().map(|o| o.as_str()).collect();
        assert_eq!(words, ["one-match", "several-matches", "no-match", "new-record", "failed", "timed-out"]);
        assert!(words.iter().all(|w| w.len() <= 20));
    }

    #[test]
    fn latency_runs_from_the_invite_to_the_answer_and_a_late_answer_changes_nothing() {
        let asked = ScreenPop::Waiting { asked_at: at(1_000) };
        let measured = asked.answered(PopOutcome::OneMatch, at(1_042));
        assert_eq!(measured, ScreenPop::Measured(PopMeasure { outcome: PopOutcome::OneMatch, latency_ms: Some(42) }));
        assert_eq!(measured.answered(PopOutcome::Failed, at(9_000)), measured);
        let failed = asked.answered(PopOutcome::Failed, at(1_300));
        assert_eq!(failed.measure_at(at(5_000)), Some(PopMeasure { outcome: PopOutcome::Failed, latency_ms: Some(300) }));
        // Open CTI's own timeout: Salesforce never answered, so there is no latency to give.
        let timed_out = asked.answered(PopOutcome::TimedOut, at(11_000));
        assert_eq!(timed_out.measure_at(at(11_000)), Some(PopMeasure { outcome: PopOutcome::TimedOut, latency_ms: None }));
    }

    #[test]
    fn a_call_that_ends_before_the_answer_times_out_only_after_the_pop_timeout() {
        let asked = ScreenPop::Waiting { asked_at: at(1_000) };
        assert_eq!(asked.measure_at(at(1_500)), None, "ended too soon to say");
        assert_eq!(asked.measure_at(at(1_000 + POP_TIMEOUT_MS - 1)), None);
        assert_eq!(asked.measure_at(at(1_000 + POP_TIMEOUT_MS)), Some(PopMeasure { outcome: PopOutcome::TimedOut, latency_ms: None }));
    }
}

#[cfg(test)]
#[path = "pop_measure_tests.rs"]
mod flow_tests;
