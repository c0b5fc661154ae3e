// A GIF whose archive failed must not stay failed for good when the cause was
// transient: it is asked for again, through the catalog store against real
// PostgreSQL: a transient failure is re-requested by a later save from Giphy once
// its backoff has passed (a new ArchiveRequested outbox row, the GIF pending
// again), with doubling waits and a bound; a permanent failure never is; two
// concurrent saves re-request it once.
import { fromBinary } from "@bufbuild/protobuf";
import { ArchiveRequestedSchema } from "@gifmesh/shared/contracts";
import type { Kysely } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import type { CatalogStore } from "../src/application/ports.ts";
import type { GifMetadata } from "../src/domain/gif.ts";
import { markFailed } from "../src/infrastructure/db/archive-repository.ts";
import { createCatalogStore } from "../src/infrastructure/db/catalog-store.ts";
import { findGifRow } from "../src/infrastructure/db/gif-repository.ts";
import type { DB } from "../src/infrastructure/db/schema.ts";
import { createMigratedDatabase, testGif } from "./helpers.ts";

const HOUR = 3_600_000;
const TOPIC = "test.rerequest.requested";
let db: Kysely<DB>;
let now = new Date("2026-06-01T00:00:00Z");
let store: CatalogStore;

beforeAll(async () => {
  ({ db } = await createMigratedDatabase({ max: 4 }));
  store = createCatalogStore({
    db,
    clock: { now: () => now },
    requestedTopic: TOPIC,
    rerequest: { backoffMs: HOUR, maxRerequests: 2 },
  });
});

const withOriginal = (id: string): GifMetadata =>
  testGif(id, [
    {
      name: "original",
      url: `https://media.giphy.com/media/${id}/giphy.gif`,
      width: 1,
      height: 1,
      sizeBytes: 10,
      frames: 1,
      mp4Url: "",
      mp4SizeBytes: 0,
      webpUrl: "",
      webpSizeBytes: 0,
    },
  ]);
const save = (...ids: string[]) =>
  store.saveFromGiphy({ gifs: ids.map(withOriginal), totalCount: ids.length, traceHeaders: {} });
const requestsOf = async (gifId: string) =>
  (
    await db
      .selectFrom("outbox")
      .select("payload")
      .where("aggregate_id", "=", gifId)
      .orderBy("id")
      .execute()
  ).map((row) => fromBinary(ArchiveRequestedSchema, row.payload));
const fail = (gifId: string, code: string) =>
  markFailed(db, { gifId, code, reason: "test", attempts: 5, at: now });
const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

describe("re-requesting failed archives", () => {
  it("asks again after 1 h, then 2 h, then never, for a transient failure", async () => {
    await save("rr-timeout");
    expect(await requestsOf("rr-timeout")).toHaveLength(1);

    await fail("rr-timeout", "ARCHIVE.TIMEOUT");
    advance(HOUR - 1_000);
    await save("rr-timeout");
    expect(await requestsOf("rr-timeout")).toHaveLength(1);
    expect((await findGifRow(db, "rr-timeout"))?.archive_state).toBe("failed");

    advance(1_000);
    await save("rr-timeout");
    const requests = await requestsOf("rr-timeout");
    expect(requests).toHaveLength(2);
    expect(requests[1]?.sourceUrl).toBe("https://media.giphy.com/media/rr-timeout/giphy.gif");
    expect(requests[1]?.eventId).not.toBe(requests[0]?.eventId);
    const pending = await findGifRow(db, "rr-timeout");
    expect(pending?.archive_state).toBe("pending");
    expect(pending?.archive_rerequests).toBe(1);
    expect(pending?.archive_requested_at).toEqual(now);

    // Failed again: the next wait is 2 h, and the bound (2) is reached after it.
    await fail("rr-timeout", "ARCHIVE.UPSTREAM_ERROR");
    advance(HOUR);
    await save("rr-timeout");
    expect(await requestsOf("rr-timeout")).toHaveLength(2);
    advance(HOUR);
    await save("rr-timeout");
    expect(await requestsOf("rr-timeout")).toHaveLength(3);
    await fail("rr-timeout", "ARCHIVE.TIMEOUT");
    advance(100 * HOUR);
    await save("rr-timeout");
    expect(await requestsOf("rr-timeout")).toHaveLength(3);
    expect((await findGifRow(db, "rr-timeout"))?.archive_state).toBe("failed");
  });

  it("never asks again for a permanent failure", async () => {
    await save("rr-notgif", "rr-toolarge");
    await fail("rr-notgif", "ARCHIVE.NOT_A_GIF");
    await fail("rr-toolarge", "ARCHIVE.TOO_LARGE");
    advance(1_000 * HOUR);
    await save("rr-notgif", "rr-toolarge");
    expect(await requestsOf("rr-notgif")).toHaveLength(1);
    expect(await requestsOf("rr-toolarge")).toHaveLength(1);
  });

  it("re-requests once when two saves see the failed GIF together", async () => {
    await save("rr-race");
    await fail("rr-race", "ARCHIVE.TIMEOUT");
    advance(2 * HOUR);
    await Promise.all([save("rr-race"), save("rr-race"), save("rr-race")]);
    expect(await requestsOf("rr-race")).toHaveLength(2);
    expect((await findGifRow(db, "rr-race"))?.archive_rerequests).toBe(1);
  });
});
