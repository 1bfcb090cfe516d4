//! Raw pack → validated [`Pack`]: every phrase parsed, every regex compiled, every key checked
//! against the rule's kind. All problems are collected, not just the first.

use super::Pack;
use super::error::{PackError, Problems};
use super::raw::{RawCase, RawPack, RawRule};
use crate::engine::rule::{
    Applicability, Example, Expect, FixTemplate, Kind, Matcher, NATIVE_CHECKS, Rule, RuleRegex,
    Severity, is_native_check,
};
use crate::pattern::Phrase;
use crate::text::Mask;
use miette::LabeledSpan;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

pub const CHANNELS: [&str; 7] = [
    "x",
    "facebook",
    "instagram",
    "whatsapp",
    "messenger",
    "email",
    "sms",
];
pub const REGISTERS: [&str; 2] = ["je", "u"];
const KINDS: &str = "existence, occurrence, conditional, consistency or native";
const MIN_EXAMPLES: usize = 2;

/// Parses and validates a pack from a file: everything, regexes compiled too.
pub fn parse_pack(path: &str, source: Arc<str>) -> Result<Pack, PackError> {
    parse_pack_with(path, source, true)
}

/// Parses a pack; `eager_regex: false` defers compiling regexes to their first use (for the
/// built-in packs, whose regexes the test suite compiles).
pub fn parse_pack_with(path: &str, source: Arc<str>, eager_regex: bool) -> Result<Pack, PackError> {
    let mut problems = Problems::new(path, source.clone());
    let raw: RawPack = match toml::from_str(&source) {
        Ok(raw) => raw,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            problems.push(span, e.message().trim().to_string(), "here", None);
            return Err(problems.finish().expect_err("a problem was pushed"));
        }
    };
    let pack_id = raw.id.get_ref().clone();
    let mut c = Compiler {
        source: &source,
        problems,
        pack: pack_id.clone(),
        eager_regex,
        regexes: Vec::new(),
    };
    if !is_kebab(&pack_id) {
        c.problem(
            &raw.id,
            format!("pack id `{pack_id}` is not kebab-case"),
            "pack id",
            "use lowercase letters, digits and `-`, like `we-not-they`",
        );
    }
    for (field, name) in [
        (&raw.title, "title"),
        (&raw.language, "language"),
        (&raw.version, "version"),
    ] {
        if field.get_ref().trim().is_empty() {
            c.problem(field, format!("`{name}` is empty"), "empty", "");
        }
    }
    let pack_gebod = raw.gebod.as_ref().and_then(|g| c.gebod(g));
    let mut seen: HashMap<String, Range<usize>> = HashMap::new();
    let mut rules = Vec::new();
    for raw_rule in &raw.rules {
        let name = raw_rule.get_ref().id.get_ref();
        if let Some(first) = seen.get(name) {
            let first = first.clone();
            c.problem(
                &raw_rule.get_ref().id,
                format!("duplicate rule id `{pack_id}/{name}`"),
                "defined again here",
                "give each rule of a pack its own id",
            );
            c.problems.push_also(vec![LabeledSpan::new_with_span(
                Some("first defined here".into()),
                first,
            )]);
        } else {
            seen.insert(name.clone(), raw_rule.get_ref().id.span());
        }
        if let Some(rule) = c.rule(&pack_id, pack_gebod, raw_rule) {
            rules.push(rule);
        }
    }
    c.problems.finish()?;
    Ok(Pack {
        id: pack_id,
        title: raw.title.into_inner(),
        language: raw.language.into_inner(),
        version: raw.version.into_inner(),
        description: raw.description,
        path: path.to_string(),
        source,
        rules,
    })
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

struct Compiler<'s> {
    source: &'s str,
    problems: Problems,
    pack: String,
    /// Compile regexes now (packs from files), not on first use (built-in packs).
    eager_regex: bool,
    /// The pack's valid regexes so far: a regex written twice is one, compiled once.
    regexes: Vec<RuleRegex>,
}

