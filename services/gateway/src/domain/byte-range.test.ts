import { describe, expect, it } from "vitest";
import { etagMatches, parseByteRange } from "./byte-range.ts";

describe("parseByteRange", () => {
  it.each([
    [undefined, { kind: "none" }],
    ["bytes=0-0", { kind: "range", start: 0, end: 0 }],
    ["bytes=-100", { kind: "range", start: 0, end: 9 }],
    ["bytes=5-2", { kind: "none" }],
    ["bytes=0-1,3-4", { kind: "none" }],
    ["items=0-1", { kind: "none" }],
    ["bytes=10-", { kind: "unsatisfiable" }],
    ["bytes=-0", { kind: "unsatisfiable" }],
  ])("%s on 10 bytes", (header, expected) => {
    expect(parseByteRange(header, 10)).toEqual(expected);
  });
});

describe("etagMatches", () => {
  it("compares weakly and understands lists and *", () => {
    expect(etagMatches('"a", W/"b"', '"b"')).toBe(true);
    expect(etagMatches("*", '"b"')).toBe(true);
    expect(etagMatches('"c"', '"b"')).toBe(false);
    expect(etagMatches(undefined, '"b"')).toBe(false);
  });
});
