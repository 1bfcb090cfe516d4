//! Shared by the JSON, JSONL and YAML readers: a value tree whose nodes know their byte range
//! in the file and whose strings carry their decoded text with a map back to the file, and
//! how the replies ("records") of a library are found in such a tree.
//!
//! Shapes: a list of records; a map of id → record or id → string; a wrapper such as
//! `{replies: [...]}`; a Zendesk macro export (`{macros: [{id, title, actions: [...]}]}`).

use super::{Document, LibraryOptions, OffsetMap, ParseError, Suppression};

/// Decoded text with the map from its offsets back to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Text {
    pub text: String,
    pub map: OffsetMap,
}

/// Builds decoded text and its [`OffsetMap`] piece by piece: bytes copied from the file
/// (`raw`) continue the current piece, anything decoded (an escape, a folded line break)
/// starts a new one, so a span across it is never taken as contiguous.
#[derive(Debug)]
pub(super) struct TextBuilder {
    text: String,
    pieces: Vec<(usize, usize)>,
    /// The file offset the next raw byte must have to continue the current piece.
    next: Option<usize>,
}

impl TextBuilder {
    /// An empty text that starts at file offset `start`.
    pub fn new(start: usize) -> TextBuilder {
        TextBuilder::with_capacity(start, 0, 1)
    }

    /// As [`TextBuilder::new`], with room for `bytes` of text in `pieces` pieces.
    pub fn with_capacity(start: usize, bytes: usize, pieces: usize) -> TextBuilder {
        let mut map = Vec::with_capacity(pieces.max(1));
        map.push((0, start));
        TextBuilder {
            text: String::with_capacity(bytes),
            pieces: map,
            next: Some(start),
        }
    }

    fn piece(&mut self, file: usize) {
        let doc = self.text.len();
        match self.pieces.last_mut() {
            Some(last) if last.0 == doc => last.1 = file,
            _ => self.pieces.push((doc, file)),
        }
    }

    /// Appends `s`, which stands byte for byte in the file from offset `file` on.
    pub fn raw(&mut self, s: &str, file: usize) {
        if s.is_empty() {
            return;
        }
        if self.next != Some(file) {
            self.piece(file);
        }
        self.text.push_str(s);
        self.next = Some(file + s.len());
    }

    /// Appends `s`, decoded from the file's bytes that start at `file` (an escape, a folded
    /// line break); it maps to that start.
    pub fn decoded(&mut self, s: &str, file: usize) {
        if s.is_empty() {
            return;
        }
        self.piece(file);
        self.text.push_str(s);
        self.next = None;
    }

    /// Appends the characters of `from[range]`, each at the file offset `from` maps it to.
    pub fn copy(&mut self, from: &Text, start: usize, end: usize) {
        for (i, c) in from.text[start..end].char_indices() {
            let at = start + i;
            let file = from.map.to_file(at);
            let next_file = from.map.to_file(at + c.len_utf8());
            let mut buf = [0; 4];
            if next_file == file + c.len_utf8() {
                self.raw(c.encode_utf8(&mut buf), file);
            } else {
                self.decoded(c.encode_utf8(&mut buf), file);
            }
        }
    }

    /// The text; `end` is the file offset just after its last source byte.
    pub fn finish(mut self, end: usize) -> Text {
        if !self.text.is_empty() && self.next != Some(end) {
            self.piece(end);
        }
        Text {
            text: self.text,
            map: OffsetMap::from_pieces(self.pieces),
        }
    }
}

impl Text {
    /// A text that is the file's bytes from `start` on, unchanged.
    pub fn raw(text: &str, start: usize) -> Text {
        Text {
            text: text.to_string(),
            map: OffsetMap::shifted(start),
        }
    }

