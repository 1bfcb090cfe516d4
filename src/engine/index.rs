//! One pass over a reply's words for all phrases of all active rules: phrases are indexed by
//! the words they can start with, so a word only tries the few phrases that may start there,
//! and only when the reply has the other words the phrase needs. What a word may start is
//! worked out once per distinct word and kept (per thread). Raw regexes are tried only in
//! replies that contain one of the literals they need.

use crate::engine::Matcher;
use crate::engine::rule::RuleRegex;
use crate::engine::words::WordTable;
use crate::fasthash::HashMap;
use crate::pattern::{First, Need, Phrase};
use crate::text::{Analysis, Mask};
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

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

impl Hit {
    fn of(slot: u32, m: crate::pattern::PhraseMatch) -> Hit {
        Hit {
            slot,
            first: m.first as u32,
            last: m.last as u32,
            start: m.start,
            end: m.end,
        }
    }
}

#[derive(Debug)]
struct Entry {
    /// The slots of all rules with this phrase (and skip mask): it is matched once for all.
    slots: Vec<u32>,
    phrase: Phrase,
    skip: Mask,
    /// Sets of vocabulary ids, the rarest first and then smallest first: the phrase is
    /// tried in a reply only when each set has a word in it (see
    /// [`Phrase::required_words`]).
    needs: Box<[Box<[u32]>]>,
    /// A phrase of a lazy matcher: the pass over the words only notes where it may start.
    lazy: bool,
}

impl Entry {
    /// Whether a reply with the words `present` has what the entry needs. Asked only when
    /// a word of the first set (its rarest, moved first by [`Builder::finish`]) is present.
    fn possible(&self, present: &[u64]) -> bool {
        self.needs[1..]
            .iter()
            .all(|set| set.iter().any(|&v| has_bit(present, v as usize)))
    }
}

/// What a (folded) word can do: be one of the phrases' literal words, start phrases.
#[derive(Debug, Clone, Copy)]
struct WordInfo {
    /// Its id in the vocabulary of required words ([`NO_VOCAB`]: none).
    vocab: u32,
    /// The required word families it is of, as a bit set over [`Index::families`].
    families: u64,
    /// The entries that may start at it, ascending: `pool[from..to]` of the cache.
    from: u32,
    to: u32,
    /// For a word that may start many entries ("ik", "we": about 60 each), the same entries
    /// as a bit set over all entries: `wide[at..]` of the cache ([`NARROW`]: none).
    wide: u32,
    /// The regex literals made of letters and digits that it contains ([`Literals`]).
    literals: u64,
}

const NO_VOCAB: u32 = u32::MAX;
const NARROW: u32 = u32::MAX;
/// The fewest entries a word starts for them to be kept as a bit set too.
const WIDE: usize = 16;

/// Distinct words seen by this thread, with what they can do in one index: Dutch replies
/// repeat a few thousand words, so a word's candidates are one lookup instead of one per
/// prefix and suffix length.
struct WordCache {
    index: u64,
    /// What each word can do, by word.
    table: WordTable<WordInfo>,
    /// The entries words may start, each word's in one run.
    pool: Vec<u32>,
    /// The length of `pool` the table's words use.
    cached_pool: usize,
    /// Bit sets of the entries words start (for words that start many), and the length the
    /// table's words use.
    wide: Vec<u64>,
    cached_wide: usize,
    /// Per reply: the entries whose required words the reply has, as a bit set.
    live: Vec<u64>,
    /// Per reply, reused: the info of each word, the vocabulary present (as a set and as a
    /// list), and per entry whether the reply has what it needs (1: yes, else no).
    words: Vec<WordInfo>,
    present: Vec<u64>,
    present_list: Vec<u32>,
    state: Vec<u8>,
}

/// The most distinct words a thread keeps (about 1 MiB); when it is full, the cache starts
/// over at the next reply, so memory stays flat as a library grows and the cache follows
/// the words as they change. Keeping the first words seen instead covered 99% of the words
/// of the 100k benchmark library in random order (33.5k distinct), but in a directory by
/// topic it looked up 439k words for 100k replies; starting over looks up 62k in either.
const CACHE_WORDS: usize = 1 << 14;

impl WordCache {
    fn new(index: u64) -> WordCache {
        WordCache {
            index,
            table: WordTable::new(CACHE_WORDS),
            pool: Vec::new(),
            cached_pool: 0,
            wide: Vec::new(),
            cached_wide: 0,
            live: Vec::new(),
            words: Vec::new(),
            present: Vec::new(),
            present_list: Vec::new(),
            state: Vec::new(),
        }
    }
}

thread_local! {
    static CACHE: RefCell<WordCache> = RefCell::new(WordCache::new(0));
}

