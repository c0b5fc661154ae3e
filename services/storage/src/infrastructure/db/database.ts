// The connection pool and Kysely instance. pg's Pool reconnects on its own; a
// connection error on an idle client is logged, not fatal, so PostgreSQL can come
// and go while storage keeps running (and reports not ready meanwhile).
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Logger } from "@gifmesh/shared/logging";
import type { DB } from "./schema.ts";

export interface Database {
  readonly db: Kysely<DB>;
  /** Resolves when PostgreSQL answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createDatabase(options: { url: string; max: number; logger: Logger }): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
    application_name: "gifmesh-storage",
  });
  pool.on("error", (error) => {
    options.logger.warn("idle postgres connection failed", { err: error });
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    db,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
