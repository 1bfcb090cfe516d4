//! Word boundaries (Unicode UAX #29), exactly as `unicode-segmentation` finds them, but
//! without its table lookups for the common case.
//!
//! A reply whose characters are all ASCII or in this module's table (Latin-1 letters,
//! typographic quotes and dashes, €, emoji without modifiers) is segmented in one pass over
//! its characters' classes, a run at a time, by the rules of [`bounds`]. Any other reply is cut at boundaries that
//! hold whatever the neighbouring characters are: before a line break or a run of spaces,
//! after a line break, and after a run of spaces that an ASCII character follows (only
//! Extend, Format and ZWJ characters, never ASCII, attach to a space). Pieces of table
//! characters are segmented by the same rules, the others by `unicode-segmentation`. The
//! tests compare both ways on every short string over all word-break classes of ASCII, on
//! every character of the table in every short context, and on random strings with emoji,
//! joiners, diacritics and typographic marks.

use unicode_segmentation::UnicodeSegmentation;

/// Calls `f(start, segment, is_word)` for each segment of `text` between word boundaries, in
/// order: the same segments as `text.split_word_bound_indices()`. `is_word`: the segment
/// holds a letter or digit (`char::is_alphanumeric`).
pub fn for_each_bound<'t>(text: &'t str, mut f: impl FnMut(usize, &'t str, bool)) {
    let b = text.as_bytes();
    // Most replies are ASCII, or ASCII with a few characters of the table (an emoji, an
    // accented letter, a typographic quote): one pass over their classes.
    if b.is_ascii() || in_table(text) {
        return bounds(text, |x, y, word| f(x, &text[x..y], word));
    }
    // Otherwise the text is cut into pieces at boundaries that hold whatever surrounds them;
    // pieces of the table's characters are segmented by the rules below, the others by
    // `unicode-segmentation`.
    let mut from = 0;
    for p in 1..=b.len() {
        if p < b.len() && !splits(b[p - 1], b[p]) {
            continue;
        }
        let piece = &text[from..p];
        if in_table(piece) {
            bounds(piece, |x, y, word| f(from + x, &piece[x..y], word));
        } else {
            for (start, seg) in piece.split_word_bound_indices() {
                f(from + start, seg, seg.chars().any(char::is_alphanumeric));
            }
        }
        from = p;
    }
}

/// Whether every character of `text` is in the table (see [`class_of`]): only those after a
/// byte of 0x80 or more need looking at.
fn in_table(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(k) = b[i..].iter().position(|&c| c >= 0x80) {
        let at = i + k;
        let Some(c) = text[at..].chars().next() else {
            return true;
        };
        if class_of(c).is_none() {
            return false;
        }
        i = at + c.len_utf8();
    }
    true
}

/// The word-break class of the characters this module segments itself; `None` for the
/// others (combining marks, joiners, variation selectors, skin tones, flags, other
/// scripts), which `unicode-segmentation` handles.
fn class_of(c: char) -> Option<u8> {
    Some(match c {
        '\0'..='\u{7F}' => CLASS[c as usize],
        // Latin-1 letters (not × and ÷).
        '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{FF}' => LETTER,
        '\u{2018}' | '\u{2019}' => MID_NUM_LET,
        // « » – — “ ” „ … €
        '\u{AB}' | '\u{BB}' | '\u{2013}' | '\u{2014}' | '\u{201C}' | '\u{201D}' | '\u{201E}'
        | '\u{2026}' | '\u{20AC}' => OTHER,
        // Emoji and symbols, without the skin-tone modifiers (1F3FB..1F3FF).
        '\u{2600}'..='\u{27BF}'
        | '\u{1F300}'..='\u{1F3FA}'
        | '\u{1F400}'..='\u{1F64F}'
        | '\u{1F680}'..='\u{1F6FF}'
        | '\u{1F900}'..='\u{1F9FF}' => {
            // Some are digits to Unicode (❶), though not to word breaking.
            if c.is_alphanumeric() {
                OTHER_ALNUM
            } else {
                OTHER
            }
        }
        _ => return None,
    })
}

/// Whether there is a word boundary between bytes `x` and `y` whatever else surrounds them
/// (false: not known from these two bytes).
fn splits(x: u8, y: u8) -> bool {
    match (x, y) {
        (b'\r', b'\n') => false,
        // WB3a, WB3b: around line breaks.
        (_, b'\n' | b'\r') | (b'\n' | b'\r', _) => true,
        // WB3d joins spaces only; nothing joins a character to a following space.
        (x, b' ') => x != b' ',
        // After spaces, only Extend, Format or ZWJ (never ASCII) could attach (WB4).
        (b' ', y) => y.is_ascii(),
        _ => false,
    }
}

/// Word-break classes of ASCII characters.
const CR: u8 = 0;
const LF: u8 = 1;
const NEWLINE: u8 = 2;
const SPACE: u8 = 3;
const LETTER: u8 = 4;
const NUMERIC: u8 = 5;
const MID_LETTER: u8 = 6;
const MID_NUM_LET: u8 = 7;
const MID_NUM: u8 = 8;
const SINGLE_QUOTE: u8 = 9;
const EXTEND_NUM_LET: u8 = 10;
const OTHER: u8 = 11;
/// Other to word breaking, but a letter or digit to `char::is_alphanumeric`.
const OTHER_ALNUM: u8 = 12;

