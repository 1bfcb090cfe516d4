//! Files → replies ("documents"). Each document carries its text and a map from offsets in
//! that text back to byte offsets in the file as read, so diagnostics point at the file.

mod csv;
mod json;
mod markdown;
mod records;
mod suppress;
mod yaml;

pub use suppress::{Suppression, parse_comment};

use std::path::Path;

/// Maps offsets in a document's text to offsets in its file: a sorted list of pieces
/// `(doc_offset, file_offset)`, each shifting the document offsets from it on. A document
/// that is its file's bytes unchanged (most replies) has the one piece `(0, base)`, kept
/// without a list.
#[derive(Debug, Clone)]
pub struct OffsetMap {
    /// With no pieces: the file offset of document offset 0.
    base: usize,
    pieces: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// The document is the file's bytes from `base` on, unchanged.
    pub fn shifted(base: usize) -> OffsetMap {
        OffsetMap {
            base,
            pieces: Vec::new(),
        }
    }

    /// Built from pieces sorted by document offset.
    pub fn from_pieces(pieces: Vec<(usize, usize)>) -> OffsetMap {
        debug_assert!(pieces.windows(2).all(|w| w[0].0 <= w[1].0));
        OffsetMap { base: 0, pieces }
    }

    /// Its pieces, a shifted map's one piece written into `one` (no list is made).
    fn all_pieces<'a>(&'a self, one: &'a mut [(usize, usize); 1]) -> &'a [(usize, usize)] {
        if self.pieces.is_empty() {
            one[0] = (0, self.base);
            one
        } else {
            &self.pieces
        }
    }

    pub fn to_file(&self, doc: usize) -> usize {
        if self.pieces.is_empty() {
            return self.base + doc;
        }
        let i = self
            .pieces
            .partition_point(|p| p.0 <= doc)
            .saturating_sub(1);
        let (d, f) = self.pieces[i];
        f + (doc - d.min(doc))
    }

    /// Whether document offsets map one to one onto file bytes (no escapes in between), so
    /// an edit of the document can be made in the file itself.
    pub fn is_contiguous(&self, start: usize, end: usize) -> bool {
        self.to_file(end) - self.to_file(start) == end - start
            && self.pieces.iter().all(|&(d, _)| d <= start || d >= end)
    }
}

/// Maps are equal when they map every offset alike: a shifted map equals its one piece.
impl PartialEq for OffsetMap {
    fn eq(&self, other: &OffsetMap) -> bool {
        let (mut x, mut y) = ([(0, 0)], [(0, 0)]);
        self.all_pieces(&mut x) == other.all_pieces(&mut y)
    }
}

impl Eq for OffsetMap {}

/// One reply of a file.
#[derive(Debug, Clone)]
pub struct Document {
    /// The reply's id inside a library; `None` for a file that is one reply.
    pub id: Option<String>,
    pub text: String,
    pub map: OffsetMap,
    /// Suppressions that apply to this reply (comments, or a record's `webcare-lint-allow`).
    pub suppressions: Vec<Suppression>,
    /// The customer's message this reply answers, from a library record's field.
    pub in_reply_to: Option<String>,
}

impl Document {
    /// A reply that is the file's bytes from `base` on, unchanged.
    pub fn plain(id: Option<String>, text: String, base: usize) -> Document {
        Document {
            id,
            text,
            map: OffsetMap::shifted(base),
            suppressions: Vec::new(),
            in_reply_to: None,
        }
    }
}

/// Where the replies of a structured library file are (SPEC.md, `[library]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LibraryOptions {
    /// Key path of a record's id (`meta.slug`); default: id, name, title.
    pub id_field: Option<String>,
    /// Key path of a record's text (`content.body`); default: text, body, reply, …
    pub text_field: Option<String>,
    pub csv_text_column: Option<String>,
    pub csv_id_column: Option<String>,
}

