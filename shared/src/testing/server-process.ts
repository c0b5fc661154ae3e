// A server process owned by one test: started detached from the test's stdio, its
// output kept (last lines) for error messages, stopped with SIGTERM then SIGKILL
// after a bounded wait, and killed if the test process exits first, so a failed
// or interrupted run never leaves a JVM or a redis-server behind.
// With GIFMESH_TEST_LOG_DIR set (the fault suite sets it), every process also
// appends its WHOLE output to <dir>/<name>.log, across restarts, so a failed run
// can be read afterwards: the in-memory tail is only for error messages.
import { spawn, type ChildProcess } from "node:child_process";
import {
  closeSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  fstatSync,
  type WriteStream,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The checkout's root (shared/src/testing → ../../..). */
export const REPO_ROOT = join(import.meta.dirname, "../../..");
/** Where the infra scripts keep downloaded jars and built binaries. */
export const CACHE_DIR = process.env.GIFMESH_CACHE ?? join(REPO_ROOT, ".cache");

export interface ServerProcess {
  readonly name: string;
  readonly pid: number | undefined;
  /** The child itself (exit code, signals); prefer stop() to end it. */
  readonly process: ChildProcess;
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

/** The file `<dir>/<name>.log`. */
function logFileName(name: string, dir: string): string {
  return join(dir, `${name.replace(/[^\w.-]/g, "_")}.log`);
}

/** The last `bytes` of a file as text ("" if unreadable). */
function fileTail(path: string, bytes = 64 * 1024): string {
  try {
    const fd = openSync(path, "r");
    try {
      const size = fstatSync(fd).size;
      const length = Math.min(size, bytes);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      return buffer.toString("utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return "";
  }
}

/** An append stream to `<dir>/<name>.log`, or undefined when no log dir is set. */
function openLogFile(name: string, dir = testLogDir()): WriteStream | undefined {
  if (dir === undefined) return undefined;
  mkdirSync(dir, { recursive: true });
  const file = createWriteStream(logFileName(name, dir), { flags: "a" });
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
    /**
     * "direct": the child writes straight into `<logDir>/<name>.log` (no pipe through
     * this process, which matters when this process shares the CPU being measured);
     * output() then reads the file's tail. Needs `logDir`.
     */
    logMode?: "piped" | "direct";
    /** Sees every chunk the child writes (piped mode), e.g. to keep all of stdout. */
    onOutput?: (chunk: Buffer, stream: "stdout" | "stderr") => void;
    /** The whole environment instead of PATH, HOME and TMPDIR plus `env`. */
    inheritEnv?: boolean;
  } = {},
): ServerProcess {
  if (command.includes("/") && !existsSync(command))
    throw new Error(`${name}: ${command} not found; run scripts/infra/install.sh (or up.sh)`);
  const keep = options.keepLines ?? 200;
  const lines: string[] = [];
  const direct = options.logMode === "direct";
  const logDir = options.logDir ?? testLogDir();
  if (direct && logDir === undefined) throw new Error(`${name}: logMode "direct" needs a logDir`);
  let directFile: string | undefined;
  let directFd: number | undefined;
  if (direct && logDir !== undefined) {
    mkdirSync(logDir, { recursive: true });
    directFile = logFileName(name, logDir);
    directFd = openSync(directFile, "a");
  }
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: {
      ...(options.inheritEnv === true ? process.env : {}),
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      // The test run's own temp dir (tests/leak-guard.ts), so a leftover is seen.
      TMPDIR: tmpdir(),
      ...options.env,
    },
    stdio: directFd === undefined ? ["ignore", "pipe", "pipe"] : ["ignore", directFd, directFd],
  });
  // The child holds its own copy of the descriptor.
  if (directFd !== undefined) closeSync(directFd);
  live.add(child);
  killAllOnExit();
  const logFile = direct ? undefined : openLogFile(name, logDir);
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
  const collect =
    (stream: "stdout" | "stderr") =>
    (chunk: Buffer): void => {
      logFile?.write(chunk);
      options.onOutput?.(chunk, stream);
      for (const line of chunk.toString("utf8").split("\n")) if (line !== "") lines.push(line);
      if (lines.length > keep) lines.splice(0, lines.length - keep);
    };
  child.stdout?.on("data", collect("stdout"));
  child.stderr?.on("data", collect("stderr"));
  return {
    name,
    pid: child.pid,
    process: child,
    exited: () => why,
    output: () =>
      directFile === undefined
        ? lines.join("\n")
        : fileTail(directFile).split("\n").filter(Boolean).slice(-keep).join("\n"),
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
