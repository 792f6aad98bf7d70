//! Primitive Smithy types that have no direct standard-library equivalent:
//! timestamps (`DateTime`), binary data (`Blob`), untyped JSON-like documents
//! (`Document`, `Number`) and the `base64` codec used to transmit blobs; and `ByteStream`,
//! a `@streaming` blob (from `byte_stream`).
//!
//! Everything here is implemented with the standard library only. Parsers never
//! panic; malformed input is reported through the error types of this module.

use std::collections::BTreeMap;
use std::error::Error;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const NANOS_PER_SEC: u32 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;
const DAY_NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTH_NAMES: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// ---------------------------------------------------------------------------
// DateTime
// ---------------------------------------------------------------------------

/// A point in time, stored as a signed number of seconds since the Unix epoch
/// (1970-01-01T00:00:00Z) plus a non-negative sub-second part in nanoseconds.
///
/// The seconds are floored, so a moment half a second before the epoch is
/// `seconds == -1, subsec_nanos == 500_000_000`. `subsec_nanos` is always
/// below one billion, which makes the derived ordering chronological.
///
/// Leap seconds are not represented (as in Unix time).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime {
    seconds: i64,
    subsec_nanos: u32,
}

/// The wire formats a [`DateTime`] can be written in and read from, matching the
/// values of Smithy's `@timestampFormat` trait.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `date-time`: an RFC 3339 timestamp such as `2019-12-16T23:48:18.52Z`.
    DateTime,
    /// `http-date`: an IMF-fixdate (RFC 7231) such as `Mon, 16 Dec 2019 23:48:18 GMT`.
    HttpDate,
    /// `epoch-seconds`: seconds since the Unix epoch, such as `1576540098.52`.
    EpochSeconds,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::DateTime => "date-time",
            Format::HttpDate => "http-date",
            Format::EpochSeconds => "epoch-seconds",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl DateTime {
    /// The earliest representable instant.
    pub const MIN: DateTime = DateTime { seconds: i64::MIN, subsec_nanos: 0 };

    /// The latest representable instant.
    pub const MAX: DateTime = DateTime { seconds: i64::MAX, subsec_nanos: NANOS_PER_SEC - 1 };

    /// The Unix epoch, 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: DateTime = DateTime { seconds: 0, subsec_nanos: 0 };

    /// Creates a `DateTime` from whole seconds since the Unix epoch.
    pub const fn from_secs(seconds: i64) -> Self {
        DateTime { seconds, subsec_nanos: 0 }
    }

    /// Creates a `DateTime` from milliseconds since the Unix epoch.
    pub const fn from_millis(millis: i64) -> Self {
        DateTime { seconds: millis.div_euclid(1000), subsec_nanos: (millis.rem_euclid(1000) as u32) * 1_000_000 }
    }

    /// Creates a `DateTime` from whole seconds since the Unix epoch plus a
    /// nanosecond offset added on top (towards the future).
    ///
    /// Nanosecond values of one second or more carry into the seconds; the
    /// result saturates at [`DateTime::MAX`] seconds instead of overflowing.
    pub const fn from_secs_and_nanos(seconds: i64, subsec_nanos: u32) -> Self {
        let carry = (subsec_nanos / NANOS_PER_SEC) as i64;
        DateTime { seconds: seconds.saturating_add(carry), subsec_nanos: subsec_nanos % NANOS_PER_SEC }
    }

    /// Creates a `DateTime` from fractional seconds since the Unix epoch, as
    /// found in JSON `epoch-seconds` timestamps.
    ///
    /// The float is converted through its shortest decimal representation, so
    /// `1576540098.52` yields exactly 520 000 000 nanoseconds rather than the
    /// binary approximation's `519 999 980`. Digits beyond nanosecond precision
    /// are truncated. `NaN` maps to the epoch; infinities and values out of
    /// range saturate to [`DateTime::MIN`] / [`DateTime::MAX`].
    pub fn from_secs_f64(secs: f64) -> Self {
        if secs.is_nan() {
            return DateTime::UNIX_EPOCH;
        }
        let saturated = if secs > 0.0 { DateTime::MAX } else { DateTime::MIN };
        if secs.is_infinite() {
            return saturated;
        }
        parse_epoch_seconds(&format!("{secs:e}")).unwrap_or(saturated)
    }

    /// Whole seconds since the Unix epoch (floored: negative for instants
    /// before 1970, with [`subsec_nanos`](DateTime::subsec_nanos) counting forward).
    pub const fn secs(&self) -> i64 {
        self.seconds
    }

    /// The nanoseconds past [`secs`](DateTime::secs), always below one billion.
    pub const fn subsec_nanos(&self) -> u32 {
        self.subsec_nanos
    }

    /// Fractional seconds since the Unix epoch (lossy for large values).
    pub fn as_secs_f64(&self) -> f64 {
        self.seconds as f64 + f64::from(self.subsec_nanos) / f64::from(NANOS_PER_SEC)
    }

    /// Milliseconds since the Unix epoch, rounded towards the past.
    ///
    /// Fails if the value does not fit in an `i64`.
    pub fn to_millis(&self) -> Result<i64, ConversionError> {
        let millis = i128::from(self.seconds) * 1000 + i128::from(self.subsec_nanos / 1_000_000);
        i64::try_from(millis).map_err(|_| {
            ConversionError::new(format!(
                "timestamp of {} seconds cannot be represented as i64 milliseconds",
                self.seconds
            ))
        })
    }

    /// Formats the timestamp in the given wire format.
    ///
    /// * [`Format::DateTime`]: `2019-12-16T23:48:18Z`, or `2019-12-16T23:48:18.52Z`
    ///   with the fraction only present when non-zero and trailing zeros trimmed.
    /// * [`Format::HttpDate`]: `Mon, 16 Dec 2019 23:48:18 GMT`, with a fraction
    ///   (`23:48:18.52`) when non-zero.
    /// * [`Format::EpochSeconds`]: `1576540098` or `1576540098.52`.
    ///
    /// The textual formats only support the years 0000 through 9999; other
    /// instants produce a [`DateTimeFormatError`]. Epoch seconds never fail.
    pub fn fmt(&self, format: Format) -> Result<String, DateTimeFormatError> {
        match format {
            Format::EpochSeconds => Ok(format_epoch_seconds(*self)),
            Format::DateTime | Format::HttpDate => {
                let days = self.seconds.div_euclid(SECS_PER_DAY);
                let second_of_day = self.seconds.rem_euclid(SECS_PER_DAY);
                let (year, month, day) = civil_from_days(days);
                if !(0..=9999).contains(&year) {
                    return Err(DateTimeFormatError {
                        message: format!(
                            "cannot format timestamp of {} seconds as {format}: year {year} is outside 0000-9999",
                            self.seconds
                        ),
                    });
                }
                let (hour, minute, second) = (second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60);
                let mut out = String::with_capacity(40);
                if format == Format::DateTime {
                    out.push_str(&format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}"));
                    push_fraction(&mut out, self.subsec_nanos);
                    out.push('Z');
                } else {
                    // 1970-01-01 was a Thursday.
                    let weekday = DAY_NAMES[(days + 4).rem_euclid(7) as usize];
                    let month_name = MONTH_NAMES[(month - 1) as usize];
                    out.push_str(&format!(
                        "{weekday}, {day:02} {month_name} {year:04} {hour:02}:{minute:02}:{second:02}"
                    ));
                    push_fraction(&mut out, self.subsec_nanos);
                    out.push_str(" GMT");
                }
                Ok(out)
            }
        }
    }

    /// Parses a timestamp in the given wire format.
    ///
    /// * [`Format::DateTime`]: RFC 3339, e.g. `2019-12-16T23:48:18Z`. The `T`
    ///   and `Z` may be lowercase, fractional seconds may have any number of
    ///   digits (truncated to nanoseconds), and numeric offsets such as `+01:00`
    ///   are accepted and normalised to UTC. Leap seconds (`:60`) are rejected.
    /// * [`Format::HttpDate`]: IMF-fixdate, e.g. `Mon, 16 Dec 2019 23:48:18 GMT`,
    ///   optionally with fractional seconds. Day and month names are matched
    ///   case-insensitively; the day name is not checked against the date.
    /// * [`Format::EpochSeconds`]: a decimal number such as `1576540098`,
    ///   `-1.5`, `1576540098.52` or `1.57654009852E9`. The value is converted
    ///   exactly (digits beyond nanoseconds are truncated towards zero).
    pub fn from_str(s: &str, format: Format) -> Result<Self, DateTimeParseError> {
        let result = match format {
            Format::DateTime => parse_date_time(s.as_bytes()),
            Format::HttpDate => parse_http_date(s.as_bytes()),
            Format::EpochSeconds => parse_epoch_seconds(s),
        };
        result.map_err(|reason| DateTimeParseError::new(s, format, reason))
    }
}

