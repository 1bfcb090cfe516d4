//! `.webcare-lint.toml`: discovered from the current directory upward, validated with spans
//! (unknown keys, bad values and unknown rule ids point at their place), and layered: the
//! file's top level, then each `[[overrides]]` whose `paths` match a file, then CLI flags.

mod raw;

use crate::documents::LibraryOptions;
use crate::engine::{Context, Kind, Persona, Rule, Severity};
use crate::packs::{CHANNELS, Problem, Problems, REGISTERS};
use crate::pattern::Phrase;
use globset::{Glob, GlobSet, GlobSetBuilder};
use miette::Diagnostic;
use raw::{RawConfig, SettingsRef};
use regex::Regex;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

/// Config file names, in the order they are looked for in each directory.
pub const FILE_NAMES: [&str; 2] = [".webcare-lint.toml", "webcare-lint.toml"];

/// Where `--fail-on` starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    At(Severity),
    Never,
}

impl FailOn {
    pub fn parse(s: &str) -> Option<FailOn> {
        match s {
            "never" => Some(FailOn::Never),
            other => Severity::parse(other).map(FailOn::At),
        }
    }
}

/// Per-rule settings: `[rules."pack/name"]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleSettings {
    pub severity: Option<Severity>,
    pub max: Option<u32>,
    pub share: Option<f64>,
    pub similarity: Option<f64>,
    /// `length/over-limit`: limits by channel; an override replaces single channels.
    pub limits: BTreeMap<String, usize>,
}

/// Validated settings of one layer (top level or an override); `None` = not set here.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub fail_on: Option<FailOn>,
    pub channel: Option<String>,
    pub register: Option<String>,
    pub packs: Vec<PathBuf>,
    pub baseline: Option<PathBuf>,
    pub rules: BTreeMap<String, RuleSettings>,
    /// Phrases never flagged (`[vocabulary] allow` and `brand`).
    pub allow: Vec<Phrase>,
    pub persona: Option<Persona>,
    pub library: Option<LibraryOptions>,
}

impl Settings {
    /// `other` layered over `self`.
    pub fn layer(&mut self, other: &Settings) {
        macro_rules! take {
            ($($f:ident),*) => { $( if other.$f.is_some() { self.$f = other.$f.clone(); } )* };
        }
        take!(
            select, ignore, fail_on, channel, register, baseline, persona, library
        );
        self.packs.extend(other.packs.iter().cloned());
        for (id, r) in &other.rules {
            let e = self.rules.entry(id.clone()).or_default();
            if r.severity.is_some() {
                e.severity = r.severity;
            }
            if r.max.is_some() {
                e.max = r.max;
            }
            if r.share.is_some() {
                e.share = r.share;
            }
            if r.similarity.is_some() {
                e.similarity = r.similarity;
            }
            e.limits
                .extend(r.limits.iter().map(|(c, l)| (c.clone(), *l)));
        }
        self.allow.extend(other.allow.iter().cloned());
    }

    /// Applies `[rules."…"]` to the loaded rules.
    pub fn apply_to(&self, rules: &mut [Rule]) {
        for rule in rules {
            if let Some(s) = self.rules.get(&rule.id) {
                if let Some(sev) = s.severity {
                    rule.severity = sev;
                }
                if let (Some(m), Kind::Occurrence { max, .. }) = (s.max, &mut rule.kind) {
                    *max = m;
                }
            }
        }
    }

    /// The parameters of the library rules.
    pub fn library_params(&self) -> crate::library::Params {
        let mut p = crate::library::Params::default();
        let get = |id: &str| self.rules.get(id);
        if let Some(v) = get("library/near-duplicate").and_then(|r| r.similarity) {
            p.similarity = v;
        }
        if let Some(v) = get("library/repeated-opener").and_then(|r| r.share) {
            p.opener_share = v;
        }
        if let Some(v) = get("library/repeated-sign-off").and_then(|r| r.share) {
            p.sign_off_share = v;
        }
        p
    }

