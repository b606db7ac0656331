// package.json and language-configuration.json against what the project has: the file names
// of its policies, the grammar's comments and brackets, the settings and commands the code uses.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_COMMAND, RESTART_SETTINGS } from "../server";
import { PEST, literals, pestRule } from "./oracle";
import { EXTENSION_DIR, REPO_DIR } from "./tokenize";

const read = (p: string) => fs.readFileSync(path.join(EXTENSION_DIR, p), "utf8");
const manifest = JSON.parse(read("package.json"));
const languageConfiguration = JSON.parse(read("language-configuration.json"));
const language = manifest.contributes.languages.find((l: { id: string }) => l.id === "juris");

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

describe("package.json", () => {
  it("has what vsce needs to package it", () => {
    for (const field of ["name", "publisher", "version", "license", "engines", "main"]) {
      assert.ok(manifest[field], field);
    }
    assert.equal(manifest.license, "Apache-2.0");
    const cargo = fs.readFileSync(path.join(REPO_DIR, "Cargo.toml"), "utf8");
    assert.match(cargo, new RegExp(`^license = "${manifest.license}"$`, "m"), "the license is the project's");
    assert.match(manifest.engines.vscode, /^\^1\.\d+\.\d+$/);
    const types = manifest.devDependencies["@types/vscode"].replace(/^[~^]/, "");
    assert.equal(types.split(".").slice(0, 2).join("."), manifest.engines.vscode.slice(1).split(".").slice(0, 2).join("."), "@types/vscode matches engines.vscode");
  });

  it("claims every Juris file name the project uses, and no other", () => {
    const names = files(path.join(REPO_DIR, "policies")).map((f) => path.basename(f));
    const claimed = (n: string) => language.extensions.some((e: string) => n.endsWith(e));
    const juris = names.filter((n) => n.endsWith(".juris"));
    assert.ok(juris.length >= 9);
    for (const n of juris) assert.ok(claimed(n), n);
    for (const n of names.filter((n) => !n.endsWith(".juris"))) assert.ok(!claimed(n), n);
    // The sibling files the grammar names: NAME.terms.juris, NAME.tests.juris.
    const siblings = [...PEST.matchAll(/`NAME(\.[a-z.]+)`/g)].map((m) => m[1]);
    assert.ok(siblings.includes(".terms.juris") && siblings.includes(".tests.juris"), siblings.join());
    for (const s of siblings) assert.ok(language.extensions.includes(s), s);
  });

  it("contributes the grammar for the language, and activates on it", () => {
    const [g] = manifest.contributes.grammars;
    assert.equal(g.language, "juris");
    const grammar = JSON.parse(read(g.path));
    assert.equal(g.scopeName, grammar.scopeName);
    assert.equal(grammar.scopeName, "source.juris");
    assert.ok(fs.existsSync(path.join(EXTENSION_DIR, language.configuration)));
    assert.ok(manifest.activationEvents.includes("onLanguage:juris"));
  });

  it("declares the settings the extension reads, with juris.path defaulting to `juris`", () => {
    const props = manifest.contributes.configuration.properties;
    assert.equal(props["juris.path"].default, DEFAULT_COMMAND);
    for (const s of RESTART_SETTINGS) assert.ok(props[s], s);
    // vscode-languageclient traces to `<client id>.trace.server`; the client id is `juris`.
    assert.deepEqual(props["juris.trace.server"].enum, ["off", "messages", "verbose"]);
    const ext = fs.readFileSync(path.join(EXTENSION_DIR, "out", "extension.js"), "utf8");
    assert.match(ext, /new node_1\.LanguageClient\("juris"/);
    assert.match(ext, /getConfiguration\("juris"\)/);
    const read = [...ext.matchAll(/config\.get\("(\w+)"\)/g)].map((m) => `juris.${m[1]}`);
    assert.deepEqual(read.sort(), ["juris.extraArgs", "juris.path"]);
    for (const s of read) assert.ok(props[s], s);
  });

  it("declares each command the extension registers, and registers each it declares", () => {
    const ext = fs.readFileSync(path.join(EXTENSION_DIR, "out", "extension.js"), "utf8");
    const registered = [...ext.matchAll(/registerCommand\("([\w.]+)"/g)].map((m) => m[1]).sort();
    const declared = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(registered, declared);
    assert.ok(declared.includes("juris.restartServer"));
  });

  it("its main file is what tsc builds", () => {
    assert.ok(fs.existsSync(path.join(EXTENSION_DIR, manifest.main)), manifest.main);
  });
});

describe("language-configuration.json", () => {
  it("comments with the grammar's `//`, and has no block comments", () => {
    assert.ok(literals(pestRule("WHITESPACE")).includes("//"));
    assert.deepEqual(languageConfiguration.comments, { lineComment: "//" });
  });

  it("pairs exactly the brackets the grammar uses", () => {
    const used = [["{", "}"], ["[", "]"], ["(", ")"]].filter(([o, c]) => PEST.includes(`"${o}"`) && PEST.includes(`"${c}"`));
    assert.equal(used.length, 3);
    assert.deepEqual(languageConfiguration.brackets, used);
    const auto = languageConfiguration.autoClosingPairs.map((p: { open: string; close: string }) => [p.open, p.close]);
    assert.deepEqual(auto, [...used, ['"', '"']]);
    const quote = languageConfiguration.autoClosingPairs.find((p: { open: string }) => p.open === '"');
    assert.deepEqual(quote.notIn, ["string", "comment"]);
  });
});
