// Composition root of the storage service: config, logging, tracing, metrics,
// the admin server, the app, and graceful shutdown. Starts before its dependencies
// and reports not-ready (/readyz, gRPC health NOT_SERVING) until PostgreSQL answers.
import { startAdminServer } from "@gifmesh/shared/admin";
import { loadConfigOrExit } from "@gifmesh/shared/config";
import { createShutdown } from "@gifmesh/shared/lifecycle";
import { createLogger } from "@gifmesh/shared/logging";
import { createMetrics } from "@gifmesh/shared/metrics";
import { startTracing } from "@gifmesh/shared/tracing";
import { startStorage } from "./app.ts";
import { storageConfigSchema } from "./config.ts";
import { bindStorageGauges, createStorageMetrics } from "./metrics.ts";

const config = loadConfigOrExit(storageConfigSchema);
const logger = createLogger({ service: "storage", level: config.LOG_LEVEL });
const tracing = startTracing({
  serviceName: "storage",
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  enabled: !config.OTEL_SDK_DISABLED,
  logger,
});
const shutdown = createShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
shutdown.onShutdown("tracing", () => tracing.shutdown());
shutdown.installSignalHandlers();

const registry = createMetrics({ service: "storage" });
const metrics = createStorageMetrics(registry);
const app = await startStorage(config, {
  logger,
  metrics,
  signal: shutdown.signal,
  registry,
  bindGauges: (sources) => {
    bindStorageGauges(registry, sources);
  },
});
shutdown.onShutdown("storage", () => app.close());
const admin = await startAdminServer({
  host: config.ADMIN_HOST,
  port: config.ADMIN_PORT,
  registry,
  logger,
  readiness: app.readiness,
});
shutdown.onShutdown("admin", () => admin.close());
