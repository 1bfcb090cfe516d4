//! `check` as a stream: when nothing needs the whole run at once (no fixes, diffs, baselines
//! or statistics), findings are written as files and pieces of JSONL libraries are checked,
//! so memory stays flat however large the input. The output is byte for byte the held
//! report's (same order: path, offset, rule).
//!
//! Library rules look across all replies: their findings are known only at the end and go
//! between the others. Then the output is held as rendered bytes (with each diagnostic's
//! place in the order) and merged with the library findings at the end; of the replies,
//! only their small library summaries are kept, and the spans of the findings are read back
//! from the files.

use super::args::{CheckArgs, OutputFormat};
use super::check::{Profile, check_input};
use super::inputs::{Input, Source};
use super::{CliError, emit, emit_with};
use rayon::prelude::*;
use std::collections::HashMap;
use webcare_lint::check::{Checker, FileResult};
use webcare_lint::documents::Format;
use webcare_lint::engine::Severity;
use webcare_lint::library;
use webcare_lint::report::{Diagnostic, Failure, JsonStream, Report, Summary};

/// How much of a JSONL library is read and checked at a time. 256 KiB pieces took 0.43 s
/// on the 100k library where 1 MiB took 0.45 s and 4 MiB 0.51 s: the last piece, checked
/// and written with less to overlap it, is shorter, and a piece stays in the CPU's caches.
const PIECE_BYTES: usize = 1 << 18;
/// How many files are read and checked at a time (in parallel).
const FILE_BATCH: usize = 512;

/// Whether this run can be streamed: the format writes findings in order without the whole
/// report, no path is given twice (its findings would interleave), and library rules
/// (which look across files) read only files, which can be read again for their findings.
pub fn possible(args: &CheckArgs, inputs: &[Input], library_rules: bool, baseline: bool) -> bool {
    let format = matches!(
        args.format,
        OutputFormat::Json | OutputFormat::Short | OutputFormat::Github
    );
    let mut paths: Vec<&str> = inputs.iter().map(|i| i.display.as_str()).collect();
    paths.sort_unstable();
    let distinct = paths.windows(2).all(|w| w[0] != w[1]);
    let rereadable = inputs.iter().all(|i| !matches!(i.source, Source::Stdin));
    format
        && distinct
        && (!library_rules || rereadable)
        && !baseline
        && !args.fix
        && !args.diff
        && !args.statistics
        && args.write_baseline.is_none()
}

/// Where streamed findings go.
enum To {
    Json(JsonStream<std::io::StdoutLock<'static>>),
    Text(fn(&Report) -> String),
}

struct Out {
    to: To,
    /// With library rules: what is to be written, until their findings are known.
    held: Option<Held>,
}

/// The rendered diagnostics of a run with library rules, in report order, and the
/// summaries of its replies.
#[derive(Default)]
struct Held {
    /// In chunks of about [`HELD_CHUNK`] bytes: one growing buffer copied itself and faulted
    /// in twice the report's memory as it doubled.
    bytes: Vec<Vec<u8>>,
    marks: Vec<Mark>,
    /// The paths and rule ids of the marks.
    paths: Vec<String>,
    rules: Vec<String>,
    rule_ids: HashMap<String, u32>,
    /// The summaries, in report order: each piece of a JSONL library as it was checked,
    /// and those of small files gathered. Copying a 100k library's summaries into one list
    /// (and faulting in its memory) took 35 ms of the thread that writes the report.
    summaries: Vec<Vec<library::Summary>>,
    /// The summaries of small files, until the next large piece.
    gathered: Vec<library::Summary>,
}

/// Pieces of at least this many summaries are kept as they are.
const KEEP_PIECE: usize = 64;

/// One held diagnostic: its sort key (as [`Report::sort`]) and where its bytes end (in
/// chunk `chunk`; they start where the chunk's previous diagnostic ends, or at its start).
struct Mark {
    path: u32,
    start: usize,
    rule: u32,
    chunk: u32,
    end: usize,
    to: usize,
}

/// The size of a chunk of the held report's bytes.
const HELD_CHUNK: usize = 1 << 20;

impl Held {
    /// Keeps the summaries of one result, in order.
    fn keep(&mut self, summaries: Vec<library::Summary>) {
        if summaries.len() >= KEEP_PIECE {
            if !self.gathered.is_empty() {
                self.summaries.push(std::mem::take(&mut self.gathered));
            }
            self.summaries.push(summaries);
        } else {
            self.gathered.extend(summaries);
        }
    }

