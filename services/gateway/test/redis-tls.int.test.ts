// The gateway against a Redis configured as a managed one is: a private
// redis-server with TLS only (no plain port), client certificates required, the
// default user disabled and one ACL user with a password (aclfile), certificates
// from a throw-away CA (createTestPki). With the right user, password, CA and
// client certificate, the cache and rate limits use it; with a wrong password or
// an untrusted server certificate the gateway serves without it (degraded), says
// why in its log, and neither the log nor /readyz ever shows a credential.
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  createTempDir,
  createTestPki,
  deferCleanup,
  freePort,
  startServerProcess,
  waitFor,
  waitForPort,
  type TestPki,
} from "@gifmesh/shared/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisClient } from "../src/infrastructure/redis-client.ts";
import { startGatewayProcess, startStack, type Stack } from "./stack.ts";
import { startGateway, type RunningGateway } from "./support.ts";

const USER = "gifmesh-gw";
const PASSWORD = `pw-${randomBytes(12).toString("hex")}`;
let stack: Stack;
let pki: TestPki;
let port = 0;
let clientCert: { certFile: string; keyFile: string };

/** The env of a gateway that talks to the private Redis; `overrides` on top. */
function redisEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL: `rediss://127.0.0.1:${String(port)}`,
    REDIS_USERNAME: USER,
    REDIS_PASSWORD: PASSWORD,
    REDIS_TLS_CA_FILE: pki.ca.certFile,
    REDIS_TLS_CERT_FILE: clientCert.certFile,
    REDIS_TLS_KEY_FILE: clientCert.keyFile,
    RATE_LIMIT_MAX: "1000",
    ...overrides,
  };
}

beforeAll(async () => {
  pki = createTestPki("gifmesh redis test CA");
  const server = pki.issue("redis-server", { hosts: ["127.0.0.1"] });
  clientCert = pki.issue("gateway-client");
  const dir = createTempDir("gifmesh-redis-tls-").path;
  const aclFile = join(dir, "users.acl");
  writeFileSync(aclFile, `user default off\nuser ${USER} on >${PASSWORD} ~* &* +@all\n`, {
    mode: 0o600,
  });
  port = await freePort();
  const redis = startServerProcess("redis-tls", "redis-server", [
    ...["--bind", "127.0.0.1", "--port", "0", "--tls-port", String(port)],
    ...["--tls-cert-file", server.certFile, "--tls-key-file", server.keyFile],
    ...["--tls-ca-cert-file", pki.ca.certFile, "--tls-auth-clients", "yes"],
    ...["--aclfile", aclFile, "--dir", dir, "--save", "", "--appendonly", "no"],
  ]);
  deferCleanup("private TLS redis", () => redis.stop({ graceMs: 5_000 }));
  await waitForPort(port, { name: "redis-tls", failFast: () => redis.exited() });
  stack = await startStack();
});
afterAll(() => stack.stop());

/** Redis connects in the background: conditions on it are waited for this long. */
const REDIS_WAIT = { timeoutMs: 5_000, intervalMs: 50 };

