//! Structured libraries (YAML, JSON, JSONL, CSV) checked with the built-in packs: every
//! diagnostic a fixture in `fixtures/libraries/` expects must be reported with its document
//! id, line and column, and its span must be exactly the violating phrase as it stands in the
//! file (escapes and folded line breaks included). See `fixtures/libraries/README.md`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use webcare_lint::check::{Checker, FileResult};
use webcare_lint::documents::{self, Document, Format, LibraryOptions};
use webcare_lint::engine::{Context, Linter, Selection};
use webcare_lint::packs;

const DIR: &str = "fixtures/libraries";

fn fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(DIR)
        .unwrap_or_else(|e| panic!("{DIR}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// `\n` stands for a line break and `\\` for a backslash in an expected span text.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.clone().next() {
                Some('n') => {
                    chars.next();
                    out.push('\n');
                    continue;
                }
                Some('\\') => {
                    chars.next();
                    out.push('\\');
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
    }
    out
}

/// The expectation lines (`RULE | DOCUMENT | LINE:COL | TEXT`) of a fixture: its `# expect:`
/// comments, its JSON `"_expect"` key, or its lines in the README.
fn expectations(path: &Path, source: &str) -> Vec<String> {
    let name = file_name(path);
    let after = |line: &str| {
        line.split_once("expect:")
            .map(|(_, e)| e.trim().to_string())
    };
    let from_comments: Vec<String> = source
        .lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(after)
        .collect();
    if !from_comments.is_empty() {
        return from_comments;
    }
    if name.ends_with(".json")
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(source)
        && let Some(e) = v.get("_expect")
    {
        return match e {
            serde_json::Value::String(s) => vec![s.clone()],
            serde_json::Value::Array(a) => a
                .iter()
                .map(|s| s.as_str().expect("_expect strings").to_string())
                .collect(),
            _ => panic!("{name}: _expect must be a string or a list of strings"),
        };
    }
    let readme = std::fs::read_to_string(Path::new(DIR).join("README.md")).unwrap();
    let tag = format!("`{name}`: expect:");
    readme
        .lines()
        .filter(|l| l.contains(&tag))
        .filter_map(after)
        .collect()
}

fn checker_result(path: &Path, source: &Arc<str>) -> FileResult {
    let packs = packs::builtin().unwrap();
    let linter = Linter::new(&packs, &Selection::default()).unwrap();
    let checker = Checker {
        linter: &linter,
        ctx: Context::default(),
        library: LibraryOptions::default(),
    };
    let shown = path.display().to_string().replace('\\', "/");
    checker.check_text(&shown, source.clone(), Format::for_path(path))
}

#[test]
fn every_fixture_format_is_covered() {
    let names: Vec<String> = fixtures().iter().map(|p| file_name(p)).collect();
    for ext in [".yml", ".json", ".jsonl", ".csv"] {
        assert!(
            names.iter().any(|n| n.ends_with(ext)),
            "no {ext} fixture in {DIR}"
        );
    }
    for path in fixtures() {
        let source = std::fs::read_to_string(&path).unwrap();
        assert!(
            !expectations(&path, &source).is_empty(),
            "{}: no expectations",
            path.display()
        );
    }
}

#[test]
fn diagnostics_point_at_the_phrase_in_the_file() {
    let mut checked = 0;
    for path in fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let source: Arc<str> = Arc::from(String::from_utf8(bytes.clone()).unwrap());
        let result = checker_result(&path, &source);
        let shown = path.display();
        for expect in expectations(&path, &source) {
            let parts: Vec<&str> = expect.split(" | ").map(str::trim).collect();
            if parts[0] == "failure" {
                let failure = result
                    .failure
                    .as_ref()
                    .unwrap_or_else(|| panic!("{shown}: parsed, expected a failure"));
                assert!(
                    failure.message.contains(parts[2]),
                    "{shown}: {}",
                    failure.message
                );
                let (line, col) = parts[1].split_once(':').unwrap();
                assert!(
                    failure
                        .message
                        .ends_with(&format!("(line {line}, column {col})")),
                    "{shown}: {}",
                    failure.message
                );
                checked += 1;
                continue;
            }
            assert!(result.failure.is_none(), "{shown}: {:?}", result.failure);
            let [rule, doc, at, text] = parts[..] else {
                panic!("{shown}: bad expectation {expect:?}");
            };
            let text = unescape(text);
            let (line, col) = at.split_once(':').unwrap();
            let (line, col): (usize, usize) = (line.parse().unwrap(), col.parse().unwrap());
            let found = result.diagnostics.iter().find(|d| {
                d.rule == rule
                    && d.document.as_deref() == Some(doc)
                    && d.span.line == line
                    && d.span.column == col
            });
            let Some(d) = found else {
                let got: Vec<String> = result
                    .diagnostics
                    .iter()
                    .map(|d| {
                        format!(
                            "{} {:?} {}:{} {:?}",
                            d.rule, d.document, d.span.line, d.span.column, d.text
                        )
                    })
                    .collect();
                panic!("{shown}: no {expect:?}; got {got:#?}");
            };
            let raw = std::str::from_utf8(&bytes[d.span.start..d.span.end]).unwrap();
            assert_eq!(raw, text, "{shown}: span of {expect:?}");
            assert_eq!(d.text, text, "{shown}: reported text of {expect:?}");
            checked += 1;
        }
    }
    assert!(checked >= 14, "only {checked} expectations checked");
}