    /// A text whose source could not be traced byte for byte: every offset maps to `start`,
    /// so findings point at the value's start and no fix is applied in the file.
    pub fn untraced(text: String, start: usize) -> Text {
        let mut pieces = vec![(0, start)];
        pieces.extend(text.char_indices().skip(1).map(|(i, _)| (i, start)));
        pieces.push((text.len(), start));
        Text {
            text,
            map: OffsetMap::from_pieces(pieces),
        }
    }
}

/// A value with its byte range in the file.
#[derive(Debug, Clone)]
pub(super) struct Node {
    pub start: usize,
    pub end: usize,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub(super) enum Value {
    Null,
    Str(Text),
    /// A number or boolean, as written.
    Other(String),
    List(Vec<Node>),
    /// Entries in file order.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The string, when the node is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(t) => Some(&t.text),
            _ => None,
        }
    }

    /// A string, number or boolean as a string (ids: numbers as strings).
    fn scalar(&self) -> Option<String> {
        match &self.value {
            Value::Str(t) => Some(t.text.clone()),
            Value::Other(s) => Some(s.clone()),
            _ => None,
        }
    }

    fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The value of key `name` in a map: the exact key, else one that differs in case.
    fn get(&self, name: &str) -> Option<&Node> {
        let entries = self.entries();
        entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(name))
            .or_else(|| {
                entries
                    .iter()
                    .find(|(k, _)| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(name)))
            })
            .map(|(_, v)| v)
    }

    /// The value at a dotted key path (`content.body`; a number indexes a list).
    fn path(&self, path: &str) -> Option<&Node> {
        path.split('.')
            .try_fold(self, |node, seg| match &node.value {
                Value::Map(_) => node.get(seg),
                Value::List(items) => seg.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            })
    }
}

/// Default keys of a record's text, in order of preference (case-insensitive).
pub(super) const TEXT_FIELDS: &[&str] = &[
    "text", "body", "reply", "content", "message", "value", "antwoord", "tekst", "template",
];
/// Default keys of a record's id.
pub(super) const ID_FIELDS: &[&str] = &["id", "name", "title", "naam", "titel", "slug", "key"];
/// Keys of the customer's message a record answers.
pub(super) const IN_REPLY_TO_FIELDS: &[&str] = &["in_reply_to", "in-reply-to", "customer_message"];
/// The record key that maps rule ids to reasons.
pub(super) const ALLOW_KEY: &str = "webcare-lint-allow";
/// Keys whose list holds the records (`{replies: [...]}`, a Zendesk `{macros: [...]}`).
const WRAPPERS: &[&str] = &[
    "replies",
    "macros",
    "templates",
    "saved_replies",
    "savedReplies",
    "responses",
    "canned_responses",
    "snippets",
    "items",
    "records",
    "entries",
    "data",
];

/// A reply and the byte range of its record (comments in that range belong to it).
#[derive(Debug)]
pub(super) struct Record {
    pub doc: Document,
    pub start: usize,
    pub end: usize,
}

fn error(message: String, offset: usize) -> ParseError {
    ParseError {
        message,
        offset: Some(offset),
    }
}

/// The replies in a whole file's value, by its shape.
pub(super) fn records(root: &Node, opts: &LibraryOptions) -> Result<Vec<Record>, ParseError> {
    match &root.value {
        Value::List(items) => list(items, root.end, opts),
        Value::Map(entries) => {
            for (k, v) in entries {
                let Some(name) = k.as_str() else { continue };
                if let Value::List(items) = &v.value
                    && WRAPPERS.iter().any(|w| name.eq_ignore_ascii_case(w))
                {
                    return list(items, v.end, opts);
                }
                // A single Zendesk macro: {"macro": {...}}.
                if name == "macro" && matches!(v.value, Value::Map(_)) && v.get("actions").is_some()
                {
                    return Ok(record(v, None, 1, opts)?
                        .map(|doc| Record {
                            doc,
                            start: v.start,
                            end: v.end,
                        })
                        .into_iter()
                        .collect());
                }
            }
            if is_single_record(root, opts) {
                return Ok(record(root, None, 1, opts)?
                    .map(|doc| Record {
                        doc,
                        start: root.start,
                        end: root.end,
                    })
                    .into_iter()
                    .collect());
            }
            keyed(entries, root.end, opts)
        }
        Value::Str(t) => Ok(vec![Record {
            doc: document(None, t.clone()),
            start: root.start,
            end: root.end,
        }]),
        Value::Null => Ok(Vec::new()),
        Value::Other(_) => Err(error(
            "expected a list or a map of replies, found a single number or boolean".into(),
            root.start,
        )),
    }
}

