//! Channel profiles through the binary: one example per channel (`--channel x|facebook|
//! instagram|whatsapp|messenger|email|sms`), configured limits, the sign-off rule
//! (`persona/missing-sign-off`) and personal data in public replies (`privacy/personal-data`).

mod common;
use common::scratch;

use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `check --format json <args> -` with `text` on stdin in `dir`: exit code and report.
fn check_in(dir: &Path, args: &[&str], text: &str) -> (i32, Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_webcare-lint"))
        .arg("check")
        .args(args)
        .args(["--format", "json", "-"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let code = out.status.code().expect("exited normally");
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, report)
}

fn check(args: &[&str], text: &str) -> (i32, Value) {
    // One directory per call: tests run in parallel and `scratch` empties its directory.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, Ordering::Relaxed);
    check_in(&scratch(&format!("plain-{n}")), args, text)
}

/// The diagnostics of one rule.
fn of<'r>(report: &'r Value, rule: &str) -> Vec<&'r Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .collect()
}

fn message(d: &Value) -> &str {
    d["message"].as_str().unwrap()
}

const LENGTH: &str = "length/over-limit";
const PERSONA: &str = "persona/missing-sign-off";
const PRIVACY: &str = "privacy/personal-data";

/// A tweet of 317 weighted characters: a URL (23) and two emoji (2 each) included.
const LONG_TWEET: &str = "Balen dat je pakket nog niet binnen is! Ik heb het nagekeken: het ligt sinds vanochtend bij het sorteercentrum in Utrecht en gaat vanavond op transport. Morgen tussen 10:00 en 14:00 wordt het bij je bezorgd; je krijgt een mail zodra de bezorger onderweg is. Hier kun je het volgen: https://www.example.com/track/ABC123456789XYZ 📦🚚 ^Sanne\n";

#[test]
fn x_counts_weighted_length_and_labels_the_overflow() {
    let (code, r) = check(&["--channel", "x"], LONG_TWEET);
    assert_eq!(code, 1);
    let d = of(&r, LENGTH);
    assert_eq!(d.len(), 1, "{r:#}");
    assert_eq!(
        message(d[0]),
        "Te lang: 317 van 280 tekens op X (gewogen, links tellen als 23, de meeste emoji als 2)"
    );
    assert_eq!(d[0]["gebod"], 8);
    // From the 281st weighted character to the end of the reply (the newline not included).
    assert_eq!(d[0]["span"]["start"], 280);
    assert!(d[0]["text"].as_str().unwrap().starts_with(": https://"));
    assert!(d[0]["text"].as_str().unwrap().ends_with("^Sanne"));
    // A long link still counts 23: this one fits.
    let fits = "Het ligt bij het sorteercentrum en wordt morgen tussen 10:00 en 14:00 bezorgd. Volgen: https://www.example.com/track/ABC123456789XYZ-een-hele-lange-link-die-toch-als-23-telt-ook-al-is-hij-veel-langer-dan-dat 📦 ^Sanne";
    let (code, r) = check(&["--channel", "x"], fits);
    assert!(of(&r, LENGTH).is_empty(), "{r:#}");
    assert_eq!(code, 0, "{r:#}");
    // Without --channel no length rule runs.
    let (_, r) = check(&[], LONG_TWEET);
    assert!(of(&r, LENGTH).is_empty());
}

#[test]
fn facebook_allows_8000_characters() {
    let reply = format!("{} ^Sanne", "Je pakket komt morgen. ".repeat(350));
    let (_, r) = check(&["--channel", "facebook"], &reply);
    let d = of(&r, LENGTH);
    assert_eq!(
        message(d[0]),
        "Te lang: 8057 van 8000 tekens op Facebook (tekens zoals de lezer ze ziet: een emoji of letter met accent telt als één)"
    );
    let (_, r) = check(&["--channel", "facebook"], &reply[..7000]);
    assert!(of(&r, LENGTH).is_empty());
}

