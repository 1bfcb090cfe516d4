//! Evaluation of one rule on a reply's hits, per rule kind.

use super::index::{Builder, Hit};
use super::{Context, Finding, Fix, Kind, Rule, hits_in};
use crate::text::Analysis;

/// Words that negate a phrase standing right after them ("je hoeft ons niet te bellen").
const NEGATIONS: [&str; 6] = ["niet", "geen", "nooit", "niets", "niks", "zonder"];
/// How many words before a hit an overlapping exception may start: a gap of at most 8
/// words plus a few literal words.
const EXCEPTION_REACH: usize = 12;

/// How many words before a match a negation may stand.
const NEGATION_WINDOW: usize = 3;

/// The slots of one rule's matchers.
#[derive(Debug)]
pub(crate) struct Slots {
    /// Negation words the rule's own phrases spell out ("hoef je nooit meer"): inside a match
    /// they are part of the phrase, not a negation of it.
    literal_negations: Vec<&'static str>,
    /// The matcher (or, for consistency rules, one per group).
    main: Vec<u32>,
    requires: Option<u32>,
    exceptions: Option<u32>,
    sentence_exceptions: Option<u32>,
}

/// The slots whose hit alone makes their rule run in any context: the main slots of rules
/// with no `channels` that are not consistency rules (which need two groups), as a bit set.
pub(crate) fn decisive(rules: &[Rule], slots: &[Slots], count: usize) -> Vec<u64> {
    let mut set = vec![0u64; count.div_ceil(64)];
    for (rule, s) in rules.iter().zip(slots) {
        if !rule.channels.is_empty() || matches!(rule.kind, Kind::Consistency { .. }) {
            continue;
        }
        for &slot in s.main.iter().filter(|&&slot| slot != u32::MAX) {
            super::index::set_bit(&mut set, slot as usize);
        }
    }
    set
}

impl Slots {
    /// Where this rule's lazy matchers need looking for, given the reply's main hits:
    /// companions anywhere; exceptions only around a hit (they must overlap it); sentence
    /// exceptions only in the sentences with a hit. This keeps the work proportional to the
    /// hits, not to the length of the reply.
    pub fn lazy_requests(&self, a: &Analysis, hits: &[Hit]) -> Vec<(u32, Option<Vec<usize>>)> {
        let main: Vec<&Hit> = self.main.iter().flat_map(|&s| hits_in(hits, s)).collect();
        let mut out = Vec::new();
        if let Some(s) = self.requires {
            out.push((s, None));
        }
        if let Some(s) = self.exceptions {
            let mut at: Vec<usize> = main
                .iter()
                .flat_map(|h| (h.first as usize).saturating_sub(EXCEPTION_REACH)..h.last as usize)
                .collect();
            at.sort_unstable();
            at.dedup();
            out.push((s, Some(at)));
        }
        if let Some(s) = self.sentence_exceptions {
            let mut sentences: Vec<u32> = main.iter().map(|h| sentence_of(a, h)).collect();
            sentences.sort_unstable();
            sentences.dedup();
            let at = (0..a.words.len())
                .filter(|&i| sentences.binary_search(&a.words[i].sentence).is_ok())
                .collect();
            out.push((s, Some(at)));
        }
        out
    }

    /// Whether the rule may have a finding in a reply, given which of its slots may have a
    /// hit there: a rule is evaluated only with a hit of its main matcher, and a consistency
    /// rule fires only when two groups are used (or one other than the house's choice).
    pub fn may_fire(&self, rule: &Rule, ctx: &Context, may_hit: impl Fn(u32) -> bool) -> bool {
        let used = |&s: &u32| s != u32::MAX && may_hit(s);
        match &rule.kind {
            Kind::Consistency { groups, option } => {
                let mut used = groups.iter().zip(&self.main).filter(|(_, s)| used(s));
                match option.as_deref().and_then(|o| ctx.option(o)) {
                    Some(choice) if groups.iter().any(|(n, _)| n == choice) => {
                        used.any(|((n, _), _)| n != choice)
                    }
                    _ => used.nth(1).is_some(),
                }
            }
            _ => self.main.iter().any(used),
        }
    }

