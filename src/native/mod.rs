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

/// Whether a check may find something in a reply with this text in this context, answered
/// without analysing the reply (`false`: certainly nothing). A library's replies that no rule
/// can hit are not analysed at all.
pub type MayFindFn = fn(&Context, &str) -> bool;

/// A per-reply native check.
#[derive(Debug, Clone, Copy)]
pub struct PerReply {
    pub check: CheckFn,
    pub may_find: MayFindFn,
}

/// The context checks compare the reply with the customer's messages.
fn with_thread(ctx: &Context, _: &str) -> bool {
    ctx.in_reply_to.is_some()
}

/// The per-reply native checks, by rule id.
pub const PER_REPLY: &[(&str, PerReply)] = &[
    (
        "context/joke-before-help",
        PerReply {
            check: context::joke_before_help,
            may_find: with_thread,
        },
    ),
    (
        "context/mirror-register",
        PerReply {
            check: context::mirror_register,
            may_find: |ctx, _| ctx.register.is_none() && ctx.in_reply_to.is_some(),
        },
    ),
    (
        "context/no-substance",
        PerReply {
            check: context::no_substance,
            may_find: with_thread,
        },
    ),
    (
        "length/over-limit",
        PerReply {
            check: length::check,
            may_find: |ctx, _| ctx.channel.is_some(),
        },
    ),
    (
        "persona/missing-sign-off",
        PerReply {
            check: persona::check,
            may_find: |ctx, _| persona::required(ctx),
        },
    ),
    (
        "privacy/personal-data",
        PerReply {
            check: personal_data::check,
            may_find: |_, text| personal_data::may_have(text),
        },
    ),
];

/// The check for a native rule id, if it is a per-reply one.
pub fn per_reply(id: &str) -> Option<PerReply> {
    PER_REPLY.iter().find(|(i, _)| *i == id).map(|(_, f)| *f)
}
