// The archive use case with in-memory ports: a downloader serving bytes from a map
// and an object sink keeping objects in a map, content-addressed as S3 would.
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { contentAddressedKey } from "@gifmesh/shared/contracts";
import { createTempDir } from "@gifmesh/shared/testing";
import { describe, expect, it } from "vitest";
import { codeOf } from "../../test/archive-error-code.ts";
import { makeGif } from "../../test/make-gif.ts";
import { ArchiveError } from "../domain/archive-error.ts";
import type { ArchiveJob } from "../domain/archive-job.ts";
import { createArchiveMedia, type ArchiveObserver } from "./archive-media.ts";
import type { DownloadedBody, MediaDownloader, ObjectSink, StoreObjectInput } from "./ports.ts";

interface Served {
  readonly bytes: Buffer;
  readonly contentType?: string;
  readonly contentLength?: number;
}

/** Serves each URL's bytes; an unknown URL is a 404. Remembers what it was asked and whether bodies were destroyed. */
class MapDownloader implements MediaDownloader {
  readonly requested: string[] = [];
  readonly bodies: Readable[] = [];
  private readonly served: ReadonlyMap<string, Served>;
  constructor(served: ReadonlyMap<string, Served>) {
    this.served = served;
  }

  download(url: string): Promise<DownloadedBody> {
    this.requested.push(url);
    const found = this.served.get(url);
    if (found === undefined)
      return Promise.reject(new ArchiveError("ARCHIVE.NOT_FOUND", "404 from the media host"));
    const body = Readable.from([found.bytes]);
    this.bodies.push(body);
    return Promise.resolve({
      body,
      contentType: found.contentType ?? "image/gif",
      contentLength: found.contentLength ?? found.bytes.length,
      finalUrl: url,
    });
  }
}

interface StoredObject {
  readonly bytes: Buffer;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Objects by key; a key already present is not written again (the content-addressed dedupe). */
class MapSink implements ObjectSink {
  readonly bucket = "test-bucket";
  readonly objects = new Map<string, StoredObject>();
  readonly heldAs: string[] = [];
  down = false;

  async put(input: StoreObjectInput): Promise<{ readonly alreadyStored: boolean }> {
    if (this.down) throw new ArchiveError("ARCHIVE.STORAGE_UNAVAILABLE", "S3 is down");
    this.heldAs.push(input.body.kind);
    const bytes = input.body.kind === "memory" ? input.body.bytes : await readFile(input.body.path);
    expect(bytes.length).toBe(input.sizeBytes);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(input.sha256Hex);
    if (this.objects.has(input.key)) return { alreadyStored: true };
    this.objects.set(input.key, {
      bytes,
      contentType: input.contentType,
      metadata: input.metadata,
    });
    return { alreadyStored: false };
  }
}

const gif = makeGif({ width: 32, height: 24, frames: 3, delayMs: 100 });
const png = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(64)]);
const URL_GIF = "https://media.giphy.com/media/abc/giphy.gif?cid=secret-token";
const signal = new AbortController().signal;

const jobFor = (sourceUrl: string, declaredSizeBytes = 0n): ArchiveJob => ({
  eventId: "ev-1",
  gifId: "abc",
  rendition: "original",
  sourceUrl,
  expectedContentType: "image/gif",
  declaredSizeBytes,
});