    pub fn register(owner: usize, rule: &Rule, b: &mut Builder) -> Slots {
        let skip = rule.skip;
        let mut add = |m: &super::Matcher| (!m.is_empty()).then(|| b.add(owner, m, skip, false));
        let (main, requires) = match &rule.kind {
            Kind::Existence(m) | Kind::Occurrence { matcher: m, .. } => {
                (add(m).into_iter().collect(), None)
            }
            Kind::Conditional { trigger, requires } => (
                add(trigger).into_iter().collect(),
                (!requires.is_empty()).then(|| b.add(owner, requires, skip, true)),
            ),
            Kind::Consistency { groups, .. } => (
                groups
                    .iter()
                    .map(|(_, m)| add(m).unwrap_or(u32::MAX))
                    .collect(),
                None,
            ),
            Kind::Native => (Vec::new(), None),
        };
        let phrases: Vec<&crate::pattern::Phrase> = match &rule.kind {
            Kind::Existence(m) | Kind::Occurrence { matcher: m, .. } => m.phrases.iter().collect(),
            Kind::Conditional { trigger, .. } => trigger.phrases.iter().collect(),
            _ => Vec::new(),
        };
        let spelled = phrases
            .iter()
            .fold(0, |bits, p| bits | p.literals_among(&NEGATIONS));
        let literal_negations = NEGATIONS
            .iter()
            .enumerate()
            .filter(|&(i, _)| spelled & (1 << i) != 0)
            .map(|(_, n)| *n)
            .collect();
        Slots {
            literal_negations,
            main,
            requires,
            exceptions: (!rule.exceptions.is_empty())
                .then(|| b.add(owner, &rule.exceptions, skip, true)),
            sentence_exceptions: (!rule.sentence_exceptions.is_empty())
                .then(|| b.add(owner, &rule.sentence_exceptions, skip, true)),
        }
    }
}

fn sentence_of(a: &Analysis, h: &Hit) -> u32 {
    a.words.get(h.first as usize).map_or(0, |w| w.sentence)
}

fn negated(a: &Analysis, h: &Hit, literal: &[&str]) -> bool {
    let Some(w) = a.words.get(h.first as usize) else {
        return false;
    };
    let from = (h.first as usize).saturating_sub(NEGATION_WINDOW);
    (from..(h.last as usize).min(a.words.len()))
        .filter(|&i| a.words[i].clause == w.clause)
        .any(|i| {
            let word = a.folded(i);
            let inside = i >= h.first as usize;
            NEGATIONS.contains(&word) && !(inside && literal.contains(&word))
        })
}

/// Fills `{name}` placeholders of a message template.
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in vars {
        let key = format!("{{{k}}}");
        if out.contains(&key) {
            out = out.replace(&key, v);
        }
    }
    out
}

/// Capitalises the replacement when the replaced text starts with a capital.
fn match_case(original: &str, replacement: String) -> String {
    let starts_upper = original.chars().next().is_some_and(char::is_uppercase);
    let mut chars = replacement.chars();
    match chars.next() {
        Some(c) if starts_upper && c.is_lowercase() => c.to_uppercase().chain(chars).collect(),
        _ => replacement,
    }
}

/// Whether a match counts: not negated, not overlapping an exception, not in a sentence
/// with a sentence exception.
fn kept(rule: &Rule, slots: &Slots, a: &Analysis, hits: &[Hit], h: &Hit) -> bool {
    let of = |slot: Option<u32>| slot.map_or(&[][..], |s| hits_in(hits, s));
    let negated = rule.negation && negated(a, h, &slots.literal_negations);
    // A slot's hits are sorted by start and do not overlap, so their ends and sentences are
    // sorted too: both tests are binary searches, and no rule kind is quadratic in the
    // length of a reply.
    let exceptions = of(slots.exceptions);
    let next = exceptions.partition_point(|e| e.end <= h.start);
    let excepted = exceptions.get(next).is_some_and(|e| e.start < h.end);
    let sentence = sentence_of(a, h);
    let in_sentence = of(slots.sentence_exceptions);
    let first = in_sentence.partition_point(|e| sentence_of(a, e) < sentence);
    let in_excepted_sentence = in_sentence
        .get(first)
        .is_some_and(|e| sentence_of(a, e) == sentence);
    !(negated || excepted || in_excepted_sentence)
}

/// The matches of an occurrence rule's family that count in `a` (used for our earlier
/// replies in a thread, which count towards the rule's `max`).
pub(crate) fn occurrences(rule: &Rule, slots: &Slots, a: &Analysis, hits: &[Hit]) -> usize {
    if !matches!(rule.kind, Kind::Occurrence { .. }) {
        return 0;
    }
    slots.main.first().map_or(0, |&s| {
        hits_in(hits, s)
            .iter()
            .filter(|h| kept(rule, slots, a, hits, h))
            .count()
    })
}

