// The extension's glue (../extension.ts) with `vscode` and `vscode-languageclient/node`
// replaced by recording fakes (VS Code cannot run here): what it starts, when it restarts,
// what it says when the binary is missing.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import Module from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { beforeEach, describe, it } from "node:test";

interface FakeClient {
  id: string;
  name: string;
  serverOptions: { run: { command: string; args: string[]; options?: { cwd?: string } } };
  clientOptions: { documentSelector: unknown };
  started: number;
  stopped: number;
  disposed: number;
}

const log = {
  clients: [] as FakeClient[],
  errors: [] as string[],
  commands: new Map<string, () => unknown>(),
  configListeners: [] as ((e: { affectsConfiguration(s: string): boolean }) => void)[],
  executed: [] as unknown[][],
  settings: {} as Record<string, unknown>,
  userSet: new Set<string>(),
  errorChoice: undefined as string | undefined,
};

class LanguageClient implements FakeClient {
  started = 0;
  stopped = 0;
  disposed = 0;
  constructor(
    public id: string,
    public name: string,
    public serverOptions: FakeClient["serverOptions"],
    public clientOptions: FakeClient["clientOptions"],
  ) {
    log.clients.push(this);
  }
  async start() {
    this.started++;
  }
  async stop() {
    this.stopped++;
  }
  async dispose() {
    this.disposed++;
  }
}

const vscode = {
  window: {
    createOutputChannel: () => ({ info() {}, warn() {}, error() {}, appendLine() {}, dispose() {} }),
    showErrorMessage: async (message: string) => {
      log.errors.push(message);
      return log.errorChoice;
    },
  },
  commands: {
    registerCommand: (id: string, f: () => unknown) => {
      log.commands.set(id, f);
      return { dispose() {} };
    },
    executeCommand: async (...args: unknown[]) => {
      log.executed.push(args);
    },
  },
  workspace: {
    workspaceFolders: undefined as { uri: { fsPath: string } }[] | undefined,
    getConfiguration: (section: string) => {
      assert.equal(section, "juris");
      return {
        get: (key: string) => log.settings[key],
        inspect: (key: string) => ({
          globalValue: log.userSet.has(key) ? log.settings[key] : undefined,
        }),
      };
    },
    onDidChangeConfiguration: (f: (e: { affectsConfiguration(s: string): boolean }) => void) => {
      log.configListeners.push(f);
      return { dispose() {} };
    },
  },
};

// Resolve `vscode` and the client to the fakes for the extension's require calls.
const load = (Module as unknown as { _load: (r: string, ...rest: unknown[]) => unknown })._load;
(Module as unknown as { _load: (r: string, ...rest: unknown[]) => unknown })._load = function (
  request: string,
  ...rest: unknown[]
) {
  if (request === "vscode") return vscode;
  if (request === "vscode-languageclient/node") return { LanguageClient };
  return load.call(this, request, ...rest);
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extension = require("../extension") as typeof import("../extension");

const bin = fs.mkdtempSync(path.join(os.tmpdir(), "juris-ext-"));
const juris = path.join(bin, "juris");
fs.writeFileSync(juris, "#!/bin/sh\n");
fs.chmodSync(juris, 0o755);

const context = () => ({ subscriptions: [] as unknown[] });
const change = (key: string) => {
  for (const l of log.configListeners) l({ affectsConfiguration: (s) => s === key });
};
/** Lets the extension's queued restarts run. */
const settle = () => new Promise((r) => setTimeout(r, 10));

describe("the extension", () => {
  beforeEach(async () => {
    await extension.deactivate();
    log.clients = [];
    log.errors = [];
    log.commands.clear();
    log.configListeners = [];
    log.executed = [];
    log.settings = {};
    log.userSet.clear();
    log.errorChoice = undefined;
    vscode.workspace.workspaceFolders = undefined;
  });

  it("starts `juris lsp` for Juris files, the binary found where juris.path says", async () => {
    log.settings = { path: juris };
    vscode.workspace.workspaceFolders = [{ uri: { fsPath: bin } }];
    await extension.activate(context() as never);
    assert.equal(log.clients.length, 1);
    const c = log.clients[0];
    assert.equal(c.id, "juris", "the id that `juris.trace.server` goes with");
    assert.equal(c.started, 1);
    assert.equal(c.serverOptions.run.command, juris);
    assert.deepEqual(c.serverOptions.run.args, ["lsp"]);
    assert.equal(c.serverOptions.run.options?.cwd, bin);
    assert.deepEqual(c.clientOptions.documentSelector, [{ scheme: "file", language: "juris" }]);
    assert.deepEqual(log.errors, []);
  });

  it("finds `juris` on PATH by default", async () => {
    const saved = process.env.PATH;
    process.env.PATH = [bin, saved].join(path.delimiter);
    try {
      await extension.activate(context() as never);
    } finally {
      process.env.PATH = saved;
    }
    assert.equal(log.clients[0]?.serverOptions.run.command, juris);
  });

  it("says how to install juris when it is missing, and starts nothing", async () => {
    log.settings = { path: path.join(bin, "missing-juris") };
    log.userSet.add("path");
    log.errorChoice = "Open Settings";
    await extension.activate(context() as never);
    assert.equal(log.clients.length, 0);
    assert.equal(log.errors.length, 1);
    assert.ok(log.errors[0].includes("cargo install --path . --locked"), log.errors[0]);
    assert.ok(log.errors[0].includes("missing-juris"), log.errors[0]);
    assert.deepEqual(log.executed, [["workbench.action.openSettings", "juris.path"]]);
  });

  it("restarts on juris.path and juris.extraArgs, not on juris.trace.server", async () => {
    log.settings = { path: juris };
    await extension.activate(context() as never);
    change("juris.trace.server");
    await settle();
    assert.equal(log.clients.length, 1);
    log.settings = { path: juris, extraArgs: ["--quiet"] };
    change("juris.extraArgs");
    await settle();
    assert.equal(log.clients.length, 2);
    assert.equal(log.clients[0].stopped, 1, "the old server is stopped");
    assert.equal(log.clients[0].disposed, 1);
    assert.deepEqual(log.clients[1].serverOptions.run.args, ["--quiet", "lsp"]);
    change("juris.path");
    await settle();
    assert.equal(log.clients.length, 3);
    assert.equal(log.clients[1].stopped, 1);
  });

  it("restarts on the command, one server at a time, and stops on deactivate", async () => {
    log.settings = { path: juris };
    await extension.activate(context() as never);
    const restart = log.commands.get("juris.restartServer");
    assert.ok(restart, "juris.restartServer is registered");
    await Promise.all([restart(), restart()]);
    assert.equal(log.clients.length, 3);
    assert.deepEqual(
      log.clients.map((c) => [c.started, c.stopped]),
      [[1, 1], [1, 1], [1, 0]],
      "each restart stops the server before it starts the next",
    );
    await extension.deactivate();
    assert.equal(log.clients[2].stopped, 1);
  });
});
