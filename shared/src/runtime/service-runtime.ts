// What every service's composition root does before it builds anything of its own:
// read and validate the environment, create the logger, join tracing, arm graceful
// shutdown on SIGTERM/SIGINT and open the metrics registry. One place, so the three
// main.ts files start alike and differ only in what is really theirs.
import type { z } from "zod";
import { loadConfigOrExit, type BaseConfig } from "../config/index.ts";
import { createShutdown, type Shutdown } from "../lifecycle/index.ts";
import { createLogger, type Logger } from "../logging/index.ts";
import { createMetrics, type Registry } from "../metrics/index.ts";
import { startTracing } from "../tracing/index.ts";

/** What {@link startServiceRuntime} gives a service's main.ts. */
export interface ServiceRuntime<C extends BaseConfig> {
  readonly config: Readonly<C>;
  readonly logger: Logger;
  /** Closers registered here run in reverse order; tracing is flushed last. */
  readonly shutdown: Shutdown;
  /** The service's metrics registry, with Node.js runtime metrics. */
  readonly registry: Registry;
}

/**
 * Validates the environment against `schema` (exits 1 listing every problem), then
 * creates the logger, tracing, signal-driven shutdown and metrics for `service`.
 */
export function startServiceRuntime<S extends z.ZodType<BaseConfig>>(
  service: string,
  schema: S,
): ServiceRuntime<z.output<S>> {
  const config = loadConfigOrExit(schema);
  const logger = createLogger({ service, level: config.LOG_LEVEL });
  const tracing = startTracing({
    serviceName: service,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    enabled: !config.OTEL_SDK_DISABLED,
    logger,
  });
  const shutdown = createShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  shutdown.onShutdown("tracing", () => tracing.shutdown());
  shutdown.installSignalHandlers();
  return { config, logger, shutdown, registry: createMetrics({ service }) };
}
