// Hostile Kafka messages against the real worker (child process, real Kafka, real
// S3, the Giphy fixture's hostile media): random bytes, truncated Protobuf, valid
// requests with SSRF URLs, and hostile files. Each one ends on the dead-letter topic
// with a code (and as archive.failed when it decoded), the worker stays up, and valid
// requests published after all of them, on every partition, are still archived.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { archiveRequest, mediaUrl, must, useWorkerStack, waitFor } from "../harness.ts";
import { HOSTILE_URLS } from "./hostile-urls.ts";

const SEED = 20_261_108;
const CODE_HEADER = "x-gifmesh-error-code";
const stack = useWorkerStack("hostile", { DOWNLOAD_TIMEOUT_MS: "10000" });

async function sendRaw(key: string, value: Buffer): Promise<void> {
  const { run } = stack;
  await run.producer.send({ topic: run.topics.requested, messages: [{ key, value }] });
}

const validRequest = (gifId: string, sourceUrl: string) =>
  archiveRequest({ eventId: `e-${gifId}`, gifId, sourceUrl });

describe("hostile archive requests", () => {
  it("dead-letters every bad message with a code and still archives what comes after", async () => {
    const { fixture, run, worker } = stack;
    const spec = must(fixture.catalogue.all[0], "fixture gif");
    const media = (file: string) => mediaUrl(fixture, spec.id, file);
    // A redirect chain longer than DOWNLOAD_MAX_REDIRECTS (3), all on the fixture.
    let chain = media("giphy.gif");
    for (let i = 0; i < 5; i++) chain = media(`redirect.gif?to=${encodeURIComponent(chain)}`);

    // 1. Random bytes and truncated Protobuf: undecodable → DLQ with ARCHIVE.BAD_MESSAGE.
    const garbage = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 200 }), {
      seed: SEED,
      numRuns: 25,
    });
    const whole = validRequest("trunc", media("giphy.gif"));
    const truncated = [1, 2, 5, 10, 20, 40].map((n) => whole.subarray(0, n));
    const undecodable = new Map<string, Buffer>();
    garbage.forEach((bytes, i) => undecodable.set(`rnd-${i}`, Buffer.from(bytes)));
    truncated.forEach((bytes, i) => undecodable.set(`trunc-${i}`, Buffer.from(bytes)));
    for (const [key, value] of undecodable) await sendRaw(key, value);

    // 2. Valid requests with hostile URLs or hostile files → archive.failed with a code.
    const hostile = new Map<string, { url: string; codes: readonly string[] }>();
    HOSTILE_URLS.forEach((url, i) =>
      hostile.set(`url-${i}`, {
        url,
        codes: ["ARCHIVE.HOST_NOT_ALLOWED", "ARCHIVE.PRIVATE_ADDRESS", "ARCHIVE.BAD_MESSAGE"],
      }),
    );
    hostile.set("file-truncated", { url: media("truncated.gif"), codes: ["ARCHIVE.MALFORMED"] });
    hostile.set("file-html", { url: media("not-a-gif.gif"), codes: ["ARCHIVE.NOT_A_GIF"] });
    hostile.set("file-huge-declared", {
      url: media(`huge.gif?bytes=${3 * 1024 * 1024}&declare=1`),
      codes: ["ARCHIVE.TOO_LARGE"],
    });
    // The fixture's huge body is "GIF89a" + zeros, repeated: the structure check may stop
    // it before the size limit does (downloads.test.ts proves the stop at the limit).
    hostile.set("file-huge-endless", {
      url: media(`huge.gif?bytes=${64 * 1024 * 1024}`),
      codes: ["ARCHIVE.TOO_LARGE", "ARCHIVE.MALFORMED"],
    });
    hostile.set("file-redirect-meta", {
      url: media("redirect.gif"),
      codes: ["ARCHIVE.PRIVATE_ADDRESS"],
    });
    hostile.set("file-redirect-loop", { url: chain, codes: ["ARCHIVE.TOO_MANY_REDIRECTS"] });
    for (const [gifId, { url }] of hostile) await sendRaw(gifId, validRequest(gifId, url));

    // 3. A valid request after all of that on each of the topic's 3 partitions.
    const validIds = [0, 1, 2].map((partition) => `after-${partition}`);
    for (const [partition, gifId] of validIds.entries())
      await run.producer.send({
        topic: run.topics.requested,
        messages: [{ key: gifId, partition, value: validRequest(gifId, media("giphy.gif")) }],
      });

    await waitFor(
      "the valid request on every partition to be archived",
      () => validIds.every((id) => run.results.completed.some((c) => c.gifId === id)),
      60_000,
    );
    const dlqByKey = await waitFor(
      "every bad message on the dead-letter topic",
      () => {
        const byKey = new Map(run.results.dlq.map((d) => [d.key, d]));
        return [...undecodable.keys(), ...hostile.keys()].every((k) => byKey.has(k)) && byKey;
      },
      30_000,
    );

    expect(worker.child.exitCode, worker.output()).toBeNull();
    for (const key of undecodable.keys())
      expect(dlqByKey.get(key)?.headers[CODE_HEADER], key).toBe("ARCHIVE.BAD_MESSAGE");
    for (const [gifId, { url, codes }] of hostile) {
      const code = dlqByKey.get(gifId)?.headers[CODE_HEADER] ?? "";
      expect(codes, `${gifId} ${url.slice(0, 100)}`).toContain(code);
      if (code !== "ARCHIVE.BAD_MESSAGE")
        expect(run.results.failed.find((f) => f.gifId === gifId)?.code, gifId).toBe(code);
    }
    // Nothing hostile reached the bucket: only the one valid GIF's object was written.
    expect(new Set(run.results.completed.map((c) => c.objectKey)).size).toBe(1);
  });
});