const CLASS: [u8; 128] = {
    let mut t = [OTHER; 128];
    t[b'\r' as usize] = CR;
    t[b'\n' as usize] = LF;
    t[0x0B] = NEWLINE;
    t[0x0C] = NEWLINE;
    t[b' ' as usize] = SPACE;
    let mut c = b'a';
    while c <= b'z' {
        t[c as usize] = LETTER;
        t[(c - 32) as usize] = LETTER;
        c += 1;
    }
    let mut d = b'0';
    while d <= b'9' {
        t[d as usize] = NUMERIC;
        d += 1;
    }
    t[b':' as usize] = MID_LETTER;
    t[b'.' as usize] = MID_NUM_LET;
    t[b',' as usize] = MID_NUM;
    t[b';' as usize] = MID_NUM;
    t[b'\'' as usize] = SINGLE_QUOTE;
    t[b'_' as usize] = EXTEND_NUM_LET;
    t
};

/// ASCII letters and digits, by byte.
const ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 128 {
        t[c] = matches!(CLASS[c], LETTER | NUMERIC);
        c += 1;
    }
    t
};

const fn mid_letter(c: u8) -> bool {
    matches!(c, MID_LETTER | MID_NUM_LET | SINGLE_QUOTE)
}

const fn mid_num(c: u8) -> bool {
    matches!(c, MID_NUM | MID_NUM_LET | SINGLE_QUOTE)
}

/// The UAX #29 rules that apply to text whose characters are all in the table (no Extend,
/// Format, ZWJ, Hebrew, Katakana or regional indicators): calls `f(from, to, word)` with the
/// byte range of each segment and whether it has a letter or digit (see [`Bounds`]).
fn bounds(text: &str, mut f: impl FnMut(usize, usize, bool)) {
    for (from, to, word) in segments(text) {
        f(from, to, word);
    }
}

/// The segments of `text` as [`for_each_bound`] finds them, as an iterator (whose step is
/// inlined into the caller's loop), if every character of `text` is in the table: when one
/// is not, the iteration stops early and [`Bounds::foreign`] says so (then the segments are
/// to be discarded, and [`for_each_bound`] used). Most replies are in the table, and this
/// finds out in the same pass.
pub fn segments(text: &str) -> Bounds<'_> {
    Bounds {
        text,
        i: 0,
        foreign: false,
    }
}

/// The segments of a text whose characters are all in the table, in order: `(from, to,
/// word)`, the byte range of each and whether it has a letter or digit.
///
/// Segments are taken a run at a time. Letters, digits and `_` join each other (WB5, WB8
/// to WB10, WB13a, WB13b); a mid character joins a run to what follows when a letter stands
/// on both sides of it (WB6, WB7: `zo'n`, `z.s.m`) or a digit does (WB11, WB12: `1.000`);
/// spaces join spaces (WB3d) and CR joins LF (WB3); everything else stands alone. The
/// tests compare this with `unicode-segmentation` on every short string over the classes.
pub struct Bounds<'t> {
    text: &'t str,
    /// The start of the next segment.
    i: usize,
    /// A character outside the table was met: the iteration has stopped.
    foreign: bool,
}

impl Bounds<'_> {
    /// Whether the text has a character outside the table (see [`segments`]).
    pub fn foreign(&self) -> bool {
        self.foreign
    }

    /// The class of the character at byte `i` (a character boundary), and its length; a
    /// character outside the table is noted, and taken as Other meanwhile.
    #[inline(always)]
    fn at(&mut self, i: usize) -> (u8, usize) {
        let c = self.text.as_bytes()[i];
        if c < 0x80 {
            return (CLASS[c as usize], 1);
        }
        let c = self.text[i..].chars().next().unwrap_or('\u{FFFD}');
        let class = class_of(c).unwrap_or_else(|| {
            self.foreign = true;
            OTHER
        });
        (class, c.len_utf8())
    }
}

