//! LanguageTool's `data` parameter: a text as `text` parts (checked) and `markup` parts (not
//! checked, but counted in offsets; `interpretAs` stands in for the markup when checking).

use serde::Deserialize;
use std::ops::Range;

/// The text a client sent (`original`, what offsets count in) and the text that is checked
/// (`plain`), with the pieces that map one onto the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotated {
    pub original: String,
    pub plain: String,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Segment {
    plain: Range<usize>,
    original: Range<usize>,
    /// Text is checked as written; markup is replaced by its `interpretAs` (or nothing).
    is_text: bool,
}

#[derive(Debug, Deserialize)]
struct Data {
    annotation: Vec<Part>,
}

#[derive(Debug, Deserialize)]
struct Part {
    text: Option<String>,
    markup: Option<String>,
    #[serde(rename = "interpretAs")]
    interpret_as: Option<String>,
}

impl Annotated {
    /// A plain `text` parameter: checked as it is.
    pub fn plain(text: String) -> Annotated {
        let len = text.len();
        Annotated {
            plain: text.clone(),
            original: text,
            segments: vec![Segment {
                plain: 0..len,
                original: 0..len,
                is_text: true,
            }],
        }
    }

    /// The `data` parameter, e.g. `{"annotation":[{"text":"Hoi "},{"markup":"<b>"}]}`.
    pub fn from_json(data: &str) -> Result<Annotated, String> {
        let data: Data = serde_json::from_str(data).map_err(|e| {
            format!(
                "parameter `data` is not LanguageTool annotation JSON ({e}); expected \
                 {{\"annotation\":[{{\"text\":\"…\"}},{{\"markup\":\"…\"}}]}}"
            )
        })?;
        let mut out = Annotated {
            original: String::new(),
            plain: String::new(),
            segments: Vec::new(),
        };
        for (i, part) in data.annotation.into_iter().enumerate() {
            let (shown, checked, is_text) = match (part.text, part.markup) {
                (Some(text), None) => (text.clone(), text, true),
                (None, Some(markup)) => (markup, part.interpret_as.unwrap_or_default(), false),
                _ => {
                    return Err(format!(
                        "annotation part {} needs exactly one of `text` or `markup`",
                        i + 1
                    ));
                }
            };
            let (p, o) = (out.plain.len(), out.original.len());
            out.plain.push_str(&checked);
            out.original.push_str(&shown);
            out.segments.push(Segment {
                plain: p..out.plain.len(),
                original: o..out.original.len(),
                is_text,
            });
        }
        Ok(out)
    }

    /// The byte offset in `original` of byte offset `at` of `plain`. An `end` offset at the
    /// border of two parts belongs to the part before it, a start offset to the part after.
    /// An offset inside a markup's stand-in maps to the markup's start (or end, for `end`).
    pub fn to_original(&self, at: usize, end: bool) -> usize {
        let seg = self.segments.iter().find(|s| {
            if end {
                s.plain.start < at && at <= s.plain.end
            } else {
                s.plain.start <= at && at < s.plain.end
            }
        });
        match seg {
            Some(s) if s.is_text => s.original.start + (at - s.plain.start),
            Some(s) if end => s.original.end,
            Some(s) => s.original.start,
            None if at == 0 => 0,
            None => self.original.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_maps_to_itself() {
        let a = Annotated::plain("Bel ons".into());
        assert_eq!(a.to_original(4, false), 4);
        assert_eq!(a.to_original(7, true), 7);
    }

    #[test]
    fn markup_is_skipped_but_counted() {
        let a = Annotated::from_json(
            r#"{"annotation":[{"text":"Hoi! "},{"markup":"<b>"},{"text":"Bel ons"},{"markup":"</b>"}]}"#,
        )
        .unwrap();
        assert_eq!(a.plain, "Hoi! Bel ons");
        assert_eq!(a.original, "Hoi! <b>Bel ons</b>");
        let bel = a.plain.find("Bel").unwrap();
        let start = a.to_original(bel, false);
        let end = a.to_original(a.plain.len(), true);
        assert_eq!(&a.original[start..end], "Bel ons");
    }

    #[test]
    fn interpret_as_stands_in_for_markup() {
        let a = Annotated::from_json(
            r#"{"annotation":[{"text":"Hoi"},{"markup":"<p>","interpretAs":"\n\n"},{"text":"Bel"}]}"#,
        )
        .unwrap();
        assert_eq!(a.plain, "Hoi\n\nBel");
        assert_eq!(a.to_original(4, false), 3);
        assert_eq!(a.to_original(4, true), 6);
        assert_eq!(a.to_original(5, false), 6);
    }

    #[test]
    fn a_part_with_neither_text_nor_markup_is_an_error() {
        let err = Annotated::from_json(r#"{"annotation":[{"text":"a"},{}]}"#).unwrap_err();
        assert!(err.contains("part 2"), "{err}");
        assert!(Annotated::from_json("{not json").is_err());
        assert!(Annotated::from_json(r#"{"text":"a"}"#).is_err());
    }
}
