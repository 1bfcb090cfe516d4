//! YAML libraries, read with `saphyr-parser` (the maintained successor of yaml-rust) for the
//! structure and each scalar's source range. The reply text and its map are then rebuilt
//! from the source bytes (plain, quoted and block scalars), and checked against the parser's
//! value: should they ever differ, the parser's value is used with a map that points every
//! offset at the scalar's start, so nothing is mis-pointed silently.
//!
//! Comments `# webcare-lint: allow <ids> -- <reason>` inside a record (between its start and
//! the next record's) are that record's suppressions.

use super::records::{self, Node, Text, TextBuilder, Value};
use super::{Document, LibraryOptions, ParseError, parse_comment};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::HashMap;

pub(super) fn split(source: &str, opts: &LibraryOptions) -> Result<Vec<Document>, ParseError> {
    let tree = Tree::read(source)?;
    let root = match tree.docs.len() {
        0 => return Ok(Vec::new()),
        1 => tree.docs.into_iter().next().expect("one document"),
        _ => Node {
            start: tree.docs[0].start,
            end: source.len(),
            value: Value::List(tree.docs),
        },
    };
    let mut recs = records::records(&root, opts)?;
    for (start, end) in comments(source, tree.scalars) {
        let Some(s) = parse_comment(&source[start..end], start, end) else {
            continue;
        };
        if let Some(r) = recs.iter_mut().find(|r| r.start <= start && start < r.end) {
            r.doc.suppressions.push(s);
        }
    }
    Ok(recs
        .into_iter()
        .map(|mut r| {
            r.doc.suppressions.sort_by_key(|s| s.start);
            r.doc
        })
        .collect())
}

/// Character index → byte offset (saphyr's markers count characters).
struct CharOffsets {
    /// `None` for ASCII sources, where the two are the same.
    offsets: Option<Vec<usize>>,
    len: usize,
}

impl CharOffsets {
    fn new(source: &str) -> CharOffsets {
        CharOffsets {
            offsets: (!source.is_ascii()).then(|| source.char_indices().map(|(i, _)| i).collect()),
            len: source.len(),
        }
    }

    fn byte(&self, index: usize) -> usize {
        match &self.offsets {
            None => index.min(self.len),
            Some(v) => v.get(index).copied().unwrap_or(self.len),
        }
    }
}

enum Frame {
    List {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

/// The YAML documents as value trees, and the byte ranges of all scalars (which hold no
/// comments).
struct Tree {
    docs: Vec<Node>,
    scalars: Vec<(usize, usize)>,
}

impl Tree {
    fn read(source: &str) -> Result<Tree, ParseError> {
        let chars = CharOffsets::new(source);
        let mut tree = Tree {
            docs: Vec::new(),
            scalars: Vec::new(),
        };
        let mut stack: Vec<Frame> = Vec::new();
        let mut anchors: HashMap<usize, Node> = HashMap::new();
        let mut parser = Parser::new_from_str(source);
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|e| ParseError {
                message: format!("invalid YAML: {}", e.info()),
                offset: Some(chars.byte(e.marker().index())),
            })?;
            let (start, end) = (chars.byte(span.start.index()), chars.byte(span.end.index()));
            let node = match event {
                Event::Scalar(value, style, anchor, _tag) => {
                    let node = scalar(source, &chars, span, &value, style);
                    tree.scalars.push((node.start, node.end));
                    if anchor != 0 {
                        anchors.insert(anchor, node.clone());
                    }
                    node
                }
                Event::Alias(id) => anchors.get(&id).cloned().unwrap_or(Node {
                    start,
                    end,
                    value: Value::Null,
                }),
                Event::SequenceStart(anchor, _) => {
                    stack.push(Frame::List {
                        start,
                        anchor,
                        items: Vec::new(),
                    });
                    continue;
                }
                Event::MappingStart(anchor, _) => {
                    stack.push(Frame::Map {
                        start,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                    });
                    continue;
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let (node, anchor) = match stack.pop() {
                        Some(Frame::List {
                            start: s,
                            anchor,
                            items,
                        }) => {
                            let last = items.last().map_or(s, |n| n.end);
                            (
                                Node {
                                    start: s,
                                    end: end.max(last),
                                    value: Value::List(items),
                                },
                                anchor,
                            )
                        }
                        Some(Frame::Map {
                            start: s,
                            anchor,
                            entries,
                            ..
                        }) => {
                            let last = entries.last().map_or(s, |(_, v)| v.end);
                            (
                                Node {
                                    start: s,
                                    end: end.max(last),
                                    value: Value::Map(entries),
                                },
                                anchor,
                            )
                        }
                        None => continue,
                    };
                    if anchor != 0 {
                        anchors.insert(anchor, node.clone());
                    }
                    node
                }
                _ => continue,
            };
            match stack.last_mut() {
                None => tree.docs.push(node),
                Some(Frame::List { items, .. }) => items.push(node),
                Some(Frame::Map { entries, key, .. }) => match key.take() {
                    None => *key = Some(node),
                    Some(k) => entries.push((k, node)),
                },
            }
        }
        Ok(tree)
    }
}

