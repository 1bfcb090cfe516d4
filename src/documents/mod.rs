//! Files → replies ("documents"). Each document carries its text and a map from offsets in
//! that text back to byte offsets in the file as read, so diagnostics point at the file.

mod markdown;

use std::path::Path;

/// Maps offsets in a document's text to offsets in its file: a sorted list of pieces
/// `(doc_offset, file_offset)`, each shifting the document offsets from it on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetMap {
    pieces: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// The document is the file's bytes from `base` on, unchanged.
    pub fn shifted(base: usize) -> OffsetMap {
        OffsetMap {
            pieces: vec![(0, base)],
        }
    }

    /// Built from pieces sorted by document offset.
    pub fn from_pieces(pieces: Vec<(usize, usize)>) -> OffsetMap {
        debug_assert!(pieces.windows(2).all(|w| w[0].0 <= w[1].0));
        OffsetMap { pieces }
    }

    pub fn to_file(&self, doc: usize) -> usize {
        let i = self
            .pieces
            .partition_point(|p| p.0 <= doc)
            .saturating_sub(1);
        let (d, f) = self.pieces.get(i).copied().unwrap_or((0, 0));
        f + (doc - d.min(doc))
    }

    /// Whether document offsets map one to one onto file bytes (no escapes in between), so
    /// an edit of the document can be made in the file itself.
    pub fn is_contiguous(&self, start: usize, end: usize) -> bool {
        self.to_file(end) - self.to_file(start) == end - start
            && self.pieces.iter().all(|&(d, _)| d <= start || d >= end)
    }
}

/// One reply of a file.
#[derive(Debug, Clone)]
pub struct Document {
    /// The reply's id inside a library; `None` for a file that is one reply.
    pub id: Option<String>,
    pub text: String,
    pub map: OffsetMap,
}

/// How a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
}

impl Format {
    /// The format a directory walk reads a file in, by extension; `None` to skip the file.
    pub fn for_walk(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
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
pub fn split(format: Format, source: &str) -> Result<Vec<Document>, ParseError> {
    match format {
        Format::Text => Ok(vec![Document {
            id: None,
            text: source.to_string(),
            map: OffsetMap::shifted(0),
        }]),
        Format::Markdown => Ok(markdown::split(source)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
