// The TextMate grammar (syntaxes/juris.tmLanguage.json), run as VS Code runs it, on the
// policies the project ships and on the fixture that uses every keyword; what it should find
// comes from grammar/juris.pest and from a scan independent of the TextMate grammar (./oracle.ts).

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { Keyword, keywordPattern, pestKeywords, pestRule, literals, scan } from "./oracle";
import { EXTENSION_DIR, REPO_DIR, Token, has, tokenAt, tokenize } from "./tokenize";

/** Every `.juris` file under policies/, relative to the repository. */
function policyFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".juris")) out.push(p);
    }
  };
  walk(path.join(REPO_DIR, "policies"));
  return out.sort();
}

const FIXTURE = path.join(EXTENSION_DIR, "test-fixtures", "every-keyword.juris");
const POLICIES = policyFiles();
const FILES = [...POLICIES, FIXTURE];
const rel = (f: string) => path.relative(REPO_DIR, f);

interface Tokenized {
  file: string;
  text: string;
  tokens: Token[];
}
const tokenized = new Map<string, Tokenized>();

before(async () => {
  for (const file of FILES) {
    const text = fs.readFileSync(file, "utf8");
    tokenized.set(file, { file, text, tokens: await tokenize(text) });
  }
});

/** Where `text` at [start, end) is, for a failure message. */
function where(t: Tokenized, start: number, end: number): string {
  const line = t.text.slice(0, start).split("\n").length;
  const token = tokenAt(t.tokens, start);
  return `${rel(t.file)}:${line}: \`${t.text.slice(start, end)}\` has [${token?.scopes.join(" ")}]`;
}

/** Every character of [start, end) is in a token with a scope starting with `prefix`. */
function allScoped(t: Tokenized, start: number, end: number, prefix: string): boolean {
  for (let i = start; i < end; i++) {
    if (!has(tokenAt(t.tokens, i), prefix)) return false;
  }
  return true;
}

describe("the files", () => {
  it("are the shipped policies of every state, and the fixture", () => {
    for (const state of ["oregon", "oklahoma", "california"]) {
      const n = POLICIES.filter((f) => f.includes(`${path.sep}${state}${path.sep}`)).length;
      assert.ok(n >= 3, `${state}: ${n} .juris files`);
    }
  });
});

describe("keywords", () => {
  const keywords = pestKeywords();

  it("are read from grammar/juris.pest", () => {
    const rules = keywords.map((k) => k.rule);
    // A sample that must be there if the reading works; the list itself comes from the file.
    for (const r of ["kw_when", "kw_out_of_scope", "kw_not_encoded", "op_and", "outcome:conflict"]) {
      assert.ok(rules.includes(r), `${r} in ${rules.join(", ")}`);
    }
    assert.deepEqual(keywords.find((k) => k.rule === "kw_out_of_scope")?.words, ["out", "of", "scope"]);
    assert.ok(keywords.length >= 40, `${keywords.length} keywords`);
  });

  it("the fixture uses every one of them", () => {
    const { code } = scan(fs.readFileSync(FIXTURE, "utf8"));
    const missing = keywords.filter((k) => !keywordPattern(k).test(code)).map((k) => k.rule);
    assert.deepEqual(missing, [], "add these to test-fixtures/every-keyword.juris");
  });

  it("are scoped keyword.* wherever the policies and the fixture use them", () => {
    const bad: string[] = [];
    const used = new Set<string>();
    for (const t of tokenized.values()) {
      const { code } = scan(t.text);
      for (const k of keywords) {
        for (const m of code.matchAll(keywordPattern(k))) {
          if (t.file !== FIXTURE) used.add(k.rule);
          if (!allScoped(t, m.index!, m.index! + m[0].length, "keyword")) {
            bad.push(`${k.rule}: ${where(t, m.index!, m.index! + m[0].length)}`);
          }
        }
      }
    }
    assert.deepEqual(bad, []);
    // The policies use most of the language; the fixture the rest.
    assert.ok(used.size >= 35, `the policies use ${used.size} keywords`);
  });

  it("`true` and `false` are constants", () => {
    const words = literals(pestRule("boolean"));
    assert.deepEqual(words, ["true", "false"]);
    const k: Keyword = { rule: "boolean", words: [] };
    let n = 0;
    for (const t of tokenized.values()) {
      const { code } = scan(t.text);
      for (const w of words) {
        for (const m of code.matchAll(keywordPattern({ ...k, words: [w] }))) {
          n++;
          assert.ok(allScoped(t, m.index!, m.index! + w.length, "constant.language.boolean"), where(t, m.index!, m.index! + w.length));
        }
      }
    }
    assert.ok(n > 100, `${n} booleans`);
  });
});

