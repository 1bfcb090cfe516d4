//! JSON and JSONL libraries. A small reader of our own, because the spans must be byte-exact:
//! every node knows its range in the file, and every string its decoded text with a map from
//! each decoded byte back to its source bytes (an escape maps to its backslash).

use super::records::{self, Node, Text, TextBuilder, Value};
use super::{Document, LibraryOptions, ParseError};

/// Deeper nesting than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 128;

pub(super) fn split(source: &str, opts: &LibraryOptions) -> Result<Vec<Document>, ParseError> {
    let start = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let mut reader = Reader::new(source, start, source.len());
    let root = reader.value(0)?;
    reader.ws();
    if let Some(c) = reader.peek_char() {
        return Err(reader.error_at(
            format!("unexpected `{c}` after the JSON value (a file holds one value; for one reply per line use .jsonl)"),
            reader.pos,
        ));
    }
    Ok(records::records(&root, opts)?
        .into_iter()
        .map(|r| r.doc)
        .collect())
}

/// JSONL: each non-empty line is one record (an object) or a bare string.
pub(super) fn split_lines(
    source: &str,
    opts: &LibraryOptions,
) -> Result<Vec<Document>, ParseError> {
    split_lines_from(source, opts, 0, true).map(|(docs, _)| docs)
}

/// JSONL lines that follow `before` non-empty lines of the same file (`at_start`: `source`
/// is the file's beginning); also returns how many non-empty lines `source` has. Splitting
/// a file at line ends and the chunks one by one gives the documents of the whole.
pub(super) fn split_lines_from(
    source: &str,
    opts: &LibraryOptions,
    before: usize,
    at_start: bool,
) -> Result<(Vec<Document>, usize), ParseError> {
    let mut items = Vec::new();
    let mut at = 0;
    for line in source.split_inclusive('\n') {
        let mut start = at;
        let end = at + line.trim_end_matches(['\n', '\r']).len();
        at += line.len();
        if at_start && start == 0 && line.starts_with('\u{feff}') {
            start = 3;
        }
        if source[start..end].trim().is_empty() {
            continue;
        }
        let mut reader = Reader::new(source, start, end);
        let node = reader.value(0)?;
        reader.ws();
        if let Some(c) = reader.peek_char() {
            return Err(reader.error_at(
                format!("unexpected `{c}` after the value; a JSONL line holds one value"),
                reader.pos,
            ));
        }
        if !matches!(node.value, Value::Map(_) | Value::Str(_)) {
            return Err(reader.error_at(
                "expected an object (a record) or a string on this JSONL line".into(),
                node.start,
            ));
        }
        items.push(node);
    }
    let docs = records::list_from(&items, source.len(), opts, before)?
        .into_iter()
        .map(|r| r.doc)
        .collect();
    Ok((docs, items.len()))
}

/// Reads JSON values from `src[pos..end]`; offsets are offsets in `src`.
struct Reader<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    end: usize,
}

