//! `privacy/personal-data`: personal data in a public reply (the rule runs on `x`, `facebook`
//! and `instagram` only, through its `channels`).
//!
//! Found, one finding per item:
//! - an e-mail address, except the company's generic ones (`info@`, `klantenservice@`,
//!   `service@`, `support@`, `webcare@`, `noreply@`, …);
//! - a phone number: Dutch (`06-12345678`, `06 1234 5678`, `020-1234567`, `(020) 123 45 67`,
//!   `+31 6 12345678`, `0031 6 12345678`) and international (`+32 470 12 34 56`, `+49 30
//!   1234567`); not the company's service numbers (0800, 0900, 0906, 0909, 088), and not a
//!   number the company gives as its own ("bel ons op …");
//! - an IBAN: country, check digits and the country's length, validated with the mod-97
//!   checksum (spaces allowed), so random digits do not fire;
//! - a street address with a house number ("Dorpsstraat 12", "Laan van Meerdervoort 5",
//!   "op Lange Voorhout 3a"), with a postcode after it taken along;
//! - a Dutch postcode ("1234 AB").
//!
//! Not found: order and tracking numbers, amounts, dates, times, and addresses of the company
//! ("onze winkel aan de Kalverstraat 12", a pakketpunt, an antwoordnummer). Text inside URLs
//! and template placeholders is skipped.

use super::{Hit, Input};
use crate::text::Mask;
use regex::Regex;
use std::sync::LazyLock;

/// What kind of personal data an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DataKind {
    Iban,
    Email,
    Phone,
    Address,
    Postcode,
}

impl DataKind {
    /// The kind, in Dutch, for the message.
    pub fn label(self) -> &'static str {
        match self {
            DataKind::Email => "een e-mailadres",
            DataKind::Phone => "een telefoonnummer",
            DataKind::Iban => "een rekeningnummer (IBAN)",
            DataKind::Address => "een adres",
            DataKind::Postcode => "een postcode",
        }
    }
}

/// One item of personal data: byte span and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub start: usize,
    pub end: usize,
    pub kind: DataKind,
}

pub fn check(input: &Input) -> Vec<Hit> {
    let a = input.analysis;
    // An e-mail address in a link (`mailto:`) is still exposed; other items in a link are
    // part of the link.
    let skipped = |i: &Item| {
        let mask = if i.kind == DataKind::Email {
            Mask::PLACEHOLDER
        } else {
            Mask::URL.union(Mask::PLACEHOLDER)
        };
        a.masked
            .iter()
            .any(|&(ms, me, m)| ms < i.end && i.start < me && m.intersects(mask))
    };
    find(a.text)
        .into_iter()
        .filter(|i| !skipped(i))
        .map(|i| Hit {
            start: i.start,
            end: i.end,
            vars: vec![
                ("kind", i.kind.label().to_string()),
                ("match", a.text[i.start..i.end].to_string()),
            ],
        })
        .collect()
}

/// Every item of personal data in `text`, sorted, without overlaps (an IBAN or e-mail address
/// wins over a phone number or postcode inside it).
/// Whether `text` may hold an item, cheaply: every kind has an ASCII digit (a phone number,
/// an IBAN, a house number, a postcode) or an `@` (an e-mail address).
pub fn may_have(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit() || b == b'@')
}

pub fn find(text: &str) -> Vec<Item> {
    let mut all = Vec::new();
    all.extend(ibans(text));
    all.extend(emails(text));
    all.extend(phones(text));
    all.extend(addresses(text));
    all.extend(postcodes(text));
    // Merge "Dorpsstraat 12, 1234 AB" into one address.
    let postcodes: Vec<Item> = all
        .iter()
        .filter(|i| i.kind == DataKind::Postcode)
        .copied()
        .collect();
    for item in all.iter_mut().filter(|i| i.kind == DataKind::Address) {
        if let Some(p) = postcodes.iter().find(|p| {
            p.start >= item.end
                && p.start - item.end <= 3
                && text[item.end..p.start]
                    .chars()
                    .all(|c| c == ',' || c == ' ')
        }) {
            item.end = p.end;
        }
    }
    all.sort_by_key(|i| (i.kind, i.start));
    let mut out: Vec<Item> = Vec::new();
    for item in all {
        if !out.iter().any(|o| o.start < item.end && item.start < o.end) {
            out.push(item);
        }
    }
    out.sort_by_key(|i| (i.start, i.end));
    out
}

