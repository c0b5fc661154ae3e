// The life of a private server that a test starts, stops (to fake an outage),
// restarts on the same port and data, and finally closes: one implementation for
// Kafka, Redis and versitygw, which differ only in how they launch and get ready.
import { rmSync } from "node:fs";
import { waitForPort } from "./ports.ts";
import { withOutput, type ServerProcess } from "./server-process.ts";

/** What every private server offers, whatever it serves. */
export interface PrivateServerLife {
  readonly running: boolean;
  /** Starts it again (no-op while running) and waits until it serves. */
  start(): Promise<void>;
  /** SIGTERM by default; `{ signal: "SIGKILL" }` for a crash. */
  stop(options?: { signal?: NodeJS.Signals }): Promise<void>;
  /** stop() then start(): same port, same data. */
  restart(): Promise<void>;
  /** Its last output lines (for failure messages). */
  output(): string;
  /** Stops it and deletes its data. */
  close(): Promise<void>;
}

export interface PrivateServerOptions {
  /** Starts the process and resolves once it serves (it kills the process if not). */
  readonly launch: () => Promise<ServerProcess>;
  /** How long a SIGTERM may take before SIGKILL. */
  readonly graceMs: number;
  /** Deleted on close. */
  readonly dataDir: string;
}

/**
 * Starts the server once and returns `fields` (its address, credentials...) together
 * with its life cycle.
 */
export async function startPrivateServer<T extends object>(
  fields: T,
  options: PrivateServerOptions,
): Promise<T & PrivateServerLife> {
  let server: ServerProcess | undefined;
  const isRunning = () => server !== undefined && server.exited() === undefined;
  const start = async (): Promise<void> => {
    if (!isRunning()) server = await options.launch();
  };
  const stop = async (stopOptions: { signal?: NodeJS.Signals } = {}): Promise<void> => {
    await server?.stop({ ...stopOptions, graceMs: options.graceMs });
  };
  await start();
  const life: PrivateServerLife = {
    get running() {
      return isRunning();
    },
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    output: () => server?.output() ?? "",
    async close() {
      await stop();
      rmSync(options.dataDir, { recursive: true, force: true });
    },
  };
  return Object.assign(life, fields);
}

/** Resolves once `server` accepts connections on `port`; kills it and throws otherwise. */
export async function untilListening(
  server: ServerProcess,
  port: number,
  timeoutMs = 15_000,
): Promise<ServerProcess> {
  try {
    await waitForPort(port, { name: server.name, timeoutMs, failFast: () => server.exited() });
    return server;
  } catch (error) {
    await server.stop({ signal: "SIGKILL" });
    throw withOutput(server, error);
  }
}
