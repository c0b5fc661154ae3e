// Outages and crashes: a private versitygw stopped mid-test, and a worker killed
// with SIGKILL mid-batch. Both must only delay archiving, never lose or duplicate.
// Workers, runs and private servers go at the end of the file (the cleanup registry),
// newest first and workers gracefully: a SIGKILLed one would leave its spool behind.
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import {
  allAnswered,
  mediaUrl,
  must,
  requestArchive,
  startOnPrivateS3,
  startRun,
  startWorker,
  useFixture,
  waitFor,
  workerEnv,
} from "./harness.ts";
import { listKeys, s3Client } from "./s3-bucket.ts";

const served = useFixture();
const gifUrl = (id: string) => mediaUrl(served.fixture, id);

describe("file worker resilience", () => {
  it("S3 stopped for a while only delays archiving; everything completes after it returns", async () => {
    const { fixture } = served;
    const { s3, run, worker } = await startOnPrivateS3("s3-outage", fixture, {
      RETRY_MAX_DELAY_MS: "500",
      S3_TIMEOUT_MS: "2000",
    });

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
      () => allAnswered(run.results.completed, ids),
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
    const { fixture } = served;
    const run = await startRun("sigkill");
    const env = workerEnv(run, fixture, { WORKER_CONCURRENCY: "2" });
    let worker = startWorker(env);

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
      () => allAnswered(run.results.completed, requests.keys()),
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
