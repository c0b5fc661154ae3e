// The life of a private server that a test starts, stops (to fake an outage),
// restarts on the same port and data, and finally closes: one implementation for
// Kafka, Redis and versitygw, which differ only in how they launch and get ready.
// Its data dir goes with it: on close(), at the end of the test file even if the
// test never got to close() (cleanup.ts), when the first start fails, and when the
// test process exits first.
import { rmSync } from "node:fs";
import { deferCleanup } from "./cleanup.ts";
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

const liveDirs = new Set<string>();
let exitHookInstalled = false;
const removeDir = (dir: string) => {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
};
/** On exit, server-process.ts SIGKILLs the servers; their files go too. */
function removeDirsOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const dir of liveDirs) removeDir(dir);
  });
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
  // Tracked from the first start on: the test process may exit during a slow start.
  liveDirs.add(options.dataDir);
  removeDirsOnExit();
  try {
    await start();
  } catch (error) {
    removeDir(options.dataDir);
    liveDirs.delete(options.dataDir);
    throw error;
  }
  const close = deferCleanup(`private server (${options.dataDir})`, async () => {
    await stop();
    removeDir(options.dataDir);
    liveDirs.delete(options.dataDir);
  });
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
    close,
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
