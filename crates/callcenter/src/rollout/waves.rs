//! Who moves in which wave. A user belongs to one call center at a time (`User.CallCenterId`),
//! so moving a wave is one update of that field for its users, and rolling it back the same
//! update with the old value.
//!
//! Assignment is deterministic: the pilot is the users named (or, when none are, the first 5 %
//! of the order below, at least one); everyone else is ordered by a stable hash of the
//! lower-cased username (64-bit FNV-1a, then the username itself on a tie), and the waves take
//! users from the front of that order until 25 %, 50 % and 100 % of all users have moved. The
//! same users give the same waves on any machine; adding or removing a user changes the wave of
//! at most the users next to a wave's boundary in that order.

use std::collections::BTreeMap;
use std::fmt;

use crate::date::Date;
use crate::csv::{self, cell, CsvError, Header};

/// A wave of the rollout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Wave {
    /// A few agents for two weeks.
    Pilot,
    /// Up to a quarter of all agents.
    Quarter,
    /// Up to half.
    Half,
    /// Everyone else.
    Everyone,
}

impl Wave {
    /// In order.
    pub const ALL: [Wave; 4] = [Wave::Pilot, Wave::Quarter, Wave::Half, Wave::Everyone];

    /// Its name in waves.csv and the report.
    pub fn as_str(self) -> &'static str {
        match self {
            Wave::Pilot => "pilot",
            Wave::Quarter => "25%",
            Wave::Half => "50%",
            Wave::Everyone => "100%",
        }
    }

    /// Its number, 1 to 4.
    pub fn number(self) -> usize {
        Wave::ALL.iter().position(|w| *w == self).map_or(0, |i| i + 1)
    }

    /// The file name stem of its CSVs: `1-pilot`, `2-25pct`, ...
    pub fn file_stem(self) -> String {
        format!("{}-{}", self.number(), self.as_str().replace('%', "pct"))
    }

    /// The wave named `text` in a waves.csv.
    pub fn parse(text: &str) -> Option<Wave> {
        Wave::ALL.into_iter().find(|w| w.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The share of all users moved once this wave is done, in percent.
    fn cumulative_percent(self) -> usize {
        match self {
            Wave::Pilot => 0,
            Wave::Quarter => 25,
            Wave::Half => 50,
            Wave::Everyone => 100,
        }
    }
}

/// A user from the org's export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// User.Id.
    pub id: String,
    /// User.Username.
    pub username: String,
    /// The call center the user is in now (User.CallCenterId), empty when none.
    pub call_center_id: String,
    /// The SIP extension the phone signs the user in as (User.Softphone_Extension__c, the org
    /// package's field): `None` when the export has no such column, empty when the cell is.
    pub extension: Option<String>,
}

/// Why a users or waves file cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WavesError {
    /// Not CSV.
    Csv(CsvError),
    /// No header row.
    Empty,
    /// A needed column is missing.
    MissingColumn(&'static str),
    /// A row lacks a value.
    MissingValue { line: usize, column: &'static str },
    /// The same user twice.
    Duplicate { line: usize, username: String },
    /// A pilot user not in the export.
    UnknownPilot(String),
    /// A waves.csv row with a wave that is not pilot, 25%, 50% or 100%.
    UnknownWave { line: usize, wave: String },
    /// No users at all.
    NoUsers,
    /// A waves.csv start that is not a date.
    BadStart { line: usize, why: String },
    /// An extension that would not be a SIP user (letters, digits, `.`, `_`, `-`, `+`, at most 64).
    BadExtension { line: usize, extension: String },
    /// The same extension for two users (the field is unique: two agents never share a line).
    SharedExtension { line: usize, extension: String },
}

impl fmt::Display for WavesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WavesError::Csv(e) => write!(f, "{e}"),
            WavesError::Empty => write!(f, "the file is empty"),
            WavesError::MissingColumn(c) => write!(f, "no {c} column"),
            WavesError::MissingValue { line, column } => write!(f, "line {line}: no {column}"),
            WavesError::Duplicate { line, username } => write!(f, "line {line}: {username} is listed twice"),
            WavesError::UnknownPilot(u) => write!(f, "pilot user {u} is not in the users file"),
            WavesError::UnknownWave { line, wave } => write!(f, "line {line}: \"{wave}\" is not a wave (pilot, 25%, 50%, 100%)"),
            WavesError::NoUsers => write!(f, "the users file lists nobody"),
            WavesError::BadStart { line, why } => write!(f, "line {line}: Start {why}"),
            WavesError::BadExtension { line, extension } => {
                write!(f, "line {line}: extension \"{extension}\" may hold only letters, digits, '.', '_', '-' and '+' (at most 64)")
            }
            WavesError::SharedExtension { line, extension } => write!(f, "line {line}: extension {extension} is already another user's"),
        }
    }
}

