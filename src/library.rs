//! Library-level findings (pack `library`): what only shows across many replies — the same
//! canned reply under other names, one opener or sign-off everywhere, empty replies.
//!
//! Each reply is reduced to a small summary while it is checked (a 64-value MinHash signature
//! of its word pairs, its opener and sign-off), so memory is a few hundred bytes per reply
//! whatever its length, and near-duplicates are found with LSH banding rather than comparing all pairs.

use crate::fasthash::HashMap;
use crate::text::Analysis;

const HASHES: usize = 64;
const BANDS: usize = 16;
const ROWS: usize = HASHES / BANDS;
// A band's rows make one u128 key in `near_duplicates`.
const _: () = assert!(ROWS == 4);
/// Words per shingle: pairs, so one changed word in a short reply changes little.
const SHINGLE: usize = 2;
/// Replies shorter than this many words are too short to call duplicates.
const MIN_WORDS: usize = 8;

/// Tunables of the library rules (`[rules."library/…"]` in the config).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Estimated Jaccard similarity of word pairs from which replies are near-duplicates.
    pub similarity: f64,
    /// Share of replies above which one opener is reported.
    pub opener_share: f64,
    /// Share of replies above which one sign-off is reported.
    pub sign_off_share: f64,
    /// The share rules need at least this many replies.
    pub min_replies: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            similarity: 0.7,
            opener_share: 0.3,
            sign_off_share: 0.5,
            min_replies: 5,
        }
    }
}

/// What the library rules need to know of one reply.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Shared by the replies of one file.
    pub path: std::sync::Arc<str>,
    /// File offsets of the reply text (empty replies: start = end).
    pub start: usize,
    pub end: usize,
    pub words: usize,
    /// Nothing but white space (an emoji-only reply is not empty).
    pub blank: bool,
    signature: [u32; HASHES],
    /// The low two bits of each signature value, for a quick test before comparing
    /// signatures (see [`fewest_differing`]).
    sketch: u128,
    /// The document id, the opener and the sign-off (see their methods) side by side: one
    /// allocation a reply instead of three (300k for a 100k library).
    texts: String,
    /// Where each of the three ends in `texts`, or `ABSENT`.
    ends: [usize; 3],
    /// File offsets of the opener and the sign-off, for labelling.
    pub opener_span: (usize, usize),
    pub sign_off_span: (usize, usize),
}

/// The end of a text a summary does not have.
const ABSENT: usize = usize::MAX;

impl Summary {
    /// The id of the reply in its file, if it has one.
    pub fn document(&self) -> Option<&str> {
        self.text(0)
    }

    /// The first three words, folded ("wat vervelend dat").
    pub fn opener(&self) -> Option<&str> {
        self.text(1)
    }

    /// The last line, trimmed, when it is short (a sign-off such as "^Sanne"), folded.
    pub fn sign_off(&self) -> Option<&str> {
        self.text(2)
    }

    fn text(&self, k: usize) -> Option<&str> {
        let start = self.ends[..k]
            .iter()
            .rev()
            .find(|&&e| e != ABSENT)
            .map_or(0, |&e| e);
        let end = self.ends[k];
        (end != ABSENT).then(|| &self.texts[start..end])
    }
}

