//! Baselines: record today's findings so a team can adopt the linter on a library that
//! already has hundreds, and see only new ones. Entries are keyed by path, document, rule
//! and matched text — not by offset — so unrelated edits do not invalidate them.

use crate::report::{Diagnostic, Report};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub document: Option<String>,
    pub rule: String,
    pub text: String,
    /// How many findings with this key the baseline accepts.
    pub count: usize,
}

type Key = (String, Option<String>, String, String);

fn key(d: &Diagnostic) -> Key {
    (
        d.path.clone(),
        d.document.clone(),
        d.rule.clone(),
        d.text.clone(),
    )
}

impl Baseline {
    /// Today's findings of a report.
    pub fn from_report(report: &Report) -> Baseline {
        let mut counts: BTreeMap<Key, usize> = BTreeMap::new();
        for d in &report.diagnostics {
            *counts.entry(key(d)).or_default() += 1;
        }
        Baseline {
            version: 1,
            findings: counts
                .into_iter()
                .map(|((path, document, rule, text), count)| Entry {
                    path,
                    document,
                    rule,
                    text,
                    count,
                })
                .collect(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a baseline serializes") + "\n"
    }

    pub fn parse(text: &str) -> Result<Baseline, String> {
        let b: Baseline = serde_json::from_str(text).map_err(|e| {
            format!(
                "not a webcare-lint baseline: {e} (line {}, column {})",
                e.line(),
                e.column()
            )
        })?;
        if b.version != 1 {
            return Err(format!(
                "baseline version {} is not supported (expected 1)",
                b.version
            ));
        }
        Ok(b)
    }

    /// Removes the diagnostics the baseline accepts; returns how many were removed.
    pub fn filter(&self, report: &mut Report) -> usize {
        let mut left: BTreeMap<Key, usize> = self
            .findings
            .iter()
            .map(|e| {
                (
                    (
                        e.path.clone(),
                        e.document.clone(),
                        e.rule.clone(),
                        e.text.clone(),
                    ),
                    e.count,
                )
            })
            .collect();
        let before = report.diagnostics.len();
        report.diagnostics.retain(|d| match left.get_mut(&key(d)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        });
        before - report.diagnostics.len()
    }
}
