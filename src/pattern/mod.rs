//! Phrases: the word-level patterns that pack authors write, compiled once and matched over
//! the words of an [`Analysis`]. A match never crosses a sentence and never uses a word in a
//! span the rule skips (a quote, a URL, …).

mod parse;

pub use parse::PhraseError;

use crate::text::{Analysis, Mask};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Token {
    Word(Box<str>),
    Prefix(Box<str>),
    Suffix(Box<str>),
    Infix(Box<str>),
    Num,
    Any,
    Alt(Vec<Vec<Token>>),
    Opt(Vec<Vec<Token>>),
    Gap(u8),
}

impl Token {
    fn accepts(&self, word: &str) -> bool {
        match self {
            Token::Word(w) => word == &**w,
            Token::Prefix(p) => word.starts_with(&**p),
            Token::Suffix(s) => word.ends_with(&**s),
            Token::Infix(s) => word.contains(&**s),
            Token::Num => word.bytes().any(|b| b.is_ascii_digit()),
            Token::Any => true,
            Token::Alt(_) | Token::Opt(_) | Token::Gap(_) => false,
        }
    }
}

/// How a phrase can start: used to index phrases by their first word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum First {
    Word(Box<str>),
    Prefix(Box<str>),
    Suffix(Box<str>),
    /// A word containing a part (`*part*`).
    Infix(Box<str>),
    /// A word with a digit.
    Number,
    /// Any word (`<any>`).
    Any,
}

/// A compiled phrase.
#[derive(Debug, Clone)]
pub struct Phrase {
    /// Shared: the index and the rules hold the same compiled phrase.
    tokens: std::sync::Arc<[Token]>,
    /// Whether [`reach`] rules out a start before the backtracking matcher runs: for phrases
    /// with gaps or several optional parts (where backtracking could try many combinations)
    /// that span at most [`MAX_SPAN`] words.
    guarded: bool,
    /// [`Phrase::required_words`], found when the phrase is parsed: packs are parsed on all
    /// cores, while the linter that needs them is built on one (it was 0.8 ms of a one-draft
    /// run's critical path).
    required: std::sync::Arc<[Box<[OwnedNeed]>]>,
}

/// A [`Need`] that owns its text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OwnedNeed {
    Word(Box<str>),
    Prefix(Box<str>),
    Suffix(Box<str>),
    Infix(Box<str>),
}

impl OwnedNeed {
    fn of(n: &Need) -> OwnedNeed {
        match *n {
            Need::Word(w) => OwnedNeed::Word(w.into()),
            Need::Prefix(p) => OwnedNeed::Prefix(p.into()),
            Need::Suffix(x) => OwnedNeed::Suffix(x.into()),
            Need::Infix(x) => OwnedNeed::Infix(x.into()),
        }
    }

    fn need(&self) -> Need<'_> {
        match self {
            OwnedNeed::Word(w) => Need::Word(w),
            OwnedNeed::Prefix(p) => Need::Prefix(p),
            OwnedNeed::Suffix(x) => Need::Suffix(x),
            OwnedNeed::Infix(x) => Need::Infix(x),
        }
    }
}

/// Phrases are equal when they match the same (their compiled tokens are equal).
impl PartialEq for Phrase {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.tokens, &other.tokens) || self.tokens == other.tokens
    }
}

impl Eq for Phrase {}

impl std::hash::Hash for Phrase {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.tokens.hash(state);
    }
}

/// A phrase match: word indices `[first, last)` and the byte span they cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseMatch {
    pub first: usize,
    pub last: usize,
    pub start: usize,
    pub end: usize,
}

struct Env<'a, 't> {
    a: &'a Analysis<'t>,
    sentence: u32,
    skip: Mask,
}

impl Env<'_, '_> {
    fn usable(&self, i: usize) -> bool {
        self.a
            .words
            .get(i)
            .is_some_and(|w| w.sentence == self.sentence && !w.mask.intersects(self.skip))
    }
}

struct Cont<'c> {
    rest: &'c [Token],
    next: Option<&'c Cont<'c>>,
}

