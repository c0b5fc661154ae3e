// The gateway's Prometheus instruments, under the project-wide names of
// @gifmesh/shared/metrics (METRIC) that dashboards and alert rules use: HTTP RED
// by route pattern and status, cache lookups per level and outcome, and Redis
// fallbacks, L1's size, refused API keys. Calls to storage are measured by the Connect client's metrics
// interceptor (gifmesh_rpc_client_*, see storage-transport.ts).
import { Counter, Gauge, Histogram, METRIC, type Registry } from "@gifmesh/shared/metrics";

/** What L1 holds now (two-level-cache.ts l1Usage). */
export type L1Usage = () => { readonly entries: number; readonly bytes: number };

export function createGatewayMetrics(registry: Registry) {
  const registers = [registry];
  let l1Usage: L1Usage = () => ({ entries: 0, bytes: 0 });
  return {
    /** Reports `usage` in the L1 gauges, read at each scrape. */
    watchL1(usage: L1Usage): void {
      l1Usage = usage;
    },
    cacheL1Bytes: new Gauge({
      name: "gifmesh_gateway_cache_l1_bytes",
      help: "Estimated heap bytes held by the in-process cache (bounded by CACHE_L1_MAX_BYTES).",
      registers,
      collect() {
        this.set(l1Usage().bytes);
      },
    }),
    cacheL1Entries: new Gauge({
      name: "gifmesh_gateway_cache_l1_entries",
      help: "Entries in the in-process cache.",
      registers,
      collect() {
        this.set(l1Usage().entries);
      },
    }),
    apiKeyFailures: new Counter({
      name: "gifmesh_gateway_api_key_failures_total",
      help: "Invalid API keys (outcome=invalid) and requests refused for too many (outcome=blocked).",
      labelNames: ["outcome"],
      registers,
    }),
    httpRequests: new Counter({
      name: METRIC.httpRequests,
      help: "HTTP requests by method, route and status.",
      labelNames: ["method", "route", "status"],
      registers,
    }),
    httpDuration: new Histogram({
      name: METRIC.httpDuration,
      help: "HTTP request latency by method and route.",
      labelNames: ["method", "route"],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    cacheLookups: new Counter({
      name: METRIC.cacheLookups,
      help: "Cache lookups by level (l1, l2) and outcome (hit, miss, stale).",
      labelNames: ["level", "outcome"],
      registers,
    }),
    redisErrors: new Counter({
      name: "gifmesh_gateway_redis_errors_total",
      help: "Redis commands that failed (the gateway carried on without Redis).",
      labelNames: ["component"],
      registers,
    }),
    rateLimited: new Counter({
      name: "gifmesh_gateway_rate_limited_total",
      help: "Requests refused with 429 by the rate limiter.",
      registers,
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
