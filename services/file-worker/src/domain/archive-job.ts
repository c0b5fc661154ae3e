// What one archive request asks for, once validated. Everything in an incoming
// ArchiveRequested is untrusted; this schema is the gate between the wire and the work.
import { GIF_ID_PATTERN, GIF_ID_RULE } from "@gifmesh/shared/contracts";
import { z } from "zod";
import type { GifFacts } from "./gif-parser.ts";

/** The content types the worker archives (the magic bytes must agree). */
const ARCHIVABLE_TYPES = ["image/gif"] as const;

export const archiveJobSchema = z.object({
  eventId: z.string().min(1, "event_id is required").max(128),
  gifId: z.string().regex(GIF_ID_PATTERN, `gif_id ${GIF_ID_RULE}`),
  rendition: z
    .string()
    .regex(/^[a-z0-9_]{1,32}$/, "rendition must be a short lowercase name")
    .default("original"),
  sourceUrl: z
    .url({ protocol: /^https?$/, error: "source_url must be an absolute http(s) URL" })
    .max(2048),
  expectedContentType: z.enum(ARCHIVABLE_TYPES, {
    error: "expected_content_type must be image/gif",
  }),
  declaredSizeBytes: z.bigint().nonnegative(),
});

/** A validated archive request. */
export type ArchiveJob = z.output<typeof archiveJobSchema>;

/** The outcome of archiving one job. */
export interface ArchivedMedia {
  readonly bucket: string;
  readonly key: string;
  readonly sha256Hex: string;
  readonly sizeBytes: number;
  readonly contentType: string;
  readonly facts: GifFacts;
  /** True when identical bytes were already stored and the upload was skipped. */
  readonly alreadyStored: boolean;
}
