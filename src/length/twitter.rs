//! X's weighted tweet length, as twitter-text's `parseTweet` computes it.
//!
//! The text is NFC-normalised first. Then every URL (see `url`: with or without protocol,
//! bare domains like "example.nl" included) counts as `transformed_url_length` characters;
//! with emoji parsing on (v3) every emoji sequence (see `emoji`: ZWJ sequences, skin tones,
//! flags, keycaps) counts as one default-weight unit; every other code point weighs by the
//! configured ranges (100 inside them, 200 outside: Latin, most punctuation and spaces count
//! 1, CJK and emoji 2). The weighted length in characters is the total weight divided by the
//! scale. A text is valid when its weighted length is between 1 and the maximum and it has
//! no invalid characters (U+FFFE, U+FEFF, U+FFFF). Directional formatting characters
//! (U+202A–U+202E, U+2066–U+2069) are valid, as in current twitter-text and its conformance
//! data.
//!
//! This is our own implementation, checked against twitter-text's conformance cases
//! (`tests/twitter_conformance.rs`). We do not depend on the `twitter-text` crate: it builds
//! C++ through cxx and pulls in some 160 crates, where this needs only the Unicode crates
//! the linter already has.

use std::borrow::Cow;

use unicode_normalization::{UnicodeNormalization, is_nfc};
use unicode_segmentation::UnicodeSegmentation;

use super::{emoji, url};

/// Code points from `start` to `end` (inclusive) weigh `weight`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeightRange {
    pub start: u32,
    pub end: u32,
    pub weight: usize,
}

/// A twitter-text counting configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Maximum weighted length, in characters.
    pub max_weighted_tweet_length: usize,
    /// Weights are in 1/`scale` characters.
    pub scale: usize,
    /// Weight of a code point outside `ranges`, and of an emoji sequence.
    pub default_weight: usize,
    /// Characters one URL counts as, whatever its length.
    pub transformed_url_length: usize,
    pub ranges: &'static [WeightRange],
    /// Count emoji sequences as one unit (v3).
    pub emoji_parsing_enabled: bool,
}

const RANGES: &[WeightRange] = &[
    WeightRange {
        start: 0,
        end: 4351,
        weight: 100,
    },
    WeightRange {
        start: 8192,
        end: 8205,
        weight: 100,
    },
    WeightRange {
        start: 8208,
        end: 8223,
        weight: 100,
    },
    WeightRange {
        start: 8242,
        end: 8247,
        weight: 100,
    },
];

impl Config {
    /// twitter-text's v2 configuration: 280 weighted characters, no emoji parsing.
    pub const fn v2() -> Self {
        Self {
            max_weighted_tweet_length: 280,
            scale: 100,
            default_weight: 200,
            transformed_url_length: 23,
            ranges: RANGES,
            emoji_parsing_enabled: false,
        }
    }

    /// twitter-text's v3 configuration, what X counts with: v2 plus emoji parsing.
    pub const fn v3() -> Self {
        Self {
            emoji_parsing_enabled: true,
            ..Self::v2()
        }
    }

    fn weight(&self, c: char) -> usize {
        let c = u32::from(c);
        self.ranges
            .iter()
            .find(|r| (r.start..=r.end).contains(&c))
            .map_or(self.default_weight, |r| r.weight)
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::v3()
    }
}

/// The result of [`parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    /// Weighted length in characters (total weight / scale).
    pub weighted_length: usize,
    /// Weighted length in 1..=max and no invalid characters.
    pub valid: bool,
    /// Byte offset in the original text where the part that fits ends: the text from here on
    /// is over the maximum (or follows an invalid character). `text.len()` if all fits.
    pub valid_range_end: usize,
}

/// Weighted length of `text` in characters.
pub fn weighted_length(text: &str, config: &Config) -> usize {
    parse(text, config).weighted_length
}

