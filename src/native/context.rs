//! Conversation-context checks (pack `context`): rules that need the customer's message the
//! draft answers (`--in-reply-to`, see docs/context.md). Without it they stay quiet.
//!
//! - `context/mirror-register`: the customer writes "je" and the reply a stiff "u", or the
//!   reverse (quiet when `--register` fixes the house style: `register/mixed` handles that).
//! - `context/no-substance` (gebod 9): the customer asked something and the reply only
//!   redirects, promises, empathises, thanks, greets or signs off.
//! - `context/joke-before-help` (gebod 1): a joke or laughing emoji in a reply to a complaint,
//!   before any help.
//!
//! The reply is read in segments (sentences, split further at commas, colons, dashes and a
//! `^` sign-off); each segment is classified as substance (an answer, a fact, an action, a
//! time), a redirect (covered by a `channel` or `promises` finding), or fluff (greeting,
//! thanks, empathy, closing, sign-off). The word lists are Dutch and live here, written in
//! the phrase syntax of the packs.

use super::thread::Thread;
use super::{Hit, Input};
use crate::pattern::{Phrase, PhraseMatch, PhraseSet};
use crate::text::{Analysis, Mask};
use regex::Regex;
use std::sync::LazyLock;

/// What never counts as the writer's own words: quotes, quoted lines, URLs, @mentions,
/// #hashtags and placeholders.
const SKIP: Mask = Mask::ALL;
/// Where a '?' or a laugh does not count: inside quotes, quoted lines and URLs.
const QUOTED: Mask = Mask::QUOTE.union(Mask::QUOTE_LINE).union(Mask::URL);

fn compile(list: &[&str]) -> Vec<Phrase> {
    list.iter()
        .map(|p| Phrase::parse(p).unwrap_or_else(|e| panic!("context phrase {p:?}: {e:?}")))
        .collect()
}

fn compile_set(list: &[&str]) -> PhraseSet {
    PhraseSet::new(compile(list))
}

fn find_all(phrases: &PhraseSet, a: &Analysis) -> Vec<PhraseMatch> {
    phrases.find_all(a, SKIP)
}

// ---------------------------------------------------------------------------------------
// Forms of address (the register pack's groups, plus the customer's side)

/// The "je" group of `register/mixed`.
#[rustfmt::skip]
const JE: &[&str] = &[
    "je", "jij", "jou", "jouw", "jullie", "jezelf", "alsjeblieft", "jouwe",
];
/// The "u" group of `register/mixed`.
const U: &[&str] = &["u", "uw", "uzelf", "alstublieft", "uwe"];
/// Words after which "u" is not the pronoun ("U-pas", "U-bocht"): `register/mixed`'s
/// exceptions.
const U_COMPOUNDS: &[&str] = &["pas", "bocht", "vorm", "vormig", "profiel", "boot", "bahn"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Je,
    U,
}

impl Form {
    fn name(self) -> &'static str {
        match self {
            Form::Je => "je",
            Form::U => "u",
        }
    }
}

/// The forms of address used in `a` (outside quotes): word indices of each group.
#[derive(Debug, Default)]
struct Address {
    je: Vec<usize>,
    u: Vec<usize>,
}

fn address(a: &Analysis) -> Address {
    let mut out = Address::default();
    for (i, w) in a.words.iter().enumerate() {
        if w.mask.intersects(SKIP) {
            continue;
        }
        let f = a.folded(i);
        if JE.contains(&f) {
            out.je.push(i);
        } else if U.contains(&f) {
            let next_is_compound = a.words.get(i + 1).is_some_and(|n| n.sentence == w.sentence)
                && U_COMPOUNDS.contains(&a.folded(i + 1));
            // "binnen 24 u": the hour, not the pronoun.
            let after_number = i > 0 && a.folded(i - 1).bytes().any(|b| b.is_ascii_digit());
            if !next_is_compound && !after_number {
                out.u.push(i);
            }
        }
    }
    out
}

/// How the customer addresses us in one message, if it shows. "Jullie" is the company in
/// either form and does not count. A "je" beside a "u" is the generic "je" ("je wordt van
/// het kastje naar de muur gestuurd"): "u" is never generic, so it decides, unless the
/// customer also writes "jij", "jou" or "jouw".
fn customer_form(text: &str) -> Option<(Form, String)> {
    let a = Analysis::new(text);
    let ad = address(&a);
    let je: Vec<usize> = ad
        .je
        .into_iter()
        .filter(|&i| a.folded(i) != "jullie")
        .collect();
    let strong_je = je.iter().any(|&i| a.folded(i) != "je");
    let word = |i: usize| text[a.words[i].start..a.words[i].end].to_string();
    match (je.first(), ad.u.first()) {
        (None, None) => None,
        (Some(&i), None) => Some((Form::Je, word(i))),
        (_, Some(&i)) if !strong_je => Some((Form::U, word(i))),
        _ => None,
    }
}

pub fn mirror_register(input: &Input) -> Vec<Hit> {
    if input.ctx.register.is_some() {
        return Vec::new();
    }
    let Some(raw) = input.ctx.in_reply_to.as_deref() else {
        return Vec::new();
    };
    let thread = Thread::parse(raw);
    // The latest customer message that shows a form of address decides; a message that
    // mixes them leaves it open.
    let mut customer = None;
    for text in thread.customer_latest_first() {
        let a = Analysis::new(text);
        let ad = address(&a);
        let shows = ad.u.len() + ad.je.iter().filter(|&&i| a.folded(i) != "jullie").count();
        if shows > 0 {
            customer = customer_form(text);
            break;
        }
    }
    let Some((form, customer_word)) = customer else {
        return Vec::new();
    };
    let a = input.analysis;
    let reply = address(a);
    let (other, same) = match form {
        Form::Je => (&reply.u, &reply.je),
        Form::U => (&reply.je, &reply.u),
    };
    if other.is_empty() || other.len() <= same.len() {
        return Vec::new();
    }
    let w = &a.words[other[0]];
    vec![Hit {
        start: w.start,
        end: w.end,
        vars: vec![
            ("match", a.text[w.start..w.end].to_string()),
            ("customer", customer_word),
            ("expected", form.name().to_string()),
            ("count", other.len().to_string()),
        ],
    }]
}

