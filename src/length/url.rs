//! The URLs X shortens to a fixed length, found the way twitter-text's extractor finds them.
//!
//! This follows the grammar of twitter-text's reference extractor (`Extractor`/`Regex` in its
//! Java implementation), written out as a scanner instead of one large regular expression:
//! - a URL must follow the start of the text or a character other than an ASCII letter or
//!   digit, `@`, `＠`, `$`, `#`, `＃` or an invalid character; without a protocol it must
//!   not follow `-`, `_`, `.` or `/`;
//! - an optional `http://` or `https://`, then a host of ASCII/Latin-accented labels
//!   (subdomains may contain `_`) ending in a known top-level domain ([`super::tlds`]) or a
//!   punycode label, the TLD not followed by an ASCII letter or digit, `@`, `+` or `-`; after a
//!   protocol a single label of other letters (e.g. CJK) is allowed before the TLD too;
//! - an optional `:port`, path (balanced parentheses allowed, no trailing punctuation) and
//!   query string;
//! - `https://t.co/…` links stop after their slug (at most 40 characters);
//! - the host must convert to ASCII (IDNA: lowercase, NFKC, punycode) with every label 1–63
//!   characters long, and the whole URL must stay within 4,096 characters.
//!
//! As with the regular expression, scanning resumes after every candidate, also after one
//! that is then rejected.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

use super::tlds::{COUNTRY, GENERIC};

const MAX_URL_LENGTH: usize = 4096;
const MAX_TCO_SLUG_LENGTH: usize = 40;
const MAX_LABEL_LENGTH: usize = 63;
/// What twitter-text adds for a URL without a protocol when checking its length.
const DEFAULT_PROTOCOL_LENGTH: usize = "https://".len();

/// Byte ranges `(start, end)` of the URLs in `text` that X counts at the transformed URL
/// length, in order and without overlap.
pub(crate) fn url_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    if !text.contains('.') {
        return spans;
    }
    let mut scanner = Scanner::new(text);
    let mut from = 0;
    while let Some((candidate, before)) = scanner.find(from) {
        from = candidate.end;
        if !candidate.protocol && before.is_some_and(|c| matches!(c, '-' | '_' | '.' | '/')) {
            continue;
        }
        let mut end = candidate.end;
        if candidate.protocol {
            match tco_length(&text[candidate.start..candidate.end]) {
                Some(Ok(len)) => end = candidate.start + len,
                Some(Err(TooLongSlug)) => continue,
                None => {}
            }
        }
        let (host_start, host_end) = candidate.host;
        let host = &text[host_start..host_end];
        let Some(ascii_host_len) = idna_ascii_length(host) else {
            continue;
        };
        let url_len = utf16_len(&text[candidate.start..end]) - utf16_len(host) + ascii_host_len;
        let with_protocol = if candidate.protocol {
            url_len
        } else {
            url_len + DEFAULT_PROTOCOL_LENGTH
        };
        if with_protocol <= MAX_URL_LENGTH {
            spans.push((candidate.start, end));
        }
    }
    spans
}

/// A match of the URL grammar, before the checks on the host and length.
struct Candidate {
    start: usize,
    /// End of the whole match: where scanning resumes.
    end: usize,
    protocol: bool,
    host: (usize, usize),
}