/// Evaluates `rule` on a reply. `earlier`: for an occurrence rule, its matches in our earlier
/// replies of the thread (0 without a thread).
#[allow(clippy::too_many_arguments)]
pub(crate) fn evaluate(
    r: usize,
    rule: &Rule,
    slots: &Slots,
    a: &Analysis,
    hits: &[Hit],
    ctx: &Context,
    earlier: usize,
    out: &mut Vec<Finding>,
) {
    let of = |slot: Option<u32>| slot.map_or(&[][..], |s| hits_in(hits, s));
    let keep = |h: &&Hit| kept(rule, slots, a, hits, h);

    let main = |k: usize| -> Vec<&Hit> {
        slots
            .main
            .get(k)
            .map_or(&[][..], |&s| hits_in(hits, s))
            .iter()
            .filter(keep)
            .collect()
    };
    let finding = |h: &Hit, vars: &[(&str, &str)]| {
        let matched = &a.text[h.start..h.end];
        // For a replacement table: the entry whose phrase made this match.
        let replacement = rule
            .replacements
            .iter()
            .find(|(p, _)| {
                p.match_at(a, h.first as usize, rule.skip)
                    .is_some_and(|m| m.end == h.end)
            })
            .map(|(_, r)| r.as_str());
        // A rule with a replacement table offers a fix only for its table's phrases; a match
        // of its other patterns must never get an empty (deleting) replacement.
        let fixable = rule.replacements.is_empty() || replacement.is_some();
        let replacement = replacement.unwrap_or("");
        let mut all = vec![("match", matched), ("replacement", replacement)];
        all.extend_from_slice(vars);
        let fixes = rule
            .fix
            .iter()
            .filter(|_| fixable)
            .map(|f| Fix {
                start: h.start,
                end: h.end,
                replacement: match_case(matched, fill(&f.replacement, &all)),
                applicability: f.applicability,
            })
            .collect();
        Finding {
            rule: r,
            start: h.start,
            end: h.end,
            message: fill(&rule.message, &all),
            fixes,
        }
    };
    match &rule.kind {
        Kind::Existence(_) => {
            // One finding per sentence: "bel ons op 088-…" is one redirect, not two. A rule
            // with fixes reports every match: each one is its own edit.
            let per_match = rule.fix.is_some();
            let mut last_sentence = None;
            for h in main(0) {
                let s = sentence_of(a, h);
                if per_match || last_sentence != Some(s) {
                    out.push(finding(h, &[]));
                    last_sentence = Some(s);
                }
            }
        }
        Kind::Occurrence { max, .. } => {
            // Matches in our earlier replies of the thread count too: the finding points at
            // the draft's first match over `max`.
            let found = main(0);
            let max = *max as usize;
            if !found.is_empty() && found.len() + earlier > max {
                let count = (found.len() + earlier).to_string();
                let max_s = max.to_string();
                let mut f = finding(
                    found[max.saturating_sub(earlier)],
                    &[("count", &count), ("max", &max_s)],
                );
                if earlier > 0 {
                    f.message.push_str(&format!(
                        " (meegeteld: {earlier} keer in onze eerdere antwoorden in dit gesprek)"
                    ));
                }
                out.push(f);
            }
        }
        Kind::Conditional { .. } => {
            let triggers = main(0);
            if triggers.is_empty() || !of(slots.requires).is_empty() {
                return;
            }
            out.extend(triggers.into_iter().map(|h| finding(h, &[])));
        }
        Kind::Native => {}
        Kind::Consistency { groups, option } => {
            let used: Vec<(&str, Vec<&Hit>)> = groups
                .iter()
                .enumerate()
                .map(|(k, (name, _))| (name.as_str(), main(k)))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            let chosen = option.as_deref().and_then(|o| ctx.option(o));
            let (flagged, expected): (Vec<&(&str, Vec<&Hit>)>, &str) = match chosen {
                Some(choice) if groups.iter().any(|(n, _)| n == choice) => {
                    (used.iter().filter(|(n, _)| *n != choice).collect(), choice)
                }
                _ => {
                    if used.len() < 2 {
                        return;
                    }
                    // The group used least is the odd one out; on a tie, the one used last.
                    let majority = used
                        .iter()
                        .max_by_key(|(_, v)| (v.len(), std::cmp::Reverse(v[0].start)))
                        .map_or("", |(n, _)| *n);
                    (
                        used.iter().filter(|(n, _)| *n != majority).collect(),
                        majority,
                    )
                }
            };
            let Some(first) = flagged
                .iter()
                .flat_map(|(n, v)| v.iter().map(move |h| (*n, *h)))
                .min_by_key(|(_, h)| h.start)
            else {
                return;
            };
            let count: usize = flagged.iter().map(|(_, v)| v.len()).sum();
            let count = count.to_string();
            out.push(finding(
                first.1,
                &[
                    ("group", first.0),
                    ("expected", expected),
                    ("count", &count),
                ],
            ));
        }
    }
}
