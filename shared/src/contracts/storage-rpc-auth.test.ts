// The storage RPC token check: only `Bearer <the exact token>` passes, whatever the
// length or shape of what a caller sends.
import { describe, expect, it } from "vitest";
import { bearer, STORAGE_RPC_AUTH_HEADER, tokenMatches } from "./storage-rpc-auth.ts";

describe("storage RPC auth", () => {
  const token = "s3cr3t-token-value";

  it("names the header in lower case and formats a bearer value", () => {
    expect(STORAGE_RPC_AUTH_HEADER).toBe("authorization");
    expect(bearer(token)).toBe(`Bearer ${token}`);
  });

  it("accepts the exact token, with the scheme in any case", () => {
    expect(tokenMatches(token, bearer(token))).toBe(true);
    expect(tokenMatches(token, `bearer ${token}`)).toBe(true);
    expect(tokenMatches(token, `BEARER ${token}`)).toBe(true);
  });

  it.each([
    ["missing header", undefined],
    ["null header", null],
    ["empty header", ""],
    ["no scheme", token],
    ["other scheme", `Basic ${token}`],
    ["prefix of the token", bearer(token.slice(0, -1))],
    ["token plus a suffix", bearer(`${token}x`)],
    ["different case", bearer(token.toUpperCase())],
    ["extra space", `Bearer  ${token}`],
    ["very long", bearer("x".repeat(100_000))],
  ])("refuses %s", (_name, header) => {
    expect(tokenMatches(token, header)).toBe(false);
  });

  it("never matches when no token is expected", () => {
    expect(tokenMatches("", "Bearer ")).toBe(false);
    expect(tokenMatches("", "")).toBe(false);
  });
});