/// Distinguishes indexes, for the per-thread cache (0: none).
static NEXT_INDEX: AtomicU64 = AtomicU64::new(1);

#[derive(Debug, Default)]
pub(crate) struct Builder {
    entries: Vec<Entry>,
    /// Eager entries by phrase and skip mask, to share one entry among rules.
    shared: HashMap<(Phrase, Mask), usize>,
    /// The words entries require, numbered.
    vocab: HashMap<Box<str>, u32>,
    /// The word families entries require (at most [`MAX_FAMILIES`]), numbered with the
    /// words.
    families: Vec<(Family, u32)>,
    regexes: Vec<(u32, RuleRegex, Mask)>,
    owners: Vec<u32>,
    lazy: HashMap<u32, Matcher>,
    lazy_skip: HashMap<u32, Mask>,
    /// The entries of each lazy slot's phrases.
    lazy_entries: HashMap<u32, Vec<u32>>,
}

impl Builder {
    /// Registers a matcher of rule `owner`; returns its slot. A lazy matcher (exceptions,
    /// companions) is matched only for rules that already have a hit, and then only where
    /// the pass over the words found that it may start.
    pub fn add(&mut self, owner: usize, m: &Matcher, skip: Mask, lazy: bool) -> u32 {
        let slot = self.owners.len() as u32;
        self.owners.push(owner as u32);
        let mut ids = Vec::with_capacity(m.phrases.len());
        for p in &m.phrases {
            // Eager phrases are shared among rules (hashed once); lazy ones, matched only for
            // a rule with a hit, are not worth hashing.
            if !lazy {
                match self.shared.entry((p.clone(), skip)) {
                    std::collections::hash_map::Entry::Occupied(e) => {
                        let e = *e.get();
                        self.entries[e].slots.push(slot);
                        ids.push(e as u32);
                        continue;
                    }
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(self.entries.len());
                    }
                }
            }
            ids.push(self.entries.len() as u32);
            let needs = p
                .required_words()
                .into_iter()
                .filter_map(|set| set.into_iter().map(|n| self.vocab_id(n)).collect())
                .collect();
            self.entries.push(Entry {
                slots: vec![slot],
                phrase: p.clone(),
                skip,
                needs,
                lazy,
            });
        }
        if lazy {
            self.lazy.insert(slot, m.clone());
            self.lazy_skip.insert(slot, skip);
            self.lazy_entries.insert(slot, ids);
            return slot;
        }
        for r in &m.regexes {
            self.regexes.push((slot, r.clone(), skip));
        }
        slot
    }

    /// The vocabulary id of a required word or family; none for a family past the first
    /// [`MAX_FAMILIES`] (a set with one is then not tested: testing fewer sets is safe).
    fn vocab_id(&mut self, need: Need) -> Option<u32> {
        let next = (self.vocab.len() + self.families.len()) as u32;
        let family = match need {
            Need::Word(w) => {
                if let Some(&v) = self.vocab.get(w) {
                    return Some(v);
                }
                self.vocab.insert(w.into(), next);
                return Some(next);
            }
            Need::Prefix(x) => Family::Prefix(x.into()),
            Need::Suffix(x) => Family::Suffix(x.into()),
            Need::Infix(x) => Family::Infix(x.into()),
        };
        if let Some((_, v)) = self.families.iter().find(|(f, _)| *f == family) {
            return Some(*v);
        }
        if self.families.len() == MAX_FAMILIES {
            return None;
        }
        self.families.push((family, next));
        Some(next)
    }

    pub fn finish(mut self) -> Index {
        // Each entry that needs words is looked at only in replies with a word of its
        // likeliest-rare set (see `rarity`); most replies lack it, and then nothing more
        // about the entry is tested.
        let vocab_count = self.vocab.len() + self.families.len();
        let mut words: Vec<Need> = vec![Need::Word(""); vocab_count];
        for (w, &v) in &self.vocab {
            words[v as usize] = Need::Word(w);
        }
        for (f, v) in &self.families {
            words[*v as usize] = f.need();
        }
        let mut triggers: Vec<Vec<u32>> = vec![Vec::new(); vocab_count];
        let mut initial = vec![0u8; self.entries.len()];
        for (i, e) in self.entries.iter_mut().enumerate() {
            let rarest = e
                .needs
                .iter()
                .enumerate()
                .map(|(k, set)| (rarity(set, &words), k))
                .max_by(|(x, _), (y, _)| x.total_cmp(y))
                .map(|(_, k)| k);
            match rarest {
                Some(k) => {
                    // First: a word of it triggers the test, so `possible` skips it.
                    e.needs[..=k].rotate_right(1);
                    e.needs[0]
                        .iter()
                        .for_each(|&v| triggers[v as usize].push(i as u32));
                }
                None => initial[i] = 1,
            }
        }
        let mut by_word: HashMap<Box<str>, Vec<u32>> = HashMap::default();
        let mut by_prefix: HashMap<Box<str>, Vec<u32>> = HashMap::default();
        let mut by_suffix: HashMap<Box<str>, Vec<u32>> = HashMap::default();
        let mut infix = Vec::new();
        let mut numeric = Vec::new();
        let mut any = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            for first in e.phrase.firsts() {
                match first {
                    First::Word(w) => by_word.entry(w).or_default().push(i as u32),
                    First::Prefix(p) => by_prefix.entry(p).or_default().push(i as u32),
                    First::Suffix(x) => by_suffix.entry(x).or_default().push(i as u32),
                    First::Infix(x) => infix.push((x, i as u32)),
                    First::Number => numeric.push(i as u32),
                    First::Any => any.push(i as u32),
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
        any.dedup();
        Index {
            id: NEXT_INDEX.fetch_add(1, Ordering::Relaxed),
            triggers: triggers.into_iter().map(Vec::into_boxed_slice).collect(),
            initial_live: {
                let mut live = vec![0; self.entries.len().div_ceil(64)];
                (0..initial.len())
                    .filter(|&e| initial[e] == 1)
                    .for_each(|e| set_bit(&mut live, e));
                live.into()
            },
            initial: initial.into(),
            entries: self.entries,
            vocab: self.vocab,
            families: self.families,
            vocab_count,
            by_word,
            by_prefix,
            prefix_lens,
            by_suffix,
            suffix_lens,
            infix,
            numeric,
            any,
            literals: Literals::new(&self.regexes),
            regexes: self.regexes,
            owners: self.owners,
            lazy: self.lazy,
            lazy_skip: self.lazy_skip,
            lazy_entries: self.lazy_entries,
        }
    }
}

/// Bit sets as `u64` words: the index's per-reply sets of words, entries and literals.
pub(crate) fn set_bit(set: &mut [u64], i: usize) {
    set[i >> 6] |= 1 << (i & 63);
}

pub(crate) fn has_bit(set: &[u64], i: usize) -> bool {
    set[i >> 6] & (1 << (i & 63)) != 0
}

/// How rare a set of required words is likely to be in replies (higher: rarer; see
/// [`crate::pattern::frequency`]).
fn rarity(set: &[u32], words: &[Need]) -> f64 {
    let set: Vec<Need> = set.iter().map(|&v| words[v as usize]).collect();
    1.0 / crate::pattern::frequency(&set)
}

/// The most word families required words can be of (a bit set per distinct word).
const MAX_FAMILIES: usize = 64;

/// A family of words a phrase requires (`bel*`, `*afdeling`, `*pin*`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Family {
    Prefix(Box<str>),
    Suffix(Box<str>),
    Infix(Box<str>),
}

