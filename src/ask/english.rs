//! The English layer `juris ask` reads questions with: deterministic, no network, no model.
//!
//! - Words: split on spaces and hyphens (`smart-meter` is `smart meter`), compared by a
//!   key that folds word forms (`transfers`, `transferred`, `transferring` → `transfer`;
//!   `approval`, `approved` → `approve`), British spellings (`licence`, `utilise`) and
//!   abbreviations, which stand for their words in questions and terms alike (`SSN` is
//!   `social security number`, `IOU` is `investor owned utility`, `aMW` is `average
//!   megawatts`), as do everyday names of a party (`data broker` is `third party`).
//! - Spelling: a longer word one edit away from a term's word (two for long words; two
//!   letters swapped at five letters) is read as that word, and the reading says so.
//! - Articles and possessive determiners are left out of the comparison (`to the
//!   Administrator` is `to Administrator`); auxiliaries and negators may stand inside a
//!   term's phrase (`the Commission has not approved`).
//! - Clauses: punctuation and subordinating words end a clause; negation reaches only the
//!   first term after it in its clause.
//! - Verbs with direction: giving verbs (give, send, pass on, hand over, provide, share …)
//!   and receiving verbs (receive, get, obtain, buy …), whose subject is the recipient and
//!   whose `from` phrase names the one who gives; a particle left after the object returns
//!   to its verb (`hand the data over`), and `X working for Y` is `X of Y`.

/// A word of a question or a term phrase.
#[derive(Clone, Debug)]
pub struct Token {
    /// The word as written, lowercase.
    pub raw: String,
    /// The key words are compared by.
    pub key: String,
    /// Byte range in the text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// The word ended in `'s` (a possessive).
    pub possessive: bool,
    /// The clause the word is in (counted from 0).
    pub clause: u32,
    /// An article or possessive determiner, left out of comparisons.
    pub determiner: bool,
    /// The word before it is an article or possessive determiner (`give the customer
    /// names` has two noun phrases, `give customer names` one).
    pub after_determiner: bool,
}

const DETERMINERS: &[&str] = &[
    "a", "an", "the", "its", "their", "our", "my", "your", "his", "her", "any", "some",
];

/// Words that start a new clause (negation does not reach past them).
const CLAUSE_WORDS: &[&str] = &[
    "if", "when", "but", "because", "unless", "although", "while", "whether", "where", "and", "or",
    "so",
];

/// Words that are English words near a term's word: never read as a misspelling of it.
const NOT_TYPOS: &[&str] = &[
    "contract",
    "contracts",
    "content",
    "provider",
    "providers",
    "marker",
    "planting",
    "consult",
    "meeting",
    "public",
    "publics",
    "policy",
    "police",
    "uses",
    "user",
    "users",
    "rates",
    "states",
    "statute",
    "status",
    "notion",
    "nation",
    "written",
    "writing",
    "owner",
    "owned",
];

/// British spellings and abbreviations, read as the words the terms use.
const SPELLINGS: &[(&str, &str)] = &[
    ("licence", "license"),
    ("licences", "licenses"),
    ("info", "information"),
    ("id", "identification"),
    ("ids", "identification"),
    ("no.", "number"),
    ("nos.", "numbers"),
    ("telemarket", "telemarketing"),
    ("telemarkets", "telemarketing"),
    ("telemarketed", "telemarketing"),
    ("using", "use"),
    ("used", "use"),
    ("uses", "use"),
    ("gave", "give"),
    ("given", "give"),
    ("gives", "give"),
    ("sent", "send"),
    ("got", "get"),
    ("gotten", "get"),
    ("bought", "buy"),
    ("behaviour", "behavior"),
    ("programme", "program"),
    ("programmes", "programs"),
    ("authorise", "authorize"),
    ("authorised", "authorized"),
    ("authorisation", "authorization"),
    ("utilise", "utilize"),
    ("utilised", "utilized"),
    ("utilises", "utilizes"),
    ("analyse", "analyze"),
    ("anonymised", "anonymized"),
    ("anonymise", "anonymize"),
    ("de-identified", "deidentified"),
    ("approval", "approve"),
    ("approvals", "approve"),
    ("written", "write"),
    ("wrote", "write"),
    ("told", "tell"),
    ("power", "electric"),
    ("city-owned", "municipal"),
    ("town-owned", "municipal"),
    ("municipally-owned", "municipal"),
    ("municipally", "municipal"),
];

