//! Command-line arguments (SPEC.md, "Commands").

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "webcare-lint",
    version,
    about = "A reply-quality linter for Dutch webcare drafts",
    long_about = "A reply-quality linter for Dutch webcare drafts: checks replies against the \
                  ten webcare commandments (webcaregeboden) with TOML rule packs."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files, directories (recursive) or '-' (stdin).
    Check(CheckArgs),
    /// List every rule of the active packs.
    Rules(RulesArgs),
    /// The long explanation of a rule, with bad and good examples.
    Explain(ExplainArgs),
    /// Run every rule's embedded examples; exit 1 on a miss.
    TestRules(TestRulesArgs),
    /// Write a commented starter .webcare-lint.toml.
    Init,
    /// HTTP API (LanguageTool-compatible /v2, own /v1) and a page to check drafts.
    Serve(super::serve::ServeArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Short,
    Json,
    Sarif,
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Channel {
    X,
    Facebook,
    Instagram,
    Whatsapp,
    Messenger,
    Email,
    Sms,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Register {
    Je,
    U,
}

/// Options shared by commands that load packs.
#[derive(Debug, Args, Default)]
pub struct PackArgs {
    /// An extra pack file or a directory of packs (repeatable).
    #[arg(long = "pack", value_name = "PATH")]
    pub packs: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files, directories or '-' for stdin. Without any, stdin is read when it is a pipe or
    /// a file, otherwise the current directory is walked.
    pub paths: Vec<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Channel profile: length limit and channel-specific rules.
    #[arg(long, value_enum)]
    pub channel: Option<Channel>,
    /// The house's form of address; a reply in the other form is a finding.
    #[arg(long, value_enum)]
    pub register: Option<Register>,
    /// Only these rules, packs or commandments (g1..g10); repeatable or comma-separated.
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Not these rules, packs or commandments (g1..g10); repeatable or comma-separated.
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub ignore: Vec<String>,
    #[command(flatten)]
    pub pack: PackArgs,
    /// Lowest severity that makes the exit code 1 [default: warning].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Use this config file instead of discovering one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The customer's message (and earlier thread) the drafts answer; see docs/context.md.
    #[arg(long, value_name = "FILE")]
    pub in_reply_to: Option<PathBuf>,
    /// The name of stdin in reports.
    #[arg(long, value_name = "NAME", default_value = "-")]
    pub stdin_filename: String,
    /// Print a count per rule and per commandment after the report.
    #[arg(long)]
    pub statistics: bool,
    /// Apply safe fixes in place (atomically); the exit code reflects what remains.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Print the safe fixes as a unified diff, without writing.
    #[arg(long)]
    pub diff: bool,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in this baseline file (written atomically).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    #[command(flatten)]
    pub pack: PackArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id, e.g. channel/redirect-phone.
    pub rule: String,
    #[command(flatten)]
    pub pack: PackArgs,
}

#[derive(Debug, Args)]
pub struct TestRulesArgs {
    /// Pack files or directories to test; the built-in packs when none are given.
    pub packs: Vec<PathBuf>,
}

impl Channel {
    pub fn id(self) -> &'static str {
        match self {
            Channel::X => "x",
            Channel::Facebook => "facebook",
            Channel::Instagram => "instagram",
            Channel::Whatsapp => "whatsapp",
            Channel::Messenger => "messenger",
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }
}

impl FailOn {
    pub fn id(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Info => "info",
            FailOn::Never => "never",
        }
    }
}

impl Register {
    pub fn id(self) -> &'static str {
        match self {
            Register::Je => "je",
            Register::U => "u",
        }
    }
}
