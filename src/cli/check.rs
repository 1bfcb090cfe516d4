//! `webcare-lint check`: config and flags → one profile per distinct set of matching
//! overrides → files checked in parallel → one sorted report.

use super::args::{CheckArgs, OutputFormat};
use super::inputs::{self, Input, Source};
use super::{CLEAN, CliError, FINDINGS, TROUBLE, emit};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::{IsTerminal, Read};
use std::path::Path;
use std::sync::Arc;
use webcare_lint::baseline::Baseline;
use webcare_lint::check::{
    Checker, FileResult, Located, library_diagnostics_located, locate_in_source,
};
use webcare_lint::config::{Config, FailOn, Settings};
use webcare_lint::engine::{Linter, Rule, Selection};
use webcare_lint::fix;
use webcare_lint::fsutil::write_atomic;
use webcare_lint::library::Summary;
use webcare_lint::report::{Diagnostic, Failure, Human, Report};

/// The config in force: `--config`, or the one discovered from the current directory.
pub fn load_config(explicit: Option<&Path>) -> Result<Option<Config>, CliError> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => webcare_lint::config::discover(&std::env::current_dir().unwrap_or_default()),
    };
    path.map(|p| Config::load(&p)).transpose()
}

/// The command-line flags as a settings layer over the config.
fn flag_settings(args: &CheckArgs, config: Option<&Config>) -> Settings {
    let mut s = Settings::default();
    if !args.select.is_empty() {
        s.select = Some(args.select.clone());
    }
    if !args.ignore.is_empty() {
        // --ignore adds to the config's ignore list.
        let mut ignore = config
            .and_then(|c| c.base.ignore.clone())
            .unwrap_or_default();
        ignore.extend(args.ignore.iter().cloned());
        s.ignore = Some(ignore);
    }
    s.fail_on = args
        .fail_on
        .map(|f| FailOn::parse(f.id()).expect("clap checked it"));
    s.channel = args.channel.map(|c| c.id().to_string());
    s.register = args.register.map(|r| r.id().to_string());
    s.packs = args.pack.packs.clone();
    s.baseline = args.baseline.clone();
    s
}

/// Everything needed to check files under one set of settings.
pub(super) struct Profile {
    pub linter: Linter,
    pub settings: Settings,
    /// `--in-reply-to`: the customer's message (and thread) every reply answers.
    pub in_reply_to: Option<String>,
}

impl Profile {
    /// The context replies are checked in (channel, register, `--in-reply-to`).
    pub fn context(&self) -> webcare_lint::engine::Context {
        let mut ctx = self.settings.context();
        ctx.in_reply_to = self.in_reply_to.clone();
        ctx
    }
}

/// Up to this size, the only file of a run is read ahead to warm up the regexes it needs.
const WARM_UP_BYTES: u64 = 1 << 16;

/// `hint`: the text of the only draft, if the run checks just one small file, so that the
/// regexes it may need are compiled while the linter is built.
fn profile(
    settings: Settings,
    config: Option<&Config>,
    hint: Option<&str>,
) -> Result<Profile, CliError> {
    let mut packs = super::load_packs(&settings.packs)?;
    for pack in &mut packs {
        settings.apply_to(&mut pack.rules);
    }
    if let Some(c) = config {
        let all: Vec<&Rule> = packs.iter().flat_map(|p| &p.rules).collect();
        c.check_rule_ids(&all)
            .map_err(|e| Box::new(e) as CliError)?;
    }
    let selection = Selection {
        select: settings.select.clone().unwrap_or_default(),
        ignore: settings.ignore.clone().unwrap_or_default(),
    };
    // Meanwhile the other core compiles the patterns every reply's analysis needs, and the
    // regexes the one draft may need.
    let (linter, ()) = rayon::join(
        || Linter::new(&packs, &selection),
        || {
            webcare_lint::text::prepare();
            if let Some(text) = hint {
                webcare_lint::engine::rule::warm_up(packs.iter().flat_map(|p| &p.rules), text);
            }
        },
    );
    let linter = linter
        .map_err(|e| Box::new(e) as CliError)?
        .with_allow(settings.allow.clone());
    Ok(Profile {
        linter,
        settings,
        in_reply_to: None,
    })
}

