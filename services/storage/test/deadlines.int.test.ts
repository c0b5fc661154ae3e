// Cancellation flows into PostgreSQL: an RPC's deadline becomes the statement
// timeout of its queries, so when the deadline passes the query is stopped by
// PostgreSQL itself (not just abandoned by the client), and the caller gets
// deadline_exceeded. A table lock held by the test makes the query wait.
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { StorageService } from "@gifmesh/shared/contracts";
import { sql } from "kysely";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import type { Storage } from "../src/storage.ts";
import { bounded } from "../src/infrastructure/db/call-bounds.ts";
import { createTestBed, startTestStorage } from "./helpers.ts";

let databaseUrl: string;
let app: Storage;

beforeAll(async () => {
  const bed = await createTestBed();
  databaseUrl = bed.env.DATABASE_URL;
  ({ app } = await startTestStorage(bed.env, bed.topics));
});

/** Storage's sessions still waiting on a lock. */
async function waitingStorageQueries(admin: pg.Client): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(
    `select count(*) as n from pg_stat_activity
      where datname = current_database() and application_name = 'gifmesh-storage'
        and wait_event_type = 'Lock'`,
  );
  return Number(rows[0]?.n ?? 0);
}

describe("deadlines reach PostgreSQL", () => {
  it("an RPC past its deadline gets deadline_exceeded and its query is stopped", async () => {
    const client = createClient(StorageService, createGrpcTransport({ baseUrl: app.rpc.url }));
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      await locker.query("begin");
      await locker.query("lock table search_results in access exclusive mode");
      const error = await client.searchGifs({ query: "otter", limit: 2 }, { timeoutMs: 300 }).then(
        () => undefined,
        (e: unknown) => ConnectError.from(e),
      );
      expect(error?.code).toBe(Code.DeadlineExceeded);
      // The lock is still held: only statement_timeout can have ended storage's wait.
      const deadline = Date.now() + 3_000;
      let waiting = await waitingStorageQueries(locker);
      while (waiting > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        waiting = await waitingStorageQueries(locker);
      }
      expect(waiting).toBe(0);
    } finally {
      await locker.query("rollback").catch(() => undefined);
      await locker.end();
    }
    // Without the lock the same call works.
    expect(
      (await client.searchGifs({ query: "otter", limit: 2 }, { timeoutMs: 5_000 })).gifs,
    ).toHaveLength(2);
  });

  it("bounded() stops a statement at the deadline and stops waiting on abort", async () => {
    const db = app.database.db;
    const started = Date.now();
    await expect(
      bounded(db, { deadline: Date.now() + 200 }, (conn) => sql`select pg_sleep(5)`.execute(conn)),
    ).rejects.toMatchObject({ code: "57014" });
    expect(Date.now() - started).toBeLessThan(4_000);

    const controller = new AbortController();
    setTimeout(() => {
      controller.abort(new Error("client went away"));
    }, 100);
    await expect(
      bounded(db, { signal: controller.signal }, (conn) => sql`select pg_sleep(0.5)`.execute(conn)),
    ).rejects.toThrow("client went away");
    await expect(
      bounded(db, { signal: controller.signal }, () => Promise.resolve(1)),
    ).rejects.toThrow("client went away");
  });
});
