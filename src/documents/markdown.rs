//! Markdown: with `##` headings, a library of one reply per section (the heading is the id;
//! a fenced block, when there is one, is the reply); without, one reply. HTML comments are
//! blanked (kept as spaces) so they are not checked but offsets stay exact.

use super::{Document, Suppression, parse_comment};

pub(super) fn split(source: &str) -> Vec<Document> {
    let mut headings = Vec::new(); // (line start, body start, title)
    let mut at = 0;
    let mut in_fence = false;
    for line in source.split_inclusive('\n') {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        } else if !in_fence {
            if let Some(title) = trimmed.strip_prefix("## ") {
                headings.push((
                    at,
                    at + line.len(),
                    title.trim().trim_end_matches('#').trim(),
                ));
            } else if trimmed.starts_with("# ") {
                // A level-1 heading closes the previous section without opening one.
                headings.push((at, at + line.len(), ""));
            }
        }
        at += line.len();
    }
    let sections: Vec<_> = headings.iter().filter(|h| !h.2.is_empty()).collect();
    if sections.is_empty() {
        let mut doc = Document::plain(None, blank_comments(source), 0);
        doc.suppressions = suppressions(source, 0, source.len());
        return vec![doc];
    }
    let mut docs = Vec::new();
    for (i, &(heading_start, body_start, title)) in headings.iter().enumerate() {
        if title.is_empty() {
            continue;
        }
        let body_end = headings.get(i + 1).map_or(source.len(), |h| h.0);
        let (start, end) = reply_range(source, body_start, body_end);
        // An empty reply is pointed at by its heading.
        let base = if start == end { heading_start } else { start };
        let mut doc = Document::plain(
            Some(title.to_string()),
            blank_comments(&source[start..end]),
            base,
        );
        // A suppression anywhere in the section (also above a fenced reply) applies to it.
        doc.suppressions = suppressions(source, body_start, body_end);
        docs.push(doc);
    }
    docs
}

/// The reply inside a section body: the first fenced block's content if there is one, else
/// the body without surrounding blank lines.
fn reply_range(source: &str, start: usize, end: usize) -> (usize, usize) {
    let body = &source[start..end];
    let mut at = 0;
    let mut fence: Option<usize> = None;
    for line in body.split_inclusive('\n') {
        let t = line.trim_end_matches(['\n', '\r']);
        if t.starts_with("```") || t.starts_with("~~~") {
            match fence {
                None => fence = Some(at + line.len()),
                Some(from) => return (start + from, start + at),
            }
        }
        at += line.len();
    }
    let lead = body.len() - body.trim_start_matches(['\n', '\r', ' ', '\t']).len();
    let trail = body.trim_end().len();
    if trail <= lead {
        return (start + lead, start + lead);
    }
    (start + lead, start + trail)
}

/// `<!-- webcare-lint: allow … -->` comments in `source[from..to]`.
fn suppressions(source: &str, from: usize, to: usize) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut at = from;
    while let Some(open) = source[at..to].find("<!--") {
        let start = at + open;
        let Some(close) = source[start..to].find("-->") else {
            break;
        };
        let end = start + close + 3;
        if let Some(s) = parse_comment(&source[start + 4..end - 3], start, end) {
            out.push(s);
        }
        at = end;
    }
    out
}

/// HTML comments replaced by spaces (line breaks kept).
pub(crate) fn blank_comments(text: &str) -> String {
    if !text.contains("<!--") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("<!--") {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let close = after.find("-->").map_or(after.len(), |c| c + 3);
        // One space per byte, so multi-byte characters keep offsets exact.
        for c in after[..close].chars() {
            if c == '\n' {
                out.push('\n');
            } else {
                out.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
        }
        rest = &after[close..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_without_sections_is_one_reply() {
        let docs = split("# Titel\nBel ons even.\n");
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].id, None);
    }

    #[test]
    fn sections_are_replies_with_exact_offsets() {
        let src = "# Templates\n\n## Pakket te laat\n\nSorry! Bel ons even.\n\n## Retour\n```\nStuur een mail.\n```\n";
        let docs = split(src);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].id.as_deref(), Some("Pakket te laat"));
        assert_eq!(docs[0].text, "Sorry! Bel ons even.");
        let at = docs[0].text.find("Bel").unwrap();
        assert_eq!(&src[docs[0].map.to_file(at)..][..3], "Bel");
        assert_eq!(docs[1].text, "Stuur een mail.\n");
    }

    #[test]
    fn comments_are_blanked_keeping_offsets() {
        let t = blank_comments("a <!-- é --> b");
        assert_eq!(t.len(), "a <!-- é --> b".len());
        assert!(t.starts_with("a ") && t.ends_with(" b") && !t.contains('é'));
    }
}
