//! `webcare-lint rules` and `webcare-lint explain RULE`.

use super::args::{ExplainArgs, ListFormat, RulesArgs};
use super::{CLEAN, CliError, emit, load_packs};
use webcare_lint::engine::{Expect, Rule};
use webcare_lint::report::commandment;

#[derive(serde::Serialize)]
struct RuleInfo<'a> {
    id: &'a str,
    pack: &'a str,
    kind: &'static str,
    severity: &'static str,
    gebod: Option<u8>,
    message: &'a str,
    why: &'a str,
    help: &'a str,
    channels: &'a [String],
    fix: bool,
}

pub fn list(args: RulesArgs) -> Result<u8, CliError> {
    let packs = load_packs(&args.pack.packs)?;
    let rules: Vec<&Rule> = packs.iter().flat_map(|p| &p.rules).collect();
    match args.format {
        ListFormat::Json => {
            let infos: Vec<RuleInfo> = rules
                .iter()
                .map(|r| RuleInfo {
                    id: &r.id,
                    pack: &r.pack,
                    kind: r.kind.name(),
                    severity: r.severity.as_str(),
                    gebod: r.gebod,
                    message: &r.message,
                    why: &r.why,
                    help: &r.help,
                    channels: &r.channels,
                    fix: r.fix.is_some(),
                })
                .collect();
            emit(&(serde_json::to_string_pretty(&infos).expect("serializes") + "\n"))?;
        }
        ListFormat::Text => {
            let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            let mut out = String::new();
            for r in &rules {
                let gebod = r.gebod.map_or("  –".to_string(), |g| format!("g{g:<2}"));
                out.push_str(&format!(
                    "{:<width$}  {:<7}  {gebod}  {}\n",
                    r.id,
                    r.severity.as_str(),
                    first_line(&r.help)
                ));
            }
            out.push_str(&format!("{} rules in {} packs\n", rules.len(), packs.len()));
            emit(&out)?;
        }
    }
    Ok(CLEAN)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("unknown rule `{0}`")]
#[diagnostic(code(webcare_lint::explain), help("{1}"))]
struct UnknownRule(String, String);

pub fn explain(args: ExplainArgs) -> Result<u8, CliError> {
    let packs = load_packs(&args.pack.packs)?;
    let rules: Vec<&Rule> = packs.iter().flat_map(|p| &p.rules).collect();
    let Some(rule) = rules.iter().find(|r| r.id == args.rule) else {
        let close: Vec<&str> = rules
            .iter()
            .filter(|r| r.id.contains(&args.rule) || args.rule.contains(r.name()))
            .map(|r| r.id.as_str())
            .collect();
        let help = if close.is_empty() {
            "`webcare-lint rules` lists every rule id".to_string()
        } else {
            format!("did you mean {}?", close.join(", "))
        };
        return Err(Box::new(UnknownRule(args.rule, help)));
    };
    emit(&explanation(rule))?;
    Ok(CLEAN)
}

/// The user documentation of a rule, in the sections ruff uses.
pub fn explanation(rule: &Rule) -> String {
    let mut out = format!("# {}\n\n", rule.id);
    let gebod = rule.gebod.map_or("no commandment".to_string(), |g| {
        format!("gebod {g}: {}", commandment(g))
    });
    out.push_str(&format!(
        "Severity: {} · {} · kind: {}",
        rule.severity,
        gebod,
        rule.kind.name()
    ));
    if !rule.channels.is_empty() {
        out.push_str(&format!(" · channels: {}", rule.channels.join(", ")));
    }
    out.push_str("\n\n## What it does\n");
    let mut message = rule.message.clone();
    for var in [
        "match",
        "replacement",
        "count",
        "max",
        "group",
        "expected",
        "id",
        "text",
        "total",
        "percent",
        "share",
        "others",
        "limit",
        "channel",
        "unit",
    ] {
        message = message.replace(&format!("{{{var}}}"), "…");
    }
    out.push_str(&format!("{message}\n"));
    out.push_str("\n## Why is this bad?\n");
    out.push_str(&format!("{}\n", rule.why));
    out.push_str("\n## Write instead\n");
    out.push_str(&format!("{}\n", rule.help));
    for (title, expect) in [
        ("Bad examples", Expect::Flagged),
        ("Good examples", Expect::Clean),
    ] {
        out.push_str(&format!("\n## {title}\n"));
        for ex in rule.examples.iter().filter(|e| e.expect == expect) {
            let mark = if expect == Expect::Flagged {
                "✗"
            } else {
                "✓"
            };
            let mut ctx = Vec::new();
            if let Some(c) = &ex.channel {
                ctx.push(format!("channel {c}"));
            }
            if let Some(r) = &ex.register {
                ctx.push(format!("register {r}"));
            }
            if ex.in_reply_to.is_some() {
                ctx.push("in reply to a customer message".into());
            }
            let ctx = if ctx.is_empty() {
                String::new()
            } else {
                format!(" ({})", ctx.join(", "))
            };
            out.push_str(&format!("{mark} {}{ctx}\n", ex.text.replace('\n', "\n  ")));
            if let Some(fixed) = &ex.fixed {
                out.push_str(&format!("  → {}\n", fixed.replace('\n', "\n    ")));
            }
        }
    }
    out.push_str("\n## Fix safety\n");
    out.push_str(match &rule.fix {
        None => "No automatic fix: the right wording depends on the conversation.\n",
        Some(f) => match f.applicability {
            webcare_lint::engine::Applicability::Safe => "The fix is safe: `--fix` applies it.\n",
            webcare_lint::engine::Applicability::Unsafe => {
                "The fix is a suggestion (unsafe): shown, not applied by `--fix`.\n"
            }
            webcare_lint::engine::Applicability::DisplayOnly => "The fix is shown only.\n",
        },
    });
    out
}
