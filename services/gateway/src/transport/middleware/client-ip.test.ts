// Which X-Forwarded-For entry is the client: the one `hops` from the right, since
// proxies append and the client writes the left part. Spoofed left-most entries
// never change the rate-limit bucket; malformed picks fall back to the peer.
import { describe, expect, it } from "vitest";
import { countingLimiter, createTestApp } from "../../testing/test-app.ts";
import { forwardedClient, parseForwardedAddress } from "./client-ip.ts";

describe("forwardedClient", () => {
  it.each([
    ["203.0.113.9", 1, "203.0.113.9"],
    ["6.6.6.6, 203.0.113.9", 1, "203.0.113.9"],
    ["1.1.1.1,2.2.2.2 , 203.0.113.9", 1, "203.0.113.9"],
    // Two proxies (CDN, then ingress): the CDN's view of the client is second from the right.
    ["6.6.6.6, 203.0.113.9, 198.51.100.1", 2, "203.0.113.9"],
    // Fewer entries than hops: all were written by trusted proxies; the left-most is the client.
    ["203.0.113.9", 2, "203.0.113.9"],
    ["6.6.6.6, 203.0.113.9:4711", 1, "203.0.113.9"],
    ["6.6.6.6, [2001:DB8::1]:443", 1, "2001:db8::1"],
    ["6.6.6.6, 2001:db8::1", 1, "2001:db8::1"],
  ])("%s with %i hop(s) is %s", (header, hops, client) => {
    expect(forwardedClient(header, hops)).toBe(client);
  });

  it.each([
    ["203.0.113.9, unknown", 1],
    ["203.0.113.9, ", 1],
    ["203.0.113.9, 999.1.1.1", 1],
    ["203.0.113.9, _hidden", 1],
    [`203.0.113.9, ${"a".repeat(5_000)}`, 1],
    ["", 1],
  ])("a malformed pick (%s) is no client, never the entry to its left", (header, hops) => {
    expect(forwardedClient(header, hops)).toBeUndefined();
  });

  it("parses only addresses", () => {
    expect(parseForwardedAddress(" 192.0.2.1 ")).toBe("192.0.2.1");
    expect(parseForwardedAddress("192.0.2.1:99999999")).toBeUndefined();
    expect(parseForwardedAddress("[::1]")).toBe("::1");
    expect(parseForwardedAddress("localhost")).toBeUndefined();
  });
});

describe("rate-limit bucket behind one proxy", () => {
  const spoofed = (i: number) => ({ "x-forwarded-for": `10.0.0.${i}, 203.0.113.9` });

  it("does not change when the client varies the left-most X-Forwarded-For entry", async () => {
    const { app } = createTestApp({ proxyHops: 1, limiter: countingLimiter(3) });
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await app.request("/v1/gifs/trending", { headers: spoofed(i) })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    // Another client behind the same proxy has its own bucket.
    const other = await app.request("/v1/gifs/trending", {
      headers: { "x-forwarded-for": "10.0.0.1, 203.0.113.10" },
    });
    expect(other.status).toBe(200);
  });

  it("ignores X-Forwarded-For with no trusted hops", async () => {
    const { app } = createTestApp({ proxyHops: 0, limiter: countingLimiter(2) });
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        (await app.request("/v1/gifs/trending", { headers: { "x-forwarded-for": `10.1.0.${i}` } }))
          .status,
      );
    expect(statuses).toEqual([200, 200, 429]);
  });
});