/// A map that is itself one reply: it has a text field and an id field with scalar values,
/// and no map values (which would make it a map of id → record).
fn is_single_record(node: &Node, opts: &LibraryOptions) -> bool {
    if node
        .entries()
        .iter()
        .any(|(_, v)| matches!(v.value, Value::Map(_)))
    {
        return false;
    }
    let text = match &opts.text_field {
        Some(path) => node.path(path).is_some_and(|v| v.as_str().is_some()),
        None => TEXT_FIELDS
            .iter()
            .any(|f| node.get(f).is_some_and(|v| v.as_str().is_some())),
    };
    let id = match &opts.id_field {
        Some(path) => node.path(path).and_then(Node::scalar).is_some(),
        None => ID_FIELDS
            .iter()
            .any(|f| node.get(f).and_then(Node::scalar).is_some()),
    };
    text && id
}

/// Records of a list (a JSON array, the lines of a JSONL file, a YAML sequence); `end` is
/// where the list ends.
pub(super) fn list(
    items: &[Node],
    end: usize,
    opts: &LibraryOptions,
) -> Result<Vec<Record>, ParseError> {
    list_from(items, end, opts, 0)
}

/// As [`list`], for items that follow `before` others of the same list (their positions,
/// the fallback ids `#n`, count on from there).
pub(super) fn list_from(
    items: &[Node],
    end: usize,
    opts: &LibraryOptions,
    before: usize,
) -> Result<Vec<Record>, ParseError> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if let Some(doc) = record(item, None, before + i + 1, opts)? {
            out.push(Record {
                doc,
                start: item.start,
                end: items.get(i + 1).map_or(end, |n| n.start),
            });
        }
    }
    Ok(out)
}

/// Records of a map of id → record or id → string. Keys starting with `_` or `$` are
/// metadata (`_expect`, `$schema`), and values that are neither maps nor strings are skipped.
fn keyed(
    entries: &[(Node, Node)],
    end: usize,
    opts: &LibraryOptions,
) -> Result<Vec<Record>, ParseError> {
    let mut out = Vec::new();
    let kept: Vec<&(Node, Node)> = entries
        .iter()
        .filter(|(k, v)| {
            k.scalar()
                .is_some_and(|k| !k.starts_with('_') && !k.starts_with('$'))
                && matches!(v.value, Value::Str(_) | Value::Map(_) | Value::Null)
        })
        .collect();
    for (i, (k, v)) in kept.iter().enumerate() {
        if let Some(doc) = record(v, Some(k), i + 1, opts)? {
            out.push(Record {
                doc,
                start: k.start,
                end: kept.get(i + 1).map_or(end, |(k, _)| k.start),
            });
        }
    }
    Ok(out)
}

fn document(id: Option<String>, text: Text) -> Document {
    Document {
        id,
        text: text.text,
        map: text.map,
        suppressions: Vec::new(),
        in_reply_to: None,
    }
}

