//! The linter: the active rules of the loaded packs, indexed by first word so that a draft is
//! walked once for all phrases, and evaluated per rule kind.

mod eval;
mod index;
pub(crate) mod literals;
pub mod rule;
mod select;
mod words;

pub use eval::fill;
pub use rule::{
    Applicability, Example, Expect, Kind, Matcher, NATIVE_CHECKS, Rule, Severity, is_native_check,
};
pub use select::{Selection, SelectionError};

use crate::text::Analysis;
use index::{Hit, Index};

/// The context a reply is checked in.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Channel profile (`x`, `whatsapp`, …); `None` runs no channel-specific rule.
    pub channel: Option<String>,
    /// The house's form of address (`je` or `u`), if fixed.
    pub register: Option<String>,
    /// The customer's message (and earlier thread) the draft answers.
    pub in_reply_to: Option<String>,
    /// `[persona]`: whether a human sign-off is required, and what one looks like.
    pub persona: Option<Persona>,
    /// `[rules."length/over-limit"] limits`: length limits by channel, replacing the defaults
    /// of `native::length` (for `sms`, a number of messages).
    pub limits: std::collections::BTreeMap<String, usize>,
}

/// The sign-off settings of `[persona]`.
#[derive(Debug, Clone, Default)]
pub struct Persona {
    /// `None`: as the channel requires.
    pub required: Option<bool>,
    pub pattern: Option<regex::Regex>,
}

impl Context {
    /// The value of a context option a rule refers to by name.
    pub fn option(&self, name: &str) -> Option<&str> {
        match name {
            "register" => self.register.as_deref(),
            "channel" => self.channel.as_deref(),
            _ => None,
        }
    }
}

/// A fix for one finding, in the checked text's byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
    pub applicability: Applicability,
}

/// A rule's finding in one reply, in the reply text's byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Index of the rule in [`Linter::rules`].
    pub rule: usize,
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub fixes: Vec<Fix>,
}

/// The active rules, ready to check replies. Build once, share across threads.
#[derive(Debug)]
pub struct Linter {
    rules: Vec<Rule>,
    /// Every rule and pack id loaded, active or not.
    known: std::collections::HashSet<String>,
    slots: Vec<eval::Slots>,
    pub(crate) index: Index,
    /// Phrases never flagged (`[vocabulary]`): a finding overlapping one is dropped.
    allow: Vec<crate::pattern::Phrase>,
    /// The per-reply native checks of the active rules, looked up once.
    natives: Vec<(usize, crate::native::PerReply)>,
    /// The slots a hit of which makes a rule that runs everywhere be evaluated, as a bit
    /// set: the test that a reply has no finding stops at the first that may hit.
    decisive: Vec<u64>,
}

