//! `check` as a stream: when nothing needs the whole run at once (no library rules, fixes,
//! diffs, baselines or statistics), findings are written as files and pieces of JSONL
//! libraries are checked, so memory stays flat however large the input. The output is
//! byte for byte the held report's (same order: path, offset, rule).

use super::args::{CheckArgs, OutputFormat};
use super::check::{Profile, check_input};
use super::inputs::{Input, Source};
use super::{CliError, emit, emit_with};
use rayon::prelude::*;
use std::collections::HashMap;
use webcare_lint::check::{Checker, FileResult};
use webcare_lint::documents::Format;
use webcare_lint::engine::Severity;
use webcare_lint::report::{Failure, JsonStream, Report, Summary};

/// How much of a JSONL library is read and checked at a time.
const PIECE_BYTES: usize = 1 << 20;
/// How many files are read and checked at a time (in parallel).
const FILE_BATCH: usize = 512;

/// Whether this run can be streamed: the format writes findings in order without the whole
/// report, nothing looks across files, and no path is given twice (its findings would
/// interleave).
pub fn possible(args: &CheckArgs, inputs: &[Input], library_rules: bool, baseline: bool) -> bool {
    let format = matches!(
        args.format,
        OutputFormat::Json | OutputFormat::Short | OutputFormat::Github
    );
    let mut paths: Vec<&str> = inputs.iter().map(|i| i.display.as_str()).collect();
    paths.sort_unstable();
    let distinct = paths.windows(2).all(|w| w[0] != w[1]);
    format
        && distinct
        && !library_rules
        && !baseline
        && !args.fix
        && !args.diff
        && !args.statistics
        && args.write_baseline.is_none()
}

/// Where streamed findings go.
enum Out {
    Json(JsonStream<std::io::StdoutLock<'static>>),
    Text(fn(&Report) -> String),
}

/// What the stream has seen, for the summary and the exit code.
#[derive(Default)]
struct Seen {
    summary: Summary,
    failures: Vec<Failure>,
    worst: Option<Severity>,
}

impl Out {
    fn write(&mut self, result: FileResult, seen: &mut Seen) -> Result<(), CliError> {
        let FileResult {
            mut diagnostics,
            documents,
            failure,
            ..
        } = result;
        seen.summary.documents += documents;
        seen.failures.extend(failure);
        Report::sort(&mut diagnostics);
        for d in &diagnostics {
            match d.severity {
                Severity::Error => seen.summary.errors += 1,
                Severity::Warning => seen.summary.warnings += 1,
                Severity::Info => seen.summary.infos += 1,
            }
            seen.worst = seen.worst.max(Some(d.severity));
        }
        match self {
            Out::Json(s) => {
                for d in &diagnostics {
                    if let Err(e) = s.diagnostic(d) {
                        emit_with(|_| Err(e))?;
                    }
                }
            }
            Out::Text(render) if !diagnostics.is_empty() => emit(&render(&Report {
                diagnostics,
                ..Report::default()
            }))?,
            Out::Text(_) => {}
        }
        Ok(())
    }

    fn finish(self, mut seen: Seen) -> Result<Seen, CliError> {
        seen.failures.sort_by(|a, b| a.path.cmp(&b.path));
        seen.summary.failures = seen.failures.len();
        match self {
            Out::Json(s) => emit_with(|_| s.finish(&seen.failures, &seen.summary))?,
            Out::Text(render) => emit(&render(&Report {
                failures: seen.failures.clone(),
                ..Report::default()
            }))?,
        }
        Ok(seen)
    }
}

/// Checks `inputs` as a stream; returns the worst severity found and whether any file
/// failed.
pub fn run(
    args: &CheckArgs,
    inputs: &[Input],
    keys: &[Vec<usize>],
    profiles: &HashMap<Vec<usize>, Profile>,
) -> Result<(Option<Severity>, bool), CliError> {
    let mut out = match args.format {
        OutputFormat::Json => {
            let stream = match JsonStream::new(std::io::stdout().lock()) {
                Ok(s) => s,
                Err(e) => return emit_with(|_| Err(e)).map(|()| (None, false)),
            };
            Out::Json(stream)
        }
        OutputFormat::Github => Out::Text(webcare_lint::report::github),
        _ => Out::Text(webcare_lint::report::short),
    };
    // The report's order is by path: check in that order.
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by(|&a, &b| inputs[a].display.cmp(&inputs[b].display));
    let mut seen = Seen::default();
    seen.summary.files = inputs.len();
    let mut rest = &order[..];
    while let Some(&first) = rest.first() {
        let input = &inputs[first];
        if input.format == Format::Jsonl {
            jsonl(input, &profiles[&keys[first]], &mut out, &mut seen)?;
            rest = &rest[1..];
            continue;
        }
        // A batch of other files, up to the next JSONL library.
        let len = rest
            .iter()
            .take(FILE_BATCH)
            .take_while(|&&i| inputs[i].format != Format::Jsonl)
            .count();
        let results: Vec<FileResult> = rest[..len]
            .par_iter()
            .map(|&i| {
                check_input(&inputs[i], &profiles[&keys[i]])
                    .unwrap_or_else(|message| FileResult::failed(&inputs[i].display, message))
            })
            .collect();
        for r in results {
            out.write(r, &mut seen)?;
        }
        rest = &rest[len..];
    }
    let seen = out.finish(seen)?;
    Ok((seen.worst, !seen.failures.is_empty()))
}

/// Streams one JSONL library through its profile's checker.
fn jsonl(input: &Input, profile: &Profile, out: &mut Out, seen: &mut Seen) -> Result<(), CliError> {
    let checker = Checker {
        linter: &profile.linter,
        ctx: profile.context(),
        library: profile.settings.library.clone().unwrap_or_default(),
    };
    let mut write = |r: FileResult| out.write(r, seen);
    let path = &input.display;
    let cannot_read = |why: String| FileResult::failed(path, format!("cannot read: {why}"));
    match &input.source {
        Source::Stdin => checker.check_jsonl_stream(path, std::io::stdin(), PIECE_BYTES, write),
        Source::File(p) => match std::fs::File::open(p) {
            Ok(f) => checker.check_jsonl_stream(path, f, PIECE_BYTES, write),
            Err(e) => write(cannot_read(e.to_string())),
        },
        Source::Missing(why) => write(cannot_read(why.clone())),
    }
}
