// The Juris extension: starts `juris lsp` over stdio for Juris files, restarts it when
// `juris.path` or `juris.extraArgs` change or on "Juris: Restart language server", and says
// how to install the binary when it is missing. What needs no VS Code is in ./server.ts.

import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions } from "vscode-languageclient/node";
import {
  DOCUMENT_SELECTOR,
  findExecutable,
  needsRestart,
  notFoundMessage,
  serverCommand,
  serverOptions,
} from "./server";

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;
/** Serialises starts and stops, so that a restart never overlaps another. */
let pending: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("Juris", { log: true });
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("juris.restartServer", () => restart()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (needsRestart((s) => e.affectsConfiguration(s))) {
        void restart();
      }
    }),
  );
  return restart();
}

export function deactivate(): Promise<void> {
  return enqueue(stop);
}

function restart(): Promise<void> {
  return enqueue(async () => {
    await stop();
    await start();
  });
}

function enqueue(task: () => Promise<void>): Promise<void> {
  pending = pending.then(task, task);
  return pending;
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (err) {
      output?.warn(`stopping the server: ${String(err)}`);
    }
    await running.dispose();
  }
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration("juris");
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const cmd = serverCommand(
    { path: config.get("path"), extraArgs: config.get("extraArgs") },
    folder,
  );
  const found = findExecutable(cmd.command);
  if (!found) {
    const configured = config.inspect<string>("path");
    const isSet =
      configured?.globalValue !== undefined ||
      configured?.workspaceValue !== undefined ||
      configured?.workspaceFolderValue !== undefined;
    const message = notFoundMessage(cmd, isSet);
    output?.error(message);
    const choice = await vscode.window.showErrorMessage(message, "Open Settings");
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "juris.path");
    }
    return;
  }
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
  };
  const exe = serverOptions({ command: found, args: cmd.args }, folder);
  client = new LanguageClient("juris", "Juris", { run: exe, debug: exe }, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const message = `Juris: the language server (${found}) did not start: ${String(err)}`;
    output?.error(message);
    void vscode.window.showErrorMessage(message);
  }
}