pub fn run(args: CheckArgs) -> Result<u8, CliError> {
    let config = load_config(args.config.as_deref())?;
    let flags = flag_settings(&args, config.as_ref());
    let in_reply_to = read_in_reply_to(args.in_reply_to.as_deref())?;
    let inputs = inputs::collect(&args.paths, &args.stdin_filename);
    // One profile per distinct set of matching overrides (usually just one).
    let keys: Vec<Vec<usize>> = inputs
        .iter()
        .map(|i| match (&config, &i.source) {
            (Some(c), Source::File(p)) => c.matching_overrides(p),
            (Some(c), _) => c.matching_overrides(Path::new(&i.display)),
            _ => Vec::new(),
        })
        .collect();
    // A single small file (a draft before sending, a pre-commit hook's one template): its
    // text is read now (the OS keeps it cached for the check) to warm up the regexes.
    let hint = match &inputs[..] {
        [
            Input {
                source: Source::File(p),
                ..
            },
        ] if std::fs::metadata(p).is_ok_and(|m| m.len() <= WARM_UP_BYTES) => {
            std::fs::read_to_string(p).ok()
        }
        _ => None,
    };
    let mut profiles: HashMap<Vec<usize>, Profile> = HashMap::new();
    for key in &keys {
        if !profiles.contains_key(key) {
            let mut settings = config
                .as_ref()
                .map(|c| c.settings_for(key))
                .unwrap_or_default();
            settings.layer(&flags);
            let mut p = profile(settings, config.as_ref(), hint.as_deref())?;
            p.in_reply_to = in_reply_to.clone();
            profiles.insert(key.clone(), p);
        }
    }
    let base = match profiles.get(&Vec::new()) {
        Some(p) => p.settings.clone(),
        None => {
            let mut s = config.as_ref().map(|c| c.base.clone()).unwrap_or_default();
            s.layer(&flags);
            s
        }
    };
    if args.fix && inputs.iter().any(|i| matches!(i.source, Source::Stdin)) {
        return Err(Box::new(FixError(
            "--fix cannot write to stdin; use --diff to see the fixes".into(),
        )));
    }
    let fail_on = base
        .fail_on
        .unwrap_or(FailOn::At(webcare_lint::engine::Severity::Warning));
    let library_rules = profiles.values().any(|p| p.linter.has_pack("library"));
    if super::stream::possible(&args, &inputs, library_rules, base.baseline.is_some()) {
        // Library findings are placed by reading their spans back from the files, found by
        // their shown paths (sorted: a walk's files already are, which makes sorting cheap;
        // a map of 100k paths took 45 ms before the first file was checked).
        let library = library_rules.then_some(|summaries: &[&Summary]| {
            let mut files: Vec<(&str, &Path)> = inputs
                .iter()
                .filter_map(|i| match &i.source {
                    Source::File(p) => Some((i.display.as_str(), p.as_path())),
                    _ => None,
                })
                .collect();
            files.sort_unstable_by_key(|&(shown, _)| shown);
            library_diagnostics_of(summaries, &profiles, &base, |path, spans| {
                let at = files
                    .binary_search_by_key(&path, |&(shown, _)| shown)
                    .ok()?;
                webcare_lint::check::locate_in_file(files[at].1, spans).ok()
            })
        });
        let (worst, failed) = super::stream::run(&args, &inputs, &keys, &profiles, library)?;
        exit_without_dropping(profiles);
        return Ok(match fail_on {
            _ if failed => TROUBLE,
            FailOn::At(level) if worst.is_some_and(|w| w >= level) => FINDINGS,
            _ => CLEAN,
        });
    }
    let (mut report, mut sources, mut summaries) = lint(&inputs, &keys, &profiles);
    if args.fix {
        // Fixes can uncover or overlap others: apply, re-check, until nothing safe is left.
        let mut fixed = 0;
        for _ in 0..MAX_FIX_PASSES {
            let applied = apply_fixes(&inputs, &report, &sources)?;
            if applied == 0 {
                break;
            }
            fixed += applied;
            (report, sources, summaries) = lint(&inputs, &keys, &profiles);
        }
        eprintln!(
            "webcare-lint: applied {fixed} safe fix{}",
            if fixed == 1 { "" } else { "es" }
        );
    }
    if args.diff {
        emit(&diff(&report, &sources))?;
    }
    library_findings(&mut report, &mut sources, &summaries, &profiles, &base);
    report.finish();
    apply_baselines(&args, base.baseline.as_deref(), &mut report)?;
    report.finish();
    // The active rules of all profiles, for SARIF's rule table.
    let mut active: Vec<&Rule> = profiles.values().flat_map(|p| p.linter.rules()).collect();
    active.sort_by(|a, b| a.id.cmp(&b.id));
    active.dedup_by(|a, b| a.id == b.id);
    if !args.diff {
        print(&args, &report, &sources, &active)?;
    }
    drop(active);
    exit_without_dropping(profiles);
    Ok(exit_code(&report, fail_on))
}

