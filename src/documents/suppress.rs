//! Suppression comments: `webcare-lint: allow <id>[, <id>] -- <reason>`.

/// A suppression that applies to one reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// Rule ids, pack ids or commandments (`g2`).
    pub ids: Vec<String>,
    /// The reason after `--`; `None` when missing (itself a finding).
    pub reason: Option<String>,
    /// Byte range of the comment (or record key) in the file.
    pub start: usize,
    pub end: usize,
}

const MARKER: &str = "webcare-lint:";

/// Parses the inside of a comment (`webcare-lint: allow channel/dm -- reden`); `None` when
/// the comment is not a suppression. `start`/`end` are the comment's file offsets.
pub fn parse_comment(comment: &str, start: usize, end: usize) -> Option<Suppression> {
    let at = comment.find(MARKER)?;
    let rest = comment[at + MARKER.len()..].trim_start();
    let rest = rest.strip_prefix("allow")?;
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let (ids, reason) = match rest.split_once("--") {
        Some((ids, reason)) => (ids, Some(reason.trim())),
        None => (rest, None),
    };
    let ids: Vec<String> = ids
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    Some(Suppression {
        ids,
        reason: reason.filter(|r| !r.is_empty()).map(str::to_string),
        start,
        end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids_and_reason() {
        let s = parse_comment(
            " webcare-lint: allow channel/dm, g5 -- DM is hier nodig ",
            0,
            9,
        )
        .unwrap();
        assert_eq!(s.ids, ["channel/dm", "g5"]);
        assert_eq!(s.reason.as_deref(), Some("DM is hier nodig"));
    }

    #[test]
    fn missing_reason_is_none() {
        assert_eq!(
            parse_comment("webcare-lint: allow channel/dm", 0, 1)
                .unwrap()
                .reason,
            None
        );
        assert_eq!(
            parse_comment("webcare-lint: allow channel/dm --  ", 0, 1)
                .unwrap()
                .reason,
            None
        );
    }

    #[test]
    fn other_comments_are_not_suppressions() {
        assert!(parse_comment("TODO: allow more", 0, 1).is_none());
        assert!(parse_comment("webcare-lint: allowed", 0, 1).is_none());
    }
}
