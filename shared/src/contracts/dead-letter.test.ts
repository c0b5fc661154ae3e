// The dead-letter copy stays publishable whatever the original's size, keeps the
// consumer's own headers, and says what it cut.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEAD_LETTER_MAX_BYTES, deadLetterCopy, MAX_KEPT_KEY_BYTES } from "./dead-letter.ts";

const own = { "x-gifmesh-error-code": "ARCHIVE.BAD_MESSAGE", "x-gifmesh-error-reason": "why" };
const size = (c: ReturnType<typeof deadLetterCopy>) =>
  (c.key?.length ?? 0) +
  (c.value?.length ?? 0) +
  Object.entries(c.headers).reduce((n, [k, v]) => n + k.length + v.length, 0);

describe("deadLetterCopy", () => {
  it("copies a message that fits unchanged, own headers winning", () => {
    const original = {
      key: Buffer.from("abc"),
      value: Buffer.from("payload"),
      headers: { traceparent: "00-x", "x-gifmesh-error-code": "forged" },
    };
    const copy = deadLetterCopy(original, own);
    expect(copy.key).toEqual(original.key);
    expect(copy.value).toEqual(original.value);
    expect(copy.headers).toEqual({ traceparent: "00-x", ...own });
  });

  it.each([
    ["a huge value", { key: Buffer.from("k"), value: Buffer.alloc(3_000_000, 1), headers: {} }],
    ["a huge key", { key: Buffer.alloc(999_000, 0x6b), value: Buffer.from("v"), headers: {} }],
    [
      "huge headers",
      { key: null, value: Buffer.from("v"), headers: { pad: "p".repeat(1_500_000) } },
    ],
  ])("cuts %s to fit and records what it cut", (_what, original) => {
    const copy = deadLetterCopy(original, own);
    expect(size(copy)).toBeLessThanOrEqual(DEAD_LETTER_MAX_BYTES);
    expect(copy.headers).toMatchObject({ ...own, "x-gifmesh-truncated": "true" });
    expect(copy.headers.pad).toBeUndefined();
    expect(copy.key?.length ?? 0).toBeLessThanOrEqual(MAX_KEPT_KEY_BYTES);
    expect(copy.headers["x-gifmesh-original-value-bytes"]).toBe(String(original.value.length));
    expect(copy.headers["x-gifmesh-original-value-sha256"]).toBe(
      createHash("sha256").update(original.value).digest("hex"),
    );
    expect(
      original.value.subarray(0, copy.value?.length).equals(copy.value ?? Buffer.alloc(0)),
    ).toBe(true);
  });
});