// ---------------------------------------------------------------------------------------
// Reading the reply: substance, redirects and fluff

/// Greetings, thanks, empathy, closings and sign-offs: a segment led by one of these says
/// nothing the customer asked for.
static FLUFF: LazyLock<PhraseSet> = LazyLock::new(|| {
    compile_set(&[
        // greetings and sign-offs
        "(hoi|hallo|hey|hee|hi|hai|heey|hoihoi|beste|dag|goedemorgen|goedemiddag|goedenavond|goeiemorgen|goeiemiddag|goeienavond|goedendag|geachte|lieve|moi|yo)",
        "(groet|groetjes|groeten|gr|mvg|liefs|team)",
        "met (vriendelijke|hartelijke|warme|zonnige|sportieve) (groet|groeten)",
        "(vriendelijke|hartelijke) (groet|groeten)",
        // thanks and compliments on the question
        "(bedankt|dank|dankjewel|dankje|dankuwel|thanks|thx|tnx|merci)",
        "(goeie|goede|leuke|mooie|terechte|fijne) vraag",
        "(fijn|goed|leuk|top|super|mooi|slim|knap) dat (je|jij|u) ...3 (meldt|melden|laat weten|aangeeft|vraagt|vragen|overstapt|contact|reageert|schrijft|deelt)",
        "(wat|hoe) (leuk|fijn|mooi|goed|top|tof) [om te horen|dat]",
        "(fijn|leuk|mooi|goed) om te horen",
        "fijn dat",
        // empathy and apologies
        "(vervelend*|balen|jammer|sorry|sorrie|excuses|excuus|sorr|oei|oeps|oepsie|auw|au|ai|auch|ojee|oh jee|oh nee|o nee|ah nee|nee toch|helaas|pech|shit|zonde)",
        "(wat|heel|echt|erg|zeer|super|flink|enorm|ontzettend|best|zo) [een] (vervelend*|balen|jammer|naar|rot|stom|irritant|frustrerend|gedoe|erg|lastig|zuur|klote|ellendig|onhandig|pech|ellende|ergerlijk|onprettig|teleurstellend|rotsituatie|rotervaring|nare)",
        "(dat|het|dit) (is|klinkt|was|lijkt) [echt|ook|natuurlijk|inderdaad|heel|erg|niet|zeker|flink|best|nogal|zo|me|ons] ...2 (vervelend*|balen|naar|rot|frustrerend|jammer|lastig|stom|irritant|oke|ok|fijn|prettig|bedoeling|erg|zuur|onhandig|pech|gedoe|ellendig|ergerlijk|teleurstellend|leuk|vreemd|raar|gek)",
        "(dat|het) (snap|begrijp|snappen|begrijpen) (ik|we|wij)",
        "(snap|begrijp) ik",
        "(ik|we|wij) (snap|snappen|begrijp|begrijpen|voel|voelen|zien|zie|hoor|horen|lees|lezen) ...4 (frustratie|ongenoegen|onvrede|ergernis|teleurstelling|boosheid|zorgen|dat|het|je|jou|u|helemaal|goed)",
        "(dat|het) (spijt|speet) (me|mij|ons)",
        "(mijn|onze) [oprechte] (excuses|verontschuldigingen)",
        "dat had niet (mogen|moeten) gebeuren",
        "(dat|het) (kan|kon) ik me [goed|heel goed|best] (voorstellen|indenken|inbeelden)",
        "(dat|het) (moet|mag|hoort) [natuurlijk|echt|ook] niet",
        "excuses voor ...4 (ongemak|ongemakken|overlast|wachten|verwarring|vertraging|ongerief)",
        // closings and offers to help
        "(ik|we|wij) (help|helpen) (je|jou|u) [natuurlijk|heel] graag [verder]",
        "(help|helpen) (ik|we|wij) (je|jou|u) [natuurlijk] graag [verder]",
        "(ik|we|wij) (zijn|ben|staan|sta) [er|altijd|gewoon] (er|klaar) voor (je|jou|u)",
        "(ik|we|wij) (doen|doe) (ons|mijn) (best|uiterste)",
        "(laat|laten|horen|hoor) ...4 (weten|horen)",
        "[heb|hebt|heeft] (je|u) nog (vragen|een vraag)",
        "nog (vragen|een vraag)",
        "(fijne|fijn|prettige|mooie|goede|gezellige|zonnige|heerlijke) (dag|avond|middag|ochtend|weekend|week|feestdagen|zondag|vakantie|reis|verjaardag) [verder|nog]",
        "(succes|sterkte|veel plezier|veel succes|tot straks|tot snel|tot later|tot ziens|doei|kop op|hou vol|houd vol|zet hem op|zet m op|rustig maar|geen zorgen)",
        "(hou|houd|houden) ...3 op de hoogte",
        // comfort
        "(blijf|blijft) (rustig|kalm|positief)",
        "(maak|maakt) (je|jij|u) [maar] geen zorgen",
        "(geen paniek|niet getreurd|komt goed|komt wel goed|komt allemaal goed)",
        // vague promises: the promises pack covers most of them; these have no time
        "(ik|we|wij) (zoek|zoeken|kijk|kijken|vraag|vragen|ga|gaan) ...5 (uit|na|mee|uitzoeken|nakijken|bekijken|navragen|oppakken|regelen)",
        "(ik|we|wij) (zetten|zet|geven|geef|sturen|stuur) ...4 door",
        "(ik|we|wij) (heb|hebben) ...4 (doorgezet|doorgegeven|doorgestuurd|gemeld|genoteerd|meegenomen)",
    ])
});