impl fmt::Display for DateTime {
    /// Writes the timestamp in the `date-time` (RFC 3339) format, falling back
    /// to `epoch-seconds` for instants outside the years 0000-9999.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match DateTime::fmt(self, Format::DateTime) {
            Ok(text) => f.write_str(&text),
            Err(_) => f.write_str(&format_epoch_seconds(*self)),
        }
    }
}

impl From<SystemTime> for DateTime {
    /// Converts a `SystemTime`, saturating at [`DateTime::MIN`] / [`DateTime::MAX`]
    /// (only reachable on platforms whose clock exceeds ±292 billion years).
    fn from(time: SystemTime) -> Self {
        match time.duration_since(UNIX_EPOCH) {
            Ok(after) => match i64::try_from(after.as_secs()) {
                Ok(seconds) => DateTime::from_secs_and_nanos(seconds, after.subsec_nanos()),
                Err(_) => DateTime::MAX,
            },
            Err(err) => {
                let before = err.duration();
                let whole = i64::try_from(before.as_secs()).ok().and_then(i64::checked_neg);
                match (whole, before.subsec_nanos()) {
                    (Some(seconds), 0) => DateTime::from_secs(seconds),
                    (Some(seconds), nanos) => match seconds.checked_sub(1) {
                        Some(seconds) => DateTime::from_secs_and_nanos(seconds, NANOS_PER_SEC - nanos),
                        None => DateTime::MIN,
                    },
                    (None, _) => DateTime::MIN,
                }
            }
        }
    }
}

impl TryFrom<DateTime> for SystemTime {
    type Error = ConversionError;

    /// Converts to a `SystemTime`, failing if the platform cannot represent it.
    fn try_from(value: DateTime) -> Result<Self, Self::Error> {
        let converted = if value.seconds >= 0 {
            UNIX_EPOCH.checked_add(Duration::new(value.seconds.unsigned_abs(), value.subsec_nanos))
        } else {
            UNIX_EPOCH
                .checked_sub(Duration::from_secs(value.seconds.unsigned_abs()))
                .and_then(|t| t.checked_add(Duration::from_nanos(u64::from(value.subsec_nanos))))
        };
        converted.ok_or_else(|| {
            ConversionError::new(format!("timestamp {value} cannot be represented as a SystemTime on this platform"))
        })
    }
}

