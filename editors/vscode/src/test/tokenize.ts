// Tokenizes Juris text with the extension's TextMate grammar, as VS Code does: vscode-textmate
// with the Oniguruma regular expressions of vscode-oniguruma (its WebAssembly build, loaded
// from node_modules).

import * as fs from "node:fs";
import * as path from "node:path";
import * as oniguruma from "vscode-oniguruma";
import * as vsctm from "vscode-textmate";

/** editors/vscode, from out/test. */
export const EXTENSION_DIR = path.resolve(__dirname, "..", "..");
/** The repository's root. */
export const REPO_DIR = path.resolve(EXTENSION_DIR, "..", "..");

/** One token: where it starts and ends in the whole text, and its scopes, outermost first. */
export interface Token {
  start: number;
  end: number;
  text: string;
  scopes: string[];
}

let registry: Promise<vsctm.Registry> | undefined;

function loadRegistry(): Promise<vsctm.Registry> {
  registry ??= (async () => {
    const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const grammarPath = path.join(EXTENSION_DIR, "syntaxes", "juris.tmLanguage.json");
    return new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName: string) =>
        scopeName === "source.juris"
          ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath)
          : null,
    });
  })();
  return registry;
}

/** The grammar, loaded once. */
export async function grammar(): Promise<vsctm.IGrammar> {
  const g = await (await loadRegistry()).loadGrammar("source.juris");
  if (!g) {
    throw new Error("the grammar source.juris did not load");
  }
  return g;
}

/** The tokens of `text`, line by line as an editor tokenizes it, with offsets into `text`. */
export async function tokenize(text: string): Promise<Token[]> {
  const g = await grammar();
  const tokens: Token[] = [];
  let state = vsctm.INITIAL;
  let offset = 0;
  for (const line of text.split("\n")) {
    const r = g.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const end = Math.min(t.endIndex, line.length);
      if (end > t.startIndex) {
        tokens.push({
          start: offset + t.startIndex,
          end: offset + end,
          text: line.slice(t.startIndex, end),
          scopes: t.scopes,
        });
      }
    }
    state = r.ruleStack;
    offset += line.length + 1;
  }
  return tokens;
}

/** The token that covers offset `at`. */
export function tokenAt(tokens: Token[], at: number): Token | undefined {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = tokens[mid];
    if (at < t.start) {
      hi = mid - 1;
    } else if (at >= t.end) {
      lo = mid + 1;
    } else {
      return t;
    }
  }
  return undefined;
}

/** Whether one of `t`'s scopes starts with `prefix`. */
export function has(t: Token | undefined, prefix: string): boolean {
  return t !== undefined && t.scopes.some((s) => s === prefix || s.startsWith(prefix + "."));
}
