// The depth scan must count only structure: brackets inside strings (and escaped
// quotes in them) do not nest anything.
import { describe, expect, it } from "vitest";
import { jsonNestsDeeperThan } from "./json-depth.ts";

describe("jsonNestsDeeperThan", () => {
  it("counts arrays and objects outside strings", () => {
    expect(jsonNestsDeeperThan('{"a":[{"b":[]}]}', 4)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":[{"b":[[]]}]}', 4)).toBe(true);
    expect(jsonNestsDeeperThan("[".repeat(65) + "]".repeat(65))).toBe(true);
    expect(jsonNestsDeeperThan("[".repeat(64) + "]".repeat(64))).toBe(false);
  });

  it("ignores brackets inside strings, escaped quotes included", () => {
    expect(jsonNestsDeeperThan(`{"t":"${"[".repeat(100)}"}`, 2)).toBe(false);
    expect(jsonNestsDeeperThan(`{"t":"a\\"${"{".repeat(100)}"}`, 2)).toBe(false);
    expect(jsonNestsDeeperThan(`{"t":"a\\\\","u":[[[]]]}`, 3)).toBe(true);
  });
});