impl Family {
    fn need(&self) -> Need<'_> {
        match self {
            Family::Prefix(x) => Need::Prefix(x),
            Family::Suffix(x) => Need::Suffix(x),
            Family::Infix(x) => Need::Infix(x),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Index {
    id: u64,
    entries: Vec<Entry>,
    /// By vocabulary id: the entries whose rarest required set has that word.
    triggers: Box<[Box<[u32]>]>,
    /// Per entry, the state a reply starts in: 1 (may match) for entries that need no word.
    initial: Box<[u8]>,
    /// The same as a bit set.
    initial_live: Box<[u64]>,
    vocab: HashMap<Box<str>, u32>,
    /// Required word families, with their ids in the vocabulary.
    families: Vec<(Family, u32)>,
    /// Words and families.
    vocab_count: usize,
    by_word: HashMap<Box<str>, Vec<u32>>,
    by_prefix: HashMap<Box<str>, Vec<u32>>,
    prefix_lens: Vec<usize>,
    /// Phrases starting with a word family by ending (`*klantenservice`), by that ending.
    by_suffix: HashMap<Box<str>, Vec<u32>>,
    suffix_lens: Vec<usize>,
    /// Phrases starting with a word part (`*vervelend*`).
    infix: Vec<(Box<str>, u32)>,
    /// Phrases starting with `<num>`: tried only at words with a digit.
    numeric: Vec<u32>,
    /// Phrases starting with `<any>`.
    any: Vec<u32>,
    /// Raw regexes, each tried only when the reply has one of the literals it needs.
    regexes: Vec<(u32, RuleRegex, Mask)>,
    literals: Literals,
    owners: Vec<u32>,
    lazy: HashMap<u32, Matcher>,
    lazy_skip: HashMap<u32, Mask>,
    lazy_entries: HashMap<u32, Vec<u32>>,
}

/// The pass over a reply's words, before any phrase is matched.
#[derive(Debug, Default)]
pub(crate) struct Prepared {
    /// Where eager phrases may start: (entry, word), sorted.
    eager: Vec<(u32, u32)>,
    /// Where lazy phrases may start: (entry, word), sorted.
    lazy: Vec<(u32, u32)>,
    /// The regexes (indices) that may match.
    regexes: Vec<u32>,
    /// The regex literals of letters and digits that the reply's words contain.
    literals: u64,
}

/// Where the phrases of lazy matchers may start in a reply: (entry, word), sorted.
#[derive(Debug, Default)]
pub(crate) struct LazyStarts(Vec<(u32, u32)>);

impl LazyStarts {
    /// The words where entry `e` may start, ascending.
    fn of(&self, e: u32) -> impl Iterator<Item = usize> + '_ {
        let from = self.0.partition_point(|&(x, _)| x < e);
        self.0[from..]
            .iter()
            .take_while(move |&&(x, _)| x == e)
            .map(|&(_, i)| i as usize)
    }
}

impl Index {
    /// How many slots there are.
    pub fn slot_count(&self) -> usize {
        self.owners.len()
    }

