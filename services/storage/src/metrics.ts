// Storage's own Prometheus metrics, registered on the service registry.
import { Counter, type Registry } from "@gifmesh/shared/metrics";

export function createStorageMetrics(registry: Registry) {
  return {
    giphyCalls: new Counter({
      name: "gifmesh_storage_giphy_calls_total",
      help: "Giphy HTTP attempts by endpoint and outcome",
      labelNames: ["endpoint", "outcome"],
      registers: [registry],
    }),
    staleServed: new Counter({
      name: "gifmesh_storage_stale_served_total",
      help: "Answers served from stored data because Giphy failed",
      labelNames: ["operation"],
      registers: [registry],
    }),
    outboxPublished: new Counter({
      name: "gifmesh_storage_outbox_published_total",
      help: "Outbox rows published to Kafka",
      registers: [registry],
    }),
    outboxErrors: new Counter({
      name: "gifmesh_storage_outbox_errors_total",
      help: "Failed outbox relay cycles",
      registers: [registry],
    }),
    resultsConsumed: new Counter({
      name: "gifmesh_storage_archive_results_total",
      help: "Archive result events by topic and outcome",
      labelNames: ["topic", "outcome"],
      registers: [registry],
    }),
  };
}

export type StorageMetrics = ReturnType<typeof createStorageMetrics>;
