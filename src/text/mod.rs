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
        let mut b = Builder::new(text);
        // The common case: the segmenter's step inlined into this loop.
        let mut segments = segment::segments(text);
        for (from, to, word) in &mut segments {
            b.segment(from, &text[from..to], word);
        }
        if segments.foreign() {
            // A character the segmenter leaves to `unicode-segmentation`: start over.
            b = Builder::new(text);
            segment::for_each_bound(text, |start, segment, is_word| {
                b.segment(start, segment, is_word)
            });
        }
        Analysis {
            text,
            words: b.words,
            // Whole words, each folded to whole characters.
            folded: String::from_utf8(b.folded).expect("folded words are UTF-8"),
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

/// Builds the words of an [`Analysis`] from the segments of its text, in order.
struct Builder<'t> {
    text: &'t str,
    words: Vec<Word>,
    /// The folded words, one after another.
    folded: Vec<u8>,
    sentence: u32,
    clause: u32,
    /// A stop or clause mark was seen: the next word starts a sentence or a clause.
    pending_break: bool,
    pending_clause: bool,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Builder<'t> {
        Builder {
            text,
            words: Vec::with_capacity(text.len() / 5),
            folded: Vec::with_capacity(text.len()),
            sentence: 0,
            clause: 0,
            pending_break: false,
            pending_clause: false,
        }
    }

    /// Called for every segment: inlined into the segmenter's loop, so its common cases (a
    /// word, a space, one ASCII mark) cost no call.
    #[inline(always)]
    fn segment(&mut self, start: usize, segment: &str, is_word: bool) {
        if !is_word {
            match segment.as_bytes() {
                // Most non-word segments are runs of spaces (which end nothing) or one
                // ASCII mark.
                [b' ', ..] => {}
                [b'!' | b'?' | b'\n'] => self.pending_break = true,
                // An abbreviation's dot ends nothing.
                [b'.'] => self.pending_break |= !self.follows_abbreviation(),
                [b':' | b';'] => self.pending_clause = true,
                [b'-'] => self.pending_clause |= self.text[..start].ends_with(char::is_whitespace),
                [_] => {}
                _ => self.marks(segment),
            }
            return;
        }
        if self.pending_break {
            self.sentence += 1;
            self.clause += 1;
            self.pending_break = false;
            self.pending_clause = false;
        } else if self.pending_clause {
            self.clause += 1;
            self.pending_clause = false;
        }
        let from = self.folded.len() as u32;
        fold::fold_bytes(segment, &mut self.folded);
        self.words.push(Word {
            start,
            end: start + segment.len(),
            folded: (from, self.folded.len() as u32),
            sentence: self.sentence,
            clause: self.clause,
            mask: Mask::NONE,
        });
    }

    /// A non-word segment of more than one byte: `\r\n`, a typographic mark, an emoji.
    #[inline(never)]
    fn marks(&mut self, segment: &str) {
        if segment.contains(['!', '?', '\n', '…'])
            || (segment.contains('.') && !self.follows_abbreviation())
        {
            self.pending_break = true;
        } else if segment.contains([':', ';', '\u{2013}', '\u{2014}']) {
            self.pending_clause = true;
        }
    }

    /// Whether the last word is an abbreviation (`bijv.`, `z.s.m.`): then a `.` after it does
    /// not end the sentence.
    fn follows_abbreviation(&self) -> bool {
        let Some(w) = self.words.last() else {
            return false;
        };
        let last = &self.folded[w.folded.0 as usize..w.folded.1 as usize];
        last.contains(&b'.') || ABBREVIATIONS.iter().any(|a| a.as_bytes() == last)
    }
}

/// Dutch abbreviations whose dot does not end a sentence.
const ABBREVIATIONS: [&str; 24] = [
    "bijv", "bv", "evt", "ca", "nr", "dhr", "mevr", "mw", "tel", "incl", "excl", "etc", "enz",
    "vs", "st", "resp", "max", "min", "ong", "blz", "vgl", "mr", "dr", "ir",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn folded_words(text: &str) -> Vec<String> {
        let a = Analysis::new(text);
        (0..a.words.len())
            .map(|i| a.folded(i).to_string())
            .collect()
    }

    /// The words as the segmenter's callback path gives them, through the same builder.
    fn by_callback(text: &str) -> Vec<(usize, usize, String, u32, u32)> {
        let mut b = Builder::new(text);
        segment::for_each_bound(text, |start, segment, is_word| {
            b.segment(start, segment, is_word)
        });
        let folded = String::from_utf8(b.folded).unwrap();
        b.words
            .iter()
            .map(|w| {
                let f = folded[w.folded.0 as usize..w.folded.1 as usize].to_string();
                (w.start, w.end, f, w.sentence, w.clause)
            })
            .collect()
    }

    #[test]
    fn a_character_outside_the_table_anywhere_gives_the_same_words() {
        // A skin-tone emoji, a combining accent and a joiner sequence are outside the
        // segmenter's table: wherever one stands, the analysis starts over on the slow path.
        for foreign in ["👍🏽", "e\u{301}", "👩\u{200D}💻"] {
            for text in [
                format!("{foreign} Bel ons: nu. Dag!"),
                format!("Hoi Sanne. Bel {foreign} ons\nmaar z.s.m. - ok"),
                format!("Wordt bijv. morgen; klaar {foreign}"),
                "Géén “quote” – en… €10,50 😀 ❶".to_string(),
            ] {
                let a = Analysis::unmasked(&text);
                let ours: Vec<_> = a
                    .words
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        (
                            w.start,
                            w.end,
                            a.folded(i).to_string(),
                            w.sentence,
                            w.clause,
                        )
                    })
                    .collect();
                assert_eq!(ours, by_callback(&text), "{text:?}");
            }
        }
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