/// Appends `.` and the significant digits of `nanos`, if non-zero.
fn push_fraction(out: &mut String, nanos: u32) {
    if nanos != 0 {
        let digits = format!("{nanos:09}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

fn format_epoch_seconds(value: DateTime) -> String {
    if value.subsec_nanos == 0 {
        return value.seconds.to_string();
    }
    if value.seconds < 0 {
        // seconds + nanos/1e9 == -((|seconds| - 1) + (1e9 - nanos)/1e9)
        let whole = (value.seconds + 1).unsigned_abs();
        let mut out = format!("-{whole}");
        push_fraction(&mut out, NANOS_PER_SEC - value.subsec_nanos);
        out
    } else {
        let mut out = value.seconds.to_string();
        push_fraction(&mut out, value.subsec_nanos);
        out
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Proleptic Gregorian (year, month, day) to days since 1970-01-01.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A tiny byte cursor used by the timestamp parsers.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Cursor { bytes, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn expect(&mut self, what: &str, accept: impl Fn(u8) -> bool) -> Result<u8, String> {
        match self.peek() {
            Some(b) if accept(b) => {
                self.pos += 1;
                Ok(b)
            }
            Some(_) => Err(format!("expected {what} at offset {}", self.pos)),
            None => Err(format!("expected {what} but the input ended")),
        }
    }

    fn literal(&mut self, byte: u8) -> Result<(), String> {
        self.expect(&format!("`{}`", char::from(byte)), |b| b == byte).map(|_| ())
    }

    /// Reads between `min` and `max` ASCII digits as a number.
    fn digits(&mut self, what: &str, min: usize, max: usize) -> Result<i64, String> {
        let start = self.pos;
        let mut value: i64 = 0;
        while self.pos - start < max {
            match self.peek() {
                Some(b) if b.is_ascii_digit() => {
                    value = value * 10 + i64::from(b - b'0');
                    self.pos += 1;
                }
                _ => break,
            }
        }
        if self.pos - start < min {
            return Err(if min == max {
                format!("expected {min}-digit {what} at offset {start}")
            } else {
                format!("expected {min} to {max}-digit {what} at offset {start}")
            });
        }
        Ok(value)
    }

    /// Reads `.` followed by one or more digits, if present, as nanoseconds
    /// (truncating beyond nine digits).
    fn optional_fraction(&mut self) -> Result<u32, String> {
        if self.peek() != Some(b'.') {
            return Ok(0);
        }
        self.pos += 1;
        let start = self.pos;
        let mut nanos: u32 = 0;
        while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
            if self.pos - start < 9 {
                nanos = nanos * 10 + u32::from(b - b'0');
            }
            self.pos += 1;
        }
        let count = self.pos - start;
        if count == 0 {
            return Err(format!("expected fractional digits at offset {start}"));
        }
        for _ in count..9 {
            nanos *= 10;
        }
        Ok(nanos)
    }

    /// Reads three ASCII letters and returns the index of the case-insensitive
    /// match in `names`.
    fn name(&mut self, what: &str, names: &[&str]) -> Result<usize, String> {
        let start = self.pos;
        let word = self.bytes.get(start..start + 3).ok_or_else(|| format!("expected {what} at offset {start}"))?;
        let index = names
            .iter()
            .position(|name| name.as_bytes().eq_ignore_ascii_case(word))
            .ok_or_else(|| format!("expected {what} at offset {start}"))?;
        self.pos += 3;
        Ok(index)
    }

    fn end(&self) -> Result<(), String> {
        if self.pos == self.bytes.len() {
            Ok(())
        } else {
            Err(format!("unexpected trailing characters at offset {}", self.pos))
        }
    }
}

/// Validates calendar fields and converts them to a timestamp.
fn civil_to_timestamp(
    (year, month, day): (i64, i64, i64),
    (hour, minute, second): (i64, i64, i64),
    nanos: u32,
) -> Result<DateTime, String> {
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is out of range"));
    }
    if !(1..=days_in_month(year, month)).contains(&day) {
        return Err(format!("day {day} is out of range for {year:04}-{month:02}"));
    }
    if hour > 23 {
        return Err(format!("hour {hour} is out of range"));
    }
    if minute > 59 {
        return Err(format!("minute {minute} is out of range"));
    }
    if second > 59 {
        return Err(format!("second {second} is out of range (leap seconds are not supported)"));
    }
    let seconds = days_from_civil(year, month, day) * SECS_PER_DAY + hour * 3600 + minute * 60 + second;
    Ok(DateTime { seconds, subsec_nanos: nanos })
}

fn parse_date_time(input: &[u8]) -> Result<DateTime, String> {
    let mut c = Cursor::new(input);
    let year = c.digits("year", 4, 4)?;
    c.literal(b'-')?;
    let month = c.digits("month", 2, 2)?;
    c.literal(b'-')?;
    let day = c.digits("day", 2, 2)?;
    c.expect("`T`", |b| b == b'T' || b == b't')?;
    let hour = c.digits("hour", 2, 2)?;
    c.literal(b':')?;
    let minute = c.digits("minute", 2, 2)?;
    c.literal(b':')?;
    let second = c.digits("second", 2, 2)?;
    let nanos = c.optional_fraction()?;
    let offset = match c.expect("`Z` or a UTC offset", |b| matches!(b, b'Z' | b'z' | b'+' | b'-'))? {
        b'Z' | b'z' => 0,
        sign => {
            let offset_hours = c.digits("offset hour", 2, 2)?;
            c.literal(b':')?;
            let offset_minutes = c.digits("offset minute", 2, 2)?;
            if offset_hours > 23 || offset_minutes > 59 {
                return Err(format!("UTC offset {offset_hours:02}:{offset_minutes:02} is out of range"));
            }
            let offset = offset_hours * 3600 + offset_minutes * 60;
            if sign == b'-' {
                -offset
            } else {
                offset
            }
        }
    };
    c.end()?;
    let local = civil_to_timestamp((year, month, day), (hour, minute, second), nanos)?;
    Ok(DateTime { seconds: local.seconds - offset, subsec_nanos: local.subsec_nanos })
}

fn parse_http_date(input: &[u8]) -> Result<DateTime, String> {
    let mut c = Cursor::new(input);
    c.name("day name", &DAY_NAMES)?;
    c.literal(b',')?;
    c.literal(b' ')?;
    let day = c.digits("day", 1, 2)?;
    c.literal(b' ')?;
    let month = c.name("month name", &MONTH_NAMES)? as i64 + 1;
    c.literal(b' ')?;
    let year = c.digits("year", 4, 4)?;
    c.literal(b' ')?;
    let hour = c.digits("hour", 2, 2)?;
    c.literal(b':')?;
    let minute = c.digits("minute", 2, 2)?;
    c.literal(b':')?;
    let second = c.digits("second", 2, 2)?;
    let nanos = c.optional_fraction()?;
    c.literal(b' ')?;
    let start = c.pos;
    if !input.get(start..).is_some_and(|rest| rest.eq_ignore_ascii_case(b"GMT")) {
        return Err(format!("expected `GMT` at offset {start}"));
    }
    civil_to_timestamp((year, month, day), (hour, minute, second), nanos)
}

/// Parses a decimal number (optional sign, digits, optional fraction, optional
/// exponent) exactly into a timestamp.
fn parse_epoch_seconds(input: &str) -> Result<DateTime, String> {
    let bytes = input.as_bytes();
    let mut c = Cursor::new(bytes);
    let negative = match c.peek() {
        Some(b'-') => {
            c.pos += 1;
            true
        }
        Some(b'+') => {
            c.pos += 1;
            false
        }
        _ => false,
    };
    let take_digits = |c: &mut Cursor<'_>| {
        let start = c.pos;
        while c.peek().is_some_and(|b| b.is_ascii_digit()) {
            c.pos += 1;
        }
        start..c.pos
    };
    let int_range = take_digits(&mut c);
    if int_range.is_empty() {
        return Err(format!("expected a digit at offset {}", int_range.start));
    }
    let frac_range = if c.peek() == Some(b'.') {
        c.pos += 1;
        let range = take_digits(&mut c);
        if range.is_empty() {
            return Err(format!("expected fractional digits at offset {}", range.start));
        }
        range
    } else {
        c.pos..c.pos
    };
    let mut exponent: i64 = 0;
    if matches!(c.peek(), Some(b'e' | b'E')) {
        c.pos += 1;
        let exp_negative = match c.peek() {
            Some(b'-') => {
                c.pos += 1;
                true
            }
            Some(b'+') => {
                c.pos += 1;
                false
            }
            _ => false,
        };
        let range = take_digits(&mut c);
        if range.is_empty() {
            return Err(format!("expected exponent digits at offset {}", range.start));
        }
        for &b in &bytes[range] {
            // Clamp: anything this large overflows or underflows anyway.
            exponent = (exponent * 10 + i64::from(b - b'0')).min(1_000_000);
        }
        if exp_negative {
            exponent = -exponent;
        }
    }
    c.end()?;

    // All significant digits (read in place: timestamps are on every response's path), with the
    // decimal point after `point` of them.
    let (int_digits, frac_digits) = (&bytes[int_range.clone()], &bytes[frac_range]);
    let all = |index: usize| -> Option<u8> {
        match index.checked_sub(int_digits.len()) {
            None => int_digits.get(index),
            Some(frac) => frac_digits.get(frac),
        }
        .map(|b| b - b'0')
    };
    let count = int_digits.len() + frac_digits.len();
    let leading_zeros = (0..count).take_while(|&i| all(i) == Some(0)).count();
    if leading_zeros == count {
        return Ok(DateTime::UNIX_EPOCH);
    }
    let point = int_range.len() as i64 - leading_zeros as i64 + exponent;
    let digit_at = |index: i64| -> u8 {
        usize::try_from(index).ok().and_then(|i| all(leading_zeros.checked_add(i)?)).unwrap_or(0)
    };

    let out_of_range = || "value is out of range for a timestamp".to_string();
    if point > 19 {
        return Err(out_of_range());
    }
    let mut whole: i128 = 0;
    for index in 0..point.max(0) {
        whole = whole * 10 + i128::from(digit_at(index));
    }
    let mut nanos: u32 = 0;
    for index in point..point + 9 {
        nanos = nanos * 10 + u32::from(digit_at(index));
    }
    let (seconds, nanos) = if negative && nanos > 0 {
        (-whole - 1, NANOS_PER_SEC - nanos)
    } else if negative {
        (-whole, 0)
    } else {
        (whole, nanos)
    };
    let seconds = i64::try_from(seconds).map_err(|_| out_of_range())?;
    Ok(DateTime { seconds, subsec_nanos: nanos })
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// A timestamp string could not be parsed in the expected [`Format`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateTimeParseError {
    message: String,
}

impl DateTimeParseError {
    fn new(input: &str, format: Format, reason: String) -> Self {
        const MAX_SHOWN: usize = 64;
        let shown: String = input.chars().take(MAX_SHOWN).collect();
        let ellipsis = if shown.len() < input.len() { "..." } else { "" };
        DateTimeParseError { message: format!("invalid {format} timestamp {shown:?}{ellipsis}: {reason}") }
    }
}

impl fmt::Display for DateTimeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for DateTimeParseError {}

/// A [`DateTime`] cannot be written in the requested [`Format`] (its year is
/// outside 0000-9999).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateTimeFormatError {
    message: String,
}

impl fmt::Display for DateTimeFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for DateTimeFormatError {}

/// A value does not fit in the target type of a conversion (for example a
/// [`DateTime`] into milliseconds or a `SystemTime`, or a [`Number`] into a
/// narrower integer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConversionError {
    message: String,
}

impl ConversionError {
    /// Creates a conversion error with a human-readable explanation.
    pub fn new(message: impl Into<String>) -> Self {
        ConversionError { message: message.into() }
    }
}

impl fmt::Display for ConversionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for ConversionError {}

// ---------------------------------------------------------------------------
// Blob
// ---------------------------------------------------------------------------

/// Opaque binary data (Smithy `blob`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Blob {
    inner: Vec<u8>,
}

impl Blob {
    /// Creates a blob from anything convertible into bytes.
    pub fn new(inner: impl Into<Vec<u8>>) -> Self {
        Blob { inner: inner.into() }
    }

    /// Consumes the blob, returning its bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.inner
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.inner
    }
}

impl From<Vec<u8>> for Blob {
    fn from(inner: Vec<u8>) -> Self {
        Blob { inner }
    }
}

impl From<&[u8]> for Blob {
    fn from(bytes: &[u8]) -> Self {
        Blob { inner: bytes.to_vec() }
    }
}

impl From<&str> for Blob {
    fn from(text: &str) -> Self {
        Blob { inner: text.as_bytes().to_vec() }
    }
}

impl From<String> for Blob {
    fn from(text: String) -> Self {
        Blob { inner: text.into_bytes() }
    }
}

impl From<Blob> for Vec<u8> {
    fn from(blob: Blob) -> Self {
        blob.inner
    }
}

// ---------------------------------------------------------------------------
// base64
// ---------------------------------------------------------------------------

pub use self::base64::Base64DecodeError;