/// Redirects to the website that the `channel` pack does not name ("check even onze
/// storingspagina op de website"): a segment with one is a redirect, as with its findings.
static WEBSITE: LazyLock<PhraseSet> = LazyLock::new(|| {
    compile_set(&[
        "(check|checken|kijk|kijken|bekijk|bekijken|raadpleeg|raadplegen|lees|zie) ...6 (website|site|webpagina|*pagina|faq|helpcentrum|storingskaart|veelgestelde vragen)",
    ])
});

/// Short answers: "dat kan", "dat klopt niet", "helaas, dat kan niet".
static ANSWERS: LazyLock<PhraseSet> = LazyLock::new(|| {
    compile_set(&[
        "(dat|het|dit) (kan|kun|mag|lukt|klopt|geldt) [helaas|wel|zeker|gewoon|ook|nog|inderdaad|allemaal] [niet|helaas niet|wel|gewoon]",
        "(dat|het|dit) (is|gaat|werkt) [helaas|wel|zeker|gewoon|ook|nog|inderdaad] [niet|wel] (mogelijk|nodig|normaal|gratis|inbegrepen)",
        "(kan|mag|lukt|klopt) [helaas|jammer genoeg] niet",
        "(kan|mag|lukt) (dat|het) [helaas|jammer genoeg] niet",
        "(is|zijn) [helaas|jammer genoeg] [niet|wel] (mogelijk|nodig|normaal|gratis|inbegrepen)",
        "omdat",
        "(klopt|correct|inderdaad) [ja|hoor|helemaal]",
    ])
});

/// Time expressions that make a segment concrete.
static TIMES: LazyLock<PhraseSet> = LazyLock::new(|| {
    compile_set(&[
        "(vandaag|vanmiddag|vanavond|vannacht|vanochtend|vanmorgen|morgen|overmorgen|morgenochtend|morgenmiddag|morgenavond|gisteren|gisteravond|eergisteren|zojuist|net)",
        "(maandag*|dinsdag*|woensdag*|donderdag*|vrijdag*|zaterdag*|zondag*|weekend)",
        "(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)",
        "(uiterlijk|binnenkort)",
        "(binnen|over|deze|volgende|komende|vorige|afgelopen) ...2 (minuut|minuten|uur|uren|kwartier|dag|dagen|werkdag|werkdagen|week|weken|maand|maanden)",
    ])
});

/// What the agent did: "ik heb je pas gedeblokkeerd", "de storing is verholpen".
#[rustfmt::skip]
const DONE: &[&str] = &[
    "aangepast", "aangevuld", "aangevraagd", "aangemaakt", "aangezet", "uitgezet",
    "geactiveerd", "gedeblokkeerd", "geblokkeerd", "geannuleerd", "gecorrigeerd",
    "gecrediteerd", "gecontroleerd", "gecheckt", "nagekeken", "nagevraagd", "nagegaan",
    "gekeken", "bekeken", "uitgezocht", "gevonden", "opgelost", "hersteld", "verholpen",
    "gerepareerd", "vervangen", "verstuurd", "verzonden", "gestuurd", "opgestuurd",
    "nagestuurd", "gemaild", "gebeld", "teruggestort", "teruggeboekt", "terugbetaald",
    "teruggezet", "overgemaakt", "gestort", "vergoed", "verrekend", "gecompenseerd", "geregeld",
    "ingepland", "gepland", "verzet", "verplaatst", "omgezet", "omgeboekt", "geboekt",
    "gereserveerd", "besteld", "verlengd", "opgezegd", "stopgezet", "gewijzigd", "veranderd",
    "verwerkt", "toegevoegd", "verwijderd", "gereset", "klaargezet", "klaargelegd",
    "vrijgegeven", "goedgekeurd", "toegekend", "toegewezen", "ingediend", "bijgewerkt",
    "geupdatet", "ingevuld", "opgehaald", "afgeleverd", "gehaald", "ontvangen", "binnengekomen",
    "opgepakt", "ingeschakeld", "uitgeschakeld", "gekoppeld", "ontkoppeld",
];

/// Words that carry no answer: function words, pronouns, auxiliaries, and the vocabulary of
/// greetings, thanks and empathy.
#[rustfmt::skip]
const STOP: &[&str] = &[
    "de", "het", "een", "n", "t", "en", "of", "maar", "want", "dus", "dan", "als", "om", "te",
    "van", "voor", "met", "op", "in", "aan", "bij", "naar", "uit", "over", "door", "tot",
    "tegen", "zonder", "onder", "na", "sinds", "vanaf", "via", "per", "dat", "die", "dit",
    "deze", "wat", "wie", "welke", "welk", "waar", "hoe", "wanneer", "waarom", "waarmee", "ik",
    "je", "jij", "u", "we", "wij", "ze", "zij", "hij", "men", "mij", "me", "jou", "jouw", "uw",
    "ons", "onze", "jullie", "hun", "haar", "hem", "zijn", "zich", "mijn", "m'n", "mn",
    "jezelf", "uzelf", "mezelf", "is", "was", "ben", "bent", "waren", "heb", "hebt", "heeft",
    "hebben", "had", "hadden", "kan", "kun", "kunt", "kunnen", "kon", "konden", "wil", "wilt",
    "willen", "wou", "zal", "zult", "zullen", "zou", "zouden", "mag", "mogen", "moet", "moeten",
    "wordt", "worden", "werd", "word", "er", "hier", "daar", "ermee", "erop", "eraan", "erin",
    "ervan", "ook", "nog", "al", "wel", "niet", "geen", "even", "graag", "heel", "erg", "echt",
    "zo", "zoals", "toch", "hoor", "he", "nou", "oh", "o", "ah", "ach", "oke", "ok", "okay",
    "natuurlijk", "tuurlijk", "gewoon", "eens", "alvast", "zeker", "mee", "meer", "veel",
    "weer", "nu", "net", "toen", "iets", "niets", "niks", "alles", "allemaal", "iemand",
    "niemand", "elke", "ieder", "beetje", "helaas", "super", "top", "fijn", "fijne", "leuk",
    "leuke", "mooi", "goed", "goede", "goeie", "prima", "helemaal", "snel", "mogelijk", "zeg",
    "joh", "hè", "inderdaad", "best", "doen", "doe", "doet", "gaat", "gaan", "ga", "help",
    "helpen", "helpt", "verder", "bericht", "berichtje", "vraag", "vragen", "reactie",
    "melding", "melden", "meldt", "laat", "laten", "weten", "horen", "contact", "informatie",
    "info", "dank", "bedankt", "sorry", "excuses", "excuus", "balen", "jammer", "snap",
    "snappen", "begrijp", "begrijpen", "begrip", "gedoe", "oei", "oeps", "auw", "ai", "hoi",
    "hallo", "hey", "hee", "hi", "beste", "dag", "groet", "groetjes", "groeten", "team",
    "geduld", "ongemak", "frustratie", "vriendelijke", "hartelijke", "succes", "plezier",
    "klinkt", "meneer", "mevrouw", "heer", "mevr", "dhr", "klant", "klanten", "klantenservice",
    "webcare", "situatie", "probleem", "zaak", "kwestie", "zorgen", "bedoeling", "gebeuren",
    "gebeurd", "uiteraard", "zelf", "samen", "misschien", "wellicht", "eventueel", "straks",
    "zometeen", "spoedig", "asap", "zsm",
];

