import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { captureLogLines } from "../testing/log-lines.ts";
import { createLogger } from "../logging/index.ts";
import { createShutdown } from "./index.ts";

function setup(timeoutMs = 1_000) {
  const { stream, lines } = captureLogLines();
  const exits: number[] = [];
  const logger = createLogger({ service: "shutdown-test", stream, level: "debug" });
  const shutdown = createShutdown({ logger, timeoutMs, exit: (code) => exits.push(code) });
  return { shutdown, lines, exits };
}

describe("createShutdown", () => {
  it("runs closers once, in reverse registration order, and aborts its signal first", async () => {
    const { shutdown } = setup();
    const order: string[] = [];
    shutdown.onShutdown("kafka client", () => {
      order.push("kafka client");
    });
    shutdown.onShutdown("consumer drain", async () => {
      await sleep(5);
      order.push("consumer drain");
    });
    shutdown.onShutdown("http server", () => {
      order.push(`http server (signal aborted: ${String(shutdown.signal.aborted)})`);
    });
    const [first, second] = await Promise.all([
      shutdown.shutdown("test"),
      shutdown.shutdown("again"),
    ]);
    expect(order).toEqual(["http server (signal aborted: true)", "consumer drain", "kafka client"]);
    expect(first).toBe(true);
    expect(second).toBe(true);
    expect(await shutdown.shutdown("third")).toBe(true);
    expect(order).toHaveLength(3);
  });

  it("keeps closing after a closer fails, and reports it", async () => {
    const { shutdown, lines } = setup();
    const closed: string[] = [];
    shutdown.onShutdown("db", () => {
      closed.push("db");
    });
    shutdown.onShutdown("broken", () => Promise.reject(new Error("nope")));
    expect(await shutdown.shutdown("test")).toBe(false);
    expect(closed).toEqual(["db"]);
    expect(lines.find((l) => l.message === "closer failed")).toMatchObject({
      closer: "broken",
      err: { message: "nope" },
    });
  });

  it("forces exit(1) at the deadline, naming the closer that hung", async () => {
    const { shutdown, lines, exits } = setup(50);
    shutdown.onShutdown("never", () => new Promise<void>(() => undefined));
    void shutdown.shutdown("test");
    await sleep(120);
    expect(exits).toEqual([1]);
    const line = lines.find((l) => String(l.message).startsWith("forcing exit"));
    expect(line).toMatchObject({ level: "error", closer: "never" });
    expect(String(line?.message)).toContain('"never"');
  });

  it("exits 0 after SIGTERM, and a second signal forces exit(1)", async () => {
    const { shutdown, exits, lines } = setup();
    let release: () => void = () => undefined;
    shutdown.onShutdown("slow", () => new Promise<void>((resolve) => (release = resolve)));
    const uninstall = shutdown.installSignalHandlers();
    try {
      process.emit("SIGTERM", "SIGTERM");
      await sleep(10);
      expect(shutdown.signal.aborted).toBe(true);
      process.emit("SIGINT", "SIGINT");
      expect(exits).toEqual([1]);
      expect(lines.some((l) => String(l.message).includes('second SIGINT while "slow"'))).toBe(
        true,
      );
      release();
      await shutdown.shutdown("ignored");
      await sleep(0);
      expect(exits).toEqual([1, 0]);
    } finally {
      uninstall();
    }
  });
});
