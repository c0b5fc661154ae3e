// The gateway reads S3_* through the shared s3ConfigShape, like the file worker: with
// the production values (no endpoint, no keys) it talks to AWS with the SDK's default
// credential chain, instead of falling back to the local server's address and keys.
import { loadConfig } from "@gifmesh/shared/config";
import { s3ClientOptions, s3ConfigShape } from "@gifmesh/shared/s3";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { gatewayConfigSchema } from "./config.ts";

describe("gateway config: S3", () => {
  it("uses AWS and the default credential chain when no S3_* is set", () => {
    const config = loadConfig(gatewayConfigSchema, { S3_BUCKET: "gifmesh-prod" });
    expect(s3ClientOptions(config)).toEqual({ region: "us-east-1" });
  });

  it("has exactly the shared S3 defaults", () => {
    const gateway = loadConfig(gatewayConfigSchema, {});
    const shared = loadConfig(z.object(s3ConfigShape), {});
    const s3Only = Object.fromEntries(
      Object.entries(gateway).filter(([name]) => name.startsWith("S3_")),
    );
    expect(s3Only).toEqual(shared);
  });

  it("maps the local S3-compatible server as the worker does", () => {
    const config = loadConfig(gatewayConfigSchema, {
      S3_ENDPOINT: "http://127.0.0.1:9000",
      S3_ACCESS_KEY_ID: "gifmesh",
      S3_SECRET_ACCESS_KEY: "gifmesh-secret",
    });
    expect(s3ClientOptions(config)).toEqual({
      region: "us-east-1",
      endpoint: "http://127.0.0.1:9000",
      accessKeyId: "gifmesh",
      secretAccessKey: "gifmesh-secret",
    });
  });
});