/// A scalar node: plain `null`/`~`/empty is null, anything else a string whose text is
/// rebuilt from the source and checked against the parser's `value`. The node's range is
/// the scalar's own (a quoted scalar's span from the parser may run on over a comment).
fn scalar(source: &str, chars: &CharOffsets, span: Span, value: &str, style: ScalarStyle) -> Node {
    let (start, end) = (chars.byte(span.start.index()), chars.byte(span.end.index()));
    // A tag or an anchor before the scalar is part of the parser's span.
    let content = skip_properties(source, start, end);
    if style == ScalarStyle::Plain && matches!(value, "" | "~" | "null" | "Null" | "NULL") {
        return Node {
            start: content,
            end: end.max(content),
            value: Value::Null,
        };
    }
    let rebuilt = match style {
        ScalarStyle::Plain => flow(source, content, end, Quote::None).map(|t| (t, end)),
        ScalarStyle::SingleQuoted => quoted(source, content, Quote::Single),
        ScalarStyle::DoubleQuoted => quoted(source, content, Quote::Double),
        ScalarStyle::Literal | ScalarStyle::Folded if value.is_empty() => {
            Some((Text::raw("", start), end))
        }
        ScalarStyle::Literal => block(source, start, false),
        ScalarStyle::Folded => block(source, start, true),
    };
    let (text, start, end) = match rebuilt {
        Some((t, scalar_end)) if t.text == value => (t, content, scalar_end),
        _ => (Text::untraced(value.to_string(), content), content, end),
    };
    Node {
        start,
        end,
        value: Value::Str(text),
    }
}

/// Past the node properties (`!tag`, `&anchor`) at `start`, if any.
fn skip_properties(source: &str, start: usize, end: usize) -> usize {
    let b = source.as_bytes();
    let mut i = start;
    while i < end && (b[i] == b'!' || b[i] == b'&') {
        while i < end && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        while i < end && b[i].is_ascii_whitespace() {
            i += 1;
        }
    }
    i.min(end.max(start))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    None,
    Single,
    Double,
}

/// A quoted scalar whose opening quote is at `open`: its text and where it ends (after the
/// closing quote).
fn quoted(source: &str, open: usize, kind: Quote) -> Option<(Text, usize)> {
    let b = source.as_bytes();
    let q = if kind == Quote::Single { b'\'' } else { b'"' };
    if b.get(open) != Some(&q) {
        return None;
    }
    let mut i = open + 1;
    let close = loop {
        match *b.get(i)? {
            c if c == q && kind == Quote::Single && b.get(i + 1) == Some(&q) => i += 2,
            c if c == q => break i,
            b'\\' if kind == Quote::Double => {
                i += 1 + source[i + 1..].chars().next()?.len_utf8();
            }
            _ => i += 1,
        }
    };
    Some((flow(source, open + 1, close, kind)?, close + 1))
}

fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// After the line break at `i`.
fn skip_break(b: &[u8], i: usize) -> usize {
    if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
        i + 2
    } else {
        i + 1
    }
}

/// Skips the white space at the start of the next lines from `i`: returns where the content
/// goes on and how many empty lines were passed.
fn skip_empty_lines(b: &[u8], mut i: usize, end: usize) -> (usize, usize) {
    let mut empties = 0;
    loop {
        let mut j = i;
        while j < end && (b[j] == b' ' || b[j] == b'\t') {
            j += 1;
        }
        if j < end && is_break(b[j]) {
            empties += 1;
            i = skip_break(b, j);
        } else {
            return (j, empties);
        }
    }
}

/// A flow scalar's content `source[start..end]` (without quotes), folded: a line break with
/// the white space around it becomes a space, or one line feed per empty line; `''` and
/// backslash escapes are decoded in single- and double-quoted scalars.
fn flow(source: &str, start: usize, end: usize, kind: Quote) -> Option<Text> {
    let b = source.as_bytes();
    let mut out = TextBuilder::new(start);
    let mut i = start;
    let mut run = start;
    // Where dropped white space before a line break began (the fold maps there).
    let mut dropped: Option<usize> = None;
    while i < end {
        match b[i] {
            b' ' | b'\t' => {
                let mut ws = i;
                while ws < end && (b[ws] == b' ' || b[ws] == b'\t') {
                    ws += 1;
                }
                if ws < end && is_break(b[ws]) {
                    // White space before a line break is not content.
                    out.raw(&source[run..i], run);
                    dropped = Some(i);
                    run = ws;
                }
                i = ws;
            }
            b'\r' | b'\n' => {
                out.raw(&source[run..i], run);
                let (next, empties) = skip_empty_lines(b, skip_break(b, i), end);
                let at = dropped.take().unwrap_or(i);
                if empties == 0 {
                    out.decoded(" ", at);
                } else {
                    out.decoded(&"\n".repeat(empties), at);
                }
                i = next;
                run = i;
            }
            b'\'' if kind == Quote::Single => {
                if b.get(i + 1) != Some(&b'\'') || i + 1 >= end {
                    return None;
                }
                out.raw(&source[run..i], run);
                out.decoded("'", i);
                i += 2;
                run = i;
            }
            b'\\' if kind == Quote::Double => {
                out.raw(&source[run..i], run);
                let e = *b.get(i + 1).filter(|_| i + 1 < end)?;
                if is_break(e) {
                    // An escaped line break joins the lines without a space.
                    let (next, empties) = skip_empty_lines(b, skip_break(b, i + 1), end);
                    out.decoded(&"\n".repeat(empties), i);
                    i = next;
                } else {
                    let (c, len) = escape(source, i, end)?;
                    out.decoded(c.encode_utf8(&mut [0; 4]), i);
                    i += len;
                }
                run = i;
            }
            _ => i += 1,
        }
    }
    out.raw(&source[run..end], run);
    Some(out.finish(end))
}

/// A double-quoted scalar's escape at `i` (the backslash): the character and its length.
fn escape(source: &str, i: usize, end: usize) -> Option<(char, usize)> {
    let e = source[i + 1..end].chars().next()?;
    let hex = |n: usize| -> Option<(char, usize)> {
        let digits = source.get(i + 2..i + 2 + n).filter(|_| i + 2 + n <= end)?;
        let code = u32::from_str_radix(digits, 16).ok()?;
        Some((char::from_u32(code)?, 2 + n))
    };
    let c = match e {
        '0' => '\0',
        'a' => '\u{7}',
        'b' => '\u{8}',
        't' | '\t' => '\t',
        'n' => '\n',
        'v' => '\u{b}',
        'f' => '\u{c}',
        'r' => '\r',
        'e' => '\u{1b}',
        ' ' => ' ',
        '"' => '"',
        '/' => '/',
        '\\' => '\\',
        'N' => '\u{85}',
        '_' => '\u{a0}',
        'L' => '\u{2028}',
        'P' => '\u{2029}',
        'x' => return hex(2),
        'u' => return hex(4),
        'U' => return hex(8),
        _ => return None,
    };
    Some((c, 1 + e.len_utf8()))
}

