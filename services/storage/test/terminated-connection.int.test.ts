// PostgreSQL terminating a connection that storage has checked out between two
// statements (what a shutdown or a failover does: 57P01) must cost that transaction,
// not the process. pg's pool listens for errors only on idle clients, so without a
// listener of our own the client's "error" event was unhandled and killed storage
// in the fault suite's (d) PostgreSQL phase.
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../src/infrastructure/db/database.ts";
import { createTestDatabase, quietLogger } from "./helpers.ts";

let database: { url: string; drop: () => Promise<void> };
let storageDb: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  storageDb = createDatabase({ url: database.url, max: 2, logger: quietLogger() });
});
afterAll(async () => {
  await storageDb.close();
  await database.drop();
});

describe("a checked-out connection terminated by PostgreSQL", () => {
  it("fails its transaction, leaves the process running, and the pool serves again", async () => {
    const unhandled: unknown[] = [];
    const onUncaught = (error: unknown) => unhandled.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      const outcome = await storageDb.db
        .transaction()
        .execute(async (trx) => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
          // Idle in transaction, no query in flight: terminated from another session.
          const admin = new pg.Client({ connectionString: database.url });
          await admin.connect();
          await admin.query("select pg_terminate_backend($1)", [rows[0]?.pid]);
          await admin.end();
          await new Promise((resolve) => setTimeout(resolve, 200));
          await sql`select 1`.execute(trx);
        })
        .then(
          () => "committed",
          () => "failed",
        );
      expect(outcome).toBe("failed");
      expect(unhandled).toEqual([]);
      await storageDb.ping();
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });
});