    /// The rule a slot belongs to.
    pub fn owner(&self, slot: u32) -> usize {
        self.owners[slot as usize] as usize
    }

    /// All hits in `a`, sorted by slot then start; within a slot, overlapping hits are
    /// reduced to the earliest (and then longest). Also where lazy phrases may start, for
    /// [`Index::add_lazy`].
    pub fn hits(&self, a: &Analysis) -> (Vec<Hit>, LazyStarts) {
        let p = self.prepare(a);
        self.hits_prepared(a, p)
    }

    /// The pass over the words of `a` (which need not be masked yet): where eager phrases
    /// may start, where lazy ones may, and which regexes have a literal they need.
    pub fn prepare(&self, a: &Analysis) -> Prepared {
        let mut p = CACHE.with(|cache| match cache.try_borrow_mut() {
            Ok(mut cache) => self.starts(a, &mut cache),
            // Only if a caller nests checks on one thread: no sharing then.
            Err(_) => self.starts(a, &mut WordCache::new(self.id)),
        });
        if !self.regexes.is_empty() {
            let found = self.literals.find(a.text, p.literals);
            p.regexes = (0..self.regexes.len() as u32)
                .filter(|&k| self.literals.needs[k as usize].iter().all(|n| found.any(n)))
                .collect();
            // A regex not compiled yet (the first replies; a one-draft run's only one) is
            // compiled only if the text has a string it needs: the test on the words may let
            // more through (see [`Literals`]), and compiling costs more than a search.
            if p.regexes
                .iter()
                .any(|&k| !self.regexes[k as usize].1.is_compiled())
            {
                let lower = a.text.to_ascii_lowercase();
                p.regexes.retain(|&k| {
                    let re = &self.regexes[k as usize].1;
                    re.is_compiled() || re.may_match(&lower)
                });
            }
            // The first reply compiles the regexes it needs: on both cores.
            let new = |&&k: &&u32| !self.regexes[k as usize].1.is_compiled();
            if p.regexes.iter().filter(new).count() > 1 {
                use rayon::prelude::*;
                p.regexes.par_iter().for_each(|&k| {
                    self.regexes[k as usize].1.get();
                });
            }
        }
        p
    }

    /// The slots that may have a hit in a reply, from its [`Prepared`] pass: those of the
    /// phrases that may start somewhere, and of the regexes that match the text (the others
    /// are dropped from `p`). `None` as soon as one of the `decisive` slots may.
    pub fn may_hit(&self, p: &mut Prepared, text: &str, decisive: &[u64]) -> Option<Vec<u64>> {
        let mut may = vec![0; self.owners.len().div_ceil(64)];
        let mut last = u32::MAX;
        for &(e, _) in &p.eager {
            if e == last {
                continue;
            }
            last = e;
            for &s in &self.entries[e as usize].slots {
                if has_bit(decisive, s as usize) {
                    return None;
                }
                set_bit(&mut may, s as usize);
            }
        }
        p.regexes
            .retain(|&k| self.regexes[k as usize].1.get().is_match(text));
        for &k in &p.regexes {
            let s = self.regexes[k as usize].0;
            if has_bit(decisive, s as usize) {
                return None;
            }
            set_bit(&mut may, s as usize);
        }
        Some(may)
    }

    /// The hits of a [`Prepared`] pass over `a` (now masked), as [`Index::hits`].
    pub fn hits_prepared(&self, a: &Analysis, p: Prepared) -> (Vec<Hit>, LazyStarts) {
        let mut hits = Vec::new();
        for &(e, i) in &p.eager {
            let entry = &self.entries[e as usize];
            if let Some(m) = entry.phrase.match_at(a, i as usize, entry.skip) {
                hits.extend(entry.slots.iter().map(|&slot| Hit::of(slot, m)));
            }
        }
        for &k in &p.regexes {
            let (slot, re, skip) = &self.regexes[k as usize];
            regex_hits(a, re, *slot, *skip, &mut hits);
        }
        (normalize(hits), LazyStarts(p.lazy))
    }

