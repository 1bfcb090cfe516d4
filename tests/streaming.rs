//! Streaming: a JSONL library checked piece by piece gives exactly what the whole file gives,
//! and `check` writing findings as it goes prints exactly the held report.

mod common;

use std::process::Command;
use std::sync::Arc;
use webcare_lint::check::{Checker, FileResult};
use webcare_lint::documents::{Format, LibraryOptions};
use webcare_lint::engine::{Context, Linter, Selection};
use webcare_lint::packs;
use webcare_lint::report::Report;

/// A library with the cases a cut could break: a BOM, CRLF, blank lines, bare strings,
/// records without an id (ids by position), a suppression, non-ASCII text.
const TRICKY: &str = "\u{feff}{\"id\": \"a\", \"text\": \"Bel even met onze klantenservice.\"}\r\n\
\r\n\
\"Mail naar info@voorbeeld.nl, dan kijken ze mee.\"\n\
{\"text\": \"Wat vervelend! Vóór vrijdag zet ik het door.\"}\n\
\n\
{\"text\": \"Bel ons gerust.\", \"webcare-lint-allow\": {\"channel\": \"afgesproken — bellen mag\"}}\n\
{\"text\": \"Stuur ons een DM met je pincode 😊\"}\n\
{\"text\": \"Ik bel je morgen om 10:00, ^Sanne\"}";

fn linter() -> Linter {
    let packs = packs::builtin().unwrap();
    Linter::new(&packs, &Selection::default()).unwrap()
}

fn checker(linter: &Linter) -> Checker<'_> {
    Checker {
        linter,
        ctx: Context::default(),
        library: LibraryOptions::default(),
    }
}

fn streamed(checker: &Checker, text: &str, piece: usize) -> FileResult {
    let mut all = FileResult::default();
    checker
        .check_jsonl_stream("lib.jsonl", text.as_bytes(), piece, |r| {
            all.diagnostics.extend(r.diagnostics);
            all.documents += r.documents;
            assert!(all.failure.is_none(), "nothing after a failure");
            all.failure = r.failure;
            Ok::<(), ()>(())
        })
        .unwrap();
    Report::sort(&mut all.diagnostics);
    all
}

fn whole(checker: &Checker, text: &str) -> FileResult {
    let mut r = checker.check_text("lib.jsonl", Arc::from(text), Format::Jsonl);
    Report::sort(&mut r.diagnostics);
    r
}

#[test]
fn pieces_give_what_the_whole_file_gives() {
    let linter = linter();
    let checker = checker(&linter);
    let corpus = std::fs::read_to_string("fixtures/corpus/tuning.jsonl").unwrap();
    for text in [TRICKY, corpus.as_str()] {
        let expected = whole(&checker, text);
        assert!(expected.failure.is_none(), "{:?}", expected.failure);
        assert!(expected.diagnostics.len() >= 4, "the library has findings");
        for piece in [1, 7, 64, 4096, 1 << 20] {
            let got = streamed(&checker, text, piece);
            assert_eq!(got.documents, expected.documents, "piece {piece}");
            assert!(got.failure.is_none(), "piece {piece}");
            assert_eq!(got.diagnostics, expected.diagnostics, "piece {piece}");
        }
    }
}

#[test]
fn a_bad_line_is_reported_at_its_place_in_the_file() {
    let linter = linter();
    let checker = checker(&linter);
    let text = format!("{TRICKY}\n{{\"text\": \"kapot\",}}\n{{\"text\": \"Bel ons.\"}}\n");
    let expected = whole(&checker, &text)
        .failure
        .expect("the whole file fails");
    assert!(
        expected.message.contains("(line 9, column 18)"),
        "{}",
        expected.message
    );
    for piece in [1, 64, 1 << 20] {
        let got = streamed(&checker, &text, piece);
        assert_eq!(got.failure.as_ref(), Some(&expected), "piece {piece}");
    }
}

#[test]
fn invalid_utf8_in_a_later_piece_is_placed_in_the_file() {
    let linter = linter();
    let checker = checker(&linter);
    let mut bytes = b"\"Bel ons.\"\n\"ok\"\n\"kap".to_vec();
    bytes.extend([0xff, b'"', b'\n']);
    let expected = checker.check_bytes("lib.jsonl", bytes.clone(), Format::Jsonl);
    let mut failure = None;
    checker
        .check_jsonl_stream("lib.jsonl", &bytes[..], 4, |r| {
            failure = failure.take().or(r.failure);
            Ok::<(), ()>(())
        })
        .unwrap();
    let expected = expected.failure.expect("not UTF-8");
    assert!(
        expected.message.contains("byte 20 (line 3, column 5)"),
        "{}",
        expected.message
    );
    assert_eq!(failure, Some(expected));
}

