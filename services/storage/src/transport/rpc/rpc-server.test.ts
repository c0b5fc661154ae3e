// The RPC server's own rules, on a real HTTP/2 server on port 0 with a stub
// StorageService (no database needed):
// - CORS: only configured origins get an allow-origin header; `*` answers a literal
//   `*`, never the caller's Origin echoed back, and never allows credentials;
// - a call refused before its body was read (over the read limit) leaves no stream
//   behind: the server still closes at once;
// - the HTTP/2 settings advertise bounded streams and header size.
import http2 from "node:http2";
import { StorageService } from "@gifmesh/shared/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { grpcFrame, rawH2 } from "../../../test/hostile/raw-h2.ts";
import { HTTP2_LIMITS, startRpcServer, type RpcServer } from "./rpc-server.ts";

let server: RpcServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(corsOrigins: string[] = []): Promise<RpcServer> {
  server = await startRpcServer({
    host: "127.0.0.1",
    port: 0,
    readMaxBytes: 1024 * 1024,
    corsOrigins,
    routes: (router) => {
      router.service(StorageService, { getArchiveStatus: () => ({}) });
    },
  });
  return server;
}

const PATH = `/${StorageService.typeName}/GetArchiveStatus`;

async function preflight(url: string, origin: string) {
  const raw = rawH2(url);
  try {
    return await raw.request(
      PATH,
      { origin, "access-control-request-method": "POST" },
      new Uint8Array(),
      "OPTIONS",
    );
  } finally {
    await raw.close();
  }
}

describe("CORS", () => {
  it("allows the configured origin only, echoing exactly that one", async () => {
    const { url } = await start(["https://app.example"]);
    const allowed = await preflight(url, "https://app.example");
    expect(allowed.status).toBe(204);
    expect(allowed.headers["access-control-allow-origin"]).toBe("https://app.example");
    expect(allowed.headers["access-control-allow-credentials"]).toBeUndefined();
    const other = await preflight(url, "https://evil.example");
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("`*` answers a literal * and never reflects the caller's Origin", async () => {
    const { url } = await start(["*"]);
    for (const origin of ["https://evil.example", "null", "http://127.0.0.1:1"]) {
      const answer = await preflight(url, origin);
      expect(answer.headers["access-control-allow-origin"], origin).toBe("*");
      expect(answer.headers["access-control-allow-credentials"]).toBeUndefined();
    }
  });
});

describe("refused bodies", () => {
  it("a call refused before its body was read leaves no stream behind (close is prompt)", async () => {
    const { url } = await start();
    const raw = rawH2(url);
    const declared = 40 * 1024 * 1024;
    const answer = await raw.sendUntilAnswered(
      PATH,
      { "content-type": "application/grpc+proto", te: "trailers" },
      grpcFrame(new Uint8Array(), 0, declared).subarray(0, 5),
      declared,
    );
    expect(answer.trailers["grpc-status"]).toBe("8"); // resource_exhausted, trailers intact
    const noAnswer = await raw.sendUntilAnswered(
      PATH,
      { "content-type": "application/proto" },
      new Uint8Array(),
      declared,
    );
    expect(noAnswer.status).toBe(429);
    const closed = Promise.all([raw.close(), server?.close()]).then(() => "closed");
    const timeout = new Promise((resolve) => setTimeout(resolve, 3_000, "still open").unref());
    expect(await Promise.race([closed, timeout])).toBe("closed");
  });
});

describe("HTTP/2 settings", () => {
  it("advertises bounded concurrent streams and header list size", async () => {
    const { url } = await start();
    const session = http2.connect(url);
    try {
      const settings = await new Promise<http2.Settings>((resolve) => {
        session.once("remoteSettings", resolve);
      });
      expect(settings.maxConcurrentStreams).toBe(HTTP2_LIMITS.maxConcurrentStreams);
      expect(settings.maxHeaderListSize).toBe(HTTP2_LIMITS.maxHeaderListSize);
    } finally {
      session.close();
    }
  });
});
