// A server process owned by one test: started detached from the test's stdio, its
// output kept (last lines) for error messages, stopped with SIGTERM then SIGKILL
// after a bounded wait, and killed if the test process exits first, so a failed
// or interrupted run never leaves a JVM or a redis-server behind.
// With GIFMESH_TEST_LOG_DIR set (the fault suite sets it), every process also
// appends its WHOLE output to <dir>/<name>.log, across restarts, so a failed run
// can be read afterwards: the in-memory tail is only for error messages.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
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

/** Where whole outputs go, if anywhere (see the header). */
export function testLogDir(): string | undefined {
  const dir = process.env.GIFMESH_TEST_LOG_DIR;
  return dir === undefined || dir === "" ? undefined : dir;
}

/** An append stream to `<dir>/<name>.log`, or undefined when no log dir is set. */
function openLogFile(name: string, dir = testLogDir()): WriteStream | undefined {
  if (dir === undefined) return undefined;
  mkdirSync(dir, { recursive: true });
  const file = createWriteStream(join(dir, `${name.replace(/[^\w.-]/g, "_")}.log`), { flags: "a" });
  file.on("error", () => undefined); // a full disk must not fail the test run
  return file;
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
  options: {
    env?: Record<string, string>;
    cwd?: string;
    keepLines?: number;
    /** Overrides GIFMESH_TEST_LOG_DIR for this process. */
    logDir?: string;
  } = {},
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
      // The test run's own temp dir (tests/leak-guard.ts), so a leftover is seen.
      TMPDIR: tmpdir(),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  killAllOnExit();
  const logFile = openLogFile(name, options.logDir);
  logFile?.write(`--- ${new Date().toISOString()} ${name} started: ${command} ${args.join(" ")}\n`);
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
  // "close" comes after the last output ("exit" may come before it).
  child.once("close", () =>
    logFile?.end(`--- ${new Date().toISOString()} ${name} ${why ?? "closed"}\n`),
  );
  const collect = (chunk: Buffer): void => {
    logFile?.write(chunk);
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