    /// The check context these settings give.
    pub fn context(&self) -> Context {
        Context {
            channel: self.channel.clone(),
            register: self.register.clone(),
            in_reply_to: None,
            persona: self.persona.clone(),
            limits: self
                .rules
                .get("length/over-limit")
                .map(|r| r.limits.clone())
                .unwrap_or_default(),
        }
    }
}

/// A rule id named in `[rules."…"]`: the id, its span, and the span of its `max` if set.
type RuleIdUse = (String, Range<usize>, Option<Range<usize>>);

/// A loaded config file.
#[derive(Debug)]
pub struct Config {
    pub path: PathBuf,
    /// The directory relative paths and override globs are taken from.
    pub dir: PathBuf,
    pub base: Settings,
    pub overrides: Vec<(GlobSet, Settings)>,
    source: Arc<str>,
    /// Rule ids named in `[rules."…"]` (with their spans), checked once packs are loaded.
    rule_ids: Vec<RuleIdUse>,
}

/// An invalid config file, with all of its problems.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("invalid config {path}: {} problem{}", problems.len(), if problems.len() == 1 { "" } else { "s" })]
#[diagnostic(code(webcare_lint::config))]
pub struct ConfigError {
    pub path: String,
    #[related]
    pub problems: Vec<Problem>,
}

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("cannot read config {path}: {source}")]
#[diagnostic(code(webcare_lint::config::io))]
pub struct ConfigIoError {
    pub path: String,
    #[source]
    pub source: std::io::Error,
}

/// The config file for `start`: the first of [`FILE_NAMES`] in it or an ancestor.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find_map(|dir| FILE_NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file()))
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, Box<dyn Diagnostic + Send + Sync>> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Box::new(ConfigIoError {
                path: path.display().to_string(),
                source: e,
            }) as Box<dyn Diagnostic + Send + Sync>
        })?;
        Config::parse(path, Arc::from(text)).map_err(|e| Box::new(e) as _)
    }

    pub fn parse(path: &Path, source: Arc<str>) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let mut problems = Problems::new(&shown, source.clone());
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let raw: RawConfig = match toml::from_str(&source) {
            Ok(r) => r,
            Err(e) => {
                problems.push(
                    e.span().unwrap_or(0..0),
                    e.message().trim().to_string(),
                    "here",
                    None,
                );
                return Err(ConfigError {
                    path: shown,
                    problems: problems.into_problems(),
                });
            }
        };
        let mut rule_ids = Vec::new();
        let base = settings(raw.settings(), &dir, &mut problems, &mut rule_ids);
        let mut overrides = Vec::new();
        for o in &raw.overrides {
            let mut builder = GlobSetBuilder::new();
            for g in &o.paths {
                match Glob::new(g.get_ref()) {
                    Ok(glob) => {
                        builder.add(glob);
                    }
                    Err(e) => problems.push(
                        g.span(),
                        format!("invalid glob: {e}"),
                        "invalid glob",
                        Some("use globs like `templates/formeel/**` or `*.yml`".into()),
                    ),
                }
            }
            let set = builder.build().unwrap_or_else(|_| GlobSet::empty());
            overrides.push((
                set,
                settings(o.settings(), &dir, &mut problems, &mut rule_ids),
            ));
        }
        if !problems.list.is_empty() {
            return Err(ConfigError {
                path: shown,
                problems: problems.into_problems(),
            });
        }
        Ok(Config {
            path: path.to_path_buf(),
            dir,
            base,
            overrides,
            source,
            rule_ids,
        })
    }

    /// Checks `[rules."…"]` ids against the loaded rules.
    pub fn check_rule_ids(&self, rules: &[&Rule]) -> Result<(), ConfigError> {
        let shown = self.path.display().to_string();
        let mut problems = Problems::new(&shown, self.source.clone());
        for (id, span, max_span) in &self.rule_ids {
            match rules.iter().find(|r| &r.id == id) {
                None => problems.push(
                    span.clone(),
                    format!("unknown rule `{id}`"),
                    "no such rule",
                    Some("`webcare-lint rules` lists every rule id".into()),
                ),
                Some(r) if !matches!(r.kind, Kind::Occurrence { .. }) => {
                    if let Some(m) = max_span {
                        problems.push(
                            m.clone(),
                            format!(
                                "`max` applies to occurrence rules; `{id}` is a {} rule",
                                r.kind.name()
                            ),
                            "not an occurrence rule",
                            None,
                        );
                    }
                }
                Some(_) => {}
            }
        }
        if problems.list.is_empty() {
            Ok(())
        } else {
            Err(ConfigError {
                path: shown,
                problems: problems.into_problems(),
            })
        }
    }

    /// The indices of the overrides whose `paths` match `file` (as given on the command line).
    pub fn matching_overrides(&self, file: &Path) -> Vec<usize> {
        let absolute = if file.is_absolute() {
            file.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(file)
        };
        let dir = std::fs::canonicalize(&self.dir).unwrap_or_else(|_| self.dir.clone());
        let normal: PathBuf = absolute
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        let relative = normal
            .strip_prefix(&dir)
            .map(Path::to_path_buf)
            .unwrap_or(normal);
        self.overrides
            .iter()
            .enumerate()
            .filter(|(_, (set, _))| set.is_match(&relative) || set.is_match(file))
            .map(|(i, _)| i)
            .collect()
    }

    /// The settings for a file matching these overrides.
    pub fn settings_for(&self, overrides: &[usize]) -> Settings {
        let mut s = self.base.clone();
        for &i in overrides {
            s.layer(&self.overrides[i].1);
        }
        s
    }
}

