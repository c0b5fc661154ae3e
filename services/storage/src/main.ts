// Storage's process: config, runtime (logging, tracing, metrics, signals), storage
// itself (storage.ts), the admin server, and graceful shutdown. Starts before its dependencies
// and reports not-ready (/readyz, gRPC health NOT_SERVING) until PostgreSQL answers.
import { startAdminServer } from "@gifmesh/shared/admin";
import { startServiceRuntime } from "@gifmesh/shared/runtime";
import { startStorage } from "./storage.ts";
import { storageConfigSchema } from "./config.ts";
import { bindStorageGauges, createStorageMetrics } from "./metrics.ts";

const { config, logger, shutdown, registry } = startServiceRuntime("storage", storageConfigSchema);
const metrics = createStorageMetrics(registry);
const storage = await startStorage(config, {
  logger,
  metrics,
  signal: shutdown.signal,
  registry,
  bindGauges: (sources) => {
    bindStorageGauges(registry, sources);
  },
});
shutdown.onShutdown("storage", () => storage.close());
const admin = await startAdminServer({
  host: config.ADMIN_HOST,
  port: config.ADMIN_PORT,
  token: config.ADMIN_TOKEN,
  registry,
  logger,
  readiness: storage.readiness,
});
shutdown.onShutdown("admin", () => admin.close());
