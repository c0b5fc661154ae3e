import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "@gifmesh/shared/logging";
import { createMetrics } from "@gifmesh/shared/metrics";
import type { BreakerState } from "./infrastructure/giphy/circuit-breaker.ts";
import { bindStorageGauges, createStorageMetrics } from "./metrics.ts";

const logger = createLogger({ service: "storage", level: "error", stream: new PassThrough() });

describe("storage metrics", () => {
  it("reads the breaker state and the outbox stats on scrape, once per scrape", async () => {
    const registry = createMetrics({ service: "storage", defaultMetrics: false });
    createStorageMetrics(registry);
    let state: BreakerState = "closed";
    let queries = 0;
    let fail = false;
    bindStorageGauges(registry, {
      breakerState: () => state,
      outboxStats: () => {
        queries += 1;
        return fail
          ? Promise.reject(new Error("postgres down"))
          : Promise.resolve({ backlog: 7, oldestAgeSeconds: 42.5, parked: 2 });
      },
      logger,
    });
    let text = await registry.metrics();
    expect(text).toMatch(
      /^gifmesh_giphy_circuit_breaker_state\{state="closed",service="storage"\} 1$/m,
    );
    expect(text).toMatch(
      /^gifmesh_giphy_circuit_breaker_state\{state="half_open",service="storage"\} 0$/m,
    );
    expect(text).toMatch(/^gifmesh_outbox_backlog\{service="storage"\} 7$/m);
    expect(text).toMatch(/^gifmesh_outbox_oldest_age_seconds\{service="storage"\} 42.5$/m);
    expect(text).toMatch(/^gifmesh_outbox_parked\{service="storage"\} 2$/m);
    expect(queries).toBe(1);

    state = "half-open";
    fail = true;
    text = await registry.metrics();
    expect(text).toMatch(
      /^gifmesh_giphy_circuit_breaker_state\{state="half_open",service="storage"\} 1$/m,
    );
    expect(text).toMatch(
      /^gifmesh_giphy_circuit_breaker_state\{state="closed",service="storage"\} 0$/m,
    );
    // A failed query keeps the last values rather than failing the whole scrape.
    expect(text).toMatch(/^gifmesh_outbox_backlog\{service="storage"\} 7$/m);
  });
});
