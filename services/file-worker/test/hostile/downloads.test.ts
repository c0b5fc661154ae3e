// Hostile downloads, unit level: the real downloader and inspector (createArchiveMedia
// with createSafeDownloader) against a raw TCP server written here, so it can lie in
// ways node:http refuses to: truncated GIFs, HTML, an endless body, a body longer or
// shorter than its Content-Length, redirect loops, a stall. Each ends in the right
// ArchiveError code, nothing reaches the sink, and the endless body stops at the limit.
import { createHash } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { createTempDir } from "@gifmesh/shared/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArchiveMedia } from "../../src/application/archive-media.ts";
import type { StoreObjectInput } from "../../src/application/ports.ts";
import { toArchiveError } from "../../src/domain/archive-error.ts";
import { createSafeDownloader } from "../../src/infrastructure/safe-downloader.ts";
import { createUrlGuard } from "../../src/infrastructure/url-guard.ts";
import { archiveErrorCode } from "../archive-error-code.ts";
import { makeGif } from "../make-gif.ts";

const SEED = 20_261_108;
const MAX_BYTES = 256 * 1024;
const GIF = makeGif({ width: 40, height: 30, frames: 3, delayMs: 40 });
const HTML = Buffer.from("<!doctype html><html><body>502 Bad Gateway</body></html>");

/** What the server answers next, per path (tests set it before each request). */
interface Reply {
  readonly head: string;
  readonly body?: Buffer;
  /** Keep writing 16 KiB chunks until the client goes away. */
  readonly endless?: boolean;
  /** Never finish the body (the connection stays open). */
  readonly stall?: boolean;
}
const replies = new Map<string, Reply>();
let server: Server;
let origin = "";
let port = 0;
/** Bytes the endless reply managed to write before the client hung up. */
let endlessWritten = 0;
let endlessClosed = false;

function serve(socket: Socket): void {
  let head = "";
  socket.on("error", () => undefined);
  socket.on("data", (chunk: Buffer) => {
    head += chunk.toString("latin1");
    if (!head.includes("\r\n\r\n")) return;
    const path = head.split(" ")[1] ?? "/";
    const reply = replies.get(path.split("?")[0] ?? path) ?? {
      head: "HTTP/1.1 404 Not Found\r\ncontent-length: 0",
    };
    socket.write(`${reply.head}\r\nconnection: close\r\n\r\n`);
    if (reply.body) socket.write(reply.body);
    if (reply.endless) {
      const chunk = Buffer.alloc(16 * 1024, 0x21);
      socket.write(GIF.subarray(0, 13));
      const pump = () => {
        while (!socket.destroyed && socket.write(chunk)) endlessWritten += chunk.length;
        if (!socket.destroyed) socket.once("drain", pump);
      };
      socket.once("close", () => (endlessClosed = true));
      pump();
    } else if (!reply.stall) socket.end();
  });
}

beforeAll(async () => {
  server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
      server.unref();
    }),
);

const stored: StoreObjectInput[] = [];
// One spool dir for the file (removed at its end): archive() runs hundreds of times.
const spoolDir = createTempDir("fw-hostile-").path;
function archive(totalTimeoutMs = 5_000) {
  return createArchiveMedia({
    downloader: createSafeDownloader({
      guard: createUrlGuard({
        allowedHosts: ["media.giphy.com"],
        privateAllowedHosts: [`127.0.0.1:${port}`],
      }),
      connectTimeoutMs: 2_000,
      totalTimeoutMs,
      maxRedirects: 3,
    }),
    sink: {
      bucket: "hostile",
      put: (input) => {
        stored.push(input);
        return Promise.resolve({ alreadyStored: false });
      },
    },
    spoolDir,
    maxBytes: MAX_BYTES,
    memoryMaxBytes: 64 * 1024,
  });
}

