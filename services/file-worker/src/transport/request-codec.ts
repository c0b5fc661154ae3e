// Decodes the Protobuf payload of gifmesh.archive.requested.v1 and validates it.
// Anything that fails here is ARCHIVE.BAD_MESSAGE: it goes to the dead-letter topic
// and never stalls the partition.
import { fromBinary } from "@bufbuild/protobuf";
import { ArchiveRequestedSchema } from "@gifmesh/shared/contracts";
import { ArchiveError } from "../domain/archive-error.ts";
import { archiveJobSchema, type ArchiveJob } from "../domain/archive-job.ts";

/** Payloads larger than this are not archive requests (they are a few hundred bytes). */
const MAX_PAYLOAD_BYTES = 64 * 1024;

export function decodeArchiveRequest(value: Buffer | null): ArchiveJob {
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
  return parsed.data;
}