/// A block scalar's header: folding style is the caller's; this gives chomping and the
/// explicit indentation, and where the content lines start.
struct Header {
    /// `-` strip, `+` keep, none clip.
    chomp: Option<u8>,
    indent: Option<usize>,
    /// Indentation of the header's line.
    line_indent: usize,
    body: usize,
}

/// Finds the header (`|`, `>-`, `|2+ # …`) of the block scalar that the parser says starts
/// at `start`: on that line when the span starts with properties (a tag, an anchor), else
/// on the last line before it that is not blank.
fn header(source: &str, start: usize) -> Option<Header> {
    let line_of = |at: usize| {
        let s = source[..at].rfind('\n').map_or(0, |p| p + 1);
        let e = source[at..].find('\n').map_or(source.len(), |p| at + p);
        (s, e)
    };
    if matches!(source.as_bytes().get(start), Some(b'!' | b'&')) {
        let (s, e) = line_of(start);
        if let Some(h) = header_in_line(source, s, e) {
            return Some(h);
        }
    }
    // Walk back over blank lines (and the blank start of the content's own line).
    let mut line_end = start;
    loop {
        let line_start = source[..line_end].rfind('\n').map_or(0, |p| p + 1);
        if source[line_start..line_end].trim().is_empty() {
            if line_start == 0 {
                return None;
            }
            line_end = line_start - 1;
            continue;
        }
        return header_in_line(source, line_start, line_end);
    }
}

/// The block scalar header in `source[line_start..line_end]`: the first `|` or `>` after
/// white space followed only by indicators and perhaps a comment.
fn header_in_line(source: &str, line_start: usize, line_end: usize) -> Option<Header> {
    let line = source[line_start..line_end].trim_end_matches('\r');
    let b = line.as_bytes();
    for (at, &c) in b.iter().enumerate() {
        if (c != b'|' && c != b'>') || (at > 0 && b[at - 1] != b' ' && b[at - 1] != b'\t') {
            continue;
        }
        let rest = &line[at + 1..];
        let ind_len = rest
            .bytes()
            .take_while(|c| c.is_ascii_digit() || *c == b'+' || *c == b'-')
            .count();
        let (ind, tail) = rest.split_at(ind_len);
        let tail = tail.trim_start_matches([' ', '\t']);
        if !(tail.is_empty() || tail.starts_with('#')) || ind.len() > 2 {
            continue;
        }
        let chomp = ind.bytes().find(|c| *c == b'+' || *c == b'-');
        let indent = ind
            .bytes()
            .find(|c| (b'1'..=b'9').contains(c))
            .map(|c| usize::from(c - b'0'));
        if ind.bytes().filter(u8::is_ascii_digit).count() != usize::from(indent.is_some()) {
            continue;
        }
        return Some(Header {
            chomp,
            indent,
            line_indent: line.len() - line.trim_start_matches(' ').len(),
            body: (line_end + 1).min(source.len()),
        });
    }
    None
}

/// One line of a block scalar.
struct Line {
    /// Content range (after the indentation, before the line break); `None` when empty.
    content: Option<(usize, usize)>,
    /// Where the line break is, and whether it is `\r\n`.
    brk: Option<(usize, bool)>,
}