fn value_in(
    v: &Spanned<String>,
    allowed: &[&str],
    what: &str,
    problems: &mut Problems,
) -> Option<String> {
    if allowed.contains(&v.get_ref().as_str()) {
        Some(v.get_ref().clone())
    } else {
        problems.push(
            v.span(),
            format!("unknown {what} `{}`", v.get_ref()),
            format!("not a {what}"),
            Some(format!("use one of: {}", allowed.join(", "))),
        );
        None
    }
}

fn settings(
    raw: SettingsRef,
    dir: &Path,
    problems: &mut Problems,
    rule_ids: &mut Vec<RuleIdUse>,
) -> Settings {
    let list = |v: &Option<Vec<Spanned<String>>>| {
        v.as_ref()
            .map(|l| l.iter().map(|s| s.get_ref().clone()).collect::<Vec<_>>())
    };
    let mut s = Settings {
        select: list(raw.select),
        ignore: list(raw.ignore),
        ..Settings::default()
    };
    if let Some(f) = raw.fail_on {
        s.fail_on = value_in(
            f,
            &["error", "warning", "info", "never"],
            "fail-on level",
            problems,
        )
        .and_then(|v| FailOn::parse(&v));
    }
    if let Some(c) = raw.channel {
        s.channel = value_in(c, &CHANNELS, "channel", problems);
    }
    if let Some(r) = raw.register {
        s.register = value_in(r, &REGISTERS, "register", problems);
    }
    for p in raw.packs.iter().flatten() {
        let path = dir.join(p.get_ref());
        if !path.exists() {
            problems.push(
                p.span(),
                format!("pack `{}` does not exist", path.display()),
                "no such file or directory",
                Some("paths in the config are relative to the config file".into()),
            );
        }
        s.packs.push(path);
    }
    s.baseline = raw.baseline.as_ref().map(|b| dir.join(b.get_ref()));
    for (id, r) in raw.rules {
        let settings = r.get_ref();
        let mut out = RuleSettings::default();
        if let Some(sev) = &settings.severity {
            out.severity = Severity::parse(sev.get_ref());
            if out.severity.is_none() {
                problems.push(
                    sev.span(),
                    format!("unknown severity `{}`", sev.get_ref()),
                    "unknown severity",
                    Some("use error, warning or info".into()),
                );
            }
        }
        if let Some(m) = &settings.max {
            match u32::try_from(*m.get_ref()) {
                Ok(n) => out.max = Some(n),
                Err(_) => problems.push(m.span(), "`max` must be 0 or more", "negative", None),
            }
        }
        for (value, key, rules) in [
            (
                &settings.share,
                "share",
                &["library/repeated-opener", "library/repeated-sign-off"][..],
            ),
            (
                &settings.similarity,
                "similarity",
                &["library/near-duplicate"][..],
            ),
        ] {
            if let Some(v) = value {
                if !rules.contains(&id.as_str()) {
                    problems.push(
                        v.span(),
                        format!("`{key}` applies to {} only", rules.join(" and ")),
                        "not for this rule",
                        None,
                    );
                } else if !(0.0..=1.0).contains(v.get_ref()) {
                    problems.push(
                        v.span(),
                        format!("`{key}` is a fraction from 0 to 1"),
                        "out of range",
                        Some(format!("for example {key} = 0.3")),
                    );
                }
            }
        }
        out.share = settings.share.as_ref().map(|v| *v.get_ref());
        out.similarity = settings.similarity.as_ref().map(|v| *v.get_ref());
        if let Some(limits) = &settings.limits {
            out.limits = channel_limits(id, limits, problems);
        }
        rule_ids.push((
            id.clone(),
            r.span(),
            settings.max.as_ref().map(|m| m.span()),
        ));
        s.rules.insert(id.clone(), out);
    }
    if let Some(v) = raw.vocabulary {
        for p in v.allow.iter().chain(&v.brand) {
            match Phrase::parse(p.get_ref()) {
                Ok(ph) => s.allow.push(ph),
                Err(e) => problems.push(
                    p.span(),
                    format!("invalid phrase: {}", e.message),
                    e.message.clone(),
                    Some("see docs/packs.md for the phrase syntax".into()),
                ),
            }
        }
    }
    if let Some(p) = raw.persona {
        let pattern = p
            .pattern
            .as_ref()
            .and_then(|pat| match Regex::new(pat.get_ref()) {
                Ok(re) => Some(re),
                Err(e) => {
                    problems.push(
                        pat.span(),
                        "invalid persona pattern",
                        "invalid regex",
                        Some(e.to_string()),
                    );
                    None
                }
            });
        s.persona = Some(Persona {
            required: p.required,
            pattern,
        });
    }
    if let Some(l) = raw.library {
        s.library = Some(LibraryOptions {
            id_field: l.id_field.clone(),
            text_field: l.text_field.clone(),
            csv_text_column: l.csv_text_column.clone(),
            csv_id_column: l.csv_id_column.clone(),
        });
    }
    s
}

