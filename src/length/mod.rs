//! Reply length as each channel counts it: X's weighted length (twitter-text v3), SMS
//! segments (GSM-7 / UCS-2) and grapheme clusters for the other channels.
