// Storage's process (runService): config, runtime (logging, tracing, metrics, signals),
// storage itself (storage.ts), the admin server, and graceful shutdown. Starts before its
// dependencies and reports not-ready (/readyz, gRPC health NOT_SERVING) until PostgreSQL
// answers. On SIGTERM the admin server goes first, then storage.
import { runService } from "@gifmesh/shared/runtime";
import { startStorage } from "./storage.ts";
import { storageConfigSchema } from "./config.ts";
import { bindStorageGauges, createStorageMetrics } from "./metrics.ts";

runService({
  name: "storage",
  schema: storageConfigSchema,
  start: ({ config, logger, shutdown, registry }) =>
    startStorage(config, {
      logger,
      metrics: createStorageMetrics(registry),
      signal: shutdown.signal,
      registry,
      bindGauges: (sources) => {
        bindStorageGauges(registry, sources);
      },
    }),
});
