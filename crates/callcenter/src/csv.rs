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
    let mut reader = Reader { text, at: 0, line: 1 };
    while let Some(record) = reader.record()? {
        let blank = matches!(record.fields.as_slice(), [only] if only.is_empty());
        if !blank {
            records.push(record);
        }
    }
    Ok(records)
}

/// Walks the text by byte offset: every delimiter is ASCII, so each offset it stops at is a
/// character boundary and whole runs of plain text are copied at once.
struct Reader<'a> {
    text: &'a str,
    at: usize,
    line: usize,
}

/// How a field ended.
enum End {
    Comma,
    LineBreak,
    Eof,
}

impl<'a> Reader<'a> {
    fn rest(&self) -> &'a str {
        self.text.get(self.at..).unwrap_or("")
    }

    fn record(&mut self) -> Result<Option<Record>, CsvError> {
        if self.rest().is_empty() {
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
        if self.rest().starts_with('"') {
            self.at += 1;
            return self.quoted();
        }
        let mut field = String::new();
        loop {
            let rest = self.rest();
            let Some(stop) = rest.bytes().position(|b| matches!(b, b',' | b'\n' | b'\r' | b'"')) else {
                field.push_str(rest);
                self.at = self.text.len();
                return Ok((field, End::Eof));
            };
            field.push_str(rest.get(..stop).unwrap_or(""));
            self.at += stop + 1;
            match rest.as_bytes().get(stop) {
                Some(b',') => return Ok((field, End::Comma)),
                Some(b'\n') => return Ok((field, self.line_break())),
                Some(b'\r') if self.rest().starts_with('\n') => {
                    self.at += 1;
                    return Ok((field, self.line_break()));
                }
                // A lone carriage return is text.
                Some(b'\r') => field.push('\r'),
                _ => return Err(CsvError::QuoteInUnquotedField { line: self.line }),
            }
        }
    }

    fn quoted(&mut self) -> Result<(String, End), CsvError> {
        let start = self.line;
        let mut field = String::new();
        loop {
            let rest = self.rest();
            let Some(quote) = rest.find('"') else { return Err(CsvError::UnterminatedQuote { line: start }) };
            let text = rest.get(..quote).unwrap_or("");
            self.line += text.bytes().filter(|b| *b == b'\n').count();
            field.push_str(text);
            self.at += quote + 1;
            if self.rest().starts_with('"') {
                self.at += 1;
                field.push('"');
            } else {
                return self.after_closing_quote(field);
            }
        }
    }

    fn after_closing_quote(&mut self, field: String) -> Result<(String, End), CsvError> {
        let rest = self.rest();
        let (skip, end) = if rest.is_empty() {
            (0, End::Eof)
        } else if rest.starts_with(',') {
            (1, End::Comma)
        } else if rest.starts_with('\n') {
            (1, self.line_break())
        } else if rest.starts_with("\r\n") {
            (2, self.line_break())
        } else {
            return Err(CsvError::TextAfterClosingQuote { line: self.line });
        };
        self.at += skip;
        Ok((field, end))
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
        assert_eq!(fields("a\rb,c\r\n\"x\"\"\""), vec![vec!["a\rb", "c"], vec!["x\""]], "a lone CR is text");
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
