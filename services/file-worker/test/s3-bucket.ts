// The shared S3 server as the integration tests see it: a client (one attempt, so a
// stopped server fails fast), the keys of a bucket, and removing a test bucket.
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";

const env = process.env;
export const S3_ENDPOINT = env.S3_ENDPOINT ?? "http://127.0.0.1:9000";
export const S3_KEY = env.S3_ACCESS_KEY_ID ?? "gifmesh";
export const S3_SECRET = env.S3_SECRET_ACCESS_KEY ?? "gifmesh-secret";

export function s3Client(endpoint = S3_ENDPOINT): S3Client {
  return new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: S3_KEY, secretAccessKey: S3_SECRET },
    maxAttempts: 1,
  });
}

/** Every object key in `bucket`. */
export async function listKeys(s3: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/** Removes a test bucket and its objects (best effort). */
export async function dropBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    for (const key of await listKeys(s3, bucket))
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch {
    // The bucket may not exist or S3 may be the stopped private one; nothing to clean.
  }
}
