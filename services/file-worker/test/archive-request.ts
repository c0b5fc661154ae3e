// An encoded ArchiveRequested as the storage service publishes it, for the tests that
// feed the worker's topic or its decoder. Every field is valid unless the test
// overrides it; the defaults are fixed, so seeded property runs see the same bytes.
import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { ArchiveRequestedSchema } from "@gifmesh/shared/contracts";

export type ArchiveRequestFields = MessageInitShape<typeof ArchiveRequestedSchema>;

/** The wire bytes of an ArchiveRequested: valid defaults, then `fields`. */
export function archiveRequest(fields: ArchiveRequestFields = {}): Buffer {
  const event = create(ArchiveRequestedSchema, {
    eventId: "e-1",
    occurredAt: timestampNow(),
    schemaVersion: 1,
    gifId: "abc123",
    rendition: "original",
    sourceUrl: "https://media.giphy.com/media/abc123/giphy.gif",
    expectedContentType: "image/gif",
    ...fields,
  });
  return Buffer.from(toBinary(ArchiveRequestedSchema, event));
}