    fn hold(&mut self, to: &To, d: Diagnostic) {
        if self.paths.last() != Some(&d.path) {
            self.paths.push(d.path.clone());
        }
        let rule = match self.rule_ids.get(&d.rule) {
            Some(&r) => r,
            None => {
                let r = self.rules.len() as u32;
                self.rules.push(d.rule.clone());
                self.rule_ids.insert(d.rule.clone(), r);
                r
            }
        };
        let (start, end) = (d.span.start, d.span.end);
        if self.bytes.last().is_none_or(|b| b.len() >= HELD_CHUNK) {
            // With room for the diagnostic that takes it past the size.
            self.bytes
                .push(Vec::with_capacity(HELD_CHUNK + (HELD_CHUNK >> 4)));
        }
        let chunk = self.bytes.len() - 1;
        let bytes = &mut self.bytes[chunk];
        match to {
            To::Json(_) => webcare_lint::report::render_json(&d, bytes),
            To::Text(render) => bytes.extend_from_slice(
                render(&Report {
                    diagnostics: vec![d],
                    ..Report::default()
                })
                .as_bytes(),
            ),
        }
        self.marks.push(Mark {
            path: self.paths.len() as u32 - 1,
            start,
            rule,
            chunk: chunk as u32,
            end,
            to: bytes.len(),
        });
    }

    /// Whether library diagnostic `d` comes before held `mark` in the report (on equal keys
    /// the held one first, as the held report's stable sort leaves them).
    fn before(&self, d: &Diagnostic, mark: &Mark) -> bool {
        let key = (
            self.paths[mark.path as usize].as_str(),
            mark.start,
            self.rules[mark.rule as usize].as_str(),
            mark.end,
        );
        (d.path.as_str(), d.span.start, d.rule.as_str(), d.span.end) < key
    }
}

/// What the stream has seen, for the summary and the exit code.
#[derive(Default)]
struct Seen {
    summary: Summary,
    failures: Vec<Failure>,
    worst: Option<Severity>,
}

impl Seen {
    fn count(&mut self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            match d.severity {
                Severity::Error => self.summary.errors += 1,
                Severity::Warning => self.summary.warnings += 1,
                Severity::Info => self.summary.infos += 1,
            }
            self.worst = self.worst.max(Some(d.severity));
        }
    }
}

impl To {
    /// Writes `diagnostics` (in report order).
    fn write(&mut self, diagnostics: Vec<Diagnostic>) -> Result<(), CliError> {
        match self {
            To::Json(s) => {
                for d in &diagnostics {
                    if let Err(e) = s.diagnostic(d) {
                        emit_with(|_| Err(e))?;
                    }
                }
            }
            To::Text(render) if !diagnostics.is_empty() => emit(&render(&Report {
                diagnostics,
                ..Report::default()
            }))?,
            To::Text(_) => {}
        }
        Ok(())
    }

    fn rendered(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        match self {
            To::Json(s) => s.rendered(bytes).or_else(|e| emit_with(|_| Err(e))),
            To::Text(_) => emit_with(|out| std::io::Write::write_all(out, bytes)),
        }
    }
}

impl Out {
    fn write(&mut self, result: FileResult, seen: &mut Seen) -> Result<(), CliError> {
        let FileResult {
            mut diagnostics,
            documents,
            failure,
            summaries,
            ..
        } = result;
        seen.summary.documents += documents;
        seen.failures.extend(failure);
        Report::sort(&mut diagnostics);
        seen.count(&diagnostics);
        match &mut self.held {
            Some(held) => {
                held.keep(summaries);
                for d in diagnostics {
                    held.hold(&self.to, d);
                }
                Ok(())
            }
            None => self.to.write(diagnostics),
        }
    }

