// Services create the bucket they need at start-up (idempotently), so a fresh
// environment works without a manual step, and readiness can check it later.
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ReadinessCheck } from "../admin/index.ts";

interface AwsError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

function isNotFound(error: unknown): boolean {
  const e = error as AwsError;
  return (
    e.name === "NotFound" ||
    e.name === "NoSuchBucket" ||
    e.Code === "NoSuchBucket" ||
    e.$metadata?.httpStatusCode === 404
  );
}

/**
 * Makes sure `bucket` exists: HeadBucket, then CreateBucket on 404. A bucket
 * created concurrently by another instance (BucketAlreadyOwnedByYou) is fine;
 * one owned by another account is an error. Returns whether it was created.
 */
export async function ensureBucket(
  client: S3Client,
  bucket: string,
  options: { signal?: AbortSignal } = {},
): Promise<"exists" | "created"> {
  const sendOptions = options.signal ? { abortSignal: options.signal } : {};
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }), sendOptions);
    return "exists";
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }), sendOptions);
    return "created";
  } catch (error) {
    if ((error as AwsError).name === "BucketAlreadyOwnedByYou") return "exists";
    throw error;
  }
}

/** A /readyz check that the bucket is reachable (HeadBucket). */
export function bucketReadinessCheck(
  client: S3Client,
  bucket: string,
  name = "s3",
): ReadinessCheck {
  return {
    name,
    check: async (signal) => {
      await client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: signal });
    },
  };
}