/// The sentence (or line) around `start..end`.
fn sentence(text: &str, start: usize, end: usize) -> &str {
    let is_stop = |w: &[u8]| matches!(w, [b'.' | b'!' | b'?', b' ' | b'\n'] | [b'\n', _]);
    let bytes = text.as_bytes();
    let mut s = start;
    while s > 0 && !is_stop(&bytes[s - 1..(s + 1).min(bytes.len())]) && bytes[s - 1] != b'\n' {
        s -= 1;
    }
    let mut e = end;
    while e < bytes.len() && bytes[e] != b'\n' && !is_stop(&bytes[e..(e + 2).min(bytes.len())]) {
        e += 1;
    }
    &text[s..e]
}

fn char_before(text: &str, i: usize) -> Option<char> {
    text[..i].chars().next_back()
}

fn char_after(text: &str, i: usize) -> Option<char> {
    text[i..].chars().next()
}

// ---------------------------------------------------------------------------------------
// E-mail addresses

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
        .expect("e-mail pattern is valid")
});

/// Local parts of a company's generic addresses.
#[rustfmt::skip]
const GENERIC_MAILBOXES: &[&str] = &[
    "info", "klantenservice", "klantcontact", "klantenzorg", "klantendienst", "service",
    "customerservice", "customercare", "care", "support", "webcare", "noreply", "no-reply",
    "donotreply", "do-not-reply", "contact", "hallo", "hello", "helpdesk", "servicedesk",
    "sales", "verkoop", "privacy", "administratie", "facturen", "factuur", "facturatie",
    "billing", "retour", "retouren", "orders", "order", "bestellingen", "bestelling",
    "klachten", "klacht", "pers", "press", "media", "communicatie", "office", "receptie",
    "secretariaat", "algemeen", "vragen", "feedback", "reserveringen", "boekingen", "jobs",
    "vacatures", "webshop", "shop", "security", "abuse", "marketing", "nieuwsbrief",
    "newsletter", "schade", "claims", "team", "post", "mail",
];

fn is_generic_mailbox(local: &str) -> bool {
    let local = local.to_lowercase();
    GENERIC_MAILBOXES.iter().any(|g| {
        local == *g
            || local
                .strip_prefix(g)
                .is_some_and(|rest| rest.starts_with(['-', '.', '_']))
    })
}

fn emails(text: &str) -> Vec<Item> {
    if !text.contains('@') {
        return Vec::new();
    }
    EMAIL
        .find_iter(text)
        .filter(|m| {
            let local = &m.as_str()[..m.as_str().find('@').expect("an @")];
            !is_generic_mailbox(local.trim_start_matches(['.', '_', '-', '+']))
        })
        .map(|m| Item {
            start: m.start(),
            end: m.end(),
            kind: DataKind::Email,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Phone numbers

/// Country codes accepted after `00` (after `+`, any code is).
const COUNTRY_CODES: &[&str] = &[
    "31", "32", "33", "34", "39", "41", "43", "44", "45", "46", "47", "48", "49", "351", "352",
    "353", "90", "212", "297", "597", "599",
];

/// Service numbers of companies: not personal.
const SERVICE_PREFIXES: &[&str] = &["0800", "0900", "0906", "0909", "088"];

/// The company gives its own number: "bel ons op", "onze klantenservice is bereikbaar op".
static COMPANY_PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:bel|bellen|belt|app|appen|appt|bereik|bereiken|whatsapp)\s+(?:ons|onze)\b|\bons\s+(?:\w+\s+)?(?:nummer|telefoonnummer|whatsappnummer)\b|\bons\b[^.?!\n]{0,60}\b(?:bellen|bereiken|appen)\b|\bonze\s+(?:klantenservice|helpdesk|servicedesk|winkel|vestiging|afdeling|klantendienst|servicelijn|hulplijn|spoedlijn|storingslijn|storingsdienst|receptie)\b|\b(?:we|wij)\s+(?:zijn\s+)?(?:\w+\s+)?bereikbaar\b|\bzijn\s+(?:we|wij)\s+(?:\w+\s+)?bereikbaar\b")
        .expect("company phone pattern is valid")
});

/// The customer is asked to call the number: "Belt u even naar 020-…", "bel gerust".
static CALL_THIS_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[:;,(]\s*)\s*(?:bel|belt\s+u|bel\s+je)\b|\b(?:je|u)\s+(?:kunt|kan)\s+(?:\S+\s+){0,6}(?:bellen|appen)\b|\b(?:kun|kan|wil)\s+je\s+(?:\S+\s+){0,6}(?:bellen|appen)\b|\b(?:kunt|wilt)\s+u\s+(?:\S+\s+){0,6}(?:bellen|appen)\b")
        .expect("call pattern is valid")
});