fn mix(mut x: u64) -> u64 {
    // splitmix64: cheap and well distributed.
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// One-permutation MinHash with densification: each shingle is hashed once and lands in one
/// of the bins (its minimum kept); empty bins borrow from the next filled bin, re-mixed, so
/// short replies still compare well (Shrivastava 2017). One hash per shingle instead of 64.
/// `words`: the words' [`fnv`] hashes, each hashed once though it stands in two shingles
/// (streamed: no list of them is made).
fn signature(words: impl IntoIterator<Item = u64>) -> [u32; HASHES] {
    const BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    let mut bins = [u64::MAX; HASHES];
    let mut put = |h: u64| {
        let bin = (h % HASHES as u64) as usize;
        bins[bin] = bins[bin].min(h / HASHES as u64);
    };
    // A shingle of words (v, w) hashes as mix(mix(BASIS ^ v) ^ w); a reply of one word is
    // one shingle, mix(BASIS ^ v).
    const _: () = assert!(SHINGLE == 2);
    let mut words = words.into_iter();
    if let Some(first) = words.next() {
        let mut prev = mix(BASIS ^ first);
        let mut single = true;
        for w in words {
            put(mix(prev ^ w));
            prev = mix(BASIS ^ w);
            single = false;
        }
        if single {
            put(prev);
        }
    }
    let Some(filled) = bins.iter().rposition(|&b| b != u64::MAX) else {
        return [u32::MAX; HASHES];
    };
    // Each bin takes the first filled bin at or after it (circularly) and the distance to
    // it: one pass backwards from the last filled bin.
    let mut out = [0u32; HASHES];
    let mut next = filled;
    for back in 0..HASHES {
        let i = (filled + HASHES - back) % HASHES;
        if bins[i] != u64::MAX {
            next = i;
        }
        let step = ((next + HASHES - i) % HASHES) as u64;
        out[i] = mix(bins[next] ^ step.wrapping_mul(0x9E37_79B9_7F4A_7C15)) as u32;
    }
    out
}

/// Two bits of each value of a signature (b-bit MinHash): equal values have equal bits.
fn sketch(signature: &[u32; HASHES]) -> u128 {
    // Two halves of 32 values, each in a u64 (no 128-bit shifts).
    let half = |values: &[u32]| {
        values
            .iter()
            .enumerate()
            .fold(0u64, |out, (k, &v)| out | u64::from(v & 3) << (2 * k))
    };
    let (lo, hi) = signature.split_at(HASHES / 2);
    u128::from(half(lo)) | u128::from(half(hi)) << 64
}

/// How many values of two signatures differ at least, from their sketches: those whose two
/// bits differ (values that differ have equal bits one time in four).
fn fewest_differing(x: u128, y: u128) -> usize {
    let d = x ^ y;
    ((d | (d >> 1)) & 0x5555_5555_5555_5555_5555_5555_5555_5555).count_ones() as usize
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Summarises one reply; `to_file` maps reply offsets to file offsets.
pub fn summarise(
    path: &str,
    document: Option<&str>,
    text: &str,
    to_file: impl Fn(usize) -> usize,
) -> Summary {
    summarise_analysis(&path.into(), document, &Analysis::unmasked(text), to_file)
}

/// As [`summarise`], for a reply already analysed. Only its words are used, not its masks:
/// an analysis from [`Analysis::unmasked`] gives the same summary.
pub fn summarise_analysis(
    path: &std::sync::Arc<str>,
    document: Option<&str>,
    a: &Analysis,
    to_file: impl Fn(usize) -> usize,
) -> Summary {
    let text = a.text;
    let n = a.words.len();
    let signature = signature((0..n).map(|i| fnv(a.folded(i))));
    let sketch = sketch(&signature);
    let opener_span = if n >= 3 {
        (to_file(a.words[0].start), to_file(a.words[2].end))
    } else {
        (to_file(0), to_file(0))
    };
    let trimmed = text.trim_end();
    let last_line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
    let last = trimmed[last_line_start..].trim();
    let has_sign_off =
        n >= 6 && !last.is_empty() && last.chars().count() <= 40 && last_line_start > 0;
    let at = last_line_start
        + (trimmed[last_line_start..].len() - trimmed[last_line_start..].trim_start().len());
    // The id, the opener ("wat vervelend dat") and the sign-off, folded, side by side.
    let mut texts = String::with_capacity(
        document.map_or(0, str::len)
            + if n >= 3 {
                (0..3).map(|i| a.folded(i).len() + 1).sum()
            } else {
                0
            }
            + if has_sign_off { last.len() } else { 0 },
    );
    let mut ends = [ABSENT; 3];
    if let Some(d) = document {
        texts.push_str(d);
        ends[0] = texts.len();
    }
    if n >= 3 {
        for i in 0..3 {
            if i > 0 {
                texts.push(' ');
            }
            texts.push_str(a.folded(i));
        }
        ends[1] = texts.len();
    }
    if has_sign_off {
        crate::text::fold_into(last, &mut texts);
        ends[2] = texts.len();
    }
    Summary {
        path: path.clone(),
        start: to_file(0),
        end: to_file(text.len()),
        words: n,
        blank: text.trim().is_empty(),
        signature,
        sketch,
        texts,
        ends,
        opener_span,
        sign_off_span: (to_file(at), to_file(at + last.len())),
    }
}

/// A library finding: the rule, where it points, and its message variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: &'static str,
    /// Index of the summary it points at.
    pub at: usize,
    pub start: usize,
    pub end: usize,
    pub vars: Vec<(&'static str, String)>,
}

fn name(s: &Summary) -> String {
    match s.document() {
        Some(d) => format!("{} › {d}", s.path),
        None => s.path.to_string(),
    }
}

/// The first `max` of `members` by name, and how many more of `total` (only those shown
/// are named: a sign-off can be shared by every reply of a large library).
fn list(summaries: &[&Summary], members: &[usize], total: usize, max: usize) -> String {
    let mut out = members
        .iter()
        .take(max)
        .map(|&m| format!("\"{}\"", name(summaries[m])))
        .collect::<Vec<_>>()
        .join(", ");
    if total > max {
        out.push_str(&format!(" en {} meer", total - max));
    }
    out
}

/// The library findings over all replies of a run.
pub fn findings(summaries: &[&Summary], params: &Params) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, s) in summaries.iter().enumerate() {
        if s.blank {
            out.push(Finding {
                rule: "library/empty-reply",
                at: i,
                start: s.start,
                end: s.end,
                vars: vec![],
            });
        }
    }
    // The near-duplicates and the shared openers and sign-offs, on both cores.
    let (near, shared) = rayon::join(
        || near_duplicates(summaries, params),
        || {
            let mut shared = Vec::new();
            let counted = summaries.iter().filter(|s| s.words > 0).count();
            if counted >= params.min_replies {
                repeated(
                    summaries,
                    counted,
                    params.opener_share,
                    "library/repeated-opener",
                    |s| s.opener(),
                    |s| s.opener_span,
                    &mut shared,
                );
                repeated(
                    summaries,
                    counted,
                    params.sign_off_share,
                    "library/repeated-sign-off",
                    |s| s.sign_off(),
                    |s| s.sign_off_span,
                    &mut shared,
                );
            }
            shared
        },
    );
    out.extend(near);
    out.extend(shared);
    out
}

