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
use webcare_lint::check::{Checker, FileResult};
use webcare_lint::config::{Config, FailOn, Settings};
use webcare_lint::engine::{Linter, Rule, Selection};
use webcare_lint::fsutil::write_atomic;
use webcare_lint::report::{Failure, Human, Report};

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
struct Profile {
    linter: Linter,
    settings: Settings,
}

fn profile(settings: Settings, config: Option<&Config>) -> Result<Profile, CliError> {
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
    let linter = Linter::new(&packs, &selection)
        .map_err(|e| Box::new(e) as CliError)?
        .with_allow(settings.allow.clone());
    Ok(Profile { linter, settings })
}

pub fn run(args: CheckArgs) -> Result<u8, CliError> {
    let config = load_config(args.config.as_deref())?;
    let flags = flag_settings(&args, config.as_ref());
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
    let mut profiles: HashMap<Vec<usize>, Profile> = HashMap::new();
    for key in &keys {
        if !profiles.contains_key(key) {
            let mut settings = config
                .as_ref()
                .map(|c| c.settings_for(key))
                .unwrap_or_default();
            settings.layer(&flags);
            profiles.insert(key.clone(), profile(settings, config.as_ref())?);
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
    // Files are checked in parallel; `collect` keeps input order, and the report is sorted.
    let results: Vec<(String, Result<FileResult, String>)> = inputs
        .par_iter()
        .zip(keys.par_iter())
        .map(|(input, key)| (input.display.clone(), check_input(input, &profiles[key])))
        .collect();
    let mut report = Report::default();
    let mut sources: HashMap<String, Arc<str>> = HashMap::new();
    for (path, result) in results {
        report.summary.files += 1;
        match result {
            Ok(r) => {
                report.summary.documents += r.documents;
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
    apply_baselines(&args, base.baseline.as_deref(), &mut report)?;
    report.finish();
    print(&args, &report, &sources)?;
    Ok(exit_code(
        &report,
        base.fail_on
            .unwrap_or(FailOn::At(webcare_lint::engine::Severity::Warning)),
    ))
}

fn check_input(input: &Input, profile: &Profile) -> Result<FileResult, String> {
    let bytes = match &input.source {
        Source::Stdin => {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).map(|_| buf)
        }
        Source::File(p) => std::fs::read(p),
        Source::Missing(why) => Err(std::io::Error::other(why.clone())),
    }
    .map_err(|e| format!("cannot read: {e}"))?;
    let checker = Checker {
        linter: &profile.linter,
        ctx: profile.settings.context(),
        library: profile.settings.library.clone().unwrap_or_default(),
    };
    Ok(checker.check_bytes(&input.display, bytes, input.format))
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
    match fail_on {
        FailOn::At(level) if report.any_at_or_above(level) => FINDINGS,
        _ => CLEAN,
    }
}
