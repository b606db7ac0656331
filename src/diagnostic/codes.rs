//! The one table of diagnostic codes. It feeds `juris explain CODE`, the README index,
//! SARIF rule metadata, and a test that every code has docs and a fixture.

use super::Severity;

/// A diagnostic code and its documentation.
#[derive(Debug, PartialEq, Eq)]
pub struct Code {
    /// The stable identifier, e.g. `C006`.
    pub code: &'static str,
    /// The kebab-case name, e.g. `unknown-cite`.
    pub name: &'static str,
    /// The default severity.
    pub severity: Severity,
    /// One line: what it finds.
    pub summary: &'static str,
    /// Why it matters and how to fix it, with an example.
    pub explanation: &'static str,
}

macro_rules! codes {
    ($( $id:ident = $code:literal $name:literal $sev:ident $summary:literal $explanation:literal; )*) => {
        /// Named access to each code.
        #[allow(non_upper_case_globals)]
        pub mod code {
            use super::*;
            $(
                #[doc = $summary]
                pub static $id: Code = Code {
                    code: $code,
                    name: $name,
                    severity: Severity::$sev,
                    summary: $summary,
                    explanation: $explanation,
                };
            )*
        }
        /// Every code, in order.
        pub static CODES: &[&Code] = &[$( &code::$id ),*];
    };
}

