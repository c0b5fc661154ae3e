// The Giphy client against hostile servers standing in for Giphy (a node:http
// server on loopback; the Giphy fixture for the honest answer):
// - an endless body, a declared huge Content-Length and a gzip bomb are cut at the
//   cap (GIPHY.BAD_RESPONSE, counted by the breaker) after reading little more than
//   the cap, not the whole body;
// - a redirect is never followed (not to http, not anywhere): GIPHY.BAD_RESPONSE,
//   and the redirect's target is never asked;
// - an honest page well under the cap is still served.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { createFixtureServer } from "@gifmesh/giphy-fixture";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCircuitBreaker } from "../../src/infrastructure/giphy/circuit-breaker.ts";
import { createGiphyClient } from "../../src/infrastructure/giphy/giphy-client.ts";

const CAP = 256 * 1024;
const params = { query: "cats", limit: 5, offset: 0, rating: undefined, lang: "en" };

let server: Server;
let base: string;
/** Bytes the hostile server managed to hand to the socket, per route. */
const written = new Map<string, number>();
const hits: string[] = [];

function endless(res: ServerResponse, route: string): void {
  const chunk = Buffer.from(`{"data":[${'"x",'.repeat(16_383)}`.slice(0, 64 * 1024));
  let sent = 0;
  const pump = (): void => {
    while (!res.destroyed && sent < 100 * 1024 * 1024) {
      sent += chunk.length;
      written.set(route, sent);
      if (!res.write(chunk)) {
        res.once("drain", pump);
        return;
      }
    }
    res.end();
  };
  res.writeHead(200, { "content-type": "application/json" });
  pump();
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  hits.push(path);
  const route = path.split("/")[1] ?? "";
  res.on("error", () => undefined);
  switch (route) {
    case "endless":
      endless(res, route);
      return;
    case "declared":
      res.writeHead(200, { "content-type": "application/json", "content-length": "104857600" });
      res.write("{");
      return; // never sends the rest: the client must not wait for it
    case "bomb": {
      const body = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(body);
      return;
    }
    case "redirect-http":
      res.writeHead(302, { location: `${base}target/v1/gifs/search` }).end();
      return;
    case "redirect-301":
      res.writeHead(301, { location: "http://169.254.169.254/latest/meta-data/" }).end();
      return;
    default:
      res.writeHead(404).end();
  }
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function client(route: string) {
  const breaker = createCircuitBreaker({
    failureRate: 0.5,
    minimumCalls: 2,
    windowMs: 60_000,
    openMs: 60_000,
    halfOpenCalls: 1,
  });
  const giphy = createGiphyClient({
    baseUrl: `${base}${route}/v1/`,
    apiKey: "k",
    timeoutMs: 10_000,
    retries: 2,
    maxResponseBytes: CAP,
    breaker,
  });
  return { giphy, breaker };
}

describe("Giphy answers larger than the cap", () => {
  it.each(["endless", "declared", "bomb"])(
    "%s: GIPHY.BAD_RESPONSE, not retried, a breaker failure",
    async (route) => {
      const { giphy, breaker } = client(route);
      const before = hits.length;
      for (let i = 0; i < 2; i++)
        await expect(giphy.search(params)).rejects.toMatchObject({
          code: "GIPHY.BAD_RESPONSE",
          message: expect.stringContaining(`larger than ${CAP} bytes`) as unknown,
        });
      expect(hits.length - before).toBe(2); // one attempt per call: the same answer would come again
      expect(breaker.state()).toBe("open");
    },
  );

  it("the endless body is cut after little more than the cap", async () => {
    await expect(client("endless").giphy.search(params)).rejects.toThrow();
    // Socket buffers on both sides hold a few MiB at most; the body is 100 MiB.
    expect(written.get("endless") ?? 0).toBeLessThan(16 * 1024 * 1024);
  });
});

describe("redirects", () => {
  it.each(["redirect-http", "redirect-301"])(
    "%s is not followed: GIPHY.BAD_RESPONSE, target never asked",
    async (route) => {
      await expect(client(route).giphy.search(params)).rejects.toMatchObject({
        code: "GIPHY.BAD_RESPONSE",
        message: expect.stringContaining("not followed") as unknown,
      });
      expect(hits.some((h) => h.startsWith("/target/"))).toBe(false);
    },
  );
});

describe("an honest answer", () => {
  it("a full trending page from the Giphy fixture is well under the default cap and is served", async () => {
    const fixture = await createFixtureServer({ port: 0 });
    try {
      const page = await fetch(
        `${fixture.baseUrl}gifs/trending?api_key=${fixture.apiKey}&limit=50`,
      );
      const bytes = (await page.arrayBuffer()).byteLength;
      expect(bytes).toBeLessThan(1024 * 1024);
      const giphy = createGiphyClient({
        baseUrl: fixture.baseUrl,
        apiKey: fixture.apiKey,
        timeoutMs: 30_000,
        retries: 0,
        maxResponseBytes: bytes + 1,
      });
      expect((await giphy.trending({ limit: 50, offset: 0, rating: undefined })).gifs).toHaveLength(
        50,
      );
    } finally {
      await fixture.close();
    }
  });
});
