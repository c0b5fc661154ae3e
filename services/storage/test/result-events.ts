// Builders of the file worker's result events for storage's tests, valid by
// default (bound to a real ArchiveRequested outbox row, content-addressed key,
// facts in range), so that each test changes only the field it is about; and the
// wait for a result to reach the GIF's row.
import { randomUUID } from "node:crypto";
import { create, toBinary, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import {
  ARCHIVE_EVENT_SCHEMA_VERSION,
  ArchiveCompletedSchema,
  ArchiveFailedSchema,
  contentAddressedKey,
} from "@gifmesh/shared/contracts";
import { waitFor } from "@gifmesh/shared/testing";
import type { Kysely } from "kysely";
import { createApplyArchiveResult } from "../src/application/apply-archive-result.ts";
import { createArchiveResultStore } from "../src/infrastructure/db/archive-result-store.ts";
import { archiveRequest } from "../src/infrastructure/db/catalog-store.ts";
import { findGifRow } from "../src/infrastructure/db/gif-repository.ts";
import { enqueue } from "../src/infrastructure/db/outbox-repository.ts";
import type { DB, GifRow } from "../src/infrastructure/db/schema.ts";
import { decodeResult } from "../src/transport/kafka/result-events.ts";
import { testGif } from "./helpers.ts";

/** Writes the ArchiveRequested outbox row storage would write for `gifId`; returns its event id. */
export async function requestArchive(db: Kysely<DB>, gifId: string, topic: string) {
  const message = archiveRequest(testGif(gifId), new Date(), {}, topic);
  await enqueue(db, [message]);
  return message.eventId;
}

/** A sha256 of 64 lower-case hex digits derived from a seed. */
export const sha256Of = (seed: string) =>
  Buffer.from(seed.padEnd(32, "x").slice(0, 32)).toString("hex");

/** A message as the file worker puts it on the wire. */
function encoded<Desc extends DescMessage>(schema: Desc, init: MessageInitShape<Desc>): Buffer {
  return Buffer.from(toBinary(schema, create(schema, init)));
}

/** What every result event starts with: its own id and time, and the request it answers. */
function answering(gifId: string, requestEventId: string) {
  return {
    eventId: randomUUID(),
    occurredAt: timestampNow(),
    schemaVersion: ARCHIVE_EVENT_SCHEMA_VERSION,
    requestEventId,
    gifId,
    rendition: "original",
  };
}

export function completedEvent(
  gifId: string,
  requestEventId: string,
  overrides: MessageInitShape<typeof ArchiveCompletedSchema> = {},
): Buffer {
  const sha256 = overrides.sha256 ?? sha256Of(gifId);
  return encoded(ArchiveCompletedSchema, {
    ...answering(gifId, requestEventId),
    bucket: "gifmesh",
    objectKey: contentAddressedKey(sha256, "image/gif"),
    sha256,
    sizeBytes: 1234n,
    contentType: "image/gif",
    facts: { width: 10, height: 20, frameCount: 3, durationMs: 300 },
    ...overrides,
  } as MessageInitShape<typeof ArchiveCompletedSchema>);
}

export function failedEvent(
  gifId: string,
  requestEventId: string,
  overrides: MessageInitShape<typeof ArchiveFailedSchema> = {},
): Buffer {
  return encoded(ArchiveFailedSchema, {
    ...answering(gifId, requestEventId),
    code: "ARCHIVE.TOO_LARGE",
    reason: "too big",
    attempts: 3,
    ...overrides,
  });
}

/** Decodes and applies one value as the consumer would; the outcome's kind, or "malformed". */
export async function applyValue(
  db: Kysely<DB>,
  kind: "completed" | "failed",
  value: Buffer,
  context: { readonly topic: string; readonly requestedTopic: string; readonly now: Date },
) {
  const event = decodeResult(kind, value);
  if (typeof event === "string") return "malformed" as const;
  const apply = createApplyArchiveResult({
    store: createArchiveResultStore(db),
    requestedTopic: context.requestedTopic,
    clock: { now: () => context.now },
  });
  return (await apply(event, context.topic)).kind;
}

/** Waits (up to 20 s) until a result has taken the GIF's row to `state`; that row. */
export function resultApplied(
  db: Kysely<DB>,
  gifId: string,
  state: "archived" | "failed",
): Promise<GifRow> {
  return waitFor(
    `${gifId} ${state}`,
    async () => {
      const row = await findGifRow(db, gifId);
      return row?.archive_state === state ? row : undefined;
    },
    20_000,
  );
}
