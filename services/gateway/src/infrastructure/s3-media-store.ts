// Reads archived media from S3: object size and type first (HEAD), then the bytes,
// whole or one byte range, as a web stream so the HTTP response streams them
// without buffering. A missing object is a value (undefined), not an error.
import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { MediaStore } from "../application/ports.ts";

function isMissing(error: unknown): boolean {
  if (error instanceof NoSuchKey || error instanceof NotFound) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata
    ?.httpStatusCode;
  return status === 404;
}

export function createS3MediaStore(client: S3Client, bucket: string): MediaStore {
  return {
    async head(key, signal) {
      try {
        const res = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), {
          abortSignal: signal,
        });
        return { size: res.ContentLength ?? 0, contentType: res.ContentType };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async get(key, range, signal) {
      try {
        const res = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
          { abortSignal: signal },
        );
        if (!res.Body) return undefined;
        return {
          size: res.ContentLength ?? 0,
          contentType: res.ContentType,
          body: res.Body.transformToWebStream() as ReadableStream<Uint8Array>,
        };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
  };
}
