// A TCP proxy a test can cut: put it between a service and a real server (e.g.
// PostgreSQL) and `cut()` makes that server unreachable for the service for real
// (open connections are reset, new ones refused) without stopping the shared
// server; `restore()` listens again on the same port.
import { createServer, connect, type Server, type Socket } from "node:net";
import { freePort } from "./ports.ts";

export interface TcpProxyOptions {
  readonly targetHost?: string;
  readonly targetPort: number;
  /** Listen port; default a free one. */
  readonly port?: number;
  /** Start cut (the target looks down from the beginning). */
  readonly startCut?: boolean;
}

export interface TcpProxy {
  readonly port: number;
  /** Whether new connections are accepted and forwarded. */
  readonly open: boolean;
  /** Connections accepted since the start. */
  readonly accepted: number;
  /** Stops listening and resets every open connection (both sides). */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy 127.0.0.1:<port> → targetHost:targetPort. */
export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const port = options.port ?? (await freePort());
  const targetHost = options.targetHost ?? "127.0.0.1";
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let accepted = 0;

  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };

  function onConnection(client: Socket): void {
    accepted += 1;
    const upstream = connect({ host: targetHost, port: options.targetPort });
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once("close", () => upstream.destroy());
    upstream.once("close", () => client.destroy());
  }

  async function restore(): Promise<void> {
    if (server !== undefined) return;
    const next = createServer(onConnection);
    await new Promise<void>((resolve, reject) => {
      next.once("error", reject);
      next.listen(port, "127.0.0.1", () => {
        next.off("error", reject);
        resolve();
      });
    });
    server = next;
  }

  async function cut(): Promise<void> {
    const current = server;
    server = undefined;
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
    if (current !== undefined)
      await new Promise<void>((resolve) =>
        current.close(() => {
          resolve();
        }),
      );
  }

  if (options.startCut !== true) await restore();
  return {
    port,
    get open() {
      return server !== undefined;
    },
    get accepted() {
      return accepted;
    },
    cut,
    restore,
    close: cut,
  };
}