/// Phrases read as others, in questions and terms alike: everyday names for a party the
/// law calls a third party.
const PHRASES: &[(&str, &str)] = &[
    ("data broker", "third party"),
    ("data brokers", "third parties"),
    ("marketing company", "third party"),
    ("marketing companies", "third parties"),
    ("marketing firm", "third party"),
    ("marketing firms", "third parties"),
    ("outside company", "third party"),
    ("outside companies", "third parties"),
];

/// Replaces the phrases of [`PHRASES`] by what they are read as; each new word spans the
/// phrase as written.
fn rephrase(out: &mut Vec<Token>) {
    for (from, to) in PHRASES {
        let keys: Vec<String> = from.split(' ').map(key).collect();
        let mut i = 0;
        while i + keys.len() <= out.len() {
            let window = &out[i..i + keys.len()];
            if window.iter().zip(&keys).all(|(t, k)| t.key == *k)
                && window.iter().all(|t| t.clause == window[0].clause)
            {
                let (start, end) = (window[0].start, window[window.len() - 1].end);
                let first = window[0].clone();
                let possessive = window[window.len() - 1].possessive;
                let words: Vec<Token> = to
                    .split(' ')
                    .map(|w| Token {
                        raw: w.to_string(),
                        key: key(w),
                        start,
                        end,
                        possessive,
                        ..first.clone()
                    })
                    .collect();
                let n = words.len();
                out.splice(i..i + keys.len(), words);
                i += n;
            } else {
                i += 1;
            }
        }
    }
}

/// Abbreviations read as the words they stand for, in questions and terms alike, so that a
/// question's `SSN` meets a term's `social security number` and the other way round.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("ssn", "social security number"),
    ("ssns", "social security numbers"),
    ("amw", "average megawatts"),
    ("iou", "investor owned utility"),
    ("ious", "investor owned utilities"),
    ("pud", "peoples utility district"),
    ("puds", "peoples utility districts"),
    ("kwh", "kilowatt hours"),
    ("nda", "non disclosure agreement"),
    ("dob", "date of birth"),
];

/// The key a word is compared by: spelling and abbreviation folded, then a light stemmer
/// (plural and verb endings, a final `e`, a doubled final consonant). A full Snowball
/// stemmer is not used: it folds words the policies' terms keep apart (`utility` and
/// `utilize`, `providers` and `provide`, `customer` and `custom`) and still leaves
/// `written`/`writing` and `SSNs`/`SSN` apart, which the folds here join.
pub fn key(word: &str) -> String {
    let lower = word.to_lowercase();
    let lower = lower.trim_end_matches("'s").trim_end_matches('\'');
    let word = SPELLINGS
        .iter()
        .find(|(from, _)| *from == lower)
        .map_or(lower, |(_, to)| *to);
    stem(word)
}

fn stem(word: &str) -> String {
    if !word.chars().all(|c| c.is_ascii_alphabetic()) || word.len() <= 3 {
        return word.to_string();
    }
    let mut w = word.to_string();
    let mut stripped = false;
    if (w.ends_with("ies") || w.ends_with("ied")) && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.ends_with("sses") {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.truncate(w.len() - 1);
    } else if w.ends_with("ing") && w.len() >= 5 {
        w.truncate(w.len() - 3);
        stripped = true;
    } else if w.ends_with("ed") && !w.ends_with("eed") && w.len() >= 4 {
        w.truncate(w.len() - 2);
        stripped = true;
    }
    if stripped {
        let b = w.as_bytes();
        let n = b.len();
        if n >= 3 && b[n - 1] == b[n - 2] && !b"lsfz".contains(&b[n - 1]) {
            w.truncate(n - 1);
        }
    }
    if w.len() >= 3 && w.ends_with('e') && !w.ends_with("ee") {
        w.truncate(w.len() - 1);
    }
    w
}

