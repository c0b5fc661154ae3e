// The retention job against real PostgreSQL, with rows back-dated:
// old result pages, old sent outbox rows and old processed-event ids go, in
// batches; a page within its freshness TTL, unsent and parked outbox rows, the
// request of a GIF still pending, and recent processed ids stay. Two jobs running
// at once (two storage instances) prune each row once, without errors.
import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { markArchived } from "../src/infrastructure/db/archive-repository.ts";
import { upsertGifs } from "../src/infrastructure/db/gif-repository.ts";
import { enqueue } from "../src/infrastructure/db/outbox-repository.ts";
import type { DB } from "../src/infrastructure/db/schema.ts";
import { createRetentionJob } from "../src/infrastructure/retention/retention-job.ts";
import { createFixtureServer } from "@gifmesh/giphy-fixture";
import { waitFor } from "@gifmesh/shared/testing";
import {
  createMigratedDatabase,
  quietLogger,
  startTestStorage,
  testGif,
  uniqueTopics,
} from "./helpers.ts";

const DAY = 86_400_000;
let databaseUrl: string;
let db: Kysely<DB>;

beforeAll(async () => {
  ({ url: databaseUrl, db } = await createMigratedDatabase({ max: 6 }));
});

beforeEach(async () => {
  for (const table of ["search_results", "outbox", "processed_events", "gifs"] as const)
    await db.deleteFrom(table).execute();
});

const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

const job = (overrides: Partial<Parameters<typeof createRetentionJob>[0]> = {}) =>
  createRetentionJob({
    db,
    logger: quietLogger(),
    searchResultsDays: 30,
    searchTtlMs: 300_000,
    outboxSentDays: 30,
    processedEventsDays: 30,
    intervalMs: 3_600_000,
    batchSize: 7,
    ...overrides,
  });

async function page(key: string, fetchedAt: Date): Promise<void> {
  await db
    .insertInto("search_results")
    .values({ result_key: key, gif_ids: [], total_count: 0, fetched_at: fetchedAt })
    .execute();
}

async function outboxRow(
  gifId: string,
  state: { sentAt?: Date | null; parkedAt?: Date | null },
): Promise<string> {
  const eventId = randomUUID();
  await enqueue(db, [
    { eventId, aggregateId: gifId, topic: "t", key: gifId, payload: Buffer.from("x"), headers: {} },
  ]);
  await db
    .updateTable("outbox")
    .set({ sent_at: state.sentAt ?? null, parked_at: state.parkedAt ?? null })
    .where("event_id", "=", eventId)
    .execute();
  return eventId;
}

async function processed(count: number, at: Date): Promise<void> {
  await db
    .insertInto("processed_events")
    .values(
      Array.from({ length: count }, () => ({
        event_id: randomUUID(),
        topic: "t",
        processed_at: at,
      })),
    )
    .execute();
}

const count = async (table: "search_results" | "outbox" | "processed_events") =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe("retention", () => {
  it("prunes what is old and keeps what must stay", async () => {
    for (let i = 0; i < 20; i++) await page(`old-${i}`, daysAgo(31 + i));
    await page("recent", daysAgo(29));
    await page("fresh", new Date());

    await upsertGifs(
      db,
      ["done", "waiting"].map((id) => testGif(id)),
      daysAgo(60),
    );
    await markArchived(db, {
      gifId: "done",
      objectKey: "k",
      sha256: "s",
      sizeBytes: 1,
      contentType: "image/gif",
      rendition: "original",
      width: 1,
      height: 1,
      frameCount: 1,
      durationMs: 0,
      at: daysAgo(50),
    });
    const prunable: string[] = [];
    for (let i = 0; i < 10; i++) prunable.push(await outboxRow("done", { sentAt: daysAgo(40) }));
    const keep = {
      recentlySent: await outboxRow("done", { sentAt: daysAgo(10) }),
      unsent: await outboxRow("done", {}),
      parked: await outboxRow("done", { parkedAt: daysAgo(90) }),
      pendingGifRequest: await outboxRow("waiting", { sentAt: daysAgo(40) }),
    };
    // Everything back-dated, created_at too: only sent_at may decide.
    await sql`update outbox set created_at = now() - interval '100 days'`.execute(db);
    await processed(25, daysAgo(31));
    await processed(3, daysAgo(1));

    const pruned: Record<string, number> = {};
    const pass = await job({
      onPruned: (table, rows) => (pruned[table] = (pruned[table] ?? 0) + rows),
    }).runOnce();
    expect(pass).toEqual({ search_results: 20, outbox: 10, processed_events: 25 });
    expect(pruned).toEqual(pass);

    const pages = await db.selectFrom("search_results").select("result_key").execute();
    expect(pages.map((p) => p.result_key).sort()).toEqual(["fresh", "recent"]);
    const left = await db.selectFrom("outbox").select("event_id").execute();
    expect(left.map((r) => r.event_id).sort()).toEqual(Object.values(keep).sort());
    expect(await count("processed_events")).toBe(3);
    // A second pass finds nothing more.
    expect(await job().runOnce()).toEqual({ search_results: 0, outbox: 0, processed_events: 0 });
  });

  it("never prunes a page within its freshness TTL, whatever the retention says", async () => {
    await page("an-hour-old", new Date(Date.now() - 3_600_000));
    await page("two-days-old", daysAgo(2));
    const pass = await job({ searchResultsDays: 1, searchTtlMs: 2 * 3_600_000 }).runOnce();
    expect(pass.search_results).toBe(1);
    expect(await count("search_results")).toBe(1);
  });

  it("two jobs at once prune each row once, without errors", async () => {
    await processed(500, daysAgo(40));
    for (let i = 0; i < 200; i++) await page(`p-${i}`, daysAgo(40));
    const [a, b] = await Promise.all([
      job({ batchSize: 10 }).runOnce(),
      job({ batchSize: 10 }).runOnce(),
    ]);
    expect(a.processed_events + b.processed_events).toBe(500);
    expect(a.search_results + b.search_results).toBe(200);
    expect(await count("processed_events")).toBe(0);
    expect(await count("search_results")).toBe(0);
  });

  it("bounds one pass, and the next pass continues", async () => {
    await processed(50, daysAgo(40));
    const bounded = job({ batchSize: 10, maxBatchesPerRun: 2 });
    expect((await bounded.runOnce()).processed_events).toBe(20);
    expect((await bounded.runOnce()).processed_events).toBe(20);
    expect(await count("processed_events")).toBe(10);
  });

  it("runs on its timer in a running storage", async () => {
    await processed(5, daysAgo(40));
    const fixture = await createFixtureServer({ port: 0 });
    const { app, abort } = await startTestStorage(
      { DATABASE_URL: databaseUrl, GIPHY_BASE_URL: fixture.baseUrl, RETENTION_INTERVAL_MS: "200" },
      uniqueTopics(),
    );
    try {
      await waitFor(
        "pruned by the running job",
        async () => ((await count("processed_events")) === 0 ? true : undefined),
        10_000,
      );
    } finally {
      abort.abort();
      await app.close();
      await fixture.close();
    }
  });
});
