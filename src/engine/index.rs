//! One pass over a reply's words for all phrases of all active rules: phrases are indexed by
//! the words they can start with, so a word only tries the few phrases that may start there.
//! Raw regexes are tried only in replies that contain one of the literals they need.

use crate::engine::Matcher;
use crate::engine::rule::RuleRegex;
use crate::pattern::{First, Phrase};
use crate::text::{Analysis, Mask};
use std::collections::HashMap as StdHashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The index's keys are the packs' own words, not attacker-chosen: a fast multiplicative
/// hash (as rustc's FxHash) instead of SipHash, which dominated lookups per word.
#[derive(Default, Clone, Copy)]
struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
    }
}

type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<FastHasher>>;

/// A match of one matcher (a slot) in a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub slot: u32,
    /// Word indices `[first, last)`.
    pub first: u32,
    pub last: u32,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug)]
struct Entry {
    /// The slots of all rules with this phrase (and skip mask): it is matched once for all.
    slots: Vec<u32>,
    phrase: Phrase,
    skip: Mask,
    /// Bloom bits of the words one of which every match needs besides its first (see
    /// [`Phrase::required_words`]); empty when there are none to test.
    needs: Box<[u16]>,
}

/// The words of a reply as a 1024-bit Bloom filter: "is this word in the reply?" answered
/// with one bit test, false positives costing only a phrase tried in vain.
struct Words([u64; 16]);

impl Words {
    fn new(a: &Analysis) -> Words {
        let mut bits = [0u64; 16];
        for i in 0..a.words.len() {
            let b = word_bit(a.folded(i));
            bits[b as usize >> 6] |= 1 << (b & 63);
        }
        Words(bits)
    }

    fn any(&self, needs: &[u16]) -> bool {
        needs.is_empty()
            || needs
                .iter()
                .any(|&b| self.0[b as usize >> 6] & (1 << (b & 63)) != 0)
    }
}

fn word_bit(word: &str) -> u16 {
    let mut h = FastHasher::default();
    h.write(word.as_bytes());
    (h.finish() >> 54) as u16
}

#[derive(Debug, Default)]
pub(crate) struct Builder {
    entries: Vec<Entry>,
    /// Entries by phrase source and skip mask, to share one entry among rules.
    shared: HashMap<(Phrase, Mask), usize>,
    regexes: Vec<(u32, RuleRegex, Mask)>,
    owners: Vec<u32>,
    lazy: HashMap<u32, Matcher>,
    lazy_skip: HashMap<u32, Mask>,
}

impl Builder {
    /// Registers a matcher of rule `owner`; returns its slot. A lazy matcher (exceptions,
    /// companions) is not indexed: it is matched only for rules that already have a hit.
    pub fn add(&mut self, owner: usize, m: &Matcher, skip: Mask, lazy: bool) -> u32 {
        let slot = self.owners.len() as u32;
        self.owners.push(owner as u32);
        if lazy {
            self.lazy.insert(slot, m.clone());
            self.lazy_skip.insert(slot, skip);
            return slot;
        }
        for p in &m.phrases {
            let key = (p.clone(), skip);
            if let Some(&e) = self.shared.get(&key) {
                self.entries[e].slots.push(slot);
                continue;
            }
            self.shared.insert(key, self.entries.len());
            let needs = p
                .required_words()
                .unwrap_or_default()
                .iter()
                .map(|w| word_bit(w))
                .collect();
            self.entries.push(Entry {
                slots: vec![slot],
                phrase: p.clone(),
                skip,
                needs,
            });
        }
        for r in &m.regexes {
            self.regexes.push((slot, r.clone(), skip));
        }
        slot
    }