impl<'a> Reader<'a> {
    fn new(src: &'a str, start: usize, end: usize) -> Reader<'a> {
        Reader {
            src,
            bytes: src.as_bytes(),
            pos: start,
            end,
        }
    }

    fn error_at(&self, message: String, offset: usize) -> ParseError {
        ParseError {
            message,
            offset: Some(offset),
        }
    }

    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.bytes[self.pos])
    }

    fn peek_char(&self) -> Option<char> {
        (self.pos < self.end)
            .then(|| self.src[self.pos..].chars().next())
            .flatten()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// "found `x`" or "found the end of the file/line" for messages.
    fn found(&self) -> String {
        match self.peek_char() {
            Some(c) if c.is_control() => format!("found `{}`", c.escape_debug()),
            Some(c) => format!("found `{c}`"),
            None if self.end == self.src.len() => "found the end of the file".into(),
            None => "found the end of the line".into(),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, ParseError> {
        self.ws();
        let start = self.pos;
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string(),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Value::Other("true".into())),
            Some(b'f') => self.literal("false", Value::Other("false".into())),
            Some(b'n') => self.literal("null", Value::Null),
            _ => Err(self.error_at(
                format!(
                    "expected a value (a string, number, object, array, true, false or null), {}",
                    self.found()
                ),
                start,
            )),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Node, ParseError> {
        let start = self.pos;
        if self.src[start..self.end].starts_with(word) {
            self.pos += word.len();
            Ok(Node {
                start,
                end: self.pos,
                value,
            })
        } else {
            Err(self.error_at(
                format!("expected a value; did you mean `{word}`? (strings need double quotes)"),
                start,
            ))
        }
    }

    fn deeper(&self, depth: usize) -> Result<usize, ParseError> {
        if depth >= MAX_DEPTH {
            Err(self.error_at(format!("nesting deeper than {MAX_DEPTH} levels"), self.pos))
        } else {
            Ok(depth + 1)
        }
    }

    fn object(&mut self, depth: usize) -> Result<Node, ParseError> {
        let depth = self.deeper(depth)?;
        let start = self.pos;
        self.pos += 1;
        let mut entries = Vec::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Node {
                start,
                end: self.pos,
                value: Value::Map(entries),
            });
        }
        loop {
            self.ws();
            match self.peek() {
                Some(b'"') => {}
                Some(b'}') if !entries.is_empty() => {
                    return Err(self.error_at(
                        "trailing comma before `}` (JSON allows none)".into(),
                        self.pos,
                    ));
                }
                _ => {
                    return Err(self.error_at(
                        format!("expected a key in double quotes, {}", self.found()),
                        self.pos,
                    ));
                }
            }
            let key = self.string()?;
            self.ws();
            if self.peek() != Some(b':') {
                return Err(self.error_at(
                    format!("expected `:` after a key, {}", self.found()),
                    self.pos,
                ));
            }
            self.pos += 1;
            let value = self.value(depth)?;
            entries.push((key, value));
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Node {
                        start,
                        end: self.pos,
                        value: Value::Map(entries),
                    });
                }
                _ => {
                    return Err(self.error_at(
                        format!("expected `,` or `}}` after a value, {}", self.found()),
                        self.pos,
                    ));
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Node, ParseError> {
        let depth = self.deeper(depth)?;
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Node {
                start,
                end: self.pos,
                value: Value::List(items),
            });
        }
        loop {
            self.ws();
            if self.peek() == Some(b']') {
                return Err(self.error_at(
                    "trailing comma before `]` (JSON allows none)".into(),
                    self.pos,
                ));
            }
            items.push(self.value(depth)?);
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Node {
                        start,
                        end: self.pos,
                        value: Value::List(items),
                    });
                }
                _ => {
                    return Err(self.error_at(
                        format!("expected `,` or `]` after a value, {}", self.found()),
                        self.pos,
                    ));
                }
            }
        }
    }

    fn number(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        let b = self.bytes;
        let digits = |mut i: usize| {
            while i < self.end && b[i].is_ascii_digit() {
                i += 1;
            }
            i
        };
        let mut i = start;
        if b[i] == b'-' {
            i += 1;
        }
        let int_end = digits(i);
        let bad = |at: usize| {
            self.error_at(
                format!("invalid number `{}`", &self.src[start..at.max(start + 1)]),
                start,
            )
        };
        if int_end == i || (b[i] == b'0' && int_end > i + 1) {
            return Err(bad(int_end));
        }
        i = int_end;
        if i < self.end && b[i] == b'.' {
            let frac_end = digits(i + 1);
            if frac_end == i + 1 {
                return Err(bad(frac_end));
            }
            i = frac_end;
        }
        if i < self.end && (b[i] == b'e' || b[i] == b'E') {
            i += 1;
            if i < self.end && (b[i] == b'+' || b[i] == b'-') {
                i += 1;
            }
            let exp_end = digits(i);
            if exp_end == i {
                return Err(bad(exp_end));
            }
            i = exp_end;
        }
        self.pos = i;
        Ok(Node {
            start,
            end: i,
            value: Value::Other(self.src[start..i].to_string()),
        })
    }

    fn hex4(&self, at: usize) -> Result<u32, ParseError> {
        let digits = self.src.get(at..at + 4).filter(|_| at + 4 <= self.end);
        digits
            .filter(|d| d.bytes().all(|c| c.is_ascii_hexdigit()))
            .and_then(|d| u32::from_str_radix(d, 16).ok())
            .ok_or_else(|| {
                self.error_at(
                    "invalid `\\u` escape: expected four hex digits".into(),
                    at - 2,
                )
            })
    }

    fn string(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        // Most strings have no escape: their text is their bytes, copied once.
        let to = self.end.min(self.bytes.len());
        if let Some(k) = memchr::memchr2(b'"', b'\\', &self.bytes[start + 1..to]) {
            let close = start + 1 + k;
            if self.bytes[close] == b'"' && !self.bytes[start + 1..close].iter().any(|&c| c < 0x20)
            {
                self.pos = close + 1;
                return Ok(Node {
                    start,
                    end: close + 1,
                    value: Value::Str(Text::raw(&self.src[start + 1..close], start + 1)),
                });
            }
        }
        // With escapes: room for the string's bytes and a piece of the map per escape (and
        // the raw run after it) first, as far as a quick look finds its end; growing them
        // took two or three copies a reply.
        let (mut len, mut escapes, mut at) = (0, 0, start + 1);
        while let Some(k) = memchr::memchr2(b'"', b'\\', &self.bytes[at..to]) {
            if self.bytes[at + k] == b'"' {
                len = at + k - (start + 1);
                break;
            }
            escapes += 1;
            at = (at + k + 2).min(to);
        }
        let mut b = TextBuilder::with_capacity(start + 1, len, 2 * escapes + 1);
        let mut i = start + 1;
        let mut run = i; // start of the raw run not yet appended
        loop {
            let Some(&c) = self.bytes.get(i).filter(|_| i < self.end) else {
                return Err(self.error_at("unterminated string: no closing `\"`".into(), start));
            };
            match c {
                b'"' => {
                    b.raw(&self.src[run..i], run);
                    self.pos = i + 1;
                    return Ok(Node {
                        start,
                        end: i + 1,
                        value: Value::Str(b.finish(i)),
                    });
                }
                b'\\' => {
                    b.raw(&self.src[run..i], run);
                    let esc = self.bytes.get(i + 1).copied().filter(|_| i + 1 < self.end);
                    let (decoded, len) = match esc {
                        Some(b'"') => ('"', 2),
                        Some(b'\\') => ('\\', 2),
                        Some(b'/') => ('/', 2),
                        Some(b'b') => ('\u{8}', 2),
                        Some(b'f') => ('\u{c}', 2),
                        Some(b'n') => ('\n', 2),
                        Some(b'r') => ('\r', 2),
                        Some(b't') => ('\t', 2),
                        Some(b'u') => self.unicode_escape(i)?,
                        _ => {
                            let shown = self.src[i + 1..]
                                .chars()
                                .next()
                                .filter(|_| i + 1 < self.end)
                                .map_or(String::new(), |c| c.to_string());
                            return Err(self.error_at(
                                format!(
                                    "invalid escape `\\{shown}` in a string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)"
                                ),
                                i,
                            ));
                        }
                    };
                    b.decoded(decoded.encode_utf8(&mut [0; 4]), i);
                    i += len;
                    run = i;
                }
                0..=0x1f => {
                    return Err(self.error_at(
                        "control character in a string; write a line break as \\n and a tab as \\t"
                            .into(),
                        i,
                    ));
                }
                _ => {
                    // Skip to the next quote or backslash, then look back for a control
                    // character in what was skipped (both vectorised).
                    let to = self.end.min(self.bytes.len());
                    let next =
                        memchr::memchr2(b'"', b'\\', &self.bytes[i..to]).map_or(to, |k| i + k);
                    i = match self.bytes[i..next].iter().position(|&c| c < 0x20) {
                        Some(k) => i + k,
                        None => next,
                    };
                }
            }
        }
    }

    /// `\uXXXX` at `i` (a surrogate pair takes two); the character and the escape's length.
    fn unicode_escape(&self, i: usize) -> Result<(char, usize), ParseError> {
        let hi = self.hex4(i + 2)?;
        let (code, len) = if (0xD800..0xDC00).contains(&hi) {
            let lo = if self.src[i + 6..self.end].starts_with("\\u") {
                Some(self.hex4(i + 8)?)
            } else {
                None
            };
            match lo {
                Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                    (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00), 12)
                }
                _ => {
                    return Err(self.error_at(
                        "unpaired surrogate in a `\\u` escape: a high surrogate must be followed by a low one (\\uDC00-\\uDFFF)".into(),
                        i,
                    ));
                }
            }
        } else if (0xDC00..0xE000).contains(&hi) {
            return Err(self.error_at("unpaired low surrogate in a `\\u` escape".into(), i));
        } else {
            (hi, 6)
        };
        let c =
            char::from_u32(code).ok_or_else(|| self.error_at("invalid `\\u` escape".into(), i))?;
        Ok((c, len))
    }
}

