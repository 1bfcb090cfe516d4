//! What a rule regex needs in a reply before it can match: a few literal strings, one of
//! which must occur (ASCII case ignored). Found from the regex's syntax tree when its pack
//! loads, so that a reply without any of them skips the regex, and a regex no reply needs
//! is never compiled (compiling is the larger part of a one-draft run).

use regex_syntax::hir::{Class, Hir, HirKind};

/// At most this many alternatives in a requirement: more would test little.
const MAX_STRINGS: usize = 24;

/// A set of strings (ASCII-lowercased) one of which every match contains; `exact` when every
/// match *is* one of them (so neighbours can be joined to longer strings).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Need {
    strings: Vec<Vec<u8>>,
    exact: bool,
}

impl Need {
    fn exact(strings: Vec<Vec<u8>>) -> Option<Need> {
        (strings.len() <= MAX_STRINGS).then_some(Need {
            strings,
            exact: true,
        })
    }

    /// The shortest string's length: longer is rarer.
    fn strength(&self) -> usize {
        self.strings.iter().map(Vec::len).min().unwrap_or(0)
    }

    fn better_than(&self, other: &Need) -> bool {
        (self.strength(), std::cmp::Reverse(self.strings.len()))
            > (other.strength(), std::cmp::Reverse(other.strings.len()))
    }

    fn inexact(mut self) -> Need {
        self.exact = false;
        self
    }
}

/// The strings (lowercase) one of which a match of `hir` (parsed case-insensitively) must
/// contain; `None` when there is no useful set.
pub(crate) fn required(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let need = need(hir)?;
    (need.strength() > 0).then(|| sorted(need.strings))
}

/// At most this many sets [`required_all`] gives.
const MAX_SETS: usize = 3;

/// Sets of strings (lowercase), a string of each of which a match of `hir` must contain:
/// [`required`]'s set first, then up to two more of other parts of a sequence whose
/// shortest strings have at least 3 bytes (a code word before a sentence end and a request
/// to send it on: "code" and "door"). Empty when there is no useful set.
pub(crate) fn required_all(hir: &Hir) -> Vec<Vec<Vec<u8>>> {
    let Some(first) = required(hir) else {
        return Vec::new();
    };
    let mut sets = vec![first];
    let mut top = hir;
    while let HirKind::Capture(c) = top.kind() {
        top = &c.sub;
    }
    if let HirKind::Concat(parts) = top.kind() {
        let mut others: Vec<Need> = Vec::new();
        concat_all(parts, &mut others);
        others.sort_by(|a, b| {
            if a.better_than(b) {
                std::cmp::Ordering::Less
            } else if b.better_than(a) {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        });
        for n in others {
            let strings = sorted(n.strings);
            if sets.len() < MAX_SETS
                && strings.iter().all(|s| s.len() >= 3)
                && !sets.contains(&strings)
            {
                sets.push(strings);
            }
        }
    }
    sets
}

fn sorted(mut strings: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    strings.sort();
    strings.dedup();
    strings
}

/// Every requirement of a sequence's parts (each a set one string of which a match of the
/// sequence contains): the runs of exact parts joined, and the other parts' own.
fn concat_all(parts: &[Hir], out: &mut Vec<Need>) {
    let empty = || Need {
        strings: vec![Vec::new()],
        exact: true,
    };
    let mut run = Some(empty());
    for part in parts {
        match need(part) {
            Some(n) if n.exact => {
                run = run.and_then(|r| join(&r, &n));
                if run.is_none() {
                    run = Some(n);
                }
            }
            other => {
                out.extend(run.take().filter(|r| r.strength() > 0));
                out.extend(other.filter(|n| n.strength() > 0));
                run = Some(empty());
            }
        }
    }
    out.extend(run.filter(|r| r.strength() > 0));
}

fn need(hir: &Hir) -> Option<Need> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Need::exact(vec![Vec::new()]),
        HirKind::Literal(lit) => Need::exact(vec![lit.0.to_ascii_lowercase()]),
        HirKind::Class(class) => class_chars(class).and_then(Need::exact),
        HirKind::Capture(c) => need(&c.sub),
        HirKind::Repetition(r) => {
            if r.min == 0 {
                return None;
            }
            let sub = need(&r.sub)?;
            Some(if r.min == 1 && r.max == Some(1) {
                sub
            } else {
                sub.inexact()
            })
        }
        HirKind::Alternation(branches) => {
            let mut strings = Vec::new();
            let mut exact = true;
            for b in branches {
                let n = need(b)?;
                exact &= n.exact;
                strings.extend(n.strings);
            }
            strings.sort();
            strings.dedup();
            (strings.len() <= MAX_STRINGS).then_some(Need { strings, exact })
        }
        HirKind::Concat(parts) => concat(parts),
    }
}

