// The media endpoint against the real S3 server: bytes, strong ETag, 304, Range
// and HEAD for an object stored under its content-addressed key. Serving by key
// needs no storage call, so storage here is an address where nothing listens.
// Only the successful answers are cacheable for a year; every error is no-store,
// including a 5xx from an S3 where nothing listens.
import { randomBytes } from "node:crypto";
import { contentAddressedKey } from "@gifmesh/shared/contracts";
import { freePort } from "@gifmesh/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createStorageClient,
  createStorageTransport,
} from "../src/infrastructure/storage-transport.ts";
import { putArchived, startGateway, testS3, type RunningGateway } from "./support.ts";

const IMMUTABLE = "public, max-age=31536000, immutable";

describe("GET /media/<key> from S3", () => {
  const s3 = testS3();
  const bytes = new Uint8Array(Buffer.concat([Buffer.from("GIF89a"), randomBytes(4096)]));
  let key = "";
  let sha256 = "";
  let gw: RunningGateway;
  beforeAll(async () => {
    ({ key, sha256 } = await putArchived(s3, bytes));
    const nowhere = `http://127.0.0.1:${String(await freePort())}`;
    gw = await startGateway(
      createStorageClient(createStorageTransport({ baseUrl: nowhere, timeoutMs: 500, retries: 0 })),
    );
  });
  afterAll(async () => {
    await gw.close();
    s3.destroy();
  });

  it("returns the archived bytes with a strong ETag and immutable caching", async () => {
    const res = await fetch(`${gw.url}/media/${key}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe(`"${sha256}"`);
    expect(res.headers.get("content-type")).toBe("image/gif");
    expect(res.headers.get("cache-control")).toBe(IMMUTABLE);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
  });

  it("answers 304 to If-None-Match", async () => {
    const res = await fetch(`${gw.url}/media/${key}`, {
      headers: { "If-None-Match": `"${sha256}"` },
    });
    expect(res.status).toBe(304);
    expect(res.headers.get("cache-control")).toBe(IMMUTABLE);
  });

  it("serves byte ranges and refuses ranges past the end", async () => {
    const res = await fetch(`${gw.url}/media/${key}`, { headers: { Range: "bytes=100-199" } });
    expect(res.status).toBe(206);
    expect(res.headers.get("cache-control")).toBe(IMMUTABLE);
    expect(res.headers.get("content-range")).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(bytes.subarray(100, 200)))).toBe(
      true,
    );
    const past = await fetch(`${gw.url}/media/${key}`, {
      headers: { Range: `bytes=${bytes.length}-` },
    });
    expect(past.status).toBe(416);
    expect(past.headers.get("cache-control")).toBe("no-store");
  });

  it("HEAD gives length without a body, and a missing object is a clean 404", async () => {
    const head = await fetch(`${gw.url}/media/${key}`, { method: "HEAD" });
    expect([head.status, head.headers.get("content-length")]).toEqual([200, String(bytes.length)]);
    expect(head.headers.get("cache-control")).toBe(IMMUTABLE);
    const missing = await fetch(
      `${gw.url}/media/${contentAddressedKey("0".repeat(64), "image/gif")}`,
    );
    expect(missing.status).toBe(404);
    // Not archived YET: a CDN must not keep this 404 for the year the 200 may be kept.
    expect(missing.headers.get("cache-control")).toBe("no-store");
    expect(((await missing.json()) as { meta: { error_code: string } }).meta.error_code).toBe(
      "MEDIA.NOT_FOUND",
    );
  });
});

describe("GET /media/<key> with S3 unreachable", () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    const nowhere = `http://127.0.0.1:${String(await freePort())}`;
    gw = await startGateway(
      createStorageClient(createStorageTransport({ baseUrl: nowhere, timeoutMs: 500, retries: 0 })),
      { S3_ENDPOINT: `http://127.0.0.1:${String(await freePort())}` },
    );
  });
  afterAll(() => gw.close());

  it("answers a 5xx that no cache keeps", async () => {
    const res = await fetch(`${gw.url}/media/gifs/sha256/ab/cd/abcd${"1".repeat(60)}.gif`);
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});