/// The linters are about to go with the process: freeing their many small allocations one
/// by one would take a millisecond of a one-draft run for nothing.
fn exit_without_dropping(profiles: HashMap<Vec<usize>, Profile>) {
    std::mem::forget(profiles);
}

const MAX_FIX_PASSES: usize = 10;

/// One pass over all inputs. Files are checked in parallel; `collect` keeps input order.
fn lint(
    inputs: &[Input],
    keys: &[Vec<usize>],
    profiles: &HashMap<Vec<usize>, Profile>,
) -> (Report, HashMap<String, Arc<str>>, Vec<Summary>) {
    let results: Vec<(String, Result<FileResult, String>)> = inputs
        .par_iter()
        .zip(keys.par_iter())
        .map(|(input, key)| (input.display.clone(), check_input(input, &profiles[key])))
        .collect();
    let mut report = Report::default();
    let mut sources: HashMap<String, Arc<str>> = HashMap::new();
    let mut summaries = Vec::new();
    for (path, result) in results {
        report.summary.files += 1;
        match result {
            Ok(r) => {
                report.summary.documents += r.documents;
                summaries.extend(r.summaries);
                report.diagnostics.extend(r.diagnostics);
                report.failures.extend(r.failure);
                if let Some(src) = r.source {
                    sources.insert(path, src);
                }
            }
            Err(message) => report.failures.push(Failure { path, message }),
        }
    }
    report.finish();
    (report, sources, summaries)
}

/// The findings across all replies of the run (pack `library`), of the base profile's
/// rules; `locate` places spans in a file.
fn library_diagnostics_of(
    summaries: &[&Summary],
    profiles: &HashMap<Vec<usize>, Profile>,
    base: &Settings,
    locate: impl Fn(&str, &[(usize, usize)]) -> Option<Vec<Located>> + Sync,
) -> Vec<Diagnostic> {
    let Some(profile) = profiles
        .get(&Vec::new())
        .or_else(|| profiles.values().next())
    else {
        return Vec::new();
    };
    if summaries.is_empty() {
        return Vec::new();
    }
    library_diagnostics_located(&profile.linter, summaries, &base.library_params(), locate)
}

