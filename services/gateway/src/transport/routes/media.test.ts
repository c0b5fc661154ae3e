// The media endpoint over an in-memory store: ETag, 304, Range, HEAD, 404s, the
// /media/gifs/{id} redirect, which answers are cacheable (only the successful
// content-addressed ones), and which need an API key in keyed mode.
import { describe, expect, it } from "vitest";
import { OBJECT_KEY, SHA } from "../../testing/fake-storage.ts";
import { createTestApp } from "../../testing/test-app.ts";

const BYTES = new TextEncoder().encode("GIF89a-0123456789");
const setup = () => createTestApp({}, { [OBJECT_KEY]: BYTES });

describe("/media/<object key>", () => {
  it("streams the object with a strong ETag and immutable caching", async () => {
    const res = await setup().app.request(`/media/${OBJECT_KEY}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe(`"${SHA}"`);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("content-type")).toBe("image/gif");
    expect(res.headers.get("content-length")).toBe(String(BYTES.length));
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(BYTES);
  });

  it("answers If-None-Match with 304 and no body", async () => {
    const res = await setup().app.request(`/media/${OBJECT_KEY}`, {
      headers: { "If-None-Match": `W/"x", "${SHA}"` },
    });
    expect(res.status).toBe(304);
    expect(await res.text()).toBe("");
  });

  it.each([
    ["bytes=0-5", 206, "bytes 0-5/17", "GIF89a"],
    ["bytes=-4", 206, "bytes 13-16/17", "6789"],
    ["bytes=10-", 206, "bytes 10-16/17", "3456789"],
    ["bytes=10-999", 206, "bytes 10-16/17", "3456789"],
  ])("serves Range %s", async (range, status, contentRange, text) => {
    const res = await setup().app.request(`/media/${OBJECT_KEY}`, { headers: { Range: range } });
    expect(res.status).toBe(status);
    expect(res.headers.get("content-range")).toBe(contentRange);
    expect(await res.text()).toBe(text);
  });

  it("answers 416 for a range past the end", async () => {
    const res = await setup().app.request(`/media/${OBJECT_KEY}`, {
      headers: { Range: "bytes=17-20" },
    });
    expect(res.status).toBe(416);
    expect(res.headers.get("content-range")).toBe("bytes */17");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("HEAD gives the headers without a body", async () => {
    const res = await setup().app.request(`/media/${OBJECT_KEY}`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe("17");
    expect(await res.text()).toBe("");
  });

  it.each([
    `gifs/sha256/bb/bb/${"b".repeat(64)}.gif`, // well-formed, not stored
    `gifs/sha256/aa/bb/${"b".repeat(64)}.gif`, // fan-out does not match the hash
    `sha256/aa/aa/${"a".repeat(64)}.gif`, // not the worker's key shape
    "etc/passwd",
    "gifs/sha256/../secret",
    `sha256/${"z".repeat(64)}`,
  ])("404s %s", async (key) => {
    const res = await setup().app.request(`/media/${key}`);
    expect(res.status).toBe(404);
  });
});

describe("/media/gifs/{id}", () => {
  it("redirects an archived GIF to its object and 404s one that is not archived", async () => {
    const { app } = setup();
    const archived = await app.request("/media/gifs/arch1");
    expect(archived.status).toBe(302);
    expect(archived.headers.get("location")).toBe(`/media/${OBJECT_KEY}`);
    const pending = await app.request("/media/gifs/pend1");
    expect(pending.status).toBe(404);
    expect(((await pending.json()) as { meta: { error_code: string } }).meta.error_code).toBe(
      "MEDIA.NOT_ARCHIVED",
    );
  });

  it("optionally redirects a GIF that is not archived to its source", async () => {
    const { app } = createTestApp({ redirectUnarchived: true });
    const res = await app.request("/media/gifs/pend1");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://media.giphy.com/media/pend1/giphy.gif");
  });
});

describe("Cache-Control of media answers", () => {
  const IMMUTABLE = "public, max-age=31536000, immutable";

  it.each([
    ["200", {}, 200],
    ["206", { Range: "bytes=0-1" }, 206],
    ["304", { "If-None-Match": `"${SHA}"` }, 304],
  ])("a %s for a stored key is immutable for a year", async (_, headers, status) => {
    const res = await setup().app.request(`/media/${OBJECT_KEY}`, { headers });
    expect([res.status, res.headers.get("cache-control")]).toEqual([status, IMMUTABLE]);
  });

  it.each([
    ["a key not stored (yet)", `/media/gifs/sha256/bb/bb/${"b".repeat(64)}.gif`, 404],
    ["a key that is not ours", "/media/etc/passwd", 404],
    ["an unknown GIF id", "/media/gifs/nope", 404],
    ["a GIF not archived yet", "/media/gifs/pend1", 404],
  ])("%s (%s) is a no-store %i", async (_, path, status) => {
    const res = await setup().app.request(path);
    expect([res.status, res.headers.get("cache-control")]).toEqual([status, "no-store"]);
  });

  it("a failing store (5xx) is no-store", async () => {
    const { app } = createTestApp({
      media: {
        head: () => Promise.reject(new Error("s3 down")),
        get: () => Promise.reject(new Error("s3 down")),
      },
    });
    const res = await app.request(`/media/${OBJECT_KEY}`);
    expect([res.status, res.headers.get("cache-control")]).toEqual([500, "no-store"]);
  });
});

describe("media in keyed mode", () => {
  const keyed = () => createTestApp({ apiKeys: ["k-123"] }, { [OBJECT_KEY]: BYTES });

  it("asks for a key before looking an id up in storage", async () => {
    const { app, storage } = keyed();
    const missing = await app.request("/media/gifs/arch1");
    expect(missing.status).toBe(401);
    const wrong = await app.request("/media/gifs/unknownId?api_key=guess");
    expect(wrong.status).toBe(403);
    expect(storage.calls.getGif ?? 0).toBe(0);
    const ok = await app.request("/media/gifs/arch1", { headers: { "X-Api-Key": "k-123" } });
    expect([ok.status, ok.headers.get("location")]).toEqual([302, `/media/${OBJECT_KEY}`]);
  });

  it("serves the content-addressed URLs it hands out without a key (browsers' <img>)", async () => {
    const { app, storage } = keyed();
    const res = await app.request(`/media/${OBJECT_KEY}`);
    expect(res.status).toBe(200);
    expect(storage.calls.getGif ?? 0).toBe(0);
  });
});
