// The worker end to end: it archives byte for byte, stores a repeated request once,
// fails bad sources with their code, dead-letters garbage and keeps going. Against
// real Kafka, the real S3 server and the Giphy fixture, with the worker running as a
// child process exactly as deployed.
import { createHash } from "node:crypto";
import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { freePort } from "@gifmesh/shared/testing";
import { describe, expect, it } from "vitest";
import { allAnswered, mediaUrl, must, requestArchive, useWorkerStack, waitFor } from "./harness.ts";
import { listKeys, s3Client } from "./s3-bucket.ts";

const stack = useWorkerStack("main");
const s3 = s3Client();

const gifUrl = (id: string, file?: string) => mediaUrl(stack.fixture, id, file);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("file worker", () => {
  it("archives a GIF: object bytes and SHA-256 equal the source, plus an archive.completed event", async () => {
    const { fixture, run } = stack;
    const spec = must(fixture.catalogue.all[0], "fixture gif 0");
    const source = Buffer.from(await (await fetch(gifUrl(spec.id))).arrayBuffer());
    const eventId = await requestArchive(run, spec.id, gifUrl(spec.id));

    const done = await waitFor(
      "completed",
      () => run.results.completed.find((e) => e.requestEventId === eventId),
      45_000,
    );
    expect(done.gifId).toBe(spec.id);
    expect(done.sha256).toBe(sha256(source));
    expect(Number(done.sizeBytes)).toBe(source.length);
    expect(done.contentType).toBe("image/gif");
    expect(done.bucket).toBe(run.bucket);
    expect(done.objectKey).toBe(
      `gifs/sha256/${done.sha256.slice(0, 2)}/${done.sha256.slice(2, 4)}/${done.sha256}.gif`,
    );
    expect(done.facts?.width).toBeGreaterThan(0);
    expect(done.facts?.frameCount).toBeGreaterThan(0);

    const object = await s3.send(
      new GetObjectCommand({ Bucket: run.bucket, Key: done.objectKey, ChecksumMode: "ENABLED" }),
    );
    const stored = Buffer.from(await must(object.Body, "object body").transformToByteArray());
    expect(sha256(stored)).toBe(sha256(source));
    expect(object.ChecksumSHA256).toBe(createHash("sha256").update(source).digest("base64"));
    expect(object.Metadata).toMatchObject({
      "gif-id": spec.id,
      rendition: "original",
      "content-type": "image/gif",
      "source-url": gifUrl(spec.id),
    });
  });

  it("delivering the same request three times stores one object and raises no error", async () => {
    const { fixture, run } = stack;
    const spec = must(fixture.catalogue.all[1], "fixture gif 1");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await requestArchive(run, spec.id, gifUrl(spec.id)));
    const events = await waitFor("three completions", () => {
      const found = run.results.completed.filter((e) => ids.includes(e.requestEventId));
      return found.length === 3 ? found : undefined;
    });
    expect(new Set(events.map((e) => e.objectKey)).size).toBe(1);
    const key = must(events[0], "first event").objectKey;
    const prefix = key.slice(0, key.lastIndexOf("/") + 1);
    expect((await listKeys(s3, run.bucket)).filter((k) => k.startsWith(prefix))).toEqual([key]);
    expect(run.results.failed.filter((e) => e.gifId === spec.id)).toEqual([]);
    await s3.send(new HeadObjectCommand({ Bucket: run.bucket, Key: key }));
  });

  it("fails bad sources with the right reason and dead-letters each message", async () => {
    const { fixture, run } = stack;
    const id = must(fixture.catalogue.all[2], "fixture gif 2").id;
    const otherPort = await freePort();
    const cases: [string, string, string][] = [
      ["missing", gifUrl("no-such-gif"), "ARCHIVE.NOT_FOUND"],
      ["html", gifUrl(id, "not-a-gif.gif"), "ARCHIVE.NOT_A_GIF"],
      // Undeclared length, but its body is "GIF89a" then zeros: the parser fails fast, before the limit.
      ["huge-garbage", gifUrl(id, "huge.gif?bytes=3145728"), "ARCHIVE.MALFORMED"],
      ["huge-declared", gifUrl(id, "huge.gif?bytes=3145728&declare=1"), "ARCHIVE.TOO_LARGE"],
      ["truncated", gifUrl(id, "truncated.gif"), "ARCHIVE.MALFORMED"],
      ["loopback", `http://127.0.0.1:${otherPort}/media/x/giphy.gif`, "ARCHIVE.PRIVATE_ADDRESS"],
      ["metadata", "http://169.254.169.254/latest/meta-data/", "ARCHIVE.PRIVATE_ADDRESS"],
      ["redirect-metadata", gifUrl(id, "redirect.gif"), "ARCHIVE.PRIVATE_ADDRESS"],
      [
        "redirect-loopback",
        gifUrl(id, `redirect.gif?to=${encodeURIComponent(`http://127.0.0.1:${otherPort}/x.gif`)}`),
        "ARCHIVE.PRIVATE_ADDRESS",
      ],
      ["disallowed", "https://example.com/cat.gif", "ARCHIVE.HOST_NOT_ALLOWED"],
    ];
    const sent = new Map<string, [string, string]>();
    for (const [name, url, code] of cases)
      sent.set(await requestArchive(run, `bad-${name}`, url), [name, code]);

    await waitFor("all failures", () => allAnswered(run.results.failed, sent.keys()), 45_000);
    for (const [eventId, [name, code]] of sent) {
      const failed = run.results.failed.find((e) => e.requestEventId === eventId);
      expect({ name, code: failed?.code }).toEqual({ name, code });
      expect(failed?.reason).not.toBe("");
    }
    await waitFor("all dead letters", () =>
      cases.every(([name]) => run.results.dlq.some((m) => m.key === `bad-${name}`)),
    );
    for (const [name, , code] of cases) {
      const letter = must(
        run.results.dlq.find((m) => m.key === `bad-${name}`),
        name,
      );
      expect(letter.headers["x-gifmesh-error-code"]).toBe(code);
      expect(letter.headers["x-gifmesh-original-topic"]).toBe(run.topics.requested);
      expect(letter.headers.traceparent).toBeDefined();
    }
  });

  it("dead-letters a garbage message and keeps processing the partition after it", async () => {
    const { fixture, run } = stack;
    const spec = must(fixture.catalogue.all[3], "fixture gif 3");
    // Same key as the valid request after it, so both land on the same partition.
    const garbage = Buffer.from([0x00, 0xff, 0x13, 0x37, ...Buffer.from("not protobuf at all")]);
    await run.producer.send({
      topic: run.topics.requested,
      messages: [{ key: spec.id, value: garbage }],
    });
    await run.producer.send({
      topic: run.topics.requested,
      messages: [{ key: spec.id, value: null }],
    });
    const eventId = await requestArchive(run, spec.id, gifUrl(spec.id));
    await waitFor("completion after garbage", () =>
      run.results.completed.some((e) => e.requestEventId === eventId),
    );
    const letters = await waitFor("garbage dead letters", () => {
      const found = run.results.dlq.filter((m) => m.key === spec.id);
      return found.length === 2 ? found : undefined;
    });
    for (const letter of letters)
      expect(letter.headers["x-gifmesh-error-code"]).toBe("ARCHIVE.BAD_MESSAGE");
    expect(letters.some((l) => l.value?.equals(garbage))).toBe(true);
  });
});