/// A text shared by replies: the text, how many share it, and the first of them (up to
/// [`NAMED`], in reply order).
struct Group<'a> {
    text: &'a str,
    count: usize,
    first: Vec<usize>,
}

/// How many of a group's replies are kept: the first, and five more to name.
const NAMED: usize = 6;

/// The groups of replies by `key` that hold more than `share` of `counted` replies, in the
/// order of their first replies.
///
/// Only a few texts can: with `share` = 0.3, three at most. They are found with the
/// Misra–Gries summary (k counters keep every text that stands in more than 1/(k+1) of the
/// replies), then counted exactly in a second pass: a map of every opener of a 100k
/// library (most are unique: they name the customer) took 20 ms. A small `share`, which
/// needs many counters, takes the map.
fn groups_over<'a>(
    summaries: &[&'a Summary],
    counted: usize,
    share: f64,
    key: &impl Fn(&Summary) -> Option<&str>,
) -> Vec<Group<'a>> {
    // k counters keep texts above 1/(k+1) of the keyed replies, and those are at most
    // `counted`: k ≥ 1/share − 1 will do (one more, against rounding).
    let k = if share > 0.0 {
        (1.0 / share).floor() + 1.0
    } else {
        f64::INFINITY
    };
    let mut groups = if k <= 16.0 {
        frequent_groups(summaries, k as usize, key)
    } else {
        all_groups(summaries, key)
    };
    groups.retain(|g| g.count as f64 / counted as f64 > share && g.count >= 2);
    groups.sort_by_key(|g| g.first[0]);
    groups
}

/// The groups of the texts that Misra–Gries with `k` counters keeps, counted exactly.
fn frequent_groups<'a>(
    summaries: &[&'a Summary],
    k: usize,
    key: &impl Fn(&Summary) -> Option<&str>,
) -> Vec<Group<'a>> {
    let mut counters: Vec<(&str, usize)> = Vec::with_capacity(k);
    for s in summaries {
        let Some(text) = key(s) else { continue };
        if let Some(c) = counters.iter_mut().find(|c| c.0 == text) {
            c.1 += 1;
        } else if counters.len() < k {
            counters.push((text, 1));
        } else {
            counters.iter_mut().for_each(|c| c.1 -= 1);
            counters.retain(|c| c.1 > 0);
        }
    }
    let mut groups: Vec<Group> = counters
        .into_iter()
        .map(|(text, _)| Group {
            text,
            count: 0,
            first: Vec::new(),
        })
        .collect();
    for (i, s) in summaries.iter().enumerate() {
        let Some(text) = key(s) else { continue };
        if let Some(g) = groups.iter_mut().find(|g| g.text == text) {
            g.count += 1;
            if g.first.len() < NAMED {
                g.first.push(i);
            }
        }
    }
    groups
}