/// The best requirement of a sequence: runs of exact parts are joined into longer strings.
fn concat(parts: &[Hir]) -> Option<Need> {
    let mut best: Option<Need> = None;
    let mut run: Option<Need> = Some(Need {
        strings: vec![Vec::new()],
        exact: true,
    });
    let mut all_exact = true;
    let keep = |n: Need, best: &mut Option<Need>| {
        if best.as_ref().is_none_or(|b| n.better_than(b)) {
            *best = Some(n);
        }
    };
    for part in parts {
        match need(part) {
            Some(n) if n.exact => {
                run = run.and_then(|r| join(&r, &n));
                if run.is_none() {
                    // Too many combinations: start a new run from this part.
                    run = Some(n.clone());
                    all_exact = false;
                }
            }
            other => {
                all_exact = false;
                if let Some(r) = run.take() {
                    keep(r.inexact(), &mut best);
                }
                if let Some(n) = other {
                    keep(n.inexact(), &mut best);
                }
                run = Some(Need {
                    strings: vec![Vec::new()],
                    exact: true,
                });
            }
        }
    }
    if let Some(r) = run {
        if all_exact && best.is_none() {
            return Some(r);
        }
        keep(r.inexact(), &mut best);
    }
    best
}

/// Every string of `a` followed by every string of `b`, if not too many.
fn join(a: &Need, b: &Need) -> Option<Need> {
    if a.strings.len() * b.strings.len() > MAX_STRINGS {
        return None;
    }
    let strings = a
        .strings
        .iter()
        .flat_map(|x| b.strings.iter().map(move |y| [x.as_slice(), y].concat()))
        .collect();
    Need::exact(strings)
}

