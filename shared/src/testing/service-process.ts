// A gifmesh service run by a test the way production runs it: `node
// services/<svc>/src/main.ts` as a child process, configured only through its
// environment, its output kept for failure messages, ready once its admin /readyz
// answers (or a log line or a port says so), and stopped with SIGTERM, then SIGKILL
// after a grace. A child a test forgot to stop is stopped at the end of the test
// file (cleanup.ts), and killed if the test process exits first (server-process.ts).
import { isAbsolute, join } from "node:path";
import { deferCleanup } from "./cleanup.ts";
import { tcpOpen } from "./ports.ts";
import { REPO_ROOT, startServerProcess, withOutput, type ServerProcess } from "./server-process.ts";
import { waitFor } from "./wait-for.ts";

/** When a started service counts as ready. */
export type Readiness =
  /** A GET of this URL answers 2xx (an admin /readyz, a fixture's /healthz). */
  | { readonly url: string }
  /** A line of its output matches. */
  | { readonly logLine: RegExp }
  /** It accepts TCP connections on this loopback port. */
  | { readonly port: number }
  /** As soon as it was spawned. */
  | "started";

/** The readiness of a service with an admin server at `adminUrl`. */
export function readyz(adminUrl: string): Readiness {
  return { url: `${adminUrl}/readyz` };
}

export interface ServiceOptions {
  /** For logs, log files and error messages. */
  readonly name: string;
  /** The script node runs, relative to the checkout (or absolute). */
  readonly script: string;
  /** Added to PATH, HOME and TMPDIR (or to the whole environment, `inheritEnv`); undefined values are left out. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly inheritEnv?: boolean;
  /** Node flags before the script, e.g. ["--import", "@gifmesh/shared/tracing/register"]. */
  readonly nodeArgs?: readonly string[];
  /** Default "started". */
  readonly ready?: Readiness;
  /** How long readiness may take; default 60 s (a cold start on 2 cores type-strips a lot). */
  readonly readyTimeoutMs?: number;
  /** SIGTERM to SIGKILL; default 15 s. */
  readonly graceMs?: number;
  /** Keep the whole stdout (the JSON log lines), not only the last lines. */
  readonly keepStdout?: boolean;
  /** Lines of output kept for output(); default 400. */
  readonly keepLines?: number;
  /** Where `<name>.log` goes (default GIFMESH_TEST_LOG_DIR, if set). */
  readonly logDir?: string;
  /** See startServerProcess: "direct" writes the log file without a pipe. */
  readonly logMode?: "piped" | "direct";
}

export interface ServiceProcess extends ServerProcess {
  /** Everything written to stdout (with `keepStdout`; else ""). */
  stdout(): string;
  /** Resolves once the service is ready (see ServiceOptions.ready). */
  ready(): Promise<void>;
}

/** True when `url` answers 2xx within `timeoutMs`. */
export async function answersOk(url: string, timeoutMs = 2_000): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).then(
    async (response) => {
      await response.body?.cancel();
      return response.ok;
    },
    () => false,
  );
}

function definedEnv(env: ServiceOptions["env"] = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** Spawns the service (not waiting for readiness); stopped at the end of the test file at the latest. */
export function startService(options: ServiceOptions): ServiceProcess {
  let stdout = "";
  let partial = "";
  let lineSeen = false;
  const ready = options.ready ?? "started";
  const wantedLine = typeof ready === "object" && "logLine" in ready ? ready.logLine : undefined;
  const script = isAbsolute(options.script) ? options.script : join(REPO_ROOT, options.script);
  const server = startServerProcess(
    options.name,
    process.execPath,
    [...(options.nodeArgs ?? []), script],
    {
      env: definedEnv(options.env),
      inheritEnv: options.inheritEnv,
      keepLines: options.keepLines ?? 400,
      logDir: options.logDir,
      logMode: options.logMode,
      onOutput(chunk, stream) {
        const text = chunk.toString("utf8");
        if (options.keepStdout === true && stream === "stdout") stdout += text;
        if (wantedLine === undefined || lineSeen) return;
        const lines = (partial + text).split("\n");
        partial = lines.pop() ?? "";
        lineSeen = lines.some((line) => wantedLine.test(line));
      },
    },
  );
  const graceMs = options.graceMs ?? 15_000;
  const stopNow = deferCleanup(options.name, () => server.stop({ graceMs }));
  const isReady = async (): Promise<boolean> => {
    if (ready === "started") return true;
    if ("url" in ready) return answersOk(ready.url);
    if ("port" in ready) return tcpOpen(ready.port);
    // Direct log files are not seen chunk by chunk: read their tail instead.
    return lineSeen || (options.logMode === "direct" && ready.logLine.test(server.output()));
  };
  return {
    ...server,
    stdout: () => stdout,
    async stop(stopOptions = {}) {
      await server.stop({ graceMs, ...stopOptions });
      await stopNow();
    },
    async ready() {
      try {
        await waitFor(`${options.name} ready`, isReady, {
          timeoutMs: options.readyTimeoutMs ?? 60_000,
          intervalMs: 150,
          failFast: () => {
            const why = server.exited();
            return why === undefined ? undefined : `exited (${why})`;
          },
        });
      } catch (error) {
        throw withOutput(server, error, 60);
      }
    },
  };
}

/**
 * Spawns the service and resolves once it is ready; if it exits or is not ready in
 * time, stops it and rejects with its last output lines.
 */
export async function spawnService(options: ServiceOptions): Promise<ServiceProcess> {
  const service = startService(options);
  try {
    await service.ready();
  } catch (error) {
    await service.stop();
    throw error;
  }
  return service;
}

/** A service a test stops (or kills) and starts again with the same ports and environment. */
export interface RestartableService {
  readonly name: string;
  /** Its admin origin (/metrics, /readyz); a fixture's own origin. */
  readonly adminUrl: string;
  /** The running (or last) process; throws before the first start. */
  current(): ServiceProcess;
  /** Starts it unless it runs, and waits until it is ready. */
  start(): Promise<void>;
  /** SIGTERM by default; SIGKILL for a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function restartableService(
  options: ServiceOptions & { readonly adminUrl: string },
): RestartableService {
  let child: ServiceProcess | undefined;
  return {
    name: options.name,
    adminUrl: options.adminUrl,
    current() {
      if (child === undefined) throw new Error(`${options.name} not started`);
      return child;
    },
    async start() {
      if (child !== undefined && child.exited() === undefined) return;
      child = await spawnService(options);
    },
    async stop(signal = "SIGTERM") {
      await child?.stop({ signal });
    },
  };
}
