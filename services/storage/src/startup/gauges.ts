// What the scrape-time gauges read: the Giphy breaker's state, and the outbox's
// backlog and age from the background pool, bounded in time so that a scrape never
// hangs on PostgreSQL.
import type { Logger } from "@gifmesh/shared/logging";
import type { Kysely } from "kysely";
import { bounded } from "../infrastructure/db/call-bounds.ts";
import { outboxStats } from "../infrastructure/db/outbox-repository.ts";
import type { DB } from "../infrastructure/db/schema.ts";
import type { CircuitBreaker } from "../infrastructure/giphy/circuit-breaker.ts";
import type { StorageGaugeSources } from "../metrics.ts";

/** How long the scrape-time read of the outbox backlog may take. */
export const GAUGE_READ_TIMEOUT_MS = 2_000;

export function gaugeSources(deps: {
  readonly breaker: Pick<CircuitBreaker, "state">;
  readonly db: Kysely<DB>;
  readonly logger: Logger;
}): StorageGaugeSources {
  return {
    breakerState: () => deps.breaker.state(),
    outboxStats: () =>
      bounded(deps.db, { signal: AbortSignal.timeout(GAUGE_READ_TIMEOUT_MS) }, (conn) =>
        outboxStats(conn),
      ),
    logger: deps.logger,
  };
}