#[test]
fn instagram_allows_2200_or_what_the_config_says() {
    let reply = format!("{} ^Iris", "Wat een gedoe, sorry! ".repeat(80));
    assert_eq!(reply.chars().count(), 1766);
    let (_, r) = check(&["--channel", "instagram"], &reply);
    assert!(of(&r, LENGTH).is_empty(), "1766 of 2200");
    let dir = scratch("channels-instagram-config");
    std::fs::write(
        dir.join(".webcare-lint.toml"),
        "[rules.\"length/over-limit\"]\nlimits = { instagram = 1000 }\n",
    )
    .unwrap();
    let (code, r) = check_in(&dir, &["--channel", "instagram"], &reply);
    assert_eq!(code, 1);
    let d = of(&r, LENGTH);
    assert!(message(d[0]).starts_with("Te lang: 1766 van 1000 tekens op Instagram"));
    assert_eq!(d[0]["span"]["start"], 1000);
}

#[test]
fn whatsapp_counts_grapheme_clusters() {
    // 4096 family emoji of 7 code points each are 4096 characters to the reader.
    let family = "👨‍👩‍👧‍👦".repeat(4096);
    let (_, r) = check(&["--channel", "whatsapp"], &family);
    assert!(of(&r, LENGTH).is_empty(), "4096 graphemes fit");
    let (code, r) = check(&["--channel", "whatsapp"], &format!("{family}!"));
    assert_eq!(code, 1);
    let d = of(&r, LENGTH);
    assert!(message(d[0]).starts_with("Te lang: 4097 van 4096 tekens op WhatsApp"));
    assert_eq!(d[0]["text"], "!");
}

#[test]
fn messenger_allows_2000_characters() {
    let reply = "Top, dank je! ".repeat(150);
    let (_, r) = check(&["--channel", "messenger"], &reply);
    let d = of(&r, LENGTH);
    assert!(message(d[0]).starts_with("Te lang: 2099 van 2000 tekens op Messenger"));
    let (_, r) = check(&["--channel", "messenger"], &reply[..1900]);
    assert!(of(&r, LENGTH).is_empty());
}

#[test]
fn email_has_no_limit() {
    let reply = "Je pakket komt morgen tussen 10:00 en 14:00. ".repeat(2000);
    let (code, r) = check(&["--channel", "email"], &reply);
    assert!(of(&r, LENGTH).is_empty());
    assert!(
        of(&r, PERSONA).is_empty(),
        "e-mail does not require a sign-off"
    );
    assert_eq!(code, 0, "{r:#}");
}

#[test]
fn sms_reports_segments_and_the_ucs2_switch() {
    let with_emoji =
        "Je pakket komt morgen tussen 10:00 en 14:00. Niet thuis? Dan gaat het naar de buren 🙂";
    let (code, r) = check(&["--channel", "sms"], with_emoji);
    assert_eq!(code, 1);
    let d = of(&r, LENGTH);
    assert_eq!(
        message(d[0]),
        "Te lang: 86 van 70 tekens op sms (UCS-2 door \"🙂\": één teken buiten GSM-7, zoals een emoji, maakt van de hele sms UCS-2, met 70 tekens per sms; dit worden 2 sms'jes)"
    );
    // Without the emoji it is GSM-7 and fits one message of 160.
    let plain = with_emoji.replace(" 🙂", ". Groet, Mark");
    let (code, r) = check(&["--channel", "sms"], &plain);
    assert!(of(&r, LENGTH).is_empty(), "{r:#}");
    assert_eq!(code, 0);
    // Long GSM-7 text: two messages.
    let (_, r) = check(&["--channel", "sms"], &"Je pakket komt morgen. ".repeat(8));
    assert!(message(of(&r, LENGTH)[0]).contains("GSM-7, 160 tekens per sms; dit worden 2 sms'jes"));
}

#[test]
fn invalid_limits_point_into_the_config() {
    let dir = scratch("channels-bad-limits");
    std::fs::write(
        dir.join(".webcare-lint.toml"),
        "[rules.\"length/over-limit\"]\nlimits = { tiktok = 5, x = 0 }\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_webcare-lint"))
        .args(["check", "--channel", "x", "-"])
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown channel `tiktok`"), "{err}");
    assert!(err.contains(".webcare-lint.toml:2:12"), "{err}");
    assert!(err.contains("a limit must be 1 or more, not 0"), "{err}");
    assert!(err.contains(".webcare-lint.toml:2:28"), "{err}");
}