fn run(args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_webcare-lint"))
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

/// `--statistics` needs the whole report, so it takes the held path; with JSON, the
/// statistics go to stderr and stdout must be the same report. With library rules the
/// streamed run holds rendered findings and merges the library findings in at the end,
/// reading their spans back from the files.
#[test]
fn streamed_output_is_the_held_report() {
    // A library whose library findings sit past the first line and column, after CRLF and
    // non-ASCII text, in the second of two 1 MiB reads.
    let dir = common::scratch("streamed-library");
    let twin = "Wat vervelend dat je pakket nog niet binnen is. Ik heb het nagekeken en het komt morgen vóór 12 uur bij je aan.";
    let mut jsonl = String::from("{\"id\": \"één\", \"text\": \"Hoi 😊 ik kijk het na.\"}\r\n");
    // Few replies (a debug build checks them quickly), each with a long field to skip.
    let note = "x".repeat(4000);
    while jsonl.len() < (1 << 20) + 5000 {
        let n = jsonl.len();
        jsonl.push_str(&format!(
            "{{\"id\": \"r{n}\", \"note\": \"{note}\", \"text\": \"Dag! Order {n} is vandaag verstuurd, morgen heb je hem.\\n^Sanne\"}}\n"
        ));
    }
    for i in 0..3 {
        jsonl.push_str(&format!(
            "{{\"id\": \"tweeling {i}\", \"text\": \"{twin}\"}}\r\n"
        ));
    }
    jsonl.push_str("{\"id\": \"leeg\", \"text\": \" \"}\n");
    let library = dir.join("library.jsonl");
    std::fs::write(&library, jsonl).unwrap();
    let library = library.to_str().unwrap();
    // A directory whose walk by names (`b` before `b.txt`) differs from the report's order
    // by path (`b.txt` before `b/x.txt`): the three near-duplicates are listed in one order.
    let tree = dir.join("tree");
    std::fs::create_dir_all(tree.join("b")).unwrap();
    for name in ["b.txt", "b/x.txt", "a-b.txt"] {
        let text = format!("{twin} Bel gerust even met onze klantenservice. ({name})\n");
        std::fs::write(tree.join(name), text).unwrap();
    }
    let tree = tree.to_str().unwrap();
    let mut library_findings = 0;
    for ignore in [&["--ignore", "library"][..], &[][..]] {
        for inputs in [
            &["fixtures/drafts"][..],
            &["fixtures/libraries"][..],
            &[
                "fixtures/libraries/replies.jsonl",
                "fixtures/corpus/tuning.jsonl",
                "fixtures/drafts",
            ][..],
            &["fixtures/corpus", "fixtures/no-such-file.txt"][..],
            &["fixtures/render/library-level.md", "fixtures/drafts"][..],
            &[library, "fixtures/render/library-level.md"][..],
            &[tree][..],
        ] {
            let mut statistics = String::new();
            for format in ["json", "short", "github"] {
                let mut args = vec!["check", "--format", format];
                args.extend(ignore);
                args.extend(inputs);
                let (streamed, _, code) = run(&args);
                args.push("--statistics");
                let (mut held, stats, held_code) = run(&args);
                if format == "json" {
                    statistics = stats;
                } else {
                    // The statistics follow the report on stdout.
                    assert!(held.ends_with(&statistics), "{format} {inputs:?}");
                    held.truncate(held.len() - statistics.len());
                }
                assert!(!statistics.is_empty());
                assert_eq!(streamed, held, "{format} {inputs:?} {ignore:?}");
                assert_eq!(code, held_code, "{format} {inputs:?} {ignore:?}");
                assert!(!streamed.is_empty(), "{format} {inputs:?}");
                library_findings += streamed.matches("library/").count();
            }
        }
    }
    // Per format: near-duplicate, empty reply and repeated opener in the Markdown library
    // (twice), near-duplicate, empty reply and repeated sign-off in the JSONL one, and the
    // tree's near-duplicate.
    assert!(
        library_findings >= 3 * 10,
        "{library_findings} library findings"
    );
}
