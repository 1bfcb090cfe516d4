//! Distinct words of replies numbered densely, for the per-thread word cache of the index.
//!
//! Most words are short: a word of up to 15 bytes is its own key, packed in a `u128` (its
//! bytes, zero-padded, and its length in the last byte), so a lookup hashes two integers and
//! compares one key, with no pointer to follow. The table holds only ids (4 bytes a slot) and
//! the keys sit in one dense array, each beside its value: the whole cache stays small enough
//! for the CPU's caches, and a word found costs two cache lines (its slot, its key).
//! Longer words go to an ordinary hash map.

use crate::fasthash::HashMap;

/// Words → ids `0..len`, in the order they were added, each with a value kept beside its
/// key: a lookup that finds a word has its value in the same cache line.
#[derive(Debug)]
pub(crate) struct WordTable<V> {
    /// Open addressing, linear probing: 0 empty, else id + 1. Grows (doubling) up to twice
    /// `max` slots as words are added: a one-draft run zeroes a few hundred bytes, not the
    /// 128 KiB of a full table.
    slots: Box<[u32]>,
    max: usize,
    /// The key of each id ([`LONG`] for a long word), and its value.
    items: Vec<(u128, V)>,
    long: HashMap<Box<str>, u32>,
}

/// The key of a word too long to pack (no packed key has all bits set: the length byte is
/// at most 15).
const LONG: u128 = u128::MAX;

/// The slots a table starts with.
const FIRST_SLOTS: usize = 256;

/// The packed key of a word of at most 15 bytes: its length in the top byte, its bytes
/// below, read as (possibly overlapping) little-endian integers, which with the length
/// determine every byte. Built in registers, without a copy through memory.
fn short_key(w: &str) -> Option<u128> {
    let b = w.as_bytes();
    let n = b.len();
    let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
    let u32_at = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"));
    let (lo, hi) = match n {
        0 => (0, 0),
        1..=3 => (
            b[0] as u64 | (b[n / 2] as u64) << 8 | (b[n - 1] as u64) << 16,
            0,
        ),
        4..=7 => (u32_at(0) as u64 | (u32_at(n - 4) as u64) << 32, 0),
        // Bytes 8.. of the word, in the low bytes of `hi` (none for 8 bytes).
        8..=15 => (
            u64_at(0),
            u64_at(n - 8).checked_shr(8 * (16 - n) as u32).unwrap_or(0),
        ),
        _ => return None,
    };
    Some(lo as u128 | ((hi | (n as u64) << 56) as u128) << 64)
}

fn hash(key: u128) -> u64 {
    const K1: u64 = 0x9E37_79B9_7F4A_7C15;
    const K2: u64 = 0x517C_C1B7_2722_0A95;
    let (lo, hi) = (key as u64, (key >> 64) as u64);
    (lo.wrapping_mul(K1) ^ hi).wrapping_mul(K2)
}

impl<V: Copy> WordTable<V> {
    /// A table for at most `words` words.
    pub fn new(words: usize) -> WordTable<V> {
        let max = (words * 2).next_power_of_two().max(16);
        WordTable {
            slots: vec![0; max.min(FIRST_SLOTS)].into(),
            max,
            items: Vec::new(),
            long: HashMap::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Empties the table, keeping its memory (and size).
    pub fn clear(&mut self) {
        self.slots.fill(0);
        self.items.clear();
        self.long.clear();
    }

    /// The id of `w` and its value, if it was added.
    pub fn get(&self, w: &str) -> Option<(u32, V)> {
        let Some(key) = short_key(w) else {
            let id = *self.long.get(w)?;
            return Some((id, self.items[id as usize].1));
        };
        let mask = self.slots.len() - 1;
        let mut at = (hash(key) >> 32) as usize & mask;
        loop {
            match self.slots[at] {
                0 => return None,
                id => {
                    let (k, v) = self.items[id as usize - 1];
                    if k == key {
                        return Some((id - 1, v));
                    }
                    at = (at + 1) & mask;
                }
            }
        }
    }

    /// Adds `w` (which is not in the table) with its value; returns its id. The caller
    /// keeps the table at most half full (`new`'s `words`).
    pub fn insert(&mut self, w: &str, value: V) -> u32 {
        let id = self.items.len() as u32;
        debug_assert!(self.items.len() < self.max / 2, "word table full");
        let Some(key) = short_key(w) else {
            self.items.push((LONG, value));
            self.long.insert(w.into(), id);
            return id;
        };
        self.items.push((key, value));
        if self.items.len() * 2 > self.slots.len() && self.slots.len() < self.max {
            // Twice the slots, every short word placed again (this one too).
            self.slots = vec![0; self.slots.len() * 2].into();
            for id in 0..self.items.len() {
                let key = self.items[id].0;
                if key != LONG {
                    self.place(key, id as u32);
                }
            }
        } else {
            self.place(key, id);
        }
        id
    }

    fn place(&mut self, key: u128, id: u32) {
        let mask = self.slots.len() - 1;
        let mut at = (hash(key) >> 32) as usize & mask;
        while self.slots[at] != 0 {
            at = (at + 1) & mask;
        }
        self.slots[at] = id + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_added_and_nothing_else() {
        let mut t = WordTable::new(64);
        let words = [
            "je",
            "we",
            "",
            "a",
            "ab",
            "klantenservice",
            "klantenservicee",
            "klantenservicemedewerker",
            "klantenservicemedewerkers",
            "vóór",
            "123",
        ];
        for (i, w) in words.iter().enumerate() {
            assert_eq!(t.get(w), None, "{w:?}");
            assert_eq!(t.insert(w, i * 10), i as u32);
        }
        for (i, w) in words.iter().enumerate() {
            assert_eq!(t.get(w), Some((i as u32, i * 10)), "{w:?}");
        }
        // Prefixes, extensions and trailing zero bytes are other words.
        for w in [
            "j",
            "jee",
            "ab\0",
            "a\0",
            "klantenservic",
            "klantenservicemedewerk",
            "\0",
        ] {
            assert_eq!(t.get(w), None, "{w:?}");
        }
        assert_eq!(t.len(), words.len());
    }

    #[test]
    fn words_of_every_length_have_their_own_keys() {
        // Words of 0 to 20 bytes that differ in one byte (or only in length) are distinct.
        let mut t = WordTable::new(2000);
        let mut words = Vec::new();
        for n in 0..=20 {
            let base: String = (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
            words.push(base.clone());
            for at in 0..n {
                let mut w = base.clone().into_bytes();
                w[at] = b'z' - (at % 3) as u8 - 1;
                words.push(String::from_utf8(w).unwrap());
            }
        }
        words.sort();
        words.dedup();
        for (i, w) in words.iter().enumerate() {
            assert_eq!(t.get(w), None, "{w:?}");
            assert_eq!(t.insert(w, i * 10), i as u32);
        }
        for (i, w) in words.iter().enumerate() {
            assert_eq!(t.get(w), Some((i as u32, i * 10)), "{w:?}");
        }
    }

    #[test]
    fn stays_correct_when_half_full() {
        let mut t = WordTable::new(1000);
        for i in 0..1000 {
            assert_eq!(t.insert(&format!("w{i}"), i), i);
        }
        for i in 0..1000 {
            assert_eq!(t.get(&format!("w{i}")), Some((i, i)));
            assert_eq!(t.get(&format!("x{i}")), None);
        }
    }
}
