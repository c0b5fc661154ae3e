// The downloader against a real loopback HTTP server started here (standing in for
// Giphy's media hosts), opted in by exact host:port like the fixture in production.
import { createServer, type Server } from "node:http";
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
} from "node:net";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf } from "../../test/archive-error-code.ts";
import { createSafeDownloader } from "./safe-downloader.ts";
import { createUrlGuard, type UrlGuardOptions } from "./url-guard.ts";

let server: Server;
let origin: string;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const to = url.searchParams.get("to");
    if (url.pathname === "/ok")
      res.writeHead(200, { "content-type": "image/gif", "content-length": "6" }).end("GIF89a");
    else if (url.pathname === "/redirect" && to !== null)
      res.writeHead(302, { location: to }).end();
    else if (url.pathname.startsWith("/hop/")) {
      const n = Number(url.pathname.slice(5));
      res.writeHead(301, { location: n === 0 ? "/ok" : `/hop/${n - 1}` }).end();
    } else if (url.pathname === "/status")
      res.writeHead(Number(url.searchParams.get("code"))).end("x");
    else if (url.pathname === "/slow") {
      res.writeHead(200, { "content-type": "image/gif" });
      res.write("GIF89a");
      setTimeout(() => res.end(), 2_000).unref();
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    ),
);

function downloader(guard: Partial<UrlGuardOptions> = {}, totalTimeoutMs = 5_000) {
  return createSafeDownloader({
    guard: createUrlGuard({
      allowedHosts: ["media.giphy.com"],
      privateAllowedHosts: [`127.0.0.1:${port}`],
      ...guard,
    }),
    connectTimeoutMs: 2_000,
    totalTimeoutMs,
    maxRedirects: 3,
  });
}

const signal = new AbortController().signal;

describe("safe downloader", () => {
  it("downloads from an opted-in host:port and reports the declared headers", async () => {
    const result = await downloader().download(`${origin}/ok`, signal);
    expect(result.contentType).toBe("image/gif");
    expect(result.contentLength).toBe(6);
    expect(await text(result.body)).toBe("GIF89a");
  });

  it("follows redirects up to the limit, re-checking each hop", async () => {
    expect(await text((await downloader().download(`${origin}/hop/2`, signal)).body)).toBe(
      "GIF89a",
    );
    expect(await codeOf(downloader().download(`${origin}/hop/3`, signal))).toBe(
      "ARCHIVE.TOO_MANY_REDIRECTS",
    );
  });

  it.each([
    ["/missing", "ARCHIVE.NOT_FOUND"],
    ["/status?code=503", "ARCHIVE.UPSTREAM_ERROR"],
    ["/status?code=429", "ARCHIVE.UPSTREAM_ERROR"],
    ["/status?code=403", "ARCHIVE.UPSTREAM_REJECTED"],
  ])("maps the status of %s to a stable code", async (path, code) => {
    expect(await codeOf(downloader().download(`${origin}${path}`, signal))).toBe(code);
  });

  it.each([
    ["the metadata address", "http://169.254.169.254/latest/meta-data/", "ARCHIVE.PRIVATE_ADDRESS"],
    ["loopback", "http://127.0.0.1:9/x", "ARCHIVE.PRIVATE_ADDRESS"],
    ["IPv4-mapped loopback", "http://[::ffff:127.0.0.1]:9/x", "ARCHIVE.PRIVATE_ADDRESS"],
    ["a host off the allowlist", "http://example.com/a.gif", "ARCHIVE.HOST_NOT_ALLOWED"],
    ["another scheme", "ftp://media.giphy.com/a.gif", "ARCHIVE.HOST_NOT_ALLOWED"],
    ["credentials", "https://user:pw@media.giphy.com/a.gif", "ARCHIVE.HOST_NOT_ALLOWED"],
  ])("refuses %s", async (_, url, code) => {
    expect(await codeOf(downloader().download(url, signal))).toBe(code);
  });

  it.each([
    ["http://169.254.169.254/", "ARCHIVE.PRIVATE_ADDRESS"],
    ["http://127.0.0.1:9/", "ARCHIVE.PRIVATE_ADDRESS"],
    ["http://example.com/x", "ARCHIVE.HOST_NOT_ALLOWED"],
  ])("refuses a redirect to %s, re-checking the hop", async (target, code) => {
    const url = `${origin}/redirect?to=${encodeURIComponent(target)}`;
    expect(await codeOf(downloader().download(url, signal))).toBe(code);
  });

  it("refuses an allowlisted name that resolves to loopback (only an exact host:port opts in)", async () => {
    expect(
      await codeOf(
        downloader({ allowedHosts: ["localhost"] }).download(`http://localhost:${port}/ok`, signal),
      ),
    ).toBe("ARCHIVE.PRIVATE_ADDRESS");
  });

  it("refuses a public name whose DNS answer includes a private address (rebinding)", async () => {
    const resolve = () =>
      Promise.resolve([
        { address: "93.184.216.34", family: 4 },
        { address: "10.0.0.5", family: 4 },
      ]);
    expect(
      await codeOf(
        downloader({ allowedHosts: ["media.giphy.com"], resolve }).download(
          "https://media.giphy.com/a.gif",
          signal,
        ),
      ),
    ).toBe("ARCHIVE.PRIVATE_ADDRESS");
  });

  it("connects to the vetted address, not to a second DNS answer", async () => {
    // "fixture.invalid" does not exist in real DNS: only the pinned address makes this work.
    const resolve = () => Promise.resolve([{ address: "127.0.0.1", family: 4 }]);
    const result = await downloader({
      privateAllowedHosts: [`fixture.invalid:${port}`],
      resolve,
    }).download(`http://fixture.invalid:${port}/ok`, signal);
    expect(await text(result.body)).toBe("GIF89a");
  });

  it("times out a body that does not finish in time", async () => {
    const result = await downloader({}, 300).download(`${origin}/slow`, signal);
    expect(await codeOf(text(result.body))).toBe("ARCHIVE.TIMEOUT");
  });
});

