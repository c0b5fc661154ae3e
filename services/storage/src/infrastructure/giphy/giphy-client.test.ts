// What the Giphy client tells its breaker: Giphy's own failures (5xx, 429,
// timeouts) count, a 4xx that our request or key caused does not, and a call the
// caller abandoned is no evidence. Answers come from a stubbed fetch.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createCircuitBreaker } from "./circuit-breaker.ts";
import { createGiphyClient } from "./giphy-client.ts";

const params = { query: "cats", limit: 1, offset: 0, rating: undefined, lang: "en" };

function client(timeoutMs = 1_000) {
  const breaker = createCircuitBreaker({
    failureRate: 0.5,
    minimumCalls: 4,
    windowMs: 60_000,
    openMs: 60_000,
    halfOpenCalls: 1,
  });
  const giphy = createGiphyClient({
    baseUrl: "http://giphy.invalid/v1/",
    apiKey: "k",
    timeoutMs,
    retries: 0,
    breaker,
  });
  return { breaker, giphy };
}

function answer(status: number, body: string): void {
  vi.spyOn(globalThis, "fetch").mockImplementation(() =>
    Promise.resolve(new Response(body, { status })),
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("giphy client and its breaker", () => {
  it.each([
    [500, "{}", "open"],
    [503, "{}", "open"],
    [429, '{"meta":{"status":429}}', "open"],
    [200, '{"data": "not a list"}', "closed"],
    [400, '{"meta":{"status":400}}', "closed"],
    [414, "", "closed"],
    [401, '{"meta":{"status":401}}', "closed"],
    [403, "", "closed"],
  ] as const)("status %i (%s) leaves the breaker %s", async (status, body, state) => {
    answer(status, body);
    const { breaker, giphy } = client();
    for (let i = 0; i < 4; i++) await expect(giphy.search(params)).rejects.toThrow();
    expect(breaker.state()).toBe(state);
  });

  it("timeouts count; calls the caller aborted do not", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(
      (_url, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener("abort", () => {
            reject(new Error("aborted"));
          });
        }),
    );
    const aborted = client(5_000);
    for (let i = 0; i < 4; i++) {
      const caller = new AbortController();
      const call = aborted.giphy.search(params, { signal: caller.signal });
      caller.abort();
      await expect(call).rejects.toThrow();
    }
    expect(aborted.breaker.state()).toBe("closed");

    const slow = client(50);
    for (let i = 0; i < 4; i++)
      await expect(slow.giphy.search(params)).rejects.toMatchObject({ code: "GIPHY.UNAVAILABLE" });
    expect(slow.breaker.state()).toBe("open");
  });
});
