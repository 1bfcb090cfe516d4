//! twitter-text's conformance cases for the weighted length (`validate.yml` in
//! `../shared/conformance/twitter-text/`, see its SOURCE.md).
//!
//! `WeightedTweetsCounterTest` is counted with the v2 configuration,
//! `WeightedTweetsWithDiscountedEmojiCounterTest` and `UnicodeDirectionalMarkerCounterTest`
//! with v3. Every case checks `weightedLength`, `valid` and `validRangeEnd` (twitter-text
//! gives the last valid UTF-16 index, inclusive; we give a byte offset, exclusive). The
//! file is read with a small extractor for just these sections, so no YAML crate is needed.

use std::path::Path;

use webcare_lint::length::twitter::{Config, parse};

/// A section of `validate.yml`, the configuration it is counted with and its case count.
struct Section {
    name: &'static str,
    config: Config,
    cases: usize,
}

const SECTIONS: &[Section] = &[
    Section {
        name: "WeightedTweetsCounterTest",
        config: Config::v2(),
        cases: 20,
    },
    Section {
        name: "WeightedTweetsWithDiscountedEmojiCounterTest",
        config: Config::v3(),
        cases: 22,
    },
    Section {
        name: "UnicodeDirectionalMarkerCounterTest",
        config: Config::v3(),
        cases: 2,
    },
];
const TOTAL_CASES: usize = 44;

#[derive(Debug, Default)]
struct Case {
    description: String,
    text: Option<String>,
    weighted_length: Option<usize>,
    valid: Option<bool>,
    valid_range_end: Option<usize>,
}

#[test]
fn weighted_length_matches_twitter_text() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/conformance/twitter-text/validate.yml");
    let yaml = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "../shared is missing: cannot read the twitter-text conformance data at {} ({e}); \
             it lives in shared/ next to this repository (CI always has it)",
            path.display()
        )
    });

    let mut failures = Vec::new();
    let mut total = 0;
    for &Section {
        name: section,
        config,
        cases: expected_count,
    } in SECTIONS
    {
        let cases = section_cases(&yaml, section);
        assert_eq!(
            cases.len(),
            expected_count,
            "{section}: expected {expected_count} cases in {}",
            path.display()
        );
        for case in cases {
            total += 1;
            let label = format!("{section} / {}", case.description);
            let (Some(text), Some(weighted_length), Some(valid), Some(valid_range_end)) = (
                case.text.as_deref(),
                case.weighted_length,
                case.valid,
                case.valid_range_end,
            ) else {
                failures.push(format!("{label}: incomplete case {case:?}"));
                continue;
            };
            let parsed = parse(text, &config);
            if parsed.weighted_length != weighted_length {
                failures.push(format!(
                    "{label}: weightedLength {} (expected {weighted_length})",
                    parsed.weighted_length
                ));
            }
            if parsed.valid != valid {
                failures.push(format!(
                    "{label}: valid {} (expected {valid})",
                    parsed.valid
                ));
            }
            let utf16_end: usize = text[..parsed.valid_range_end]
                .chars()
                .map(char::len_utf16)
                .sum();
            let inclusive = utf16_end.saturating_sub(1);
            if inclusive != valid_range_end {
                failures.push(format!(
                    "{label}: validRangeEnd {inclusive} (byte {}, expected {valid_range_end})",
                    parsed.valid_range_end
                ));
            }
        }
    }
    assert_eq!(
        total, TOTAL_CASES,
        "expected {TOTAL_CASES} weighted-length cases"
    );
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("twitter-text conformance: {total}/{TOTAL_CASES} weighted cases pass");
}

/// The cases of `tests.<section>`: list items (`- description: …`) with `text` and the
/// `expected` fields this test needs.
fn section_cases(yaml: &str, section: &str) -> Vec<Case> {
    let header = format!("  {section}:");
    let mut lines = yaml.lines().skip_while(|line| line.trim_end() != header);
    assert!(lines.next().is_some(), "section {section} not found");
    let mut cases: Vec<Case> = Vec::new();
    for line in lines {
        let indent = line.len() - line.trim_start().len();
        let content = line.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if indent <= 2 {
            break; // the next section
        }
        let (item, content) = match content.strip_prefix("- ") {
            Some(rest) => (true, rest),
            None => (false, content),
        };
        if item {
            cases.push(Case::default());
        }
        let Some(case) = cases.last_mut() else {
            continue;
        };
        let Some((key, value)) = content.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "description" => case.description = scalar(value),
            "text" => case.text = Some(scalar(value)),
            "weightedLength" => case.weighted_length = value.parse().ok(),
            "valid" => case.valid = value.parse().ok(),
            "validRangeEnd" => case.valid_range_end = value.parse().ok(),
            _ => {}
        }
    }
    cases
}

/// A one-line YAML scalar: double-quoted (with escapes), single-quoted or plain.
fn scalar(value: &str) -> String {
    if let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        unescape_double_quoted(inner)
    } else if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        inner.replace("''", "'")
    } else {
        value.to_string()
    }
}

/// YAML double-quoted escapes: `\\ \" \/ \0 \a \b \t \n \v \f \r \e \  \N \_ \L \P`,
/// `\xXX`, `\uXXXX` (surrogate pairs joined) and `\UXXXXXXXX`.
fn unescape_double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut pending_high: Option<u32> = None;
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let escape = chars.next().expect("escape at end of string");
        let hex_len = match escape {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            _ => 0,
        };
        if hex_len > 0 {
            let hex: String = (0..hex_len)
                .map(|_| chars.next().expect("short hex escape"))
                .collect();
            let code = u32::from_str_radix(&hex, 16).expect("bad hex escape");
            match (pending_high.take(), code) {
                (None, 0xD800..=0xDBFF) => pending_high = Some(code),
                (Some(high), 0xDC00..=0xDFFF) => {
                    let joined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00);
                    out.push(char::from_u32(joined).expect("valid surrogate pair"));
                }
                (high, code) => {
                    assert!(high.is_none(), "lone surrogate escape in {s:?}");
                    out.push(char::from_u32(code).expect("escape is a scalar value"));
                }
            }
            continue;
        }
        out.push(match escape {
            '0' => '\0',
            'a' => '\u{7}',
            'b' => '\u{8}',
            't' | '\t' => '\t',
            'n' => '\n',
            'v' => '\u{B}',
            'f' => '\u{C}',
            'r' => '\r',
            'e' => '\u{1B}',
            ' ' => ' ',
            'N' => '\u{85}',
            '_' => '\u{A0}',
            'L' => '\u{2028}',
            'P' => '\u{2029}',
            '"' | '\\' | '/' => escape,
            other => panic!("unknown YAML escape \\{other} in {s:?}"),
        });
    }
    assert!(pending_high.is_none(), "lone surrogate escape in {s:?}");
    out
}

#[test]
fn yaml_escapes() {
    assert_eq!(
        scalar(r#""a\u2000b\U0001F600\n\"\\""#),
        "a\u{2000}b😀\n\"\\"
    );
    assert_eq!(scalar(r#""\uD83D\uDE00""#), "😀");
    assert_eq!(scalar("'it''s'"), "it's");
    assert_eq!(scalar("plain"), "plain");
}