/// Leading words that do not change what a segment is ("Ook vervelend dat…").
#[rustfmt::skip]
const FILLER: &[&str] = &[
    "ook", "en", "maar", "echt", "heel", "oh", "o", "nou", "ah", "ach", "zeg", "wel", "dus",
    "nogmaals", "ja", "jeetje", "tja", "hmm",
];

const ANSWER_WORDS: &[&str] = &["ja", "nee", "jazeker", "jawel", "neen", "klopt", "correct"];
const ANSWER_ALONE: &[&str] = &["natuurlijk", "tuurlijk", "zeker", "uiteraard", "absoluut"];

/// Phone numbers: their digits are a redirect's, not a fact.
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\+|00)?\d[\d \-]{6,}\d").expect("phone pattern is valid"));

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Only quoted or skipped words.
    Neutral,
    /// An answer, a fact, an action, a time. `strong`: a time, a number, a done action or an
    /// answer word, not just content words.
    Substance { strong: bool },
    /// Covered by a redirect or an empty promise (a `channel` or `promises` finding).
    Redirect,
    /// Greeting, thanks, empathy, closing, sign-off.
    Fluff,
}

#[derive(Debug, Clone)]
struct Segment {
    first: usize,
    last: usize,
    /// Byte offsets: from the first word to the start of the next segment.
    start: usize,
    end: usize,
    class: Class,
    /// Where the segment's substance shows (for `Substance`).
    evidence: usize,
}

struct Reading {
    segments: Vec<Segment>,
}

fn is_laugh_word(w: &str) -> bool {
    static LAUGH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(?:a?(?:ha){2,}h?|(?:hi){2,}h?|(?:he){2,}h?|hah|lol|lolz|lmao|rofl|xd|grapje|geintje)$",
        )
        .expect("laugh pattern is valid")
    });
    LAUGH.is_match(w)
}

/// The segments of a reply: word ranges split at sentence and clause ends, commas and a `^`.
fn segments(a: &Analysis) -> Vec<(usize, usize, bool)> {
    let mut out: Vec<(usize, usize, bool)> = Vec::new();
    let mut from = 0;
    let mut sign_off = a.text[..a.words.first().map_or(0, |w| w.start)].contains('^');
    for i in 1..=a.words.len() {
        let split = i == a.words.len() || {
            let (p, w) = (&a.words[i - 1], &a.words[i]);
            let between = &a.text[p.end..w.start];
            p.sentence != w.sentence || p.clause != w.clause || between.contains([',', '^'])
        };
        if split {
            out.push((from, i, sign_off));
            if i < a.words.len() {
                sign_off = a.text[a.words[i - 1].end..a.words[i].start].contains('^');
            }
            from = i;
        }
    }
    out
}

