// The command the extension builds starts the real server: `juris lsp` answers `initialize`
// over stdio. It needs a built `juris`: $JURIS_BIN, else target/release or target/debug of
// this checkout; without one it is skipped, and says so. CI sets JURIS_BIN to the juris it built.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { it } from "node:test";
import { findExecutable, serverCommand, serverOptions } from "../server";
import { REPO_DIR } from "./tokenize";

function binary(): string | undefined {
  if (process.env.JURIS_BIN) {
    // Named, it must be there: CI names the one it built.
    assert.ok(fs.existsSync(process.env.JURIS_BIN), `JURIS_BIN=${process.env.JURIS_BIN} does not exist`);
    return process.env.JURIS_BIN;
  }
  const candidates = [
    path.join(REPO_DIR, "target", "release", "juris"),
    path.join(REPO_DIR, "target", "debug", "juris"),
  ];
  return candidates.find((c): c is string => !!c && fs.existsSync(c));
}

const bin = binary();

it(
  "`juris lsp`, started as the extension starts it, answers initialize and shuts down",
  { skip: bin ? false : "no juris binary (set JURIS_BIN or build target/release/juris)", timeout: 30_000 },
  async () => {
    const cmd = serverCommand({ path: bin }, REPO_DIR);
    const found = findExecutable(cmd.command);
    assert.ok(found, cmd.command);
    const exe = serverOptions({ command: found, args: cmd.args }, REPO_DIR);
    const child = spawn(exe.command, exe.args ?? [], { cwd: exe.options?.cwd, stdio: "pipe" });
    const send = (msg: object) => {
      const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...msg }), "utf8");
      child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
      child.stdin.write(body);
    };
    let buffer = Buffer.alloc(0);
    const responses = new Map<number, (r: { result?: unknown; error?: unknown }) => void>();
    child.stdout.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0) return;
        const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())?.[1]);
        if (buffer.length < headerEnd + 4 + length) return;
        const msg = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8"));
        buffer = buffer.subarray(headerEnd + 4 + length);
        if (typeof msg.id === "number" && responses.has(msg.id)) responses.get(msg.id)!(msg);
      }
    });
    const request = (id: number, method: string, params: unknown) =>
      new Promise<{ result?: unknown; error?: unknown }>((resolve) => {
        responses.set(id, resolve);
        send({ id, method, params });
      });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

    const init = await request(1, "initialize", {
      processId: process.pid,
      rootUri: `file://${REPO_DIR}`,
      capabilities: {},
    });
    assert.equal(init.error, undefined);
    const caps = (init.result as { capabilities: Record<string, unknown> }).capabilities;
    assert.ok(caps.hoverProvider, "hover");
    assert.ok(caps.definitionProvider, "definition");
    assert.ok(caps.documentFormattingProvider, "formatting");
    // The code lenses' command, which the client registers from this answer.
    assert.deepEqual((caps.executeCommandProvider as { commands: string[] }).commands, ["juris.runTest"]);
    send({ method: "initialized", params: {} });
    const shutdown = await request(2, "shutdown", null);
    assert.equal(shutdown.error, undefined);
    send({ method: "exit" });
    assert.equal(await exited, 0);
  },
);
