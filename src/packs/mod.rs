//! Rule packs: TOML files that describe rules, parsed and validated into [`Rule`]s.
//! The built-in packs under `rules/` are embedded in the binary.

mod compile;
mod error;
mod raw;

pub use compile::{CHANNELS, REGISTERS, parse_pack, parse_pack_with};
pub use error::{LoadError, PackError, Problem, Problems};

use crate::check::Checker;
use crate::documents::Format;
use crate::engine::{Context, Example, Expect, Fix, Kind, Linter, Rule, apply_fixes};
use std::path::Path;
use std::sync::Arc;

/// A validated pack.
#[derive(Debug, Clone)]
pub struct Pack {
    pub id: String,
    pub title: String,
    pub language: String,
    pub version: String,
    pub description: Option<String>,
    /// Where the pack came from (`rules/channel.toml` for a built-in one).
    pub path: String,
    pub source: Arc<str>,
    pub rules: Vec<Rule>,
}

macro_rules! builtin {
    ($id:literal) => {
        (
            concat!("rules/", $id, ".toml"),
            include_str!(concat!("../../rules/", $id, ".toml")),
        )
    };
}

/// The built-in packs, as (path, TOML) pairs.
#[rustfmt::skip]
pub const BUILTIN: &[(&str, &str)] = &[
    builtin!("channel"),
    builtin!("context"),
    builtin!("empathy"),
    builtin!("jargon"),
    builtin!("length"),
    builtin!("library"),
    builtin!("persona"),
    builtin!("privacy"),
    builtin!("promises"),
    builtin!("register"),
    builtin!("sales"),
    builtin!("suppression"),
    builtin!("tone"),
    builtin!("we-not-they"),
];

/// Parses the built-in packs. Their examples are checked by `cargo test` and `test-rules`,
/// not at every start.
pub fn builtin() -> Result<Vec<Pack>, PackError> {
    use rayon::prelude::*;
    // Both cores: parsing the packs is most of a one-draft run's start-up.
    BUILTIN
        .par_iter()
        .map(|(path, src)| parse_pack_with(path, Arc::from(*src), false))
        .collect()
}

/// Loads a pack file, or every `.toml` file of a directory (sorted by name), without
/// checking examples.
pub fn load_path(path: &Path) -> Result<Vec<Pack>, LoadError> {
    let io = |e| LoadError::Io {
        path: path.display().to_string(),
        source: e,
    };
    if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(io)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        let mut packs = Vec::new();
        for f in files {
            packs.extend(load_path(&f)?);
        }
        return Ok(packs);
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    Ok(vec![parse_pack(
        &path.display().to_string(),
        Arc::from(text),
    )?])
}

/// Loads an extra pack (`--pack`) and fully validates it: its examples must behave.
pub fn load_validated(path: &Path) -> Result<Vec<Pack>, LoadError> {
    let packs = load_path(path)?;
    for pack in &packs {
        let failures = check_examples(pack, &[]);
        if !failures.is_empty() {
            return Err(examples_error(pack, &failures).into());
        }
    }
    Ok(packs)
}

/// Fails on two packs with one id.
pub fn check_unique(packs: &[Pack]) -> Result<(), LoadError> {
    for (i, p) in packs.iter().enumerate() {
        if let Some(other) = packs[..i].iter().find(|o| o.id == p.id) {
            return Err(LoadError::DuplicatePack {
                id: p.id.clone(),
                path: p.path.clone(),
                other: other.path.clone(),
            });
        }
    }
    Ok(())
}

/// How an example misbehaved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A bad example the rule did not flag.
    Missing,
    /// A good example the rule flagged (a false positive), with the flagged text.
    Noisy(Vec<String>),
    /// Applying the rule's fixes gave other text than `fixed`.
    FixMismatch(String),
    /// The fixed text is still flagged.
    FixNotClean(String),
}

#[derive(Debug, Clone)]
pub struct ExampleFailure<'p> {
    pub rule: &'p Rule,
    pub example: &'p Example,
    pub failure: Failure,
}

