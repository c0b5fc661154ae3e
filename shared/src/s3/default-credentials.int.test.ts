// S3 with no static keys in our config: the client built from S3_* must fall back to
// the AWS SDK's default credential chain, which is how pods get credentials in
// production (IRSA / EKS Pod Identity / instance roles; docs/security.md, "S3
// credentials"). Shown against the real local versitygw, with the keys supplied only
// where the chain looks: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a profile in a
// shared-credentials file. Wrong keys found the same way are refused, so the requests
// really were signed with what the chain found.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { loadConfig } from "../config/index.ts";
import { infra, requireReachable } from "../testing/infra.ts";
import { createTempDir } from "../testing/temp-dir.ts";
import { testId } from "../testing/test-run.ts";
import { createS3Client, ensureBucket, s3ClientOptions, s3ConfigShape } from "./index.ts";

/** The variables the chain reads; each test sets its own and the originals come back after. */
const CHAIN_VARIABLES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CONFIG_FILE",
  "AWS_EC2_METADATA_DISABLED",
] as const;
const saved = Object.fromEntries(CHAIN_VARIABLES.map((name) => [name, process.env[name]]));
const dir = createTempDir("gifmesh-aws-").path;
const key = `test/default-chain/${testId()}.txt`;

/** Only `variables` for the chain; never the instance metadata service (off loopback). */
function chainEnvironment(variables: Partial<Record<(typeof CHAIN_VARIABLES)[number], string>>) {
  for (const name of CHAIN_VARIABLES) Reflect.deleteProperty(process.env, name);
  const emptyConfig = join(dir, "config");
  writeFileSync(emptyConfig, "");
  Object.assign(process.env, {
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: emptyConfig,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-credentials"),
    ...variables,
  });
}

/** The client a service builds from its S3_* variables, with no S3 keys among them. */
function keylessClient() {
  const config = loadConfig(z.object(s3ConfigShape), {
    S3_ENDPOINT: infra.S3_ENDPOINT,
    S3_REGION: infra.S3_REGION,
    S3_BUCKET: infra.S3_BUCKET,
  });
  const options = s3ClientOptions(config);
  expect(options).not.toHaveProperty("accessKeyId");
  return createS3Client({ ...options, maxAttempts: 1 });
}

function credentialsFile(profile: string, accessKeyId: string, secretAccessKey: string): string {
  const file = join(dir, `credentials-${profile}`);
  writeFileSync(
    file,
    `[${profile}]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`,
  );
  return file;
}

beforeAll(async () => {
  await requireReachable("S3 server", infra.S3_ENDPOINT);
  const admin = createS3Client({
    endpoint: infra.S3_ENDPOINT,
    region: infra.S3_REGION,
    accessKeyId: infra.S3_ACCESS_KEY_ID,
    secretAccessKey: infra.S3_SECRET_ACCESS_KEY,
  });
  await ensureBucket(admin, infra.S3_BUCKET);
  admin.destroy();
});

afterEach(() => {
  for (const name of CHAIN_VARIABLES) {
    const value = saved[name];
    if (value === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = value;
  }
});

afterAll(async () => {
  const admin = createS3Client({
    endpoint: infra.S3_ENDPOINT,
    region: infra.S3_REGION,
    accessKeyId: infra.S3_ACCESS_KEY_ID,
    secretAccessKey: infra.S3_SECRET_ACCESS_KEY,
  });
  await admin.send(new DeleteObjectCommand({ Bucket: infra.S3_BUCKET, Key: key }));
  admin.destroy();
});

describe("S3 through the default credential chain", () => {
  it("signs with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the environment", async () => {
    chainEnvironment({
      AWS_ACCESS_KEY_ID: infra.S3_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: infra.S3_SECRET_ACCESS_KEY,
    });
    const client = keylessClient();
    try {
      await client.send(
        new PutObjectCommand({ Bucket: infra.S3_BUCKET, Key: key, Body: "from the env chain" }),
      );
      const got = await client.send(new GetObjectCommand({ Bucket: infra.S3_BUCKET, Key: key }));
      expect(await got.Body?.transformToString()).toBe("from the env chain");
    } finally {
      client.destroy();
    }
  });

  it("signs with a profile from AWS_SHARED_CREDENTIALS_FILE", async () => {
    chainEnvironment({
      AWS_PROFILE: "gifmesh-test",
      AWS_SHARED_CREDENTIALS_FILE: credentialsFile(
        "gifmesh-test",
        infra.S3_ACCESS_KEY_ID,
        infra.S3_SECRET_ACCESS_KEY,
      ),
    });
    const client = keylessClient();
    try {
      await client.send(new HeadBucketCommand({ Bucket: infra.S3_BUCKET }));
    } finally {
      client.destroy();
    }
  });

  it("is refused when the keys the chain finds are wrong", async () => {
    chainEnvironment({
      AWS_PROFILE: "gifmesh-wrong",
      AWS_SHARED_CREDENTIALS_FILE: credentialsFile("gifmesh-wrong", "gifmesh", "not-the-secret"),
    });
    const client = keylessClient();
    try {
      await expect(
        client.send(new PutObjectCommand({ Bucket: infra.S3_BUCKET, Key: key, Body: "x" })),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    } finally {
      client.destroy();
    }
  });

  it("says so when the chain finds nothing", async () => {
    chainEnvironment({});
    const client = keylessClient();
    try {
      await expect(client.send(new HeadBucketCommand({ Bucket: infra.S3_BUCKET }))).rejects.toThrow(
        /credential/i,
      );
    } finally {
      client.destroy();
    }
  });
});
