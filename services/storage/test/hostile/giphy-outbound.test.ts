// The Giphy client against hostile servers standing in for Giphy (a node:http
// server on loopback; the Giphy fixture for the honest answer):
// - an endless body, a declared huge Content-Length and a gzip bomb are cut at the
//   cap (GIPHY.BAD_RESPONSE, counted by the breaker) after reading little more than
//   the cap, not the whole body;
// - a redirect is never followed (not to http, not anywhere): GIPHY.BAD_RESPONSE,
//   and the redirect's target is never asked;
// - answers under the cap that cost seconds to parse (millions of `{}` items,
//   millions of nested arrays) are refused quickly, before per-item parsing
//   or JSON.parse, and full 8 MiB shapes of them are over the default cap;
// - an honest page well under the cap is still served.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { createFixtureServer } from "@gifmesh/giphy-fixture";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCircuitBreaker } from "../../src/infrastructure/giphy/circuit-breaker.ts";
import { createGiphyClient } from "../../src/infrastructure/giphy/giphy-client.ts";
import { DEFAULT_MAX_RESPONSE_BYTES } from "../../src/infrastructure/giphy/giphy-http.ts";

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

/** Reviewer's shapes (giphy1.ts), by name: `<name>` at 8 MiB, `<name>-small` under 2 MiB. */
const shapes = new Map<string, string>();
const HEAD = '{"meta":{"status":200,"response_id":"x"},"data":';
const NEAR_VALID = '{"id":"a","images":{"original":{"url":"x"}}},';
function shapeOf(name: string, bytes: number): string {
  switch (name) {
    case "deepArrays": {
      const depth = Math.floor(bytes / 2);
      return `${HEAD}${"[".repeat(depth)}${"]".repeat(depth)}}`;
    }
    case "manyEmptyObjects":
      return `${HEAD}[${"{},".repeat(Math.floor(bytes / 3))}{}]}`;
    case "manyZeros":
      return `${HEAD}[${"0,".repeat(Math.floor(bytes / 2))}0]}`;
    default:
      return `${HEAD}[${NEAR_VALID.repeat(Math.floor(bytes / NEAR_VALID.length))}{}]}`;
  }
}
const SHAPES = ["deepArrays", "manyEmptyObjects", "manyZeros", "nearValidGifs"] as const;
for (const name of SHAPES) {
  shapes.set(name, shapeOf(name, 8_000_000));
  shapes.set(`${name}-small`, shapeOf(name, 2_000_000 - 200));
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
    case "shape": {
      const body = shapes.get(path.split("/")[2] ?? "");
      if (body === undefined) break;
      res.writeHead(200, { "content-type": "application/json" }).end(body);
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
    "%s: GIPHY.BAD_RESPONSE, not retried, and not a breaker failure (docs/giphy-api.md)",
    async (route) => {
      const { giphy, breaker } = client(route);
      const before = hits.length;
      for (let i = 0; i < 2; i++)
        await expect(giphy.search(params)).rejects.toMatchObject({
          code: "GIPHY.BAD_RESPONSE",
          message: expect.stringContaining(`larger than ${CAP} bytes`) as unknown,
        });
      expect(hits.length - before).toBe(2); // one attempt per call: the same answer would come again
      // The breaker counts timeouts, network errors, 5xx and 429 only.
      expect(breaker.state()).toBe("closed");
    },
  );

  it("the endless body is cut after little more than the cap", async () => {
    await expect(client("endless").giphy.search(params)).rejects.toThrow();
    // Socket buffers on both sides hold a few MiB at most; the body is 100 MiB.
    expect(written.get("endless") ?? 0).toBeLessThan(16 * 1024 * 1024);
  });
});

describe("answers cheap to send and costly to parse", () => {
  /** The default cap, no retries: each refusal is one request. */
  const plain = (name: string) =>
    createGiphyClient({
      baseUrl: `${base}shape/${name}/v1/`,
      apiKey: "k",
      timeoutMs: 10_000,
      retries: 0,
    });
  const timed = async (call: Promise<unknown>) => {
    const started = performance.now();
    const error = await call.then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string },
    );
    return { error, ms: performance.now() - started };
  };

  it.each(SHAPES)(
    "%s at 8 MiB (the reviewer's) is over the default cap",
    async (name) => {
      const { error, ms } = await timed(plain(name).search(params));
      expect(error?.code).toBe("GIPHY.BAD_RESPONSE");
      expect(error?.message).toContain("larger than");
      expect(ms).toBeLessThan(1_000);
    },
    60_000,
  );

  it.each(SHAPES)(
    "%s under the default cap is refused quickly",
    async (name) => {
      expect(shapes.get(`${name}-small`)?.length).toBeLessThan(DEFAULT_MAX_RESPONSE_BYTES);
      const { error, ms } = await timed(plain(`${name}-small`).search(params));
      expect(error?.code).toBe("GIPHY.BAD_RESPONSE");
      expect(error?.message).toMatch(
        name === "deepArrays" ? /nested deeper than/ : /endpoint's shape/,
      );
      // The old code spent 1-5 s here (per-item zod parsing); the refusal is milliseconds.
      expect(ms).toBeLessThan(1_000);
    },
    60_000,
  );

  it("a list longer than the requested limit is refused; within it, it is served", async () => {
    const fixture = await createFixtureServer({ port: 0 });
    try {
      const page = await fetch(
        `${fixture.baseUrl}gifs/trending?api_key=${fixture.apiKey}&limit=50`,
      );
      shapes.set("honest50", await page.text());
    } finally {
      await fixture.close();
    }
    const giphy = plain("honest50");
    const refused = await timed(giphy.trending({ limit: 10, offset: 0, rating: undefined }));
    expect(refused.error?.code).toBe("GIPHY.BAD_RESPONSE");
    expect((await giphy.trending({ limit: 50, offset: 0, rating: undefined })).gifs).toHaveLength(
      50,
    );
    expect((await giphy.trending({ limit: 46, offset: 0, rating: undefined })).gifs).toHaveLength(
      50,
    ); // a little slack: Giphy's count is not always exact
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