/** Archives `origin+path`; returns "OK" or the ArchiveError code (anything else fails). */
async function outcome(path: string, totalTimeoutMs?: number, asWorker = false): Promise<string> {
  const job = {
    eventId: "e",
    gifId: "g",
    rendition: "original",
    sourceUrl: `${origin}${path}`,
    expectedContentType: "image/gif" as const,
    declaredSizeBytes: 0n,
  };
  try {
    await archive(totalTimeoutMs)(job, new AbortController().signal);
    return "OK";
  } catch (error) {
    if (asWorker) return toArchiveError(error).code; // what handle-request.ts records
    return archiveErrorCode(error, path);
  }
}

/** A 200 with `body`; `length` null sends no Content-Length (close-delimited). */
const ok = (type: string, body: Buffer, length: number | null = body.length): Reply => ({
  head: `HTTP/1.1 200 OK\r\ncontent-type: ${type}${length === null ? "" : `\r\ncontent-length: ${length}`}`,
  body,
});

describe("hostile downloads", () => {
  it.each([
    ["a valid GIF", ok("image/gif", GIF), "OK"],
    [
      "a truncated GIF",
      ok("image/gif", GIF.subarray(0, Math.floor(GIF.length / 2))),
      "ARCHIVE.MALFORMED",
    ],
    ["only the GIF header", ok("image/gif", GIF.subarray(0, 13)), "ARCHIVE.MALFORMED"],
    ["HTML as text/html", ok("text/html; charset=utf-8", HTML), "ARCHIVE.NOT_A_GIF"],
    ["HTML labelled image/gif", ok("image/gif", HTML), "ARCHIVE.NOT_A_GIF"],
    ["HTML with no content type", ok("", HTML, null), "ARCHIVE.NOT_A_GIF"],
    ["an empty body", ok("image/gif", Buffer.alloc(0)), "ARCHIVE.NOT_A_GIF"],
    [
      "a declared Content-Length over the limit",
      ok("image/gif", GIF, MAX_BYTES + 1),
      "ARCHIVE.TOO_LARGE",
    ],
    [
      "a GIF followed by megabytes past the limit",
      ok("image/gif", Buffer.concat([GIF, Buffer.alloc(MAX_BYTES)]), null),
      "ARCHIVE.TOO_LARGE",
    ],
  ] as const)("%s → %s", async (_, reply, code) => {
    replies.set("/case", reply);
    stored.length = 0;
    expect(await outcome("/case")).toBe(code);
    expect(stored.length).toBe(code === "OK" ? 1 : 0);
  });

  it("reads exactly Content-Length bytes when the body is longer than declared", async () => {
    replies.set(
      "/longer",
      ok("image/gif", Buffer.concat([GIF, HTML, Buffer.alloc(50_000, 1)]), GIF.length),
    );
    stored.length = 0;
    expect(await outcome("/longer")).toBe("OK");
    expect(stored[0]?.sizeBytes).toBe(GIF.length);
    expect(stored[0]?.sha256Hex).toBe(createHash("sha256").update(GIF).digest("hex"));
    replies.set("/longer-cut", ok("image/gif", GIF, 20));
    expect(await outcome("/longer-cut")).toBe("ARCHIVE.MALFORMED");
  });

  it("fails a body shorter than its Content-Length (connection closed early)", async () => {
    replies.set("/short", ok("image/gif", GIF.subarray(0, 100), GIF.length));
    stored.length = 0;
    // The downloader lets node's bare "aborted" (ECONNRESET) through here, not an
    // ArchiveError (reported); the worker's handler maps it to UPSTREAM_ERROR.
    expect(await outcome("/short", undefined, true)).toBe("ARCHIVE.UPSTREAM_ERROR");
    expect(stored).toEqual([]);
  });

  it("stops an endless body at the limit and hangs up (bounded memory)", async () => {
    replies.set("/endless", { head: "HTTP/1.1 200 OK\r\ncontent-type: image/gif", endless: true });
    endlessWritten = 0;
    endlessClosed = false;
    const heapBefore = process.memoryUsage().heapUsed;
    expect(await outcome("/endless")).toBe("ARCHIVE.TOO_LARGE");
    await expect.poll(() => endlessClosed, { timeout: 5_000 }).toBe(true);
    // What the server got out before the hang-up: the limit plus socket buffers, not more.
    expect(endlessWritten).toBeLessThan(MAX_BYTES + 8 * 1024 * 1024);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it("ends redirect loops, redirects to private or non-http targets, and bare redirects", async () => {
    replies.set("/loop", { head: "HTTP/1.1 302 Found\r\nlocation: /loop\r\ncontent-length: 0" });
    replies.set("/ping", { head: "HTTP/1.1 301 Moved\r\nlocation: /pong\r\ncontent-length: 0" });
    replies.set("/pong", {
      head: `HTTP/1.1 307 Temporary\r\nlocation: ${origin}/ping\r\ncontent-length: 0`,
    });
    replies.set("/meta", {
      head: "HTTP/1.1 302 Found\r\nlocation: http://169.254.169.254/latest/meta-data/\r\ncontent-length: 0",
    });
    replies.set("/v6", {
      head: "HTTP/1.1 302 Found\r\nlocation: http://[::ffff:127.0.0.1]:1/x.gif\r\ncontent-length: 0",
    });
    replies.set("/file", {
      head: "HTTP/1.1 302 Found\r\nlocation: file:///etc/passwd\r\ncontent-length: 0",
    });
    replies.set("/bare", { head: "HTTP/1.1 302 Found\r\ncontent-length: 0" });
    replies.set("/garbage", {
      head: "HTTP/1.1 302 Found\r\nlocation: http://[::1\r\ncontent-length: 0",
    });
    stored.length = 0;
    expect(await outcome("/loop")).toBe("ARCHIVE.TOO_MANY_REDIRECTS");
    expect(await outcome("/ping")).toBe("ARCHIVE.TOO_MANY_REDIRECTS");
    expect(await outcome("/meta")).toBe("ARCHIVE.PRIVATE_ADDRESS");
    expect(await outcome("/v6")).toBe("ARCHIVE.PRIVATE_ADDRESS");
    expect(await outcome("/file")).toBe("ARCHIVE.HOST_NOT_ALLOWED");
    expect(await outcome("/bare")).toBe("ARCHIVE.UPSTREAM_REJECTED");
    expect(await outcome("/garbage")).toBe("ARCHIVE.HOST_NOT_ALLOWED");
    expect(stored).toEqual([]);
  });

  it("times out a body that stalls mid-way", async () => {
    replies.set("/stall", {
      head: `HTTP/1.1 200 OK\r\ncontent-type: image/gif\r\ncontent-length: ${GIF.length}`,
      body: GIF.subarray(0, 20),
      stall: true,
    });
    expect(await outcome("/stall", 800)).toBe("ARCHIVE.TIMEOUT");
  });

  it("random and mutated bodies end in a clean code, and only real GIFs are stored", async () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 2_000 }).map((b) => Buffer.from(b)),
      fc
        .tuple(
          fc.integer({ min: 0, max: GIF.length }),
          fc.array(fc.tuple(fc.nat(GIF.length - 1), fc.integer({ min: 0, max: 255 })), {
            maxLength: 3,
          }),
        )
        .map(([cut, flips]) => {
          const bytes = Buffer.from(GIF.subarray(0, cut));
          for (const [at, value] of flips) if (at < bytes.length) bytes[at] = value;
          return bytes;
        }),
    );
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.constantFrom("image/gif", "", "application/octet-stream", "text/html", "image/png"),
        fc.boolean(),
        async (bytes, type, declare) => {
          replies.set("/random", ok(type, bytes, declare ? bytes.length : null));
          stored.length = 0;
          const code = await outcome("/random");
          expect(["OK", "ARCHIVE.NOT_A_GIF", "ARCHIVE.MALFORMED"]).toContain(code);
          if (code === "OK") {
            expect(stored[0]?.sha256Hex).toBe(createHash("sha256").update(bytes).digest("hex"));
            expect(bytes.subarray(0, 3).toString("latin1")).toBe("GIF");
          } else expect(stored).toEqual([]);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