impl std::error::Error for WavesError {}

impl From<CsvError> for WavesError {
    fn from(e: CsvError) -> WavesError {
        WavesError::Csv(e)
    }
}

/// The column of the org package's extension field in a User export.
pub const EXTENSION_COLUMN: &str = "Softphone_Extension__c";

/// Reads a User export with Id, Username and CallCenterId columns and, optionally, each user's
/// extension ([`EXTENSION_COLUMN`]), which the move files then set.
pub fn read_users(text: &str) -> Result<Vec<User>, WavesError> {
    let records = csv::parse(text)?;
    let mut rows = records.iter();
    let header = Header::new(rows.next().ok_or(WavesError::Empty)?);
    let id = header.column(&["Id"]).ok_or(WavesError::MissingColumn("Id"))?;
    let username = header.column(&["Username"]).ok_or(WavesError::MissingColumn("Username"))?;
    let call_center = header.column(&["CallCenterId"]).ok_or(WavesError::MissingColumn("CallCenterId"))?;
    let extension = header.column(&[EXTENSION_COLUMN]);
    let mut users: Vec<User> = Vec::new();
    for r in rows {
        let user = User {
            id: cell(r, Some(id)).to_owned(),
            username: cell(r, Some(username)).to_owned(),
            call_center_id: cell(r, Some(call_center)).to_owned(),
            extension: extension.map(|column| cell(r, Some(column)).to_owned()),
        };
        for (value, column) in [(&user.id, "Id"), (&user.username, "Username")] {
            if value.is_empty() {
                return Err(WavesError::MissingValue { line: r.line, column });
            }
        }
        if users.iter().any(|u| u.username.eq_ignore_ascii_case(&user.username) || u.id == user.id) {
            return Err(WavesError::Duplicate { line: r.line, username: user.username });
        }
        if let Some(ext) = user.extension.as_deref().filter(|e| !e.is_empty()) {
            if !is_sip_user(ext) {
                return Err(WavesError::BadExtension { line: r.line, extension: ext.to_owned() });
            }
            if users.iter().any(|u| u.extension.as_deref().is_some_and(|other| other.eq_ignore_ascii_case(ext))) {
                return Err(WavesError::SharedExtension { line: r.line, extension: ext.to_owned() });
            }
        }
        users.push(user);
    }
    if users.is_empty() {
        return Err(WavesError::NoUsers);
    }
    Ok(users)
}

/// The org package's rule (SoftphoneCredentials.isSipUser): an extension lands in SIP URIs.
fn is_sip_user(extension: &str) -> bool {
    extension.len() <= 64 && extension.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+'))
}

/// 64-bit FNV-1a of the lower-cased username: stable across machines and releases.
pub fn stable_hash(username: &str) -> u64 {
    username.to_lowercase().bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

/// One user's wave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The user.
    pub user: User,
    /// The wave.
    pub wave: Wave,
}

