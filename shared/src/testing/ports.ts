// Loopback ports for private test servers: a free port to bind, and a bounded wait
// until something accepts connections on one (failing early, with the server's log,
// when the process that should listen has already died).
import { connect, createServer, type AddressInfo } from "node:net";
import { waitFor } from "./wait-for.ts";

/**
 * A TCP port that was free on 127.0.0.1 a moment ago. Another process may take it
 * before the caller binds it; the private servers fail loudly if that happens.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

/** True when a TCP connection to host:port succeeds within `timeoutMs`. */
export function tcpOpen(port: number, host = "127.0.0.1", timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host, timeout: timeoutMs });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.once("connect", () => {
      done(true);
    });
    socket.once("timeout", () => {
      done(false);
    });
    socket.once("error", () => {
      done(false);
    });
  });
}

export interface WaitForPortOptions {
  readonly host?: string;
  readonly timeoutMs?: number;
  /** What is starting, for the error message. */
  readonly name?: string;
  /** Returns a reason when waiting is pointless (the server process exited). */
  readonly failFast?: () => string | undefined;
}

/** Resolves once host:port accepts TCP connections; rejects after `timeoutMs` (default 30 s). */
export async function waitForPort(port: number, options: WaitForPortOptions = {}): Promise<void> {
  const host = options.host ?? "127.0.0.1";
  const name = options.name ?? `port ${port}`;
  await waitFor(`${name} listening on ${host}:${port}`, () => tcpOpen(port, host), {
    timeoutMs: options.timeoutMs ?? 30_000,
    failFast: options.failFast,
  });
}