/// A JSON string's decoded text and map, for tests elsewhere in the module tree.
#[cfg(test)]
pub(super) fn parse_string(src: &str) -> Result<records::Text, ParseError> {
    let mut r = Reader::new(src, 0, src.len());
    match r.string()?.value {
        Value::Str(t) => Ok(t),
        _ => unreachable!(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(src: &str) -> Vec<Document> {
        split(src, &LibraryOptions::default()).unwrap()
    }

    fn err(src: &str) -> ParseError {
        split(src, &LibraryOptions::default()).unwrap_err()
    }

    /// The file bytes of the document range where `needle` stands in the text.
    fn file_text<'a>(src: &'a str, doc: &Document, needle: &str) -> &'a str {
        let at = doc.text.find(needle).unwrap();
        &src[doc.map.to_file(at)..doc.map.to_file(at + needle.len())]
    }

    #[test]
    fn escapes_decode_and_map_back_to_their_source() {
        let src = r#"["Hé \"x\"\n\u00e9 \ud83d\ude00 Bel ons\/nu\\ok"]"#;
        let d = &docs(src)[0];
        assert_eq!(d.text, "Hé \"x\"\né 😀 Bel ons/nu\\ok");
        assert_eq!(file_text(src, d, "Bel ons"), "Bel ons");
        assert_eq!(file_text(src, d, "😀"), r"\ud83d\ude00");
        assert_eq!(file_text(src, d, "é 😀"), r"\u00e9 \ud83d\ude00");
        assert_eq!(file_text(src, d, "\"x\""), r#"\"x\""#);
        assert_eq!(file_text(src, d, "ok"), "ok");
        let at = d.text.find("Bel").unwrap();
        assert!(d.map.is_contiguous(at, at + 7));
        assert!(!d.map.is_contiguous(at, at + 9), "across the \\/ escape");
        assert_eq!(d.id.as_deref(), Some("#1"));
    }

    #[test]
    fn string_map_ends_before_the_closing_quote() {
        let t = parse_string(r#""a\n""#).unwrap();
        assert_eq!(t.map.to_file(t.text.len()), 4);
        let t = parse_string(r#""""#).unwrap();
        assert_eq!((t.text.as_str(), t.map.to_file(0)), ("", 1));
    }

    #[test]
    fn shapes() {
        let d =
            docs(r#"{"welkom": "Hoi!", "retour": {"body": "Stuur het terug"}, "_expect": "x"}"#);
        let ids: Vec<_> = d.iter().map(|d| d.id.clone().unwrap()).collect();
        assert_eq!(ids, ["welkom", "retour"]);
        let d = docs(r#"{"replies": [{"name": "A", "body": "x"}, {"title": 7, "text": "y"}]}"#);
        assert_eq!(d[1].id.as_deref(), Some("7"));
        assert_eq!(d[1].text, "y");
        let d = docs(r#"[{"title": "T", "text": "z", "in_reply_to": "Waar is mijn pakket?"}]"#);
        assert_eq!(d[0].in_reply_to.as_deref(), Some("Waar is mijn pakket?"));
        let d = docs(r#"{"id": "los", "text": "Een record"}"#);
        assert_eq!(
            (d.len(), d[0].id.as_deref(), d[0].text.as_str()),
            (1, Some("los"), "Een record")
        );
    }

    #[test]
    fn zendesk_macros_use_the_comment_action() {
        let src = r#"{"macros": [
          {"id": 360001, "title": "Retour", "actions": [
            {"field": "status", "value": "solved"},
            {"field": "comment_value_html", "value": "<p>Mail naar <b>info</b>&amp;co</p>"}]},
          {"id": 360002, "title": "Tags", "actions": [{"field": "set_tags", "value": "x"}]}
        ], "count": 2}"#;
        let d = docs(src);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].id.as_deref(), Some("360001"));
        assert!(
            d[0].text.contains("Mail naar    info    &co"),
            "{:?}",
            d[0].text
        );
        assert_eq!(file_text(src, &d[0], "Mail naar"), "Mail naar");
        assert_eq!(file_text(src, &d[0], "&co"), "&amp;co");
    }

    #[test]
    fn allow_key_becomes_suppressions() {
        let src = r#"[{"text": "x", "webcare-lint-allow": {"channel/dm": "DM nodig", "g5": ""}}]"#;
        let d = docs(src);
        let s = &d[0].suppressions;
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].ids, ["channel/dm"]);
        assert_eq!(s[0].reason.as_deref(), Some("DM nodig"));
        assert_eq!(&src[s[0].start..s[0].end], r#""channel/dm": "DM nodig""#);
        assert_eq!(s[1].reason, None);
    }

    #[test]
    fn malformed_json_is_an_error_with_an_offset() {
        let cases = [
            (
                r#"[{"a": "b" "c": 1}]"#,
                "expected `,` or `}` after a value",
                11,
            ),
            (r#"["a" "b"]"#, "expected `,` or `]` after a value", 5),
            (r#"{"a" 1}"#, "expected `:` after a key", 5),
            (r#"{a: 1}"#, "expected a key in double quotes", 1),
            (r#"["a",]"#, "trailing comma before `]`", 5),
            (r#"["abc"#, "unterminated string", 1),
            (r#"["a\qb"]"#, "invalid escape `\\q`", 3),
            (r#"["\ud83d x"]"#, "unpaired surrogate", 2),
            (r#"["\u12"]"#, "four hex digits", 2),
            ("[\"a\nb\"]", "control character", 3),
            (r#"[01]"#, "invalid number", 1),
            (r#"[tru]"#, "did you mean `true`", 1),
            (r#"[1] [2]"#, "after the JSON value", 4),
            ("", "found the end of the file", 0),
            (r#"[{"x": 1}]"#, "has no text field", 1),
            ("7", "single number", 0),
        ];
        for (src, message, offset) in cases {
            let e = err(src);
            assert!(e.message.contains(message), "{src}: {}", e.message);
            assert_eq!(e.offset, Some(offset), "{src}: {}", e.message);
        }
        let deep = "[".repeat(1000);
        assert!(err(&deep).message.contains("nesting"));
    }

    #[test]
    fn bom_is_skipped_and_counted() {
        let src = "\u{feff}[\"Bel ons\"]";
        let d = &docs(src)[0];
        assert_eq!(d.map.to_file(0), 5);
    }

    #[test]
    fn jsonl_lines_are_records() {
        let src = "{\"id\": \"a\", \"text\": \"Een\"}\n\n\"Twee\"\r\n{\"body\": \"Drie\"}\n";
        let d = split_lines(src, &LibraryOptions::default()).unwrap();
        let ids: Vec<_> = d.iter().map(|d| d.id.clone().unwrap()).collect();
        assert_eq!(ids, ["a", "#2", "#3"]);
        assert_eq!(&src[d[2].map.to_file(0)..][..4], "Drie");
        let e =
            split_lines("\"ok\"\n{\"text\": \"x\",}\n", &LibraryOptions::default()).unwrap_err();
        assert!(
            e.message.contains("trailing comma before `}`"),
            "{}",
            e.message
        );
        assert_eq!(e.offset, Some(18));
        let e = split_lines("[1]\n", &LibraryOptions::default()).unwrap_err();
        assert!(e.message.contains("expected an object"), "{}", e.message);
    }
}