fn read(input: &Input) -> Reading {
    let a = input.analysis;
    let n = a.words.len();
    let overlaps = |w: &crate::text::Word, s: usize, e: usize| w.start < e && s < w.end;
    // Words covered by a redirect (channel) or an empty promise (promises).
    let redirects: Vec<(usize, usize)> = input
        .findings
        .iter()
        .filter(|f| {
            input
                .rules
                .get(f.rule)
                .is_some_and(|r| r.pack == "channel" || r.pack == "promises")
        })
        .map(|f| (f.start, f.end))
        .collect();
    let mut covered: Vec<bool> = a
        .words
        .iter()
        .map(|w| redirects.iter().any(|&(s, e)| overlaps(w, s, e)))
        .collect();
    for m in find_all(&WEBSITE, a) {
        covered[m.first..m.last].iter_mut().for_each(|c| *c = true);
    }
    let phones: Vec<(usize, usize)> = PHONE
        .find_iter(a.text)
        .map(|m| (m.start(), m.end()))
        .collect();
    let usable: Vec<bool> = a.words.iter().map(|w| !w.mask.intersects(SKIP)).collect();
    let mut fluff_start = vec![false; n];
    let mut fluff_cover = vec![false; n];
    for m in find_all(&FLUFF, a) {
        fluff_start[m.first] = true;
        fluff_cover[m.first..m.last]
            .iter_mut()
            .for_each(|c| *c = true);
    }
    let mut time_cover = vec![false; n];
    for m in find_all(&TIMES, a) {
        time_cover[m.first..m.last]
            .iter_mut()
            .for_each(|c| *c = true);
    }
    let answers = find_all(&ANSWERS, a);

    // Sentences that open with a laugh ("Haha, dat klinkt als een digitale detox") are jokes,
    // not content.
    let laugh_led: Vec<u32> = (0..n)
        .filter(|&i| {
            usable[i]
                && is_laugh_word(a.folded(i))
                && (i == 0 || a.words[i - 1].sentence != a.words[i].sentence)
        })
        .map(|i| a.words[i].sentence)
        .collect();
    let mut out = Vec::new();
    let segs = segments(a);
    let mut prev_sentence_redirect: Option<u32> = None;
    for (k, &(first, last, sign_off)) in segs.iter().enumerate() {
        let start = a.words[first].start;
        let end = segs.get(k + 1).map_or(a.text.len(), |s| a.words[s.0].start);
        let own: Vec<usize> = (first..last).filter(|&i| usable[i]).collect();
        let sentence = a.words[first].sentence;
        let mut seg = Segment {
            first,
            last,
            start,
            end,
            class: Class::Neutral,
            evidence: start,
        };
        if own.is_empty() {
            out.push(seg);
            continue;
        }
        // The first word that is not a filler ("Ook vervelend dat…").
        let lead = own
            .iter()
            .copied()
            .find(|&i| !FILLER.contains(&a.folded(i)))
            .unwrap_or(own[0]);
        let fluff_led = fluff_start[lead] || fluff_start[own[0]];
        let agent = own
            .iter()
            .any(|&i| matches!(a.folded(i), "ik" | "we" | "wij"));
        let in_phone = |i: usize| {
            let w = &a.words[i];
            phones.iter().any(|&(s, e)| overlaps(w, s, e))
        };
        // Strong evidence: a time, a number, a done action.
        let strong = own.iter().copied().find(|&i| {
            if covered[i] {
                return false;
            }
            let f = a.folded(i);
            let waiting = i > first && a.folded(i - 1) == "al";
            (f.bytes().any(|b| b.is_ascii_digit()) && !in_phone(i) && !waiting)
                || (time_cover[i] && !waiting && (f != "net" || agent))
                || (DONE.contains(&f) && (!fluff_led || agent))
        });
        let touches_redirect = own.iter().any(|&i| covered[i]);
        let answer = answers
            .iter()
            .find(|m| {
                m.first >= first && m.first < last && !covered[m.first] && !fluff_cover[m.first]
            })
            .map(|m| m.first)
            .or_else(|| {
                let f = a.folded(own[0]);
                (ANSWER_WORDS.contains(&f) || (own.len() == 1 && ANSWER_ALONE.contains(&f)))
                    .then_some(own[0])
            });
        let content = own.iter().copied().filter(|&i| {
            let f = a.folded(i);
            !covered[i]
                && !fluff_cover[i]
                && !STOP.contains(&f)
                && !is_laugh_word(f)
                && f.chars().any(char::is_alphabetic)
                && f.chars().count() > 1
        });
        let content: Vec<usize> = content.collect();
        seg.class = if let Some(i) = strong {
            seg.evidence = a.words[i].start;
            Class::Substance { strong: true }
        } else if sign_off {
            Class::Fluff
        } else if touches_redirect || prev_sentence_redirect == Some(sentence) {
            // A redirect, and what follows it in the sentence (", daar vind je alles").
            prev_sentence_redirect = Some(sentence);
            Class::Redirect
        } else if let Some(i) = answer {
            seg.evidence = a.words[i].start;
            Class::Substance { strong: true }
        } else if fluff_led || content.len() < 2 || laugh_led.contains(&sentence) {
            Class::Fluff
        } else {
            seg.evidence = a.words[content[0]].start;
            Class::Substance { strong: false }
        };
        out.push(seg);
    }
    Reading { segments: out }
}

// ---------------------------------------------------------------------------------------
// The customer's message: a question? a complaint?

/// Sentence openings that make a question without a '?'.
static QUESTION_START: LazyLock<Vec<Phrase>> = LazyLock::new(|| {
    compile(&[
        "(hoe|wanneer|waarom|waar|wie|welke|welk|hoeveel|hoelang|hoezo|waarmee|waarvoor|waarheen|waarvan|vanaf wanneer|tot wanneer|sinds wanneer)",
        "wat (is|zijn|kost|kosten|moet|moeten|kan|kun|kunt|kunnen|gebeurt|gaat|doe|doen|houdt|betekent|wordt|heb|hebben|heeft|zit|staat|bedoelen|bedoel|mag)",
    ])
});

/// Verb-first questions ("Kunnen jullie…", "Is het mogelijk…"): only in a sentence that does
/// not end in '.' or '!' ("Heb ik net gedaan." answers, it does not ask).
static QUESTION_VERB_FIRST: LazyLock<Vec<Phrase>> = LazyLock::new(|| {
    compile(&[
        "(kan|kun|kunt|kunnen|mag|mogen|moet|moeten|wil|wilt|willen|zal|zullen|zou|zouden|is|zijn|ben|bent|heb|hebt|hebben|heeft|krijg|krijgt|krijgen|gaat|gaan|komt|komen|word|wordt|worden|weet|weten|klopt|doe|doet|doen|zit|zitten|staat|staan|ligt|liggen|geldt|werkt|hoort|hoef|hoeft|hoeven) (ik|je|jij|u|jullie|we|wij|het|er|dit|dat|deze|die|mijn|m'n|mn|iemand|men|hij|zij|ze|de|een|onze|ons)",
    ])
});

/// Questions anywhere in a sentence.
static QUESTION_ANY: LazyLock<Vec<Phrase>> = LazyLock::new(|| {
    compile(&[
        "ik (wil|zou|wilde) [graag|even|eigenlijk] [graag] (weten|horen)",
        "ik (zou|wil|wilde) ...3 graag ...4 (weten|horen)",
        "ik vraag me af",
        "ik heb een vraag",
        "(graag|gaarne) (uitleg|antwoord|een antwoord|reactie|een reactie|hulp)",
        "(kan|kunt|kunnen|kun) (iemand|jullie|u|je|jij) ...5 (helpen|vertellen|uitleggen|zeggen|laten weten|checken|kijken|nakijken|sturen|regelen|zorgen)",
        "is het mogelijk",
        "weet iemand",
        "hoor graag",
    ])
});

