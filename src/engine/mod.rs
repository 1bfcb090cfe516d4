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
    natives: Vec<(usize, crate::native::CheckFn)>,
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
        let slots = rules
            .iter()
            .enumerate()
            .map(|(i, r)| eval::Slots::register(i, r, &mut builder))
            .collect();
        let index = builder.finish();
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
            .copied()
            .filter(|&(i, _)| rule_runs_on(&self.rules[i], ctx))
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
    pub fn check(&self, text: &str, ctx: &Context) -> Vec<Finding> {
        self.check_analysis(&Analysis::new(text), ctx)
    }

    /// Check one reply already analysed (so callers can reuse the analysis).
    pub fn check_analysis(&self, a: &Analysis, ctx: &Context) -> Vec<Finding> {
        let (hits, starts) = self.index.hits(a);
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
