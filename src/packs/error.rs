//! Pack errors: every problem of a pack at once, each labelled at its place in the TOML.

use crate::report::SourceFile;
use miette::{Diagnostic, LabeledSpan, SourceSpan};
use std::ops::Range;
use std::sync::Arc;

/// One problem in a pack file.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
pub struct Problem {
    pub message: String,
    #[source_code]
    pub src: SourceFile,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
    #[label(collection)]
    pub also: Vec<LabeledSpan>,
}

/// A pack file that cannot be used, with all of its problems.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("invalid rule pack {path}: {} problem{}", problems.len(), if problems.len() == 1 { "" } else { "s" })]
#[diagnostic(code(webcare_lint::pack))]
pub struct PackError {
    pub path: String,
    #[related]
    pub problems: Vec<Problem>,
}

/// Could not load packs at all.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum LoadError {
    #[error("cannot read rule pack {path}: {source}")]
    #[diagnostic(code(webcare_lint::pack::io))]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Pack(#[from] PackError),
    #[error("duplicate pack id `{id}`: {path} and {other}")]
    #[diagnostic(
        code(webcare_lint::pack::duplicate),
        help("pack ids must be unique; rename the `id` in the header of one of them")
    )]
    DuplicatePack {
        id: String,
        path: String,
        other: String,
    },
}

/// Collects problems for one pack file.
pub struct Problems {
    pub path: String,
    pub src: SourceFile,
    pub list: Vec<Problem>,
}

impl Problems {
    pub fn new(path: &str, source: Arc<str>) -> Problems {
        Problems {
            path: path.to_string(),
            src: SourceFile::new(path, source),
            list: Vec::new(),
        }
    }

    pub fn push(
        &mut self,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        self.list.push(Problem {
            message: message.into(),
            src: self.src.clone(),
            span: span.into(),
            label: label.into(),
            help,
            also: Vec::new(),
        });
    }

    pub fn push_also(&mut self, also: Vec<LabeledSpan>) {
        if let Some(last) = self.list.last_mut() {
            last.also = also;
        }
    }

    /// The problems in the order they stand in the file.
    pub fn into_problems(self) -> Vec<Problem> {
        let mut list = self.list;
        list.sort_by_key(|p| p.span.offset());
        list
    }

    pub fn finish(self) -> Result<(), PackError> {
        if self.list.is_empty() {
            Ok(())
        } else {
            let mut list = self.list;
            // In the order they stand in the file.
            list.sort_by_key(|p| p.span.offset());
            Err(PackError {
                path: self.path,
                problems: list,
            })
        }
    }
}
