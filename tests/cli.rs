//! The binary as users run it: exit codes, stdin, JSON shape, selection, failures.

mod common;
use common::{json, rules_of, scratch};

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

const BAD: &str = "Wat vervelend! Bel even met onze klantenservice, die helpen je verder.\n^Mark\n";
const CLEAN: &str = "Ik bel je morgen om 10:00 om het samen op te lossen. ^Sanne\n";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_webcare-lint"));
    c.env_remove("NO_COLOR").env("COLUMNS", "100");
    c
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = bin();
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().expect("binary runs");
    if let Some(input) = stdin {
        // The binary may exit (a usage error) before reading stdin: a broken pipe is fine.
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    }
    child.wait_with_output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn bad_draft_exits_1_and_clean_draft_exits_0() {
    let dir = scratch("exit");
    std::fs::write(dir.join("bad.txt"), BAD).unwrap();
    std::fs::write(dir.join("clean.txt"), CLEAN).unwrap();
    let bad = run(&["check", dir.join("bad.txt").to_str().unwrap()], None);
    assert_eq!(code(&bad), 1, "{}", stderr(&bad));
    assert!(stdout(&bad).contains("channel/redirect-phone"));
    assert!(stdout(&bad).contains("gebod 2"));
    let clean = run(&["check", dir.join("clean.txt").to_str().unwrap()], None);
    assert_eq!(code(&clean), 0, "{}", stdout(&clean));
    assert!(stdout(&clean).contains("No problems found in 1 reply of 1 file."));
}

#[test]
fn human_output_has_no_colour_when_not_a_terminal() {
    let o = run(&["check", "-"], Some(BAD));
    assert!(
        !stdout(&o).contains('\u{1b}'),
        "escape codes in piped output"
    );
}

#[test]
fn stdin_is_read_when_piped_and_named_by_stdin_filename() {
    let o = run(
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "concept.txt",
        ],
        Some(BAD),
    );
    assert_eq!(code(&o), 1);
    let v = json(&o);
    assert_eq!(v["diagnostics"][0]["path"], "concept.txt");
    assert_eq!(v["diagnostics"][0]["document"], Value::Null);
    let dash = run(&["check", "--format", "json", "-"], Some(CLEAN));
    assert_eq!(code(&dash), 0);
    assert_eq!(json(&dash)["summary"]["documents"], 1);
}