/// How a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Yaml,
    Json,
    Jsonl,
    Csv,
}

impl Format {
    /// The format a directory walk reads a file in, by extension; `None` to skip the file.
    pub fn for_walk(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "yml" | "yaml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            "jsonl" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The format of a file named explicitly: any extension is read, as text by default.
    pub fn for_path(path: &Path) -> Format {
        Format::for_walk(path).unwrap_or(Format::Text)
    }
}

/// A file whose replies could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub message: String,
    /// Byte offset of the cause, when known.
    pub offset: Option<usize>,
}

/// Splits a file into its replies.
pub fn split(
    format: Format,
    source: &str,
    options: &LibraryOptions,
) -> Result<Vec<Document>, ParseError> {
    match format {
        Format::Text => Ok(vec![text_reply(source)]),
        Format::Markdown => Ok(markdown::split(source)),
        Format::Yaml => yaml::split(source, options),
        Format::Json => json::split(source, options),
        Format::Jsonl => json::split_lines(source, options),
        Format::Csv => csv::split(source, options),
    }
}

/// The replies of a piece of a JSONL library that starts at a line start: `before` is the
/// number of non-empty lines before it, `at_start` whether it is the file's beginning.
/// Returns the replies (offsets in the piece) and the piece's number of non-empty lines.
pub fn split_jsonl_piece(
    piece: &str,
    options: &LibraryOptions,
    before: usize,
    at_start: bool,
) -> Result<(Vec<Document>, usize), ParseError> {
    json::split_lines_from(piece, options, before, at_start)
}

/// A `.txt` reply: a line of its own `webcare-lint: allow …` is a suppression, blanked from
/// the checked text (offsets stay exact).
fn text_reply(source: &str) -> Document {
    let mut doc = Document::plain(None, source.to_string(), 0);
    if !source.contains("webcare-lint:") {
        return doc;
    }
    let mut text = String::with_capacity(source.len());
    let mut at = 0;
    for line in source.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        let sup = trimmed
            .starts_with("webcare-lint:")
            .then(|| parse_comment(trimmed, at + body.len() - trimmed.len(), at + body.len()))
            .flatten();
        match sup {
            Some(s) => {
                doc.suppressions.push(s);
                text.extend(std::iter::repeat_n(' ', body.len()));
                text.push_str(&line[body.len()..]);
            }
            None => text.push_str(line),
        }
        at += line.len();
    }
    doc.text = text;
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_suppression_lines_are_blanked_and_kept() {
        let src = "Bel ons even.\nwebcare-lint: allow channel -- test\n";
        let doc = text_reply(src);
        assert_eq!(doc.text.len(), src.len());
        assert!(!doc.text.contains("webcare"));
        assert_eq!(doc.suppressions.len(), 1);
        let s = &doc.suppressions[0];
        assert_eq!(&src[s.start..s.end], "webcare-lint: allow channel -- test");
    }

    #[test]
    fn offset_map_shifts_pieces() {
        let m = OffsetMap::from_pieces(vec![(0, 10), (5, 17)]);
        assert_eq!(m.to_file(0), 10);
        assert_eq!(m.to_file(4), 14);
        assert_eq!(m.to_file(5), 17);
        assert_eq!(m.to_file(8), 20);
        assert!(m.is_contiguous(0, 4));
        assert!(!m.is_contiguous(3, 7));
    }

    #[test]
    fn a_shifted_map_maps_as_its_one_piece() {
        let (shifted, piece) = (OffsetMap::shifted(7), OffsetMap::from_pieces(vec![(0, 7)]));
        for doc in [0, 1, 9, 200] {
            assert_eq!(shifted.to_file(doc), piece.to_file(doc));
            assert_eq!(shifted.is_contiguous(0, doc), piece.is_contiguous(0, doc));
        }
        assert_eq!(shifted, piece);
        assert_ne!(shifted, OffsetMap::shifted(8));
    }
}