impl Phrase {
    pub fn parse(src: &str) -> Result<Phrase, PhraseError> {
        let tokens = parse::parse(src)?;
        if min_len(&tokens) == 0 {
            return Err(PhraseError {
                offset: 0,
                len: src.len().max(1),
                message: "this phrase can match no words at all".into(),
            });
        }
        let required = required_words(&tokens)
            .iter()
            .map(|set| set.iter().map(OwnedNeed::of).collect())
            .collect();
        Ok(Phrase {
            guarded: max_len(&tokens) <= MAX_SPAN && branchy(&tokens),
            tokens: tokens.into(),
            required,
        })
    }

    /// Which of `words` (folded, at most 64) the phrase spells out as literals somewhere:
    /// bit `i` for `words[i]`.
    pub fn literals_among(&self, words: &[&str]) -> u64 {
        fn walk(seq: &[Token], words: &[&str], bits: &mut u64) {
            for t in seq {
                match t {
                    Token::Word(w) => {
                        if let Some(i) = words.iter().position(|x| *x == &**w) {
                            *bits |= 1 << i;
                        }
                    }
                    Token::Alt(seqs) | Token::Opt(seqs) => {
                        seqs.iter().for_each(|s| walk(s, words, bits))
                    }
                    _ => {}
                }
            }
        }
        let mut bits = 0;
        walk(&self.tokens, words, &mut bits);
        bits
    }

    /// Sets of words such that every match has a word of each set: a reply that lacks all
    /// words of one set cannot match, which is tested once per reply, before any position.
    /// Smallest sets first; empty when the phrase spells out no word it always needs.
    pub fn required_words(&self) -> Vec<Vec<Need<'_>>> {
        self.required
            .iter()
            .map(|set| set.iter().map(OwnedNeed::need).collect())
            .collect()
    }

    /// The ways this phrase can start.
    pub fn firsts(&self) -> Vec<First> {
        let mut out = Vec::new();
        firsts(&self.tokens, &mut out);
        out.dedup();
        out
    }

    /// The match starting at word `i`, if any; optional words are taken when they fit, gaps
    /// are kept as short as possible.
    pub fn match_at(&self, a: &Analysis, i: usize, skip: Mask) -> Option<PhraseMatch> {
        let first = a.words.get(i)?;
        let env = Env {
            a,
            sentence: first.sentence,
            skip,
        };
        // Whether any match starts here is answered in time linear in the phrase; only then
        // does the backtracking matcher look for the preferred one (optional words taken,
        // gaps short), which could otherwise try every combination of options and gaps.
        if self.guarded && reach(&self.tokens, 1, i, &env) == 0 {
            return None;
        }
        let last = go(&self.tokens, None, i, &env)?;
        Some(PhraseMatch {
            first: i,
            last,
            start: first.start,
            end: a.words[last - 1].end,
        })
    }

    /// All non-overlapping matches, left to right.
    pub fn find_all(&self, a: &Analysis, skip: Mask) -> Vec<PhraseMatch> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < a.words.len() {
            match self.match_at(a, i, skip) {
                Some(m) => {
                    i = m.last;
                    out.push(m);
                }
                None => i += 1,
            }
        }
        out
    }
}

/// Phrases matched together, each word trying only the phrases that can start with it (the
/// rest, starting with a word family, a number or any word, are tried everywhere).
#[derive(Debug)]
pub struct PhraseSet {
    phrases: Vec<Phrase>,
    by_word: std::collections::HashMap<Box<str>, Vec<u32>>,
    everywhere: Vec<u32>,
}