#[test]
fn persona_wants_a_person_on_public_channels() {
    let unsigned =
        "Je nieuwe pas is vandaag verstuurd en ligt uiterlijk vrijdag bij je in de bus.\n";
    let (code, r) = check(&["--channel", "facebook"], unsigned);
    assert_eq!(code, 1);
    let d = of(&r, PERSONA);
    assert_eq!(d.len(), 1);
    assert!(message(d[0]).starts_with("Er ondertekent geen persoon: "));
    assert_eq!(d[0]["text"], unsigned.trim_end());
    let signed =
        "Je nieuwe pas is vandaag verstuurd en ligt uiterlijk vrijdag bij je in de bus. ^Sanne\n";
    let (code, r) = check(&["--channel", "facebook"], signed);
    assert!(of(&r, PERSONA).is_empty());
    assert_eq!(code, 0, "{r:#}");
    // A team is not a person.
    let team = "Je nieuwe pas is vandaag verstuurd.\nGroet, Team Klantenservice\n";
    let (_, r) = check(&["--channel", "x"], team);
    let d = of(&r, PERSONA);
    assert!(message(d[0]).contains("\"Team Klantenservice\" is een team"));
    assert_eq!(d[0]["text"], "Groet, Team Klantenservice");
    // Private channels do not require one, unless the config does.
    let (_, r) = check(&["--channel", "whatsapp"], unsigned);
    assert!(of(&r, PERSONA).is_empty());
    let dir = scratch("channels-persona-required");
    std::fs::write(
        dir.join(".webcare-lint.toml"),
        "[persona]\nrequired = true\n",
    )
    .unwrap();
    let (_, r) = check_in(&dir, &["--channel", "whatsapp"], unsigned);
    assert_eq!(of(&r, PERSONA).len(), 1);
    let dir = scratch("channels-persona-pattern");
    std::fs::write(
        dir.join(".webcare-lint.toml"),
        "[persona]\npattern = '~[a-z]{2}$'\n",
    )
    .unwrap();
    let (_, r) = check_in(&dir, &["--channel", "x"], "Je pas is verstuurd ~sv\n");
    assert!(of(&r, PERSONA).is_empty(), "{r:#}");
    let (_, r) = check_in(&dir, &["--channel", "x"], signed);
    assert!(message(of(&r, PERSONA)[0]).contains("ondertekenpatroon"));
}

#[test]
fn personal_data_in_public_replies() {
    let reply = "We bellen je morgen op 06-12345678 of mailen naar sanne.devries@gmail.com. Het geld gaat naar NL91 ABNA 0417 1643 00 en de monteur komt naar Dorpsstraat 12, 1234 AB Utrecht. ^Mark\n";
    let (code, r) = check(&["--channel", "x"], reply);
    assert_eq!(code, 1);
    let found: Vec<(&str, &str)> = of(&r, PRIVACY)
        .iter()
        .map(|d| (d["text"].as_str().unwrap(), message(d)))
        .collect();
    assert_eq!(
        found,
        [
            (
                "06-12345678",
                "Dit openbare antwoord toont een telefoonnummer: \"06-12345678\""
            ),
            (
                "sanne.devries@gmail.com",
                "Dit openbare antwoord toont een e-mailadres: \"sanne.devries@gmail.com\""
            ),
            (
                "NL91 ABNA 0417 1643 00",
                "Dit openbare antwoord toont een rekeningnummer (IBAN): \"NL91 ABNA 0417 1643 00\""
            ),
            (
                "Dorpsstraat 12, 1234 AB",
                "Dit openbare antwoord toont een adres: \"Dorpsstraat 12, 1234 AB\""
            ),
        ]
    );
    // In a private channel it is fine.
    let (_, r) = check(&["--channel", "whatsapp"], reply);
    assert!(of(&r, PRIVACY).is_empty());
    // The traps: an order number, an amount, a date, a time, a service number, the company's
    // mailbox, a tracking code, an IBAN with a wrong checksum.
    let traps = "Je bestelling 2025-0012 (ordernummer 4471203) is op 12-03-2025 om 12:00 verstuurd met code 3SABCD0612345678; € 12,50 is terug. Vragen? 0800-9009 of info@bedrijf.nl. NL92 ABNA 0417 1643 00 klopt niet. ^Sanne\n";
    let (_, r) = check(&["--channel", "facebook"], traps);
    assert!(of(&r, PRIVACY).is_empty(), "{r:#}");
}