/// One record: a string, a null (an empty reply) or a map. `None` for a Zendesk macro that
/// writes no comment (it sets tags or a status only).
fn record(
    node: &Node,
    key: Option<&Node>,
    position: usize,
    opts: &LibraryOptions,
) -> Result<Option<Document>, ParseError> {
    let key_id = key.and_then(Node::scalar);
    let fallback_id = || key_id.clone().unwrap_or_else(|| format!("#{position}"));
    match &node.value {
        Value::Str(t) => return Ok(Some(document(Some(fallback_id()), t.clone()))),
        Value::Null => {
            return Ok(Some(document(
                Some(fallback_id()),
                Text::raw("", node.start),
            )));
        }
        Value::List(_) | Value::Other(_) => {
            return Err(error(
                format!(
                    "reply {} is not a map (a record) or a string",
                    fallback_id()
                ),
                node.start,
            ));
        }
        Value::Map(_) => {}
    }
    // The id: the configured field, the map's key, a default field, the position.
    let configured = opts
        .id_field
        .as_deref()
        .and_then(|p| node.path(p))
        .and_then(Node::scalar)
        .filter(|s| !s.is_empty());
    let id = configured
        .or(key_id.clone())
        .or_else(|| {
            ID_FIELDS
                .iter()
                .filter_map(|f| node.get(f).and_then(Node::scalar))
                .find(|s| !s.is_empty())
        })
        .unwrap_or_else(|| format!("#{position}"));

    let text = match &opts.text_field {
        Some(path) => match node.path(path) {
            Some(Node {
                value: Value::Str(t),
                ..
            }) => t.clone(),
            Some(Node {
                value: Value::Null,
                start,
                ..
            }) => Text::raw("", *start),
            Some(other) => {
                return Err(error(
                    format!("the text field `{path}` of reply {id} is not a string"),
                    other.start,
                ));
            }
            None => {
                return Err(error(
                    format!(
                        "reply {id} has no text field `{path}` (set by `text-field` under [library])"
                    ),
                    node.start,
                ));
            }
        },
        None => {
            let field = TEXT_FIELDS
                .iter()
                .filter_map(|f| node.get(f))
                .find(|v| matches!(v.value, Value::Str(_) | Value::Null));
            match field {
                Some(Node {
                    value: Value::Str(t),
                    ..
                }) => t.clone(),
                Some(v) => Text::raw("", v.start),
                None => match zendesk_comment(node) {
                    Some(Some(t)) => t,
                    Some(None) => return Ok(None),
                    None => {
                        return Err(error(
                            format!(
                                "reply {id} has no text field: looked for {}; set `text-field` under [library] in the config",
                                TEXT_FIELDS.join(", ")
                            ),
                            node.start,
                        ));
                    }
                },
            }
        }
    };
    let mut doc = document(Some(id), text);
    doc.in_reply_to = IN_REPLY_TO_FIELDS
        .iter()
        .find_map(|f| node.get(f).and_then(Node::as_str))
        .map(str::to_string);
    if let Some(allow) = node
        .entries()
        .iter()
        .find(|(k, _)| k.as_str() == Some(ALLOW_KEY))
    {
        doc.suppressions = allow_entries(&allow.0, &allow.1)?;
    }
    Ok(Some(doc))
}

/// A Zendesk macro's reply: the value of its `comment_value` or `comment_value_html` action
/// (HTML tags blanked). `None` when the record has no `actions`; `Some(None)` when none of
/// its actions writes a comment.
fn zendesk_comment(node: &Node) -> Option<Option<Text>> {
    let Value::List(actions) = &node.get("actions")?.value else {
        return None;
    };
    for action in actions {
        let field = action.get("field").and_then(Node::as_str);
        let html = match field {
            Some("comment_value") => false,
            Some("comment_value_html") => true,
            _ => continue,
        };
        let Some(value) = action.get("value") else {
            continue;
        };
        // The value is a string, or (older exports) a list whose last string is the comment.
        let text = match &value.value {
            Value::Str(t) => t,
            Value::List(items) => match items.iter().rev().find_map(|n| match &n.value {
                Value::Str(t) => Some(t),
                _ => None,
            }) {
                Some(t) => t,
                None => continue,
            },
            _ => continue,
        };
        return Some(Some(if html { blank_html(text) } else { text.clone() }));
    }
    Some(None)
}