impl Iterator for Bounds<'_> {
    type Item = (usize, usize, bool);

    #[inline(always)]
    fn next(&mut self) -> Option<(usize, usize, bool)> {
        let b = self.text.as_bytes();
        let n = b.len();
        let joins = |c: u8| matches!(c, LETTER | NUMERIC | EXTEND_NUM_LET);
        let start = self.i;
        if start >= n || self.foreign {
            return None;
        }
        let (class, len) = self.at(start);
        let mut i = start + len;
        // Tests in order of frequency.
        let word = if joins(class) {
            let mut word = class != EXTEND_NUM_LET;
            let mut last = class;
            while i < n {
                // The bulk of a word: ASCII letters and digits, a byte at a time.
                if ALNUM[usize::from(b[i])] {
                    while i < n && ALNUM[usize::from(b[i])] {
                        i += 1;
                    }
                    last = CLASS[usize::from(b[i - 1])];
                    word = true;
                    if i >= n {
                        break;
                    }
                }
                let (y, len) = self.at(i);
                if joins(y) {
                    word |= y != EXTEND_NUM_LET;
                    last = y;
                    i += len;
                    continue;
                }
                // A mid character, and a letter (digit) after it as before it.
                let context = (last == LETTER && mid_letter(y)) || (last == NUMERIC && mid_num(y));
                if !context || i + len >= n {
                    break;
                }
                let (after, after_len) = self.at(i + len);
                if after != last {
                    break;
                }
                word = true;
                i += len + after_len;
            }
            word
        } else if class == SPACE {
            while i < n && b[i] == b' ' {
                i += 1;
            }
            false
        } else if class == CR {
            if i < n && b[i] == b'\n' {
                i += 1;
            }
            false
        } else {
            class == OTHER_ALNUM
        };
        self.i = i;
        if self.foreign {
            return None;
        }
        Some((start, i, word))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(text: &str) -> Vec<(usize, &str)> {
        let mut out = Vec::new();
        for_each_bound(text, |s, seg, word| {
            assert_eq!(word, seg.chars().any(char::is_alphanumeric), "{seg:?}");
            out.push((s, seg))
        });
        out
    }

    fn theirs(text: &str) -> Vec<(usize, &str)> {
        text.split_word_bound_indices().collect()
    }

    /// Every string up to `len` characters over `alphabet`.
    fn all_strings(alphabet: &[char], len: usize, mut check: impl FnMut(&str)) {
        let mut idx = vec![0usize; len];
        for n in 1..=len {
            idx.iter_mut().for_each(|i| *i = 0);
            loop {
                let s: String = idx[..n].iter().map(|&i| alphabet[i]).collect();
                check(&s);
                let mut k = 0;
                while k < n {
                    idx[k] += 1;
                    if idx[k] < alphabet.len() {
                        break;
                    }
                    idx[k] = 0;
                    k += 1;
                }
                if k == n {
                    break;
                }
            }
        }
    }

    #[test]
    fn agrees_on_every_short_string_of_ascii_classes() {
        // One character of each class, plus more Other characters.
        let alphabet = [
            '\r', '\n', '\x0B', ' ', 'a', '7', ':', '.', ',', '\'', '_', '-', '"', '\t',
        ];
        all_strings(&alphabet, 5, |s| assert_eq!(ours(s), theirs(s), "{s:?}"));
    }

    #[test]
    fn every_ascii_character_is_in_its_class() {
        let alphabet = ['a', '7', '.', ':', ',', '\'', '_', ' ', '\n', '\r'];
        for c in (0u8..128).map(char::from) {
            let mut with = alphabet.to_vec();
            with.push(c);
            all_strings(&with, 3, |s| {
                if s.contains(c) {
                    assert_eq!(ours(s), theirs(s), "{s:?}");
                }
            });
        }
    }

    #[test]
    fn every_character_of_the_table_is_in_its_class() {
        let reps = [
            'a', '7', '.', ':', ',', '\'', '_', ' ', '\n', '-', 'é', '’', '🙂',
        ];
        let table = (0x80..0x2_0000)
            .filter_map(char::from_u32)
            .filter(|&c| class_of(c).is_some());
        let mut count = 0;
        let check = |s: String| assert_eq!(ours(&s), theirs(&s), "{s:?}");
        for c in table {
            count += 1;
            for x in reps {
                check(format!("{c}{x}{c}"));
                check(format!("{x}{c}{x}"));
                // Other characters break on both sides; the rest in every 3-character context.
                if class_of(c) == Some(OTHER) {
                    check(format!("{x}{c}"));
                    check(format!("{c}{x}"));
                    continue;
                }
                for y in reps {
                    check(format!("{x}{c}{y}"));
                    check(format!("{x}{y}{c}"));
                    check(format!("{c}{x}{y}"));
                }
            }
        }
        assert!(count > 1000, "{count}");
    }

    #[test]
    fn agrees_on_random_text_with_unicode() {
        let alphabet: Vec<char> = "aZ9 .,:;'_-\n\r\t\"!?éëÉ’‘“”…–—€\u{00A0}\u{202F}\u{200D}\u{FE0F}\u{0301}\u{00AD}🙂💚👍🏽🇳🇱👩\u{2764}"
            .chars()
            .collect();
        // A fixed-seed xorshift: the same strings on every run.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 14) as usize + 1;
            let s: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            assert_eq!(ours(&s), theirs(&s), "{s:?}");
        }
    }

    #[test]
    fn agrees_on_replies() {
        for text in [
            "Hoi Sanne! Wat vervelend 🙂 Bel ons op 088-1234567, of mail: info@x.nl.\r\n^Mark",
            "Zo'n 12:00 u.s.m. 1.000,50 €  —  «quote» auto's e-mail_adres 3x 👍🏽 done.",
            "  leading spaces\n\n\ttab \u{0301} combining after space 🇳🇱🇳🇱🇳",
        ] {
            assert_eq!(ours(text), theirs(text), "{text:?}");
        }
    }
}