#[test]
fn without_paths_and_without_piped_stdin_the_current_directory_is_walked() {
    let dir = scratch("walk");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/a.txt"), BAD).unwrap();
    std::fs::write(dir.join("b.md"), CLEAN).unwrap();
    std::fs::write(dir.join("ignored.rs"), BAD).unwrap();
    let o = bin()
        .args(["check", "--format", "json"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(code(&o), 1);
    let v = json(&o);
    assert_eq!(v["summary"]["files"], 2);
    assert_eq!(v["diagnostics"][0]["path"], "sub/a.txt");
}

#[test]
fn json_report_has_exactly_the_spec_shape() {
    let o = run(&["check", "--format", "json", "-"], Some(BAD));
    let v = json(&o);
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(v["version"], 1);
    assert_eq!(keys(&v), ["diagnostics", "failures", "summary", "version"]);
    let d = &v["diagnostics"][0];
    assert_eq!(
        keys(d),
        [
            "document", "fixes", "gebod", "help", "message", "pack", "path", "rule", "severity",
            "span", "text"
        ]
    );
    assert_eq!(keys(&d["span"]), ["column", "end", "line", "start"]);
    assert_eq!(
        keys(&v["summary"]),
        [
            "documents",
            "errors",
            "failures",
            "files",
            "infos",
            "warnings"
        ]
    );
    assert_eq!(d["rule"], "channel/redirect-phone");
    assert_eq!(d["pack"], "channel");
    assert_eq!(d["gebod"], 2);
    assert_eq!(d["severity"], "error");
    let start = d["span"]["start"].as_u64().unwrap() as usize;
    let end = d["span"]["end"].as_u64().unwrap() as usize;
    assert_eq!(&BAD[start..end], d["text"].as_str().unwrap());
    assert_eq!(d["span"]["line"], 1);
    assert_eq!(d["span"]["column"], start as u64 + 1);
}

#[test]
fn fail_on_sets_the_threshold() {
    let dm = "Stuur je ordernummer even in een DM? Dan pas ik je adres meteen aan.";
    assert_eq!(
        code(&run(&["check", "-"], Some(dm))),
        0,
        "info does not fail by default"
    );
    assert_eq!(
        code(&run(&["check", "--fail-on", "info", "-"], Some(dm))),
        1
    );
    assert_eq!(
        code(&run(&["check", "--fail-on", "never", "-"], Some(BAD))),
        0
    );
    let website = "Alle informatie hierover vind je op onze website.";
    assert_eq!(
        code(&run(&["check", "--fail-on", "error", "-"], Some(website))),
        0
    );
    assert_eq!(code(&run(&["check", "-"], Some(website))), 1);
}

#[test]
fn select_and_ignore_by_rule_pack_and_gebod() {
    let both = "Bel ons even. Wilt u je postcode sturen?";
    let rules = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["check", "--format", "json", "--fail-on", "never"];
        a.extend_from_slice(args);
        a.push("-");
        rules_of(&json(&run(&a, Some(both))))
    };
    assert_eq!(rules(&[]), ["channel/redirect-phone", "register/mixed"]);
    assert_eq!(rules(&["--select", "g2"]), ["channel/redirect-phone"]);
    assert_eq!(rules(&["--ignore", "channel"]), ["register/mixed"]);
    assert_eq!(rules(&["--select", "register/mixed"]), ["register/mixed"]);
    assert_eq!(
        rules(&["--select", "register,channel/redirect-phone"]),
        ["channel/redirect-phone", "register/mixed"]
    );
    // The more specific id wins: a rule over its pack.
    assert_eq!(
        rules(&["--ignore", "channel", "--select", "channel/redirect-phone"]),
        ["channel/redirect-phone"]
    );
    // A pack over its commandment.
    assert_eq!(
        rules(&["--ignore", "g2", "--select", "channel"]),
        ["channel/redirect-phone"]
    );
    assert!(
        rules(&["--select", "channel", "--ignore", "g2"])
            .contains(&"channel/redirect-phone".to_string())
    );
}

#[test]
fn register_option_flags_the_other_form() {
    let o = run(
        &["check", "--format", "json", "--register", "u", "-"],
        Some("Je pakket komt morgen."),
    );
    assert_eq!(code(&o), 1);
    assert_eq!(json(&o)["diagnostics"][0]["rule"], "register/mixed");
}

#[test]
fn unknown_selection_is_a_usage_error() {
    let o = run(&["check", "--select", "chanel", "-"], Some(BAD));
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("unknown rule, pack or commandment `chanel`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(code(&run(&["check", "--format", "xml", "-"], Some(BAD))), 2);
}

#[test]
fn malformed_pack_is_exit_2_with_file_line_and_column() {
    let o = run(
        &[
            "check",
            "--pack",
            "fixtures/packs/bad-regex-and-phrase.toml",
            "-",
        ],
        Some(BAD),
    );
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("fixtures/packs/bad-regex-and-phrase.toml:16:18"),
        "{err}"
    );
    assert!(
        err.contains("fixtures/packs/bad-regex-and-phrase.toml:17:10"),
        "{err}"
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn unreadable_files_are_failures_and_the_run_goes_on() {
    let dir = scratch("failures");
    std::fs::write(dir.join("bad.txt"), BAD).unwrap();
    std::fs::write(dir.join("latin1.txt"), b"Caf\xe9 gesloten").unwrap();
    std::fs::write(dir.join("binary.txt"), b"\x00\x01\x02").unwrap();
    let missing = dir.join("missing.txt");
    let o = run(
        &[
            "check",
            "--format",
            "json",
            dir.to_str().unwrap(),
            missing.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code(&o), 2, "failures win over findings");
    let v = json(&o);
    assert_eq!(v["summary"]["failures"], 3);
    assert_eq!(v["summary"]["errors"], 1, "the good file was still checked");
    let messages: Vec<&str> = v["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("not valid UTF-8 at byte 3 (line 1, column 4)")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("binary file")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("no such file")),
        "{messages:?}"
    );
}

#[test]
fn short_format_is_one_line_per_finding() {
    let o = run(
        &[
            "check",
            "--format",
            "short",
            "--stdin-filename",
            "d.txt",
            "-",
        ],
        Some(BAD),
    );
    assert_eq!(
        stdout(&o),
        "d.txt:1:16: error channel/redirect-phone Je verwijst de klant naar de telefoon: \"Bel even met onze klantenservice\"\n"
    );
}

#[test]
fn statistics_count_per_rule_and_gebod() {
    let o = run(&["check", "--statistics", "-"], Some(BAD));
    let out = stdout(&o);
    assert!(
        out.contains("     1  channel/redirect-phone  error"),
        "{out}"
    );
    assert!(
        out.contains("     1  gebod 2: verwijs niet door naar een ander kanaal"),
        "{out}"
    );
}

#[test]
fn test_rules_exit_codes() {
    let ok = run(&["test-rules"], None);
    assert_eq!(code(&ok), 0, "{}", stdout(&ok));
    assert!(stdout(&ok).contains(" 0 failed"));
    let noisy = run(
        &["test-rules", "fixtures/packs/misbehaving-examples.toml"],
        None,
    );
    assert_eq!(code(&noisy), 1);
    assert!(stdout(&noisy).contains("missing: this bad example is not flagged"));
    assert!(stdout(&noisy).contains("noisy: this good example is flagged"));
    assert_eq!(
        code(&run(&["test-rules", "fixtures/packs/not-toml.toml"], None)),
        2
    );
}

#[test]
fn rules_and_explain() {
    let o = run(&["rules", "--format", "json"], None);
    assert_eq!(code(&o), 0);
    let v = json(&o);
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"channel/redirect-phone") && ids.contains(&"channel/dm"));
    let e = run(&["explain", "channel/redirect-phone"], None);
    assert_eq!(code(&e), 0);
    let text = stdout(&e);
    for section in [
        "## Why is this bad?",
        "## Write instead",
        "## Bad examples",
        "## Good examples",
        "gebod 2",
    ] {
        assert!(text.contains(section), "missing {section}:\n{text}");
    }
    let unknown = run(&["explain", "redirect-phone"], None);
    assert_eq!(code(&unknown), 2);
    assert!(
        stderr(&unknown).contains("did you mean channel/redirect-phone"),
        "{}",
        stderr(&unknown)
    );
}