fn digits_of(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// A number labelled as something else: "ordernummer 0612345678".
static NOT_A_PHONE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:order|bestel|klant|factuur|referentie|dossier|zaak|ticket|track|trace|zending|contract|polis|artikel|serie|pakket|aansluit|meter|ean|rekening)\w*\s*(?:nr\.?|nummer|code|id)?\s*(?:is|was|luidt)?\s*[:#]?\s*$|(?:code|ref\.?|nr\.?|#)\s*(?:is|was|luidt)?\s*[:#]?\s*$")
        .expect("label pattern is valid")
});

/// The start of an IBAN before the digits: "NL91 ABNA 0417 1643 00" with a bad checksum is
/// no phone number either.
static IBAN_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z]{2}[0-9]{2} ?[A-Za-z]{4} ?$").expect("IBAN head pattern is valid")
});

/// A date at the start of a candidate: "01-03-2025".
static DATE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\d{1,2}([-./])\d{1,2}[-./]\d{2,4}").expect("date pattern is valid")
});

/// Digit groups from `at`: `(digits so far, end offset)` after each group. A group is a run of
/// digits, or digits in parentheses; groups are separated by up to three characters of
/// spaces and at most one `-`, `.` or `/`.
fn groups(text: &str, at: usize) -> Vec<(String, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut digits = String::new();
    let mut i = at;
    loop {
        // A group.
        let paren = b.get(i) == Some(&b'(');
        let mut j = i + usize::from(paren);
        let start = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j == start || j - start > 15 {
            break;
        }
        if paren {
            if b.get(j) != Some(&b')') {
                break;
            }
            j += 1;
        }
        // "(0)" in "+31 (0)20 …" is left out of the number.
        if !(paren && &text[start..j - 1] == "0" && !digits.is_empty()) {
            digits.push_str(&text[start..j - usize::from(paren)]);
        }
        out.push((digits.clone(), j));
        // A separator.
        let mut k = j;
        let mut marks = 0;
        while k < b.len() && k - j < 3 {
            match b[k] {
                b' ' => {}
                b'-' | b'.' | b'/' => marks += 1,
                _ => break,
            }
            k += 1;
        }
        if marks > 1
            || k == j
            || !(b.get(k).is_some_and(u8::is_ascii_digit) || b.get(k) == Some(&b'('))
        {
            // Also a group right after "(0)" with no separator: "(0)20".
            if k == j && paren && b.get(k).is_some_and(u8::is_ascii_digit) {
                i = k;
                continue;
            }
            break;
        }
        i = k;
    }
    out
}

/// Whether `digits` (with its prefix kind) is a personal phone number.
fn valid_phone(plus: bool, double_zero: bool, digits: &str) -> bool {
    if plus || double_zero {
        let rest = if double_zero { &digits[2..] } else { digits };
        if let Some(national) = rest.strip_prefix("31") {
            let national = national.strip_prefix('0').unwrap_or(national);
            return national.len() == 9
                && !national.starts_with('0')
                && !SERVICE_PREFIXES
                    .iter()
                    .any(|p| format!("0{national}").starts_with(p));
        }
        if double_zero && !COUNTRY_CODES.iter().any(|c| rest.starts_with(c)) {
            return false;
        }
        return (8..=15).contains(&rest.len());
    }
    digits.len() == 10
        && digits.starts_with('0')
        && !digits[1..].starts_with('0')
        && !SERVICE_PREFIXES.iter().any(|p| digits.starts_with(p))
}

