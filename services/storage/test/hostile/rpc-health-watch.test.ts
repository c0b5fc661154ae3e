// Storage RPC against callers that hold connections and streams open,
// on a real RPC server on loopback with the real auth gate and health routes:
// - an unauthenticated Health/Watch is refused (only Health/Check is open, for the
//   kubelet), so no one without the token can hold a stream open;
// - an authenticated Watch left open does not keep close() waiting past the grace;
// - a cancelled Watch leaves no waiter behind in the health state;
// - connections are capped, and an idle connection is closed.
import http2 from "node:http2";
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import {
  bearer,
  Health,
  HealthCheckResponse_ServingStatus as Serving,
} from "@gifmesh/shared/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { createHealthState, healthRoutes } from "../../src/transport/rpc/health.ts";
import { createRpcAuthGate, UNAUTHENTICATED_CODE } from "../../src/transport/rpc/rpc-auth.ts";
import { startRpcServer, type RpcServerOptions } from "../../src/transport/rpc/rpc-server.ts";

const TOKEN = "test-token-0123456789abcdef";
const withToken: Interceptor = (next) => (req) => {
  req.header.set("authorization", bearer(TOKEN));
  return next(req);
};

const health = createHealthState(true);
const servers: { close(): Promise<void> }[] = [];

async function server(extra: Partial<RpcServerOptions> = {}) {
  const rpc = await startRpcServer({
    host: "127.0.0.1",
    port: 0,
    readMaxBytes: 1024 * 1024,
    requestGate: createRpcAuthGate(TOKEN),
    routes: healthRoutes(health),
    ...extra,
  });
  servers.push(rpc);
  return rpc;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Opens a Watch and waits for its first answer; the stream then stays open. */
async function openWatch(url: string, signal: AbortSignal): Promise<void> {
  const client = createClient(
    Health,
    createGrpcTransport({ baseUrl: url, interceptors: [withToken] }),
  );
  const answers = client.watch({}, { signal })[Symbol.asyncIterator]();
  const first = await answers.next();
  expect(first.done ? undefined : first.value.status).toBe(Serving.SERVING);
  // Keep reading in the background so the stream is live, not merely buffered.
  void (async () => {
    for (;;) if ((await answers.next().catch(() => ({ done: true }))).done) return;
  })();
}

describe("health without the token", () => {
  it("Check answers; Watch is refused unauthenticated", async () => {
    const rpc = await server();
    const client = createClient(Health, createGrpcTransport({ baseUrl: rpc.url }));
    expect((await client.check({})).status).toBe(Serving.SERVING);
    const error = await (async () => {
      try {
        for await (const _answer of client.watch({})) return undefined;
      } catch (e) {
        return ConnectError.from(e);
      }
      return undefined;
    })();
    expect(error?.code).toBe(Code.Unauthenticated);
    expect(error?.metadata.get("gifmesh-error-code")).toBe(UNAUTHENTICATED_CODE);
  });
});

describe("close()", () => {
  it("does not wait past the grace for an open authenticated Watch", async () => {
    const rpc = await server({ closeGraceMs: 300 });
    const watch = new AbortController();
    try {
      await openWatch(rpc.url, watch.signal);
      const started = performance.now();
      const outcome = await Promise.race([
        rpc.close().then(() => "closed"),
        new Promise((resolve) => setTimeout(resolve, 3_000, "still open after 3 s")),
      ]);
      expect(outcome).toBe("closed");
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      watch.abort();
    }
  });
});

describe("health state", () => {
  it("a cancelled Watch leaves no waiter behind", async () => {
    const rpc = await server();
    const before = health.waiting();
    for (let i = 0; i < 20; i++) {
      const watch = new AbortController();
      await openWatch(rpc.url, watch.signal);
      watch.abort();
    }
    // The server sees each cancel a moment later.
    const deadline = Date.now() + 2_000;
    while (health.waiting() > before && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(health.waiting()).toBe(before);
  });
});

describe("connections", () => {
  /** Resolves "open" if a session answers a ping, "refused" if it is closed first. */
  const tryConnect = (url: string) =>
    new Promise<{ outcome: string; session: http2.ClientHttp2Session }>((resolve) => {
      const session = http2.connect(url);
      session.on("error", () => undefined);
      session.once("close", () => {
        resolve({ outcome: "refused", session });
      });
      session.once("connect", () => {
        session.ping(() => {
          resolve({ outcome: "open", session });
        });
      });
    });

  it("are capped at maxConnections", async () => {
    const rpc = await server({ maxConnections: 2 });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await tryConnect(rpc.url));
    try {
      expect(results.map((r) => r.outcome)).toEqual(["open", "open", "refused"]);
    } finally {
      for (const { session } of results) session.destroy();
    }
  });

  it("an idle one is closed", async () => {
    const rpc = await server({ idleTimeoutMs: 200 });
    const { outcome, session } = await tryConnect(rpc.url);
    expect(outcome).toBe("open");
    const closed = await Promise.race([
      new Promise((resolve) =>
        session.once("close", () => {
          resolve(true);
        }),
      ),
      new Promise((resolve) => setTimeout(resolve, 3_000, false)),
    ]);
    session.destroy();
    expect(closed).toBe(true);
  });
});
