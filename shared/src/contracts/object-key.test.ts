// The one object-key rule: what the worker writes is what storage accepts and what
// the gateway serves, and nothing else parses.
import { describe, expect, it } from "vitest";
import {
  contentAddressedKey,
  isArchiveContentType,
  parseContentAddressedKey,
} from "./object-key.ts";

const sha = "ab".repeat(32);

describe("contentAddressedKey", () => {
  it("fans out by the first two bytes of the hash", () => {
    expect(contentAddressedKey(sha, "image/gif")).toBe(`gifs/sha256/ab/ab/${sha}.gif`);
  });
  it.each([
    ["image/gif", "gif"],
    ["image/jpeg", "jpg"],
    ["video/mp4", "mp4"],
    ["image/webp", "webp"],
  ])("names a %s object by its extension .%s", (type, ext) => {
    expect(contentAddressedKey(sha, type)).toBe(`gifs/sha256/ab/ab/${sha}.${ext}`);
  });
  it("refuses anything but a lowercase hex sha256 and unknown types", () => {
    expect(() => contentAddressedKey("AB".repeat(32), "image/gif")).toThrow(TypeError);
    expect(() => contentAddressedKey("../etc/passwd", "image/gif")).toThrow(TypeError);
    expect(() => contentAddressedKey(sha, "text/html")).toThrow(TypeError);
    expect(() => contentAddressedKey(sha, "constructor")).toThrow(TypeError);
  });
});

describe("parseContentAddressedKey", () => {
  it.each(["image/gif", "image/jpeg", "video/mp4", "image/webp"])(
    "round-trips the %s keys the worker writes",
    (contentType) => {
      const key = contentAddressedKey(sha, contentType);
      expect(parseContentAddressedKey(key)).toEqual({ sha256: sha, contentType });
    },
  );
  it.each([
    `gifs/sha256/aa/bb/${"b".repeat(64)}.gif`, // fan-out does not match the hash
    `sha256/aa/aa/${"a".repeat(64)}.gif`,
    `gifs/sha256/bb/bb/${"b".repeat(64)}.html`, // no such archived type
    `gifs/sha256/bb/bb/${"b".repeat(64)}.jpeg`, // the type's extension is jpg, only
    `gifs/sha256/bb/bb/${"b".repeat(64)}.MP4`,
    `gifs/sha256/bb/bb/${"b".repeat(64)}.gif/../x`,
    "gifs/sha256/../secret",
    "",
  ])("refuses %s", (key) => {
    expect(parseContentAddressedKey(key)).toBeUndefined();
  });
  it("knows only the archived content types", () => {
    for (const type of ["image/gif", "image/jpeg", "video/mp4", "image/webp"])
      expect(isArchiveContentType(type)).toBe(true);
    expect(isArchiveContentType("image/jpg")).toBe(false);
    expect(isArchiveContentType("image/GIF")).toBe(false);
    expect(isArchiveContentType("toString")).toBe(false);
  });
});
