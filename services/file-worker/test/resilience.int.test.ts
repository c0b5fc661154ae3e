// Outages and crashes: a private versitygw stopped mid-test, and a worker killed
// with SIGKILL mid-batch. Both must only delay archiving, never lose or duplicate.
import { setTimeout as sleep } from "node:timers/promises";
import { createFixtureServer, type FixtureServer } from "@gifmesh/giphy-fixture";
import { startPrivateS3 } from "@gifmesh/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dropBucket,
  listKeys,
  requestArchive,
  s3Client,
  startRun,
  startWorker,
  waitFor,
  workerEnv,
  type Run,
  type WorkerProcess,
  must,
} from "./harness.ts";

let fixture: FixtureServer;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  fixture = await createFixtureServer({ port: 0 });
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await fixture.close();
});

const gifUrl = (id: string) => `${fixture.url}/media/${id}/giphy.gif`;

function track(run: Run, worker: () => WorkerProcess | undefined, bucketEndpoint?: string) {
  cleanups.push(
    () => dropBucket(s3Client(bucketEndpoint), run.bucket),
    () => run.close(),
    // Gracefully: a SIGKILLed worker would leave its spool directory behind.
    async () => worker()?.stop(),
  );
}

describe("file worker resilience", () => {
  it("S3 stopped for a while only delays archiving; everything completes after it returns", async () => {
    const s3 = await startPrivateS3();
    cleanups.push(() => s3.close());
    const run = await startRun("s3-outage");
    const worker = startWorker(
      workerEnv(run, {
        S3_ENDPOINT: s3.endpoint,
        DOWNLOAD_PRIVATE_ALLOWED_HOSTS: `127.0.0.1:${fixture.port}`,
        RETRY_MAX_DELAY_MS: "500",
        S3_TIMEOUT_MS: "2000",
      }),
    );
    track(run, () => worker, s3.endpoint);

    // Prove the worker is up (bucket created, consumer running) before the outage.
    const warmId = await requestArchive(
      run,
      must(fixture.catalogue.all[10], "fixture gif 10").id,
      gifUrl(must(fixture.catalogue.all[10], "fixture gif 10").id),
    );
    await waitFor(
      "warm-up completion",
      () => run.results.completed.some((e) => e.requestEventId === warmId),
      45_000,
    );

    await s3.stop();
    const specs = fixture.catalogue.all.slice(11, 17);
    const ids = await Promise.all(
      specs.map((spec) => requestArchive(run, spec.id, gifUrl(spec.id))),
    );
    await sleep(3_000); // several failed attempts against the stopped server
    expect(run.results.completed.filter((e) => ids.includes(e.requestEventId))).toEqual([]);
    expect(run.results.failed).toEqual([]);
    expect(worker.output()).toContain("ARCHIVE.STORAGE_UNAVAILABLE");

    await s3.start();
    await waitFor(
      "completions after S3 returns",
      () => ids.every((id) => run.results.completed.some((e) => e.requestEventId === id)),
      60_000,
    );
    expect(run.results.failed).toEqual([]);
    expect(run.results.dlq).toEqual([]);
    const keys = await listKeys(s3Client(s3.endpoint), run.bucket);
    for (const id of ids)
      expect(keys).toContain(
        must(
          run.results.completed.find((e) => e.requestEventId === id),
          id,
        ).objectKey,
      );
  });

  it("a worker killed with SIGKILL mid-batch and restarted archives every GIF, with no duplicates", async () => {
    const run = await startRun("sigkill");
    const env = workerEnv(run, {
      DOWNLOAD_PRIVATE_ALLOWED_HOSTS: `127.0.0.1:${fixture.port}`,
      WORKER_CONCURRENCY: "2",
    });
    let worker = startWorker(env);
    track(run, () => worker);

    const specs = fixture.catalogue.all.slice(20, 44);
    const requests = new Map<string, string>(); // request event id -> gif id
    for (const spec of specs)
      requests.set(await requestArchive(run, spec.id, gifUrl(spec.id)), spec.id);

    // Kill as soon as some, but not all, are done.
    await waitFor("first completions", () => run.results.completed.length >= 2, 45_000);
    await worker.kill9();
    const doneBeforeKill = new Set(run.results.completed.map((e) => e.requestEventId)).size;
    expect(doneBeforeKill).toBeLessThan(requests.size);

    worker = startWorker(env);
    await waitFor(
      "every request completed",
      () =>
        [...requests.keys()].every((id) =>
          run.results.completed.some((e) => e.requestEventId === id),
        ),
      90_000,
    );
    await worker.stop();

    // At-least-once: a request may complete twice (killed after the event, before the commit),
    // but in effect once: one object per distinct content, every event for a GIF naming the same key.
    expect(run.results.failed).toEqual([]);
    const keyByGif = new Map<string, Set<string>>();
    for (const event of run.results.completed)
      keyByGif.set(event.gifId, (keyByGif.get(event.gifId) ?? new Set()).add(event.objectKey));
    for (const gifId of requests.values()) expect(keyByGif.get(gifId)?.size, gifId).toBe(1);
    const expectedKeys = new Set(run.results.completed.map((e) => e.objectKey));
    const stored = await listKeys(s3Client(), run.bucket);
    expect(new Set(stored)).toEqual(expectedKeys);
    expect(stored.length).toBe(expectedKeys.size);
  });
});