/// Standard base64 (RFC 4648 section 4 alphabet), as used for Smithy blobs in
/// JSON bodies and HTTP headers.
pub mod base64 {
    use std::error::Error;
    use std::fmt;

    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// Encodes bytes as padded standard base64.
    pub fn encode(bytes: impl AsRef<[u8]>) -> String {
        let bytes = bytes.as_ref();
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
            let group = (byte(0) << 16) | (byte(1) << 8) | byte(2);
            let sextet = |shift: u32| char::from(ALPHABET[((group >> shift) & 0x3f) as usize]);
            out.push(sextet(18));
            out.push(sextet(12));
            out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
            out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
        }
        out
    }

    fn sextet_value(c: u8) -> Option<u32> {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        Some(u32::from(value))
    }

    /// Decodes standard base64, with or without `=` padding.
    ///
    /// Characters outside the standard alphabet (including whitespace and the
    /// URL-safe `-`/`_`), misplaced or excessive padding and impossible lengths
    /// are rejected. Unused low bits in the final character are ignored.
    pub fn decode(input: impl AsRef<str>) -> Result<Vec<u8>, Base64DecodeError> {
        let bytes = input.as_ref().as_bytes();
        let data_len = bytes.iter().rposition(|&b| b != b'=').map_or(0, |last| last + 1);
        let data = &bytes[..data_len];
        let padding = bytes.len() - data_len;
        if data.len() % 4 == 1 {
            return Err(Base64DecodeError::new(format!("invalid length: {} significant characters", data.len())));
        }
        if padding != 0 && padding != (4 - data.len() % 4) % 4 {
            return Err(Base64DecodeError::new(format!(
                "invalid padding: {padding} `=` after {} characters",
                data.len()
            )));
        }
        let mut out = Vec::with_capacity(data.len() / 4 * 3 + 2);
        let mut accumulator: u32 = 0;
        let mut bits: u32 = 0;
        for (offset, &c) in data.iter().enumerate() {
            let value = sextet_value(c).ok_or_else(|| {
                Base64DecodeError::new(format!("invalid character {:?} at offset {offset}", char::from(c)))
            })?;
            accumulator = (accumulator << 6) | value;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((accumulator >> bits) as u8);
                accumulator &= (1 << bits) - 1;
            }
        }
        Ok(out)
    }

    /// The input to [`decode`] was not valid base64.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Base64DecodeError {
        message: String,
    }

    impl Base64DecodeError {
        fn new(message: String) -> Self {
            Base64DecodeError { message }
        }
    }

    impl fmt::Display for Base64DecodeError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "invalid base64: {}", self.message)
        }
    }

    impl Error for Base64DecodeError {}
}

// ---------------------------------------------------------------------------
// Document
// ---------------------------------------------------------------------------

/// An untyped, JSON-like value (Smithy `document`).
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Document {
    /// A map from string keys to documents.
    Object(BTreeMap<String, Document>),
    /// An ordered list of documents.
    Array(Vec<Document>),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// A boolean.
    Bool(bool),
    /// The absence of a value.
    #[default]
    Null,
}

impl Document {
    /// The map, if this is an [`Document::Object`].
    pub fn as_object(&self) -> Option<&BTreeMap<String, Document>> {
        match self {
            Document::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The elements, if this is a [`Document::Array`].
    pub fn as_array(&self) -> Option<&[Document]> {
        match self {
            Document::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The number, if this is a [`Document::Number`].
    pub fn as_number(&self) -> Option<Number> {
        match self {
            Document::Number(number) => Some(*number),
            _ => None,
        }
    }

    /// The string, if this is a [`Document::String`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Document::String(text) => Some(text),
            _ => None,
        }
    }

    /// The boolean, if this is a [`Document::Bool`].
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Document::Bool(value) => Some(*value),
            _ => None,
        }
    }

    /// Whether this is [`Document::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Document::Null)
    }
}

impl From<bool> for Document {
    fn from(value: bool) -> Self {
        Document::Bool(value)
    }
}

impl From<String> for Document {
    fn from(value: String) -> Self {
        Document::String(value)
    }
}

impl From<&str> for Document {
    fn from(value: &str) -> Self {
        Document::String(value.to_string())
    }
}

impl From<Number> for Document {
    fn from(value: Number) -> Self {
        Document::Number(value)
    }
}

impl From<Vec<Document>> for Document {
    fn from(value: Vec<Document>) -> Self {
        Document::Array(value)
    }
}

impl From<BTreeMap<String, Document>> for Document {
    fn from(value: BTreeMap<String, Document>) -> Self {
        Document::Object(value)
    }
}

/// A numeric [`Document`] value.
///
/// Integers built through the `From` impls are normalised: non-negative values
/// are always [`Number::PosInt`] and negative ones [`Number::NegInt`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A non-negative integer.
    PosInt(u64),
    /// A negative integer.
    NegInt(i64),
    /// A floating-point number (may be non-finite).
    Float(f64),
}

impl Number {
    /// Converts to `f64`, losing precision for integers beyond 2^53.
    pub fn to_f64_lossy(self) -> f64 {
        match self {
            Number::PosInt(v) => v as f64,
            Number::NegInt(v) => v as f64,
            Number::Float(v) => v,
        }
    }

    /// The exact integer value, if there is one (floats must be finite and
    /// integral).
    fn to_i128(self) -> Option<i128> {
        match self {
            Number::PosInt(v) => Some(i128::from(v)),
            Number::NegInt(v) => Some(i128::from(v)),
            // Within ±2^64 an integral float converts to i128 exactly.
            Number::Float(v) if v.fract() == 0.0 && (-TWO_POW_64..TWO_POW_64).contains(&v) => Some(v as i128),
            Number::Float(_) => None,
        }
    }
}

/// 2^64 as a float.
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

macro_rules! number_from_int {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Number {
            fn from(value: $ty) -> Self {
                match u64::try_from(value) {
                    Ok(positive) => Number::PosInt(positive),
                    // Negative values of any signed type up to 64 bits fit in i64.
                    Err(_) => Number::NegInt(value as i64),
                }
            }
        }

        impl From<$ty> for Document {
            fn from(value: $ty) -> Self {
                Document::Number(Number::from(value))
            }
        }
    )*};
}

number_from_int!(i32, u32, i64, u64);

impl From<f64> for Number {
    fn from(value: f64) -> Self {
        Number::Float(value)
    }
}

impl From<f64> for Document {
    fn from(value: f64) -> Self {
        Document::Number(Number::Float(value))
    }
}

macro_rules! int_try_from_number {
    ($($ty:ty),*) => {$(
        impl TryFrom<Number> for $ty {
            type Error = ConversionError;

            /// Converts exactly; floats must be integral, and the value must fit.
            fn try_from(number: Number) -> Result<Self, Self::Error> {
                number
                    .to_i128()
                    .and_then(|v| <$ty>::try_from(v).ok())
                    .ok_or_else(|| {
                        ConversionError::new(format!(
                            "{number:?} cannot be converted to {} without loss",
                            stringify!($ty)
                        ))
                    })
            }
        }
    )*};
}

int_try_from_number!(i8, i16, i32, i64, u8, u16, u32, u64);

/// An arbitrary-precision integer (`bigInteger`), kept as its decimal text so no precision is
/// lost; parse it with the big-number crate of your choice. Values compare as numbers: `1e2`
/// equals `100`.
#[derive(Clone, Debug)]
pub struct BigInteger(String);

impl BigInteger {
    /// Wraps the decimal text of an integer.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }
    /// The decimal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An arbitrary-precision decimal (`bigDecimal`), kept as its decimal text so no precision is
/// lost; parse it with the big-number crate of your choice. Values compare as numbers:
/// `1.23E-15` equals `1.23e-15`, and `1.50` equals `1.5`.
#[derive(Clone, Debug)]
pub struct BigDecimal(String);

impl BigDecimal {
    /// Wraps the decimal text of a number.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }
    /// The decimal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The numeric identity of a big number's text: `digits × 10^exponent` with no leading or
/// trailing zeros in `digits` (empty for zero), or the text itself when it is not a number.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum NumberKey<'a> {
    Number { negative: bool, digits: String, exponent: i64 },
    Text(&'a str),
}

impl NumberKey<'_> {
    fn of(text: &str) -> NumberKey<'_> {
        Self::parse(text).unwrap_or(NumberKey::Text(text))
    }

