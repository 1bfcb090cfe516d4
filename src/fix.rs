//! Applying fixes: exact byte edits, so every untouched byte of a file stays as it was, and a
//! unified diff of them for `--diff`.

use crate::engine::Applicability;
use crate::report::Diagnostic;

/// One edit in a file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

/// The safe edits of a file's diagnostics, sorted, without overlaps (the first wins).
pub fn safe_edits<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Vec<Edit> {
    let mut edits: Vec<Edit> = diagnostics
        .into_iter()
        .flat_map(|d| &d.fixes)
        .filter(|f| f.applicability == Applicability::Safe)
        .map(|f| Edit {
            start: f.start,
            end: f.end,
            replacement: f.replacement.clone(),
        })
        .collect();
    edits.sort_by_key(|e| (e.start, e.end));
    let mut kept: Vec<Edit> = Vec::with_capacity(edits.len());
    for e in edits {
        if kept
            .last()
            .is_none_or(|k| e.start >= k.end && !(e.start == k.start && e.start == e.end))
        {
            kept.push(e);
        }
    }
    kept
}

/// `text` with sorted, non-overlapping `edits` applied.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.start]);
        out.push_str(&e.replacement);
        at = e.end;
    }
    out.push_str(&text[at..]);
    out
}

const CONTEXT: usize = 3;

/// A unified diff (`--- a/path`, `+++ b/path`, hunks with 3 lines of context) of `edits`
/// applied to `old`. Linear in the size of the file.
pub fn unified_diff(path: &str, old: &str, edits: &[Edit]) -> String {
    if edits.is_empty() {
        return String::new();
    }
    let mut starts = vec![0];
    starts.extend(old.match_indices('\n').map(|(i, _)| i + 1));
    if starts.last() == Some(&old.len()) && !old.is_empty() {
        starts.pop();
    }
    let lines = starts.len();
    let line_of = |off: usize| starts.partition_point(|&s| s <= off).saturating_sub(1);
    let line_end = |l: usize| starts.get(l + 1).copied().unwrap_or(old.len());
    // Group edits whose context would touch.
    let mut groups: Vec<(usize, usize, Vec<&Edit>)> = Vec::new();
    for e in edits {
        let l0 = line_of(e.start);
        let l1 = line_of(e.end.max(e.start + 1).min(old.len()).saturating_sub(1)).max(l0);
        match groups.last_mut() {
            Some(g) if l0 <= g.1 + 2 * CONTEXT + 1 => {
                g.1 = g.1.max(l1);
                g.2.push(e);
            }
            _ => groups.push((l0, l1, vec![e])),
        }
    }
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    let mut delta: isize = 0;
    for (l0, l1, group) in groups {
        let h0 = l0.saturating_sub(CONTEXT);
        let h1 = (l1 + CONTEXT).min(lines - 1);
        let (from, to) = (starts[h0], line_end(h1));
        let shifted: Vec<Edit> = group
            .iter()
            .map(|e| Edit {
                start: e.start - from,
                end: e.end - from,
                replacement: e.replacement.clone(),
            })
            .collect();
        let old_chunk = &old[from..to];
        let new_chunk = apply(old_chunk, &shifted);
        let a: Vec<&str> = old_chunk.split_inclusive('\n').collect();
        let b: Vec<&str> = new_chunk.split_inclusive('\n').collect();
        let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let suffix = a[prefix..]
            .iter()
            .rev()
            .zip(b[prefix..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        let new_start = (h0 as isize + 1 + delta).max(0);
        out.push_str(&format!(
            "@@ -{},{} +{},{} @@\n",
            h0 + 1,
            a.len(),
            new_start,
            b.len()
        ));
        let mut line = |mark: char, l: &str| {
            out.push(mark);
            out.push_str(l);
            if !l.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        };
        a[..prefix].iter().for_each(|l| line(' ', l));
        a[prefix..a.len() - suffix]
            .iter()
            .for_each(|l| line('-', l));
        b[prefix..b.len() - suffix]
            .iter()
            .for_each(|l| line('+', l));
        a[a.len() - suffix..].iter().for_each(|l| line(' ', l));
        delta += b.len() as isize - a.len() as isize;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(text: &str, what: &str, with: &str) -> Edit {
        let start = text.find(what).unwrap();
        Edit {
            start,
            end: start + what.len(),
            replacement: with.into(),
        }
    }

    #[test]
    fn apply_keeps_untouched_bytes() {
        let t = "Wij sturen middels PostNL.\r\nGroet";
        assert_eq!(
            apply(t, &[edit(t, "middels", "met")]),
            "Wij sturen met PostNL.\r\nGroet"
        );
    }

    #[test]
    fn diff_has_context_and_line_numbers() {
        let t = "a\nb\nc\nd\nWij sturen middels PostNL.\ne\nf\ng\nh\ni\n";
        let d = unified_diff("x.txt", t, &[edit(t, "middels", "met")]);
        assert_eq!(
            d,
            "--- a/x.txt\n+++ b/x.txt\n@@ -2,7 +2,7 @@\n b\n c\n d\n-Wij sturen middels PostNL.\n+Wij sturen met PostNL.\n e\n f\n g\n"
        );
    }

    #[test]
    fn diff_marks_a_missing_final_newline() {
        let t = "reeds klaar";
        let d = unified_diff("x.txt", t, &[edit(t, "reeds", "al")]);
        assert!(d.ends_with("-reeds klaar\n\\ No newline at end of file\n+al klaar\n\\ No newline at end of file\n"), "{d}");
    }

    #[test]
    fn far_apart_edits_make_two_hunks() {
        let mut t = String::from("middels\n");
        for i in 0..20 {
            t.push_str(&format!("regel {i}\n"));
        }
        t.push_str("reeds\n");
        let e = vec![edit(&t, "middels", "met"), edit(&t, "reeds", "al")];
        let d = unified_diff("x.txt", &t, &e);
        assert_eq!(d.matches("@@ -").count(), 2, "{d}");
        assert!(d.contains("@@ -19,4 +19,4 @@"), "{d}");
    }
}
