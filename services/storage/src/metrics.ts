// Storage's own Prometheus metrics, registered on the service registry, under the
// project-wide names of @gifmesh/shared/metrics (METRIC) that the dashboards and
// alert rules use. Gauges of state held elsewhere (the Giphy breaker, the outbox
// table) are read on scrape through `bindStorageGauges`, never polled.
import { Counter, Gauge, Histogram, METRIC, type Registry } from "@gifmesh/shared/metrics";
import type { Logger } from "@gifmesh/shared/logging";
import type { BreakerState } from "./infrastructure/giphy/circuit-breaker.ts";
import type { OutboxStats } from "./infrastructure/db/outbox-repository.ts";

const GIPHY_SECONDS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BREAKER_STATES: readonly BreakerState[] = ["closed", "open", "half-open"];

export function createStorageMetrics(registry: Registry) {
  const registers = [registry];
  return {
    giphyCalls: new Counter({
      name: METRIC.giphyRequests,
      help: "Giphy HTTP attempts by endpoint and outcome (ok or a GIPHY.* code)",
      labelNames: ["endpoint", "outcome"],
      registers,
    }),
    giphyDuration: new Histogram({
      name: METRIC.giphyDuration,
      help: "Latency of Giphy HTTP attempts by endpoint",
      labelNames: ["endpoint"],
      buckets: GIPHY_SECONDS,
      registers,
    }),
    staleServed: new Counter({
      name: METRIC.giphyStaleServed,
      help: "Answers served from stored data because Giphy failed",
      labelNames: ["operation"],
      registers,
    }),
    archiveRequested: new Counter({
      name: METRIC.archiveRequested,
      help: "ArchiveRequested events written to the outbox (one per new GIF)",
      registers,
    }),
    outboxPublished: new Counter({
      name: METRIC.outboxPublished,
      help: "Outbox rows published to Kafka",
      registers,
    }),
    outboxErrors: new Counter({
      name: METRIC.outboxPublishErrors,
      help: "Failed outbox relay cycles",
      registers,
    }),
    resultsConsumed: new Counter({
      name: METRIC.archiveResults,
      help: "Archive result events handled by storage, by event and outcome (malformed, unbound and rejected went to the dead-letter topic)",
      labelNames: ["event", "outcome"],
      registers,
    }),
    resultRetries: new Counter({
      name: METRIC.archiveResultRetries,
      help: "Archive result events to be retried after a transient failure (partition paused for a backoff)",
      labelNames: ["event"],
      registers,
    }),
    outboxParked: new Counter({
      name: METRIC.outboxParked,
      help: "Outbox rows parked because Kafka refused them for good (too large, invalid topic)",
      registers,
    }),
    archiveRerequested: new Counter({
      name: METRIC.archiveRerequested,
      help: "Failed GIFs requested again under the re-request policy",
      registers,
    }),
    retentionPruned: new Counter({
      name: METRIC.retentionPruned,
      help: "Rows deleted by the retention job, by table",
      labelNames: ["table"],
      registers,
    }),
    retentionErrors: new Counter({
      name: METRIC.retentionErrors,
      help: "Retention passes that failed (the next pass retries)",
      registers,
    }),
  };
}

export type StorageMetrics = ReturnType<typeof createStorageMetrics>;

/** Sources of the gauges computed on scrape. */
export interface StorageGaugeSources {
  readonly breakerState: () => BreakerState;
  /** Should be bounded in time (a scrape must not hang on PostgreSQL). */
  readonly outboxStats: () => Promise<OutboxStats>;
  readonly logger: Logger;
}

/** Registers the breaker-state and outbox gauges, read when Prometheus scrapes. */
export function bindStorageGauges(registry: Registry, sources: StorageGaugeSources): void {
  new Gauge({
    name: METRIC.giphyBreakerState,
    help: "Giphy circuit breaker: 1 for the current state (closed, open, half_open)",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const current = sources.breakerState();
      for (const state of BREAKER_STATES)
        this.set({ state: state.replace("-", "_") }, state === current ? 1 : 0);
    },
  });
  // One query per scrape feeds both gauges; the first collect() starts it, the
  // second joins it. On a PostgreSQL failure the last values stay (readiness
  // reports the outage).
  let pending: Promise<void> | undefined;
  const refresh = (): Promise<void> =>
    (pending ??= sources
      .outboxStats()
      .then(
        (stats) => {
          backlog.set(stats.backlog);
          oldest.set(stats.oldestAgeSeconds);
          parked.set(stats.parked);
        },
        (error: unknown) => {
          sources.logger.debug("outbox gauges not refreshed", { err: error });
        },
      )
      .finally(() => {
        pending = undefined;
      }));
  const backlog = new Gauge({
    name: METRIC.outboxBacklog,
    help: "Outbox rows not yet published to Kafka, parked ones aside (saturates at 100000)",
    registers: [registry],
    collect: refresh,
  });
  const oldest = new Gauge({
    name: METRIC.outboxOldestAge,
    help: "Age of the oldest unpublished outbox row (parked ones aside), 0 when none",
    registers: [registry],
    collect: refresh,
  });
  const parked = new Gauge({
    name: METRIC.outboxParkedRows,
    help: "Outbox rows parked now (never published; see docs/operations.md), saturates at 100000",
    registers: [registry],
    collect: refresh,
  });
}
