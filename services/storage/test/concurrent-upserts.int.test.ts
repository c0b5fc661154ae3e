// Concurrent searches whose pages share GIFs upsert them at the same time. Each
// transaction must lock the shared rows in one order, or PostgreSQL aborts one of
// them with "deadlock detected" and that search fails (seen under `make load`).
import type { Kysely } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { upsertGifs } from "../src/infrastructure/db/gif-repository.ts";
import type { DB } from "../src/infrastructure/db/schema.ts";
import { createMigratedDatabase, testGif } from "./helpers.ts";

let db: Kysely<DB>;

beforeAll(async () => {
  ({ db } = await createMigratedDatabase({ max: 8 }));
});

const gif = (id: string) =>
  testGif(id, [
    {
      name: "original",
      url: `https://media.example/${id}.gif`,
      width: 1,
      height: 1,
      sizeBytes: 1,
      frames: 1,
      mp4Url: "",
      mp4SizeBytes: 0,
      webpUrl: "",
      webpSizeBytes: 0,
    },
  ]);

describe("upsertGifs", () => {
  it("pages sharing GIFs in different orders, saved at once, never deadlock", async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `sharedgif${String(i).padStart(2, "0")}`);
    for (let round = 0; round < 5; round++) {
      // Eight pages over the same GIFs, each in its own order (rotated, half reversed).
      const pages = Array.from({ length: 8 }, (_, p) => {
        const rotated = [...ids.slice(p * 5), ...ids.slice(0, p * 5)];
        return p % 2 === 0 ? rotated : rotated.reverse();
      });
      const results = await Promise.allSettled(
        pages.map((page) =>
          db.transaction().execute(async (trx) => {
            await upsertGifs(trx, page.map(gif), new Date());
          }),
        ),
      );
      const failures = results.flatMap((r) =>
        r.status === "rejected" ? [(r.reason as Error).message] : [],
      );
      expect(failures).toEqual([]);
    }
    const count = await db
      .selectFrom("gifs")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(ids.length);
  });
});