/// Matches the URL grammar in one text, remembering per position where an ASCII host and a
/// TLD end: candidates at successive labels of one host ask the same questions again, which
/// would make long dotted runs quadratic (or worse) in length.
struct Scanner<'a> {
    text: &'a str,
    /// For each byte offset: where the run of ASCII-label characters starting there ends.
    ascii_runs: Vec<usize>,
    /// The same for the characters of a non-ASCII label.
    unicode_runs: Vec<usize>,
    ascii_host_ends: HashMap<usize, Option<usize>>,
    tld_ends: HashMap<(usize, bool), Option<usize>>,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            ascii_runs: run_ends(text, |c| is_url_char(c) || c == '-' || c == '_'),
            unicode_runs: run_ends(text, |c| is_unicode_domain_char(c) || c == '-'),
            ascii_host_ends: HashMap::new(),
            tld_ends: HashMap::new(),
        }
    }

    /// The leftmost candidate at or after `from`, with the character it follows (`None` at
    /// the start of the text).
    fn find(&mut self, from: usize) -> Option<(Candidate, Option<char>)> {
        let text = self.text;
        for (i, c) in text[from..].char_indices() {
            let pos = from + i;
            if is_valid_preceding(c) {
                if let Some(candidate) = self.match_url(pos + c.len_utf8()) {
                    return Some((candidate, Some(c)));
                }
            }
            if pos == 0 {
                if let Some(candidate) = self.match_url(0) {
                    return Some((candidate, None));
                }
            }
        }
        None
    }

    fn match_url(&mut self, start: usize) -> Option<Candidate> {
        let text = self.text;
        if let Some(len) = protocol_length(&text[start..]) {
            if let Some(host_end) = self.match_domain(start + len, true) {
                return Some(finish(text, start, true, start + len, host_end));
            }
        }
        // Without a protocol group the regular expression still allows a non-ASCII host when
        // the text before it ends in a protocol (its look-behind); such a match is then
        // rejected for following "/", but it still moves the scan on.
        let after_protocol = {
            let before = &text.as_bytes()[..start];
            ["http://", "https://"].iter().any(|p| {
                before.len() >= p.len()
                    && before[before.len() - p.len()..].eq_ignore_ascii_case(p.as_bytes())
            })
        };
        let host_end = self.match_domain(start, after_protocol)?;
        Some(finish(text, start, false, start, host_end))
    }

    /// End of the host starting at `start`, if there is one.
    fn match_domain(&mut self, start: usize, after_protocol: bool) -> Option<usize> {
        if let Some(end) = self.ascii_host_end(start) {
            return Some(end);
        }
        if after_protocol {
            let dot = label_end(self.text, start, self.unicode_runs[start])?;
            return self.tld_end(dot + 1, false);
        }
        None
    }

    /// End of an ASCII host (`subdomain.*domain.tld`) starting at `start`. The regular
    /// expression repeats subdomain labels greedily, so the host that uses the most labels
    /// wins: the host starting at the next label if there is one, else this label (which may
    /// not contain "_") followed by a TLD.
    fn ascii_host_end(&mut self, start: usize) -> Option<usize> {
        let text = self.text;
        let mut chain = Vec::new();
        let mut pos = start;
        let mut end = loop {
            if let Some(&known) = self.ascii_host_ends.get(&pos) {
                break known;
            }
            match label_end(text, pos, self.ascii_runs[pos]) {
                Some(dot) => {
                    chain.push((pos, dot));
                    pos = dot + 1;
                }
                None => {
                    self.ascii_host_ends.insert(pos, None);
                    break None;
                }
            }
        };
        for &(label_start, dot) in chain.iter().rev() {
            if end.is_none() && !text[label_start..dot].contains('_') {
                end = self.tld_end(dot + 1, true);
            }
            self.ascii_host_ends.insert(label_start, end);
        }
        end
    }

    fn tld_end(&mut self, start: usize, punycode: bool) -> Option<usize> {
        let text = self.text;
        *self
            .tld_ends
            .entry((start, punycode))
            .or_insert_with(|| tld_end(text, start, punycode))
    }
}

fn is_valid_preceding(c: char) -> bool {
    !(c.is_ascii_alphanumeric() || matches!(c, '@' | '＠' | '$' | '#' | '＃') || is_invalid(c))
}

fn is_invalid(c: char) -> bool {
    matches!(c, '\u{FFFE}' | '\u{FEFF}' | '\u{FFFF}')
}

fn protocol_length(rest: &str) -> Option<usize> {
    ["https://", "http://"]
        .into_iter()
        .find(|p| starts_with_ignore_ascii_case(rest, p))
        .map(str::len)
}

/// For every byte offset of `text` (and its end): the end of the run of `allowed` characters
/// starting there.
fn run_ends(text: &str, allowed: impl Fn(char) -> bool) -> Vec<usize> {
    let mut ends = vec![text.len(); text.len() + 1];
    let mut run_end = text.len();
    for (i, c) in text.char_indices().rev() {
        if !allowed(c) {
            run_end = i;
        }
        ends[i] = run_end;
    }
    ends
}

/// Position of the dot ending the label that starts at `start` and runs to `run_end` (a run
/// of label characters): the run must be followed by a dot and neither start nor end with
/// `-` or `_`.
fn label_end(text: &str, start: usize, run_end: usize) -> Option<usize> {
    let label = &text[start..run_end];
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c != '-' && c != '_');
    (text[run_end..].starts_with('.')
        && edge_ok(label.chars().next())
        && edge_ok(label.chars().next_back()))
    .then_some(run_end)
}