    fn parse(text: &str) -> Option<NumberKey<'static>> {
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (&rest[..at], rest[at + 1..].parse::<i64>().ok()?),
            None => (rest, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int.is_empty() && frac.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let all = format!("{int}{frac}");
        let mut exponent = exponent.checked_sub(i64::try_from(frac.len()).ok()?)?;
        let leading = all.len() - all.trim_start_matches('0').len();
        let digits = all[leading..].trim_end_matches('0');
        exponent = exponent.checked_add(i64::try_from(all.len() - leading - digits.len()).ok()?)?;
        Some(match digits.is_empty() {
            true => NumberKey::Number { negative: false, digits: String::new(), exponent: 0 },
            false => NumberKey::Number { negative, digits: digits.to_owned(), exponent },
        })
    }
}

macro_rules! compare_as_numbers {
    ($($ty:ident),*) => {$(
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                NumberKey::of(&self.0) == NumberKey::of(&other.0)
            }
        }
        impl Eq for $ty {}
        impl std::hash::Hash for $ty {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                NumberKey::of(&self.0).hash(state);
            }
        }
    )*};
}

compare_as_numbers!(BigInteger, BigDecimal);

/// A string enum value this version of the crate does not know. Only generated code creates it
/// (for values its enum does not list), so a known value never hides in an enum's `Unknown`
/// variant.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownVariantValue(String);

impl UnknownVariantValue {
    /// For generated code only: `value`, which the enum being read does not list.
    #[doc(hidden)]
    pub fn from_unlisted(value: String) -> Self {
        UnknownVariantValue(value)
    }

    /// The value as the service sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An integer enum value this version of the crate does not know. Only generated code creates
/// it (for values its enum does not list), so a known value never hides in an enum's `Unknown`
/// variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownIntVariantValue(i32);

impl UnknownIntVariantValue {
    /// For generated code only: `value`, which the enum being read does not list.
    #[doc(hidden)]
    pub fn from_unlisted(value: i32) -> Self {
        UnknownIntVariantValue(value)
    }

    /// The value as the service sent it.
    pub fn as_i32(&self) -> i32 {
        self.0
    }
}

/// Lowercase hex digits of `bytes` (SigV4's hashes and signatures, Glacier's tree hash).
#[cfg(any(feature = "client", feature = "checksum"))]
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_hex(&mut out, bytes);
    out
}

/// [`hex`] onto the end of `out`.
#[cfg(any(feature = "client", feature = "checksum"))]
pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";
    for &byte in bytes {
        out.push(char::from(LOWER_HEX[usize::from(byte >> 4)]));
        out.push(char::from(LOWER_HEX[usize::from(byte & 0x0f)]));
    }
}

/// A float as the protocols write it outside JSON and CBOR (headers, query strings, XML, forms): `NaN`, `Infinity`, `-Infinity`, or the number.
pub fn float_text(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else {
        value.to_string()
    }
}

/// [`float_text`] for an `f32`, printed as the shortest text of the `f32` itself (`4.1`, not the
/// `4.099999904632568` of its widening to `f64`).
pub fn f32_text(value: f32) -> String {
    if value.is_finite() {
        value.to_string()
    } else {
        float_text(f64::from(value))
    }
}

/// Parses [`float_text`]'s forms (and any number Rust accepts).
pub fn parse_float(text: &str) -> Result<f64, String> {
    match text.trim() {
        "NaN" => Ok(f64::NAN),
        "Infinity" => Ok(f64::INFINITY),
        "-Infinity" => Ok(f64::NEG_INFINITY),
        other => other.parse().map_err(|e| format!("`{other}` is not a number: {e}")),
    }
}

