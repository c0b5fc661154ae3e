// The media endpoint over an in-memory store: ETag, 304, Range, HEAD, 404s and
// the /media/gifs/{id} redirect.
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
