//! `--format human`: a miette graphical report per finding, the draft with the matched span
//! labelled, rule id, commandment, message and help.

use super::SourceFile;
use super::{Diagnostic, Report};
use crate::engine::Severity;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use std::fmt;
use std::sync::Arc;

/// The short Dutch name of each webcare commandment (gebod).
pub fn commandment(g: u8) -> &'static str {
    match g {
        1 => "help eerst",
        2 => "verwijs niet door naar een ander kanaal",
        3 => "wij, niet zij",
        4 => "reageer op elk bericht",
        5 => "varieer je empathie",
        6 => "geen komma-sukkel",
        7 => "geen loze beloftes",
        8 => "een beeld zegt meer",
        9 => "zoek de vraag achter de vraag",
        10 => "leer van elk contact",
        _ => "",
    }
}

/// Renders diagnostics with miette.
pub struct Human {
    handler: GraphicalReportHandler,
}

impl Human {
    /// `color`: ANSI colours; `width`: wrap width in columns.
    pub fn new(color: bool, width: usize) -> Human {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Human {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(width)
                .with_links(false)
                .with_context_lines(1),
        }
    }

    /// One diagnostic, with `source` the whole file it points into.
    pub fn render(&self, d: &Diagnostic, source: &Arc<str>) -> String {
        let label = match (d.gebod, &d.document) {
            (Some(g), Some(doc)) => format!("gebod {g}: {} (in \"{doc}\")", commandment(g)),
            (Some(g), None) => format!("gebod {g}: {}", commandment(g)),
            (None, Some(doc)) => format!("in \"{doc}\""),
            (None, None) => d.pack.clone(),
        };
        let rendered = Rendered {
            d,
            src: SourceFile::new(&d.path, source.clone()),
            label,
        };
        let mut out = String::new();
        self.handler
            .render_report(&mut out, &rendered)
            .expect("rendering into a String cannot fail");
        out
    }

    /// The closing line of a human report.
    pub fn summary(report: &Report) -> String {
        let s = &report.summary;
        let n = s.errors + s.warnings + s.infos;
        let files = plural(s.files, "file", "files");
        let docs = plural(s.documents, "reply", "replies");
        let mut out = if n == 0 {
            format!("No problems found in {docs} of {files}.\n")
        } else {
            format!(
                "Found {} ({}, {}, {}) in {docs} of {files}.\n",
                plural(n, "problem", "problems"),
                plural(s.errors, "error", "errors"),
                plural(s.warnings, "warning", "warnings"),
                plural(s.infos, "info", "infos"),
            )
        };
        if s.failures > 0 {
            out.push_str(&format!(
                "{} could not be checked.\n",
                plural(s.failures, "file", "files")
            ));
        }
        out
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

struct Rendered<'a> {
    d: &'a Diagnostic,
    src: SourceFile,
    label: String,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rendered")
            .field("rule", &self.d.rule)
            .finish()
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.d.rule))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.d.help))
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.d.span;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(
                Some(self.label.clone()),
                (span.start, span.end - span.start),
            ),
        )))
    }
}
