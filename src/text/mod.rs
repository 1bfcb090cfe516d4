//! Text analysis of one reply: words with byte spans, folded once, grouped in sentences, and
//! marked when they stand in a span that rules may choose to ignore (quotes, URLs, …).

mod fold;
mod masks;
mod segment;

pub use fold::{fold, fold_into};
pub use masks::Mask;

/// Compiles what analysing a reply needs, ahead of the first reply: `check` calls this on
/// the other core while it builds the linter.
pub fn prepare() {
    masks::prepare();
}

/// One word of a reply.
#[derive(Debug, Clone)]
pub struct Word {
    /// Byte offset of the first byte, in the reply's text.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Range of the folded form inside [`Analysis::folded`].
    folded: (u32, u32),
    /// Index of the sentence (or line) the word stands in; `.`, `!`, `?`, `…` and line breaks
    /// end a sentence.
    pub sentence: u32,
    /// Index of the clause: sentences split further at `:`, `;` and dashes. Negation does
    /// not reach across a clause ("Zo lastig is het niet: stuur me je code").
    pub clause: u32,
    /// The kinds of ignorable span the word stands in.
    pub mask: Mask,
}

/// A reply, split into words once, for all rules.
#[derive(Debug)]
pub struct Analysis<'t> {
    pub text: &'t str,
    pub words: Vec<Word>,
    folded: String,
    /// Ignorable byte ranges with their kind, sorted by start.
    pub masked: Vec<(usize, usize, Mask)>,
}

impl<'t> Analysis<'t> {
    pub fn new(text: &'t str) -> Self {
        let mut a = Analysis::unmasked(text);
        a.mask();
        a
    }

    /// The words of `text` as [`Analysis::new`] finds them, but no span masked yet (see
    /// [`Analysis::mask`]): a reply that no rule can hit needs no more.
    pub fn unmasked(text: &'t str) -> Self {
        let mut words = Vec::with_capacity(text.len() / 5);
        let mut folded = String::with_capacity(text.len());
        let mut sentence = 0u32;
        let mut clause = 0u32;
        let mut pending_break = false;
        let mut pending_clause = false;
        segment::for_each_bound(text, |start, segment, is_word| {
            if !is_word {
                // Most non-word segments are runs of spaces (which end nothing) or one
                // character.
                let bytes = segment.as_bytes();
                if bytes[0] == b' ' {
                    return;
                }
                // Most of the rest are one ASCII character: `,`, `.`, `!`, a line break.
                if let [b] = bytes {
                    match b {
                        b'!' | b'?' | b'\n' => pending_break = true,
                        // An abbreviation's dot ends nothing.
                        b'.' if !follows_abbreviation(&folded, &words) => pending_break = true,
                        b':' | b';' => pending_clause = true,
                        b'-' if text[..start].ends_with(char::is_whitespace) => {
                            pending_clause = true
                        }
                        _ => {}
                    }
                    return;
                }
                let ascii = segment.is_ascii();
                let has = |chars: &[char]| {
                    if ascii {
                        segment.bytes().any(|b| chars.contains(&char::from(b)))
                    } else {
                        segment.contains(chars)
                    }
                };
                let stop = has(&['!', '?', '\n', '…'])
                    || (has(&['.']) && !follows_abbreviation(&folded, &words));
                if stop {
                    pending_break = true;
                } else if has(&[':', ';', '\u{2013}', '\u{2014}'])
                    || (segment == "-" && text[..start].ends_with(char::is_whitespace))
                {
                    pending_clause = true;
                }
                return;
            }
            if pending_break {
                sentence += 1;
                clause += 1;
                pending_break = false;
                pending_clause = false;
            } else if pending_clause {
                clause += 1;
                pending_clause = false;
            }
            let end = start + segment.len();
            let from = folded.len() as u32;
            fold_into(segment, &mut folded);
            words.push(Word {
                start,
                end,
                folded: (from, folded.len() as u32),
                sentence,
                clause,
                mask: Mask::NONE,
            });
        });
        Analysis {
            text,
            words,
            folded,
            masked: Vec::new(),
        }
    }

