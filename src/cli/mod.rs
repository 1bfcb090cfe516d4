//! The command line: argument parsing, dispatch, output and exit codes. Only the binary
//! prints; the library returns values.

mod args;
mod check;
mod init;
mod inputs;
mod rules;
mod serve;
mod stream;
mod test_rules;

use args::{Cli, Command};
use clap::Parser;
use miette::{GraphicalReportHandler, GraphicalTheme};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use webcare_lint::packs::{self, LoadError, Pack};

/// Exit codes of SPEC.md.
pub const CLEAN: u8 = 0;
pub const FINDINGS: u8 = 1;
pub const TROUBLE: u8 = 2;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(a) => check::run(a),
        Command::Rules(a) => rules::list(a),
        Command::Explain(a) => rules::explain(a),
        Command::TestRules(a) => test_rules::run(a),
        Command::Init => init::run(),
        Command::Serve(a) => serve::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprint!("{}", render_error(e.as_ref()));
            ExitCode::from(TROUBLE)
        }
    }
}

/// An error for the user, rendered by miette.
pub type CliError = Box<dyn miette::Diagnostic + Send + Sync>;

fn color_for(stream_is_tty: bool) -> bool {
    stream_is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn render_error(e: &dyn miette::Diagnostic) -> String {
    let color = color_for(std::io::stderr().is_terminal());
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    let handler = GraphicalReportHandler::new_themed(theme).with_width(terminal_width());
    if handler.render_report(&mut out, e).is_err() {
        out = format!("error: {e}\n");
    }
    out
}

pub fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}

/// Writes to stdout; a closed pipe (`| head`) ends the program quietly, as in ripgrep.
pub fn emit(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(Box::new(IoError(e))),
    }
}

/// Streams to stdout through `write`; a closed pipe ends the program quietly.
pub fn emit_with(
    write: impl FnOnce(&mut std::io::StdoutLock<'static>) -> std::io::Result<()>,
) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match write(&mut out) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(Box::new(IoError(e))),
    }
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot write output: {0}")]
struct IoError(std::io::Error);

/// The built-in packs plus extra ones, fully validated.
pub fn load_packs(extra: &[PathBuf]) -> Result<Vec<Pack>, CliError> {
    let mut all = packs::builtin().map_err(|e| Box::new(e) as CliError)?;
    for path in extra {
        all.extend(packs::load_validated(path).map_err(boxed)?);
    }
    packs::check_unique(&all).map_err(boxed)?;
    Ok(all)
}

fn boxed(e: LoadError) -> CliError {
    Box::new(e)
}
