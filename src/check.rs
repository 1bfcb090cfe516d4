//! Checking files: bytes → replies → findings → diagnostics in file offsets.

use crate::documents::{self, Format};
use crate::engine::{Applicability, Context, Linter};
use crate::report::{Diagnostic, Failure, FixEdit, LineIndex, Span};
use std::sync::Arc;

/// What checking one file gave.
#[derive(Debug, Default)]
pub struct FileResult {
    pub diagnostics: Vec<Diagnostic>,
    pub documents: usize,
    pub failure: Option<Failure>,
    /// The file's text, kept when there are diagnostics to render.
    pub source: Option<Arc<str>>,
}

/// Checks files with one linter in one context.
pub struct Checker<'l> {
    pub linter: &'l Linter,
    pub ctx: Context,
}

/// Decodes a file as UTF-8 text, or says why it cannot be checked.
pub fn decode(bytes: Vec<u8>) -> Result<String, String> {
    if bytes.contains(&0) {
        return Err("binary file (contains NUL bytes); not checked".into());
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
        let (line, col) = LineIndex::new(&valid).line_col(&valid, at);
        format!("not valid UTF-8 at byte {at} (line {line}, column {col}); save the file as UTF-8")
    })
}

impl Checker<'_> {
    /// Checks one file's bytes; `path` is how the file is named in the report.
    pub fn check_bytes(&self, path: &str, bytes: Vec<u8>, format: Format) -> FileResult {
        match decode(bytes) {
            Ok(text) => self.check_text(path, Arc::from(text), format),
            Err(message) => FileResult {
                failure: Some(Failure {
                    path: path.to_string(),
                    message,
                }),
                ..FileResult::default()
            },
        }
    }

    pub fn check_text(&self, path: &str, source: Arc<str>, format: Format) -> FileResult {
        let docs = match documents::split(format, &source) {
            Ok(docs) => docs,
            Err(e) => {
                let at = e.offset.map(|o| {
                    let (l, c) = LineIndex::new(&source).line_col(&source, o);
                    format!(" (line {l}, column {c})")
                });
                return FileResult {
                    failure: Some(Failure {
                        path: path.to_string(),
                        message: format!("{}{}", e.message, at.unwrap_or_default()),
                    }),
                    ..FileResult::default()
                };
            }
        };
        let mut lines: Option<LineIndex> = None;
        let mut diagnostics = Vec::new();
        for doc in &docs {
            for f in self.linter.check(&doc.text, &self.ctx) {
                let rule = &self.linter.rules()[f.rule];
                let (start, end) = (doc.map.to_file(f.start), doc.map.to_file(f.end));
                let lines = lines.get_or_insert_with(|| LineIndex::new(&source));
                let (line, column) = lines.line_col(&source, start);
                let fixes = f
                    .fixes
                    .iter()
                    .map(|x| FixEdit {
                        start: doc.map.to_file(x.start),
                        end: doc.map.to_file(x.end),
                        replacement: x.replacement.clone(),
                        // An edit across escapes or folding cannot be made byte-exact.
                        applicability: if doc.map.is_contiguous(x.start, x.end) {
                            x.applicability
                        } else {
                            Applicability::DisplayOnly
                        },
                    })
                    .collect();
                diagnostics.push(Diagnostic {
                    path: path.to_string(),
                    document: doc.id.clone(),
                    rule: rule.id.clone(),
                    pack: rule.pack.clone(),
                    gebod: rule.gebod,
                    severity: rule.severity,
                    message: f.message,
                    help: rule.help.clone(),
                    span: Span {
                        start,
                        end,
                        line,
                        column,
                    },
                    text: source[start..end].to_string(),
                    fixes,
                });
            }
        }
        FileResult {
            source: (!diagnostics.is_empty()).then_some(source),
            diagnostics,
            documents: docs.len(),
            failure: None,
        }
    }
}
