//! `--fix` edits exactly the fixed bytes (atomically), leaves everything else byte-identical,
//! and finds nothing left on a second run; `--diff` prints the same change without writing.

mod common;
use common::scratch;

use std::path::Path;
use std::process::{Command, Output, Stdio};

const PACK: &str = "fixtures/packs-valid/officialese.toml";

fn run(dir: &Path, args: &[&str]) -> Output {
    let pack = Path::new(env!("CARGO_MANIFEST_DIR")).join(PACK);
    Command::new(env!("CARGO_BIN_EXE_webcare-lint"))
        .args(args)
        .args([
            "--pack",
            pack.to_str().unwrap(),
            "--select",
            "test-officialese",
        ])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// A Markdown library with CRLF lines, a BOM, non-ASCII text and two fixable words.
const LIBRARY: &[u8] = "\u{feff}# Templates\r\n\r\n## Retour ✉️\r\nWij sturen het label middels PostNL, reeds vandaag. ^Sanne\r\n\r\n## Klaar\r\nHelemaal goed! Groet, Mark\r\n".as_bytes();

#[test]
fn fix_edits_only_the_fixed_bytes_and_is_idempotent() {
    let dir = scratch("fix-roundtrip");
    std::fs::write(dir.join("lib.md"), LIBRARY).unwrap();
    let o = run(&dir, &["check", "--fix", "--format", "json", "lib.md"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "nothing remains: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("applied 2 safe fixes"));
    let after = std::fs::read(dir.join("lib.md")).unwrap();
    let before = LIBRARY;
    // Byte for byte: everything outside the two edits is unchanged.
    let (m, r) = (find(before, b"middels"), find(before, b"reeds"));
    assert_eq!(&after[..m], &before[..m]);
    assert_eq!(&after[m..m + 3], b"met");
    let shift = 7 - 3;
    assert_eq!(&after[m + 3..r - shift], &before[m + 7..r]);
    assert_eq!(&after[r - shift..r - shift + 2], b"al");
    assert_eq!(&after[r - shift + 2..], &before[r + 5..]);
    assert_eq!(after.len(), before.len() - 4 - 3);
    // A second run has nothing left to fix.
    let again = run(&dir, &["check", "--fix", "lib.md"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stderr).contains("applied 0 safe fixes"));
    assert_eq!(std::fs::read(dir.join("lib.md")).unwrap(), after);
    // No temporary files are left behind.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}

#[test]
fn diff_writes_nothing_and_applies_to_the_same_result() {
    let dir = scratch("fix-diff");
    std::fs::write(dir.join("lib.md"), LIBRARY).unwrap();
    let o = run(&dir, &["check", "--diff", "lib.md"]);
    assert_eq!(o.status.code(), Some(1), "--diff exits as check would");
    assert_eq!(
        std::fs::read(dir.join("lib.md")).unwrap(),
        LIBRARY,
        "nothing written"
    );
    let diff = String::from_utf8(o.stdout).unwrap();
    assert!(
        diff.starts_with("--- a/lib.md\n+++ b/lib.md\n@@ -1,7 +1,7 @@\n"),
        "{diff}"
    );
    std::fs::write(dir.join("fix.diff"), &diff).unwrap();
    let apply = Command::new("git")
        .args(["apply", "--unidiff-zero", "fix.diff"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        apply.status.success(),
        "git apply: {}",
        String::from_utf8_lossy(&apply.stderr)
    );
    let via_diff = std::fs::read(dir.join("lib.md")).unwrap();
    std::fs::write(dir.join("lib.md"), LIBRARY).unwrap();
    run(&dir, &["check", "--fix", "lib.md"]);
    assert_eq!(std::fs::read(dir.join("lib.md")).unwrap(), via_diff);
}

#[test]
fn fix_refuses_stdin() {
    let dir = scratch("fix-stdin");
    let o = run(&dir, &["check", "--fix", "-"]);
    assert_eq!(o.status.code(), Some(2));
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).position(|w| w == needle).unwrap()
}
