import { describe, expect, it } from "vitest";
import { isGifId } from "./gif-id.ts";

describe("isGifId", () => {
  it.each(["xT9IgG50Fb7Mi0prBC", "a", "gif_1-2", "x".repeat(64)])("accepts %s", (id) => {
    expect(isGifId(id)).toBe(true);
  });
  it.each(["", "x".repeat(65), "a/b", "a b", "../x", "é", "a\n"])("refuses %j", (id) => {
    expect(isGifId(id)).toBe(false);
  });
});
