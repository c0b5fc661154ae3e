// The connection pool and Kysely instance. pg's Pool reconnects on its own; a
// connection error on an idle client is logged, not fatal, so PostgreSQL can come
// and go while storage keeps running (and reports not ready meanwhile).
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Logger } from "@gifmesh/shared/logging";
import { bounded } from "./call-bounds.ts";
import type { DB } from "./schema.ts";

export interface Database {
  readonly db: Kysely<DB>;
  /** Resolves when PostgreSQL answers a trivial query. */
  ping(signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export function createDatabase(options: {
  url: string;
  max: number;
  logger: Logger;
  /** Shown in pg_stat_activity (default gifmesh-storage). */
  applicationName?: string;
  /** Server-side cap per statement; 0 = none. */
  statementTimeoutMs?: number;
}): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? "gifmesh-storage",
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
  });
  pool.on("error", (error) => {
    options.logger.warn("idle postgres connection failed", { err: error });
  });
  // The pool listens for errors only on IDLE clients. A checked-out client with no
  // query in flight (a transaction between statements, e.g. the relay waiting for
  // Kafka) that PostgreSQL terminates (57P01 on shutdown or failover) emits "error"
  // with no listener, and an unhandled "error" event kills the process: storage then
  // stayed down after PostgreSQL returned. With a listener the client is only marked
  // broken: its next query fails, and the pool discards it on release.
  pool.on("connect", (client) => {
    client.on("error", (error) => {
      options.logger.warn("postgres connection failed", { err: error });
    });
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    db,
    async ping(signal?: AbortSignal) {
      await bounded(db, { signal }, (conn) => sql`select 1`.execute(conn));
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
