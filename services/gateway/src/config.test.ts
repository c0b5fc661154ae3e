// The gateway reads S3_* through the shared s3ConfigShape, like the file worker: with
// the production values (no endpoint, no keys) it talks to AWS with the SDK's default
// credential chain, instead of falling back to the local server's address and keys.
import { loadConfig } from "@gifmesh/shared/config";
import { s3ClientOptions, s3ConfigShape } from "@gifmesh/shared/s3";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { gatewayConfigSchema, trustedProxyHops } from "./config.ts";

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

describe("gateway config: listening, proxies, Redis", () => {
  it("listens on loopback unless told otherwise", () => {
    expect(loadConfig(gatewayConfigSchema, {}).GATEWAY_HOST).toBe("127.0.0.1");
  });

  it.each([
    [{}, 0],
    [{ TRUST_PROXY: "true" }, 1],
    [{ TRUST_PROXY: "true", TRUST_PROXY_HOPS: "2" }, 2],
    [{ TRUST_PROXY: "true", TRUST_PROXY_HOPS: "0" }, 0],
    [{ TRUST_PROXY_HOPS: "1" }, 1],
  ])("trusts %j as %i proxy hop(s)", (env, hops) => {
    expect(trustedProxyHops(loadConfig(gatewayConfigSchema, env))).toBe(hops);
  });

  it.each([
    [{ REDIS_TLS_CA_FILE: "/ca.pem" }, "REDIS_URL"],
    [{ REDIS_URL: "rediss://r:6380", REDIS_TLS_CERT_FILE: "/c.pem" }, "REDIS_TLS_CERT_FILE"],
    [{ STORAGE_RPC_TOKEN: "short" }, "STORAGE_RPC_TOKEN"],
  ])("refuses %j, naming %s", (env, variable) => {
    expect(() => loadConfig(gatewayConfigSchema, env)).toThrow(variable);
  });

  it("accepts TLS files with a rediss:// URL", () => {
    const config = loadConfig(gatewayConfigSchema, {
      REDIS_URL: "rediss://r:6380",
      REDIS_TLS_CA_FILE: "/ca.pem",
      REDIS_TLS_CERT_FILE: "/c.pem",
      REDIS_TLS_KEY_FILE: "/k.pem",
      REDIS_PASSWORD: "p",
    });
    expect(config.REDIS_TLS_CA_FILE).toBe("/ca.pem");
  });
});
