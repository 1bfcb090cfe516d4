//! `persona/missing-sign-off`: a reply that no person signs, where one should.
//!
//! A sign-off is required on the public channels (`x`, `facebook`, `instagram`) unless
//! `[persona] required` says otherwise; `required = true` asks for one everywhere (also without
//! `--channel`). `[persona] pattern` replaces the default sign-off pattern: it is searched in
//! the last line, and a match in the whole reply that reaches into the last line counts too
//! (for a pattern over two lines).
//!
//! By default the last line (quoted `>` lines and blank lines aside) or its end carries a
//! person's name or initials: "^Sanne", "^SV", "Groet, Mark", "Groetjes, Iris", "Gr. Lotte",
//! "Mvg, Bas", "Met vriendelijke groet, Hanneke" (the name may stand on the next line),
//! "- Kees", or a template placeholder (`{{ agent }}`, `{agent}`, `%AGENT%`, `[agent]`). A
//! team ("Team Klantenservice", "Webcare-team", "De Klantenservice") is not a person.

use super::{Hit, Input};
use crate::engine::Context;
use regex::Regex;
use std::sync::LazyLock;

/// The channels that require a sign-off unless `[persona] required` says otherwise.
pub const PUBLIC: &[&str] = &["x", "facebook", "instagram"];

/// Whether this context requires a human sign-off.
pub fn required(ctx: &Context) -> bool {
    match ctx.persona.as_ref().and_then(|p| p.required) {
        Some(r) => r,
        None => ctx.channel.as_deref().is_some_and(|c| PUBLIC.contains(&c)),
    }
}

const PLACEHOLDER: &str = r"\{\{[^{}\n]{1,60}\}\}|\{[A-Za-z_][A-Za-z0-9_.]{0,40}\}|%[A-Za-z_][A-Za-z0-9_]{0,40}%|\[[A-Za-z_][A-Za-z0-9_ ]{0,40}\]";
const INITIALS: &str = r"\p{Lu}{1,4}|(?:\p{Lu}\.\s?){1,4}|\p{Lu}\p{Ll}{1,3}\p{Lu}";
const PERSON: &str = r"\p{Lu}\p{Ll}+(?:[-']\p{Lu}?\p{Ll}+)*(?:\s\p{Lu}\.)?(?:\s+(?:(?:van|de|der|den|het|ten|ter|te|'t|vd|v\.d\.)\s+){0,3}\p{Lu}\p{Ll}+(?:-\p{Lu}?\p{Ll}+)*){0,2}";
/// The organisation before a name: "^Gemeente Oosterveld, Wendy".
const ORG: &str = r"[^,^\n]{1,40}?,\s*";
const GREETING: &str = r"(?i:(?:met\s+)?(?:(?:vriendelijke|hartelijke|warme|zonnige|lieve|fijne|veel)\s+)?(?:groet(?:en|jes|tjes)?|groeten)(?:\s+van)?|gr\.?|mvg\.?|m\.v\.g\.?|mvgr\.?|vr\.?\s?gr\.?|liefs|cheers)";

fn name() -> String {
    format!("(?:{PLACEHOLDER}|{INITIALS}|{PERSON})")
}

/// The end of a line that signs: `^Name`, a greeting and a name, `- Name`.
static SIGNED_LINE: LazyLock<Regex> = LazyLock::new(|| {
    let n = name();
    Regex::new(&format!(
        r"(?:\^\s?(?:{ORG})?(?P<caret>{n})|(?:^|[\s.,!?:;(])(?:{GREETING})[,:.!]?\s*[-–—]?\s*(?:{ORG})?(?P<greeted>{n})|(?:^|\s)[-–—~]\s?(?:{ORG})?(?P<dashed>{n})|^(?P<alone>{PLACEHOLDER}))$"
    ))
    .expect("sign-off pattern is valid")
});

/// A line that is only a greeting (the name follows on the next line).
static GREETING_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?:^|[\s.,!?])(?:{GREETING})[,:.!]*$")).expect("greeting is valid")
});

/// A line that is only a name.
static NAME_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^[-–—~^]?\s?(?:{ORG})?(?P<n>{})$", name())).expect("name is valid")
});

