// Unit tests of the part of the extension that needs no VS Code (../server.ts).

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
  DEFAULT_COMMAND,
  DOCUMENT_SELECTOR,
  INSTALL_HINT,
  findExecutable,
  needsRestart,
  notFoundMessage,
  serverCommand,
  serverOptions,
} from "../server";

describe("serverCommand", () => {
  it("runs `juris lsp` when juris.path is unset, empty, blank or not a string", () => {
    for (const p of [undefined, "", "   ", 42, null, ["juris"]]) {
      assert.deepEqual(serverCommand({ path: p }), { command: "juris", args: ["lsp"] }, String(p));
    }
    assert.equal(DEFAULT_COMMAND, "juris");
  });

  it("keeps a bare command name for the PATH lookup, trimmed", () => {
    assert.deepEqual(serverCommand({ path: " juris-dev " }, "/ws"), {
      command: "juris-dev",
      args: ["lsp"],
    });
  });

  it("keeps an absolute path as it is", () => {
    const abs = path.resolve("/opt/juris/bin/juris");
    assert.equal(serverCommand({ path: abs }, "/ws").command, abs);
  });

  it("expands `~` to the home directory", () => {
    assert.equal(
      serverCommand({ path: "~/.cargo/bin/juris" }, undefined, "/home/u").command,
      path.join("/home/u", ".cargo", "bin", "juris"),
    );
  });

  it("resolves a relative path with a separator against the workspace folder", () => {
    assert.equal(
      serverCommand({ path: "target/release/juris" }, "/ws").command,
      path.resolve("/ws", "target/release/juris"),
    );
    // Without a workspace folder it is left for the operating system to resolve.
    assert.equal(serverCommand({ path: "target/release/juris" }).command, "target/release/juris");
  });

  it("puts juris.extraArgs (strings only) before `lsp`, which comes last", () => {
    assert.deepEqual(serverCommand({ extraArgs: ["--verbose", 3, "-q", null] }).args, [
      "--verbose",
      "-q",
      "lsp",
    ]);
    assert.deepEqual(serverCommand({ extraArgs: "--verbose" }).args, ["lsp"]);
  });
});

describe("serverOptions", () => {
  it("runs the command over stdio (no other transport) with a copy of the arguments", () => {
    const cmd = { command: "/bin/juris", args: ["lsp"] };
    const opts = serverOptions(cmd);
    assert.equal(opts.command, "/bin/juris");
    assert.deepEqual(opts.args, ["lsp"]);
    assert.equal(opts.transport, undefined, "stdio is the client's default transport");
    assert.equal(opts.options, undefined);
    opts.args!.push("x");
    assert.deepEqual(cmd.args, ["lsp"], "the options do not share the command's array");
  });

  it("starts in the workspace folder when there is one", () => {
    assert.deepEqual(serverOptions({ command: "juris", args: ["lsp"] }, "/ws").options, {
      cwd: "/ws",
    });
  });
});

describe("findExecutable", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "juris-ext-"));
  const other = fs.mkdtempSync(path.join(os.tmpdir(), "juris-ext-"));
  const exe = path.join(dir, "juris");
  fs.writeFileSync(exe, "#!/bin/sh\n");
  fs.chmodSync(exe, 0o755);
  const plain = path.join(other, "juris");
  fs.writeFileSync(plain, "not executable");
  fs.chmodSync(plain, 0o644);
  fs.mkdirSync(path.join(other, "juris-dir"));
  const posix = process.platform !== "win32";

  it("finds a bare name in PATH, in PATH's order", () => {
    const env = { PATH: ["", "/nonexistent", dir, other].join(path.delimiter) };
    assert.equal(findExecutable("juris", env), exe);
  });

  it("is undefined when no directory of PATH has it", () => {
    assert.equal(findExecutable("juris", { PATH: "/nonexistent" }), undefined);
    assert.equal(findExecutable("juris", {}), undefined);
  });

  it("skips a file that is not executable and a directory", { skip: !posix }, () => {
    assert.equal(findExecutable("juris", { PATH: other }), undefined);
    assert.equal(findExecutable("juris-dir", { PATH: other }), undefined);
    assert.equal(findExecutable("juris", { PATH: [other, dir].join(path.delimiter) }), exe);
  });

  it("takes a path with a separator as it is, not from PATH", () => {
    assert.equal(findExecutable(exe, { PATH: "" }), exe);
    assert.equal(findExecutable(path.join(dir, "missing"), { PATH: dir }), undefined);
  });

  it("on Windows, tries PATHEXT's extensions and splits PATH at `;`", () => {
    const win = fs.mkdtempSync(path.join(os.tmpdir(), "juris-ext-"));
    fs.writeFileSync(path.join(win, "juris.EXE"), "");
    const env = { PATH: `/nonexistent;${win}`, PATHEXT: ".COM;.EXE" };
    assert.equal(findExecutable("juris", env, "win32"), path.join(win, "juris.EXE"));
    assert.equal(findExecutable("juris", { PATH: win, PATHEXT: ".BAT" }, "win32"), undefined);
  });
});

describe("notFoundMessage", () => {
  it("names the command and says how to install the binary", () => {
    const m = notFoundMessage({ command: "juris", args: ["lsp"] }, false);
    assert.match(m, /`juris lsp`/);
    assert.match(m, /not on your PATH/);
    assert.ok(m.includes("cargo install --path . --locked"), m);
    assert.ok(INSTALL_HINT.includes("juris.path"));
  });

  it("blames the setting when juris.path was set", () => {
    const m = notFoundMessage({ command: "/opt/juris", args: ["lsp"] }, true);
    assert.match(m, /`juris\.path` is `\/opt\/juris`/);
    assert.doesNotMatch(m, /PATH\.$/);
  });
});

describe("needsRestart", () => {
  it("restarts for juris.path and juris.extraArgs, not for tracing or other settings", () => {
    assert.equal(needsRestart((s) => s === "juris.path"), true);
    assert.equal(needsRestart((s) => s === "juris.extraArgs"), true);
    assert.equal(needsRestart((s) => s === "juris.trace.server"), false);
    assert.equal(needsRestart((s) => s === "editor.fontSize"), false);
  });
});

describe("DOCUMENT_SELECTOR", () => {
  it("selects Juris files on disk (the server reads their sibling files)", () => {
    assert.deepEqual(DOCUMENT_SELECTOR, [{ scheme: "file", language: "juris" }]);
  });
});
