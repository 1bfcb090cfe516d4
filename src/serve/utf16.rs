//! Byte offsets → UTF-16 code units, the unit LanguageTool clients count in (JavaScript and
//! Java strings). Offsets stay in bytes inside; this converts at the protocol edge only.

/// Converts byte offsets of one text to UTF-16 offsets in O(log n) each.
#[derive(Debug, Clone)]
pub struct Utf16Index {
    /// For each non-ASCII character: the byte offset just past it and how many more bytes
    /// than UTF-16 units the text has up to there.
    steps: Vec<(usize, usize)>,
}

impl Utf16Index {
    pub fn new(text: &str) -> Utf16Index {
        let mut steps = Vec::new();
        let mut surplus = 0;
        for (at, c) in text.char_indices() {
            if !c.is_ascii() {
                surplus += c.len_utf8() - c.len_utf16();
                steps.push((at + c.len_utf8(), surplus));
            }
        }
        Utf16Index { steps }
    }

    /// The UTF-16 offset of byte offset `byte`, which must be a char boundary.
    pub fn units(&self, byte: usize) -> usize {
        let i = self.steps.partition_point(|s| s.0 <= byte);
        byte - if i == 0 { 0 } else { self.steps[i - 1].1 }
    }
}

/// The UTF-16 length of `text`.
pub fn len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(text: &str, byte: usize) -> usize {
        text[..byte].encode_utf16().count()
    }

    #[test]
    fn ascii_is_unchanged() {
        let idx = Utf16Index::new("Bel ons even");
        assert_eq!(idx.units(0), 0);
        assert_eq!(idx.units(4), 4);
        assert_eq!(idx.units(12), 12);
    }

    #[test]
    fn emoji_counts_two_units() {
        let text = "😀😀 Bel even";
        let idx = Utf16Index::new(text);
        let bel = text.find("Bel").unwrap();
        assert_eq!(bel, 9);
        assert_eq!(idx.units(bel), 5);
    }

    #[test]
    fn matches_naive_count_at_every_boundary() {
        let text = "Hé, privébericht 😊 naar één € en 🇳🇱 vlag\r\nklaar";
        let idx = Utf16Index::new(text);
        for (at, _) in text.char_indices().chain([(text.len(), ' ')]) {
            assert_eq!(idx.units(at), naive(text, at), "at byte {at}");
        }
        assert_eq!(len(text), naive(text, text.len()));
    }
}
