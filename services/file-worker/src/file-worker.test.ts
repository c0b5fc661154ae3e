// startFileWorker before its dependencies answer: it returns at once, with readiness
// checks that fail (so /readyz says not ready while it waits), and close() ends the
// start-up cleanly: `started` rejects as a shutdown, the spool directory is gone.
import { existsSync } from "node:fs";
import { PassThrough } from "node:stream";
import { loadConfig } from "@gifmesh/shared/config";
import { createLogger } from "@gifmesh/shared/logging";
import { createMetrics } from "@gifmesh/shared/metrics";
import { createTempDir, freePort } from "@gifmesh/shared/testing";
import { describe, expect, it } from "vitest";
import { configSchema } from "./config.ts";
import { startFileWorker } from "./file-worker.ts";

const logger = createLogger({ service: "test", level: "error", stream: new PassThrough() });

describe("startFileWorker with nothing listening", () => {
  it("is not ready, and close() stops the start-up and removes the spool directory", async () => {
    const nothing = await freePort(); // a port nobody listens on
    const config = loadConfig(configSchema, {
      KAFKA_BROKERS: `127.0.0.1:${nothing}`,
      S3_ENDPOINT: `http://127.0.0.1:${nothing}`,
      S3_ACCESS_KEY_ID: "test",
      S3_SECRET_ACCESS_KEY: "test",
      S3_FORCE_PATH_STYLE: "true",
      ARCHIVE_SPOOL_DIR: createTempDir("fw-start-").path,
    });
    const worker = await startFileWorker(config, {
      logger,
      registry: createMetrics({ service: "test", defaultMetrics: false }),
    });
    expect(existsSync(worker.spoolPath)).toBe(true);
    const kafka = worker.readiness.find((r) => r.name === "kafka");
    await expect(kafka?.check(AbortSignal.timeout(1_000))).rejects.toThrow(/not running/);
    const s3 = worker.readiness.find((r) => r.name === "s3");
    await expect(s3?.check(AbortSignal.timeout(5_000))).rejects.toThrow();

    await worker.close();
    await expect(worker.started).rejects.toThrow(/^shutting down/);
    expect(existsSync(worker.spoolPath)).toBe(false);
  });
});