codes! {
    // ------------------------------------------------------------------ syntax
    syntax_error = "S001" "syntax-error" Error
        "the policy text does not follow the grammar"
        "The parser expected something else at this point, for example a `}` that closes a \
         provision, or a value after `is`. The label points at the first character it could \
         not read and the message says, in words, what would have fitted there.\n\n\
         Example:\n    provision (3) \"May not transfer\" {\n      when data is\n    }\n\
         Here a value is missing after `is`.\n\nParsing resumes at the next item (provision, \
         definition, test …), so one run reports every broken item of a file.";
    parser_limit = "S002" "parser-limit" Error
        "the policy is nested too deeply or is too large to parse safely"
        "Juris limits the work the parser may do on one file, in proportion to its size, and \
         how deeply a condition may nest (256 levels) and how deeply `{ … }` blocks may nest (64 \
         levels), so that hostile or broken input cannot hang it or exhaust its stack. Real \
         policies stay far below these limits; reduce the nesting of parentheses, split the \
         condition into definitions, or write deep subsections as sibling provisions.";
    invalid_literal = "S003" "invalid-literal" Error
        "a number or date is written in the right shape but is not a valid value"
        "Dates are `YYYY-MM-DD` calendar dates (`2012-02-30` does not exist); numbers must be \
         finite.\n\nExample:\n    effective 2012-13-01\nThere is no 13th month.";

    // ------------------------------------------------------------------ checker
    unknown_name = "C001" "unknown-name" Error
        "a condition, test or term names a fact or definition that is not declared"
        "Every name in a condition must be a fact of the vocabulary or a definition. A typo \
         here would otherwise silently make a provision never apply.\n\nExample:\n    \
         when customer.usage_amv >= 1\nThe vocabulary declares `customer.usage_amw`.";
    unknown_member = "C002" "unknown-member" Error
        "a value is not a member of the fact's enumeration"
        "Enumerations are closed: a value outside the list can never match a request, so it \
         is an error rather than a provision that silently never applies.\n\nExample:\n    \
         when data is social_security_number\n`data` declares `ssn`.";
    type_mismatch = "C003" "type-mismatch" Error
        "a fact is compared with a value of another type"
        "Comparing a number with an enumeration member, or testing a number as if it were a \
         boolean, has no meaning. The label shows the fact's declared type.\n\nExample:\n    \
         when customer.usage_amw is electric_company";
    duplicate_fact = "C004" "duplicate-fact" Error
        "a fact is declared twice"
        "Each fact of the vocabulary is declared once, with one type and one meaning.";
    duplicate_provision = "C005" "duplicate-provision" Error
        "two provisions encode the same subsection"
        "A subsection is encoded by one provision block; its lettered items nest inside it. \
         Two blocks with the same cite would make the explanation ambiguous. Merge them.";
    unknown_cite = "C006" "unknown-cite" Error
        "a cite names a subsection that does not exist in the statute text"
        "Juris parses the statute text the header names into its numbered subsections and \
         checks every cite against it, so an explanation never quotes a subsection that is \
         not in the law.\n\nExample:\n    provision (3) { (j) when … }\nOAR 860-086-0030(3) \
         ends at (i).";
    exception_cycle = "C007" "exception-cycle" Error
        "provisions override each other in a cycle"
        "Exceptions form an order: if (3) overrides (2), (2) cannot override (3), directly or \
         through other provisions, or no decision could say which one wins.";
    unknown_override = "C008" "unknown-override" Error
        "an `overrides` clause names a subsection that no provision encodes"
        "An exception must name the provisions it is an exception to. The cite exists in the \
         statute text but no provision of this policy encodes it.";
    statute_text = "C009" "statute-text" Error
        "the statute text named in the header cannot be read"
        "The header's `text` names the plain-text copy of the instrument, relative to the \
         policy file. The project carries its own copy beside the policy.";
    duplicate_definition = "C010" "duplicate-definition" Error
        "a name is defined twice, or a definition shadows a fact"
        "Definitions and facts share one namespace.";
    definition_cycle = "C011" "definition-cycle" Error
        "a definition refers to itself, directly or through other definitions"
        "A definition is a derived fact; it must bottom out in facts of the vocabulary.";
    missing_effect = "C012" "missing-effect" Error
        "a provision that decides has no effect"
        "A provision without nested subsections decides: it needs `required`, `permitted`, \
         `prohibited` or `out of scope`, written on it or inherited from its parent.";
    header_field = "C013" "header-field" Error
        "a header field is missing or given twice"
        "The header needs `title`, `jurisdiction` and `text`, once each; `effective` and \
         `current_through` are optional, once each.";
    duplicate_member = "C014" "duplicate-member" Error
        "an enumeration lists a member twice"
        "Enumeration members are distinct.";
    duplicate_jurisdiction = "C015" "duplicate-jurisdiction" Error
        "two loaded policies declare the same jurisdiction"
        "A request selects its policy by `jurisdiction`; two policies for one jurisdiction \
         would make that choice ambiguous. Load one of them.";
    too_many_members = "C016" "too-many-members" Error
        "an enumeration has more than 64 members"
        "Enumerations are compiled to bit sets of 64 members. Split the fact.";
    conflicting_clauses = "C017" "conflicting-clauses" Error
        "a provision states two effects, or a marked subsection also encodes rules"
        "A provision has one effect. A subsection marked `not encoded` carries no rules.";
    duplicate_marker = "C018" "duplicate-marker" Error
        "a subsection is both encoded and marked, or marked twice"
        "A subsection is either encoded by a provision or declared `not encoded` / `not \
         available`, once.";
    invalid_default = "C019" "invalid-default" Error
        "a fact's default is not a value of its type"
        "The default of a fact must be a value of the fact's declared type.";
    empty_reading = "C020" "empty-reading" Error
        "a `reading` says nothing"
        "A `reading \"…\"` states an interpretive choice the author made where the law is \
         ambiguous; explanations and memos show it with every answer that relies on it. An \
         empty reading would show a client nothing: state the choice, or remove the clause.\n\n\
         Example:\n    provision (2)(h) {\n      reading \"\"\n    }\nbecomes\n    \
         reading \"the meter number is customer information although (1) does not list it\"";
    invalid_range = "C021" "invalid-range" Error
        "a fact's bounds leave no value, repeat a side, or are not of its type"
        "A number or date fact may declare the values it takes: one lower bound (`>=` or `>`) \
         and one upper bound (`<=` or `<`) after its type, of its type. Requests outside the \
         range are refused (`R006`), and the case split of an unknown fact tries only values \
         inside it. Bounds that leave no value (`number >= 5 <= 1`), two bounds on one side, \
         or a date bound on a number are errors.\n\n\
         Example:\n    customer.usage_amw: number >= 0 \"average megawatts\"";
    outside_range = "C022" "outside-range" Error
        "a default or a test's value lies outside its fact's declared range"
        "A value the policy itself writes for a fact with declared bounds (its default, or \
         a value a test gives) must lie within them: a request carrying it would be refused \
         (`R006`).\n\n\
         Example:\n    customer.usage_amw: number >= 0 \"average megawatts\"\n    …\n    \
         test \"t\" { customer.usage_amw = -1  expect … }";
    two_places = "C023" "two-places" Error
        "a policy gives its terms or its tests in two places, or its tests two backgrounds"
        "A policy's terms may stand in the policy file or in a sibling file `NAME.terms.juris` \
         beside it, and its tests (with their `background`) in the policy file or in \
         `NAME.tests.juris` — each in one place, so that a reader finds all of them where \
         they look. The tests have at most one `background { … }`: two would leave unclear \
         which givens every test starts from.\n\n\
         Example: `widgets.juris` has a `terms { … }` block and `widgets.terms.juris` sits \
         beside it. Move the block into the sibling file (or the sibling's terms into the \
         policy file).";
    sentence_not_in_text = "C024" "sentence-not-in-text" Error
        "a rule's sentence is not in the statute text of its provision"
        "`rule \"sentence\" { … }` quotes the sentence of the statute the rule encodes, and \
         explanations show it as the law. It must therefore be there, word for word, in the \
         text of the subsection the provision encodes (its own words or its subsections'); \
         only line breaks and runs of blanks may differ. An empty sentence quotes nothing.\n\n\
         Example:\n    provision (5) {\n      rule \"may be used solely for utility \
         business\" { … }\n    }\nThe text of (5) says \"may be used by the electric company \
         solely for utility business\": quote it as written.";
    empty_label = "C025" "empty-label" Error
        "an enumeration member's label says nothing"
        "A member may carry a label in plain words (`investor_owned \"an investor-owned \
         utility\"`), which answers show instead of the member's name. An empty label would \
         show nothing: give the words, or remove the label.";
    definitions_too_large = "C026" "definitions-too-large" Error
        "a definition nests too deeply or repeats its definitions too often"
        "A condition may nest 256 levels deep, and a definition that reads another counts \
         as one level more than the one it reads. A chain of definitions longer than that \
         (`define d1 = d2`, `define d2 = d3`, …) is generated, not written, and evaluating it \
         would recurse once per link; it is refused at its deepest point. Likewise a \
         definition whose evaluation visits more than 1,048,576 parts, each definition it \
         reads counted as often as it is read (`define d1 = d2 and d2`, `define d2 = d3 and \
         d3`, … doubles at every link).\n\nExample:\n    \
         define d1 = d2 cites (4)\n    define d2 = d3 cites (4)\n    …\n    define d300 = \
         buyer.consented cites (4)";
    section_or_label = "C027" "section-or-label" Error
        "a cite writes a section number where the text numbers a subsection in parentheses, or the reverse"
        "A section number stands bare in a cite (`8380(b)(1)`, `710.6(B)`), with or without a \
         dot; a label is written in parentheses (`(3)(a)`). The two name different things: \
         in a text of sections (`8380.`, `§17-710.4.`) the top-level units are sections, in a \
         single rule they are labels. A cite that writes one where the text has the other, of \
         the same number, is refused with the spelling the text uses.\n\nExample (the \
         text is one rule numbered (1), (2), …):\n    overrides 2        // refused: `2` is \
         a section\n    overrides (2)      // the subsection (2)";

    // ------------------------------------------------------------------ requests
    unknown_key = "R001" "unknown-key" Error
        "the request has a key the policy's vocabulary does not declare"
        "Requests are checked against the vocabulary before anything is decided: an unknown \
         key is refused, never ignored, because ignoring it could turn a misspelt fact into \
         a permission.";
    wrong_type = "R002" "wrong-type" Error
        "a request value is not of the fact's type"
        "Each fact has one type: a boolean is `true`/`false`, a number is a JSON number, an \
         enumeration member is a string from the list, a date is a `YYYY-MM-DD` string, a \
         set is an array of members. `null` means the fact is unknown.";
    unknown_value = "R003" "unknown-value" Error
        "a request value is not a member of the fact's enumeration"
        "Enumerations are closed; a value outside the list is refused with the list of \
         allowed values and the closest spelling.";
    invalid_json = "R004" "invalid-json" Error
        "the request is not valid JSON, not UTF-8, or not a JSON object"
        "A request is one JSON object in UTF-8 (one per line for `juris batch`). The message \
         says what the reader could not read and where (`line:column`, and the byte offset of \
         a byte that is not UTF-8), and names the key it was reading.";
    unknown_jurisdiction = "R005" "unknown-jurisdiction" Error
        "no loaded policy has the request's jurisdiction, or the request names none"
        "The request's `jurisdiction` selects the policy among those loaded. It may be \
         omitted only when exactly one policy is loaded.";
    out_of_range = "R006" "out-of-range" Error
        "a request number or date lies outside the range its fact declares"
        "A number or date fact may declare its bounds in the vocabulary \
         (`customer.usage_amw: number >= 0`). A value outside them is refused like a value of \
         the wrong type, never decided: a negative usage is not a small one. The message names \
         the key and the range.";
    duplicate_key = "R007" "duplicate-key" Error
        "a request gives one key twice"
        "A key given twice, in one object (`{\"data\": \"ssn\", \"data\": \"tax_id\"}`) or once \
         flat and once nested (`\"customer.usage_amw\"` and `\"customer\": {\"usage_amw\": …}`), \
         is refused: JSON readers disagree on which value wins, and Juris never picks one. The \
         message names the key and where each is (`line:column`).";
    request_too_large = "R008" "request-too-large" Error
        "a request (or a `juris batch` line) is larger than the limit"
        "A request is refused before it is parsed when it is larger than the limit (1 MiB \
         by default; `--max-request-bytes` on `juris eval` and `juris batch`). Real requests \
         are a few hundred bytes; a huge one is a mistake or an attack.";
    too_deep = "R009" "too-deep" Error
        "a request nests objects or arrays deeper than the limit"
        "Objects and arrays may nest at most 32 levels (the request's object is the first). \
         Facts nest a level or two; the limit keeps hostile input from exhausting the reader. \
         The message names the key and the position.";
    string_too_long = "R010" "string-too-long" Error
        "a request key or string value is longer than the limit"
        "Keys and string values (members, dates, texts) may be at most 4 KiB. The message \
         names the key, the length and the position, and quotes only the first characters.";
    unrepresentable_number = "R011" "unrepresentable-number" Error
        "a request number is outside what a 64-bit float holds, or is `NaN` or `Infinity`"
        "Numbers are read as 64-bit floats: `1e400` or a 400-digit number has no such value, \
         and `NaN`, `Infinity` and `-Infinity` are not JSON. Each is refused, naming the key, \
         never rounded to infinity or read as unknown.";

    // ------------------------------------------------------------------ questions
    unplaced_question = "Q001" "unplaced-question" Error
        "`juris ask` cannot place the question: it names no jurisdiction or no act"
        "A question is read into a request: the policy (a state, an instrument, or words only \
         one policy knows), what is done with the information, and what the words say of the \
         rest. When the jurisdiction or the act cannot be told, nothing is decided: the labels \
         show what was understood, and the help gives questions each loaded policy answers. \
         A question about something the encoded law does not cover (another sector, another \
         state, an unencoded topic) is not refused: it is answered as not addressed, with why.";

    // ------------------------------------------------------------------ usage
    unreadable_path = "U001" "unreadable-path" Error
        "a path given on the command line cannot be read"
        "The path does not exist or cannot be read. Paths default to `policies/`.";
    cannot_scaffold = "U003" "cannot-scaffold" Error
        "`juris new` cannot begin a policy from the statute text"
        "`juris new --from STATUTE.txt --jurisdiction XX` writes `NAME.juris`, \
         `NAME.terms.juris` and `NAME.tests.juris` beside a copy of the text. It needs a text \
         with numbered subsections (each label at the start of a line), a citation (the text's \
         `CITATION:` header line, or `--citation`), a jurisdiction code of letters, and files \
         that do not exist yet: it never overwrites.";
    unreadable_table = "U004" "unreadable-table" Error
        "`juris batch` cannot read a table of requests"
        "A Parquet, Arrow IPC or CSV file given to `juris batch` (or a table given to the \
         Python package) is read as one request per row: each column a fact by its dotted \
         name (`customer.usage_amw`), `jurisdiction`, or the `--key` column carried to the \
         output. The file cannot be read in the format its extension or `--input-format` \
         names, or the `--key` column is missing or has an output column's name. Nothing of \
         the table is decided. A column that is no fact is refused as `R001`, one of a type \
         no fact has as `R002`; a row the vocabulary refuses is an error row, never a \
         decision.";
    no_policies = "U002" "no-policies" Error
        "no `.juris` policy was found under the given paths"
        "Give a `.juris` file or a folder that holds some.";

    // ------------------------------------------------------------------ tests
    test_failed = "T001" "test-failed" Error
        "a policy test's decision differs from what it expects"
        "A test states a request and the decision, cites, obligations and unknown facts it \
         expects. The report shows expected and actual side by side.";
    untested_provision = "T002" "untested-provision" Warning
        "a deciding provision no test of the policy exercises"
        "`juris coverage` counts a deciding provision (each rule of one) as exercised when a \
         test cites it, or it decides a case of an undetermined test. One no test exercises \
         can change without any test noticing. Its CI formats (`--format github`, `sarif`) \
         report each as a finding at the provision, next to the subsections nothing \
         encodes or marks (`L003`). The language server's \"Add a test for …\" writes a \
         test that makes the provision decide.";

    // ------------------------------------------------------------------ lint
    conflict = "L001" "conflict" Warning
        "two provisions can apply to the same request with different outcomes, and nothing orders them"
        "The linter looks for two deciding provisions, one that allows (`required`, \
         `permitted`) and one that forbids (`prohibited`, or a `permitted only if` whose \
         condition fails), such that some request makes both apply while neither overrides \
         the other, directly or through other exceptions, and no other exception sets either \
         aside. Such a request is decided `conflict` at run time: a drafting defect that \
         callers must treat as not permitted. The finding carries a witness: a request, as \
         JSON, that `juris eval` decides `conflict` (the linter checks it does).\n\n\
         Example:\n    provision (2) { when action is transfer  required }\n    \
         provision (3) { when action is transfer and data is ssn  prohibited }\n\
         A transfer of a social security number is both required and prohibited. If (3) is \
         an exception to (2), say so: `overrides (2)` in (3). Otherwise narrow the \
         conditions so that the two cannot both apply.\n\n\
         Findings between subsections of the same two provisions are reported once, with \
         the other pairs listed. Out-of-scope provisions are left aside: scope is decided \
         before any conflict.";
    unreachable = "L002" "unreachable" Warning
        "a provision can never decide: its conditions never hold together, or an exception always sets it aside"
        "A deciding provision whose conditions (its own and those it inherits) contradict \
         each other never applies; one that applies only when an exception to it applies \
         too is always overridden. Either way it never decides, which is seldom what the \
         text means: usually a condition is inverted, a member is misspelt into another, or \
         an `overrides` names too much. The finding labels a smallest set of conditions that \
         cannot hold together, or the exceptions that always override.\n\n\
         Example:\n    provision (3) {\n      when data is ssn\n      (a) when data is \
         tax_id\n    }\n(3)(a) inherits `data is ssn` and adds `data is tax_id`: no \
         request is both.";
    coverage_gap = "L003" "coverage-gap" Warning
        "a subsection of the statute text is not encoded, cited or marked"
        "Every numbered subsection of the statute text should be accounted for, so that \
         coverage tells \"deliberately left\" from \"forgotten\". A subsection is covered \
         when a provision encodes it, a definition or an obligation cites it, or a `not \
         encoded` / `not available` marker declares it; and everything beneath a covered \
         subsection is covered when the provision that encodes it decides as a whole (it \
         encodes no nested subsections) or a marker declares it. Beneath a provision that \
         encodes some of its subsections, each of the others needs its own account. Only \
         the topmost subsection of an uncovered part is reported.\n\n\
         Example: the text has (7) and the policy says nothing about it. Encode it, or \
         write\n    not encoded (7) \"procedural: the Commission sets the terms\"";
    unused_fact = "L004" "unused-fact" Warning
        "a fact of the vocabulary is read by no provision, obligation or definition"
        "A fact that no condition reads cannot change any decision, yet requests may carry \
         it and readers will assume it matters. Often the provision that should read it was \
         never written, or reads another fact by mistake. Facts read only by terms or set \
         only by tests count as unused. Remove the fact, or encode what reads it.\n\n\
         Example:\n    vocabulary { customer.do_not_contact: bool = false \"…\" }\n\
         with no condition on `customer.do_not_contact`: (15)(c) was left out.";
    unused_definition = "L005" "unused-definition" Warning
        "a definition is used by no provision or obligation"
        "A definition that no provision or obligation condition reaches (directly or \
         through other definitions) decides nothing. Remove it, or use it where the text \
         relies on it. Definitions read only by terms count as unused.\n\n\
         Every definition cites the text it encodes: the grammar requires `cites` after a \
         definition, so a definition without a cite is a syntax error (`S001`), not a lint \
         finding.\n\nExample:\n    define opted_in = customer.opted_in cites (11)(c)\n\
         and no condition says `opted_in`.";
    test_without_cites = "L006" "test-without-cites" Warning
        "a test expects an outcome but not the provisions that decide it"
        "A test that checks only the outcome keeps passing when the decision is reached for \
         another reason, which is the regression reviews most need to see. State the \
         expected cites (`cites` alone expects none); the help line shows what the policy \
         cites now.\n\nExample:\n    expect prohibited\nbecomes\n    expect prohibited \
         cites (3)(a)";
    undecided = "L007" "undecided" Warning
        "the linter could not decide a question within its search budget"
        "The conflict and reachability searches assign values to the facts that conditions \
         read (booleans, enumeration members, the regions thresholds cut numbers into), a \
         bounded number of steps per question. When a question needs more, the linter says \
         so rather than guess: the provisions named may or may not conflict, or be \
         reachable. Splitting very wide conditions into subsections usually helps.\n\n\
         Only pairs of provisions that could apply to the same request are searched: two \
         that require different members of an enumeration, or disjoint ranges of a number \
         (`usage > 1 and usage <= 2` and `usage > 2`), are never compared. The steps all \
         questions on one policy may take together are bounded too; when they run out, one \
         finding at the policy's header says how many pairs and provisions were not \
         searched.\n\nBoth budgets are set in `juris.toml`:\n    [lint.budget]\n    \
         search = 20000      # steps one question may take (the default)\n    \
         total = 5000000     # steps all questions on one policy may take (the default)\n\n\
         An undecided question is the linter's limit, not a defect of the policy: it is \
         reported as a warning but does not make `juris lint` exit 1, unless `juris.toml` \
         denies it (`deny = [\"L007\"]`, then it is an error).";
    allow_without_reason = "L008" "allow-without-reason" Warning
        "a lint rule is allowed in `juris.toml` without a reason"
        "Allowing a rule hides its findings; the reason says why that is right for this \
         policy, for the next reader.\n\nExample:\n    [lint]\n    allow = [\"L004\"]\n\n    \
         [lint.reasons]\n    L004 = \"requests carry the account number for audit logs\"";
    invalid_config = "L009" "invalid-config" Error
        "`juris.toml` cannot be read, names a lint rule that does not exist, or sets a budget that is not a number of steps"
        "`juris.toml` (in the current folder, or a folder above the policy) configures the \
         linter:\n    [lint]\n    allow = [\"L004\"]          # rules whose findings are not \
         reported\n    deny = [\"L001\"]           # rules whose findings fail `check`\n\n    \
         [lint.reasons]\n    L004 = \"why it is allowed\"\n\n    [lint.budget]\n    \
         search = 20000            # steps one conflict or reachability question may take\n    \
         total = 5000000           # steps all questions on one policy may take together\n\n    \
         [[lint.per-path]]         # rules allowed in some files only\n    \
         files = \"legacy/*.juris\"  # a glob, relative to the folder of juris.toml\n    \
         allow = [\"L004\"]\n    reason = \"why\"\n\
         Rules are named by code (`L004`) or name (`unused-fact`); only lint rules can be \
         allowed or denied. A budget is a whole number of steps from 1 to 10^12.";
    unused_suppression = "L010" "unused-suppression" Warning
        "a `// juris: allow` comment suppresses no finding"
        "A suppression in the policy (`// juris: allow L004 \"reason\"`) that no finding of \
         its rule is reported under hides nothing: the finding it was written for is gone, \
         or it is on the wrong line. Remove it, so that it cannot hide a later finding \
         nobody has looked at.\n\nA suppression covers the line it ends, or, written alone \
         on its line, the line below it (a provision's findings are reported on its first \
         line).";
    invalid_suppression = "L011" "invalid-suppression" Warning
        "a `// juris: allow` comment names no lint rule, a rule that does not exist, or gives no reason"
        "A finding is suppressed in the policy with a comment that names the rules, by code \
         or name, and says why, in quotes:\n    (2)(h) when data is meter_number  \
         // juris: allow L001 \"(2)(h) and (3) are reconciled by (13)\"\n\nA suppression \
         without a reason, or naming what is not a lint rule, suppresses nothing. Rules \
         allowed for a whole project go in `juris.toml` (`[lint] allow`).";
}