/// End of a top-level domain at `start`: a known TLD not followed by `[a-z0-9@+-]`, or (if
/// `punycode`) an `xn--` label. Where several TLDs fit, the first in list order wins, as in
/// the regular expression's alternation.
fn tld_end(text: &str, start: usize, punycode: bool) -> Option<usize> {
    let rest = &text[start..];
    let boundary = |after: &str| {
        after
            .chars()
            .next()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || matches!(c, '@' | '+' | '-')))
    };
    let index = tld_index();
    // Candidate ends after each character, up to the longest TLD; a TLD has no spaces and no
    // ASCII punctuation but "-".
    let best = rest
        .char_indices()
        .map(|(i, c)| (i + c.len_utf8(), c))
        .take_while(|&(len, c)| {
            len <= index.max_len
                && !(c.is_ascii_whitespace() || (c.is_ascii_punctuation() && c != '-'))
        })
        .filter_map(|(len, _)| {
            let candidate = &rest[..len];
            let key: Cow<str> = if candidate.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(candidate.to_ascii_lowercase())
            } else {
                Cow::Borrowed(candidate)
            };
            let priority = *index.priority.get(key.as_ref())?;
            boundary(&rest[len..]).then_some((priority, len))
        })
        .min();
    if let Some((_, len)) = best {
        return Some(start + len);
    }
    if punycode && starts_with_ignore_ascii_case(rest, "xn--") {
        let body = rest[4..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
            .count();
        if body > 0 {
            return Some(start + 4 + body);
        }
    }
    None
}

/// Every TLD with its place in the search order ([`GENERIC`], then [`COUNTRY`]).
struct TldIndex {
    priority: HashMap<&'static str, usize>,
    max_len: usize,
}

fn tld_index() -> &'static TldIndex {
    static INDEX: OnceLock<TldIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let all = || GENERIC.iter().chain(COUNTRY).copied();
        let mut priority = HashMap::new();
        for (i, tld) in all().enumerate() {
            priority.entry(tld).or_insert(i);
        }
        TldIndex {
            priority,
            max_len: all().map(str::len).max().unwrap_or(0),
        }
    })
}

/// The full match: host, then optional port, path and query string.
fn finish(
    text: &str,
    start: usize,
    protocol: bool,
    host_start: usize,
    host_end: usize,
) -> Candidate {
    let mut end = host_end;
    if let Some(rest) = text[end..].strip_prefix(':') {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            end += 1 + digits;
        }
    }
    if let Some(rest) = text[end..].strip_prefix('/') {
        end += 1 + path_length(rest);
    }
    if let Some(rest) = text[end..].strip_prefix('?') {
        if let Some(len) = query_length(rest) {
            end += 1 + len;
        }
    }
    Candidate {
        start,
        end,
        protocol,
        host: (host_start, host_end),
    }
}

/// Length of the path after its first "/": the longest run of path characters and balanced
/// parentheses that ends in a path-ending character or a parenthesis group.
fn path_length(rest: &str) -> usize {
    let mut pos = 0;
    let mut last_end = 0;
    while let Some(c) = rest[pos..].chars().next() {
        if is_path_char(c) {
            pos += c.len_utf8();
            if is_path_ending_char(c) {
                last_end = pos;
            }
        } else if let Some(len) = balanced_parens(&rest[pos..]) {
            pos += len;
            last_end = pos;
        } else {
            break;
        }
    }
    last_end
}

/// Length of a parenthesised group at the start of `s`, one nested level allowed.
fn balanced_parens(s: &str) -> Option<usize> {
    let run = |s: &str| s.find(|c: char| !is_path_char(c)).unwrap_or(s.len());
    let inner = s.strip_prefix('(')?;
    let first = run(inner);
    let after = &inner[first..];
    if after.starts_with(')') {
        return (first > 0).then_some(1 + first + 1);
    }
    let nested = after.strip_prefix('(')?;
    let middle = run(nested);
    if middle == 0 {
        return None;
    }
    let tail = nested[middle..].strip_prefix(')')?;
    let last = run(tail);
    tail[last..]
        .starts_with(')')
        .then_some(1 + first + 1 + middle + 1 + last + 1)
}

