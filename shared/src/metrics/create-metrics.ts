// One Prometheus registry per service, scraped at /metrics by the admin server.
// A private registry (not prom-client's global one) keeps tests independent and
// puts the `service` label on every series, default Node metrics included.
import { collectDefaultMetrics, Registry } from "prom-client";

/** Options for {@link createMetrics}. */
export interface MetricsOptions {
  /** Written as the `service` label on every series. */
  readonly service: string;
  /** Collect process and Node.js runtime metrics (default true). */
  readonly defaultMetrics?: boolean;
}

/**
 * prom-client's gauges that end in `_total`, which `promtool check metrics`
 * rejects (only counters may). Each is the sum of its per-type sibling without
 * the suffix (`nodejs_active_handles{type}`), so dropping it loses nothing.
 */
const NON_COUNTER_TOTALS = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
] as const;

/**
 * Creates the service's metric registry. Register instruments on it:
 * `new Counter({ name, help, registers: [registry] })`.
 */
export function createMetrics(options: MetricsOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    for (const name of NON_COUNTER_TOTALS) registry.removeSingleMetric(name);
  }
  return registry;
}
