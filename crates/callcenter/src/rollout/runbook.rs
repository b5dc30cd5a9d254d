//! The rollout plan `callcenter waves` writes: per wave the CSV that moves its users to the new
//! call center and the one that moves them back, waves.csv for the report, and a dated
//! Markdown runbook (pilot two weeks, a week per wave, go/no-go after each, then deactivating the
//! old call center, removing the desktop installer, and the check three months later).

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::date::Date;
use super::tasks::TASKS_QUERY;
use super::waves::{assign, read_users, update_csv, waves_csv, Assignment, Wave, WavesError};

/// What the admin asks of `callcenter waves`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanOptions {
    /// The new call center's Id (`SELECT Id FROM CallCenter WHERE InternalName = '...'`).
    pub new_call_center: String,
    /// Pilot users by username; empty: the first 5 % in hash order.
    pub pilot: Vec<String>,
    /// The pilot's first day.
    pub start: Date,
}

/// A file the plan writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanFile {
    /// Its name in the output folder.
    pub name: String,
    /// Its contents.
    pub contents: String,
}

/// When each step happens.
struct Schedule {
    moves: BTreeMap<Wave, Date>,
    checks: BTreeMap<Wave, Date>,
    retire_old: Date,
    remove_installer: Date,
    three_months: Date,
}

impl Schedule {
    fn from(start: Date) -> Schedule {
        let moves = BTreeMap::from([(Wave::Pilot, start), (Wave::Quarter, start.plus_days(14)), (Wave::Half, start.plus_days(21)), (Wave::Everyone, start.plus_days(28))]);
        let checks = BTreeMap::from([(Wave::Pilot, start.plus_days(14)), (Wave::Quarter, start.plus_days(21)), (Wave::Half, start.plus_days(28)), (Wave::Everyone, start.plus_days(35))]);
        let last_check = start.plus_days(35);
        let three_months = last_check.plus_months(3);
        // A check that falls on a weekend moves to the Monday after.
        let three_months = three_months.plus_days(match three_months.weekday() {
            "Sat" => 2,
            "Sun" => 1,
            _ => 0,
        });
        Schedule { moves, checks, retire_old: last_check, remove_installer: last_check.plus_days(7), three_months }
    }

    fn move_day(&self, wave: Wave) -> Date {
        self.moves.get(&wave).copied().unwrap_or(self.retire_old)
    }

    fn check_day(&self, wave: Wave) -> Date {
        self.checks.get(&wave).copied().unwrap_or(self.retire_old)
    }
}

/// Every file of the plan, from a User export's text.
pub fn plan(users_csv: &str, options: &PlanOptions) -> Result<Vec<PlanFile>, WavesError> {
    let users = read_users(users_csv)?;
    let assignments = assign(&users, &options.pilot)?;
    let schedule = Schedule::from(options.start);
    let mut files = Vec::new();
    for wave in Wave::ALL {
        let stem = wave.file_stem();
        files.push(PlanFile { name: format!("{stem}.move.csv"), contents: update_csv(&assignments, wave, Some(&options.new_call_center)) });
        files.push(PlanFile { name: format!("{stem}.rollback.csv"), contents: update_csv(&assignments, wave, None) });
    }
    files.push(PlanFile { name: "waves.csv".to_owned(), contents: waves_csv(&assignments, &schedule.moves) });
    files.push(PlanFile { name: "runbook.md".to_owned(), contents: runbook(&assignments, options, &schedule) });
    Ok(files)
}

fn day(d: Date) -> String {
    format!("{} {d}", d.weekday())
}

fn runbook(assignments: &[Assignment], options: &PlanOptions, s: &Schedule) -> String {
    let count = |w: Wave| assignments.iter().filter(|a| a.wave == w).count();
    let mut old: Vec<&str> = assignments.iter().map(|a| a.user.call_center_id.as_str()).filter(|c| !c.is_empty() && *c != options.new_call_center).collect();
    old.sort_unstable();
    old.dedup();
    let mut out = format!(
        "# Rollout runbook: call center {}\n\n\
         Written by `callcenter waves` for {} users ({} in a call center other than the new one: {}). \
         The dates are the plan; a step waits for the go of the one before it.\n\n\
         Set `ORG` to the org's alias (`sf org login web --alias ...`) and run the commands from this folder.\n\n\
         | wave | users | moves on | go/no-go on | move | roll back |\n|---|---|---|---|---|---|\n",
        options.new_call_center,
        assignments.len(),
        assignments.iter().filter(|a| !a.user.call_center_id.is_empty() && a.user.call_center_id != options.new_call_center).count(),
        if old.is_empty() { "none".to_owned() } else { old.join(", ") },
    );
    for w in Wave::ALL {
        let _ = writeln!(out, "| {} | {} | {} | {} | `{}.move.csv` | `{}.rollback.csv` |", w.as_str(), count(w), day(s.move_day(w)), day(s.check_day(w)), w.file_stem(), w.file_stem());
    }
    out.push_str(&before_the_pilot());
    // With extensions in the export, the move sets them too and the phone signs agents in itself.
    let sign_in = if assignments.iter().any(|a| a.user.extension.is_some()) {
        "which signs them in by itself as the extension the move file set (`Softphone_Extension__c`; the definition says `credentials` org)"
    } else {
        "sign in with their SIP extension and password"
    };
    for w in Wave::ALL {
        out.push_str(&wave_section(w, count(w), s, sign_in));
    }
    let old_ids: Vec<String> = old.iter().map(|id| format!("'{id}'")).collect();
    out.push_str(&after_the_waves(s, &old_ids.join(", ")));
    out
}

