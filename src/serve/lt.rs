//! LanguageTool's HTTP API, version 2: request parameters in, `matches` out. Categories are
//! our packs; rule ids are ours (`channel/redirect-phone`). Offsets and lengths are UTF-16
//! code units, as LanguageTool clients (JavaScript, Java, `language_tool_python`) expect.

use super::annotation::Annotated;
use super::form;
use super::utf16::{self, Utf16Index};
use crate::report::{Diagnostic, commandment};
use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

/// Characters of context on each side of a match, as LanguageTool's default.
const CONTEXT_CHARS: usize = 40;

/// A language the server offers (`GET /v2/languages`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Language {
    pub name: String,
    pub code: String,
    pub long_code: String,
}

impl Language {
    fn new(name: &str, code: &str, long_code: &str) -> Language {
        Language {
            name: name.into(),
            code: code.into(),
            long_code: long_code.into(),
        }
    }

    /// Whether a pack declaring `language` (`nl`, `nl-BE`) applies to texts in this one.
    pub fn covers(&self, language: &str) -> bool {
        let language = normalize(language);
        language.eq_ignore_ascii_case(&self.long_code) || language.eq_ignore_ascii_case(&self.code)
    }
}

fn normalize(tag: &str) -> String {
    tag.trim().replace('_', "-")
}

fn base(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

fn language_name(code: &str) -> String {
    let name = match code.to_ascii_lowercase().as_str() {
        "nl" => "Dutch",
        "en" => "English",
        "de" => "German",
        "fr" => "French",
        "fy" => "Frisian",
        "es" => "Spanish",
        "it" => "Italian",
        "pt" => "Portuguese",
        "pl" => "Polish",
        "tr" => "Turkish",
        "ar" => "Arabic",
        _ => return code.to_string(),
    };
    name.to_string()
}

/// `nl-NL` and `nl-BE`, then every other language a loaded pack declares.
pub fn languages<'a>(pack_languages: impl IntoIterator<Item = &'a str>) -> Vec<Language> {
    let mut out = vec![
        Language::new("Dutch", "nl", "nl-NL"),
        Language::new("Dutch (Belgium)", "nl", "nl-BE"),
    ];
    for tag in pack_languages {
        let tag = normalize(tag);
        if tag.is_empty() || out.iter().any(|l| l.covers(&tag)) {
            continue;
        }
        let code = base(&tag).to_ascii_lowercase();
        let name = match tag.split_once('-') {
            Some((_, region)) => format!("{} ({region})", language_name(&code)),
            None => language_name(&code),
        };
        out.push(Language::new(&name, &code, &tag));
    }
    out
}

/// Finds the language a client asked for: a long code (`nl-BE`), a short one (`nl`, the
/// first variant) or `auto` (Dutch: the drafts this linter is for).
pub fn resolve<'l>(
    requested: &str,
    offered: &'l [Language],
) -> Result<(&'l Language, bool), String> {
    let tag = normalize(requested);
    if tag.is_empty() || tag.eq_ignore_ascii_case("auto") {
        return Ok((&offered[0], true));
    }
    offered
        .iter()
        .find(|l| l.long_code.eq_ignore_ascii_case(&tag))
        .or_else(|| {
            offered
                .iter()
                .find(|l| l.code.eq_ignore_ascii_case(base(&tag)))
        })
        .map(|l| (l, false))
        .ok_or_else(|| {
            let codes: Vec<&str> = offered.iter().map(|l| l.long_code.as_str()).collect();
            format!(
                "language {requested:?} is not supported; use one of {}, or auto",
                codes.join(", ")
            )
        })
}

/// Which rules a request keeps (`enabledRules`, `disabledRules`, `enabledCategories`,
/// `disabledCategories`, `enabledOnly`). Unknown ids are ignored, as LanguageTool does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleFilter {
    pub enabled_rules: Vec<String>,
    pub disabled_rules: Vec<String>,
    pub enabled_categories: Vec<String>,
    pub disabled_categories: Vec<String>,
    pub enabled_only: bool,
}

impl RuleFilter {
    pub fn from_params(params: &[(String, String)]) -> Result<RuleFilter, String> {
        let filter = RuleFilter {
            enabled_rules: form::list(params, "enabledRules"),
            disabled_rules: form::list(params, "disabledRules"),
            enabled_categories: form::list(params, "enabledCategories"),
            disabled_categories: form::list(params, "disabledCategories"),
            enabled_only: form::get(params, "enabledOnly")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
        };
        if filter.enabled_only
            && filter.enabled_rules.is_empty()
            && filter.enabled_categories.is_empty()
        {
            return Err(
                "enabledOnly=true needs enabledRules or enabledCategories (rule ids like \
                 channel/redirect-phone, or pack ids like channel)"
                    .into(),
            );
        }
        Ok(filter)
    }