impl Compiler<'_> {
    /// Records a problem at a value; `help` may be empty.
    fn problem<T>(&mut self, at: &Spanned<T>, message: impl Into<String>, label: &str, help: &str) {
        let help = (!help.is_empty()).then(|| help.to_string());
        self.problems.push(at.span(), message, label, help);
    }

    fn gebod(&mut self, g: &Spanned<i64>) -> Option<u8> {
        match u8::try_from(*g.get_ref()) {
            Ok(n @ 1..=10) => Some(n),
            _ => {
                self.problem(g, format!("gebod {} does not exist", g.get_ref()), "not 1 to 10", "the ten webcare commandments are numbered 1 to 10; leave `gebod` out for a rule that enforces none");
                None
            }
        }
    }

    /// The byte offset in the file where a string value's content starts, when the value is
    /// written without escapes (so offsets inside it map one to one).
    fn content_start(&self, s: &Spanned<String>) -> Option<usize> {
        let span = s.span();
        let raw = self.source.get(span.clone())?;
        for quote in ["\"\"\"", "'''", "\"", "'"] {
            if let Some(inner) = raw.strip_prefix(quote).and_then(|r| r.strip_suffix(quote)) {
                let inner = if quote.len() == 3 {
                    inner.strip_prefix('\n').unwrap_or(inner)
                } else {
                    inner
                };
                if inner == s.get_ref() {
                    return Some(span.end - quote.len() - inner.len());
                }
            }
        }
        None
    }

    fn matcher(&mut self, phrases: &[Spanned<String>], regexes: &[Spanned<String>]) -> Matcher {
        let mut m = Matcher::default();
        for p in phrases {
            match Phrase::parse(p.get_ref()) {
                Ok(phrase) => m.phrases.push(phrase),
                Err(e) => {
                    let span = match self.content_start(p) {
                        Some(at) => {
                            at + e.offset
                                ..at + e.offset
                                    + e.len
                                        .min(p.get_ref().len() - e.offset.min(p.get_ref().len()))
                                        .max(1)
                        }
                        None => p.span(),
                    };
                    self.problems.push(span, format!("invalid phrase: {}", e.message), e.message.clone(), Some("see docs/packs.md for the phrase syntax: (a|b), [optional], word*, ..., <num>".into()));
                }
            }
        }
        for r in regexes {
            if let Some(same) = self.regexes.iter().find(|re| re.as_str() == r.get_ref()) {
                m.regexes.push(same.clone());
                continue;
            }
            // Syntax is always checked here; compiling waits for first use, except for packs
            // from files, whose regexes must also fit the size limit now.
            let parsed = regex_syntax::ParserBuilder::new()
                .case_insensitive(true)
                .build()
                .parse(r.get_ref());
            let hir = match parsed {
                Ok(hir) => hir,
                Err(e) => {
                    let text = e.to_string();
                    let detail = text.lines().last().unwrap_or(&text).trim().to_string();
                    self.problem(
                        r,
                        format!("invalid regex: {detail}"),
                        "invalid regex",
                        &text,
                    );
                    continue;
                }
            };
            if hir.properties().minimum_len() == Some(0) {
                self.problem(
                    r,
                    "this regex matches empty text",
                    "matches empty text",
                    "a rule regex must need at least one character",
                );
                continue;
            }
            let compiled = if self.eager_regex {
                match RuleRegex::build(r.get_ref()) {
                    Ok(re) => Some(re),
                    Err(e) => {
                        self.problem(
                            r,
                            format!("regex too large to compile: {e}"),
                            "too large",
                            "simplify the regex or split it over rules",
                        );
                        continue;
                    }
                }
            } else {
                None
            };
            let re = RuleRegex::new(r.get_ref(), compiled, &hir);
            self.regexes.push(re.clone());
            m.regexes.push(re);
        }
        m
    }

    fn rule(
        &mut self,
        pack: &str,
        pack_gebod: Option<u8>,
        spanned: &Spanned<RawRule>,
    ) -> Option<Rule> {
        let raw = spanned.get_ref();
        let before = self.problems.list.len();
        let name = raw.id.get_ref();
        if !is_kebab(name) {
            self.problem(
                &raw.id,
                format!("rule id `{name}` is not kebab-case"),
                "rule id",
                "use lowercase letters, digits and `-`, naming the problem: `redirect-phone`",
            );
        }
        let severity = Severity::parse(raw.severity.get_ref());
        if severity.is_none() {
            self.problem(
                &raw.severity,
                format!("unknown severity `{}`", raw.severity.get_ref()),
                "unknown severity",
                "use error, warning or info",
            );
        }
        let gebod = match &raw.gebod {
            Some(g) => self.gebod(g),
            None => pack_gebod,
        };
        for (field, what) in [
            (&raw.message, "message"),
            (&raw.why, "why"),
            (&raw.help, "help"),
        ] {
            if field.get_ref().trim().is_empty() {
                self.problem(
                    field,
                    format!("`{what}` is empty"),
                    "empty",
                    &format!("every rule needs a {what}"),
                );
            }
        }
        let mut main = self.matcher(&raw.patterns, &raw.regex);
        let mut replacements = Vec::new();
        if let Some(table) = &raw.replace {
            if raw.kind.get_ref() != "existence" {
                self.problem(
                    table,
                    "`replace` applies to existence rules only",
                    "not an existence rule",
                    "",
                );
            }
            for (phrase, with) in table.get_ref() {
                match Phrase::parse(phrase) {
                    Ok(p) => {
                        main.phrases.push(p.clone());
                        replacements.push((p, with.get_ref().clone()));
                    }
                    Err(e) => self.problem(
                        with,
                        format!("invalid phrase `{phrase}`: {}", e.message),
                        "the replacement of an invalid phrase",
                        "see docs/packs.md for the phrase syntax",
                    ),
                }
            }
        }
        let kind = self.kind(raw, main);
        let mut skip = Mask::PLACEHOLDER;
        match &raw.skip {
            None => skip = Mask::ALL,
            Some(names) => {
                for n in names {
                    match Mask::from_name(n.get_ref()) {
                        Some(m) => skip = skip.union(m),
                        None => self.problem(
                            n,
                            format!("unknown span kind `{}` in `skip`", n.get_ref()),
                            "unknown",
                            "use quotes, quote-lines, urls, mentions, hashtags or placeholders",
                        ),
                    }
                }
            }
        }
        for ch in &raw.channels {
            if !CHANNELS.contains(&ch.get_ref().as_str()) {
                self.problem(
                    ch,
                    format!("unknown channel `{}`", ch.get_ref()),
                    "unknown channel",
                    &format!("use one of {}", CHANNELS.join(", ")),
                );
            }
        }
        let fix_template = raw.fix.clone().or_else(|| {
            raw.replace
                .as_ref()
                .map(|t| Spanned::new(t.span(), "{replacement}".to_string()))
        });
        let fix = fix_template.as_ref().map(|f| {
            let applicability = match &raw.fix_applicability {
                None => Applicability::Unsafe,
                Some(a) => Applicability::parse(a.get_ref()).unwrap_or_else(|| {
                    self.problem(
                        a,
                        format!("unknown fix applicability `{}`", a.get_ref()),
                        "unknown",
                        "use safe, unsafe or display-only",
                    );
                    Applicability::Unsafe
                }),
            };
            FixTemplate {
                replacement: f.get_ref().clone(),
                applicability,
            }
        });
        if raw.fix_applicability.is_some() && raw.fix.is_none() && raw.replace.is_none() {
            self.problem(
                raw.fix_applicability.as_ref()?,
                "`fix-applicability` without a `fix`",
                "no fix to apply",
                "",
            );
        }
        let exceptions = self.matcher(&raw.exceptions, &[]);
        let sentence_exceptions = self.matcher(&raw.sentence_exceptions, &[]);
        let examples = self.examples(raw, spanned);
        if self.problems.list.len() > before {
            return None;
        }
        Some(Rule {
            id: format!("{pack}/{name}"),
            pack: pack.to_string(),
            severity: severity?,
            gebod,
            message: raw.message.get_ref().trim().to_string(),
            why: raw.why.get_ref().trim().to_string(),
            help: raw.help.get_ref().trim().to_string(),
            kind: kind?,
            skip,
            negation: raw.negation,
            exceptions,
            sentence_exceptions,
            fix,
            replacements,
            channels: raw.channels.iter().map(|c| c.get_ref().clone()).collect(),
            examples: examples.into(),
            span: spanned.span(),
        })
    }

    fn not_for_kind<T>(&mut self, field: Option<&Spanned<T>>, key: &str, kind: &str) {
        if let Some(f) = field {
            self.problem(
                f,
                format!("`{key}` does not apply to {kind} rules"),
                "not used by this kind",
                &format!("remove `{key}`, or change `kind`"),
            );
        }
    }

    fn kind(&mut self, raw: &RawRule, main: Matcher) -> Option<Kind> {
        let kind = raw.kind.get_ref().as_str();
        let first_requires = raw.requires.first().or(raw.requires_regex.first());
        let has_main = !raw.patterns.is_empty()
            || !raw.regex.is_empty()
            || raw
                .replace
                .as_ref()
                .is_some_and(|t| !t.get_ref().is_empty());
        if kind != "consistency" && kind != "native" && !has_main {
            self.problem(
                &raw.kind,
                format!("a {kind} rule needs `patterns` or `regex`"),
                "nothing to match",
                "add `patterns = [\"…\"]`",
            );
        }
        if kind != "occurrence" {
            self.not_for_kind(raw.max.as_ref(), "max", kind);
        }
        if kind != "conditional" {
            self.not_for_kind(first_requires, "requires", kind);
        }
        if kind != "consistency" {
            self.not_for_kind(raw.groups.as_ref(), "groups", kind);
            self.not_for_kind(raw.option.as_ref(), "option", kind);
        }
        match kind {
            "existence" => Some(Kind::Existence(main)),
            "occurrence" => {
                let max = match &raw.max {
                    None => 1,
                    Some(m) => match u32::try_from(*m.get_ref()) {
                        Ok(n) => n,
                        Err(_) => {
                            self.problem(m, "`max` must be 0 or more", "negative", "");
                            1
                        }
                    },
                };
                Some(Kind::Occurrence { matcher: main, max })
            }
            "conditional" => {
                if first_requires.is_none() {
                    self.problem(&raw.kind, "a conditional rule needs `requires` or `requires-regex`", "no companion", "list the phrases that make the trigger acceptable, e.g. a concrete day or time");
                }
                let requires = self.matcher(&raw.requires, &raw.requires_regex);
                Some(Kind::Conditional {
                    trigger: main,
                    requires,
                })
            }
            "consistency" => {
                self.not_for_kind(raw.patterns.first().or(raw.regex.first()), "patterns", kind);
                let Some(groups) = &raw.groups else {
                    self.problem(
                        &raw.kind,
                        "a consistency rule needs `groups`",
                        "no groups",
                        "add `[rules.groups]` with at least two named lists of phrases",
                    );
                    return None;
                };
                if groups.get_ref().len() < 2 {
                    self.problem(
                        groups,
                        "`groups` needs at least two groups",
                        "one group",
                        "",
                    );
                }
                if let Some(o) = &raw.option {
                    if o.get_ref() != "register" {
                        self.problem(
                            o,
                            format!("unknown option `{}`", o.get_ref()),
                            "unknown option",
                            "the only option a consistency rule can follow is `register`",
                        );
                    } else if let Some(missing) = REGISTERS
                        .iter()
                        .find(|r| !groups.get_ref().contains_key(**r))
                    {
                        self.problem(
                            groups,
                            format!("a rule following `register` needs a group named `{missing}`"),
                            "missing group",
                            "",
                        );
                    }
                }
                let groups = groups
                    .get_ref()
                    .iter()
                    .map(|(name, phrases)| (name.clone(), self.matcher(phrases, &[])))
                    .collect();
                Some(Kind::Consistency {
                    groups,
                    option: raw.option.as_ref().map(|o| o.get_ref().clone()),
                })
            }
            "native" => {
                self.not_for_kind(raw.patterns.first().or(raw.regex.first()), "patterns", kind);
                let id = format!("{}/{}", self.pack, raw.id.get_ref());
                if !is_native_check(&id) {
                    self.problem(
                        &raw.id,
                        format!("no native check is named `{id}`"),
                        "unknown native check",
                        &format!(
                            "native rules are checks written in code: {}",
                            NATIVE_CHECKS.join(", ")
                        ),
                    );
                    return None;
                }
                Some(Kind::Native)
            }
            other => {
                self.problem(
                    &raw.kind,
                    format!("unknown rule kind `{other}`"),
                    "unknown kind",
                    &format!("use {KINDS}"),
                );
                None
            }
        }
    }

    fn examples(&mut self, raw: &RawRule, rule: &Spanned<RawRule>) -> Vec<Example> {
        let plain = |s: &Spanned<String>, expect| Example {
            text: s.get_ref().clone(),
            expect,
            channel: None,
            register: None,
            in_reply_to: None,
            fixed: None,
            span: s.span(),
        };
        let mut out: Vec<Example> = raw.bad.iter().map(|s| plain(s, Expect::Flagged)).collect();
        out.extend(raw.good.iter().map(|s| plain(s, Expect::Clean)));
        for case in &raw.cases {
            if let Some(ex) = self.case(case) {
                out.push(ex);
            }
        }
        let bad = out.iter().filter(|e| e.expect == Expect::Flagged).count();
        let good = out.len() - bad;
        if bad < MIN_EXAMPLES || good < MIN_EXAMPLES {
            self.problem(&raw.id, format!("rule has {bad} bad and {good} good examples; it needs at least {MIN_EXAMPLES} of each"), "too few examples", "add `bad = [\"…\", \"…\"]` and `good = [\"…\", \"…\"]`; put hard cases (negation, quotes, the company calling) in `good`");
        }
        let _ = rule;
        out
    }

    fn case(&mut self, case: &Spanned<RawCase>) -> Option<Example> {
        let c = case.get_ref();
        if let Some(ch) = &c.channel {
            if !CHANNELS.contains(&ch.get_ref().as_str()) {
                self.problem(
                    ch,
                    format!("unknown channel `{}`", ch.get_ref()),
                    "unknown channel",
                    &format!("use one of {}", CHANNELS.join(", ")),
                );
                return None;
            }
        }
        if let Some(r) = &c.register {
            if !REGISTERS.contains(&r.get_ref().as_str()) {
                self.problem(
                    r,
                    format!("unknown register `{}`", r.get_ref()),
                    "unknown register",
                    "use je or u",
                );
                return None;
            }
        }
        Some(Example {
            text: c.text.get_ref().clone(),
            expect: if c.flagged {
                Expect::Flagged
            } else {
                Expect::Clean
            },
            channel: c.channel.as_ref().map(|s| s.get_ref().clone()),
            register: c.register.as_ref().map(|s| s.get_ref().clone()),
            in_reply_to: c.in_reply_to.clone(),
            fixed: c.fixed.clone(),
            span: c.text.span(),
        })
    }
}