fn phones(text: &str) -> Vec<Item> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let starts = match c {
            b'+' => b.get(i + 1).is_some_and(u8::is_ascii_digit),
            b'0' => true,
            b'(' => b.get(i + 1) == Some(&b'0'),
            _ => false,
        };
        // `starts` first: `i` is a char boundary only at an ASCII byte.
        if !starts
            || char_before(text, i)
                .is_some_and(|p| p.is_alphanumeric() || "+-/.,:#€$@_&=".contains(p))
        {
            i += 1;
            continue;
        }
        let plus = c == b'+';
        let from = i + usize::from(plus);
        let double_zero = !plus && text[from..].starts_with("00");
        let candidates = groups(text, from);
        let found = candidates.iter().rev().find(|(digits, end)| {
            let end = *end;
            let right_ok = match char_after(text, end) {
                None => true,
                Some(n) if n.is_alphanumeric() || n == '%' || n == '€' => false,
                Some('.' | ',' | ':' | '-') => !b.get(end + 1).is_some_and(u8::is_ascii_digit),
                Some(_) => true,
            };
            right_ok
                && valid_phone(plus, double_zero, digits)
                // "00" numbers need a separator after the country code, unless Dutch.
                && !(double_zero
                    && !digits.starts_with("0031")
                    && !text[from..end].contains([' ', '-', '.', '/']))
        });
        let Some(&(_, end)) = found else {
            i += 1;
            continue;
        };
        let candidate = &text[from..end];
        let before = &text[text[..i].rfind('\n').map_or(0, |n| n + 1)..i];
        let date_like = !plus && DATE_START.is_match(candidate);
        let labelled = (NOT_A_PHONE_LABEL.is_match(before.trim_end())
            && !before.to_lowercase().contains("tel")
            && !before.to_lowercase().contains("mobiel"))
            || IBAN_HEAD.is_match(before);
        let mobile = digits_of(candidate).starts_with("06")
            || digits_of(candidate).starts_with("316")
            || digits_of(candidate).starts_with("00316");
        let said = sentence(text, i, end);
        let lead = &said[..said.len().min(said.find(candidate).unwrap_or(said.len()))];
        let company = COMPANY_PHONE.is_match(said) || (!mobile && CALL_THIS_NUMBER.is_match(lead));
        if !date_like && !labelled && !company {
            out.push(Item {
                start: i,
                end,
                kind: DataKind::Phone,
            });
        }
        i = end;
    }
    out
}

// ---------------------------------------------------------------------------------------
// IBANs

/// IBAN lengths of the countries most seen here.
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("NL", 18),
    ("BE", 16),
    ("DE", 22),
    ("FR", 27),
    ("GB", 22),
    ("LU", 20),
    ("ES", 24),
    ("IT", 27),
    ("AT", 20),
    ("CH", 21),
    ("IE", 22),
    ("PT", 25),
    ("DK", 18),
    ("PL", 28),
    ("SE", 24),
    ("NO", 15),
    ("FI", 18),
];

static IBAN_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z]{2}[0-9]{2}").expect("IBAN start is valid"));

/// The mod-97 check of ISO 13616: `iban` (uppercase, no spaces) is valid when the number
/// formed by moving the first four characters to the end (letters as 10–35) is 1 mod 97.
pub fn iban_checksum_ok(iban: &str) -> bool {
    if iban.len() < 15 || !iban.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let rearranged = iban[4..].bytes().chain(iban[..4].bytes());
    let mut rem: u32 = 0;
    for b in rearranged {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            b'a'..=b'z' => u32::from(b - b'a') + 10,
            _ => return false,
        };
        rem = if v < 10 {
            (rem * 10 + v) % 97
        } else {
            (rem * 100 + v) % 97
        };
    }
    rem == 1
}

fn ibans(text: &str) -> Vec<Item> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(m) = IBAN_START.find_at(text, from) {
        from = m.start() + 1;
        if char_before(text, m.start()).is_some_and(char::is_alphanumeric) {
            continue;
        }
        // Collect alphanumerics, single spaces allowed between them: (compact, end offset).
        let mut compact = String::new();
        let mut ends = Vec::new();
        let mut i = m.start();
        while i < b.len() && compact.len() < 34 {
            if b[i].is_ascii_alphanumeric() {
                compact.push(char::from(b[i].to_ascii_uppercase()));
                ends.push(i + 1);
                i += 1;
            } else if b[i] == b' ' && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric) {
                i += 1;
            } else {
                break;
            }
        }
        if compact.len() < 15 {
            continue;
        }
        let country = &compact[..2];
        let lengths: Vec<usize> = match IBAN_LENGTHS.iter().find(|(c, _)| *c == country) {
            Some(&(_, l)) => vec![l],
            None => (15..=34).rev().collect(),
        };
        let found = lengths.into_iter().find(|&l| {
            l <= compact.len()
                && !char_after(text, ends[l - 1]).is_some_and(char::is_alphanumeric)
                && (country != "NL" || compact[4..8].bytes().all(|c| c.is_ascii_alphabetic()))
                && iban_checksum_ok(&compact[..l])
        });
        if let Some(l) = found {
            out.push(Item {
                start: m.start(),
                end: ends[l - 1],
                kind: DataKind::Iban,
            });
            from = ends[l - 1];
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Street addresses and postcodes

/// A word and a number after it: the candidate street and house number.
static STREET_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{L}[\p{L}'’-]*)[ \t]+([0-9]{1,5})").expect("street pattern is valid")
});

