// The access log and HTTP metrics: one log line and one count per request, under
// the matched route pattern (never the raw path, so labels stay bounded), and a
// logged path without its query string (which may hold an api_key).
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "@gifmesh/shared/logging";
import type { HttpMetrics } from "../../application/ports.ts";
import { middlewareApp, testResponseHeaders } from "../../testing/middleware-app.ts";
import { observe } from "./observe.ts";
import { setOutHeader } from "./response-headers.ts";

/** Records every count and observation, as the Prometheus instruments would receive them. */
function memoryMetrics() {
  const requests: Record<string, string>[] = [];
  const durations: { labels: Record<string, string>; seconds: number }[] = [];
  const metrics: HttpMetrics = {
    httpRequests: { inc: (labels) => void requests.push({ ...labels }) },
    httpDuration: {
      observe: (labels, seconds) => void durations.push({ labels: { ...labels }, seconds }),
    },
    apiKeyFailures: { inc: () => undefined },
    rateLimited: { inc: () => undefined },
  };
  return { metrics, requests, durations };
}

function observedApp() {
  const stream = new PassThrough();
  let written = "";
  stream.on("data", (chunk: Buffer) => {
    written += chunk.toString();
  });
  const logger = createLogger({ service: "gateway", level: "info", stream });
  const recorded = memoryMetrics();
  const app = middlewareApp(testResponseHeaders(), observe({ logger, metrics: recorded.metrics }));
  app.get("/v1/gifs/:id", (c) => {
    setOutHeader(c, "x-cache", "l1");
    return c.json({ id: c.req.param("id") });
  });
  const lines = () =>
    written
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { app, lines, ...recorded };
}

describe("observe", () => {
  it("logs one line per request with the route pattern, status, cache outcome and request id", async () => {
    const { app, lines } = observedApp();
    const res = await app.request("/v1/gifs/abc?api_key=secret-key-123", {
      headers: { "x-request-id": "req-42", "user-agent": "test-agent" },
    });
    expect(res.status).toBe(200);
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatchObject({
      message: "request",
      request_id: "req-42",
      method: "GET",
      path: "/v1/gifs/abc",
      route: "/v1/gifs/:id",
      status: 200,
      cache: "l1",
      user_agent: "test-agent",
    });
    expect(typeof lines()[0]?.duration_ms).toBe("number");
  });

  it("never logs the query string, where a client's api_key travels", async () => {
    const { app, lines } = observedApp();
    await app.request("/v1/gifs/abc?api_key=secret-key-123");
    expect(JSON.stringify(lines())).not.toContain("secret-key-123");
  });

  it.each([
    {
      what: "counts requests and their latency by method, route pattern and status",
      paths: ["/v1/gifs/one", "/v1/gifs/two"],
      route: "/v1/gifs/:id",
      status: "200",
    },
    {
      what: "labels a path no route matched as unmatched, so random paths add no label values",
      paths: ["/no/such/path/1", "/no/such/path/2"],
      route: "unmatched",
      status: "404",
    },
  ])("$what", async ({ paths, route, status }) => {
    const { app, requests, durations, lines } = observedApp();
    for (const path of paths) await app.request(path);
    expect(requests).toEqual(paths.map(() => ({ method: "GET", route, status })));
    expect(durations.map((d) => d.labels)).toEqual(paths.map(() => ({ method: "GET", route })));
    for (const { seconds } of durations) expect(seconds).toBeGreaterThanOrEqual(0);
    expect(lines().map((l) => l.path)).toEqual(paths);
  });
});
