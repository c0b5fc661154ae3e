// The stdout transport: the lines of one event-loop turn in one write, each line what
// winston's Stream transport writes, none lost when the logger ends or the process
// exits with lines still buffered.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../testing/index.ts";
import { createLogger } from "./index.ts";
import { LineBatchTransport } from "./line-batch-transport.ts";

/** A stream that keeps each write apart. */
function capture() {
  const stream = new PassThrough();
  const writes: string[] = [];
  stream.on("data", (chunk: Buffer) => {
    writes.push(chunk.toString());
  });
  return { stream, writes };
}

const sameMillisecond = (text: string) => text.replace(/"timestamp":"[^"]+"/g, '"timestamp":"T"');

describe("the batching transport", () => {
  it("writes a turn's lines once, each as winston's Stream transport writes it", async () => {
    const batched = capture();
    const plain = capture();
    const loggers = [
      createLogger({ service: "gateway", stream: batched.stream, batch: true }),
      createLogger({ service: "gateway", stream: plain.stream, batch: false }),
    ];
    for (const logger of loggers) {
      logger.info("request", { path: "/v1/gifs/search", status: 200 });
      logger.warn("slow", { api_key: "s3cret", duration_ms: 1200 });
      logger.child({ component: "cache" }).error("redis error");
    }
    await nextTurn();
    expect(plain.writes).toHaveLength(3);
    expect(batched.writes).toHaveLength(1);
    expect(sameMillisecond(batched.writes.join(""))).toBe(sameMillisecond(plain.writes.join("")));
    expect(batched.writes[0]).not.toContain("s3cret");

    loggers[0]?.info("next turn");
    await nextTurn();
    expect(batched.writes).toHaveLength(2);
    expect(JSON.parse(batched.writes[1] ?? "")).toMatchObject({ message: "next turn" });
  });

  it("writes what is buffered when the logger ends", async () => {
    const { stream, writes } = capture();
    // A turn that never ends: only the end of the stream can write the line.
    const transport = new LineBatchTransport({ stream, schedule: () => undefined });
    const finished = new Promise((resolve) => transport.once("finish", resolve));
    transport.log({ level: "info", message: "x", [Symbol.for("message")]: "last words" }, () => {});
    await nextTurn();
    expect(writes).toEqual([]);
    transport.end();
    await finished;
    expect(writes).toEqual(["last words\n"]);
  });

  it("writes what is buffered when the process exits before the turn ends", () => {
    const script = `
      import { createLogger } from ${JSON.stringify(join(REPO_ROOT, "shared/src/logging/index.ts"))};
      const logger = createLogger({ service: "gateway" });
      logger.info("one");
      logger.error("fatal", { code: "BOOT.FAILED" });
      process.exit(3);
    `;
    let stdout = "";
    try {
      execFileSync(process.execPath, ["--input-type=module", "--eval", script], {
        encoding: "utf8",
      });
    } catch (error) {
      stdout = String((error as { stdout?: string }).stdout);
      expect((error as { status?: number }).status).toBe(3);
    }
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.message)).toEqual(["one", "fatal"]);
    expect(lines[1]).toMatchObject({ level: "error", code: "BOOT.FAILED", service: "gateway" });
  });
});
