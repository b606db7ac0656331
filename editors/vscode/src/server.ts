// What the extension decides without VS Code: which command runs the language server, with
// which arguments, and what to tell the user when it cannot be found. Nothing here imports
// `vscode` (only types), so node's test runner tests it directly (src/test/server.test.ts).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Executable } from "vscode-languageclient/node";

/** The settings the server's command is built from, as read from `juris.*`. */
export interface Settings {
  /** `juris.path`: a command on PATH or a path to the binary. */
  path?: unknown;
  /** `juris.extraArgs`: arguments before `lsp`. */
  extraArgs?: unknown;
}

/** The default of `juris.path`. */
export const DEFAULT_COMMAND = "juris";

/** Settings whose change restarts the server (the client follows `juris.trace.server`). */
export const RESTART_SETTINGS: readonly string[] = ["juris.path", "juris.extraArgs"];

/** How to install the binary, shown when it is missing. */
export const INSTALL_HINT =
  "Install it from a checkout of Juris with `cargo install --path . --locked`, " +
  "or set `juris.path` to the binary.";

/** The command and the arguments that start `juris lsp`. */
export interface ServerCommand {
  command: string;
  args: string[];
}

/**
 * The command and arguments from the settings. `juris.path` may be empty (the default
 * `juris`), start with `~` (the home directory), be relative with a separator (resolved
 * against the first workspace folder, else kept as is), or be a bare name (found on PATH
 * when started). `juris.extraArgs` keeps only strings; `lsp` always comes last.
 */
export function serverCommand(
  settings: Settings,
  workspaceFolder?: string,
  home: string = os.homedir(),
): ServerCommand {
  let command =
    typeof settings.path === "string" && settings.path.trim() !== ""
      ? settings.path.trim()
      : DEFAULT_COMMAND;
  if (command === "~" || command.startsWith("~/") || command.startsWith("~\\")) {
    command = path.join(home, command.slice(1));
  } else if (!path.isAbsolute(command) && hasSeparator(command) && workspaceFolder) {
    command = path.resolve(workspaceFolder, command);
  }
  const extra = Array.isArray(settings.extraArgs)
    ? settings.extraArgs.filter((a): a is string => typeof a === "string")
    : [];
  return { command, args: [...extra, "lsp"] };
}

function hasSeparator(command: string): boolean {
  return command.includes("/") || command.includes("\\");
}

/** The language client's server options: the command over stdio (the default transport). */
export function serverOptions(cmd: ServerCommand, cwd?: string): Executable {
  const options: Executable = { command: cmd.command, args: [...cmd.args] };
  if (cwd) {
    options.options = { cwd };
  }
  return options;
}

/**
 * Where `command` is, as the operating system would find it: a path with a separator is
 * taken as it is; a bare name is looked up in each directory of PATH (with PATHEXT's
 * extensions on Windows). `undefined` when there is no such executable file.
 */
export function findExecutable(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const windows = platform === "win32";
  const extensions = windows
    ? ["", ...(env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").filter((e) => e !== "")]
    : [""];
  const candidates = (dir: string) => extensions.map((ext) => path.join(dir, command + ext));
  if (path.isAbsolute(command) || hasSeparator(command)) {
    return candidates("").find((c) => isExecutable(c, windows));
  }
  const pathVar = env.PATH ?? env.Path ?? "";
  const sep = windows ? ";" : path.delimiter;
  for (const dir of pathVar.split(sep)) {
    if (dir === "") {
      continue;
    }
    const found = candidates(dir).find((c) => isExecutable(c, windows));
    if (found) {
      return found;
    }
  }
  return undefined;
}

function isExecutable(file: string, windows: boolean): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    if (!windows) {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** What the user is told when the binary cannot be found. */
export function notFoundMessage(cmd: ServerCommand, configured: boolean): string {
  const where = configured
    ? `\`juris.path\` is \`${cmd.command}\`, which is not an executable file.`
    : `\`${cmd.command}\` is not on your PATH.`;
  return `Juris: cannot start the language server (\`${[cmd.command, ...cmd.args].join(" ")}\`): ${where} ${INSTALL_HINT}`;
}

/** Whether a configuration change (as `affectsConfiguration`) needs the server restarted. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return RESTART_SETTINGS.some((s) => affects(s));
}

/** The documents the server is for: Juris files on disk (the server reads their siblings). */
export const DOCUMENT_SELECTOR = [{ scheme: "file", language: "juris" }];
