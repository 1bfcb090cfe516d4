//! Native per-reply checks: rules whose logic is code, not phrases (a pack declares them with
//! `kind = "native"` and gives their words and examples). Each check sees the reply's
//! analysis, the context, and the findings of the pattern rules so far.
//!
//! Suppression and library checks are native too, but work on documents and whole runs; they
//! live in `check.rs` and `library.rs`.

pub mod context;
pub mod length;
pub mod persona;
pub mod personal_data;
pub mod thread;

use crate::engine::{Context, Finding, Rule};
use crate::text::Analysis;

/// A native check's hit in the reply: byte span and message variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub vars: Vec<(&'static str, String)>,
}

/// What a native check gets to look at.
pub struct Input<'a, 't> {
    pub analysis: &'a Analysis<'t>,
    pub ctx: &'a Context,
    /// Findings of the pattern rules on this reply, with `rules` to look them up.
    pub findings: &'a [Finding],
    pub rules: &'a [Rule],
}

pub type CheckFn = fn(&Input) -> Vec<Hit>;

/// The per-reply native checks, by rule id.
pub const PER_REPLY: &[(&str, CheckFn)] = &[
    ("context/joke-before-help", context::joke_before_help),
    ("context/mirror-register", context::mirror_register),
    ("context/no-substance", context::no_substance),
    ("length/over-limit", length::check),
    ("persona/missing-sign-off", persona::check),
    ("privacy/personal-data", personal_data::check),
];

/// The check for a native rule id, if it is a per-reply one.
pub fn per_reply(id: &str) -> Option<CheckFn> {
    PER_REPLY.iter().find(|(i, _)| *i == id).map(|(_, f)| *f)
}