/// Assigns every user a wave; `pilot` names pilot users by username (any case).
pub fn assign(users: &[User], pilot: &[String]) -> Result<Vec<Assignment>, WavesError> {
    for name in pilot {
        if !users.iter().any(|u| u.username.eq_ignore_ascii_case(name)) {
            return Err(WavesError::UnknownPilot(name.clone()));
        }
    }
    let in_pilot = |u: &User| pilot.iter().any(|p| p.eq_ignore_ascii_case(&u.username));
    let mut rest: Vec<&User> = users.iter().filter(|u| !in_pilot(u)).collect();
    rest.sort_by(|a, b| stable_hash(&a.username).cmp(&stable_hash(&b.username)).then_with(|| a.username.cmp(&b.username)));
    let total = users.len();
    let default_pilot = if pilot.is_empty() { (total * 5).div_ceil(100).max(1) } else { 0 };
    let mut out: Vec<Assignment> = users.iter().filter(|u| in_pilot(u)).map(|u| Assignment { user: u.clone(), wave: Wave::Pilot }).collect();
    let mut order = rest.into_iter();
    out.extend(order.by_ref().take(default_pilot).map(|u| Assignment { user: u.clone(), wave: Wave::Pilot }));
    for wave in [Wave::Quarter, Wave::Half, Wave::Everyone] {
        let moved_after = (total * wave.cumulative_percent()).div_ceil(100);
        let take = moved_after.saturating_sub(out.len());
        out.extend(order.by_ref().take(take).map(|u| Assignment { user: u.clone(), wave }));
    }
    Ok(out)
}

/// The users of one wave, as a CSV that sets `CallCenterId` (`Id,CallCenterId`). Moving sets the
/// new call center and, when the export had the column, each user's extension (an empty cell
/// leaves the field as it is: the Bulk API only clears a field on `#N/A`); rolling back sets
/// each user's old call center, or `#N/A` for a user who had none, and leaves the extension
/// (the old adapter never reads it). Lines end in LF, as `sf data update bulk --line-ending LF`
/// reads them (its default is CRLF on Windows, LF elsewhere); Data Loader reads either.
pub fn update_csv(assignments: &[Assignment], wave: Wave, new_call_center: Option<&str>) -> String {
    let extensions = new_call_center.is_some() && assignments.iter().any(|a| a.user.extension.is_some());
    let mut out = String::new();
    let header: &[&str] = if extensions { &["Id", "CallCenterId", EXTENSION_COLUMN] } else { &["Id", "CallCenterId"] };
    csv::write_row_ending(&mut out, header, "\n");
    for a in assignments.iter().filter(|a| a.wave == wave) {
        let value = match new_call_center {
            Some(id) => id,
            None if a.user.call_center_id.is_empty() => "#N/A",
            None => &a.user.call_center_id,
        };
        let extension = a.user.extension.as_deref().unwrap_or("");
        let row: &[&str] = if extensions { &[&a.user.id, value, extension] } else { &[&a.user.id, value] };
        csv::write_row_ending(&mut out, row, "\n");
    }
    out
}

/// waves.csv: `Username,Id,Wave,Start`, which `callcenter report --waves` reads.
pub fn waves_csv(assignments: &[Assignment], starts: &BTreeMap<Wave, Date>) -> String {
    let mut out = String::new();
    csv::write_row(&mut out, &["Username", "Id", "Wave", "Start"]);
    for a in assignments {
        let start = starts.get(&a.wave).map(Date::to_string).unwrap_or_default();
        csv::write_row(&mut out, &[&a.user.username, &a.user.id, a.wave.as_str(), &start]);
    }
    out
}

/// An agent's wave in waves.csv.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaveEntry {
    /// The wave.
    pub wave: Wave,
    /// The day the wave moves (calls before it were made on the old call center); none: always.
    pub start: Option<Date>,
}

