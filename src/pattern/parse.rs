//! Parser for the phrase language of rule packs (see `docs/packs.md`).
//!
//! ```text
//! bel (ons|onze klantenservice)      alternatives
//! neem [even|gerust] contact op      optional words
//! vervelend*   *afdeling   *mail*    word families: prefix, suffix, infix
//! zet ... door   kijk ...2 naar      a gap of up to 3 (or N) words in the same sentence
//! binnen <num> werkdagen             a number; <any> is any one word
//! ```

use super::Token;
use crate::text::fold;
use unicode_segmentation::UnicodeSegmentation;

/// Why a phrase could not be parsed; `offset` is a byte offset into the phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseError {
    pub offset: usize,
    pub len: usize,
    pub message: String,
}

const DEFAULT_GAP: u8 = 3;
const MAX_GAP: u8 = 8;

pub(super) fn parse(src: &str) -> Result<Vec<Token>, PhraseError> {
    let mut p = Parser { src, at: 0 };
    let seqs = p.alternatives()?;
    if p.at < src.len() {
        return Err(p.error(1, format!("unexpected `{}`", &src[p.at..p.at + 1])));
    }
    let mut seqs = seqs;
    Ok(if seqs.len() == 1 {
        seqs.pop().unwrap_or_default()
    } else {
        vec![Token::Alt(seqs)]
    })
}

struct Parser<'s> {
    src: &'s str,
    at: usize,
}

impl Parser<'_> {
    fn error(&self, len: usize, message: String) -> PhraseError {
        PhraseError {
            offset: self.at,
            len: len.max(1),
            message,
        }
    }

    fn peek(&self) -> Option<char> {
        self.src[self.at..].chars().next()
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if !c.is_whitespace() {
                break;
            }
            self.at += c.len_utf8();
        }
    }

    fn alternatives(&mut self) -> Result<Vec<Vec<Token>>, PhraseError> {
        let mut seqs = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.at += 1;
            seqs.push(self.sequence()?);
        }
        Ok(seqs)
    }

    fn sequence(&mut self) -> Result<Vec<Token>, PhraseError> {
        let mut seq = Vec::new();
        loop {
            self.skip_space();
            let start = self.at;
            match self.peek() {
                None | Some('|' | ')' | ']') => break,
                Some(open @ ('(' | '[')) => {
                    self.at += 1;
                    let alts = self.alternatives()?;
                    let close = if open == '(' { ')' } else { ']' };
                    if self.peek() != Some(close) {
                        self.at = start;
                        return Err(
                            self.error(1, format!("`{open}` is never closed with `{close}`"))
                        );
                    }
                    self.at += 1;
                    if alts.iter().all(Vec::is_empty) {
                        self.at = start;
                        return Err(self.error(2, "empty group".into()));
                    }
                    seq.push(if open == '(' {
                        Token::Alt(alts)
                    } else {
                        Token::Opt(alts)
                    });
                }
                Some('.' | '…')
                    if self.src[self.at..].starts_with("...") || self.peek() == Some('…') =>
                {
                    self.at += if self.peek() == Some('…') {
                        '…'.len_utf8()
                    } else {
                        3
                    };
                    let digits: String = self.src[self.at..]
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .collect();
                    self.at += digits.len();
                    let n = if digits.is_empty() {
                        DEFAULT_GAP
                    } else {
                        match digits.parse::<u8>() {
                            Ok(n) if (1..=MAX_GAP).contains(&n) => n,
                            _ => {
                                self.at = start;
                                return Err(self.error(
                                    3 + digits.len(),
                                    format!("a gap spans 1 to {MAX_GAP} words"),
                                ));
                            }
                        }
                    };
                    seq.push(Token::Gap(n));
                }
                Some('<') => {
                    let end = self.src[self.at..].find('>').map(|i| self.at + i + 1);
                    let class = end.map(|e| &self.src[self.at..e]);
                    let token = match class {
                        Some("<num>") => Token::Num,
                        Some("<any>") => Token::Any,
                        _ => {
                            return Err(self.error(
                                class.map_or(1, str::len),
                                "unknown word class; use <num> or <any>".into(),
                            ));
                        }
                    };
                    self.at = end.unwrap_or(self.at);
                    seq.push(token);
                }
                Some(_) => {
                    let len: usize = self.src[self.at..]
                        .chars()
                        .take_while(|c| !c.is_whitespace() && !"()[]|<".contains(*c))
                        .map(char::len_utf8)
                        .sum();
                    let literal = &self.src[self.at..self.at + len];
                    self.literal(literal, &mut seq)?;
                    self.at += len;
                }
            }
        }
        Ok(seq)
    }

    /// A literal is split into words the way drafts are, so "e-mail" is the two words
    /// "e" "mail", exactly as a draft's "e-mail" is.
    fn literal(&self, literal: &str, seq: &mut Vec<Token>) -> Result<(), PhraseError> {
        let prefix = literal.len() > 1 && literal.ends_with('*');
        let suffix = literal.len() > 1 && literal.starts_with('*');
        let core = literal.trim_matches('*');
        // Most literals are one plain word: no need for word segmentation.
        let words: Vec<&str> =
            if !core.is_empty() && core.bytes().all(|b| b.is_ascii_alphanumeric()) {
                vec![core]
            } else {
                core.split_word_bounds()
                    .filter(|w| w.chars().any(char::is_alphanumeric))
                    .collect()
            };
        if words.is_empty() || core.contains('*') {
            return Err(self.error(
                literal.len(),
                format!("`{literal}` matches no word; a word may only start or end with `*`"),
            ));
        }
        if (prefix || suffix) && words.len() > 1 {
            return Err(self.error(
                literal.len(),
                format!("`*` goes on a single word, not on `{core}`"),
            ));
        }
        for w in words {
            let f = fold(w).into_boxed_str();
            seq.push(match (suffix, prefix) {
                (true, true) => Token::Infix(f),
                (true, false) => Token::Suffix(f),
                (false, true) => Token::Prefix(f),
                (false, false) => Token::Word(f),
            });
        }
        Ok(())
    }
}