    /// What word `w` can do in this index; its starts are added to `pool`.
    fn word_info(&self, w: &str, pool: &mut Vec<u32>, wide: &mut Vec<u64>) -> WordInfo {
        let from = pool.len();
        if let Some(list) = self.by_word.get(w) {
            pool.extend(list);
        }
        for &len in &self.prefix_lens {
            if len > w.len() {
                break;
            }
            if let Some(list) = w.get(..len).and_then(|p| self.by_prefix.get(p)) {
                pool.extend(list);
            }
        }
        for &len in &self.suffix_lens {
            if len > w.len() {
                break;
            }
            if let Some(list) = w.get(w.len() - len..).and_then(|x| self.by_suffix.get(x)) {
                pool.extend(list);
            }
        }
        pool.extend(
            self.infix
                .iter()
                .filter(|(part, _)| w.contains(&**part))
                .map(|&(_, e)| e),
        );
        if w.bytes().any(|b| b.is_ascii_digit()) {
            pool.extend(&self.numeric);
        }
        pool[from..].sort_unstable();
        let mut to = from;
        for i in from..pool.len() {
            if to == from || pool[to - 1] != pool[i] {
                pool[to] = pool[i];
                to += 1;
            }
        }
        pool.truncate(to);
        let mut at = NARROW;
        if to - from >= WIDE {
            at = wide.len() as u32;
            wide.resize(wide.len() + self.entries.len().div_ceil(64), 0);
            for &e in &pool[from..to] {
                set_bit(&mut wide[at as usize..], e as usize);
            }
        }
        let mut families = 0;
        for (k, (f, _)) in self.families.iter().enumerate() {
            if f.need().accepts(w) {
                families |= 1 << k;
            }
        }
        WordInfo {
            vocab: self.vocab.get(w).copied().unwrap_or(NO_VOCAB),
            families,
            from: from as u32,
            to: to as u32,
            wide: at,
            literals: self.literals.in_word(w),
        }
    }

    /// Where the eager and the lazy phrases may start in `a`.
    fn starts(&self, a: &Analysis, cache: &mut WordCache) -> Prepared {
        if cache.index != self.id {
            *cache = WordCache::new(self.id);
        }
        // A full cache starts over, so that it follows the words of the replies as they
        // change (a directory of templates by topic).
        if cache.table.len() >= CACHE_WORDS {
            cache.table.clear();
            cache.cached_pool = 0;
            cache.cached_wide = 0;
        }
        // Forget the starts of the words of the last reply that did not fit.
        cache.pool.truncate(cache.cached_pool);
        cache.wide.truncate(cache.cached_wide);
        cache.words.clear();
        cache.present.clear();
        cache.present.resize(self.vocab_count.div_ceil(64), 0);
        cache.present_list.clear();
        let mut literals = 0;
        for i in 0..a.words.len() {
            let w = a.folded(i);
            let info = match cache.table.get(w) {
                Some((_, info)) => info,
                None => {
                    let info = self.word_info(w, &mut cache.pool, &mut cache.wide);
                    if cache.table.len() < CACHE_WORDS {
                        // Kept. (While the table has room, no word of this reply is past
                        // the table's, so the pool's end is the table's words' end.)
                        cache.cached_pool = cache.pool.len();
                        cache.cached_wide = cache.wide.len();
                        cache.table.insert(w, info);
                    }
                    info
                }
            };
            literals |= info.literals;
            let v = info.vocab;
            if v != NO_VOCAB && !has_bit(&cache.present, v as usize) {
                set_bit(&mut cache.present, v as usize);
                cache.present_list.push(v);
            }
            let mut families = info.families;
            while families != 0 {
                let (_, v) = self.families[families.trailing_zeros() as usize];
                if !has_bit(&cache.present, v as usize) {
                    set_bit(&mut cache.present, v as usize);
                    cache.present_list.push(v);
                }
                families &= families - 1;
            }
            cache.words.push(info);
        }
        cache.state.clear();
        cache.state.extend_from_slice(&self.initial);
        cache.live.clear();
        cache.live.extend_from_slice(&self.initial_live);
        for &v in &cache.present_list {
            for &e in self.triggers[v as usize].iter() {
                let state = &mut cache.state[e as usize];
                if *state == 0 {
                    *state = if self.entries[e as usize].possible(&cache.present) {
                        set_bit(&mut cache.live, e as usize);
                        1
                    } else {
                        2
                    };
                }
            }
        }
        let mut eager = Vec::with_capacity(16);
        let mut lazy = Vec::with_capacity(16);
        let mut try_at = |e: u32, i: usize| {
            if self.entries[e as usize].lazy {
                lazy.push((e, i as u32));
            } else {
                eager.push((e, i as u32));
            }
        };
        for (i, &info) in cache.words.iter().enumerate() {
            if info.wide != NARROW {
                // Many entries start here, few are live: one AND per 64 entries.
                let set = &cache.wide[info.wide as usize..][..cache.live.len()];
                for (k, (&s, &l)) in set.iter().zip(&cache.live).enumerate() {
                    let mut bits = s & l;
                    while bits != 0 {
                        try_at((k * 64) as u32 + bits.trailing_zeros(), i);
                        bits &= bits - 1;
                    }
                }
                continue;
            }
            for &e in &cache.pool[info.from as usize..info.to as usize] {
                if cache.state[e as usize] == 1 {
                    try_at(e, i);
                }
            }
        }
        // Phrases starting with any word, when the reply has what they need: at every word
        // (not in each word's list, which would test them at every word of every reply).
        let mut any_live = false;
        for &e in &self.any {
            if cache.state[e as usize] == 1 {
                (0..cache.words.len()).for_each(|i| try_at(e, i));
                any_live = true;
            }
        }
        // By entry, so that `may_hit` looks at each entry once.
        eager.sort_unstable();
        lazy.sort_unstable();
        if any_live {
            // A phrase may also start with a word that is in a word's list.
            eager.dedup();
            lazy.dedup();
        }
        Prepared {
            eager,
            lazy,
            regexes: Vec::new(),
            literals,
        }
    }

