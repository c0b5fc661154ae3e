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
 * Creates the service's metric registry. Register instruments on it:
 * `new Counter({ name, help, registers: [registry] })`.
 */
export function createMetrics(options: MetricsOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}
