// Storage starts before PostgreSQL may be up: the schema is migrated in the
// background, retried (logged) until PostgreSQL answers or shutdown aborts, and
// storage reports not ready (/readyz "migrations", gRPC health NOT_SERVING) meanwhile.
// Nothing that writes (the relay, the results consumer, retention) starts before.
import type { ReadinessCheck } from "@gifmesh/shared/admin";
import { retryUntil } from "@gifmesh/shared/lifecycle";
import type { Logger } from "@gifmesh/shared/logging";
import type { Kysely } from "kysely";
import { migrateToLatest } from "../infrastructure/db/migrator.ts";
import type { DB } from "../infrastructure/db/schema.ts";

export interface Migrations {
  /** Resolves once every migration is applied; rejects with the abort reason if stopped first. */
  readonly done: Promise<void>;
  /** Fails until `done` resolved. */
  readonly readiness: ReadinessCheck;
}

export function migrateInBackground(
  db: Kysely<DB>,
  deps: { readonly logger: Logger; readonly signal: AbortSignal },
): Migrations {
  const { logger, signal } = deps;
  let applied = false;
  const done = retryUntil(
    "postgres migrations",
    async () => {
      for (const r of await migrateToLatest(db))
        logger.info("migration applied", { migration: r.migrationName, status: r.status });
    },
    { logger, signal },
  ).then(() => {
    applied = true;
  });
  return {
    done,
    readiness: {
      name: "migrations",
      check: () =>
        applied ? Promise.resolve() : Promise.reject(new Error("migrations not applied yet")),
    },
  };
}
