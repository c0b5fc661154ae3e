import { describe, expect, it } from "vitest";
import { ARCHIVE_CODES, ArchiveError, retryClassOf, toArchiveError } from "./archive-error.ts";
import { sniffMediaType } from "./magic-bytes.ts";
import { contentAddressedKey } from "@gifmesh/shared/contracts";

describe("ArchiveError", () => {
  it("classifies every code in one table", () => {
    expect(new ArchiveError("ARCHIVE.NOT_FOUND", "x").retryClass).toBe("permanent");
    expect(new ArchiveError("ARCHIVE.TIMEOUT", "x").retryClass).toBe("transient");
    expect(new ArchiveError("ARCHIVE.UPSTREAM_ERROR", "x").retryClass).toBe("transient");
    expect(new ArchiveError("ARCHIVE.STORAGE_UNAVAILABLE", "x").retryClass).toBe("infrastructure");
    for (const code of Object.keys(ARCHIVE_CODES)) expect(code).toMatch(/^ARCHIVE\.[A-Z_]+$/);
  });

  it("treats unknown errors as transient and wraps them with a code", () => {
    expect(retryClassOf(new Error("boom"))).toBe("transient");
    const wrapped = toArchiveError(new Error("boom"));
    expect(wrapped.code).toBe("ARCHIVE.UPSTREAM_ERROR");
    const kept = new ArchiveError("ARCHIVE.TOO_LARGE", "big");
    expect(toArchiveError(kept)).toBe(kept);
  });
});

describe("sniffMediaType", () => {
  it("recognises GIF87a, GIF89a, WebP and MP4 and nothing else", () => {
    expect(sniffMediaType(Buffer.from("GIF87a......"))).toBe("image/gif");
    expect(sniffMediaType(Buffer.from("GIF89a......"))).toBe("image/gif");
    expect(sniffMediaType(Buffer.from("RIFF\x00\x00\x00\x00WEBP", "latin1"))).toBe("image/webp");
    expect(sniffMediaType(Buffer.from("\x00\x00\x00\x18ftypmp42", "latin1"))).toBe("video/mp4");
    expect(sniffMediaType(Buffer.from("<!DOCTYPE html>"))).toBeUndefined();
    expect(sniffMediaType(Buffer.from("GIF88a......"))).toBeUndefined();
    expect(sniffMediaType(Buffer.alloc(0))).toBeUndefined();
  });
});

describe("contentAddressedKey", () => {
  const sha = "ab".repeat(32);
  it("fans out by the first two bytes of the hash", () => {
    expect(contentAddressedKey(sha, "image/gif")).toBe(`gifs/sha256/ab/ab/${sha}.gif`);
  });
  it("refuses anything but a lowercase hex sha256 and unknown types", () => {
    expect(() => contentAddressedKey("AB".repeat(32), "image/gif")).toThrow(TypeError);
    expect(() => contentAddressedKey("../etc/passwd", "image/gif")).toThrow(TypeError);
    expect(() => contentAddressedKey(sha, "text/html")).toThrow(TypeError);
  });
});
