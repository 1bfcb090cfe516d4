//! Evaluation of one rule on a reply's hits, per rule kind.

use super::index::{Builder, Hit};
use super::{Context, Finding, Fix, Kind, Rule, hits_in};
use crate::text::Analysis;

/// Words that negate a phrase standing right after them ("je hoeft ons niet te bellen").
const NEGATIONS: [&str; 6] = ["niet", "geen", "nooit", "niets", "niks", "zonder"];
/// How many words before a match a negation may stand.
const NEGATION_WINDOW: usize = 3;

/// The slots of one rule's matchers.
#[derive(Debug)]
pub(crate) struct Slots {
    /// The matcher (or, for consistency rules, one per group).
    main: Vec<u32>,
    requires: Option<u32>,
    exceptions: Option<u32>,
    sentence_exceptions: Option<u32>,
}

impl Slots {
    pub fn register(owner: usize, rule: &Rule, b: &mut Builder) -> Slots {
        let skip = rule.skip;
        let mut add = |m: &super::Matcher| (!m.is_empty()).then(|| b.add(owner, m, skip));
        let (main, requires) = match &rule.kind {
            Kind::Existence(m) | Kind::Occurrence { matcher: m, .. } => {
                (add(m).into_iter().collect(), None)
            }
            Kind::Conditional { trigger, requires } => {
                (add(trigger).into_iter().collect(), add(requires))
            }
            Kind::Consistency { groups, .. } => (
                groups
                    .iter()
                    .map(|(_, m)| add(m).unwrap_or(u32::MAX))
                    .collect(),
                None,
            ),
            Kind::Native => (Vec::new(), None),
        };
        Slots {
            main,
            requires,
            exceptions: add(&rule.exceptions),
            sentence_exceptions: add(&rule.sentence_exceptions),
        }
    }
}

fn sentence_of(a: &Analysis, h: &Hit) -> u32 {
    a.words.get(h.first as usize).map_or(0, |w| w.sentence)
}

fn negated(a: &Analysis, h: &Hit) -> bool {
    let Some(w) = a.words.get(h.first as usize) else {
        return false;
    };
    let from = (h.first as usize).saturating_sub(NEGATION_WINDOW);
    (from..(h.last as usize).min(a.words.len()))
        .filter(|&i| a.words[i].clause == w.clause)
        .any(|i| NEGATIONS.contains(&a.folded(i)))
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

pub(crate) fn evaluate(
    r: usize,
    rule: &Rule,
    slots: &Slots,
    a: &Analysis,
    hits: &[Hit],
    ctx: &Context,
    out: &mut Vec<Finding>,
) {
    let of = |slot: Option<u32>| slot.map_or(&[][..], |s| hits_in(hits, s));
    let exceptions = of(slots.exceptions);
    let sentence_exceptions = of(slots.sentence_exceptions);
    let keep = |h: &&Hit| {
        let negated = rule.negation && negated(a, h);
        let excepted = exceptions
            .iter()
            .any(|e| e.start < h.end && h.start < e.end);
        let in_excepted_sentence = sentence_exceptions
            .iter()
            .any(|e| sentence_of(a, e) == sentence_of(a, h));
        !(negated || excepted || in_excepted_sentence)
    };

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
            .map_or("", |(_, r)| r.as_str());
        let mut all = vec![("match", matched), ("replacement", replacement)];
        all.extend_from_slice(vars);
        let fixes = rule
            .fix
            .iter()
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
            // One finding per sentence: "bel ons op 088-…" is one redirect, not two.
            let mut last_sentence = None;
            for h in main(0) {
                let s = sentence_of(a, h);
                if last_sentence != Some(s) {
                    out.push(finding(h, &[]));
                    last_sentence = Some(s);
                }
            }
        }
        Kind::Occurrence { max, .. } => {
            let found = main(0);
            if found.len() > *max as usize {
                let count = found.len().to_string();
                let max_s = max.to_string();
                out.push(finding(
                    found[*max as usize],
                    &[("count", &count), ("max", &max_s)],
                ));
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