/// `webcare-lint-allow: {rule-id: reason, ...}` → one suppression per entry (a key may list
/// several ids, comma-separated); a list of ids is accepted too (without reasons).
fn allow_entries(key: &Node, value: &Node) -> Result<Vec<Suppression>, ParseError> {
    let ids = |s: &str| -> Vec<String> {
        s.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    match &value.value {
        Value::Map(entries) => Ok(entries
            .iter()
            .filter_map(|(k, v)| {
                let reason = v.as_str().map(str::trim).filter(|r| !r.is_empty());
                Some(Suppression {
                    ids: ids(&k.scalar()?),
                    reason: reason.map(str::to_string),
                    start: k.start,
                    end: v.end.max(k.end),
                })
            })
            .collect()),
        Value::List(items) => Ok(items
            .iter()
            .filter_map(|n| {
                Some(Suppression {
                    ids: ids(&n.scalar()?),
                    reason: None,
                    start: n.start,
                    end: n.end,
                })
            })
            .collect()),
        Value::Null => Ok(Vec::new()),
        _ => Err(error(
            format!("`{ALLOW_KEY}` must map rule ids to reasons"),
            key.start,
        )),
    }
}

/// HTML tags blanked to spaces (a block tag's first byte becomes a line break) and common
/// entities decoded, keeping every offset's way back to the file (a tag's blanks map onto
/// the tag byte for byte when it holds no escapes).
pub(super) fn blank_html(t: &Text) -> Text {
    let s = t.text.as_str();
    let mut b = TextBuilder::new(t.map.to_file(0));
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let c = rest.chars().next().unwrap_or(' ');
        if c == '<'
            && rest[1..]
                .chars()
                .next()
                .is_some_and(|n| n.is_ascii_alphabetic() || n == '/' || n == '!')
        {
            let len = if rest.starts_with("<!--") {
                rest.find("-->").map_or(rest.len(), |e| e + 3)
            } else {
                rest.find('>').map_or(rest.len(), |e| e + 1)
            };
            let name: String = rest[1..len]
                .trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            let block = matches!(
                name.as_str(),
                "br" | "p"
                    | "div"
                    | "li"
                    | "ul"
                    | "ol"
                    | "tr"
                    | "h1"
                    | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
                    | "blockquote"
                    | "hr"
            );
            // The blanks stand for the markup: a piece of their own, so a fix across a
            // tag is never applied in the file (it would drop the tag).
            let blank: String = rest[..len]
                .char_indices()
                .map(|(j, ch)| {
                    if ch == '\n' || (block && j == 0) {
                        "\n".to_string()
                    } else {
                        " ".repeat(ch.len_utf8())
                    }
                })
                .collect();
            b.decoded(&blank, t.map.to_file(i));
            i += len;
            continue;
        }
        if c == '&'
            && let Some((decoded, len)) = entity(rest)
        {
            b.decoded(&decoded.to_string(), t.map.to_file(i));
            i += len;
            continue;
        }
        b.copy(t, i, i + c.len_utf8());
        i += c.len_utf8();
    }
    b.finish(t.map.to_file(s.len()))
}