/// How Dutch street names end.
#[rustfmt::skip]
const STREET_SUFFIXES: &[&str] = &[
    "straat", "laan", "weg", "plein", "gracht", "kade", "singel", "dijk", "dreef", "pad",
    "steeg", "hof", "park", "markt", "plantsoen", "wal", "haven", "boulevard", "allee", "baan",
    "kanaal", "vaart", "straatje", "pleintje", "hoven", "erf", "wegje", "dwarsstraat",
];

/// Words ending like a street that are none.
#[rustfmt::skip]
const NEVER_STREETS: &[&str] = &[
    "onderweg", "loopbaan", "rijbaan", "startbaan", "bestandspad", "zoekpad", "gerechtshof",
    "kerkhof", "supermarkt", "webmarkt", "luchthaven",
];

/// Words that are a street only when capitalised ("Markt 3", not "de markt 3").
#[rustfmt::skip]
const LOWERCASE_NOT_STREETS: &[&str] = &[
    "weg", "hof", "pad", "baan", "park", "wal", "erf", "markt", "haven", "werf", "snelweg",
    "autoweg", "ringweg", "spoorweg",
];

/// After a house number: words that make the number a quantity, a time or a date.
#[rustfmt::skip]
const UNITS: &[&str] = &[
    "uur", "u", "min", "minuten", "minuut", "sec", "seconden", "dag", "dagen", "werkdag",
    "werkdagen", "week", "weken", "maand", "maanden", "jaar", "jaren", "keer", "x", "stuks",
    "stuk", "euro", "eur", "cent", "procent", "km", "m", "cm", "mm", "kg", "g", "gr", "gram",
    "liter", "l", "ml", "gb", "mb", "kb", "tb", "pakketten", "pakket", "items", "artikelen",
    "personen", "mensen", "klanten", "punten", "jan", "januari", "feb", "februari", "mrt",
    "maart", "apr", "april", "mei", "jun", "juni", "jul", "juli", "aug", "augustus", "sep",
    "sept", "september", "okt", "oktober", "nov", "november", "dec", "december", "uren",
    "pagina", "paginas", "stappen", "tickets", "kaartjes", "dollar", "pond", "kwartier",
    "seizoenen", "afleveringen", "nachten", "overnachtingen", "kilo", "meter", "graden",
];

/// Words before two capitalised words and a number that make them an address:
/// "op Lange Voorhout 3a".
const ADDRESS_CUES: &[&str] = &["op", "aan", "naar", "adres", "bij", "in", "woont", "wonend"];

/// The address is the company's: a shop, an office, a pick-up point, an antwoordnummer.
static COMPANY_PLACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:onze|ons)\s+(?:\w+\s+)?(?:winkel|winkels|vestiging|vestigingen|filiaal|kantoor|hoofdkantoor|showroom|magazijn|servicepunt|balie|adres|retouradres|postadres|bezoekadres|afhaalpunt|werkplaats)\b|\b(?:pakketpunt|afhaalpunt|ophaalpunt|servicepunt|retourpunt|bezorgpunt|postkantoor|retouradres|bezoekadres|postadres|antwoordnummer|postbus|servicepoint|parcelshop|locker|pakketautomaat|pakketkluis|winkel|filiaal|vestiging|supermarkt|showroom|balie|ophalen|afhalen)\b|\w-punt\b")
        .expect("company place pattern is valid")
});

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Words of the line before byte `i`, last first.
fn words_before(text: &str, i: usize) -> Vec<&str> {
    let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
    text[line_start..i]
        .split(|c: char| c.is_whitespace() || c == ',' || c == ':')
        .filter(|w| !w.is_empty())
        .rev()
        .collect()
}