/// `limits = { instagram = 1000 }` of `length/over-limit`: known channels, positive values.
fn channel_limits(
    id: &str,
    limits: &Spanned<BTreeMap<Spanned<String>, Spanned<i64>>>,
    problems: &mut Problems,
) -> BTreeMap<String, usize> {
    const RULE: &str = "length/over-limit";
    let mut out = BTreeMap::new();
    if id != RULE {
        problems.push(
            limits.span(),
            format!("`limits` applies to {RULE} only"),
            "not for this rule",
            Some(format!("write it under [rules.\"{RULE}\"]")),
        );
        return out;
    }
    for (channel, value) in limits.get_ref() {
        let name = channel.get_ref().as_str();
        if !CHANNELS.contains(&name) {
            problems.push(
                channel.span(),
                format!("unknown channel `{name}`"),
                "not a channel",
                Some(format!("use one of: {}", CHANNELS.join(", "))),
            );
            continue;
        }
        let n = *value.get_ref();
        let max = if name == "sms" {
            crate::native::length::MAX_SMS_SEGMENTS as i64
        } else {
            i64::MAX
        };
        if n < 1 || n > max {
            let (message, help) = if name == "sms" {
                (
                    format!("the sms limit is a number of messages from 1 to {max}, not {n}"),
                    "for example sms = 2 (up to 306 GSM-7 characters)".to_string(),
                )
            } else {
                let example = crate::native::length::DEFAULT_LIMITS
                    .iter()
                    .find(|(c, _)| *c == name)
                    .map_or(5000, |&(_, l)| l);
                (
                    format!("a limit must be 1 or more, not {n}"),
                    format!("for example {name} = {example}"),
                )
            };
            problems.push(value.span(), message, "not a valid limit", Some(help));
            continue;
        }
        out.insert(name.to_string(), usize::try_from(n).unwrap_or(usize::MAX));
    }
    out
}