/// Weighted length, validity and the end of the part that fits.
pub fn parse(text: &str, config: &Config) -> Parsed {
    let normalized: Cow<str> = if is_nfc(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    };
    let norm = normalized.as_ref();
    let urls = url::url_spans(norm);
    let emojis = if config.emoji_parsing_enabled {
        emoji::emoji_spans(norm)
    } else {
        Vec::new()
    };
    let max_weight = config.max_weighted_tweet_length * config.scale;

    let (mut weight, mut invalid, mut fit_end) = (0, false, 0);
    let (mut next_url, mut next_emoji) = (0, 0);
    let mut i = 0;
    while i < norm.len() {
        while urls.get(next_url).is_some_and(|&(start, _)| start < i) {
            next_url += 1;
        }
        while emojis.get(next_emoji).is_some_and(|&(start, _)| start < i) {
            next_emoji += 1;
        }
        let end = if let Some(&(_, end)) = urls.get(next_url).filter(|&&(start, _)| start == i) {
            weight += config.transformed_url_length * config.scale;
            end
        } else if let Some(&(_, end)) = emojis.get(next_emoji).filter(|&&(start, _)| start == i) {
            weight += config.default_weight;
            end
        } else {
            let c = norm[i..].chars().next().expect("i is a char boundary");
            weight += config.weight(c);
            i + c.len_utf8()
        };
        invalid = invalid || norm[i..end].chars().any(is_invalid);
        if !invalid && weight <= max_weight {
            fit_end = end;
        }
        i = end;
    }

    Parsed {
        weighted_length: weight / config.scale,
        valid: !invalid && weight > 0 && weight <= max_weight,
        valid_range_end: original_offset(text, norm, fit_end),
    }
}

fn is_invalid(c: char) -> bool {
    matches!(c, '\u{FFFE}' | '\u{FEFF}' | '\u{FFFF}')
}

/// Maps a byte offset in the NFC form of `text` back to `text`: the end of the longest run of
/// whole grapheme clusters whose normalised form fits before `offset`.
fn original_offset(text: &str, normalized: &str, offset: usize) -> usize {
    if offset >= normalized.len() {
        return text.len();
    }
    if std::ptr::eq(text, normalized) {
        return offset;
    }
    let bounds: Vec<usize> = text
        .grapheme_indices(true)
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let fits =
        bounds.partition_point(|&b| text[..b].nfc().map(char::len_utf8).sum::<usize>() <= offset);
    bounds[fits.saturating_sub(1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_reply_with_a_link() {
        let reply = "Hoi Sanne, wat vervelend! Je pakket wordt morgen vóór 12:00 bezorgd. \
                     Volg het hier: https://www.example.nl/track-en-trace?code=3SABC1234567 ^Mark";
        let link = "https://www.example.nl/track-en-trace?code=3SABC1234567";
        let expected = reply.chars().count() - link.chars().count() + 23;
        let parsed = parse(reply, &Config::v3());
        assert_eq!(parsed.weighted_length, expected);
        assert!(parsed.valid);
        assert_eq!(parsed.valid_range_end, reply.len());
    }

    #[test]
    fn bare_domains_count_as_links() {
        assert_eq!(weighted_length("Kijk op example.nl", &Config::v3()), 8 + 23);
        assert_eq!(
            weighted_length("Kijk op twitter.com.", &Config::v3()),
            8 + 23 + 1
        );
        // Not a known TLD, so plain text.
        assert_eq!(weighted_length("bestand.zzz", &Config::v3()), 11);
    }

    #[test]
    fn emoji_sequences_weigh_two_in_v3() {
        let v3 = Config::v3();
        assert_eq!(weighted_length("Top! 👍🏻", &v3), 7);
        assert_eq!(weighted_length("🇳🇱", &v3), 2);
        assert_eq!(weighted_length("🇳🇱", &Config::v2()), 4);
        assert_eq!(weighted_length("👨‍👩‍👧‍👦", &v3), 2);
        assert_eq!(weighted_length("👨‍👩‍👧‍👦", &Config::v2()), 11);
        assert_eq!(weighted_length("€ ©", &v3), 2 + 1 + 1);
    }

    #[test]
    fn overflow_and_validity() {
        let v3 = Config::v3();
        let text = format!("{}é😀", "a".repeat(279));
        let parsed = parse(&text, &v3);
        assert_eq!(parsed.weighted_length, 282);
        assert!(!parsed.valid);
        assert_eq!(parsed.valid_range_end, 279 + 'é'.len_utf8());

        // Decomposed input: the offset is in the original text.
        let text = format!("{}e\u{301}😀", "a".repeat(279));
        assert_eq!(parse(&text, &v3).valid_range_end, 279 + "e\u{301}".len());

        let parsed = parse("Hoi\u{FFFE} daar", &v3);
        assert!(!parsed.valid);
        assert_eq!(parsed.valid_range_end, 3);

        assert!(!parse("", &v3).valid);
        assert!(parse(&"a".repeat(280), &v3).valid);
    }
}