    /// Finds the ignorable spans (quotes, URLs, …) and marks the words in them.
    pub fn mask(&mut self) {
        let masked = masks::find(self.text);
        let mut m = 0usize;
        for w in &mut self.words {
            while m < masked.len() && masked[m].1 <= w.start {
                m += 1;
            }
            // Masked ranges may overlap (a URL inside a quote), so look a little further.
            for &(ms, me, kind) in &masked[m..] {
                if ms > w.start {
                    break;
                }
                if w.start < me {
                    w.mask = w.mask.union(kind);
                }
            }
        }
        self.masked = masked;
    }

    /// The folded form of word `i`.
    pub fn folded(&self, i: usize) -> &str {
        let (a, b) = self.words[i].folded;
        &self.folded[a as usize..b as usize]
    }

    /// Whether byte offset `at` stands in a span of one of the kinds in `mask`.
    pub fn is_masked(&self, at: usize, mask: Mask) -> bool {
        self.masked
            .iter()
            .take_while(|(s, _, _)| *s <= at)
            .any(|&(s, e, kind)| at >= s && at < e && kind.intersects(mask))
    }

    /// The index of the first word starting at or after byte `at`.
    pub fn word_at_or_after(&self, at: usize) -> usize {
        self.words.partition_point(|w| w.start < at)
    }
}

/// Dutch abbreviations whose dot does not end a sentence.
const ABBREVIATIONS: [&str; 24] = [
    "bijv", "bv", "evt", "ca", "nr", "dhr", "mevr", "mw", "tel", "incl", "excl", "etc", "enz",
    "vs", "st", "resp", "max", "min", "ong", "blz", "vgl", "mr", "dr", "ir",
];

/// Whether the word just before a `.` is an abbreviation (`bijv.`, `z.s.m.`), so the dot does
/// not end the sentence.
fn follows_abbreviation(folded: &str, words: &[Word]) -> bool {
    let Some(w) = words.last() else { return false };
    let last = &folded[w.folded.0 as usize..w.folded.1 as usize];
    last.contains('.') || ABBREVIATIONS.contains(&last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded_words(text: &str) -> Vec<String> {
        let a = Analysis::new(text);
        (0..a.words.len())
            .map(|i| a.folded(i).to_string())
            .collect()
    }

    #[test]
    fn splits_words_and_folds_them() {
        assert_eq!(
            folded_words("Bel ons even, óf mail!"),
            ["bel", "ons", "even", "of", "mail"]
        );
    }

    #[test]
    fn keeps_dutch_elisions_inside_words() {
        assert_eq!(folded_words("zo'n auto's"), ["zo'n", "auto's"]);
    }

    #[test]
    fn splits_hyphenated_words_and_times() {
        assert_eq!(
            folded_words("e-mail om 12:00"),
            ["e", "mail", "om", "12", "00"]
        );
    }

    #[test]
    fn numbers_sentences_at_stops_and_line_breaks() {
        let a = Analysis::new("Hoi Sanne. Bel ons\nmaar");
        let s: Vec<u32> = a.words.iter().map(|w| w.sentence).collect();
        assert_eq!(s, [0, 0, 1, 1, 2]);
    }

    #[test]
    fn abbreviation_dots_do_not_end_a_sentence() {
        let a = Analysis::new("Wordt z.s.m. opgepakt, bijv. morgen. Dan klaar");
        let s: Vec<u32> = a.words.iter().map(|w| w.sentence).collect();
        assert_eq!(s, [0, 0, 0, 0, 0, 1, 1]);
    }

    #[test]
    fn colons_and_dashes_start_a_clause() {
        let a = Analysis::new("Niet lastig: stuur het - nu");
        let c: Vec<u32> = a.words.iter().map(|w| w.clause).collect();
        assert_eq!(c, [0, 0, 1, 1, 2]);
    }

    #[test]
    fn marks_quoted_words() {
        let a = Analysis::new("\u{201C}Ik moest bellen\u{201D} klopt niet");
        let quoted: Vec<bool> = a
            .words
            .iter()
            .map(|w| w.mask.contains(Mask::QUOTE))
            .collect();
        assert_eq!(quoted, [true, true, true, false, false]);
    }
}