impl PhraseSet {
    pub fn new(phrases: Vec<Phrase>) -> PhraseSet {
        let mut by_word: std::collections::HashMap<Box<str>, Vec<u32>> = Default::default();
        let mut everywhere = Vec::new();
        for (i, p) in phrases.iter().enumerate() {
            for first in p.firsts() {
                match first {
                    First::Word(w) => by_word.entry(w).or_default().push(i as u32),
                    _ => everywhere.push(i as u32),
                }
            }
        }
        for list in by_word.values_mut() {
            list.dedup();
        }
        everywhere.dedup();
        PhraseSet {
            phrases,
            by_word,
            everywhere,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// The matches of every phrase (each as [`Phrase::find_all`]: left to right, not
    /// overlapping), ordered by first word, then last word, then phrase.
    pub fn find_all(&self, a: &Analysis, skip: Mask) -> Vec<PhraseMatch> {
        let mut out: Vec<(PhraseMatch, u32)> = Vec::new();
        // Per phrase: the first word its next match may start at.
        let mut next = vec![0usize; self.phrases.len()];
        let mut candidates: Vec<u32> = Vec::new();
        for i in 0..a.words.len() {
            candidates.clear();
            if let Some(list) = self.by_word.get(a.folded(i)) {
                candidates.extend(list);
            }
            candidates.extend(&self.everywhere);
            for &p in &candidates {
                if i < next[p as usize] {
                    continue;
                }
                if let Some(m) = self.phrases[p as usize].match_at(a, i, skip) {
                    next[p as usize] = m.last;
                    out.push((m, p));
                }
            }
        }
        out.sort_by_key(|&(m, p)| (m.first, m.last, p));
        out.into_iter().map(|(m, _)| m).collect()
    }
}

fn go(rest: &[Token], next: Option<&Cont>, pos: usize, env: &Env) -> Option<usize> {
    let Some((tok, tail)) = rest.split_first() else {
        return match next {
            None => Some(pos),
            Some(c) => go(c.rest, c.next, pos, env),
        };
    };
    match tok {
        Token::Alt(seqs) | Token::Opt(seqs) => {
            let cont = Cont { rest: tail, next };
            for seq in seqs {
                if let Some(end) = go(seq, Some(&cont), pos, env) {
                    return Some(end);
                }
            }
            if matches!(tok, Token::Opt(_)) {
                go(tail, next, pos, env)
            } else {
                None
            }
        }
        Token::Gap(n) => {
            for p in pos..=pos + *n as usize {
                if let Some(end) = go(tail, next, p, env) {
                    return Some(end);
                }
                if !env.usable(p) {
                    return None;
                }
            }
            None
        }
        _ => {
            if env.usable(pos) && tok.accepts(env.a.folded(pos)) {
                go(tail, next, pos + 1, env)
            } else {
                None
            }
        }
    }
}

/// A word every match of a phrase needs: a literal word, or a word of a family (`bel*`,
/// `*afdeling`, `*pin*`). Families order after words; within a kind, by text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Need<'a> {
    Word(&'a str),
    Prefix(&'a str),
    Suffix(&'a str),
    Infix(&'a str),
}

impl<'a> Need<'a> {
    fn of(tok: &'a Token) -> Option<Need<'a>> {
        match tok {
            Token::Word(w) => Some(Need::Word(w)),
            Token::Prefix(p) => Some(Need::Prefix(p)),
            Token::Suffix(x) => Some(Need::Suffix(x)),
            Token::Infix(x) => Some(Need::Infix(x)),
            _ => None,
        }
    }

    /// Whether the (folded) word is this word or of this family.
    pub fn accepts(&self, word: &str) -> bool {
        match *self {
            Need::Word(w) => word == w,
            Need::Prefix(p) => word.starts_with(p),
            Need::Suffix(x) => word.ends_with(x),
            Need::Infix(x) => word.contains(x),
        }
    }

    /// How often a reply may have such a word, roughly (see [`frequency`]).
    fn frequency(&self) -> f64 {
        let (text, family) = match *self {
            Need::Word(w) => (w, 1.0),
            Need::Prefix(p) | Need::Suffix(p) => (p, 2.0),
            Need::Infix(x) => (x, 4.0),
        };
        if family == 1.0 && is_common(text) {
            return 1.0;
        }
        let len = text.chars().count().max(1) as f64;
        family / (len * len)
    }
}

/// As written in a phrase: `bel`, `bel*`, `*afdeling`, `*pin*`.
impl std::fmt::Display for Need<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Need::Word(w) => write!(f, "{w}"),
            Need::Prefix(x) => write!(f, "{x}*"),
            Need::Suffix(x) => write!(f, "*{x}"),
            Need::Infix(x) => write!(f, "*{x}*"),
        }
    }
}

/// Whether `w` is one of the commonest Dutch words (function words, the commonest verbs and
/// adverbs): in most replies of any kind, so a set with one of them rules out little.
fn is_common(w: &str) -> bool {
    w.len() <= 6
        && matches!(
            w,
            "aan"
                | "al"
                | "als"
                | "bij"
                | "dan"
                | "dat"
                | "de"
                | "die"
                | "dit"
                | "door"
                | "een"
                | "en"
                | "er"
                | "ga"
                | "gaan"
                | "gaat"
                | "geen"
                | "had"
                | "heb"
                | "hebben"
                | "hebt"
                | "heeft"
                | "het"
                | "hier"
                | "hij"
                | "hoe"
                | "ik"
                | "in"
                | "is"
                | "je"
                | "jij"
                | "jou"
                | "jouw"
                | "kan"
                | "kun"
                | "kunnen"
                | "kunt"
                | "maar"
                | "me"
                | "met"
                | "mij"
                | "mijn"
                | "na"
                | "naar"
                | "niet"
                | "nog"
                | "nu"
                | "of"
                | "om"
                | "ons"
                | "onze"
                | "ook"
                | "op"
                | "over"
                | "te"
                | "tot"
                | "u"
                | "uit"
                | "uw"
                | "van"
                | "voor"
                | "was"
                | "wat"
                | "we"
                | "wel"
                | "wij"
                | "wil"
                | "wordt"
                | "ze"
                | "zijn"
                | "zo"
                | "zou"
        )
}

/// At most this many words in a required set: beyond it the test rules out little.
const MAX_REQUIRED: usize = 48;

/// At most this many sets of required words from one alternation.
const MAX_ALT_SETS: usize = 4;

/// The sets of [`Phrase::required_words`] of a phrase with these tokens.
fn required_words(tokens: &[Token]) -> Vec<Vec<Need<'_>>> {
    let mut sets: Vec<Vec<Need>> = tokens.iter().flat_map(required_of).collect();

    sets.sort_by_key(|s| s.len());
    sets.dedup();
    // A set that holds a smaller one tests nothing more (sets are sorted).
    let holds = |big: &[Need], small: &[Need]| {
        let mut big = big.iter();
        small.iter().all(|w| big.any(|b| b == w))
    };
    let mut kept: Vec<Vec<Need>> = Vec::with_capacity(sets.len());
    for set in sets {
        if !kept.iter().any(|k| holds(&set, k)) {
            kept.push(set);
        }
    }
    kept
}

/// Sets of words such that a match of the token has a word of each (a literal or a word
/// family; an alternation of sequences that each need words).
///
/// A sequence needs a word of each of its sets, so an alternation needs a word of the union
/// of any one set per sequence: "die mensen|de gasten" needs one of "mensen", "gasten" and
/// one of "die", "de" (and one of "die", "gasten" …). Of these unions the rarest few are
/// kept (see [`frequency`]).
fn required_of(tok: &Token) -> Vec<Vec<Need<'_>>> {
    match tok {
        Token::Alt(seqs) => {
            // Most alternations are of single words: one set, of them all.
            let single = seqs.iter().map(|seq| match &seq[..] {
                [t] => Need::of(t),
                _ => None,
            });
            if let Some(mut all) = single.collect::<Option<Vec<Need>>>() {
                all.sort_unstable();
                all.dedup();
                return if all.len() <= MAX_REQUIRED {
                    vec![all]
                } else {
                    Vec::new()
                };
            }
            let mut per_seq: Vec<Vec<Vec<Need>>> = Vec::with_capacity(seqs.len());
            for seq in seqs {
                let mut sets: Vec<Vec<Need>> = seq.iter().flat_map(required_of).collect();
                if sets.is_empty() {
                    return Vec::new();
                }
                sets.sort_by_cached_key(|s| frequency(s).to_bits());
                per_seq.push(sets);
            }
            // Every choice of one set per sequence, the rarest kept as the choices multiply;
            // with many sequences of several sets, only the union of their rarest sets (the
            // choices would cost more to build than they rule out).
            let several = per_seq.iter().filter(|sets| sets.len() > 1).count();
            let per_seq: Vec<Vec<Vec<Need>>> = if several > 4 {
                per_seq
                    .into_iter()
                    .map(|mut sets| vec![sets.swap_remove(0)])
                    .collect()
            } else {
                per_seq
            };
            let mut combos: Vec<Vec<Need>> = vec![Vec::new()];
            for sets in &per_seq {
                if sets.len() == 1 {
                    // One choice (the common case: a single word): extend every union.
                    combos
                        .iter_mut()
                        .for_each(|c| c.extend_from_slice(&sets[0]));
                    continue;
                }
                combos = combos
                    .iter()
                    .flat_map(|c| sets.iter().take(2).map(move |s| [&c[..], s].concat()))
                    .collect();
                for c in &mut combos {
                    c.sort_unstable();
                    c.dedup();
                }
                // Frequencies are positive: their bits order as they do.
                combos.sort_by_cached_key(|c| frequency(c).to_bits());
                combos.truncate(MAX_ALT_SETS * 2);
            }
            for c in &mut combos {
                c.sort_unstable();
                c.dedup();
            }
            combos.sort_by_cached_key(|c| frequency(c).to_bits());
            combos.retain(|c| c.len() <= MAX_REQUIRED);
            combos.dedup();
            combos.truncate(MAX_ALT_SETS);
            combos
        }
        _ => Need::of(tok).map(|n| vec![vec![n]]).unwrap_or_default(),
    }
}

/// How often a reply may have a word of `set`, roughly: the commonest words are in most
/// replies, other short words are more frequent than long ones, a family of words (`bel*`)
/// more than one word, and a set is as frequent as its words together.
pub(crate) fn frequency(set: &[Need]) -> f64 {
    set.iter().map(Need::frequency).sum()
}

/// The longest span [`reach`] tracks, in words (bit positions of a `u64`).
const MAX_SPAN: usize = 62;

/// The positions after `seq`, as offsets from word `base`, from the set of positions
/// `from` (bit `p`: the next word is `base + p`). Empty when `seq` cannot match from any.
/// This is the set of all ends the backtracking matcher [`go`] could reach, computed
/// without backtracking.
fn reach(seq: &[Token], from: u64, base: usize, env: &Env) -> u64 {
    let mut set = from;
    for tok in seq {
        if set == 0 {
            return 0;
        }
        set = match tok {
            // Most alternatives are single words (`(bel|belt|bellen)`): each position's word
            // is tested against all of them at once.
            Token::Alt(seqs) | Token::Opt(seqs) if seqs.iter().all(|s| single(s)) => {
                let mut out = if matches!(tok, Token::Opt(_)) { set } else { 0 };
                for p in bits(set) {
                    if env.usable(base + p) {
                        let word = env.a.folded(base + p);
                        if seqs.iter().any(|s| s[0].accepts(word)) {
                            out |= 1 << (p + 1);
                        }
                    }
                }
                out
            }
            Token::Alt(seqs) => seqs.iter().fold(0, |acc, s| acc | reach(s, set, base, env)),
            Token::Opt(seqs) => seqs
                .iter()
                .fold(set, |acc, s| acc | reach(s, set, base, env)),
            Token::Gap(n) => {
                let mut out = 0;
                for p in bits(set) {
                    out |= 1 << p;
                    for q in p..p + *n as usize {
                        if !env.usable(base + q) {
                            break;
                        }
                        out |= 1 << (q + 1);
                    }
                }
                out
            }
            _ => {
                let mut out = 0;
                for p in bits(set) {
                    if env.usable(base + p) && tok.accepts(env.a.folded(base + p)) {
                        out |= 1 << (p + 1);
                    }
                }
                out
            }
        };
    }
    set
}

/// Whether `seq` is one token that stands for one word.
fn single(seq: &[Token]) -> bool {
    matches!(
        seq,
        [Token::Word(_)
            | Token::Prefix(_)
            | Token::Suffix(_)
            | Token::Infix(_)
            | Token::Num
            | Token::Any]
    )
}

/// The positions of the set bits of `set`.
fn bits(mut set: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (set != 0).then(|| {
            let p = set.trailing_zeros() as usize;
            set &= set - 1;
            p
        })
    })
}

