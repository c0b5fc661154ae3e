// The RPC server: one HTTP/2 port for gRPC, gRPC-Web and Connect. Plain h2c by
// default; with a certificate and key it is TLS with HTTP/1.1 allowed, and answers
// CORS preflights for the configured origins, so browsers can call it directly.
//
// It is bounded before any handler runs: a request gate (rpc-auth.ts) refuses
// unauthenticated calls before their body is read; `readMaxBytes` refuses a message
// larger than the limit as soon as its declared length (Content-Length, or the
// gRPC/gRPC-Web frame prefix) or the bytes counted so far exceed it, instead of
// connect-es's default of 4 GiB allocated from whatever length the client declares;
// and the HTTP/2 settings cap streams per connection and header size. Connections
// are capped in number (maxConnections) and closed when idle, and close() gives
// open calls a short grace and then destroys what is left: a server-streaming call
// (health Watch) lasts as long as its client wants, and a graceful HTTP/2 close
// alone would wait for it forever, holding up the rest of storage's shutdown.
import { readFileSync } from "node:fs";
import http2 from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import {
  cors as connectCors,
  type ConnectRouter,
  type HandlerContext,
  type Interceptor,
} from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { STORAGE_RPC_AUTH_HEADER } from "@gifmesh/shared/contracts";

/**
 * HTTP/2 limits. Node allows 2^32-1 concurrent streams per connection by default;
 * 256 is far above what one gateway needs (its RPC pool is the database pool, 10) and
 * a client over the limit waits for a free stream rather than failing. Headers are a
 * few hundred bytes (traceparent, baggage ≤ 8 KiB, the token). maxSessionMemory
 * (Node's default, 10 MB) bounds what one connection may buffer.
 */
export const HTTP2_LIMITS = {
  maxConcurrentStreams: 256,
  maxHeaderListSize: 16 * 1024,
  maxSessionMemoryMb: 10,
} as const;

export interface RpcServerOptions {
  readonly host: string;
  readonly port: number;
  readonly routes: (router: ConnectRouter) => void;
  readonly interceptors?: readonly Interceptor[];
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly corsOrigins?: readonly string[];
  /** Largest request message, in bytes (after decompression). */
  readonly readMaxBytes: number;
  /** Runs before a call's body is read (authentication); throw a ConnectError to refuse. */
  readonly requestGate?: (context: HandlerContext) => void | Promise<void>;
  /** Most TCP connections open at once; more are refused at accept. Default 1024. */
  readonly maxConnections?: number;
  /** A connection with no traffic for this long is closed (GOAWAY). Default 5 min. */
  readonly idleTimeoutMs?: number;
  /** How long close() lets open calls finish before it destroys their connections. Default 2 s. */
  readonly closeGraceMs?: number;
}

export const RPC_SERVER_DEFAULTS = {
  maxConnections: 1024,
  idleTimeoutMs: 5 * 60_000,
  closeGraceMs: 2_000,
} as const;

export interface RpcServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

type Req = http2.Http2ServerRequest;
type Res = http2.Http2ServerResponse;

/**
 * CORS for the configured origins only. `*` answers with a literal `*` (never the
 * caller's Origin echoed back) and no origin is ever allowed credentials, so a
 * wildcard cannot turn into "any site, with the user's cookies".
 */
function withCors(handler: (req: Req, res: Res) => void, origins: readonly string[]) {
  const allowed = new Set(origins);
  const any = allowed.has("*");
  return (req: Req, res: Res): void => {
    const origin = req.headers.origin;
    res.setHeader("vary", "origin");
    if (typeof origin === "string" && (any || allowed.has(origin))) {
      res.setHeader("access-control-allow-origin", any ? "*" : origin);
      res.setHeader(
        "access-control-expose-headers",
        [...connectCors.exposedHeaders, "gifmesh-error-code", "gifmesh-error-field"].join(", "),
      );
      if (req.method === "OPTIONS") {
        res.setHeader("access-control-allow-methods", connectCors.allowedMethods.join(", "));
        res.setHeader(
          "access-control-allow-headers",
          [
            ...connectCors.allowedHeaders,
            "traceparent",
            "tracestate",
            STORAGE_RPC_AUTH_HEADER,
          ].join(", "),
        );
        res.setHeader("access-control-max-age", "7200");
        res.writeHead(204).end();
        return;
      }
    }
    handler(req, res);
  };
}

