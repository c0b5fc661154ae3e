import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createHash } from "node:crypto";
import { createTempDir } from "@gifmesh/shared/testing";
import { describe, expect, it } from "vitest";
import { makeGif } from "../../test/make-gif.ts";
import { codeOf } from "../../test/archive-error-code.ts";
import { spoolAndInspect } from "./inspect-media.ts";

const dir = createTempDir("fw-inspect-").path;
const signal = new AbortController().signal;
const chunks = (bytes: Buffer, size: number) =>
  Readable.from(
    Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
      bytes.subarray(i * size, (i + 1) * size),
    ),
  );

describe("spoolAndInspect", () => {
  const gif = makeGif({ width: 64, height: 48, frames: 4, delayMs: 50 });

  it("spools the exact bytes to a file above the memory limit, measured in one pass", async () => {
    const spoolPath = join(dir, "ok.part");
    const result = await spoolAndInspect(chunks(gif, 100), {
      maxBytes: 1_000_000,
      memoryMaxBytes: gif.length - 1,
      spoolPath,
      signal,
    });
    expect(result).toEqual({
      sha256Hex: createHash("sha256").update(gif).digest("hex"),
      sizeBytes: gif.length,
      contentType: "image/gif",
      facts: { width: 64, height: 48, frameCount: 4, durationMs: 200 },
      held: { kind: "file", path: spoolPath },
    });
    expect(readFileSync(spoolPath).equals(gif)).toBe(true);
  });

  it("holds a body up to the memory limit in memory and writes no file", async () => {
    const spoolPath = join(dir, "small.part");
    const result = await spoolAndInspect(chunks(gif, 100), {
      maxBytes: 1_000_000,
      memoryMaxBytes: gif.length,
      spoolPath,
      signal,
    });
    expect(result.held.kind).toBe("memory");
    expect(result.held.kind === "memory" && result.held.bytes.equals(gif)).toBe(true);
    expect(existsSync(spoolPath)).toBe(false);
  });

  it("stops a valid GIF that grows past the limit while streaming", async () => {
    const big = makeGif({ width: 200, height: 200, frames: 10, delayMs: 10 });
    expect(
      await codeOf(
        spoolAndInspect(chunks(big, 1000), {
          maxBytes: big.length - 1,
          memoryMaxBytes: 1024,
          spoolPath: join(dir, "big.part"),
          signal,
        }),
      ),
    ).toBe("ARCHIVE.TOO_LARGE");
  });

  it.each([
    ["HTML", Buffer.from("<html><body>hi</body></html>"), 5, "ARCHIVE.NOT_A_GIF"],
    ["a tiny non-GIF", Buffer.from("hey"), 5, "ARCHIVE.NOT_A_GIF"],
    ["a truncated GIF", gif.subarray(0, 100), 7, "ARCHIVE.MALFORMED"],
  ])("rejects %s", async (name, body, chunkSize, code) => {
    expect(
      await codeOf(
        spoolAndInspect(chunks(body, chunkSize), {
          maxBytes: 1000,
          memoryMaxBytes: 1024,
          spoolPath: join(dir, `${name}.part`),
          signal,
        }),
      ),
    ).toBe(code);
  });
});