// A raw TCP media host that answers with an endless chunked body, counting what it
// managed to write and when the client hung up: node:http would end its own bodies.
describe("safe downloader against endless redirect and error bodies", () => {
  interface Endless {
    written: number;
    closedAt?: number;
  }
  const sockets = new Map<string, Endless>();
  let rawServer: NetServer;
  let rawPort: number;

  beforeAll(async () => {
    const chunk = Buffer.from(`4000\r\n${"a".repeat(0x4000)}\r\n`, "latin1");
    rawServer = createNetServer((socket) => {
      socket.on("error", () => undefined);
      let head = "";
      socket.on("data", (data) => {
        if (head.includes("\r\n\r\n")) return;
        head += data.toString("latin1");
        if (!head.includes("\r\n\r\n")) return;
        const path = head.split(" ")[1] ?? "/";
        if (path === "/ok") {
          socket.end(
            "HTTP/1.1 200 OK\r\ncontent-type: image/gif\r\ncontent-length: 6\r\n\r\nGIF89a",
          );
          return;
        }
        const status =
          path === "/redirect"
            ? "302 Found\r\nlocation: /ok"
            : path === "/500"
              ? "500 Oops"
              : "404 Nope";
        const seen: Endless = { written: 0 };
        sockets.set(path, seen);
        socket.once("close", () => (seen.closedAt = Date.now()));
        socket.write(`HTTP/1.1 ${status}\r\ntransfer-encoding: chunked\r\n\r\n`);
        const pump = () => {
          while (!socket.destroyed && socket.write(chunk)) seen.written += chunk.length;
          if (!socket.destroyed) socket.once("drain", pump);
        };
        pump();
      });
    });
    await new Promise<void>((resolve) => rawServer.listen(0, "127.0.0.1", resolve));
    rawPort = (rawServer.address() as AddressInfo).port;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) =>
        rawServer.close(() => {
          resolve();
        }),
      ),
  );

  it.each([
    ["/redirect", "resolved"],
    ["/500", "ARCHIVE.UPSTREAM_ERROR"],
    ["/404", "ARCHIVE.NOT_FOUND"],
  ])("hangs up on %s at once instead of draining its body", async (path, expected) => {
    const fetcher = createSafeDownloader({
      guard: createUrlGuard({ allowedHosts: [], privateAllowedHosts: [`127.0.0.1:${rawPort}`] }),
      connectTimeoutMs: 2_000,
      totalTimeoutMs: 5_000,
      maxRedirects: 3,
    });
    const outcome = fetcher.download(`http://127.0.0.1:${rawPort}${path}`, signal);
    expect(
      await codeOf(
        outcome.then(async (result) => {
          expect(await text(result.body)).toBe("GIF89a");
        }),
      ),
    ).toBe(expected);
    const ended = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const seen = sockets.get(path);
    expect(seen?.closedAt).toBeDefined();
    expect((seen?.closedAt ?? Infinity) - ended).toBeLessThan(500);
    // What sat in kernel buffers when the client hung up, not a stream kept flowing.
    expect(seen?.written).toBeLessThan(16 * 1024 * 1024);
  });
});
