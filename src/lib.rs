//! webcare-lint: a reply-quality linter for Dutch webcare drafts.
//!
//! Rule packs (TOML) are parsed and validated into [`engine::Rule`]s ([`packs`]); an
//! [`engine::Linter`] checks replies ([`text`] analyses them, [`pattern`] matches phrases);
//! [`documents`] splits files into replies with exact spans; [`report`] turns findings into
//! diagnostics and renders them. The library never prints.

pub mod baseline;
pub mod check;
pub mod config;
pub mod documents;
pub mod engine;
mod fasthash;
pub mod fix;
pub mod fsutil;
pub mod length;
pub mod library;
pub mod native;
pub mod packs;
pub mod pattern;
pub mod report;
pub mod serve;
pub mod text;