/// Whether backtracking over `seq` can branch much: a gap, or two or more optional parts.
fn branchy(seq: &[Token]) -> bool {
    let mut options = 0;
    for tok in seq {
        match tok {
            Token::Gap(_) => return true,
            Token::Opt(seqs) => {
                options += 1;
                if seqs.iter().any(|s| branchy(s)) {
                    return true;
                }
            }
            Token::Alt(seqs) if seqs.iter().any(|s| branchy(s)) => return true,
            _ => {}
        }
    }
    options >= 2
}

/// The most words a match of `seq` can span.
fn max_len(seq: &[Token]) -> usize {
    seq.iter()
        .map(|t| match t {
            Token::Alt(seqs) | Token::Opt(seqs) => {
                seqs.iter().map(|s| max_len(s)).max().unwrap_or(0)
            }
            Token::Gap(n) => *n as usize,
            _ => 1,
        })
        .sum()
}

fn min_len(seq: &[Token]) -> usize {
    seq.iter()
        .map(|t| match t {
            Token::Alt(seqs) => seqs.iter().map(|s| min_len(s)).min().unwrap_or(0),
            Token::Opt(_) | Token::Gap(_) => 0,
            _ => 1,
        })
        .sum()
}

fn firsts(seq: &[Token], out: &mut Vec<First>) {
    for tok in seq {
        match tok {
            Token::Word(w) => return out.push(First::Word(w.clone())),
            Token::Prefix(p) => return out.push(First::Prefix(p.clone())),
            Token::Suffix(x) => return out.push(First::Suffix(x.clone())),
            Token::Num => return out.push(First::Number),
            Token::Infix(p) => return out.push(First::Infix(p.clone())),
            Token::Any => return out.push(First::Any),
            Token::Alt(seqs) => {
                for s in seqs {
                    firsts(s, out);
                }
                if seqs.iter().all(|s| min_len(s) > 0) {
                    return;
                }
            }
            Token::Opt(seqs) => {
                for s in seqs {
                    firsts(s, out);
                }
            }
            Token::Gap(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(phrase: &str, text: &str) -> Vec<String> {
        let p = Phrase::parse(phrase).unwrap();
        let a = Analysis::new(text);
        p.find_all(&a, Mask::ALL)
            .into_iter()
            .map(|m| text[m.start..m.end].to_string())
            .collect()
    }

    #[test]
    fn alternatives_and_optional_words() {
        let p = "bel [even|gerust] (ons|onze klantenservice)";
        assert_eq!(
            find(p, "Bel even onze klantenservice!"),
            ["Bel even onze klantenservice"]
        );
        assert_eq!(find(p, "bel ons"), ["bel ons"]);
        assert!(find(p, "bel me").is_empty());
    }

    #[test]
    fn word_families() {
        assert_eq!(
            find("vervelend*", "Vervelend! Heel vervelende zaak"),
            ["Vervelend", "vervelende"]
        );
        assert_eq!(find("*afdeling", "de serviceafdeling"), ["serviceafdeling"]);
    }

    #[test]
    fn separable_verb_with_a_gap() {
        assert_eq!(
            find("zet ... door", "Ik zet het voor je door."),
            ["zet het voor je door"]
        );
        assert!(find("zet ...2 door", "Ik zet het morgen voor je door.").is_empty());
    }

    #[test]
    fn phrase_split_by_line_break_does_not_match() {
        assert!(find("bel ons", "Ik bel\nons team").is_empty());
    }

    #[test]
    fn hyphenated_literal_matches_like_the_draft() {
        assert_eq!(
            find("(e-mail|email|mail) ons", "E-mail ons"),
            ["E-mail ons"]
        );
    }

    #[test]
    fn diacritics_and_case_are_folded() {
        assert_eq!(find("voor vrijdag", "VÓÓR vrijdag"), ["VÓÓR vrijdag"]);
    }

    #[test]
    fn quoted_words_are_skipped() {
        assert!(find("moest bellen", "\"Ik moest van jullie bellen\" klopt niet").is_empty());
        assert!(
            find(
                "moest ... bellen",
                "\"Ik moest van jullie bellen\" klopt niet"
            )
            .is_empty()
        );
    }

    #[test]
    fn number_class() {
        assert_eq!(
            find("binnen <num> werkdagen", "binnen 2 werkdagen"),
            ["binnen 2 werkdagen"]
        );
    }

    #[test]
    fn parse_errors_point_into_the_phrase() {
        let e = Phrase::parse("bel (ons").unwrap_err();
        assert_eq!(e.offset, 4);
        let e = Phrase::parse("[even]").unwrap_err();
        assert!(e.message.contains("no words"));
        let e = Phrase::parse("bel ...99 ons").unwrap_err();
        assert_eq!(e.offset, 4);
        assert!(Phrase::parse("b*l").is_err());
        assert!(Phrase::parse("<foo>").is_err());
    }

    #[test]
    fn required_words_are_literals_every_match_needs() {
        let req = |p: &str| -> Vec<Vec<String>> {
            let phrase = Phrase::parse(p).unwrap();
            let sets = phrase.required_words();
            sets.iter()
                .map(|set| set.iter().map(|w| w.to_string()).collect())
                .collect()
        };
        let sets = |ss: &[&[&str]]| -> Vec<Vec<String>> {
            ss.iter()
                .map(|ws| ws.iter().map(|w| w.to_string()).collect())
                .collect()
        };
        assert_eq!(
            req("we gaan ernaar kijken"),
            sets(&[&["we"], &["gaan"], &["ernaar"], &["kijken"]])
        );
        assert_eq!(
            req("ik zet ... door"),
            sets(&[&["ik"], &["zet"], &["door"]])
        );
        assert_eq!(
            req("we [even] (bellen|mailen) (je|u)"),
            sets(&[&["we"], &["bellen", "mailen"], &["je", "u"]])
        );
        // Of an alternative, the rarest unions of one set of each sequence; a set that holds
        // a smaller one is dropped.
        assert_eq!(
            req("neem (contact|telefonisch contact) op"),
            sets(&[&["neem"], &["contact"], &["op"]])
        );
        assert_eq!(
            req("(je pin|pincode) ...3 (stuur|geef)"),
            sets(&[&["pin", "pincode"], &["je", "pincode"], &["geef", "stuur"]])
        );
        // "die mensen" or "de gasten" needs "mensen" or "gasten", and "die" or "de".
        assert_eq!(
            req("(die mensen|de gasten) [nu]"),
            sets(&[
                &["gasten", "mensen"],
                &["de", "mensen"],
                &["die", "gasten"],
                &["de", "die"]
            ])
        );
        assert_eq!(
            req("(die (lui|mensen)|de (lui|gasten))"),
            sets(&[
                &["de", "die"],
                &["gasten", "lui", "mensen"],
                &["de", "lui", "mensen"],
                &["die", "gasten", "lui"]
            ])
        );
        // Word families are required as families; numbers and options never.
        assert_eq!(req("vervelend*"), sets(&[&["vervelend*"]]));
        assert_eq!(req("bel [ons]"), sets(&[&["bel"]]));
        assert_eq!(req("*service <num>"), sets(&[&["*service"]]));
        assert_eq!(
            req("(collega|*afdeling|*pin*) is"),
            sets(&[&["is"], &["collega", "*afdeling", "*pin*"]])
        );
        // Of "het mis", "mis" is the rarer: "het" is one of the commonest words.
        assert_eq!(
            req("(fout|het mis) (is|was)"),
            sets(&[&["fout", "mis"], &["fout", "het"], &["is", "was"]])
        );
    }

    /// Every match of every phrase of the built-in packs, in every example text of the packs
    /// (and each example's customer thread), has a word of each required set: a reply
    /// without one is skipped before any position is tried.
    #[test]
    fn every_match_of_the_packs_has_its_required_words() {
        use crate::engine::Kind;
        let packs = crate::packs::builtin().unwrap();
        let rules: Vec<&crate::engine::Rule> = packs.iter().flat_map(|p| &p.rules).collect();
        let mut phrases: Vec<&Phrase> = Vec::new();
        for r in &rules {
            let mut matchers = vec![&r.exceptions, &r.sentence_exceptions];
            match &r.kind {
                Kind::Existence(m) | Kind::Occurrence { matcher: m, .. } => matchers.push(m),
                Kind::Conditional { trigger, requires } => matchers.extend([trigger, requires]),
                Kind::Consistency { groups, .. } => matchers.extend(groups.iter().map(|g| &g.1)),
                Kind::Native => {}
            }
            phrases.extend(matchers.into_iter().flat_map(|m| &m.phrases));
        }
        let texts: Vec<&str> = rules
            .iter()
            .flat_map(|r| r.examples.iter())
            .flat_map(|e| [Some(e.text.as_str()), e.in_reply_to.as_deref()])
            .flatten()
            .collect();
        let mut matched = 0;
        for t in texts {
            let a = Analysis::new(t);
            let words: Vec<&str> = (0..a.words.len()).map(|i| a.folded(i)).collect();
            for p in &phrases {
                if p.find_all(&a, Mask::NONE).is_empty() {
                    continue;
                }
                matched += 1;
                for set in p.required_words() {
                    assert!(
                        set.iter().any(|n| words.iter().any(|w| n.accepts(w))),
                        "{p:?} matches {t:?} without any of {set:?}"
                    );
                }
            }
        }
        assert!(matched > 500, "only {matched} matches");
    }

    #[test]
    fn reach_agrees_with_the_backtracking_matcher() {
        let phrases = [
            "bel [even|gerust] (ons|onze klantenservice)",
            "zet ...2 door",
            "[a] [b] (c|b c) ...3 d [e]",
            "(ik|we) ...4 (bel|mail*) [je|u] [morgen]",
            "*vervelend* ...1 <num>",
        ];
        let texts = [
            "Bel even onze klantenservice of bel ons",
            "ik zet het morgen voor je door. zet het door",
            "a b c x d e. b c d. a c y y y d. c d",
            "we gaan je morgen mailen en ik bel u morgen",
            "heel vervelend 3 dagen; onvervelende x 4",
        ];
        for p in phrases {
            let phrase = Phrase::parse(p).unwrap();
            assert!(max_len(&phrase.tokens) <= MAX_SPAN);
            for t in texts {
                let a = Analysis::new(t);
                for i in 0..a.words.len() {
                    let env = Env {
                        a: &a,
                        sentence: a.words[i].sentence,
                        skip: Mask::ALL,
                    };
                    let ends = reach(&phrase.tokens, 1, i, &env);
                    let found = go(&phrase.tokens, None, i, &env);
                    assert_eq!(ends != 0, found.is_some(), "{p:?} at word {i} of {t:?}");
                    if let Some(end) = found {
                        assert!(ends & (1 << (end - i)) != 0, "{p:?} at word {i} of {t:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_phrase_set_finds_what_its_phrases_find() {
        let sources = [
            "bel [even] ons",
            "ons",
            "*vervelend*",
            "(dat|dit) ...2 (niet|geen)",
            "<num> dagen",
            "even",
        ];
        let phrases: Vec<Phrase> = sources.iter().map(|p| Phrase::parse(p).unwrap()).collect();
        let set = PhraseSet::new(phrases.clone());
        for text in [
            "Bel even ons, of bel ons. Ons team is er 3 dagen.",
            "Vervelend! Dit is niet fijn, dat kan geen 2 dagen duren; even ons bellen.",
            "",
        ] {
            let a = Analysis::new(text);
            let mut each: Vec<(PhraseMatch, usize)> = phrases
                .iter()
                .enumerate()
                .flat_map(|(k, p)| p.find_all(&a, Mask::ALL).into_iter().map(move |m| (m, k)))
                .collect();
            each.sort_by_key(|&(m, k)| (m.first, m.last, k));
            let each: Vec<PhraseMatch> = each.into_iter().map(|(m, _)| m).collect();
            assert!(text.is_empty() || !each.is_empty());
            assert_eq!(set.find_all(&a, Mask::ALL), each, "{text:?}");
        }
    }

    #[test]
    fn firsts_cover_optional_starts() {
        let p = Phrase::parse("[even] (bel|mail*) ons").unwrap();
        assert_eq!(
            p.firsts(),
            [
                First::Word("even".into()),
                First::Word("bel".into()),
                First::Prefix("mail".into())
            ]
        );
    }
}
