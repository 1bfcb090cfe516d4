//! Each rule kind on its own, with small synthetic packs.

use std::sync::Arc;
use webcare_lint::engine::{Context, Linter};
use webcare_lint::packs::parse_pack;

const EXAMPLES: &str = r#"bad = ["x1", "x2"]
good = ["y1", "y2"]"#;

fn linter(rules: &str) -> Linter {
    let src = format!(
        "id = \"t\"\ntitle = \"T\"\nlanguage = \"nl\"\nversion = \"0\"\n{}",
        rules.replace("EXAMPLES", EXAMPLES)
    );
    let pack = parse_pack("test.toml", Arc::from(src)).expect("valid pack");
    Linter::from_rules(pack.rules)
}

fn flagged(l: &Linter, text: &str, ctx: &Context) -> Vec<String> {
    l.check(text, ctx)
        .into_iter()
        .map(|f| text[f.start..f.end].to_string())
        .collect()
}

const EXISTENCE: &str = r#"
[[rules]]
id = "e"
kind = "existence"
severity = "error"
message = "m"
why = "w"
help = "h"
negation = true
patterns = ["bel [even] ons"]
exceptions = ["ik bel"]
EXAMPLES
"#;

#[test]
fn existence_flags_each_sentence_once() {
    let l = linter(EXISTENCE);
    let ctx = Context::default();
    assert_eq!(
        flagged(&l, "Bel ons. Bel even ons!", &ctx),
        ["Bel ons", "Bel even ons"]
    );
    assert_eq!(flagged(&l, "Bel ons, bel ons", &ctx), ["Bel ons"]);
}

#[test]
fn existence_respects_negation_quotes_and_exceptions() {
    let l = linter(EXISTENCE);
    let ctx = Context::default();
    assert!(flagged(&l, "Je hoeft ons niet te bel ons", &ctx).is_empty());
    assert!(flagged(&l, "Je schreef \"bel ons\", klopt", &ctx).is_empty());
    assert!(flagged(&l, "> bel ons\nGeregeld!", &ctx).is_empty());
    assert!(flagged(&l, "ik bel ons team", &ctx).is_empty());
}

#[test]
fn occurrence_fires_above_max_at_the_extra_occurrence() {
    let l = linter(
        r#"
[[rules]]
id = "o"
kind = "occurrence"
severity = "warning"
message = "{count} keer, max {max}"
why = "w"
help = "h"
max = 1
patterns = ["vervelend*"]
EXAMPLES
"#,
    );
    let ctx = Context::default();
    assert!(l.check("Vervelend!", &ctx).is_empty());
    let f = l.check("Vervelend! Heel vervelende zaak, echt vervelends", &ctx);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].message, "3 keer, max 1");
    assert_eq!(f[0].start, "Vervelend! Heel ".len());
}

#[test]
fn conditional_needs_its_companion_anywhere_in_the_reply() {
    let l = linter(
        r#"
[[rules]]
id = "c"
kind = "conditional"
severity = "warning"
message = "m"
why = "w"
help = "h"
patterns = ["zet ... door"]
requires = ["(morgen|vandaag)", "voor <num>"]
EXAMPLES
"#,
    );
    let ctx = Context::default();
    assert_eq!(
        flagged(&l, "Ik zet het voor je door.", &ctx),
        ["zet het voor je door"]
    );
    assert!(flagged(&l, "Ik zet het door. Je hoort morgen van me.", &ctx).is_empty());
    assert!(flagged(&l, "Ik zet het door, reactie voor 12:00", &ctx).is_empty());
}

const CONSISTENCY: &str = r#"
[[rules]]
id = "r"
kind = "consistency"
option = "register"
severity = "warning"
message = "{match} / {group} / {expected} / {count}"
why = "w"
help = "h"
EXAMPLES
[rules.groups]
je = ["je", "jouw"]
u = ["u", "uw"]
"#;

#[test]
fn consistency_flags_the_minority_group() {
    let l = linter(CONSISTENCY);
    let f = l.check(
        "Kunt u uw nummer sturen? Dan help ik je.",
        &Context::default(),
    );
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].message, "je / je / u / 1");
    assert!(
        l.check("Kun je je nummer sturen?", &Context::default())
            .is_empty()
    );
}

#[test]
fn consistency_follows_the_chosen_register() {
    let l = linter(CONSISTENCY);
    let ctx = Context {
        register: Some("u".into()),
        ..Context::default()
    };
    let f = l.check("Kun je je nummer sturen?", &ctx);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].message, "je / je / u / 2");
    assert!(l.check("Kunt u uw nummer sturen?", &ctx).is_empty());
}

#[test]
fn channel_specific_rules_run_only_on_their_channel() {
    let l = linter(&EXISTENCE.replace("negation = true", "channels = [\"x\"]"));
    assert!(l.check("Bel ons", &Context::default()).is_empty());
    let x = Context {
        channel: Some("x".into()),
        ..Context::default()
    };
    assert_eq!(l.check("Bel ons", &x).len(), 1);
}

#[test]
fn fixes_keep_the_capital_of_the_match() {
    let l = linter(
        r#"
[[rules]]
id = "f"
kind = "existence"
severity = "info"
message = "m"
why = "w"
help = "h"
patterns = ["ten behoeve van"]
fix = "voor"
fix-applicability = "safe"
EXAMPLES
"#,
    );
    let f = l.check("Ten behoeve van je aanvraag", &Context::default());
    assert_eq!(f[0].fixes[0].replacement, "Voor");
}

#[test]
fn template_placeholders_never_trigger_a_rule() {
    let l = linter(&EXISTENCE.replace(
        "patterns = [\"bel [even] ons\"]",
        "patterns = [\"bel [even] ons\", \"klantenservice\"]",
    ));
    let ctx = Context::default();
    for text in [
        "Hoi {{ klantenservice }}, fijn dat het gelukt is!",
        "Hoi {klantenservice}, top!",
        "Hoi %KLANTENSERVICE%, top!",
        "Hoi [klantenservice], top!",
        // A placeholder counts as a word: it breaks a phrase instead of being skipped.
        "Bel {{ naam }} ons",
    ] {
        assert!(flagged(&l, text, &ctx).is_empty(), "{text}");
    }
    assert_eq!(
        flagged(&l, "Hoi {{ naam }}, bel ons even", &ctx),
        ["bel ons"]
    );
}
