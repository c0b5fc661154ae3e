// Public face of @gifmesh/shared/metrics: the Prometheus registry of a service.
export { createMetrics, type MetricsOptions } from "./create-metrics.ts";
export { Counter, Gauge, Histogram, Registry } from "prom-client";
export { METRIC } from "./names.ts";