impl Linter {
    /// A linter for the rules of `packs` that `selection` keeps.
    pub fn new<'p>(
        packs: impl IntoIterator<Item = &'p crate::packs::Pack>,
        selection: &Selection,
    ) -> Result<Linter, SelectionError> {
        let packs: Vec<&crate::packs::Pack> = packs.into_iter().collect();
        let all: Vec<&Rule> = packs.iter().flat_map(|p| p.rules.iter()).collect();
        let keep = selection.resolve(&all)?;
        let known = all
            .iter()
            .flat_map(|r| [r.id.clone(), r.pack.clone()])
            .collect();
        let rules: Vec<Rule> = all
            .into_iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(r, _)| r.clone())
            .collect();
        let mut linter = Linter::from_rules(rules);
        linter.known = known;
        Ok(linter)
    }

    /// Whether `id` names a loaded rule, pack or a commandment (`g1`..`g10`), active or not.
    pub fn is_known_id(&self, id: &str) -> bool {
        self.known.contains(id)
            || self.rules.iter().any(|r| r.id == id || r.pack == id)
            || id
                .strip_prefix('g')
                .and_then(|n| n.parse::<u8>().ok())
                .is_some_and(|g| (1..=10).contains(&g))
    }

    /// A linter for exactly these rules.
    pub fn from_rules(rules: Vec<Rule>) -> Linter {
        let mut builder = index::Builder::default();
        let slots: Vec<eval::Slots> = rules
            .iter()
            .enumerate()
            .map(|(i, r)| eval::Slots::register(i, r, &mut builder))
            .collect();
        let index = builder.finish();
        let decisive = eval::decisive(&rules, &slots, index.slot_count());
        let natives = rules
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r.kind, Kind::Native))
            .filter_map(|(i, r)| crate::native::per_reply(&r.id).map(|f| (i, f)))
            .collect();
        Linter {
            rules,
            known: Default::default(),
            slots,
            index,
            allow: Vec::new(),
            natives,
            decisive,
        }
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The per-reply native checks of the active rules, after the pattern rules (some look at
    /// their findings).
    fn run_native(&self, a: &Analysis, ctx: &Context, out: &mut Vec<Finding>) {
        let natives: Vec<(usize, crate::native::CheckFn)> = self
            .natives
            .iter()
            .filter(|&&(i, _)| rule_runs_on(&self.rules[i], ctx))
            .map(|&(i, n)| (i, n.check))
            .collect();
        if natives.is_empty() {
            return;
        }
        let pattern_findings = out.clone();
        for (r, check) in natives {
            let input = crate::native::Input {
                analysis: a,
                ctx,
                findings: &pattern_findings,
                rules: &self.rules,
            };
            for hit in check(&input) {
                let vars: Vec<(&str, &str)> =
                    hit.vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
                out.push(Finding {
                    rule: r,
                    start: hit.start,
                    end: hit.end,
                    message: fill(&self.rules[r].message, &vars),
                    fixes: Vec::new(),
                });
            }
        }
    }

    /// Adds phrases that are never flagged (the team's vocabulary, brand names).
    pub fn with_allow(mut self, phrases: Vec<crate::pattern::Phrase>) -> Linter {
        self.allow = phrases;
        self
    }

    /// Whether any rule of pack `id` is active.
    pub fn has_pack(&self, id: &str) -> bool {
        self.rules.iter().any(|r| r.pack == id)
    }

    /// The index of an active native rule, by id.
    pub fn native(&self, id: &str) -> Option<usize> {
        self.rules
            .iter()
            .position(|r| r.id == id && matches!(r.kind, Kind::Native))
    }

    /// For the occurrence rules among `rules`: their matches in our earlier replies of the
    /// thread (the `## wij` sections of `in_reply_to`), which count towards their `max`.
    fn earlier_occurrences(&self, rules: &[usize], ctx: &Context) -> Vec<(usize, usize)> {
        let Some(raw) = ctx.in_reply_to.as_deref() else {
            return Vec::new();
        };
        let occurrence: Vec<usize> = rules
            .iter()
            .copied()
            .filter(|&r| matches!(self.rules[r].kind, Kind::Occurrence { .. }))
            .collect();
        if occurrence.is_empty() {
            return Vec::new();
        }
        let thread = crate::native::thread::Thread::parse(raw);
        let mut counts = vec![0; occurrence.len()];
        for text in thread.earlier_replies() {
            let a = Analysis::new(text);
            let (hits, _) = self.index.hits(&a);
            for (n, &r) in counts.iter_mut().zip(&occurrence) {
                *n += eval::occurrences(&self.rules[r], &self.slots[r], &a, &hits);
            }
        }
        occurrence.into_iter().zip(counts).collect()
    }

    /// Check one reply.
    ///
    /// Most replies of a library have no finding. The pass over the words tells which
    /// phrases may start where; when no rule that runs in `ctx` can fire with those (and
    /// the regexes that match), the reply is done: no span is masked, no phrase matched, no
    /// rule evaluated.
    pub fn check(&self, text: &str, ctx: &Context) -> Vec<Finding> {
        self.check_unmasked(&mut Analysis::unmasked(text), ctx)
    }

    /// As [`Linter::check`], on a reply analysed by [`Analysis::unmasked`], which is masked
    /// only when the reply is not let go (its words are the same either way, for a caller
    /// that needs them too).
    pub fn check_unmasked(&self, a: &mut Analysis, ctx: &Context) -> Vec<Finding> {
        let mut prepared = self.index.prepare(a);
        if self.none_fires(&mut prepared, a.text, ctx) {
            return Vec::new();
        }
        a.mask();
        self.check_prepared(a, prepared, ctx)
    }

    /// Whether a reply with this text certainly has no finding in `ctx`, known from the pass
    /// over its words (see [`Linter::check`]).
    pub fn is_clean(&self, text: &str, ctx: &Context) -> bool {
        let mut prepared = self.index.prepare(&Analysis::unmasked(text));
        self.none_fires(&mut prepared, text, ctx)
    }

    /// Whether no rule that runs in `ctx` can fire in a reply with this text and
    /// [`Prepared`] pass: none has a slot that may hit (a consistency rule needs two groups,
    /// or one other than the house's choice), and no native check may find anything.
    fn none_fires(&self, prepared: &mut index::Prepared, text: &str, ctx: &Context) -> bool {
        let Some(may) = self.index.may_hit(prepared, text, &self.decisive) else {
            return false;
        };
        let may_hit = |slot: u32| index::has_bit(&may, slot as usize);
        self.rules.iter().enumerate().all(|(r, rule)| {
            if !rule_runs_on(rule, ctx) {
                return true;
            }
            if matches!(rule.kind, Kind::Native) {
                return !self
                    .natives
                    .iter()
                    .any(|&(i, n)| i == r && (n.may_find)(ctx, text));
            }
            !self.slots[r].may_fire(rule, ctx, may_hit)
        })
    }

    /// Check one reply already analysed (so callers can reuse the analysis).
    pub fn check_analysis(&self, a: &Analysis, ctx: &Context) -> Vec<Finding> {
        self.check_prepared(a, self.index.prepare(a), ctx)
    }

    fn check_prepared(
        &self,
        a: &Analysis,
        prepared: index::Prepared,
        ctx: &Context,
    ) -> Vec<Finding> {
        let (hits, starts) = self.index.hits_prepared(a, prepared);
        let mut touched: Vec<usize> = hits.iter().map(|h| self.index.owner(h.slot)).collect();
        touched.dedup();
        touched.sort_unstable();
        touched.dedup();
        // Exceptions and companions only for the rules that have a hit.
        let lazy: Vec<(u32, Option<Vec<usize>>)> = touched
            .iter()
            .flat_map(|&r| self.slots[r].lazy_requests(a, &hits))
            .collect();
        let hits = if lazy.is_empty() {
            hits
        } else {
            self.index.add_lazy(a, &lazy, hits, &starts)
        };
        let earlier = self.earlier_occurrences(&touched, ctx);
        let mut out = Vec::new();
        for r in touched {
            let rule = &self.rules[r];
            if !rule_runs_on(rule, ctx) {
                continue;
            }
            let before = earlier.iter().find(|(i, _)| *i == r).map_or(0, |(_, n)| *n);
            eval::evaluate(r, rule, &self.slots[r], a, &hits, ctx, before, &mut out);
        }
        self.run_native(a, ctx, &mut out);
        if !self.allow.is_empty() && !out.is_empty() {
            let allowed: Vec<(usize, usize)> = self
                .allow
                .iter()
                .flat_map(|p| p.find_all(a, crate::text::Mask::PLACEHOLDER))
                .map(|m| (m.start, m.end))
                .collect();
            out.retain(|f| !allowed.iter().any(|&(s, e)| s < f.end && f.start < e));
        }
        out.sort_by_key(|f| (f.start, f.end, f.rule));
        out
    }
}

