//! Calendar days (proleptic Gregorian, UTC): the day a Task was created, the runbook's dates, and
//! (in the phone) the day of a call.
//! Day arithmetic goes through a day number (days since 1970-01-01), so months and leap years
//! need no table.

use std::fmt;

/// A calendar day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Days since 1970-01-01 (negative before).
    days: i64,
}

/// A day that is not `YYYY-MM-DD`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadDate(pub String);

impl fmt::Display for BadDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\" is not a date (YYYY-MM-DD)", self.0)
    }
}

impl std::error::Error for BadDate {}

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

impl Date {
    /// The day `YYYY-MM-DD`, refusing days that do not exist (2026-02-30).
    pub fn parse(text: &str) -> Result<Date, BadDate> {
        let bad = || BadDate(text.to_owned());
        let mut parts = text.split('-');
        let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let digits = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
            return Err(bad());
        }
        let (year, month, day) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(bad());
        }
        Ok(Date::from_civil(year, month, day))
    }

    /// The day of a Salesforce date-time (`2026-11-29T10:02:03.000+0000`, or `...Z` from Data
    /// Loader): its first ten characters, the day in UTC.
    pub fn of_datetime(text: &str) -> Result<Date, BadDate> {
        let day = text.trim().get(..10).ok_or_else(|| BadDate(text.to_owned()))?;
        Date::parse(day).map_err(|_| BadDate(text.to_owned()))
    }

    /// The day `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        Date { days }
    }

    /// Today in UTC, from the system clock (native only: a browser page has no system clock).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn today() -> Date {
        let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Date { days: i64::try_from(seconds / 86_400).unwrap_or(0) }
    }

    /// This day plus `days`.
    pub fn plus_days(self, days: i64) -> Date {
        Date { days: self.days.saturating_add(days) }
    }

    /// The same day `months` months later, or the month's last day when it has fewer days.
    pub fn plus_months(self, months: u32) -> Date {
        let (year, month, day) = self.civil();
        let index = i64::from(year) * 12 + i64::from(month) - 1 + i64::from(months);
        let (year, month) = (i32::try_from(index.div_euclid(12)).unwrap_or(year), u32::try_from(index.rem_euclid(12) + 1).unwrap_or(1));
        Date::from_civil(year, month, day.min(days_in_month(year, month)))
    }

    /// Three letters, Mon to Sun.
    pub fn weekday(self) -> &'static str {
        WEEKDAYS.get(usize::try_from(self.days.rem_euclid(7)).unwrap_or(0)).copied().unwrap_or("")
    }

    /// Days from `earlier` to this day.
    pub fn days_since(self, earlier: Date) -> i64 {
        self.days - earlier.days
    }

    // Howard Hinnant's days-from-civil algorithm.
    fn from_civil(year: i32, month: u32, day: u32) -> Date {
        let y = i64::from(year) - i64::from(month <= 2);
        let era = y.div_euclid(400);
        let year_of_era = y - era * 400;
        let shifted_month = (i64::from(month) + 9) % 12;
        let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        Date { days: era * 146_097 + day_of_era - 719_468 }
    }

    fn civil(self) -> (i32, u32, u32) {
        let z = self.days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        (i32::try_from(year).unwrap_or(i32::MAX), u32::try_from(month).unwrap_or(1), u32::try_from(day).unwrap_or(1))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = self.civil();
        write!(f, "{year:04}-{month:02}-{day:02}")
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_through_the_calendar() {
        let d = Date::parse("2026-11-29").expect("date");
        assert_eq!(d.to_string(), "2026-11-29");
        assert_eq!(d.weekday(), "Sun");
        assert_eq!(d.plus_days(33).to_string(), "2027-01-01");
        assert_eq!(Date::parse("2024-02-29").expect("leap").plus_days(365).to_string(), "2025-02-28");
        assert_eq!(Date::parse("2026-11-30").expect("date").plus_months(3).to_string(), "2027-02-28");
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::of_datetime("2026-11-29T10:02:03.000+0000"), Ok(d));
    }

    #[test]
    fn impossible_days_are_refused() {
        for bad in ["2026-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026-01-01-", "", "2026-00-10", "２０２６-01-01"] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert!(Date::of_datetime("2026").is_err());
    }
}