/// Adds the findings across all replies of the run (pack `library`).
fn library_findings(
    report: &mut Report,
    sources: &mut HashMap<String, Arc<str>>,
    summaries: &[Summary],
    profiles: &HashMap<Vec<usize>, Profile>,
    base: &Settings,
) {
    let summaries: Vec<&Summary> = summaries.iter().collect();
    let found = library_diagnostics_of(&summaries, profiles, base, |path, spans| {
        let source = sources
            .get(path)
            .cloned()
            .or_else(|| std::fs::read_to_string(path).ok().map(Arc::from))?;
        Some(locate_in_source(&source, spans))
    });
    for d in &found {
        if !sources.contains_key(&d.path) {
            if let Ok(text) = std::fs::read_to_string(&d.path) {
                sources.insert(d.path.clone(), Arc::from(text));
            }
        }
    }
    report.diagnostics.extend(found);
    report.finish();
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{0}")]
#[diagnostic(code(webcare_lint::fix))]
struct FixError(String);

/// Writes the safe fixes of every file (atomically); returns how many were applied.
fn apply_fixes(
    inputs: &[Input],
    report: &Report,
    sources: &HashMap<String, Arc<str>>,
) -> Result<usize, CliError> {
    let mut applied = 0;
    for input in inputs {
        let Source::File(path) = &input.source else {
            continue;
        };
        let Some(source) = sources.get(&input.display) else {
            continue;
        };
        let edits = fix::safe_edits(
            report
                .diagnostics
                .iter()
                .filter(|d| d.path == input.display),
        );
        if edits.is_empty() {
            continue;
        }
        let fixed = fix::apply(source, &edits);
        write_atomic(path, fixed.as_bytes()).map_err(|e| {
            Box::new(FixError(format!("cannot write {}: {e}", path.display()))) as CliError
        })?;
        applied += edits.len();
    }
    Ok(applied)
}

/// The unified diff of every file's safe fixes.
fn diff(report: &Report, sources: &HashMap<String, Arc<str>>) -> String {
    let mut paths: Vec<&String> = sources.keys().collect();
    paths.sort();
    let mut out = String::new();
    for path in paths {
        let edits = fix::safe_edits(report.diagnostics.iter().filter(|d| &d.path == path));
        out.push_str(&fix::unified_diff(
            path.strip_prefix("./").unwrap_or(path),
            &sources[path],
            &edits,
        ));
    }
    out
}

pub(super) fn check_input(input: &Input, profile: &Profile) -> Result<FileResult, String> {
    let bytes = match &input.source {
        Source::Stdin => {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).map(|_| buf)
        }
        Source::File(p) => webcare_lint::fsutil::read_small(p),
        Source::Missing(why) => Err(std::io::Error::other(why.clone())),
    }
    .map_err(|e| format!("cannot read: {e}"))?;
    let checker = Checker {
        linter: &profile.linter,
        ctx: profile.context(),
        library: profile.settings.library.clone().unwrap_or_default(),
    };
    Ok(checker.check_bytes(&input.display, bytes, input.format))
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot read --in-reply-to {path}: {cause}")]
#[diagnostic(
    code(webcare_lint::in_reply_to),
    help(
        "give a UTF-8 text file with the customer's message, or a thread with `## klant` / `## wij` sections (docs/context.md)"
    )
)]
struct InReplyToError {
    path: String,
    cause: std::io::Error,
}

/// The text of `--in-reply-to FILE` (a leading BOM dropped); a read error stops the run.
fn read_in_reply_to(path: Option<&Path>) -> Result<Option<String>, CliError> {
    let Some(path) = path else {
        return Ok(None);
    };
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text.trim_start_matches('\u{feff}').to_string())),
        Err(cause) => Err(Box::new(InReplyToError {
            path: path.display().to_string(),
            cause,
        })),
    }
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{0}")]
#[diagnostic(code(webcare_lint::baseline))]
struct BaselineError(String);

fn baseline_error(msg: String) -> CliError {
    Box::new(BaselineError(msg))
}

fn apply_baselines(
    args: &CheckArgs,
    baseline: Option<&Path>,
    report: &mut Report,
) -> Result<(), CliError> {
    if let Some(path) = &args.write_baseline {
        let b = Baseline::from_report(report);
        write_atomic(path, b.to_json().as_bytes()).map_err(|e| {
            baseline_error(format!("cannot write baseline {}: {e}", path.display()))
        })?;
        // Today's findings are accepted from now on.
        let n = b.filter(report);
        eprintln!("webcare-lint: wrote {} ({n} findings)", path.display());
    } else if let Some(path) = baseline {
        let text = std::fs::read_to_string(path)
            .map_err(|e| baseline_error(format!("cannot read baseline {}: {e}", path.display())))?;
        let b = Baseline::parse(&text)
            .map_err(|e| baseline_error(format!("{}: {e}", path.display())))?;
        b.filter(report);
    }
    Ok(())
}

fn print(
    args: &CheckArgs,
    report: &Report,
    sources: &HashMap<String, Arc<str>>,
    rules: &[&Rule],
) -> Result<(), CliError> {
    match args.format {
        OutputFormat::Sarif => emit(&webcare_lint::report::sarif(report, rules, sources))?,
        OutputFormat::Github => emit(&webcare_lint::report::github(report))?,
        OutputFormat::Json => super::emit_with(|out| report.write_json(out))?,
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
    match fail_on {
        FailOn::At(level) if report.any_at_or_above(level) => FINDINGS,
        _ => CLEAN,
    }
}