/// Runs every example of every rule of `pack`. Native rules (checks in code) run through the
/// whole document pipeline, beside the pattern rules of `others` (so that, say, an unused
/// suppression can be told from a used one).
pub fn check_examples<'p>(pack: &'p Pack, others: &[Pack]) -> Vec<ExampleFailure<'p>> {
    let mut out = Vec::new();
    for rule in &pack.rules {
        let native = matches!(rule.kind, Kind::Native);
        let mut rules = vec![rule.clone()];
        if native {
            rules.extend(
                others
                    .iter()
                    .chain(std::iter::once(pack))
                    .flat_map(|p| &p.rules)
                    .filter(|r| !matches!(r.kind, Kind::Native))
                    .cloned(),
            );
        }
        let linter = Linter::from_rules(rules);
        for example in rule.examples.iter() {
            let ctx = Context {
                channel: example.channel.clone(),
                register: example.register.clone(),
                in_reply_to: example.in_reply_to.clone(),
                persona: None,
                limits: Default::default(),
            };
            let flagged = |text: &str| -> Vec<(usize, usize, Vec<Fix>)> {
                if native {
                    let checker = Checker {
                        linter: &linter,
                        ctx: ctx.clone(),
                        library: Default::default(),
                    };
                    // Library rules are about many replies: their examples are Markdown
                    // libraries (one reply per `##` section).
                    let library = rule.pack == "library";
                    let format = if library {
                        Format::Markdown
                    } else {
                        Format::Text
                    };
                    let source: Arc<str> = Arc::from(text);
                    let mut result = checker.check_text("example", source.clone(), format);
                    if library {
                        result.diagnostics.extend(crate::check::library_diagnostics(
                            &linter,
                            &result.summaries,
                            &Default::default(),
                            |_| Some(source.clone()),
                        ));
                    }
                    result
                        .diagnostics
                        .into_iter()
                        .filter(|d| d.rule == rule.id)
                        .map(|d| (d.span.start, d.span.end, Vec::new()))
                        .collect()
                } else {
                    linter
                        .check(text, &ctx)
                        .into_iter()
                        .map(|f| (f.start, f.end, f.fixes))
                        .collect()
                }
            };
            let findings = flagged(&example.text);
            let failure = match example.expect {
                Expect::Flagged if findings.is_empty() => Some(Failure::Missing),
                Expect::Flagged => example.fixed.as_ref().and_then(|want| {
                    let fixes: Vec<Fix> =
                        findings.iter().flat_map(|f| f.2.iter().cloned()).collect();
                    let got = apply_fixes(&example.text, &fixes);
                    if &got != want {
                        Some(Failure::FixMismatch(got))
                    } else if !flagged(&got).is_empty() {
                        Some(Failure::FixNotClean(got))
                    } else {
                        None
                    }
                }),
                Expect::Clean if !findings.is_empty() => Some(Failure::Noisy(
                    findings
                        .iter()
                        .map(|f| example.text[f.0..f.1].to_string())
                        .collect(),
                )),
                Expect::Clean => None,
            };
            if let Some(failure) = failure {
                out.push(ExampleFailure {
                    rule,
                    example,
                    failure,
                });
            }
        }
    }
    out
}

impl Failure {
    /// One line saying what went wrong.
    pub fn describe(&self, rule: &str) -> String {
        match self {
            Failure::Missing => format!("missing: this bad example is not flagged by `{rule}`"),
            Failure::Noisy(m) => format!(
                "noisy: this good example is flagged by `{rule}` at {}",
                quote_list(m)
            ),
            Failure::FixMismatch(got) => format!("fix: applying the fix of `{rule}` gives {got:?}"),
            Failure::FixNotClean(got) => {
                format!("fix: the fixed text {got:?} is still flagged by `{rule}`")
            }
        }
    }
}

fn quote_list(items: &[String]) -> String {
    items
        .iter()
        .map(|m| format!("\"{m}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Example failures as a pack error pointing at each example.
pub fn examples_error(pack: &Pack, failures: &[ExampleFailure]) -> PackError {
    let mut problems = error::Problems::new(&pack.path, pack.source.clone());
    for f in failures {
        let label = match f.failure {
            Failure::Missing => "not flagged",
            Failure::Noisy(_) => "flagged",
            _ => "fix misbehaves",
        };
        problems.push(
            f.example.span.clone(),
            f.failure.describe(&f.rule.id),
            label,
            Some(match f.failure {
                Failure::Missing => {
                    "widen the rule's patterns, or move this text to `good` if it is fine"
                        .to_string()
                }
                Failure::Noisy(_) => {
                    "add an exception or narrow the patterns; a linter lives by its precision"
                        .to_string()
                }
                _ => "correct the rule's `fix` or the example's `fixed`".to_string(),
            }),
        );
    }
    problems.finish().expect_err("there are failures")
}
