// Graceful close of an HTTP/1.1 server that keeps idle connections for a minute
// (server-options.ts). `server.close()` stops accepting and closes the connections
// that are idle right now, but then waits for every other connection to go idle AND
// time out: a connection whose response finishes after close() would hold shutdown
// for the whole keep-alive timeout. So the connections are closed as they go idle.
import type { Server } from "node:http";

export interface CloseServerOptions {
  /** How often to close connections that went idle meanwhile; default 50 ms. */
  readonly sweepMs?: number;
}

/**
 * Stops accepting, lets in-flight requests finish, closes each connection once it is
 * idle, and resolves when the last one is gone. Bound it with the shutdown deadline.
 */
export function closeServer(server: Server, options: CloseServerOptions = {}): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const sweep = setInterval(() => {
      server.closeIdleConnections();
    }, options.sweepMs ?? 50);
    server.close((error) => {
      clearInterval(sweep);
      // Already closed counts as closed: closing is idempotent for callers.
      if (error && (error as NodeJS.ErrnoException).code !== "ERR_SERVER_NOT_RUNNING")
        reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