describe("Redis over TLS with an ACL user", () => {
  let gw: RunningGateway;
  // The test's own view of that Redis: ioredis configured by hand, not by the code under test.
  const admin = () =>
    new Redis({
      host: "127.0.0.1",
      port,
      username: USER,
      password: PASSWORD,
      tls: {
        ca: readFileSync(pki.ca.certFile),
        cert: readFileSync(clientCert.certFile),
        key: readFileSync(clientCert.keyFile),
      },
    });
  let direct: Redis;
  beforeAll(async () => {
    gw = await startGateway(stack.storageUrl, { ...redisEnv(), LOG_LEVEL: "info" });
    direct = admin();
    await waitFor("the test's own TLS client ready", () => direct.status === "ready", REDIS_WAIT);
  });
  afterAll(async () => {
    await gw.close();
    direct.disconnect();
  });

  it("caches and rate-limits in it with the right user, password, CA and client certificate", async () => {
    const q = `tls-${randomBytes(4).toString("hex")}`;
    const res = await fetch(`${gw.url}/v1/gifs/search?q=${q}&limit=2`);
    expect(res.status).toBe(200);
    // The rate limiter decided: it reached Redis.
    expect(res.headers.get("ratelimit-limit")).toBe("1000");
    // The answer was written to Redis.
    await waitFor(
      "the gateway's cache entry in the TLS Redis",
      async () => (await direct.keys("gifmesh:gw:*search:q=tls-*")).length > 0,
      REDIS_WAIT,
    );
    expect(gw.logs()).toContain("redis ready");
    expect(gw.logs()).not.toContain(PASSWORD);
  });

  it("takes the user and password from a rediss:// URL too", async () => {
    const client = createRedisClient({
      url: `rediss://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${String(port)}`,
      commandTimeoutMs: 2_000,
      tlsCaFile: pki.ca.certFile,
      tlsCertFile: clientCert.certFile,
      tlsKeyFile: clientCert.keyFile,
    });
    try {
      await waitFor("the client certificate accepted", () => client.status === "ready", REDIS_WAIT);
      expect(await client.call("ACL", "WHOAMI")).toBe(USER);
    } finally {
      client.disconnect();
    }
  });
});

describe("Redis refusing the gateway", () => {
  it("with a wrong password: serves degraded, logs why, never the password", async () => {
    const wrong = `wrong-${randomBytes(8).toString("hex")}`;
    const gw = await startGateway(stack.storageUrl, {
      ...redisEnv({ REDIS_PASSWORD: wrong }),
      LOG_LEVEL: "info",
    });
    try {
      await waitFor(
        "the refused login logged",
        () => gw.logs().includes("refused the gateway's credentials"),
        REDIS_WAIT,
      );
      const res = await fetch(`${gw.url}/v1/gifs/search?q=cats&limit=2`);
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-limit")).toBeNull(); // no Redis: limits fail open
      expect(gw.logs()).toMatch(/WRONGPASS/);
      expect(gw.logs()).not.toContain(wrong);
      expect(gw.logs()).not.toContain(PASSWORD);
    } finally {
      await gw.close();
    }
  });

  it("with a server certificate from another CA: serves degraded, logs the TLS failure", async () => {
    const other = createTestPki("some other CA");
    const gw = await startGateway(stack.storageUrl, {
      ...redisEnv({ REDIS_TLS_CA_FILE: other.ca.certFile }),
      LOG_LEVEL: "info",
    });
    try {
      await waitFor(
        "the certificate failure logged",
        () => /redis unavailable.*(certificate|verify)/i.test(gw.logs()),
        REDIS_WAIT,
      );
      const res = await fetch(`${gw.url}/v1/gifs/search?q=cats&limit=2`);
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-limit")).toBeNull();
      expect(gw.logs()).not.toContain(PASSWORD);
    } finally {
      await gw.close();
    }
  });

  it("as deployed (main.ts): /readyz says redis is degraded, and shows no credential", async () => {
    const wrong = `wrong-${randomBytes(8).toString("hex")}`;
    const gw = await startGatewayProcess(stack.storageUrl, redisEnv({ REDIS_PASSWORD: wrong }));
    try {
      const res = await fetch(`${gw.adminUrl}/readyz`);
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(JSON.parse(text)).toMatchObject({ status: "degraded", degraded: ["redis"] });
      for (const secret of [wrong, PASSWORD]) {
        expect(text).not.toContain(secret);
        expect(gw.logs()).not.toContain(secret);
      }
      expect(text).not.toContain(USER);
      await waitFor(
        "the refused login logged",
        () => gw.logs().includes("refused the gateway's credentials"),
        REDIS_WAIT,
      );
      expect((await fetch(`${gw.url}/v1/gifs/trending?limit=1`)).status).toBe(200);
    } finally {
      await gw.stop();
    }
  });
});