/// Looks a code up by identifier (`C006`) or name (`unknown-cite`), case-insensitively.
pub fn lookup(key: &str) -> Option<&'static Code> {
    CODES
        .iter()
        .copied()
        .find(|c| c.code.eq_ignore_ascii_case(key) || c.name.eq_ignore_ascii_case(key))
}

/// The page of a code in `docs/rules/` (Markdown), made from the table: its name, severity,
/// summary and explanation, the explanation's indented examples as code blocks. A test
/// keeps the pages in step with the table; SARIF carries the same text as each rule's
/// `help.markdown`.
pub fn rule_page(c: &Code) -> String {
    let kind = match c.code.as_bytes().first() {
        Some(b'S') => "a syntax error of a policy",
        Some(b'C') => "a check of a policy against its vocabulary and statute text",
        Some(b'R') => "a request refused",
        Some(b'Q') => "a question `juris ask` cannot place",
        Some(b'U') => "a usage error of the command line",
        Some(b'T') => "a policy's tests",
        _ => "a lint rule",
    };
    let mut page = format!(
        "# {} {}\n\n**{}** · {kind}\n\n{}.\n\n",
        c.code,
        c.name,
        c.severity.as_str(),
        capitalised(c.summary)
    );
    page.push_str(&markdown(c.explanation));
    if crate::config::is_rule(c) {
        page.push_str(&format!(
            "\n\nAllow or deny it for a project in `juris.toml` (`[lint] allow = [\"{0}\"]`, with a \
             reason under `[lint.reasons]`), suppress one finding with `// juris: allow {0} \
             \"reason\"`, or choose it with `juris lint --select {0}` / `--ignore {0}`.",
            c.code
        ));
    }
    page.push_str(&format!(
        "\n\n`juris explain {}` prints this in a terminal. [All codes](README.md)\n",
        c.code
    ));
    page
}