// A `@streaming` blob's value, here too as aws-sdk-rust's users find it.
pub use crate::byte_stream::ByteStream;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str, format: Format) -> DateTime {
        DateTime::from_str(s, format).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn fmt(dt: DateTime, format: Format) -> String {
        dt.fmt(format).unwrap()
    }

    #[test]
    fn constructors() {
        assert_eq!(DateTime::from_secs(5).secs(), 5);
        assert_eq!(DateTime::from_millis(1500), DateTime::from_secs_and_nanos(1, 500_000_000));
        assert_eq!(DateTime::from_millis(-1500), DateTime::from_secs_and_nanos(-2, 500_000_000));
        assert_eq!(DateTime::from_millis(-1000), DateTime::from_secs(-1));
        assert_eq!(DateTime::from_secs_and_nanos(1, 2_500_000_000), DateTime::from_secs_and_nanos(3, 500_000_000));
        assert_eq!(DateTime::from_secs_and_nanos(i64::MAX, 2_000_000_000).secs(), i64::MAX);
        let dt = DateTime::from_secs_and_nanos(-2, 250_000_000);
        assert_eq!((dt.secs(), dt.subsec_nanos()), (-2, 250_000_000));
        assert_eq!(dt.as_secs_f64(), -1.75);
    }

    #[test]
    fn from_secs_f64() {
        assert_eq!(DateTime::from_secs_f64(1576540098.52), DateTime::from_secs_and_nanos(1576540098, 520_000_000));
        assert_eq!(DateTime::from_secs_f64(-1.5), DateTime::from_secs_and_nanos(-2, 500_000_000));
        assert_eq!(DateTime::from_secs_f64(0.0), DateTime::UNIX_EPOCH);
        assert_eq!(DateTime::from_secs_f64(-0.0), DateTime::UNIX_EPOCH);
        assert_eq!(DateTime::from_secs_f64(1e-12), DateTime::UNIX_EPOCH);
        assert_eq!(DateTime::from_secs_f64(123.0), DateTime::from_secs(123));
        assert_eq!(DateTime::from_secs_f64(0.001), DateTime::from_millis(1));
        assert_eq!(DateTime::from_secs_f64(f64::NAN), DateTime::UNIX_EPOCH);
        assert_eq!(DateTime::from_secs_f64(f64::INFINITY), DateTime::MAX);
        assert_eq!(DateTime::from_secs_f64(f64::NEG_INFINITY), DateTime::MIN);
        assert_eq!(DateTime::from_secs_f64(1e300), DateTime::MAX);
        assert_eq!(DateTime::from_secs_f64(-1e300), DateTime::MIN);
        assert_eq!(DateTime::from_secs_f64(f64::MIN_POSITIVE), DateTime::UNIX_EPOCH);
    }

    #[test]
    fn millis() {
        assert_eq!(DateTime::from_secs_and_nanos(1, 999_999_999).to_millis(), Ok(1999));
        assert_eq!(DateTime::from_secs_and_nanos(-1, 1).to_millis(), Ok(-1000));
        assert_eq!(DateTime::from_millis(-1).to_millis(), Ok(-1));
        assert_eq!(DateTime::from_millis(i64::MIN).to_millis(), Ok(i64::MIN));
        assert_eq!(DateTime::from_millis(i64::MAX).to_millis(), Ok(i64::MAX));
        let err = DateTime::from_secs(i64::MAX).to_millis().unwrap_err();
        assert!(err.to_string().contains("milliseconds"), "{err}");
        assert!(DateTime::MIN.to_millis().is_err());
    }

    #[test]
    fn format_date_time() {
        let dt = DateTime::from_secs(1576540098);
        assert_eq!(fmt(dt, Format::DateTime), "2019-12-16T23:48:18Z");
        let dt = DateTime::from_secs_and_nanos(1576540098, 520_000_000);
        assert_eq!(fmt(dt, Format::DateTime), "2019-12-16T23:48:18.52Z");
        let dt = DateTime::from_secs_and_nanos(1576540098, 1);
        assert_eq!(fmt(dt, Format::DateTime), "2019-12-16T23:48:18.000000001Z");
        assert_eq!(fmt(DateTime::UNIX_EPOCH, Format::DateTime), "1970-01-01T00:00:00Z");
        assert_eq!(fmt(DateTime::from_millis(-1), Format::DateTime), "1969-12-31T23:59:59.999Z");
        assert_eq!(fmt(DateTime::from_secs(951782400), Format::DateTime), "2000-02-29T00:00:00Z");
        assert_eq!(fmt(DateTime::from_secs(-62135596800), Format::DateTime), "0001-01-01T00:00:00Z");
        assert_eq!(fmt(DateTime::from_secs(253402300799), Format::DateTime), "9999-12-31T23:59:59Z");
        assert_eq!(fmt(DateTime::from_secs(-62167219200), Format::DateTime), "0000-01-01T00:00:00Z");
        assert_eq!(dt.to_string(), "2019-12-16T23:48:18.000000001Z");
    }

    #[test]
    fn format_out_of_range() {
        for dt in [DateTime::from_secs(253402300800), DateTime::from_secs(-62167219201), DateTime::MAX, DateTime::MIN] {
            let err = dt.fmt(Format::DateTime).unwrap_err();
            assert!(err.to_string().contains("outside 0000-9999"), "{err}");
            assert!(dt.fmt(Format::HttpDate).is_err());
            assert!(dt.fmt(Format::EpochSeconds).is_ok());
        }
        assert_eq!(DateTime::from_secs(253402300800).to_string(), "253402300800");
        assert_eq!(DateTime::MIN.to_string(), "-9223372036854775808");
        assert_eq!(DateTime::MAX.to_string(), "9223372036854775807.999999999");
    }

    #[test]
    fn format_http_date() {
        let dt = DateTime::from_secs(1576540098);
        assert_eq!(fmt(dt, Format::HttpDate), "Mon, 16 Dec 2019 23:48:18 GMT");
        let dt = DateTime::from_secs_and_nanos(1576540098, 520_000_000);
        assert_eq!(fmt(dt, Format::HttpDate), "Mon, 16 Dec 2019 23:48:18.52 GMT");
        assert_eq!(fmt(DateTime::UNIX_EPOCH, Format::HttpDate), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(fmt(DateTime::from_secs(784111777), Format::HttpDate), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(fmt(DateTime::from_secs(-1), Format::HttpDate), "Wed, 31 Dec 1969 23:59:59 GMT");
        assert_eq!(fmt(DateTime::from_secs(-62135596800), Format::HttpDate), "Mon, 01 Jan 0001 00:00:00 GMT");
    }

    #[test]
    fn format_epoch_seconds() {
        let f = |dt| fmt(dt, Format::EpochSeconds);
        assert_eq!(f(DateTime::from_secs(1576540098)), "1576540098");
        assert_eq!(f(DateTime::from_secs_and_nanos(1576540098, 520_000_000)), "1576540098.52");
        assert_eq!(f(DateTime::from_secs(-5)), "-5");
        assert_eq!(f(DateTime::from_millis(-1500)), "-1.5");
        assert_eq!(f(DateTime::from_millis(-500)), "-0.5");
        assert_eq!(f(DateTime::from_millis(500)), "0.5");
        assert_eq!(f(DateTime::from_secs_and_nanos(0, 1)), "0.000000001");
        assert_eq!(f(DateTime::from_secs_and_nanos(i64::MIN, 1)), "-9223372036854775807.999999999");
    }

    #[test]
    fn parse_date_time() {
        let expected = DateTime::from_secs(1576540098);
        assert_eq!(parse("2019-12-16T23:48:18Z", Format::DateTime), expected);
        assert_eq!(parse("2019-12-16t23:48:18z", Format::DateTime), expected);
        assert_eq!(parse("2019-12-17T00:48:18+01:00", Format::DateTime), expected);
        assert_eq!(parse("2019-12-16T18:18:18-05:30", Format::DateTime), expected);
        assert_eq!(parse("2019-12-16T23:48:18+00:00", Format::DateTime), expected);
        assert_eq!(parse("2019-12-16T23:48:18-00:00", Format::DateTime), expected);
        assert_eq!(
            parse("2019-12-16T23:48:18.52Z", Format::DateTime),
            DateTime::from_secs_and_nanos(1576540098, 520_000_000)
        );
        assert_eq!(
            parse("2019-12-16T23:48:18.123456789123Z", Format::DateTime),
            DateTime::from_secs_and_nanos(1576540098, 123_456_789)
        );
        assert_eq!(
            parse("2019-12-16T23:48:18.0000000019Z", Format::DateTime),
            DateTime::from_secs_and_nanos(1576540098, 1)
        );
        assert_eq!(parse("2019-12-16T23:48:18.000Z", Format::DateTime), expected);
        assert_eq!(parse("1969-12-31T23:59:59.5Z", Format::DateTime), DateTime::from_millis(-500));
        assert_eq!(parse("0001-01-01T00:00:00Z", Format::DateTime), DateTime::from_secs(-62135596800));
        assert_eq!(parse("0001-01-01T00:00:00+01:00", Format::DateTime), DateTime::from_secs(-62135600400));
    }

    #[test]
    fn leap_years() {
        assert_eq!(parse("2000-02-29T00:00:00Z", Format::DateTime), DateTime::from_secs(951782400));
        assert_eq!(parse("2024-02-29T12:00:00Z", Format::DateTime), DateTime::from_secs(1709208000));
        assert_eq!(parse("2024-03-01T00:00:00Z", Format::DateTime), DateTime::from_secs(1709251200));
        assert!(DateTime::from_str("2023-02-29T00:00:00Z", Format::DateTime).is_err());
        assert!(DateTime::from_str("1900-02-29T00:00:00Z", Format::DateTime).is_err());
        assert!(DateTime::from_str("2100-02-29T00:00:00Z", Format::DateTime).is_err());
        assert!(DateTime::from_str("Mon, 29 Feb 2100 00:00:00 GMT", Format::HttpDate).is_err());
        assert_eq!(fmt(DateTime::from_secs(1709208000), Format::HttpDate), "Thu, 29 Feb 2024 12:00:00 GMT");
    }

    #[test]
    fn invalid_date_times() {
        for input in [
            "",
            "2019",
            "2019-12-16",
            "2019-12-16T23:48:18",
            "2019-12-16 23:48:18Z",
            "2019-12-16T23:48:18ZZ",
            "2019-12-16T23:48:18.Z",
            "2019-12-16T23:48:18+0100",
            "2019-12-16T23:48:18+1:00",
            "2019-12-16T23:48:18+24:00",
            "2019-12-16T23:48:18+01:60",
            "2019-13-16T23:48:18Z",
            "2019-00-16T23:48:18Z",
            "2019-12-00T23:48:18Z",
            "2019-12-32T23:48:18Z",
            "2019-04-31T23:48:18Z",
            "2019-12-16T24:00:00Z",
            "2019-12-16T23:60:00Z",
            "2019-12-16T23:59:60Z",
            "19-12-16T23:48:18Z",
            "+2019-12-16T23:48:18Z",
            "2019-12-16T23:48:18.5é",
            "２019-12-16T23:48:18Z",
            " 2019-12-16T23:48:18Z",
            "1576540098",
        ] {
            let err = DateTime::from_str(input, Format::DateTime).unwrap_err();
            assert!(err.to_string().starts_with("invalid date-time timestamp"), "{input:?}: {err}");
        }
        let err = DateTime::from_str("2019-13-16T23:48:18Z", Format::DateTime).unwrap_err();
        assert_eq!(err.to_string(), "invalid date-time timestamp \"2019-13-16T23:48:18Z\": month 13 is out of range");
        let long = "x".repeat(1000);
        let err = DateTime::from_str(&long, Format::DateTime).unwrap_err();
        assert!(err.to_string().len() < 200, "{err}");
    }

    #[test]
    fn parse_http_date() {
        let expected = DateTime::from_secs(1576540098);
        assert_eq!(parse("Mon, 16 Dec 2019 23:48:18 GMT", Format::HttpDate), expected);
        assert_eq!(parse("mon, 16 DEC 2019 23:48:18 gmt", Format::HttpDate), expected);
        assert_eq!(
            parse("Mon, 16 Dec 2019 23:48:18.52 GMT", Format::HttpDate),
            DateTime::from_secs_and_nanos(1576540098, 520_000_000)
        );
        assert_eq!(parse("Sun, 6 Nov 1994 08:49:37 GMT", Format::HttpDate), DateTime::from_secs(784111777));
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT", Format::HttpDate), DateTime::from_secs(784111777));
        for input in [
            "",
            "Mon, 16 Dec 2019 23:48:18",
            "Mon, 16 Dec 2019 23:48:18 UTC",
            "Mon, 16 Dec 2019 23:48:18 GMTX",
            "Mon 16 Dec 2019 23:48:18 GMT",
            "Xyz, 16 Dec 2019 23:48:18 GMT",
            "Mon, 16 Dex 2019 23:48:18 GMT",
            "Mon, 123 Dec 2019 23:48:18 GMT",
            "Mon, 32 Dec 2019 23:48:18 GMT",
            "Mon, 16 Dec 19 23:48:18 GMT",
            "Mon, 16 Dec 2019 23:48 GMT",
            "Mon, 16 Dec 2019 25:48:18 GMT",
            "Mon, 16 Dec 2019 23:48:18. GMT",
            "Monday, 16-Dec-19 23:48:18 GMT",
            "2019-12-16T23:48:18Z",
            "Mo",
            "Mon, 16 Dé 2019 23:48:18 GMT",
        ] {
            let err = DateTime::from_str(input, Format::HttpDate).unwrap_err();
            assert!(err.to_string().starts_with("invalid http-date timestamp"), "{input:?}: {err}");
        }
    }

    #[test]
    fn parse_epoch_seconds() {
        let p = |s| parse(s, Format::EpochSeconds);
        assert_eq!(p("1576540098"), DateTime::from_secs(1576540098));
        assert_eq!(p("+1576540098"), DateTime::from_secs(1576540098));
        assert_eq!(p("1576540098.52"), DateTime::from_secs_and_nanos(1576540098, 520_000_000));
        assert_eq!(p("1576540098.000"), DateTime::from_secs(1576540098));
        assert_eq!(p("-1"), DateTime::from_secs(-1));
        assert_eq!(p("-1.5"), DateTime::from_secs_and_nanos(-2, 500_000_000));
        assert_eq!(p("-0.000000001"), DateTime::from_secs_and_nanos(-1, 999_999_999));
        assert_eq!(p("-0"), DateTime::UNIX_EPOCH);
        assert_eq!(p("0.1234567899"), DateTime::from_secs_and_nanos(0, 123_456_789));
        assert_eq!(p("1.57654009852E9"), DateTime::from_secs_and_nanos(1576540098, 520_000_000));
        assert_eq!(p("1.57654009852e+9"), DateTime::from_secs_and_nanos(1576540098, 520_000_000));
        assert_eq!(p("15765400985200e-4"), DateTime::from_secs_and_nanos(1576540098, 520_000_000));
        assert_eq!(p("1e0"), DateTime::from_secs(1));
        assert_eq!(p("5e-1"), DateTime::from_millis(500));
        assert_eq!(p("-5e-10"), DateTime::UNIX_EPOCH);
        assert_eq!(p("1e-1000000000000"), DateTime::UNIX_EPOCH);
        assert_eq!(p("0e999999999999999999999"), DateTime::UNIX_EPOCH);
        assert_eq!(p("000000000000000000000000000042"), DateTime::from_secs(42));
        assert_eq!(p("9223372036854775807.999999999"), DateTime::MAX);
        assert_eq!(p("-9223372036854775808"), DateTime::MIN);
        for input in [
            "",
            "-",
            "abc",
            "1.",
            ".5",
            "1e",
            "1e+",
            "1 ",
            " 1",
            "1,5",
            "0x10",
            "NaN",
            "Infinity",
            "--1",
            "1e5.5",
            "9223372036854775808",
            "-9223372036854775808.5",
            "1e19",
            "1e999999999999999999999",
            "2019-12-16T23:48:18Z",
        ] {
            let err = DateTime::from_str(input, Format::EpochSeconds).unwrap_err();
            assert!(err.to_string().starts_with("invalid epoch-seconds timestamp"), "{input:?}: {err}");
        }
    }

    #[test]
    fn round_trip_every_format() {
        // A spread of instants across years 0001-9999, with and without fractions.
        let first = -62135596800_i64; // 0001-01-01
        let last = 253402300799_i64; // 9999-12-31T23:59:59
        let mut seconds = first;
        let step = (last - first) / 10_007;
        while seconds <= last {
            for nanos in [0, 1, 500_000_000, 999_999_999, 120_000_000] {
                let dt = DateTime::from_secs_and_nanos(seconds, nanos);
                for format in [Format::DateTime, Format::HttpDate, Format::EpochSeconds] {
                    let text = fmt(dt, format);
                    assert_eq!(parse(&text, format), dt, "{text}");
                }
            }
            seconds += step;
        }
        for dt in [DateTime::MIN, DateTime::MAX, DateTime::from_secs(last), DateTime::from_secs(first)] {
            assert_eq!(parse(&fmt(dt, Format::EpochSeconds), Format::EpochSeconds), dt);
        }
    }

    #[test]
    fn civil_conversion_is_consistent() {
        // Walk every day from 0000-01-01 to 9999-12-31 and check continuity.
        let mut expected = (0_i64, 1_i64, 1_i64);
        let start = days_from_civil(0, 1, 1);
        let end = days_from_civil(9999, 12, 31);
        for days in start..=end {
            assert_eq!(civil_from_days(days), expected);
            assert_eq!(days_from_civil(expected.0, expected.1, expected.2), days);
            let (y, m, d) = expected;
            expected = if d < days_in_month(y, m) {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn parsers_never_panic_on_mutated_input() {
        // Deterministic pseudo-random mutations of valid inputs.
        let seeds =
            ["2019-12-16T23:48:18.52+01:00", "Mon, 16 Dec 2019 23:48:18.52 GMT", "-1.57654009852e+9", "Zm9vYmE="];
        let alphabet = "0123456789+-.:eEzZtT ,=/é\u{0}GMTMonDec9".as_bytes();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        };
        for _ in 0..20_000 {
            let mut bytes = seeds[next(seeds.len())].as_bytes().to_vec();
            for _ in 0..=next(3) {
                let at = next(bytes.len() + 1);
                match next(3) {
                    0 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    1 if at < bytes.len() => bytes[at] = alphabet[next(alphabet.len())],
                    _ => bytes.insert(at, alphabet[next(alphabet.len())]),
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            for format in [Format::DateTime, Format::HttpDate, Format::EpochSeconds] {
                if let Ok(dt) = DateTime::from_str(&text, format) {
                    let _ = dt.fmt(format);
                    let _ = dt.to_string();
                }
            }
            let _ = base64::decode(&*text);
        }
    }

    #[test]
    fn ordering() {
        let mut times = vec![
            DateTime::from_millis(1),
            DateTime::from_millis(-1),
            DateTime::from_millis(-1001),
            DateTime::UNIX_EPOCH,
        ];
        times.sort();
        assert_eq!(
            times,
            vec![
                DateTime::from_millis(-1001),
                DateTime::from_millis(-1),
                DateTime::UNIX_EPOCH,
                DateTime::from_millis(1)
            ]
        );
    }

    #[test]
    fn system_time() {
        let cases = [
            DateTime::from_secs_and_nanos(1576540098, 520_000_000),
            DateTime::from_secs_and_nanos(-2, 500_000_000),
            DateTime::from_secs(-10),
            DateTime::UNIX_EPOCH,
        ];
        for dt in cases {
            let st = SystemTime::try_from(dt).unwrap();
            assert_eq!(DateTime::from(st), dt);
        }
        let st = UNIX_EPOCH + Duration::new(1, 5);
        assert_eq!(DateTime::from(st), DateTime::from_secs_and_nanos(1, 5));
        let st = UNIX_EPOCH - Duration::new(1, 5);
        assert_eq!(DateTime::from(st), DateTime::from_secs_and_nanos(-2, 999_999_995));
        // Whatever the platform's range, converting extreme values must not panic.
        let _ = SystemTime::try_from(DateTime::MAX);
        let _ = SystemTime::try_from(DateTime::MIN);
    }

    #[test]
    fn errors_are_std_errors() {
        fn assert_error<E: Error + Send + Sync + 'static>(_: &E) {}
        let parse = DateTime::from_str("x", Format::EpochSeconds).unwrap_err();
        assert_error(&parse);
        let format = DateTime::MAX.fmt(Format::HttpDate).unwrap_err();
        assert_error(&format);
        assert!(format.to_string().contains("http-date"), "{format}");
        let conversion = DateTime::MAX.to_millis().unwrap_err();
        assert_error(&conversion);
        let base64 = base64::decode("!").unwrap_err();
        assert_error(&base64);
    }

    #[test]
    fn blob() {
        let blob = Blob::new("hello");
        assert_eq!(blob.as_ref(), b"hello");
        assert_eq!(blob, Blob::from("hello"));
        assert_eq!(blob, Blob::from(&b"hello"[..]));
        assert_eq!(blob, Blob::from(b"hello".to_vec()));
        assert_eq!(blob, Blob::from(String::from("hello")));
        assert_eq!(Vec::from(blob.clone()), b"hello".to_vec());
        assert_eq!(blob.into_inner(), b"hello".to_vec());
        assert_eq!(Blob::default().as_ref(), b"");
    }

    #[test]
    fn base64_known_vectors() {
        // RFC 4648 section 10.
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(base64::encode(plain), encoded);
            assert_eq!(base64::decode(encoded).unwrap(), plain.as_bytes());
            assert_eq!(base64::decode(encoded.trim_end_matches('=')).unwrap(), plain.as_bytes());
        }
        assert_eq!(base64::encode([0xfb, 0xff, 0xbf]), "+/+/");
        assert_eq!(base64::decode("+/+/").unwrap(), vec![0xfb, 0xff, 0xbf]);
        assert_eq!(base64::encode(Blob::new("hi")), "aGk=");
    }

    #[test]
    fn base64_round_trip_all_lengths() {
        let data: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        for len in 0..data.len() {
            let slice = &data[..len];
            let encoded = base64::encode(slice);
            assert_eq!(encoded.len() % 4, 0);
            assert_eq!(base64::decode(&encoded).unwrap(), slice);
            assert_eq!(base64::decode(encoded.trim_end_matches('=')).unwrap(), slice);
        }
    }

    #[test]
    fn base64_invalid() {
        for input in [
            "Z", "Zg=", "Zg===", "Zm9v=", "Zm9vY", "====", "=", "Zg==Zg==", "Zm 9v", "Zm9v\n", "Zm-_", "Zm9v!",
            "Zm9vé", "Z===", "Zm=v",
        ] {
            let err = base64::decode(input).unwrap_err();
            assert!(err.to_string().starts_with("invalid base64: "), "{input:?}: {err}");
        }
        assert_eq!(
            base64::decode("Zm9v!A==").unwrap_err().to_string(),
            "invalid base64: invalid character '!' at offset 4"
        );
    }

    #[test]
    fn document_from_impls() {
        assert_eq!(Document::from(true), Document::Bool(true));
        assert_eq!(Document::from("a"), Document::String("a".into()));
        assert_eq!(Document::from(String::from("a")), Document::String("a".into()));
        assert_eq!(Document::from(5_i64), Document::Number(Number::PosInt(5)));
        assert_eq!(Document::from(-5_i64), Document::Number(Number::NegInt(-5)));
        assert_eq!(Document::from(5_u64), Document::Number(Number::PosInt(5)));
        assert_eq!(Document::from(7), Document::Number(Number::PosInt(7)));
        assert_eq!(Document::from(-7), Document::Number(Number::NegInt(-7)));
        assert_eq!(Document::from(7_u32), Document::Number(Number::PosInt(7)));
        assert_eq!(Document::from(i64::MIN), Document::Number(Number::NegInt(i64::MIN)));
        assert_eq!(Document::from(u64::MAX), Document::Number(Number::PosInt(u64::MAX)));
        assert_eq!(Document::from(1.5), Document::Number(Number::Float(1.5)));
        assert_eq!(Document::from(Number::Float(2.0)), Document::Number(Number::Float(2.0)));
        let array = Document::from(vec![Document::Null, Document::from(1)]);
        assert_eq!(array.as_array().map(<[Document]>::len), Some(2));
        let mut map = BTreeMap::new();
        map.insert("k".to_string(), array.clone());
        let object = Document::from(map.clone());
        assert_eq!(object, Document::Object(map.clone()));
        assert_eq!(object.as_object(), Some(&map));
        assert_eq!(Document::default(), Document::Null);
        assert!(Document::Null.is_null());
        assert_eq!(Document::from("x").as_str(), Some("x"));
        assert_eq!(Document::from(false).as_bool(), Some(false));
        assert_eq!(Document::from(3).as_number(), Some(Number::PosInt(3)));
        assert_eq!(Document::from(3).as_str(), None);
        assert_eq!(object.as_array(), None);
    }

    #[test]
    fn number_conversions() {
        assert_eq!(Number::PosInt(3).to_f64_lossy(), 3.0);
        assert_eq!(Number::NegInt(-3).to_f64_lossy(), -3.0);
        assert_eq!(Number::Float(0.5).to_f64_lossy(), 0.5);
        assert_eq!(i64::try_from(Number::PosInt(3)), Ok(3));
        assert_eq!(i64::try_from(Number::NegInt(-3)), Ok(-3));
        assert_eq!(i64::try_from(Number::Float(-3.0)), Ok(-3));
        assert!(i64::try_from(Number::PosInt(u64::MAX)).is_err());
        assert_eq!(u64::try_from(Number::PosInt(u64::MAX)), Ok(u64::MAX));
        assert!(u64::try_from(Number::NegInt(-1)).is_err());
        assert!(u64::try_from(Number::Float(1.5)).is_err());
        assert!(u64::try_from(Number::Float(f64::NAN)).is_err());
        assert!(u64::try_from(Number::Float(f64::INFINITY)).is_err());
        assert!(u64::try_from(Number::Float(1e20)).is_err());
        assert_eq!(u64::try_from(Number::Float(1e19)), Ok(10_000_000_000_000_000_000));
        assert_eq!(i64::try_from(Number::Float(i64::MIN as f64)), Ok(i64::MIN));
        assert_eq!(u8::try_from(Number::PosInt(255)), Ok(255));
        assert!(u8::try_from(Number::PosInt(256)).is_err());
        assert_eq!(i8::try_from(Number::NegInt(-128)), Ok(-128));
        assert!(i16::try_from(Number::NegInt(-40_000)).is_err());
        assert_eq!(i32::try_from(Number::Float(7.0)), Ok(7));
        assert_eq!(u16::try_from(Number::PosInt(65535)), Ok(65535));
        assert_eq!(u32::try_from(Number::PosInt(1)), Ok(1));
        let err = u8::try_from(Number::PosInt(256)).unwrap_err();
        assert_eq!(err.to_string(), "PosInt(256) cannot be converted to u8 without loss");
        assert_eq!(Number::from(-1_i32), Number::NegInt(-1));
        assert_eq!(Number::from(0_i64), Number::PosInt(0));
        assert_eq!(Number::from(2.5), Number::Float(2.5));
    }

    #[test]
    fn big_numbers_compare_as_numbers() {
        for (a, b) in
            [("1.23E-15", "1.23e-15"), ("1.50", "1.5"), ("100", "1e2"), ("-0", "0.000"), ("007", "7"), ("0.5", ".5e0")]
        {
            assert_eq!(BigDecimal::new(a), BigDecimal::new(b), "{a} == {b}");
        }
        for (a, b) in [("1.5", "-1.5"), ("1", "10"), ("1e2", "1e3"), ("x", "y"), ("1.2.3", "1.2")] {
            assert_ne!(BigDecimal::new(a), BigDecimal::new(b), "{a} != {b}");
        }
        assert_eq!(BigInteger::new("18446744073709551616"), BigInteger::new("1.8446744073709551616e19"));
        assert_eq!(BigInteger::new("18446744073709551616").as_str(), "18446744073709551616");
        assert_ne!(BigInteger::new("18446744073709551616"), BigInteger::new("18446744073709551615"));
        let set: std::collections::HashSet<BigDecimal> = ["1.0", "1", "1e0"].into_iter().map(BigDecimal::new).collect();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn float_text_round_trips() {
        assert_eq!(f32_text(4.1), "4.1");
        assert_eq!(f32_text(f32::NEG_INFINITY), "-Infinity");
        for f in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.5, -0.25] {
            let back = parse_float(&float_text(f)).unwrap();
            assert!(back == f || (back.is_nan() && f.is_nan()));
        }
        assert!(parse_float("nope").is_err());
    }
}
