//! `--format short`: one line per finding, `path:line:col: severity rule message`.

use super::Report;

pub fn short(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(&format!(
            "{}:{}:{}: {} {} {}\n",
            d.path, d.span.line, d.span.column, d.severity, d.rule, d.message
        ));
    }
    for f in &report.failures {
        out.push_str(&format!("{}: failure {}\n", f.path, f.message));
    }
    out
}