/**
 * Ends a call that was answered before its body was read. connect-es stops reading
 * when it refuses a call (over the limit, unauthenticated), and Node then keeps the
 * stream, with its unread bytes, forever, which also holds the session open when the
 * server closes. Once the answer's trailers are queued (Node's compat response always
 * ends with them), RST_STREAM NO_ERROR tells the client to stop sending (RFC 9113
 * §8.1), queued behind the trailers, and the stream is freed on the next turn.
 */
function endUnreadBodies(handler: (req: Req, res: Res) => void) {
  return (req: Req, res: Res): void => {
    // HTTP/1.1 requests (TLS with allowHTTP1) have no HTTP/2 stream.
    const stream = (req as Partial<Req>).stream;
    // Registered after the compat response's own listener, which sends the trailers.
    stream?.once("wantTrailers", () => {
      setImmediate(() => {
        if (req.readableEnded || stream.destroyed) return;
        if (!stream.closed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
        setImmediate(() => stream.destroy());
      });
    });
    handler(req, res);
  };
}

export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const adapter = connectNodeAdapter({
    routes: options.routes,
    interceptors: [...(options.interceptors ?? [])],
    readMaxBytes: options.readMaxBytes,
    ...(options.requestGate ? { requestGate: options.requestGate } : {}),
  });
  const limits = {
    maxSessionMemory: HTTP2_LIMITS.maxSessionMemoryMb,
    settings: {
      maxConcurrentStreams: HTTP2_LIMITS.maxConcurrentStreams,
      maxHeaderListSize: HTTP2_LIMITS.maxHeaderListSize,
    },
  };
  const bounded = endUnreadBodies(adapter);
  const handler =
    (options.corsOrigins?.length ?? 0) > 0 ? withCors(bounded, options.corsOrigins ?? []) : bounded;
  const server = options.tls
    ? http2.createSecureServer(
        {
          cert: readFileSync(options.tls.certFile),
          key: readFileSync(options.tls.keyFile),
          allowHTTP1: true,
          ...limits,
        },
        handler,
      )
    : http2.createServer(limits, handler);
  server.maxConnections = options.maxConnections ?? RPC_SERVER_DEFAULTS.maxConnections;
  // A session idle this long gets a GOAWAY (Node's default would destroy it, racing a
  // request the client may be starting); clients reconnect when they need to.
  server.setTimeout(options.idleTimeoutMs ?? RPC_SERVER_DEFAULTS.idleTimeoutMs);
  server.on("timeout", (session: http2.ServerHttp2Session) => {
    session.close();
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  // Raw sockets too: with TLS, an HTTP/1.1 connection or an unfinished handshake has
  // no session, and server.close() waits for it all the same.
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  const graceMs = options.closeGraceMs ?? RPC_SERVER_DEFAULTS.closeGraceMs;
  let closing: Promise<void> | undefined;
  return {
    url: `${options.tls ? "https" : "http"}://${host}:${port}`,
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        // Whatever is still open after the grace (a Watch, a stuck client) is cut:
        // destroying a session aborts its handlers' signals.
        const cut = setTimeout(() => {
          for (const session of sessions) session.destroy();
          for (const socket of sockets) socket.destroy();
        }, graceMs);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        // Let in-flight calls finish: GOAWAY tells clients to open no new streams.
        for (const session of sessions) session.close();
      })),
  };
}