/// Length of the query string after "?": the longest run of query characters ending in a
/// query-ending character, if any.
fn query_length(rest: &str) -> Option<usize> {
    let mut last_end = None;
    for (i, c) in rest.char_indices() {
        if !is_query_char(c) {
            break;
        }
        if is_query_ending_char(c) {
            last_end = Some(i + 1);
        }
    }
    last_end
}

struct TooLongSlug;

/// For `https://t.co/<slug>` links: the length up to the end of the slug (and query string),
/// or an error for a slug longer than X accepts. `None` for other URLs.
fn tco_length(url: &str) -> Option<Result<usize, TooLongSlug>> {
    let protocol = protocol_length(url)?;
    let rest = &url[protocol..];
    if !starts_with_ignore_ascii_case(rest, "t.co/") {
        return None;
    }
    let slug = rest[5..]
        .bytes()
        .take_while(u8::is_ascii_alphanumeric)
        .count();
    if slug == 0 {
        return None;
    }
    if slug > MAX_TCO_SLUG_LENGTH {
        return Some(Err(TooLongSlug));
    }
    let mut len = protocol + 5 + slug;
    if let Some(query) = url[len..].strip_prefix('?') {
        if let Some(q) = query_length(query) {
            len += 1 + q;
        }
    }
    Some(Ok(len))
}

/// Length of `host` converted to ASCII as IDNA does (`None` if a label is empty, longer than
/// 63 characters once converted, or a non-ASCII label already claims the `xn--` prefix).
fn idna_ascii_length(host: &str) -> Option<usize> {
    let mut total = 0;
    for (i, label) in host
        .split(['.', '\u{3002}', '\u{FF0E}', '\u{FF61}'])
        .enumerate()
    {
        let len = if label.is_ascii() {
            label.len()
        } else {
            let mapped: String = label
                .chars()
                .filter(|&c| !is_mapped_to_nothing(c))
                .flat_map(char::to_lowercase)
                .nfkc()
                .collect();
            if mapped.is_ascii() {
                mapped.len()
            } else if starts_with_ignore_ascii_case(&mapped, "xn--") {
                return None;
            } else {
                "xn--".len() + punycode_encode(&mapped)?.len()
            }
        };
        if len == 0 || len > MAX_LABEL_LENGTH {
            return None;
        }
        total += len + usize::from(i > 0);
    }
    Some(total)
}

/// Characters nameprep (RFC 3491, table B.1) removes.
fn is_mapped_to_nothing(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{34F}'
            | '\u{1806}'
            | '\u{180B}'..='\u{180D}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
    )
}

/// Punycode (RFC 3492) encoding of `input`, without the `xn--` prefix.
pub(crate) fn punycode_encode(input: &str) -> Option<String> {
    const BASE: u64 = 36;
    const T_MIN: u64 = 1;
    const T_MAX: u64 = 26;
    const SKEW: u64 = 38;
    const DAMP: u64 = 700;

    fn adapt(delta: u64, points: u64, first: bool) -> u64 {
        let mut delta = if first { delta / DAMP } else { delta / 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - T_MIN) * T_MAX) / 2 {
            delta /= BASE - T_MIN;
            k += BASE;
        }
        k + ((BASE - T_MIN + 1) * delta) / (delta + SKEW)
    }
    fn digit(d: u64) -> char {
        // d < 36 by construction.
        let d = d as u8;
        char::from(if d < 26 { b'a' + d } else { b'0' + d - 26 })
    }

    let code_points: Vec<u64> = input.chars().map(|c| u64::from(u32::from(c))).collect();
    let mut output: String = input.chars().filter(char::is_ascii).collect();
    let basic = output.len() as u64;
    if basic > 0 {
        output.push('-');
    }
    let (mut n, mut delta, mut bias, mut handled) = (128u64, 0u64, 72u64, basic);
    while handled < code_points.len() as u64 {
        let m = *code_points.iter().filter(|&&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in &code_points {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    output.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                output.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    Some(output)
}

/// Letters, digits and Latin accented letters allowed in an ASCII host label.
fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || is_latin_accent(c)
}

/// Characters of a non-ASCII host label: anything but ASCII punctuation, spaces and
/// separators, and General Punctuation (U+2000–U+206F).
fn is_unicode_domain_char(c: char) -> bool {
    !(c.is_ascii_punctuation()
        || matches!(
            c,
            ' ' | '\t' | '\n' | '\u{B}' | '\u{C}' | '\r' | '\u{A0}' | '\u{1680}' | '\u{3000}'
        )
        || ('\u{2000}'..='\u{206F}').contains(&c))
}

fn is_latin_accent(c: char) -> bool {
    matches!(c,
        '\u{C0}'..='\u{D6}'
        | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{FF}'
        | '\u{100}'..='\u{24F}'
        | '\u{253}'
        | '\u{254}'
        | '\u{256}'
        | '\u{257}'
        | '\u{259}'
        | '\u{25B}'
        | '\u{263}'
        | '\u{268}'
        | '\u{26F}'
        | '\u{272}'
        | '\u{289}'
        | '\u{28B}'
        | '\u{2BB}'
        | '\u{300}'..='\u{36F}'
        | '\u{1E00}'..='\u{1EFF}')
}

fn is_cyrillic(c: char) -> bool {
    ('\u{400}'..='\u{4FF}').contains(&c)
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || "!*';:=+,.$/%#[]-_~|&@\u{2013}".contains(c)
        || is_latin_accent(c)
        || is_cyrillic(c)
}

fn is_path_ending_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "=_#/-+".contains(c) || is_latin_accent(c) || is_cyrillic(c)
}