/// Every group of replies by `key`.
fn all_groups<'a>(
    summaries: &[&'a Summary],
    key: &impl Fn(&Summary) -> Option<&str>,
) -> Vec<Group<'a>> {
    let mut groups: HashMap<&str, Group> = HashMap::default();
    for (i, s) in summaries.iter().enumerate() {
        if let Some(text) = key(s) {
            let g = groups.entry(text).or_insert_with(|| Group {
                text,
                count: 0,
                first: Vec::new(),
            });
            g.count += 1;
            if g.first.len() < NAMED {
                g.first.push(i);
            }
        }
    }
    groups.into_values().collect()
}

fn repeated(
    summaries: &[&Summary],
    counted: usize,
    share: f64,
    rule: &'static str,
    key: impl Fn(&Summary) -> Option<&str>,
    span: impl Fn(&Summary) -> (usize, usize),
    out: &mut Vec<Finding>,
) {
    for g in groups_over(summaries, counted, share, &key) {
        let part = g.count as f64 / counted as f64;
        let first = &summaries[g.first[0]];
        let (start, end) = span(first);
        out.push(Finding {
            rule,
            at: g.first[0],
            start,
            end,
            vars: vec![
                ("text", g.text.to_string()),
                ("count", g.count.to_string()),
                ("total", counted.to_string()),
                ("percent", format!("{:.0}", part * 100.0)),
                ("share", format!("{:.0}", share * 100.0)),
                (
                    "others",
                    list(summaries, &g.first[1..], g.count - 1, NAMED - 1),
                ),
            ],
        });
    }
}

/// Whether at least `min_same` of the values of two signatures are equal; stops at the
/// first block of values that leaves too few (most candidate pairs differ early).
fn similar(x: &[u32; HASHES], y: &[u32; HASHES], min_same: usize) -> bool {
    if min_same > HASHES {
        return false;
    }
    let allowed = HASHES - min_same;
    let mut differ = 0;
    for (a, b) in x.chunks_exact(16).zip(y.chunks_exact(16)) {
        differ += a.iter().zip(b).filter(|(p, q)| p != q).count();
        if differ > allowed {
            return false;
        }
    }
    true
}