/// The index of `docs/rules/`: every code, linked to its page.
pub fn rules_index() -> String {
    let mut page = String::from(
        "# Diagnostic codes\n\nEvery diagnostic Juris reports has a code, a name and a page here, made from \
         the table in `src/diagnostic/codes.rs` (a test keeps them in step: after changing \
         the table, `JURIS_UPDATE_DOCS=1 cargo test --test it rule_pages` rewrites them).\n\n\
         | code | name | severity | what |\n|---|---|---|---|\n",
    );
    for c in CODES {
        page.push_str(&format!(
            "| [{0}]({0}.md) | {1} | {2} | {3} |\n",
            c.code,
            c.name,
            c.severity.as_str(),
            c.summary.replace('|', "\\|")
        ));
    }
    page
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// An explanation as Markdown: its paragraphs as they are, its lines indented by four
/// spaces (examples) as fenced code blocks.
fn markdown(explanation: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in explanation.lines() {
        let code = line.starts_with("    ");
        if code && !in_code {
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
            out.push_str("```\n");
            in_code = true;
        } else if !code && in_code {
            out.push_str("```\n");
            if !line.is_empty() {
                out.push('\n');
            }
            in_code = false;
        }
        out.push_str(line.strip_prefix("    ").unwrap_or(line));
        out.push('\n');
    }
    if in_code {
        out.push_str("```\n");
    }
    out.trim_end().to_string()
}