/// Words that make a "name" a team or the company, not a person.
static TEAM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)team|klantenservice|webcare|service|support|klantcontact|servicedesk|helpdesk|redactie|afdeling|medewerkers|klantendienst|sociale media|socialmedia|social media|gemeente|provincie|waterschap|stichting|vereniging|politie|ziekenhuis|bibliotheek|organisatie|bedrijf|webshop|nederland|\bb\.?v\b|\bn\.?v\b")
        .expect("team pattern is valid")
});

/// The last line of `text` that the agent wrote: not blank, not a quoted `>` line. Trimmed.
fn last_lines(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('>') {
            let start = at + (body.len() - body.trim_start().len());
            out.push((start, start + trimmed.len()));
        }
        at += line.len();
    }
    out
}

/// The line without trailing emoji, punctuation and spaces (placeholder brackets stay).
fn tail(line: &str) -> &str {
    line.trim_end_matches(|c: char| !(c.is_alphanumeric() || matches!(c, '}' | '%' | ']' | '.')))
        .trim_end_matches(|c: char| c == '.' || c.is_whitespace())
        .trim_end_matches(|c: char| !(c.is_alphanumeric() || matches!(c, '}' | '%' | ']')))
}

/// `line` without a trailing "(…)".
fn without_parenthesis(line: &str) -> &str {
    let trimmed = line.trim_end();
    match (trimmed.ends_with(')'), trimmed.rfind('(')) {
        (true, Some(open)) if open > 0 => line[..open].trim_end(),
        _ => line,
    }
}

/// Whether a matched name is a person (not a team), keeping initials with their dots.
fn is_person(name: &str) -> bool {
    !TEAM.is_match(name) && !name.trim().is_empty()
}

/// The default sign-off test on the last line and the one before it.
fn signed_by_default(last: &str, previous: Option<&str>) -> bool {
    // Initials may end in a dot ("Groet, M."): try the line with and without it, and without
    // a closing remark in parentheses ("Groet, Wendy (Gemeente Oosterveld)").
    let last = without_parenthesis(last);
    let candidates = [
        tail(last),
        last.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '.'),
    ];
    for t in candidates {
        if let Some(c) = SIGNED_LINE.captures(t) {
            let n = ["caret", "greeted", "dashed", "alone"]
                .iter()
                .find_map(|g| c.name(g))
                .map_or("", |m| m.as_str());
            if is_person(n) {
                return true;
            }
        }
    }
    let t = tail(last);
    if let Some(p) = previous {
        let name = NAME_LINE.captures(t).and_then(|c| c.name("n"));
        if GREETING_LINE.is_match(p.trim_end()) && name.is_some_and(|n| is_person(n.as_str())) {
            return true;
        }
        // A name alone on the last line under the text ("…\nSanne"), but not a one-word
        // closer ("Top!", "Bedankt").
        if LONE_NAME.is_match(t) && is_person(t) && !t.contains(char::is_whitespace) {
            let word = t.to_lowercase();
            return !CLOSERS.contains(&word.as_str());
        }
    }
    false
}

/// A lone first name (capitalised, two letters or more).
static LONE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?$").expect("lone name is valid")
});

/// One-word lines that end a reply but are no name.
#[rustfmt::skip]
const CLOSERS: &[&str] = &[
    "bedankt", "dank", "dankjewel", "dankuwel", "top", "succes", "sorry", "excuses", "hoi",
    "hallo", "hey", "ja", "nee", "prima", "super", "mooi", "klopt", "gelukt", "zeker", "graag",
    "fijn", "welkom", "gefeliciteerd", "proficiat", "helaas", "oeps", "balen", "jammer",
    "alvast", "enjoy", "doei", "ciao", "daag", "dag", "hoera", "gezellig", "groetjes", "groet",
    "groeten", "liefs", "cheers", "mvg", "veel", "tot", "ok", "oke", "okay", "perfect",
    "geweldig", "heerlijk", "genieten", "sterkte", "beterschap", "veilig", "goed", "klaar",
    "opgelost", "morgen", "vandaag", "straks", "zo", "thanks", "bye",
];

pub fn check(input: &Input) -> Vec<Hit> {
    if !required(input.ctx) {
        return Vec::new();
    }
    let text = input.analysis.text;
    let lines = last_lines(text);
    let Some(&(start, end)) = lines.last() else {
        return Vec::new();
    };
    let last = &text[start..end];
    let previous = lines
        .len()
        .checked_sub(2)
        .map(|i| &text[lines[i].0..lines[i].1]);
    let pattern = input.ctx.persona.as_ref().and_then(|p| p.pattern.as_ref());
    let signed = match pattern {
        Some(re) => re.is_match(last) || re.find_iter(text).any(|m| m.end() > start),
        None => signed_by_default(last, previous),
    };
    if signed {
        return Vec::new();
    }
    vec![Hit {
        start,
        end,
        vars: vec![("detail", detail(last, previous, pattern))],
    }]
}