describe("strings and comments", () => {
  it("every string is string.quoted.double, escapes included, quote to quote", () => {
    let n = 0;
    for (const t of tokenized.values()) {
      for (const s of scan(t.text).strings) {
        n++;
        assert.ok(allScoped(t, s.start, s.end, "string.quoted.double.juris"), where(t, s.start, s.end));
        assert.ok(!has(tokenAt(t.tokens, s.end), "string") || t.text[s.end] === undefined, `after ${where(t, s.start, s.end)}`);
        for (const m of t.text.slice(s.start, s.end).matchAll(/\\["\\n]/g)) {
          const at = s.start + m.index!;
          assert.ok(allScoped(t, at, at + 2, "constant.character.escape"), where(t, at, at + 2));
        }
      }
    }
    assert.ok(n > 1000, `${n} strings`);
  });

  it("every comment is comment.line.double-slash, to the end of its line", () => {
    let n = 0;
    for (const t of tokenized.values()) {
      for (const c of scan(t.text).comments) {
        n++;
        assert.ok(allScoped(t, c.start, c.end, "comment.line.double-slash.juris"), where(t, c.start, c.end));
        assert.ok(has(tokenAt(t.tokens, c.start), "punctuation.definition.comment"), where(t, c.start, c.start + 2));
      }
      // Nothing outside the comments is a comment.
      const { code } = scan(t.text);
      for (let i = 0; i < code.length; i++) {
        if (code[i] !== " " && code[i] !== "\n") {
          assert.ok(!has(tokenAt(t.tokens, i), "comment"), where(t, i, i + 1));
        }
      }
    }
    assert.ok(n > 100, `${n} comments`);
  });
});

describe("cites, numbers, dates and names", () => {
  it("every cite of labels, (2)(a) or 710.4(B), is constant.other.cite", () => {
    let n = 0;
    for (const t of tokenized.values()) {
      const { code } = scan(t.text);
      for (const m of code.matchAll(/(?<![A-Za-z0-9_.])(?:[0-9]+(?:\.[0-9]+)*)?(?:\([A-Za-z0-9]+\))+/g)) {
        n++;
        assert.ok(allScoped(t, m.index!, m.index! + m[0].length, "constant.other.cite"), where(t, m.index!, m.index! + m[0].length));
      }
    }
    assert.ok(n > 400, `${n} cites`);
  });

  it("a section number after provision, not encoded, cites, overrides is a cite, § and all", () => {
    let n = 0;
    const re = /(?<![A-Za-z0-9_])(?:provision|encoded|available|cites|overrides|obligations)\s+((?:§\s*)?[0-9]+(?:\.[0-9]+)*)(?![0-9.(])/g;
    for (const t of tokenized.values()) {
      for (const m of scan(t.text).code.matchAll(re)) {
        const at = m.index! + m[0].length - m[1].length;
        n++;
        assert.ok(allScoped(t, at, at + m[1].length, "constant.other.cite"), where(t, at, at + m[1].length));
      }
    }
    assert.ok(n >= 10, `${n} section numbers`);
  });

  it("dates are constant.numeric.date; numbers compared or given are constant.numeric", () => {
    let dates = 0;
    let numbers = 0;
    for (const t of tokenized.values()) {
      const { code } = scan(t.text);
      for (const m of code.matchAll(/\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b/g)) {
        dates++;
        assert.ok(allScoped(t, m.index!, m.index! + 10, "constant.numeric.date"), where(t, m.index!, m.index! + 10));
      }
      for (const m of code.matchAll(/(?:[<>=!]=?)[ \t]*(-?[0-9]+(?:\.[0-9]+)?)(?![0-9-])/g)) {
        const at = m.index! + m[0].length - m[1].length;
        numbers++;
        assert.ok(allScoped(t, at, at + m[1].length, "constant.numeric.decimal"), where(t, at, at + m[1].length));
      }
    }
    assert.ok(dates >= 7 && numbers >= 40, `${dates} dates, ${numbers} numbers`);
  });

  it("dotted fact names are one token, a fact; declared facts and definitions are names", () => {
    let n = 0;
    for (const t of tokenized.values()) {
      const { code } = scan(t.text);
      for (const m of code.matchAll(/(?<![A-Za-z0-9_.])[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+/g)) {
        n++;
        const tok = tokenAt(t.tokens, m.index!);
        assert.ok(tok && tok.start === m.index && tok.end === m.index! + m[0].length, where(t, m.index!, m.index! + m[0].length));
        assert.ok(has(tok, "variable.other.fact") || has(tok, "entity.name.variable.fact"), where(t, m.index!, m.index! + m[0].length));
      }
      for (const m of code.matchAll(/(?<![A-Za-z0-9_])define\s+([A-Za-z_][A-Za-z0-9_]*)/g)) {
        const at = m.index! + m[0].length - m[1].length;
        assert.ok(allScoped(t, at, at + m[1].length, "entity.name.function.definition"), where(t, at, at + m[1].length));
      }
    }
    assert.ok(n > 500, `${n} dotted names`);
  });
});

describe("nothing is left unscoped", () => {
  it("in the policies, every character but blanks has a scope of its own", () => {
    const bad: string[] = [];
    for (const t of tokenized.values()) {
      for (const tok of t.tokens) {
        const own = tok.scopes.filter((s) => s !== "source.juris" && !s.startsWith("meta."));
        if (tok.text.trim() !== "" && own.length === 0) {
          bad.push(where(t, tok.start, tok.end));
        }
      }
    }
    assert.deepEqual(bad.slice(0, 20), []);
  });

  it("and the Oregon policy's tokens are the words and signs of the language, not runs of them", () => {
    const oregon = POLICIES.filter((f) => f.includes(`${path.sep}oregon${path.sep}`));
    assert.equal(oregon.length, 3);
    for (const f of oregon) {
      const t = tokenized.get(f)!;
      for (const tok of t.tokens) {
        if (has(tok, "string") || has(tok, "comment") || tok.text.trim() === "") continue;
        // Outside strings and comments a token is one name, number, cite, keyword or sign.
        assert.match(
          tok.text,
          /^(?:[A-Za-z_][A-Za-z0-9_.]*|-?[0-9][0-9.\-]*|(?:[0-9.]*)(?:\([A-Za-z0-9]+\))+|[a-z]+(?:[ \t]+[a-z]+)*|[{}[\](),:|=<>!]+|§)$/,
          where(t, tok.start, tok.end),
        );
        assert.ok(!/\s/.test(tok.text) || has(tok, "keyword"), where(t, tok.start, tok.end));
      }
    }
  });
});

describe("snippets: the places a careless grammar gets wrong", () => {
  const scopesOf = async (text: string, word: string, nth = 0) => {
    const tokens = await tokenize(text);
    let at = -1;
    for (let i = 0; i <= nth; i++) at = text.indexOf(word, at + 1);
    assert.ok(at >= 0, `${word} in ${text}`);
    const tok = tokenAt(tokens, at)!;
    return { tok, full: tok.start === at && tok.end === at + word.length };
  };

  it("a keyword inside a dotted name is part of the name", async () => {
    const { tok, full } = await scopesOf("test \"t\" {\n  contract.text = 1\n  expect permitted\n}", "contract.text");
    assert.ok(full && has(tok, "variable.other.fact"), tok.scopes.join(" "));
  });

  it("a name with digits is one name, not a number", async () => {
    const { tok, full } = await scopesOf("define a = over_1_amw_customer cites (9)", "over_1_amw_customer");
    assert.ok(full && has(tok, "variable.other"), tok.scopes.join(" "));
  });

  it("a string ends at the end of its line when its quote is missing", async () => {
    const { tok } = await scopesOf('  reading "no end\n  when x', "when");
    assert.ok(has(tok, "keyword.control.conditional"), tok.scopes.join(" "));
  });

  it("an unknown escape is marked invalid; `//` in a string is no comment", async () => {
    const a = await scopesOf('title "a \\q b"', "\\q");
    assert.ok(has(a.tok, "invalid.illegal"), a.tok.scopes.join(" "));
    const b = await scopesOf('reading "see http://x" when y', "when");
    assert.ok(has(b.tok, "keyword"), b.tok.scopes.join(" "));
  });

  it("a parenthesized condition is not a cite", async () => {
    const { tok } = await scopesOf("  when (customer.x and y) or (opted_in)", "(");
    assert.ok(has(tok, "punctuation.section.parens"), tok.scopes.join(" "));
    const o = await scopesOf("  when (customer.x and y) or (opted_in)", "opted_in");
    assert.ok(has(o.tok, "variable.other") && !has(o.tok, "constant.other.cite"), o.tok.scopes.join(" "));
  });

  it("a comment after code starts at `//`", async () => {
    const text = "  when x // not encoded (3)";
    const w = await scopesOf(text, "x");
    assert.ok(!has(w.tok, "comment"), w.tok.scopes.join(" "));
    const c = await scopesOf(text, "(3)");
    assert.ok(has(c.tok, "comment") && !has(c.tok, "constant.other.cite"), c.tok.scopes.join(" "));
  });

  it("a number in a condition is a number, not a section cite", async () => {
    const { tok } = await scopesOf("  when customer.usage_amw >= 1 and y", "1");
    assert.ok(has(tok, "constant.numeric.decimal") && !has(tok, "constant.other.cite"), tok.scopes.join(" "));
  });
});