    /// Ends the report; `library` gives the library diagnostics of the held summaries.
    fn finish(
        self,
        mut seen: Seen,
        library: impl FnOnce(&[&library::Summary]) -> Vec<Diagnostic>,
    ) -> Result<Seen, CliError> {
        let Out { mut to, held } = self;
        if let Some(mut held) = held {
            if !held.gathered.is_empty() {
                held.summaries.push(std::mem::take(&mut held.gathered));
            }
            let all: Vec<&library::Summary> = held.summaries.iter().flatten().collect();
            let mut found = library(&all);
            drop(all);
            // Freed beside the merge (100k summaries took 6 ms to free).
            let summaries = std::mem::take(&mut held.summaries);
            rayon::spawn(move || drop(summaries));
            Report::sort(&mut found);
            seen.count(&found);
            // Merge: each library diagnostic before the first held one it precedes.
            let mut found = found.into_iter().peekable();
            let (mut from, mut chunk) = (0, 0);
            for m in &held.marks {
                if m.chunk != chunk {
                    (from, chunk) = (0, m.chunk);
                }
                let mut before = Vec::new();
                while let Some(d) = found.next_if(|d| held.before(d, m)) {
                    before.push(d);
                }
                if !before.is_empty() {
                    to.write(before)?;
                }
                to.rendered(&held.bytes[chunk as usize][from..m.to])?;
                from = m.to;
            }
            to.write(found.collect())?;
        }
        seen.failures.sort_by(|a, b| a.path.cmp(&b.path));
        seen.summary.failures = seen.failures.len();
        match to {
            To::Json(s) => emit_with(|_| s.finish(&seen.failures, &seen.summary))?,
            To::Text(render) => emit(&render(&Report {
                failures: seen.failures.clone(),
                ..Report::default()
            }))?,
        }
        Ok(seen)
    }
}

/// Checks `inputs` as a stream; returns the worst severity found and whether any file
/// failed. `library`: the library diagnostics over the summaries of all replies, when
/// library rules are active.
pub fn run(
    args: &CheckArgs,
    inputs: &[Input],
    keys: &[Vec<usize>],
    profiles: &HashMap<Vec<usize>, Profile>,
    library: Option<impl FnOnce(&[&library::Summary]) -> Vec<Diagnostic>>,
) -> Result<(Option<Severity>, bool), CliError> {
    let to = match args.format {
        OutputFormat::Json => {
            let stream = match JsonStream::new(std::io::stdout().lock()) {
                Ok(s) => s,
                Err(e) => return emit_with(|_| Err(e)).map(|()| (None, false)),
            };
            To::Json(stream)
        }
        OutputFormat::Github => To::Text(webcare_lint::report::github),
        _ => To::Text(webcare_lint::report::short),
    };
    let mut out = Out {
        to,
        held: library.is_some().then(|| {
            // One summary a reply file, at least.
            let files = inputs.iter().filter(|i| i.format != Format::Jsonl).count();
            Held {
                gathered: Vec::with_capacity(files),
                ..Held::default()
            }
        }),
    };
    // The report's order is by path: check in that order.
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by(|&a, &b| inputs[a].display.cmp(&inputs[b].display));
    let mut seen = Seen::default();
    seen.summary.files = inputs.len();
    let mut rest = &order[..];
    // A batch's results, written while the next batch is checked.
    let mut last: Vec<FileResult> = Vec::new();
    while let Some(&first) = rest.first() {
        let input = &inputs[first];
        if input.format == Format::Jsonl {
            for r in last.drain(..) {
                out.write(r, &mut seen)?;
            }
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
        let mut results: Vec<FileResult> = Vec::new();
        rayon::in_place_scope(|s| {
            s.spawn(|_| {
                results = rest[..len]
                    .par_iter()
                    .map(|&i| {
                        check_input(&inputs[i], &profiles[&keys[i]]).unwrap_or_else(|message| {
                            FileResult::failed(&inputs[i].display, message)
                        })
                    })
                    .collect();
            });
            last.drain(..).try_for_each(|r| out.write(r, &mut seen))
        })?;
        last = results;
        rest = &rest[len..];
    }
    for r in last {
        out.write(r, &mut seen)?;
    }
    let seen = out.finish(seen, |summaries| match library {
        Some(library) => library(summaries),
        None => Vec::new(),
    })?;
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
