// Against the real S3-compatible server (versitygw on 127.0.0.1:9000).
import { createHash, randomUUID } from "node:crypto";
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { infra, requireReachable } from "../testing/infra.ts";
import { testId } from "../testing/test-run.ts";
import { createS3Client, ensureBucket } from "./index.ts";

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("base64");
const runId = randomUUID();
const keys: string[] = [];
let client: S3Client | undefined;

beforeAll(async () => {
  await requireReachable("S3 server", infra.S3_ENDPOINT);
  client = createS3Client({
    endpoint: infra.S3_ENDPOINT,
    region: infra.S3_REGION,
    accessKeyId: infra.S3_ACCESS_KEY_ID,
    secretAccessKey: infra.S3_SECRET_ACCESS_KEY,
    maxAttempts: 1,
  });
  await ensureBucket(s3(), infra.S3_BUCKET);
});

afterAll(async () => {
  if (!client) return;
  for (const Key of keys)
    await client.send(new DeleteObjectCommand({ Bucket: infra.S3_BUCKET, Key }));
  client.destroy();
});

/** The client, once beforeAll connected it. */
function s3(): S3Client {
  if (!client) throw new Error("S3 client not created");
  return client;
}

describe("ensureBucket", () => {
  it("creates a missing bucket once, then finds it", async () => {
    const bucket = `gifmesh-test-${testId()}`;
    try {
      expect(await ensureBucket(s3(), bucket)).toBe("created");
      expect(await ensureBucket(s3(), bucket)).toBe("exists");
    } finally {
      await s3().send(new DeleteBucketCommand({ Bucket: bucket }));
    }
  });
});

describe("objects with SHA-256 checksums", () => {
  const body = Buffer.concat([Buffer.from("GIF89a"), Buffer.from(runId), Buffer.alloc(1024, 7)]);

  it("stores and returns the exact bytes and their SHA-256", async () => {
    const Key = `test/${runId}/ok.gif`;
    keys.push(Key);
    const put = await s3().send(
      new PutObjectCommand({
        Bucket: infra.S3_BUCKET,
        Key,
        Body: body,
        ContentType: "image/gif",
        ChecksumAlgorithm: "SHA256",
        ChecksumSHA256: sha256(body),
      }),
    );
    expect(put.ChecksumSHA256).toBe(sha256(body));

    const got = await s3().send(
      new GetObjectCommand({ Bucket: infra.S3_BUCKET, Key, ChecksumMode: "ENABLED" }),
    );
    const bytes = await got.Body?.transformToByteArray();
    expect(Buffer.from(bytes ?? new Uint8Array()).equals(body)).toBe(true);
    expect(sha256(bytes ?? new Uint8Array())).toBe(sha256(body));
    expect(got.ChecksumSHA256).toBe(sha256(body));
    expect(got.ContentType).toBe("image/gif");
  });

  it("is rejected by the server (BadDigest) when the declared checksum is wrong, storing nothing", async () => {
    const Key = `test/${runId}/bad.gif`;
    keys.push(Key);
    const put = s3().send(
      new PutObjectCommand({
        Bucket: infra.S3_BUCKET,
        Key,
        Body: body,
        ChecksumAlgorithm: "SHA256",
        ChecksumSHA256: sha256(Buffer.from("something else")),
      }),
    );
    await expect(put).rejects.toMatchObject({
      name: "BadDigest",
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      s3().send(new HeadObjectCommand({ Bucket: infra.S3_BUCKET, Key })),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });
});