/// Reads a waves.csv: each agent (by lower-cased username, and by Id for exports that only have
/// OwnerId) to a wave and its start.
pub fn read_waves(text: &str) -> Result<BTreeMap<String, WaveEntry>, WavesError> {
    let records = csv::parse(text)?;
    let mut rows = records.iter();
    let header = Header::new(rows.next().ok_or(WavesError::Empty)?);
    let username = header.column(&["Username"]).ok_or(WavesError::MissingColumn("Username"))?;
    let wave_column = header.column(&["Wave"]).ok_or(WavesError::MissingColumn("Wave"))?;
    let id = header.column(&["Id"]);
    let start_column = header.column(&["Start"]);
    let mut waves = BTreeMap::new();
    for r in rows {
        let text = cell(r, Some(wave_column));
        let wave = Wave::parse(text).ok_or_else(|| WavesError::UnknownWave { line: r.line, wave: text.to_owned() })?;
        let start = match cell(r, start_column) {
            "" => None,
            day => Some(Date::parse(day).map_err(|e| WavesError::BadStart { line: r.line, why: e.to_string() })?),
        };
        let wave = WaveEntry { wave, start };
        for key in [cell(r, Some(username)).to_lowercase(), cell(r, id).to_owned()] {
            if !key.is_empty() {
                waves.insert(key, wave);
            }
        }
    }
    Ok(waves)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users(n: usize) -> Vec<User> {
        (0..n).map(|i| User { id: format!("005{i:03}"), username: format!("agent{i}@acme.example"), call_center_id: "04vOLD".into(), extension: None }).collect()
    }

    #[test]
    fn extensions_in_the_export_are_set_by_the_move_and_left_by_the_rollback() {
        let export = "Id,Username,CallCenterId,Softphone_Extension__c\n005A,ann@acme.example,04vOLD,1001\n005B,bob@acme.example,,\n";
        let users = read_users(export).expect("read");
        assert_eq!(users.iter().map(|u| u.extension.as_deref()).collect::<Vec<_>>(), [Some("1001"), Some("")]);
        let all = assign(&users, &["ann@acme.example".into(), "bob@acme.example".into()]).expect("assigned");
        assert_eq!(update_csv(&all, Wave::Pilot, Some("04vNEW")), "Id,CallCenterId,Softphone_Extension__c\n005A,04vNEW,1001\n005B,04vNEW,\n");
        assert_eq!(update_csv(&all, Wave::Pilot, None), "Id,CallCenterId\n005A,04vOLD\n005B,#N/A\n");
        let without = read_users("Id,Username,CallCenterId\n005A,ann@acme.example,04vOLD\n").expect("read");
        let all = assign(&without, &[]).expect("assigned");
        assert_eq!(update_csv(&all, Wave::Pilot, Some("04vNEW")), "Id,CallCenterId\n005A,04vNEW\n");
    }

    #[test]
    fn extensions_that_would_inject_into_sip_or_be_shared_are_refused() {
        let bad = read_users("Id,Username,CallCenterId,Softphone_Extension__c\n005A,ann@acme.example,,1001>;x\n");
        assert_eq!(bad, Err(WavesError::BadExtension { line: 2, extension: "1001>;x".into() }));
        let shared = read_users("Id,Username,CallCenterId,Softphone_Extension__c\n005A,a@x,,1001\n005B,b@x,,1001\n");
        assert_eq!(shared, Err(WavesError::SharedExtension { line: 3, extension: "1001".into() }));
    }

    #[test]
    fn waves_reach_a_quarter_half_and_everyone() {
        let all = users(40);
        let a = assign(&all, &[]).expect("assigned");
        let count = |w| a.iter().filter(|x| x.wave == w).count();
        assert_eq!([Wave::Pilot, Wave::Quarter, Wave::Half, Wave::Everyone].map(count), [2, 8, 10, 20]);
        assert_eq!(assign(&all, &[]).expect("again"), a, "deterministic");
        let named = assign(&all, &["AGENT7@acme.example".into()]).expect("named pilot");
        assert_eq!(named.iter().filter(|x| x.wave == Wave::Pilot).map(|x| x.user.username.as_str()).collect::<Vec<_>>(), ["agent7@acme.example"]);
        assert_eq!(assign(&all, &["nobody@acme.example".into()]), Err(WavesError::UnknownPilot("nobody@acme.example".into())));
    }

    #[test]
    fn the_hash_is_fnv1a() {
        assert_eq!(stable_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(stable_hash("Ann@X"), stable_hash("ann@x"));
    }
}
