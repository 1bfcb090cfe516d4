//! The TOML shape of a rule pack, as written. Kept flat (no tagged enums, no flatten) so that
//! every value keeps its span for error messages.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

type S<T> = Spanned<T>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawPack {
    pub id: S<String>,
    pub title: S<String>,
    pub language: S<String>,
    pub version: S<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The commandment of every rule that does not name its own.
    #[serde(default)]
    pub gebod: Option<S<i64>>,
    #[serde(default)]
    pub rules: Vec<S<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRule {
    pub id: S<String>,
    pub kind: S<String>,
    pub severity: S<String>,
    #[serde(default)]
    pub gebod: Option<S<i64>>,
    pub message: S<String>,
    pub why: S<String>,
    pub help: S<String>,
    #[serde(default)]
    pub patterns: Vec<S<String>>,
    #[serde(default)]
    pub regex: Vec<S<String>>,
    #[serde(default)]
    pub max: Option<S<i64>>,
    #[serde(default)]
    pub requires: Vec<S<String>>,
    #[serde(default)]
    pub requires_regex: Vec<S<String>>,
    #[serde(default)]
    pub groups: Option<S<BTreeMap<String, Vec<S<String>>>>>,
    #[serde(default)]
    pub option: Option<S<String>>,
    #[serde(default)]
    pub exceptions: Vec<S<String>>,
    #[serde(default)]
    pub sentence_exceptions: Vec<S<String>>,
    #[serde(default)]
    pub negation: bool,
    #[serde(default)]
    pub skip: Option<Vec<S<String>>>,
    #[serde(default)]
    pub channels: Vec<S<String>>,
    #[serde(default)]
    pub fix: Option<S<String>>,
    /// A table of phrase → replacement: each phrase is a pattern whose fix is its value.
    #[serde(default)]
    pub replace: Option<S<BTreeMap<String, S<String>>>>,
    #[serde(default)]
    pub fix_applicability: Option<S<String>>,
    #[serde(default)]
    pub bad: Vec<S<String>>,
    #[serde(default)]
    pub good: Vec<S<String>>,
    #[serde(default)]
    pub cases: Vec<S<RawCase>>,
}

/// An example that needs context (channel, register, the customer's message) or a fix.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawCase {
    pub text: S<String>,
    /// `true` for a bad example (the rule must fire), `false` for a good one.
    pub flagged: bool,
    #[serde(default)]
    pub channel: Option<S<String>>,
    #[serde(default)]
    pub register: Option<S<String>>,
    #[serde(default)]
    pub in_reply_to: Option<String>,
    #[serde(default)]
    pub fixed: Option<String>,
}