/// The end of a house number with its addition ("3a", "12-2", "12 A", "12/1") from `at`, or
/// `None` when what follows makes it no house number.
fn house_number_end(text: &str, at: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut end = at;
    let letter_then_boundary = |i: usize| {
        b.get(i).is_some_and(u8::is_ascii_alphabetic)
            && !b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
    };
    if letter_then_boundary(end) {
        end += 1;
    } else if matches!(b.get(end), Some(b'-' | b'/'))
        && b.get(end + 1).is_some_and(u8::is_ascii_alphanumeric)
    {
        let mut k = end + 1;
        while k < b.len() && k - end <= 3 && b[k].is_ascii_alphanumeric() {
            k += 1;
        }
        if b.get(k).is_some_and(u8::is_ascii_alphanumeric) {
            return None;
        }
        end = k;
    } else if b.get(end) == Some(&b' ')
        && letter_then_boundary(end + 1)
        && b[end + 1].is_ascii_uppercase()
    {
        // "12 A", not "12 u" (a time).
        end += 2;
    }
    match char_after(text, end) {
        Some(c) if c.is_alphanumeric() || c == '%' || c == '€' || c == '°' => return None,
        Some('.' | ',' | ':') if b.get(end + 1).is_some_and(u8::is_ascii_digit) => return None,
        _ => {}
    }
    let next_word: String = text[end..]
        .trim_start_matches([' ', '\t'])
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '%')
        .collect::<String>()
        .to_lowercase();
    if UNITS.contains(&next_word.as_str()) || next_word.starts_with('%') {
        return None;
    }
    Some(end)
}

fn addresses(text: &str) -> Vec<Item> {
    let mut out = Vec::new();
    for c in STREET_NUMBER.captures_iter(text) {
        let (word, number) = (c.get(1).expect("word"), c.get(2).expect("number"));
        if char_before(text, word.start()).is_some_and(|p| p.is_alphanumeric() || p == '@') {
            continue;
        }
        let w = word.as_str();
        let lower = w.to_lowercase();
        let looks_like_street = STREET_SUFFIXES
            .iter()
            .any(|s| lower.ends_with(s) && (lower.len() > s.len() || is_capitalised(w)));
        let not_a_street = NEVER_STREETS.contains(&lower.as_str())
            || (LOWERCASE_NOT_STREETS.contains(&lower.as_str()) && !is_capitalised(w));
        let by_suffix = looks_like_street && !not_a_street;
        let before = words_before(text, word.start());
        // "Laan van Meerdervoort 12", "Plein 1944 5", "Kade aan de Vecht 3"
        let by_leading_suffix = !by_suffix
            && is_capitalised(w)
            && before.iter().take(4).any(|b| {
                let l = b.to_lowercase();
                is_capitalised(b) && STREET_SUFFIXES.iter().any(|s| l == *s)
            });
        // "op Lange Voorhout 3a"
        let by_cue = !by_suffix
            && !by_leading_suffix
            && is_capitalised(w)
            && number.as_str().len() <= 3
            && before.first().is_some_and(|b| is_capitalised(b))
            && before
                .get(1)
                .is_some_and(|b| ADDRESS_CUES.contains(&b.to_lowercase().as_str()));
        if !(by_suffix || by_leading_suffix || by_cue) {
            continue;
        }
        let Some(end) = house_number_end(text, number.end()) else {
            continue;
        };
        let mut start = word.start();
        if by_leading_suffix || by_cue {
            // Take the street's first words along.
            let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
            let head = &text[line_start..start];
            let n = if by_cue {
                1
            } else {
                before
                    .iter()
                    .take(4)
                    .position(|b| STREET_SUFFIXES.contains(&b.to_lowercase().as_str()))
                    .map_or(0, |p| p + 1)
            };
            let mut s = head.len();
            for _ in 0..n {
                let trimmed = head[..s].trim_end();
                s = trimmed
                    .rfind(|c: char| c.is_whitespace())
                    .map_or(0, |p| p + 1);
            }
            start = line_start + s;
        }
        if COMPANY_PLACE.is_match(sentence(text, start, end)) {
            continue;
        }
        out.push(Item {
            start,
            end,
            kind: DataKind::Address,
        });
    }
    out
}

static POSTCODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[1-9][0-9]{3} ?[A-Z]{2}").expect("postcode pattern is valid"));

/// Letter pairs after four digits that are no postcode: never issued, or units.
const NOT_POSTCODE_LETTERS: &[&str] = &[
    "SA", "SD", "SS", "GB", "MB", "KB", "TB", "KW", "MW", "GW", "PK", "HP", "CC", "EU", "NL", "BC",
    "AD", "KM", "CM", "MM", "ML", "KG", "HZ", "PM", "AM", "XL", "XS",
];

