// The S3 sink against the real S3 server: the conditional PUT (If-None-Match: *)
// dedups in one round trip, the HeadObject fallback does the same, and both body
// kinds (in memory, spool file) store exactly their bytes.
import { createHash, randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { createTempDir, testId } from "@gifmesh/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoreObjectInput } from "../src/application/ports.ts";
import { createS3Sink } from "../src/infrastructure/s3-sink.ts";
import { dropBucket, listKeys, s3Client } from "./s3-bucket.ts";

const s3 = s3Client();
const bucket = `fw-sink-${testId()}`;
const signal = new AbortController().signal;

function input(bytes: Buffer, body: StoreObjectInput["body"]): StoreObjectInput {
  const sha256Hex = createHash("sha256").update(bytes).digest("hex");
  return {
    key: `gifs/sha256/${sha256Hex}.gif`,
    body,
    sizeBytes: bytes.length,
    sha256Hex,
    contentType: "image/gif",
    metadata: { "gif-id": "g1" },
  };
}

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(async () => {
  await dropBucket(s3, bucket);
});

describe("S3 sink on the real server", () => {
  for (const conditionalPut of [true, false]) {
    it(`stores once and reports the second put as already stored (conditional PUT: ${conditionalPut})`, async () => {
      const sink = createS3Sink({ client: s3, bucket, timeoutMs: 10_000, conditionalPut });
      const bytes = Buffer.from(`GIF89a ${randomUUID()}`);
      const memory = input(bytes, { kind: "memory", bytes });
      expect(await sink.put(memory, signal)).toEqual({ alreadyStored: false });
      expect(await sink.put(memory, signal)).toEqual({ alreadyStored: true });

      const path = join(createTempDir("fw-sink-").path, "x.part");
      const other = Buffer.from(`GIF89a ${randomUUID()}`);
      writeFileSync(path, other);
      const file = input(other, { kind: "file", path });
      expect(await sink.put(file, signal)).toEqual({ alreadyStored: false });
      expect(await sink.put(file, signal)).toEqual({ alreadyStored: true });

      for (const [key, expected] of [
        [memory.key, bytes],
        [file.key, other],
      ] as const) {
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(expected)).toBe(
          true,
        );
      }
    });
  }

  it("holds one object per content after both modes ran", async () => {
    expect((await listKeys(s3, bucket)).length).toBe(4);
  });
});