/// Greetings a customer opens with ("Hoi, kan ik…").
#[rustfmt::skip]
const OPENERS: &[&str] = &[
    "hoi", "hallo", "hey", "hee", "hi", "beste", "goedemorgen", "goedemiddag", "goedenavond",
    "goedendag", "dag", "geachte", "ha",
];

/// The question the customer asks in `text`, if any (the sentence, for the message).
fn question(text: &str) -> Option<String> {
    let a = Analysis::new(text);
    // An emoji between two words ends a thought as a full stop does.
    let emoji_gap = |i: usize| {
        i > 0
            && a.words[i - 1].sentence == a.words[i].sentence
            && a.text[a.words[i - 1].end..a.words[i].start]
                .chars()
                .any(|c| c as u32 >= 0x2190 && !c.is_alphanumeric())
    };
    // The question for the message: from word `i` to the end of its sentence.
    let from = |i: usize| -> String {
        let s = a.words[i].sentence;
        let l = a.words[i..]
            .iter()
            .take_while(|w| w.sentence == s)
            .last()
            .expect("word i");
        let end = a.text[l.end..]
            .find(|c: char| !matches!(c, '?' | '!' | '.'))
            .map_or(a.text.len(), |k| l.end + k);
        short(&a.text[a.words[i].start..end])
    };
    for (i, c) in text.char_indices() {
        if c == '?' && !a.is_masked(i, QUOTED) {
            let before = a.words.partition_point(|w| w.start < i);
            if before > 0 {
                let s = a.words[before - 1].sentence;
                let mut j = before - 1;
                while j > 0 && a.words[j - 1].sentence == s && !emoji_gap(j) {
                    j -= 1;
                }
                return Some(from(j));
            }
        }
    }
    let starts = |list: &[Phrase], i: usize| list.iter().any(|p| p.match_at(&a, i, SKIP).is_some());
    let sentences = a.words.last().map_or(0, |w| w.sentence + 1);
    for s in 0..sentences {
        let idx: Vec<usize> = (0..a.words.len())
            .filter(|&i| a.words[i].sentence == s && !a.words[i].mask.intersects(SKIP))
            .collect();
        let Some(&first) = idx.first() else { continue };
        // Where the question may start: the sentence start, after an emoji (customers use
        // them as full stops), or after an opening greeting.
        let mut at = vec![first];
        at.extend(idx.iter().copied().filter(|&i| i > first && emoji_gap(i)));
        if OPENERS.contains(&a.folded(first)) {
            if let Some(&next) = idx
                .iter()
                .find(|&&i| i > first && a.text[a.words[i - 1].end..a.words[i].start].contains(','))
            {
                at.push(next);
            }
            if let Some(&second) = idx.get(1) {
                at.push(second);
            }
        }
        let last = a.words[*idx.last().expect("not empty")].end;
        let closing = a.text[last..]
            .chars()
            .find(|c| !c.is_whitespace() && !matches!(c, ')' | '"' | '\''));
        let declarative = matches!(closing, Some('.' | '!'));
        let asking = at.iter().copied().find(|&i| {
            let hoe_dan_ook =
                a.folded(i) == "hoe" && i + 1 < a.words.len() && a.folded(i + 1) == "dan";
            (starts(&QUESTION_START, i) && !hoe_dan_ook)
                || (!declarative && starts(&QUESTION_VERB_FIRST, i))
        });
        if let Some(i) = asking {
            return Some(from(i));
        }
        if idx.iter().any(|&i| starts(&QUESTION_ANY, i)) {
            return Some(from(first));
        }
    }
    None
}

fn short(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= 70 {
        return s;
    }
    let cut: String = s.chars().take(67).collect();
    format!("{}…", cut.trim_end())
}

/// Signs of a complaint: anger, disappointment, a problem that persists.
static COMPLAINT: LazyLock<PhraseSet> = LazyLock::new(|| {
    compile_set(&[
        "(boos|woedend|kwaad|pissig|geirriteerd|irritant|ergerlijk|ergernis|frustrerend|gefrustreerd|klacht|klachten|klagen|belachelijk|schandalig|schande|bizar|waardeloos|waardeloze|slecht|slechte|slechtste|triest|treurig|teleurgesteld|teleurstellend|teleurstelling|onacceptabel|onaanvaardbaar|onbeschoft|ontevreden|klote|kut|wtf|hopeloos|lachertje|lachwekkend|oplichters|oplichterij|amateurs|amateuristisch|prutsers|knudde|ellende|drama|spuugzat|beu|balen|vervelend*|waanzin|absurd|respectloos|onbetrouwbaar|onbereikbaar|zielig|dieptepunt|nooit meer)",
        "(nog steeds|nog altijd|alweer|weer eens|weer niet|weer geen)",
        "(voor|de|het) (tweede|derde|vierde|vijfde|zesde|zoveelste|honderdste) keer",
        "al <num> (keer|dagen|dag|weken|week|maanden|maand|uur|uren|jaar)",
        "al (twee|drie|vier|vijf|zes|zeven|acht|negen|tien) (keer|dagen|dag|weken|week|maanden|maand|uur|uren|jaar)",
        "al (weken|dagen|maanden|uren|jaren|sinds)",
        "al een (week|maand|dag|uur|jaar|eeuwigheid|tijdje|tijd)",
        "al de hele (dag|avond|ochtend|middag|week|nacht)",
        "(wacht|wachten) ...2 al",
        "(kapot|defect|beschadigd|lekt|crasht|storing|vertraging|geannuleerd|onbruikbaar)",
        "(is|zijn|ging|gingen|gaat|weer|raakt|raakte) ...2 (stuk|zoek|kwijt)",
        "(werkt|werken|doet|doen) ...3 niet",
        "(niet|nooit|geen) [<any>] (ontvangen|gekregen|geleverd|bezorgd|aangekomen|gekomen|opgedaagd|reactie|antwoord|internet|stroom|water|tv|bereik|verbinding|signaal|geld|terugbetaling)",
        "klopt ...2 niet",
        "(te laat|veel te|kastje naar de muur|klaar mee|word gek|ben het zat|geen zin meer)",
        "zonder (stroom|water|internet|tv|verwarming|bereik|telefoon)",
        "schiet ...2 niet op",
    ])
});