/// Whether a question's word is a misspelling of a term's word: same first letter, one edit
/// apart from six letters on (two from ten), two letters swapped at five, and the question's
/// word not an English word of its own near a term's.
pub fn misspelling(question: &Token, term: &Token) -> bool {
    let (q, t) = (question.raw.as_str(), term.raw.as_str());
    if q.len() < 5 || t.len() < 5 || q == t || NOT_TYPOS.contains(&q) {
        return false;
    }
    if !q.chars().all(char::is_alphabetic) || q.chars().next() != t.chars().next() {
        return false;
    }
    let d = strsim::damerau_levenshtein(q, t);
    if q.len() == 5 || t.len() == 5 {
        // A five-letter word only by two letters swapped (`thrid`): one edit of any kind
        // turns too many short words into one another.
        return d == 1 && q.len() == t.len() && strsim::hamming(q, t) == Ok(2);
    }
    d == 1 || (d == 2 && q.len() >= 10 && t.len() >= 10)
}

/// Splits text into tokens: words (with `§` and abbreviation dots), hyphenated words split
/// into their parts, each with its clause.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut clause = 0u32;
    let mut start: Option<usize> = None;
    let mut last_end = 0usize;
    let flush =
        |out: &mut Vec<Token>, s: usize, e: usize, clause: &mut u32, last_end: &mut usize| {
            let gap = &text[*last_end..s];
            if !out.is_empty() && gap.chars().any(|c| ",;:?!()—–\"".contains(c) || c == '.') {
                *clause += 1;
            }
            push(out, text, s, e, clause);
            *last_end = e;
        };
    for (i, c) in text.char_indices() {
        let part = c.is_alphanumeric()
            || c == '§'
            || c == '-'
            || c == '\''
            || c == '’'
            || (c == '.' && start.is_some());
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                flush(&mut out, s, i, &mut clause, &mut last_end);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        flush(&mut out, s, text.len(), &mut clause, &mut last_end);
    }
    rephrase(&mut out);
    out
}

fn push(out: &mut Vec<Token>, text: &str, start: usize, end: usize, clause: &mut u32) {
    // A trailing full stop ends a sentence; keep it only inside abbreviations like "O.S.".
    let mut word = &text[start..end];
    let mut sentence_end = false;
    while word.ends_with('.') && word.matches('.').count() == 1 {
        word = &word[..word.len() - 1];
        sentence_end = true;
    }
    let word = word.trim_end_matches(['\'', '-', '’']);
    if word.is_empty() {
        return;
    }
    let whole = word.replace('’', "'");
    let lower = whole.to_lowercase();
    if CLAUSE_WORDS.contains(&lower.as_str()) && !out.is_empty() {
        *clause += 1;
    }
    // A hyphenated word is compared as its parts, unless the whole is a known spelling.
    let parts: Vec<(usize, &str)> =
        if word.contains('-') && !SPELLINGS.iter().any(|(f, _)| *f == lower) {
            let mut v = Vec::new();
            let mut offset = 0;
            for p in word.split('-') {
                if !p.is_empty() {
                    v.push((offset, p));
                }
                offset += p.len() + 1;
            }
            v
        } else {
            vec![(0, word)]
        };
    for (offset, p) in parts {
        let raw = p.replace('’', "'").to_lowercase();
        let possessive = raw.ends_with("'s") || raw.ends_with("s'");
        let bare = raw
            .trim_end_matches("'s")
            .trim_end_matches('\'')
            .to_string();
        if let Some((_, words)) = ABBREVIATIONS.iter().find(|(a, _)| *a == bare) {
            // Every word of the expansion spans the abbreviation as written.
            let n = words.split(' ').count();
            for (i, w) in words.split(' ').enumerate() {
                out.push(Token {
                    key: key(w),
                    determiner: false,
                    after_determiner: out.last().is_some_and(|t: &Token| t.determiner),
                    raw: w.to_string(),
                    start: start + offset,
                    end: start + offset + p.len(),
                    possessive: possessive && i + 1 == n,
                    clause: *clause,
                });
            }
            continue;
        }
        out.push(Token {
            key: key(&bare),
            determiner: DETERMINERS.contains(&bare.as_str()),
            after_determiner: out.last().is_some_and(|t| t.determiner),
            raw: bare,
            start: start + offset,
            end: start + offset + p.len(),
            possessive,
            clause: *clause,
        });
    }
    if sentence_end {
        *clause += 1;
    }
}

