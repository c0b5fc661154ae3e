// Decodes the Protobuf payload of gifmesh.archive.requested.v1 and validates it.
// Anything that fails here is ARCHIVE.BAD_MESSAGE: it goes to the dead-letter topic
// and never stalls the partition.
//
// The message key must be the GIF id (storage's relay keys every request so): the
// consumer runs one key's messages in order, so a request filed under another key
// could overtake, or be overtaken by, that GIF's own requests. A key-less message is
// accepted (it is ordered with nothing).
import { fromBinary } from "@bufbuild/protobuf";
import { ArchiveRequestedSchema } from "@gifmesh/shared/contracts";
import { ArchiveError } from "../domain/archive-error.ts";
import { archiveJobSchema, type ArchiveJob } from "../domain/archive-job.ts";

/** Payloads larger than this are not archive requests (they are a few hundred bytes). */
const MAX_PAYLOAD_BYTES = 64 * 1024;

/** Longer keys are not GIF ids (which are at most 64 characters), whatever they decode to. */
const MAX_KEY_BYTES = 64;

export function decodeArchiveRequest(value: Buffer | null, key: Buffer | null = null): ArchiveJob {
  if (key !== null && key.length > MAX_KEY_BYTES)
    throw new ArchiveError(
      "ARCHIVE.BAD_MESSAGE",
      `message key of ${key.length} bytes is not a gif_id`,
    );
  if (value === null || value.length === 0)
    throw new ArchiveError("ARCHIVE.BAD_MESSAGE", "empty payload");
  if (value.length > MAX_PAYLOAD_BYTES)
    throw new ArchiveError("ARCHIVE.BAD_MESSAGE", `payload of ${value.length} bytes is too large`);
  let decoded;
  try {
    decoded = fromBinary(ArchiveRequestedSchema, value);
  } catch (error) {
    throw new ArchiveError("ARCHIVE.BAD_MESSAGE", "payload is not an ArchiveRequested protobuf", {
      cause: error,
    });
  }
  if (decoded.schemaVersion < 1)
    throw new ArchiveError("ARCHIVE.BAD_MESSAGE", "schema_version missing");
  const parsed = archiveJobSchema.safeParse({
    eventId: decoded.eventId,
    gifId: decoded.gifId,
    rendition: decoded.rendition === "" ? undefined : decoded.rendition,
    sourceUrl: decoded.sourceUrl,
    expectedContentType:
      decoded.expectedContentType === "" ? "image/gif" : decoded.expectedContentType,
    declaredSizeBytes: decoded.declaredSizeBytes,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => issue.message).join("; ");
    throw new ArchiveError("ARCHIVE.BAD_MESSAGE", `invalid ArchiveRequested: ${problems}`);
  }
  if (key !== null && key.length > 0 && key.toString("utf8") !== parsed.data.gifId)
    throw new ArchiveError("ARCHIVE.BAD_MESSAGE", "message key is not the request's gif_id");
  return parsed.data;
}
