// The gateway's Prometheus instruments: HTTP requests by route and status, their
// latency, cache lookups per level and outcome, storage calls, and Redis
// fallbacks. Everything is registered on the registry the admin server scrapes.
import { Counter, Histogram, type Registry } from "@gifmesh/shared/metrics";

export function createGatewayMetrics(registry: Registry) {
  const registers = [registry];
  return {
    httpRequests: new Counter({
      name: "gateway_http_requests_total",
      help: "HTTP requests by method, route and status.",
      labelNames: ["method", "route", "status"],
      registers,
    }),
    httpDuration: new Histogram({
      name: "gateway_http_request_duration_seconds",
      help: "HTTP request latency by method and route.",
      labelNames: ["method", "route"],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    cacheLookups: new Counter({
      name: "gateway_cache_lookups_total",
      help: "Cache lookups by level (l1, l2) and outcome (hit, miss, stale).",
      labelNames: ["level", "outcome"],
      registers,
    }),
    storageCalls: new Counter({
      name: "gateway_storage_calls_total",
      help: "Calls to the storage service by method and result code.",
      labelNames: ["method", "code"],
      registers,
    }),
    redisErrors: new Counter({
      name: "gateway_redis_errors_total",
      help: "Redis commands that failed (the gateway carried on without Redis).",
      labelNames: ["component"],
      registers,
    }),
    rateLimited: new Counter({
      name: "gateway_rate_limited_total",
      help: "Requests refused with 429 by the rate limiter.",
      registers,
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