/// Calls `pair(before, at)` for each key with the last key before it that is equal
/// (positions in `keys`), in order: the chains of equal keys, as sorting by key would give
/// them.
///
/// An open-addressing table of positions (4 bytes a slot, keys compared in `keys`): a
/// `HashMap<u128, u32>` of 100k keys took 4 MiB (its entries are aligned to 32 bytes) and
/// 55 ns an insert, out of the cache.
fn chains(keys: &[u128], mut pair: impl FnMut(usize, usize)) {
    const EMPTY: u32 = u32::MAX;
    // At most half full.
    let bits = (keys.len() * 2).next_power_of_two().trailing_zeros().max(4);
    let mask = (1usize << bits) - 1;
    let mut slots = vec![EMPTY; 1 << bits];
    for (p, &key) in keys.iter().enumerate() {
        // Both halves: near-duplicates often share the last rows of a band and not its
        // first, and the low half alone made probe runs seven slots long on average.
        let h = ((key as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (key >> 64) as u64)
            .wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let mut at = (h >> (64 - bits)) as usize;
        loop {
            let s = slots[at];
            if s == EMPTY {
                slots[at] = p as u32;
                break;
            }
            if keys[s as usize] == key {
                pair(s as usize, p);
                slots[at] = p as u32;
                break;
            }
            at = (at + 1) & mask;
        }
    }
}

fn near_duplicates(summaries: &[&Summary], params: &Params) -> Vec<Finding> {
    use rayon::prelude::*;
    let eligible: Vec<usize> = (0..summaries.len())
        .filter(|&i| summaries[i].words >= MIN_WORDS)
        .collect();
    let min_same = (0..=HASHES)
        .find(|&same| same as f64 / HASHES as f64 >= params.similarity)
        .unwrap_or(HASHES + 1);
    // Side by side, the sketches stay in the cache while candidates are compared.
    let sketches: Vec<u128> = eligible.par_iter().map(|&i| summaries[i].sketch).collect();
    // Per band (in parallel): each reply paired with the last reply before it whose band is
    // equal, and kept when the two are similar enough. A pair found in several bands is
    // compared again: joining is idempotent, and the order of joining does not change the
    // clusters.
    let similar: Vec<Vec<(u32, u32)>> = (0..BANDS)
        .into_par_iter()
        .map(|band| {
            // A band is ROWS = 4 values: one u128 key, compared exactly. Side by side, so
            // that the chains read 16 bytes a reply instead of a summary's cache line.
            let keys: Vec<u128> = eligible
                .iter()
                .map(|&i| {
                    let rows = &summaries[i].signature[band * ROWS..(band + 1) * ROWS];
                    rows.iter().fold(0u128, |k, &r| (k << 32) | r as u128)
                })
                .collect();
            let mut pairs = Vec::new();
            chains(&keys, |p, q| {
                // Most candidates share a band and little else: their sketches tell.
                let (a, b) = (eligible[p], eligible[q]);
                if HASHES.saturating_sub(fewest_differing(sketches[p], sketches[q])) >= min_same
                    && similar(&summaries[a].signature, &summaries[b].signature, min_same)
                {
                    pairs.push((a as u32, b as u32));
                }
            });
            pairs
        })
        .collect();
    // Union-find over the replies that are similar enough.
    let mut parent: Vec<usize> = (0..summaries.len()).collect();
    fn root(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for (a, b) in similar.into_iter().flatten() {
        let (ra, rb) = (root(&mut parent, a as usize), root(&mut parent, b as usize));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    // A cluster's root is its first reply: the clusters come out in the order of their
    // first replies, each in reply order. Only replies of clusters are listed (most replies
    // are alone: a list each cost an allocation).
    let roots: Vec<usize> = eligible.iter().map(|&i| root(&mut parent, i)).collect();
    let mut size = vec![0u32; summaries.len()];
    roots.iter().for_each(|&r| size[r] += 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); summaries.len()];
    for (&i, &r) in eligible.iter().zip(&roots) {
        if size[r] > 1 {
            members[r].push(i);
        }
    }
    let mut out = Vec::new();
    let clusters = members.into_iter().filter(|c| c.len() > 1);
    for c in clusters {
        let first = &summaries[c[0]];
        out.push(Finding {
            rule: "library/near-duplicate",
            at: c[0],
            start: first.start,
            end: first.end,
            vars: vec![
                ("count", c.len().to_string()),
                ("others", list(summaries, &c[1..], c.len() - 1, 5)),
            ],
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(doc: &str, text: &str) -> Summary {
        summarise("lib.md", Some(doc), text, |x| x)
    }

    /// Densification: every bin takes the first filled bin at or after it, circularly, and
    /// the distance to it (checked against a direct search, for replies of 0 to 80 words,
    /// whose bins go from all empty to all filled).
    #[test]
    fn empty_bins_borrow_from_the_next_filled_bin() {
        let mut x = 7u64;
        for n in 0..80 {
            let words: Vec<u64> = (0..n)
                .map(|_| {
                    x = mix(x);
                    x
                })
                .collect();
            let mut bins = [u64::MAX; HASHES];
            for w in words.windows(SHINGLE.min(words.len().max(1))) {
                let h = w.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &v| mix(h ^ v));
                let bin = (h % HASHES as u64) as usize;
                bins[bin] = bins[bin].min(h / HASHES as u64);
            }
            let expected: [u32; HASHES] = std::array::from_fn(|i| {
                if bins.iter().all(|&b| b == u64::MAX) {
                    return u32::MAX;
                }
                let (mut j, mut step) = (i, 0u64);
                while bins[j] == u64::MAX {
                    j = (j + 1) % HASHES;
                    step += 1;
                }
                mix(bins[j] ^ step.wrapping_mul(0x9E37_79B9_7F4A_7C15)) as u32
            });
            assert_eq!(signature(words.iter().copied()), expected, "{n} words");
        }
    }

    /// A summary uses the words of a reply, not its masks: a check that lets a reply go
    /// before masking it summarises the unmasked analysis.
    #[test]
    fn masks_change_no_summary() {
        let texts = [
            "Je schreef: \"Bel me terug!\" Dat doen we morgen om 10:00.\n\nGroet,\n^Kim",
            "Kijk op https://example.nl/retour of mail naar info@example.nl.\n> je vorige vraag\nFijne dag! ^Sem",
            "Hoi {{naam}}, je pakket ligt bij het afhaalpunt. Tot ziens!\n^Lisa",
        ];
        for t in texts {
            let masked = summarise_analysis(&"a".into(), None, &Analysis::new(t), |x| x);
            let unmasked = summarise_analysis(&"a".into(), None, &Analysis::unmasked(t), |x| x);
            assert_eq!(format!("{masked:?}"), format!("{unmasked:?}"), "{t:?}");
        }
    }

    #[test]
    fn early_exit_agrees_with_counting_every_value() {
        // Signatures differing in `k` values, at every place pattern a seed gives.
        let mut seed = 7u64;
        for k in 0..=HASHES {
            for _ in 0..20 {
                let x: [u32; HASHES] = std::array::from_fn(|i| i as u32);
                let mut y = x;
                let mut changed = 0;
                while changed < k {
                    seed = mix(seed);
                    let at = (seed % HASHES as u64) as usize;
                    if y[at] == x[at] {
                        y[at] += 1000;
                        changed += 1;
                    }
                }
                for min_same in [0, 1, 45, 48, 52, 63, 64, 65] {
                    assert_eq!(
                        similar(&x, &y, min_same),
                        HASHES - k >= min_same,
                        "k={k} min_same={min_same}"
                    );
                }
            }
        }
    }

    #[test]
    fn sketches_never_count_more_differing_values_than_there_are() {
        let mut seed = 11u64;
        let mut next = || {
            seed = mix(seed);
            seed
        };
        let mut told_apart = 0;
        for k in 0..=HASHES {
            for _ in 0..50 {
                let x: [u32; HASHES] = std::array::from_fn(|_| next() as u32);
                let mut y = x;
                let mut changed = 0;
                while changed < k {
                    let at = (next() % HASHES as u64) as usize;
                    if y[at] == x[at] {
                        // Any other value: the low bits may or may not change.
                        y[at] = y[at].wrapping_add(1 + (next() % 7) as u32);
                        changed += 1;
                    }
                }
                let fewest = fewest_differing(sketch(&x), sketch(&y));
                assert!(fewest <= k, "k={k} fewest={fewest}");
                told_apart += usize::from(k >= 40 && fewest > HASHES - 45);
            }
        }
        // The sketch does its job: most pairs far apart are told apart without comparing.
        assert!(told_apart > 25 * 50 / 2, "{told_apart}");
    }

    #[test]
    fn near_duplicates_under_other_names_are_one_cluster() {
        let base = "Wat vervelend dat je pakket nog niet binnen is. Ik heb het nagekeken en het komt morgen voor 12 uur bij je aan.";
        let lib = [
            s("Pakket te laat", base),
            s(
                "Bezorging vertraagd",
                &base.replace("morgen", "morgen echt"),
            ),
            s(
                "Retour",
                "Je retour is binnen en het geld staat binnen drie werkdagen weer op je rekening, fijne dag nog!",
            ),
            s("Pakket zoek", base),
        ];
        let f = findings(&lib.iter().collect::<Vec<_>>(), &Params::default());
        let dups: Vec<&Finding> = f
            .iter()
            .filter(|f| f.rule == "library/near-duplicate")
            .collect();
        assert_eq!(dups.len(), 1, "{f:?}");
        assert_eq!(dups[0].at, 0);
        assert_eq!(dups[0].vars[0].1, "3");
    }

    /// `s` with these id, opener and sign-off.
    fn with_texts(mut s: Summary, texts: [Option<&str>; 3]) -> Summary {
        s.texts.clear();
        for (k, t) in texts.into_iter().enumerate() {
            s.ends[k] = match t {
                Some(t) => {
                    s.texts.push_str(t);
                    s.texts.len()
                }
                None => ABSENT,
            };
        }
        s
    }

    /// The three texts of a summary read back as they were put, whichever are absent or
    /// empty.
    #[test]
    fn a_summary_keeps_its_texts_apart() {
        let values = [None, Some(""), Some("r7"), Some("wat fijn dat")];
        for doc in values {
            for opener in values {
                for sign_off in values {
                    let s = with_texts(s("x", ""), [doc, opener, sign_off]);
                    assert_eq!(
                        (s.document(), s.opener(), s.sign_off()),
                        (doc, opener, sign_off)
                    );
                }
            }
        }
        // And as a reply gives them.
        let r = summarise(
            "lib.md",
            Some("retour"),
            "Hoi Sam, wat fijn dat je het zegt.\n^Ánne",
            |x| x,
        );
        assert_eq!(
            (r.document(), r.opener(), r.sign_off()),
            (Some("retour"), Some("hoi sam wat"), Some("^anne"))
        );
    }

    /// The counters find the groups over any share that counting every text finds: texts of
    /// skewed or of nearly equal frequencies (several just over a share) in shuffled orders,
    /// with replies that have none.
    #[test]
    fn frequent_groups_are_the_groups_over_the_share() {
        let texts = ["a", "b", "c", "d", "e", "f", "g", "h"];
        let mut x = 11u64;
        let mut next = || {
            x = mix(x);
            x
        };
        for round in 0..600 {
            let n = 1 + (next() % 120) as usize;
            let heavy = 2 + (next() % 4) as usize;
            let keys: Vec<Option<&str>> = (0..n)
                .map(|_| {
                    let r = next();
                    if r % 11 == 0 {
                        return None;
                    }
                    let j = match round % 3 {
                        // Text j drawn with weight 2^-j, or 2^-j/2.
                        0 | 1 => ((r >> 8) % 64).trailing_ones() as usize * (1 + round % 2),
                        // `heavy` texts of equal weight, and a few others.
                        _ if (r >> 8) % 10 == 0 => heavy + (r >> 16) as usize % 3,
                        _ => (r >> 16) as usize % heavy,
                    };
                    Some(texts[j.min(texts.len() - 1)])
                })
                .collect();
            let summaries: Vec<Summary> = keys
                .iter()
                .map(|&k| with_texts(s("x", ""), [None, k, None]))
                .collect();
            let summaries: Vec<&Summary> = summaries.iter().collect();
            fn key(s: &Summary) -> Option<&str> {
                s.opener()
            }
            let counted = n + (next() % 3) as usize;
            for share in [0.0, 0.05, 0.1, 0.2, 0.25, 0.3, 1.0 / 3.0, 0.5, 0.75, 1.0] {
                let expected = |mut g: Vec<Group>| {
                    g.retain(|g| g.count as f64 / counted as f64 > share && g.count >= 2);
                    g.sort_by_key(|g| g.first[0]);
                    g.into_iter()
                        .map(|g| (g.text.to_string(), g.count, g.first))
                        .collect::<Vec<_>>()
                };
                let all = expected(all_groups(&summaries, &key));
                let found: Vec<_> = groups_over(&summaries, counted, share, &key)
                    .into_iter()
                    .map(|g| (g.text.to_string(), g.count, g.first))
                    .collect();
                assert_eq!(found, all, "round {round}, share {share}: {keys:?}");
                if share > 0.0 {
                    let k = (1.0 / share).floor() as usize + 1;
                    assert_eq!(expected(frequent_groups(&summaries, k, &key)), all);
                }
            }
        }
    }

    #[test]
    fn one_opener_everywhere_is_reported_and_varied_openers_are_not() {
        let mut lib: Vec<Summary> = (0..6)
            .map(|i| {
                s(
                    &format!("r{i}"),
                    &format!("Wat vervelend dat het misging met order {i}, ik los het op."),
                )
            })
            .collect();
        let f = findings(&lib.iter().collect::<Vec<_>>(), &Params::default());
        assert!(f.iter().any(|f| f.rule == "library/repeated-opener"));
        lib = [
            "Balen!",
            "Wat een gedoe.",
            "Dat snap ik.",
            "Sorry!",
            "Oei.",
            "Hoi!",
        ]
        .iter()
        .enumerate()
        .map(|(i, o)| {
            s(
                &format!("r{i}"),
                &format!("{o} Ik heb order {i} nagekeken en los het vandaag op."),
            )
        })
        .collect();
        assert!(
            !findings(&lib.iter().collect::<Vec<_>>(), &Params::default())
                .iter()
                .any(|f| f.rule == "library/repeated-opener")
        );
    }

    #[test]
    fn empty_replies_are_reported_and_emoji_only_replies_are_not() {
        let f = findings(&[&s("Leeg", "  \n")], &Params::default());
        assert_eq!(f[0].rule, "library/empty-reply");
        assert!(findings(&[&s("Duim", "👍")], &Params::default()).is_empty());
    }
}