/// A literal (`|`) or folded (`>`) block scalar whose parser span starts at `start`: its
/// text and where its content ends.
fn block(source: &str, start: usize, folded: bool) -> Option<(Text, usize)> {
    let h = header(source, start)?;
    let b = source.as_bytes();
    // The lines from the header on, up to the first less indented non-empty line.
    let mut raw_lines = Vec::new();
    let mut at = h.body;
    while at < source.len() {
        let nl = source[at..].find('\n').map(|p| at + p);
        let line_end = nl.map_or(source.len(), |p| {
            if p > at && b[p - 1] == b'\r' {
                p - 1
            } else {
                p
            }
        });
        raw_lines.push((at, line_end, nl.map(|p| (line_end, p > line_end))));
        at = nl.map_or(source.len(), |p| p + 1);
    }
    let spaces = |s: usize, e: usize| b[s..e].iter().take_while(|c| **c == b' ').count();
    let indent = match h.indent {
        // The parser's span starts at the indentation of the first content line.
        Some(_) if start >= h.body => start - source[..start].rfind('\n').map_or(0, |p| p + 1),
        Some(m) => h.line_indent + m,
        None => raw_lines
            .iter()
            .find(|(s, e, _)| !source[*s..*e].trim().is_empty())
            .map(|(s, e, _)| spaces(*s, *e))?,
    };
    let mut lines = Vec::new();
    for &(s, e, brk) in &raw_lines {
        let sp = spaces(s, e);
        let blank = source[s..e].bytes().all(|c| c == b' ');
        if blank && e - s <= indent {
            lines.push(Line { content: None, brk });
        } else if sp >= indent {
            lines.push(Line {
                content: Some((s + indent, e)),
                brk,
            });
        } else {
            break;
        }
    }
    let last = lines.iter().rposition(|l| l.content.is_some())?;
    let mut out = TextBuilder::new(start);
    let mut end = start;
    let newline =
        |out: &mut TextBuilder, brk: Option<(usize, bool)>, end: &mut usize| -> Option<()> {
            let (p, crlf) = brk?;
            if crlf {
                out.decoded("\n", p);
                *end = p + 2;
            } else {
                out.raw("\n", p);
                *end = p + 1;
            }
            Some(())
        };
    let spaced = |l: &Line| {
        l.content
            .is_some_and(|(s, e)| s < e && (b[s] == b' ' || b[s] == b'\t'))
    };
    let mut i = 0;
    while i <= last {
        let line = &lines[i];
        let Some((s, e)) = line.content else {
            // An empty line before any content, or (literal) between content lines.
            newline(&mut out, line.brk, &mut end)?;
            i += 1;
            continue;
        };
        out.raw(&source[s..e], s);
        end = e;
        if i == last {
            break;
        }
        let next = (i + 1..=last).find(|&j| lines[j].content.is_some())?;
        let empties = next - i - 1;
        if folded && !spaced(line) && !spaced(&lines[next]) {
            // The line break folds to a space, or to the empty lines' line feeds.
            let fold = if empties == 0 {
                " ".to_string()
            } else {
                "\n".repeat(empties)
            };
            out.decoded(&fold, line.brk?.0);
        } else {
            newline(&mut out, line.brk, &mut end)?;
            for l in &lines[i + 1..next] {
                newline(&mut out, l.brk, &mut end)?;
            }
        }
        i = next;
    }
    match h.chomp {
        Some(b'-') => {}
        Some(_) => {
            for l in &lines[last..] {
                if newline(&mut out, l.brk, &mut end).is_none() {
                    break;
                }
            }
        }
        None => {
            let _ = newline(&mut out, lines[last].brk, &mut end);
        }
    }
    Some((out.finish(end), end))
}

