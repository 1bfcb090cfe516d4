//! `webcare-lint check`.

use super::args::{CheckArgs, FailOn, OutputFormat};
use super::inputs::{self, Source};
use super::{CLEAN, CliError, FINDINGS, TROUBLE, emit, load_packs};
use std::collections::HashMap;
use std::io::{IsTerminal, Read};
use std::sync::Arc;
use webcare_lint::check::Checker;
use webcare_lint::engine::{Context, Linter, Selection, Severity};
use webcare_lint::report::{Failure, Human, Report};

pub fn run(args: CheckArgs) -> Result<u8, CliError> {
    let packs = load_packs(&args.pack.packs)?;
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let linter = Linter::new(&packs, &selection).map_err(|e| Box::new(e) as CliError)?;
    let checker = Checker {
        linter: &linter,
        ctx: Context {
            channel: args.channel.map(|c| c.id().to_string()),
            register: args.register.map(|r| r.id().to_string()),
            in_reply_to: None,
        },
    };
    let mut report = Report::default();
    let mut sources: HashMap<String, Arc<str>> = HashMap::new();
    for input in inputs::collect(&args.paths, &args.stdin_filename) {
        let bytes = match &input.source {
            Source::Stdin => {
                let mut buf = Vec::new();
                std::io::stdin().read_to_end(&mut buf).map(|_| buf)
            }
            Source::File(p) => std::fs::read(p),
            Source::Missing(why) => Err(std::io::Error::other(why.clone())),
        };
        report.summary.files += 1;
        let result = match bytes {
            Ok(bytes) => checker.check_bytes(&input.display, bytes, input.format),
            Err(e) => {
                report.failures.push(Failure {
                    path: input.display.clone(),
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        report.summary.documents += result.documents;
        report.diagnostics.extend(result.diagnostics);
        report.failures.extend(result.failure);
        if let Some(src) = result.source {
            sources.insert(input.display, src);
        }
    }
    report.finish();
    print(&args, &report, &sources)?;
    Ok(exit_code(&report, args.fail_on))
}

fn print(
    args: &CheckArgs,
    report: &Report,
    sources: &HashMap<String, Arc<str>>,
) -> Result<(), CliError> {
    match args.format {
        OutputFormat::Json => emit(&(report.to_json() + "\n"))?,
        OutputFormat::Short => emit(&webcare_lint::report::short(report))?,
        OutputFormat::Human => {
            let color = super::color_for(std::io::stdout().is_terminal());
            let human = Human::new(color, super::terminal_width());
            for d in &report.diagnostics {
                emit(&human.render(d, &sources[&d.path]))?;
                emit("\n")?;
            }
            for f in &report.failures {
                emit(&format!("error: {}: {}\n", f.path, f.message))?;
            }
            emit(&Human::summary(report))?;
        }
    }
    if args.statistics {
        let stats = report.statistics();
        if args.format == OutputFormat::Json {
            // stdout stays one JSON object.
            eprint!("{stats}");
        } else {
            emit(&stats)?;
        }
    }
    Ok(())
}

fn exit_code(report: &Report, fail_on: FailOn) -> u8 {
    if !report.failures.is_empty() {
        return TROUBLE;
    }
    let level = match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    match level {
        Some(l) if report.any_at_or_above(l) => FINDINGS,
        _ => CLEAN,
    }
}
