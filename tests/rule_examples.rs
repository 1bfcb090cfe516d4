//! Every built-in rule's `bad` and `good` examples, as `test-rules` runs them. A failure names
//! the rule, says missing (should have fired) or noisy (a false positive) and shows the text.

use webcare_lint::packs::{self, check_examples};

#[test]
fn every_builtin_example_behaves() {
    let packs = packs::builtin().expect("built-in packs are valid");
    let mut problems = Vec::new();
    let mut examples = 0;
    for pack in &packs {
        examples += pack.rules.iter().map(|r| r.examples.len()).sum::<usize>();
        for f in check_examples(pack, &packs) {
            problems.push(format!(
                "{}\n    {:?}",
                f.failure.describe(&f.rule.id),
                f.example.text
            ));
        }
    }
    assert!(examples > 0, "no examples were run");
    assert!(
        problems.is_empty(),
        "{} examples misbehave:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_rule_has_two_bad_and_two_good_examples_and_docs() {
    use webcare_lint::engine::Expect;
    for pack in packs::builtin().unwrap() {
        for rule in &pack.rules {
            let bad = rule
                .examples
                .iter()
                .filter(|e| e.expect == Expect::Flagged)
                .count();
            let good = rule.examples.len() - bad;
            assert!(bad >= 2 && good >= 2, "{}: {bad} bad, {good} good", rule.id);
            assert!(!rule.why.is_empty() && !rule.help.is_empty(), "{}", rule.id);
            assert!(
                !rule.message.contains('\n'),
                "{}: message must be one line",
                rule.id
            );
        }
    }
}

#[test]
fn builtin_pack_ids_are_the_spec_ids() {
    const SPEC: [&str; 14] = [
        "channel",
        "we-not-they",
        "empathy",
        "tone",
        "promises",
        "privacy",
        "register",
        "length",
        "persona",
        "context",
        "library",
        "jargon",
        "sales",
        "suppression",
    ];
    for pack in packs::builtin().unwrap() {
        assert!(
            SPEC.contains(&pack.id.as_str()),
            "unknown pack id {}",
            pack.id
        );
        assert_eq!(pack.path, format!("rules/{}.toml", pack.id));
    }
}

#[test]
fn every_builtin_regex_compiles() {
    use webcare_lint::engine::{Kind, Matcher, rule::RuleRegex};
    // Built-in packs compile their regexes on first use; prove here that each one can.
    let mut n = 0;
    for pack in packs::builtin().unwrap() {
        for rule in &pack.rules {
            let mut matchers: Vec<&Matcher> = vec![&rule.exceptions, &rule.sentence_exceptions];
            match &rule.kind {
                Kind::Existence(m) | Kind::Occurrence { matcher: m, .. } => matchers.push(m),
                Kind::Conditional { trigger, requires } => matchers.extend([trigger, requires]),
                Kind::Consistency { groups, .. } => matchers.extend(groups.iter().map(|(_, m)| m)),
                Kind::Native => {}
            }
            for re in matchers.iter().flat_map(|m| &m.regexes) {
                RuleRegex::build(re.as_str()).unwrap_or_else(|e| panic!("{}: {e}", rule.id));
                n += 1;
            }
        }
    }
    assert!(n >= 10, "only {n} regexes found");
}
