//! SMS segments: how many messages a reply is sent as.
//!
//! A text made only of GSM 03.38 characters is sent in the GSM 7-bit alphabet: up to 160
//! septets in one message, 153 per part of a multi-part message. Characters of the extension
//! table (`^ { } \ [ ~ ] | €` and form feed) take two septets (escape + character). Any other
//! character switches the whole text to UCS-2: up to 70 UTF-16 code units in one message, 67
//! per part. As phones do, a part never splits an escape pair or a surrogate pair, so a part
//! may hold one unit less. The text is NFC-normalised first, so a decomposed "é" counts as
//! the GSM character it is.

use unicode_normalization::UnicodeNormalization;

/// The alphabet an SMS is sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// GSM 03.38 7-bit default alphabet (with its extension table).
    Gsm7,
    /// UCS-2 (UTF-16 code units).
    Ucs2,
}

/// How an SMS is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sms {
    pub encoding: Encoding,
    /// Septets for [`Encoding::Gsm7`], UTF-16 code units for [`Encoding::Ucs2`].
    pub units: usize,
    /// Messages needed; 0 for an empty text.
    pub segments: usize,
}

/// GSM 03.38 basic character set (one septet each).
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                         ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// GSM 03.38 extension table (escape + character: two septets each).
const GSM_EXTENSION: &str = "\u{C}^{}\\[~]|€";

const GSM_SINGLE: usize = 160;
const GSM_PART: usize = 153;
const UCS2_SINGLE: usize = 70;
const UCS2_PART: usize = 67;

/// Encoding, length and number of segments of `text` sent as an SMS.
pub fn segments(text: &str) -> Sms {
    let text: String = text.nfc().collect();
    let septets: Option<Vec<usize>> = text.chars().map(gsm_septets).collect();
    let (encoding, costs, single, part) = match septets {
        Some(costs) => (Encoding::Gsm7, costs, GSM_SINGLE, GSM_PART),
        None => (
            Encoding::Ucs2,
            text.chars().map(char::len_utf16).collect(),
            UCS2_SINGLE,
            UCS2_PART,
        ),
    };
    let units = costs.iter().sum();
    let segments = match units {
        0 => 0,
        n if n <= single => 1,
        _ => parts(&costs, part),
    };
    Sms {
        encoding,
        units,
        segments,
    }
}

fn gsm_septets(c: char) -> Option<usize> {
    if GSM_BASIC.contains(c) {
        Some(1)
    } else if GSM_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Parts needed when each holds `capacity` units and no character is split.
fn parts(costs: &[usize], capacity: usize) -> usize {
    let (mut parts, mut fill) = (1, 0);
    for &cost in costs {
        if fill + cost > capacity {
            parts += 1;
            fill = 0;
        }
        fill += cost;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm_text_fits_160_septets() {
        let sms = segments("Hoi Sanne, je pakket komt morgen vóór 12:00? Nee: om 14:00. ^Mark");
        // "ó" is not GSM, so this one is UCS-2...
        assert_eq!(sms.encoding, Encoding::Ucs2);
        let sms = segments("Hoi Sanne, je pakket komt morgen voor 12:00. Groet, Mark");
        assert_eq!(sms.encoding, Encoding::Gsm7);
        assert_eq!((sms.units, sms.segments), (56, 1));
        assert_eq!(segments(&"a".repeat(160)).segments, 1);
        assert_eq!(
            segments(""),
            Sms {
                encoding: Encoding::Gsm7,
                units: 0,
                segments: 0
            }
        );
    }

    #[test]
    fn gsm_accents_and_decomposed_text() {
        let sms = segments("Café è à ü Ø");
        assert_eq!((sms.encoding, sms.units), (Encoding::Gsm7, 12));
        assert_eq!(segments("Cafe\u{301}").encoding, Encoding::Gsm7);
    }

    #[test]
    fn extension_characters_take_two_septets() {
        let sms = segments("Kost €5 [incl. btw]");
        assert_eq!((sms.encoding, sms.units), (Encoding::Gsm7, 19 + 3));
        // 158 + 2 = 160: still one message.
        assert_eq!(segments(&format!("{}€", "a".repeat(158))).segments, 1);
    }

    #[test]
    fn multipart_gsm_uses_153_per_part() {
        assert_eq!(segments(&"a".repeat(161)).segments, 2);
        assert_eq!(segments(&"a".repeat(306)).segments, 2);
        assert_eq!(segments(&"a".repeat(307)).segments, 3);
        // The escape pair of "€" is not split over two parts: 152 + (2) does not fit 153.
        let sms = segments(&format!("{}€{}", "a".repeat(152), "a".repeat(152)));
        assert_eq!((sms.units, sms.segments), (306, 3));
    }

    #[test]
    fn any_other_character_means_ucs2() {
        let sms = segments("Sorry! 🙏");
        assert_eq!(
            (sms.encoding, sms.units, sms.segments),
            (Encoding::Ucs2, 9, 1)
        );
        assert_eq!(segments(&"ł".repeat(70)).segments, 1);
        assert_eq!(segments(&"ł".repeat(71)).segments, 2);
        assert_eq!(segments(&"ł".repeat(134)).segments, 2);
        assert_eq!(segments(&"ł".repeat(135)).segments, 3);
        // A surrogate pair is not split: 66 + 2 does not fit 67.
        assert_eq!(
            segments(&format!("{}😀{}", "ł".repeat(66), "ł".repeat(66))).segments,
            3
        );
    }
}
