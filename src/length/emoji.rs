//! Emoji sequences that X counts as one unit when emoji parsing is on (twitter-text v3).
//!
//! twitter-text finds emoji with twemoji-parser, whose regular expression lists every emoji
//! Twemoji draws. This module matches the same *shapes* of sequence from Unicode data
//! instead of a list, which keeps it small:
//! - keycaps: `[0-9#*]`, optional U+FE0F, U+20E3;
//! - flags: a pair of regional indicators that forms a valid region code;
//! - tag sequences: U+1F3F4 followed by tag characters and U+E007F (England, Scotland, Wales);
//! - an emoji followed by U+FE0F or, for an emoji that takes one, a skin-tone modifier;
//! - any of the above joined by U+200D (ZERO WIDTH JOINER) to further emoji.
//!
//! A lone emoji code point is not reported: it weighs the same as an entity or as a plain
//! character (every emoji code point but © and ® lies outside the weight-100 ranges, and those
//! two are emoji only with U+FE0F, as in twemoji-parser). A ZWJ sequence that Twemoji does not
//! know counts here as one unit, where twemoji-parser would count its parts separately.
//!
//! The tables below are derived from Unicode's `emoji-test.txt` (Emoji 15.1).

/// Byte ranges `(start, end)` of the emoji sequences in `text` that count as one unit,
/// in order and without overlap.
pub(crate) fn emoji_spans(text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut spans = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        match match_at(&chars, k) {
            Some(n) => {
                let end = chars.get(k + n).map_or(text.len(), |&(i, _)| i);
                spans.push((chars[k].0, end));
                k += n;
            }
            None => k += 1,
        }
    }
    spans
}

const VS16: char = '\u{FE0F}';
const ZWJ: char = '\u{200D}';
const KEYCAP: char = '\u{20E3}';
const BLACK_FLAG: char = '\u{1F3F4}';
const CANCEL_TAG: char = '\u{E007F}';

/// Number of code points of the emoji sequence that starts at `chars[k]`, if it is one that
/// counts as a unit of two or more code points.
fn match_at(chars: &[(usize, char)], k: usize) -> Option<usize> {
    let at = |j: usize| chars.get(j).map(|&(_, c)| c);
    let c = at(k)?;
    if matches!(c, '0'..='9' | '#' | '*') {
        let mut j = k + 1;
        if at(j) == Some(VS16) {
            j += 1;
        }
        return (at(j) == Some(KEYCAP)).then_some(j + 1 - k);
    }
    let mut j = element_end(chars, k)?;
    while at(j) == Some(ZWJ) {
        match element_end(chars, j + 1) {
            Some(next) => j = next,
            None => break,
        }
    }
    (j - k >= 2).then_some(j - k)
}

