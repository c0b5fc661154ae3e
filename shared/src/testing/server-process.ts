// A server process owned by one test: started detached from the test's stdio, its
// output kept (last lines) for error messages, stopped with SIGTERM then SIGKILL
// after a bounded wait, and killed if the test process exits first, so a failed
// or interrupted run never leaves a JVM or a redis-server behind.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** The checkout's root (shared/src/testing → ../../..). */
export const REPO_ROOT = join(import.meta.dirname, "../../..");
/** Where the infra scripts keep downloaded jars and built binaries. */
export const CACHE_DIR = process.env.GIFMESH_CACHE ?? join(REPO_ROOT, ".cache");

export interface ServerProcess {
  readonly name: string;
  readonly pid: number | undefined;
  /** Undefined while running; else why it stopped (exit code or signal). */
  exited(): string | undefined;
  /** The last lines the process wrote (stdout and stderr). */
  output(): string;
  /** SIGTERM, wait up to `graceMs` (default 20 s), then SIGKILL. Resolves once it exited. */
  stop(options?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

/** Starts `command` with `args`; `env` is added to a minimal environment (PATH, HOME). */
export function startServerProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; keepLines?: number } = {},
): ServerProcess {
  if (command.includes("/") && !existsSync(command))
    throw new Error(`${name}: ${command} not found; run scripts/infra/install.sh (or up.sh)`);
  const keep = options.keepLines ?? 200;
  const lines: string[] = [];
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  killAllOnExit();
  let why: string | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      why = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
      live.delete(child);
      resolve();
    });
    child.once("error", (error) => {
      why = error.message;
      live.delete(child);
      resolve();
    });
  });
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString("utf8").split("\n")) if (line !== "") lines.push(line);
    if (lines.length > keep) lines.splice(0, lines.length - keep);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  return {
    name,
    pid: child.pid,
    exited: () => why,
    output: () => lines.join("\n"),
    async stop(stopOptions = {}) {
      if (why !== undefined || child.exitCode !== null || child.signalCode !== null) return;
      child.kill(stopOptions.signal ?? "SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), stopOptions.graceMs ?? 20_000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}

/** An Error whose message ends with the process's last output lines. */
export function withOutput(server: ServerProcess, error: unknown, lines = 30): Error {
  const tail = server.output().split("\n").slice(-lines).join("\n");
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`${message}\n--- last output of ${server.name} ---\n${tail}`, { cause: error });
}
