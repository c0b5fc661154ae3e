// The ObjectSink adapter over @aws-sdk/client-s3 + @aws-sdk/lib-storage.
//
// Integrity: the SHA-256 computed while downloading is sent as x-amz-checksum-sha256,
// so S3 rejects the PUT if the bytes it received hash differently (BadDigest). Objects
// above one part go multipart (lib-storage) with ChecksumAlgorithm SHA256: S3 then
// verifies every part, since a whole-object SHA-256 does not exist for multipart uploads.
// Idempotency: the key is the content hash, and HeadObject first skips identical bytes.
import { createReadStream } from "node:fs";
import { HeadObjectCommand, type S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { ArchiveError } from "../domain/archive-error.ts";
import type { ObjectSink } from "../application/ports.ts";

export interface S3SinkOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Objects up to this size go in one PUT with a whole-object checksum; default 8 MiB. */
  readonly partSizeBytes?: number;
  /** Bound on the whole put (HeadObject + upload), so a hung server cannot hold a job forever. */
  readonly timeoutMs: number;
}

export function createS3Sink(options: S3SinkOptions): ObjectSink {
  const { client, bucket } = options;
  const partSize = Math.max(options.partSizeBytes ?? 8 * 1024 * 1024, 5 * 1024 * 1024);

  async function exists(key: string, size: number, signal: AbortSignal): Promise<boolean> {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), {
        abortSignal: signal,
      });
      return head.ContentLength === size;
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)
        return false;
      throw error;
    }
  }

  return {
    bucket,
    async put(input, outerSignal) {
      const signal = AbortSignal.any([outerSignal, AbortSignal.timeout(options.timeoutMs)]);
      try {
        if (await exists(input.key, input.sizeBytes, signal)) return { alreadyStored: true };
        const checksum = Buffer.from(input.sha256Hex, "hex").toString("base64");
        const single = input.sizeBytes <= partSize;
        const upload = new Upload({
          client,
          partSize,
          queueSize: 2,
          leavePartsOnError: false,
          params: {
            Bucket: bucket,
            Key: input.key,
            Body: createReadStream(input.filePath),
            ContentType: input.contentType,
            CacheControl: "public, max-age=31536000, immutable",
            Metadata: { ...input.metadata, sha256: input.sha256Hex },
            ...(single
              ? { ChecksumSHA256: checksum, ContentLength: input.sizeBytes }
              : { ChecksumAlgorithm: "SHA256" }),
          },
        });
        const onAbort = () => void upload.abort().catch(() => undefined);
        signal.addEventListener("abort", onAbort, { once: true });
        try {
          await upload.done();
        } finally {
          signal.removeEventListener("abort", onAbort);
        }
        return { alreadyStored: false };
      } catch (error) {
        throw toStorageError(error);
      }
    },
  };
}

/** Every S3 failure is ours to wait out (outage, throttling, misconfiguration, even BadDigest in transit). */
function toStorageError(error: unknown): ArchiveError {
  if (error instanceof ArchiveError) return error;
  const name = error instanceof Error ? error.name : "Error";
  const status =
    error instanceof S3ServiceException ? ` (HTTP ${error.$metadata.httpStatusCode ?? "?"})` : "";
  return new ArchiveError("ARCHIVE.STORAGE_UNAVAILABLE", `S3 ${name}${status}`, { cause: error });
}