pub(crate) fn hits_in(hits: &[Hit], slot: u32) -> &[Hit] {
    let from = hits.partition_point(|h| h.slot < slot);
    let to = hits.partition_point(|h| h.slot <= slot);
    &hits[from..to]
}

/// Applies non-overlapping fixes to `text` (later ones overlapping an earlier one are
/// skipped).
pub fn apply_fixes(text: &str, fixes: &[Fix]) -> String {
    let mut sorted: Vec<&Fix> = fixes.iter().collect();
    sorted.sort_by_key(|f| (f.start, f.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in sorted {
        if f.start < at {
            continue;
        }
        out.push_str(&text[at..f.start]);
        out.push_str(&f.replacement);
        at = f.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Whether a rule runs in this context: a rule with `channels` only on those channels.
fn rule_runs_on(rule: &Rule, ctx: &Context) -> bool {
    rule.channels.is_empty()
        || ctx
            .channel
            .as_ref()
            .is_some_and(|c| rule.channels.iter().any(|rc| rc == c))
}

/// Texts to test the engine on: every example of `rules` (and its thread), and every draft
/// of the labelled corpus.
#[cfg(test)]
pub(crate) fn sample_texts(rules: &[Rule]) -> Vec<String> {
    let mut texts: Vec<String> = rules
        .iter()
        .flat_map(|r| r.examples.iter())
        .flat_map(|e| [Some(e.text.clone()), e.in_reply_to.clone()])
        .flatten()
        .collect();
    for name in ["tuning.jsonl", "holdout.jsonl"] {
        let path = format!("{}/fixtures/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
        let source = std::fs::read_to_string(&path).unwrap();
        for line in source.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            texts.push(v["text"].as_str().unwrap().to_string());
        }
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Letting a reply go after the pass over its words changes no finding: `check` gives
    /// what the full analysis gives, on every text of the packs' examples and of the
    /// labelled corpus, in several contexts; and it does let replies go.
    #[test]
    fn letting_replies_go_after_the_word_pass_changes_no_finding() {
        let packs = crate::packs::builtin().unwrap();
        let linter = Linter::new(&packs, &Selection::default()).unwrap();
        let only = |pack: &str| {
            let rules = linter.rules().iter().filter(|r| r.pack == pack);
            Linter::from_rules(rules.cloned().collect())
        };
        // A selection in which no rule fires on a phrase hit alone (consistency only).
        let consistency = only("register");
        // One without native checks (a thread lets them look), with an occurrence rule.
        let empathy = only("empathy");
        let texts = sample_texts(linter.rules());
        let contexts = [
            Context::default(),
            Context {
                channel: Some("x".into()),
                ..Context::default()
            },
            Context {
                register: Some("u".into()),
                ..Context::default()
            },
            Context {
                in_reply_to: Some("Ik wacht al een week op mijn pakket, wat is dit?!".into()),
                ..Context::default()
            },
            // Our earlier reply counts towards occurrence rules: one more match may fire.
            Context {
                in_reply_to: Some(
                    "## klant\nWaar blijft mijn pakket?\n## wij\nWat vervelend! Ik zoek het \
                     uit.\n## klant\nEn?"
                        .into(),
                ),
                ..Context::default()
            },
        ];
        let (mut clean, mut flagged) = (0, 0);
        for linter in [&linter, &consistency, &empathy] {
            for ctx in &contexts {
                for t in &texts {
                    let full = linter.check_analysis(&Analysis::new(t), ctx);
                    assert_eq!(linter.check(t, ctx), full, "{t:?} in {ctx:?}");
                    if linter.is_clean(t, ctx) {
                        clean += 1;
                        assert!(full.is_empty(), "{t:?} in {ctx:?}");
                    }
                    flagged += usize::from(!full.is_empty());
                }
            }
        }
        assert!(
            clean > 200 && flagged > 1000,
            "{clean} let go, {flagged} flagged"
        );
    }
}