/// End (exclusive, in code points) of one emoji element starting at `chars[k]`: a flag, or an
/// emoji with its tag sequence, U+FE0F or skin-tone modifier. `None` if `chars[k]` starts none.
fn element_end(chars: &[(usize, char)], k: usize) -> Option<usize> {
    let at = |j: usize| chars.get(j).map(|&(_, c)| c);
    let c = at(k)?;
    if is_regional_indicator(c) {
        let d = at(k + 1).filter(|&d| is_regional_indicator(d))?;
        return is_flag(c, d).then_some(k + 2);
    }
    if !in_table(EMOJI, c) {
        return None;
    }
    let next = at(k + 1);
    if c == BLACK_FLAG && next.is_some_and(is_tag) {
        let mut j = k + 1;
        while at(j).is_some_and(is_tag) {
            j += 1;
        }
        if at(j) == Some(CANCEL_TAG) {
            return Some(j + 1);
        }
        return Some(k + 1);
    }
    match next {
        Some(VS16) => Some(k + 2),
        Some(m) if is_modifier(m) && in_table(MODIFIER_BASES, c) => Some(k + 2),
        _ => Some(k + 1),
    }
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

fn is_modifier(c: char) -> bool {
    ('\u{1F3FB}'..='\u{1F3FF}').contains(&c)
}

fn is_tag(c: char) -> bool {
    ('\u{E0020}'..='\u{E007E}').contains(&c)
}

fn is_flag(a: char, b: char) -> bool {
    let letter = |c: char| char::from(b'A' + (c as u32 - 0x1F1E6) as u8);
    let code: String = [letter(a), letter(b)].iter().collect();
    FLAGS.binary_search(&code.as_str()).is_ok()
}

fn in_table(table: &[(u32, u32)], c: char) -> bool {
    let c = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Code points that are emoji on their own or with U+FE0F (keycap bases excluded).
const EMOJI: &[(u32, u32)] = &[
    (0xA9, 0xA9),
    (0xAE, 0xAE),
    (0x203C, 0x203C),
    (0x2049, 0x2049),
    (0x2122, 0x2122),
    (0x2139, 0x2139),
    (0x2194, 0x2199),
    (0x21A9, 0x21AA),
    (0x231A, 0x231B),
    (0x2328, 0x2328),
    (0x23CF, 0x23CF),
    (0x23E9, 0x23F3),
    (0x23F8, 0x23FA),
    (0x24C2, 0x24C2),
    (0x25AA, 0x25AB),
    (0x25B6, 0x25B6),
    (0x25C0, 0x25C0),
    (0x25FB, 0x25FE),
    (0x2600, 0x2604),
    (0x260E, 0x260E),
    (0x2611, 0x2611),
    (0x2614, 0x2615),
    (0x2618, 0x2618),
    (0x261D, 0x261D),
    (0x2620, 0x2620),
    (0x2622, 0x2623),
    (0x2626, 0x2626),
    (0x262A, 0x262A),
    (0x262E, 0x262F),
    (0x2638, 0x263A),
    (0x2640, 0x2640),
    (0x2642, 0x2642),
    (0x2648, 0x2653),
    (0x265F, 0x2660),
    (0x2663, 0x2663),
    (0x2665, 0x2666),
    (0x2668, 0x2668),
    (0x267B, 0x267B),
    (0x267E, 0x267F),
    (0x2692, 0x2697),
    (0x2699, 0x2699),
    (0x269B, 0x269C),
    (0x26A0, 0x26A1),
    (0x26A7, 0x26A7),
    (0x26AA, 0x26AB),
    (0x26B0, 0x26B1),
    (0x26BD, 0x26BE),
    (0x26C4, 0x26C5),
    (0x26C8, 0x26C8),
    (0x26CE, 0x26CF),
    (0x26D1, 0x26D1),
    (0x26D3, 0x26D4),
    (0x26E9, 0x26EA),
    (0x26F0, 0x26F5),
    (0x26F7, 0x26FA),
    (0x26FD, 0x26FD),
    (0x2702, 0x2702),
    (0x2705, 0x2705),
    (0x2708, 0x270D),
    (0x270F, 0x270F),
    (0x2712, 0x2712),
    (0x2714, 0x2714),
    (0x2716, 0x2716),
    (0x271D, 0x271D),
    (0x2721, 0x2721),
    (0x2728, 0x2728),
    (0x2733, 0x2734),
    (0x2744, 0x2744),
    (0x2747, 0x2747),
    (0x274C, 0x274C),
    (0x274E, 0x274E),
    (0x2753, 0x2755),
    (0x2757, 0x2757),
    (0x2763, 0x2764),
    (0x2795, 0x2797),
    (0x27A1, 0x27A1),
    (0x27B0, 0x27B0),
    (0x27BF, 0x27BF),
    (0x2934, 0x2935),
    (0x2B05, 0x2B07),
    (0x2B1B, 0x2B1C),
    (0x2B50, 0x2B50),
    (0x2B55, 0x2B55),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3297),
    (0x3299, 0x3299),
    (0x1F004, 0x1F004),
    (0x1F0CF, 0x1F0CF),
    (0x1F170, 0x1F171),
    (0x1F17E, 0x1F17F),
    (0x1F18E, 0x1F18E),
    (0x1F191, 0x1F19A),
    (0x1F201, 0x1F202),
    (0x1F21A, 0x1F21A),
    (0x1F22F, 0x1F22F),
    (0x1F232, 0x1F23A),
    (0x1F250, 0x1F251),
    (0x1F300, 0x1F321),
    (0x1F324, 0x1F393),
    (0x1F396, 0x1F397),
    (0x1F399, 0x1F39B),
    (0x1F39E, 0x1F3F0),
    (0x1F3F3, 0x1F3F5),
    (0x1F3F7, 0x1F4FD),
    (0x1F4FF, 0x1F53D),
    (0x1F549, 0x1F54E),
    (0x1F550, 0x1F567),
    (0x1F56F, 0x1F570),
    (0x1F573, 0x1F57A),
    (0x1F587, 0x1F587),
    (0x1F58A, 0x1F58D),
    (0x1F590, 0x1F590),
    (0x1F595, 0x1F596),
    (0x1F5A4, 0x1F5A5),
    (0x1F5A8, 0x1F5A8),
    (0x1F5B1, 0x1F5B2),
    (0x1F5BC, 0x1F5BC),
    (0x1F5C2, 0x1F5C4),
    (0x1F5D1, 0x1F5D3),
    (0x1F5DC, 0x1F5DE),
    (0x1F5E1, 0x1F5E1),
    (0x1F5E3, 0x1F5E3),
    (0x1F5E8, 0x1F5E8),
    (0x1F5EF, 0x1F5EF),
    (0x1F5F3, 0x1F5F3),
    (0x1F5FA, 0x1F64F),
    (0x1F680, 0x1F6C5),
    (0x1F6CB, 0x1F6D2),
    (0x1F6D5, 0x1F6D7),
    (0x1F6DC, 0x1F6E5),
    (0x1F6E9, 0x1F6E9),
    (0x1F6EB, 0x1F6EC),
    (0x1F6F0, 0x1F6F0),
    (0x1F6F3, 0x1F6FC),
    (0x1F7E0, 0x1F7EB),
    (0x1F7F0, 0x1F7F0),
    (0x1F90C, 0x1F93A),
    (0x1F93C, 0x1F945),
    (0x1F947, 0x1F9FF),
    (0x1FA70, 0x1FA7C),
    (0x1FA80, 0x1FA88),
    (0x1FA90, 0x1FABD),
    (0x1FABF, 0x1FAC5),
    (0x1FACE, 0x1FADB),
    (0x1FAE0, 0x1FAE8),
    (0x1FAF0, 0x1FAF8),
];

/// Code points that take a skin-tone modifier (Emoji_Modifier_Base).
const MODIFIER_BASES: &[(u32, u32)] = &[
    (0x261D, 0x261D),
    (0x26F9, 0x26F9),
    (0x270A, 0x270D),
    (0x1F385, 0x1F385),
    (0x1F3C2, 0x1F3C4),
    (0x1F3C7, 0x1F3C7),
    (0x1F3CA, 0x1F3CC),
    (0x1F442, 0x1F443),
    (0x1F446, 0x1F450),
    (0x1F466, 0x1F469),
    (0x1F46B, 0x1F46E),
    (0x1F470, 0x1F478),
    (0x1F47C, 0x1F47C),
    (0x1F481, 0x1F483),
    (0x1F485, 0x1F487),
    (0x1F48F, 0x1F48F),
    (0x1F491, 0x1F491),
    (0x1F4AA, 0x1F4AA),
    (0x1F574, 0x1F575),
    (0x1F57A, 0x1F57A),
    (0x1F590, 0x1F590),
    (0x1F595, 0x1F596),
    (0x1F645, 0x1F647),
    (0x1F64B, 0x1F64F),
    (0x1F6A3, 0x1F6A3),
    (0x1F6B4, 0x1F6B6),
    (0x1F6C0, 0x1F6C0),
    (0x1F6CC, 0x1F6CC),
    (0x1F90C, 0x1F90C),
    (0x1F90F, 0x1F90F),
    (0x1F918, 0x1F91F),
    (0x1F926, 0x1F926),
    (0x1F930, 0x1F939),
    (0x1F93D, 0x1F93E),
    (0x1F977, 0x1F977),
    (0x1F9B5, 0x1F9B6),
    (0x1F9B8, 0x1F9B9),
    (0x1F9BB, 0x1F9BB),
    (0x1F9CD, 0x1F9CF),
    (0x1F9D1, 0x1F9DD),
    (0x1FAC3, 0x1FAC5),
    (0x1FAF0, 0x1FAF8),
];

/// Valid flag sequences (pairs of regional indicators), as region codes.
const FLAGS: &[&str] = &[
    "AC", "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX",
    "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR",
    "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM",
    "CN", "CO", "CP", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DG", "DJ", "DK", "DM", "DO",
    "DZ", "EA", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "EU", "FI", "FJ", "FK", "FM", "FO", "FR",
    "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT",
    "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "IC", "ID", "IE", "IL", "IM", "IN", "IO",
    "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR",
    "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC",
    "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU",
    "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU",
    "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY",
    "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK",
    "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TA", "TC", "TD", "TF", "TG",
    "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "UN",
    "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "XK", "YE", "YT", "ZA",
    "ZM", "ZW",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<&str> {
        emoji_spans(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn sequences_are_one_unit() {
        assert_eq!(spans("Top 👍🏻!"), ["👍🏻"]);
        assert_eq!(spans("👨‍👩‍👧‍👦"), ["👨‍👩‍👧‍👦"]);
        assert_eq!(spans("🇳🇱 🏴󠁧󠁢󠁥󠁮󠁧󠁿"), ["🇳🇱", "🏴󠁧󠁢󠁥󠁮󠁧󠁿"]);
        assert_eq!(spans("1⃣ 2️⃣"), ["1⃣", "2️⃣"]);
        assert_eq!(spans("❤️ ©️"), ["❤️", "©️"]);
        assert_eq!(spans("🤷🏼‍♀️"), ["🤷🏼‍♀️"]);
    }

    #[test]
    fn lone_code_points_and_non_emoji_are_not_units() {
        assert!(spans("😊 © ❤ 1 # 🇦🇦").is_empty());
        // A skin tone only joins a base that takes one; a trailing ZWJ is not swallowed.
        assert!(spans("⌚🏻").is_empty());
        assert_eq!(spans("😊‍ x"), Vec::<&str>::new());
    }

    #[test]
    fn tables_are_sorted() {
        for table in [EMOJI, MODIFIER_BASES] {
            assert!(table.windows(2).all(|w| w[0].1 < w[1].0));
        }
        assert!(FLAGS.windows(2).all(|w| w[0] < w[1]));
    }
}
