//! `--format sarif`: SARIF 2.1.0 with `columnKind` `unicodeCodePoints`, one run, the active
//! rules (with help text and commandment) and one result per diagnostic with its region.

use super::{LineIndex, Report, commandment};
use crate::engine::{Rule, Severity};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule_descriptor(r: &Rule) -> Value {
    let gebod = r.gebod.map_or("geen gebod".to_string(), |g| {
        format!("gebod {g}: {}", commandment(g))
    });
    json!({
        "id": r.id,
        "name": r.id.replace(['/', '-'], "_"),
        "shortDescription": { "text": r.message.replace("\"{match}\"", "…").replace("{match}", "…") },
        "fullDescription": { "text": r.why },
        "help": {
            "text": format!("{}\n\n{}", r.help, gebod),
            "markdown": format!("**{}**\n\n{}\n\n*{}*", r.help, r.why, gebod),
        },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "pack": r.pack,
            "gebod": r.gebod,
            "tags": r.gebod.map(|g| vec![format!("gebod-{g}")]).unwrap_or_default(),
        },
    })
}

/// The SARIF log for a report. `sources` holds the text of every file with diagnostics (for
/// end positions); `rules` are the active rules.
pub fn sarif(report: &Report, rules: &[&Rule], sources: &HashMap<String, Arc<str>>) -> String {
    let index: HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut lines: HashMap<&str, LineIndex> = HashMap::new();
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let mut region = json!({
                "startLine": d.span.line,
                "startColumn": d.span.column,
                "byteOffset": d.span.start,
                "byteLength": d.span.end - d.span.start,
                "snippet": { "text": d.text },
            });
            if let Some(src) = sources.get(&d.path) {
                let ix = lines.entry(d.path.as_str()).or_insert_with(|| LineIndex::new(src));
                let (line, column) = ix.line_col(src, d.span.end);
                region["endLine"] = json!(line);
                region["endColumn"] = json!(column);
            }
            let mut result = json!({
                "ruleId": d.rule,
                "level": level(d.severity),
                "message": { "text": format!("{}\n{}", d.message, d.help) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&d.path) },
                        "region": region,
                    },
                    "logicalLocations": d.document.as_ref().map(|doc| vec![json!({"name": doc, "kind": "member"})]).unwrap_or_default(),
                }],
                "partialFingerprints": {
                    "webcareLint/v1": format!("{}|{}|{}|{}", d.path, d.document.as_deref().unwrap_or(""), d.rule, d.text),
                },
            });
            if let Some(&i) = index.get(d.rule.as_str()) {
                result["ruleIndex"] = json!(i);
            }
            if !d.fixes.is_empty() {
                result["fixes"] = json!(d.fixes.iter().map(|f| json!({
                    "description": { "text": format!("{} ({})", f.replacement, f.applicability.as_str()) },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": uri(&d.path) },
                        "replacements": [{
                            "deletedRegion": { "byteOffset": f.start, "byteLength": f.end - f.start },
                            "insertedContent": { "text": f.replacement },
                        }],
                    }],
                })).collect::<Vec<_>>());
            }
            result
        })
        .collect();
    let notifications: Vec<Value> = report
        .failures
        .iter()
        .map(|f| json!({
            "level": "error",
            "message": { "text": f.message },
            "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(&f.path) } } }],
        }))
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "webcare-lint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://crates.io/crates/webcare-lint",
                    "rules": rules.iter().map(|r| rule_descriptor(r)).collect::<Vec<_>>(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
            "invocations": [{
                "executionSuccessful": report.failures.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
        }],
    });
    serde_json::to_string_pretty(&log).expect("serializes") + "\n"
}

/// A relative URI reference for a path as given (`-` stays `-`).
fn uri(path: &str) -> String {
    let p = path.strip_prefix("./").unwrap_or(path);
    p.chars()
        .map(|c| match c {
            ' ' => "%20".to_string(),
            '%' => "%25".to_string(),
            '#' => "%23".to_string(),
            '?' => "%3F".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// `--format github`: workflow commands that GitHub Actions turns into annotations.
pub fn github(report: &Report) -> String {
    fn escape_data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn escape_prop(s: &str) -> String {
        escape_data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let mut out = String::new();
    for d in &report.diagnostics {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let title = match &d.document {
            Some(doc) => format!("{} ({doc})", d.rule),
            None => d.rule.clone(),
        };
        out.push_str(&format!(
            "::{kind} file={},line={},col={},title={}::{}\n",
            escape_prop(&d.path),
            d.span.line,
            d.span.column,
            escape_prop(&title),
            escape_data(&format!("{} — {}", d.message, d.help)),
        ));
    }
    for f in &report.failures {
        out.push_str(&format!(
            "::error file={},title=webcare-lint::{}\n",
            escape_prop(&f.path),
            escape_data(&f.message)
        ));
    }
    out
}
