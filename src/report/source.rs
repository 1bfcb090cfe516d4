//! A named source for miette whose header column counts Unicode scalar values, as the JSON
//! report does (miette's own `str` source counts bytes, so "😩 Bel ons" would say column 6).

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct SourceFile {
    name: String,
    text: Arc<str>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: Arc<str>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text,
        }
    }
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        let at = inner.span().offset().min(self.text.len());
        let line_start = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        let column = self
            .text
            .get(line_start..at)
            .map_or(inner.column(), |s| s.chars().count());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}
