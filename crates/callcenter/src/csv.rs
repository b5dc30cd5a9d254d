//! RFC 4180 CSV: the reader for what Salesforce exports (the CLI's `--result-format csv`, Data
//! Loader) and the writer for what Data Loader and `sf data update bulk` load. Quoted fields may
//! hold commas, doubled quotes and line breaks (a Task's Description often does). Any input gives
//! records or a typed error with its line: never a panic.

use std::fmt;

/// One record and the line it starts on (1-based, counting line breaks inside quoted fields).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Where the record starts in the file.
    pub line: usize,
    /// The fields, unquoted.
    pub fields: Vec<String>,
}

/// Why a file is not CSV.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CsvError {
    /// A quoted field runs to the end of the file.
    UnterminatedQuote { line: usize },
    /// Something other than a comma or line break follows a closing quote, as in `"a"b`.
    TextAfterClosingQuote { line: usize },
    /// A quote inside a field that does not start with one, as in `a"b`.
    QuoteInUnquotedField { line: usize },
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvError::UnterminatedQuote { line } => write!(f, "line {line}: a quoted field is never closed"),
            CsvError::TextAfterClosingQuote { line } => write!(f, "line {line}: text after a closing quote (write a quote inside a quoted field as \"\")"),
            CsvError::QuoteInUnquotedField { line } => write!(f, "line {line}: a quote inside a field that is not quoted"),
        }
    }
}

impl std::error::Error for CsvError {}

/// Reads every record. A byte-order mark is skipped; lines may end in CRLF or LF; blank lines
/// (no field at all) are skipped, as spreadsheet tools leave them at the end.
pub fn parse(text: &str) -> Result<Vec<Record>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut reader = Reader { chars: text.chars().peekable(), line: 1 };
    while let Some(record) = reader.record()? {
        let blank = matches!(record.fields.as_slice(), [only] if only.is_empty());
        if !blank {
            records.push(record);
        }
    }
    Ok(records)
}

struct Reader<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: usize,
}

/// How a field ended.
enum End {
    Comma,
    LineBreak,
    Eof,
}

impl Reader<'_> {
    fn record(&mut self) -> Result<Option<Record>, CsvError> {
        if self.chars.peek().is_none() {
            return Ok(None);
        }
        let line = self.line;
        let mut fields = Vec::new();
        loop {
            let (field, end) = self.field()?;
            fields.push(field);
            match end {
                End::Comma => continue,
                End::LineBreak | End::Eof => return Ok(Some(Record { line, fields })),
            }
        }
    }

    fn field(&mut self) -> Result<(String, End), CsvError> {
        if self.chars.peek() == Some(&'"') {
            self.chars.next();
            return self.quoted();
        }
        let mut field = String::new();
        loop {
            match self.chars.next() {
                None => return Ok((field, End::Eof)),
                Some(',') => return Ok((field, End::Comma)),
                Some('\n') => return Ok((field, self.line_break())),
                Some('\r') if self.chars.peek() == Some(&'\n') => {
                    self.chars.next();
                    return Ok((field, self.line_break()));
                }
                Some('"') => return Err(CsvError::QuoteInUnquotedField { line: self.line }),
                Some(c) => field.push(c),
            }
        }
    }

    fn quoted(&mut self) -> Result<(String, End), CsvError> {
        let start = self.line;
        let mut field = String::new();
        loop {
            match self.chars.next() {
                None => return Err(CsvError::UnterminatedQuote { line: start }),
                Some('"') if self.chars.peek() == Some(&'"') => {
                    self.chars.next();
                    field.push('"');
                }
                Some('"') => return self.after_closing_quote(field),
                Some(c) => {
                    if c == '\n' {
                        self.line += 1;
                    }
                    field.push(c);
                }
            }
        }
    }

    fn after_closing_quote(&mut self, field: String) -> Result<(String, End), CsvError> {
        match self.chars.next() {
            None => Ok((field, End::Eof)),
            Some(',') => Ok((field, End::Comma)),
            Some('\n') => Ok((field, self.line_break())),
            Some('\r') if self.chars.peek() == Some(&'\n') => {
                self.chars.next();
                Ok((field, self.line_break()))
            }
            Some(_) => Err(CsvError::TextAfterClosingQuote { line: self.line }),
        }
    }

    fn line_break(&mut self) -> End {
        self.line += 1;
        End::LineBreak
    }
}

