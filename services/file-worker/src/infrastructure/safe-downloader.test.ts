// The downloader against a real loopback HTTP server started here (standing in for
// Giphy's media hosts), opted in by exact host:port like the fixture in production.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveError } from "../domain/archive-error.ts";
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

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ArchiveError);
    return (error as ArchiveError).code;
  }
  return "resolved";
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

  it("maps statuses to stable codes", async () => {
    expect(await codeOf(downloader().download(`${origin}/missing`, signal))).toBe(
      "ARCHIVE.NOT_FOUND",
    );
    expect(await codeOf(downloader().download(`${origin}/status?code=503`, signal))).toBe(
      "ARCHIVE.UPSTREAM_ERROR",
    );
    expect(await codeOf(downloader().download(`${origin}/status?code=429`, signal))).toBe(
      "ARCHIVE.UPSTREAM_ERROR",
    );
    expect(await codeOf(downloader().download(`${origin}/status?code=403`, signal))).toBe(
      "ARCHIVE.UPSTREAM_REJECTED",
    );
  });

  it("refuses private addresses, directly or through a redirect, unless the exact host:port is opted in", async () => {
    expect(
      await codeOf(downloader().download("http://169.254.169.254/latest/meta-data/", signal)),
    ).toBe("ARCHIVE.PRIVATE_ADDRESS");
    expect(await codeOf(downloader().download("http://127.0.0.1:9/x", signal))).toBe(
      "ARCHIVE.PRIVATE_ADDRESS",
    );
    expect(await codeOf(downloader().download("http://[::ffff:127.0.0.1]:9/x", signal))).toBe(
      "ARCHIVE.PRIVATE_ADDRESS",
    );
    expect(
      await codeOf(
        downloader().download(
          `${origin}/redirect?to=${encodeURIComponent("http://169.254.169.254/")}`,
          signal,
        ),
      ),
    ).toBe("ARCHIVE.PRIVATE_ADDRESS");
    expect(
      await codeOf(
        downloader().download(
          `${origin}/redirect?to=${encodeURIComponent("http://127.0.0.1:9/")}`,
          signal,
        ),
      ),
    ).toBe("ARCHIVE.PRIVATE_ADDRESS");
    // Allowlisted by name, but the name resolves to loopback.
    expect(
      await codeOf(
        downloader({ allowedHosts: ["localhost"] }).download(`http://localhost:${port}/ok`, signal),
      ),
    ).toBe("ARCHIVE.PRIVATE_ADDRESS");
  });

  it("refuses hosts off the allowlist, other schemes and credentials", async () => {
    expect(await codeOf(downloader().download("http://example.com/a.gif", signal))).toBe(
      "ARCHIVE.HOST_NOT_ALLOWED",
    );
    expect(await codeOf(downloader().download("ftp://media.giphy.com/a.gif", signal))).toBe(
      "ARCHIVE.HOST_NOT_ALLOWED",
    );
    expect(
      await codeOf(downloader().download("https://user:pw@media.giphy.com/a.gif", signal)),
    ).toBe("ARCHIVE.HOST_NOT_ALLOWED");
    expect(
      await codeOf(
        downloader().download(
          `${origin}/redirect?to=${encodeURIComponent("http://example.com/x")}`,
          signal,
        ),
      ),
    ).toBe("ARCHIVE.HOST_NOT_ALLOWED");
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
    const error = await text(result.body).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as ArchiveError).code).toBe("ARCHIVE.TIMEOUT");
  });
});