    /// The hits of lazy `slots` (exceptions, companions) in `a`, added to `hits`, which stay
    /// sorted and reduced.
    pub fn add_lazy(
        &self,
        a: &Analysis,
        requests: &[(u32, Option<Vec<usize>>)],
        hits: Vec<Hit>,
        starts: &LazyStarts,
    ) -> Vec<Hit> {
        let mut hits = hits;
        let before = hits.len();
        let mut lower: Option<String> = None;
        for (slot, at) in requests {
            let (Some(m), Some(&skip)) = (self.lazy.get(slot), self.lazy_skip.get(slot)) else {
                continue;
            };
            let hit = |m| Hit::of(*slot, m);
            for &e in self.lazy_entries.get(slot).into_iter().flatten() {
                let p = &self.entries[e as usize].phrase;
                match at {
                    // All matches, left to right, not overlapping (as `Phrase::find_all`).
                    None => {
                        let mut next = 0;
                        for i in starts.of(e) {
                            if i < next {
                                continue;
                            }
                            if let Some(m) = p.match_at(a, i, skip) {
                                next = m.last;
                                hits.push(hit(m));
                            }
                        }
                    }
                    Some(positions) => {
                        let mut may = starts.of(e).peekable();
                        for &i in positions {
                            while may.next_if(|&s| s < i).is_some() {}
                            if may.peek() == Some(&i) {
                                hits.extend(p.match_at(a, i, skip).map(hit));
                            }
                        }
                    }
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

/// The literal strings rule regexes need (see [`crate::engine::literals`]), found in a reply.
/// A run of ASCII letters and digits stands inside one word, whatever the text around it:
/// a string is looked for by its runs ("0800"; "al" and "vanaf" for "al vanaf", "31" for
/// "+31"), each in each distinct word once ([`WordInfo::literals`]), not in every reply's
/// text. A reply that has the runs may lack the string: then the regex runs and finds
/// nothing, as it would have. Only strings without letters or digits ("@") are looked for
/// in the text. An overlapping scan of every reply's text for all strings took 4–7% of a
/// library run, and 6% when only the strings with more than letters and digits were left.
#[derive(Debug)]
struct Literals {
    /// Over the runs looked for in folded words (at most 64), numbered by bit.
    in_words: Option<aho_corasick::AhoCorasick>,
    /// Per string: the bit of its run, or its number in `in_text`.
    how: Vec<Look>,
    /// The strings looked for in the text (ASCII case ignored).
    in_text: Option<aho_corasick::AhoCorasick>,
    /// Per regex: sets of ids of strings, one string of each of which it needs.
    needs: Vec<Vec<Vec<u32>>>,
}

#[derive(Debug, Clone, Copy)]
enum Look {
    /// Each of its runs of letters and digits is in a word: these bits of
    /// [`WordInfo::literals`] are all set.
    Words(u64),
    /// In the text: pattern of [`Literals::in_text`].
    Text(u32),
}

/// The strings a reply contains (or may: see [`Literals`]), by id.
struct Found(Vec<u64>);

impl Found {
    fn any(&self, ids: &[u32]) -> bool {
        ids.iter().any(|&i| has_bit(&self.0, i as usize))
    }
}

/// The runs of ASCII letters and digits in `s`.
fn runs(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|r| !r.is_empty())
}

impl Literals {
    fn new(regexes: &[(u32, RuleRegex, Mask)]) -> Literals {
        let mut strings: Vec<&str> = regexes
            .iter()
            .flat_map(|(_, re, _)| re.needs_all())
            .flatten()
            .map(|s| &**s)
            .collect();
        strings.sort_unstable();
        strings.dedup();
        // Segmentation never breaks between two ASCII letters or digits, and folding
        // lowercases them and changes no other ASCII character (it may make more of a word
        // ASCII: "café" holds "cafe", which only runs a regex that cannot match).
        let mut runs: Vec<&str> = Vec::new();
        let mut text: Vec<&str> = Vec::new();
        let how = strings
            .iter()
            .map(|&s| {
                let mut bits = 0u64;
                for run in self::runs(s) {
                    let bit = match runs.iter().position(|r| *r == run) {
                        Some(bit) => bit,
                        None if runs.len() < 64 => {
                            runs.push(run);
                            runs.len() - 1
                        }
                        // More than 64 runs: the later strings are looked for in the text.
                        None => {
                            bits = 0;
                            break;
                        }
                    };
                    bits |= 1 << bit;
                }
                if bits != 0 {
                    Look::Words(bits)
                } else {
                    text.push(s);
                    Look::Text(text.len() as u32 - 1)
                }
            })
            .collect();
        let needs = regexes
            .iter()
            .map(|(_, re, _)| {
                re.needs_all()
                    .iter()
                    .map(|set| {
                        set.iter()
                            .map(|s| strings.binary_search(&&**s).expect("listed") as u32)
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let automaton = |strings: &[&str], ascii_case: bool| {
            (!strings.is_empty()).then(|| {
                aho_corasick::AhoCorasick::builder()
                    .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                    .ascii_case_insensitive(ascii_case)
                    .build(strings)
                    .expect("regex literals are few and short")
            })
        };
        Literals {
            // Searched once per distinct word: quick to build matters more than a DFA's
            // quicker search (a one-draft run builds it).
            in_words: automaton(&runs, false),
            how,
            in_text: automaton(&text, true),
            needs,
        }
    }

    /// The runs in folded word `w`, as a bit set ([`Look::Words`]).
    fn in_word(&self, w: &str) -> u64 {
        let Some(ac) = &self.in_words else {
            return 0;
        };
        let mut bits = 0;
        for m in ac.find_overlapping_iter(w) {
            bits |= 1 << m.pattern().as_usize();
        }
        bits
    }

    /// The strings in a reply with this text, whose words hold the runs `in_words` (see
    /// [`Literals::in_word`]).
    fn find(&self, text: &str, in_words: u64) -> Found {
        let mut found = Found(vec![0; self.how.len().div_ceil(64)]);
        let mut in_text = 0u64;
        if let Some(ac) = &self.in_text {
            for m in ac.find_overlapping_iter(text) {
                in_text |= 1 << (m.pattern().as_usize() & 63);
            }
        }
        for (i, look) in self.how.iter().enumerate() {
            let has = match *look {
                Look::Words(bits) => in_words & bits == bits,
                // (More than 64 strings in the text: the later ones share bits, and so may
                // be taken as found.)
                Look::Text(k) => in_text >> (k & 63) & 1 == 1,
            };
            if has {
                set_bit(&mut found.0, i);
            }
        }
        found
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

#[cfg(test)]
mod tests {
    use crate::engine::{Context, Linter, Selection};
    use crate::text::Analysis;

    /// The pass over the words skips no match: every match of every phrase of the built-in
    /// packs, in every example text (and thread) and corpus draft, is found by the index (an
    /// eager phrase's as a hit of its slots, which may be an overlapping hit of another
    /// phrase of the same slot; a lazy phrase's start as a place to try). This tests the
    /// required words (families too), the word cache and the start lists together.
    #[test]
    fn the_index_finds_every_match_of_every_phrase() {
        let packs = crate::packs::builtin().unwrap();
        let linter = Linter::new(&packs, &Selection::default()).unwrap();
        let index = &linter.index;
        let texts = crate::engine::sample_texts(linter.rules());
        let (mut eager, mut lazy) = (0, 0);
        for t in &texts {
            let a = Analysis::new(t);
            let (hits, starts) = index.hits(&a);
            for (e, entry) in index.entries.iter().enumerate() {
                for m in entry.phrase.find_all(&a, entry.skip) {
                    if entry.lazy {
                        lazy += 1;
                        assert!(
                            starts.of(e as u32).any(|i| i == m.first),
                            "{:?} may start at word {} of {t:?}",
                            entry.phrase,
                            m.first
                        );
                        continue;
                    }
                    eager += 1;
                    for &slot in &entry.slots {
                        assert!(
                            hits.iter()
                                .any(|h| h.slot == slot && h.start < m.end && m.start < h.end),
                            "{:?} matches {:?} in {t:?}",
                            entry.phrase,
                            &t[m.start..m.end]
                        );
                    }
                }
            }
        }
        assert!(
            eager > 1000 && lazy > 200,
            "{eager} eager, {lazy} lazy matches"
        );
    }

    /// The literal test keeps every regex whose needed strings a reply has (ASCII case
    /// ignored), wherever a string stands: glued to letters or digits, in capitals, beside
    /// accented letters, in a URL. (It may keep more: a string's runs of letters and digits
    /// are what is looked for in the words.)
    #[test]
    fn the_literal_test_keeps_every_regex_a_reply_may_need() {
        let packs = crate::packs::builtin().unwrap();
        let linter = Linter::new(&packs, &Selection::default()).unwrap();
        let index = &linter.index;
        assert!(
            index
                .regexes
                .iter()
                .any(|(_, re, _)| re.needs_all().len() > 1),
            "no regex needs two sets"
        );
        let mut texts = crate::engine::sample_texts(linter.rules());
        // For each regex, a string of each of its sets (the i-th, or the last), in contexts.
        for (_, re, _) in &index.regexes {
            let sets = re.needs_all();
            let longest = sets.iter().map(|set| set.len()).max().unwrap_or(0);
            for i in 0..longest {
                let pick = |set: &[Box<str>]| set[i.min(set.len() - 1)].to_string();
                let strings: Vec<String> = sets.iter().map(|set| pick(set)).collect();
                let plain = strings.join(" . ");
                let upper = plain.to_uppercase();
                texts.extend([
                    plain.clone(),
                    strings
                        .iter()
                        .map(|s| format!("x{s}9"))
                        .collect::<Vec<_>>()
                        .join(" "),
                    format!("Zie: {upper}!"),
                    strings
                        .iter()
                        .map(|s| format!("é{s}é"))
                        .collect::<Vec<_>>()
                        .join(". "),
                    format!("https://x.nl/{}?q=1", strings.join("/")),
                    format!("({upper})."),
                ]);
            }
        }
        let mut kept = 0;
        for t in &texts {
            let p = index.prepare(&Analysis::new(t));
            let lower = t.to_ascii_lowercase();
            for (k, (_, re, _)) in index.regexes.iter().enumerate() {
                if re.may_match(&lower) {
                    assert!(
                        p.regexes.contains(&(k as u32)),
                        "{} dropped for {t:?}",
                        re.as_str()
                    );
                    kept += 1;
                }
            }
        }
        assert!(kept > 500, "{kept}");
    }

    /// A thread whose word cache is full looks the words it has not kept up for each reply
    /// (twice when a reply has a word twice): the findings are those of a fresh thread.
    #[test]
    fn a_full_word_cache_changes_no_finding() {
        let packs = crate::packs::builtin().unwrap();
        let linter = Linter::new(&packs, &Selection::default()).unwrap();
        let replies = [
            "Wat vervelend! Bel even met onze klantenservice op 088-1234567. Nieuwwoord nieuwwoord.",
            "Hoi Sanne, stuur ons je pincode via DM, dan zetten we het door naar de afdeling.",
            "Die andere afdeling heeft het verprutst, sorry! Onbekendwoord ^Mark",
        ];
        let check = |l: &Linter| {
            replies
                .iter()
                .map(|r| l.check(r, &Context::default()))
                .collect::<Vec<_>>()
        };
        let fresh = std::thread::scope(|s| s.spawn(|| check(&linter)).join().unwrap());
        assert!(fresh.iter().all(|f| !f.is_empty()), "{fresh:?}");
        // More distinct words than a thread keeps, twice over (it starts over when full),
        // 37 a reply so that the cache fills in the middle of one; the replies are checked
        // again at many fillings between.
        let seen = std::thread::scope(|s| {
            s.spawn(|| {
                let mut seen = Vec::new();
                for i in 0..(super::CACHE_WORDS * 5 / 2).div_ceil(37) {
                    let text: String = (0..37).map(|k| format!("vulwoord{i}x{k} ")).collect();
                    linter.check(&text, &Context::default());
                    if i % 97 == 0 {
                        seen.push(check(&linter));
                    }
                }
                seen
            })
            .join()
            .unwrap()
        });
        assert!(seen.len() > 10, "{}", seen.len());
        for full in seen {
            assert_eq!(full, fresh);
        }
    }
}
