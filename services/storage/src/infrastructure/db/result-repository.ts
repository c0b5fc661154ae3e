// Stored answers (a page of GIF ids, and the payload of answers that are more than
// that), keyed by the request.
import type { Kysely } from "kysely";
import type { DB } from "./schema.ts";

export async function saveResult(
  db: Kysely<DB>,
  key: string,
  gifIds: readonly string[],
  totalCount: number,
  at: Date,
  payload?: unknown,
): Promise<void> {
  await db
    .insertInto("search_results")
    .values({
      result_key: key,
      gif_ids: [...gifIds],
      total_count: totalCount,
      fetched_at: at,
      payload: payload === undefined ? null : JSON.stringify(payload),
    })
    .onConflict((oc) =>
      oc.column("result_key").doUpdateSet((eb) => ({
        gif_ids: eb.ref("excluded.gif_ids"),
        total_count: eb.ref("excluded.total_count"),
        fetched_at: eb.ref("excluded.fetched_at"),
        payload: eb.ref("excluded.payload"),
      })),
    )
    .execute();
}

export async function findResult(db: Kysely<DB>, key: string) {
  return db
    .selectFrom("search_results")
    .selectAll()
    .where("result_key", "=", key)
    .executeTakeFirst();
}