fn split(name: &str) -> (String, Vec<Document>) {
    let path = Path::new(DIR).join(name);
    let source = std::fs::read_to_string(&path).unwrap();
    let docs = documents::split(Format::for_path(&path), &source, &LibraryOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    (source, docs)
}

fn doc<'a>(docs: &'a [Document], id: &str) -> &'a Document {
    docs.iter()
        .find(|d| d.id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no document {id}"))
}

/// The document range of `phrase` in a document's text.
fn range(d: &Document, phrase: &str) -> (usize, usize) {
    let at = d
        .text
        .find(phrase)
        .unwrap_or_else(|| panic!("{phrase:?} in {:?}", d.text));
    (at, at + phrase.len())
}

#[test]
fn yaml_suppression_comment_belongs_to_its_record() {
    let (source, docs) = split("yaml-saved-replies.yml");
    let ids: Vec<_> = docs.iter().map(|d| d.id.clone().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "Pakket te laat",
            "Retour",
            "Factuur '2024'",
            "Adres",
            "Gewoon",
            "Storing"
        ]
    );
    for d in &docs[..5] {
        assert!(d.suppressions.is_empty(), "{:?}", d.id);
    }
    let s = &doc(&docs, "Storing").suppressions;
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].ids, ["channel/redirect-phone"]);
    assert_eq!(
        s[0].reason.as_deref(),
        Some("bij een storing is het storingsnummer het antwoord")
    );
    assert!(source[s[0].start..s[0].end].starts_with("# webcare-lint: allow"));
    // Folding and block indentation: the text is decoded, and a span across a fold is no
    // place for an edit in the file.
    let retour = doc(&docs, "Retour");
    let (a, b) = range(retour, "Stuur ons even een mailtje");
    assert!(!retour.map.is_contiguous(a, b));
    let pakket = doc(&docs, "Pakket te laat");
    assert!(pakket.text.starts_with("Wat vervelend"));
    let (a, b) = range(pakket, "Bel even met onze klantenservice");
    assert!(pakket.map.is_contiguous(a, b));
    assert_eq!(
        doc(&docs, "Adres").text,
        "Je adres is aangepast ✅ Mail naar info@voorbeeld.nl als het niet klopt."
    );
}

#[test]
fn json_escapes_decode_and_allow_key_suppresses() {
    let (source, docs) = split("list.json");
    let escapes = doc(&docs, "Escapes");
    assert!(
        escapes
            .text
            .starts_with("Hoi \"Sanne\",\nCafé 😀 / één moment: ")
    );
    let (a, b) = range(escapes, "Bel even met onze klantenservice");
    assert!(
        escapes.map.is_contiguous(a, b),
        "no escape inside the phrase"
    );
    let inside = doc(&docs, "Escape in de zin");
    let (a, b) = range(inside, "Stuur ons even een\u{a0}mailtje");
    assert!(
        !inside.map.is_contiguous(a, b),
        "an escape inside the phrase"
    );
    let r42 = doc(&docs, "42");
    assert_eq!(
        r42.in_reply_to.as_deref(),
        Some("Waar blijft mijn terugbetaling?")
    );
    assert_eq!(r42.suppressions.len(), 1);
    let s = &r42.suppressions[0];
    assert_eq!(s.ids, ["channel/redirect-email"]);
    assert!(source[s.start..s.end].starts_with("\"channel/redirect-email\": \"dit adres"));
    assert_eq!(docs[3].id.as_deref(), Some("#4"));
}

#[test]
fn zendesk_html_is_blanked_and_commentless_macros_skipped() {
    let (_, docs) = split("macros.json");
    let ids: Vec<_> = docs.iter().map(|d| d.id.clone().unwrap()).collect();
    assert_eq!(ids, ["360001", "360002"]);
    let html = &docs[0].text;
    assert!(!html.contains('<') && !html.contains("&amp;"), "{html:?}");
    assert!(
        html.contains("Mail naar info@voorbeeld.nl & we sturen"),
        "{html:?}"
    );
}

#[test]
fn csv_fields_and_missing_text_column() {
    let (_, docs) = split("replies.csv");
    let retour = doc(&docs, "retour");
    assert!(
        retour
            .text
            .starts_with("Je kunt het \"gratis\" terugsturen.")
    );
    let storing = doc(&docs, "storing");
    assert!(storing.text.contains("regio.\r\nBel even"));
    let source = std::fs::read_to_string(Path::new(DIR).join("replies.csv")).unwrap();
    let opts = LibraryOptions {
        csv_text_column: Some("antwoord".into()),
        ..LibraryOptions::default()
    };
    let e = documents::split(Format::Csv, &source, &opts).unwrap_err();
    assert!(
        e.message.contains("`id`, `titel`, `tekst`") && e.message.contains("csv-text-column"),
        "{}",
        e.message
    );
}