/// Words that negate what follows them in their clause.
pub fn is_negator(t: &Token) -> bool {
    matches!(
        t.raw.as_str(),
        "not"
            | "no"
            | "never"
            | "without"
            | "nor"
            | "don't"
            | "doesn't"
            | "didn't"
            | "hasn't"
            | "haven't"
            | "hadn't"
            | "isn't"
            | "aren't"
            | "wasn't"
            | "weren't"
    )
}

/// Verbs of handing data over: `X gives data to Y`.
pub const GIVING: &[&str] = &[
    "give",
    "send",
    "pass",
    "hand",
    "provide",
    "share",
    "supply",
    "transfer",
    "transmit",
    "forward",
    "deliver",
    "report",
    "disclose",
    "release",
    "sell",
    "turn",
    "furnish",
    "distribute",
    "disseminate",
    "leak",
];

/// Verbs of receiving data: `Y receives data from X` is `X gives data to Y`.
pub const RECEIVING: &[&str] = &[
    "receive", "get", "obtain", "buy", "purchase", "acquire", "access", "collect", "request",
    "gather",
];

/// Whether a word is one of `verbs` (compared by key).
fn is_verb_of(t: &Token, verbs: &[&str]) -> bool {
    verbs.iter().any(|v| key(v) == t.key)
}

/// Whether a word is a verb of handing data over (give, send, pass on, share …).
pub fn is_giving(t: &Token) -> bool {
    is_verb_of(t, GIVING)
}

/// Whether a word is a verb of receiving data (receive, get, obtain, buy …).
pub fn is_receiving(t: &Token) -> bool {
    is_verb_of(t, RECEIVING)
}

/// Whether a verb is written in the past (`supplied`, `gave`, `got`): a clause with it
/// usually says where something came from rather than what is asked.
pub fn is_past(t: &Token) -> bool {
    t.raw.ends_with("ed")
        || matches!(
            t.raw.as_str(),
            "gave" | "given" | "sent" | "sold" | "got" | "gotten" | "bought" | "made" | "told"
        )
}

/// Verbs whose particle may stand after their object (`hand the data over`, `make the
/// data public`): the particle is moved back beside its verb before terms are matched.
const PARTICLES: &[(&str, &str)] = &[
    ("hand", "over"),
    ("pass", "on"),
    ("pass", "along"),
    ("turn", "over"),
    ("send", "over"),
    ("give", "out"),
    ("give", "away"),
    ("make", "public"),
    ("make", "available"),
];

/// Moves a particle separated from its verb back beside it (`hand the data over to X` is
/// read `hand over the data to X`), within the verb's clause and a few words.
pub fn join_particles(ws: &mut Vec<Token>) {
    let mut i = 0;
    while i < ws.len() {
        for (verb, particle) in PARTICLES {
            if ws[i].key != key(verb) || ws.get(i + 1).is_some_and(|t| t.raw == *particle) {
                continue;
            }
            let clause = ws[i].clause;
            let found = (i + 2..ws.len().min(i + 6))
                .take_while(|&j| ws[j].clause == clause && !is_giving(&ws[j]))
                .find(|&j| ws[j].raw == *particle);
            if let Some(j) = found {
                let t = ws.remove(j);
                ws.insert(i + 1, t);
                break;
            }
        }
        i += 1;
    }
}

/// Participles that, before `for` or `by`, say whose a party is: `a contractor working for
/// the Administrator` is `a contractor of the Administrator`.
const EMPLOYED: &[&str] = &[
    "working",
    "works",
    "employed",
    "hired",
    "retained",
    "engaged",
    "contracted",
];