    pub fn finish(self) -> Index {
        let mut by_word: HashMap<Box<str>, Vec<u32>> = HashMap::default();
        let mut by_prefix: HashMap<Box<str>, Vec<u32>> = HashMap::default();
        let mut by_suffix: HashMap<Box<str>, Vec<u32>> = HashMap::default();
        let mut numeric = Vec::new();
        let mut wild = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            for first in e.phrase.firsts() {
                match first {
                    First::Word(w) => by_word.entry(w).or_default().push(i as u32),
                    First::Prefix(p) => by_prefix.entry(p).or_default().push(i as u32),
                    First::Suffix(x) => by_suffix.entry(x).or_default().push(i as u32),
                    First::Number => numeric.push(i as u32),
                    First::Wild => wild.push(i as u32),
                }
            }
        }
        let mut prefix_lens: Vec<usize> = by_prefix.keys().map(|k| k.len()).collect();
        prefix_lens.sort_unstable();
        prefix_lens.dedup();
        let mut suffix_lens: Vec<usize> = by_suffix.keys().map(|k| k.len()).collect();
        suffix_lens.sort_unstable();
        suffix_lens.dedup();
        for list in by_word
            .values_mut()
            .chain(by_prefix.values_mut())
            .chain(by_suffix.values_mut())
        {
            list.sort_unstable();
            list.dedup();
        }
        numeric.dedup();
        wild.dedup();
        Index {
            entries: self.entries,
            by_word,
            by_prefix,
            prefix_lens,
            by_suffix,
            suffix_lens,
            numeric,
            wild,
            regexes: self.regexes,
            owners: self.owners,
            lazy: self.lazy,
            lazy_skip: self.lazy_skip,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Index {
    entries: Vec<Entry>,
    by_word: HashMap<Box<str>, Vec<u32>>,
    by_prefix: HashMap<Box<str>, Vec<u32>>,
    prefix_lens: Vec<usize>,
    /// Phrases starting with a word family by ending (`*klantenservice`), by that ending.
    by_suffix: HashMap<Box<str>, Vec<u32>>,
    suffix_lens: Vec<usize>,
    /// Phrases starting with `<num>`: tried only at words with a digit.
    numeric: Vec<u32>,
    wild: Vec<u32>,
    /// Raw regexes, each tried only when the reply has one of the literals it needs.
    regexes: Vec<(u32, RuleRegex, Mask)>,
    owners: Vec<u32>,
    lazy: HashMap<u32, Matcher>,
    lazy_skip: HashMap<u32, Mask>,
}

impl Index {
    /// The rule a slot belongs to.
    pub fn owner(&self, slot: u32) -> usize {
        self.owners[slot as usize] as usize
    }

    /// All hits in `a`, sorted by slot then start; within a slot, overlapping hits are
    /// reduced to the earliest (and then longest).
    pub fn hits(&self, a: &Analysis) -> Vec<Hit> {
        let mut hits = Vec::new();
        let words = Words::new(a);
        // A phrase starting with a word part (`*vervelend*`) would be tried at every word:
        // first ask whether the part occurs in the reply's folded words at all.
        let wild: Vec<u32> = self
            .wild
            .iter()
            .copied()
            .filter(|&e| {
                self.entries[e as usize]
                    .phrase
                    .first_infix()
                    .is_none_or(|part| a.folded_text().contains(part))
            })
            .collect();
        let mut push = |e: &Entry, i: usize| {
            if !words.any(&e.needs) {
                return;
            }
            if let Some(m) = e.phrase.match_at(a, i, e.skip) {
                hits.extend(e.slots.iter().map(|&slot| Hit {
                    slot,
                    first: m.first as u32,
                    last: m.last as u32,
                    start: m.start,
                    end: m.end,
                }));
            }
        };
        for i in 0..a.words.len() {
            let w = a.folded(i);
            if let Some(list) = self.by_word.get(w) {
                list.iter()
                    .for_each(|&e| push(&self.entries[e as usize], i));
            }
            for &len in &self.prefix_lens {
                if len > w.len() {
                    break;
                }
                if w.is_char_boundary(len) {
                    if let Some(list) = self.by_prefix.get(&w[..len]) {
                        list.iter()
                            .for_each(|&e| push(&self.entries[e as usize], i));
                    }
                }
            }
            for &len in &self.suffix_lens {
                if len > w.len() {
                    break;
                }
                let at = w.len() - len;
                if w.is_char_boundary(at) {
                    if let Some(list) = self.by_suffix.get(&w[at..]) {
                        list.iter()
                            .for_each(|&e| push(&self.entries[e as usize], i));
                    }
                }
            }
            if w.bytes().any(|b| b.is_ascii_digit()) {
                self.numeric
                    .iter()
                    .for_each(|&e| push(&self.entries[e as usize], i));
            }
            wild.iter()
                .for_each(|&e| push(&self.entries[e as usize], i));
        }
        if !self.regexes.is_empty() {
            let lower = a.text.to_ascii_lowercase();
            let live: Vec<&(u32, RuleRegex, Mask)> = self
                .regexes
                .iter()
                .filter(|(_, re, _)| re.may_match(&lower))
                .collect();
            // The first reply (a one-draft run's only one) compiles the regexes it needs:
            // on both cores.
            if live.iter().filter(|(_, re, _)| !re.is_compiled()).count() > 1 {
                use rayon::prelude::*;
                live.par_iter().for_each(|(_, re, _)| {
                    re.get();
                });
            }
            for (slot, re, skip) in live {
                regex_hits(a, re, *slot, *skip, &mut hits);
            }
        }
        normalize(hits)
    }

    /// The hits of lazy `slots` (exceptions, companions) in `a`, added to `hits`, which stay
    /// sorted and reduced.
    pub fn add_lazy(
        &self,
        a: &Analysis,
        requests: &[(u32, Option<Vec<usize>>)],
        hits: Vec<Hit>,
    ) -> Vec<Hit> {
        let mut hits = hits;
        let before = hits.len();
        let mut lower: Option<String> = None;
        for (slot, at) in requests {
            let (Some(m), Some(&skip)) = (self.lazy.get(slot), self.lazy_skip.get(slot)) else {
                continue;
            };
            let hit = |m: crate::pattern::PhraseMatch| Hit {
                slot: *slot,
                first: m.first as u32,
                last: m.last as u32,
                start: m.start,
                end: m.end,
            };
            for p in &m.phrases {
                match at {
                    None => hits.extend(p.find_all(a, skip).into_iter().map(hit)),
                    Some(positions) => hits.extend(
                        positions
                            .iter()
                            .filter_map(|&i| p.match_at(a, i, skip))
                            .map(hit),
                    ),
                }
            }
            for re in &m.regexes {
                let lower = lower.get_or_insert_with(|| a.text.to_ascii_lowercase());
                if re.may_match(lower) {
                    regex_hits(a, re, *slot, skip, &mut hits);
                }
            }
        }
        if hits.len() == before {
            return hits;
        }
        normalize(hits)
    }
}

fn regex_hits(a: &Analysis, re: &RuleRegex, slot: u32, skip: Mask, hits: &mut Vec<Hit>) {
    for m in re.get().find_iter(a.text) {
        if m.is_empty() || a.is_masked(m.start(), skip) {
            continue;
        }
        let first = a
            .word_at_or_after(m.start())
            .min(a.words.len().saturating_sub(1));
        let last = a.word_at_or_after(m.end()).max(first + 1);
        hits.push(Hit {
            slot,
            first: first as u32,
            last: last as u32,
            start: m.start(),
            end: m.end(),
        });
    }
}

/// Sorted by slot then start; within a slot, overlapping hits reduced to the earliest (and
/// then longest).
fn normalize(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_unstable_by(|x, y| {
        (x.slot, x.start, std::cmp::Reverse(x.end)).cmp(&(
            y.slot,
            y.start,
            std::cmp::Reverse(y.end),
        ))
    });
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        match kept.last() {
            Some(k) if k.slot == h.slot && h.start < k.end => {}
            _ => kept.push(h),
        }
    }
    kept
}
