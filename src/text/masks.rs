//! Spans of a reply that rules may choose not to count: quoted words (the customer's own
//! words), quoted lines (`> …`), URLs, @mentions, #hashtags and template placeholders.

use regex::Regex;
use std::sync::LazyLock;

/// A set of ignorable-span kinds (a small bit set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Mask(u8);

impl Mask {
    pub const NONE: Mask = Mask(0);
    /// Words between paired quotation marks.
    pub const QUOTE: Mask = Mask(1);
    /// Lines starting with `>`.
    pub const QUOTE_LINE: Mask = Mask(2);
    pub const URL: Mask = Mask(4);
    pub const MENTION: Mask = Mask(8);
    pub const HASHTAG: Mask = Mask(16);
    /// `{{ naam }}`, `{naam}`, `%NAAM%`, `[naam]`: count as words, never trigger a rule.
    pub const PLACEHOLDER: Mask = Mask(32);
    pub const ALL: Mask = Mask(63);

    /// The names pack authors use in a rule's `skip` list.
    pub const NAMES: [(&'static str, Mask); 6] = [
        ("quotes", Mask::QUOTE),
        ("quote-lines", Mask::QUOTE_LINE),
        ("urls", Mask::URL),
        ("mentions", Mask::MENTION),
        ("hashtags", Mask::HASHTAG),
        ("placeholders", Mask::PLACEHOLDER),
    ];

    pub fn from_name(name: &str) -> Option<Mask> {
        Mask::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, m)| m)
    }

    pub const fn union(self, other: Mask) -> Mask {
        Mask(self.0 | other.0)
    }
    pub const fn intersects(self, other: Mask) -> bool {
        self.0 & other.0 != 0
    }
    pub const fn contains(self, other: Mask) -> bool {
        self.0 & other.0 == other.0
    }
    pub const fn without(self, other: Mask) -> Mask {
        Mask(self.0 & !other.0)
    }
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:https?://|www\.)[^\s<>]+|(?-u:\b)[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:nl|be|com|org|net|eu|info|io|de|fr|uk|shop|app|online|nu)(?-u:\b)(?:/[^\s<>]*)?",
    )
    .expect("URL pattern is valid")
});

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{\{[^{}\n]{1,60}\}\}|\{[A-Za-z_][A-Za-z0-9_.]{0,40}\}|%[A-Za-z_][A-Za-z0-9_]{0,40}%|\[[A-Za-z_][A-Za-z0-9_ ]{0,40}\](?:[^(]|$)")
        .expect("placeholder pattern is valid")
});

/// Compiles the URL pattern now (it is compiled once, on first use; nearly every reply
/// needs it, while placeholders are looked for only in replies with `{`, `%` or `[`).
pub fn prepare() {
    LazyLock::force(&URL);
}

/// All ignorable spans of `text`, sorted by start.
pub fn find(text: &str) -> Vec<(usize, usize, Mask)> {
    let mut out = Vec::new();
    quote_lines(text, &mut out);
    quotes(text, &mut out);
    if may_have_url(text) {
        for m in URL.find_iter(text) {
            // The domain of an e-mail address is not a link.
            if text[..m.start()].ends_with('@') {
                continue;
            }
            let trimmed = m
                .as_str()
                .trim_end_matches(['.', ',', '!', '?', ';', ':', ')']);
            out.push((m.start(), m.start() + trimmed.len(), Mask::URL));
        }
    }
    if text.contains(['{', '%', '[']) {
        for m in PLACEHOLDER.find_iter(text) {
            let s = m.as_str();
            let end = if s.starts_with('[') {
                m.start() + s.find(']').map_or(s.len(), |i| i + 1)
            } else {
                m.end()
            };
            out.push((m.start(), end, Mask::PLACEHOLDER));
        }
    }
    tags(text, &mut out);
    out.sort_unstable_by_key(|&(s, e, _)| (s, e));
    out
}

/// Whether `text` may hold a URL: every match of [`URL`] has `://`, or a dot followed by
/// something other than white space (`www.`, `.nl`); most replies' dots end sentences.
fn may_have_url(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr2_iter(b'.', b':', b).any(|i| match (b[i], b.get(i + 1)) {
        (b'.', Some(&n)) => !n.is_ascii_whitespace() && n != b'<' && n != b'>',
        (b':', Some(&n)) => n == b'/',
        _ => false,
    })
}

fn quote_lines(text: &str, out: &mut Vec<(usize, usize, Mask)>) {
    if memchr::memchr(b'>', text.as_bytes()).is_none() {
        return;
    }
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with('>') {
            out.push((
                at,
                at + line.trim_end_matches(['\n', '\r']).len(),
                Mask::QUOTE_LINE,
            ));
        }
        at += line.len();
    }
}

/// @mentions and #hashtags: the sign at a word's start, followed by word characters. An `@`
/// inside a word is an e-mail address, not a mention.
fn tags(text: &str, out: &mut Vec<(usize, usize, Mask)>) {
    let bytes = text.as_bytes();
    for i in memchr::memchr2_iter(b'@', b'#', bytes) {
        let b = bytes[i];
        let prev = text[..i].chars().next_back();
        if prev.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let rest = &text[i + 1..];
        let len: usize = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .map(char::len_utf8)
            .sum();
        if len > 0 {
            let kind = if b == b'@' {
                Mask::MENTION
            } else {
                Mask::HASHTAG
            };
            out.push((i, i + 1 + len, kind));
        }
    }
}