const ANGRY_EMOJI: &[char] = &[
    '😡', '😤', '🤬', '😠', '👎', '🙄', '😒', '😩', '😫', '😭', '😞', '☹', '🙁', '💩', '😖', '😣',
];
const HAPPY: &[char] = &[
    '👍', '😍', '😊', '❤', '🙏', '😂', '🤣', '🥰', '💪', '🎉', '😁', '😄',
];

fn complaint(text: &str) -> bool {
    if text.contains(ANGRY_EMOJI) || text.contains("!!") || text.contains("?!") {
        return true;
    }
    let a = Analysis::new(text);
    if !find_all(&COMPLAINT, &a).is_empty() {
        return true;
    }
    // Shouting: three words in capitals.
    a.words
        .iter()
        .filter(|w| {
            let s = &text[w.start..w.end];
            s.chars().count() >= 3
                && s.chars().all(|c| !c.is_lowercase())
                && s.chars().any(char::is_uppercase)
        })
        .count()
        >= 3
}

fn positive(text: &str) -> bool {
    static POSITIVE: LazyLock<PhraseSet> = LazyLock::new(|| {
        compile_set(&[
            "(bedankt|dank|dankjewel|dankje|top|super|geweldig|fijn|blij|opgelost|perfect|toppie|helemaal goed|thanks|haha)",
            "werkt weer",
        ])
    });
    text.contains(HAPPY) || !find_all(&POSITIVE, &Analysis::new(text)).is_empty()
}

// ---------------------------------------------------------------------------------------
// Jokes in the reply

const LAUGH_EMOJI: &[char] = &[
    '😂', '🤣', '😆', '😅', '😜', '😝', '🙃', '😄', '😁', '😉', '😛', '🤪', '😹',
];

/// Jokes and laughs in the reply, outside quotes: byte spans.
fn jokes(a: &Analysis) -> Vec<(usize, usize)> {
    static EMOTICON: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|[\s(])(;-?\)|:-?D|[:;]-?[pP])(?:$|[\s.,!?)])")
            .expect("emoticon pattern is valid")
    });
    let mut out: Vec<(usize, usize)> = a
        .text
        .char_indices()
        .filter(|&(i, c)| LAUGH_EMOJI.contains(&c) && !a.is_masked(i, QUOTED))
        .map(|(i, c)| (i, i + c.len_utf8()))
        .collect();
    for (i, w) in a.words.iter().enumerate() {
        if !w.mask.intersects(SKIP) && is_laugh_word(a.folded(i)) {
            out.push((w.start, w.end));
        }
    }
    for c in EMOTICON.captures_iter(a.text) {
        let m = c.get(1).expect("group 1");
        if !a.is_masked(m.start(), QUOTED) {
            out.push((m.start(), m.end()));
        }
    }
    out.sort_unstable();
    out
}

// ---------------------------------------------------------------------------------------
// The checks

pub fn no_substance(input: &Input) -> Vec<Hit> {
    let Some(raw) = input.ctx.in_reply_to.as_deref() else {
        return Vec::new();
    };
    let thread = Thread::parse(raw);
    let Some(asked) = thread.open().into_iter().rev().find_map(question) else {
        return Vec::new();
    };
    let reading = read(input);
    let segs = &reading.segments;
    if segs
        .iter()
        .any(|s| matches!(s.class, Class::Substance { .. }))
    {
        return Vec::new();
    }
    let redirect = segs.iter().find(|s| s.class == Class::Redirect);
    let Some(at) = redirect.or_else(|| segs.iter().find(|s| s.class == Class::Fluff)) else {
        return Vec::new();
    };
    let only = if redirect.is_some() {
        "een doorverwijzing of een belofte zonder inhoud"
    } else {
        "begroeting, bedankje, empathie of afsluiting"
    };
    let a = input.analysis;
    let (start, end) = (a.words[at.first].start, a.words[at.last - 1].end);
    vec![Hit {
        start,
        end,
        vars: vec![
            ("match", a.text[start..end].to_string()),
            ("question", asked),
            ("only", only.to_string()),
        ],
    }]
}

