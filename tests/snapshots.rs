//! Rendered output, snapshotted with insta (no colour, 80 columns): human diagnostics for the
//! drafts in `fixtures/render/`, and pack errors for the malformed packs in `fixtures/packs/`.
//! Each fixture opens with what it expects; the test checks that before the snapshot.

use miette::{GraphicalReportHandler, GraphicalTheme};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use webcare_lint::check::Checker;
use webcare_lint::documents::Format;
use webcare_lint::engine::{Context, Linter, Selection};
use webcare_lint::packs;
use webcare_lint::report::Human;

fn fixtures(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {dir}");
    files
}

/// The text after `expect:` on the first line.
fn expectation(source: &str) -> String {
    let first = source.lines().next().unwrap_or("");
    let at = first.find("expect:").expect("fixture opens with `expect:`");
    first[at + 7..]
        .trim()
        .trim_end_matches("-->")
        .trim()
        .to_string()
}

fn name(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

#[test]
fn human_output_for_render_fixtures() {
    let packs = packs::builtin().unwrap();
    let linter = Linter::new(&packs, &Selection::default()).unwrap();
    let checker = Checker {
        linter: &linter,
        ctx: Context::default(),
        library: Default::default(),
    };
    let human = Human::new(false, 80);
    for path in fixtures("fixtures/render", "md") {
        let source: Arc<str> = Arc::from(std::fs::read_to_string(&path).unwrap());
        let shown = path.display().to_string().replace('\\', "/");
        let mut result = checker.check_text(&shown, source.clone(), Format::Markdown);
        let library = webcare_lint::check::library_diagnostics(
            &linter,
            &result.summaries,
            &Default::default(),
            |_| Some(source.clone()),
        );
        result.diagnostics.extend(library);
        result
            .diagnostics
            .sort_by_key(|d| (d.span.start, d.rule.clone()));
        let mut fired: Vec<&str> = result.diagnostics.iter().map(|d| d.rule.as_str()).collect();
        fired.sort();
        fired.dedup();
        let mut expected: Vec<&str> = Vec::new();
        let expect = expectation(&source);
        if expect != "(none)" {
            expected = expect.split(',').map(str::trim).collect();
        }
        expected.sort();
        assert_eq!(fired, expected, "{shown}: rules fired");
        let mut out = String::new();
        for d in &result.diagnostics {
            out.push_str(&human.render(d, &source));
        }
        if out.is_empty() {
            out.push_str("(no findings)\n");
        }
        insta::assert_snapshot!(format!("render_{}", name(&path)), out);
    }
}

fn number(word: &str) -> usize {
    ["zero", "one", "two", "three", "four", "five", "six"]
        .iter()
        .position(|w| *w == word)
        .unwrap_or_else(|| panic!("unknown count {word}"))
}

#[test]
fn pack_errors_for_malformed_packs() {
    let handler =
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(80);
    for path in fixtures("fixtures/packs", "toml") {
        let source = std::fs::read_to_string(&path).unwrap();
        let want = number(expectation(&source).split_whitespace().next().unwrap());
        let err = match packs::load_validated(&path) {
            Ok(_) => panic!("{} should not load", path.display()),
            Err(e) => e,
        };
        let got = match &err {
            packs::LoadError::Pack(p) => p.problems.len(),
            other => panic!("{}: unexpected error {other}", path.display()),
        };
        assert_eq!(got, want, "{}: number of problems", path.display());
        let mut out = String::new();
        handler.render_report(&mut out, &err).unwrap();
        insta::assert_snapshot!(format!("pack_{}", name(&path)), out);
    }
}
