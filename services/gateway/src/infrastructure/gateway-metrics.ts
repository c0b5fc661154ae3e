// The gateway's Prometheus instruments, under the project-wide names of
// @gifmesh/shared/metrics (METRIC) that dashboards and alert rules use: HTTP RED
// by route pattern and status, cache lookups per level and outcome, and Redis
// fallbacks. Calls to storage are measured by the Connect client's metrics
// interceptor (gifmesh_rpc_client_*, see storage-transport.ts).
import { Counter, Histogram, METRIC, type Registry } from "@gifmesh/shared/metrics";

export function createGatewayMetrics(registry: Registry) {
  const registers = [registry];
  return {
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