fn before_the_pilot() -> String {
    "\n## Before the pilot\n\n\
     1. The code inventory is done and its rework is finished and tested in a sandbox \
     (`callcenter inventory --code SOURCE_DIR`).\n\
     2. The new call center is installed in the sandbox, then in production, and validated \
     (`callcenter validate`); its Id is the one in the `.move.csv` files.\n\
     3. Nobody deletes the old call center or its definition file: with the `.rollback.csv` files they \
     are the way back until the three-month check. A rollback row `#N/A` clears the user's call center \
     (the user had none): the Bulk API's empty value, which `sf data update bulk` and Data Loader with \
     the Bulk API load as is.\n\
     4. Without the org package, drop the three `Softphone_` fields from the query below: the report then \
     reads the screen pop and log attempts from the Task descriptions.\n"
        .to_owned()
}

fn wave_section(wave: Wave, users: usize, s: &Schedule, sign_in: &str) -> String {
    let stem = wave.file_stem();
    let weeks = if wave == Wave::Pilot { "two weeks" } else { "one week" };
    let next = Wave::ALL.get(wave.number()).map_or("deactivating the old call center".to_owned(), |n| format!("wave {} ({})", n.number(), n.as_str()));
    let mut out = format!(
        "\n## Wave {}: {} ({users} users), {}, for {weeks}\n\n\
         1. Move the wave (each user's `CallCenterId` becomes the new call center):\n\n       \
         sf data update bulk --sobject User --file {stem}.move.csv --line-ending LF --wait 10 --target-org \"$ORG\"\n\n   \
         (or Data Loader: Update, object User, this file, map `Id` and `CallCenterId`).\n\
         2. Tell the wave's agents: reload Salesforce, open the Phone utility item, {sign_in}, allow the \
         microphone once.\n\
         3. Every morning, export the Tasks and read the report (below); collect the problems agents report.\n",
        wave.number(),
        wave.as_str(),
        day(s.move_day(wave)),
    );
    let _ = write!(
        out,
        "\n### Go/no-go for wave {}: {}\n\n       \
         sf data query --query \"{TASKS_QUERY}\" --result-format csv --target-org \"$ORG\" > tasks.csv\n       \
         callcenter report tasks.csv --waves waves.csv --html report-{stem}.html\n\n\
         Exit status 0 and GO for this wave (and no reported problem left open): go on with {next}. \
         Exit status 1 (NO-GO, the report says why): fix the cause, or roll the wave back and \
         plan it again:\n\n       \
         sf data update bulk --sobject User --file {stem}.rollback.csv --line-ending LF --wait 10 --target-org \"$ORG\"\n",
        wave.number(),
        day(s.check_day(wave)),
    );
    out
}

fn after_the_waves(s: &Schedule, old_ids: &str) -> String {
    format!(
        "\n## Deactivate the old call center: {}\n\n\
         After the last go, nobody is left in the old call center \
         (`sf data query --query \"SELECT Id, Username FROM User WHERE CallCenterId IN ({})\" --target-org \"$ORG\"` returns no row). \
         Remove it from the Lightning apps' utility items and from any page layout's softphone layout. \
         Keep its definition file and the `.rollback.csv` files: re-importing the definition and loading \
         a rollback file restores it.\n\
         \n## Remove the desktop installer: {}\n\n\
         A week after the last go with no rollback, uninstall the desktop CTI adapter from the agents' machines \
         (your software distribution) and stop deploying it to new machines. Keep the installer package \
         in your software library until the three-month check.\n\
         \n## Three-month check: {}\n\n\
         Export the last 30 days of Tasks and run `callcenter report tasks.csv --waves waves.csv --html report-3-months.html`. \
         If every wave is GO and no problem is open, the migration has held: delete the old call center, \
         its definition, the installer package and the `.rollback.csv` files. If not, the rollback files \
         and the old definition still work: fix or roll back first.\n",
        day(s.retire_old),
        if old_ids.is_empty() { "'OLD_ID'" } else { old_ids },
        day(s.remove_installer),
        day(s.three_months),
    )
}
