// The retention job: keeps search_results, the sent rows of the outbox and the
// processed-event ledger from growing without bound. Started by the composition
// (storage.ts) on a timer once migrations ran; each pass prunes each table in bounded batches
// (retention-queries.ts) until a batch comes back short or `maxBatchesPerRun` is
// reached, so one pass never holds a long lock nor a pool connection for long.
// Two instances may run it at the same time (SKIP LOCKED splits the rows).
//
// What is never pruned:
// - a search page younger than its freshness TTL, whatever the retention says
//   (the cutoff is the older of the two);
// - an unsent or parked outbox row, or the request of a GIF still pending;
// - a processed event younger than RETENTION_PROCESSED_EVENTS_DAYS, which must
//   outlive any redelivery of its event (docs/operations.md, "Retention").
import type { Logger } from "@gifmesh/shared/logging";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";
import {
  pruneProcessedEvents,
  pruneSearchResults,
  pruneSentOutbox,
  type PrunedTable,
} from "./retention-queries.ts";

const DAY_MS = 86_400_000;

export interface RetentionOptions {
  readonly db: Kysely<DB>;
  readonly logger: Logger;
  readonly searchResultsDays: number;
  /** The longest freshness TTL of a stored page (search, trending); never pruned younger. */
  readonly searchTtlMs: number;
  readonly outboxSentDays: number;
  readonly processedEventsDays: number;
  /** Between passes; the first pass runs after min(interval, 60 s). */
  readonly intervalMs: number;
  readonly batchSize: number;
  /** Bound on one table's batches in one pass; the next pass continues. Default 100. */
  readonly maxBatchesPerRun?: number;
  readonly now?: () => Date;
  readonly onPruned?: (table: PrunedTable, rows: number) => void;
  readonly onError?: (error: unknown) => void;
}

export interface RetentionJob {
  start(): void;
  /** One pass over every table; returns the rows pruned per table. */
  runOnce(): Promise<Record<PrunedTable, number>>;
  /** Stops the timer and waits for a running pass. */
  stop(): Promise<void>;
}

type Prune = (db: Kysely<DB>, cutoff: Date, limit: number) => Promise<number>;

export function createRetentionJob(options: RetentionOptions): RetentionJob {
  const { db, logger } = options;
  const now = options.now ?? (() => new Date());
  const maxBatches = options.maxBatchesPerRun ?? 100;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  async function pruneTable(prune: Prune, cutoff: Date): Promise<number> {
    let total = 0;
    for (let batch = 0; batch < maxBatches && !stopped; batch++) {
      const rows = await prune(db, cutoff, options.batchSize);
      total += rows;
      if (rows < options.batchSize) break;
    }
    return total;
  }

  async function runOnce(): Promise<Record<PrunedTable, number>> {
    const at = now().getTime();
    const tables: [PrunedTable, Prune, Date][] = [
      [
        "search_results",
        pruneSearchResults,
        new Date(at - Math.max(options.searchResultsDays * DAY_MS, options.searchTtlMs)),
      ],
      ["outbox", pruneSentOutbox, new Date(at - options.outboxSentDays * DAY_MS)],
      [
        "processed_events",
        pruneProcessedEvents,
        new Date(at - options.processedEventsDays * DAY_MS),
      ],
    ];
    const pruned: Record<PrunedTable, number> = {
      search_results: 0,
      outbox: 0,
      processed_events: 0,
    };
    for (const [table, prune, cutoff] of tables) {
      pruned[table] = await pruneTable(prune, cutoff);
      if (pruned[table] > 0) options.onPruned?.(table, pruned[table]);
    }
    logger.info("retention pass done", { pruned });
    return pruned;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      const pass = runOnce().catch((error: unknown) => {
        options.onError?.(error);
        logger.warn("retention pass failed; the next one retries", { err: error });
      });
      running = pass;
      void pass.finally(() => {
        running = undefined;
        schedule(options.intervalMs);
      });
    }, delayMs);
    timer.unref();
  }

  return {
    start() {
      if (timer === undefined && !stopped) schedule(Math.min(options.intervalMs, 60_000));
    },
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