/// A character entity at the start of `s` (`&amp;`, `&#233;`, `&#xE9;`) and its length.
fn entity(s: &str) -> Option<(char, usize)> {
    let semi = s.bytes().take(12).position(|b| b == b';')?;
    let name = &s[1..semi];
    let c = if let Some(num) = name.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        match char::from_u32(n)? {
            '\u{a0}' => ' ',
            c => c,
        }
    } else {
        match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => ' ',
            "eacute" => 'é',
            "euml" => 'ë',
            "iuml" => 'ï',
            "ouml" => 'ö',
            "uuml" => 'ü',
            "egrave" => 'è',
            "euro" => '€',
            "hellip" => '…',
            "ndash" => '–',
            "mdash" => '—',
            "lsquo" => '‘',
            "rsquo" => '’',
            "ldquo" => '“',
            "rdquo" => '”',
            _ => return None,
        }
    };
    Some((c, semi + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str, start: usize) -> Node {
        Node {
            start,
            end: start + text.len() + 2,
            value: Value::Str(Text::raw(text, start + 1)),
        }
    }

    fn map(entries: Vec<(&str, Node)>, start: usize, end: usize) -> Node {
        Node {
            start,
            end,
            value: Value::Map(entries.into_iter().map(|(k, v)| (s(k, 0), v)).collect()),
        }
    }

    #[test]
    fn builder_maps_raw_and_decoded_pieces() {
        // File: `"a\nb"` — a at 1, the escape at 2..4, b at 4.
        let mut b = TextBuilder::new(1);
        b.raw("a", 1);
        b.decoded("\n", 2);
        b.raw("b", 4);
        let t = b.finish(5);
        assert_eq!(t.text, "a\nb");
        assert_eq!(t.map.to_file(0), 1);
        assert_eq!(t.map.to_file(1), 2);
        assert_eq!(t.map.to_file(2), 4);
        assert_eq!(t.map.to_file(3), 5);
        assert!(t.map.is_contiguous(0, 1));
        assert!(!t.map.is_contiguous(0, 3));
        assert!(!t.map.is_contiguous(1, 2));
    }

    #[test]
    fn untraced_text_points_at_its_start() {
        let t = Text::untraced("abc".into(), 7);
        assert_eq!(t.map.to_file(2), 7);
        assert_eq!(t.map.to_file(3), 7);
        assert!(!t.map.is_contiguous(0, 3));
    }

    #[test]
    fn list_of_records_uses_default_fields_and_positions() {
        let root = Node {
            start: 0,
            end: 100,
            value: Value::List(vec![
                map(
                    vec![("Title", s("Retour", 10)), ("Body", s("Bel ons", 20))],
                    5,
                    40,
                ),
                map(vec![("tekst", s("Hoi", 50))], 45, 60),
                s("Los", 70),
            ]),
        };
        let recs = records(&root, &LibraryOptions::default()).unwrap();
        let ids: Vec<_> = recs.iter().map(|r| r.doc.id.clone().unwrap()).collect();
        assert_eq!(ids, ["Retour", "#2", "#3"]);
        assert_eq!(recs[0].doc.text, "Bel ons");
        assert_eq!(recs[0].doc.map.to_file(0), 21);
        assert_eq!((recs[1].start, recs[1].end), (45, 70));
    }

    #[test]
    fn key_paths_override_defaults() {
        let content = map(vec![("body", s("Tekst", 30))], 25, 40);
        let meta = map(vec![("slug", s("welkom", 10))], 5, 20);
        let root = Node {
            start: 0,
            end: 50,
            value: Value::List(vec![map(vec![("meta", meta), ("content", content)], 1, 45)]),
        };
        let opts = LibraryOptions {
            id_field: Some("meta.slug".into()),
            text_field: Some("content.body".into()),
            ..Default::default()
        };
        let recs = records(&root, &opts).unwrap();
        assert_eq!(recs[0].doc.id.as_deref(), Some("welkom"));
        assert_eq!(recs[0].doc.text, "Tekst");
        let err = records(&root, &LibraryOptions::default()).unwrap_err();
        assert!(err.message.contains("no text field"), "{}", err.message);
    }

    #[test]
    fn html_tags_are_blanked_and_entities_decoded() {
        let src = "<p>Bel&nbsp;ons &amp; mail</p>";
        let t = blank_html(&Text::raw(src, 100));
        assert_eq!(t.text, "\n  Bel ons & mail\n   ");
        let at = t.text.find("ons").unwrap();
        assert_eq!(t.map.to_file(at), 100 + src.find("ons").unwrap());
        let m = t.text.find("mail").unwrap();
        assert_eq!(t.map.to_file(m), 100 + src.find("mail").unwrap());
        assert!(t.map.is_contiguous(m, m + 4));
        assert!(!t.map.is_contiguous(0, m));
    }
}