pub fn joke_before_help(input: &Input) -> Vec<Hit> {
    let Some(raw) = input.ctx.in_reply_to.as_deref() else {
        return Vec::new();
    };
    let thread = Thread::parse(raw);
    let open = thread.open();
    let complains = open.iter().any(|t| complaint(t))
        || (!open.iter().any(|t| positive(t)) && thread.customer_latest_first().any(complaint));
    if !complains {
        return Vec::new();
    }
    let a = input.analysis;
    let found = jokes(a);
    let Some(&(j_start, j_end)) = found.first() else {
        return Vec::new();
    };
    let reading = read(input);
    // Help came first when a segment with substance shows it before the joke. A segment
    // with a laugh in it helps only with a time, a number, an action or an answer.
    let helped = reading.segments.iter().any(|s| match s.class {
        Class::Substance { strong } => {
            let laughs = found.iter().any(|&(js, _)| js >= s.start && js < s.end);
            s.evidence < j_start && (strong || !laughs)
        }
        _ => false,
    });
    if helped {
        return Vec::new();
    }
    vec![Hit {
        start: j_start,
        end: j_end,
        vars: vec![("match", a.text[j_start..j_end].to_string())],
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Context;

    fn run(check: super::super::CheckFn, reply: &str, customer: &str) -> Vec<Hit> {
        let a = Analysis::new(reply);
        let ctx = Context {
            in_reply_to: Some(customer.to_string()),
            ..Context::default()
        };
        check(&Input {
            analysis: &a,
            ctx: &ctx,
            findings: &[],
            rules: &[],
        })
    }

    #[test]
    fn word_lists_compile() {
        for set in [&FLUFF, &ANSWERS, &WEBSITE, &TIMES, &COMPLAINT] {
            assert!(!set.is_empty());
        }
        for list in [&QUESTION_START, &QUESTION_VERB_FIRST, &QUESTION_ANY] {
            assert!(!list.is_empty());
        }
        assert!(positive("top"));
    }

    #[test]
    fn questions_with_and_without_a_question_mark() {
        assert!(question("Waar blijft mijn pakket?").is_some());
        assert!(question("hebben jullie de iphone nog op voorraad").is_some());
        assert!(question("Hoi, kan ik mijn bestelling wijzigen").is_some());
        assert!(question("Ik wil graag weten of ik kan ruilen.").is_some());
        assert!(question("Heb ik net gedaan.").is_none());
        assert!(question("Wat een gedoe weer.").is_none());
        assert!(question("Zie https://x.nl/?id=1 voor de status.").is_none());
        assert!(question("Bedankt voor de hulp!").is_none());
        // an emoji ends a sentence as well as a full stop does
        assert_eq!(
            question("app crasht steeds 🤬 wanneer fixen jullie dit").as_deref(),
            Some("wanneer fixen jullie dit")
        );
        assert_eq!(
            question("Dit is belachelijk 😡 Wanneer is het klaar?").as_deref(),
            Some("Wanneer is het klaar?")
        );
    }

    #[test]
    fn complaints() {
        assert!(complaint("Nog steeds geen internet 😡"));
        assert!(complaint("Al 3 dagen wacht ik."));
        assert!(complaint("Dit is de derde keer!"));
        assert!(!complaint("Top service, dank jullie wel!"));
        assert!(!complaint("Haha jullie reclame is geniaal 😂"));
    }

    #[test]
    fn customer_forms() {
        assert_eq!(
            customer_form("Kun je me helpen?").map(|f| f.0),
            Some(Form::Je)
        );
        assert_eq!(
            customer_form("Kunt u me helpen?").map(|f| f.0),
            Some(Form::U)
        );
        // generic "je" beside "u"
        assert_eq!(
            customer_form("Kunt u helpen? Je wordt van het kastje naar de muur gestuurd.")
                .map(|f| f.0),
            Some(Form::U)
        );
        assert_eq!(customer_form("Kunnen jullie helpen?").map(|f| f.0), None);
        assert_eq!(
            customer_form("Hij zei 'dat moet je zelf doen'. Kunt u dat uitleggen?").map(|f| f.0),
            Some(Form::U)
        );
    }

    #[test]
    fn mirror_register_flags_the_other_form_only() {
        let customer = "Hey, kun je kijken waar mijn pakket is?";
        assert_eq!(
            run(mirror_register, "Uw pakket komt morgen.", customer).len(),
            1
        );
        assert!(run(mirror_register, "Je pakket komt morgen.", customer).is_empty());
        // the customer writes u; the reply quotes a "u" but speaks "je" itself
        assert_eq!(
            run(
                mirror_register,
                "Je schreef \"kunt u kijken\": je pakket komt morgen.",
                "Kunt u kijken?"
            )
            .len(),
            1
        );
        assert!(
            run(
                mirror_register,
                "Uw pakket komt morgen.",
                "Kunnen jullie kijken?"
            )
            .is_empty()
        );
        assert!(run(mirror_register, "Uw pakket komt morgen.", "").is_empty());
    }

    #[test]
    fn mirror_register_is_quiet_with_a_house_register() {
        let a = Analysis::new("Uw pakket komt morgen.");
        let ctx = Context {
            in_reply_to: Some("Kun je kijken?".into()),
            register: Some("u".into()),
            ..Context::default()
        };
        let input = Input {
            analysis: &a,
            ctx: &ctx,
            findings: &[],
            rules: &[],
        };
        assert!(mirror_register(&input).is_empty());
    }

    #[test]
    fn no_substance_needs_a_question_and_an_empty_reply() {
        let q = "Wanneer komt mijn pakket?";
        assert_eq!(
            run(no_substance, "Wat vervelend! Dat snap ik. ^Sanne", q).len(),
            1
        );
        assert!(run(no_substance, "Wat vervelend! Het komt morgen. ^Sanne", q).is_empty());
        assert!(
            run(
                no_substance,
                "Ja hoor, dat kan!",
                "Kan ik met iDEAL betalen?"
            )
            .is_empty()
        );
        assert!(
            run(
                no_substance,
                "Wat vervelend! Dat snap ik.",
                "Mijn pakket is kapot."
            )
            .is_empty()
        );
        assert!(run(no_substance, "Wat vervelend!", "").is_empty());
        // comfort is not an answer; a website redirect in other words is a redirect
        assert_eq!(
            run(no_substance, "Oei! Blijf rustig, we zijn er voor je!", q).len(),
            1
        );
        assert_eq!(
            run(
                no_substance,
                "Check even de storingspagina op onze website.",
                q
            )
            .len(),
            1
        );
    }

    #[test]
    fn jokes_before_help_to_a_complaint() {
        let c = "Nog steeds geen pakket 😡";
        assert_eq!(
            run(joke_before_help, "Haha 😂 het komt morgen.", c).len(),
            1
        );
        assert!(run(joke_before_help, "Het komt morgen 😅", c).is_empty());
        assert!(
            run(
                joke_before_help,
                "Haha 😂 het komt morgen.",
                "Top, dank je!"
            )
            .is_empty()
        );
        assert!(run(joke_before_help, "Je schreef \"haha\". Het komt morgen.", c).is_empty());
        assert!(run(joke_before_help, "Sorry ;) het komt morgen.", c).len() == 1);
    }
}