fn postcodes(text: &str) -> Vec<Item> {
    POSTCODE
        .find_iter(text)
        .filter(|m| {
            let letters = &m.as_str()[m.as_str().len() - 2..];
            !char_before(text, m.start())
                .is_some_and(|p| p.is_alphanumeric() || "€$#-/.,:+".contains(p))
                && !char_after(text, m.end()).is_some_and(|n| n.is_alphanumeric())
                && !NOT_POSTCODE_LETTERS.contains(&letters)
                && !COMPANY_PLACE.is_match(sentence(text, m.start(), m.end()))
        })
        .map(|m| Item {
            start: m.start(),
            end: m.end(),
            kind: DataKind::Postcode,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(DataKind, &str)> {
        find(text)
            .into_iter()
            .map(|i| (i.kind, &text[i.start..i.end]))
            .collect()
    }

    /// Every item found in the packs' example texts has a digit or an `@`, so `may_have`
    /// lets no text with an item go.
    #[test]
    fn every_item_has_a_digit_or_an_at_sign() {
        let packs = crate::packs::builtin().unwrap();
        let mut items = 0;
        for e in packs
            .iter()
            .flat_map(|p| &p.rules)
            .flat_map(|r| r.examples.iter())
        {
            for i in find(&e.text) {
                let item = &e.text[i.start..i.end];
                assert!(
                    item.bytes().any(|b| b.is_ascii_digit() || b == b'@'),
                    "{item:?}"
                );
                assert!(may_have(&e.text));
                items += 1;
            }
        }
        assert!(items >= 10, "only {items} items");
        assert!(!may_have("Bel ons gerust, Dorpsstraat zonder nummer"));
    }

    fn one(text: &str, kind: DataKind, item: &str) {
        assert_eq!(kinds(text), vec![(kind, item)], "in {text:?}");
    }

    fn none(text: &str) {
        assert_eq!(kinds(text), vec![], "in {text:?}");
    }

    #[test]
    fn email_addresses_but_not_the_company_mailboxes() {
        one(
            "Ik heb je mail aan sanne.devries@gmail.com doorgestuurd.",
            DataKind::Email,
            "sanne.devries@gmail.com",
        );
        one(
            "Mail: j.jansen+shop@ziggo.nl",
            DataKind::Email,
            "j.jansen+shop@ziggo.nl",
        );
        for t in [
            "Mail gerust naar info@bedrijf.nl.",
            "Stuur het naar klantenservice@bedrijf.nl of service@bedrijf.nl",
            "support@bedrijf.nl, webcare@bedrijf.nl en noreply@bedrijf.nl",
            "Je krijgt een mail van no-reply@mail.bedrijf.nl",
            "Bedankt @sanne, je pakket komt morgen.",
        ] {
            none(t);
        }
    }

    #[test]
    fn dutch_and_international_phone_numbers() {
        for (t, n) in [
            ("We bellen je morgen op 06-12345678.", "06-12345678"),
            ("We bellen je morgen op 06 1234 5678!", "06 1234 5678"),
            ("Je nummer 06-12 34 56 78 klopt niet.", "06-12 34 56 78"),
            ("Je vaste nummer 020-1234567 staat erin.", "020-1234567"),
            (
                "Je vaste nummer (020) 123 45 67 staat erin.",
                "(020) 123 45 67",
            ),
            ("Staat +31 6 12345678 goed?", "+31 6 12345678"),
            ("Staat +31 (0)20 1234567 goed?", "+31 (0)20 1234567"),
            ("Staat 0031 6 12345678 goed?", "0031 6 12345678"),
            ("Staat 0031612345678 goed?", "0031612345678"),
            (
                "Je Belgische nummer +32 470 12 34 56 werkt.",
                "+32 470 12 34 56",
            ),
            ("Je Duitse nummer +49 30 1234567 werkt.", "+49 30 1234567"),
            ("Je nummer is 0612345678", "0612345678"),
            ("Ben je bereikbaar op 06-12345678?", "06-12345678"),
            ("Bel de monteur gerust op 06-12345678.", "06-12345678"),
            ("Ik bel je morgen op 020-1234567.", "020-1234567"),
        ] {
            one(t, DataKind::Phone, n);
        }
    }

    #[test]
    fn no_phone_in_orders_amounts_dates_times_and_service_numbers() {
        for t in [
            "Je ordernummer 0612345678 staat in de mail.",
            "Je bestelling #0123456789 is onderweg.",
            "Het kost € 12,50 en de verzending 0,95.",
            "Bezorging op 12-03-2025 tussen 12:00 en 14:00.",
            "Bezorging op 01-03-2025 14:00.",
            "Bezorging op 06-03-2025 12 uur.",
            "Bel gerust 0800-0123 of 0900-1234567.",
            "Onze klantenservice is bereikbaar op 088-1234567.",
            "Bel ons op 020-7654321, we helpen je direct.",
            "Track & trace: 3SABCD0612345678",
            "Pakket JVGL0612345678123 is onderweg.",
            "Van 09:00-17:00 zijn we er.",
            "De storing duurde van 08.00 tot 10.30 uur.",
            "Klantnummer 0012345678 is gekoppeld.",
            "Nummer 0012345678 is bekend.",
            "+5 punten voor jou!",
            "Belt u even naar 020-5551234? Dan helpen wij u direct verder.",
            "Bel gerust 020-5551234, dan regelen we het.",
            "Je kunt ook bellen naar 030-1234567 tussen 9:00 en 17:00.",
            "Je kunt ons mailen via klantenservice@flyblue.nl of bellen op 020-123 45 67.",
            "Je trackingcode is 0123456789.",
            "Rekening NL12 ABNA 0417 1643 01 klopt niet.",
        ] {
            none(t);
        }
    }

    #[test]
    fn ibans_are_checksum_validated() {
        one(
            "Het geld gaat naar NL91 ABNA 0417 1643 00, klopt dat?",
            DataKind::Iban,
            "NL91 ABNA 0417 1643 00",
        );
        one(
            "IBAN: NL91ABNA0417164300.",
            DataKind::Iban,
            "NL91ABNA0417164300",
        );
        one(
            "Rekening BE68 5390 0754 7034 klopt",
            DataKind::Iban,
            "BE68 5390 0754 7034",
        );
        one(
            "Rekening DE89 3704 0044 0532 0130 00 klopt",
            DataKind::Iban,
            "DE89 3704 0044 0532 0130 00",
        );
        none("Rekening NL92 ABNA 0417 1643 00 klopt");
        none("Code NL12 3456 7890 1234 56");
        assert!(iban_checksum_ok("GB82WEST12345698765432"));
        assert!(!iban_checksum_ok("GB82WEST12345698765433"));
    }

    #[test]
    fn addresses_and_postcodes() {
        one(
            "We bezorgen het op Dorpsstraat 12 in Utrecht.",
            DataKind::Address,
            "Dorpsstraat 12",
        );
        one(
            "Je pakket ligt bij de buren op Lange Voorhout 3a.",
            DataKind::Address,
            "Lange Voorhout 3a",
        );
        one(
            "Het adres Laan van Meerdervoort 12 klopt.",
            DataKind::Address,
            "Laan van Meerdervoort 12",
        );
        one(
            "Bezorgd op Keizersgracht 123-2, 1015 CJ Amsterdam.",
            DataKind::Address,
            "Keizersgracht 123-2, 1015 CJ",
        );
        one(
            "Je postcode 1234 AB klopt niet met je huisnummer.",
            DataKind::Postcode,
            "1234 AB",
        );
        one("Postcode 1234AB?", DataKind::Postcode, "1234AB");
    }

    #[test]
    fn no_address_in_quantities_dates_and_company_places() {
        for t in [
            "Je pakket is onderweg 2 dagen later dan gepland.",
            "De monteur komt op de Dorpsstraat langs om 12 uur.",
            "Vanaf 3 juni is de actie voorbij.",
            "Op Maandag 12 juni bezorgen we.",
            "Je kunt het ophalen in onze winkel aan de Kalverstraat 12.",
            "Breng het naar het pakketpunt op Stationsplein 3.",
            "Je kunt het pakket ophalen bij het PostNL-punt aan de Stationsweg 8.",
            "Stuur het naar Antwoordnummer 1234, 1000 VB Amsterdam.",
            "Een abonnement met 2000 MB en 100 GB kost € 12,50.",
            "Ga in de app naar stap 2 en kies Windows 11.",
            "Op de snelweg 12 km file.",
            "Je hebt 2025 punten.",
            "Bezorging op 3 juni tussen 12:00 en 14:00.",
            "Bestelling 2025-0012 is verstuurd.",
        ] {
            none(t);
        }
    }

    #[test]
    fn one_item_once() {
        assert_eq!(
            kinds(
                "Sanne, 06-12345678, sanne@gmail.com, NL91ABNA0417164300, Dorpsstraat 12, 1234 AB Utrecht"
            ),
            vec![
                (DataKind::Phone, "06-12345678"),
                (DataKind::Email, "sanne@gmail.com"),
                (DataKind::Iban, "NL91ABNA0417164300"),
                (DataKind::Address, "Dorpsstraat 12, 1234 AB"),
            ]
        );
    }
}
