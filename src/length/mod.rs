//! Reply length as each channel counts it: X's weighted length (twitter-text v3), SMS
//! segments (GSM-7 / UCS-2) and grapheme clusters for the other channels.
//!
//! - [`twitter`]: X's weighted length ([`twitter::parse`], [`twitter::Config::v3`]).
//! - [`sms`]: SMS encoding and segments ([`sms::segments`]).
//! - [`graphemes`]: the "characters" of Facebook, Instagram, WhatsApp and Messenger, counted
//!   as extended grapheme clusters, i.e. what a reader sees as one character ("é", "👍🏻" and
//!   "👨‍👩‍👧‍👦" are one each).

mod emoji;
pub mod sms;
mod tlds;
pub mod twitter;
mod url;

use unicode_segmentation::UnicodeSegmentation;

/// Number of extended grapheme clusters (user-perceived characters) in `text`.
pub fn graphemes(text: &str) -> usize {
    text.graphemes(true).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphemes_count_what_a_reader_sees() {
        assert_eq!(graphemes(""), 0);
        assert_eq!(graphemes("Hoi!"), 4);
        assert_eq!(graphemes("cafe\u{301}"), 4);
        assert_eq!(graphemes("👨‍👩‍👧‍👦"), 1);
        assert_eq!(graphemes("Top 👍🏻 🇳🇱"), 7);
        assert_eq!(graphemes("a\r\nb"), 3);
    }
}