/// Paired quotation marks within a paragraph. Straight single quotes count only at word
/// edges, so the apostrophes of 's, zo'n and auto's are never taken for quotes.
fn quotes(text: &str, out: &mut Vec<(usize, usize, Mask)>) {
    // Every mark is `"`, `'` or starts with byte 0xE2 (‘ ’ “ ” „) or 0xC2 (« »): only
    // characters starting with those bytes, or a line break, can change the state.
    let b = text.as_bytes();
    // The candidate bytes in order, from two scans (memchr looks for up to three bytes).
    let mut marks = memchr::memchr3_iter(b'"', b'\'', 0xE2, b).peekable();
    let mut others = memchr::memchr2_iter(0xC2, b'\n', b).peekable();
    let mut open: Option<(usize, char)> = None;
    loop {
        let i = match (marks.peek(), others.peek()) {
            (Some(&x), Some(&y)) if x < y => marks.next(),
            (_, Some(_)) => others.next(),
            (Some(_), None) => marks.next(),
            (None, None) => None,
        };
        let Some(i) = i else { break };
        if b[i] == b'\n' && open.is_none() {
            continue; // a line break only ends a quote left open
        }
        let mut rest = text[i..].chars();
        let Some(c) = rest.next() else { break };
        let next = rest.next();
        let prev = text[..i].chars().next_back();
        if c == '\n' && next == Some('\n') {
            open = None; // a blank line ends any quote left open
        }
        let closes = |o: char| match o {
            '"' => c == '"',
            '\u{201C}' => c == '\u{201D}',
            '\u{201E}' => c == '\u{201D}' || c == '\u{201C}',
            '\u{00AB}' => c == '\u{00BB}',
            '\u{2018}' | '\'' => {
                (c == '\u{2019}' || c == '\'')
                    && prev.is_some_and(|p| !p.is_whitespace())
                    && !next.is_some_and(char::is_alphanumeric)
            }
            _ => false,
        };
        match open {
            Some((start, o)) if closes(o) => {
                out.push((start, i + c.len_utf8(), Mask::QUOTE));
                open = None;
            }
            Some(_) => {}
            None => {
                let opener = match c {
                    '"' | '\u{201C}' | '\u{201E}' | '\u{00AB}' => {
                        next.is_some_and(|n| !n.is_whitespace())
                    }
                    '\'' | '\u{2018}' => {
                        prev.is_none_or(|p| p.is_whitespace() || "([{:".contains(p))
                            && next.is_some_and(char::is_alphanumeric)
                            && !is_elision(&text[i + c.len_utf8()..])
                    }
                    _ => false,
                };
                if opener {
                    open = Some((i, c));
                }
            }
        }
    }
}

/// Dutch elisions that start with an apostrophe: 's, 't, 'n, 'm, 'k, 'r, 'ns.
fn is_elision(after: &str) -> bool {
    let mut it = after.chars();
    let first = it.next().map(|c| c.to_ascii_lowercase());
    let second = it.next();
    let short = matches!(first, Some('s' | 't' | 'n' | 'm' | 'k' | 'r'))
        && !second.is_some_and(char::is_alphanumeric);
    short || after.to_ascii_lowercase().starts_with("ns ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(&str, Mask)> {
        find(text)
            .into_iter()
            .map(|(s, e, k)| (&text[s..e], k))
            .collect()
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        assert!(kinds("Zo'n auto's rijden 's avonds niet").is_empty());
    }

    #[test]
    fn single_quotes_pair_at_word_edges() {
        assert_eq!(
            kinds("Je schreef 'bel me terug' en dat doen we"),
            [("'bel me terug'", Mask::QUOTE)]
        );
    }

    #[test]
    fn low_high_quotes_pair() {
        assert_eq!(
            kinds("\u{201E}Bel ons maar\u{201D}, zei hij"),
            [("\u{201E}Bel ons maar\u{201D}", Mask::QUOTE)]
        );
    }

    #[test]
    fn urls_mentions_hashtags() {
        assert_eq!(
            kinds("@Sanne kijk op www.bedrijf.nl/hulp. #storing"),
            [
                ("@Sanne", Mask::MENTION),
                ("www.bedrijf.nl/hulp", Mask::URL),
                ("#storing", Mask::HASHTAG)
            ]
        );
    }

    #[test]
    fn email_domain_is_not_a_url_and_not_a_mention() {
        assert!(kinds("mail naar info@bedrijf.nl").is_empty());
    }

    #[test]
    fn placeholders() {
        assert_eq!(
            kinds("Hoi {{ naam }}, {order} %NAAM% [naam] [link](x)"),
            [
                ("{{ naam }}", Mask::PLACEHOLDER),
                ("{order}", Mask::PLACEHOLDER),
                ("%NAAM%", Mask::PLACEHOLDER),
                ("[naam]", Mask::PLACEHOLDER)
            ]
        );
    }

    #[test]
    fn quote_lines() {
        assert_eq!(kinds("> bel me\nNee"), [("> bel me", Mask::QUOTE_LINE)]);
    }
}
