// The API-key check in keyed and open mode, with an in-memory failure limiter:
// which key is accepted from where, what a refusal says, and that guessing is
// counted per client IP and then refused for everyone, the right key included.
import { describe, expect, it } from "vitest";
import type { FailureCount, FailureLimiter } from "../../application/ports.ts";
import { middlewareApp } from "../../testing/middleware-app.ts";
import { apiKey, keyId, type ApiKeyOptions } from "./api-key.ts";

/** Counts failures per client in memory; blocks after `max`, for `windowSeconds`. */
function memoryFailures(max: number, windowSeconds = 900) {
  const counts = new Map<string, number>();
  const recorded: string[] = [];
  const limiter: FailureLimiter = {
    blockedFor: (client) => ((counts.get(client) ?? 0) >= max ? windowSeconds : 0),
    recordFailure(client): Promise<FailureCount> {
      recorded.push(client);
      const count = (counts.get(client) ?? 0) + 1;
      counts.set(client, count);
      return Promise.resolve({ count, blocked: count > max, retryAfterSeconds: windowSeconds });
    },
  };
  return { limiter, recorded };
}

function appWith(options: ApiKeyOptions) {
  const app = middlewareApp(apiKey(options));
  // Unset in open mode, whatever the context's type says.
  app.get("/v1/x", (c) =>
    c.json({ clientKeyId: (c.get("clientKeyId") as string | undefined) ?? null }),
  );
  return app;
}

/** A keyed app behind one proxy, counting failures in `limiter`; `outcomes` lists its refusals. */
function guardedApp(keys: readonly string[], limiter: FailureLimiter) {
  const outcomes: string[] = [];
  const app = appWith({
    keys,
    failures: limiter,
    proxyHops: 1,
    onFailure: (outcome) => outcomes.push(outcome),
  });
  return { app, outcomes };
}

async function answer(res: Response) {
  const body = (await res.json()) as { meta?: { error_code?: string }; clientKeyId?: unknown };
  return { status: res.status, code: body.meta?.error_code, body };
}

describe("apiKey in open mode", () => {
  it("lets any request through, with or without a key, and names no client key", async () => {
    const app = appWith({ keys: [] });
    for (const path of ["/v1/x", "/v1/x?api_key=anything"]) {
      const res = await answer(await app.request(path));
      expect(res).toMatchObject({ status: 200, body: { clientKeyId: null } });
    }
  });
});

describe("apiKey in keyed mode", () => {
  const keys = ["key-one", "key-two"];

  it("accepts each configured key, from the query or the X-Api-Key header", async () => {
    const app = appWith({ keys });
    const byQuery = await answer(await app.request("/v1/x?api_key=key-two"));
    const byHeader = await answer(
      await app.request("/v1/x", { headers: { "x-api-key": "key-one" } }),
    );
    expect(byQuery).toMatchObject({ status: 200, body: { clientKeyId: keyId("key-two") } });
    expect(byHeader).toMatchObject({ status: 200, body: { clientKeyId: keyId("key-one") } });
  });

  it("identifies a client by a short hash that does not reveal the key", () => {
    expect(keyId("key-one")).toMatch(/^[0-9a-f]{16}$/);
    expect(keyId("key-one")).not.toBe(keyId("key-two"));
    expect(keyId("key-one")).not.toContain("key-one");
  });

  it("refuses a request without a key with 401 AUTH.MISSING_API_KEY", async () => {
    expect(await answer(await appWith({ keys }).request("/v1/x"))).toMatchObject({
      status: 401,
      code: "AUTH.MISSING_API_KEY",
    });
  });

  it("refuses a wrong key with 403 AUTH.INVALID_API_KEY and counts it against the client IP", async () => {
    const { limiter, recorded } = memoryFailures(5);
    const { app, outcomes } = guardedApp(keys, limiter);
    const res = await app.request("/v1/x?api_key=key-on", {
      headers: { "x-forwarded-for": "203.0.113.7" },
    });
    expect(await answer(res)).toMatchObject({ status: 403, code: "AUTH.INVALID_API_KEY" });
    expect(recorded).toEqual(["ip:203.0.113.7"]);
    expect(outcomes).toEqual(["invalid"]);
  });

  it("refuses a client over the failure limit with 429 and Retry-After, even with a right key", async () => {
    const { app, outcomes } = guardedApp(keys, memoryFailures(2, 120).limiter);
    const from = (ip: string, key: string) =>
      app.request(`/v1/x?api_key=${key}`, { headers: { "x-forwarded-for": ip } });

    const guesses = [];
    for (let i = 0; i < 3; i++)
      guesses.push((await answer(await from("198.51.100.1", `g${i}`))).code);
    // Two wrong keys are counted; the third request finds the client blocked.
    expect(guesses).toEqual([
      "AUTH.INVALID_API_KEY",
      "AUTH.INVALID_API_KEY",
      "AUTH.TOO_MANY_FAILURES",
    ]);
    const right = await from("198.51.100.1", "key-one");
    expect(right.status).toBe(429);
    expect(right.headers.get("retry-after")).toBe("120");
    expect((await answer(right)).code).toBe("AUTH.TOO_MANY_FAILURES");
    expect(outcomes).toEqual(["invalid", "invalid", "blocked", "blocked"]);
    // Another client is not affected.
    expect((await from("198.51.100.2", "key-one")).status).toBe(200);
  });

  it("answers 429 on the failure that crosses the limit", async () => {
    // A limiter that learns of the block only when counting (another instance's failures).
    const limiter: FailureLimiter = {
      blockedFor: () => 0,
      recordFailure: () => Promise.resolve({ count: 11, blocked: true, retryAfterSeconds: 33 }),
    };
    const res = await appWith({ keys, failures: limiter }).request("/v1/x?api_key=nope");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("33");
    expect((await answer(res)).code).toBe("AUTH.TOO_MANY_FAILURES");
  });
});
