//! Compiled, validated rules: what checks see. Raw TOML structs never reach the engine.

use crate::pattern::Phrase;
use crate::text::Mask;
use regex::Regex;
use std::fmt;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a fix may be applied without a person looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    Safe,
    Unsafe,
    DisplayOnly,
}

impl Applicability {
    pub fn parse(s: &str) -> Option<Applicability> {
        match s {
            "safe" => Some(Applicability::Safe),
            "unsafe" => Some(Applicability::Unsafe),
            "display-only" => Some(Applicability::DisplayOnly),
            _ => None,
        }
    }

    /// The name [`Applicability::parse`] reads (and the JSON report writes).
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// A rule's raw regex: validated when its pack loads, compiled when first used (most runs
/// never need most of them, and compiling is the larger part of start-up). Clones share the
/// compiled regex, so a pack's rules can be warmed up while the linter is built from them.
#[derive(Debug, Clone)]
pub struct RuleRegex {
    source: Box<str>,
    compiled: std::sync::Arc<std::sync::OnceLock<Regex>>,
    /// Sets of strings (lowercase), one string of each of which every match contains (see
    /// `engine::literals`); none: no test.
    needs: std::sync::Arc<[Box<[Box<str>]>]>,
}

impl RuleRegex {
    /// The one way rule regexes are built: case-insensitive, bounded in size.
    pub fn build(source: &str) -> Result<Regex, regex::Error> {
        regex::RegexBuilder::new(source)
            .case_insensitive(true)
            .size_limit(1 << 22)
            .build()
    }

    /// A regex whose syntax has been checked; `compiled` when it already is.
    pub fn new(source: &str, compiled: Option<Regex>, hir: &regex_syntax::hir::Hir) -> RuleRegex {
        let cell = std::sync::OnceLock::new();
        if let Some(re) = compiled {
            let _ = cell.set(re);
        }
        let needs = super::literals::required_all(hir)
            .into_iter()
            .map(|set| {
                set.into_iter()
                    .map(|s| String::from_utf8_lossy(&s).into())
                    .collect()
            })
            .collect();
        RuleRegex {
            source: source.into(),
            compiled: std::sync::Arc::new(cell),
            needs,
        }
    }

    /// Whether the regex can match a text, given the text ASCII-lowercased: false when the
    /// text has none of the strings every match contains.
    pub fn may_match(&self, lower: &str) -> bool {
        self.needs
            .iter()
            .all(|set| set.iter().any(|s| lower.contains(&**s)))
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The strings (lowercase) one of which every match contains, when known: the first
    /// of [`RuleRegex::needs_all`].
    pub fn needs(&self) -> Option<&[Box<str>]> {
        self.needs.first().map(|set| &**set)
    }

    /// Sets of strings (lowercase), one string of each of which every match contains.
    pub fn needs_all(&self) -> &[Box<[Box<str>]>] {
        &self.needs
    }

    pub fn is_compiled(&self) -> bool {
        self.compiled.get().is_some()
    }

    pub fn get(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            // Validated at load (syntax, and size for packs from files); built-in packs are
            // compiled by the test suite, so this cannot fail for them.
            RuleRegex::build(&self.source).expect("rule regexes are validated when packs load")
        })
    }
}

/// Phrases and raw regexes that together describe what a rule looks for.
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    pub phrases: Vec<Phrase>,
    pub regexes: Vec<RuleRegex>,
}

impl Matcher {
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty() && self.regexes.is_empty()
    }
}

#[derive(Debug, Clone)]
pub enum Kind {
    /// Phrases that must not appear.
    Existence(Matcher),
    /// A word family at most `max` times per reply.
    Occurrence { matcher: Matcher, max: u32 },
    /// A trigger that needs a companion somewhere in the same reply.
    Conditional { trigger: Matcher, requires: Matcher },
    /// Word groups that must not be mixed in one reply; `option` names the context setting
    /// (e.g. `register`) that picks the one group allowed.
    Consistency {
        groups: Vec<(String, Matcher)>,
        option: Option<String>,
    },
    /// A check implemented in code (see [`NATIVE_CHECKS`]); the pack gives its words and
    /// examples.
    Native,
}

/// The checks implemented in code, by rule id. A pack may declare a `native` rule only with
/// one of these ids.
pub const NATIVE_CHECKS: &[&str] = &[
    "suppression/missing-reason",
    "suppression/unused",
    "library/near-duplicate",
    "library/repeated-opener",
    "library/repeated-sign-off",
    "library/empty-reply",
];

/// Whether `id` names a check written in code: a document or library check above, or a
/// per-reply check of [`crate::native`].
pub fn is_native_check(id: &str) -> bool {
    NATIVE_CHECKS.contains(&id) || crate::native::per_reply(id).is_some()
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Existence(_) => "existence",
            Kind::Occurrence { .. } => "occurrence",
            Kind::Conditional { .. } => "conditional",
            Kind::Consistency { .. } => "consistency",
            Kind::Native => "native",
        }
    }
}