/// Byte ranges of the comments (`#` at a line start or after white space, outside scalars),
/// each to the end of its line.
fn comments(source: &str, mut scalars: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    scalars.sort_unstable();
    let b = source.as_bytes();
    let mut out = Vec::new();
    let mut next_scalar = 0;
    let mut i = 0;
    while i < b.len() {
        while next_scalar < scalars.len() && scalars[next_scalar].1 <= i {
            next_scalar += 1;
        }
        if let Some(&(s, e)) = scalars.get(next_scalar)
            && s <= i
            && i < e
        {
            i = e;
            continue;
        }
        if b[i] == b'#' && (i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r')) {
            let end = source[i..].find('\n').map_or(source.len(), |p| i + p);
            let end = if end > i && b[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
            out.push((i, end));
            i = end;
            continue;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(src: &str) -> Vec<Document> {
        split(src, &LibraryOptions::default()).unwrap()
    }

    /// The file bytes of the document range where `needle` stands in the text.
    fn file_text<'a>(src: &'a str, doc: &Document, needle: &str) -> &'a str {
        let at = doc
            .text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in {:?}", doc.text));
        &src[doc.map.to_file(at)..doc.map.to_file(at + needle.len())]
    }

    /// Whether the text was rebuilt from the source (not the untraced fallback).
    fn traced(d: &Document) -> bool {
        d.text.is_empty() || d.map.to_file(d.text.len()) != d.map.to_file(0)
    }

    #[test]
    fn scalar_styles_are_rebuilt_with_exact_offsets() {
        let src = "# é header\nreplies:\n  - name: plain\n    body: Hé daar,\n      bel ons   \n\n      gerust\n  - name: 'it''s'\n    body: 'Zeg ''bel ons''\n      maar'\n  - name: dq\n    body: \"a\\tb \\u00e9 \\\"bel\\\"\n      ons\\\n      x\"\n  - name: lit\n    body: |\n      Regel een\n        bel ons\n\n      Regel drie\n  - name: fold\n    body: >-\n      Regel een\n      bel ons\n\n      alinea\n        ingesprongen\n      slot\n  - name: keep\n    body: |+\n      a\n\n  - name: empty\n    body: |\n  - name: ex\n    body: |2\n        twee extra\n      nul\n";
        let d = docs(src);
        let text: Vec<_> = d.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(
            text,
            [
                "Hé daar, bel ons\ngerust",
                "Zeg 'bel ons' maar",
                "a\tb é \"bel\" onsx",
                "Regel een\n  bel ons\n\nRegel drie\n",
                "Regel een bel ons\nalinea\n  ingesprongen\nslot",
                "a\n\n",
                "",
                "  twee extra\nnul\n",
            ]
        );
        for doc in &d {
            assert!(traced(doc), "{:?} fell back", doc.id);
        }
        assert_eq!(d[1].id.as_deref(), Some("it's"));
        assert_eq!(file_text(src, &d[0], "bel ons"), "bel ons");
        assert_eq!(file_text(src, &d[0], "daar, bel"), "daar,\n      bel");
        assert_eq!(file_text(src, &d[1], "'bel ons'"), "''bel ons''");
        assert_eq!(file_text(src, &d[2], "\"bel\""), "\\\"bel\\\"");
        assert_eq!(file_text(src, &d[2], "é"), "\\u00e9");
        assert_eq!(file_text(src, &d[3], "bel ons"), "bel ons");
        assert_eq!(file_text(src, &d[4], "bel ons"), "bel ons");
        assert_eq!(file_text(src, &d[4], "slot"), "slot");
        assert_eq!(file_text(src, &d[7], "nul"), "nul");
        let at = d[3].text.find("bel ons").unwrap();
        assert!(d[3].map.is_contiguous(at, at + 7));
        assert!(
            !d[4]
                .map
                .is_contiguous(0, d[4].text.find("bel").unwrap() + 3)
        );
    }

    #[test]
    fn properties_flow_collections_and_trailing_comments() {
        let src = "- text: \"Bel ons\" # c1\n  id: !!str 12\n- text: &anc 'Mail ''ons''' # c2\n- text: &q |\n    Bel ons\n  # c3\n- text: !!str >-\n    Mail\n    ons\n- {text: \"Bel \\\"ons\\\"\" , id: [x, 'y' ]}\n- text: *anc\n";
        let d = docs(src);
        let text: Vec<_> = d.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(
            text,
            [
                "Bel ons",
                "Mail 'ons'",
                "Bel ons\n",
                "Mail ons",
                "Bel \"ons\"",
                "Mail 'ons'"
            ]
        );
        assert!(d.iter().all(traced));
        assert_eq!(d[0].id.as_deref(), Some("12"));
        assert_eq!(file_text(src, &d[0], "Bel ons"), "Bel ons");
        assert_eq!(file_text(src, &d[1], "'ons'"), "''ons''");
        assert_eq!(file_text(src, &d[2], "Bel ons"), "Bel ons");
        assert_eq!(file_text(src, &d[3], "Mail ons"), "Mail\n    ons");
        assert_eq!(file_text(src, &d[4], "\"ons\""), "\\\"ons\\\"");
        // An alias is the anchored text, found where the anchor is.
        assert_eq!(file_text(src, &d[5], "'ons'"), "''ons''");
    }

    #[test]
    fn comments_in_a_record_are_its_suppressions() {
        let src = "# webcare-lint: allow g1 -- file header, no record\n- name: a\n  # webcare-lint: allow channel/redirect-phone -- bellen mag hier\n  body: \"# not a comment\" # webcare-lint: allow g5\n- name: b\n  body: |\n    # webcare-lint: allow x -- in the text\n  webcare-lint-allow:\n    channel/dm: DM is nodig\n";
        let d = docs(src);
        let s = &d[0].suppressions;
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].ids, ["channel/redirect-phone"]);
        assert_eq!(s[0].reason.as_deref(), Some("bellen mag hier"));
        assert!(src[s[0].start..s[0].end].starts_with("# webcare-lint: allow channel"));
        assert!(src[s[0].start..s[0].end].ends_with("hier"));
        assert_eq!(
            (s[1].ids.as_slice(), s[1].reason.as_deref()),
            (&["g5".to_string()][..], None)
        );
        assert_eq!(d[1].text, "# webcare-lint: allow x -- in the text\n");
        let s = &d[1].suppressions;
        assert_eq!(s.len(), 1);
        assert_eq!(&src[s[0].start..s[0].end], "channel/dm: DM is nodig");
    }

    #[test]
    fn maps_and_multibyte_offsets() {
        let src =
            "ëën: Bel ons 😀 even\ntwee:\n  tekst: \"😀 Bel\"\n  in-reply-to: Waar blijft het?\n";
        let d = docs(src);
        assert_eq!(d[0].id.as_deref(), Some("ëën"));
        assert_eq!(file_text(src, &d[0], "even"), "even");
        assert_eq!(file_text(src, &d[1], "Bel"), "Bel");
        assert_eq!(d[1].in_reply_to.as_deref(), Some("Waar blijft het?"));
    }

    #[test]
    fn crlf_sources() {
        let src = "- text: |\r\n    Bel ons\r\n    even\r\n- text: Hoi\r\n    daar\r\n";
        let d = docs(src);
        assert_eq!(d[0].text, "Bel ons\neven\n");
        assert_eq!(d[1].text, "Hoi daar");
        assert!(traced(&d[0]) && traced(&d[1]));
        assert_eq!(file_text(src, &d[0], "even"), "even");
        assert_eq!(file_text(src, &d[1], "daar"), "daar");
    }

    #[test]
    fn malformed_yaml_is_an_error_with_an_offset() {
        for src in [
            "- a: b\n c: d\n  - e",
            "key: \"unterminated\n",
            "a: [1, 2\n",
            "- 'x' y\n",
            "a:\n\t- b\n",
            "{a: 1, a: }: [\n",
            "&a [*a, *b]\n",
            "- |\n  x\n y: z\n",
        ] {
            match split(src, &LibraryOptions::default()) {
                Err(e) => {
                    assert!(e.message.starts_with("invalid YAML") || !e.message.is_empty());
                    assert!(e.offset.is_some_and(|o| o <= src.len()), "{src:?}: {e:?}");
                }
                Ok(d) => panic!("{src:?} parsed: {d:?}"),
            }
        }
        assert!(docs("").is_empty());
        assert!(docs("# alleen commentaar\n").is_empty());
    }

    #[test]
    fn anchors_and_several_documents() {
        let src = "---\nid: a\ntext: &t Bel ons\n---\nid: b\ntext: *t\n";
        let d = docs(src);
        assert_eq!(d.len(), 2);
        assert_eq!(d[1].text, "Bel ons");
        assert_eq!(d[1].id.as_deref(), Some("b"));
    }
}