/// Why the reply is not signed, for the message.
fn detail(last: &str, previous: Option<&str>, pattern: Option<&Regex>) -> String {
    const HOW: &str = "onderteken met je eigen naam of initialen (\"^Sanne\", \"Groet, Mark\")";
    if let Some(re) = pattern {
        return format!(
            "de laatste regel past niet bij het ondertekenpatroon van [persona] (`{}`)",
            re.as_str()
        );
    }
    let t = tail(last);
    let team = t
        .rsplit_once([',', ':', '^', '.', '!', '?', '–', '—', '~'])
        .map_or(t, |(_, after)| after)
        .trim()
        .trim_start_matches(['-', ' '])
        .trim();
    let name_like = team.split_whitespace().all(|w| {
        w.starts_with(char::is_uppercase)
            || matches!(w, "het" | "de" | "van" | "der" | "team" | "en")
    });
    if TEAM.is_match(team) && name_like && team.split_whitespace().count() <= 4 {
        return format!("\"{team}\" is een team, geen mens; {HOW}");
    }
    if GREETING_LINE.is_match(last.trim_end()) {
        return format!("na \"{t}\" volgt geen naam; {HOW}");
    }
    if previous.is_some_and(|p| GREETING_LINE.is_match(p.trim_end())) {
        return format!("onder de groet staat geen naam; {HOW}");
    }
    format!("het antwoord eindigt zonder naam; {HOW}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Persona;
    use crate::text::Analysis;

    fn ctx(channel: Option<&str>, persona: Option<Persona>) -> Context {
        Context {
            channel: channel.map(str::to_string),
            persona,
            ..Context::default()
        }
    }

    fn run(text: &str, ctx: &Context) -> Vec<Hit> {
        let a = Analysis::new(text);
        check(&Input {
            analysis: &a,
            ctx,
            findings: &[],
            rules: &[],
        })
    }

    fn signed(text: &str) -> bool {
        run(text, &ctx(Some("x"), None)).is_empty()
    }

    #[test]
    fn people_sign() {
        for t in [
            "Je pakket komt morgen. ^Sanne",
            "Je pakket komt morgen.\n^SV",
            "Je pakket komt morgen. ^SV 👋",
            "Je pakket komt morgen.\nGroet, Mark",
            "Je pakket komt morgen.\nGroetjes, Iris 😊",
            "Je pakket komt morgen.\nGr. Lotte",
            "Je pakket komt morgen.\nMvg, Bas",
            "Je pakket komt morgen.\nMet vriendelijke groet, Hanneke",
            "Je pakket komt morgen.\n\nMet vriendelijke groet,\nHanneke de Vries\n",
            "Je pakket komt morgen.\n- Kees",
            "Je pakket komt morgen. – Kees",
            "Je pakket komt morgen.\n{{ agent }}",
            "Je pakket komt morgen. ^{agent}",
            "Je pakket komt morgen.\nGroet, %AGENT%",
            "Je pakket komt morgen.\nGroet, Anne-Marie",
            "Je pakket komt morgen.\nGroet, M.",
            "Je pakket komt morgen.\nGroet, Sanne V.",
            "Je pakket komt morgen.\nGroeten van Bas",
            "Je pakket komt morgen.\nGroet,\nMvdB",
            "Je pakket komt morgen.\nSanne",
            "Je pakket komt morgen.\n[agent]",
            "Je pakket komt morgen. ^Gemeente Oosterveld, Wendy",
            "Je pakket komt morgen.\nMet vriendelijke groet,\nGemeente Oosterveld, Yvonne",
            "Je pakket komt morgen.\nMet vriendelijke groet, Gemeente Oosterveld, Yvonne",
            "Je pakket komt morgen.\nGroet, Wendy (Gemeente Oosterveld)",
            "Je pakket komt morgen.\nMet vriendelijke groet,\nTeam Klantenservice, Yvonne",
        ] {
            assert!(signed(t), "should count as signed: {t:?}");
        }
    }

    #[test]
    fn teams_and_nothing_do_not_sign() {
        for t in [
            "Je pakket komt morgen.",
            "Je pakket komt morgen.\nTeam Klantenservice",
            "Je pakket komt morgen.\nGroet, Team Klantenservice",
            "Je pakket komt morgen.\nGroet, het Webcare-team",
            "Je pakket komt morgen.\nMet vriendelijke groet,\nDe Klantenservice",
            "Je pakket komt morgen. ^Webcare",
            "Je pakket komt morgen.\nMet vriendelijke groet",
            "Je pakket komt morgen.\nGroetjes!",
            "Fijne dag, Sanne!\nJe pakket komt morgen.",
            "Je pakket komt morgen, Sanne.",
            "Je pakket komt morgen.\nTop!",
            "Je pakket komt morgen.\nBedankt",
            "Je pakket komt morgen. ^Gemeente Oosterveld, Klantenservice",
            "Je pakket komt morgen.\nMet vriendelijke groet, Gemeente Oosterveld",
        ] {
            assert!(!signed(t), "should not count as signed: {t:?}");
        }
    }

    #[test]
    fn label_is_the_last_line_and_message_names_the_team() {
        let text = "Je pakket komt morgen.\n  Groet, Team Klantenservice  \n\n";
        let hits = run(text, &ctx(Some("facebook"), None));
        assert_eq!(
            &text[hits[0].start..hits[0].end],
            "Groet, Team Klantenservice"
        );
        assert!(
            hits[0].vars[0]
                .1
                .starts_with("\"Team Klantenservice\" is een team")
        );
        let text = "Je pakket komt morgen.\nMet vriendelijke groet";
        let hits = run(text, &ctx(Some("instagram"), None));
        assert!(
            hits[0].vars[0]
                .1
                .starts_with("na \"Met vriendelijke groet\"")
        );
        let hits = run("Alles komt goed. ^Webcare", &ctx(Some("x"), None));
        assert!(hits[0].vars[0].1.starts_with("\"Webcare\" is een team"));
        let hits = run(
            "Alles komt goed via onze klantenservice",
            &ctx(Some("x"), None),
        );
        assert!(
            hits[0].vars[0]
                .1
                .starts_with("het antwoord eindigt zonder naam")
        );
        let hits = run(
            "Ga naar www.voorbeeld.nl/service voor de stappen.",
            &ctx(Some("x"), None),
        );
        assert!(
            hits[0].vars[0]
                .1
                .starts_with("het antwoord eindigt zonder naam")
        );
    }

    #[test]
    fn quoted_lines_at_the_end_are_not_the_reply() {
        assert!(signed(
            "Je pakket komt morgen. ^Sanne\n> waar blijft mijn pakket?\n"
        ));
    }

    #[test]
    fn required_follows_channel_and_config() {
        let text = "Je pakket komt morgen.";
        assert_eq!(run(text, &ctx(Some("x"), None)).len(), 1);
        assert!(run(text, &ctx(Some("whatsapp"), None)).is_empty());
        assert!(run(text, &ctx(None, None)).is_empty());
        let on = Persona {
            required: Some(true),
            pattern: None,
        };
        assert_eq!(run(text, &ctx(Some("email"), Some(on.clone()))).len(), 1);
        assert_eq!(run(text, &ctx(None, Some(on))).len(), 1);
        let off = Persona {
            required: Some(false),
            pattern: None,
        };
        assert!(run(text, &ctx(Some("x"), Some(off))).is_empty());
        assert!(run("", &ctx(Some("x"), None)).is_empty());
    }

    #[test]
    fn a_configured_pattern_replaces_the_default() {
        let p = Persona {
            required: None,
            pattern: Some(Regex::new(r"~[a-z]{2,3}$").unwrap()),
        };
        let c = ctx(Some("x"), Some(p));
        assert!(run("Je pakket komt morgen ~sv", &c).is_empty());
        let hits = run("Je pakket komt morgen. ^Sanne", &c);
        assert_eq!(hits.len(), 1);
        assert!(hits[0].vars[0].1.contains("ondertekenpatroon"));
        let p = Persona {
            required: None,
            pattern: Some(Regex::new(r"Groet,\n\w+$").unwrap()),
        };
        let c = ctx(Some("x"), Some(p));
        assert!(run("Je pakket komt morgen.\nGroet,\nSanne", &c).is_empty());
    }
}