function setup(served: Record<string, Served>, options: { memoryMaxBytes?: number } = {}) {
  const spoolDir = createTempDir("fw-archive-").path;
  const downloader = new MapDownloader(new Map(Object.entries(served)));
  const sink = new MapSink();
  const observed: { downloads: number; uploads: [number, boolean][] } = {
    downloads: 0,
    uploads: [],
  };
  const observer: ArchiveObserver = {
    downloaded: () => {
      observed.downloads += 1;
    },
    uploaded: (_seconds, bytes, alreadyStored) => {
      observed.uploads.push([bytes, alreadyStored]);
    },
  };
  const archive = createArchiveMedia({
    downloader,
    sink,
    spoolDir,
    maxBytes: 100_000,
    memoryMaxBytes: options.memoryMaxBytes ?? 1_000_000,
    observer,
  });
  return { archive, downloader, sink, spoolDir, observed };
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("archive media", () => {
  it("stores a GIF under its content address, with its facts and query-free source URL", async () => {
    const { archive, sink, observed } = setup({ [URL_GIF]: { bytes: gif } });
    const media = await archive(jobFor(URL_GIF), signal);

    const key = contentAddressedKey(sha256(gif), "image/gif");
    expect(media).toEqual({
      bucket: "test-bucket",
      key,
      sha256Hex: sha256(gif),
      sizeBytes: gif.length,
      contentType: "image/gif",
      facts: { width: 32, height: 24, frameCount: 3, durationMs: 300 },
      alreadyStored: false,
    });
    const stored = sink.objects.get(key);
    expect(stored?.bytes.equals(gif)).toBe(true);
    expect(stored?.metadata).toEqual({
      "gif-id": "abc",
      rendition: "original",
      "content-type": "image/gif",
      "source-url": "https://media.giphy.com/media/abc/giphy.gif",
    });
    expect(observed).toEqual({ downloads: 1, uploads: [[gif.length, false]] });
  });

  it("the same bytes from another URL are stored once: the second is already stored", async () => {
    const other = "https://i.giphy.com/abc.gif";
    const { archive, sink, observed } = setup({
      [URL_GIF]: { bytes: gif },
      [other]: { bytes: gif },
    });
    await archive(jobFor(URL_GIF), signal);
    const second = await archive(jobFor(other), signal);
    expect(second.alreadyStored).toBe(true);
    expect(sink.objects.size).toBe(1);
    expect(observed.uploads).toEqual([
      [gif.length, false],
      [gif.length, true],
    ]);
  });

  it("a download above the memory limit is spooled to a file, and the file is gone afterwards", async () => {
    const { archive, sink, spoolDir } = setup(
      { [URL_GIF]: { bytes: gif } },
      { memoryMaxBytes: 16 },
    );
    await archive(jobFor(URL_GIF), signal);
    expect(sink.heldAs).toEqual(["file"]);
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it("refuses a declared size above the limit without downloading", async () => {
    const { archive, downloader } = setup({ [URL_GIF]: { bytes: gif } });
    expect(await codeOf(archive(jobFor(URL_GIF, 100_001n), signal))).toBe("ARCHIVE.TOO_LARGE");
    expect(downloader.requested).toEqual([]);
  });

  it("refuses a Content-Length above the limit and drops the body unread", async () => {
    const { archive, downloader, sink } = setup({
      [URL_GIF]: { bytes: gif, contentLength: 100_001 },
    });
    expect(await codeOf(archive(jobFor(URL_GIF), signal))).toBe("ARCHIVE.TOO_LARGE");
    expect(downloader.bodies[0]?.destroyed).toBe(true);
    expect(sink.objects.size).toBe(0);
  });

  it("refuses what the server calls text/html, whatever the bytes", async () => {
    const { archive, sink } = setup({ [URL_GIF]: { bytes: gif, contentType: "text/html" } });
    expect(await codeOf(archive(jobFor(URL_GIF), signal))).toBe("ARCHIVE.NOT_A_GIF");
    expect(sink.objects.size).toBe(0);
  });

  it("refuses bytes that are not a GIF (a PNG served as image/gif)", async () => {
    const { archive, sink } = setup({ [URL_GIF]: { bytes: png } });
    expect(await codeOf(archive(jobFor(URL_GIF), signal))).toBe("ARCHIVE.NOT_A_GIF");
    expect(sink.objects.size).toBe(0);
  });

  it("passes the downloader's verdict on (404 is NOT_FOUND)", async () => {
    const { archive } = setup({});
    expect(await codeOf(archive(jobFor(URL_GIF), signal))).toBe("ARCHIVE.NOT_FOUND");
  });

  it("an S3 outage is STORAGE_UNAVAILABLE, and the spool file is removed all the same", async () => {
    const { archive, sink, spoolDir } = setup({ [URL_GIF]: { bytes: gif } }, { memoryMaxBytes: 0 });
    sink.down = true;
    expect(await codeOf(archive(jobFor(URL_GIF), signal))).toBe("ARCHIVE.STORAGE_UNAVAILABLE");
    expect(readdirSync(spoolDir)).toEqual([]);
  });
});
