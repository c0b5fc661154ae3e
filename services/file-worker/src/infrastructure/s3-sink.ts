// The ObjectSink adapter over @aws-sdk/client-s3 + @aws-sdk/lib-storage.
//
// Integrity: the SHA-256 computed while downloading is sent as x-amz-checksum-sha256,
// so S3 rejects the PUT if the bytes it received hash differently (BadDigest). Objects
// above one part go multipart (lib-storage) with ChecksumAlgorithm SHA256: S3 then
// verifies every part, since a whole-object SHA-256 does not exist for multipart uploads.
// Idempotency: the key is the content hash. A single PUT is conditional
// (`If-None-Match: *`): 412 PreconditionFailed means the object is already there, in one
// round trip (verified against versitygw: the second conditional PUT of a key gets 412).
// A server answering 501 NotImplemented to it switches this sink to HeadObject-then-PUT
// for good; multipart uploads always HEAD first.
import { createReadStream } from "node:fs";
import {
  HeadObjectCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Logger } from "@gifmesh/shared/logging";
import { ArchiveError } from "../domain/archive-error.ts";
import type { ObjectSink, StoreObjectInput } from "../application/ports.ts";

export interface S3SinkOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Objects up to this size go in one PUT with a whole-object checksum; default 8 MiB. */
  readonly partSizeBytes?: number;
  /** Bound on the whole put (HeadObject + upload), so a hung server cannot hold a job forever. */
  readonly timeoutMs: number;
  /** Try `If-None-Match: *` PUTs (default true); false = always HeadObject first. */
  readonly conditionalPut?: boolean;
  readonly logger?: Logger;
}

const statusOf = (error: unknown): number | undefined =>
  error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;

export function createS3Sink(options: S3SinkOptions): ObjectSink {
  const { client, bucket } = options;
  const partSize = Math.max(options.partSizeBytes ?? 8 * 1024 * 1024, 5 * 1024 * 1024);
  const mode = { conditional: options.conditionalPut ?? true };

  async function exists(key: string, size: number, signal: AbortSignal): Promise<boolean> {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), {
        abortSignal: signal,
      });
      return head.ContentLength === size;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  const common = (input: StoreObjectInput) => ({
    Bucket: bucket,
    Key: input.key,
    ContentType: input.contentType,
    CacheControl: "public, max-age=31536000, immutable",
    Metadata: { ...input.metadata, sha256: input.sha256Hex },
  });
  const bodyOf = (input: StoreObjectInput) =>
    input.body.kind === "memory" ? input.body.bytes : createReadStream(input.body.path);

  /** One PUT with the whole-object checksum; resolves false when 412 says it exists. */
  async function putSingle(input: StoreObjectInput, signal: AbortSignal): Promise<boolean> {
    const params: PutObjectCommandInput = {
      ...common(input),
      Body: bodyOf(input),
      ContentLength: input.sizeBytes,
      ChecksumSHA256: Buffer.from(input.sha256Hex, "hex").toString("base64"),
      ...(mode.conditional ? { IfNoneMatch: "*" } : {}),
    };
    try {
      await client.send(new PutObjectCommand(params), { abortSignal: signal });
      return true;
    } catch (error) {
      if (!params.IfNoneMatch) throw error;
      if (statusOf(error) === 412) return false;
      if (statusOf(error) !== 501) throw error;
      mode.conditional = false;
      options.logger?.warn("S3 server does not support If-None-Match on PUT; using HeadObject", {
        bucket,
      });
      if (await exists(input.key, input.sizeBytes, signal)) return false;
      await client.send(
        new PutObjectCommand({ ...params, IfNoneMatch: undefined, Body: bodyOf(input) }),
        {
          abortSignal: signal,
        },
      );
      return true;
    }
  }

  async function putMultipart(input: StoreObjectInput, signal: AbortSignal): Promise<void> {
    const upload = new Upload({
      client,
      partSize,
      queueSize: 2,
      leavePartsOnError: false,
      params: { ...common(input), Body: bodyOf(input), ChecksumAlgorithm: "SHA256" },
    });
    const onAbort = () => void upload.abort().catch(() => undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await upload.done();
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  return {
    bucket,
    async put(input, outerSignal) {
      const signal = AbortSignal.any([outerSignal, AbortSignal.timeout(options.timeoutMs)]);
      try {
        if (input.sizeBytes <= partSize) {
          if (!mode.conditional && (await exists(input.key, input.sizeBytes, signal)))
            return { alreadyStored: true };
          return { alreadyStored: !(await putSingle(input, signal)) };
        }
        if (await exists(input.key, input.sizeBytes, signal)) return { alreadyStored: true };
        await putMultipart(input, signal);
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
  const status = statusOf(error);
  return new ArchiveError(
    "ARCHIVE.STORAGE_UNAVAILABLE",
    `S3 ${name}${error instanceof S3ServiceException ? ` (HTTP ${status ?? "?"})` : ""}`,
    { cause: error },
  );
}
