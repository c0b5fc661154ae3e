import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loadConfig } from "../config/index.ts";
import { createS3Client, s3ClientOptions, s3ConfigShape } from "./index.ts";

const schema = z.object(s3ConfigShape);

describe("s3ConfigShape / s3ClientOptions", () => {
  it("defaults to AWS with the default credential chain", () => {
    const config = loadConfig(schema, {});
    expect(config).toEqual({ S3_REGION: "us-east-1", S3_BUCKET: "gifmesh" });
    expect(s3ClientOptions(config)).toEqual({ region: "us-east-1" });
  });

  it("maps a local S3-compatible server", () => {
    const config = loadConfig(schema, {
      S3_ENDPOINT: "http://127.0.0.1:9000/",
      S3_ACCESS_KEY_ID: "gifmesh",
      S3_SECRET_ACCESS_KEY: "gifmesh-secret",
      S3_FORCE_PATH_STYLE: "true",
    });
    expect(s3ClientOptions(config)).toEqual({
      region: "us-east-1",
      endpoint: "http://127.0.0.1:9000",
      accessKeyId: "gifmesh",
      secretAccessKey: "gifmesh-secret",
      forcePathStyle: true,
    });
  });

  it("uses path style whenever an endpoint is set, and rejects half credentials", async () => {
    const client = createS3Client({
      endpoint: "http://127.0.0.1:9000",
      region: "us-east-1",
      accessKeyId: "a",
      secretAccessKey: "b",
    });
    expect(client.config.forcePathStyle).toBe(true);
    expect(await client.config.region()).toBe("us-east-1");
    client.destroy();
    expect(() => createS3Client({ region: "us-east-1", accessKeyId: "a" })).toThrow(/both/);
  });
});
