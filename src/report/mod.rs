//! The report model (one per run): diagnostics in file offsets with line/column, failures
//! and a summary. It serializes to the JSON report of SPEC.md and renders as text.

mod human;
mod json;
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
use std::io::Write as _;

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
        Report::sort(&mut self.diagnostics);
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

    /// Sorts diagnostics as [`Report::finish`] does: path, start offset, rule, end.
    pub fn sort(diagnostics: &mut [Diagnostic]) {
        diagnostics.sort_by(|a, b| {
            (&a.path, a.span.start, &a.rule, a.span.end).cmp(&(
                &b.path,
                b.span.start,
                &b.rule,
                b.span.end,
            ))
        });
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

/// The JSON report written as it goes: diagnostics one by one (already in report order),
/// failures and the summary at the end. The bytes are those of [`Report::write_json`] for
/// the same report, without holding it.
pub struct JsonStream<W: std::io::Write> {
    out: std::io::BufWriter<W>,
    any: bool,
    buf: Vec<u8>,
}

impl<W: std::io::Write> JsonStream<W> {
    pub fn new(out: W) -> std::io::Result<Self> {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
        out.write_all(b"{\n  \"version\": 1,\n  \"diagnostics\": [")?;
        Ok(JsonStream {
            out,
            any: false,
            buf: Vec::new(),
        })
    }

    pub fn diagnostic(&mut self, d: &Diagnostic) -> std::io::Result<()> {
        self.separate()?;
        self.buf.clear();
        json::diagnostic(d, &mut self.buf);
        self.out.write_all(&self.buf)
    }

    /// Writes a diagnostic already rendered by [`render_json`].
    pub fn rendered(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.separate()?;
        self.out.write_all(bytes)
    }

    fn separate(&mut self) -> std::io::Result<()> {
        self.out.write_all(if self.any { b",\n" } else { b"\n" })?;
        self.any = true;
        self.out.write_all(b"    ")
    }

    fn nested(&mut self, value: &impl Serialize, indent: usize) -> std::io::Result<()> {
        write_nested(&mut self.out, &mut self.buf, value, indent)
    }

    pub fn finish(mut self, failures: &[Failure], summary: &Summary) -> std::io::Result<()> {
        self.out.write_all(if self.any {
            b"\n  ],\n  \"failures\": "
        } else {
            b"],\n  \"failures\": "
        })?;
        self.nested(&failures, 2)?;
        self.out.write_all(b",\n  \"summary\": ")?;
        self.nested(summary, 2)?;
        self.out.write_all(b"\n}\n")?;
        self.out.flush()
    }
}

/// Appends to `out` the bytes [`JsonStream::diagnostic`] writes for `d`, but for the
/// separator: a report can be held as these bytes and written later.
pub fn render_json(d: &Diagnostic, out: &mut Vec<u8>) {
    json::diagnostic(d, out);
}

/// Writes `value` pretty-printed, its lines after the first indented by `indent` spaces, as
/// it stands nested in the report (`scratch`: a buffer to reuse).
fn write_nested(
    out: &mut impl std::io::Write,
    scratch: &mut Vec<u8>,
    value: &impl Serialize,
    indent: usize,
) -> std::io::Result<()> {
    scratch.clear();
    serde_json::to_writer_pretty(&mut *scratch, value).map_err(std::io::Error::from)?;
    let pad = &b"    "[..indent];
    // Pretty JSON has no raw line breaks inside strings: every one starts a line.
    for (i, line) in scratch.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
            out.write_all(pad)?;
        }
        out.write_all(line)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(start: usize, message: &str) -> Diagnostic {
        Diagnostic {
            path: "lib.jsonl".into(),
            document: Some("#1".into()),
            rule: "channel/redirect-phone".into(),
            pack: "channel".into(),
            gebod: Some(2),
            severity: Severity::Error,
            message: message.into(),
            help: "Help \"hier\"\nmet een regel".into(),
            span: Span {
                start,
                end: start + 3,
                line: 1,
                column: start + 1,
            },
            text: "Bel".into(),
            fixes: vec![FixEdit {
                start,
                end: start + 3,
                replacement: "x".into(),
                applicability: Applicability::Safe,
            }],
        }
    }

    #[test]
    fn streamed_json_is_byte_for_byte_the_held_report() {
        for n in 0..4 {
            let mut report = Report {
                diagnostics: (0..n).map(|i| diagnostic(i * 10, "Bel “ons”")).collect(),
                ..Report::default()
            };
            if n == 2 {
                report.failures.push(Failure {
                    path: "kapot.jsonl".into(),
                    message: "not valid UTF-8".into(),
                });
            }
            report.summary.files = 3;
            report.summary.errors = n;
            let mut held = Vec::new();
            report.write_json(&mut held).unwrap();
            let mut streamed = Vec::new();
            let mut s = JsonStream::new(&mut streamed).unwrap();
            // Diagnostics written directly and rendered first, alternately.
            let mut bytes = Vec::new();
            for (i, d) in report.diagnostics.iter().enumerate() {
                if i % 2 == 0 {
                    s.diagnostic(d).unwrap();
                } else {
                    bytes.clear();
                    render_json(d, &mut bytes);
                    s.rendered(&bytes).unwrap();
                }
            }
            s.finish(&report.failures, &report.summary).unwrap();
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                String::from_utf8(held).unwrap(),
                "{n} diagnostics"
            );
        }
    }
}