/// Reads `X working for Y` (employed by, hired by …) as `X of Y`, the form terms use.
pub fn rephrase_employment(ws: &mut Vec<Token>) {
    let mut i = 1;
    while i + 1 < ws.len() {
        if EMPLOYED.contains(&ws[i].raw.as_str())
            && matches!(ws[i + 1].raw.as_str(), "for" | "by")
            && ws[i].clause == ws[i + 1].clause
        {
            // `who works for`, `that works for`: the relative word goes too.
            let from = if matches!(ws[i - 1].raw.as_str(), "who" | "that") && i >= 2 {
                i - 1
            } else {
                i
            };
            let of = Token {
                raw: "of".to_string(),
                key: "of".to_string(),
                start: ws[from].start,
                end: ws[i + 1].end,
                possessive: false,
                clause: ws[i].clause,
                determiner: false,
                after_determiner: false,
            };
            ws.splice(from..=i + 1, [of]);
            i = from + 1;
        } else {
            i += 1;
        }
    }
}

/// Other ways of writing a term's phrase: `written consent` is also `consent in writing`
/// (`consented in writing`).
pub fn variants(phrase: &[Token]) -> Vec<Vec<Token>> {
    let mut out = Vec::new();
    if let [w, x] = phrase {
        if w.key == key("written") {
            let mut inside = w.clone();
            inside.raw = "in".to_string();
            inside.key = "in".to_string();
            out.push(vec![x.clone(), inside, w.clone()]);
        }
    }
    out
}

/// Words that may stand inside a phrase of a term without breaking it: auxiliaries and
/// negators (`the Commission has not approved` is `Commission approval`, negated).
pub fn is_auxiliary(t: &Token) -> bool {
    matches!(
        t.raw.as_str(),
        "has"
            | "have"
            | "had"
            | "was"
            | "were"
            | "been"
            | "is"
            | "are"
            | "be"
            | "did"
            | "does"
            | "already"
            | "also"
            | "ever"
            | "yet"
            | "actually"
    ) || is_negator(t)
}

/// Other sectors a question may name, read when followed by a word for a provider.
pub const SECTORS: &[(&str, &str)] = &[
    ("natural gas", "natural gas"),
    ("gas", "gas"),
    ("water", "water"),
    ("sewer", "sewer"),
    ("wastewater", "wastewater"),
    ("telephone", "telephone"),
    ("phone", "telephone"),
    ("telecom", "telecommunications"),
    ("telecommunication", "telecommunications"),
    ("cable", "cable"),
    ("internet", "internet"),
    ("broadband", "broadband"),
    ("wireless", "wireless"),
    ("propane", "propane"),
];

/// Words for a provider, after a sector's name.
pub const PROVIDERS: &[&str] = &[
    "utility",
    "company",
    "provid",
    "district",
    "carrier",
    "supplier",
    "service",
    "cooperativ",
    "coop",
    "operator",
    "firm",
];

/// Topics no encoded text speaks to: the words as written (`fine` alone is also an
/// adjective, so only `fines`), and the topic's name.
pub const TOPICS: &[(&str, &str)] = &[
    ("penalty", "penalties"),
    ("penalties", "penalties"),
    ("fines", "fines"),
    ("fined", "fines"),
    ("sanction", "sanctions"),
    ("sanctions", "sanctions"),
    ("enforcement", "enforcement"),
    ("lawsuit", "lawsuits"),
    ("lawsuits", "lawsuits"),
    ("sue", "lawsuits"),
    ("sued", "lawsuits"),
    ("liability", "liability"),
    ("liable", "liability"),
    ("punishment", "punishment"),
    ("punished", "punishment"),
];

/// Entities an instrument's own definitions exclude, by jurisdiction, with the words of
/// the exclusion: a question about one is answered as out of scope, never under the rule.
pub const EXCLUDED: &[(&str, &[&str], &str)] = &[(
    "OR",
    &[
        "consumer-owned utility",
        "consumer owned utility",
        "consumer-owned",
        "people's utility district",
        "peoples utility district",
        "PUD",
        "electric cooperative",
        "rural electric cooperative",
        "cooperative",
        "co-op",
        "coop",
        "municipal utility",
        "municipal",
        "city-owned utility",
    ],
    "OAR 860-086-0010(4): “Electric company” does not include a consumer-owned utility",
)];

