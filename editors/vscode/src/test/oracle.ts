// What the grammar tests compare the highlighting with, found without the TextMate grammar:
// the keywords read from grammar/juris.pest, and the strings and comments of a text found by
// a scan that follows the pest rules `string` and `WHITESPACE`.

import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_DIR } from "./tokenize";

export const PEST = fs.readFileSync(path.join(REPO_DIR, "grammar", "juris.pest"), "utf8");

/** A keyword of the pest grammar: its rule and its words (`out of scope` has three). */
export interface Keyword {
  rule: string;
  words: string[];
}

/** The pest rule `name`'s body: the text between `name = X{` and the matching `}`. */
export function pestRule(name: string): string {
  const m = new RegExp(`^${name} = [@_$]?\\{`, "m").exec(PEST);
  if (!m) {
    throw new Error(`no rule ${name} in grammar/juris.pest`);
  }
  let depth = 1;
  let i = m.index + m[0].length;
  const start = i;
  for (; depth > 0 && i < PEST.length; i++) {
    if (PEST[i] === '"') {
      i = PEST.indexOf('"', i + 1);
    } else if (PEST[i] === "{") {
      depth++;
    } else if (PEST[i] === "}") {
      depth--;
    }
  }
  return PEST.slice(start, i - 1);
}

/** The double-quoted literals of a pest rule body, blanks left out. */
export function literals(body: string): string[] {
  return [...body.matchAll(/"((?:[^"\\]|\\.)*)"/g)]
    .map((m) => m[1])
    .filter((l) => l.trim() !== "" && l !== "\\t" && l !== "\\n" && l !== "\\r");
}

/**
 * Every keyword of the language: the `kw_*` rules, the word operators (`op_and`, `op_or`,
 * `op_not`) and the outcomes a test expects (`outcome`), each a sequence of words.
 */
export function pestKeywords(): Keyword[] {
  const names = [...PEST.matchAll(/^(kw_\w+|op_(?:and|or|not)) = /gm)].map((m) => m[1]);
  const keywords = names.map((rule) => ({ rule, words: literals(pestRule(rule)) }));
  for (const word of literals(pestRule("outcome"))) {
    keywords.push({ rule: `outcome:${word}`, words: [word] });
  }
  return keywords;
}

/** A region of the text: [start, end). */
export interface Span {
  start: number;
  end: number;
}

/** The strings and comments of `text`, and the text with both blanked out (offsets kept). */
export function scan(text: string): { strings: Span[]; comments: Span[]; code: string } {
  const strings: Span[] = [];
  const comments: Span[] = [];
  const code = text.split("");
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"' && text[i] !== "\n") {
        i += text[i] === "\\" ? 2 : 1;
      }
      if (text[i] === '"') {
        i++;
      }
      strings.push({ start, end: i });
      for (let j = start; j < i; j++) code[j] = " ";
    } else if (text.startsWith("//", i)) {
      const start = i;
      while (i < text.length && text[i] !== "\n") i++;
      comments.push({ start, end: i });
      for (let j = start; j < i; j++) code[j] = " ";
    } else {
      i++;
    }
  }
  return { strings, comments, code: code.join("") };
}

/** A regular expression for a keyword's words: blanks between them, not inside a name. */
export function keywordPattern(k: Keyword): RegExp {
  return new RegExp(`(?<![A-Za-z0-9_.])${k.words.join("[ \\t]+")}(?![A-Za-z0-9_.])`, "g");
}