/// A header row, matched case-insensitively (the CLI writes `Owner.Username`, Data Loader
/// `OWNER.USERNAME`).
pub struct Header {
    names: Vec<String>,
}

impl Header {
    /// The header of a file.
    pub fn new(record: &Record) -> Header {
        Header { names: record.fields.iter().map(|n| n.trim().to_ascii_lowercase()).collect() }
    }

    /// The column of the first of `names` present.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|wanted| self.names.iter().position(|n| n.eq_ignore_ascii_case(wanted)))
    }
}

/// The field of a record at `column`, or "" (short rows are common in hand-edited files).
pub fn cell(record: &Record, column: Option<usize>) -> &str {
    column.and_then(|c| record.fields.get(c)).map_or("", |s| s.trim())
}

/// Appends one CSV row (quoted only where needed) ending in CRLF, as RFC 4180 writes it.
pub fn write_row(out: &mut String, fields: &[&str]) {
    write_row_ending(out, fields, "\r\n");
}

/// Appends one CSV row ending in `line_ending` (the Bulk API takes LF by default).
pub fn write_row_ending(out: &mut String, fields: &[&str], line_ending: &str) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str(line_ending);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<Vec<String>> {
        parse(text).expect("csv").into_iter().map(|r| r.fields).collect()
    }

    #[test]
    fn quoted_fields_keep_commas_quotes_and_line_breaks() {
        let text = "\u{feff}Id,Description\r\n00T1,\"Called back, \"\"urgent\"\"\r\nScreen pop: one-match in 412 ms\"\r\n00T2,plain\n";
        let records = parse(text).expect("csv");
        assert_eq!(records.len(), 3);
        assert_eq!(records[1].fields[1], "Called back, \"urgent\"\r\nScreen pop: one-match in 412 ms");
        assert_eq!(records[2].line, 4, "the line break inside the quotes counts");
        assert_eq!(fields("a,,\"\"\n\n"), vec![vec!["a", "", ""]]);
    }

    #[test]
    fn broken_quoting_is_a_typed_error_with_its_line() {
        assert_eq!(parse("a\n\"open"), Err(CsvError::UnterminatedQuote { line: 2 }));
        assert_eq!(parse("\"a\"b"), Err(CsvError::TextAfterClosingQuote { line: 1 }));
        assert_eq!(parse("x\ny\na\"b"), Err(CsvError::QuoteInUnquotedField { line: 3 }));
    }

    proptest::proptest! {
        #[test]
        fn any_rows_written_read_back_the_same(rows in proptest::collection::vec(proptest::collection::vec("[a-z,\"\r\n é]{0,6}", 1..5), 1..6)) {
            let mut out = String::new();
            for row in &rows {
                write_row(&mut out, &row.iter().map(String::as_str).collect::<Vec<_>>());
            }
            // A row of one empty field is a blank line, which the reader skips.
            let expected: Vec<Vec<String>> = rows.into_iter().filter(|r| !matches!(r.as_slice(), [only] if only.is_empty())).collect();
            proptest::prop_assert_eq!(fields(&out), expected);
        }
    }

    #[test]
    fn written_rows_read_back() {
        let mut out = String::new();
        write_row(&mut out, &["005A", "a,b", "say \"hi\"\nbye", ""]);
        assert_eq!(out, "005A,\"a,b\",\"say \"\"hi\"\"\nbye\",\r\n");
        assert_eq!(fields(&out), vec![vec!["005A", "a,b", "say \"hi\"\nbye", ""]]);
    }
}
