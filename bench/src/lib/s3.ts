// A bench-private bucket per run (the shared `gifmesh` bucket is never touched) and
// its removal afterwards, so repeated runs leave no objects behind.
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";

export function createBenchS3(env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({
    endpoint: env.S3_ENDPOINT ?? "http://127.0.0.1:9000",
    region: env.S3_REGION ?? "us-east-1",
    forcePathStyle: true,
    credentials: {
      accessKeyId: env.S3_ACCESS_KEY_ID ?? "gifmesh",
      secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? "gifmesh-secret",
    },
  });
}

export async function createBucket(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** Empties and deletes the bucket; errors are ignored (cleanup is best effort). */
export async function removeBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    for (;;) {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
      const keys = (page.Contents ?? []).flatMap((o) =>
        o.Key === undefined ? [] : [{ Key: o.Key }],
      );
      if (keys.length === 0) break;
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
    }
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch {
    // best effort
  }
}
