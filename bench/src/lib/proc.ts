// Child processes for the benchmarks: every server and load generator runs in its
// own process (the machine has 2 cores; a client in the server's process would
// steal its event loop), with its output written straight into a log file of the
// run directory (no pipe through this process). Built on startServerProcess of
// @gifmesh/shared/testing, which also kills them if this process exits first.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { answersOk, startServerProcess, waitFor } from "@gifmesh/shared/testing";

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Resolves with the exit code once the process ended. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** A port the kernel says is free right now (shared with the tests). */
export { freePort } from "@gifmesh/shared/testing";

export interface SpawnOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Directory for `<name>.log`; stdout and stderr go there. */
  readonly logDir: string;
  readonly cwd?: string;
}

/** Starts `command` with this process's environment plus `env`. */
export function spawnChild(options: SpawnOptions): Child {
  const env = Object.fromEntries(
    Object.entries(options.env ?? {}).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  const server = startServerProcess(options.name, options.command, options.args, {
    env,
    inheritEnv: true,
    logDir: options.logDir,
    logMode: "direct",
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  const child = server.process;
  if (child.pid === undefined) throw new Error(`could not start ${options.name}`);
  return {
    name: options.name,
    pid: child.pid,
    process: child,
    exited: childExit(child),
    stop: (graceMs = 8_000) => server.stop({ graceMs }),
  };
}

/** The exit code of `child` once it ended (null after a signal). */
export function childExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else
      child.once("exit", (code) => {
        resolve(code);
      });
  });
}

/** A Node child running one of this package's scripts (or a service's main.ts). */
export function spawnNode(
  options: Omit<SpawnOptions, "command" | "args"> & { script: string; nodeArgs?: string[] },
): Child {
  return spawnChild({
    ...options,
    command: process.execPath,
    args: [...(options.nodeArgs ?? []), options.script],
  });
}

/** Polls `url` until it answers 2xx; fails early if the child exits. */
export async function waitReady(url: string, child: Child, timeoutMs = 90_000): Promise<void> {
  let exited = false;
  void child.exited.then(() => (exited = true));
  await waitFor(`${child.name} ready (${url})`, () => answersOk(url), {
    timeoutMs,
    intervalMs: 250,
    failFast: () => (exited ? "it exited before it was ready (see its log)" : undefined),
  });
}

/** Runs a child to completion and returns its stdout (for the JSON-printing clients). */
export async function runForJson<T>(
  command: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<T> {
  const child = spawn(command, [...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`${args.join(" ")} exited with ${String(code)}`);
  const last = out.trim().split("\n").at(-1) ?? "";
  return JSON.parse(last) as T;
}

/** The `<field>: <n> kB` line of /proc/<pid>/<file>, in KiB (0 if the process is gone). */
export function procKib(pid: number, file: "status" | "smaps_rollup", field: string): number {
  try {
    const text = readFileSync(`/proc/${String(pid)}/${file}`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
    return match?.[1] === undefined ? 0 : Number(match[1]);
  } catch {
    return 0;
  }
}

/** VmRSS of a process in KiB (0 if it is gone). */
export function rssKib(pid: number): number {
  return procKib(pid, "status", "VmRSS");
}