fn is_query_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!?*'();:&=+$/%#[]-_.,~|@".contains(c)
}

fn is_query_ending_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_&=#/".contains(c)
}

fn starts_with_ignore_ascii_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(text: &str) -> Vec<&str> {
        url_spans(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn finds_urls_with_and_without_protocol() {
        assert_eq!(
            urls("Kijk op https://www.example.nl/klantenservice/bezorging?id=12. Of example.nl."),
            [
                "https://www.example.nl/klantenservice/bezorging?id=12",
                "example.nl"
            ]
        );
        assert_eq!(
            urls("twitter.com/jack en T.co"),
            ["twitter.com/jack", "T.co"]
        );
        assert_eq!(
            urls("(zie http://nl.wikipedia.org/wiki/Primer_(film))"),
            ["http://nl.wikipedia.org/wiki/Primer_(film)"]
        );
        assert_eq!(
            urls("http://☃.net/ en http://foobar.پاکستان/"),
            ["http://☃.net/", "http://foobar.پاکستان/"]
        );
    }

    #[test]
    fn rejects_what_twitter_does_not_link() {
        assert!(urls("mail info@example.nl").is_empty());
        assert!(urls("foo_bar.com of www.-domain.com of 192.168.0.1").is_empty());
        assert!(urls("ftp is geen link: bestand.zzz").is_empty());
        // A 64-character label is too long for DNS.
        assert!(urls(&format!("{}.com", "a".repeat(64))).is_empty());
        assert_eq!(urls(&format!("{}.com", "a".repeat(63))).len(), 1);
    }

    #[test]
    fn dutch_abbreviations_are_not_links() {
        let text = "z.s.m. o.a. i.p.v. d.w.z. t.a.v. m.b.t. n.a.v. bijv. evt. 088-123.45.67";
        assert!(urls(text).is_empty());
        // But a missing space before a word that is a TLD makes a link, as on X.
        assert_eq!(
            urls("We hebben het gedaan.Nu nog even wachten"),
            ["gedaan.Nu"]
        );
    }

    #[test]
    fn tco_links_stop_after_the_slug() {
        assert_eq!(urls("https://t.co/abc123/meer"), ["https://t.co/abc123"]);
        assert!(urls(&format!("https://t.co/{}", "a".repeat(41))).is_empty());
    }

    #[test]
    fn long_dotted_or_accented_runs_stay_fast() {
        // Every "a" here starts a candidate host; without memoisation this takes hours.
        assert!(urls(&"a.".repeat(20_000)).is_empty());
        assert!(urls(&"é-".repeat(20_000)).is_empty());
        assert_eq!(urls(&"x.nl ".repeat(5_000)).len(), 5_000);
    }

    #[test]
    fn punycode_matches_rfc_3492() {
        assert_eq!(punycode_encode("bücher").as_deref(), Some("bcher-kva"));
        assert_eq!(punycode_encode("münchen").as_deref(), Some("mnchen-3ya"));
        assert_eq!(punycode_encode("☃").as_deref(), Some("n3h"));
        assert_eq!(
            idna_ascii_length("bücher.de"),
            Some("xn--bcher-kva.de".len())
        );
    }
}
