//! `--select` / `--ignore`: by rule id, pack id or commandment (`g1`..`g10`). The more
//! specific id wins (rule over pack over gebod); on a tie, ignore wins.

use super::Rule;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("unknown rule, pack or commandment `{id}` in --{option}")]
#[diagnostic(
    code(webcare_lint::selection),
    help(
        "use a rule id like `channel/redirect-phone`, a pack id like `channel`, or `g1`..`g10`; `webcare-lint rules` lists them"
    )
)]
pub struct SelectionError {
    pub id: String,
    pub option: &'static str,
}

fn gebod(id: &str) -> Option<u8> {
    id.strip_prefix('g')
        .and_then(|n| n.parse::<u8>().ok())
        .filter(|n| (1..=10).contains(n))
}

/// How specifically `id` names `rule`: 3 rule, 2 pack, 1 commandment, 0 not at all.
fn specificity(id: &str, rule: &Rule) -> u8 {
    if id == rule.id {
        3
    } else if id == rule.pack {
        2
    } else if gebod(id).is_some() && gebod(id) == rule.gebod {
        1
    } else {
        0
    }
}

impl Selection {
    /// Which of `rules` stay active.
    pub fn resolve(&self, rules: &[&Rule]) -> Result<Vec<bool>, SelectionError> {
        for (ids, option) in [(&self.select, "select"), (&self.ignore, "ignore")] {
            for id in ids {
                let known = gebod(id).is_some() || rules.iter().any(|r| specificity(id, r) > 0);
                if !known {
                    return Err(SelectionError {
                        id: id.clone(),
                        option,
                    });
                }
            }
        }
        Ok(rules
            .iter()
            .map(|r| {
                let best = |ids: &[String]| ids.iter().map(|id| specificity(id, r)).max();
                // With no --select, everything is selected at the lowest level.
                let selected = if self.select.is_empty() {
                    Some(0)
                } else {
                    best(&self.select).filter(|&s| s > 0)
                };
                let ignored = best(&self.ignore).filter(|&s| s > 0);
                match (selected, ignored) {
                    (None, _) => false,
                    (Some(_), None) => true,
                    (Some(s), Some(i)) => s > i,
                }
            })
            .collect())
    }
}