/// The characters of a small class, lowercased, as strings; the case variants a
/// case-insensitive parse adds (`[kK\u{212A}]`, `[sS\u{17F}]`) count once.
fn class_chars(class: &Class) -> Option<Vec<Vec<u8>>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut add = |c: char| {
        let c = match c {
            '\u{212A}' => 'k',
            '\u{17F}' => 's',
            c => c.to_ascii_lowercase(),
        };
        let mut buf = [0u8; 4];
        let s = c.encode_utf8(&mut buf).as_bytes().to_vec();
        if !out.contains(&s) {
            out.push(s);
        }
        out.len() <= 4
    };
    match class {
        Class::Unicode(u) => {
            for r in u.iter() {
                if r.end() as u32 - r.start() as u32 > 8 {
                    return None;
                }
                for c in r.start()..=r.end() {
                    if !add(c) {
                        return None;
                    }
                }
            }
        }
        Class::Bytes(b) => {
            for r in b.iter() {
                if r.end() - r.start() > 8 {
                    return None;
                }
                for c in r.start()..=r.end() {
                    if !c.is_ascii() || !add(c as char) {
                        return None;
                    }
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hir(re: &str) -> Hir {
        regex_syntax::ParserBuilder::new()
            .case_insensitive(true)
            .build()
            .parse(re)
            .unwrap()
    }

    fn text(strings: Vec<Vec<u8>>) -> Vec<String> {
        strings
            .into_iter()
            .map(|s| String::from_utf8(s).unwrap())
            .collect()
    }

    fn req(re: &str) -> Option<Vec<String>> {
        required(&hir(re)).map(text)
    }

    fn set(words: &[&str]) -> Option<Vec<String>> {
        let mut v: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        v.sort();
        Some(v)
    }

    #[test]
    fn literals_are_joined_across_case_classes() {
        assert_eq!(req(r"(?-u:\b)(?:SLA|KCC)(?-u:\b)"), set(&["kcc", "sla"]));
        assert_eq!(
            req(r"(?-u:\b)0(?:800|900|88)[ -]?[0-9]{2,4}"),
            set(&["0800", "088", "0900"])
        );
        assert_eq!(req(r"(?-u:\b)nogmaals\s*[:,;]"), set(&["nogmaals"]));
        assert_eq!(
            req(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[a-z]{2,}"),
            set(&["@"])
        );
    }

    #[test]
    fn the_strongest_part_wins() {
        assert_eq!(
            req(r"(?im)^[ \t]*[-•*·][ \t]*(?:je|uw)?[ \t]*(?:wachtwoord|inlogcode)[ \t]*$"),
            set(&["inlogcode", "wachtwoord"])
        );
        assert_eq!(
            req(r"(?:kijk|ga)\s+(?:op|naar)\s+(?:https?://|www\.)"),
            set(&["http", "www."])
        );
    }

    fn all(re: &str) -> Vec<Vec<String>> {
        required_all(&hir(re)).into_iter().map(text).collect()
    }

    #[test]
    fn parts_of_a_sequence_are_required_together() {
        assert_eq!(
            all(
                r"(?:code|sms)[^.]{0,60}[.!?][ \t]*(?:stuur|geef)[ \t]+(?:die|de)[ \t]+(?:door|terug)"
            ),
            vec![
                vec!["geef".to_string(), "stuur".into()],
                vec!["door".to_string(), "terug".into()],
                vec!["code".to_string(), "sms".into()],
            ]
        );
        // One set when there is one part, or no other strong one.
        assert_eq!(
            all(r"(?-u:\b)nogmaals\s*[:,;]"),
            vec![vec!["nogmaals".to_string()]]
        );
        assert_eq!(
            all(r"(?:slechts|al vanaf)\s+[0-9]+"),
            vec![vec!["al vanaf".to_string(), "slechts".into()]]
        );
        assert!(all(r"[0-9]+").is_empty());
    }

    #[test]
    fn nothing_useful_is_none() {
        assert_eq!(req(r"[0-9]+"), None);
        assert_eq!(req(r"(?:a|[0-9]+)x?"), None);
        assert_eq!(req(r"\w+@?"), None);
    }

    #[test]
    fn a_reply_without_the_strings_has_no_match() {
        // The requirement is necessary: every match contains one of the strings.
        let cases = [
            (
                r"(?-u:\b)z\.\s?s\.\s?m(?-u:\b)\.?",
                "Wij lossen het Z. S. M. op",
            ),
            (
                r"(?:^|[^€0-9.,])(?:[01]?[0-9]|2[0-3])[:.][0-5][0-9]",
                "om 9.30 uur",
            ),
            (r"(?-i)(?-u:\b)[Cc]ode\s+[A-Z]{4,}", "met CODE WINTER"),
            (r"(?:slechts|voor maar)\s+€\s?[0-9]+", "VOOR MAAR € 5"),
            (
                r"(?i)(?-u:\b)(?:code|sms)(?-u:\b)[^.!?\n]{0,60}[.!?][ \t]*(?:wil|stuur)[ \t]+(?:die|de)(?-u:\b)[^.!?\n]{0,30}(?-u:\b)(?:door|terug)(?-u:\b)",
                "Je SMS is binnen. Stuur DIE even DOOR.",
            ),
        ];
        for (re, text) in cases {
            let m = regex::RegexBuilder::new(re)
                .case_insensitive(true)
                .build()
                .unwrap();
            let lower = text.to_ascii_lowercase();
            let found = m.is_match(text);
            let needed = req(re).is_none_or(|v| v.iter().any(|s| lower.contains(s.as_str())));
            assert!(!found || needed, "{re} on {text:?}: {:?}", req(re));
            for set in all(re) {
                let has = set.iter().any(|s| lower.contains(s.as_str()));
                assert!(!found || has, "{set:?} for {re}");
            }
        }
    }
}