    pub fn keeps(&self, rule: &str, pack: &str) -> bool {
        let has = |list: &[String], id: &str| list.iter().any(|x| x == id);
        if has(&self.disabled_rules, rule) || has(&self.disabled_categories, pack) {
            return false;
        }
        !self.enabled_only || has(&self.enabled_rules, rule) || has(&self.enabled_categories, pack)
    }
}

/// What the response says about a rule, beyond the diagnostic.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub description: String,
    pub pack_title: String,
}

/// The response of `/v2/check`.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResponse {
    pub software: Software,
    pub warnings: Warnings,
    pub language: LanguageOut,
    pub matches: Vec<Match>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Software {
    pub name: &'static str,
    pub version: &'static str,
    pub build_date: Option<String>,
    pub api_version: u32,
    pub premium: bool,
    pub status: &'static str,
}

impl Default for Software {
    fn default() -> Self {
        Software {
            name: "webcare-lint",
            version: env!("CARGO_PKG_VERSION"),
            build_date: None,
            api_version: 1,
            premium: false,
            status: "",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warnings {
    pub incomplete_results: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LanguageOut {
    pub name: String,
    pub code: String,
    pub detected_language: DetectedLanguage,
}

#[derive(Debug, Clone, Serialize)]
pub struct DetectedLanguage {
    pub name: String,
    pub code: String,
    pub confidence: f32,
}

impl LanguageOut {
    pub fn new(lang: &Language, auto: bool) -> LanguageOut {
        LanguageOut {
            name: lang.name.clone(),
            code: lang.long_code.clone(),
            detected_language: DetectedLanguage {
                name: lang.name.clone(),
                code: lang.long_code.clone(),
                // No detection is done: `auto` means Dutch.
                confidence: if auto { 0.5 } else { 1.0 },
            },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Match {
    pub message: String,
    pub short_message: String,
    pub replacements: Vec<Replacement>,
    pub offset: usize,
    pub length: usize,
    pub context: MatchContext,
    pub sentence: String,
    #[serde(rename = "type")]
    pub kind: MatchType,
    pub rule: MatchRule,
    pub ignore_for_incomplete_sentence: bool,
    pub context_for_sure_match: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replacement {
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatchContext {
    pub text: String,
    pub offset: usize,
    pub length: usize,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchType {
    pub type_name: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchRule {
    pub id: String,
    pub description: String,
    pub issue_type: &'static str,
    pub category: Category,
}

#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub id: String,
    pub name: String,
}

/// LanguageTool's issue type for a pack (clients colour by it).
fn issue_type(pack: &str) -> &'static str {
    match pack {
        "register" => "register",
        "length" => "length",
        "privacy" => "legal",
        _ => "style",
    }
}

/// Turns diagnostics of `source.plain` (byte offsets) into LanguageTool matches in UTF-16
/// offsets of `source.original`.
pub fn matches(
    source: &Annotated,
    diagnostics: &[Diagnostic],
    info: impl Fn(&str) -> Option<RuleInfo>,
) -> Vec<Match> {
    let index = Utf16Index::new(&source.original);
    let sentences: Vec<(usize, &str)> = source.plain.split_sentence_bound_indices().collect();
    diagnostics
        .iter()
        .map(|d| {
            let start = source.to_original(d.span.start, false);
            let end = source.to_original(d.span.end, true).max(start);
            let offset = index.units(start);
            let length = index.units(end) - offset;
            let info = info(&d.rule).unwrap_or_else(|| RuleInfo {
                description: d.rule.clone(),
                pack_title: d.pack.clone(),
            });
            let short_message = match d.gebod {
                Some(g) => format!("Gebod {g}: {}", commandment(g)),
                None => info.pack_title.clone(),
            };
            Match {
                message: message(d),
                short_message,
                replacements: replacements(&source.plain, d),
                offset,
                length,
                context: context(&source.original, start, end),
                sentence: sentence(&sentences, d.span.start),
                kind: MatchType { type_name: "Other" },
                rule: MatchRule {
                    id: d.rule.clone(),
                    description: info.description,
                    issue_type: issue_type(&d.pack),
                    category: Category {
                        id: d.pack.clone(),
                        name: info.pack_title,
                    },
                },
                ignore_for_incomplete_sentence: false,
                context_for_sure_match: 0,
            }
        })
        .collect()
}

/// The finding's message, then what to do about it: clients show only `message`.
fn message(d: &Diagnostic) -> String {
    let msg = d.message.trim_end();
    if d.help.is_empty() {
        return msg.to_string();
    }
    let stop = if msg.ends_with(['.', '!', '?']) {
        " "
    } else {
        ". "
    };
    format!("{msg}{stop}{}", d.help.trim())
}

/// The fixes that replace text within the match, as replacements of the whole match.
fn replacements(plain: &str, d: &Diagnostic) -> Vec<Replacement> {
    let (s, e) = (d.span.start, d.span.end);
    let mut out: Vec<Replacement> = Vec::new();
    for f in &d.fixes {
        if f.applicability == crate::engine::Applicability::DisplayOnly
            || f.start < s
            || f.end > e
            || f.start > f.end
            || plain.get(s..f.start).is_none()
            || plain.get(f.end..e).is_none()
        {
            continue;
        }
        let value = format!(
            "{}{}{}",
            &plain[s..f.start],
            f.replacement,
            &plain[f.end..e]
        );
        if !out.iter().any(|r| r.value == value) {
            out.push(Replacement { value });
        }
    }
    out
}

/// Up to [`CONTEXT_CHARS`] characters on each side, line breaks as spaces, `...` where cut.
fn context(text: &str, start: usize, end: usize) -> MatchContext {
    let from = text[..start]
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let to = text[end..]
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(text.len(), |(i, _)| end + i);
    let flat = |s: &str| s.replace(['\n', '\r', '\t'], " ");
    let lead = if from > 0 { "..." } else { "" };
    let tail = if to < text.len() { "..." } else { "" };
    MatchContext {
        text: format!("{lead}{}{tail}", flat(&text[from..to])),
        offset: lead.len() + utf16::len(&text[from..start]),
        length: utf16::len(&text[start..end]),
    }
}

/// The sentence (of the checked text) the match starts in, trimmed.
fn sentence(sentences: &[(usize, &str)], at: usize) -> String {
    let i = sentences
        .partition_point(|(s, _)| *s <= at)
        .saturating_sub(1);
    sentences
        .get(i)
        .map(|(_, s)| s.trim().to_string())
        .unwrap_or_default()
}

/// A rule's one-line description: the first sentence of its `why`, on one line.
pub fn description(why: &str, fallback: &str) -> String {
    let flat = why.split_whitespace().collect::<Vec<_>>().join(" ");
    let first = match flat.find(". ") {
        Some(i) => &flat[..=i],
        None => flat.as_str(),
    };
    if first.is_empty() {
        fallback.to_string()
    } else {
        first.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Applicability, Severity};
    use crate::report::{FixEdit, Span};

    fn diag(text: &str, phrase: &str) -> Diagnostic {
        let start = text.find(phrase).unwrap();
        Diagnostic {
            path: "-".into(),
            document: None,
            rule: "channel/redirect-phone".into(),
            pack: "channel".into(),
            gebod: Some(2),
            severity: Severity::Error,
            message: format!("Je verwijst de klant naar de telefoon: \"{phrase}\""),
            help: "Help de klant hier.".into(),
            span: Span {
                start,
                end: start + phrase.len(),
                line: 1,
                column: 1,
            },
            text: phrase.into(),
            fixes: vec![],
        }
    }

    fn utf16_slice(text: &str, offset: usize, length: usize) -> String {
        let units: Vec<u16> = text.encode_utf16().collect();
        String::from_utf16(&units[offset..offset + length]).unwrap()
    }

    #[test]
    fn offsets_are_utf16_after_emoji() {
        let text = "😀😀 Bel even met onze klantenservice, dan helpen ze je.";
        let phrase = "Bel even met onze klantenservice";
        let src = Annotated::plain(text.into());
        let m = &matches(&src, &[diag(text, phrase)], |_| None)[0];
        assert_eq!(m.offset, 5);
        assert_eq!(m.length, phrase.len());
        assert_eq!(utf16_slice(text, m.offset, m.length), phrase);
        assert_eq!(
            utf16_slice(&m.context.text, m.context.offset, m.context.length),
            phrase
        );
        assert_eq!(
            m.sentence,
            "😀😀 Bel even met onze klantenservice, dan helpen ze je."
        );
        assert_eq!(
            m.short_message,
            "Gebod 2: verwijs niet door naar een ander kanaal"
        );
        assert!(
            m.message.ends_with("\". Help de klant hier."),
            "{}",
            m.message
        );
    }

    #[test]
    fn offsets_count_markup_from_data() {
        let src = Annotated::from_json(
            r#"{"annotation":[{"markup":"<p>😀"},{"text":"Hoi. Bel ons even op."},{"markup":"</p>"}]}"#,
        )
        .unwrap();
        let d = diag(&src.plain, "Bel ons even");
        let m = &matches(&src, &[d], |_| None)[0];
        assert_eq!(
            utf16_slice(&src.original, m.offset, m.length),
            "Bel ons even"
        );
        assert_eq!(m.sentence, "Bel ons even op.");
    }

    #[test]
    fn context_is_cut_with_dots_and_flattened() {
        let text = format!("{}\nBel ons even\n{}", "a".repeat(60), "b".repeat(60));
        let start = 61;
        let c = context(&text, start, start + 12);
        assert!(
            c.text.starts_with("...a") && c.text.ends_with("b..."),
            "{}",
            c.text
        );
        assert!(!c.text.contains('\n'));
        assert_eq!(&c.text[c.offset..c.offset + c.length], "Bel ons even");
    }

    #[test]
    fn replacements_cover_the_whole_match() {
        let text = "We zullen dit zo spoedig mogelijk oppakken.";
        let mut d = diag(text, "zo spoedig mogelijk");
        let at = text.find("spoedig mogelijk").unwrap();
        let edit = |replacement: &str, applicability| FixEdit {
            start: at,
            end: at + "spoedig mogelijk".len(),
            replacement: replacement.into(),
            applicability,
        };
        d.fixes = vec![
            edit("snel", Applicability::Safe),
            edit("snel", Applicability::Unsafe),
            edit("<tijd>", Applicability::DisplayOnly),
        ];
        assert_eq!(
            replacements(text, &d),
            vec![Replacement {
                value: "zo snel".into()
            }]
        );
    }

    #[test]
    fn languages_add_what_packs_declare() {
        let langs = languages(["nl", "nl-BE", "en", "de-AT"]);
        let codes: Vec<&str> = langs.iter().map(|l| l.long_code.as_str()).collect();
        assert_eq!(codes, ["nl-NL", "nl-BE", "en", "de-AT"]);
        assert_eq!(langs[3].name, "German (AT)");
        assert_eq!(resolve("auto", &langs).unwrap().0.long_code, "nl-NL");
        assert_eq!(resolve("nl_be", &langs).unwrap().0.long_code, "nl-BE");
        assert_eq!(resolve("nl", &langs).unwrap().0.long_code, "nl-NL");
        assert_eq!(resolve("en-US", &langs).unwrap().0.long_code, "en");
        let err = resolve("fr-FR", &langs).unwrap_err();
        assert!(err.contains("nl-NL, nl-BE"), "{err}");
    }

    #[test]
    fn filter_follows_languagetool() {
        let p = |s: &str| form::decode(s).unwrap();
        let f = RuleFilter::from_params(&p("disabledRules=channel/dm&disabledCategories=register"))
            .unwrap();
        assert!(!f.keeps("channel/dm", "channel"));
        assert!(!f.keeps("register/mixed", "register"));
        assert!(f.keeps("channel/redirect-phone", "channel"));
        let f = RuleFilter::from_params(&p(
            "enabledOnly=true&enabledRules=channel/dm&enabledCategories=register",
        ))
        .unwrap();
        assert!(f.keeps("channel/dm", "channel"));
        assert!(f.keeps("register/mixed", "register"));
        assert!(!f.keeps("channel/redirect-phone", "channel"));
        assert!(RuleFilter::from_params(&p("enabledOnly=true")).is_err());
        // Without enabledOnly, enabling is a no-op: every rule is on by default.
        let f = RuleFilter::from_params(&p("enabledRules=channel/dm")).unwrap();
        assert!(f.keeps("channel/redirect-phone", "channel"));
    }

    #[test]
    fn description_is_the_first_sentence_of_why() {
        assert_eq!(
            description(
                "Gebod 2: stuur niet door. Wie ons\nbenadert, wil hier.",
                "x"
            ),
            "Gebod 2: stuur niet door."
        );
        assert_eq!(description("", "fallback"), "fallback");
    }
}
