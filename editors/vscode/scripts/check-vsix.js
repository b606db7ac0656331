#!/usr/bin/env node
// Checks an unpacked juris.vsix (`unzip juris.vsix -d DIR`; `node scripts/check-vsix.js DIR`):
// it holds what package.json names and no sources, tests or source maps, and its main module
// loads with everything it requires inside the package (`vscode`, which VS Code provides,
// is a stand-in here). Exits 1 with the reasons otherwise.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");

const root = path.resolve(process.argv[2] ?? "", "extension");
const problems = [];
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const contributes = manifest.contributes;
const needed = [
  manifest.main.endsWith(".js") ? manifest.main : `${manifest.main}.js`,
  ...contributes.grammars.map((g) => g.path),
  ...contributes.languages.map((l) => l.configuration),
  "LICENSE.txt",
  "node_modules/vscode-languageclient/package.json",
];
for (const f of needed) {
  if (!fs.existsSync(path.join(root, f))) problems.push(`missing ${f}`);
}
const walk = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.relative(root, path.join(dir, e.name))],
  );
const files = walk(root);
for (const f of files) {
  if (/^(src|test-fixtures|out\/test)\//.test(f) || /\.(ts|map)$/.test(f) || f.endsWith(".vsix")) {
    problems.push(`should not be packaged: ${f}`);
  }
}
for (const dev of Object.keys(manifest.devDependencies ?? {})) {
  if (fs.existsSync(path.join(root, "node_modules", dev))) problems.push(`dev dependency packaged: ${dev}`);
}

// Load the main module as VS Code would, with a stand-in for the `vscode` module.
const stand_in = new Proxy(
  {},
  {
    get(target, key) {
      if (key === "__esModule") return true;
      if (typeof key !== "string") return undefined;
      target[key] ??= class {};
      return target[key];
    },
  },
);
const load = Module._load;
Module._load = function (request, parent, ...rest) {
  if (request === "vscode") return stand_in;
  const resolved = Module._resolveFilename(request, parent, ...rest);
  if (path.isAbsolute(resolved) && !resolved.startsWith(root + path.sep)) {
    problems.push(`loads ${request} from outside the package: ${resolved}`);
  }
  return load.call(this, request, parent, ...rest);
};
try {
  const main = require(path.join(root, manifest.main));
  for (const f of ["activate", "deactivate"]) {
    if (typeof main[f] !== "function") problems.push(`the main module exports no ${f}`);
  }
} catch (err) {
  problems.push(`the main module does not load: ${err.stack}`);
} finally {
  Module._load = load;
}

if (problems.length) {
  console.error(`juris.vsix:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`juris.vsix: ${files.length} files; its main module loads`);
