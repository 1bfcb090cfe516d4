//! `webcare-lint test-rules`: every rule's embedded examples, reported as ast-grep does —
//! *missing* (a bad example not flagged) and *noisy* (a good example flagged).

use super::args::TestRulesArgs;
use super::{CLEAN, CliError, FINDINGS, emit, render_error};
use webcare_lint::packs::{self, Pack};

pub fn run(args: TestRulesArgs) -> Result<u8, CliError> {
    let packs: Vec<Pack> = if args.packs.is_empty() {
        packs::builtin().map_err(|e| Box::new(e) as CliError)?
    } else {
        let mut all = Vec::new();
        for p in &args.packs {
            all.extend(packs::load_path(p).map_err(|e| Box::new(e) as CliError)?);
        }
        all
    };
    let mut out = String::new();
    let (mut rules, mut examples, mut failed) = (0, 0, 0);
    let mut errors = Vec::new();
    for pack in &packs {
        let failures = packs::check_examples(pack, &packs);
        let n: usize = pack.rules.iter().map(|r| r.examples.len()).sum();
        rules += pack.rules.len();
        examples += n;
        failed += failures.len();
        let status = if failures.is_empty() {
            "ok".to_string()
        } else {
            format!("{} FAILED", failures.len())
        };
        out.push_str(&format!(
            "{:<14} {:>3} rules {:>4} examples  {status}  ({})\n",
            pack.id,
            pack.rules.len(),
            n,
            pack.path
        ));
        if !failures.is_empty() {
            errors.push(packs::examples_error(pack, &failures));
        }
    }
    for e in &errors {
        out.push_str(&render_error(e));
    }
    out.push_str(&format!(
        "test-rules: {} passed, {} failed ({rules} rules, {examples} examples)\n",
        examples - failed,
        failed
    ));
    emit(&out)?;
    Ok(if failed == 0 { CLEAN } else { FINDINGS })
}