/// The states and territories of the United States, by name.
pub const STATES: &[&str] = &[
    "Alabama",
    "Alaska",
    "Arizona",
    "Arkansas",
    "California",
    "Colorado",
    "Connecticut",
    "Delaware",
    "Florida",
    "Georgia",
    "Hawaii",
    "Idaho",
    "Illinois",
    "Indiana",
    "Iowa",
    "Kansas",
    "Kentucky",
    "Louisiana",
    "Maine",
    "Maryland",
    "Massachusetts",
    "Michigan",
    "Minnesota",
    "Mississippi",
    "Missouri",
    "Montana",
    "Nebraska",
    "Nevada",
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Ohio",
    "Oklahoma",
    "Oregon",
    "Pennsylvania",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "Tennessee",
    "Texas",
    "Utah",
    "Vermont",
    "Virginia",
    "Washington",
    "West Virginia",
    "Wisconsin",
    "Wyoming",
    "Puerto Rico",
    "District of Columbia",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_forms_share_a_key() {
        for (a, b) in [
            ("transfers", "transfer"),
            ("transferred", "transfer"),
            ("transferring", "transfer"),
            ("sharing", "share"),
            ("shared", "share"),
            ("using", "use"),
            ("used", "use"),
            ("utilities", "utility"),
            ("addresses", "address"),
            ("licence", "license"),
            ("telemarketting", "telemarketing"),
            ("SSNs", "SSN"),
            ("histories", "history"),
            ("supplied", "supply"),
        ] {
            assert_eq!(key(a), key(b), "{a} {b}");
        }
        assert_ne!(key("need"), key("ne"));
    }

    #[test]
    fn abbreviations_and_everyday_phrases_read_as_the_law_writes_them() {
        let keys = |text: &str| -> Vec<String> {
            tokens(text)
                .into_iter()
                .filter(|t| !t.determiner)
                .map(|t| t.key)
                .collect()
        };
        assert_eq!(keys("SSNs"), keys("social security numbers"));
        assert_eq!(keys("an IOU"), keys("an investor-owned utility"));
        assert_eq!(keys("1 aMW"), keys("1 average megawatts"));
        assert_eq!(keys("a data broker"), keys("a third party"));
        assert_eq!(
            keys("the Commission's approval"),
            keys("the Commission approved")
        );
        assert_eq!(keys("a city-owned utility"), keys("a municipal utility"));
        // Every word of an expansion spans the abbreviation as written.
        let t = tokens("an SSN");
        assert!(t[1..].iter().all(|w| (w.start, w.end) == (3, 6)));
    }

    #[test]
    fn verbs_have_direction_and_particles_rejoin() {
        let t = tokens("give gave sharing receives bought");
        assert!(is_giving(&t[0]) && is_giving(&t[1]) && is_giving(&t[2]));
        assert!(is_receiving(&t[3]) && is_receiving(&t[4]));
        assert!(is_past(&t[1]) && is_past(&t[4]) && !is_past(&t[0]));
        let mut ws: Vec<Token> =
            tokens("hand the data over to a contractor working for the Administrator")
                .into_iter()
                .filter(|t| !t.determiner)
                .collect();
        join_particles(&mut ws);
        rephrase_employment(&mut ws);
        let raws: Vec<&str> = ws.iter().map(|t| t.raw.as_str()).collect();
        assert_eq!(
            raws,
            [
                "hand",
                "over",
                "data",
                "to",
                "contractor",
                "of",
                "administrator"
            ]
        );
    }

    #[test]
    fn misspellings_by_edit_distance_on_longer_words() {
        let w = |s: &str| tokens(s).remove(0);
        assert!(misspelling(&w("utilty"), &w("utility")));
        assert!(misspelling(&w("thrid"), &w("third")));
        // Five letters: only two letters swapped; short words never.
        assert!(!misspelling(&w("thirs"), &w("third")));
        assert!(!misspelling(&w("ues"), &w("use")));
        // An English word of its own is not a misspelling of a term's word.
        assert!(!misspelling(&w("contract"), &w("contact")));
    }

    #[test]
    fn hyphens_split_and_clauses_count() {
        let t = tokens("Smart-meter data, if not shared.");
        let raws: Vec<&str> = t.iter().map(|t| t.raw.as_str()).collect();
        assert_eq!(raws, ["smart", "meter", "data", "if", "not", "shared"]);
        assert_eq!(t[2].clause, 0);
        assert!(t[4].clause > 0);
    }
}
