// startStorage before its dependencies answer: it returns with the RPC server
// listening, NOT_SERVING and not ready (PostgreSQL unreachable, migrations not
// applied), and close() ends the start-up cleanly: `migrated` rejects as a shutdown.
import { PassThrough } from "node:stream";
import { loadConfig } from "@gifmesh/shared/config";
import { createLogger } from "@gifmesh/shared/logging";
import { createMetrics } from "@gifmesh/shared/metrics";
import { freePort } from "@gifmesh/shared/testing";
import { describe, expect, it } from "vitest";
import { storageConfigSchema } from "./config.ts";
import { createStorageMetrics } from "./metrics.ts";
import { startStorage } from "./storage.ts";

const logger = createLogger({ service: "test", level: "error", stream: new PassThrough() });

describe("startStorage with nothing listening", () => {
  it("serves NOT_SERVING, is not ready, and close() stops the start-up", async () => {
    const nothing = await freePort(); // a port nobody listens on
    const config = loadConfig(storageConfigSchema, {
      DATABASE_URL: `postgres://gifmesh:gifmesh@127.0.0.1:${nothing}/gifmesh`,
      KAFKA_BROKERS: `127.0.0.1:${nothing}`,
      STORAGE_RPC_HOST: "127.0.0.1",
      STORAGE_RPC_PORT: "0",
    });
    const storage = await startStorage(config, {
      logger,
      metrics: createStorageMetrics(createMetrics({ service: "test", defaultMetrics: false })),
    });
    const migrated = storage.migrated.then(
      () => "migrated",
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    expect(storage.rpc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    expect(storage.health.serving()).toBe(false);
    expect(storage.readiness.map((r) => r.name)).toEqual(["postgres", "migrations"]);
    for (const check of storage.readiness)
      await expect(check.check(AbortSignal.timeout(2_000))).rejects.toThrow();

    await storage.close();
    expect(await migrated).toMatch(/^shutting down/);
    expect(storage.health.serving()).toBe(false);
    // Idempotent.
    await storage.close();
  });
});
