// Builders of the file worker's result events for storage's tests, valid by
// default (bound to a real ArchiveRequested outbox row, content-addressed key,
// facts in range), so that each test changes only the field it is about.
import { randomUUID } from "node:crypto";
import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import {
  ARCHIVE_EVENT_SCHEMA_VERSION,
  ArchiveCompletedSchema,
  ArchiveFailedSchema,
  contentAddressedKey,
} from "@gifmesh/shared/contracts";
import type { Kysely } from "kysely";
import { createApplyArchiveResult } from "../src/application/apply-archive-result.ts";
import { createArchiveResultStore } from "../src/infrastructure/db/archive-result-store.ts";
import { archiveRequest } from "../src/infrastructure/db/catalog-store.ts";
import { enqueue } from "../src/infrastructure/db/outbox-repository.ts";
import type { DB } from "../src/infrastructure/db/schema.ts";
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

export function completedEvent(
  gifId: string,
  requestEventId: string,
  overrides: MessageInitShape<typeof ArchiveCompletedSchema> = {},
): Buffer {
  const sha256 = overrides.sha256 ?? sha256Of(gifId);
  return Buffer.from(
    toBinary(
      ArchiveCompletedSchema,
      create(ArchiveCompletedSchema, {
        eventId: randomUUID(),
        occurredAt: timestampNow(),
        schemaVersion: ARCHIVE_EVENT_SCHEMA_VERSION,
        requestEventId,
        gifId,
        rendition: "original",
        bucket: "gifmesh",
        objectKey: contentAddressedKey(sha256, "image/gif"),
        sha256,
        sizeBytes: 1234n,
        contentType: "image/gif",
        facts: { width: 10, height: 20, frameCount: 3, durationMs: 300 },
        ...overrides,
      } as MessageInitShape<typeof ArchiveCompletedSchema>),
    ),
  );
}

export function failedEvent(
  gifId: string,
  requestEventId: string,
  overrides: MessageInitShape<typeof ArchiveFailedSchema> = {},
): Buffer {
  return Buffer.from(
    toBinary(
      ArchiveFailedSchema,
      create(ArchiveFailedSchema, {
        eventId: randomUUID(),
        occurredAt: timestampNow(),
        schemaVersion: ARCHIVE_EVENT_SCHEMA_VERSION,
        requestEventId,
        gifId,
        rendition: "original",
        code: "ARCHIVE.TOO_LARGE",
        reason: "too big",
        attempts: 3,
        ...overrides,
      }),
    ),
  );
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
