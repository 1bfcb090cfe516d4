//! The report model (one per run): diagnostics in file offsets with line/column, failures
//! and a summary. It serializes to the JSON report of SPEC.md and renders as text.

mod human;
mod lines;
mod sarif;
mod short;
mod source;

pub use human::{Human, commandment};
pub use lines::LineIndex;
pub use sarif::{github, sarif};
pub use short::short;
pub use source::SourceFile;

use crate::engine::{Applicability, Severity};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixEdit {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
    pub applicability: Applicability,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub path: String,
    pub document: Option<String>,
    pub rule: String,
    pub pack: String,
    pub gebod: Option<u8>,
    pub severity: Severity,
    pub message: String,
    pub help: String,
    pub span: Span,
    pub text: String,
    pub fixes: Vec<FixEdit>,
}

/// A file that could not be read or parsed; the run went on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub failures: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub version: u32,
    pub diagnostics: Vec<Diagnostic>,
    pub failures: Vec<Failure>,
    pub summary: Summary,
}

impl Default for Report {
    fn default() -> Self {
        Report {
            version: 1,
            diagnostics: Vec::new(),
            failures: Vec::new(),
            summary: Summary::default(),
        }
    }
}

impl Report {
    /// Sorts (path, start, rule) and recounts the summary.
    pub fn finish(&mut self) {
        self.diagnostics.sort_by(|a, b| {
            (&a.path, a.span.start, &a.rule, a.span.end).cmp(&(
                &b.path,
                b.span.start,
                &b.rule,
                b.span.end,
            ))
        });
        self.failures.sort_by(|a, b| a.path.cmp(&b.path));
        let count = |s| self.diagnostics.iter().filter(|d| d.severity == s).count();
        self.summary.errors = count(Severity::Error);
        self.summary.warnings = count(Severity::Warning);
        self.summary.infos = count(Severity::Info);
        self.summary.failures = self.failures.len();
    }

    /// Whether any diagnostic is at or above `level`.
    pub fn any_at_or_above(&self, level: Severity) -> bool {
        self.diagnostics.iter().any(|d| d.severity >= level)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serializes")
    }

    /// Writes the JSON report (and a final newline) without building it in memory first.
    pub fn write_json(&self, out: impl std::io::Write) -> std::io::Result<()> {
        use std::io::Write;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
        serde_json::to_writer_pretty(&mut out, self).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
        out.flush()
    }

    /// Counts per rule and per commandment, as text.
    pub fn statistics(&self) -> String {
        use std::collections::BTreeMap;
        let mut rules: BTreeMap<&str, (usize, Severity)> = BTreeMap::new();
        let mut geboden: BTreeMap<u8, usize> = BTreeMap::new();
        for d in &self.diagnostics {
            rules.entry(&d.rule).or_insert((0, d.severity)).0 += 1;
            if let Some(g) = d.gebod {
                *geboden.entry(g).or_default() += 1;
            }
        }
        let mut out = String::new();
        let mut by_count: Vec<_> = rules.into_iter().collect();
        by_count.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
        let width = by_count.iter().map(|(r, _)| r.len()).max().unwrap_or(0);
        for (rule, (n, sev)) in &by_count {
            out.push_str(&format!("{n:>6}  {rule:<width$}  {sev}\n"));
        }
        for (g, n) in geboden {
            out.push_str(&format!("{n:>6}  gebod {g}: {}\n", commandment(g)));
        }
        out
    }
}
