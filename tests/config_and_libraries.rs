//! Config discovery and layering, suppression with reasons, baselines and the walker.

mod common;
use common::{json, rules_of, scratch};

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_webcare-lint"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

const PHONE: &str = "Bel ons even, dan helpen we je.\n";

#[test]
fn config_is_discovered_from_a_parent_and_flags_win() {
    let dir = scratch("cfg-discover");
    std::fs::create_dir_all(dir.join("team/sub")).unwrap();
    std::fs::write(
        dir.join("webcare-lint.toml"),
        "ignore = [\"channel/redirect-phone\"]\n",
    )
    .unwrap();
    std::fs::write(dir.join("team/.webcare-lint.toml"), "register = \"u\"\n").unwrap();
    std::fs::write(dir.join("team/sub/a.txt"), PHONE).unwrap();
    // The nearest file wins: team/.webcare-lint.toml (register u), not the ignore above it.
    let v = json(&run_in(
        &dir.join("team/sub"),
        &["check", "--format", "json", "a.txt"],
    ));
    assert_eq!(rules_of(&v), ["channel/redirect-phone", "register/mixed"]);
    // --config picks another file.
    let v = json(&run_in(
        &dir.join("team/sub"),
        &[
            "check",
            "--format",
            "json",
            "--config",
            "../../webcare-lint.toml",
            "a.txt",
        ],
    ));
    assert!(rules_of(&v).is_empty());
    // Flags win over the file.
    let v = json(&run_in(
        &dir.join("team/sub"),
        &["check", "--format", "json", "--register", "je", "a.txt"],
    ));
    assert_eq!(rules_of(&v), ["channel/redirect-phone"]);
}

#[test]
fn severity_override_and_vocabulary_and_overrides() {
    let dir = scratch("cfg-layers");
    std::fs::create_dir_all(dir.join("formeel")).unwrap();
    std::fs::write(
        dir.join(".webcare-lint.toml"),
        r#"
[rules."channel/redirect-phone"]
severity = "info"

[vocabulary]
brand = ["Bel ons Taxi"]

[[overrides]]
paths = ["formeel/**"]
register = "u"
"#,
    )
    .unwrap();
    std::fs::write(dir.join("a.txt"), PHONE).unwrap();
    std::fs::write(dir.join("taxi.txt"), "Bel ons Taxi rijdt morgen gewoon.\n").unwrap();
    std::fs::write(dir.join("formeel/b.txt"), "Je pakket komt morgen.\n").unwrap();
    let o = run_in(&dir, &["check", "--format", "json", "."]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "register/mixed in formeel/b.txt is a warning"
    );
    let v = json(&o);
    let d: Vec<(String, String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().into(),
                d["rule"].as_str().unwrap().into(),
                d["severity"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        d,
        [
            (
                "./a.txt".into(),
                "channel/redirect-phone".into(),
                "info".into()
            ),
            (
                "./formeel/b.txt".into(),
                "register/mixed".into(),
                "warning".into()
            ),
        ]
    );
}

#[test]
fn config_errors_point_at_the_value() {
    let dir = scratch("cfg-config-errors");
    std::fs::write(
        dir.join(".webcare-lint.toml"),
        "channel = \"tiktok\"\n\n[rules.\"channel/bestaat-niet\"]\nseverity = \"error\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("a.txt"), PHONE).unwrap();
    let o = run_in(&dir, &["check", "a.txt"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown channel `tiktok`"), "{err}");
    assert!(err.contains(".webcare-lint.toml:1:11"), "{err}");

    std::fs::write(
        dir.join(".webcare-lint.toml"),
        "[rules.\"channel/bestaat-niet\"]\nseverity = \"error\"\n",
    )
    .unwrap();
    let o = run_in(&dir, &["check", "a.txt"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown rule `channel/bestaat-niet`"), "{err}");

    std::fs::write(dir.join(".webcare-lint.toml"), "selec = [\"g2\"]\n").unwrap();
    let o = run_in(&dir, &["check", "a.txt"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("unknown field `selec`") && err.contains(":1:1]"),
        "{err}"
    );
}

#[test]
fn suppressions_need_a_reason_and_must_be_used() {
    let dir = scratch("cfg-suppress");
    std::fs::write(
        dir.join("lib.md"),
        "## Gaslucht\n<!-- webcare-lint: allow channel/redirect-phone -- spoedlijn, bewust -->\nBel bij gaslucht direct 0800-9009.\n\n## Zonder reden\n<!-- webcare-lint: allow channel/redirect-phone -->\nBel ons even.\n\n## Ongebruikt\n<!-- webcare-lint: allow channel/dm -- oud -->\nIk bel je morgen om 10:00.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("a.txt"),
        "webcare-lint: allow channel -- test\nBel ons even.\n",
    )
    .unwrap();
    let v = json(&run_in(
        &dir,
        &["check", "--format", "json", "lib.md", "a.txt"],
    ));
    let got: Vec<(String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["document"].as_str().unwrap_or("-").to_string(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Zonder reden".into(), "suppression/missing-reason".into()),
            ("Ongebruikt".into(), "suppression/unused".into()),
        ]
    );
}

#[test]
fn baseline_round_trip_survives_unrelated_edits() {
    let dir = scratch("cfg-baseline");
    std::fs::write(
        dir.join("lib.md"),
        "## Een\nBel ons even.\n\n## Twee\nStuur ons een mail.\n",
    )
    .unwrap();
    let o = run_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--write-baseline",
            "baseline.json",
            "lib.md",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let b: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("baseline.json")).unwrap()).unwrap();
    assert_eq!(b["findings"].as_array().unwrap().len(), 2);
    // Unrelated edits move every offset; the baseline still matches.
    std::fs::write(dir.join("lib.md"), "# Templates\n\n## Een\nHoi! Bel ons even.\n\n## Twee\nSorry. Stuur ons een mail.\n\n## Drie\nMail naar info@voorbeeld.nl\n").unwrap();
    let o = run_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
            "lib.md",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let docs: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["document"].as_str().unwrap())
        .collect();
    assert_eq!(docs, ["Drie"], "only the new finding is reported");
}

#[test]
fn walk_respects_gitignore_and_is_deterministic() {
    let dir = scratch("cfg-walk");
    std::fs::create_dir_all(dir.join("tpl/oud")).unwrap();
    std::fs::write(dir.join(".gitignore"), "oud/\n").unwrap();
    std::fs::write(dir.join("tpl/oud/x.txt"), PHONE).unwrap();
    for i in 0..40 {
        std::fs::write(dir.join(format!("tpl/r{i:02}.txt")), PHONE).unwrap();
    }
    let first = run_in(&dir, &["check", "--format", "json", "tpl"]);
    let v = json(&first);
    assert_eq!(v["summary"]["files"], 40, "the ignored folder is skipped");
    for _ in 0..3 {
        assert_eq!(
            run_in(&dir, &["check", "--format", "json", "tpl"]).stdout,
            first.stdout
        );
    }
}

#[test]
fn init_writes_a_valid_config_once() {
    let dir = scratch("cfg-init");
    let o = run_in(&dir, &["init"]);
    assert_eq!(o.status.code(), Some(0));
    std::fs::write(dir.join("a.txt"), PHONE).unwrap();
    assert_eq!(
        run_in(&dir, &["check", "a.txt"]).status.code(),
        Some(1),
        "the starter config loads"
    );
    assert_eq!(
        run_in(&dir, &["init"]).status.code(),
        Some(2),
        "never overwrites"
    );
}
