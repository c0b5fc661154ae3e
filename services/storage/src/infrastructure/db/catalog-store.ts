// CatalogStore over PostgreSQL: the adapter behind the use cases. `saveFromGiphy`
// is the transactional-outbox write: GIF upserts, the result page and one
// ArchiveRequested row per NEW GIF (and per failed GIF the re-request policy says
// is due, domain/archive-rerequest.ts) commit together or not at all.
import { randomUUID } from "node:crypto";
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  ARCHIVE_EVENT_SCHEMA_VERSION,
  ARCHIVE_TOPICS,
  ArchiveRequestedSchema,
} from "@gifmesh/shared/contracts";
import { injectTraceHeaders, withSpan } from "@gifmesh/shared/tracing";
import { trace } from "@opentelemetry/api";
import type { Kysely } from "kysely";
import type { CatalogStore, Clock, OutboxNotifier } from "../../application/ports.ts";
import type { RerequestPolicy } from "../../domain/archive-rerequest.ts";
import { ARCHIVED_RENDITION, type GifMetadata, type StoredGif } from "../../domain/gif.ts";
import {
  claimDueRerequests,
  findGifRow,
  findGifRows,
  findRandomGifId,
  upsertGifs,
} from "./gif-repository.ts";
import { enqueue, type NewOutboxMessage } from "./outbox-repository.ts";
import { applyDeadline, bounded } from "./call-bounds.ts";
import { withDb } from "./pg-errors.ts";
import { findResult, saveResult } from "./result-repository.ts";
import { archiveOf, toStoredGif } from "./row-mapper.ts";
import type { DB } from "./schema.ts";

/** The ArchiveRequested outbox message for a new GIF. */
export function archiveRequest(
  gif: GifMetadata,
  now: Date,
  headers: Readonly<Record<string, string>>,
  topic: string = ARCHIVE_TOPICS.requested,
): NewOutboxMessage {
  const original = gif.renditions.find((r) => r.name === ARCHIVED_RENDITION);
  const eventId = randomUUID();
  const payload = toBinary(
    ArchiveRequestedSchema,
    create(ArchiveRequestedSchema, {
      eventId,
      occurredAt: timestampFromDate(now),
      schemaVersion: ARCHIVE_EVENT_SCHEMA_VERSION,
      gifId: gif.id,
      rendition: ARCHIVED_RENDITION,
      sourceUrl: original?.url ?? "",
      expectedContentType: "image/gif",
      declaredSizeBytes: BigInt(original?.sizeBytes ?? 0),
    }),
  );
  return { eventId, aggregateId: gif.id, topic, key: gif.id, payload, headers };
}

async function loadGifs(db: Kysely<DB>, ids: readonly string[]): Promise<StoredGif[]> {
  const { gifs, renditions } = await findGifRows(db, ids);
  const byId = new Map(gifs.map((row) => [row.id, toStoredGif(row, renditions)]));
  return ids.map((id) => byId.get(id)).filter((gif) => gif !== undefined);
}

const tracer = trace.getTracer("gifmesh-storage");

/**
 * The outbox write, in the caller's transaction, as its own span: the rows store
 * THIS span's context (over the request's own headers), so each relay publish is
 * its child and the trace reads search → outbox write → send → consume.
 */
async function writeOutbox(
  trx: Kysely<DB>,
  gifs: readonly GifMetadata[],
  now: Date,
  requestHeaders: Readonly<Record<string, string>>,
  topic: string | undefined,
): Promise<void> {
  if (gifs.length === 0) return;
  await withSpan(
    tracer,
    "outbox.write",
    {
      attributes: {
        "db.system.name": "postgresql",
        "db.collection.name": "outbox",
        "db.operation.name": "INSERT",
        "messaging.destination.name": topic ?? ARCHIVE_TOPICS.requested,
        "messaging.batch.message_count": gifs.length,
      },
    },
    async () => {
      const headers = { ...requestHeaders, ...injectTraceHeaders() };
      await enqueue(
        trx,
        gifs.map((gif) => archiveRequest(gif, now, headers, topic)),
      );
    },
  );
}

/** `requestedTopic` defaults to the contract's topic; tests pass a private one. */
export function createCatalogStore(deps: {
  db: Kysely<DB>;
  clock: Clock;
  notify?: OutboxNotifier;
  requestedTopic?: string;
  /** Counts the ArchiveRequested rows of each committed write (metrics). */
  onArchiveRequested?: (count: number) => void;
  /** When a failed GIF is asked for again; default never. */
  rerequest?: RerequestPolicy;
  /** Counts the re-requests among them (metrics). */
  onRerequested?: (count: number) => void;
}): CatalogStore {
  const { db, clock } = deps;
  return {
    findResult: (key, call) =>
      withDb(() =>
        bounded(db, call, async (conn) => {
          const row = await findResult(conn, key);
          if (row === undefined) return undefined;
          return {
            gifs: await loadGifs(conn, row.gif_ids),
            totalCount: row.total_count,
            fetchedAt: row.fetched_at,
            payload: row.payload ?? null,
          };
        }),
      ),
    async saveFromGiphy(input) {
      const now = clock.now();
      let requested = 0;
      let rerequested = 0;
      input.call?.signal?.throwIfAborted();
      const gifs = await withDb(() =>
        db.transaction().execute(async (trx) => {
          await applyDeadline(trx, input.call?.deadline);
          const inserted = await upsertGifs(trx, input.gifs, now);
          if (input.key !== undefined)
            await saveResult(
              trx,
              input.key,
              input.gifs.map((g) => g.id),
              input.totalCount,
              now,
              input.payload,
            );
          const fresh = input.gifs.filter((gif) => inserted.delete(gif.id));
          const due = deps.rerequest
            ? await claimDueRerequests(
                trx,
                input.gifs.map((g) => g.id),
                deps.rerequest,
                now,
              )
            : new Set<string>();
          const again = input.gifs.filter((gif) => due.delete(gif.id));
          await writeOutbox(
            trx,
            [...fresh, ...again],
            now,
            input.traceHeaders,
            deps.requestedTopic,
          );
          requested = fresh.length + again.length;
          rerequested = again.length;
          return loadGifs(
            trx,
            input.gifs.map((g) => g.id),
          );
        }),
      );
      if (requested > 0) deps.onArchiveRequested?.(requested);
      if (rerequested > 0) deps.onRerequested?.(rerequested);
      deps.notify?.();
      return gifs;
    },
    findGifs: (ids, call) => withDb(() => bounded(db, call, (conn) => loadGifs(conn, ids))),
    findArchive: (id, call) =>
      withDb(() =>
        bounded(db, call, async (conn) => {
          const row = await findGifRow(conn, id);
          return row === undefined ? undefined : archiveOf(row);
        }),
      ),
    findRandomGif: (pick, call) =>
      withDb(() =>
        bounded(db, call, async (conn) => {
          const id = await findRandomGifId(conn, pick);
          if (id === undefined) return undefined;
          const [gif] = await loadGifs(conn, [id]);
          return gif;
        }),
      ),
  };
}