/// The fix a rule offers for a match.
#[derive(Debug, Clone)]
pub struct FixTemplate {
    pub replacement: String,
    pub applicability: Applicability,
}

/// What an example expects of its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Flagged,
    Clean,
}

/// An example embedded in a pack, with the context its rule needs.
#[derive(Debug, Clone)]
pub struct Example {
    pub text: String,
    pub expect: Expect,
    pub channel: Option<String>,
    pub register: Option<String>,
    pub in_reply_to: Option<String>,
    /// For a flagged example with a fix: the text after applying the rule's fixes.
    pub fixed: Option<String>,
    /// Byte range of the example in its pack file.
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable id `pack/name`.
    pub id: String,
    pub pack: String,
    pub severity: Severity,
    pub gebod: Option<u8>,
    pub message: String,
    pub why: String,
    pub help: String,
    pub kind: Kind,
    /// Spans whose words never count for this rule.
    pub skip: Mask,
    /// Drop a match that stands right after a negation ("je hoeft ons niet te bellen").
    pub negation: bool,
    /// A match overlapping one of these is not a finding.
    pub exceptions: Matcher,
    /// A match in a sentence holding one of these is not a finding.
    pub sentence_exceptions: Matcher,
    pub fix: Option<FixTemplate>,
    /// Per-phrase replacements (`replace = { "middels" = "met" }`), with `fix`'s
    /// applicability.
    pub replacements: Vec<(Phrase, String)>,
    /// Channels the rule runs on; empty means all (and no channel given).
    pub channels: Vec<String>,
    /// Shared, so cloning a rule into a linter does not copy its examples.
    pub examples: std::sync::Arc<[Example]>,
    /// Byte range of the rule's table in its pack file.
    pub span: Range<usize>,
}

impl Rule {
    pub fn name(&self) -> &str {
        &self.id[self.pack.len() + 1..]
    }

    /// All raw regexes of the rule: what it looks for, its companions and exceptions.
    pub fn regexes(&self) -> impl Iterator<Item = &RuleRegex> {
        let kind: Vec<&Matcher> = match &self.kind {
            Kind::Existence(m) | Kind::Occurrence { matcher: m, .. } => vec![m],
            Kind::Conditional { trigger, requires } => vec![trigger, requires],
            Kind::Consistency { groups, .. } => groups.iter().map(|(_, m)| m).collect(),
            Kind::Native => Vec::new(),
        };
        kind.into_iter()
            .chain([&self.exceptions, &self.sentence_exceptions])
            .flat_map(|m| &m.regexes)
    }
}

/// Compiles, on all cores, the regexes of `rules` that `text` may need (those whose
/// required literals it contains): a one-draft run does this while the linter is built.
pub fn warm_up<'r>(rules: impl Iterator<Item = &'r Rule>, text: &str) {
    use rayon::prelude::*;
    let lower = text.to_ascii_lowercase();
    let needed: Vec<&RuleRegex> = rules
        .flat_map(Rule::regexes)
        .filter(|re| !re.is_compiled() && re.may_match(&lower))
        .collect();
    needed.par_iter().for_each(|re| {
        re.get();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A regex written twice in a pack (two promises rules share the clock-time regex) is
    /// compiled once, for both.
    #[test]
    fn a_regex_written_twice_in_a_pack_is_compiled_once() {
        let packs = crate::packs::builtin().unwrap();
        let mut twice = 0;
        for pack in &packs {
            let regexes: Vec<&RuleRegex> = pack.rules.iter().flat_map(Rule::regexes).collect();
            for (i, re) in regexes.iter().enumerate() {
                let Some(other) = regexes[i + 1..].iter().find(|o| o.as_str() == re.as_str())
                else {
                    continue;
                };
                twice += 1;
                assert!(!other.is_compiled());
                re.get();
                assert!(other.is_compiled(), "{}", re.as_str());
            }
        }
        assert!(twice > 0, "no built-in pack writes a regex twice");
    }

    #[test]
    fn warming_up_compiles_what_the_text_may_need_for_every_clone() {
        let packs = crate::packs::builtin().unwrap();
        let rules: Vec<&Rule> = packs.iter().flat_map(|p| &p.rules).collect();
        let (rule, re) = rules
            .iter()
            .find_map(|r| {
                r.regexes()
                    .find(|re| re.needs().is_some())
                    .map(|re| (*r, re))
            })
            .expect("a built-in rule with a regex that needs a literal");
        let copy = rule.clone();
        let copied = || copy.regexes().find(|c| c.as_str() == re.as_str()).unwrap();
        assert!(!copied().is_compiled());
        // A text without any of its literals compiles nothing.
        warm_up(std::iter::once(rule), "xyz");
        assert!(!copied().is_compiled());
        let needed = &re.needs().unwrap()[0];
        warm_up(std::iter::once(rule), &format!("bla {needed} bla"));
        assert!(re.is_compiled() && copied().is_compiled());
    }
}
