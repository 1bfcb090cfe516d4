//! Case and diacritic folding, so that "Vóór", "VOOR" and "voor" compare equal.
//!
//! Folding is done once per word of a draft (and once per literal of a pack), never inside
//! a regex, which keeps matching fast and Unicode-correct without Unicode `\b`.

/// Appends the folded form of `word` to `out`: lowercase, diacritics removed, typographic
/// apostrophes made plain.
#[inline]
pub fn fold_into(word: &str, out: &mut String) {
    // Most words are ASCII: lowercased as bytes.
    if word.is_ascii() {
        let from = out.len();
        out.push_str(word);
        out[from..].make_ascii_lowercase();
        return;
    }
    fold_chars(word, |c| out.push(c));
}

/// [`fold_into`] for a byte buffer (which stays UTF-8: ASCII bytes and whole characters are
/// appended), as the words of a reply are folded.
#[inline(always)]
pub(crate) fn fold_bytes(word: &str, out: &mut Vec<u8>) {
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| b.to_ascii_lowercase()));
        return;
    }
    fold_chars(word, |c| {
        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes())
    });
}

/// The folded characters of a word with a character outside ASCII, one by one.
#[inline(never)]
fn fold_chars(word: &str, mut push: impl FnMut(char)) {
    for c in word.chars() {
        if c.is_ascii() {
            push(c.to_ascii_lowercase());
            continue;
        }
        // Combining marks (decomposed diacritics) carry no letter of their own.
        if ('\u{0300}'..='\u{036F}').contains(&c) {
            continue;
        }
        for lower in c.to_lowercase() {
            match strip_diacritic(lower) {
                Some(base) => base.chars().for_each(&mut push),
                None => push(lower),
            }
        }
    }
}

/// The folded form of `word` as a new string.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

/// Base letters for the precomposed Latin letters that occur in Dutch, German, French and
/// the names customers have. Anything else is kept as it is.
fn strip_diacritic(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ĳ' => "ij",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' => "r",
        'ś' | 'š' | 'ş' => "s",
        'ß' => "ss",
        'ť' | 'ţ' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        '\u{2019}' | '\u{2018}' | '\u{02BC}' => "'",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_case_and_diacritics() {
        assert_eq!(fold("Vóór"), "voor");
        assert_eq!(fold("ÉÉN"), "een");
        assert_eq!(fold("geïnteresseerd"), "geinteresseerd");
        assert_eq!(fold("zo\u{2019}n"), "zo'n");
    }

    #[test]
    fn drops_combining_marks() {
        assert_eq!(fold("vo\u{0301}o\u{0301}r"), "voor");
    }

    #[test]
    fn keeps_other_scripts() {
        assert_eq!(fold("Привет"), "привет");
    }
}
