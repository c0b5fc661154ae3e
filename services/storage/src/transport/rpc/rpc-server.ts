// The RPC server: one HTTP/2 port for gRPC, gRPC-Web and Connect. Plain h2c by
// default; with a certificate and key it is TLS with HTTP/1.1 allowed, and answers
// CORS preflights for the configured origins, so browsers can call it directly.
import { readFileSync } from "node:fs";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { cors as connectCors, type ConnectRouter, type Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";

export interface RpcServerOptions {
  readonly host: string;
  readonly port: number;
  readonly routes: (router: ConnectRouter) => void;
  readonly interceptors?: readonly Interceptor[];
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly corsOrigins?: readonly string[];
}

export interface RpcServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

type Req = http2.Http2ServerRequest;
type Res = http2.Http2ServerResponse;

function withCors(handler: (req: Req, res: Res) => void, origins: readonly string[]) {
  const allowed = new Set(origins);
  return (req: Req, res: Res): void => {
    const origin = req.headers.origin;
    if (typeof origin === "string" && (allowed.has(origin) || allowed.has("*"))) {
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("vary", "origin");
      res.setHeader(
        "access-control-expose-headers",
        [...connectCors.exposedHeaders, "gifmesh-error-code", "gifmesh-error-field"].join(", "),
      );
      if (req.method === "OPTIONS") {
        res.setHeader("access-control-allow-methods", connectCors.allowedMethods.join(", "));
        res.setHeader(
          "access-control-allow-headers",
          [...connectCors.allowedHeaders, "traceparent", "tracestate"].join(", "),
        );
        res.setHeader("access-control-max-age", "7200");
        res.writeHead(204).end();
        return;
      }
    }
    handler(req, res);
  };
}

export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const adapter = connectNodeAdapter({
    routes: options.routes,
    interceptors: [...(options.interceptors ?? [])],
  });
  const handler =
    (options.corsOrigins?.length ?? 0) > 0 ? withCors(adapter, options.corsOrigins ?? []) : adapter;
  const server = options.tls
    ? http2.createSecureServer(
        {
          cert: readFileSync(options.tls.certFile),
          key: readFileSync(options.tls.keyFile),
          allowHTTP1: true,
        },
        handler,
      )
    : http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
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
  let closing: Promise<void> | undefined;
  return {
    url: `${options.tls ? "https" : "http"}://${host}:${port}`,
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        // Let in-flight calls finish: GOAWAY tells clients to open no new streams.
        for (const session of sessions) session.close();
      })),
  };
}
